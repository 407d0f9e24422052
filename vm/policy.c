/*
 * policy.c - the policy environment and the collection of one result.
 *
 * cr_policy_open() fills a fresh sandbox with what docs/policy-api.md
 * promises (the crucible table with crucible.policy, version and the
 * stdlib; pass, fail, warn, skip and score as globals), runs the module's
 * top level and copies the metadata of the policy it returns.
 * cr_policy_check() calls check(repo, params) while the collector
 * functions are armed, then derives status, score and message.
 *
 * Everything a policy reports is copied into C memory as it is reported,
 * bounded in size and count, so that the outcome survives the state and
 * a hostile policy cannot grow it without limit.  Lua values are read and
 * checked before anything is allocated, so a Lua error never leaks.
 */
#include "vm/policy.h"

#include <lauxlib.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/lua_graph.h"
#include "vm/sandbox.h"

#define POLICIES_KEY "crucible.policies" /* policy table -> line */
#define POLICY_KEY "crucible.policy"     /* the one the module returned */
#define PARAMS_DEPTH_MAX 32
#define PROBLEM_MAX 256
/* Values in a params table: a table that holds itself twice must not make
 * the copy exponential. */
#define PARAMS_VALUES_MAX 10000

struct cr_policy_run {
	cr_sandbox *sb;
	cr_policy_outcome *out;
	const cr_bundle *bundle;
	const cr_module *module;
	const cr_graph *graph;
	bool in_check;
	size_t fails;
	size_t warns;
	size_t dropped;      /* findings over CR_POLICY_FINDINGS_MAX */
	size_t finding_cap;
	bool skipped;
	bool scored;
	double score;
	char *pass_message;
	char *skip_message;
	char *score_message;
};

struct policy_field {
	const char *name;
	int type;
	bool required;
};

static const struct policy_field policy_fields[] = {
	{ "id", LUA_TSTRING, true },
	{ "title", LUA_TSTRING, true },
	{ "category", LUA_TSTRING, true },
	{ "severity", LUA_TSTRING, true },
	{ "check", LUA_TFUNCTION, true },
	{ "weight", LUA_TNUMBER, false },
	{ "description", LUA_TSTRING, false },
	{ "remediation", LUA_TSTRING, false },
	{ "references", LUA_TTABLE, false },
	{ "params", LUA_TTABLE, false },
	{ "needs", LUA_TTABLE, false },
};

static const char *const default_messages[] = {
	[CR_STATUS_PASS] = "passed",
	[CR_STATUS_FAIL] = "failed",
	[CR_STATUS_WARN] = "warning",
	[CR_STATUS_SKIP] = "skipped",
	[CR_STATUS_ERROR] = "error",
};

/* --- small helpers ------------------------------------------------------ */

static char *text_dup(const char *s, size_t len)
{
	return strndup(s, cr_utf8_clip(s, len, CR_POLICY_TEXT_MAX));
}

static int raw_field(lua_State *L, int table, const char *name)
{
	lua_pushstring(L, name);
	return lua_rawget(L, table);
}

/* 32 lowercase hex digits: the first 16 bytes of SHA-256 over
 * id NUL path NUL evidence (path "" when there is none). */
static void fingerprint(char out[33], const char *id, const char *path,
	const char *evidence, size_t evidence_len)
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];

	if (!path)
		path = "";
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)id,
		strlen(id) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)path,
		strlen(path) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)evidence,
		evidence_len);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, 33, digest, 16);
}

static void drop_findings(cr_policy_outcome *o)
{
	for (size_t i = 0; i < o->finding_count; i++) {
		free(o->findings[i].message);
		free(o->findings[i].path);
		free(o->findings[i].commit);
		free(o->findings[i].suppressed);
	}
	o->finding_count = 0;
}

void cr_policy_outcome_release(cr_policy_outcome *o)
{
	cr_policy_meta *m = &o->meta;

	free(m->id);
	free(m->title);
	free(m->category);
	free(m->severity);
	free(m->description);
	free(m->remediation);
	free(m->params_problem);
	cJSON_Delete(m->params);
	cJSON_Delete(m->needs);
	drop_findings(o);
	free(o->findings);
	free(o->message);
	memset(o, 0, sizeof *o);
}

void cr_policy_outcome_fail(cr_policy_outcome *o, const char *message)
{
	drop_findings(o);
	free(o->message);
	o->message = strdup(message);
	o->status = CR_STATUS_ERROR;
	o->score = 0;
	o->done = true;
}

/* --- crucible.policy ---------------------------------------------------- */

/* Field `name` of the table at t, when it is a table, is a list of
 * strings; otherwise push a description and return false. */
static bool strings_only(lua_State *L, int t, const char *name)
{
	bool ok = true;

	if (raw_field(L, t, name) == LUA_TTABLE) {
		for (lua_Integer i = 1; ok && i <= (lua_Integer)lua_rawlen(L, -1);
		     i++) {
			ok = lua_rawgeti(L, -1, i) == LUA_TSTRING;
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	if (!ok)
		lua_pushfstring(L, "field '%s' must hold strings only", name);
	return ok;
}

/* The table at t has the documented shape; otherwise push a description
 * of the first problem and return false. */
static bool policy_shape_ok(lua_State *L, int t)
{
	size_t n = sizeof policy_fields / sizeof policy_fields[0];

	for (size_t i = 0; i < n; i++) {
		const struct policy_field *f = &policy_fields[i];
		int type = raw_field(L, t, f->name);

		lua_pop(L, 1);
		if (type == LUA_TNIL && !f->required)
			continue;
		if (type == LUA_TNIL) {
			lua_pushfstring(L, "missing field '%s'", f->name);
			return false;
		}
		if (type != f->type) {
			lua_pushfstring(L, "field '%s' must be a %s, not a %s",
				f->name, lua_typename(L, f->type),
				lua_typename(L, type));
			return false;
		}
	}
	return strings_only(L, t, "references") && strings_only(L, t, "needs");
}

static int crucible_policy(lua_State *L)
{
	lua_Debug ar;
	int line = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	if (!policy_shape_ok(L, 1))
		return luaL_error(L, "crucible.policy: %s", lua_tostring(L, -1));
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
		line = ar.currentline;
	lua_getfield(L, LUA_REGISTRYINDEX, POLICIES_KEY);
	lua_pushvalue(L, 1);
	lua_pushinteger(L, line > 0 ? line : 0);
	lua_rawset(L, -3);
	lua_settop(L, 1);
	return 1;
}

/* --- pass, fail, warn, skip, score -------------------------------------- */

static cr_policy_run *collector(lua_State *L, const char *name)
{
	cr_policy_run *run = lua_touserdata(L, lua_upvalueindex(1));

	if (!run->in_check)
		luaL_error(L, "%s() may only be called inside check", name);
	return run;
}

/* Replace *slot by a copy of the optional string argument at idx. */
static void keep_text(lua_State *L, char **slot, int idx)
{
	size_t len;
	const char *s = luaL_optlstring(L, idx, NULL, &len);
	char *copy = NULL;

	if (s && !(copy = text_dup(s, len)))
		luaL_error(L, "out of memory");
	free(*slot);
	*slot = copy;
}

static int policy_pass(lua_State *L)
{
	cr_policy_run *run = collector(L, "pass");

	keep_text(L, &run->pass_message, 1);
	return 0;
}

static int policy_skip(lua_State *L)
{
	cr_policy_run *run = collector(L, "skip");

	luaL_checkstring(L, 1);
	keep_text(L, &run->skip_message, 1);
	run->skipped = true;
	return 0;
}

static int policy_score(lua_State *L)
{
	cr_policy_run *run = collector(L, "score");
	lua_Number x = luaL_checknumber(L, 1);

	luaL_argcheck(L, x >= 0 && x <= 1, 1, "score must be between 0 and 1");
	keep_text(L, &run->score_message, 2);
	run->scored = true;
	run->score = x;
	return 0;
}

struct finding_args {
	const char *message;
	size_t message_len;
	const char *path;
	size_t path_len;
	const char *key;
	size_t key_len;
	const char *commit;
	size_t commit_len;
	const char *suppressed;
	size_t suppressed_len;
	uint32_t line;
};

/* fail{...}/warn{...}: the value of field `name` of the table at 1, left
 * on the stack so the returned pointer stays valid. */
static const char *finding_string(lua_State *L, const char *name,
	bool required, size_t *len)
{
	lua_getfield(L, 1, name);
	if (lua_isnil(L, -1) && !required)
		return NULL;
	if (!lua_isstring(L, -1))
		luaL_error(L, "field '%s' must be a string", name);
	return lua_tolstring(L, -1, len);
}

static uint32_t finding_line(lua_State *L)
{
	lua_Integer line;
	int isnum;

	if (lua_getfield(L, 1, "line") == LUA_TNIL)
		return 0;
	line = lua_tointegerx(L, -1, &isnum);
	if (!isnum || line < 1 || line > UINT32_MAX)
		luaL_error(L, "field 'line' must be a positive integer");
	return (uint32_t)line;
}

static void read_finding_args(lua_State *L, struct finding_args *a)
{
	memset(a, 0, sizeof *a);
	if (!lua_istable(L, 1)) {
		a->message = luaL_checklstring(L, 1, &a->message_len);
		return;
	}
	lua_settop(L, 1);
	a->message = finding_string(L, "message", true, &a->message_len);
	a->path = finding_string(L, "path", false, &a->path_len);
	a->key = finding_string(L, "key", false, &a->key_len);
	a->commit = finding_string(L, "commit", false, &a->commit_len);
	a->suppressed = finding_string(L, "suppressed", false,
		&a->suppressed_len);
	a->line = finding_line(L);
}

static bool reserve_finding(cr_policy_run *run)
{
	cr_policy_outcome *o = run->out;
	cr_policy_finding *grown;
	size_t cap;

	if (o->finding_count < run->finding_cap)
		return true;
	cap = run->finding_cap ? run->finding_cap * 2 : 8;
	grown = realloc(o->findings, cap * sizeof *grown);
	if (!grown)
		return false;
	o->findings = grown;
	run->finding_cap = cap;
	return true;
}

static int add_finding(lua_State *L, cr_status kind)
{
	cr_policy_run *run = collector(L, cr_status_name(kind));
	cr_policy_outcome *o = run->out;
	struct finding_args a;
	cr_policy_finding *f;

	read_finding_args(L, &a);
	/* A suppressed finding is shown, waived, and decides nothing. */
	if (!a.suppressed) {
		if (kind == CR_STATUS_FAIL)
			run->fails++;
		else
			run->warns++;
	}
	if (o->finding_count == CR_POLICY_FINDINGS_MAX) {
		run->dropped++;
		return 0;
	}
	if (!reserve_finding(run))
		return luaL_error(L, "out of memory");
	f = &o->findings[o->finding_count];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->line = a.line;
	f->message = text_dup(a.message, a.message_len);
	f->path = a.path ? text_dup(a.path, a.path_len) : NULL;
	f->commit = a.commit ? text_dup(a.commit, a.commit_len) : NULL;
	f->suppressed = a.suppressed ? text_dup(a.suppressed,
		a.suppressed_len) : NULL;
	if (!f->message || (a.path && !f->path) ||
	    (a.commit && !f->commit) || (a.suppressed && !f->suppressed)) {
		free(f->message);
		free(f->path);
		free(f->commit);
		free(f->suppressed);
		return luaL_error(L, "out of memory");
	}
	/* The key, when given, is the evidence: the message may change. */
	fingerprint(f->fingerprint, o->meta.id, f->path,
		a.key ? a.key : a.message, a.key ? a.key_len : a.message_len);
	o->finding_count++;
	return 0;
}

static int policy_fail(lua_State *L)
{
	return add_finding(L, CR_STATUS_FAIL);
}

static int policy_warn(lua_State *L)
{
	return add_finding(L, CR_STATUS_WARN);
}

static const luaL_Reg collector_functions[] = {
	{ "pass", policy_pass },
	{ "fail", policy_fail },
	{ "warn", policy_warn },
	{ "skip", policy_skip },
	{ "score", policy_score },
	{ NULL, NULL }
};

/* --- stage one: the module ---------------------------------------------- */

static void install_environment(lua_State *L, cr_policy_run *run)
{
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, POLICIES_KEY);

	lua_createtable(L, 0, 8);
	lua_pushcfunction(L, crucible_policy);
	lua_setfield(L, -2, "policy");
	lua_pushliteral(L, CRUCIBLE_VERSION);
	lua_setfield(L, -2, "version");
	cr_lua_register_stdlib(L, lua_gettop(L));
	lua_pushvalue(L, -1);
	lua_setglobal(L, "crucible");
	cr_sandbox_provide(L, "crucible");

	lua_pushglobaltable(L);
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, collector_functions, 1);
	lua_pop(L, 1);
}

static void copy_meta_string(lua_State *L, int t, const char *name,
	char **slot)
{
	size_t len;
	const char *s;

	if (raw_field(L, t, name) == LUA_TSTRING) {
		s = lua_tolstring(L, -1, &len);
		if (!(*slot = text_dup(s, len)))
			luaL_error(L, "out of memory");
	}
	lua_pop(L, 1);
}

/* --- params and needs as JSON -------------------------------------------- *
 * The converter never allocates on the Lua side (no string conversion, no
 * table creation), so it cannot raise while it holds a partial cJSON tree;
 * it reports what it cannot convert in `problem` instead. */

struct to_json {
	char problem[PROBLEM_MAX];
	size_t values;
	bool oom;
};

static cJSON *value_to_json(lua_State *L, int idx, int depth,
	struct to_json *tj);

static cJSON *json_oom(struct to_json *tj, cJSON *partial)
{
	cJSON_Delete(partial);
	tj->oom = true;
	return NULL;
}

/* 1..n integer keys: a list; string keys only: an object; else neither. */
static int table_shape(lua_State *L, int idx, lua_Integer *count)
{
	bool strings = true, integers = true;
	lua_Integer n = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		n++;
		strings = strings && lua_type(L, -2) == LUA_TSTRING;
		integers = integers && lua_isinteger(L, -2);
		lua_pop(L, 1);
	}
	*count = n;
	if (n == 0 || (integers && (lua_Integer)lua_rawlen(L, idx) == n))
		return LUA_TNUMBER;
	return strings ? LUA_TSTRING : LUA_TNONE;
}

static cJSON *list_to_json(lua_State *L, int idx, lua_Integer n, int depth,
	struct to_json *tj)
{
	cJSON *arr = cJSON_CreateArray(), *item;

	if (!arr)
		return json_oom(tj, NULL);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		item = value_to_json(L, lua_gettop(L), depth + 1, tj);
		lua_pop(L, 1);
		if (!item || !cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(arr);
			return item ? json_oom(tj, item) : NULL;
		}
	}
	return arr;
}

static cJSON *object_to_json(lua_State *L, int idx, int depth,
	struct to_json *tj)
{
	cJSON *obj = cJSON_CreateObject(), *item;
	const char *key;
	size_t len;

	if (!obj)
		return json_oom(tj, NULL);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		key = lua_tolstring(L, -2, &len);
		if (strlen(key) != len) {
			snprintf(tj->problem, sizeof tj->problem,
				"a key holds a NUL byte");
			item = NULL;
		} else {
			item = value_to_json(L, lua_gettop(L), depth + 1, tj);
		}
		if (!item || !cJSON_AddItemToObject(obj, key, item)) {
			lua_pop(L, 2);
			cJSON_Delete(obj);
			return item ? json_oom(tj, item) : NULL;
		}
		lua_pop(L, 1);
	}
	return obj;
}

static cJSON *table_to_json(lua_State *L, int idx, int depth,
	struct to_json *tj)
{
	lua_Integer n;
	int shape;

	if (depth > PARAMS_DEPTH_MAX || !lua_checkstack(L, 4)) {
		snprintf(tj->problem, sizeof tj->problem,
			"tables nested deeper than %d levels", PARAMS_DEPTH_MAX);
		return NULL;
	}
	shape = table_shape(L, idx, &n);
	if (shape == LUA_TNUMBER)
		return list_to_json(L, idx, n, depth, tj);
	if (shape == LUA_TSTRING)
		return object_to_json(L, idx, depth, tj);
	snprintf(tj->problem, sizeof tj->problem,
		"a table must be a list or have string keys only");
	return NULL;
}

static cJSON *value_to_json(lua_State *L, int idx, int depth,
	struct to_json *tj)
{
	cJSON *j = NULL;
	size_t len;
	const char *s;
	double d;

	if (++tj->values > PARAMS_VALUES_MAX) {
		snprintf(tj->problem, sizeof tj->problem,
			"more than %d values", PARAMS_VALUES_MAX);
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TTABLE:
		return table_to_json(L, idx, depth, tj);
	case LUA_TBOOLEAN:
		j = cJSON_CreateBool(lua_toboolean(L, idx));
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		if (strlen(s) != len) {
			snprintf(tj->problem, sizeof tj->problem,
				"a string holds a NUL byte");
			return NULL;
		}
		j = cJSON_CreateString(s);
		break;
	case LUA_TNUMBER:
		d = lua_isinteger(L, idx) ? (double)lua_tointeger(L, idx) :
			lua_tonumber(L, idx);
		if (!isfinite(d)) {
			snprintf(tj->problem, sizeof tj->problem,
				"numbers must be finite");
			return NULL;
		}
		j = cJSON_CreateNumber(d);
		break;
	default:
		snprintf(tj->problem, sizeof tj->problem,
			"a %s is not a plain value", luaL_typename(L, idx));
		return NULL;
	}
	return j ? j : json_oom(tj, NULL);
}

/* Field `name` of the policy table t, when it is a table, as JSON into
 * *slot; what cannot be converted is described in *problem (when given). */
static void copy_meta_json(lua_State *L, int t, const char *name,
	cJSON **slot, char **problem)
{
	struct to_json tj = { .problem = "" };

	if (raw_field(L, t, name) == LUA_TTABLE)
		*slot = value_to_json(L, lua_gettop(L), 1, &tj);
	lua_pop(L, 1);
	if (tj.oom)
		luaL_error(L, "out of memory");
	if (!*slot && tj.problem[0] && problem &&
	    !(*problem = strdup(tj.problem)))
		luaL_error(L, "out of memory");
}

static void copy_meta(lua_State *L, int t, cr_policy_meta *m, int line)
{
	copy_meta_string(L, t, "id", &m->id);
	copy_meta_string(L, t, "title", &m->title);
	copy_meta_string(L, t, "category", &m->category);
	copy_meta_string(L, t, "severity", &m->severity);
	copy_meta_string(L, t, "description", &m->description);
	copy_meta_string(L, t, "remediation", &m->remediation);
	m->weight = raw_field(L, t, "weight") == LUA_TNUMBER ?
		lua_tonumber(L, -1) : 1;
	lua_pop(L, 1);
	copy_meta_json(L, t, "params", &m->params, &m->params_problem);
	copy_meta_json(L, t, "needs", &m->needs, NULL);
	m->line = (uint32_t)line;
}

/* The module's return value (on top) must be a table that went through
 * crucible.policy; its shape is checked again because the module could
 * have changed it since. */
static void take_policy(lua_State *L, cr_policy_run *run)
{
	const char *bundle = cr_bundle_name(run->bundle);
	const char *path = run->module->path;
	int t = lua_gettop(L);
	int line;

	lua_getfield(L, LUA_REGISTRYINDEX, POLICIES_KEY);
	lua_pushvalue(L, t);
	if (lua_rawget(L, -2) != LUA_TNUMBER)
		luaL_error(L, "%s/%s: the module must return "
			"crucible.policy{...}", bundle, path);
	line = (int)lua_tointeger(L, -1);
	lua_settop(L, t);
	if (!policy_shape_ok(L, t))
		luaL_error(L, "%s/%s:%d: crucible.policy: %s", bundle, path,
			line, lua_tostring(L, -1));
	lua_pushvalue(L, t);
	lua_setfield(L, LUA_REGISTRYINDEX, POLICY_KEY);
	copy_meta(L, t, &run->out->meta, line);
	run->out->has_meta = true;
}

static int open_module(lua_State *L)
{
	cr_policy_run *run = lua_touserdata(L, 1);
	const cr_module *m = run->module;

	install_environment(L, run);
	cr_sandbox_load_module(L, m);
	lua_call(L, 0, 1);
	take_policy(L, run);
	return 0;
}

int cr_policy_open(cr_policy_run **out, cr_policy_outcome *outcome,
	const cr_bundle *b, const cr_module *m, const cr_limits *limits)
{
	return cr_policy_open_covered(out, outcome, b, m, limits, NULL);
}

int cr_policy_open_covered(cr_policy_run **out, cr_policy_outcome *outcome,
	const cr_bundle *b, const cr_module *m, const cr_limits *limits,
	cr_lines *hits)
{
	cr_policy_run *run;
	cr_ctx *ctx = NULL;
	int rc;

	*out = NULL;
	run = calloc(1, sizeof *run);
	if (!run || cr_ctx_new(&ctx) != CR_OK) {
		rc = CR_ENOMEM;
		cr_policy_outcome_fail(outcome, "out of memory");
		goto done;
	}
	run->out = outcome;
	run->bundle = b;
	run->module = m;
	rc = cr_sandbox_new(&run->sb, ctx, b, limits);
	if (rc) {
		cr_policy_outcome_fail(outcome, cr_ctx_error(ctx));
		goto done;
	}
	if (hits)
		cr_sandbox_cover(run->sb, m, hits);
	rc = cr_sandbox_run(run->sb, open_module, run);
	if (rc)
		cr_policy_outcome_fail(outcome, cr_sandbox_error(run->sb));
done:
	cr_ctx_free(ctx);
	if (rc)
		cr_policy_close(run);
	else
		*out = run;
	return rc;
}

/* --- stage two: check ---------------------------------------------------- */

static void push_json(lua_State *L, const cJSON *item, int depth);

static void push_json_number(lua_State *L, double d)
{
	/* Integral values within double precision become Lua integers, so
	 * that `for i = 1, params.max` and string formatting behave. */
	if (d == floor(d) && fabs(d) <= 9007199254740992.0)
		lua_pushinteger(L, (lua_Integer)d);
	else
		lua_pushnumber(L, d);
}

static void push_json_container(lua_State *L, const cJSON *item, int depth)
{
	lua_Integer i = 0;

	lua_newtable(L);
	for (const cJSON *c = item->child; c; c = c->next) {
		push_json(L, c, depth + 1);
		if (cJSON_IsArray(item))
			lua_rawseti(L, -2, ++i);
		else
			lua_setfield(L, -2, c->string);
	}
}

static void push_json(lua_State *L, const cJSON *item, int depth)
{
	if (depth > PARAMS_DEPTH_MAX)
		luaL_error(L, "bundle params nested deeper than %d levels",
			PARAMS_DEPTH_MAX);
	luaL_checkstack(L, 3, "bundle params");
	if (cJSON_IsObject(item) || cJSON_IsArray(item))
		push_json_container(L, item, depth);
	else if (cJSON_IsString(item))
		lua_pushstring(L, item->valuestring);
	else if (cJSON_IsBool(item))
		lua_pushboolean(L, cJSON_IsTrue(item));
	else if (cJSON_IsNumber(item))
		push_json_number(L, item->valuedouble);
	else
		lua_pushnil(L);
}

/* Replace the params entry on top by its default when it is a
 * declaration (a table with a string `type`); a plain value is its own
 * default. */
static void entry_default(lua_State *L)
{
	int entry = lua_gettop(L);

	if (lua_type(L, entry) != LUA_TTABLE)
		return;
	if (raw_field(L, entry, "type") == LUA_TSTRING) {
		raw_field(L, entry, "default");
		lua_replace(L, entry);
	}
	lua_settop(L, entry);
}

/* A new table: the policy's params defaults (top-level keys), then every
 * top-level key of the bundle's params for this policy id on top. */
static void push_params(lua_State *L, const cr_policy_run *run, int policy)
{
	const cJSON *overlay = cr_bundle_params(run->bundle,
		run->out->meta.id);
	int params;

	lua_newtable(L);
	params = lua_gettop(L);
	if (raw_field(L, policy, "params") == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			entry_default(L);
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, params);
		}
	}
	lua_pop(L, 1);
	if (!cJSON_IsObject(overlay))
		return;
	for (const cJSON *c = overlay->child; c; c = c->next) {
		push_json(L, c, 1);
		lua_setfield(L, params, c->string);
	}
}

static int run_check(lua_State *L)
{
	cr_policy_run *run = lua_touserdata(L, 1);
	int policy;

	lua_getfield(L, LUA_REGISTRYINDEX, POLICY_KEY);
	policy = lua_gettop(L);
	raw_field(L, policy, "check");
	cr_lua_push_repo(L, run->graph);
	push_params(L, run, policy);
	run->in_check = true;
	lua_call(L, 2, 0);
	return 0;
}

static cr_status final_status(const cr_policy_run *run)
{
	if (run->fails)
		return CR_STATUS_FAIL;
	if (run->warns)
		return CR_STATUS_WARN;
	if (run->skipped)
		return CR_STATUS_SKIP;
	return CR_STATUS_PASS;
}

static double final_score(const cr_policy_run *run, cr_status status)
{
	if (run->scored)
		return run->score;
	if (status == CR_STATUS_PASS)
		return 1;
	if (status == CR_STATUS_WARN)
		return 0.5;
	return 0;
}

static const char *final_message(const cr_policy_run *run, cr_status status)
{
	const cr_policy_outcome *o = run->out;

	if (status == CR_STATUS_SKIP && run->skip_message)
		return run->skip_message;
	if (run->scored && run->score_message)
		return run->score_message;
	if (status == CR_STATUS_PASS && run->pass_message)
		return run->pass_message;
	for (size_t i = 0; i < o->finding_count; i++) {
		if (o->findings[i].kind == status)
			return o->findings[i].message;
	}
	return default_messages[status];
}

static void finish(cr_policy_run *run)
{
	cr_policy_outcome *o = run->out;
	const char *message;

	o->status = final_status(run);
	o->score = final_score(run, o->status);
	message = final_message(run, o->status);
	free(o->message);
	if (run->dropped) {
		if (asprintf(&o->message, "%s (%zu more findings not shown)",
			    message, run->dropped) < 0)
			o->message = NULL;
	} else {
		o->message = strdup(message);
	}
	o->done = true;
}

void cr_policy_check(cr_policy_run *run, const cr_graph *g)
{
	int rc;

	run->graph = g;
	rc = cr_sandbox_run(run->sb, run_check, run);
	run->in_check = false;
	if (rc)
		cr_policy_outcome_fail(run->out, cr_sandbox_error(run->sb));
	else
		finish(run);
}

void cr_policy_close(cr_policy_run *run)
{
	if (!run)
		return;
	cr_sandbox_free(run->sb);
	free(run->pass_message);
	free(run->skip_message);
	free(run->score_message);
	free(run);
}
