/*
 * test_docs.c - documents and hygiene facts (facts/docs.c) and code
 * signals found in source (facts/signals.c), collected by the real
 * collectors from files written to a temporary directory.
 */
#include "tests/helpers.h"

#include "tests/facts_fixture.h"

static void test_documents(void **state)
{
	struct fixture *f = *state;
	cr_node_id readme, license, owners, runbook, doc;
	cr_graph *g;

	th_write(f->dir, "README.md", "# Payments\n\nIntro\n\n## Deployment\n"
		"```sh\n# not a heading\n```\nSetup\n=====\n### Rollback\n");
	th_write(f->dir, "LICENSE", "Apache License\nVersion 2.0, January 2004\n");
	th_write(f->dir, "lib/COPYING.txt",
		"Permission is hereby granted, free of charge, to any person\n");
	th_write(f->dir, "src/x.c", "// SPDX-License-Identifier: MIT\n");
	th_write(f->dir, ".github/CODEOWNERS",
		"# owners\n*       @org/platform\n/docs/  @alice @bob # docs\n");
	th_write(f->dir, "docs/runbooks/on-call.md", "# Paging\n## Escalation\n");
	th_write(f->dir, "docs/guide.md", "Guide\n=====\n");
	th_write(f->dir, "notes.md", "# not a document fact\n");
	th_write(f->dir, "node_modules/x/README.md", "# vendored\n");
	g = collect(f);

	readme = cr_graph_find(g, "doc", "README.md");
	assert_true(readme != 0);
	assert_string_equal(cr_node_str(g, readme, "doc_type", ""), "readme");
	assert_string_equal(cr_node_str(g, readme, "title", ""), "Payments");
	assert_int_equal(list_len(g, readme, "headings"), 4);
	assert_true(list_has(g, readme, "headings", "Setup"));
	assert_false(list_has(g, readme, "headings", "not a heading"));
	assert_true(list_has(g, readme, "topics", "deployment"));
	assert_true(list_has(g, readme, "topics", "rollback"));
	assert_true(cr_node_bool(g, readme, "root", false));

	license = cr_graph_find(g, "doc", "LICENSE");
	assert_string_equal(cr_node_str(g, license, "spdx", ""), "Apache-2.0");
	assert_string_equal(cr_node_str(g, cr_graph_find(g, "doc",
		"lib/COPYING.txt"), "spdx", ""), "MIT");

	owners = cr_graph_find(g, "doc", ".github/CODEOWNERS");
	assert_int_equal(cr_node_int(g, owners, "rules", 0), 2);
	assert_true(cr_node_bool(g, owners, "covers_all", false));
	assert_int_equal(list_len(g, owners, "owners"), 3);
	assert_true(list_has(g, owners, "owners", "@bob"));

	runbook = cr_graph_find(g, "doc", "docs/runbooks/on-call.md");
	assert_string_equal(cr_node_str(g, runbook, "doc_type", ""), "oncall");
	assert_true(list_has(g, runbook, "topics", "escalation"));
	doc = cr_graph_find(g, "doc", "docs/guide.md");
	assert_string_equal(cr_node_str(g, doc, "doc_type", ""), "doc");
	assert_string_equal(cr_node_str(g, doc, "title", ""), "Guide");
	assert_int_equal(cr_graph_find(g, "doc", "notes.md"), 0);
	assert_int_equal(cr_graph_find(g, "doc", "node_modules/x/README.md"), 0);
	assert_int_equal(cr_graph_find(g, "doc", "src/x.c"), 0);
}

static void test_hygiene_files(void **state)
{
	struct fixture *f = *state;
	cr_node_id env, ignore, tool;
	cr_graph *g;

	th_write(f->dir, ".env.example", "# comment\nDATABASE_URL=\n"
		"export API_KEY=changeme\n\nnot a variable\nPORT: 8080\n");
	th_write(f->dir, ".dockerignore", "node_modules\n# c\n\n.git\r\n");
	th_write(f->dir, ".pre-commit-config.yaml", "repos: []\n");
	th_write(f->dir, "web/.eslintrc.json", "{}\n");
	th_write(f->dir, "codecov.yml", "coverage: {}\n");
	g = collect(f);

	env = cr_graph_find(g, "env_example", ".env.example");
	assert_int_equal(list_len(g, env, "variables"), 3);
	assert_true(list_has(g, env, "variables", "API_KEY"));
	assert_true(list_has(g, env, "variables", "PORT"));
	ignore = cr_graph_find(g, "ignore_file", ".dockerignore");
	assert_string_equal(cr_node_str(g, ignore, "ignore_type", ""),
		"dockerignore");
	assert_int_equal(list_len(g, ignore, "patterns"), 2);
	assert_true(list_has(g, ignore, "patterns", ".git"));
	tool = cr_graph_find(g, "tool_config", "web/.eslintrc.json");
	assert_string_equal(cr_node_str(g, tool, "tool", ""), "eslint");
	assert_string_equal(cr_node_str(g, tool, "category", ""), "lint");
	assert_true(node_with(g, "tool_config", "category", "precommit") != 0);
	assert_true(node_with(g, "tool_config", "tool", "codecov") != 0);
}

static void test_tests_and_benchmarks(void **state)
{
	struct fixture *f = *state;
	cr_node_id go, js, bench;
	cr_graph *g;

	th_write(f->dir, "pkg/a_test.go", "package a\n");
	th_write(f->dir, "pkg/a.go", "package a\n");
	th_write(f->dir, "web/src/app.test.ts", "test()\n");
	th_write(f->dir, "web/e2e/login.spec.ts", "test()\n");
	th_write(f->dir, "web/tests/fixtures/data.ts", "export {}\n");
	th_write(f->dir, "web/tests/data.json", "{}\n");
	th_write(f->dir, "bench/run.go", "package main\n");
	th_write(f->dir, "bench/data/x.go", "package data\n");
	g = collect(f);

	go = node_with(g, "test_suite", "language", "go");
	assert_int_equal(cr_node_int(g, go, "files", 0), 1);
	js = node_with(g, "test_suite", "language", "typescript");
	assert_int_equal(cr_node_int(g, js, "files", 0), 2);
	assert_true(cr_node_bool(g, js, "e2e", false));
	assert_true(list_has(g, js, "dirs", "web/e2e"));
	assert_int_equal(node_with(g, "test_suite", "language", "json"), 0);
	bench = cr_graph_find(g, "bench_dir", "bench");
	assert_int_equal(cr_node_int(g, bench, "files", 0), 2);
}

static void test_endpoints_in_code(void **state)
{
	struct fixture *f = *state;
	cr_node_id health, ready, metrics;
	cr_graph *g;

	th_write(f->dir, "src/app.js", "const app = express();\n"
		"app.get('/healthz', ok);\n"
		"app.get(\"/api/v1/readyz\", ready);\n"
		"router.get(`/metrics`, m);\n"
		"const path = '/healthcheck-docs';\n");
	th_write(f->dir, "src/app.min.js", "app.get('/health',a)\n");
	th_write(f->dir, "README.md", "GET '/health'\n");
	g = collect(f);

	health = node_with(g, "signal", "name", "/healthz");
	assert_true(health != 0);
	assert_string_equal(cr_node_str(g, health, "signal_type", ""),
		"health_endpoint");
	assert_string_equal(cr_node_str(g, health, "via", ""), "code");
	assert_string_equal(cr_node_path(g, health), "src/app.js");
	assert_int_equal(cr_node_line(g, health), 2);
	ready = node_with(g, "signal", "name", "/api/v1/readyz");
	assert_string_equal(cr_node_str(g, ready, "signal_type", ""),
		"readiness_endpoint");
	metrics = node_with(g, "signal", "name", "/metrics");
	assert_string_equal(cr_node_str(g, metrics, "signal_type", ""),
		"metrics_endpoint");
	assert_int_equal(node_with(g, "signal", "name", "/healthcheck-docs"), 0);
	assert_int_equal(node_with(g, "signal", "name", "/health"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hygiene_files, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_tests_and_benchmarks, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_endpoints_in_code, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
