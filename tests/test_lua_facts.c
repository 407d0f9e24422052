/*
 * test_lua_facts.c - how policies reach typed facts (vm/lua_facts.c):
 * repo:<plural>{filters}, repo:nodes(kind, filters), edge methods on
 * nodes (lists and single-valued), and views of dotted attributes.  The
 * graph is built by hand, so these tests do not depend on any collector.
 */
#include "tests/helpers.h"
#include "tests/lua_snippets.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/graph.h"
#include "vm/lua_graph.h"

struct fixture {
	cr_graph *g;
	lua_State *L;
};

static void must(int rc)
{
	if (rc < 0)
		fail_msg("graph call failed with %d", rc);
}

static cr_node_id add(cr_graph *g, const char *kind, const char *path,
	uint32_t line)
{
	cr_node_id id;

	must(cr_graph_add(g, &id, kind, path, line));
	return id;
}

static cr_node_id add_dep(cr_graph *g, cr_node_id manifest, const char *name,
	const char *scope, bool direct)
{
	cr_node_id d = add(g, "dependency", "package.json", 3);

	must(cr_graph_set_str(g, d, "ecosystem", "npm"));
	must(cr_graph_set_str(g, d, "name", name));
	must(cr_graph_set_str(g, d, "scope", scope));
	must(cr_graph_set_bool(g, d, "direct", direct));
	must(cr_graph_link(g, manifest, "dependencies", d));
	must(cr_graph_link(g, d, "manifest", manifest));
	return d;
}

static void build(cr_graph *g)
{
	cr_node_id m, w, c1, c2, hpa;

	m = add(g, "manifest", "package.json", 1);
	must(cr_graph_set_str(g, m, "ecosystem", "npm"));
	must(cr_graph_set_str(g, m, "scripts.test", "jest"));
	must(cr_graph_set_str(g, m, "scripts.build", "tsc"));
	add_dep(g, m, "express", "prod", true);
	add_dep(g, m, "jest", "dev", true);
	add_dep(g, m, "qs", "prod", false);

	w = add(g, "workload", "k8s/app.yaml", 2);
	must(cr_graph_set_str(g, w, "k8s_kind", "Deployment"));
	must(cr_graph_set_int(g, w, "replicas", 3));
	must(cr_graph_set_str(g, w, "labels.app.kubernetes.io/name", "web"));
	must(cr_graph_set_list(g, w, "host_path_volumes"));
	c1 = add(g, "container", "k8s/app.yaml", 20);
	must(cr_graph_set_str(g, c1, "name", "web"));
	must(cr_graph_set_bool(g, c1, "security.runAsNonRoot", true));
	must(cr_graph_set_str(g, c1, "resources.limits.cpu", "500m"));
	must(cr_graph_list_push(g, c1, "security.capabilities.drop", "ALL"));
	c2 = add(g, "container", "k8s/app.yaml", 40);
	must(cr_graph_set_str(g, c2, "name", "sidecar"));
	must(cr_graph_set_bool(g, c2, "init", true));
	must(cr_graph_link(g, w, "containers", c1));
	must(cr_graph_link(g, w, "containers", c2));
	must(cr_graph_link(g, c1, "workload", w));
	must(cr_graph_link(g, c2, "workload", w));
	hpa = add(g, "hpa", "k8s/hpa.yaml", 1);
	must(cr_graph_link(g, hpa, "targets", w));
	must(cr_graph_link(g, w, "hpas", hpa));
	must(cr_graph_link(g, w, "custom_label", hpa));
	must(cr_graph_freeze(g));
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	must(cr_graph_new(&fx->g, "/nonexistent"));
	build(fx->g);
	fx->L = luaL_newstate();
	luaL_openlibs(fx->L);
	cr_lua_push_repo(fx->L, fx->g);
	lua_setglobal(fx->L, "repo");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	lua_close(fx->L);
	cr_graph_free(fx->g);
	free(fx);
	return 0;
}

static void test_plural_selectors_filter_in_c(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"assert(#repo:dependencies() == 3)\n"
		"local prod = repo:dependencies{ecosystem = 'npm', scope = 'prod', direct = true}\n"
		"assert(#prod == 1 and prod[1].name == 'express')\n"
		"assert(#repo:dependencies{scope = {'dev', 'prod'}} == 3)\n"
		"assert(#repo:dependencies{scope = {}} == 0)\n"
		"assert(#repo:dependencies{direct = false} == 1)\n"
		"assert(#repo:dependencies{limit = 2} == 2)\n"
		"assert(#repo:dependencies{no_such_attribute = 'x'} == 0)\n"
		"assert(#repo:workloads{replicas = 3} == 1)\n"
		"assert(#repo:workloads{replicas = 2} == 0)\n"
		"assert(#repo:workloads{path = 'k8s/*.yaml'} == 1)\n"
		"assert(#repo:workloads{path = '*.yaml'} == 1)\n"
		"assert(#repo:workloads{path = '/app.yaml'} == 0)\n"
		"assert(#repo:containers{['security.capabilities.drop'] = 'ALL'} == 1)\n"
		"assert(#repo:nodes('hpa') == 1)\n"
		"assert(#repo:secrets() == 0 and #repo:parse_errors() == 0)\n");
	run_error(fx->L, "repo:dependencies{scope = 1.5}", "filter 'scope' must be");
	run_error(fx->L, "repo:dependencies{line = 3}", "'line' is not a filter");
	run_error(fx->L, "repo:dependencies{limit = 0}", "positive");
	run_error(fx->L, "repo:dependencies{'npm'}", "named fields");
}

static void test_edges_are_methods(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local w = repo:workloads()[1]\n"
		"local cs = w:containers()\n"
		"assert(#cs == 2 and cs[1].name == 'web' and cs[2].init)\n"
		"assert(cs[1]:workload() == w)\n"
		"assert(#w:hpas() == 1 and w:hpas()[1]:targets()[1] == w)\n"
		"assert(#w:pdbs() == 0)\n"
		"assert(#w:custom_label() == 1)\n"
		"assert(w.no_such_label == nil)\n"
		"local d = repo:dependencies{name = 'jest'}[1]\n"
		"assert(d:manifest().ecosystem == 'npm')\n"
		"assert(cs[1]:final_stage() == nil)\n"
		"assert(#d:manifest():dependencies() == 3)\n");
}

static void test_dotted_attributes_read_nested(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local c = repo:containers{name = 'web'}[1]\n"
		"assert(c.security.runAsNonRoot == true)\n"
		"assert(c.security.privileged == nil)\n"
		"assert(c.resources.limits.cpu == '500m')\n"
		"assert(c.security.capabilities.drop[1] == 'ALL')\n"
		"assert(c['security.runAsNonRoot'] == true)\n"
		"assert(repo:containers{name = 'sidecar'}[1].security == nil)\n"
		"local w = repo:workloads()[1]\n"
		"assert(w.labels['app.kubernetes.io/name'] == 'web')\n"
		"local seen = {}\n"
		"for k, v in pairs(w.labels) do seen[#seen + 1] = k .. '=' .. v end\n"
		"assert(#seen == 1 and seen[1] == 'app.kubernetes.io/name=web')\n"
		"local m = repo:manifests()[1]\n"
		"local n = 0\n"
		"for k in pairs(m.scripts) do n = n + 1 end\n"
		"assert(n == 2 and m.scripts.test == 'jest')\n"
		"assert(tostring(m.scripts) == 'attributes scripts.*')\n"
		"assert(#w.host_path_volumes == 0)\n"
		"assert(getmetatable(m.scripts) == 'crucible.view')\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plural_selectors_filter_in_c),
		cmocka_unit_test(test_edges_are_methods),
		cmocka_unit_test(test_dotted_attributes_read_nested),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
