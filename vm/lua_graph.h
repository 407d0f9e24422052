/*
 * lua_graph.h - the Lua face of the fact graph and of the stdlib (private
 * to vm/).  The sandbox (vm/sandbox.c) calls these while it builds a
 * policy's state; docs/policy-api.md documents what they expose.
 *
 * Both run in protected mode only (they may raise Lua memory errors), and
 * neither holds C resources across a Lua call.
 */
#ifndef CRUCIBLE_VM_LUA_GRAPH_H
#define CRUCIBLE_VM_LUA_GRAPH_H

#include <lua.h>

#include "crucible/graph.h"

/* Push the `repo` object for the frozen graph g.  g must outlive L. */
void cr_lua_push_repo(lua_State *L, const cr_graph *g);

/* Add the stdlib functions (glob, match, ...) as fields of the table at
 * stack index idx (the `crucible` table). */
void cr_lua_register_stdlib(lua_State *L, int idx);

#endif
