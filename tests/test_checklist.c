/*
 * test_checklist.c - checklists without Lua, end to end with the real
 * binary: every item kind passes on a repository that satisfies it and
 * fails on one that does not, from a bundle directory and from the bundle
 * file `crucible build` makes of it (same digest, generated source kept);
 * a broken checklist reports every problem with file:line and exits 2.
 */
#include "tests/helpers.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define assert_has(text, needle) do { \
	if (!strstr((text), (needle))) \
		fail_msg("missing \"%s\" in:\n%s", (needle), (text)); \
} while (0)

static const char bundle_yml[] =
	"name: team\n"
	"version: 1.0.0\n"
	"categories:\n"
	"  - {id: ops, title: Operations, weight: 1}\n";

/* One item of every kind; each id names its kind. */
static const char checklist[] =
	"items:\n"
	"  - id: FILE\n"
	"    title: Security policy\n"
	"    category: ops\n"
	"    severity: medium\n"
	"    weight: 2\n"
	"    description: Reporters need a channel.\n"
	"    remediation: Add SECURITY.md\n"
	"    require_file: {any: [SECURITY.md, .github/SECURITY.md]}\n"
	"  - id: PATH\n"
	"    title: Runbooks\n"
	"    category: ops\n"
	"    severity: low\n"
	"    remediation: Write one\n"
	"    require_path: \"docs/runbooks/*.md\"\n"
	"  - id: FORBID\n"
	"    title: No keys\n"
	"    category: ops\n"
	"    severity: high\n"
	"    remediation: Remove them\n"
	"    forbid_paths: [\"*.pem\", \"secrets/**\"]\n"
	"  - id: DEP\n"
	"    title: helmet\n"
	"    category: ops\n"
	"    severity: medium\n"
	"    remediation: npm install helmet\n"
	"    require_dependency: {ecosystem: npm, name: helmet}\n"
	"  - id: NODEP\n"
	"    title: no request\n"
	"    category: ops\n"
	"    severity: medium\n"
	"    remediation: use fetch\n"
	"    forbid_dependency: {name: request}\n"
	"  - id: K8S\n"
	"    title: non-root\n"
	"    category: ops\n"
	"    severity: high\n"
	"    remediation: set runAsNonRoot\n"
	"    require_k8s: {kind: Deployment, field: security.runAsNonRoot, "
	"equals: true}\n"
	"  - id: DOCKER\n"
	"    title: healthcheck\n"
	"    category: ops\n"
	"    severity: low\n"
	"    remediation: add HEALTHCHECK\n"
	"    require_dockerfile_instruction: healthcheck\n"
	"  - id: STEP\n"
	"    title: CodeQL\n"
	"    category: ops\n"
	"    severity: medium\n"
	"    remediation: add CodeQL\n"
	"    require_workflow_step: {uses: github/codeql-action/analyze}\n"
	"  - id: RUN\n"
	"    title: tests run\n"
	"    category: ops\n"
	"    severity: medium\n"
	"    remediation: run the tests\n"
	"    require_workflow_step: {run: \"npm (run )?test\"}\n";

static const char *const kinds[] = { "FILE", "PATH", "FORBID", "DEP",
	"NODEP", "K8S", "DOCKER", "STEP", "RUN" };

static void deployment(const char *repo, const char *security)
{
	char *yaml;

	if (asprintf(&yaml,
		    "apiVersion: apps/v1\n"
		    "kind: Deployment\n"
		    "metadata: {name: web}\n"
		    "spec:\n"
		    "  selector: {matchLabels: {app: web}}\n"
		    "  template:\n"
		    "    metadata: {labels: {app: web}}\n"
		    "    spec:\n"
		    "      containers:\n"
		    "        - name: web\n"
		    "          image: web:1.0\n"
		    "%s", security) < 0)
		fail();
	th_write(repo, "deploy/web.yaml", yaml);
	free(yaml);
}

static void workflow(const char *repo, const char *steps)
{
	char *yaml;

	if (asprintf(&yaml,
		    "on: [push]\n"
		    "jobs:\n"
		    "  build:\n"
		    "    runs-on: ubuntu-latest\n"
		    "    steps:\n"
		    "      - uses: actions/checkout@v4\n"
		    "%s", steps) < 0)
		fail();
	th_write(repo, ".github/workflows/ci.yml", yaml);
	free(yaml);
}

/* A repository every item accepts. */
static char *good_repo(void)
{
	char *repo = th_tempdir();

	th_git_init(repo);
	th_write(repo, ".github/SECURITY.md", "mail security@example.com\n");
	th_write(repo, "docs/runbooks/db.md", "# Database\n");
	th_write(repo, "package.json", "{\"name\": \"svc\", \"version\": "
		"\"1.0.0\", \"dependencies\": {\"helmet\": \"^7.0.0\", "
		"\"express\": \"^4.18.0\"}}\n");
	deployment(repo, "          securityContext: {runAsNonRoot: true}\n");
	th_write(repo, "Dockerfile", "FROM node:20\nHEALTHCHECK CMD "
		"curl -f http://localhost/ || exit 1\n");
	workflow(repo, "      - run: npm test\n"
		"      - uses: github/codeql-action/analyze@v3\n");
	th_git_commit(repo, "init", 0);
	return repo;
}

/* A repository every item refuses. */
static char *bad_repo(void)
{
	char *repo = th_tempdir();

	th_git_init(repo);
	th_write(repo, "README.md", "# svc\n");
	th_write(repo, "docs/other.md", "x\n");
	th_write(repo, "secrets/prod.env", "A=1\n");
	th_write(repo, "package.json", "{\"name\": \"svc\", \"version\": "
		"\"1.0.0\", \"dependencies\": {\"request\": \"^2.88.0\"}}\n");
	deployment(repo, "");
	th_write(repo, "Dockerfile", "FROM node:20 AS build\nHEALTHCHECK "
		"CMD true\nFROM node:20-slim\nCMD [\"node\"]\n");
	workflow(repo, "      - run: make lint\n"
		"      - uses: github/codeql-action/init@v3\n");
	th_git_commit(repo, "init", 0);
	return repo;
}

static char *make_bundle(const char *list)
{
	char *dir = th_tempdir();

	th_write(dir, "bundle.yml", bundle_yml);
	th_write(dir, "checklist.yml", list);
	return dir;
}

/* The JSON report of `crucible eval repo --bundle bundle`. */
static cJSON *eval(const char *repo, const char *bundle)
{
	const char *argv[] = { "eval", repo, "--bundle", bundle, "--format",
		"json", "--no-config", NULL };
	th_run r = th_crucible(NULL, argv);
	cJSON *report;

	if (r.status > 1)
		fail_msg("eval exited %d: %s", r.status, r.err);
	report = cJSON_Parse(r.out);
	assert_non_null(report);
	th_run_free(&r);
	return report;
}

static const cJSON *policy(const cJSON *report, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(report, "policies")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "id")),
			    id) == 0)
			return p;
	}
	fail_msg("no policy %s in the report", id);
	return NULL;
}

static void assert_status(const cJSON *report, const char *id,
	const char *status)
{
	const cJSON *p = policy(report, id);
	const char *got = cJSON_GetStringValue(cJSON_GetObjectItem(p,
		"status"));

	if (strcmp(got, status) != 0)
		fail_msg("%s: expected %s, got %s (%s)", id, status, got,
			cJSON_GetStringValue(cJSON_GetObjectItem(p, "message")));
}

static void assert_all(const char *repo, const char *bundle,
	const char *status)
{
	cJSON *report = eval(repo, bundle);

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		assert_status(report, kinds[i], status);
	cJSON_Delete(report);
}

static void test_every_kind_passes(void **state)
{
	char *bundle = make_bundle(checklist), *repo = good_repo();

	(void)state;
	assert_all(repo, bundle, "pass");
	th_rmtree(repo);
	th_rmtree(bundle);
	free(repo);
	free(bundle);
}

static void test_every_kind_fails(void **state)
{
	char *bundle = make_bundle(checklist), *repo = bad_repo();
	cJSON *report;
	char *text;

	(void)state;
	assert_all(repo, bundle, "fail");
	report = eval(repo, bundle);
	text = cJSON_PrintUnformatted(report);
	/* Findings point at what is wrong. */
	assert_has(text, "\"path\":\"secrets/prod.env\"");
	assert_has(text, "package.json depends on request");
	assert_has(text, "container web: security.runAsNonRoot is nil, "
		"want true");
	assert_has(text, "Dockerfile: no HEALTHCHECK in the final stage");
	assert_has(text, "no workflow step using "
		"github/codeql-action/analyze");
	free(text);
	cJSON_Delete(report);
	th_rmtree(repo);
	th_rmtree(bundle);
	free(repo);
	free(bundle);
}

/* The bundle file holds the generated modules with their source, loads
 * without the checklist and digests as the directory. */
static void test_built_bundle(void **state)
{
	char *bundle = make_bundle(checklist), *repo = bad_repo(), *crb;
	const char *build[] = { "build", bundle, "-o", NULL, NULL };
	const char *inspect[] = { "inspect", NULL, "--format", "json", NULL };
	cJSON *from_dir, *from_file;
	th_run r;

	(void)state;
	if (asprintf(&crb, "%s/team.crb", repo) < 0)
		fail();
	build[3] = crb;
	r = th_crucible(NULL, build);
	assert_int_equal(r.status, 0);
	th_run_free(&r);
	inspect[1] = crb;
	r = th_crucible(NULL, inspect);
	assert_int_equal(r.status, 0);
	assert_has(r.out, "\"module\":\t\"checklist/K8S.lua\"");
	assert_has(r.out, "\"needs\":\t[\"k8s\"]");
	th_run_free(&r);
	th_sh(repo, "rm -rf %s", bundle);
	from_file = eval(repo, crb);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		assert_status(from_file, kinds[i], "fail");
	th_write(bundle, "bundle.yml", bundle_yml);
	th_write(bundle, "checklist.yml", checklist);
	from_dir = eval(repo, bundle);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(from_dir, "bundles"), 0),
		"digest")), cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(from_file, "bundles"), 0),
		"digest")));
	cJSON_Delete(from_dir);
	cJSON_Delete(from_file);
	th_rmtree(repo);
	th_rmtree(bundle);
	free(crb);
	free(repo);
	free(bundle);
}

/* Every problem, each with checklist.yml:line, in one run; exit 2. */
static void test_problems_listed(void **state)
{
	static const char broken[] =
		"items:\n"
		"  - id: A\n"                          /* 2 */
		"    title: a\n"
		"    category: nope\n"
		"    severity: urgent\n"
		"    remediation: r\n"
		"    require_file: README.md\n"
		"  - id: B\n"                          /* 8 */
		"    title: b\n"
		"    category: ops\n"
		"    severity: low\n"
		"    remediation: r\n"
		"    require_coffee: true\n"          /* 13 */
		"  - id: C\n"                          /* 14 */
		"    category: ops\n"
		"    severity: low\n"
		"    remediation: r\n"
		"    require_k8s: {kind: Deployment, field: x}\n" /* 18 */
		"  - id: D\n"
		"    title: d\n"
		"    category: ops\n"
		"    severity: low\n"
		"    remediation: r\n"
		"    require_workflow_step: {run: \"(\"}\n"; /* 24 */
	char *bundle = make_bundle(broken);
	const char *argv[] = { "build", bundle, "-o", "/dev/null", NULL };
	const char *eval_argv[] = { "eval", bundle, "--bundle", bundle, NULL };
	th_run r = th_crucible(NULL, argv);

	(void)state;
	assert_int_equal(r.status, 2);
	assert_has(r.err, "checklist.yml:2: unknown category \"nope\"");
	assert_has(r.err, "checklist.yml:2: severity \"urgent\"");
	assert_has(r.err, "checklist.yml:13: unknown key \"require_coffee\"");
	assert_has(r.err, "checklist.yml:8: item B needs exactly one check");
	assert_has(r.err, "checklist.yml:14: missing required key \"title\"");
	assert_has(r.err, "checklist.yml:18: require_k8s needs one of equals");
	assert_has(r.err, "checklist.yml:24: run:");
	th_run_free(&r);
	r = th_crucible(NULL, eval_argv);
	assert_int_equal(r.status, 2);
	assert_has(r.err, "checklist.yml:13: unknown key \"require_coffee\"");
	th_run_free(&r);
	th_rmtree(bundle);
	free(bundle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_passes),
		cmocka_unit_test(test_every_kind_fails),
		cmocka_unit_test(test_built_bundle),
		cmocka_unit_test(test_problems_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
