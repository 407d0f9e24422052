/*
 * manifests_jvm.c - Java and Kotlin builds: Maven's pom.xml and Gradle's
 * build.gradle / build.gradle.kts, for the manifests collector
 * (manifests.h).  Neither has a lockfile we read: constraints are what
 * the build file writes.
 *
 * pom.xml is XML, and no XML library is among our dependencies, so a
 * small tokenizer here reads the subset a POM uses: elements, text,
 * comments, CDATA, processing instructions and a DOCTYPE, attributes
 * skipped.  It is strict about structure (a mismatched or unclosed
 * element is a parse error, never a guess) and linear.  The POM's facts
 * are gathered first and emitted at the end, because ${properties} may be
 * defined after the dependencies that use them; properties are expanded
 * within a fixed work budget per value, so that self-referencing ones
 * cannot blow up and the work stays linear in the number of values.
 *
 * A Gradle build is a Groovy or Kotlin program: it is read as a token
 * stream (manifests_util.h) for the statement shapes that declare
 * dependencies ("configuration 'g:a:v'", "configuration(group: ...)",
 * platform(...), kotlin("x")), plugins and the Java version.  The scope
 * comes from the configuration's name.
 */
#include "facts/manifests_util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the XML tokenizer ---------------------------------------------------- */

#define XML_MAX_DEPTH 64
/* ${property} references expanded for one value, nested ones included */
#define POM_EXPANSIONS 64
#define POM_EXPANSION_DEPTH 8

typedef enum xml_event {
	XML_EOF,
	XML_OPEN,   /* <name ...> or <name .../> (empty set) */
	XML_CLOSE,  /* </name> */
	XML_ERROR   /* message in xml.err, at offset xml.err_at */
} xml_event;

struct xml {
	const char *buf, *p, *end;
	const char *err;
	size_t err_at;
	/* the tag just read */
	const char *name;
	size_t name_len;
	size_t tag_at;      /* offset of its '<' */
	size_t after;       /* offset after its '>' */
	bool empty;
};

static xml_event xml_fail(struct xml *x, const char *at, const char *msg)
{
	x->err = msg;
	x->err_at = (size_t)(at - x->buf);
	return XML_ERROR;
}

/* Skip past `stop`; false when the buffer ends first. */
static bool xml_skip_past(struct xml *x, const char *stop)
{
	size_t n = strlen(stop);
	const char *q = memmem(x->p, (size_t)(x->end - x->p), stop, n);

	if (!q)
		return false;
	x->p = q + n;
	return true;
}

static bool xml_at(const struct xml *x, const char *text)
{
	size_t n = strlen(text);

	return (size_t)(x->end - x->p) >= n && memcmp(x->p, text, n) == 0;
}

static bool xml_name_char(char c)
{
	return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '/' &&
		c != '>' && c != '<' && c != '=' && c != '"' && c != '\'';
}

/* A DOCTYPE or other declaration: up to the '>' that closes it, over an
 * internal subset in brackets and quoted strings. */
static bool xml_skip_decl(struct xml *x)
{
	int depth = 0;
	char quote = 0;

	for (; x->p < x->end; x->p++) {
		char c = *x->p;

		if (quote) {
			quote = c == quote ? 0 : quote;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '[') {
			depth++;
		} else if (c == ']') {
			depth--;
		} else if (c == '>' && depth <= 0) {
			x->p++;
			return true;
		}
	}
	return false;
}

/* The rest of a start tag after its name: attributes up to '>'. */
static xml_event xml_open_rest(struct xml *x, const char *lt)
{
	char quote = 0;

	for (; x->p < x->end; x->p++) {
		char c = *x->p;

		if (quote) {
			quote = c == quote ? 0 : quote;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '<') {
			break;
		} else if (c == '>') {
			x->empty = x->p[-1] == '/';
			x->after = (size_t)(++x->p - x->buf);
			return XML_OPEN;
		}
	}
	return xml_fail(x, lt, "unterminated start tag");
}

static xml_event xml_next(struct xml *x)
{
	for (;;) {
		const char *lt = memchr(x->p, '<', (size_t)(x->end - x->p));
		const char *name;
		bool close;

		if (!lt)
			return XML_EOF;
		x->p = lt;
		if (xml_at(x, "<!--")) {
			if (!xml_skip_past(x, "-->"))
				return xml_fail(x, lt, "unterminated comment");
			continue;
		}
		if (xml_at(x, "<![CDATA[")) {
			if (!xml_skip_past(x, "]]>"))
				return xml_fail(x, lt, "unterminated CDATA");
			continue;
		}
		if (xml_at(x, "<?")) {
			if (!xml_skip_past(x, "?>"))
				return xml_fail(x, lt, "unterminated <?");
			continue;
		}
		if (xml_at(x, "<!")) {
			if (!xml_skip_decl(x))
				return xml_fail(x, lt, "unterminated <!");
			continue;
		}
		close = xml_at(x, "</");
		x->p += close ? 2 : 1;
		for (name = x->p; x->p < x->end && xml_name_char(*x->p); x->p++)
			;
		if (x->p == name)
			return xml_fail(x, lt, "'<' not followed by a name");
		x->name = name;
		x->name_len = (size_t)(x->p - name);
		x->tag_at = (size_t)(lt - x->buf);
		x->empty = false;
		if (!close)
			return xml_open_rest(x, lt);
		while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' ||
			   *x->p == '\r' || *x->p == '\n'))
			x->p++;
		if (x->p == x->end || *x->p != '>')
			return xml_fail(x, lt, "unterminated end tag");
		x->after = (size_t)(++x->p - x->buf);
		return XML_CLOSE;
	}
}

/* --- text ----------------------------------------------------------------- */

/* A bounded string being built; appends past the capacity are dropped. */
struct text {
	char s[1024];
	size_t n;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (n > sizeof t->s - 1 - t->n)
		n = sizeof t->s - 1 - t->n;
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

static const struct {
	const char *name, *text;
} xml_entities[] = {
	{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
	{"&apos;", "'"},
};

/* Append the character data of s/n: entities decoded, CDATA kept,
 * comments dropped (a tag never reaches here: text is between tags). */
static void text_add_xml(struct text *t, const char *s, size_t n)
{
	const char *end;

	if (!n)
		return; /* s may be NULL: an absent element */
	for (end = s + n; s < end;) {
		const char *q;
		size_t i, k = (size_t)(end - s);

		if (k >= 9 && memcmp(s, "<![CDATA[", 9) == 0 &&
		    (q = memmem(s + 9, k - 9, "]]>", 3))) {
			text_add(t, s + 9, (size_t)(q - s - 9));
			s = q + 3;
			continue;
		}
		if (k >= 4 && memcmp(s, "<!--", 4) == 0 &&
		    (q = memmem(s + 4, k - 4, "-->", 3))) {
			s = q + 3;
			continue;
		}
		for (i = 0; *s == '&' && i < sizeof xml_entities /
			     sizeof xml_entities[0]; i++) {
			size_t en = strlen(xml_entities[i].name);

			if (k >= en && memcmp(s, xml_entities[i].name, en) == 0)
				break;
		}
		if (*s == '&' &&
		    i < sizeof xml_entities / sizeof xml_entities[0]) {
			text_add(t, xml_entities[i].text, 1);
			s += strlen(xml_entities[i].name);
		} else {
			text_add(t, s++, 1);
		}
	}
}

static void text_trim(struct text *t)
{
	const char *s = t->s;
	size_t n = t->n;

	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
		     s[n - 1] == '\n'))
		n--;
	memmove(t->s, s, n);
	t->n = n;
	t->s[n] = '\0';
}

/* --- pom.xml -------------------------------------------------------------- */

struct span {
	const char *s;
	size_t n;
};

struct pom_dep {
	struct span group, artifact, version, scope, optional;
	uint32_t line;
	bool managed;
};

struct pom_plugin {
	struct span artifact, release, source;
};

struct pom_prop {
	struct span name, value;
};

struct pom {
	struct span group, artifact, version, packaging;
	struct span parent_group, parent_version;
	struct span language; /* from maven-compiler-plugin's configuration */
	struct pom_dep *deps;
	size_t ndeps, deps_cap;
	struct pom_prop *props;
	size_t nprops, props_cap;
	struct span *modules, *plugins;
	size_t nmodules, modules_cap, nplugins, plugins_cap;
	struct pom_dep dep;        /* the <dependency> being read */
	struct pom_plugin plugin;  /* the <plugin> being read */
	struct span stack[XML_MAX_DEPTH];
	size_t depth;
	cr_text_lines lines;
	unsigned budget;           /* expansions left for the current value */
};

static bool span_is(struct span s, const char *text)
{
	return s.n == strlen(text) && memcmp(s.s, text, s.n) == 0;
}

/* Whether the first `depth` open elements are exactly `path`
 * ("project/a/b"; "*" matches any one name). */
static bool pom_at(const struct pom *p, const char *path, size_t depth)
{
	size_t i = 0;

	for (const char *seg = path; i < depth; i++) {
		const char *slash = strchr(seg, '/');
		size_t n = slash ? (size_t)(slash - seg) : strlen(seg);

		if (!(n == 1 && *seg == '*') &&
		    !(p->stack[i].n == n && memcmp(p->stack[i].s, seg, n) == 0))
			return false;
		if (!slash)
			return i + 1 == depth;
		seg = slash + 1;
	}
	return false;
}

/* Grow one of the pom's arrays for one more element. */
static bool grow(void **items, size_t *cap, size_t count, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *n;

	if (count < *cap)
		return true;
	if (!(n = realloc(*items, ncap * size)))
		return false;
	*items = n;
	*cap = ncap;
	return true;
}

/* Where the leaves a POM's facts need are kept: parent element path,
 * leaf name, field of struct pom. */
#define DEP_FIELDS(path, prefix) \
	{path, "groupId", offsetof(struct pom, prefix.group)}, \
	{path, "artifactId", offsetof(struct pom, prefix.artifact)}, \
	{path, "version", offsetof(struct pom, prefix.version)}, \
	{path, "scope", offsetof(struct pom, prefix.scope)}, \
	{path, "optional", offsetof(struct pom, prefix.optional)}

static const struct {
	const char *parent, *leaf;
	size_t field;
} pom_fields[] = {
	{"project", "groupId", offsetof(struct pom, group)},
	{"project", "artifactId", offsetof(struct pom, artifact)},
	{"project", "version", offsetof(struct pom, version)},
	{"project", "packaging", offsetof(struct pom, packaging)},
	{"project/parent", "groupId", offsetof(struct pom, parent_group)},
	{"project/parent", "version", offsetof(struct pom, parent_version)},
	DEP_FIELDS("project/dependencies/dependency", dep),
	DEP_FIELDS("project/dependencyManagement/dependencies/dependency", dep),
	{"project/build/plugins/plugin", "artifactId",
		offsetof(struct pom, plugin.artifact)},
	{"project/build/plugins/plugin/configuration", "release",
		offsetof(struct pom, plugin.release)},
	{"project/build/plugins/plugin/configuration", "source",
		offsetof(struct pom, plugin.source)},
};

/* The leaf element just closed, whose text is `text`: keep what the
 * POM's facts need. */
static bool pom_leaf(struct pom *p, struct span text)
{
	struct span leaf = p->stack[p->depth - 1];

	if (pom_at(p, "project/properties/*", p->depth)) {
		if (!grow((void **)&p->props, &p->props_cap, p->nprops,
				sizeof *p->props))
			return false;
		p->props[p->nprops++] = (struct pom_prop){leaf, text};
		return true;
	}
	if (pom_at(p, "project/modules/module", p->depth)) {
		if (!grow((void **)&p->modules, &p->modules_cap, p->nmodules,
				sizeof *p->modules))
			return false;
		p->modules[p->nmodules++] = text;
		return true;
	}
	for (size_t i = 0; i < sizeof pom_fields / sizeof pom_fields[0]; i++)
		if (span_is(leaf, pom_fields[i].leaf) &&
		    pom_at(p, pom_fields[i].parent, p->depth - 1))
			*(struct span *)((char *)p + pom_fields[i].field) = text;
	return true;
}

/* Whether the innermost open element is a <dependency> we read. */
static bool at_dependency(const struct pom *p)
{
	return pom_at(p, "project/dependencies/dependency", p->depth) ||
		pom_at(p, "project/dependencyManagement/dependencies/dependency",
			p->depth);
}

/* An element with children just closed. */
static bool pom_element(struct pom *p)
{
	if (at_dependency(p)) {
		if (!grow((void **)&p->deps, &p->deps_cap, p->ndeps,
				sizeof *p->deps))
			return false;
		p->dep.managed = p->depth > 3;
		p->deps[p->ndeps++] = p->dep;
	} else if (pom_at(p, "project/build/plugins/plugin", p->depth)) {
		if (!grow((void **)&p->plugins, &p->plugins_cap, p->nplugins,
				sizeof *p->plugins))
			return false;
		p->plugins[p->nplugins++] = p->plugin.artifact;
		if (span_is(p->plugin.artifact, "maven-compiler-plugin"))
			p->language = p->plugin.release.s ? p->plugin.release :
				p->plugin.source;
	}
	return true;
}

/* Read the whole document into p; on a syntax error, *err and *err_at
 * say what and where (false with *err NULL: out of memory). */
static bool pom_read(struct pom *p, const char *buf, size_t len,
	const char **err, size_t *err_at)
{
	struct xml x = {.buf = buf, .p = buf, .end = buf + len};
	bool had_child = false, seen_root = false;
	size_t text_at = 0;
	xml_event ev;

	*err = NULL;
	while ((ev = xml_next(&x)) != XML_EOF) {
		struct span name = {x.name, x.name_len};

		if (ev == XML_ERROR)
			break;
		x.err_at = x.tag_at;
		if (ev == XML_OPEN && seen_root && p->depth == 0) {
			x.err = "a second root element";
			break;
		}
		if (ev == XML_OPEN && p->depth == XML_MAX_DEPTH) {
			x.err = "elements nested too deep";
			break;
		}
		if (ev == XML_OPEN) {
			seen_root = true;
			p->stack[p->depth++] = name;
			if (p->depth == 2 && !span_is(p->stack[0], "project")) {
				x.err = "the root element is not <project>";
				break;
			}
			if (at_dependency(p))
				p->dep = (struct pom_dep){.line =
					cr_text_line(&p->lines, x.tag_at)};
			if (pom_at(p, "project/build/plugins/plugin", p->depth))
				p->plugin = (struct pom_plugin){0};
			had_child = false;
			text_at = x.after;
			if (!x.empty)
				continue;
		} else if (p->depth == 0 ||
			   p->stack[p->depth - 1].n != name.n ||
			   memcmp(p->stack[p->depth - 1].s, name.s,
				  name.n) != 0) {
			x.err = "end tag does not match the open element";
			break;
		}
		/* an element closes: a leaf has text, the others children */
		if (!had_child && !pom_leaf(p, (struct span){buf + text_at,
				x.empty ? 0 : x.tag_at - text_at}))
			return false;
		if (had_child && !pom_element(p))
			return false;
		p->depth--;
		had_child = true;
	}
	if (!x.err && (!seen_root || p->depth)) {
		x.err = seen_root ? "element not closed" : "no root element";
		x.err_at = len;
	}
	*err = x.err;
	*err_at = x.err_at;
	return x.err == NULL;
}

static int prop_cmp(const void *a, const void *b)
{
	const struct pom_prop *x = a, *y = b;
	size_t n = x->name.n < y->name.n ? x->name.n : y->name.n;
	int c = memcmp(x->name.s, y->name.s, n);

	if (c || x->name.n != y->name.n)
		return c ? c : x->name.n < y->name.n ? -1 : 1;
	/* definitions of one name in document order: the last one wins */
	return x->name.s < y->name.s ? -1 : x->name.s > y->name.s;
}

/* The raw value of property `key`, or NULL. */
static const struct span *pom_property(const struct pom *p, const char *key,
	size_t n)
{
	static const struct {
		const char *key;
		size_t field;
	} builtins[] = {
		{"project.version", offsetof(struct pom, version)},
		{"pom.version", offsetof(struct pom, version)},
		{"version", offsetof(struct pom, version)},
		{"project.groupId", offsetof(struct pom, group)},
		{"project.artifactId", offsetof(struct pom, artifact)},
		{"project.parent.version", offsetof(struct pom, parent_version)},
	};
	const struct pom_prop *found = NULL;

	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strlen(builtins[i].key) == n &&
		    memcmp(builtins[i].key, key, n) == 0)
			return (const struct span *)((const char *)p +
				builtins[i].field);
	for (size_t lo = 0, hi = p->nprops; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(key, p->props[mid].name.s,
			n < p->props[mid].name.n ? n : p->props[mid].name.n);

		if (!c)
			c = n < p->props[mid].name.n ? -1 :
				n > p->props[mid].name.n;
		if (c < 0) {
			hi = mid;
		} else {
			if (!c)
				found = &p->props[mid];
			lo = mid + 1; /* the last definition of equal names */
		}
	}
	return found ? &found->value : NULL;
}

/* Append the text of the XML span `raw` to out with ${property}
 * references replaced, to a nesting `depth` and within the value's work
 * budget; unknown references stay as written. */
static void pom_expand(struct pom *p, struct text *out, struct span raw,
	unsigned depth)
{
	struct text plain = {.n = 0};
	const char *s, *end;

	if (depth == 0)
		p->budget = POM_EXPANSIONS;
	text_add_xml(&plain, raw.s, raw.n);
	text_trim(&plain);
	s = plain.s;
	end = plain.s + plain.n;
	while (s < end) {
		const char *open = memmem(s, (size_t)(end - s), "${", 2);
		const char *close = open ? memchr(open, '}',
			(size_t)(end - open)) : NULL;
		const struct span *value;

		if (!close) {
			text_add(out, s, (size_t)(end - s));
			return;
		}
		text_add(out, s, (size_t)(open - s));
		value = pom_property(p, open + 2, (size_t)(close - open - 2));
		if (value && value->s && depth < POM_EXPANSION_DEPTH &&
		    p->budget) {
			p->budget--;
			pom_expand(p, out, *value, depth + 1);
		} else {
			text_add(out, open, (size_t)(close + 1 - open));
		}
		s = close + 1;
	}
}

/* The expanded text of `raw`, or of `fallback` when raw is absent. */
static const char *pom_text(struct pom *p, struct text *t, struct span raw,
	struct span fallback)
{
	t->n = 0;
	t->s[0] = '\0';
	pom_expand(p, t, raw.s ? raw : fallback, 0);
	return t->s;
}

/* Maven's scopes in manifests.h's terms. */
static const char *pom_scope(const char *scope, const char *optional)
{
	if (strcmp(scope, "test") == 0)
		return "test";
	if (strcmp(scope, "provided") == 0)
		return "build";
	return strcmp(optional, "true") == 0 ? "optional" : "prod";
}

static int pom_emit_dep(cr_manifests *ms, cr_node_id m, struct pom *p,
	const struct pom_dep *d)
{
	static const struct span none;
	struct text name = {.n = 0}, version, scope, optional;
	cr_node_id dep;
	bool fresh;
	int rc;

	pom_expand(p, &name, d->group, 0);
	text_add(&name, ":", 1);
	pom_expand(p, &name, d->artifact, 0);
	pom_text(p, &version, d->version, none);
	pom_text(p, &scope, d->scope, none);
	pom_text(p, &optional, d->optional, none);
	if ((rc = cr_mu_dep(&dep, &fresh, ms, m, name.s, name.n, version.s,
			version.n, pom_scope(scope.s, optional.s),
			d->line)) != CR_OK || !fresh)
		return rc;
	if (scope.n && (rc = cr_mu_set(ms, dep, "maven_scope", scope.s,
			scope.n)) != CR_OK)
		return rc;
	return d->managed ? cr_mu_set_bool(ms, dep, "managed", true) : CR_OK;
}

/* The Java version: the compiler plugin's own configuration, which
 * overrides the properties it defaults to, then those by precedence. */
static struct span pom_language(const struct pom *p)
{
	static const char *const keys[] = {
		"maven.compiler.release", "maven.compiler.source", "java.version",
	};

	for (size_t i = 0; !p->language.s && i < sizeof keys / sizeof keys[0];
	     i++) {
		const struct span *v = pom_property(p, keys[i], strlen(keys[i]));

		if (v)
			return *v;
	}
	return p->language;
}

static int pom_emit(cr_manifests *ms, const cr_source_file *f, struct pom *p)
{
	static const char *const lists[] = {"plugins", NULL};
	struct text t, name = {.n = 0};
	cr_node_id m;
	int rc;

	if (p->nprops)
		qsort(p->props, p->nprops, sizeof *p->props, prop_cmp);
	if ((rc = cr_manifest_add(&m, ms, f, "maven")) != CR_OK ||
	    (rc = cr_mu_empty_lists(ms, m, lists)) != CR_OK)
		return rc;
	pom_text(p, &name, p->group, p->parent_group);
	text_add(&name, ":", 1);
	pom_expand(p, &name, p->artifact, 0);
	if ((rc = cr_mu_set(ms, m, "name", name.s, name.n)) != CR_OK)
		return rc;
	pom_text(p, &t, p->version, p->parent_version);
	if (t.n && (rc = cr_mu_set(ms, m, "version", t.s, t.n)) != CR_OK)
		return rc;
	pom_text(p, &t, p->packaging, (struct span){"jar", 3});
	if ((rc = cr_mu_set(ms, m, "packaging", t.s, t.n)) != CR_OK)
		return rc;
	pom_text(p, &t, pom_language(p), (struct span){0});
	if (t.n && (rc = cr_mu_set(ms, m, "language_version", t.s, t.n)) !=
	    CR_OK)
		return rc;
	for (size_t i = 0; i < p->nplugins; i++) {
		pom_text(p, &t, p->plugins[i], (struct span){0});
		if (t.n && (rc = cr_mu_push(ms, m, "plugins", t.s, t.n)) != CR_OK)
			return rc;
	}
	for (size_t i = 0; i < p->nmodules; i++) {
		pom_text(p, &t, p->modules[i], (struct span){0});
		if (t.n && (rc = cr_manifest_workspace(ms, m, t.s)) != CR_OK)
			return rc;
	}
	for (size_t i = 0; i < p->ndeps; i++)
		if ((rc = pom_emit_dep(ms, m, p, &p->deps[i])) != CR_OK)
			return rc;
	return CR_OK;
}

int cr_parse_pom_xml(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	struct pom *p = calloc(1, sizeof *p);
	const char *err = NULL;
	size_t err_at = 0;
	int rc;

	if (!p)
		return cr_error_set(cr_manifests_collector(ms)->ctx, CR_ENOMEM,
			"out of memory");
	p->lines.buf = buf;
	p->lines.len = len;
	if (pom_read(p, buf, len, &err, &err_at))
		rc = pom_emit(ms, f, p);
	else if (err)
		rc = cr_collect_parse_error(cr_manifests_collector(ms), f->path,
			cr_collect_line_of(buf, err_at), "pom.xml", "%s", err);
	else
		rc = cr_error_set(cr_manifests_collector(ms)->ctx, CR_ENOMEM,
			"out of memory");
	free(p->deps);
	free(p->props);
	free(p->modules);
	free(p->plugins);
	free(p);
	return rc;
}

/* --- build.gradle, build.gradle.kts --------------------------------------- */

/* Gradle's dependency configurations and their scope; a source set's
 * variant ("testImplementation", "integrationTestRuntimeOnly",
 * "debugApi") is the base name capitalized after a prefix. */
static const struct {
	const char *name, *scope;
} gradle_configs[] = {
	{"implementation", "prod"}, {"api", "prod"}, {"compile", "prod"},
	{"runtimeOnly", "prod"}, {"runtime", "prod"},
	{"compileOnlyApi", "prod"}, {"compileOnly", "build"},
	{"annotationProcessor", "build"}, {"kapt", "build"},
	{"ksp", "build"}, {"classpath", "build"},
	{"developmentOnly", "dev"},
};

static bool has_word(const char *s, size_t n, const char *word)
{
	return memmem(s, n, word, strlen(word)) != NULL;
}

/* The scope of configuration `w` (a word, or the string naming a custom
 * one in Kotlin: "integrationTestImplementation"(...)), or NULL when w is
 * not one. */
static const char *gradle_scope(const cr_mtok *w)
{
	for (size_t i = 0; i < sizeof gradle_configs / sizeof gradle_configs[0];
	     i++) {
		const char *base = gradle_configs[i].name;
		size_t bn = strlen(base), pn;

		if (w->n == bn && memcmp(w->s, base, bn) == 0)
			return gradle_configs[i].scope;
		/* kaptTest, kspAndroidTest: the suffix names the source set */
		if (w->n > bn && memcmp(w->s, base, bn) == 0 &&
		    (strcmp(base, "kapt") == 0 || strcmp(base, "ksp") == 0))
			return has_word(w->s + bn, w->n - bn, "Test") ? "test" :
				gradle_configs[i].scope;
		if (w->n <= bn || w->s[0] < 'a' || w->s[0] > 'z' ||
		    w->s[w->n - bn] != base[0] - 'a' + 'A' ||
		    memcmp(w->s + w->n - bn + 1, base + 1, bn - 1) != 0 ||
		    memchr(w->s, '.', w->n))
			continue;
		pn = w->n - bn;
		if (has_word(w->s, pn, "test") || has_word(w->s, pn, "Test"))
			return "test";
		if (pn >= 5 && memcmp(w->s, "debug", 5) == 0)
			return "dev";
		return gradle_configs[i].scope;
	}
	return NULL;
}

struct gradle {
	cr_manifests *ms;
	cr_node_id m;
	cr_mtok *t;          /* every token, then an EOF one */
	size_t n;
	char toolchain[32], compat[32]; /* Java versions seen, or "" */
};

static const cr_mtok *tok(const struct gradle *gr, size_t i)
{
	return &gr->t[i < gr->n ? i : gr->n];
}

static bool tok_is(const struct gradle *gr, size_t i, cr_mtok_kind kind,
	const char *text)
{
	return cr_mtok_is(tok(gr, i), kind, text);
}

/* "group:name:version[:classifier][@ext]" as a dependency. */
static int gradle_gav(struct gradle *gr, const cr_mtok *s, const char *scope,
	bool platform)
{
	const char *c1 = memchr(s->s, ':', s->n), *c2, *end = s->s + s->n;
	const char *v = NULL, *v_end = NULL;
	cr_node_id dep;
	bool fresh;
	int rc;

	if (!c1 || c1 == s->s || memchr(s->s, ' ', s->n))
		return CR_OK;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (c2) {
		v = c2 + 1;
		for (v_end = v; v_end < end && *v_end != ':' && *v_end != '@';
		     v_end++)
			;
	} else {
		c2 = end;
	}
	if ((rc = cr_mu_dep(&dep, &fresh, gr->ms, gr->m, s->s,
			(size_t)(c2 - s->s), v, v ? (size_t)(v_end - v) : 0,
			scope, s->line)) != CR_OK || !fresh || !platform)
		return rc;
	return cr_mu_set_bool(gr->ms, dep, "platform", true);
}

/* group: 'g', name: 'a', version: 'v' (Groovy) or group = "g", ...
 * (Kotlin), starting at token i. */
static int gradle_map(struct gradle *gr, size_t i, const char *scope)
{
	struct span group = {0}, name = {0}, version = {0};
	char gav[1024];
	cr_mtok s = *tok(gr, i);

	for (; tok(gr, i)->kind == CR_MTOK_WORD &&
	       (tok_is(gr, i + 1, CR_MTOK_PUNCT, ":") ||
		tok_is(gr, i + 1, CR_MTOK_PUNCT, "=")) &&
	       tok(gr, i + 2)->kind == CR_MTOK_STR; i += 3) {
		const cr_mtok *key = tok(gr, i), *v = tok(gr, i + 2);
		struct span *field =
			cr_mtok_is(key, CR_MTOK_WORD, "group") ? &group :
			cr_mtok_is(key, CR_MTOK_WORD, "name") ? &name :
			cr_mtok_is(key, CR_MTOK_WORD, "version") ? &version :
			NULL;

		if (field)
			*field = (struct span){v->s, v->n};
		i += tok_is(gr, i + 3, CR_MTOK_PUNCT, ",");
	}
	if (!group.s || !name.s)
		return CR_OK;
	s.n = (size_t)snprintf(gav, sizeof gav, "%.*s:%.*s%s%.*s",
		(int)group.n, group.s, (int)name.n, name.s, version.s ? ":" : "",
		(int)version.n, version.s ? version.s : "");
	s.s = gav;
	if (s.n >= sizeof gav)
		return CR_OK;
	return gradle_gav(gr, &s, scope, false);
}

/* kotlin("x"[, "version"]): the Kotlin plugin's module shorthand. */
static int gradle_kotlin_module(struct gradle *gr, size_t i,
	const char *scope)
{
	const cr_mtok *m = tok(gr, i), *v = tok(gr, i + 2);
	char gav[512];
	cr_mtok s = *m;
	bool versioned = tok_is(gr, i + 1, CR_MTOK_PUNCT, ",") &&
		v->kind == CR_MTOK_STR;

	s.n = (size_t)snprintf(gav, sizeof gav, "org.jetbrains.kotlin:kotlin-"
		"%.*s%s%.*s", (int)m->n, m->s, versioned ? ":" : "",
		versioned ? (int)v->n : 0, versioned ? v->s : "");
	s.s = gav;
	return s.n < sizeof gav ? gradle_gav(gr, &s, scope, false) : CR_OK;
}

/* A configuration name at token i: what it declares, if anything. */
static int gradle_dependency(struct gradle *gr, size_t i, const char *scope)
{
	const cr_mtok *a;

	i += tok_is(gr, i + 1, CR_MTOK_PUNCT, "(") ? 2 : 1;
	a = tok(gr, i);
	if (a->kind == CR_MTOK_STR)
		return gradle_gav(gr, a, scope, false);
	if (a->kind != CR_MTOK_WORD)
		return CR_OK;
	if ((cr_mtok_is(a, CR_MTOK_WORD, "platform") ||
	     cr_mtok_is(a, CR_MTOK_WORD, "enforcedPlatform") ||
	     cr_mtok_is(a, CR_MTOK_WORD, "testFixtures")) &&
	    tok_is(gr, i + 1, CR_MTOK_PUNCT, "(") &&
	    tok(gr, i + 2)->kind == CR_MTOK_STR)
		return gradle_gav(gr, tok(gr, i + 2), scope,
			!cr_mtok_is(a, CR_MTOK_WORD, "testFixtures"));
	if (cr_mtok_is(a, CR_MTOK_WORD, "kotlin") &&
	    tok_is(gr, i + 1, CR_MTOK_PUNCT, "(") &&
	    tok(gr, i + 2)->kind == CR_MTOK_STR)
		return gradle_kotlin_module(gr, i + 2, scope);
	return gradle_map(gr, i, scope);
}

static int gradle_plugin(struct gradle *gr, const char *prefix,
	const cr_mtok *id)
{
	char name[512];
	int n = snprintf(name, sizeof name, "%s%.*s", prefix, (int)id->n,
		id->s);

	if (n <= 0 || (size_t)n >= sizeof name)
		return CR_OK;
	return cr_mu_push(gr->ms, gr->m, "plugins", name, (size_t)n);
}

/* Words in a plugins block that are not plugin ids by themselves. */
static bool plugin_keyword(const cr_mtok *w)
{
	static const char *const words[] = {
		"id", "kotlin", "version", "apply", "alias", "true", "false",
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (cr_mtok_is(w, CR_MTOK_WORD, words[i]))
			return true;
	return false;
}

/* Token i inside a plugins { } block. */
static int gradle_plugins_block(struct gradle *gr, size_t i)
{
	const cr_mtok *t = tok(gr, i), *prev = i ? tok(gr, i - 1) : NULL;
	size_t arg = i + 1 + tok_is(gr, i + 1, CR_MTOK_PUNCT, "(");

	if (cr_mtok_is(t, CR_MTOK_WORD, "id") &&
	    tok(gr, arg)->kind == CR_MTOK_STR)
		return gradle_plugin(gr, "", tok(gr, arg));
	if (cr_mtok_is(t, CR_MTOK_WORD, "kotlin") && arg == i + 2 &&
	    tok(gr, arg)->kind == CR_MTOK_STR)
		return gradle_plugin(gr, "org.jetbrains.kotlin.", tok(gr, arg));
	if (prev && (cr_mtok_is(prev, CR_MTOK_WORD, "version") ||
		     cr_mtok_is(prev, CR_MTOK_WORD, "apply") ||
		     cr_mtok_is(prev, CR_MTOK_PUNCT, ".")))
		return CR_OK;
	/* `java-library` (Kotlin) and bare ids: java, application */
	if ((t->kind == CR_MTOK_STR && t->quote == '`') ||
	    (t->kind == CR_MTOK_WORD && !plugin_keyword(t) &&
	     !tok_is(gr, i + 1, CR_MTOK_PUNCT, "(") &&
	     !tok_is(gr, i + 1, CR_MTOK_PUNCT, ".")))
		return gradle_plugin(gr, "", t);
	return CR_OK;
}

/* Keep the first Java version written as `t`: "JavaVersion.VERSION_1_8"
 * as "1.8", 17 and '17' as they are. */
static void java_version(char *out, size_t cap, const cr_mtok *t)
{
	static const char prefix[] = "JavaVersion.VERSION_";
	size_t pn = sizeof prefix - 1, n = t->n;
	const char *s = t->s;

	if (*out)
		return;
	if (t->kind == CR_MTOK_WORD && n > pn && memcmp(s, prefix, pn) == 0) {
		s += pn;
		n -= pn;
	} else if (t->kind != CR_MTOK_STR && (t->kind != CR_MTOK_WORD ||
					      s[0] < '0' || s[0] > '9')) {
		return;
	}
	if (n >= cap)
		return;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] == '_' ? '.' : s[i];
	out[n] = '\0';
}

/* Statements outside blocks that say something about the build: the
 * Java version, `version = ...`, `group = ...`, `apply plugin: ...`. */
static int gradle_setting(struct gradle *gr, size_t i, int depth)
{
	const cr_mtok *t = tok(gr, i);
	size_t v = i + 1 + tok_is(gr, i + 1, CR_MTOK_PUNCT, "=");
	size_t a = i + 1 + tok_is(gr, i + 1, CR_MTOK_PUNCT, "(");

	if (cr_mtok_is(t, CR_MTOK_WORD, "sourceCompatibility") ||
	    cr_mtok_is(t, CR_MTOK_WORD, "java.sourceCompatibility")) {
		java_version(gr->compat, sizeof gr->compat, tok(gr, v));
	} else if (cr_mtok_is(t, CR_MTOK_WORD, "jvmToolchain") ||
		   cr_mtok_is(t, CR_MTOK_WORD, "JavaLanguageVersion.of")) {
		java_version(gr->toolchain, sizeof gr->toolchain, tok(gr, a));
	} else if (cr_mtok_is(t, CR_MTOK_WORD, "apply") &&
		   cr_mtok_is(tok(gr, a), CR_MTOK_WORD, "plugin") &&
		   (tok_is(gr, a + 1, CR_MTOK_PUNCT, ":") ||
		    tok_is(gr, a + 1, CR_MTOK_PUNCT, "=")) &&
		   tok(gr, a + 2)->kind == CR_MTOK_STR) {
		return gradle_plugin(gr, "", tok(gr, a + 2));
	} else if (depth == 0 && v == i + 2 && tok(gr, v)->kind == CR_MTOK_STR &&
		   (cr_mtok_is(t, CR_MTOK_WORD, "version") ||
		    cr_mtok_is(t, CR_MTOK_WORD, "group"))) {
		return cr_mu_set(gr->ms, gr->m, cr_mtok_is(t, CR_MTOK_WORD,
			"version") ? "version" : "group", tok(gr, v)->s,
			tok(gr, v)->n);
	}
	return CR_OK;
}

static int gradle_walk(struct gradle *gr)
{
	int depth = 0, plugins_depth = -1, rc = CR_OK;

	for (size_t i = 0; i < gr->n && rc == CR_OK; i++) {
		const cr_mtok *t = &gr->t[i];
		const char *scope;

		if (cr_mtok_is(t, CR_MTOK_PUNCT, "{")) {
			if (i && plugins_depth < 0 &&
			    tok_is(gr, i - 1, CR_MTOK_WORD, "plugins"))
				plugins_depth = depth + 1;
			depth++;
		} else if (cr_mtok_is(t, CR_MTOK_PUNCT, "}")) {
			if (depth-- == plugins_depth)
				plugins_depth = -1;
		} else if (plugins_depth >= 0) {
			rc = gradle_plugins_block(gr, i);
		} else if ((t->kind == CR_MTOK_WORD ||
			    (t->kind == CR_MTOK_STR &&
			     tok_is(gr, i + 1, CR_MTOK_PUNCT, "("))) &&
			   !(i && tok_is(gr, i - 1, CR_MTOK_PUNCT, ".")) &&
			   (scope = gradle_scope(t))) {
			rc = gradle_dependency(gr, i, scope);
		} else if (t->kind == CR_MTOK_WORD) {
			rc = gradle_setting(gr, i, depth);
		}
	}
	return rc;
}

int cr_parse_gradle(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	static const char *const lists[] = {"plugins", NULL};
	struct gradle gr = {.ms = ms};
	size_t cap = 0;
	const char *lang;
	cr_mlex lx;
	int rc;

	cr_mlex_init(&lx, buf, len, CR_MLEX_GRADLE);
	do {
		if (!grow((void **)&gr.t, &cap, gr.n, sizeof *gr.t)) {
			rc = cr_error_set(cr_manifests_collector(ms)->ctx,
				CR_ENOMEM, "out of memory");
			goto done;
		}
		gr.t[gr.n] = cr_mlex_next(&lx);
	} while (gr.t[gr.n++].kind != CR_MTOK_EOF);
	gr.n--; /* tok() hands out the EOF past the end */
	if ((rc = cr_manifest_add(&gr.m, ms, f, "maven")) != CR_OK ||
	    (rc = cr_mu_empty_lists(ms, gr.m, lists)) != CR_OK ||
	    (rc = gradle_walk(&gr)) != CR_OK)
		goto done;
	lang = *gr.toolchain ? gr.toolchain : gr.compat;
	if (*lang)
		rc = cr_mu_set(ms, gr.m, "language_version", lang, strlen(lang));
done:
	free(gr.t);
	return rc;
}
