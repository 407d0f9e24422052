/*
 * workflows.c - CI configurations: the shapes every system shares
 * (workflow, job, step; see facts/workflows.h) and GitHub Actions, both
 * workflows (YAML files under .github/workflows) and composite actions
 * (action.yml).
 *
 * Steps carry what the supply-chain checks ask of them: the `uses`
 * reference split into owner, repository, path and ref, with `pinned`
 * true only for a full 40-digit commit SHA (or a docker image digest);
 * the secrets a step references; and the expressions in a `run` script
 * that expand attacker-controlled event fields (issue titles, branch
 * names, commit messages) into the shell.
 */
#include "facts/workflows.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAMES_MAX 64

/* --- shared shapes ------------------------------------------------------- */

int cr_ci_workflow(cr_node_id *out, cr_collect *c, const cr_source_file *f,
	const char *system, const char *name)
{
	int rc;

	if ((rc = cr_collect_node(out, c, "workflow", f, f->path, 1)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, *out, "system", system)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, *out, "name",
		    name ? name : f->path)) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, *out, "triggers")) != CR_OK)
		return rc;
	return CR_OK;
}

int cr_ci_job(cr_node_id *out, cr_collect *c, cr_node_id workflow,
	const char *path, const char *id, uint32_t line)
{
	int rc;

	if ((rc = cr_collect_node(out, c, "job", NULL, path, line)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, *out, "id", id)) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, *out, "needs")) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, *out, "secrets")) != CR_OK ||
	    (rc = cr_graph_link(c->g, workflow, "jobs", *out)) != CR_OK ||
	    (rc = cr_graph_link(c->g, *out, "workflow", workflow)) != CR_OK)
		return rc;
	return CR_OK;
}

/* Event fields an outsider controls: a fork's branch name, an issue's
 * title, a commit message.  Expanded into `run`, they are code. */
static const char *const untrusted_suffixes[] = {
	".title", ".body", ".message", ".head_ref", ".head.ref", ".label",
	".head.label", ".default_branch", ".page_name", ".head_branch",
	NULL
};

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static bool is_untrusted(const char *ref, size_t len)
{
	if (len == strlen("github.head_ref") &&
	    memcmp(ref, "github.head_ref", len) == 0)
		return true;
	if (len < 13 || memcmp(ref, "github.event.", 13) != 0)
		return false;
	for (size_t i = 0; untrusted_suffixes[i]; i++)
		if (ends_with(ref, len, untrusted_suffixes[i]))
			return true;
	/* Author and committer names and e-mails are free text too. */
	return (memmem(ref, len, ".author.", 8) ||
		memmem(ref, len, ".committer.", 11)) &&
		(ends_with(ref, len, ".name") || ends_with(ref, len, ".email"));
}

static bool is_ref_char(char ch)
{
	return isalnum((unsigned char)ch) || strchr("_.-*[]'", ch);
}

/* A list of distinct names to add to a node once collected. */
struct names {
	char *items[NAMES_MAX];
	size_t count;
};

static int names_add(struct names *n, const char *s, size_t len)
{
	for (size_t i = 0; i < n->count; i++)
		if (strlen(n->items[i]) == len && memcmp(n->items[i], s, len) == 0)
			return CR_OK;
	if (n->count == NAMES_MAX)
		return CR_OK;
	if (!(n->items[n->count] = strndup(s, len)))
		return CR_ENOMEM;
	n->count++;
	return CR_OK;
}

static int names_flush(const struct names *n, cr_collect *c, cr_node_id id,
	const char *key)
{
	int rc = CR_OK;

	for (size_t i = 0; rc == CR_OK && i < n->count; i++)
		rc = cr_graph_list_push(c->g, id, key, n->items[i]);
	return rc;
}

static void names_release(struct names *n)
{
	for (size_t i = 0; i < n->count; i++)
		free(n->items[i]);
	n->count = 0;
}

/* The untrusted references inside the ${{ }} expressions of text. */
static int find_untrusted(struct names *out, const char *text)
{
	for (const char *open = strstr(text, "${{"); open;
	     open = strstr(open + 3, "${{")) {
		const char *close = strstr(open, "}}");
		const char *p = open + 3;

		if (!close)
			break;
		while (p < close) {
			const char *start = p;
			int rc;

			while (p < close && is_ref_char(*p))
				p++;
			if (p > start && is_untrusted(start, (size_t)(p - start)) &&
			    (rc = names_add(out, start, (size_t)(p - start))) != CR_OK)
				return rc;
			if (p == start)
				p++;
		}
	}
	return CR_OK;
}

/* secrets.NAME references in text. */
static int find_secrets(struct names *out, const char *text)
{
	for (const char *s = strstr(text, "secrets."); s;
	     s = strstr(s + 8, "secrets.")) {
		const char *name = s + 8;
		size_t len = 0;
		int rc;

		if (s > text && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
			continue;
		while (isalnum((unsigned char)name[len]) || name[len] == '_' ||
		       name[len] == '-')
			len++;
		if (len && (rc = names_add(out, name, len)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int walk_secrets(struct names *out, const cr_ynode *v)
{
	int rc = CR_OK;

	if (!v)
		return CR_OK;
	if (v->kind == CR_YSCALAR)
		return find_secrets(out, v->text);
	for (size_t i = 0; rc == CR_OK && i < v->count; i++)
		rc = walk_secrets(out, v->kids[i]);
	return rc;
}

int cr_ci_note_secrets(cr_collect *c, cr_node_id id, const cr_ynode *v)
{
	struct names found = {0};
	int rc = walk_secrets(&found, v);

	if (rc == CR_OK)
		rc = names_flush(&found, c, id, "secrets");
	names_release(&found);
	return rc;
}

/* Record what a script expands: untrusted input, and (with_secrets)
 * the secrets it references. */
static int note_script(cr_collect *c, cr_node_id id, const char *script,
	bool with_secrets)
{
	struct names untrusted = {0}, secrets = {0};
	int rc = find_untrusted(&untrusted, script);

	if (rc == CR_OK && with_secrets)
		rc = find_secrets(&secrets, script);
	if (rc == CR_OK)
		rc = names_flush(&untrusted, c, id, "untrusted");
	if (rc == CR_OK)
		rc = names_flush(&secrets, c, id, "secrets");
	names_release(&untrusted);
	names_release(&secrets);
	return rc;
}

int cr_ci_step(cr_node_id *out, cr_collect *c, cr_node_id job,
	const char *path, int64_t index, const char *run, uint32_t line)
{
	int rc;

	if ((rc = cr_collect_node(out, c, "step", NULL, path, line)) != CR_OK ||
	    (rc = cr_graph_set_int(c->g, *out, "index", index)) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, *out, "secrets")) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, *out, "untrusted")) != CR_OK ||
	    (rc = cr_graph_link(c->g, job, "steps", *out)) != CR_OK ||
	    (rc = cr_graph_link(c->g, *out, "job", job)) != CR_OK)
		return rc;
	if (!run)
		return CR_OK;
	if ((rc = cr_graph_set_str(c->g, *out, "run", run)) != CR_OK)
		return rc;
	return note_script(c, *out, run, true);
}

int cr_ci_set_map(cr_collect *c, cr_node_id id, const char *prefix,
	const cr_ynode *map)
{
	char key[256];

	if (!map || map->kind != CR_YMAP)
		return CR_OK;
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const char *k = cr_ynode_text(map->kids[i]);
		const char *v = cr_ynode_text(map->kids[i + 1]);
		int rc;

		if (!k || !v)
			continue;
		snprintf(key, sizeof key, "%s.%s", prefix, k);
		if ((rc = cr_graph_set_str(c->g, id, key, v)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

int cr_ci_set_text(cr_collect *c, cr_node_id id, const char *key,
	const cr_ynode *v)
{
	char joined[1024];
	size_t n = 0;

	if (!v)
		return CR_OK;
	if (v->kind == CR_YSCALAR)
		return cr_graph_set_str(c->g, id, key, v->text);
	if (v->kind != CR_YSEQ)
		return CR_OK;
	joined[0] = '\0';
	for (size_t i = 0; i < v->count && n < sizeof joined; i++) {
		const char *t = cr_ynode_text(v->kids[i]);

		if (t)
			n += (size_t)snprintf(joined + n, sizeof joined - n,
				"%s%s", n ? ", " : "", t);
	}
	return cr_graph_set_str(c->g, id, key, joined);
}

int cr_ci_push_all(cr_collect *c, cr_node_id id, const char *key,
	const cr_ynode *v)
{
	if (!v)
		return CR_OK;
	if (v->kind == CR_YSCALAR)
		return cr_graph_list_push(c->g, id, key, v->text);
	for (size_t i = 0; i < v->count; i++) {
		const char *t = cr_ynode_text(v->kids[i]);
		int rc;

		if (t && (rc = cr_graph_list_push(c->g, id, key, t)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

int cr_ci_parse_yaml(cr_ydocs *docs, cr_collect *c, const cr_source_file *f,
	const char *parser, const char *buf, size_t len)
{
	cr_problems p = { .file = f->path };
	int rc = cr_yaml_parse_all(docs, &p, buf, len, CR_CI_YAML_NODES);

	if (rc == CR_EPARSE) {
		const char *msg = p.text ? p.text : "invalid YAML";
		const char *colon = strchr(msg, ':');
		unsigned line = colon ? (unsigned)strtoul(colon + 1, NULL, 10) : 0;

		/* p.text reads "path:line: message"; keep the message. */
		if (colon && (colon = strchr(colon + 1, ':')))
			msg = colon + 2;
		rc = cr_collect_parse_error(c, f->path, line, parser, "%.*s",
			(int)strcspn(msg, "\n"), msg);
	}
	cr_problems_release(&p);
	return rc;
}

/* --- GitHub Actions ------------------------------------------------------ */

static bool is_sha(const char *s, size_t len)
{
	if (len != 40)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* uses: owner/repo[/path]@ref, ./local/path, docker://image[@sha256:..] */
static int set_uses(cr_collect *c, cr_node_id id, const char *uses)
{
	const char *at = strrchr(uses, '@');
	size_t name_len = at ? (size_t)(at - uses) : strlen(uses);
	const char *slash = memchr(uses, '/', name_len);
	const char *end = uses + name_len;
	const char *path = slash ? memchr(slash + 1, '/',
		(size_t)(end - slash - 1)) : NULL;
	cr_graph *g = c->g;
	int rc;

	if ((rc = cr_graph_set_str(g, id, "uses", uses)) != CR_OK)
		return rc;
	if (strncmp(uses, "./", 2) == 0 || strncmp(uses, "../", 3) == 0) {
		if ((rc = cr_graph_set_str(g, id, "uses_kind", "local")) != CR_OK)
			return rc;
		return cr_graph_set_bool(g, id, "pinned", true);
	}
	if (strncmp(uses, "docker://", 9) == 0) {
		if ((rc = cr_graph_set_str(g, id, "uses_kind", "docker")) != CR_OK)
			return rc;
		return cr_graph_set_bool(g, id, "pinned",
			strstr(uses, "@sha256:") != NULL);
	}
	if ((rc = cr_graph_set_str(g, id, "uses_kind",
		    strstr(uses, ".github/workflows/") ? "reusable" :
		    "action")) != CR_OK ||
	    (slash && (rc = cr_graph_set_strn(g, id, "uses_owner", uses,
		     (size_t)(slash - uses))) != CR_OK) ||
	    (slash && (rc = cr_graph_set_strn(g, id, "uses_repo", slash + 1,
		     (size_t)((path ? path : end) - slash - 1))) != CR_OK) ||
	    (path && (rc = cr_graph_set_strn(g, id, "uses_path", path + 1,
		     (size_t)(end - path - 1))) != CR_OK) ||
	    (at && (rc = cr_graph_set_str(g, id, "uses_ref", at + 1)) != CR_OK))
		return rc;
	return cr_graph_set_bool(g, id, "pinned",
		at && is_sha(at + 1, strlen(at + 1)));
}

static int set_permissions(cr_collect *c, cr_node_id id, const cr_ynode *v)
{
	if (!v)
		return CR_OK;
	if (v->kind == CR_YSCALAR)
		return cr_graph_set_str(c->g, id, "permissions", v->text);
	if (v->kind == CR_YMAP && v->count == 0)
		return cr_graph_set_str(c->g, id, "permissions", "none");
	return cr_ci_set_map(c, id, "permissions", v);
}

static int github_step(cr_collect *c, const char *path, cr_node_id job,
	int64_t index, const cr_ynode *s)
{
	const char *run = cr_ynode_text(cr_ymap_get(s, "run"));
	const char *uses = cr_ynode_text(cr_ymap_get(s, "uses"));
	const cr_ynode *with = cr_ymap_get(s, "with");
	const char *script = cr_ynode_text(cr_ymap_get(with, "script"));
	cr_node_id id;
	int rc;

	if ((rc = cr_ci_step(&id, c, job, path, index, run, s->line)) != CR_OK ||
	    (uses && (rc = set_uses(c, id, uses)) != CR_OK) ||
	    (rc = cr_ci_set_text(c, id, "name", cr_ymap_get(s, "name"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "id", cr_ymap_get(s, "id"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "if", cr_ymap_get(s, "if"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "shell", cr_ymap_get(s, "shell"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "continue_on_error",
		     cr_ymap_get(s, "continue-on-error"))) != CR_OK ||
	    (rc = cr_ci_set_map(c, id, "with", with)) != CR_OK ||
	    (rc = cr_ci_set_map(c, id, "env", cr_ymap_get(s, "env"))) != CR_OK ||
	    (rc = cr_ci_note_secrets(c, id, with)) != CR_OK ||
	    (rc = cr_ci_note_secrets(c, id, cr_ymap_get(s, "env"))) != CR_OK)
		return rc;
	/* actions/github-script runs its `script` input as JavaScript: the
	 * same injection as a shell `run`. */
	if (uses && script && strncmp(uses, "actions/github-script@", 22) == 0)
		return note_script(c, id, script, false);
	return CR_OK;
}

static int github_job_container(cr_collect *c, cr_node_id id,
	const cr_ynode *job)
{
	const cr_ynode *container = cr_ymap_get(job, "container");
	const cr_ynode *services = cr_ymap_get(job, "services");
	int rc;

	if (container && (rc = cr_ci_set_text(c, id, "container",
		    container->kind == CR_YMAP ?
		    cr_ymap_get(container, "image") : container)) != CR_OK)
		return rc;
	if ((rc = cr_graph_set_list(c->g, id, "services")) != CR_OK)
		return rc;
	for (size_t i = 0; services && services->kind == CR_YMAP &&
	     i + 1 < services->count; i += 2) {
		const cr_ynode *svc = services->kids[i + 1];
		const char *image = cr_ynode_text(svc->kind == CR_YMAP ?
			cr_ymap_get(svc, "image") : svc);

		if (image && (rc = cr_graph_list_push(c->g, id, "services",
			     image)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int github_job(cr_collect *c, const char *path, cr_node_id workflow,
	const cr_ynode *key, const cr_ynode *job)
{
	const cr_ynode *steps = cr_ymap_get(job, "steps");
	const cr_ynode *env = cr_ymap_get(job, "environment");
	const char *uses = cr_ynode_text(cr_ymap_get(job, "uses"));
	const char *secrets = cr_ynode_text(cr_ymap_get(job, "secrets"));
	cr_node_id id;
	int rc;

	if (job->kind != CR_YMAP || !key->text)
		return CR_OK;
	if ((rc = cr_ci_job(&id, c, workflow, path, key->text, key->line)) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "name", cr_ymap_get(job, "name"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "runs_on", cr_ymap_get(job, "runs-on"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "environment", env && env->kind == CR_YMAP ?
		     cr_ymap_get(env, "name") : env)) != CR_OK ||
	    (rc = cr_ci_push_all(c, id, "needs", cr_ymap_get(job, "needs"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "if", cr_ymap_get(job, "if"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "timeout_minutes",
		     cr_ymap_get(job, "timeout-minutes"))) != CR_OK ||
	    (rc = set_permissions(c, id, cr_ymap_get(job, "permissions"))) != CR_OK ||
	    (rc = cr_ci_set_map(c, id, "env", cr_ymap_get(job, "env"))) != CR_OK ||
	    (rc = github_job_container(c, id, job)) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, id, "matrix",
		     cr_ymap_get(cr_ymap_get(job, "strategy"), "matrix") != NULL)) != CR_OK ||
	    (rc = cr_ci_note_secrets(c, id, job)) != CR_OK)
		return rc;
	if (uses && ((rc = cr_graph_set_str(c->g, id, "uses", uses)) != CR_OK ||
		     (rc = cr_graph_set_bool(c->g, id, "secrets_inherit",
			      secrets && strcmp(secrets, "inherit") == 0)) != CR_OK))
		return rc;
	for (size_t i = 0; steps && steps->kind == CR_YSEQ && i < steps->count; i++)
		if (steps->kids[i]->kind == CR_YMAP &&
		    (rc = github_step(c, path, id, (int64_t)i, steps->kids[i])) != CR_OK)
			return rc;
	return CR_OK;
}

static int github_triggers(cr_collect *c, cr_node_id id, const cr_ynode *on)
{
	int rc;

	if (!on || on->kind != CR_YMAP)
		return cr_ci_push_all(c, id, "triggers", on);
	for (size_t i = 0; i + 1 < on->count; i += 2) {
		const char *event = cr_ynode_text(on->kids[i]);

		if (event && (rc = cr_graph_list_push(c->g, id, "triggers",
			     event)) != CR_OK)
			return rc;
	}
	return cr_graph_set_bool(c->g, id, "dispatch_inputs",
		cr_ymap_get(cr_ymap_get(on, "workflow_dispatch"), "inputs") != NULL);
}

static int github_workflow(cr_collect *c, const cr_source_file *f,
	const cr_ynode *doc)
{
	const cr_ynode *jobs = cr_ymap_get(doc, "jobs");
	const cr_ynode *concurrency = cr_ymap_get(doc, "concurrency");
	cr_node_id id;
	int rc;

	if ((rc = cr_ci_workflow(&id, c, f, "github",
		    cr_ynode_text(cr_ymap_get(doc, "name")))) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, id, "named",
		    cr_ymap_get(doc, "name") != NULL)) != CR_OK ||
	    (rc = github_triggers(c, id, cr_ymap_get(doc, "on"))) != CR_OK ||
	    (rc = set_permissions(c, id, cr_ymap_get(doc, "permissions"))) != CR_OK ||
	    (rc = cr_ci_set_map(c, id, "env", cr_ymap_get(doc, "env"))) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, id, "concurrency",
		    concurrency != NULL)) != CR_OK)
		return rc;
	for (size_t i = 0; jobs && jobs->kind == CR_YMAP && i + 1 < jobs->count;
	     i += 2)
		if ((rc = github_job(c, f->path, id, jobs->kids[i],
			     jobs->kids[i + 1])) != CR_OK)
			return rc;
	return CR_OK;
}

/* action.yml: metadata of an action; composite ones have steps. */
static int github_action(cr_collect *c, const cr_source_file *f,
	const cr_ynode *doc)
{
	const cr_ynode *runs = cr_ymap_get(doc, "runs");
	const char *using = cr_ynode_text(cr_ymap_get(runs, "using"));
	const cr_ynode *steps = cr_ymap_get(runs, "steps");
	cr_node_id id, job;
	int rc;

	if (!using)
		return CR_OK;
	if ((rc = cr_ci_workflow(&id, c, f, "github",
		    cr_ynode_text(cr_ymap_get(doc, "name")))) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, id, "composite",
		    strcmp(using, "composite") == 0)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "action_using", using)) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, id, "named",
		    cr_ymap_get(doc, "name") != NULL)) != CR_OK)
		return rc;
	if (!steps || steps->kind != CR_YSEQ)
		return CR_OK;
	if ((rc = cr_ci_job(&job, c, id, f->path, "composite",
		    runs->line)) != CR_OK)
		return rc;
	for (size_t i = 0; i < steps->count; i++)
		if (steps->kids[i]->kind == CR_YMAP &&
		    (rc = github_step(c, f->path, job, (int64_t)i,
			     steps->kids[i])) != CR_OK)
			return rc;
	return CR_OK;
}

static bool is_action_file(const cr_source_file *f)
{
	return strcmp(f->name, "action.yml") == 0 ||
		strcmp(f->name, "action.yaml") == 0;
}

int cr_ci_github_parse(cr_collect *c, const cr_source_file *f,
	const char *buf, size_t len)
{
	cr_ydocs docs;
	int rc = cr_ci_parse_yaml(&docs, c, f, "github-actions", buf, len);

	for (size_t i = 0; rc == CR_OK && i < docs.count; i++) {
		const cr_ynode *doc = docs.docs[i];

		if (!doc || doc->kind != CR_YMAP)
			continue;
		rc = is_action_file(f) ? github_action(c, f, doc) :
			github_workflow(c, f, doc);
	}
	cr_ydocs_release(&docs);
	return rc;
}

/* --- the collector ------------------------------------------------------- */

static int parse_file(cr_collect *c, const cr_source_file *f,
	const char *system, const char *tool, const char *buf, size_t len)
{
	if (tool)
		return cr_ci_update_parse(c, f, buf, len);
	if (!system || strcmp(system, "github") == 0)
		return cr_ci_github_parse(c, f, buf, len);
	return cr_ci_other_parse(c, f, system, buf, len);
}

static int collect_file(cr_collect *c, const cr_source_file *f)
{
	const char *system = cr_ci_system_of(f);
	const char *tool = system ? NULL : cr_ci_update_tool_of(f);
	cr_node_id id;
	char *buf;
	size_t len;
	int rc;

	if (!system && !tool &&
	    (!is_action_file(f) || strstr(f->path, "node_modules/")))
		return CR_OK;
	if (system &&
	    ((rc = cr_collect_node(&id, c, "ci_config", f, f->path, 0)) != CR_OK ||
	     (rc = cr_graph_set_str(c->g, id, "system", system)) != CR_OK))
		return rc;
	rc = cr_collect_read(&buf, &len, c, f, system ? system : tool ? tool :
		"github-actions");
	if (rc == CR_ENOTFOUND)
		return CR_OK;
	if (rc == CR_OK) {
		rc = parse_file(c, f, system, tool, buf, len);
		free(buf);
	}
	return rc;
}

int cr_workflows_collect(cr_collect *c)
{
	int rc = CR_OK;

	for (size_t i = 0; rc == CR_OK && i < c->nfiles; i++)
		rc = collect_file(c, &c->files[i]);
	if (rc == CR_ENOMEM)
		return cr_error_set(c->ctx, rc, "out of memory");
	return rc;
}
