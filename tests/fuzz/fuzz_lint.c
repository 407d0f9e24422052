/*
 * fuzz_lint.c - libFuzzer harness for the policy linter (compiler/lint.c
 * and its Lua parser, compiler/lua_parse.c): arbitrary bytes as a policy
 * module, linted, the result checked for coherence, then freed.
 *
 * Policy modules come from bundles written by someone else, so the
 * parser must neither read out of bounds, overflow the C stack on deep
 * nesting, leak, nor take long.  Lua's own compiler is the oracle for the
 * grammar: a chunk that Lua compiles must never be a syntax error here.
 */
#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool lua_compiles(const char *source, size_t len)
{
	lua_State *L = luaL_newstate();
	bool ok;

	if (!L)
		return false;
	ok = luaL_loadbufferx(L, source, len, "=fuzz.lua", "t") == LUA_OK;
	lua_close(L);
	return ok;
}

static void check_result(const cr_lint_result *r)
{
	for (size_t i = 0; i < r->issue_count; i++) {
		const cr_lint_issue *a = &r->issues[i];

		if (!a->message || a->line == 0 || a->column == 0)
			abort();
		if (i > 0 && (a->line < a[-1].line ||
			      (a->line == a[-1].line &&
			       a->column < a[-1].column)))
			abort();
	}
	for (size_t i = 1; i < r->member_count; i++) {
		if (strcmp(r->members[i - 1], r->members[i]) >= 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *source = (const char *)data;
	cr_lint_result r;
	cr_ctx *ctx = NULL;
	int rc;

	if (cr_ctx_new(&ctx) != CR_OK)
		return 0;
	rc = cr_lint_module(&r, ctx, "=fuzz.lua", source, size);
	if (rc == CR_OK) {
		check_result(&r);
		cr_lint_result_release(&r);
	} else if (rc == CR_EPARSE && lua_compiles(source, size)) {
		abort();
	}
	cr_ctx_free(ctx);
	return 0;
}
