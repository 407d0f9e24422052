/*
 * test_lint.c - the policy linter (compiler/lint.c, compiler/lua_parse.c).
 *
 * The readiness bundle and a corpus of tricky Lua 5.4 lint without a
 * false error; each kind of issue is found at its line and column; syntax
 * errors read as Lua's own; and the linter's idea of the sandbox is
 * checked against a real sandbox, so neither can drift from the other.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "crucible/lint.h"
#include "tests/helpers.h"
#include "vm/lua_graph.h"
#include "vm/sandbox.h"

#define READINESS CRUCIBLE_SOURCE_DIR "/policies/readiness"
#define VALID54 CRUCIBLE_FIXTURES "/lint/valid54.lua"
#define NAMES_MAX 512

/* Lint `source`; the test fails unless it parses. */
static cr_lint_result lint(const char *source)
{
	cr_lint_result r;
	cr_ctx *ctx;

	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	if (cr_lint_module(&r, ctx, "=policy.lua", source, strlen(source))) {
		fail_msg("lint failed: %s", cr_ctx_error(ctx));
	}
	cr_ctx_free(ctx);
	return r;
}

static size_t count_level(const cr_lint_result *r, cr_lint_level level)
{
	size_t n = 0;

	for (size_t i = 0; i < r->issue_count; i++)
		n += r->issues[i].level == level;
	return n;
}

/* The issue at line:column, which must exist and say `message`. */
static void expect_issue(const cr_lint_result *r, cr_lint_level level,
	uint32_t line, uint32_t column, const char *message)
{
	for (size_t i = 0; i < r->issue_count; i++) {
		const cr_lint_issue *is = &r->issues[i];

		if (is->line == line && is->column == column &&
		    is->level == level && strcmp(is->message, message) == 0)
			return;
	}
	for (size_t i = 0; i < r->issue_count; i++)
		print_message("  %u:%u: %s\n", r->issues[i].line,
			r->issues[i].column, r->issues[i].message);
	fail_msg("no issue %u:%u: %s", line, column, message);
}

/* Exactly one issue, an error saying `message`. */
static void expect_only_error(const char *source, const char *message)
{
	cr_lint_result r = lint(source);

	assert_int_equal(r.issue_count, 1);
	assert_int_equal(r.issues[0].level, CR_LINT_ERROR);
	assert_string_equal(r.issues[0].message, message);
	cr_lint_result_release(&r);
}

static void expect_clean(const char *source)
{
	cr_lint_result r = lint(source);

	for (size_t i = 0; i < r.issue_count; i++)
		print_message("  %u:%u: %s\n", r.issues[i].line,
			r.issues[i].column, r.issues[i].message);
	assert_int_equal(r.issue_count, 0);
	cr_lint_result_release(&r);
}

/* --- the bundle and the corpus ------------------------------------------- */

static size_t readiness_modules;

static int lint_readiness_file(const char *path, const struct stat *st,
	int type, struct FTW *ftw)
{
	size_t len = strlen(path);
	cr_lint_result r;
	cr_ctx *ctx;
	char *source;

	(void)st;
	(void)ftw;
	if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".lua") != 0)
		return 0;
	source = th_read(path);
	assert_non_null(source);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	if (cr_lint_module(&r, ctx, path, source, strlen(source)))
		fail_msg("%s", cr_ctx_error(ctx));
	for (size_t i = 0; i < r.issue_count; i++)
		print_message("%s:%u:%u: %s\n", path, r.issues[i].line,
			r.issues[i].column, r.issues[i].message);
	assert_int_equal(count_level(&r, CR_LINT_ERROR), 0);
	cr_lint_result_release(&r);
	cr_ctx_free(ctx);
	free(source);
	readiness_modules++;
	return 0;
}

static void test_readiness_bundle_lints_clean(void **state)
{
	(void)state;
	readiness_modules = 0;
	assert_int_equal(nftw(READINESS, lint_readiness_file, 16, FTW_PHYS),
		0);
	assert_true(readiness_modules >= 20);
}

static void test_valid54_has_no_false_global(void **state)
{
	char *source = th_read(VALID54);
	lua_State *L = luaL_newstate();
	cr_lint_result r;

	(void)state;
	assert_non_null(source);
	/* The corpus must be Lua 5.4 that Lua itself accepts. */
	assert_int_equal(luaL_loadbufferx(L, source, strlen(source),
		"=valid54.lua", "t"), LUA_OK);
	lua_close(L);
	r = lint(source);
	assert_int_equal(count_level(&r, CR_LINT_ERROR), 0);
	/* Its one deliberate warning: `local x = x + 1` in a nested block. */
	assert_int_equal(r.issue_count, 1);
	assert_non_null(strstr(r.issues[0].message,
		"local 'x' shadows the local on line"));
	cr_lint_result_release(&r);
	free(source);
}

/* --- errors ------------------------------------------------------------- */

static const char typo_policy[] =
	"return crucible.policy{\n"
	"  id = \"X\", title = \"t\", category = \"c\", severity = \"low\",\n"
	"  check = function(repo)\n"
	"    for _, f in ipairs(repot:files{ glob = \"*.pem\" }) do\n"
	"      fail(f.path)\n"
	"    end\n"
	"  end,\n"
	"}\n";

static void test_typo_is_an_error_with_position(void **state)
{
	cr_lint_result r = lint(typo_policy);

	(void)state;
	assert_int_equal(r.issue_count, 1);
	expect_issue(&r, CR_LINT_ERROR, 4, 24,
		"unknown global 'repot' (did you mean 'repo'?)");
	cr_lint_result_release(&r);
}

static void test_unavailable_globals(void **state)
{
	(void)state;
	expect_only_error("os.execute('rm -rf /')",
		"os is not available to policies (no file system, processes "
		"or clock)");
	expect_only_error("return io.open('x')", "io is not available "
		"to policies (no file system: everything comes from the repo "
		"object)");
	expect_only_error("return { unpack({}) }",
		"unpack is not available to policies (Lua 5.4 has "
		"table.unpack)");
	expect_only_error("return coroutine.wrap(print)",
		"coroutine is not available to policies (not in the library "
		"allow-list)");
	expect_only_error("return nosuchthing",
		"unknown global 'nosuchthing' (not a local, a Lua function or "
		"library, or the policy API)");
}

static void test_global_writes_are_errors(void **state)
{
	cr_lint_result r = lint("count = 1\n"
		"function helper() end\n"
		"pass = nil\n"
		"_ENV.x, string.custom = 1, 2\n");

	(void)state;
	assert_int_equal(r.issue_count, 5);
	expect_issue(&r, CR_LINT_ERROR, 1, 1, "assignment to global 'count' "
		"(policies must not set globals; declare it local)");
	expect_issue(&r, CR_LINT_ERROR, 2, 10, "assignment to global "
		"'helper' (policies must not set globals; declare it local)");
	expect_issue(&r, CR_LINT_ERROR, 3, 1, "assignment to global 'pass' "
		"(policies must not set globals; declare it local)");
	expect_issue(&r, CR_LINT_ERROR, 4, 6, "assignment to global 'x' "
		"(policies must not set globals; declare it local)");
	expect_issue(&r, CR_LINT_ERROR, 4, 16, "string has no field 'custom'");
	cr_lint_result_release(&r);
}

static void test_library_fields(void **state)
{
	cr_lint_result r = lint("local a = string.fromat('%d', 1)\n"
		"local b = math.flor(1.5) + math.floor(2.5)\n"
		"local c = crucible.glbo, crucible.glob, crucible.version\n"
		"local d = string.dump, math.randomseed, math.pow\n"
		"return a, b, c, d, utf8.char(72), table.unpack{}\n");

	(void)state;
	assert_int_equal(r.issue_count, 6);
	expect_issue(&r, CR_LINT_ERROR, 1, 18,
		"string has no field 'fromat' (did you mean 'format'?)");
	expect_issue(&r, CR_LINT_ERROR, 2, 16,
		"math has no field 'flor' (did you mean 'floor'?)");
	expect_issue(&r, CR_LINT_ERROR, 3, 20,
		"crucible has no field 'glbo' (did you mean 'glob'?)");
	expect_issue(&r, CR_LINT_ERROR, 4, 18, "string.dump is not available "
		"to policies (no bytecode: policies are loaded as text only)");
	expect_issue(&r, CR_LINT_ERROR, 4, 29, "math.randomseed is not "
		"available to policies (math.random is seeded the same way "
		"in every run)");
	expect_issue(&r, CR_LINT_ERROR, 4, 46, "math.pow is not available to "
		"policies (a Lua 5.3 compatibility function that Lua 5.4 "
		"builds may lack)");
	cr_lint_result_release(&r);
}

/* --- scoping ------------------------------------------------------------ */

static void test_scoping_rules(void **state)
{
	(void)state;
	/* `local f = function` does not see f; `local function` does. */
	expect_only_error("local g = function() return g end\nreturn g",
		"unknown global 'g' (not a local, a Lua function or library, "
		"or the policy API)");
	expect_clean("local function h(n) return n > 0 and h(n - 1) end\n"
		"return h");
	/* The right-hand side of `local x = x` is the outer x. */
	expect_only_error("local x = x\nreturn x",
		"unknown global 'x' (not a local, a Lua function or library, "
		"or the policy API)");
	/* until sees the repeat block's locals; nothing after does. */
	expect_clean("repeat local done = true until done");
	expect_only_error("repeat local done = true until done\n"
		"return done", "unknown global 'done' (not a local, a Lua "
		"function or library, or the policy API)");
	/* Loop variables live in the loop body only. */
	expect_only_error("for i = 1, 2 do print(i) end\nreturn i",
		"unknown global 'i' (not a local, a Lua function or library, "
		"or the policy API)");
	/* A method's self; parameters and upvalues of nested functions. */
	expect_clean("local M = {}\nfunction M:get(k) return self[k] end\n"
		"function M.outer(a) return function(b) return a + b end end\n"
		"return M");
	/* A local _ENV makes free names its fields. */
	expect_clean("local _ENV = { x = 1 }\nreturn x, y");
	/* The chunk's own _ENV: its fields are globals. */
	expect_only_error("return _ENV.crucible, _ENV.nope",
		"unknown global 'nope' (not a local, a Lua function or "
		"library, or the policy API)");
}

/* --- warnings ----------------------------------------------------------- */

static void test_unused_locals(void **state)
{
	cr_lint_result r = lint("local unused = 1\n"
		"local written = 0\nwritten = 2\n"
		"local function helper() end\n"
		"local _ignored, _ = 1, 2\n"
		"for k, v in pairs({}) do print(v) end\n"
		"local function f(param) end\n"
		"local closing <close> = nil\n"
		"return f\n");

	(void)state;
	assert_int_equal(count_level(&r, CR_LINT_ERROR), 0);
	assert_int_equal(r.issue_count, 4);
	expect_issue(&r, CR_LINT_WARNING, 1, 7, "unused local 'unused'");
	expect_issue(&r, CR_LINT_WARNING, 2, 7,
		"local 'written' is assigned but never read");
	expect_issue(&r, CR_LINT_WARNING, 4, 16,
		"unused local function 'helper'");
	expect_issue(&r, CR_LINT_WARNING, 6, 5, "unused loop variable 'k'");
	cr_lint_result_release(&r);
}

static void test_shadowing(void **state)
{
	cr_lint_result r = lint("local pass = 1\n"
		"local string = 'x'\n"
		"local check = function(repo)\n"
		"  local repo = repo.git\n"
		"  return repo, pass, string\n"
		"end\n"
		"return check\n");

	(void)state;
	assert_int_equal(r.issue_count, 3);
	expect_issue(&r, CR_LINT_WARNING, 1, 7,
		"local 'pass' shadows the policy API's 'pass'");
	expect_issue(&r, CR_LINT_WARNING, 2, 7,
		"local 'string' shadows the Lua library 'string'");
	expect_issue(&r, CR_LINT_WARNING, 4, 9,
		"local 'repo' shadows the parameter on line 3");
	cr_lint_result_release(&r);
}

/* --- members ------------------------------------------------------------ */

static void test_members_of_first_parameters(void **state)
{
	cr_lint_result r = lint("local M = {}\n"
		"function M.dockerfiles(repo)\n"
		"  return repo:files{ name = 'x' }\n"
		"end\n"
		"return crucible.policy{\n"
		"  id = 'X', title = 't', category = 'c', severity = 'low',\n"
		"  check = function(repo, params)\n"
		"    local git, alias = repo.git, repo\n"
		"    alias:grep('x')\n"
		"    params.other = repo:files() and repo:count{}\n"
		"    return git, M\n"
		"  end,\n"
		"}\n");
	const char *const want[] = { "count", "files", "git" };

	(void)state;
	assert_int_equal(r.issue_count, 0);
	assert_int_equal(r.member_count, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(r.members[i], want[i]);
	cr_lint_result_release(&r);
}

/* --- syntax errors ------------------------------------------------------- */

/* What Lua's own compiler says about `source`, or NULL. */
static char *lua_says(const char *source)
{
	lua_State *L = luaL_newstate();
	char *message = NULL;

	if (luaL_loadbufferx(L, source, strlen(source), "=policy.lua",
		    "t") != LUA_OK)
		message = strdup(lua_tostring(L, -1));
	lua_close(L);
	return message;
}

static void test_syntax_errors_read_like_lua(void **state)
{
	static const char *const broken[] = {
		"x = = 1",
		"local function f()\n  return 1\n",
		"print('abc)",
		"local s = \"\\q\"",
		"local n = 1e",
		"for i do end",
		"while true do end break",
		"return 1 2",
		"local x <const> = 1; x = 2",
		"local function f() return ... end",
		"a.b:c = 1",
		"x = [==[\n abc",
		"--[[ open",
		"local x <foo> = 1",
		"x = '\\u{110000000}'",
		"x = '\\300'",
		"x = 0x",
		"x = [=",
		"local t = {1, 2",
		"x = \"abc\ndef\"",
		"a, b() = 1, 2",
		"x = @",
	};
	cr_lint_result r;
	cr_ctx *ctx;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		char *want = lua_says(broken[i]);

		assert_non_null(want);
		assert_int_equal(cr_lint_module(&r, ctx, "=policy.lua",
			broken[i], strlen(broken[i])), CR_EPARSE);
		assert_int_equal(r.issue_count, 0);
		assert_string_equal(cr_ctx_error(ctx), want);
		free(want);
	}
	cr_ctx_free(ctx);
}

static char *nested(size_t depth)
{
	char *s = malloc(2 * depth + 16);

	assert_non_null(s);
	strcpy(s, "return ");
	memset(s + 7, '(', depth);
	s[7 + depth] = '1';
	memset(s + 8 + depth, ')', depth);
	s[8 + 2 * depth] = '\0';
	return s;
}

static void test_deep_nesting_is_bounded(void **state)
{
	char *deep = nested(100000), *fine = nested(150);
	cr_lint_result r;
	cr_ctx *ctx;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_lint_module(&r, ctx, "deep.lua", deep,
		strlen(deep)), CR_EPARSE);
	assert_non_null(strstr(cr_ctx_error(ctx), "too many syntax levels"));
	assert_int_equal(cr_lint_module(&r, ctx, "fine.lua", fine,
		strlen(fine)), CR_OK);
	cr_lint_result_release(&r);
	cr_ctx_free(ctx);
	free(deep);
	free(fine);
}

/* --- the linter's sandbox is the real one -------------------------------- */

struct names {
	char name[NAMES_MAX][64];
	size_t count;
};

static void add_name(struct names *n, const char *table, const char *key)
{
	assert_true(n->count < NAMES_MAX);
	snprintf(n->name[n->count++], sizeof n->name[0], "%s%s%s",
		table ? table : "", table ? "." : "", key);
}

static bool has_name(const struct names *n, const char *name)
{
	for (size_t i = 0; i < n->count; i++) {
		if (strcmp(n->name[i], name) == 0)
			return true;
	}
	return false;
}

/* Every string key of the table on top, as "prefix.key". */
static void list_table(lua_State *L, struct names *out, const char *prefix)
{
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_type(L, -2) == LUA_TSTRING)
			add_name(out, prefix, lua_tostring(L, -2));
		lua_pop(L, 1);
	}
}

/* Globals and the fields of the library tables among them. */
static void list_globals(lua_State *L, struct names *out)
{
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		const char *name = lua_tostring(L, -2);

		add_name(out, NULL, name);
		if (lua_istable(L, -1) && strcmp(name, "_G") != 0)
			list_table(L, out, name);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

static int list_sandbox(lua_State *L)
{
	list_globals(L, lua_touserdata(L, 1));
	return 0;
}

/* "x" becomes `local v = x`, "t.f" `local v = t.f`. */
static bool lint_accepts(const char *name)
{
	char source[128];
	cr_lint_result r;
	bool ok;

	snprintf(source, sizeof source, "local v = %s\nreturn v", name);
	r = lint(source);
	ok = count_level(&r, CR_LINT_ERROR) == 0;
	cr_lint_result_release(&r);
	return ok;
}

static void test_allowed_names_match_the_sandbox(void **state)
{
	/* What vm/policy.c adds besides cr_lua_register_stdlib(). */
	static const char *const policy_env[] = {
		"crucible", "crucible.policy", "crucible.version", "pass",
		"fail", "warn", "skip", "score", NULL
	};
	/* LUA_COMPAT_MATHLIB functions are refused on purpose. */
	static const char *const refused[] = {
		"math.atan2", "math.cosh", "math.sinh", "math.tanh", "math.pow",
		"math.frexp", "math.ldexp", "math.log10", NULL
	};
	struct names *sandbox = calloc(1, sizeof *sandbox);
	struct names *stock = calloc(1, sizeof *stock);
	cr_sandbox *sb;
	cr_limits limits;
	cr_ctx *ctx;
	lua_State *L;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	cr_limits_default(&limits);
	assert_int_equal(cr_sandbox_new(&sb, ctx, NULL, &limits), CR_OK);
	assert_int_equal(cr_sandbox_run(sb, list_sandbox, sandbox), CR_OK);
	cr_sandbox_free(sb);
	L = luaL_newstate();
	lua_newtable(L);
	cr_lua_register_stdlib(L, -1);
	list_table(L, sandbox, "crucible");
	lua_close(L);
	for (const char *const *p = policy_env; *p; p++)
		add_name(sandbox, NULL, *p);

	/* Every name of a stock Lua state, and every sandbox name: accepted
	 * exactly when the sandbox has it. */
	L = luaL_newstate();
	luaL_openlibs(L);
	list_globals(L, stock);
	lua_close(L);
	for (size_t i = 0; i < sandbox->count; i++)
		add_name(stock, NULL, sandbox->name[i]);
	add_name(stock, NULL, "crucible.nosuch");
	for (size_t i = 0; i < stock->count; i++) {
		const char *name = stock->name[i];
		bool refuse = false;

		for (const char *const *r = refused; *r; r++)
			refuse = refuse || strcmp(*r, name) == 0;
		if (lint_accepts(name) != (has_name(sandbox, name) && !refuse))
			fail_msg("the linter and the sandbox disagree on %s",
				name);
	}
	cr_ctx_free(ctx);
	free(sandbox);
	free(stock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readiness_bundle_lints_clean),
		cmocka_unit_test(test_valid54_has_no_false_global),
		cmocka_unit_test(test_typo_is_an_error_with_position),
		cmocka_unit_test(test_unavailable_globals),
		cmocka_unit_test(test_global_writes_are_errors),
		cmocka_unit_test(test_library_fields),
		cmocka_unit_test(test_scoping_rules),
		cmocka_unit_test(test_unused_locals),
		cmocka_unit_test(test_shadowing),
		cmocka_unit_test(test_members_of_first_parameters),
		cmocka_unit_test(test_syntax_errors_read_like_lua),
		cmocka_unit_test(test_deep_nesting_is_bounded),
		cmocka_unit_test(test_allowed_names_match_the_sandbox),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
