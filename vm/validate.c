/*
 * validate.c - the schema of policy metadata (see vm/validate.h).
 *
 * The evaluator calls cr_validate_policy() in its parent process, where
 * the ids of every bundle meet; `crucible build` calls it for one bundle
 * and adds cr_validate_param_values() for bundle.yml's params.  The rules
 * live only here.
 *
 * Params come in two shapes.  A declaration is a table with a string
 * `type` (`max = {type = "integer", default = 10, description = "..."}`);
 * any other value is an old-style plain default, which declares its key
 * with the type of the value, so that bundles written before declarations
 * keep working.
 */
#include "vm/validate.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Integers beyond 2^53 cannot round-trip through a double. */
#define EXACT_INTEGER_MAX 9007199254740992.0

struct seen_id {
	char *id;
	const cr_bundle *bundle;
	const cr_module *module;
	uint32_t line;
};

struct cr_validator {
	struct seen_id *ids;
	size_t count;
	size_t cap;
};

static const char *const param_type_names[] = {
	[CR_PARAM_STRING] = "string",
	[CR_PARAM_INTEGER] = "integer",
	[CR_PARAM_NUMBER] = "number",
	[CR_PARAM_BOOLEAN] = "boolean",
	[CR_PARAM_LIST] = "list",
	[CR_PARAM_TABLE] = "table",
};

const char *cr_param_type_name(cr_param_type t)
{
	return param_type_names[t];
}

int cr_validator_new(cr_validator **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? CR_OK : CR_ENOMEM;
}

void cr_validator_free(cr_validator *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->count; i++)
		free(v->ids[i].id);
	free(v->ids);
	free(v);
}

/* --- problems ------------------------------------------------------------ */

/* Problems name modules as Lua messages do: bundle/path:line. */
static void meta_problem(cr_problems *p, const cr_bundle *b,
	const cr_module *m, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void meta_problem(cr_problems *p, const cr_bundle *b,
	const cr_module *m, uint32_t line, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	cr_problem(p, "%s/%s:%u: %s", cr_bundle_name(b), m->path, line,
		message);
}

/* --- ids ----------------------------------------------------------------- */

static bool id_valid(const char *id)
{
	if (!id || !*id)
		return false;
	return id[strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789._-")] == '\0';
}

static const struct seen_id *find_id(const cr_validator *v, const char *id)
{
	for (size_t i = 0; i < v->count; i++) {
		if (!strcmp(v->ids[i].id, id))
			return &v->ids[i];
	}
	return NULL;
}

static bool remember_id(cr_validator *v, const char *id, const cr_bundle *b,
	const cr_module *m, uint32_t line)
{
	struct seen_id *grown;
	size_t cap;

	if (v->count == v->cap) {
		cap = v->cap ? v->cap * 2 : 64;
		grown = realloc(v->ids, cap * sizeof *grown);
		if (!grown)
			return false;
		v->ids = grown;
		v->cap = cap;
	}
	if (!(v->ids[v->count].id = strdup(id)))
		return false;
	v->ids[v->count].bundle = b;
	v->ids[v->count].module = m;
	v->ids[v->count].line = line;
	v->count++;
	return true;
}

static void check_id(cr_validator *v, cr_problems *p, const cr_bundle *b,
	const cr_module *m, const cr_policy_meta *meta)
{
	const struct seen_id *first;

	if (!id_valid(meta->id)) {
		meta_problem(p, b, m, meta->line, "invalid policy id '%s' (use "
			"letters, digits, '.', '_' and '-')",
			meta->id ? meta->id : "");
	} else if ((first = find_id(v, meta->id))) {
		meta_problem(p, b, m, meta->line, "duplicate policy id '%s' "
			"(first declared at %s/%s:%u)", meta->id,
			cr_bundle_name(first->bundle), first->module->path,
			first->line);
	} else if (!remember_id(v, meta->id, b, m, meta->line)) {
		p->oom = true;
	}
}

/* Policy severities are spelled exactly as in the docs: lowercase. */
static bool severity_valid(const char *name, cr_severity *out)
{
	return name && cr_severity_parse(out, name) == CR_OK &&
		!strcmp(cr_severity_name(*out), name);
}

/* --- params -------------------------------------------------------------- */

static bool param_name_valid(const char *name)
{
	if (!isalpha((unsigned char)*name) && *name != '_')
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '_')
			return false;
	return true;
}

static bool is_integral(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		fabs(v->valuedouble) <= EXACT_INTEGER_MAX;
}

static bool value_fits(cr_param_type t, const cJSON *v)
{
	switch (t) {
	case CR_PARAM_STRING:
		return cJSON_IsString(v);
	case CR_PARAM_INTEGER:
		return is_integral(v);
	case CR_PARAM_NUMBER:
		return cJSON_IsNumber(v);
	case CR_PARAM_BOOLEAN:
		return cJSON_IsBool(v);
	case CR_PARAM_LIST:
		return cJSON_IsArray(v);
	case CR_PARAM_TABLE:
		return cJSON_IsObject(v);
	}
	return false;
}

/* The type of an old-style default; numbers are numbers, so that a
 * threshold written as 5 may be tuned to 5.5 as before. */
static cr_param_type inferred_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return CR_PARAM_STRING;
	if (cJSON_IsBool(v))
		return CR_PARAM_BOOLEAN;
	if (cJSON_IsArray(v))
		return CR_PARAM_LIST;
	if (cJSON_IsObject(v))
		return CR_PARAM_TABLE;
	return CR_PARAM_NUMBER;
}

/* An author may declare every type but the table, which is only
 * inferred (it is last in the enum). */
static bool parse_param_type(cr_param_type *out, const char *name)
{
	for (int t = 0; t < CR_PARAM_TABLE; t++) {
		if (!strcmp(param_type_names[t], name)) {
			*out = (cr_param_type)t;
			return true;
		}
	}
	return false;
}

static const cJSON *declared_type(const cJSON *entry)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");

	return cJSON_IsObject(entry) && cJSON_IsString(type) ? type : NULL;
}

/* The type entry declares (false when the declaration is invalid). */
static bool entry_type(cr_param_type *out, const cJSON *entry)
{
	const cJSON *type = declared_type(entry);

	if (!type) {
		*out = inferred_type(entry);
		return true;
	}
	return parse_param_type(out, type->valuestring);
}

static void check_declaration(cr_problems *p, const cr_bundle *b,
	const cr_module *m, const cr_policy_meta *meta, const cJSON *entry)
{
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(entry, "default");
	const cJSON *type = declared_type(entry);
	const char *name = entry->string;
	cr_param_type t;

	if (!parse_param_type(&t, type->valuestring)) {
		meta_problem(p, b, m, meta->line, "param '%s': unknown type "
			"'%s' (string, integer, number, boolean or list)", name,
			type->valuestring);
		return;
	}
	for (const cJSON *f = entry->child; f; f = f->next) {
		if (strcmp(f->string, "type") && strcmp(f->string, "default") &&
		    strcmp(f->string, "description"))
			meta_problem(p, b, m, meta->line, "param '%s': unknown "
				"field '%s' (type, default, description)", name,
				f->string);
	}
	if (!def)
		meta_problem(p, b, m, meta->line, "param '%s': no default",
			name);
	else if (!value_fits(t, def))
		meta_problem(p, b, m, meta->line, "param '%s': the default is "
			"not a%s %s", name, t == CR_PARAM_INTEGER ? "n" : "",
			param_type_names[t]);
	def = cJSON_GetObjectItemCaseSensitive(entry, "description");
	if (def && !cJSON_IsString(def))
		meta_problem(p, b, m, meta->line, "param '%s': the description "
			"must be a string", name);
}

static void check_params(cr_problems *p, const cr_bundle *b,
	const cr_module *m, const cr_policy_meta *meta)
{
	if (meta->params_problem) {
		meta_problem(p, b, m, meta->line, "params: %s",
			meta->params_problem);
		return;
	}
	if (!meta->params || (cJSON_IsArray(meta->params) &&
			      !meta->params->child))
		return;
	if (!cJSON_IsObject(meta->params)) {
		meta_problem(p, b, m, meta->line, "params must be a table of "
			"named params");
		return;
	}
	for (const cJSON *e = meta->params->child; e; e = e->next) {
		if (!param_name_valid(e->string))
			meta_problem(p, b, m, meta->line, "param name '%s' is not "
				"an identifier", e->string);
		if (declared_type(e))
			check_declaration(p, b, m, meta, e);
	}
}

static void check_needs(cr_problems *p, const cr_bundle *b,
	const cr_module *m, const cr_policy_meta *meta)
{
	const cJSON *kind;

	if (!meta->needs || (cJSON_IsArray(meta->needs) && !meta->needs->child))
		return;
	if (!cJSON_IsArray(meta->needs)) {
		meta_problem(p, b, m, meta->line, "needs must be a list of fact "
			"kinds");
		return;
	}
	cJSON_ArrayForEach(kind, meta->needs) {
		if (!cJSON_IsString(kind) || !*kind->valuestring)
			meta_problem(p, b, m, meta->line, "needs must hold fact "
				"kinds (non-empty strings)");
	}
}

/* --- the policy -------------------------------------------------------- */

bool cr_validate_policy(cr_validator *v, cr_problems *p, const cr_bundle *b,
	const cr_module *m, const cr_policy_meta *meta, cr_severity *sev)
{
	size_t before = p->count;

	check_id(v, p, b, m, meta);
	if (!meta->title || !*meta->title)
		meta_problem(p, b, m, meta->line, "the title is empty");
	if (!meta->category || !cr_bundle_find_category(b, meta->category))
		meta_problem(p, b, m, meta->line, "unknown category '%s' "
			"(bundle.yml of '%s' does not declare it)",
			meta->category ? meta->category : "",
			cr_bundle_name(b));
	if (!severity_valid(meta->severity, sev))
		meta_problem(p, b, m, meta->line, "severity '%s' is not one of "
			"critical, high, medium, low, info",
			meta->severity ? meta->severity : "");
	if (!(meta->weight > 0) || !isfinite(meta->weight))
		meta_problem(p, b, m, meta->line, "weight must be a positive "
			"number (got %g)", meta->weight);
	check_params(p, b, m, meta);
	check_needs(p, b, m, meta);
	return p->count == before;
}

/* --- given params --------------------------------------------------------- */

void cr_validate_param_values(cr_problems *p, const cr_policy_meta *meta,
	const cJSON *given, cr_param_locator locate, void *ud)
{
	const cJSON *declared = cJSON_IsObject(meta->params) ? meta->params :
		NULL;
	const cJSON *entry;
	cr_param_type t;
	unsigned line;

	if (!given)
		return;
	for (const cJSON *g = given->child; g; g = g->next) {
		line = locate ? locate(ud, meta->id, g->string) : 0;
		entry = cJSON_GetObjectItemCaseSensitive(declared, g->string);
		if (!entry)
			cr_problem_at(p, line, "params of %s: '%s' is not a "
				"param of the policy", meta->id, g->string);
		else if (entry_type(&t, entry) && !value_fits(t, g))
			cr_problem_at(p, line, "params of %s: '%s' must be a%s "
				"%s", meta->id, g->string,
				t == CR_PARAM_INTEGER ? "n" : "",
				param_type_names[t]);
	}
}

/* --- declarations for manifests -------------------------------------------- */

static cJSON *declared_entry(const cJSON *entry)
{
	const cJSON *def = entry, *desc = NULL;
	cJSON *out = cJSON_CreateObject();
	cr_param_type t;

	if (declared_type(entry)) {
		def = cJSON_GetObjectItemCaseSensitive(entry, "default");
		desc = cJSON_GetObjectItemCaseSensitive(entry, "description");
	}
	if (!out || !entry_type(&t, entry) ||
	    !cJSON_AddStringToObject(out, "type", param_type_names[t]) ||
	    !cJSON_AddItemToObject(out, "default", cJSON_Duplicate(def, true)) ||
	    (cJSON_IsString(desc) && !cJSON_AddStringToObject(out,
		    "description", desc->valuestring))) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

cJSON *cr_params_declared(const cr_policy_meta *meta)
{
	cJSON *out = cJSON_CreateObject(), *entry;

	if (!out || !cJSON_IsObject(meta->params))
		return out;
	for (const cJSON *e = meta->params->child; e; e = e->next) {
		if (!(entry = declared_entry(e)) ||
		    !cJSON_AddItemToObject(out, e->string, entry)) {
			cJSON_Delete(entry);
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}
