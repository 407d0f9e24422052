/*
 * lua_snippets.h - the tests of the Lua bindings state their checks as
 * Lua snippets that assert; these run one in a lua_State and turn a Lua
 * error into a test failure (or require one).
 */
#ifndef CRUCIBLE_TESTS_LUA_SNIPPETS_H
#define CRUCIBLE_TESTS_LUA_SNIPPETS_H

#include <lauxlib.h>
#include <string.h>

#include "tests/helpers.h"

/* Run a Lua snippet; any error (a failed assert) fails the test. */
static inline void run(lua_State *L, const char *code)
{
	if (luaL_loadbuffer(L, code, strlen(code), "=snippet") != LUA_OK ||
	    lua_pcall(L, 0, 0, 0) != LUA_OK)
		fail_msg("%s", lua_tostring(L, -1));
}

/* Run a snippet that must raise an error containing `needle`. */
static inline void run_error(lua_State *L, const char *code,
	const char *needle)
{
	const char *msg;

	if (luaL_loadbuffer(L, code, strlen(code), "=snippet") != LUA_OK)
		fail_msg("%s", lua_tostring(L, -1));
	if (lua_pcall(L, 0, 0, 0) == LUA_OK)
		fail_msg("no error from: %s", code);
	msg = lua_tostring(L, -1);
	if (!msg || !strstr(msg, needle))
		fail_msg("error '%s' does not contain '%s'", msg ? msg : "?",
			needle);
	lua_pop(L, 1);
}

#endif
