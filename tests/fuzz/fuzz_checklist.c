/*
 * fuzz_checklist.c - libFuzzer harness for the checklist compiler
 * (compiler/checklist.c): arbitrary bytes as a bundle's checklist.yml.
 *
 * Checklists come from bundles that may be someone else's, and whatever
 * they hold is pasted into Lua source, so beyond the usual (no crash, no
 * leak, bounded time) every module generated must be Lua that compiles
 * and lints without an error: no value can break out of its string
 * literal and become code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "compiler/checklist.h"
#include "crucible/lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_module(lua_State *L, cr_ctx *ctx, const cr_bundle_file *f)
{
	cr_lint_result r = { 0 };

	if (luaL_loadbufferx(L, f->data, f->len, f->path, "t") != LUA_OK)
		abort();
	lua_settop(L, 0);
	if (cr_lint_module(&r, ctx, f->path, f->data, f->len) != CR_OK)
		abort();
	for (size_t i = 0; i < r.issue_count; i++)
		if (r.issues[i].level == CR_LINT_ERROR)
			abort();
	cr_lint_result_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_bundle_file file = { "checklist.yml", (const char *)data, size };
	cr_bundle_file *modules = NULL;
	cr_problems p = { 0 };
	size_t count = 0;
	lua_State *L = luaL_newstate();
	cr_ctx *ctx = NULL;

	if (!L || cr_ctx_new(&ctx) != CR_OK)
		abort();
	if (cr_checklist_generate(&modules, &count, &p, &file, NULL) == CR_OK)
		for (size_t i = 0; i < count; i++)
			check_module(L, ctx, &modules[i]);
	for (size_t i = 0; i < count; i++) {
		free((char *)modules[i].path);
		free((char *)modules[i].data);
	}
	free(modules);
	cr_problems_release(&p);
	cr_ctx_free(ctx);
	lua_close(L);
	return 0;
}
