/*
 * sandbox.c - the restricted lua_State every policy runs in.
 *
 * The limits live inside Lua's own machinery so that a policy cannot step
 * around them: the allocator refuses to grow the heap past the cap (Lua
 * turns that into a memory error), and a count hook spends the instruction
 * budget.  Once the budget is gone the hook re-arms itself to fire on every
 * instruction and raises each time, so a policy that catches the error
 * with pcall dies on its next instruction anyway.  What C code runs inside
 * Lua calls (string.find on a hostile pattern, say) is beyond both; the
 * evaluator's wall clock and CPU limit cover it.
 *
 * The library allow-list and the replaced base functions follow
 * docs/policy-api.md: no file, process or debug access, text chunks only,
 * no finalizers (Lua runs them with hooks off, so outside any budget),
 * xpcall handlers skipped once the budget is spent (same reason), and a
 * math.random that gives the same sequence in every state.
 */
#include "vm/sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Instructions between two budget checks: large enough that the hook
 * costs nothing measurable, small enough to stop a loop promptly. */
#define BUDGET_STEP 10000
#define RANDOM_SEED 0x63727563
#define LOADED_KEY "crucible.loaded"
#define MIB ((size_t)1 << 20)
#define MESSAGE_MAX 4096

struct cr_sandbox {
	lua_State *L;
	const cr_bundle *bundle;
	size_t cap;
	size_t used;
	bool refused;         /* the allocator said no at least once */
	uint64_t budget;      /* instructions granted */
	uint64_t remaining;
	int step;             /* instructions until the next hook call */
	bool spent;
	char spent_message[256];
	char error[MESSAGE_MAX];
	/* Coverage: the module whose lines are recorded, its chunk name
	 * once loaded, and where the lines go; all NULL when off. */
	const cr_module *cover_module;
	char *cover_chunk;
	cr_lines *cover_hits;
};

/* Marks a library module whose top level is still running. */
static const char loading_mark;

static cr_sandbox *sandbox_of(lua_State *L)
{
	void *ud;

	lua_getallocf(L, &ud);
	return ud;
}

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	cr_sandbox *sb = ud;
	size_t old = ptr ? osize : 0;
	void *block;

	if (nsize == 0) {
		free(ptr);
		sb->used -= old;
		return NULL;
	}
	if (nsize > old && nsize - old > sb->cap - sb->used) {
		sb->refused = true;
		return NULL;
	}
	block = realloc(ptr, nsize);
	if (block)
		sb->used = sb->used - old + nsize;
	return block;
}

static void sandbox_hook(lua_State *L, lua_Debug *ar);

/* Lua has one hook per state: the count hook spends the budget, and the
 * line hook, when coverage is on, records lines.  Once the budget is
 * spent only the count hook is left. */
static void budget_arm(lua_State *L, cr_sandbox *sb)
{
	sb->step = sb->remaining < BUDGET_STEP ? (int)sb->remaining : BUDGET_STEP;
	if (sb->step == 0)
		sb->step = 1;
	lua_sethook(L, sandbox_hook, LUA_MASKCOUNT |
		(sb->cover_hits ? LUA_MASKLINE : 0), sb->step);
}

/* A line of the covered module ran.  Memory for the set comes from
 * malloc, not the Lua heap: coverage must not change what fits. */
static void cover_line(lua_State *L, cr_sandbox *sb, lua_Debug *ar)
{
	if (!sb->cover_chunk || !lua_getinfo(L, "S", ar) ||
	    strcmp(ar->source, sb->cover_chunk) != 0)
		return;
	if (ar->currentline > 0)
		cr_lines_add(sb->cover_hits, (uint32_t)ar->currentline);
}

static void budget_hook(lua_State *L, cr_sandbox *sb, lua_Debug *ar)
{
	if (!sb->spent) {
		if (sb->remaining > (uint64_t)sb->step) {
			sb->remaining -= (uint64_t)sb->step;
			budget_arm(L, sb);
			return;
		}
		sb->remaining = 0;
		sb->spent = true;
		lua_getinfo(L, "Sl", ar);
		snprintf(sb->spent_message, sizeof sb->spent_message,
			"%s:%d: instruction budget of %llu exceeded",
			ar->short_src, ar->currentline,
			(unsigned long long)sb->budget);
		lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, 1);
	}
	lua_pushstring(L, sb->spent_message);
	lua_error(L);
}

static void sandbox_hook(lua_State *L, lua_Debug *ar)
{
	cr_sandbox *sb = sandbox_of(L);

	if (ar->event == LUA_HOOKLINE)
		cover_line(L, sb, ar);
	else
		budget_hook(L, sb, ar);
}

/* load(chunk [, chunkname [, mode [, env]]]) with the mode forced to "t".
 * Without env the chunk gets the globals, which are the policy's env. */
static int sandbox_load(lua_State *L)
{
	int nargs = lua_isnone(L, 4) ? 3 : 4;

	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	if (nargs == 4)
		lua_pushvalue(L, 4);
	lua_call(L, nargs, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* Lua marks an object for finalization only if its metatable holds a
 * raw __gc when it is set, so checking here closes the door for good. */
static int sandbox_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_argerror(L, 2,
				"__gc metamethods are not allowed");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* Errors raised by the budget hook run the message handler inside the
 * hook, where Lua disables hooks: a looping handler would never be
 * stopped.  Once the budget is spent the handler is skipped. */
static int guarded_handler(lua_State *L)
{
	if (sandbox_of(L)->spent)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int sandbox_xpcall(lua_State *L)
{
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, guarded_handler, 1);
	lua_replace(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int sandbox_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const cr_bundle *b = sandbox_of(L)->bundle;
	const cr_module *m;

	lua_settop(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
	if (lua_getfield(L, 2, name) != LUA_TNIL) {
		if (lua_touserdata(L, -1) == &loading_mark)
			return luaL_error(L, "module '%s' required while it "
				"loads (circular require or an earlier error)",
				name);
		return 1;
	}
	m = b ? cr_bundle_library(b, name) : NULL;
	if (!m)
		return luaL_error(L, "module '%s' not found (require loads "
			"the bundle's lib/ modules only)", name);
	lua_pushlightuserdata(L, (void *)&loading_mark);
	lua_setfield(L, 2, name);
	cr_sandbox_load_module(L, m);
	lua_pushvalue(L, 1);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, 2, name);
	return 1;
}

static void wrap_function(lua_State *L, int table, const char *name,
	lua_CFunction fn)
{
	table = lua_absindex(L, table);
	lua_getfield(L, table, name);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, table, name);
}

static void remove_field(lua_State *L, int table, const char *name)
{
	table = lua_absindex(L, table);
	lua_pushnil(L);
	lua_setfield(L, table, name);
}

static void open_libraries(lua_State *L)
{
	static const luaL_Reg allowed[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL }
	};

	for (const luaL_Reg *lib = allowed; lib->name; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
}

static void restrict_base(lua_State *L)
{
	lua_pushglobaltable(L);
	remove_field(L, -1, "dofile");
	remove_field(L, -1, "loadfile");
	remove_field(L, -1, "collectgarbage");
	wrap_function(L, -1, "load", sandbox_load);
	wrap_function(L, -1, "setmetatable", sandbox_setmetatable);
	wrap_function(L, -1, "xpcall", sandbox_xpcall);
	lua_pushcfunction(L, sandbox_require);
	lua_setfield(L, -2, "require");
	lua_pop(L, 1);
}

static void restrict_string_math(lua_State *L)
{
	lua_getglobal(L, LUA_STRLIBNAME);
	remove_field(L, -1, "dump");
	lua_pop(L, 1);

	/* luaopen_math seeds from the clock; reseed, then take the knob away. */
	lua_getglobal(L, LUA_MATHLIBNAME);
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, RANDOM_SEED);
	lua_call(L, 1, 0);
	remove_field(L, -1, "randomseed");
	lua_pop(L, 1);
}

static int open_sandbox(lua_State *L)
{
	open_libraries(L);
	restrict_base(L);
	restrict_string_math(L);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
	return 0;
}

int cr_sandbox_new(cr_sandbox **out, cr_ctx *ctx, const cr_bundle *bundle,
	const cr_limits *limits)
{
	cr_sandbox *sb;
	int rc;

	*out = NULL;
	sb = calloc(1, sizeof *sb);
	if (!sb)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	sb->bundle = bundle;
	sb->cap = limits->memory_bytes;
	sb->budget = sb->remaining = limits->instructions;
	sb->L = lua_newstate(sandbox_alloc, sb);
	if (!sb->L) {
		rc = cr_error_set(ctx, sb->refused ? CR_ELIMIT : CR_ENOMEM,
			"cannot create a Lua state within %zu bytes", sb->cap);
		free(sb);
		return rc;
	}
	rc = cr_sandbox_run(sb, open_sandbox, NULL);
	if (rc) {
		cr_error_set(ctx, rc, "cannot open the Lua libraries: %s",
			sb->error);
		cr_sandbox_free(sb);
		return rc;
	}
	budget_arm(sb->L, sb);
	*out = sb;
	return CR_OK;
}

void cr_sandbox_free(cr_sandbox *sb)
{
	if (!sb)
		return;
	lua_close(sb->L);
	free(sb->cover_chunk);
	free(sb);
}

void cr_sandbox_cover(cr_sandbox *sb, const cr_module *m, cr_lines *hits)
{
	sb->cover_module = m;
	sb->cover_hits = hits;
	budget_arm(sb->L, sb);
}

static void describe_memory_error(cr_sandbox *sb)
{
	if (!sb->refused)
		snprintf(sb->error, sizeof sb->error, "out of memory");
	else if (sb->cap % MIB == 0)
		snprintf(sb->error, sizeof sb->error,
			"memory limit of %zu MiB exceeded", sb->cap / MIB);
	else
		snprintf(sb->error, sizeof sb->error,
			"memory limit of %zu bytes exceeded", sb->cap);
}

/* Reads the error object without running any Lua code, and without
 * allocating in the state, which may be at its memory cap. */
static int describe_failure(cr_sandbox *sb, int status)
{
	lua_State *L = sb->L;
	const char *msg;
	size_t len;

	if (sb->spent) {
		snprintf(sb->error, sizeof sb->error, "%s", sb->spent_message);
		return CR_ELIMIT;
	}
	if (status == LUA_ERRMEM) {
		describe_memory_error(sb);
		return CR_ELIMIT;
	}
	if (lua_type(L, -1) != LUA_TSTRING) {
		snprintf(sb->error, sizeof sb->error, "error object is a %s",
			luaL_typename(L, -1));
		return CR_EBUNDLE;
	}
	msg = lua_tolstring(L, -1, &len);
	len = cr_utf8_clip(msg, len, sizeof sb->error - 1);
	memcpy(sb->error, msg, len);
	sb->error[len] = '\0';
	return CR_EBUNDLE;
}

int cr_sandbox_run(cr_sandbox *sb, lua_CFunction fn, void *ud)
{
	lua_State *L = sb->L;
	int status, rc = CR_OK;

	sb->error[0] = '\0';
	lua_settop(L, 0);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	status = lua_pcall(L, 1, 0, 0);
	if (status != LUA_OK)
		rc = describe_failure(sb, status);
	lua_settop(L, 0);
	return rc;
}

const char *cr_sandbox_error(const cr_sandbox *sb)
{
	return sb->error;
}

void cr_sandbox_load_module(lua_State *L, const cr_module *m)
{
	const cr_bundle *b = sandbox_of(L)->bundle;
	const char *chunkname = b ?
		lua_pushfstring(L, "=%s/%s", cr_bundle_name(b), m->path) :
		lua_pushfstring(L, "=%s", m->path);

	cr_sandbox *sb = sandbox_of(L);

	if (luaL_loadbufferx(L, m->source, m->len, chunkname, "t") != LUA_OK)
		lua_error(L);
	if (m == sb->cover_module && !sb->cover_chunk)
		sb->cover_chunk = strdup(chunkname);
	lua_remove(L, -2);
}

void cr_sandbox_provide(lua_State *L, const char *name)
{
	lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
	lua_insert(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}

size_t cr_utf8_clip(const char *s, size_t len, size_t max)
{
	size_t n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}
