/*
 * bundle.c - load a policy bundle: bundle.yml and its Lua modules.
 *
 * Both ways in end in cr_bundle_load_files(): the directory loader only
 * gathers bundle.yml and the *.lua files (skipping hidden entries, never
 * following a symlink), and the embedded bundle hands over its array, so
 * a bundle loads, validates and digests the same way wherever it comes
 * from.  Loading checks the manifest, compiles every module in a
 * throwaway Lua state without running it, and computes the digest.  Every
 * problem found is reported at once, one "file:line: message" per line,
 * so that an author fixes a bundle in one round trip.
 *
 * bundle.yml is read with libyaml's event parser into a small tree.
 * Aliases are refused outright: a manifest has no use for them, and they
 * are how a tiny document expands into a huge one.
 */
#include "crucible/bundle.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <sodium.h>
#include <yaml.h>

#define BUNDLE_FILE_MAX (1024 * 1024) /* bytes in one bundle file */
#define BUNDLE_FILES_MAX 4096         /* files gathered from a directory */
#define BUNDLE_DEPTH_MAX 32           /* directory nesting */
#define YAML_DEPTH_MAX 64             /* nested collections in bundle.yml */
#define YAML_NODES_MAX 20000          /* nodes in bundle.yml */
#define PROBLEMS_MAX 100              /* problems listed in one message */

#define DIGEST_PREFIX "sha256:"

struct cr_bundle {
	char *origin;
	char *name;
	char *version;
	char *description;
	char digest[sizeof(DIGEST_PREFIX) + 2 * crypto_hash_sha256_BYTES];
	cr_category_def *categories;
	size_t category_count;
	cr_module *policies;
	size_t policy_count;
	cr_module *libraries;
	size_t library_count;
	cJSON *params; /* policy id -> object of default params */
};

/* --- problems ------------------------------------------------------------ */

/* The problems found so far, newline-separated.  Allocation failures only
 * set `oom`, so that the validators stay free of error plumbing. */
struct problems {
	char *text;
	size_t len;
	size_t count;
	bool oom;
};

static void problem(struct problems *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct problems *p, const char *fmt, ...)
{
	char *line, *grown;
	va_list ap;
	int n;

	if (++p->count > PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0) {
		p->oom = true;
		return;
	}
	grown = realloc(p->text, p->len + (size_t)n + 2);
	if (!grown) {
		free(line);
		p->oom = true;
		return;
	}
	if (p->len)
		grown[p->len++] = '\n';
	memcpy(grown + p->len, line, (size_t)n + 1);
	p->len += (size_t)n;
	p->text = grown;
	free(line);
}

#define YML_PROBLEM(p, line, fmt, ...) \
	problem((p), "bundle.yml:%u: " fmt, (line), ##__VA_ARGS__)

static int problems_report(cr_ctx *ctx, const struct problems *p)
{
	if (p->count > PROBLEMS_MAX)
		return cr_error_set(ctx, CR_EBUNDLE, "%s\n(%zu more problems)",
			p->text, p->count - PROBLEMS_MAX);
	return cr_error_set(ctx, CR_EBUNDLE, "%s", p->text);
}

static char *memdup_str(const char *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, data, len);
		s[len] = '\0';
	}
	return s;
}

static char *dup_or_oom(struct problems *p, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		p->oom = true;
	return copy;
}

/* --- bundle.yml as a tree ------------------------------------------------ */

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_kind kind;
	unsigned line;
	bool plain;          /* untagged plain scalar: typed by its text */
	char *text;          /* scalars only */
	struct ynode **kids; /* items; for mappings key, value, key, ... */
	size_t count;
	size_t cap;
};

static void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->count; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

static int ynode_append(struct ynode *parent, struct ynode *kid)
{
	if (parent->count == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct ynode **kids = realloc(parent->kids,
			cap * sizeof *kids);

		if (!kids)
			return CR_ENOMEM;
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->count++] = kid;
	return 0;
}

static struct ynode *ynode_from_event(const yaml_event_t *ev)
{
	struct ynode *n = calloc(1, sizeof *n);

	if (!n)
		return NULL;
	n->line = (unsigned)ev->start_mark.line + 1;
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		n->kind = Y_SEQ;
	} else if (ev->type == YAML_MAPPING_START_EVENT) {
		n->kind = Y_MAP;
	} else {
		n->kind = Y_SCALAR;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			!ev->data.scalar.tag;
		n->text = memdup_str((const char *)ev->data.scalar.value,
			ev->data.scalar.length);
		if (!n->text) {
			free(n);
			return NULL;
		}
	}
	return n;
}

/* The tree being built from the event stream. */
struct ybuild {
	struct ynode *root;
	struct ynode *open[YAML_DEPTH_MAX];
	size_t depth;
	size_t nodes;
	size_t documents;
};

static int ybuild_node(struct ybuild *yb, struct problems *p,
	const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;
	struct ynode *n;
	bool collection = ev->type != YAML_SCALAR_EVENT;

	if (++yb->nodes > YAML_NODES_MAX) {
		YML_PROBLEM(p, line, "too many nodes (the limit is %d)",
			YAML_NODES_MAX);
		return CR_EBUNDLE;
	}
	if (collection && yb->depth == YAML_DEPTH_MAX) {
		YML_PROBLEM(p, line, "nested too deeply (the limit is %d)",
			YAML_DEPTH_MAX);
		return CR_EBUNDLE;
	}
	n = ynode_from_event(ev);
	if (!n)
		return CR_ENOMEM;
	if (yb->depth == 0) {
		yb->root = n;
	} else if (ynode_append(yb->open[yb->depth - 1], n) != 0) {
		ynode_free(n);
		return CR_ENOMEM;
	}
	if (collection)
		yb->open[yb->depth++] = n;
	return 0;
}

static int ybuild_event(struct ybuild *yb, struct problems *p,
	const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (yb->documents++ == 0)
			return 0;
		YML_PROBLEM(p, line, "only one YAML document is allowed");
		return CR_EBUNDLE;
	case YAML_ALIAS_EVENT:
		YML_PROBLEM(p, line, "aliases are not allowed");
		return CR_EBUNDLE;
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return ybuild_node(yb, p, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		yb->depth--;
		return 0;
	default:
		return 0;
	}
}

static int yaml_syntax_problem(struct problems *p, const yaml_parser_t *parser)
{
	if (parser->error == YAML_MEMORY_ERROR)
		return CR_ENOMEM;
	if (parser->context)
		YML_PROBLEM(p, (unsigned)parser->problem_mark.line + 1,
			"%s (%s on line %zu)", parser->problem,
			parser->context, parser->context_mark.line + 1);
	else
		YML_PROBLEM(p, (unsigned)parser->problem_mark.line + 1, "%s",
			parser->problem ? parser->problem : "invalid YAML");
	return CR_EBUNDLE;
}

/* Parse bundle.yml into *out (NULL for an empty document).  Returns 0,
 * CR_ENOMEM, or CR_EBUNDLE after recording the problem. */
static int yaml_read(struct ynode **out, struct problems *p,
	const char *data, size_t len)
{
	struct ybuild yb = {0};
	yaml_parser_t parser;
	yaml_event_t ev;
	bool end = false;
	int err = 0;

	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return CR_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
		len);
	while (!end && !err) {
		if (!yaml_parser_parse(&parser, &ev)) {
			err = yaml_syntax_problem(p, &parser);
			break;
		}
		err = ybuild_event(&yb, p, &ev);
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (err)
		ynode_free(yb.root);
	else
		*out = yb.root;
	return err;
}

/* --- YAML scalars -------------------------------------------------------- */

static bool text_is_one_of(const char *text, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(text, *words) == 0)
			return true;
	return false;
}

static const char *const yaml_nulls[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const yaml_trues[] = {"true", "True", "TRUE", NULL};
static const char *const yaml_falses[] = {"false", "False", "FALSE", NULL};

static bool ynode_is_null(const struct ynode *n)
{
	return n->kind == Y_SCALAR && n->plain &&
		text_is_one_of(n->text, yaml_nulls);
}

static const char *skip_digits(const char *s)
{
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

/* Numbers of the YAML 1.2 core schema: decimal integers and floats, 0x
 * and 0o integers.  .inf and .nan stay strings: params travel as JSON. */
static bool parse_number(const char *s, double *out)
{
	const char *p = s, *digits;
	bool any;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o') && s[2]) {
		int base = s[1] == 'x' ? 16 : 8;
		char *end;

		if (!isxdigit((unsigned char)s[2]))
			return false;
		errno = 0;
		*out = (double)strtoull(s + 2, &end, base);
		return !*end && !errno;
	}
	if (*p == '+' || *p == '-')
		p++;
	digits = p;
	p = skip_digits(p);
	any = p != digits;
	if (*p == '.') {
		digits = ++p;
		p = skip_digits(p);
		any = any || p != digits;
	}
	if (!any)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		p = skip_digits(p);
	}
	if (*p)
		return false;
	*out = strtod(s, NULL);
	return isfinite(*out);
}

static cJSON *scalar_to_json(const struct ynode *n)
{
	double number;

	if (!n->plain)
		return cJSON_CreateString(n->text);
	if (text_is_one_of(n->text, yaml_nulls))
		return cJSON_CreateNull();
	if (text_is_one_of(n->text, yaml_trues))
		return cJSON_CreateTrue();
	if (text_is_one_of(n->text, yaml_falses))
		return cJSON_CreateFalse();
	if (parse_number(n->text, &number))
		return cJSON_CreateNumber(number);
	return cJSON_CreateString(n->text);
}

static cJSON *yaml_to_json(struct problems *p, const struct ynode *n);

static bool json_add_item(struct problems *p, cJSON *container,
	const char *key, cJSON *item)
{
	bool added = item && (key ? cJSON_AddItemToObject(container, key, item)
				  : cJSON_AddItemToArray(container, item));

	if (!added) {
		cJSON_Delete(item);
		p->oom = true;
	}
	return added;
}

static cJSON *mapping_to_json(struct problems *p, const struct ynode *n)
{
	cJSON *obj = cJSON_CreateObject();

	for (size_t i = 0; obj && i + 1 < n->count; i += 2) {
		const struct ynode *key = n->kids[i];

		if (key->kind != Y_SCALAR)
			YML_PROBLEM(p, key->line, "mapping keys must be strings");
		else if (cJSON_GetObjectItemCaseSensitive(obj, key->text))
			YML_PROBLEM(p, key->line, "duplicate key \"%s\"",
				key->text);
		else if (!json_add_item(p, obj, key->text,
				 yaml_to_json(p, n->kids[i + 1])))
			break;
	}
	return obj;
}

/* Convert a subtree with plain YAML typing.  NULL only when out of
 * memory (p->oom is then set); structural problems are recorded and the
 * offending entries left out. */
static cJSON *yaml_to_json(struct problems *p, const struct ynode *n)
{
	cJSON *out;

	switch (n->kind) {
	case Y_SCALAR:
		out = scalar_to_json(n);
		break;
	case Y_MAP:
		out = mapping_to_json(p, n);
		break;
	default:
		out = cJSON_CreateArray();
		for (size_t i = 0; out && i < n->count; i++)
			if (!json_add_item(p, out, NULL,
					yaml_to_json(p, n->kids[i])))
				break;
		break;
	}
	if (!out)
		p->oom = true;
	return out;
}

/* --- bundle.yml fields --------------------------------------------------- */

static bool is_name_char(int c, bool upper)
{
	return islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-' ||
		(upper && isupper(c));
}

/* [a-z0-9._-]+, or with upper case letters too. */
static bool is_identifier(const char *s, bool upper)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_name_char((unsigned char)*s, upper))
			return false;
	return true;
}

/* The text of a scalar that is a string, or NULL after a problem. */
static const char *want_string(struct problems *p, const struct ynode *v,
	const char *what)
{
	if (v->kind == Y_SCALAR && !ynode_is_null(v) && v->text[0])
		return v->text;
	YML_PROBLEM(p, v->line, "%s must be a non-empty string", what);
	return NULL;
}

static const char *want_identifier(struct problems *p,
	const struct ynode *v, const char *what)
{
	const char *s = want_string(p, v, what);

	if (s && !is_identifier(s, false)) {
		YML_PROBLEM(p, v->line, "%s \"%s\" must match [a-z0-9._-]+",
			what, s);
		return NULL;
	}
	return s;
}

typedef void (*field_reader)(void *target, struct problems *p,
	const struct ynode *v);

struct field {
	const char *key;
	bool required;
	field_reader read;
};

/* Dispatch the keys of mapping `map` to their readers; report unknown,
 * duplicate and missing keys. */
static void read_fields(void *target, struct problems *p,
	const struct ynode *map, const char *what,
	const struct field *fields, size_t nfields)
{
	bool seen[8] = {false}; /* nfields <= 8: the tables below */

	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const struct ynode *key = map->kids[i];
		size_t f = 0;

		if (key->kind != Y_SCALAR) {
			YML_PROBLEM(p, key->line, "%s keys must be strings",
				what);
			continue;
		}
		while (f < nfields && strcmp(fields[f].key, key->text) != 0)
			f++;
		if (f == nfields)
			YML_PROBLEM(p, key->line, "unknown key \"%s\" in %s",
				key->text, what);
		else if (seen[f])
			YML_PROBLEM(p, key->line, "duplicate key \"%s\" in %s",
				key->text, what);
		else
			fields[f].read(target, p, map->kids[i + 1]);
		if (f < nfields)
			seen[f] = true;
	}
	for (size_t f = 0; f < nfields; f++)
		if (fields[f].required && !seen[f])
			YML_PROBLEM(p, map->line,
				"missing required key \"%s\" in %s",
				fields[f].key, what);
}

static void read_category_id(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_category_def *def = target;
	const char *id = want_identifier(p, v, "category id");

	if (id)
		def->id = dup_or_oom(p, id);
}

static void read_category_title(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_category_def *def = target;
	const char *title = want_string(p, v, "category title");

	if (title)
		def->title = dup_or_oom(p, title);
}

static void read_category_weight(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_category_def *def = target;
	double weight;

	if (v->kind == Y_SCALAR && v->plain &&
	    parse_number(v->text, &weight) && weight > 0)
		def->weight = weight;
	else
		YML_PROBLEM(p, v->line,
			"category weight must be a number greater than 0");
}

static const struct field category_fields[] = {
	{"id", true, read_category_id},
	{"title", true, read_category_title},
	{"weight", true, read_category_weight},
};

static bool category_id_taken(const cr_bundle *b, size_t before,
	const char *id)
{
	for (size_t i = 0; i < before; i++)
		if (b->categories[i].id && strcmp(b->categories[i].id, id) == 0)
			return true;
	return false;
}

static void read_categories(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_bundle *b = target;

	if (v->kind != Y_SEQ || v->count == 0) {
		YML_PROBLEM(p, v->line,
			"categories must be a non-empty list of {id, title, weight}");
		return;
	}
	b->categories = calloc(v->count, sizeof *b->categories);
	if (!b->categories) {
		p->oom = true;
		return;
	}
	b->category_count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		const struct ynode *item = v->kids[i];
		cr_category_def *def = &b->categories[i];

		if (item->kind != Y_MAP) {
			YML_PROBLEM(p, item->line,
				"a category must be a mapping of id, title and weight");
			continue;
		}
		read_fields(def, p, item, "category", category_fields,
			sizeof category_fields / sizeof *category_fields);
		if (def->id && category_id_taken(b, i, def->id))
			YML_PROBLEM(p, item->line, "duplicate category id \"%s\"",
				def->id);
	}
}

static void read_params(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_bundle *b = target;

	if (v->kind != Y_MAP) {
		YML_PROBLEM(p, v->line,
			"params must be a mapping of policy id to params");
		return;
	}
	for (size_t i = 0; i + 1 < v->count; i += 2) {
		const struct ynode *key = v->kids[i], *val = v->kids[i + 1];

		if (key->kind == Y_SCALAR && !is_identifier(key->text, true))
			YML_PROBLEM(p, key->line,
				"policy id \"%s\" must match [A-Za-z0-9._-]+",
				key->text);
		if (val->kind != Y_MAP)
			YML_PROBLEM(p, val->line,
				"the params of a policy must be a mapping");
	}
	b->params = yaml_to_json(p, v);
}

static void read_name(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_bundle *b = target;
	const char *name = want_identifier(p, v, "name");

	if (name)
		b->name = dup_or_oom(p, name);
}

static void read_version(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_bundle *b = target;
	const char *version = want_string(p, v, "version");

	if (version)
		b->version = dup_or_oom(p, version);
}

static void read_description(void *target, struct problems *p,
	const struct ynode *v)
{
	cr_bundle *b = target;

	if (ynode_is_null(v))
		return;
	if (v->kind != Y_SCALAR)
		YML_PROBLEM(p, v->line, "description must be a string");
	else
		b->description = dup_or_oom(p, v->text);
}

static const struct field manifest_fields[] = {
	{"name", true, read_name},
	{"version", true, read_version},
	{"description", false, read_description},
	{"categories", true, read_categories},
	{"params", false, read_params},
};

/* Returns 0 or CR_ENOMEM; problems go to p. */
static int read_manifest(cr_bundle *b, struct problems *p,
	const cr_bundle_file *yml)
{
	struct ynode *root;
	int err = yaml_read(&root, p, yml->data, yml->len);

	if (err)
		return err == CR_ENOMEM ? err : 0;
	if (!root || root->kind != Y_MAP)
		YML_PROBLEM(p, root ? root->line : 1u,
			"the document must be a mapping of name, version, "
			"categories, ...");
	else
		read_fields(b, p, root, "bundle.yml", manifest_fields,
			sizeof manifest_fields / sizeof *manifest_fields);
	ynode_free(root);
	return 0;
}

/* --- members: which files make up the bundle ----------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* bundle.yml at the root and every *.lua; anything else (READMEs, test
 * data) rides along unread and outside the digest. */
static bool is_member_path(const char *path)
{
	return strcmp(path, "bundle.yml") == 0 || ends_with(path, ".lua");
}

static bool is_hidden_path(const char *path)
{
	return path[0] == '.' || strstr(path, "/.") != NULL;
}

static bool is_library_path(const char *path)
{
	return strncmp(path, "lib/", 4) == 0;
}

/* Relative, '/'-separated, no empty, "." or ".." components, printable. */
static bool is_clean_path(const char *path)
{
	const char *seg = path;

	for (const char *s = path;; s++) {
		if (*s == '/' || !*s) {
			size_t n = (size_t)(s - seg);

			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
			if (!*s)
				return true;
			seg = s + 1;
		} else if ((unsigned char)*s < 0x20 || *s == '\\' ||
			   *s == 0x7f) {
			return false;
		}
	}
}

static int by_path(const void *a, const void *b)
{
	return strcmp((*(const cr_bundle_file *const *)a)->path,
		(*(const cr_bundle_file *const *)b)->path);
}

/* Fill `members` with the files that make up the bundle, sorted by path;
 * returns how many. */
static size_t select_members(const cr_bundle_file **members,
	struct problems *p, const cr_bundle_file *files, size_t count)
{
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		const cr_bundle_file *f = &files[i];

		if (!f->path || !is_clean_path(f->path)) {
			problem(p, "%s: not a clean relative path",
				f->path ? f->path : "(null)");
			continue;
		}
		if (is_hidden_path(f->path) || !is_member_path(f->path))
			continue;
		if (f->len > BUNDLE_FILE_MAX) {
			problem(p, "%s: %zu bytes, larger than the %d bytes "
				"allowed for a bundle file", f->path, f->len,
				BUNDLE_FILE_MAX);
			continue;
		}
		members[n++] = f;
	}
	qsort(members, n, sizeof *members, by_path);
	for (size_t i = 1; i < n; i++)
		if (strcmp(members[i - 1]->path, members[i]->path) == 0)
			problem(p, "%s: listed twice", members[i]->path);
	return n;
}

/* --- modules ------------------------------------------------------------- */

static int module_copy(cr_module *m, const cr_bundle_file *f)
{
	char *path = strdup(f->path);
	char *source = memdup_str(f->data, f->len);

	if (!path || !source) {
		free(path);
		free(source);
		return CR_ENOMEM;
	}
	m->path = path;
	m->source = source;
	m->len = f->len;
	return 0;
}

static void module_release(cr_module *m)
{
	free((char *)m->path);
	free((char *)m->source);
}

static int add_modules(cr_bundle *b, const cr_bundle_file *const *members,
	size_t n)
{
	b->policies = calloc(n ? n : 1, sizeof *b->policies);
	b->libraries = calloc(n ? n : 1, sizeof *b->libraries);
	if (!b->policies || !b->libraries)
		return CR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const cr_bundle_file *f = members[i];
		int err;

		if (!ends_with(f->path, ".lua"))
			continue;
		if (is_library_path(f->path))
			err = module_copy(&b->libraries[b->library_count++], f);
		else
			err = module_copy(&b->policies[b->policy_count++], f);
		if (err)
			return err;
	}
	return 0;
}

/* Compile (never run) one module so that syntax errors surface now, with
 * the chunk name the sandbox will use. */
static void check_module(lua_State *L, struct problems *p, const char *name,
	const cr_module *m)
{
	char *chunk;

	if (asprintf(&chunk, "=%s%s%s", name ? name : "", name ? "/" : "",
		    m->path) < 0) {
		p->oom = true;
		return;
	}
	if (m->len > 0 && m->source[0] == LUA_SIGNATURE[0]) {
		problem(p, "%s: precompiled (binary) chunks are not allowed; "
			"ship Lua source", chunk + 1);
	} else if (luaL_loadbufferx(L, m->source, m->len, chunk, "t") !=
		   LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		problem(p, "%s", msg ? msg : "cannot compile module");
	}
	lua_settop(L, 0);
	free(chunk);
}

static int check_modules(const cr_bundle *b, struct problems *p)
{
	lua_State *L = luaL_newstate();

	if (!L)
		return CR_ENOMEM;
	for (size_t i = 0; i < b->policy_count; i++)
		check_module(L, p, b->name, &b->policies[i]);
	for (size_t i = 0; i < b->library_count; i++)
		check_module(L, p, b->name, &b->libraries[i]);
	lua_close(L);
	return 0;
}

/* --- digest -------------------------------------------------------------- */

static int compute_digest(cr_bundle *b, const cr_bundle_file *const *members,
	size_t n)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;

	if (sodium_init() < 0)
		return CR_EINTERNAL;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++) {
		const cr_bundle_file *f = members[i];
		char len[24];
		int k = snprintf(len, sizeof len, "%zu", f->len);

		crypto_hash_sha256_update(&st, (const unsigned char *)f->path,
			strlen(f->path) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)len,
			(size_t)k + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)f->data,
			f->len);
	}
	crypto_hash_sha256_final(&st, hash);
	memcpy(b->digest, DIGEST_PREFIX, sizeof(DIGEST_PREFIX) - 1);
	sodium_bin2hex(b->digest + sizeof(DIGEST_PREFIX) - 1,
		sizeof b->digest - (sizeof(DIGEST_PREFIX) - 1), hash,
		sizeof hash);
	return 0;
}

/* --- loading ------------------------------------------------------------- */

static const cr_bundle_file *find_member(const cr_bundle_file *const *members,
	size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(members[i]->path, path) == 0)
			return members[i];
	return NULL;
}

/* Everything but the final verdict: returns 0 or CR_ENOMEM/CR_EINTERNAL,
 * with the bundle's problems in p. */
static int load_members(cr_bundle *b, struct problems *p,
	const cr_bundle_file **members, const cr_bundle_file *files,
	size_t count)
{
	const cr_bundle_file *yml;
	size_t n = select_members(members, p, files, count);
	int err;

	yml = find_member(members, n, "bundle.yml");
	if (!yml)
		problem(p, "%s: no bundle.yml", b->origin);
	else if ((err = read_manifest(b, p, yml)) != 0)
		return err;
	if ((err = add_modules(b, members, n)) != 0 ||
	    (err = check_modules(b, p)) != 0)
		return err;
	if (b->policy_count == 0)
		problem(p, "%s: no policy modules (*.lua outside lib/)",
			b->origin);
	return compute_digest(b, members, n);
}

int cr_bundle_load_files(cr_bundle **out, cr_ctx *ctx, const char *origin,
	const cr_bundle_file *files, size_t count)
{
	const cr_bundle_file **members = calloc(count ? count : 1,
		sizeof *members);
	struct problems p = {0};
	cr_bundle *b = calloc(1, sizeof *b);
	int err = CR_ENOMEM;

	*out = NULL;
	if (!members || !b || !(b->origin = strdup(origin)))
		goto done;
	err = load_members(b, &p, members, files, count);
	if (!err && p.oom)
		err = CR_ENOMEM;
	if (!err && p.count)
		err = problems_report(ctx, &p);
done:
	if (err == CR_ENOMEM)
		cr_error_set(ctx, err, "out of memory loading bundle %s", origin);
	else if (err == CR_EINTERNAL)
		cr_error_set(ctx, err, "cannot initialise libsodium");
	if (err)
		cr_bundle_free(b);
	else
		*out = b;
	free(members);
	free(p.text);
	return err;
}

/* --- loading from a directory -------------------------------------------- */

/* The files gathered from a bundle directory; paths and data are owned. */
struct gather {
	cr_ctx *ctx;
	const char *root;
	cr_bundle_file *files;
	size_t count;
	size_t cap;
};

static void gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->count; i++) {
		free((char *)g->files[i].path);
		free((char *)g->files[i].data);
	}
	free(g->files);
}

static int gather_io_error(struct gather *g, const char *path)
{
	return cr_error_set(g->ctx, CR_EIO, "cannot read %s/%s: %s", g->root,
		path, strerror(errno));
}

/* Read an open regular file of `size` bytes; the buffer gets a NUL. */
static int read_exactly(char **out, int fd, size_t size)
{
	char *buf = malloc(size + 1);
	size_t got = 0;
	ssize_t n = 0;

	if (!buf)
		return CR_ENOMEM;
	while (got <= size) {
		n = read(fd, buf + got, size + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (n < 0 || got != size) {
		free(buf);
		if (n >= 0)
			errno = EAGAIN; /* the file changed while we read it */
		return CR_EIO;
	}
	buf[size] = '\0';
	*out = buf;
	return 0;
}

static int gather_push(struct gather *g, const char *path, char *data,
	size_t len)
{
	cr_bundle_file *f;

	if (g->count == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 32;

		f = realloc(g->files, cap * sizeof *f);
		if (!f)
			return CR_ENOMEM;
		g->files = f;
		g->cap = cap;
	}
	f = &g->files[g->count];
	f->path = strdup(path);
	if (!f->path)
		return CR_ENOMEM;
	f->data = data;
	f->len = len;
	g->count++;
	return 0;
}

static int gather_file(struct gather *g, int dirfd, const char *name,
	const char *path)
{
	char *data = NULL;
	struct stat st;
	int err = 0, fd;

	if (g->count == BUNDLE_FILES_MAX)
		return cr_error_set(g->ctx, CR_EBUNDLE,
			"%s: more than %d bundle files", g->root,
			BUNDLE_FILES_MAX);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		err = gather_io_error(g, path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: not a regular file", g->root, path);
		goto done;
	}
	if (st.st_size > BUNDLE_FILE_MAX) {
		err = cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: %lld bytes, larger than the %d bytes allowed "
			"for a bundle file", g->root, path,
			(long long)st.st_size, BUNDLE_FILE_MAX);
		goto done;
	}
	err = read_exactly(&data, fd, (size_t)st.st_size);
	if (err == CR_EIO)
		err = gather_io_error(g, path);
	else if (!err && (err = gather_push(g, path, data,
				  (size_t)st.st_size)) != 0)
		free(data);
done:
	if (fd >= 0)
		close(fd);
	return err;
}

static int gather_dir(struct gather *g, int fd, const char *rel,
	unsigned depth);

static int gather_subdir(struct gather *g, int dirfd, const char *name,
	const char *path, unsigned depth)
{
	int fd;

	if (depth > BUNDLE_DEPTH_MAX)
		return cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: directories nested more than %d deep", g->root,
			path, BUNDLE_DEPTH_MAX);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		O_CLOEXEC);
	if (fd < 0)
		return gather_io_error(g, path);
	return gather_dir(g, fd, path, depth);
}

static int gather_entry(struct gather *g, int dirfd, const char *rel,
	const char *name, unsigned depth)
{
	struct stat st;
	char *path;
	int err = 0;

	if (asprintf(&path, "%s%s%s", rel, *rel ? "/" : "", name) < 0)
		return CR_ENOMEM;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		err = gather_io_error(g, path);
	else if (S_ISDIR(st.st_mode))
		err = gather_subdir(g, dirfd, name, path, depth + 1);
	else if (!is_member_path(path))
		err = 0;
	else if (S_ISLNK(st.st_mode))
		err = cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: a symbolic link; bundle files must be "
			"regular files", g->root, path);
	else
		err = gather_file(g, dirfd, name, path);
	free(path);
	return err;
}

/* Walk the directory open at fd (taken over and closed). */
static int gather_dir(struct gather *g, int fd, const char *rel,
	unsigned depth)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	int err = 0;

	if (!dir) {
		err = gather_io_error(g, *rel ? rel : ".");
		close(fd);
		return err;
	}
	while (!err) {
		errno = 0;
		e = readdir(dir);
		if (!e) {
			if (errno)
				err = gather_io_error(g, *rel ? rel : ".");
			break;
		}
		if (e->d_name[0] != '.')
			err = gather_entry(g, dirfd(dir), rel, e->d_name,
				depth);
	}
	closedir(dir);
	return err;
}

int cr_bundle_load_dir(cr_bundle **out, cr_ctx *ctx, const char *dir)
{
	struct gather g = {.ctx = ctx, .root = dir};
	int err, fd;

	*out = NULL;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cr_error_set(ctx, CR_EIO,
			"cannot open bundle directory %s: %s", dir,
			strerror(errno));
	err = gather_dir(&g, fd, "", 0);
	if (err == CR_ENOMEM)
		cr_error_set(ctx, err, "out of memory reading bundle %s", dir);
	else if (!err)
		err = cr_bundle_load_files(out, ctx, dir, g.files, g.count);
	gather_free(&g);
	return err;
}

/* --- accessors ----------------------------------------------------------- */

void cr_bundle_free(cr_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->category_count; i++) {
		free((char *)b->categories[i].id);
		free((char *)b->categories[i].title);
	}
	free(b->categories);
	for (size_t i = 0; i < b->policy_count; i++)
		module_release(&b->policies[i]);
	free(b->policies);
	for (size_t i = 0; i < b->library_count; i++)
		module_release(&b->libraries[i]);
	free(b->libraries);
	cJSON_Delete(b->params);
	free(b->origin);
	free(b->name);
	free(b->version);
	free(b->description);
	free(b);
}

const char *cr_bundle_name(const cr_bundle *b)
{
	return b->name;
}

const char *cr_bundle_version(const cr_bundle *b)
{
	return b->version;
}

const char *cr_bundle_description(const cr_bundle *b)
{
	return b->description;
}

const char *cr_bundle_origin(const cr_bundle *b)
{
	return b->origin;
}

const char *cr_bundle_digest(const cr_bundle *b)
{
	return b->digest;
}

size_t cr_bundle_category_count(const cr_bundle *b)
{
	return b->category_count;
}

const cr_category_def *cr_bundle_category(const cr_bundle *b, size_t i)
{
	return i < b->category_count ? &b->categories[i] : NULL;
}

const cr_category_def *cr_bundle_find_category(const cr_bundle *b,
	const char *id)
{
	for (size_t i = 0; i < b->category_count; i++)
		if (strcmp(b->categories[i].id, id) == 0)
			return &b->categories[i];
	return NULL;
}

size_t cr_bundle_policy_count(const cr_bundle *b)
{
	return b->policy_count;
}

const cr_module *cr_bundle_policy(const cr_bundle *b, size_t i)
{
	return i < b->policy_count ? &b->policies[i] : NULL;
}

/* Does `path` name the library module `name` ("a.b" <-> "lib/a/b.lua")?
 * Compared in place: a require() must not allocate. */
static bool library_path_matches(const char *path, const char *name)
{
	if (!is_library_path(path))
		return false;
	path += 4;
	for (; *name; name++, path++)
		if (*path != (*name == '.' ? '/' : *name))
			return false;
	return strcmp(path, ".lua") == 0;
}

/* Dot-separated segments of [A-Za-z0-9_-]. */
static bool is_library_name(const char *name)
{
	bool segment_start = true;

	for (; *name; name++) {
		if (*name == '.') {
			if (segment_start)
				return false;
			segment_start = true;
		} else if (isalnum((unsigned char)*name) || *name == '_' ||
			   *name == '-') {
			segment_start = false;
		} else {
			return false;
		}
	}
	return !segment_start;
}

const cr_module *cr_bundle_library(const cr_bundle *b, const char *name)
{
	if (!is_library_name(name))
		return NULL;
	for (size_t i = 0; i < b->library_count; i++)
		if (library_path_matches(b->libraries[i].path, name))
			return &b->libraries[i];
	return NULL;
}

const cJSON *cr_bundle_params(const cr_bundle *b, const char *policy_id)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(b->params,
		policy_id);

	return cJSON_IsObject(params) ? params : NULL;
}
