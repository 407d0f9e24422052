/*
 * manifests_go.c - Go modules: go.mod (a manifest) and go.sum (its
 * lockfile), for the manifests collector (manifests.h).
 *
 * go.mod is line-oriented: a directive and its arguments, or a directive
 * opening a parenthesized block with one entry per line.  Unlike most
 * manifests it lists the indirect requirements too (marked
 * "// indirect"), so those become dependencies with indirect=true and
 * direct=false rather than waiting for the lockfile.  replace, exclude,
 * retract and tool directives are kept on the manifest as lists of their
 * text.  go.sum pins the module versions of the build: each has a hash
 * line and usually a "/go.mod" line; the latter alone only means the
 * module's go.mod was read during version selection, so it pins nothing.
 */
#include "facts/manifests_util.h"

#include <string.h>

#define GOMOD_MAX_FIELDS 8

struct field {
	const char *s;
	size_t n;
};

/* One go.mod line split into fields (quotes removed), its comment
 * stripped; `indirect` when the comment marks an indirect requirement. */
struct gomod_line {
	struct field f[GOMOD_MAX_FIELDS];
	size_t nf;
	bool indirect;
	uint32_t line;
};

static bool field_is(const struct field *f, const char *text)
{
	return f->n == strlen(text) && memcmp(f->s, text, f->n) == 0;
}

static void split_gomod_line(struct gomod_line *out, const cr_line *l)
{
	const char *p = l->s, *end = l->s + l->n;
	const char *comment = NULL;

	out->nf = 0;
	out->indirect = false;
	out->line = l->line;
	for (const char *q = p; q + 1 < end; q++)
		if (q[0] == '/' && q[1] == '/') {
			comment = q + 2;
			end = q;
			break;
		}
	if (comment) {
		const char *c = comment;
		size_t cn = (size_t)(l->s + l->n - comment);

		cr_span_trim(&c, &cn);
		out->indirect = cn >= 8 && memcmp(c, "indirect", 8) == 0 &&
			(cn == 8 || c[8] == ';' || c[8] == ' ');
	}
	while (p < end && out->nf < GOMOD_MAX_FIELDS) {
		const char *start;
		char quote;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		quote = (*p == '"' || *p == '`') ? *p : 0;
		start = p += quote != 0;
		while (p < end && (quote ? *p != quote : *p != ' ' && *p != '\t'))
			p++;
		out->f[out->nf].s = start;
		out->f[out->nf++].n = (size_t)(p - start);
		p += quote && p < end;
	}
}

/* The fields from `from` on, joined by single spaces, appended to the
 * list attribute `key`. */
static int push_joined(cr_manifests *ms, cr_node_id m, const char *key,
	const struct gomod_line *gl, size_t from)
{
	char text[1024];
	size_t len = 0;

	for (size_t i = from; i < gl->nf; i++) {
		size_t n = gl->f[i].n;

		if (len + n + 1 >= sizeof text)
			n = sizeof text - len - 2;
		if (len)
			text[len++] = ' ';
		memcpy(text + len, gl->f[i].s, n);
		len += n;
		if (len + 2 >= sizeof text)
			break;
	}
	return cr_mu_push(ms, m, key, text, len);
}

static int gomod_require(cr_manifests *ms, const cr_source_file *f,
	cr_node_id m, const struct gomod_line *gl, size_t at)
{
	cr_node_id dep;
	bool fresh;
	int rc;

	if (gl->nf - at != 2)
		return cr_mu_syntax(ms, f, gl->line, "go.mod", "require needs "
			"a module path and a version");
	if ((rc = cr_mu_dep(&dep, &fresh, ms, m, gl->f[at].s, gl->f[at].n,
			gl->f[at + 1].s, gl->f[at + 1].n, "prod",
			gl->line)) != CR_OK)
		return rc;
	if (!gl->indirect || !fresh)
		return CR_OK;
	if ((rc = cr_mu_set_bool(ms, dep, "indirect", true)) != CR_OK)
		return rc;
	return cr_mu_set_bool(ms, dep, "direct", false);
}

/* One directive (`verb`) whose arguments start at field `at`. */
static int gomod_directive(cr_manifests *ms, const cr_source_file *f,
	cr_node_id m, const struct field *verb, const struct gomod_line *gl,
	size_t at)
{
	static const struct {
		const char *verb, *list;
	} lists[] = {
		{"replace", "replace"},
		{"exclude", "exclude"},
		{"retract", "retract"},
		{"tool", "tools"},
	};
	const struct field *arg = &gl->f[at];
	bool one_arg = gl->nf - at == 1;

	if (field_is(verb, "require"))
		return gomod_require(ms, f, m, gl, at);
	if (field_is(verb, "module") && one_arg)
		return cr_mu_set(ms, m, "name", arg->s, arg->n);
	if (field_is(verb, "go") && one_arg)
		return cr_mu_set(ms, m, "language_version", arg->s, arg->n);
	if (field_is(verb, "toolchain") && one_arg)
		return cr_mu_set(ms, m, "toolchain", arg->s, arg->n);
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (field_is(verb, lists[i].verb) && gl->nf > at)
			return push_joined(ms, m, lists[i].list, gl, at);
	return CR_OK; /* godebug, ignore, and directives of later Go versions */
}

/* Lists that read as empty rather than absent when the file has none. */
static const char *const gomod_lists[] = {"replace", "exclude", NULL};

int cr_parse_go_mod(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	struct field block = {0};
	struct gomod_line gl;
	uint32_t block_line = 0;
	cr_node_id m;
	cr_lines it;
	cr_line l;
	int rc;

	if ((rc = cr_manifest_add(&m, ms, f, "go")) != CR_OK ||
	    (rc = cr_mu_empty_lists(ms, m, gomod_lists)) != CR_OK)
		return rc;
	cr_lines_init(&it, buf, len);
	while (cr_lines_next(&it, &l)) {
		split_gomod_line(&gl, &l);
		if (gl.nf == 0)
			continue;
		if (block.s && field_is(&gl.f[0], ")")) {
			block.s = NULL;
			continue;
		}
		if (block.s) {
			rc = gomod_directive(ms, f, m, &block, &gl, 0);
		} else if (gl.nf == 2 && field_is(&gl.f[1], "(")) {
			block = gl.f[0];
			block_line = gl.line;
			continue;
		} else if (gl.nf == 2 && field_is(&gl.f[1], "()")) {
			continue;
		} else {
			rc = gomod_directive(ms, f, m, &gl.f[0], &gl, 1);
		}
		if (rc != CR_OK)
			return rc == CR_EPARSE ? CR_OK : rc;
	}
	if (block.s)
		rc = cr_mu_syntax(ms, f, block_line, "go.mod",
			"block not closed by )");
	return rc == CR_EPARSE ? CR_OK : rc;
}

int cr_parse_go_sum(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	struct gomod_line gl;
	cr_node_id lock;
	cr_lines it;
	cr_line l;
	int rc;

	if ((rc = cr_lockfile_add(&lock, ms, f, "go", "go.sum")) != CR_OK)
		return rc;
	cr_lines_init(&it, buf, len);
	while (cr_lines_next(&it, &l)) {
		const struct field *version;

		split_gomod_line(&gl, &l);
		if (gl.nf == 0)
			continue;
		if (gl.nf != 3) {
			rc = cr_mu_syntax(ms, f, gl.line, "go.sum", "expected "
				"a module path, a version and a hash");
			return rc == CR_EPARSE ? CR_OK : rc;
		}
		version = &gl.f[1];
		if (version->n >= 7 &&
		    memcmp(version->s + version->n - 7, "/go.mod", 7) == 0)
			continue;
		if ((rc = cr_mu_package(ms, lock, gl.f[0].s, gl.f[0].n,
				version->s, version->n, NULL, gl.line)) != CR_OK)
			return rc;
	}
	return CR_OK;
}
