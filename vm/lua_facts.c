/*
 * lua_facts.c - how policies reach the typed facts: repo:<plural>{...}
 * selectors, edge methods on nodes, and nested views of dotted
 * attributes.  vm/lua_graph.c owns the repo and node objects; this file
 * adds the fact kinds on top of them, driven by the two tables below,
 * which are the list of what a policy can ask for (docs/policy-api.md and
 * docs/facts/ describe every kind).
 *
 * Selection happens in C: each filter is turned into a C value once, and
 * only the nodes that pass become Lua objects.
 */
#include "vm/lua_graph.h"

#include <lauxlib.h>
#include <string.h>

#include "crucible/facts.h"
#include "crucible/glob.h"

/* repo:<method>{filters} selects the nodes of <kind>, which the
 * collectors of `needs` make (the fact plan, cr_facts_member_needs()):
 * a policy that calls the method must declare that kind; `extra` is what
 * a policy without a declaration is given on top, to be safe. */
#define M CR_FACTS_MANIFESTS
#define W CR_FACTS_WORKFLOWS
#define D CR_FACTS_DOCKER
#define K CR_FACTS_K8S
#define O CR_FACTS_DOCS
static const struct {
	const char *method, *kind;
	unsigned needs, extra;
} fact_kinds[] = {
	/* manifests and dependencies (facts/manifests*.c) */
	{ "manifests", "manifest", M, 0 },
	{ "lockfiles", "lockfile", M, 0 },
	{ "dependencies", "dependency", M, 0 },
	/* CI (facts/workflows*.c) */
	{ "workflows", "workflow", W, 0 },
	{ "jobs", "job", W, 0 },
	{ "steps", "step", W, 0 },
	{ "ci_configs", "ci_config", W, 0 },
	{ "update_configs", "update_config", W, 0 },
	/* containers (facts/docker*.c, facts/compose.c) */
	{ "dockerfiles", "dockerfile", D, 0 },
	{ "docker_stages", "docker_stage", D, 0 },
	{ "docker_instructions", "docker_instruction", D, 0 },
	{ "compose_files", "compose_file", D, 0 },
	{ "compose_services", "compose_service", D, 0 },
	/* Kubernetes, Helm, Kustomize (facts/k8s*.c, facts/helm.c) */
	{ "k8s_objects", "k8s_object", K, 0 },
	{ "workloads", "workload", K, 0 },
	{ "containers", "container", K, 0 },
	{ "rbac_rules", "rbac_rule", K, 0 },
	{ "helm_charts", "helm_chart", K, 0 },
	/* documents, hygiene and code signals (facts/docs.c, signals.c) */
	{ "docs", "doc", O, 0 },
	{ "env_examples", "env_example", O, 0 },
	{ "ignore_files", "ignore_file", O, 0 },
	{ "tool_configs", "tool_config", O, 0 },
	{ "test_suites", "test_suite", O, 0 },
	{ "bench_dirs", "bench_dir", O, 0 },
	{ "signals", "signal", CR_FACTS_SIGNALS, M },
	/* secrets (facts/secrets*.c); nothing tells whether a policy reads
	 * the history's, so without a declaration it gets them */
	{ "secrets", "secret", CR_FACTS_SECRETS, CR_FACTS_HISTORY },
	{ "sensitive_files", "sensitive_file", CR_FACTS_SECRETS, 0 },
	/* files that failed to parse, whatever their kind */
	{ "parse_errors", "parse_error", 0, CR_FACTS_ALL },
};
#undef M
#undef W
#undef D
#undef K
#undef O

/* The repo members of vm/lua_graph.c that need a collector: only
 * repo:nodes(kind), whose kind is a run-time string.  Its others (files,
 * count, file, grep, git, stats, name, is_git) read the inventory and
 * git, which are always collected. */
static const struct { const char *member; unsigned needs, extra; }
	graph_members[] = {
	{ "nodes", 0, CR_FACTS_ALL },
};

static bool member_is(unsigned *required, unsigned *conservative,
	const char *name, unsigned needs, unsigned extra, const char *member)
{
	if (strcmp(name, member) != 0)
		return false;
	*required = needs;
	*conservative = needs | extra;
	return true;
}

void cr_facts_member_needs(unsigned *required, unsigned *conservative,
	const char *member)
{
	*required = *conservative = 0;
	for (size_t i = 0; i < sizeof fact_kinds / sizeof *fact_kinds; i++)
		if (member_is(required, conservative, fact_kinds[i].method,
			    fact_kinds[i].needs, fact_kinds[i].extra, member))
			return;
	for (size_t i = 0; i < sizeof graph_members / sizeof *graph_members;
	     i++)
		if (member_is(required, conservative, graph_members[i].member,
			    graph_members[i].needs, graph_members[i].extra,
			    member))
			return;
}

/* Edge labels that are methods of every node: node:<label>() returns the
 * list of targets, or for a single-valued label the target or nil. */
static const struct { const char *label; bool single; } edge_methods[] = {
	/* manifests */
	{ "dependencies", false }, { "manifest", true }, { "lockfile", true },
	{ "manifests", false },
	/* CI */
	{ "jobs", false }, { "steps", false }, { "workflow", true },
	{ "job", true },
	/* containers */
	{ "stages", false }, { "final_stage", true }, { "instructions", false },
	{ "dockerfile", true }, { "base_stage", true }, { "stage", true },
	{ "copy_from", true }, { "services", false }, { "file", true },
	/* Kubernetes, Helm */
	{ "containers", false }, { "workload", true }, { "object", true },
	{ "service", true }, { "ingress", true }, { "hpa", true },
	{ "pdb", true }, { "network_policy", true },
	{ "service_monitor", true }, { "pod_monitor", true },
	{ "k8s_secret", true }, { "configmap", true },
	{ "service_account", true }, { "role_binding", true },
	{ "helm_chart", true }, { "selects", false }, { "targets", false },
	{ "hpas", false }, { "pdbs", false }, { "network_policies", false },
	{ "service_monitors", false }, { "pod_monitors", false },
	{ "ingresses", false }, { "rbac_rules", false }, { "rules", false },
	{ "bindings", false }, { "templates", false },
	/* code signals */
	{ "dependency", true },
	/* any node */
	{ "describes", false }, { "parse_errors", false },
};

const char *cr_lua_fact_method_at(size_t i, const char **kind)
{
	if (i >= sizeof fact_kinds / sizeof *fact_kinds)
		return NULL;
	if (kind)
		*kind = fact_kinds[i].kind;
	return fact_kinds[i].method;
}

const char *cr_lua_edge_method_at(size_t i, bool *single)
{
	if (i >= sizeof edge_methods / sizeof *edge_methods)
		return NULL;
	if (single)
		*single = edge_methods[i].single;
	return edge_methods[i].label;
}

#define FILTERS_MAX 16
#define ALTERNATIVES_MAX 32

/* One wanted value; strings point into the filter table on the stack. */
struct wanted {
	int type; /* LUA_TSTRING, LUA_TBOOLEAN or LUA_TNUMBER */
	const char *s;
	size_t len;
	bool b;
	lua_Integer i;
};

struct attr_filter {
	cr_key key;    /* 0: no node has the attribute, nothing matches */
	struct wanted any[ALTERNATIVES_MAX];
	size_t count;
};

struct node_filter {
	const char *path_glob;
	lua_Integer limit;
	struct attr_filter attrs[FILTERS_MAX];
	size_t count;
};

static void wanted_at(lua_State *L, int idx, const char *key,
	struct wanted *w)
{
	int isint;

	w->type = lua_type(L, idx);
	switch (w->type) {
	case LUA_TSTRING:
		w->s = lua_tolstring(L, idx, &w->len);
		return;
	case LUA_TBOOLEAN:
		w->b = lua_toboolean(L, idx);
		return;
	case LUA_TNUMBER:
		w->i = lua_tointegerx(L, idx, &isint);
		if (isint)
			return;
		break;
	}
	luaL_error(L, "filter '%s' must be a string, boolean, integer or "
		"a list of them, got %s", key, luaL_typename(L, idx));
}

static void attr_filter_at(lua_State *L, const cr_graph *g, int idx,
	const char *key, struct attr_filter *f)
{
	f->key = cr_graph_key(g, key);
	if (!lua_istable(L, idx)) {
		wanted_at(L, idx, key, &f->any[0]);
		f->count = 1;
		return;
	}
	f->count = lua_rawlen(L, idx);
	if (f->count > ALTERNATIVES_MAX)
		luaL_error(L, "filter '%s' lists more than %d values", key,
			ALTERNATIVES_MAX);
	for (size_t i = 0; i < f->count; i++) {
		lua_rawgeti(L, idx, (lua_Integer)i + 1);
		/* The table keeps the string alive once popped. */
		wanted_at(L, -1, key, &f->any[i]);
		lua_pop(L, 1);
	}
}

/* The filters of the table at idx (absent or nil: none). */
static void node_filter_at(lua_State *L, const cr_graph *g, int idx,
	struct node_filter *f)
{
	*f = (struct node_filter){ .limit = LUA_MAXINTEGER };
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *key;

		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "filters are named fields, found a %s key",
				luaL_typename(L, -2));
		key = lua_tostring(L, -2);
		if (strcmp(key, "kind") == 0 || strcmp(key, "line") == 0)
			luaL_error(L, "'%s' is not a filter: nodes are selected "
				"by kind, path glob, limit and attributes", key);
		if (strcmp(key, "path") == 0) {
			f->path_glob = luaL_checkstring(L, -1);
		} else if (strcmp(key, "limit") == 0) {
			f->limit = luaL_checkinteger(L, -1);
			if (f->limit <= 0)
				luaL_error(L, "filter 'limit' must be positive");
		} else {
			if (f->count == FILTERS_MAX)
				luaL_error(L, "more than %d filters", FILTERS_MAX);
			attr_filter_at(L, g, lua_absindex(L, -1), key,
				&f->attrs[f->count++]);
		}
		lua_pop(L, 1);
	}
}

static bool value_is(const cr_value *v, const struct wanted *w)
{
	switch (w->type) {
	case LUA_TSTRING:
		if (v->type == CR_T_STR)
			return v->u.s.len == w->len &&
				memcmp(v->u.s.ptr, w->s, w->len) == 0;
		if (v->type == CR_T_LIST)
			for (size_t i = 0; i < v->u.list.count; i++)
				if (strcmp(v->u.list.items[i], w->s) == 0)
					return true;
		return false;
	case LUA_TBOOLEAN:
		return v->type == CR_T_BOOL && v->u.b == w->b;
	default:
		return (v->type == CR_T_INT && v->u.i == w->i) ||
			(v->type == CR_T_NUM && v->u.n == (double)w->i);
	}
}

static bool node_passes(const cr_graph *g, cr_node_id id,
	const struct node_filter *f)
{
	if (f->path_glob) {
		const char *path = cr_node_path(g, id);

		if (!path || !cr_glob_match(f->path_glob, path))
			return false;
	}
	for (size_t i = 0; i < f->count; i++) {
		const struct attr_filter *a = &f->attrs[i];
		bool any = false;
		cr_value v;

		if (!a->key || !cr_node_attr_key(g, id, a->key, &v))
			return false;
		for (size_t j = 0; j < a->count && !any; j++)
			any = value_is(&v, &a->any[j]);
		if (!any)
			return false;
	}
	return true;
}

/* Push the list of nodes of `kind` that pass the filters at idx. */
static int push_selection(lua_State *L, const cr_graph *g,
	const char *kind, int idx)
{
	struct node_filter f;
	const cr_node_id *ids;
	lua_Integer found = 0;
	size_t count;

	node_filter_at(L, g, idx, &f);
	ids = cr_graph_nodes(g, kind, &count);
	lua_newtable(L);
	for (size_t i = 0; i < count && found < f.limit; i++) {
		if (!node_passes(g, ids[i], &f))
			continue;
		cr_lua_push_node(L, g, ids[i]);
		lua_rawseti(L, -2, ++found);
	}
	return 1;
}

/* repo:nodes(kind, filters) */
int cr_lua_repo_nodes(lua_State *L)
{
	const cr_graph *g = cr_lua_check_repo(L, 1);

	return push_selection(L, g, luaL_checkstring(L, 2), 3);
}

/* repo:<plural>(filters); upvalue: the kind. */
static int repo_select(lua_State *L)
{
	const cr_graph *g = cr_lua_check_repo(L, 1);

	return push_selection(L, g, lua_tostring(L, lua_upvalueindex(1)), 2);
}

void cr_lua_add_fact_methods(lua_State *L, int methods)
{
	methods = lua_absindex(L, methods);
	for (size_t i = 0; i < sizeof fact_kinds / sizeof *fact_kinds; i++) {
		lua_pushstring(L, fact_kinds[i].kind);
		lua_pushcclosure(L, repo_select, 1);
		lua_setfield(L, methods, fact_kinds[i].method);
	}
}

/* --- edge methods -------------------------------------------------------- */

/* node:<label>(); upvalues: the label, whether it is single-valued. */
static int node_edge_method(lua_State *L)
{
	const cr_graph *g;
	cr_node_id id = cr_lua_check_node(L, 1, &g);
	const char *label = lua_tostring(L, lua_upvalueindex(1));
	bool single = lua_toboolean(L, lua_upvalueindex(2));
	size_t count = cr_node_edges(g, id, label, NULL, 0);
	lua_Integer pushed = 0;

	if (single) {
		cr_node_id to;

		if (cr_node_edges(g, id, label, &to, 1))
			cr_lua_push_node(L, g, to);
		else
			lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, (int)count, 0);
	for (size_t i = 0; i < cr_node_edge_count(g, id); i++) {
		cr_node_id to;

		if (strcmp(cr_node_edge_at(g, id, i, &to), label) != 0)
			continue;
		cr_lua_push_node(L, g, to);
		lua_rawseti(L, -2, ++pushed);
	}
	return 1;
}

static bool push_edge_method(lua_State *L, const cr_graph *g,
	cr_node_id id, const char *key)
{
	for (size_t i = 0; i < sizeof edge_methods / sizeof *edge_methods; i++)
		if (strcmp(edge_methods[i].label, key) == 0) {
			lua_pushstring(L, key);
			lua_pushboolean(L, edge_methods[i].single);
			lua_pushcclosure(L, node_edge_method, 2);
			return true;
		}
	/* A label no table knows still works, as a list. */
	if (!cr_node_edges(g, id, key, NULL, 0))
		return false;
	lua_pushstring(L, key);
	lua_pushboolean(L, false);
	lua_pushcclosure(L, node_edge_method, 2);
	return true;
}

/* --- nested views of dotted attributes ----------------------------------- */

#define VIEW_MT "crucible.view"

/* c.security is a view of the attributes "security.*" of c's node; the
 * prefix (with its final dot) is the view's user value. */
typedef struct view_ud {
	const cr_graph *g;
	cr_node_id id;
} view_ud;

static bool has_prefix(const cr_graph *g, cr_node_id id, const char *prefix,
	size_t len)
{
	for (size_t i = 0; i < cr_node_attr_count(g, id); i++) {
		cr_value v;

		if (strncmp(cr_node_attr_at(g, id, i, &v), prefix, len) == 0)
			return true;
	}
	return false;
}

static void push_view(lua_State *L, const cr_graph *g, cr_node_id id,
	int prefix)
{
	view_ud *v;

	prefix = lua_absindex(L, prefix);
	v = lua_newuserdatauv(L, sizeof *v, 1);
	v->g = g;
	v->id = id;
	lua_pushvalue(L, prefix);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, VIEW_MT);
}

/* The value of attribute `name` (exact), else a view when some attribute
 * starts with "name.", else nothing (returns false). */
static bool push_dotted(lua_State *L, const cr_graph *g, cr_node_id id,
	const char *name, size_t len)
{
	cr_value v;

	if (cr_node_attr(g, id, name, &v)) {
		cr_lua_push_value(L, &v);
		return true;
	}
	lua_pushlstring(L, name, len);
	lua_pushliteral(L, ".");
	lua_concat(L, 2);
	if (!has_prefix(g, id, lua_tostring(L, -1), len + 1)) {
		lua_pop(L, 1);
		return false;
	}
	push_view(L, g, id, -1);
	lua_remove(L, -2);
	return true;
}

static int view_index(lua_State *L)
{
	const view_ud *v = luaL_checkudata(L, 1, VIEW_MT);
	const char *key = luaL_checkstring(L, 2);

	lua_getiuservalue(L, 1, 1);
	lua_pushvalue(L, 2);
	lua_concat(L, 2);
	key = lua_tostring(L, -1);
	if (!push_dotted(L, v->g, v->id, key, lua_rawlen(L, -1)))
		lua_pushnil(L);
	return 1;
}

static int view_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (lua_next(L, 1))
		return 2;
	lua_pushnil(L);
	return 1;
}

/* pairs(view): every attribute under the prefix, keyed by the rest of
 * its name ("app.kubernetes.io/name" for labels stays one key). */
static int view_pairs(lua_State *L)
{
	const view_ud *v = luaL_checkudata(L, 1, VIEW_MT);
	size_t plen, count = cr_node_attr_count(v->g, v->id);
	const char *prefix;

	lua_getiuservalue(L, 1, 1);
	prefix = lua_tolstring(L, -1, &plen);
	lua_pushcfunction(L, view_next);
	lua_createtable(L, 0, 4);
	for (size_t i = 0; i < count; i++) {
		cr_value val;
		const char *key = cr_node_attr_at(v->g, v->id, i, &val);

		if (strncmp(key, prefix, plen) != 0)
			continue;
		luaL_checkstack(L, 2, "view too large");
		cr_lua_push_value(L, &val);
		lua_setfield(L, -2, key + plen);
	}
	lua_pushnil(L);
	return 3;
}

static int view_tostring(lua_State *L)
{
	luaL_checkudata(L, 1, VIEW_MT);
	lua_getiuservalue(L, 1, 1);
	lua_pushfstring(L, "attributes %s*", lua_tostring(L, -1));
	return 1;
}

static void register_view(lua_State *L)
{
	static const luaL_Reg view_meta[] = {
		{ "__index", view_index }, { "__pairs", view_pairs },
		{ "__tostring", view_tostring }, { NULL, NULL }
	};

	if (luaL_newmetatable(L, VIEW_MT)) {
		luaL_setfuncs(L, view_meta, 0);
		lua_pushliteral(L, VIEW_MT);
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);
}

bool cr_lua_push_node_extra(lua_State *L, const cr_graph *g, cr_node_id id,
	const char *key)
{
	register_view(L);
	return push_dotted(L, g, id, key, strlen(key)) ||
		push_edge_method(L, g, id, key);
}
