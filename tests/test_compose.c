/*
 * test_compose.c - the docker-compose facts (facts/compose.c): the
 * fixture compose file under tests/fixtures/docker/ (anchors, merge keys,
 * short and long syntaxes) collected by the real collector, file name
 * selection, and broken or hostile YAML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/facts.h"
#include "crucible/git.h"
#include "tests/facts_fixture.h"
#include "tests/helpers.h"

#define FIXTURE CRUCIBLE_FIXTURES "/docker"

static cr_node_id service(cr_graph *g, const char *name)
{
	return node_where(g, "compose_service", "name", name);
}

static void test_fixture(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id file, web, db, cache, to = 0;
	cr_value v;

	assert_int_equal(th_sh(f->dir, "cp '%s/compose.yaml' .", FIXTURE), 0);
	g = collect(f);
	file = cr_graph_find(g, "compose_file", "compose.yaml");
	assert_int_not_equal(file, 0);
	assert_int_equal(cr_node_int(g, file, "service_count", 0), 3);
	assert_string_equal(cr_node_str(g, file, "name", ""), "shop");
	assert_int_equal(count_of(g, "parse_error"), 0);

	web = service(g, "web");
	assert_int_equal(cr_node_line(g, web), 20);
	assert_int_equal(cr_node_edges(g, web, "file", &to, 1), 1);
	assert_int_equal(to, file);
	/* from the merged anchors */
	assert_string_equal(cr_node_str(g, web, "restart", ""), "unless-stopped");
	assert_string_equal(list_of(g, web, "env_file"), ".env");
	assert_string_equal(cr_node_str(g, web, "environment.TZ", ""), "UTC");
	assert_string_equal(cr_node_str(g, web,
		"deploy.resources.limits.memory", ""), "512M");
	assert_string_equal(cr_node_str(g, web, "build", ""), "./web");
	assert_string_equal(list_of(g, web, "ports"), "8080:8080,9229:9229/tcp");
	assert_string_equal(list_of(g, web, "depends_on"), "db,cache");
	assert_true(cr_node_bool(g, web, "read_only", false));
	assert_false(cr_node_bool(g, web, "privileged", true));
	assert_string_equal(list_of(g, web, "cap_drop"), "ALL");
	assert_string_equal(list_of(g, web, "security_opt"),
		"no-new-privileges:true");
	assert_true(cr_node_bool(g, web, "healthcheck", false));
	assert_false(cr_node_attr(g, web, "image", &v));

	db = service(g, "db");
	assert_true(cr_node_bool(g, db, "pinned", false));
	assert_string_equal(cr_node_str(g, db, "repository", ""), "postgres");
	assert_string_equal(cr_node_str(g, db, "tag", ""), "16.2-alpine");
	assert_string_equal(list_of(g, db, "secret_like"), "POSTGRES_PASSWORD");
	assert_string_equal(cr_node_str(g, db, "environment.POSTGRES_PASSWORD",
		""), "<redacted>");
	assert_string_equal(cr_node_str(g, db, "environment.LOG_LEVEL", ""),
		"info");
	assert_string_equal(list_of(g, db, "host_volumes"), "./initdb");

	cache = service(g, "cache");
	assert_true(cr_node_bool(g, cache, "privileged", false));
	assert_true(cr_node_bool(g, cache, "latest", false));
	assert_string_equal(cr_node_str(g, cache, "network_mode", ""), "host");
	assert_string_equal(cr_node_str(g, cache, "user", ""), "999");
	assert_string_equal(list_of(g, cache, "host_volumes"),
		"/var/run/docker.sock");
	assert_string_equal(list_of(g, cache, "volumes"),
		"/var/run/docker.sock:/var/run/docker.sock,cache-data:/data");
	/* a ${reference} is not a secret; a token format is */
	assert_string_equal(list_of(g, cache, "secret_like"), "API_TOKEN");
	assert_true(cr_node_attr(g, cache, "environment.DEBUG", &v));
	assert_int_equal(v.type, CR_T_NULL);
	assert_false(cr_node_bool(g, cache, "healthcheck", true));
}

static void test_file_names(void **state)
{
	struct fixture *f = *state;
	const char *svc = "services:\n  app:\n    image: nginx:1.25\n";
	cr_graph *g;

	th_write(f->dir, "docker-compose.yml", svc);
	th_write(f->dir, "deploy/docker-compose.prod.yaml", svc);
	th_write(f->dir, "compose.override.yml", svc);
	th_write(f->dir, "compose-notes.yml", svc);
	th_write(f->dir, "my-compose.yaml", svc);
	g = collect(f);
	assert_int_equal(count_of(g, "compose_file"), 3);
	assert_int_not_equal(cr_graph_find(g, "compose_file",
		"deploy/docker-compose.prod.yaml"), 0);
	assert_int_equal(count_of(g, "compose_service"), 3);
}

static void test_broken_and_hostile(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	size_t n;
	const cr_node_id *errors;

	th_write(f->dir, "compose.yaml",
		"services:\n"
		"  web:\n"
		"    image: nginx\n"
		"    ports: [\"80:80\"\n");
	th_write(f->dir, "docker-compose.yml",
		"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n");
	g = collect(f);
	errors = cr_graph_nodes(g, "parse_error", &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(cr_node_str(g, errors[i], "parser", ""),
			"compose");
		assert_true(cr_node_line(g, errors[i]) > 0);
	}
	/* both files are still compose files */
	assert_int_equal(count_of(g, "compose_file"), 2);
	assert_non_null(strstr(cr_node_str(g, cr_graph_find(g, "parse_error",
		"docker-compose.yml"), "message", ""), "too many nodes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_and_hostile, setup,
			teardown),
	};

	cr_git_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
