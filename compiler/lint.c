/*
 * lint.c - the policy linter (include/crucible/lint.h, docs/lint.md).
 *
 * compiler/lua_parse.c resolves every name of a module the way Lua does;
 * this file holds the policy's side of the contract: which globals a
 * policy really has (the table below, which mirrors vm/sandbox.c and
 * vm/policy.c, and which tests/test_lint.c checks against a real sandbox)
 * and what is worth an error or a warning.  Errors are things that
 * cannot work at run time, so `crucible build` catches them before CI
 * does; warnings are things that work but are probably mistakes.
 */
#include "crucible/lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/lua_parse.h"

#define SUGGEST_LEN_MAX 64  /* names compared for "did you mean" */

struct api_field {
	const char *name;
	const char *unavailable;  /* why policies cannot use it, or NULL */
};

enum api_group {
	API_BASE,        /* a Lua base function or value */
	API_LIBRARY,     /* a Lua library table */
	API_POLICY,      /* the policy API of vm/policy.c */
	API_UNAVAILABLE  /* known, and deliberately absent */
};

struct api_global {
	const char *name;
	enum api_group group;
	const char *unavailable;           /* API_UNAVAILABLE: why */
	const struct api_field *fields;    /* checked when not NULL */
};

/* --- what a policy sees -------------------------------------------------- */

#define FIELD(name) { (name), NULL }
#define GONE(name, why) { (name), (why) }
#define END { NULL, NULL }
#define BASE(name) { (name), API_BASE, NULL, NULL }
#define LIBRARY(name, fields) { (name), API_LIBRARY, NULL, (fields) }
#define POLICY(name) { (name), API_POLICY, NULL, NULL }
#define POLICY_TABLE(name, fields) { (name), API_POLICY, NULL, (fields) }
#define MISSING(name, why) { (name), API_UNAVAILABLE, (why), NULL }

static const struct api_field string_fields[] = {
	FIELD("byte"), FIELD("char"), FIELD("find"), FIELD("format"),
	FIELD("gmatch"), FIELD("gsub"), FIELD("len"), FIELD("lower"),
	FIELD("match"), FIELD("pack"), FIELD("packsize"), FIELD("rep"),
	FIELD("reverse"), FIELD("sub"), FIELD("unpack"), FIELD("upper"),
	/* removed by the sandbox */
	GONE("dump", "no bytecode: policies are loaded as text only"),
	END
};

static const struct api_field table_fields[] = {
	FIELD("concat"), FIELD("insert"), FIELD("move"), FIELD("pack"),
	FIELD("remove"), FIELD("sort"), FIELD("unpack"),
	END
};

#define MATH_COMPAT "a Lua 5.3 compatibility function that Lua 5.4 " \
	"builds may lack"

static const struct api_field math_fields[] = {
	FIELD("abs"), FIELD("acos"), FIELD("asin"), FIELD("atan"),
	FIELD("ceil"), FIELD("cos"), FIELD("deg"), FIELD("exp"),
	FIELD("floor"), FIELD("fmod"), FIELD("huge"), FIELD("log"),
	FIELD("max"), FIELD("maxinteger"), FIELD("min"), FIELD("mininteger"),
	FIELD("modf"), FIELD("pi"), FIELD("rad"), FIELD("random"),
	FIELD("sin"), FIELD("sqrt"), FIELD("tan"), FIELD("tointeger"),
	FIELD("type"), FIELD("ult"),
	/* removed by the sandbox, so that every run gives the same result */
	GONE("randomseed", "math.random is seeded the same way in every run"),
	/* LUA_COMPAT_MATHLIB: in Debian's build, not in a default one */
	GONE("atan2", MATH_COMPAT), GONE("cosh", MATH_COMPAT),
	GONE("sinh", MATH_COMPAT), GONE("tanh", MATH_COMPAT),
	GONE("pow", MATH_COMPAT), GONE("frexp", MATH_COMPAT),
	GONE("ldexp", MATH_COMPAT), GONE("log10", MATH_COMPAT),
	END
};

static const struct api_field utf8_fields[] = {
	FIELD("char"), FIELD("charpattern"), FIELD("codepoint"),
	FIELD("codes"), FIELD("len"), FIELD("offset"),
	END
};

/* vm/policy.c install_environment() and vm/lua_graph.c
 * cr_lua_register_stdlib() */
static const struct api_field crucible_fields[] = {
	FIELD("policy"), FIELD("version"), FIELD("glob"), FIELD("match"),
	END
};

#define NO_FILES "no file system: everything comes from the repo object"

static const struct api_global api_globals[] = {
	/* Lua's base library as vm/sandbox.c leaves it: load takes text
	 * only, setmetatable refuses __gc, xpcall handlers stay within the
	 * budget, and require loads the bundle's lib/ modules and
	 * "crucible". */
	BASE("assert"), BASE("error"), BASE("getmetatable"), BASE("ipairs"),
	BASE("load"), BASE("next"), BASE("pairs"), BASE("pcall"),
	BASE("print"), BASE("rawequal"), BASE("rawget"), BASE("rawlen"),
	BASE("rawset"), BASE("require"), BASE("select"),
	BASE("setmetatable"), BASE("tonumber"), BASE("tostring"),
	BASE("type"), BASE("xpcall"), BASE("_G"), BASE("_VERSION"),

	/* the libraries of the allow-list, field by field */
	LIBRARY("string", string_fields),
	LIBRARY("table", table_fields),
	LIBRARY("math", math_fields),
	LIBRARY("utf8", utf8_fields),

	/* the policy API (vm/policy.c); warn replaces Lua's own warn */
	POLICY_TABLE("crucible", crucible_fields),
	POLICY("pass"), POLICY("fail"), POLICY("warn"), POLICY("skip"),
	POLICY("score"),

	/* left out of the sandbox on purpose */
	MISSING("os", "no file system, processes or clock"),
	MISSING("io", NO_FILES),
	MISSING("debug", "it reaches into other code's state"),
	MISSING("package", "require loads the bundle's lib/ modules only"),
	MISSING("coroutine", "not in the library allow-list"),
	MISSING("dofile", NO_FILES),
	MISSING("loadfile", NO_FILES),
	MISSING("collectgarbage", "the sandbox manages memory itself"),

	/* Lua 5.1 names that Lua 5.4 no longer has */
	MISSING("unpack", "Lua 5.4 has table.unpack"),
	MISSING("loadstring", "Lua 5.4 has load"),
	MISSING("setfenv", "Lua 5.4 has _ENV"),
	MISSING("getfenv", "Lua 5.4 has _ENV"),
	MISSING("module", "a lib/ module returns its table"),
	MISSING("bit32", "Lua 5.4 has bitwise operators"),
};

#define API_GLOBAL_COUNT (sizeof api_globals / sizeof api_globals[0])

/* --- lookups ------------------------------------------------------------- */

static bool name_equals(const lp_name *n, const char *s)
{
	return strlen(s) == n->len && memcmp(s, n->text, n->len) == 0;
}

static const struct api_global *api_global(const lp_name *name)
{
	for (size_t i = 0; i < API_GLOBAL_COUNT; i++) {
		if (name_equals(name, api_globals[i].name))
			return &api_globals[i];
	}
	return NULL;
}

static const struct api_field *api_field(const struct api_field *fields,
	const lp_name *name)
{
	for (const struct api_field *f = fields; f->name; f++) {
		if (name_equals(name, f->name))
			return f;
	}
	return NULL;
}

/* Edit distance (insert, delete, replace, swap of neighbours) between
 * a and b, both at most SUGGEST_LEN_MAX bytes. */
static size_t edit_distance(const char *a, size_t na, const char *b,
	size_t nb)
{
	size_t d[SUGGEST_LEN_MAX + 1][SUGGEST_LEN_MAX + 1];

	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++) {
		for (size_t j = 1; j <= nb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[na][nb];
}

/* Keeps the closest candidate to a misspelt name. */
struct suggestion {
	const lp_name *typo;
	const char *best;
	size_t best_len;
	size_t best_distance;
};

static void suggest_init(struct suggestion *s, const lp_name *typo)
{
	s->typo = typo;
	s->best = NULL;
	/* Distances below this: none for a name of one or two letters,
	 * where everything is close, one edit up to five letters, then two. */
	s->best_distance = typo->len <= 2 ? 1 : typo->len <= 5 ? 2 : 3;
}

static void suggest_consider(struct suggestion *s, const char *name,
	size_t len)
{
	size_t d;

	if (s->typo->len > SUGGEST_LEN_MAX || len > SUGGEST_LEN_MAX)
		return;
	d = edit_distance(s->typo->text, s->typo->len, name, len);
	if (d > 0 && d < s->best_distance) {
		s->best = name;
		s->best_len = len;
		s->best_distance = d;
	}
}

/* --- issues -------------------------------------------------------------- */

struct lint {
	cr_lint_result result;
	size_t issue_cap;
	const lp_chunk *chunk;
};

static int add_issue(struct lint *L, cr_lint_level level,
	const lp_name *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_issue(struct lint *L, cr_lint_level level,
	const lp_name *at, const char *fmt, ...)
{
	cr_lint_result *r = &L->result;
	cr_lint_issue *issue;
	va_list ap;
	char *message;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CR_ENOMEM;
	if (r->issue_count == L->issue_cap) {
		size_t cap = L->issue_cap ? L->issue_cap * 2 : 16;
		cr_lint_issue *grown = realloc(r->issues, cap * sizeof *grown);

		if (!grown) {
			free(message);
			return CR_ENOMEM;
		}
		r->issues = grown;
		L->issue_cap = cap;
	}
	issue = &r->issues[r->issue_count++];
	issue->level = level;
	issue->line = at->line;
	issue->column = at->column;
	issue->message = message;
	return CR_OK;
}

static int compare_issues(const void *a, const void *b)
{
	const cr_lint_issue *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return strcmp(x->message, y->message);
}

/* --- globals ------------------------------------------------------------- */

static int unknown_global(struct lint *L, const lp_global *g)
{
	struct suggestion s;

	suggest_init(&s, &g->name);
	for (size_t i = 0; i < API_GLOBAL_COUNT; i++) {
		if (api_globals[i].group != API_UNAVAILABLE)
			suggest_consider(&s, api_globals[i].name,
				strlen(api_globals[i].name));
	}
	for (size_t i = 0; i < L->chunk->local_count; i++) {
		const lp_name *n = &L->chunk->locals[i].name;

		suggest_consider(&s, n->text, n->len);
	}
	if (s.best)
		return add_issue(L, CR_LINT_ERROR, &g->name,
			"unknown global '%.*s' (did you mean '%.*s'?)",
			(int)g->name.len, g->name.text,
			(int)s.best_len, s.best);
	return add_issue(L, CR_LINT_ERROR, &g->name, "unknown global '%.*s' "
		"(not a local, a Lua function or library, or the policy API)",
		(int)g->name.len, g->name.text);
}

static int check_field(struct lint *L, const struct api_global *api,
	const lp_name *field)
{
	const struct api_field *f = api_field(api->fields, field);
	struct suggestion s;

	if (f && !f->unavailable)
		return CR_OK;
	if (f)
		return add_issue(L, CR_LINT_ERROR, field,
			"%s.%s is not available to policies (%s)",
			api->name, f->name, f->unavailable);
	suggest_init(&s, field);
	for (f = api->fields; f->name; f++) {
		if (!f->unavailable)
			suggest_consider(&s, f->name, strlen(f->name));
	}
	if (s.best)
		return add_issue(L, CR_LINT_ERROR, field,
			"%s has no field '%.*s' (did you mean '%.*s'?)",
			api->name, (int)field->len, field->text,
			(int)s.best_len, s.best);
	return add_issue(L, CR_LINT_ERROR, field, "%s has no field '%.*s'",
		api->name, (int)field->len, field->text);
}

static int check_global(struct lint *L, const lp_global *g)
{
	const struct api_global *api = api_global(&g->name);

	if (api && api->group == API_UNAVAILABLE)
		return add_issue(L, CR_LINT_ERROR, &g->name,
			"%s is not available to policies (%s)", api->name,
			api->unavailable);
	if (g->write)
		return add_issue(L, CR_LINT_ERROR, &g->name,
			"assignment to global '%.*s' (policies must not set "
			"globals; declare it local)",
			(int)g->name.len, g->name.text);
	if (!api)
		return unknown_global(L, g);
	if (api->fields && g->field.text)
		return check_field(L, api, &g->field);
	return CR_OK;
}

/* --- locals -------------------------------------------------------------- */

static const char *kind_noun(lp_local_kind kind)
{
	switch (kind) {
	case LP_FUNCTION:
		return "local function";
	case LP_LOOP:
		return "loop variable";
	case LP_PARAM:
		return "parameter";
	default:
		return "local";
	}
}

static const char *group_noun(enum api_group group)
{
	switch (group) {
	case API_LIBRARY:
		return "the Lua library";
	case API_POLICY:
		return "the policy API's";
	default:
		return "the Lua global";
	}
}

static int check_unused(struct lint *L, const lp_local *v)
{
	if (v->read || v->kind == LP_PARAM || v->kind == LP_SELF ||
	    v->attrib_close)
		return CR_OK;
	if (v->written)
		return add_issue(L, CR_LINT_WARNING, &v->name,
			"%s '%.*s' is assigned but never read",
			kind_noun(v->kind), (int)v->name.len, v->name.text);
	return add_issue(L, CR_LINT_WARNING, &v->name, "unused %s '%.*s'",
		kind_noun(v->kind), (int)v->name.len, v->name.text);
}

static int check_shadowing(struct lint *L, const lp_local *v)
{
	const struct api_global *api;

	if (v->kind == LP_SELF)
		return CR_OK;
	if (v->shadows != SIZE_MAX)
		return add_issue(L, CR_LINT_WARNING, &v->name,
			"%s '%.*s' shadows the %s on line %u",
			kind_noun(v->kind), (int)v->name.len, v->name.text,
			kind_noun(L->chunk->locals[v->shadows].kind),
			L->chunk->locals[v->shadows].name.line);
	api = api_global(&v->name);
	if (api && api->group != API_UNAVAILABLE)
		return add_issue(L, CR_LINT_WARNING, &v->name,
			"%s '%s' shadows %s '%s'", kind_noun(v->kind),
			api->name, group_noun(api->group), api->name);
	return CR_OK;
}

static int check_local(struct lint *L, const lp_local *v)
{
	int rc;

	if (v->name.text[0] == '_')
		return CR_OK;
	rc = check_unused(L, v);
	if (rc == CR_OK)
		rc = check_shadowing(L, v);
	return rc;
}

/* --- members ------------------------------------------------------------- */

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_members(cr_lint_result *r, const lp_chunk *chunk)
{
	size_t kept = 0;

	if (!chunk->member_count)
		return CR_OK;
	r->members = calloc(chunk->member_count, sizeof *r->members);
	if (!r->members)
		return CR_ENOMEM;
	for (size_t i = 0; i < chunk->member_count; i++) {
		const lp_name *m = &chunk->members[i];

		if (!(r->members[i] = strndup(m->text, m->len)))
			return CR_ENOMEM;
		r->member_count++;
	}
	qsort(r->members, r->member_count, sizeof *r->members,
		compare_strings);
	for (size_t i = 0; i < r->member_count; i++) {
		if (kept && strcmp(r->members[kept - 1], r->members[i]) == 0)
			free(r->members[i]);
		else
			r->members[kept++] = r->members[i];
	}
	r->member_count = kept;
	return CR_OK;
}

/* --- entry points -------------------------------------------------------- */

static int lint_chunk(struct lint *L)
{
	const lp_chunk *chunk = L->chunk;
	int rc = CR_OK;

	for (size_t i = 0; rc == CR_OK && i < chunk->global_count; i++)
		rc = check_global(L, &chunk->globals[i]);
	for (size_t i = 0; rc == CR_OK && i < chunk->local_count; i++)
		rc = check_local(L, &chunk->locals[i]);
	if (rc == CR_OK)
		rc = collect_members(&L->result, chunk);
	return rc;
}

void cr_lint_result_release(cr_lint_result *r)
{
	for (size_t i = 0; i < r->issue_count; i++)
		free(r->issues[i].message);
	free(r->issues);
	for (size_t i = 0; i < r->member_count; i++)
		free(r->members[i]);
	free(r->members);
	memset(r, 0, sizeof *r);
}

int cr_lint_module(cr_lint_result *out, cr_ctx *ctx, const char *chunkname,
	const char *source, size_t len)
{
	struct lint L = { 0 };
	lp_chunk chunk;
	int rc;

	memset(out, 0, sizeof *out);
	rc = lp_parse(&chunk, ctx, chunkname, source, len);
	if (rc)
		return rc;
	L.chunk = &chunk;
	rc = lint_chunk(&L);
	if (rc) {
		cr_lint_result_release(&L.result);
		rc = cr_error_set(ctx, rc, "out of memory");
		goto done;
	}
	if (L.result.issue_count)
		qsort(L.result.issues, L.result.issue_count,
			sizeof *L.result.issues, compare_issues);
	*out = L.result;
done:
	lp_chunk_release(&chunk);
	return rc;
}
