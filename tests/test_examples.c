/*
 * test_examples.c - the worked example of docs/authoring.md stays true:
 * examples/bundle builds strictly with the real binary, its test cases
 * pass under `crucible test`, and the bundle file it makes evaluates a
 * small repository to the results the guide describes, with the digest of
 * the directory.
 */
#include "tests/helpers.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE CRUCIBLE_SOURCE_DIR "/examples/bundle"

#define assert_has(text, needle) do { \
	if (!strstr((text), (needle))) \
		fail_msg("missing \"%s\" in:\n%s", (needle), (text)); \
} while (0)

static th_run run(const char *const *argv)
{
	return th_crucible(NULL, argv);
}

static void test_example_tests_pass(void **state)
{
	const char *argv[] = { "test", EXAMPLE, NULL };
	th_run r = run(argv);

	(void)state;
	if (r.status != 0)
		fail_msg("crucible test exited %d:\n%s%s", r.status, r.out,
			r.err);
	assert_has(r.out, "PASS kubernetes/memory-limits.lua");
	assert_has(r.out, "PASS checklist/ACME-NO-KEYS.lua");
	assert_has(r.out, " 0 failed");
	assert_has(r.out, "0 policies without tests");
	th_run_free(&r);
}

/* A service with a Deployment that has no memory limit and no
 * runAsNonRoot, a committed key, a SECURITY.md and no CodeQL. */
static char *service_repo(void)
{
	char *dir = th_tempdir();

	th_git_init(dir);
	th_write(dir, "SECURITY.md", "security@example.com\n");
	th_write(dir, "deploy/tls.key", "-----BEGIN PRIVATE KEY-----\n");
	th_write(dir, "deploy/web.yaml",
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
		"          image: web:1.0\n");
	th_write(dir, "Dockerfile", "FROM node:20\nUSER node\n");
	th_git_commit(dir, "init", 0);
	return dir;
}

static const char *status_of(const cJSON *report, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(report, "policies")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "id")),
			    id) == 0)
			return cJSON_GetStringValue(cJSON_GetObjectItem(p,
				"status"));
	}
	fail_msg("no policy %s", id);
	return NULL;
}

static const char *digest_of(const cJSON *report)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(report, "bundles"), 0), "digest"));
}

static cJSON *eval(const char *repo, const char *bundle)
{
	const char *argv[] = { "eval", repo, "--bundle", bundle, "--format",
		"json", "--no-config", NULL };
	th_run r = run(argv);
	cJSON *report;

	if (r.status > 1)
		fail_msg("eval exited %d: %s", r.status, r.err);
	report = cJSON_Parse(r.out);
	assert_non_null(report);
	th_run_free(&r);
	return report;
}

static void test_example_builds_and_evaluates(void **state)
{
	char *repo = service_repo(), *crb;
	const char *build[] = { "build", EXAMPLE, "--strict", "-o", NULL,
		NULL };
	cJSON *from_file, *from_dir;
	th_run r;

	(void)state;
	if (asprintf(&crb, "%s/acme-service.crb", repo) < 0)
		fail();
	build[4] = crb;
	r = run(build);
	if (r.status != 0)
		fail_msg("build exited %d: %s", r.status, r.err);
	assert_has(r.out, "acme-service 1.0.0, 6 policies");
	th_run_free(&r);
	from_file = eval(repo, crb);
	assert_string_equal(status_of(from_file, "ACME-K8S-MEMORY-LIMITS"),
		"fail");
	assert_string_equal(status_of(from_file, "ACME-RUN-AS-NON-ROOT"),
		"fail");
	assert_string_equal(status_of(from_file, "ACME-NO-KEYS"), "fail");
	assert_string_equal(status_of(from_file, "ACME-CODEQL"), "fail");
	assert_string_equal(status_of(from_file, "ACME-SECURITY-CONTACT"),
		"pass");
	assert_string_equal(status_of(from_file, "ACME-DOCKER-NON-ROOT"),
		"pass");
	from_dir = eval(repo, EXAMPLE);
	assert_string_equal(digest_of(from_file), digest_of(from_dir));
	cJSON_Delete(from_file);
	cJSON_Delete(from_dir);
	th_rmtree(repo);
	free(crb);
	free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_tests_pass),
		cmocka_unit_test(test_example_builds_and_evaluates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
