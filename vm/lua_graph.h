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

/* --- shared with vm/lua_facts.c ------------------------------------------ */

void cr_lua_push_value(lua_State *L, const cr_value *v);
void cr_lua_push_node(lua_State *L, const cr_graph *g, cr_node_id id);
/* The graph of the repo object at idx, or raise. */
const cr_graph *cr_lua_check_repo(lua_State *L, int idx);
/* The node object at idx (its graph in *g), or raise. */
cr_node_id cr_lua_check_node(lua_State *L, int idx, const cr_graph **g);

/* repo:nodes(kind, filters), and repo:<plural>(filters) for every fact
 * kind, added to the repo's method table at index `methods`. */
int cr_lua_repo_nodes(lua_State *L);
void cr_lua_add_fact_methods(lua_State *L, int methods);
/* The tables behind them, read-only, for checks such as
 * tests/test_luals.c: the i-th repo method (its kind in *kind) and the
 * i-th edge method (whether it returns one node in *single), or NULL
 * past the end.  Either out-parameter may be NULL. */
const char *cr_lua_fact_method_at(size_t i, const char **kind);
const char *cr_lua_edge_method_at(size_t i, bool *single);
/* For node.<key> when the node has no attribute `key`: a view of the
 * dotted attributes "key.*", or the edge method `key`.  Pushes it and
 * returns true, or pushes nothing and returns false. */
bool cr_lua_push_node_extra(lua_State *L, const cr_graph *g, cr_node_id id,
	const char *key);

/* Add the stdlib functions (glob, match, ...) as fields of the table at
 * stack index idx (the `crucible` table). */
void cr_lua_register_stdlib(lua_State *L, int idx);

#endif
