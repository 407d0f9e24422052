/*
 * test_cli.c - end to end: real git repositories in temporary directories,
 * the real crucible binary, and its JSON report checked field by field,
 * its exit codes, and its text output.
 */
#include "tests/helpers.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct repo {
	char *dir;     /* the repository under test */
	char *bundles; /* a scratch directory for bundles */
};

static int setup_repo(void **state)
{
	struct repo *r = calloc(1, sizeof *r);

	r->dir = th_tempdir();
	r->bundles = th_tempdir();
	*state = r;
	return 0;
}

static int teardown_repo(void **state)
{
	struct repo *r = *state;

	th_rmtree(r->dir);
	th_rmtree(r->bundles);
	free(r->dir);
	free(r->bundles);
	free(r);
	return 0;
}

/* Run crucible and parse stdout as JSON; asserts the exit status. */
static cJSON *run_json(const char *cwd, const char *const *argv, int status)
{
	th_run run = th_crucible(cwd, argv);
	cJSON *doc;

	if (run.status != status)
		fail_msg("exit %d (want %d)\nstdout: %.2000s\nstderr: %.2000s",
			run.status, status, run.out, run.err);
	doc = cJSON_Parse(run.out);
	if (!doc)
		fail_msg("not JSON: %.2000s\nstderr: %.2000s", run.out, run.err);
	th_run_free(&run);
	return doc;
}

static cJSON *get(const cJSON *obj, const char *path)
{
	char buf[256], *save, *part;
	const cJSON *cur = obj;

	snprintf(buf, sizeof buf, "%s", path);
	for (part = strtok_r(buf, ".", &save); part && cur;
	     part = strtok_r(NULL, ".", &save))
		cur = cJSON_GetObjectItemCaseSensitive(cur, part);
	if (!cur)
		fail_msg("no key %s", path);
	return (cJSON *)cur;
}

static const char *str(const cJSON *obj, const char *path)
{
	const cJSON *v = get(obj, path);

	if (!cJSON_IsString(v))
		fail_msg("%s is not a string", path);
	return v->valuestring;
}

static cJSON *find_by(const cJSON *array, const char *key, const char *value)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, array) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, key);
		if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0)
			return (cJSON *)item;
	}
	return NULL;
}

static char *git_head(const char *dir)
{
	char *cmd, *out, *path;

	if (asprintf(&path, "%s/.head", dir) < 0 ||
	    asprintf(&cmd, "git rev-parse HEAD > '%s'", path) < 0)
		fail_msg("asprintf");
	assert_int_equal(th_sh(dir, "%s", cmd), 0);
	out = th_read(path);
	out[strcspn(out, "\n")] = '\0';
	unlink(path);
	free(cmd);
	free(path);
	return out;
}

static char *bundle_path(const struct repo *r, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", r->bundles, name) < 0)
		fail_msg("asprintf");
	return p;
}

/* A bundle with two categories and the given policy modules. */
static char *write_bundle(const struct repo *r, const char *name,
	const char *const *modules)
{
	char *dir = bundle_path(r, name), *yml;

	if (asprintf(&yml,
		"name: %s\nversion: 1.2.3\ndescription: test bundle\n"
		"categories:\n"
		"  - {id: docs, title: Documentation, weight: 1}\n"
		"  - {id: security, title: Security, weight: 3}\n", name) < 0)
		fail_msg("asprintf");
	th_write(dir, "bundle.yml", yml);
	free(yml);
	for (size_t i = 0; modules[i]; i += 2)
		th_write(dir, modules[i], modules[i + 1]);
	return dir;
}

static const char *readme_policy =
	"return crucible.policy{\n"
	"  id = 'T-README', title = 'README present', category = 'docs',\n"
	"  severity = 'low', weight = 1,\n"
	"  check = function(repo)\n"
	"    if repo:file('README.md') then pass('found README.md')\n"
	"    else fail{message = 'no README', path = '.'} end\n"
	"  end,\n"
	"}\n";

static const char *pem_policy =
	"return crucible.policy{\n"
	"  id = 'T-PEM', title = 'No keys', category = 'security',\n"
	"  severity = 'critical', weight = 2,\n"
	"  remediation = 'remove the keys',\n"
	"  check = function(repo)\n"
	"    for _, f in ipairs(repo:files{glob = '*.pem'}) do\n"
	"      fail{message = 'key file ' .. f.name, path = f.path, line = 1}\n"
	"    end\n"
	"  end,\n"
	"}\n";

static void make_repo(const struct repo *r)
{
	th_git_init(r->dir);
	th_write(r->dir, "README.md", "# demo\n");
	th_write(r->dir, "src/main.c", "int main(void) { return 0; }\n");
	th_write(r->dir, "keys/server.pem", "-----BEGIN PRIVATE KEY-----\n");
	th_git_commit(r->dir, "first", 0);
	th_write(r->dir, "docs/notes.txt", "notes\n");
	th_git_commit(r->dir, "second", 3600);
}

static void test_json_report_field_by_field(void **state)
{
	struct repo *r = *state;
	const char *modules[] = {"readme.lua", readme_policy,
		"keys/pem.lua", pem_policy, NULL};
	char *bundle, *head;
	cJSON *doc, *pol, *cat, *finding, *loc;

	make_repo(r);
	bundle = write_bundle(r, "demo", modules);
	head = git_head(r->dir);
	const char *argv[] = {"eval", r->dir, "--bundle", bundle,
		"--format", "json", NULL};
	doc = run_json(NULL, argv, 0);

	assert_string_equal(str(doc, "schema"), "crucible.report/v1");
	assert_string_equal(str(doc, "tool.name"), "crucible");
	assert_true(strlen(str(doc, "tool.version")) > 0);
	assert_string_equal(str(doc, "target.commit"), head);
	assert_string_equal(str(doc, "target.branch"), "main");
	assert_non_null(strstr(str(doc, "target.path"), "crucible-test-"));

	cJSON *b = cJSON_GetArrayItem(get(doc, "bundles"), 0);
	assert_string_equal(str(b, "name"), "demo");
	assert_string_equal(str(b, "version"), "1.2.3");
	assert_int_equal(strncmp(str(b, "digest"), "sha256:", 7), 0);
	assert_int_equal(strlen(str(b, "digest")), 7 + 64);

	/* security scores 0 (its only policy fails), docs 100; weights 3:1. */
	assert_true(get(doc, "score.value")->valuedouble == 25.0);
	assert_string_equal(str(doc, "score.grade"), "F");
	assert_string_equal(str(doc, "score.verdict"), "not-ready");

	cat = find_by(get(doc, "categories"), "id", "security");
	assert_non_null(cat);
	assert_string_equal(str(cat, "title"), "Security");
	assert_true(get(cat, "score")->valuedouble == 0.0);
	assert_true(get(cat, "weight")->valuedouble == 3.0);
	assert_string_equal(cJSON_GetArrayItem(get(cat, "policies"), 0)->valuestring,
		"T-PEM");
	cat = find_by(get(doc, "categories"), "id", "docs");
	assert_true(get(cat, "score")->valuedouble == 100.0);

	pol = find_by(get(doc, "policies"), "id", "T-README");
	assert_non_null(pol);
	assert_string_equal(str(pol, "status"), "pass");
	assert_string_equal(str(pol, "message"), "found README.md");
	assert_string_equal(str(pol, "category"), "docs");
	assert_string_equal(str(pol, "severity"), "low");
	assert_true(get(pol, "score")->valuedouble == 1.0);
	pol = find_by(get(doc, "policies"), "id", "T-PEM");
	assert_string_equal(str(pol, "status"), "fail");
	assert_string_equal(str(pol, "title"), "No keys");
	assert_true(get(pol, "weight")->valuedouble == 2.0);

	assert_int_equal(cJSON_GetArraySize(get(doc, "findings")), 1);
	finding = cJSON_GetArrayItem(get(doc, "findings"), 0);
	assert_string_equal(str(finding, "policy"), "T-PEM");
	assert_string_equal(str(finding, "severity"), "critical");
	assert_string_equal(str(finding, "message"), "key file server.pem");
	assert_false(cJSON_IsTrue(get(finding, "waived")));
	assert_int_equal(strlen(str(finding, "fingerprint")), 32);
	loc = cJSON_GetArrayItem(get(finding, "locations"), 0);
	assert_string_equal(str(loc, "path"), "keys/server.pem");
	assert_true(get(loc, "line")->valuedouble == 1.0);
	assert_true(cJSON_IsNull(get(loc, "commit")));

	assert_true(get(doc, "stats.files")->valuedouble == 4.0);
	assert_true(get(doc, "stats.bytes")->valuedouble > 0);
	assert_true(get(doc, "stats.commits")->valuedouble == 2.0);
	assert_true(cJSON_IsNumber(get(doc, "stats.duration_ms")));
	cJSON_Delete(doc);
	free(head);
	free(bundle);
}

static void test_fingerprint_survives_unrelated_edit(void **state)
{
	struct repo *r = *state;
	const char *modules[] = {"keys/pem.lua", pem_policy, NULL};
	char *bundle, fp[64];
	cJSON *doc;

	make_repo(r);
	bundle = write_bundle(r, "demo", modules);
	const char *argv[] = {"eval", r->dir, "--bundle", bundle,
		"--format", "json", NULL};
	doc = run_json(NULL, argv, 0);
	snprintf(fp, sizeof fp, "%s",
		str(cJSON_GetArrayItem(get(doc, "findings"), 0), "fingerprint"));
	cJSON_Delete(doc);
	th_write(r->dir, "src/other.c", "int x;\n");
	th_git_commit(r->dir, "unrelated", 7200);
	doc = run_json(NULL, argv, 0);
	assert_string_equal(
		str(cJSON_GetArrayItem(get(doc, "findings"), 0), "fingerprint"), fp);
	cJSON_Delete(doc);
	free(bundle);
}

static void test_gates_and_exit_codes(void **state)
{
	struct repo *r = *state;
	const char *modules[] = {"readme.lua", readme_policy,
		"keys/pem.lua", pem_policy, NULL};
	char *bundle;
	th_run run;

	make_repo(r);
	bundle = write_bundle(r, "demo", modules);
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle,
			"--format", "json", "--fail-on", "critical", NULL};
		run = th_crucible(NULL, argv);
		assert_int_equal(run.status, 1);
		assert_non_null(strstr(run.err, "T-PEM"));
		assert_non_null(strstr(run.out, "\"schema\"")); /* report still written */
		th_run_free(&run);
	}
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle,
			"--format", "json", "--fail-on", "high", NULL};
		run = th_crucible(NULL, argv);
		assert_int_equal(run.status, 1);
		th_run_free(&run);
	}
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle,
			"--format", "json", "--fail-under", "25", NULL};
		run = th_crucible(NULL, argv);
		assert_int_equal(run.status, 0); /* 25 is not under 25 */
		th_run_free(&run);
	}
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle,
			"--format", "json", "--fail-under", "25.1", NULL};
		run = th_crucible(NULL, argv);
		assert_int_equal(run.status, 1);
		assert_non_null(strstr(run.err, "fail-under"));
		th_run_free(&run);
	}
	/* The critical failure is gone once the key is removed. */
	assert_int_equal(th_sh(r->dir, "git rm -q keys/server.pem"), 0);
	th_git_commit(r->dir, "remove key", 9000);
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle,
			"--format", "json", "--fail-on", "critical",
			"--fail-under", "100", NULL};
		cJSON *doc = run_json(NULL, argv, 0);
		assert_true(get(doc, "score.value")->valuedouble == 100.0);
		assert_string_equal(str(doc, "score.verdict"), "ready");
		assert_string_equal(str(doc, "score.grade"), "A");
		cJSON_Delete(doc);
	}
	free(bundle);
}

static void expect_usage_error(const char *const *argv, const char *needle)
{
	th_run run = th_crucible(NULL, argv);

	if (run.status != 2 || !strstr(run.err, needle))
		fail_msg("exit %d, stderr %s (want 2 and '%s')", run.status,
			run.err, needle);
	th_run_free(&run);
}

static void test_usage_errors_exit_2(void **state)
{
	struct repo *r = *state;
	char *bundle, *missing;

	make_repo(r);
	{
		const char *argv[] = {"eval", r->dir, "--frobnicate", NULL};
		expect_usage_error(argv, "--frobnicate");
	}
	{
		const char *argv[] = {"eval", r->dir, "--fail-under", "abc", NULL};
		expect_usage_error(argv, "fail-under");
	}
	{
		const char *argv[] = {"eval", r->dir, "--fail-under", "101", NULL};
		expect_usage_error(argv, "fail-under");
	}
	{
		const char *argv[] = {"eval", r->dir, "--fail-on", "urgent", NULL};
		expect_usage_error(argv, "urgent");
	}
	{
		const char *argv[] = {"eval", r->dir, "--format", "pdf", NULL};
		expect_usage_error(argv, "pdf");
	}
	{
		const char *argv[] = {"frobnicate", NULL};
		expect_usage_error(argv, "frobnicate");
	}
	missing = bundle_path(r, "does-not-exist");
	{
		const char *argv[] = {"eval", missing, NULL};
		expect_usage_error(argv, "does-not-exist");
	}
	{
		const char *argv[] = {"eval", r->dir, "--bundle", missing, NULL};
		expect_usage_error(argv, "does-not-exist");
	}
	/* A bundle.yml error names the file and line. */
	bundle = bundle_path(r, "bad");
	th_write(bundle, "bundle.yml", "name: bad\nversion: 1\ncategories:\n"
		"  - {id: docs, title: Docs, weight: -4}\n");
	th_write(bundle, "p.lua", readme_policy);
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle, NULL};
		expect_usage_error(argv, "bundle.yml:4");
	}
	/* A Lua syntax error names the module and line. */
	th_write(bundle, "bundle.yml", "name: bad\nversion: '1'\ncategories:\n"
		"  - {id: docs, title: Docs, weight: 1}\n");
	th_write(bundle, "p.lua", "return crucible.policy{\n  id = 'X',,\n}\n");
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle, NULL};
		expect_usage_error(argv, "p.lua:2");
	}
	/* Metadata naming an unknown category is a bundle error too. */
	th_write(bundle, "p.lua", "return crucible.policy{ id = 'X', title = 'x',\n"
		"  category = 'nope', severity = 'low', check = function() end }\n");
	{
		const char *argv[] = {"eval", r->dir, "--bundle", bundle, NULL};
		expect_usage_error(argv, "nope");
	}
	free(bundle);
	free(missing);
}

static void test_hostile_policy_in_a_real_run(void **state)
{
	struct repo *r = *state;
	const char *modules[] = {
		"readme.lua", readme_policy,
		"loop.lua",
		"return crucible.policy{ id = 'T-LOOP', title = 'loops',\n"
		"  category = 'docs', severity = 'low',\n"
		"  check = function() while true do end end }\n",
		"escape.lua",
		"return crucible.policy{ id = 'T-ESCAPE', title = 'escapes',\n"
		"  category = 'docs', severity = 'low',\n"
		"  check = function() os.execute('touch /tmp/crucible-pwned') end }\n",
		NULL};
	char *bundle;
	cJSON *doc, *pol;

	make_repo(r);
	bundle = write_bundle(r, "hostile", modules);
	const char *argv[] = {"eval", r->dir, "--bundle", bundle, "--format",
		"json", "--policy-timeout", "2000", "--policy-instructions",
		"1000000", NULL};
	doc = run_json(NULL, argv, 0);
	pol = find_by(get(doc, "policies"), "id", "T-LOOP");
	assert_string_equal(str(pol, "status"), "error");
	assert_non_null(strstr(str(pol, "message"), "instruction"));
	pol = find_by(get(doc, "policies"), "id", "T-ESCAPE");
	assert_string_equal(str(pol, "status"), "error");
	assert_non_null(strstr(str(pol, "message"), "escape.lua:3"));
	pol = find_by(get(doc, "policies"), "id", "T-README");
	assert_string_equal(str(pol, "status"), "pass");
	/* Errors leave the denominator: docs is scored by T-README alone. */
	assert_true(get(find_by(get(doc, "categories"), "id", "docs"),
		"score")->valuedouble == 100.0);
	cJSON_Delete(doc);
	free(bundle);
}

static void test_directory_without_git(void **state)
{
	struct repo *r = *state;
	const char *modules[] = {"readme.lua", readme_policy, NULL};
	char *bundle;
	cJSON *doc;

	th_write(r->dir, "README.md", "plain directory\n");
	bundle = write_bundle(r, "demo", modules);
	const char *argv[] = {"eval", r->dir, "--bundle", bundle,
		"--format", "json", NULL};
	doc = run_json(NULL, argv, 0);
	assert_true(cJSON_IsNull(get(doc, "target.commit")));
	assert_true(cJSON_IsNull(get(doc, "target.branch")));
	assert_true(get(doc, "stats.commits")->valuedouble == 0.0);
	assert_true(get(doc, "stats.files")->valuedouble == 1.0);
	assert_string_equal(str(find_by(get(doc, "policies"), "id", "T-README"),
		"status"), "pass");
	cJSON_Delete(doc);
	free(bundle);
}

static void test_text_report(void **state)
{
	struct repo *r = *state;
	const char *modules[] = {"readme.lua", readme_policy,
		"keys/pem.lua", pem_policy, NULL};
	char *bundle;
	th_run run;

	make_repo(r);
	bundle = write_bundle(r, "demo", modules);
	const char *argv[] = {"eval", r->dir, "--bundle", bundle,
		"--format", "text", NULL};
	run = th_crucible(NULL, argv);
	assert_int_equal(run.status, 0);
	/* Score, grade and verdict come first. */
	char *first_line = strndup(run.out, strcspn(run.out, "\n"));
	assert_non_null(strstr(first_line, "25"));
	assert_non_null(strstr(first_line, "not-ready"));
	free(first_line);
	assert_non_null(strstr(run.out, "Security"));
	assert_non_null(strstr(run.out, "T-PEM"));
	assert_non_null(strstr(run.out, "keys/server.pem:1"));
	assert_null(strchr(run.out, '\033')); /* not a terminal: no colour */
	th_run_free(&run);
	free(bundle);
}

static void test_facts_command(void **state)
{
	struct repo *r = *state;
	cJSON *doc, *node, *file = NULL, *git = NULL;
	char *head;

	make_repo(r);
	head = git_head(r->dir);
	const char *argv[] = {"facts", r->dir, NULL};
	doc = run_json(NULL, argv, 0);
	assert_string_equal(str(doc, "schema"), "crucible.facts/v1");
	assert_true(get(doc, "kinds.file")->valuedouble == 4.0);
	cJSON_ArrayForEach(node, get(doc, "nodes")) {
		const char *kind = str(node, "kind");
		if (strcmp(kind, "git") == 0)
			git = node;
		if (strcmp(kind, "file") == 0 &&
		    strcmp(str(node, "path"), "keys/server.pem") == 0)
			file = node;
	}
	assert_non_null(file);
	assert_string_equal(str(file, "attrs.status"), "tracked");
	assert_false(cJSON_IsTrue(get(file, "attrs.binary")));
	assert_non_null(git);
	assert_string_equal(str(git, "attrs.head"), head);
	assert_true(get(git, "attrs.commits")->valuedouble == 2.0);
	cJSON_Delete(doc);
	free(head);
}

static void test_builtin_bundle_runs(void **state)
{
	struct repo *r = *state;
	cJSON *doc, *pol;
	int errors = 0;

	make_repo(r);
	const char *argv[] = {"eval", r->dir, "--format", "json", NULL};
	doc = run_json(NULL, argv, 0);
	assert_string_equal(str(cJSON_GetArrayItem(get(doc, "bundles"), 0), "name"),
		"readiness");
	assert_true(cJSON_GetArraySize(get(doc, "policies")) >= 10);
	cJSON_ArrayForEach(pol, get(doc, "policies"))
		if (strcmp(str(pol, "status"), "error") == 0) {
			print_message("error: %s: %s\n", str(pol, "id"),
				str(pol, "message"));
			errors++;
		}
	assert_int_equal(errors, 0);
	cJSON_Delete(doc);
}

/* The embedded bundle on the repository of the audit that motivated
 * crucible, in small: secrets committed, a CI that runs the tests. */
static void test_builtin_bundle_on_a_leaky_repo(void **state)
{
	struct repo *r = *state;
	static const char *const secret_paths[] = {
		".env", "key.pem", "secrets/s1.yaml", "secrets/s2.yaml",
		"secrets/s3.yaml",
	};
	cJSON *doc, *pol, *finding;
	size_t n = 0;

	th_git_init(r->dir);
	for (int i = 1; i <= 3; i++) {
		char path[32];
		snprintf(path, sizeof path, "secrets/s%d.yaml", i);
		th_write(r->dir, path, "token: abc\n");
	}
	th_write(r->dir, "key.pem", "-----BEGIN PRIVATE KEY-----\nMIIB\n"
		"-----END PRIVATE KEY-----\n");
	th_write(r->dir, ".env", "DB_PASSWORD=hunter2\n");
	th_write(r->dir, ".github/workflows/ci.yml", "name: ci\non: push\n"
		"jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
		"      - run: .ci/run\n");
	th_write(r->dir, "src/main.c", "int main(void) { return 0; }\n");
	th_write(r->dir, "tests/test_main.c", "int main(void) { return 0; }\n");
	th_git_commit(r->dir, "leaky", 0);
	const char *argv[] = {"eval", r->dir, "--format", "json",
		"--fail-on", "critical", NULL};
	doc = run_json(NULL, argv, 1);
	assert_string_equal(str(doc, "score.verdict"), "not-ready");

	pol = find_by(get(doc, "policies"), "id", "SEC-TRACKED-SECRET-FILES");
	assert_string_equal(str(pol, "status"), "fail");
	assert_string_equal(str(pol, "severity"), "critical");
	assert_non_null(strstr(str(pol, "message"), "3 files under secrets/"));
	cJSON_ArrayForEach(finding, get(doc, "findings")) {
		if (strcmp(str(finding, "policy"), "SEC-TRACKED-SECRET-FILES"))
			continue;
		assert_true(n < 5);
		/* findings come sorted by path */
		assert_string_equal(str(cJSON_GetArrayItem(get(finding,
			"locations"), 0), "path"), secret_paths[n]);
		n++;
	}
	assert_int_equal(n, 5);
	pol = find_by(get(doc, "policies"), "id", "SEC-ENV-IGNORED");
	assert_string_equal(str(pol, "status"), "fail");
	pol = find_by(get(doc, "policies"), "id", "CI-RUNS-TESTS");
	assert_string_equal(str(pol, "status"), "pass");
	assert_non_null(strstr(str(pol, "message"), ".ci/run"));
	pol = find_by(get(doc, "policies"), "id", "TEST-PRESENT");
	assert_string_equal(str(pol, "status"), "pass");
	pol = find_by(get(doc, "policies"), "id", "OPS-DOCKER-NONROOT");
	assert_string_equal(str(pol, "status"), "skip");
	cJSON_Delete(doc);

	/* The pre-commit secrets hook: only the secrets category runs. */
	const char *only[] = {"eval", r->dir, "--format", "json", "--only",
		"secrets", "--fail-on", "high", NULL};
	doc = run_json(NULL, only, 1);
	pol = find_by(get(doc, "policies"), "id", "SEC-TRACKED-SECRET-FILES");
	assert_string_equal(str(pol, "status"), "fail");
	pol = find_by(get(doc, "policies"), "id", "TEST-PRESENT");
	assert_string_equal(str(pol, "status"), "skip");
	assert_string_equal(str(pol, "message"), "not selected (--only)");
	cJSON_ArrayForEach(finding, get(doc, "findings"))
		assert_int_equal(strncmp(str(finding, "policy"), "SEC-", 4), 0);
	cJSON_Delete(doc);
	const char *unknown[] = {"eval", r->dir, "--only", "nope", NULL};
	expect_usage_error(unknown, "nope");
}

/* Drop every line that holds a timing field, and time="..." attributes. */
static char *without_timings(const char *text)
{
	char *out = malloc(strlen(text) + 1), *w = out;

	assert_non_null(out);
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		const char *t;

		if (!memmem(line, len, "duration_ms", 11)) {
			memcpy(w, line, len);
			w[len] = '\0';
			/* JUnit: time="1.234" -> time="" */
			for (char *a = w; (t = strstr(a, " time=\"")); a = (char *)t + 7) {
				char *end = strchr((char *)t + 7, '"');
				assert_non_null(end);
				memmove((char *)t + 7, end, strlen(end) + 1);
			}
			w += strlen(w);
			*w++ = '\n';
		}
		line += len + (line[len] == '\n');
	}
	*w = '\0';
	return out;
}

/* The same repository and bundle give the same report, byte for byte,
 * but for timings; findings come sorted whatever order a policy used. */
static void test_reports_are_deterministic(void **state)
{
	struct repo *r = *state;
	static const char *const formats[] = {
		"json", "sarif", "markdown", "junit", "html", "text",
	};
	const char *modules[] = {"shuffle.lua",
		"return crucible.policy{ id = 'T-SHUFFLE', title = 'shuffled',\n"
		"  category = 'docs', severity = 'low',\n"
		"  check = function(repo)\n"
		"    local seen = {}\n"
		"    for _, f in ipairs(repo:files()) do seen[f.path] = f.size end\n"
		"    for path in pairs(seen) do fail{message = 'file', path = path} end\n"
		"  end }\n", NULL};
	char *bundle;

	make_repo(r);
	for (int i = 0; i < 20; i++) {
		char path[32];
		snprintf(path, sizeof path, "many/file%02d.txt", i);
		th_write(r->dir, path, "x\n");
	}
	th_git_commit(r->dir, "many", 100);
	bundle = write_bundle(r, "demo", modules);
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		const char *argv[] = {"eval", r->dir, "--bundle", bundle,
			"--format", formats[i], NULL};
		th_run a = th_crucible(NULL, argv), b = th_crucible(NULL, argv);
		char *ta = without_timings(a.out), *tb = without_timings(b.out);

		assert_int_equal(a.status, 0);
		if (strcmp(ta, tb) != 0)
			fail_msg("%s reports differ between two runs", formats[i]);
		assert_true(strlen(ta) > 100);
		free(ta);
		free(tb);
		th_run_free(&a);
		th_run_free(&b);
	}
	free(bundle);
}

static void test_several_formats_in_one_run(void **state)
{
	struct repo *r = *state;
	const char *modules[] = {"keys/pem.lua", pem_policy, NULL};
	char *bundle, *sarif, *md, *html, *json, *text;
	th_run run;

	make_repo(r);
	bundle = write_bundle(r, "demo", modules);
	assert_true(asprintf(&sarif, "sarif=%s/out.sarif", r->bundles) > 0);
	assert_true(asprintf(&md, "markdown=%s/out.md", r->bundles) > 0);
	assert_true(asprintf(&html, "%s/out.html", r->bundles) > 0);
	const char *argv[] = {"eval", r->dir, "--bundle", bundle,
		"--output", sarif, "--output", md, "--output", html,
		"--summary", NULL};
	run = th_crucible(NULL, argv);
	assert_int_equal(run.status, 0);
	assert_string_equal(run.out, ""); /* everything went to files */
	th_run_free(&run);
	text = th_read(sarif + strlen("sarif="));
	assert_non_null(text);
	assert_non_null(strstr(text, "\"2.1.0\""));
	assert_non_null(strstr(text, "T-PEM"));
	free(text);
	text = th_read(md + strlen("markdown="));
	assert_non_null(text);
	assert_non_null(strstr(text, "T-PEM"));
	free(text);
	text = th_read(html); /* the extension chose the format */
	assert_non_null(text);
	assert_int_equal(strncmp(text, "<!DOCTYPE html>", 15), 0);
	free(text);

	/* --quiet: the headline and the blockers only. */
	const char *quiet[] = {"eval", r->dir, "--bundle", bundle, "--format",
		"text", "--quiet", NULL};
	run = th_crucible(NULL, quiet);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "critical  T-PEM"));
	assert_null(strstr(run.out, "Categories"));
	th_run_free(&run);

	/* A json report next to the primary output on stdout. */
	free(sarif);
	assert_true(asprintf(&json, "json=%s/out.json", r->bundles) > 0);
	const char *both[] = {"eval", r->dir, "--bundle", bundle, "--format",
		"text", "--output", json, NULL};
	run = th_crucible(NULL, both);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "T-PEM"));
	text = th_read(json + strlen("json="));
	assert_non_null(strstr(text, "crucible.report/v1"));
	free(text);
	th_run_free(&run);
	free(json);
	free(md);
	free(html);
	free(bundle);
}

static void test_version(void **state)
{
	th_run run;

	(void)state;
	const char *argv[] = {"version", NULL};
	run = th_crucible(NULL, argv);
	assert_int_equal(run.status, 0);
	assert_int_equal(strncmp(run.out, "crucible ", 9), 0);
	th_run_free(&run);
}

#define REPO_TEST(f) cmocka_unit_test_setup_teardown(f, setup_repo, teardown_repo)

int main(void)
{
	const struct CMUnitTest tests[] = {
		REPO_TEST(test_json_report_field_by_field),
		REPO_TEST(test_fingerprint_survives_unrelated_edit),
		REPO_TEST(test_gates_and_exit_codes),
		REPO_TEST(test_usage_errors_exit_2),
		REPO_TEST(test_hostile_policy_in_a_real_run),
		REPO_TEST(test_directory_without_git),
		REPO_TEST(test_text_report),
		REPO_TEST(test_facts_command),
		REPO_TEST(test_builtin_bundle_runs),
		REPO_TEST(test_builtin_bundle_on_a_leaky_repo),
		REPO_TEST(test_reports_are_deterministic),
		REPO_TEST(test_several_formats_in_one_run),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
