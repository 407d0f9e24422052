/*
 * manifests_python.c - the Python ecosystem's files: requirements files
 * (pip's syntax, with -r and -c includes followed through the
 * inventory), pyproject.toml (PEP 621, PEP 735 dependency groups, Poetry,
 * build-system), Pipfile, and the lockfiles Pipfile.lock and poetry.lock.
 *
 * Every requirement string goes through one PEP 508 reader, and every
 * name is normalized as PEP 503 says ("Django_Rest.framework" is
 * "django-rest-framework"), so that a manifest's declaration and its
 * lockfile's entry meet whatever the spelling.
 */
#include "facts/manifests.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/toml.h"

#define ECOSYSTEM "python"
#define INCLUDE_DEPTH_MAX 16
#define NAME_MAX_LEN 256

/* --- names, scopes, requirement strings ---------------------------------- */

/* PEP 503: lower case, every run of "-", "_" and "." one "-". */
static void normalize(char *out, size_t cap, const char *name)
{
	size_t n = 0;

	for (const char *p = name; *p && n + 1 < cap; p++) {
		if (strchr("-_.", *p)) {
			if (n && out[n - 1] != '-')
				out[n++] = '-';
		} else {
			out[n++] = (char)tolower((unsigned char)*p);
		}
	}
	out[n] = '\0';
}

/* The scope a requirements file or dependency group name implies. */
static const char *scope_of_name(const char *name)
{
	static const struct {
		const char *word, *scope;
	} words[] = {
		{ "test", "test" }, { "build", "build" }, { "dev", "dev" },
		{ "lint", "dev" }, { "doc", "dev" }, { "typing", "dev" },
		{ "ci", "dev" }, { "local", "dev" },
	};
	char lower[NAME_MAX_LEN];

	normalize(lower, sizeof lower, name);
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strstr(lower, words[i].word))
			return words[i].scope;
	return "prod";
}

/* A requirement split in place, but for its name. */
struct pyreq {
	char name[NAME_MAX_LEN]; /* as written */
	char *extras;        /* "a,b" or NULL */
	char *constraint;    /* ">=1.0,<2", "" when none */
	char *url;           /* "name @ url" or NULL */
	char *markers;       /* after ";" or NULL */
};

static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Blanks out of a version specifier: ">= 1.0, < 2" is ">=1.0,<2". */
static void squeeze(char *s)
{
	char *w = s;

	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			*w++ = *s;
	*w = '\0';
}

/* PEP 508: name [extras] (specifier | @ url) [; markers]. */
static bool pep508(char *s, struct pyreq *r)
{
	char *p, *semi;

	*r = (struct pyreq){ 0 };
	s = trim(s);
	if (!isalnum((unsigned char)*s))
		return false;
	for (p = s; isalnum((unsigned char)*p) || (*p && strchr("-_.", *p)); p++)
		;
	if ((size_t)(p - s) >= sizeof r->name)
		return false;
	memcpy(r->name, s, (size_t)(p - s));
	if (*p == '[') {
		char *close = strchr(p, ']');

		if (!close)
			return false;
		*p = '\0';
		r->extras = p + 1;
		*close = '\0';
		squeeze(r->extras);
		p = close + 1;
	}
	/* The name ends where something else starts. */
	while (isspace((unsigned char)*p))
		*p++ = '\0';
	if (*p == '@') {
		*p++ = '\0';
		/* A URL may hold ";": markers then follow a blank. */
		semi = strstr(p, " ;");
		r->url = p;
	} else {
		semi = strchr(p, ';');
		r->constraint = p;
	}
	if (semi) {
		*semi = '\0';
		r->markers = trim(semi + 1 + (*semi == ' '));
		if (*r->markers == ';')
			r->markers = trim(r->markers + 1);
	}
	if (r->url) {
		r->url = trim(r->url);
	} else {
		char *c = trim(r->constraint);

		if (*c == '(' && c[strlen(c) - 1] == ')') {
			c[strlen(c) - 1] = '\0';
			c++;
		}
		squeeze(c);
		r->constraint = c;
	}
	/* A name followed by something that is no specifier is no
	 * requirement ("foo bar"). */
	return r->url || !*r->constraint || strchr("=<>!~", *r->constraint);
}

/* The version "==1.2.3" pins, or NULL (a range, or a "==1.*" prefix). */
static const char *pinned(const char *constraint, char *buf, size_t cap)
{
	size_t skip = strncmp(constraint, "===", 3) == 0 ? 3 :
		strncmp(constraint, "==", 2) == 0 ? 2 : 0;
	const char *v = constraint + skip;

	if (!skip || strpbrk(v, ",*") || !*v || strlen(v) >= cap)
		return NULL;
	strcpy(buf, v);
	return buf;
}

/* What a dependency carries besides name, constraint and scope. */
struct pyextra {
	const char *markers;
	const char *extras;    /* comma-separated */
	const char *source;    /* git, path, url, editable */
	const char *url;
	const char *group;
	int hashes;            /* -1: not a requirements file */
};

static int set_extras(cr_graph *g, cr_node_id id, const char *extras)
{
	char item[NAME_MAX_LEN];
	int rc;

	if ((rc = cr_graph_set_list(g, id, "extras")) != CR_OK)
		return rc;
	for (const char *p = extras; *p; p += strspn(p, ",")) {
		size_t n = strcspn(p, ",");

		if (n && n < sizeof item) {
			memcpy(item, p, n);
			item[n] = '\0';
			if ((rc = cr_graph_list_push(g, id, "extras",
					item)) != CR_OK)
				return rc;
		}
		p += n;
	}
	return CR_OK;
}

static int dep_attrs(cr_manifests *ms, cr_node_id id, const char *constraint,
	const struct pyextra *x)
{
	cr_graph *g = cr_manifests_collector(ms)->g;
	const char *url = x->url ? cr_manifests_redact(ms, x->url) : NULL;
	char version[128];
	int rc = CR_OK;

	if (x->url && !url)
		return cr_manifests_fail(ms, CR_ENOMEM);
	if (constraint && pinned(constraint, version, sizeof version))
		rc = cr_graph_set_str(g, id, "version", version);
	if (rc == CR_OK && x->markers && *x->markers)
		rc = cr_graph_set_str(g, id, "markers", x->markers);
	if (rc == CR_OK && x->extras && *x->extras)
		rc = set_extras(g, id, x->extras);
	if (rc == CR_OK && x->source)
		rc = cr_graph_set_str(g, id, "source", x->source);
	if (rc == CR_OK && url)
		rc = cr_graph_set_str(g, id, "url", url);
	if (rc == CR_OK && x->group)
		rc = cr_graph_set_str(g, id, "group", x->group);
	if (rc == CR_OK && x->hashes >= 0 &&
	    (rc = cr_graph_set_int(g, id, "hashes", x->hashes)) == CR_OK)
		rc = cr_graph_set_bool(g, id, "hashed", x->hashes > 0);
	return cr_manifests_fail(ms, rc);
}

/* Declare one dependency of manifest m, written in file f. */
static int py_dep(cr_manifests *ms, cr_node_id m, const cr_source_file *f,
	const char *name, const char *constraint, const char *scope,
	uint32_t line, const struct pyextra *x)
{
	char norm[NAME_MAX_LEN];
	cr_node_id id;
	int rc;

	normalize(norm, sizeof norm, name);
	if (!*norm)
		return CR_OK;
	if (constraint && !(constraint = cr_manifests_redact(ms, constraint)))
		return cr_manifests_fail(ms, CR_ENOMEM);
	if ((rc = cr_manifest_dep_in(&id, ms, m, f, norm, constraint, scope,
			line)) != CR_OK)
		return rc;
	return dep_attrs(ms, id, constraint, x);
}

/* A PEP 508 string (pyproject, build-system): a dependency, or nothing
 * when it does not read as one. */
static int pep508_dep(cr_manifests *ms, cr_node_id m, const cr_source_file *f,
	const char *text, const char *scope, const char *group, uint32_t line)
{
	struct pyreq r;
	char *copy = strdup(text);
	int rc = CR_OK;

	if (!copy)
		return cr_manifests_fail(ms, CR_ENOMEM);
	if (pep508(copy, &r)) {
		struct pyextra x = { .markers = r.markers, .extras = r.extras,
			.url = r.url, .source = r.url ? "url" : NULL,
			.group = group, .hashes = -1 };

		rc = py_dep(ms, m, f, r.name, r.url ? "" : r.constraint, scope,
			line, &x);
	}
	free(copy);
	return rc;
}

/* --- requirements files -------------------------------------------------- */

struct reqs {
	cr_manifests *ms;
	cr_node_id m;
	const char *scope;
	const char *stack[INCLUDE_DEPTH_MAX]; /* the files being read */
	size_t depth;
	bool constraints;    /* inside a -c file: pins, not declarations */
	/* -c files, read once every declaration is known. */
	struct {
		const cr_source_file *from;
		char *arg;
		uint32_t line;
	} pins[INCLUDE_DEPTH_MAX];
	size_t npins;
};

/* The option a line starts with ("-r x", "--requirement=x"): its
 * argument, or NULL. */
static char *option(char *line, const char *shrt, const char *lng)
{
	size_t n = strlen(lng);

	if (shrt && strncmp(line, shrt, 2) == 0 &&
	    (line[2] == ' ' || line[2] == '\t' || line[2] == '='))
		return trim(line + 3);
	if (shrt && strncmp(line, shrt, 2) == 0 && line[2] && line[2] != '-')
		return trim(line + 2);
	if (strncmp(line, lng, n) == 0 && (line[n] == ' ' || line[n] == '=' ||
					   line[n] == '\t'))
		return trim(line + n + 1);
	return NULL;
}

/* `rel` (as written in file `from`) as a repository path: NULL when it
 * leaves the repository or is absolute. */
static char *include_path(const char *from, const char *rel)
{
	const char *slash = strrchr(from, '/');
	size_t dl = slash ? (size_t)(slash - from) : 0;
	char *out = malloc(dl + strlen(rel) + 2), *w = out;

	if (!out || *rel == '/') {
		free(out);
		return NULL;
	}
	memcpy(out, from, dl);
	w = out + dl;
	for (const char *p = rel; *p; p += strspn(p, "/")) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (w == out) {
				free(out);
				return NULL;
			}
			while (w > out && *--w != '/')
				;
		} else if (n && !(n == 1 && *p == '.')) {
			if (w > out)
				*w++ = '/';
			memcpy(w, p, n);
			w += n;
		}
		p += n;
	}
	*w = '\0';
	return out;
}

static int req_text(struct reqs *rq, const cr_source_file *f,
	const char *buf, size_t len);

static int req_include(struct reqs *rq, const cr_source_file *from,
	const char *arg, bool constraints, uint32_t line)
{
	cr_collect *c = cr_manifests_collector(rq->ms);
	char *path = include_path(from->path, arg), *buf = NULL;
	const cr_source_file *f = path ? cr_manifests_file(rq->ms, path) : NULL;
	bool saved = rq->constraints;
	size_t len;
	int rc = CR_OK;

	if (!f) {
		rc = cr_collect_parse_error(c, from->path, line, "requirements",
			"included file %s is not in the repository", arg);
		goto done;
	}
	/* A cycle, or includes nested past reason: read once is enough. */
	for (size_t i = 0; i < rq->depth; i++)
		if (strcmp(rq->stack[i], f->path) == 0)
			goto done;
	if (rq->depth == INCLUDE_DEPTH_MAX)
		goto done;
	if ((rc = cr_collect_read(&buf, &len, c, f, "requirements")) != CR_OK) {
		rc = rc == CR_ENOTFOUND ? CR_OK : rc;
		goto done;
	}
	rq->constraints = saved || constraints;
	rc = req_text(rq, f, buf, len);
	rq->constraints = saved;
done:
	free(buf);
	free(path);
	return rc;
}

static int req_defer(struct reqs *rq, const cr_source_file *from,
	const char *arg, uint32_t line)
{
	if (rq->npins == INCLUDE_DEPTH_MAX)
		return CR_OK;
	if (!(rq->pins[rq->npins].arg = strdup(arg)))
		return cr_manifests_fail(rq->ms, CR_ENOMEM);
	rq->pins[rq->npins].from = from;
	rq->pins[rq->npins++].line = line;
	return CR_OK;
}

/* -i/--index-url and --extra-index-url: where packages come from. */
static int req_index(struct reqs *rq, const char *key, const char *url)
{
	cr_graph *g = cr_manifests_collector(rq->ms)->g;
	const char *safe = cr_manifests_redact(rq->ms, url);

	if (!safe)
		return cr_manifests_fail(rq->ms, CR_ENOMEM);
	return cr_manifests_fail(rq->ms, strcmp(key, "index_url") == 0 ?
		cr_graph_set_str(g, rq->m, key, safe) :
		cr_graph_list_push(g, rq->m, key, safe));
}

/* The name a URL or path requirement installs: its "#egg=" fragment, or
 * the last path segment up to a version or an extension. */
static void url_name(char *out, size_t cap, const char *url)
{
	const char *egg = strstr(url, "#egg="), *base;
	size_t n;

	if (egg) {
		egg += 5;
		n = strcspn(egg, "&[ ");
	} else {
		size_t end = strcspn(url, "#?");

		while (end && url[end - 1] == '/')
			end--;
		for (base = url + end; base > url && base[-1] != '/'; base--)
			;
		egg = base;
		n = strcspn(egg, "-#?@ ");
		if (n > (size_t)(url + end - egg))
			n = (size_t)(url + end - egg);
		if (n > 4 && strncmp(egg + n - 4, ".git", 4) == 0)
			n -= 4;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(out, egg, n);
	out[n] = '\0';
}

/* A URL, a path or an archive file, as pip takes them in place of a
 * name. */
static bool is_location(const char *s)
{
	static const char *const archives[] = { ".whl", ".zip", ".tar.gz",
		".tgz", ".tar.bz2" };
	size_t n = strcspn(s, " ;");

	if (strstr(s, "://") || strchr("./~", *s) || memchr(s, '/', n))
		return true;
	for (size_t i = 0; i < sizeof archives / sizeof *archives; i++) {
		size_t a = strlen(archives[i]);

		if (n > a && strncmp(s + n - a, archives[i], a) == 0)
			return true;
	}
	return false;
}

static const char *url_source(const char *url, bool editable)
{
	if (editable)
		return "editable";
	if (strncmp(url, "git+", 4) == 0 || strncmp(url, "hg+", 3) == 0 ||
	    strncmp(url, "svn+", 4) == 0 || strncmp(url, "bzr+", 4) == 0)
		return "vcs";
	return strstr(url, "://") && strncmp(url, "file:", 5) != 0 ? "url" :
		"path";
}

/* Cut "--hash=..." and other per-requirement options off a line,
 * counting the hashes. */
static int cut_options(char *line)
{
	int hashes = 0;
	char *opt = strstr(line, " --");

	if (!opt)
		opt = strstr(line, "\t--");
	if (!opt)
		return 0;
	for (char *p = opt; (p = strstr(p, "--hash")); p += 6)
		hashes++;
	*opt = '\0';
	return hashes;
}

/* A pin of a -c constraints file: the declared dependency's version. */
static int req_pin(struct reqs *rq, const struct pyreq *r)
{
	char norm[NAME_MAX_LEN], version[128];
	cr_node_id id;

	normalize(norm, sizeof norm, r->name);
	if (!(id = cr_manifest_declared(rq->ms, rq->m, norm)) ||
	    !pinned(r->constraint, version, sizeof version))
		return CR_OK;
	return cr_manifests_fail(rq->ms, cr_graph_set_str(
		cr_manifests_collector(rq->ms)->g, id, "version", version));
}

static int req_line(struct reqs *rq, const cr_source_file *f, char *line,
	uint32_t lineno)
{
	struct pyextra x = { .hashes = 0 };
	bool editable = false;
	char name[NAME_MAX_LEN];
	struct pyreq r;
	char *arg;

	if ((arg = option(line, "-r", "--requirement")))
		return req_include(rq, f, arg, false, lineno);
	if ((arg = option(line, "-c", "--constraint")))
		return req_defer(rq, f, arg, lineno);
	if ((arg = option(line, "-i", "--index-url")))
		return rq->constraints ? CR_OK : req_index(rq, "index_url", arg);
	if ((arg = option(line, NULL, "--extra-index-url")))
		return rq->constraints ? CR_OK :
			req_index(rq, "extra_index_urls", arg);
	if ((arg = option(line, "-e", "--editable"))) {
		editable = true;
		line = arg;
	} else if (*line == '-') {
		return CR_OK;
	}
	x.hashes = cut_options(line);
	line = trim(line);
	if (!editable && pep508(line, &r)) {
		if (rq->constraints)
			return r.url ? CR_OK : req_pin(rq, &r);
		x.markers = r.markers;
		x.extras = r.extras;
		x.url = r.url;
		x.source = r.url ? url_source(r.url, false) : NULL;
		return py_dep(rq->ms, rq->m, f, r.name, r.url ? "" : r.constraint,
			rq->scope, lineno, &x);
	}
	if (rq->constraints || !*line)
		return CR_OK;
	if (!editable && !is_location(line))
		return CR_EPARSE;
	/* A URL, a path or an archive: "-e git+https://...#egg=name", "./pkg". */
	if ((arg = strstr(line, " ;")) || (arg = strstr(line, "; "))) {
		*arg = '\0';
		x.markers = trim(arg + 2);
	}
	url_name(name, sizeof name, line);
	x.url = line;
	x.source = url_source(line, editable);
	return py_dep(rq->ms, rq->m, f, *name ? name : line, "", rq->scope,
		lineno, &x);
}

/* Logical lines: "\" at the end joins the next; "#" after a blank or at
 * the start comments out the rest. */
static int req_text(struct reqs *rq, const cr_source_file *f,
	const char *buf, size_t len)
{
	size_t cap = 256, used = 0, bad = 0;
	char *line = malloc(cap);
	uint32_t lineno = 0, first = 0;
	int rc = CR_OK;

	if (!line)
		return cr_manifests_fail(rq->ms, CR_ENOMEM);
	rq->stack[rq->depth++] = f->path;
	for (const char *p = buf, *end; rc == CR_OK && p < buf + len; p = end + 1) {
		size_t n;

		if (!(end = memchr(p, '\n', (size_t)(buf + len - p))))
			end = buf + len;
		n = (size_t)(end - p);
		lineno++;
		if (!used)
			first = lineno;
		if (used + n + 2 > cap) {
			char *bigger;

			while (used + n + 2 > cap)
				cap *= 2;
			if (!(bigger = realloc(line, cap))) {
				rc = cr_manifests_fail(rq->ms, CR_ENOMEM);
				break;
			}
			line = bigger;
		}
		memcpy(line + used, p, n);
		used += n;
		line[used] = '\0';
		while (used && (line[used - 1] == '\r' || line[used - 1] == ' '))
			line[--used] = '\0';
		if (used && line[used - 1] == '\\' && end < buf + len) {
			line[--used] = '\0';
			continue;
		}
		for (char *h = line; (h = strchr(h, '#')); h++)
			if (h == line || isspace((unsigned char)h[-1])) {
				*h = '\0';
				break;
			}
		if (*trim(line))
			rc = req_line(rq, f, trim(line), first);
		/* pip stops at the first line it cannot read; the rest is
		 * still worth knowing. */
		if (rc == CR_EPARSE && !bad++)
			rc = cr_collect_parse_error(cr_manifests_collector(rq->ms),
				f->path, first, "requirements",
				"not a requirement: %.80s", trim(line));
		else if (rc == CR_EPARSE)
			rc = CR_OK;
		used = 0;
	}
	rq->depth--;
	free(line);
	return rc;
}

int cr_parse_requirements(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	struct reqs rq = { .ms = ms };
	char stem[NAME_MAX_LEN], *word;
	int rc;

	if ((rc = cr_manifest_add(&rq.m, ms, f, ECOSYSTEM)) != CR_OK)
		return rc;
	/* The scope is in the rest of the name: requirements-dev.txt,
	 * test-requirements.txt, requirements/ci.txt. */
	snprintf(stem, sizeof stem, "%s", f->name);
	if ((word = strstr(stem, "requirements")))
		memmove(word, word + 12, strlen(word + 12) + 1);
	stem[strcspn(stem, ".")] = '\0';
	rq.scope = scope_of_name(stem);
	rc = req_text(&rq, f, buf, len);
	/* A -c file adds its own -c files to the list while it is read. */
	for (size_t i = 0; i < rq.npins; i++) {
		if (rc == CR_OK)
			rc = req_include(&rq, rq.pins[i].from, rq.pins[i].arg, true,
				rq.pins[i].line);
		free(rq.pins[i].arg);
	}
	return rc;
}

/* --- TOML files ---------------------------------------------------------- */

/* Parse, or record why not ("path:LINE:COL: what") and leave *out NULL. */
static int toml_doc(cr_toml **out, cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	cr_collect *c = cr_manifests_collector(ms);
	const char *msg, *what;
	unsigned long line = 0;
	int rc;

	rc = cr_toml_parse(out, c->ctx, buf, len, f->path);
	if (rc == CR_OK || rc == CR_ENOMEM)
		return rc;
	*out = NULL;
	msg = cr_ctx_error(c->ctx);
	if (strncmp(msg, f->path, strlen(f->path)) == 0 &&
	    msg[strlen(f->path)] == ':')
		line = strtoul(msg + strlen(f->path) + 1, NULL, 10);
	what = strstr(msg + (line ? strlen(f->path) : 0), ": ");
	return cr_collect_parse_error(c, f->path, (uint32_t)line, f->name, "%s",
		what ? what + 2 : msg);
}

static const char *tstr(const cr_toml_value *table, const char *key)
{
	return cr_toml_string(cr_toml_table_get(table, key), NULL);
}

/* A string attribute of the manifest from a TOML string, when there. */
static int set_tstr(cr_manifests *ms, cr_node_id m, const char *attr,
	const char *value)
{
	return value ? cr_manifests_fail(ms, cr_graph_set_str(
		cr_manifests_collector(ms)->g, m, attr, value)) : CR_OK;
}

/* An array of PEP 508 strings. */
static int pep508_list(cr_manifests *ms, cr_node_id m, const cr_source_file *f,
	const cr_toml_value *list, const char *scope, const char *group)
{
	int rc;

	for (size_t i = 0; i < cr_toml_array_len(list); i++) {
		const cr_toml_value *v = cr_toml_array_at(list, i);
		const char *s = cr_toml_string(v, NULL);

		if (s && (rc = pep508_dep(ms, m, f, s, scope, group,
				cr_toml_line(v))) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* { group = [requirements] }: optional-dependencies (scope optional) or
 * dependency groups (scope from the name). */
static int pep508_groups(cr_manifests *ms, cr_node_id m,
	const cr_source_file *f, const cr_toml_value *groups, const char *scope)
{
	int rc;

	for (size_t i = 0; i < cr_toml_table_count(groups); i++) {
		const char *name;
		const cr_toml_value *list = cr_toml_table_at(groups, i, &name, NULL);

		if ((rc = pep508_list(ms, m, f, list,
				scope ? scope : scope_of_name(name), name)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/*
 * A dependency as Poetry and Pipenv write it: "^1.2" or "*", or a table
 * { version, extras, markers, optional, git | path | url, editable }; a
 * list of such tables (one per Python version) reads as its first.
 */
static int table_dep(cr_manifests *ms, cr_node_id m, const cr_source_file *f,
	const char *name, const cr_toml_value *v, const char *scope,
	const char *group)
{
	static const char *const sources[] = { "git", "path", "url", "file" };
	struct pyextra x = { .group = group, .hashes = -1 };
	const char *constraint = cr_toml_string(v, NULL);
	char extras[512] = "";

	if (cr_toml_type_of(v) == CR_TOML_ARRAY && cr_toml_array_len(v))
		v = cr_toml_array_at(v, 0);
	if (cr_toml_type_of(v) == CR_TOML_TABLE) {
		const cr_toml_value *list = cr_toml_table_get(v, "extras");

		constraint = tstr(v, "version");
		x.markers = tstr(v, "markers");
		for (size_t i = 0; i < cr_toml_array_len(list); i++) {
			const char *e = cr_toml_string(cr_toml_array_at(list, i),
				NULL);
			size_t used = strlen(extras);

			if (e)
				snprintf(extras + used, sizeof extras - used,
					"%s%s", used ? "," : "", e);
		}
		x.extras = extras;
		for (size_t i = 0; i < 4 && !x.source; i++)
			if ((x.url = tstr(v, sources[i])))
				x.source = strcmp(sources[i], "file") == 0 ?
					"path" : sources[i];
		if (cr_toml_boolean(cr_toml_table_get(v, "editable")))
			x.source = "editable";
		if (cr_toml_boolean(cr_toml_table_get(v, "optional")))
			scope = "optional";
	}
	return py_dep(ms, m, f, name, constraint ? constraint : "", scope,
		cr_toml_line(v), &x);
}

/* A table of name = table_dep(); "python" is the language version. */
static int table_deps(cr_manifests *ms, cr_node_id m, const cr_source_file *f,
	const cr_toml_value *deps, const char *scope, const char *group)
{
	int rc;

	for (size_t i = 0; i < cr_toml_table_count(deps); i++) {
		const char *name;
		const cr_toml_value *v = cr_toml_table_at(deps, i, &name, NULL);

		if (strcmp(name, "python") == 0)
			rc = set_tstr(ms, m, "language_version",
				cr_toml_string(v, NULL));
		else
			rc = table_dep(ms, m, f, name, v, scope, group);
		if (rc != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int poetry(cr_manifests *ms, cr_node_id m, const cr_source_file *f,
	const cr_toml_value *tool, bool has_project)
{
	const cr_toml_value *groups = cr_toml_table_get(tool, "group");
	int rc;

	if (!has_project &&
	    ((rc = set_tstr(ms, m, "name", tstr(tool, "name"))) != CR_OK ||
	     (rc = set_tstr(ms, m, "version", tstr(tool, "version"))) != CR_OK))
		return rc;
	if ((rc = table_deps(ms, m, f, cr_toml_table_get(tool, "dependencies"),
			"prod", NULL)) != CR_OK ||
	    (rc = table_deps(ms, m, f, cr_toml_table_get(tool,
			"dev-dependencies"), "dev", "dev")) != CR_OK)
		return rc;
	for (size_t i = 0; i < cr_toml_table_count(groups); i++) {
		const char *name;
		const cr_toml_value *g = cr_toml_table_at(groups, i, &name, NULL);

		if ((rc = table_deps(ms, m, f, cr_toml_table_get(g,
				"dependencies"), scope_of_name(name), name)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

int cr_parse_pyproject(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	const cr_toml_value *root, *project, *tool, *build;
	cr_toml *doc;
	cr_node_id m;
	int rc;

	if ((rc = toml_doc(&doc, ms, f, buf, len)) != CR_OK || !doc)
		return rc;
	root = cr_toml_root(doc);
	project = cr_toml_table_get(root, "project");
	tool = cr_toml_table_get(cr_toml_table_get(root, "tool"), "poetry");
	build = cr_toml_table_get(root, "build-system");
	if ((rc = cr_manifest_add(&m, ms, f, ECOSYSTEM)) != CR_OK ||
	    (rc = set_tstr(ms, m, "name", tstr(project, "name"))) != CR_OK ||
	    (rc = set_tstr(ms, m, "version", tstr(project, "version"))) != CR_OK ||
	    (rc = set_tstr(ms, m, "language_version",
		    tstr(project, "requires-python"))) != CR_OK ||
	    (rc = set_tstr(ms, m, "build_backend",
		    tstr(build, "build-backend"))) != CR_OK)
		goto done;
	if ((rc = pep508_list(ms, m, f, cr_toml_table_get(project,
			"dependencies"), "prod", NULL)) != CR_OK ||
	    (rc = pep508_groups(ms, m, f, cr_toml_table_get(project,
			"optional-dependencies"), "optional")) != CR_OK ||
	    (rc = pep508_groups(ms, m, f, cr_toml_table_get(root,
			"dependency-groups"), NULL)) != CR_OK ||
	    (tool && (rc = poetry(ms, m, f, tool, project != NULL)) != CR_OK))
		goto done;
	rc = pep508_list(ms, m, f, cr_toml_table_get(build, "requires"),
		"build", NULL);
done:
	cr_toml_free(doc);
	return rc;
}

int cr_parse_pipfile(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	const cr_toml_value *root, *requires, *sources;
	const char *python;
	cr_toml *doc;
	cr_node_id m;
	int rc;

	if ((rc = toml_doc(&doc, ms, f, buf, len)) != CR_OK || !doc)
		return rc;
	root = cr_toml_root(doc);
	requires = cr_toml_table_get(root, "requires");
	sources = cr_toml_table_get(root, "source");
	python = tstr(requires, "python_full_version");
	if (!python)
		python = tstr(requires, "python_version");
	if ((rc = cr_manifest_add(&m, ms, f, ECOSYSTEM)) != CR_OK ||
	    (rc = set_tstr(ms, m, "language_version", python)) != CR_OK)
		goto done;
	if (cr_toml_array_len(sources)) {
		const char *url = tstr(cr_toml_array_at(sources, 0), "url");
		const char *safe = url ? cr_manifests_redact(ms, url) : NULL;

		if (url && !safe) {
			rc = cr_manifests_fail(ms, CR_ENOMEM);
			goto done;
		}
		if ((rc = set_tstr(ms, m, "index_url", safe)) != CR_OK)
			goto done;
	}
	if ((rc = table_deps(ms, m, f, cr_toml_table_get(root, "packages"),
			"prod", NULL)) != CR_OK)
		goto done;
	rc = table_deps(ms, m, f, cr_toml_table_get(root, "dev-packages"),
		"dev", NULL);
done:
	cr_toml_free(doc);
	return rc;
}

/* --- lockfiles ----------------------------------------------------------- */

static int lock_pkg(cr_manifests *ms, cr_node_id lock, const char *name,
	const char *version, const char *scope, uint32_t line)
{
	char norm[NAME_MAX_LEN];

	normalize(norm, sizeof norm, name);
	return cr_lockfile_package(ms, lock, norm, version, scope, line);
}

int cr_parse_poetry_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	const cr_toml_value *pkgs;
	cr_node_id lock;
	cr_toml *doc;
	int rc;

	if ((rc = toml_doc(&doc, ms, f, buf, len)) != CR_OK || !doc)
		return rc;
	pkgs = cr_toml_table_get(cr_toml_root(doc), "package");
	if ((rc = cr_lockfile_add(&lock, ms, f, ECOSYSTEM, "poetry")) != CR_OK)
		goto done;
	for (size_t i = 0; i < cr_toml_array_len(pkgs); i++) {
		const cr_toml_value *p = cr_toml_array_at(pkgs, i);
		const char *name = tstr(p, "name"), *category = tstr(p, "category");
		const char *scope = NULL;

		if (category && strcmp(category, "main") != 0)
			scope = "dev";
		if (cr_toml_boolean(cr_toml_table_get(p, "optional")))
			scope = "optional";
		if (name && (rc = lock_pkg(ms, lock, name, tstr(p, "version"),
				scope, cr_toml_line(p))) != CR_OK)
			goto done;
	}
done:
	cr_toml_free(doc);
	return rc;
}

/* "default" and "develop" of Pipfile.lock: name -> { version: "==1.2" }. */
static int pipfile_section(cr_manifests *ms, cr_node_id lock,
	const cJSON *sec, const char *scope, cr_text_lines *lines, size_t obj)
{
	cr_json_members it;
	int rc;

	cr_json_members_start(&it, lines, obj);
	for (const cJSON *e = sec->child; e; e = e->next) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "version");
		uint32_t line = cr_json_members_next(&it);
		const char *version;

		if (!cJSON_IsString(v))
			continue;
		version = v->valuestring;
		version += strncmp(version, "===", 3) == 0 ? 3 :
			strncmp(version, "==", 2) == 0 ? 2 : 0;
		if ((rc = lock_pkg(ms, lock, e->string, version, scope,
				line)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

int cr_parse_pipfile_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	static const struct {
		const char *key, *scope;
	} sections[] = { { "default", NULL }, { "develop", "dev" } };
	cr_text_lines lines = { .buf = buf, .len = len };
	cr_node_id lock;
	cJSON *doc;
	size_t root;
	int rc;

	if ((rc = cr_manifests_json(&doc, &root, ms, f, buf, len)) != CR_OK ||
	    !doc)
		return rc;
	if ((rc = cr_lockfile_add(&lock, ms, f, ECOSYSTEM, "pipfile")) != CR_OK)
		goto done;
	for (size_t i = 0; i < 2; i++) {
		const cJSON *sec = cJSON_GetObjectItemCaseSensitive(doc,
			sections[i].key);

		if (cJSON_IsObject(sec) &&
		    (rc = pipfile_section(ms, lock, sec, sections[i].scope,
			    &lines, cr_json_member_value(&lines, root, doc,
				    sec))) != CR_OK)
			goto done;
	}
done:
	cJSON_Delete(doc);
	return rc;
}
