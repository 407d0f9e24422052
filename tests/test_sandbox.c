/*
 * test_sandbox.c - the restricted lua_State of vm/sandbox.c: memory cap,
 * instruction budget, the library allow-list, text-only load, no
 * finalizers, deterministic math.random, require of bundle libraries.
 */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "tests/helpers.h"
#include "vm/sandbox.h"

struct chunk {
	const char *source;
	const char *bytes;   /* stored as the global `bin` first, if set */
	size_t bytes_len;
	char result[512];
};

static int run_chunk(lua_State *L)
{
	struct chunk *c = lua_touserdata(L, 1);

	if (c->bytes) {
		lua_pushlstring(L, c->bytes, c->bytes_len);
		lua_setglobal(L, "bin");
	}
	cr_module m = { "test.lua", c->source, strlen(c->source) };

	cr_sandbox_load_module(L, &m);
	lua_call(L, 0, 1);
	snprintf(c->result, sizeof c->result, "%s", luaL_tolstring(L, -1, NULL));
	return 0;
}

/* Run source in sb; its return value, as a string, lands in c->result. */
static int run(cr_sandbox *sb, struct chunk *c, const char *source)
{
	c->source = source;
	c->result[0] = '\0';
	return cr_sandbox_run(sb, run_chunk, c);
}

static cr_sandbox *sandbox(size_t memory, uint64_t instructions,
	const cr_bundle *b)
{
	cr_sandbox *sb = NULL;
	cr_limits lim;

	cr_limits_default(&lim);
	lim.memory_bytes = memory;
	lim.instructions = instructions;
	assert_int_equal(cr_sandbox_new(&sb, NULL, b, &lim), CR_OK);
	return sb;
}

static void test_libraries_absent(void **state)
{
	cr_sandbox *sb = sandbox(8 << 20, 1000000, NULL);
	struct chunk c = { 0 };

	(void)state;
	assert_int_equal(run(sb, &c, "return table.concat({type(io), "
		"type(os), type(debug), type(package), type(coroutine), "
		"type(string.dump), type(dofile), type(loadfile), "
		"type(collectgarbage), type(math.randomseed)}, ',')"), CR_OK);
	assert_string_equal(c.result, "nil,nil,nil,nil,nil,nil,nil,nil,nil,nil");
	assert_int_equal(run(sb, &c, "return table.concat({type(string.format), "
		"type(table.concat), type(math.floor), type(utf8.char), "
		"type(load), type(require), type(pcall), "
		"type(setmetatable)}, ',')"), CR_OK);
	assert_string_equal(c.result, "function,function,function,function,"
		"function,function,function,function");
	cr_sandbox_free(sb);
}

static void test_memory_cap(void **state)
{
	cr_sandbox *sb = sandbox(1 << 20, 100000000, NULL);
	cr_sandbox *tiny = NULL;
	struct chunk c = { 0 };
	cr_limits lim;

	(void)state;
	assert_int_equal(run(sb, &c, "local t = {} for i = 1, 1e7 do "
		"t[i] = i end"), CR_ELIMIT);
	assert_string_equal(cr_sandbox_error(sb),
		"memory limit of 1 MiB exceeded");
	assert_int_equal(run(sb, &c, "return #string.rep('x', 1 << 24)"),
		CR_ELIMIT);
	/* A caught memory error is the policy's business... */
	assert_int_equal(run(sb, &c, "return pcall(string.rep, 'x', 1 << 24)"),
		CR_OK);
	assert_string_equal(c.result, "false");
	/* ...and the heap is usable again once the garbage is gone. */
	assert_int_equal(run(sb, &c, "return #string.rep('x', 1000)"), CR_OK);
	assert_string_equal(c.result, "1000");
	cr_sandbox_free(sb);

	cr_limits_default(&lim);
	lim.memory_bytes = 1024;
	assert_int_equal(cr_sandbox_new(&tiny, NULL, NULL, &lim), CR_ELIMIT);
	assert_null(tiny);
}

static void test_instruction_budget(void **state)
{
	cr_sandbox *sb = sandbox(8 << 20, 100000, NULL);
	struct chunk c = { 0 };

	(void)state;
	assert_int_equal(run(sb, &c, "local n = 0 for i = 1, 1000 do "
		"n = n + i end return n"), CR_OK);
	assert_string_equal(c.result, "500500");
	assert_int_equal(run(sb, &c, "\nwhile true do end"), CR_ELIMIT);
	assert_string_equal(cr_sandbox_error(sb),
		"test.lua:2: instruction budget of 100000 exceeded");
	/* Sticky: the state stays out of budget. */
	assert_int_equal(run(sb, &c, "return 1"), CR_ELIMIT);
	cr_sandbox_free(sb);
}

static void test_budget_survives_pcall(void **state)
{
	static const char *const sources[] = {
		"while true do pcall(function() while true do end end) end",
		"for i = 1, math.huge do local ok, e = pcall(error, 'x') end",
		"xpcall(function() while true do end end, "
		"function() while true do end end) return 'escaped'",
		"while true do local ok, e = pcall(function() "
		"while true do end end) if not ok then error(e) end end",
	};
	struct chunk c = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
		cr_sandbox *sb = sandbox(8 << 20, 200000, NULL);

		assert_int_equal(run(sb, &c, sources[i]), CR_ELIMIT);
		assert_non_null(strstr(cr_sandbox_error(sb),
			"instruction budget of 200000 exceeded"));
		cr_sandbox_free(sb);
	}
}

static int write_chunk(lua_State *L, const void *p, size_t sz, void *ud)
{
	(void)L;
	return fwrite(p, 1, sz, ud) == sz ? 0 : 1;
}

/* Bytes of a compiled chunk, made by an unrestricted state. */
static char *compile(const char *source, size_t *len)
{
	lua_State *L = luaL_newstate();
	char *bytes = NULL;
	FILE *f = open_memstream(&bytes, len);

	assert_non_null(f);
	assert_int_equal(luaL_loadstring(L, source), LUA_OK);
	assert_int_equal(lua_dump(L, write_chunk, f, 0), 0);
	fclose(f);
	lua_close(L);
	assert_memory_equal(bytes, LUA_SIGNATURE, 4);
	return bytes;
}

static void test_binary_chunks_refused(void **state)
{
	cr_sandbox *sb = sandbox(8 << 20, 1000000, NULL);
	struct chunk c = { 0 };

	(void)state;
	c.bytes = compile("return 42", &c.bytes_len);
	assert_int_equal(run(sb, &c, "local f, err = load(bin) "
		"return tostring(f) .. ' ' .. err"), CR_OK);
	assert_string_equal(c.result,
		"nil attempt to load a binary chunk (mode is 't')");
	assert_int_equal(run(sb, &c, "return tostring(load(bin, 'x', 'b'))"),
		CR_OK);
	assert_string_equal(c.result, "nil");
	assert_int_equal(run(sb, &c, "local done = false "
		"return tostring(load(function() if done then return nil end "
		"done = true return bin end, 'r', 'bt'))"), CR_OK);
	assert_string_equal(c.result, "nil");
	/* Text still loads, with the globals (the policy env) by default. */
	assert_int_equal(run(sb, &c, "answer = 7 "
		"return load('return answer')() + load('return answer', 'c', "
		"'t', {answer = 5})()"), CR_OK);
	assert_string_equal(c.result, "12");
	free((char *)c.bytes);
	cr_sandbox_free(sb);
}

static void test_setmetatable_refuses_gc(void **state)
{
	cr_sandbox *sb = sandbox(8 << 20, 1000000, NULL);
	struct chunk c = { 0 };

	(void)state;
	assert_int_equal(run(sb, &c, "setmetatable({}, {__gc = function() "
		"while true do end end})"), CR_EBUNDLE);
	assert_non_null(strstr(cr_sandbox_error(sb),
		"__gc metamethods are not allowed"));
	assert_int_equal(run(sb, &c, "setmetatable({}, {__gc = false})"),
		CR_EBUNDLE);
	assert_int_equal(run(sb, &c, "local t = setmetatable({}, "
		"{__index = {a = 1}}) return t.a"), CR_OK);
	assert_string_equal(c.result, "1");
	cr_sandbox_free(sb);
}

static void test_random_is_deterministic(void **state)
{
	const char *src = "return math.random(1, 1 << 40) .. ' ' .. "
		"math.random(1, 1 << 40)";
	cr_sandbox *a = sandbox(8 << 20, 1000000, NULL);
	cr_sandbox *b = sandbox(8 << 20, 1000000, NULL);
	struct chunk ca = { 0 }, cb = { 0 };

	(void)state;
	assert_int_equal(run(a, &ca, src), CR_OK);
	assert_int_equal(run(b, &cb, src), CR_OK);
	assert_string_equal(ca.result, cb.result);
	cr_sandbox_free(a);
	cr_sandbox_free(b);
}

static void test_xpcall_handler_runs(void **state)
{
	cr_sandbox *sb = sandbox(8 << 20, 1000000, NULL);
	struct chunk c = { 0 };

	(void)state;
	assert_int_equal(run(sb, &c, "return select(2, xpcall(function(a) "
		"error(a, 0) end, function(m) return 'handled ' .. m end, "
		"'boom'))"), CR_OK);
	assert_string_equal(c.result, "handled boom");
	cr_sandbox_free(sb);
}

static void test_error_objects(void **state)
{
	cr_sandbox *sb = sandbox(8 << 20, 1000000, NULL);
	struct chunk c = { 0 };

	(void)state;
	assert_int_equal(run(sb, &c, "error(setmetatable({}, {__tostring = "
		"function() error('nope') end}))"), CR_EBUNDLE);
	assert_string_equal(cr_sandbox_error(sb), "error object is a table");
	assert_int_equal(run(sb, &c, "error()"), CR_EBUNDLE);
	assert_string_equal(cr_sandbox_error(sb), "error object is a nil");
	assert_int_equal(run(sb, &c, "local t = nil\nreturn t.x"), CR_EBUNDLE);
	assert_string_equal(cr_sandbox_error(sb),
		"test.lua:2: attempt to index a nil value (local 't')");
	cr_sandbox_free(sb);
}

#define BUNDLE_YML \
	"name: libs\n" \
	"version: 1.0.0\n" \
	"categories:\n" \
	"  - {id: general, title: General, weight: 1}\n"

static cr_bundle *library_bundle(void)
{
#define FILE(path, text) { path, text, sizeof text - 1 }
	static const cr_bundle_file files[] = {
		FILE("bundle.yml", BUNDLE_YML),
		FILE("p.lua", "return 1"),
		FILE("lib/util.lua", "return {answer = 42, name = ...}"),
		FILE("lib/deep/mod.lua", "return 'deep'"),
		FILE("lib/bad.lua", "\nerror('bad module')"),
		FILE("lib/loop_a.lua", "return require('loop_b')"),
		FILE("lib/loop_b.lua", "return require('loop_a')"),
	};
#undef FILE
	cr_ctx *ctx = NULL;
	cr_bundle *b = NULL;

	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	if (cr_bundle_load_files(&b, ctx, "libs", files,
		    sizeof files / sizeof *files) != CR_OK)
		fail_msg("bundle: %s", cr_ctx_error(ctx));
	cr_ctx_free(ctx);
	return b;
}

static int provide_crucible(lua_State *L)
{
	lua_newtable(L);
	lua_pushliteral(L, "yes");
	lua_setfield(L, -2, "provided");
	cr_sandbox_provide(L, "crucible");
	return 0;
}

static void test_require(void **state)
{
	cr_bundle *b = library_bundle();
	cr_sandbox *sb = sandbox(8 << 20, 1000000, b);
	struct chunk c = { 0 };

	(void)state;
	assert_int_equal(run(sb, &c, "local u = require('util') "
		"return u.answer .. u.name .. tostring(u == require('util'))"),
		CR_OK);
	assert_string_equal(c.result, "42utiltrue");
	assert_int_equal(run(sb, &c, "return require('deep.mod')"), CR_OK);
	assert_string_equal(c.result, "deep");
	assert_int_equal(run(sb, &c, "return require('missing')"), CR_EBUNDLE);
	assert_string_equal(cr_sandbox_error(sb), "libs/test.lua:1: module "
		"'missing' not found (require loads the bundle's lib/ modules "
		"only)");
	assert_int_equal(run(sb, &c, "return require('p')"), CR_EBUNDLE);
	assert_int_equal(run(sb, &c, "return require('bad')"), CR_EBUNDLE);
	assert_string_equal(cr_sandbox_error(sb),
		"libs/lib/bad.lua:2: bad module");
	assert_int_equal(run(sb, &c, "return require('loop_a')"), CR_EBUNDLE);
	assert_non_null(strstr(cr_sandbox_error(sb), "circular require"));
	assert_int_equal(run(sb, &c, "return require('crucible')"), CR_EBUNDLE);
	assert_int_equal(cr_sandbox_run(sb, provide_crucible, NULL), CR_OK);
	assert_int_equal(run(sb, &c, "return require('crucible').provided"),
		CR_OK);
	assert_string_equal(c.result, "yes");
	cr_sandbox_free(sb);
	cr_bundle_free(b);
}

static void test_utf8_clip(void **state)
{
	const char *s = "a\xc3\xa9z";   /* "aéz" */

	(void)state;
	assert_int_equal(cr_utf8_clip(s, 4, 10), 4);
	assert_int_equal(cr_utf8_clip(s, 4, 3), 3);
	assert_int_equal(cr_utf8_clip(s, 4, 2), 1);
	assert_int_equal(cr_utf8_clip(s, 4, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libraries_absent),
		cmocka_unit_test(test_memory_cap),
		cmocka_unit_test(test_instruction_budget),
		cmocka_unit_test(test_budget_survives_pcall),
		cmocka_unit_test(test_binary_chunks_refused),
		cmocka_unit_test(test_setmetatable_refuses_gc),
		cmocka_unit_test(test_random_is_deterministic),
		cmocka_unit_test(test_xpcall_handler_runs),
		cmocka_unit_test(test_error_objects),
		cmocka_unit_test(test_require),
		cmocka_unit_test(test_utf8_clip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
