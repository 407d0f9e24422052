/*
 * test_plan.c - the fact plan: kind names, what each repo member needs,
 * `needs` checked and recorded by `crucible build`, libraries followed
 * through require, and `crucible eval` collecting only what the policies
 * that run need (observable with -v), for bundle directories, bundle
 * files and the embedded bundle.
 */
#include "tests/helpers.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "crucible/facts.h"

#define assert_has(text, needle) do { \
	if (!strstr((text), (needle))) \
		fail_msg("missing \"%s\" in:\n%s", (needle), (text)); \
} while (0)

#define assert_lacks(text, needle) do { \
	if (strstr((text), (needle))) \
		fail_msg("unexpected \"%s\" in:\n%s", (needle), (text)); \
} while (0)

static const char bundle_yml[] =
	"name: plan\n"
	"version: 1.0.0\n"
	"categories:\n"
	"  - {id: docs, title: Docs, weight: 1}\n"
	"  - {id: k8s, title: Kubernetes, weight: 1}\n"
	"  - {id: secrets, title: Secrets, weight: 1}\n";

/* A policy module of category `category` whose check runs `body`, with
 * `extra` metadata fields. */
static void policy(const char *dir, const char *id, const char *category,
	const char *extra, const char *body)
{
	char *rel, *lua;

	if (asprintf(&rel, "%s.lua", id) < 0 || asprintf(&lua,
		    "return crucible.policy{\n"
		    "  id = \"%s\", title = \"t\", category = \"%s\",\n"
		    "  severity = \"low\", %s\n"
		    "  check = function(repo)\n"
		    "    %s\n"
		    "  end,\n"
		    "}\n", id, category, extra, body) < 0)
		fail();
	th_write(dir, rel, lua);
	free(rel);
	free(lua);
}

static char *bundle(void)
{
	char *dir = th_tempdir();

	th_write(dir, "bundle.yml", bundle_yml);
	policy(dir, "README", "docs", "",
		"if not repo:file(\"README.md\") then fail(\"no\") end");
	return dir;
}

static char *repo(void)
{
	char *dir = th_tempdir();

	th_git_init(dir);
	th_write(dir, "README.md", "# r\n");
	th_git_commit(dir, "init", 0);
	return dir;
}

static th_run run(const char *const *argv)
{
	return th_crucible(NULL, argv);
}

/* The "facts collected" line of `crucible eval -v`. */
static char *collected(const char *target, const char *b, const char *more)
{
	const char *argv[] = { "eval", target, "--bundle", b, "--format",
		"json", "--no-config", "-v", more, NULL };
	th_run r = run(argv);
	char *line = strstr(r.err, "facts collected:"), *copy;

	if (r.status > 1 || !line)
		fail_msg("eval exited %d: %s", r.status, r.err);
	copy = strndup(line, strcspn(line, "\n"));
	th_run_free(&r);
	return copy;
}

static void assert_collected(const char *target, const char *b,
	const char *more, const char *expected)
{
	char *line = collected(target, b, more);

	assert_string_equal(line, expected);
	free(line);
}

/* The JSON manifest `crucible inspect` shows. */
static cJSON *inspect(const char *what)
{
	const char *argv[] = { "inspect", what, "--format", "json", NULL };
	th_run r = run(argv);
	cJSON *m;

	if (r.status != 0)
		fail_msg("inspect exited %d: %s", r.status, r.err);
	m = cJSON_Parse(r.out);
	assert_non_null(m);
	th_run_free(&r);
	return m;
}

static char *needs_of(const cJSON *manifest, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(manifest, "policies")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "id")),
			    id) == 0)
			return cJSON_PrintUnformatted(cJSON_GetObjectItem(p,
				"needs"));
	}
	fail_msg("no policy %s", id);
	return NULL;
}

static void assert_needs(const cJSON *manifest, const char *id,
	const char *expected)
{
	char *needs = needs_of(manifest, id);

	assert_string_equal(needs, expected);
	free(needs);
}

/* --- names and members ---------------------------------------------------- */

static void test_kind_names(void **state)
{
	(void)state;
	for (unsigned i = 0; i < CR_FACTS_KIND_COUNT; i++)
		assert_int_equal(cr_facts_kind_bit(cr_facts_kind_name(i)),
			1u << i);
	assert_int_equal(cr_facts_kind_bit("k8s"), CR_FACTS_K8S);
	assert_int_equal(cr_facts_kind_bit("history"), CR_FACTS_HISTORY);
	assert_int_equal(cr_facts_kind_bit("kubernetes"), 0);
	assert_null(cr_facts_kind_name(CR_FACTS_KIND_COUNT));
}

static void test_member_needs(void **state)
{
	unsigned required, conservative;

	(void)state;
	cr_facts_member_needs(&required, &conservative, "workloads");
	assert_int_equal(required, CR_FACTS_K8S);
	assert_int_equal(conservative, CR_FACTS_K8S);
	cr_facts_member_needs(&required, &conservative, "secrets");
	assert_int_equal(required, CR_FACTS_SECRETS);
	assert_int_equal(conservative, CR_FACTS_SECRETS | CR_FACTS_HISTORY);
	cr_facts_member_needs(&required, &conservative, "signals");
	assert_int_equal(conservative, CR_FACTS_SIGNALS | CR_FACTS_MANIFESTS);
	cr_facts_member_needs(&required, &conservative, "nodes");
	assert_int_equal(required, 0);
	assert_int_equal(conservative, CR_FACTS_ALL);
	cr_facts_member_needs(&required, &conservative, "files");
	assert_int_equal(required | conservative, 0);
	cr_facts_member_needs(&required, &conservative, "no_such_member");
	assert_int_equal(required | conservative, 0);
}

/* --- the compiler --------------------------------------------------------- */

static void test_build_checks_declared_needs(void **state)
{
	char *dir = bundle();
	const char *argv[] = { "build", dir, "-o", "/dev/null", NULL };
	th_run r;

	(void)state;
	policy(dir, "PODS", "k8s", "needs = { \"docs\" },",
		"for _, w in ipairs(repo:workloads()) do fail(w.name) end");
	policy(dir, "TYPO", "docs", "needs = { \"kubernetes\" },",
		"pass(\"x\")");
	r = run(argv);
	assert_int_equal(r.status, 2);
	assert_has(r.err, "plan/PODS.lua:1: calls repo:workloads() but needs "
		"does not list k8s");
	assert_has(r.err, "plan/TYPO.lua:1: needs lists 'kubernetes', which "
		"is not a fact kind");
	th_run_free(&r);
	th_rmtree(dir);
	free(dir);
}

static void test_manifest_records_needs(void **state)
{
	char *dir = bundle();
	cJSON *m;

	(void)state;
	policy(dir, "DEPS", "docs", "",
		"for _, d in ipairs(repo:dependencies()) do fail(d.name) end");
	policy(dir, "SECRETS", "secrets", "",
		"for _, s in ipairs(repo:secrets()) do fail(s.rule) end");
	policy(dir, "TREE", "secrets", "needs = { \"secrets\" },",
		"for _, s in ipairs(repo:nodes(\"secret\")) do fail(s.rule) end");
	policy(dir, "ANY", "docs", "",
		"for _, s in ipairs(repo:nodes(\"doc\")) do fail(s.path) end");
	m = inspect(dir);
	assert_needs(m, "README", "[]");
	assert_needs(m, "DEPS", "[\"manifests\"]");
	assert_needs(m, "SECRETS", "[\"secrets\",\"history\"]");
	assert_needs(m, "TREE", "[\"secrets\"]");
	assert_needs(m, "ANY", "[\"manifests\",\"workflows\",\"docker\",\"k8s\","
		"\"docs\",\"signals\",\"secrets\",\"history\"]");
	cJSON_Delete(m);
	th_rmtree(dir);
	free(dir);
}

/* A library's members count for the policies that require it, and only
 * for those. */
static void test_libraries_followed(void **state)
{
	char *dir = bundle();
	cJSON *m;

	(void)state;
	th_write(dir, "lib/pods.lua", "local pods = {}\n"
		"function pods.all(repo)\n"
		"  return repo:workloads()\n"
		"end\n"
		"return pods\n");
	th_write(dir, "lib/wrap.lua", "local pods = require(\"pods\")\n"
		"return { all = pods.all }\n");
	th_write(dir, "PODS.lua", "local wrap = require \"wrap\"\n"
		"return crucible.policy{\n"
		"  id = \"PODS\", title = \"t\", category = \"k8s\",\n"
		"  severity = \"low\",\n"
		"  check = function(repo)\n"
		"    for _, w in ipairs(wrap.all(repo)) do fail(w.name) end\n"
		"  end,\n"
		"}\n");
	m = inspect(dir);
	assert_needs(m, "PODS", "[\"k8s\"]");
	assert_needs(m, "README", "[]");
	cJSON_Delete(m);
	th_rmtree(dir);
	free(dir);
}

/* --- eval ----------------------------------------------------------------- */

static void test_eval_collects_what_runs(void **state)
{
	char *dir = bundle(), *target = repo(), *crb;
	const char *build[] = { "build", dir, "-o", NULL, NULL };
	th_run r;

	(void)state;
	assert_collected(target, dir, NULL, "facts collected: files, git");
	policy(dir, "PODS", "k8s", "",
		"for _, w in ipairs(repo:workloads()) do fail(w.name) end");
	policy(dir, "SECRETS", "secrets", "",
		"for _, s in ipairs(repo:secrets()) do fail(s.rule) end");
	assert_collected(target, dir, NULL,
		"facts collected: files, git, k8s, secrets, history");
	assert_collected(target, dir, "--history=none",
		"facts collected: files, git, k8s, secrets");
	assert_collected(target, dir, "--only=docs",
		"facts collected: files, git");
	/* The configuration's disable counts too. */
	th_write(target, ".crucible.yml", "disable:\n  policies: [PODS]\n");
	{
		const char *argv[] = { "eval", target, "--bundle", dir,
			"--format", "json", "-v", NULL };

		r = run(argv);
		assert_has(r.err, "facts collected: files, git, secrets, "
			"history\n");
		th_run_free(&r);
	}
	if (asprintf(&crb, "%s/plan.crb", target) < 0)
		fail();
	build[3] = crb;
	r = run(build);
	assert_int_equal(r.status, 0);
	th_run_free(&r);
	assert_collected(target, crb, "--only=k8s",
		"facts collected: files, git, k8s");
	th_rmtree(target);
	th_rmtree(dir);
	free(crb);
	free(target);
	free(dir);
}

static void test_eval_builtin_only(void **state)
{
	char *target = repo();
	const char *argv[] = { "eval", target, "--format", "json",
		"--no-config", "-v", "--only", "documentation", NULL };
	th_run r = run(argv);

	(void)state;
	assert_int_not_equal(r.status, 2);
	assert_has(r.err, "facts collected: files, git\n");
	th_run_free(&r);
	th_rmtree(target);
	free(target);
}

/* A module whose top level never ends: the plan gives up on it and
 * collects everything, and the caller is not held up. */
static void test_hostile_module(void **state)
{
	char *dir = bundle();
	cr_bundle *b = NULL;
	cr_ctx *ctx = NULL;
	cr_limits limits;

	(void)state;
	th_write(dir, "LOOP.lua", "while true do end\n");
	assert_int_equal(cr_ctx_new(&ctx), 0);
	assert_int_equal(cr_bundle_load_dir(&b, ctx, dir), 0);
	cr_limits_default(&limits);
	limits.instructions = UINT64_MAX;
	limits.timeout_ms = 200;
	limits.cpu_seconds = 1;
	assert_int_equal(cr_facts_plan_bundles(
		(const cr_bundle *const *)&b, 1, NULL, &limits), CR_FACTS_ALL);
	cr_limits_default(&limits);
	assert_int_equal(cr_facts_plan_bundles(
		(const cr_bundle *const *)&b, 1, NULL, &limits), 0);
	cr_bundle_free(b);
	cr_ctx_free(ctx);
	th_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_member_needs),
		cmocka_unit_test(test_build_checks_declared_needs),
		cmocka_unit_test(test_manifest_records_needs),
		cmocka_unit_test(test_libraries_followed),
		cmocka_unit_test(test_eval_collects_what_runs),
		cmocka_unit_test(test_eval_builtin_only),
		cmocka_unit_test(test_hostile_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
