/*
 * test_build_cli.c - `crucible build` and `crucible inspect`, end to end
 * with the real binary: every metadata and params problem listed at once
 * with file:line and exit 2, lint errors failing the build and warnings
 * only with --strict, declared params reaching check() at eval time, and
 * inspect's text and JSON.
 */
#include "tests/helpers.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bundle_yml[] =
	"name: demo\n"
	"version: 1.2.0\n"
	"categories:\n"
	"  - id: ops\n"
	"    title: Operations\n"
	"    weight: 2\n";

static const char good_policy[] =
	"return crucible.policy{\n"
	"  id = 'OPS-GOOD', title = 'good', category = 'ops',\n"
	"  severity = 'high', weight = 3,\n"
	"  params = {\n"
	"    max = { type = 'integer', default = 4, description = 'most' },\n"
	"    name = 'x',\n"
	"  },\n"
	"  check = function(repo, params)\n"
	"    score(params.max / 8, 'max=' .. params.max .. ' name=' .. params.name)\n"
	"  end,\n"
	"}\n";

#define assert_has(text, needle) do { \
	if (!strstr((text), (needle))) \
		fail_msg("missing \"%s\" in:\n%s", (needle), (text)); \
} while (0)

static void assert_no_file(const char *dir, const char *rel)
{
	char *path, *text;

	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		fail();
	text = th_read(path);
	if (text)
		fail_msg("%s was written", path);
	free(path);
}

static th_run run(const char *cwd, const char *const *argv)
{
	return th_crucible(cwd, argv);
}

static char *make_bundle(void)
{
	char *dir = th_tempdir();

	th_write(dir, "b/bundle.yml", bundle_yml);
	th_write(dir, "b/good.lua", good_policy);
	return dir;
}

static void test_builds_and_inspects(void **state)
{
	char *dir = make_bundle();
	th_run r;
	cJSON *j, *p;

	(void)state;
	r = run(dir, (const char *[]){ "build", "b", "-o", "b.crb", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.out, "built b.crb: demo 1.2.0, 1 policies, sha256:");
	th_run_free(&r);

	r = run(dir, (const char *[]){ "inspect", "b.crb", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.out, "bundle:      demo 1.2.0");
	assert_has(r.out, "signature:   none");
	assert_has(r.out, "OPS-GOOD");
	assert_has(r.out, "param max: integer = 4");
	th_run_free(&r);

	r = run(dir, (const char *[]){ "inspect", "b.crb", "--format", "json",
		NULL });
	assert_int_equal(r.status, 0);
	j = cJSON_Parse(r.out);
	assert_non_null(j);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "policies"), 0);
	assert_string_equal(cJSON_GetObjectItem(p, "severity")->valuestring,
		"high");
	assert_int_equal(cJSON_GetObjectItem(p, "weight")->valueint, 3);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(p, "params"), "name"), "type")->valuestring,
		"string");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
		"signature"), "status")->valuestring, "none");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "files")),
		2);
	cJSON_Delete(j);
	th_run_free(&r);

	/* The directory shows the same bundle, compiled in memory. */
	r = run(dir, (const char *[]){ "inspect", "b", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.out, "source:      b");
	assert_has(r.out, "OPS-GOOD");
	th_run_free(&r);
	th_rmtree(dir);
	free(dir);
}

static void test_inspect_builtin(void **state)
{
	th_run r;

	(void)state;
	r = run(NULL, (const char *[]){ "inspect", "--builtin", "--format",
		"json", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.out, "\"name\":\t\"readiness\"");
	assert_has(r.out, "\"GIT-NO-LARGE-FILES\"");
	th_run_free(&r);
	r = run(NULL, (const char *[]){ "inspect", NULL });
	assert_int_equal(r.status, 2);
	th_run_free(&r);
}

/* Every problem of the bundle, all in one run, each with file:line. */
static void test_every_problem_listed(void **state)
{
	char *dir = make_bundle();
	th_run r;

	(void)state;
	th_write(dir, "b/bundle.yml",
		"name: demo\n"                      /* 1 */
		"version: 1.2.0\n"                  /* 2 */
		"categories:\n"                     /* 3 */
		"  - id: ops\n"                     /* 4 */
		"    title: Operations\n"           /* 5 */
		"    weight: 2\n"                   /* 6 */
		"params:\n"                         /* 7 */
		"  OPS-GOOD:\n"                     /* 8 */
		"    max: many\n"                   /* 9 */
		"    other: 1\n"                    /* 10 */
		"  NOBODY:\n"                       /* 11 */
		"    x: 1\n");                      /* 12 */
	th_write(dir, "b/z-dup.lua",
		"local x = 1\n"
		"return crucible.policy{ id = 'OPS-GOOD', title = 'dup',\n"
		"  category = 'ops', severity = 'low', check = function() end }\n");
	th_write(dir, "b/cat.lua",
		"\n\nreturn crucible.policy{ id = 'OPS-CAT', title = 't',\n"
		"  category = 'nope', severity = 'low', check = function() end }\n");
	th_write(dir, "b/sev.lua",
		"return crucible.policy{ id = 'OPS-SEV', title = 't',\n"
		"  category = 'ops', severity = 'urgent', check = function() end }\n");
	th_write(dir, "b/weight.lua",
		"return crucible.policy{ id = 'OPS-W', title = 't', weight = 0,\n"
		"  category = 'ops', severity = 'low', check = function() end }\n");
	th_write(dir, "b/params.lua",
		"return crucible.policy{ id = 'OPS-P', title = 't',\n"
		"  category = 'ops', severity = 'low', check = function() end,\n"
		"  params = { a = { type = 'int', default = 1 },\n"
		"             b = { type = 'boolean', default = 'yes' },\n"
		"             c = { type = 'list' } } }\n");
	th_write(dir, "b/selfref.lua",
		"local t = {}\nt.a = t\nt.b = t\n"
		"return crucible.policy{ id = 'OPS-SELF', title = 't',\n"
		"  category = 'ops', severity = 'low', check = function() end,\n"
		"  params = { loop = t } }\n");
	r = run(dir, (const char *[]){ "build", "b", "-o", "b.crb", NULL });
	assert_int_equal(r.status, 2);
	assert_has(r.err, "demo/selfref.lua:4: params: ");
	assert_has(r.err, "demo/z-dup.lua:2: duplicate policy id 'OPS-GOOD' "
		"(first declared at demo/good.lua:1)");
	assert_has(r.err, "demo/cat.lua:3: unknown category 'nope'");
	assert_has(r.err, "demo/sev.lua:1: severity 'urgent' is not one of");
	assert_has(r.err, "demo/weight.lua:1: weight must be a positive number");
	assert_has(r.err, "demo/params.lua:1: param 'a': unknown type 'int'");
	assert_has(r.err, "demo/params.lua:1: param 'b': the default is not a "
		"boolean");
	assert_has(r.err, "demo/params.lua:1: param 'c': no default");
	assert_has(r.err, "demo/bundle.yml:9: params of OPS-GOOD: 'max' must "
		"be an integer");
	assert_has(r.err, "demo/bundle.yml:10: params of OPS-GOOD: 'other' is "
		"not a param of the policy");
	assert_has(r.err, "demo/bundle.yml:11: params for 'NOBODY'");
	assert_has(r.err, "the bundle was not built");
	th_run_free(&r);
	assert_no_file(dir, "b.crb");
	th_rmtree(dir);
	free(dir);
}

static void test_lint_errors_and_strict(void **state)
{
	char *dir = make_bundle();
	th_run r;

	(void)state;
	/* A warning (an unused local) builds, unless --strict. */
	th_write(dir, "b/warn.lua",
		"return crucible.policy{ id = 'OPS-WARN', title = 't',\n"
		"  category = 'ops', severity = 'low',\n"
		"  check = function(repo) local unused = 1 pass() end }\n");
	r = run(dir, (const char *[]){ "build", "b", "-o", "w.crb", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.err, "demo/warn.lua:3:");
	assert_has(r.err, ": warning: ");
	th_run_free(&r);
	r = run(dir, (const char *[]){ "build", "--strict", "b", "-o", "s.crb",
		NULL });
	assert_int_equal(r.status, 2);
	assert_has(r.err, ": warning: ");
	th_run_free(&r);
	assert_no_file(dir, "s.crb");

	/* An error (a global assignment) never builds. */
	th_write(dir, "b/err.lua",
		"return crucible.policy{ id = 'OPS-ERR', title = 't',\n"
		"  category = 'ops', severity = 'low',\n"
		"  check = function(repo) leaked = 1 end }\n");
	r = run(dir, (const char *[]){ "build", "b", "-o", "e.crb", NULL });
	assert_int_equal(r.status, 2);
	assert_has(r.err, "demo/err.lua:3:");
	assert_has(r.err, ": error: ");
	th_run_free(&r);
	th_rmtree(dir);
	free(dir);
}

/* check() sees the declared defaults overlaid with bundle.yml's params,
 * from the directory and from the bundle file alike. */
static void test_declared_params_at_eval(void **state)
{
	char *dir = make_bundle();
	cJSON *j, *p;
	th_run r;

	(void)state;
	th_write(dir, "repo/README.md", "hello\n");
	r = run(dir, (const char *[]){ "build", "b", "-o", "b.crb", NULL });
	assert_int_equal(r.status, 0);
	th_run_free(&r);
	r = run(dir, (const char *[]){ "eval", "repo", "--bundle", "b.crb",
		"--format", "json", "--no-config", NULL });
	assert_int_equal(r.status, 0);
	j = cJSON_Parse(r.out);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "policies"), 0);
	assert_string_equal(cJSON_GetObjectItem(p, "message")->valuestring,
		"max=4 name=x");
	cJSON_Delete(j);
	th_run_free(&r);

	th_write(dir, "b/bundle.yml", "name: demo\nversion: 1.2.0\n"
		"categories:\n  - {id: ops, title: Operations, weight: 2}\n"
		"params:\n  OPS-GOOD:\n    max: 6\n");
	r = run(dir, (const char *[]){ "eval", "repo", "--bundle", "b",
		"--format", "json", "--no-config", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.out, "max=6 name=x");
	th_run_free(&r);
	th_rmtree(dir);
	free(dir);
}

/* A bundle's secrets.yml: laid over the built-in rules at eval, for a
 * directory and for the bundle file built from it, and checked by build. */
static void test_bundle_secret_rules(void **state)
{
	static const char rules[] =
		"version: 1\n"
		"rules:\n"
		"  - id: acme-token\n"
		"    description: ACME deploy token\n"
		"    severity: high\n"
		"    regex: '\\b(acme_[a-z0-9]{24})\\b'\n"
		"    keywords: [acme_]\n"
		"    examples:\n"
		"      tp: ['token = acme_q8w7e6r5t4y3u2i1o0p9a8s7']\n"
		"      fp: ['acme_short']\n";
	static const char policy[] =
		"return crucible.policy{\n"
		"  id = 'OPS-ACME', title = 'acme', category = 'ops',\n"
		"  severity = 'high', needs = { 'secrets' },\n"
		"  check = function(repo)\n"
		"    for _, s in ipairs(repo:secrets{ rule = 'acme-token' }) do\n"
		"      fail{ message = s.redacted, path = s.path, line = s.line }\n"
		"    end\n"
		"  end,\n"
		"}\n";
	const char *const targets[] = { "b", "b.crb" };
	char *dir = th_tempdir();
	th_run r;

	(void)state;
	th_write(dir, "b/bundle.yml", bundle_yml);
	th_write(dir, "b/acme.lua", policy);
	th_write(dir, "b/secrets.yml", rules);
	th_write(dir, "repo/deploy.env",
		"X=1\nACME=acme_q8w7e6r5t4y3u2i1o0p9a8s7\n");
	r = run(dir, (const char *[]){ "build", "b", "-o", "b.crb", NULL });
	assert_int_equal(r.status, 0);
	th_run_free(&r);
	for (size_t i = 0; i < 2; i++) {
		r = run(dir, (const char *[]){ "eval", "repo", "--bundle",
			targets[i], "--format", "json", "--no-config",
			"--no-cache", "--history=none", NULL });
		assert_int_equal(r.status, 0);
		assert_has(r.out, "\"deploy.env\"");
		assert_has(r.out, "acme...");
		if (strstr(r.out, "acme_q8w7e6r5t4y3u2i1o0p9a8s7"))
			fail_msg("the secret itself is in the report");
		th_run_free(&r);
	}

	th_write(dir, "b/secrets.yml", "version: 1\nrules:\n  - id: x\n");
	r = run(dir, (const char *[]){ "build", "b", "-o", "c.crb", NULL });
	assert_int_equal(r.status, 2);
	assert_has(r.err, "secrets.yml:3");
	th_run_free(&r);
	th_rmtree(dir);
	free(dir);
}

static void test_usage_errors(void **state)
{
	th_run r;

	(void)state;
	r = run(NULL, (const char *[]){ "build", NULL });
	assert_int_equal(r.status, 2);
	th_run_free(&r);
	r = run(NULL, (const char *[]){ "build", "/nonexistent/bundle", NULL });
	assert_int_equal(r.status, 2);
	th_run_free(&r);
	r = run(NULL, (const char *[]){ "inspect", "/nonexistent.crb", NULL });
	assert_int_equal(r.status, 2);
	th_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builds_and_inspects),
		cmocka_unit_test(test_inspect_builtin),
		cmocka_unit_test(test_every_problem_listed),
		cmocka_unit_test(test_lint_errors_and_strict),
		cmocka_unit_test(test_declared_params_at_eval),
		cmocka_unit_test(test_bundle_secret_rules),
		cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
