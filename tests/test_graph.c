/*
 * test_graph.c - the fact graph: building, freezing, reading, indexes.
 */
#include "tests/helpers.h"

#include <stdio.h>
#include <string.h>

#include "crucible/graph.h"

static void test_nodes_and_attributes(void **state)
{
	cr_graph *g;
	cr_node_id a, b;
	cr_value v;

	(void)state;
	assert_int_equal(cr_graph_new(&g, "/repo"), CR_OK);
	assert_int_equal(cr_graph_add(g, &a, "file", "src/main.c", 0), CR_OK);
	assert_int_equal(cr_graph_add(g, &b, "workload", "k8s/app.yaml", 12), CR_OK);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(cr_graph_set_int(g, a, "size", 10), CR_OK);
	assert_int_equal(cr_graph_set_str(g, a, "language", "c"), CR_OK);
	assert_int_equal(cr_graph_set_int(g, a, "size", 42), CR_OK); /* last wins */
	assert_int_equal(cr_graph_set_bool(g, b, "hostNetwork", true), CR_OK);
	assert_int_equal(cr_graph_set_num(g, b, "ratio", 0.25), CR_OK);
	assert_int_equal(cr_graph_set_null(g, b, "replicas"), CR_OK);
	assert_int_equal(cr_graph_list_push(g, b, "drop", "ALL"), CR_OK);
	assert_int_equal(cr_graph_list_push(g, b, "drop", "NET_RAW"), CR_OK);
	assert_int_equal(cr_graph_set_int(g, 99, "x", 1), CR_EINVAL);
	assert_int_equal(cr_graph_freeze(g), CR_OK);

	assert_string_equal(cr_node_kind(g, a), "file");
	assert_string_equal(cr_node_path(g, b), "k8s/app.yaml");
	assert_int_equal(cr_node_line(g, b), 12);
	assert_int_equal(cr_node_int(g, a, "size", -1), 42);
	assert_string_equal(cr_node_str(g, a, "language", "?"), "c");
	assert_string_equal(cr_node_str(g, a, "size", "?"), "?"); /* wrong type */
	assert_true(cr_node_bool(g, b, "hostNetwork", false));
	assert_true(cr_node_attr(g, b, "ratio", &v));
	assert_int_equal(v.type, CR_T_NUM);
	assert_true(v.u.n == 0.25);
	assert_true(cr_node_attr(g, b, "replicas", &v));
	assert_int_equal(v.type, CR_T_NULL);
	assert_true(cr_node_attr(g, b, "drop", &v));
	assert_int_equal(v.type, CR_T_LIST);
	assert_int_equal(v.u.list.count, 2);
	assert_string_equal(v.u.list.items[0], "ALL");
	assert_string_equal(v.u.list.items[1], "NET_RAW");
	assert_null(v.u.list.items[2]);
	assert_false(cr_node_attr(g, a, "nope", NULL));
	assert_false(cr_node_attr(g, a, "hostNetwork", NULL));

	/* Attributes by position come sorted by key. */
	assert_int_equal(cr_node_attr_count(g, b), 4);
	assert_string_equal(cr_node_attr_at(g, b, 0, NULL), "drop");
	assert_string_equal(cr_node_attr_at(g, b, 1, NULL), "hostNetwork");
	assert_string_equal(cr_node_attr_at(g, b, 2, NULL), "ratio");
	assert_string_equal(cr_node_attr_at(g, b, 3, NULL), "replicas");
	assert_null(cr_node_attr_at(g, b, 4, NULL));
	cr_graph_free(g);
}

static void test_frozen_graph_rejects_writes(void **state)
{
	cr_graph *g;
	cr_node_id a, b;

	(void)state;
	assert_int_equal(cr_graph_new(&g, "/r"), CR_OK);
	assert_int_equal(cr_graph_add(g, &a, "file", "a", 0), CR_OK);
	assert_int_equal(cr_graph_freeze(g), CR_OK);
	assert_true(cr_graph_frozen(g));
	assert_int_equal(cr_graph_add(g, &b, "file", "b", 0), CR_EFROZEN);
	assert_int_equal(cr_graph_set_int(g, a, "size", 1), CR_EFROZEN);
	assert_int_equal(cr_graph_list_push(g, a, "l", "x"), CR_EFROZEN);
	assert_int_equal(cr_graph_link(g, a, "self", a), CR_EFROZEN);
	assert_int_equal(cr_graph_count(g), 1);
	cr_graph_free(g);
}

static void test_list_restarts_after_plain_assignment(void **state)
{
	cr_graph *g;
	cr_node_id a;
	cr_value v;

	(void)state;
	assert_int_equal(cr_graph_new(&g, "/r"), CR_OK);
	assert_int_equal(cr_graph_add(g, &a, "x", NULL, 0), CR_OK);
	assert_int_equal(cr_graph_list_push(g, a, "tags", "old"), CR_OK);
	assert_int_equal(cr_graph_set_null(g, a, "tags"), CR_OK);
	assert_int_equal(cr_graph_list_push(g, a, "tags", "v1"), CR_OK);
	assert_int_equal(cr_graph_set_str(g, a, "other", "y"), CR_OK);
	assert_int_equal(cr_graph_list_push(g, a, "tags", "v2"), CR_OK);
	assert_int_equal(cr_graph_freeze(g), CR_OK);
	assert_true(cr_node_attr(g, a, "tags", &v));
	assert_int_equal(v.type, CR_T_LIST);
	assert_int_equal(v.u.list.count, 2);
	assert_string_equal(v.u.list.items[0], "v1");
	assert_string_equal(v.u.list.items[1], "v2");
	assert_null(cr_node_path(g, a));
	cr_graph_free(g);
}

static void test_empty_list(void **state)
{
	cr_graph *g;
	cr_node_id a;
	cr_value v;

	(void)state;
	assert_int_equal(cr_graph_new(&g, "/r"), CR_OK);
	assert_int_equal(cr_graph_add(g, &a, "git", NULL, 0), CR_OK);
	assert_int_equal(cr_graph_set_list(g, a, "tags"), CR_OK);
	assert_int_equal(cr_graph_set_list(g, a, "authors"), CR_OK);
	assert_int_equal(cr_graph_list_push(g, a, "authors", "a@example.com"), CR_OK);
	assert_int_equal(cr_graph_freeze(g), CR_OK);
	assert_true(cr_node_attr(g, a, "tags", &v));
	assert_int_equal(v.type, CR_T_LIST);
	assert_int_equal(v.u.list.count, 0);
	assert_null(v.u.list.items[0]);
	assert_true(cr_node_attr(g, a, "authors", &v));
	assert_int_equal(v.u.list.count, 1);
	assert_string_equal(v.u.list.items[0], "a@example.com");
	cr_graph_free(g);
}

static void test_kind_and_path_indexes(void **state)
{
	cr_graph *g;
	cr_node_id ids[6];
	const cr_node_id *files;
	size_t n;

	(void)state;
	assert_int_equal(cr_graph_new(&g, "/r"), CR_OK);
	assert_int_equal(cr_graph_add(g, &ids[0], "file", "a.txt", 0), CR_OK);
	assert_int_equal(cr_graph_add(g, &ids[1], "manifest", "a.txt", 0), CR_OK);
	assert_int_equal(cr_graph_add(g, &ids[2], "file", "b/c.txt", 0), CR_OK);
	assert_int_equal(cr_graph_add(g, &ids[3], "file", "a.txt", 3), CR_OK);
	assert_int_equal(cr_graph_freeze(g), CR_OK);

	files = cr_graph_nodes(g, "file", &n);
	assert_int_equal(n, 3);
	assert_int_equal(files[0], ids[0]);
	assert_int_equal(files[1], ids[2]);
	assert_int_equal(files[2], ids[3]);
	assert_null(cr_graph_nodes(g, "nothing", &n));
	assert_int_equal(n, 0);

	assert_int_equal(cr_graph_find(g, "file", "a.txt"), ids[0]);
	assert_int_equal(cr_graph_find(g, "manifest", "a.txt"), ids[1]);
	assert_int_equal(cr_graph_find(g, "file", "b/c.txt"), ids[2]);
	assert_int_equal(cr_graph_find(g, "file", "b"), 0);
	assert_int_equal(cr_graph_find(g, "nothing", "a.txt"), 0);
	cr_graph_free(g);
}

static void test_edges(void **state)
{
	cr_graph *g;
	cr_node_id m, d1, d2, w, out[4];
	cr_node_id to;

	(void)state;
	assert_int_equal(cr_graph_new(&g, "/r"), CR_OK);
	assert_int_equal(cr_graph_add(g, &m, "manifest", "package.json", 0), CR_OK);
	assert_int_equal(cr_graph_add(g, &d1, "dependency", "package.json", 5), CR_OK);
	assert_int_equal(cr_graph_add(g, &d2, "dependency", "package.json", 6), CR_OK);
	assert_int_equal(cr_graph_add(g, &w, "workload", "w.yaml", 1), CR_OK);
	assert_int_equal(cr_graph_link(g, m, "declares", d1), CR_OK);
	assert_int_equal(cr_graph_link(g, w, "uses", m), CR_OK);
	assert_int_equal(cr_graph_link(g, m, "declares", d2), CR_OK);
	assert_int_equal(cr_graph_link(g, m, "owner", w), CR_OK);
	assert_int_equal(cr_graph_link(g, m, "declares", 77), CR_EINVAL);
	assert_int_equal(cr_graph_freeze(g), CR_OK);

	assert_int_equal(cr_node_edges(g, m, "declares", out, 4), 2);
	assert_int_equal(out[0], d1);
	assert_int_equal(out[1], d2);
	assert_int_equal(cr_node_edges(g, m, NULL, out, 1), 3); /* total, capped */
	assert_int_equal(out[0], d1);
	assert_int_equal(cr_node_edges(g, m, "unknown", out, 4), 0);
	assert_int_equal(cr_node_edges(g, d1, NULL, out, 4), 0);
	assert_int_equal(cr_node_edge_count(g, m), 3);
	assert_string_equal(cr_node_edge_at(g, m, 2, &to), "owner");
	assert_int_equal(to, w);
	assert_string_equal(cr_node_edge_at(g, w, 0, &to), "uses");
	assert_int_equal(to, m);
	cr_graph_free(g);
}

static void test_many_nodes(void **state)
{
	enum { N = 100000 };
	cr_graph *g;
	char path[64];

	(void)state;
	assert_int_equal(cr_graph_new(&g, "/r"), CR_OK);
	for (int i = 0; i < N; i++) {
		cr_node_id id;
		snprintf(path, sizeof path, "d%d/f%d.txt", i % 100, i);
		assert_int_equal(cr_graph_add(g, &id, "file", path, 0), CR_OK);
		assert_int_equal(cr_graph_set_int(g, id, "size", i), CR_OK);
		assert_int_equal(cr_graph_set_str(g, id, "status", "tracked"), CR_OK);
	}
	assert_int_equal(cr_graph_freeze(g), CR_OK);
	assert_int_equal(cr_graph_count(g), N);
	for (int i = 0; i < N; i += 997) {
		snprintf(path, sizeof path, "d%d/f%d.txt", i % 100, i);
		cr_node_id id = cr_graph_find(g, "file", path);
		assert_int_not_equal(id, 0);
		assert_int_equal(cr_node_int(g, id, "size", -1), i);
	}
	cr_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes_and_attributes),
		cmocka_unit_test(test_frozen_graph_rejects_writes),
		cmocka_unit_test(test_list_restarts_after_plain_assignment),
		cmocka_unit_test(test_empty_list),
		cmocka_unit_test(test_kind_and_path_indexes),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_many_nodes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
