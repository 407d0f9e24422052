/*
 * manifests_npm.c - the npm ecosystem's files: package.json, and the
 * lockfiles of npm (package-lock.json and npm-shrinkwrap.json, versions 1
 * to 3), yarn (classic and berry) and pnpm (lockfile versions 5 to 9).
 *
 * Every lockfile is reduced to the same facts (facts/manifests.h): which
 * name@version it pins, for which workspace member (importer), and
 * whether that entry is what the member itself resolves or a copy nested
 * deeper.  cJSON keeps no line numbers, so package.json is walked a
 * second time, member by member beside cJSON's tree, to find them;
 * package-lock.json, by far the largest, is mostly read in one scan
 * that finds both (see below).
 */
#include "facts/manifests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/yaml.h"

#define ECOSYSTEM "npm"
#define PNPM_NODES_MAX 1000000

/* --- package.json -------------------------------------------------------- */

static const struct {
	const char *key;
	const char *scope;
} dep_sections[] = {
	{ "dependencies", "prod" },
	{ "devDependencies", "dev" },
	{ "optionalDependencies", "optional" },
	{ "peerDependencies", "peer" },
};

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *string_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Where a dependency comes from when not from the registry, or NULL. */
static const char *npm_source(const char *spec)
{
	static const struct {
		const char *prefix, *source;
	} kinds[] = {
		{ "workspace:", "workspace" }, { "file:", "path" },
		{ "link:", "path" }, { "./", "path" }, { "../", "path" },
		{ "/", "path" }, { "~/", "path" }, { "git", "git" },
		{ "github:", "git" }, { "gitlab:", "git" },
		{ "bitbucket:", "git" }, { "http://", "url" },
		{ "https://", "url" }, { "npm:", "alias" },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (starts(spec, kinds[i].prefix))
			return kinds[i].source;
	/* "user/repo" is GitHub shorthand. */
	if (strchr(spec, '/') && !strchr(spec, ' ') && !strchr(spec, ':'))
		return "git";
	return NULL;
}

static int add_deps(cr_manifests *ms, cr_node_id m, const cJSON *section,
	const char *scope, cr_text_lines *lines, size_t obj)
{
	cr_graph *g = cr_manifests_collector(ms)->g;
	cr_json_members it;
	int rc;

	cr_json_members_start(&it, lines, obj);
	for (const cJSON *d = section->child; d; d = d->next) {
		uint32_t line = cr_json_members_next(&it);
		const char *spec = cJSON_IsString(d) ? d->valuestring : "";
		const char *source = npm_source(spec);
		cr_node_id id;

		if (!(spec = cr_manifests_redact(ms, spec)))
			return cr_manifests_fail(ms, CR_ENOMEM);
		if ((rc = cr_manifest_dep(&id, ms, m, d->string, spec, scope,
				line)) != CR_OK)
			return rc;
		if (source && (rc = cr_graph_set_str(g, id, "source",
				source)) != CR_OK)
			return cr_manifests_fail(ms, rc);
	}
	return CR_OK;
}

/* scripts.<name>, engines.<name>: string members of an object. */
static int set_strings(cr_graph *g, cr_node_id m, const char *prefix,
	const cJSON *obj)
{
	char key[256];
	int rc;

	for (const cJSON *v = obj->child; v; v = v->next) {
		if (!cJSON_IsString(v) ||
		    snprintf(key, sizeof key, "%s.%s", prefix, v->string) >=
		    (int)sizeof key)
			continue;
		if ((rc = cr_graph_set_str(g, m, key, v->valuestring)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* "workspaces": a list of patterns, or { "packages": [...] } (yarn). */
static int add_workspaces(cr_manifests *ms, cr_node_id m, const cJSON *ws)
{
	const cJSON *p;
	int rc;

	if (cJSON_IsObject(ws))
		ws = cJSON_GetObjectItemCaseSensitive(ws, "packages");
	if (!cJSON_IsArray(ws))
		return CR_OK;
	cJSON_ArrayForEach(p, ws)
		if (cJSON_IsString(p) &&
		    (rc = cr_manifest_workspace(ms, m, p->valuestring)) != CR_OK)
			return rc;
	return CR_OK;
}

/* name, version, ...: the string and boolean fields kept as they are. */
static int set_field(cr_graph *g, cr_node_id m, const cJSON *v)
{
	static const struct {
		const char *key, *attr;
	} fields[] = {
		{ "name", "name" }, { "version", "version" },
		{ "license", "license" }, { "type", "module_type" },
		{ "packageManager", "package_manager" },
		{ "private", "private" },
	};

	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		if (strcmp(v->string, fields[i].key) != 0)
			continue;
		if (cJSON_IsString(v))
			return cr_graph_set_str(g, m, fields[i].attr,
				v->valuestring);
		if (cJSON_IsBool(v))
			return cr_graph_set_bool(g, m, fields[i].attr,
				cJSON_IsTrue(v));
	}
	return CR_OK;
}

static int package_member(cr_manifests *ms, cr_node_id m, const cJSON *v,
	cr_text_lines *lines, size_t value)
{
	cr_graph *g = cr_manifests_collector(ms)->g;
	const char *node;
	int rc;

	for (size_t i = 0; i < sizeof dep_sections / sizeof *dep_sections; i++)
		if (strcmp(v->string, dep_sections[i].key) == 0)
			return cJSON_IsObject(v) ? add_deps(ms, m, v,
				dep_sections[i].scope, lines, value) : CR_OK;
	if (strcmp(v->string, "workspaces") == 0)
		return add_workspaces(ms, m, v);
	if (!cJSON_IsObject(v))
		return cr_manifests_fail(ms, set_field(g, m, v));
	if (strcmp(v->string, "scripts") == 0)
		return cr_manifests_fail(ms, set_strings(g, m, "scripts", v));
	if (strcmp(v->string, "engines") != 0)
		return CR_OK;
	node = string_of(v, "node");
	if (node && (rc = cr_graph_set_str(g, m, "language_version",
			node)) != CR_OK)
		return cr_manifests_fail(ms, rc);
	return cr_manifests_fail(ms, set_strings(g, m, "engines", v));
}

int cr_parse_package_json(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	cr_text_lines lines = { .buf = buf, .len = len };
	cr_json_members it;
	cr_node_id m;
	cJSON *doc;
	size_t root;
	int rc;

	if ((rc = cr_manifests_json(&doc, &root, ms, f, buf, len)) != CR_OK ||
	    !doc)
		return rc;
	if ((rc = cr_manifest_add(&m, ms, f, ECOSYSTEM)) != CR_OK)
		goto done;
	cr_json_members_start(&it, &lines, root);
	for (const cJSON *v = doc->child; v; v = v->next) {
		cr_json_members_next(&it);
		if ((rc = package_member(ms, m, v, &lines, it.value)) != CR_OK)
			goto done;
	}
done:
	cJSON_Delete(doc);
	return rc;
}

/* --- package-lock.json --------------------------------------------------- */

/*
 * A lockfile holds tens of thousands of entries, and building cJSON's
 * tree of them, then walking the text again for line numbers, was most
 * of the collector's time.  So a lockfile in plain JSON (no escapes, no
 * control characters, ordinary whitespace and integers) is read in one
 * forward scan of a private copy, its strings cut out in place; any
 * other file goes through cJSON, whose tree those files give the same
 * facts as the scan, and whose errors are the ones reported.
 */

/* What the facts need of one member of "packages" or of v1's
 * "dependencies", found the same way by both readers: the first member
 * of each name, as cJSON_GetObjectItemCaseSensitive() finds it. */
enum lock_field {
	LF_DEV, LF_DEV_OPTIONAL, LF_OPTIONAL, LF_PEER,  /* npm_scope()'s order */
	LF_VERSION, LF_LINK, LF_DEPENDENCIES, LF_COUNT
};

static const char *const lock_field_names[LF_COUNT] = {
	[LF_DEV] = "dev", [LF_DEV_OPTIONAL] = "devOptional",
	[LF_OPTIONAL] = "optional", [LF_PEER] = "peer",
	[LF_VERSION] = "version", [LF_LINK] = "link",
	[LF_DEPENDENCIES] = "dependencies",
};

struct lock_item {
	const char *key;
	uint32_t line;
	bool object;
	bool is_true[LF_COUNT];    /* the member is the literal true */
	const char *version;       /* a string "version", or NULL */
};

static int lock_field_of(const char *name)
{
	for (int i = 0; i < LF_COUNT; i++)
		if (name[0] == lock_field_names[i][0] &&
		    strcmp(name, lock_field_names[i]) == 0)
			return i;
	return -1;
}

static const char *npm_scope(const struct lock_item *it)
{
	static const char *const scopes[] = {
		[LF_DEV] = "dev", [LF_DEV_OPTIONAL] = "dev",
		[LF_OPTIONAL] = "optional", [LF_PEER] = "peer",
	};

	for (size_t i = 0; i < sizeof scopes / sizeof *scopes; i++)
		if (it->is_true[i])
			return scopes[i];
	return NULL;
}

/* Where "node_modules/" starts a path segment in s, from `from` on. */
static const char *node_modules(const char *s, const char *from)
{
	for (const char *p = from; (p = strstr(p, "node_modules/")); p++)
		if (p == s || p[-1] == '/')
			return p;
	return NULL;
}

/* One entry of "packages" (v2, v3): "" is the root, a path without
 * node_modules a workspace member, "[member/]node_modules/a[/node_modules/b]"
 * an installed package. */
static int lock_entry(cr_manifests *ms, cr_node_id lock,
	const struct lock_item *it)
{
	const char *key = it->key, *first = node_modules(key, key), *last;
	char importer[4096];
	cr_locked pkg = { .line = it->line };

	if (!*key)
		return CR_OK;
	if (!first)
		return cr_lockfile_importer(ms, lock, key);
	if (!it->object || it->is_true[LF_LINK])
		return CR_OK;
	for (last = first; (pkg.name = node_modules(key, last + 1)); )
		last = pkg.name;
	if ((size_t)(first - key) >= sizeof importer)
		return CR_OK;
	memcpy(importer, key, (size_t)(first - key));
	importer[first - key] = '\0';
	pkg.importer = importer;
	pkg.name = last + strlen("node_modules/");
	pkg.version = it->version;
	pkg.scope = npm_scope(it);
	pkg.nested = last != first;
	return cr_lockfile_locked(ms, lock, &pkg);
}

/* One package of lockfile v1's "dependencies", nested as installed. */
static int lock_v1_entry(cr_manifests *ms, cr_node_id lock,
	const struct lock_item *it, bool nested)
{
	cr_locked pkg = { .name = it->key, .nested = nested,
		.line = it->line, .version = it->version,
		.scope = npm_scope(it) };

	return it->object ? cr_lockfile_locked(ms, lock, &pkg) : CR_OK;
}

/* The first line of the lockfile's facts: "package-lock@<version>". */
static int lock_add(cr_node_id *out, cr_manifests *ms,
	const cr_source_file *f, int version)
{
	char format[32];

	snprintf(format, sizeof format, "package-lock@%d", version);
	return cr_lockfile_add(out, ms, f, ECOSYSTEM, format);
}

/* --- ... through cJSON --- */

/* The lock_item of e; *sub is its "dependencies" member, or NULL. */
static void cjson_item(struct lock_item *out, const cJSON **sub,
	const cJSON *e, uint32_t line)
{
	const cJSON *seen[LF_COUNT] = { NULL };

	*out = (struct lock_item){ .key = e->string, .line = line,
		.object = cJSON_IsObject(e) };
	for (const cJSON *c = out->object ? e->child : NULL; c; c = c->next) {
		int i = lock_field_of(c->string);

		if (i >= 0 && !seen[i])
			seen[i] = c;
	}
	for (int i = 0; i < LF_COUNT; i++)
		out->is_true[i] = cJSON_IsTrue(seen[i]);
	if (cJSON_IsString(seen[LF_VERSION]))
		out->version = seen[LF_VERSION]->valuestring;
	*sub = seen[LF_DEPENDENCIES];
}

static int cjson_v1(cr_manifests *ms, cr_node_id lock, const cJSON *deps,
	cr_text_lines *lines, size_t obj, bool nested)
{
	cr_json_members it;
	int rc;

	cr_json_members_start(&it, lines, obj);
	for (const cJSON *e = deps->child; e; e = e->next) {
		uint32_t line = cr_json_members_next(&it);
		size_t at = it.value;
		struct lock_item item;
		const cJSON *sub;

		cjson_item(&item, &sub, e, line);
		if (!item.object)
			continue;
		if ((rc = lock_v1_entry(ms, lock, &item, nested)) != CR_OK)
			return rc;
		if (cJSON_IsObject(sub) &&
		    (rc = cjson_v1(ms, lock, sub, lines,
			    cr_json_member_value(lines, at, e, sub), true)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int cjson_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	cr_text_lines lines = { .buf = buf, .len = len };
	const cJSON *packages, *deps, *ver;
	struct lock_item item;
	cr_json_members it;
	cr_node_id lock;
	cJSON *doc;
	size_t root;
	int rc;

	if ((rc = cr_manifests_json(&doc, &root, ms, f, buf, len)) != CR_OK ||
	    !doc)
		return rc;
	ver = cJSON_GetObjectItemCaseSensitive(doc, "lockfileVersion");
	packages = cJSON_GetObjectItemCaseSensitive(doc, "packages");
	deps = cJSON_GetObjectItemCaseSensitive(doc, "dependencies");
	if ((rc = lock_add(&lock, ms, f,
			cJSON_IsNumber(ver) ? ver->valueint : 1)) != CR_OK)
		goto done;
	if (cJSON_IsObject(packages)) {
		cr_json_members_start(&it, &lines,
			cr_json_member_value(&lines, root, doc, packages));
		for (const cJSON *e = packages->child; e; e = e->next) {
			const cJSON *sub;

			cjson_item(&item, &sub, e, cr_json_members_next(&it));
			if ((rc = lock_entry(ms, lock, &item)) != CR_OK)
				goto done;
		}
	} else if (cJSON_IsObject(deps)) {
		rc = cjson_v1(ms, lock, deps, &lines,
			cr_json_member_value(&lines, root, doc, deps), false);
	}
done:
	cJSON_Delete(doc);
	return rc;
}

/* --- ... or in one scan --- */

#define SCAN_DEPTH_MAX 512    /* below cJSON's limit: deeper goes to cJSON */

struct scan {
	char *s;                  /* the copy; strings in use end in NUL */
	size_t len;
	cr_text_lines lines;
};

/* The copy ends in a NUL, which stops both loops below before its end:
 * a NUL is no blank, and ends a string as broken. */
static size_t scan_blank(const struct scan *sc, size_t i)
{
	while (sc->s[i] == ' ' || sc->s[i] == '\n' || sc->s[i] == '\t' ||
	       sc->s[i] == '\r')
		i++;
	return i;
}

static bool scan_string(const struct scan *sc, size_t *i)
{
	static const bool stops[256] = {
		[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
	};
	const unsigned char *p = (const unsigned char *)sc->s + *i + 1;

	while (!stops[*p])
		p++;
	if (*p != '"')
		return false;
	*i = (size_t)(p - (const unsigned char *)sc->s) + 1;
	return true;
}

static size_t scan_digits(const struct scan *sc, size_t i)
{
	while (i < sc->len && sc->s[i] >= '0' && sc->s[i] <= '9')
		i++;
	return i;
}

/* A number as JSON spells it. */
static bool scan_number(const struct scan *sc, size_t *i)
{
	size_t j = *i + (sc->s[*i] == '-'), k;

	if (j >= sc->len || (k = scan_digits(sc, j)) == j ||
	    (sc->s[j] == '0' && k > j + 1))
		return false;
	if (k < sc->len && sc->s[k] == '.' &&
	    (j = scan_digits(sc, k + 1)) > k + 1)
		k = j;
	else if (k < sc->len && sc->s[k] == '.')
		return false;
	if (k < sc->len && (sc->s[k] == 'e' || sc->s[k] == 'E')) {
		j = k + 1 + (k + 1 < sc->len && (sc->s[k + 1] == '+' ||
						 sc->s[k + 1] == '-'));
		if ((k = scan_digits(sc, j)) == j)
			return false;
	}
	*i = k;
	return true;
}

static bool scan_word(const struct scan *sc, size_t *i, const char *w)
{
	size_t n = strlen(w);

	if (sc->len - *i < n || memcmp(sc->s + *i, w, n) != 0)
		return false;
	*i += n;
	return true;
}

static bool scan_value(const struct scan *sc, size_t *i, int depth);

/* The members of an object or the items of an array, *i at its '{' or
 * '['. */
static bool scan_container(const struct scan *sc, size_t *i, int depth)
{
	char close = sc->s[*i] == '{' ? '}' : ']';
	size_t j = scan_blank(sc, *i + 1);

	if (j < sc->len && sc->s[j] == close) {
		*i = j + 1;
		return true;
	}
	for (;;) {
		if (close == '}') {
			if (j >= sc->len || sc->s[j] != '"' ||
			    !scan_string(sc, &j))
				return false;
			j = scan_blank(sc, j);
			if (j >= sc->len || sc->s[j] != ':')
				return false;
			j++;
		}
		if (!scan_value(sc, &j, depth + 1))
			return false;
		j = scan_blank(sc, j);
		if (j < sc->len && sc->s[j] == close) {
			*i = j + 1;
			return true;
		}
		if (j >= sc->len || sc->s[j] != ',')
			return false;
		j = scan_blank(sc, j + 1);
	}
}

/* Past the value at or after blanks from *i; false when it is not
 * JSON this scan reads. */
static bool scan_value(const struct scan *sc, size_t *i, int depth)
{
	*i = scan_blank(sc, *i);
	if (*i >= sc->len || depth > SCAN_DEPTH_MAX)
		return false;
	switch (sc->s[*i]) {
	case '{':
	case '[':
		return scan_container(sc, i, depth);
	case '"':
		return scan_string(sc, i);
	case 't':
		return scan_word(sc, i, "true");
	case 'f':
		return scan_word(sc, i, "false");
	case 'n':
		return scan_word(sc, i, "null");
	default:
		return scan_number(sc, i);
	}
}

/* The next member of the (already checked) object whose '{' or previous
 * value ends at *pos: the offset of its key, which is cut out, and of
 * its value, where *pos is left; false, with *pos at the closing '}',
 * past the last one. */
static bool scan_member(struct scan *sc, size_t *pos, size_t *key,
	size_t *value)
{
	size_t i = scan_blank(sc, *pos);

	if (sc->s[i] == '}' || sc->s[i = scan_blank(sc, i + 1)] == '}') {
		*pos = i;
		return false;
	}
	*key = i;
	scan_string(sc, &i);
	sc->s[i - 1] = '\0';
	*value = *pos = scan_blank(sc, scan_blank(sc, i) + 1);
	return true;
}

/* The lock_item of the member whose key is at `key` and value at *pos,
 * with *pos left past the value and *sub at its "dependencies" object
 * (CR_JSON_LOST when none). */
static void scan_item(struct lock_item *out, size_t *sub, struct scan *sc,
	size_t key, size_t *pos)
{
	bool seen[LF_COUNT] = { false };
	size_t p = *pos, k, v;

	*out = (struct lock_item){ .key = sc->s + key + 1,
		.line = cr_text_line(&sc->lines, key),
		.object = sc->s[p] == '{' };
	*sub = CR_JSON_LOST;
	if (!out->object) {
		scan_value(sc, pos, 0);
		return;
	}
	while (scan_member(sc, &p, &k, &v)) {
		int i = lock_field_of(sc->s + k + 1);

		scan_value(sc, &p, 0);
		if (i < 0 || seen[i])
			continue;
		seen[i] = true;
		out->is_true[i] = sc->s[v] == 't';
		if (i == LF_VERSION && sc->s[v] == '"') {
			sc->s[p - 1] = '\0';
			out->version = sc->s + v + 1;
		} else if (i == LF_DEPENDENCIES && sc->s[v] == '{') {
			*sub = v;
		}
	}
	*pos = p + 1;
}

static int scan_v1(cr_manifests *ms, cr_node_id lock, struct scan *sc,
	size_t obj, bool nested)
{
	size_t pos = obj, key, value, sub;
	struct lock_item item;
	int rc;

	while (scan_member(sc, &pos, &key, &value)) {
		scan_item(&item, &sub, sc, key, &pos);
		if (item.object &&
		    ((rc = lock_v1_entry(ms, lock, &item, nested)) != CR_OK ||
		     (sub != CR_JSON_LOST &&
		      (rc = scan_v1(ms, lock, sc, sub, true)) != CR_OK)))
			return rc;
	}
	return CR_OK;
}

/* "lockfileVersion" as cJSON's valueint would read it; false when that
 * takes more than small integers. */
static bool scan_version(int *out, const struct scan *sc, size_t at)
{
	size_t i = at + (sc->s[at] == '-'), end = scan_digits(sc, i);

	*out = 1;
	if (sc->s[at] != '-' && (sc->s[at] < '0' || sc->s[at] > '9'))
		return true;
	if (end - i > 9 || sc->s[end] == '.' || sc->s[end] == 'e' ||
	    sc->s[end] == 'E')
		return false;
	*out = 0;
	for (; i < end; i++)
		*out = *out * 10 + (sc->s[i] - '0');
	if (sc->s[at] == '-')
		*out = -*out;
	return true;
}

/* *handled is false, and nothing done, when the file is not JSON the
 * scan reads. */
static int scan_lock(bool *handled, cr_manifests *ms,
	const cr_source_file *f, const char *buf, size_t len)
{
	size_t bom = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	struct scan sc = { .s = malloc(len + 1), .len = len };
	size_t ver = CR_JSON_LOST, packages = CR_JSON_LOST;
	size_t deps = CR_JSON_LOST, pos, key, value, sub;
	struct lock_item item;
	cr_node_id lock;
	int version = 1, rc = CR_OK;

	*handled = false;
	if (!sc.s)
		return cr_manifests_fail(ms, CR_ENOMEM);
	memcpy(sc.s, buf, len);
	sc.s[len] = '\0';
	sc.lines = (cr_text_lines){ .buf = sc.s, .len = len };
	pos = scan_blank(&sc, bom);
	if (pos >= len || sc.s[pos] != '{' || !scan_value(&sc, &pos, 0))
		goto done;
	for (pos = scan_blank(&sc, bom); scan_member(&sc, &pos, &key, &value);
	     scan_value(&sc, &pos, 0)) {
		const char *name = sc.s + key + 1;
		size_t *first = strcmp(name, "lockfileVersion") == 0 ? &ver :
			strcmp(name, "packages") == 0 ? &packages :
			strcmp(name, "dependencies") == 0 ? &deps : NULL;

		if (first && *first == CR_JSON_LOST)
			*first = value;
	}
	if (ver != CR_JSON_LOST && !scan_version(&version, &sc, ver))
		goto done;
	*handled = true;
	if ((rc = lock_add(&lock, ms, f, version)) != CR_OK)
		goto done;
	if (packages != CR_JSON_LOST && sc.s[packages] == '{') {
		for (pos = packages; rc == CR_OK &&
		     scan_member(&sc, &pos, &key, &value); ) {
			scan_item(&item, &sub, &sc, key, &pos);
			rc = lock_entry(ms, lock, &item);
		}
	} else if (deps != CR_JSON_LOST && sc.s[deps] == '{') {
		rc = scan_v1(ms, lock, &sc, deps, false);
	}
done:
	free(sc.s);
	return rc;
}

int cr_parse_package_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	bool handled;
	int rc = scan_lock(&handled, ms, f, buf, len);

	return handled || rc != CR_OK ? rc : cjson_lock(ms, f, buf, len);
}

/* --- yarn.lock ----------------------------------------------------------- */

/* A line without its end and trailing blanks. */
static size_t trimmed_len(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
		       line[len - 1] == '\r'))
		len--;
	return len;
}

/*
 * An entry's header lists what it resolves: `"a@^1.0", a@^1.1:` (classic)
 * or `"a@npm:^1.0, a@npm:^1.1":` (berry).  Splits it into the name and
 * the ranges ("^1.0, ^1.1" into specs); returns false for an entry that
 * is not a registry package (a workspace, which it names to the
 * lockfile instead, or a patch of another entry).
 */
static bool yarn_header(char *header, char *name, size_t name_cap,
	char *specs, size_t specs_cap, const char **workspace)
{
	size_t used = 0;
	char *save = NULL;

	*name = *specs = '\0';
	*workspace = NULL;
	for (char *item = strtok_r(header, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		size_t n;
		char *at;

		item += strspn(item, " \"");
		n = strlen(item);
		while (n && (item[n - 1] == '"' || item[n - 1] == ' '))
			item[--n] = '\0';
		if (!(at = strchr(item + (*item == '@'), '@')))
			continue;
		*at = '\0';
		if (starts(at + 1, "workspace:")) {
			*workspace = at + 1 + strlen("workspace:");
			return false;
		}
		if (strstr(at + 1, "patch:"))
			return false;
		if (!*name)
			snprintf(name, name_cap, "%s", item);
		n = (size_t)snprintf(specs + used, specs_cap - used, "%s%s",
			used ? ", " : "", at + 1);
		used = used + n < specs_cap ? used + n : specs_cap - 1;
	}
	return *name != '\0';
}

struct yarn_entry {
	char header[4096];
	uint32_t line;
	bool open;       /* a package entry whose version is still to come */
};

/* `  version "1.2.3"` (classic) or `  version: 1.2.3` (berry). */
static int yarn_version(cr_manifests *ms, cr_node_id lock,
	struct yarn_entry *e, const char *line, size_t len)
{
	char version[256], name[512], specs[4096];
	const char *workspace;
	size_t skip = strlen("  version");
	cr_locked pkg = { .name = name, .version = version, .specs = specs,
		.line = e->line };

	e->open = false;
	while (skip < len && strchr(": \"", line[skip]))
		skip++;
	while (len > skip && line[len - 1] == '"')
		len--;
	if (len - skip >= sizeof version)
		return CR_OK;
	memcpy(version, line + skip, len - skip);
	version[len - skip] = '\0';
	if (!yarn_header(e->header, name, sizeof name, specs, sizeof specs,
			&workspace))
		return workspace ? cr_lockfile_importer(ms, lock, workspace) : CR_OK;
	return cr_lockfile_locked(ms, lock, &pkg);
}

int cr_parse_yarn_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	bool berry = starts(buf, "__metadata:") || strstr(buf, "\n__metadata:");
	struct yarn_entry *e = calloc(1, sizeof *e);
	uint32_t lineno = 0;
	cr_node_id lock;
	int rc;

	if (!e)
		return cr_error_set(cr_manifests_collector(ms)->ctx, CR_ENOMEM,
			"out of memory");
	if ((rc = cr_lockfile_add(&lock, ms, f, ECOSYSTEM,
			berry ? "yarn-berry" : "yarn@1")) != CR_OK)
		goto done;
	for (const char *line = buf, *end; line < buf + len; line = end + 1) {
		size_t n;

		if (!(end = memchr(line, '\n', (size_t)(buf + len - line))))
			end = buf + len;
		n = trimmed_len(line, (size_t)(end - line));
		lineno++;
		if (!n || *line == '#')
			continue;
		if (*line != ' ') {
			if (line[n - 1] != ':') {
				rc = cr_collect_parse_error(cr_manifests_collector(ms),
					f->path, lineno, "yarn.lock",
					"expected an entry (\"name@range:\")");
				goto done;
			}
			e->open = n - 1 < sizeof e->header &&
				!starts(line, "__metadata:");
			if (e->open) {
				memcpy(e->header, line, n - 1);
				e->header[n - 1] = '\0';
				e->line = lineno;
			}
		} else if (e->open && n > 9 && starts(line, "  version") &&
			   memchr(" :\"", line[9], 3)) {
			if ((rc = yarn_version(ms, lock, e, line, n)) != CR_OK)
				goto done;
		}
	}
done:
	free(e);
	return rc;
}

/* --- pnpm-lock.yaml ------------------------------------------------------ */

/* "1.2.3(react@18.2.0)" (v6 on) or "1.2.3_react@18.2.0" (v5): the
 * version without the peers it was resolved with; NULL for a workspace
 * link. */
static const char *pnpm_version(char *buf, size_t cap, const char *v,
	bool v5)
{
	size_t n = strcspn(v, v5 ? "_(" : "(");

	if (starts(v, "link:") || n >= cap)
		return NULL;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

struct pnpm {
	cr_manifests *ms;
	cr_node_id lock;
	bool v5;
};

/* The dependencies sections of one importer (or of the whole file when
 * there are no importers). */
static int pnpm_importer(struct pnpm *p, const char *importer,
	const cr_ynode *imp)
{
	static const struct {
		const char *key, *scope;
	} sections[] = {
		{ "dependencies", NULL }, { "devDependencies", "dev" },
		{ "optionalDependencies", "optional" },
	};
	const cr_ynode *specifiers = cr_ymap_get(imp, "specifiers");
	char version[256];
	int rc;

	for (size_t s = 0; s < sizeof sections / sizeof *sections; s++) {
		const cr_ynode *sec = cr_ymap_get(imp, sections[s].key);

		for (size_t i = 0; sec && sec->kind == CR_YMAP &&
		     i + 1 < sec->count; i += 2) {
			const cr_ynode *val = sec->kids[i + 1];
			const char *v = cr_ynode_text(val) ? cr_ynode_text(val) :
				cr_ynode_text(cr_ymap_get(val, "version"));
			const char *spec = cr_ynode_text(cr_ymap_get(val,
				"specifier"));
			cr_locked pkg = { .name = cr_ynode_text(sec->kids[i]),
				.scope = sections[s].scope, .importer = importer,
				.line = sec->kids[i]->line };

			if (!spec && pkg.name)
				spec = cr_ynode_text(cr_ymap_get(specifiers,
					pkg.name));
			pkg.specs = spec;
			if (!v || !(pkg.version = pnpm_version(version,
					sizeof version, v, p->v5)))
				continue;
			if ((rc = cr_lockfile_locked(p->ms, p->lock, &pkg)) != CR_OK)
				return rc;
		}
	}
	return CR_OK;
}

/* A boolean member of a mapping, when there is one. */
static bool yflag(bool *out, const cr_ynode *map, const char *key)
{
	const cr_ynode *v = cr_ymap_get(map, key);

	return v && cr_ynode_bool(out, v);
}

/* A key of "packages": "/name/1.0.0" (v5), "/name@1.0.0" (v6),
 * "name@1.0.0" (v9), scoped names included. */
static int pnpm_package(struct pnpm *p, const cr_ynode *key,
	const cr_ynode *val)
{
	const char *k = cr_ynode_text(key), *sep;
	char name[512], version[256];
	cr_locked pkg = { .name = name, .nested = true, .line = key->line };
	bool dev;

	if (!k)
		return CR_OK;
	k += *k == '/';
	sep = p->v5 ? strrchr(k, '/') : strchr(k + (*k == '@'), '@');
	if (!sep || sep == k || (size_t)(sep - k) >= sizeof name ||
	    !(pkg.version = pnpm_version(version, sizeof version, sep + 1,
		    p->v5)))
		return CR_OK;
	memcpy(name, k, (size_t)(sep - k));
	name[sep - k] = '\0';
	if (yflag(&dev, val, "dev"))
		pkg.scope = dev ? "dev" : "prod";
	if (yflag(&dev, val, "optional") && dev)
		pkg.scope = "optional";
	return cr_lockfile_locked(p->ms, p->lock, &pkg);
}

static int pnpm_doc(struct pnpm *p, const cr_ynode *doc)
{
	const cr_ynode *importers = cr_ymap_get(doc, "importers");
	const cr_ynode *packages = cr_ymap_get(doc, "packages");
	int rc;

	if (importers && importers->kind == CR_YMAP) {
		for (size_t i = 0; i + 1 < importers->count; i += 2) {
			const char *dir = cr_ynode_text(importers->kids[i]);

			if (!dir)
				continue;
			if ((rc = cr_lockfile_importer(p->ms, p->lock, dir)) != CR_OK ||
			    (rc = pnpm_importer(p, dir, importers->kids[i + 1])) != CR_OK)
				return rc;
		}
	} else if ((rc = pnpm_importer(p, NULL, doc)) != CR_OK) {
		return rc;
	}
	for (size_t i = 0; packages && packages->kind == CR_YMAP &&
	     i + 1 < packages->count; i += 2)
		if ((rc = pnpm_package(p, packages->kids[i],
				packages->kids[i + 1])) != CR_OK)
			return rc;
	return CR_OK;
}

/* ":LINE: message" from cr_problem_at() without a file name. */
static uint32_t problem_line(const char *text)
{
	return text && *text == ':' ? (uint32_t)strtoul(text + 1, NULL, 10) : 0;
}

static const char *problem_message(const char *text)
{
	const char *m = text ? strstr(text, ": ") : NULL;

	return m ? m + 2 : "invalid YAML";
}

int cr_parse_pnpm_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	cr_collect *c = cr_manifests_collector(ms);
	cr_problems problems = { 0 };
	cr_ydocs docs = { 0 };
	struct pnpm p = { .ms = ms };
	const cr_ynode *doc;
	const char *ver;
	char format[32];
	int rc;

	rc = cr_yaml_parse_all(&docs, &problems, buf, len, PNPM_NODES_MAX);
	if (rc == CR_ENOMEM || problems.oom) {
		rc = cr_error_set(c->ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	if (rc != CR_OK) {
		rc = cr_collect_parse_error(c, f->path, problem_line(problems.text),
			"pnpm-lock.yaml", "%s", problem_message(problems.text));
		goto done;
	}
	doc = docs.count ? docs.docs[0] : NULL;
	if (!doc || doc->kind != CR_YMAP) {
		rc = cr_collect_parse_error(c, f->path, doc ? doc->line : 1,
			"pnpm-lock.yaml", "not a mapping");
		goto done;
	}
	ver = cr_ynode_text(cr_ymap_get(doc, "lockfileVersion"));
	snprintf(format, sizeof format, "pnpm@%.*s",
		ver ? (int)strcspn(ver, ".") : 1, ver ? ver : "?");
	p.v5 = ver && strtol(ver, NULL, 10) < 6;
	if ((rc = cr_lockfile_add(&p.lock, ms, f, ECOSYSTEM, format)) != CR_OK)
		goto done;
	rc = pnpm_doc(&p, doc);
done:
	cr_ydocs_release(&docs);
	cr_problems_release(&problems);
	return rc;
}
