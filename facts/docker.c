/*
 * docker.c - Dockerfiles and Containerfiles as facts: one "dockerfile"
 * node per file, a "docker_stage" per FROM and a "docker_instruction"
 * per instruction (docs/facts/docker.md).
 *
 * The parser (dockerfile_parse.c) gives the instructions; this file
 * follows them in order the way a build does: global ARGs substitute into
 * FROM, a FROM naming an earlier stage inherits that stage's USER,
 * HEALTHCHECK and EXPOSE, and what is in effect in the last stage is what
 * the image ships with.  It also picks the files (compose files go to
 * compose.c), so that the inventory is walked once for both.
 */
#include "facts/dockerfile_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARSER "dockerfile"
#define REDACTED "<redacted>"

/* --- which files ------------------------------------------------------------- */

enum docker_file { NOT_DOCKER, DOCKERFILE, DOCKERFILE_MAYBE, COMPOSE };

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static enum docker_file classify(const char *name)
{
	size_t len = strlen(name);

	if (!strcasecmp(name, "Dockerfile") || !strcasecmp(name, "Containerfile") ||
	    (len > 11 && !strcasecmp(name + len - 11, ".dockerfile")))
		return DOCKERFILE;
	if (has_prefix_ci(name, "Dockerfile.") ||
	    has_prefix_ci(name, "Containerfile."))
		return DOCKERFILE_MAYBE;
	return cr_compose_file_name(name) ? COMPOSE : NOT_DOCKER;
}

/* Dockerfile.md, Dockerfile.dockerignore: the first line that is not
 * blank or a comment must start with an instruction. */
static bool looks_like_dockerfile(const char *buf)
{
	const char *s = buf;

	for (;;) {
		s += strspn(s, " \t\r\n");
		if (*s != '#')
			break;
		s += strcspn(s, "\n");
	}
	return cr_df_keyword(s, strcspn(s, " \t\r\n"));
}

/* --- shared with compose.c --------------------------------------------------- */

static bool contains_ci(const char *s, const char *word)
{
	size_t len = strlen(word);

	for (; *s; s++)
		if (!strncasecmp(s, word, len))
			return true;
	return false;
}

bool cr_docker_secret_like(const char *name, const char *value)
{
	static const char *const names[] = {
		"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY",
		"PRIVATE_KEY", "ACCESS_KEY", "CLIENT_KEY", "CREDENTIAL",
	};
	static const char *const tokens[] = {
		"ghp_", "gho_", "ghs_", "github_pat_", "glpat-", "xoxb-",
		"xoxp-", "sk_live_", "AKIA", "-----BEGIN",
	};

	if (!value || !*value || *value == '$')
		return false;
	for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++)
		if (!strncmp(value, tokens[i], strlen(tokens[i])))
			return true;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (contains_ci(name, names[i]))
			return true;
	return false;
}

static int set_span(cr_graph *g, cr_node_id n, const char *key, cr_span s)
{
	return s.len ? cr_graph_set_strn(g, n, key, s.ptr, s.len) : CR_OK;
}

int cr_docker_set_image(cr_collect *c, cr_node_id n, const char *image)
{
	cr_image_ref ref;
	cr_span registry, repository;
	bool hub, latest;
	int rc;

	cr_image_ref_split(&ref, image);
	registry = ref.registry;
	repository = ref.repository;
	hub = !registry.len ||
		(registry.len == 15 && !memcmp(registry.ptr, "index.docker.io", 15)) ||
		(registry.len == 9 && !memcmp(registry.ptr, "docker.io", 9)) ||
		(registry.len == 20 && !memcmp(registry.ptr, "registry-1.docker.io", 20));
	if (hub) {
		registry = (cr_span){ "docker.io", 9 };
		if (repository.len > 8 && !memcmp(repository.ptr, "library/", 8)) {
			repository.ptr += 8;
			repository.len -= 8;
		}
	}
	latest = !ref.digest.len && (!ref.tag.len ||
		(ref.tag.len == 6 && !memcmp(ref.tag.ptr, "latest", 6)));
	if ((rc = cr_graph_set_str(c->g, n, "image", image)) != CR_OK ||
	    (rc = set_span(c->g, n, "registry", registry)) != CR_OK ||
	    (rc = set_span(c->g, n, "repository", repository)) != CR_OK ||
	    (rc = set_span(c->g, n, "tag", ref.tag)) != CR_OK ||
	    (rc = set_span(c->g, n, "digest", ref.digest)) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, n, "pinned", ref.digest.len)) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, n, "latest", latest)) != CR_OK)
		return cr_error_set(c->ctx, rc, "cannot record image %s", image);
	return CR_OK;
}

/* --- building one Dockerfile's facts ----------------------------------------- */

struct stage {
	cr_node_id node;
	char *name;               /* alias, or NULL */
	int base;                 /* index of the stage FROM names, or -1 */
	const char *user;         /* last USER of the stage itself */
	int healthcheck;          /* -1 unset, 0 NONE, 1 set */
	cr_strv exposed;
	char *shell;              /* of SHELL ["..."], NULL: /bin/sh -c */
};

struct build {
	cr_collect *c;
	const char *path;
	const cr_dockerfile *df;
	cr_node_id file;          /* the dockerfile node */
	cr_strv arg_names, arg_values; /* ARGs before the first FROM */
	struct stage *stages;
	size_t nstages, stages_cap;
	cr_strv base_images;
};

static struct stage *current(struct build *b)
{
	return b->nstages ? &b->stages[b->nstages - 1] : NULL;
}

static int stage_named(const struct build *b, const char *name)
{
	for (size_t i = 0; i < b->nstages; i++)
		if (b->stages[i].name && !strcasecmp(b->stages[i].name, name))
			return (int)i;
	return -1;
}

static int set_list(cr_graph *g, cr_node_id n, const char *key,
	const cr_strv *sv)
{
	int rc = cr_graph_set_list(g, n, key);

	for (size_t i = 0; rc == CR_OK && i < sv->n; i++)
		rc = cr_graph_list_push(g, n, key, sv->v[i]);
	return rc;
}

/* Set prefix+name to a string, or to true when value is NULL. */
static int set_keyed(cr_graph *g, cr_node_id n, const char *prefix,
	const char *name, const char *value)
{
	size_t len = strlen(prefix) + strlen(name) + 1;
	char *key = malloc(len);
	int rc;

	if (!key)
		return CR_ENOMEM;
	snprintf(key, len, "%s%s", prefix, name);
	rc = value ? cr_graph_set_str(g, n, key, value) :
		cr_graph_set_bool(g, n, key, true);
	free(key);
	return rc;
}

/* ${VAR} in s with the global ARGs; s itself when a variable has no
 * value (*dynamic then tells so).  The caller frees *out. */
static int expand(struct build *b, char **out, bool *dynamic, const char *s)
{
	int rc = cr_df_expand(out, dynamic, s, &b->arg_names, &b->arg_values);

	if (rc == CR_OK && *dynamic) {
		free(*out);
		if (!(*out = strdup(s)))
			rc = CR_ENOMEM;
	}
	return rc;
}

static int new_stage(struct build *b, struct stage **out)
{
	if (b->nstages == b->stages_cap) {
		size_t cap = b->stages_cap ? b->stages_cap * 2 : 4;
		struct stage *v = realloc(b->stages, cap * sizeof *v);

		if (!v)
			return CR_ENOMEM;
		b->stages = v;
		b->stages_cap = cap;
	}
	*out = &b->stages[b->nstages++];
	**out = (struct stage){ .base = -1, .healthcheck = -1 };
	return CR_OK;
}

/* What FROM pulls: an earlier stage, scratch, an image decided by a
 * build argument, or a registry image split into its parts. */
static int stage_image(struct build *b, struct stage *st, const char *image,
	bool dynamic)
{
	cr_graph *g = b->c->g;
	bool scratch = !strcasecmp(image, "scratch");
	int rc;

	if ((rc = cr_graph_set_bool(g, st->node, "from_stage", st->base >= 0)) ||
	    (rc = cr_graph_set_bool(g, st->node, "scratch", scratch)) ||
	    (rc = cr_graph_set_bool(g, st->node, "dynamic", dynamic)))
		return rc;
	if (st->base >= 0)
		rc = cr_graph_link(g, st->node, "base_stage",
			b->stages[st->base].node);
	else if (!scratch)
		rc = cr_strv_push(&b->base_images, image);
	if (rc != CR_OK)
		return rc;
	if (st->base < 0 && !scratch && !dynamic)
		return cr_docker_set_image(b->c, st->node, image);
	if ((rc = cr_graph_set_str(g, st->node, "image", image)) ||
	    (rc = cr_graph_set_bool(g, st->node, "pinned", false)))
		return rc;
	return cr_graph_set_bool(g, st->node, "latest", false);
}

/* FROM [--platform=P] image [AS name] */
static int from(struct build *b, const cr_df_instr *in)
{
	cr_graph *g = b->c->g;
	cr_strv words = {0};
	char *image = NULL, *platform = NULL;
	bool dynamic, unresolved;
	struct stage *st;
	int rc;

	if ((rc = cr_df_words(&words, in->rest, b->df->escape)) ||
	    (rc = expand(b, &image, &dynamic, words.n ? words.v[0] : "")) ||
	    (rc = new_stage(b, &st)))
		goto done;
	st->base = stage_named(b, image);
	if (st->base >= 0 && b->stages[st->base].shell &&
	    !(st->shell = strdup(b->stages[st->base].shell))) {
		rc = CR_ENOMEM;
		goto done;
	}
	if (words.n >= 3 && !strcasecmp(words.v[1], "AS") &&
	    !(st->name = strdup(words.v[2]))) {
		rc = CR_ENOMEM;
		goto done;
	}
	if ((rc = cr_collect_node(&st->node, b->c, "docker_stage", NULL,
			b->path, in->line)) ||
	    (rc = cr_graph_set_int(g, st->node, "index",
		    (int64_t)b->nstages - 1)) ||
	    (rc = cr_graph_set_str(g, st->node, "name",
		    st->name ? st->name : "")) ||
	    (rc = cr_graph_link(g, b->file, "stages", st->node)) ||
	    (rc = cr_graph_link(g, st->node, "dockerfile", b->file)) ||
	    (rc = stage_image(b, st, image, dynamic)))
		goto done;
	for (size_t i = 0; i < in->nflags; i++) {
		if (strcmp(in->flags[i].name, "platform") || !in->flags[i].value)
			continue;
		free(platform);
		if ((rc = expand(b, &platform, &unresolved, in->flags[i].value)) ||
		    (rc = cr_graph_set_str(g, st->node, "platform", platform)))
			goto done;
	}
done:
	free(platform);
	free(image);
	cr_strv_release(&words);
	return rc;
}

/* --- ENV and ARG ---------------------------------------------------------------- */

struct pairs {
	cr_strv names, values;    /* values[i] NULL: ARG without default */
};

/* NAME=value words, or the legacy `ENV NAME value with spaces`. */
static int read_pairs(struct pairs *out, const cr_df_instr *in, char escape)
{
	cr_strv words = {0};
	int rc = cr_df_words(&words, in->rest, escape);

	if (rc == CR_OK && !strcmp(in->keyword, "ENV") && words.n &&
	    !strchr(words.v[0], '=')) {
		const char *v = in->rest + strcspn(in->rest, " \t");

		v += strspn(v, " \t");
		if (!(rc = cr_strv_push(&out->names, words.v[0])))
			rc = cr_strv_push(&out->values, v);
		goto done;
	}
	for (size_t i = 0; rc == CR_OK && i < words.n; i++) {
		char *eq = strchr(words.v[i], '=');
		size_t len = eq ? (size_t)(eq - words.v[i]) : strlen(words.v[i]);

		if (!(rc = cr_strv_pushn(&out->names, words.v[i], len)))
			rc = cr_strv_pushn(&out->values, eq ? eq + 1 : NULL,
				eq ? strlen(eq + 1) : 0);
	}
done:
	cr_strv_release(&words);
	return rc;
}

/* A global ARG: its default (expanded with the ones before) serves FROM. */
static int global_arg(struct build *b, const char *name, const char *value)
{
	char *expanded = NULL;
	bool unresolved;
	int rc = CR_OK;

	if (value && (rc = cr_df_expand(&expanded, &unresolved, value,
			&b->arg_names, &b->arg_values)))
		return rc;
	if (!(rc = cr_strv_push(&b->arg_names, name)))
		rc = cr_strv_pushn(&b->arg_values, expanded,
			expanded ? strlen(expanded) : 0);
	free(expanded);
	return rc;
}

static int env_arg(struct build *b, const cr_df_instr *in, cr_node_id n)
{
	cr_graph *g = b->c->g;
	struct pairs p = {0};
	cr_strv secret = {0};
	char *shown = NULL;
	size_t shown_len = 0;
	FILE *args = NULL;
	int rc;

	if ((rc = read_pairs(&p, in, b->df->escape)) ||
	    (rc = set_list(g, n, "names", &p.names)))
		goto done;
	if (!(args = open_memstream(&shown, &shown_len))) {
		rc = CR_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < p.names.n; i++) {
		const char *name = p.names.v[i], *value = p.values.v[i];
		bool hidden = cr_docker_secret_like(name, value);

		if (hidden && (rc = cr_strv_push(&secret, name)))
			goto done;
		fprintf(args, "%s%s%s%s", i ? " " : "", name, value ? "=" : "",
			value ? (hidden ? REDACTED : value) : "");
		if (value && (rc = set_keyed(g, n, "values.", name,
				hidden ? REDACTED : value)))
			goto done;
		if (!b->nstages && !strcmp(in->keyword, "ARG") &&
		    (rc = global_arg(b, name, value)))
			goto done;
	}
	if (fclose(args)) {
		args = NULL;
		rc = CR_ENOMEM;
		goto done;
	}
	args = NULL;
	if ((rc = set_list(g, n, "secret_like", &secret)) == CR_OK && secret.n)
		rc = cr_graph_set_str(g, n, "arguments", shown);
done:
	if (args)
		fclose(args);
	free(shown);
	cr_strv_release(&secret);
	cr_strv_release(&p.names);
	cr_strv_release(&p.values);
	return rc;
}

/* --- COPY and ADD ------------------------------------------------------------- */

static bool is_remote(const char *src)
{
	return strstr(src, "://") || !strncmp(src, "git@", 4);
}

static bool is_archive(const char *src)
{
	static const char *const exts[] = {
		".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz",
		".txz", ".tar.zst", ".gz", ".bz2", ".xz",
	};
	size_t len = strlen(src);

	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		size_t n = strlen(exts[i]);

		if (len > n && !strcasecmp(src + len - n, exts[i]))
			return true;
	}
	return false;
}

static const char *flag(const cr_df_instr *in, const char *name)
{
	const char *value = NULL;

	for (size_t i = 0; i < in->nflags; i++)
		if (!strcmp(in->flags[i].name, name))
			value = in->flags[i].value ? in->flags[i].value : "";
	return value;
}

/* The stage `--from` names: an alias or an index of an earlier stage. */
static int stage_of_from(const struct build *b, const char *from)
{
	char *end;
	long index = strtol(from, &end, 10);

	if (*from && !*end)
		return index >= 0 && (size_t)index + 1 < b->nstages ? (int)index : -1;
	return stage_named(b, from);
}

static int copy_add(struct build *b, const cr_df_instr *in, cr_node_id n)
{
	cr_graph *g = b->c->g;
	cr_strv words = {0};
	bool remote = false, archive = false;
	const char *chown = flag(in, "chown"), *from = flag(in, "from");
	int rc, base;

	if ((rc = cr_df_words(&words, in->rest, b->df->escape)))
		goto done;
	if (words.n && (rc = cr_graph_set_str(g, n, "destination",
			words.v[words.n - 1])))
		goto done;
	if (words.n) {
		free(words.v[--words.n]);
	}
	for (size_t i = 0; i < words.n; i++) {
		remote |= is_remote(words.v[i]);
		archive |= !is_remote(words.v[i]) && is_archive(words.v[i]);
	}
	if ((rc = set_list(g, n, "sources", &words)) ||
	    (chown && (rc = cr_graph_set_str(g, n, "chown", chown))))
		goto done;
	if (!strcmp(in->keyword, "ADD") &&
	    ((rc = cr_graph_set_bool(g, n, "remote", remote)) ||
	     (rc = cr_graph_set_bool(g, n, "archive", archive))))
		goto done;
	if (from && (base = stage_of_from(b, from)) >= 0)
		rc = cr_graph_link(g, n, "copy_from", b->stages[base].node);
done:
	cr_strv_release(&words);
	return rc;
}

/* --- RUN ---------------------------------------------------------------------- */

static int analyze_run(cr_run_facts *r, const cr_df_instr *in)
{
	int rc;

	if (in->exec_form) {
		if (in->argc >= 3 && cr_run_shell(in->argv[0]) &&
		    !strcmp(in->argv[1], "-c"))
			return cr_run_analyze(r, in->argv[2], strlen(in->argv[2]));
		char *joined = cr_words_join(in->argv, in->argc);

		if (!joined)
			return CR_ENOMEM;
		rc = cr_run_analyze(r, joined, strlen(joined));
		free(joined);
		return rc;
	}
	if ((rc = cr_run_analyze(r, in->rest, strlen(in->rest))))
		return rc;
	/* RUN <<EOF, RUN bash <<EOF: the heredoc is the script */
	if (strncmp(in->rest, "<<", 2) &&
	    !(r->programs.n && cr_run_shell(r->programs.v[0])))
		return CR_OK;
	for (size_t i = 0; i < in->nheredocs; i++)
		if ((rc = cr_run_analyze(r, in->heredocs[i].body,
				strlen(in->heredocs[i].body))))
			return rc;
	return CR_OK;
}

static int run_managers(cr_graph *g, cr_node_id n, const cr_run_facts *r)
{
	int rc = CR_OK;

	if (r->installed & (1u << CR_PKG_APT) &&
	    ((rc = cr_graph_set_bool(g, n, "apt_no_install_recommends",
		    r->apt_installs_lean == r->apt_installs)) ||
	     (rc = cr_graph_set_bool(g, n, "apt_cleanup",
		    r->cleaned & (1u << CR_PKG_APT)))))
		return rc;
	for (unsigned m = 0; rc == CR_OK && m < CR_PKG_COUNT; m++) {
		char key[64];

		if (!(r->installed & (1u << m)))
			continue;
		snprintf(key, sizeof key, "package_cache_cleaned.%s",
			cr_pkg_name(m));
		rc = cr_graph_set_bool(g, n, key, r->cleaned & (1u << m));
	}
	return rc;
}

/* The program of the SHELL in effect, when a POSIX shell runs RUN
 * scripts (PowerShell and cmd scripts are not analysed). */
static bool posix_shell(const char *shell)
{
	const char *prog, *slash;
	char name[32];

	if (!shell)
		return true;
	prog = shell;
	slash = memrchr(prog, '/', strcspn(prog, " "));
	if (slash)
		prog = slash + 1;
	snprintf(name, sizeof name, "%.*s", (int)strcspn(prog, " "), prog);
	return cr_run_shell(name);
}

static int run(struct build *b, const cr_df_instr *in, cr_node_id n)
{
	cr_graph *g = b->c->g;
	const struct stage *st = current(b);
	const char *shell = st ? st->shell : NULL;
	cr_run_facts r = {0};
	cr_strv mounts = {0};
	int rc;

	if ((rc = cr_graph_set_str(g, n, "shell", shell ? shell : "/bin/sh -c")))
		return rc;
	for (size_t i = 0; i < in->nflags; i++)
		if (!strcmp(in->flags[i].name, "mount") && in->flags[i].value &&
		    (rc = cr_strv_push(&mounts, in->flags[i].value)))
			goto done;
	if ((posix_shell(shell) && (rc = analyze_run(&r, in))) ||
	    (rc = set_list(g, n, "commands", &r.commands)) ||
	    (rc = set_list(g, n, "programs", &r.programs)) ||
	    (rc = set_list(g, n, "packages_installed", &r.packages)) ||
	    (rc = set_list(g, n, "unpinned_packages", &r.unpinned)) ||
	    (rc = set_list(g, n, "installs_without_yes", &r.unattended)) ||
	    (rc = set_list(g, n, "mounts", &mounts)) ||
	    (rc = cr_graph_set_bool(g, n, "curl_pipe_shell", r.curl_pipe_shell)) ||
	    (rc = cr_graph_set_bool(g, n, "sudo", r.sudo)) ||
	    (rc = cr_graph_set_bool(g, n, "uses_cd", r.cd)) ||
	    (rc = cr_graph_set_bool(g, n, "pipes", r.pipes)))
		goto done;
	rc = run_managers(g, n, &r);
done:
	cr_strv_release(&mounts);
	cr_run_facts_release(&r);
	return rc;
}

/* --- the other instructions --------------------------------------------------- */

static int expose(struct build *b, const cr_df_instr *in, cr_node_id n)
{
	cr_strv ports = {0};
	struct stage *st = current(b);
	int rc;

	if (!(rc = cr_df_words(&ports, in->rest, b->df->escape)) &&
	    !(rc = set_list(b->c->g, n, "ports", &ports)))
		for (size_t i = 0; st && !rc && i < ports.n; i++)
			rc = cr_strv_push(&st->exposed, ports.v[i]);
	cr_strv_release(&ports);
	return rc;
}

/* SHELL ["bash", "-o", "pipefail", "-c"]: kept as "bash -o pipefail -c". */
static int shell_of(struct build *b, const cr_df_instr *in, cr_node_id n)
{
	struct stage *st = current(b);
	char *joined;

	(void)n;
	if (!st || !in->exec_form || !in->argc)
		return CR_OK;
	if (!(joined = cr_words_join(in->argv, in->argc)))
		return CR_ENOMEM;
	free(st->shell);
	st->shell = joined;
	return CR_OK;
}

/* USER, WORKDIR, HEALTHCHECK, ONBUILD: what the stage keeps. */
static int setting(struct build *b, const cr_df_instr *in, cr_node_id n)
{
	struct stage *st = current(b);
	cr_graph *g = b->c->g;
	const char *kw = in->keyword;
	char trigger[16];
	size_t len;

	if (!strcmp(kw, "ONBUILD")) {
		len = strcspn(in->rest, " \t");
		snprintf(trigger, sizeof trigger, "%.*s", (int)len, in->rest);
		for (char *p = trigger; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		return cr_graph_set_str(g, n, "trigger", trigger);
	}
	if (!st)
		return CR_OK;
	if (!strcmp(kw, "USER")) {
		st->user = in->rest;
		return cr_graph_set_str(g, st->node, "user", in->rest);
	}
	if (!strcmp(kw, "WORKDIR"))
		return cr_graph_set_str(g, st->node, "workdir", in->rest);
	st->healthcheck = strncasecmp(in->rest, "NONE", 4) != 0;
	return cr_graph_set_bool(g, st->node, "healthcheck", st->healthcheck);
}

static const struct {
	const char *keyword;
	int (*handle)(struct build *, const cr_df_instr *, cr_node_id);
} handlers[] = {
	{ "RUN", run }, { "ENV", env_arg }, { "ARG", env_arg },
	{ "COPY", copy_add }, { "ADD", copy_add }, { "EXPOSE", expose },
	{ "USER", setting }, { "WORKDIR", setting },
	{ "HEALTHCHECK", setting }, { "ONBUILD", setting },
	{ "SHELL", shell_of },
};

/* The keyword, arguments, flags and form every instruction has. */
static int common_attrs(struct build *b, const cr_df_instr *in, cr_node_id n)
{
	cr_graph *g = b->c->g;
	int rc;

	if ((rc = cr_graph_set_str(g, n, "instruction", in->keyword)) ||
	    (rc = cr_graph_set_str(g, n, "arguments", in->args)) ||
	    (rc = cr_graph_set_bool(g, n, "heredoc", in->nheredocs > 0)))
		return rc;
	for (size_t i = 0; i < in->nflags; i++)
		if ((rc = set_keyed(g, n, "flags.", in->flags[i].name,
				in->flags[i].value)))
			return rc;
	if (!strcmp(in->keyword, "RUN") || !strcmp(in->keyword, "CMD") ||
	    !strcmp(in->keyword, "ENTRYPOINT") || !strcmp(in->keyword, "SHELL") ||
	    (!strcmp(in->keyword, "HEALTHCHECK") &&
	     strncasecmp(in->rest, "NONE", 4)))
		rc = cr_graph_set_str(g, n, "form",
			in->exec_form ? "exec" : "shell");
	for (size_t i = 0; rc == CR_OK && in->exec_form && i < in->argc; i++)
		rc = cr_graph_list_push(g, n, "argv", in->argv[i]);
	return rc;
}

static int instruction(struct build *b, const cr_df_instr *in)
{
	cr_graph *g = b->c->g;
	struct stage *st;
	cr_node_id n;
	int rc;

	if ((rc = cr_collect_node(&n, b->c, "docker_instruction", NULL, b->path,
			in->line)) ||
	    (rc = common_attrs(b, in, n)) ||
	    (rc = cr_graph_link(g, b->file, "instructions", n)))
		return rc;
	if (!strcmp(in->keyword, "FROM") && (rc = from(b, in)))
		return rc;
	if ((st = current(b)) &&
	    ((rc = cr_graph_link(g, st->node, "instructions", n)) ||
	     (rc = cr_graph_link(g, n, "stage", st->node))))
		return rc;
	for (size_t i = 0; i < sizeof handlers / sizeof *handlers; i++)
		if (!strcmp(handlers[i].keyword, in->keyword))
			return handlers[i].handle(b, in, n);
	return CR_OK;
}

/* --- the image the last stage makes ------------------------------------------- */

static bool root_user(const char *user)
{
	size_t len = strcspn(user, ":");

	return !len || (len == 4 && !strncmp(user, "root", 4)) ||
		(len == 1 && user[0] == '0');
}

static int final_image(struct build *b)
{
	cr_graph *g = b->c->g;
	const struct stage *last = &b->stages[b->nstages - 1];
	const char *user = NULL;
	int healthcheck = -1, rc;

	if ((rc = cr_graph_link(g, b->file, "final_stage", last->node)) ||
	    (rc = cr_graph_set_list(g, b->file, "exposed")))
		return rc;
	/* a FROM naming an earlier stage inherits its image configuration */
	for (const struct stage *st = last; st;
	     st = st->base >= 0 ? &b->stages[st->base] : NULL) {
		if (!user)
			user = st->user;
		if (healthcheck < 0)
			healthcheck = st->healthcheck;
		for (size_t i = 0; rc == CR_OK && i < st->exposed.n; i++)
			rc = cr_graph_list_push(g, b->file, "exposed",
				st->exposed.v[i]);
	}
	if (rc == CR_OK && user)
		rc = cr_graph_set_str(g, b->file, "final_user", user);
	if (rc == CR_OK)
		rc = cr_graph_set_bool(g, b->file, "runs_as_root",
			!user || root_user(user));
	if (rc == CR_OK)
		rc = cr_graph_set_bool(g, b->file, "healthcheck", healthcheck > 0);
	return rc;
}

static int file_attrs(struct build *b)
{
	cr_graph *g = b->c->g;
	const cr_dockerfile *df = b->df;
	const char *name = strrchr(b->path, '/');
	int rc;

	if ((rc = cr_graph_set_str(g, b->file, "name", name ? name + 1 : b->path)) ||
	    (rc = cr_graph_set_int(g, b->file, "stage_count", (int64_t)b->nstages)) ||
	    (rc = cr_graph_set_int(g, b->file, "instruction_count",
		    (int64_t)df->count)) ||
	    (rc = set_list(g, b->file, "base_images", &b->base_images)) ||
	    (df->syntax && (rc = cr_graph_set_str(g, b->file,
		    "directives.syntax", df->syntax))) ||
	    (df->escape_directive && (rc = cr_graph_set_str(g, b->file,
		    "directives.escape", df->escape_directive))) ||
	    (df->check && (rc = cr_graph_set_str(g, b->file,
		    "directives.check", df->check))))
		return rc;
	return b->nstages ? final_image(b) : CR_OK;
}

static void build_release(struct build *b)
{
	for (size_t i = 0; i < b->nstages; i++) {
		free(b->stages[i].name);
		free(b->stages[i].shell);
		cr_strv_release(&b->stages[i].exposed);
	}
	free(b->stages);
	cr_strv_release(&b->arg_names);
	cr_strv_release(&b->arg_values);
	cr_strv_release(&b->base_images);
}

int cr_dockerfile_collect_buffer(cr_collect *c, const cr_source_file *f,
	const char *path, const char *buf, size_t len)
{
	struct build b = { .c = c, .path = path };
	cr_dockerfile *df = NULL;
	int rc;

	if ((rc = cr_dockerfile_parse(&df, buf, len))) {
		rc = cr_error_set(c->ctx, rc, "%s: out of memory", path);
		goto done;
	}
	b.df = df;
	if ((rc = cr_collect_node(&b.file, c, "dockerfile", f, path, 0)))
		goto done;
	for (size_t i = 0; i < df->count; i++)
		if ((rc = instruction(&b, &df->instrs[i])))
			goto failed;
	if ((rc = file_attrs(&b)))
		goto failed;
	for (size_t i = 0; i < df->nerrors; i++)
		if ((rc = cr_collect_parse_error(c, path, df->errors[i].line,
				PARSER, "%s", df->errors[i].message)))
			goto done;
	goto done;
failed:
	rc = cr_error_set(c->ctx, rc, "%s: cannot record Dockerfile facts",
		path);
done:
	build_release(&b);
	cr_dockerfile_free(df);
	return rc;
}

/* --- the collector ------------------------------------------------------------ */

int cr_docker_collect(cr_collect *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const cr_source_file *f = &c->files[i];
		enum docker_file kind = classify(f->name);
		char *buf;
		size_t len;
		int rc;

		if (kind == NOT_DOCKER)
			continue;
		rc = cr_collect_read(&buf, &len, c, f,
			kind == COMPOSE ? "compose" : PARSER);
		if (rc == CR_ENOTFOUND)
			continue;
		if (rc != CR_OK)
			return rc;
		if (kind == COMPOSE)
			rc = cr_compose_collect_buffer(c, f, f->path, buf, len);
		else if (kind == DOCKERFILE || looks_like_dockerfile(buf))
			rc = cr_dockerfile_collect_buffer(c, f, f->path, buf, len);
		free(buf);
		if (rc != CR_OK)
			return rc;
	}
	return CR_OK;
}
