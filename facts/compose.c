/*
 * compose.c - docker-compose files as facts: one "compose_file" node per
 * file and a "compose_service" per service (docs/facts/docker.md).
 *
 * Compose files lean on anchors and `<<` merge keys to share settings
 * between services; cr_yaml_parse_all() expands them within a node
 * budget, so a service reads the same here as in `docker compose
 * config`.  Most settings come in a short and a long syntax (ports,
 * volumes, environment, depends_on); both are normalized to the short
 * one, as the user would write it.
 */
#include "facts/dockerfile_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/yaml.h"

#define PARSER "compose"
#define REDACTED "<redacted>"
#define COMPOSE_NODES_MAX 200000

static bool suffix_is(const char *s, const char *suffix)
{
	size_t len = strlen(s), n = strlen(suffix);

	return len >= n && !strcmp(s + len - n, suffix);
}

/* compose.yaml, docker-compose.yml, docker-compose.prod.yml, ... */
bool cr_compose_file_name(const char *name)
{
	if (strncmp(name, "compose.", 8) && strncmp(name, "docker-compose.", 15))
		return false;
	return suffix_is(name, ".yml") || suffix_is(name, ".yaml");
}

struct compose {
	cr_collect *c;
	const char *path;
	cr_node_id file;
};

/* --- values -------------------------------------------------------------------- */

static bool yaml_true(const cr_ynode *n)
{
	bool v = false;

	if (!n || n->kind != CR_YSCALAR)
		return false;
	if (!cr_ynode_bool(&v, n))
		v = !strcmp(n->text, "true");
	return v;
}

static int set_text(struct compose *cb, cr_node_id n, const char *key,
	const cr_ynode *v)
{
	const char *text = cr_ynode_text(v);

	return text ? cr_graph_set_str(cb->c->g, n, key, text) : CR_OK;
}

/* The short form of one long-syntax port: [ip:]published:target/proto. */
static void port_text(char *out, size_t cap, const cr_ynode *port)
{
	const char *ip = cr_ynode_text(cr_ymap_get(port, "host_ip"));
	const char *published = cr_ynode_text(cr_ymap_get(port, "published"));
	const char *target = cr_ynode_text(cr_ymap_get(port, "target"));
	const char *protocol = cr_ynode_text(cr_ymap_get(port, "protocol"));

	snprintf(out, cap, "%s%s%s%s%s%s%s", ip ? ip : "", ip ? ":" : "",
		published ? published : "", published ? ":" : "",
		target ? target : "", protocol ? "/" : "", protocol ? protocol : "");
}

/* A volume's host path when it bind-mounts one: "./data:/data", "/var/
 * run/docker.sock:/var/run/docker.sock:ro", or {type: bind, source}. */
static size_t host_path(const char *volume, const char **start)
{
	size_t len = strcspn(volume, ":");

	*start = volume;
	if (!volume[len])
		return 0; /* an anonymous volume: only a target */
	if (volume[0] == '/' || volume[0] == '.' || volume[0] == '~' ||
	    volume[0] == '$')
		return len;
	return 0;
}

static int volume(struct compose *cb, cr_node_id n, const cr_ynode *v)
{
	cr_graph *g = cb->c->g;
	const char *text = cr_ynode_text(v), *host;
	char buf[1024];
	size_t len;
	int rc;

	if (!text && v->kind == CR_YMAP) {
		const char *source = cr_ynode_text(cr_ymap_get(v, "source"));
		const char *target = cr_ynode_text(cr_ymap_get(v, "target"));
		const char *type = cr_ynode_text(cr_ymap_get(v, "type"));

		snprintf(buf, sizeof buf, "%s%s%s%s", source ? source : "",
			source ? ":" : "", target ? target : "",
			yaml_true(cr_ymap_get(v, "read_only")) ? ":ro" : "");
		if ((rc = cr_graph_list_push(g, n, "volumes", buf)))
			return rc;
		if (type && !strcmp(type, "bind") && source)
			return cr_graph_list_push(g, n, "host_volumes", source);
		return CR_OK;
	}
	if (!text)
		return CR_OK;
	if ((rc = cr_graph_list_push(g, n, "volumes", text)))
		return rc;
	if (!(len = host_path(text, &host)))
		return CR_OK;
	snprintf(buf, sizeof buf, "%.*s", (int)len, host);
	return cr_graph_list_push(g, n, "host_volumes", buf);
}

/* A list written as a scalar, a sequence, or (depends_on) a mapping. */
static int string_list(struct compose *cb, cr_node_id n, const char *key,
	const cr_ynode *v)
{
	cr_graph *g = cb->c->g;
	char buf[256];
	int rc = cr_graph_set_list(g, n, key);

	if (rc || !v)
		return rc;
	if (v->kind == CR_YSCALAR)
		return cr_graph_list_push(g, n, key, v->text);
	for (size_t i = 0; rc == CR_OK && i < v->count;
	     i += v->kind == CR_YMAP ? 2 : 1) {
		const cr_ynode *item = v->kids[i];
		const char *text = cr_ynode_text(item);

		if (!strcmp(key, "volumes")) {
			rc = volume(cb, n, item);
			continue;
		}
		if (!text && !strcmp(key, "ports") && item->kind == CR_YMAP) {
			port_text(buf, sizeof buf, item);
			text = buf;
		}
		if (!text && !strcmp(key, "env_file") && item->kind == CR_YMAP)
			text = cr_ynode_text(cr_ymap_get(item, "path"));
		if (text)
			rc = cr_graph_list_push(g, n, key, text);
	}
	return rc;
}

/* --- environment ----------------------------------------------------------------- */

static int env_var(struct compose *cb, cr_node_id n, const char *name,
	size_t name_len, const char *value)
{
	cr_graph *g = cb->c->g;
	char key[256], bare[128];
	bool secret;
	int rc;

	snprintf(bare, sizeof bare, "%.*s", (int)name_len, name);
	snprintf(key, sizeof key, "environment.%s", bare);
	secret = cr_docker_secret_like(bare, value);
	if (secret && (rc = cr_graph_list_push(g, n, "secret_like", bare)))
		return rc;
	if (!value)
		return cr_graph_set_null(g, n, key);
	return cr_graph_set_str(g, n, key, secret ? REDACTED : value);
}

static int environment(struct compose *cb, cr_node_id n, const cr_ynode *v)
{
	int rc = cr_graph_set_list(cb->c->g, n, "secret_like");

	if (rc || !v || v->kind == CR_YSCALAR)
		return rc;
	for (size_t i = 0; rc == CR_OK && i < v->count;
	     i += v->kind == CR_YMAP ? 2 : 1) {
		const char *text = cr_ynode_text(v->kids[i]), *eq;

		if (!text)
			continue;
		if (v->kind == CR_YMAP)
			rc = env_var(cb, n, text, strlen(text),
				cr_ynode_is_null(v->kids[i + 1]) ? NULL :
				cr_ynode_text(v->kids[i + 1]));
		else if ((eq = strchr(text, '=')))
			rc = env_var(cb, n, text, (size_t)(eq - text), eq + 1);
		else
			rc = env_var(cb, n, text, strlen(text), NULL);
	}
	return rc;
}

/* --- one service ----------------------------------------------------------------- */

static int build(struct compose *cb, cr_node_id n, const cr_ynode *v)
{
	int rc;

	if (!v)
		return CR_OK;
	if (v->kind == CR_YSCALAR)
		return set_text(cb, n, "build", v);
	rc = set_text(cb, n, "build", cr_ymap_get(v, "context"));
	if (rc == CR_OK)
		rc = set_text(cb, n, "build_dockerfile",
			cr_ymap_get(v, "dockerfile"));
	return rc;
}

/* On unless disabled: `disable: true` or `test: NONE` / ["NONE"]. */
static bool healthcheck(const cr_ynode *v)
{
	const cr_ynode *test = cr_ymap_get(v, "test");
	const char *first;

	if (!v || v->kind != CR_YMAP || yaml_true(cr_ymap_get(v, "disable")))
		return false;
	first = test && test->kind == CR_YSEQ && test->count ?
		cr_ynode_text(test->kids[0]) : cr_ynode_text(test);
	return !first || strcmp(first, "NONE");
}

static int limits(struct compose *cb, cr_node_id n, const cr_ynode *deploy)
{
	const cr_ynode *m = cr_ymap_get(cr_ymap_get(deploy, "resources"),
		"limits");
	char key[160];
	int rc = CR_OK;

	if (!m || m->kind != CR_YMAP)
		return CR_OK;
	for (size_t i = 0; rc == CR_OK && i + 1 < m->count; i += 2) {
		const char *name = cr_ynode_text(m->kids[i]);

		if (!name || !cr_ynode_text(m->kids[i + 1]))
			continue;
		snprintf(key, sizeof key, "deploy.resources.limits.%.100s", name);
		rc = set_text(cb, n, key, m->kids[i + 1]);
	}
	return rc;
}

static const char *const text_keys[] = {
	"user", "network_mode", "pid", "ipc", "restart", "container_name",
	"platform",
};
static const char *const list_keys[] = {
	"ports", "volumes", "env_file", "cap_add", "cap_drop", "security_opt",
	"depends_on", "devices",
};

static int service(struct compose *cb, const cr_ynode *key,
	const cr_ynode *svc)
{
	cr_graph *g = cb->c->g;
	const char *image = cr_ynode_text(cr_ymap_get(svc, "image"));
	cr_node_id n;
	int rc;

	if ((rc = cr_collect_node(&n, cb->c, "compose_service", NULL, cb->path,
			key->line)) ||
	    (rc = cr_graph_set_str(g, n, "name", key->text)) ||
	    (rc = cr_graph_link(g, cb->file, "services", n)) ||
	    (rc = cr_graph_link(g, n, "file", cb->file)) ||
	    (rc = cr_graph_set_list(g, n, "host_volumes")) ||
	    (image && (rc = cr_docker_set_image(cb->c, n, image))) ||
	    (rc = build(cb, n, cr_ymap_get(svc, "build"))) ||
	    (rc = cr_graph_set_bool(g, n, "privileged",
		    yaml_true(cr_ymap_get(svc, "privileged")))) ||
	    (rc = cr_graph_set_bool(g, n, "read_only",
		    yaml_true(cr_ymap_get(svc, "read_only")))) ||
	    (rc = cr_graph_set_bool(g, n, "healthcheck",
		    healthcheck(cr_ymap_get(svc, "healthcheck")))) ||
	    (rc = environment(cb, n, cr_ymap_get(svc, "environment"))) ||
	    (rc = limits(cb, n, cr_ymap_get(svc, "deploy"))))
		return rc;
	for (size_t i = 0; i < sizeof text_keys / sizeof *text_keys; i++)
		if ((rc = set_text(cb, n, text_keys[i],
				cr_ymap_get(svc, text_keys[i]))))
			return rc;
	for (size_t i = 0; i < sizeof list_keys / sizeof *list_keys; i++)
		if ((rc = string_list(cb, n, list_keys[i],
				cr_ymap_get(svc, list_keys[i]))))
			return rc;
	return CR_OK;
}

/* --- the file -------------------------------------------------------------------- */

static int document(struct compose *cb, const cr_ynode *doc, size_t *count)
{
	const cr_ynode *services = cr_ymap_get(doc, "services");
	int rc;

	if ((rc = set_text(cb, cb->file, "version", cr_ymap_get(doc, "version"))) ||
	    (rc = set_text(cb, cb->file, "name", cr_ymap_get(doc, "name"))))
		return rc;
	if (!services || services->kind != CR_YMAP)
		return CR_OK;
	for (size_t i = 0; i + 1 < services->count; i += 2) {
		const cr_ynode *key = services->kids[i], *svc = services->kids[i + 1];

		if (!cr_ynode_text(key) || svc->kind != CR_YMAP)
			continue;
		if ((rc = service(cb, key, svc)))
			return rc;
		(*count)++;
	}
	return CR_OK;
}

/* "file:line: message\n..." (file empty here): the first problem. */
static int parse_error(struct compose *cb, const cr_problems *p)
{
	const char *text = p->text ? p->text : ":0: invalid YAML";
	char *end;
	unsigned long line = strtoul(text + 1, &end, 10);

	if (*end == ':')
		end += 1 + (end[1] == ' ');
	return cr_collect_parse_error(cb->c, cb->path, (uint32_t)line, PARSER,
		"%.*s", (int)strcspn(end, "\n"), end);
}

int cr_compose_collect_buffer(cr_collect *c, const cr_source_file *f,
	const char *path, const char *buf, size_t len)
{
	struct compose cb = { .c = c, .path = path };
	cr_problems problems = {0};
	cr_ydocs docs = {0};
	size_t services = 0;
	int rc, parsed;

	parsed = cr_yaml_parse_all(&docs, &problems, buf, len, COMPOSE_NODES_MAX);
	if (parsed == CR_ENOMEM || problems.oom) {
		rc = cr_error_set(c->ctx, CR_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	if ((rc = cr_collect_node(&cb.file, c, "compose_file", f, path, 0)))
		goto failed;
	for (size_t i = 0; i < docs.count; i++)
		if (docs.docs[i] && (rc = document(&cb, docs.docs[i], &services)))
			goto failed;
	if ((rc = cr_graph_set_int(c->g, cb.file, "service_count", (int64_t)services)))
		goto failed;
	if (parsed != CR_OK)
		rc = parse_error(&cb, &problems);
	goto done;
failed:
	rc = cr_error_set(c->ctx, rc, "%s: cannot record compose facts", path);
done:
	cr_ydocs_release(&docs);
	cr_problems_release(&problems);
	return rc;
}
