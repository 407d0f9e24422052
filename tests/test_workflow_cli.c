/*
 * test_workflow_cli.c - end to end: .crucible.yml found at the root of a
 * real git repository or given with --config, `crucible config check`,
 * params, disabled policies, severities, excludes, gates and outputs from
 * the file, waivers and their expiry, inline markers, and baselines, all
 * through the real binary and judged by its exit codes and JSON report.
 *
 * Every test works in a fresh temporary directory holding a small bundle
 * (bundle/) and a repository (repo/), so that what the policies find is
 * known exactly:
 *   T-TODO    high    fails once per line holding "TODO:", with the line
 *   T-BIG     medium  warns for files over params.max bytes (default 1000)
 *   T-README  low     fails without README.md
 */
#include "tests/helpers.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TODAY "2026-11-29"

struct world {
	char *dir;    /* holds bundle/ and repo/ */
	char *repo;
};

static const char bundle_yml[] =
	"name: wf\n"
	"version: 1.0.0\n"
	"categories:\n"
	"  - {id: code, title: Code, weight: 2}\n"
	"  - {id: docs, title: Docs, weight: 1}\n";

static const char todo_lua[] =
	"return crucible.policy{\n"
	"  id = 'T-TODO', title = 'No TODOs', category = 'code',\n"
	"  severity = 'high',\n"
	"  check = function(repo)\n"
	"    for _, m in ipairs(repo:grep('TODO:')) do\n"
	"      fail{message = 'TODO in ' .. m.path, path = m.path,\n"
	"        line = m.line, key = m.text}\n"
	"    end\n"
	"  end,\n"
	"}\n";

static const char big_lua[] =
	"return crucible.policy{\n"
	"  id = 'T-BIG', title = 'Small files', category = 'code',\n"
	"  severity = 'medium', params = {max = 1000},\n"
	"  check = function(repo, params)\n"
	"    for _, f in ipairs(repo:files{min_size = params.max + 1}) do\n"
	"      warn{message = f.path .. ' is big', path = f.path}\n"
	"    end\n"
	"  end,\n"
	"}\n";

static const char readme_lua[] =
	"return crucible.policy{\n"
	"  id = 'T-README', title = 'README', category = 'docs',\n"
	"  severity = 'low',\n"
	"  check = function(repo)\n"
	"    if not repo:file('README.md') then fail('no README.md') end\n"
	"  end,\n"
	"}\n";

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	w->dir = th_tempdir();
	th_write(w->dir, "bundle/bundle.yml", bundle_yml);
	th_write(w->dir, "bundle/todo.lua", todo_lua);
	th_write(w->dir, "bundle/big.lua", big_lua);
	th_write(w->dir, "bundle/readme.lua", readme_lua);
	assert_true(asprintf(&w->repo, "%s/repo", w->dir) > 0);
	th_write(w->dir, "repo/README.md", "# demo\n");
	th_write(w->dir, "repo/src/a.c", "int a;\nint b; /* TODO: free b */\n");
	th_write(w->dir, "repo/src/blob.c",
		"/* 300 bytes of comment to cross T-BIG's limit when it is lowered"
		" by params: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa */\n");
	th_git_init(w->repo);
	th_git_commit(w->repo, "initial", 0);
	setenv("CRUCIBLE_TODAY", TODAY, 1);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	th_rmtree(w->dir);
	free(w->dir);
	free(w->repo);
	free(w);
	unsetenv("CRUCIBLE_TODAY");
	return 0;
}

/* .crucible.yml at the root of the repository, running our bundle. */
static void write_config(struct world *w, const char *extra)
{
	char *text;

	assert_true(asprintf(&text, "bundles: [../bundle]\n%s", extra) > 0);
	th_write(w->repo, ".crucible.yml", text);
	free(text);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static th_run run(const char *cwd, const char *const *argv, int status)
{
	th_run r = th_crucible(cwd, argv);

	if (r.status != status)
		fail_msg("exit %d (want %d)\nstdout: %.3000s\nstderr: %.3000s",
			r.status, status, r.out, r.err);
	return r;
}

/* Run eval and parse its JSON report. */
static cJSON *eval_json(const char *cwd, const char *const *argv, int status)
{
	th_run r = run(cwd, argv, status);
	cJSON *doc = cJSON_Parse(r.out);

	if (!doc)
		fail_msg("not JSON: %.2000s\nstderr: %.2000s", r.out, r.err);
	th_run_free(&r);
	return doc;
}

static const cJSON *policy(const cJSON *doc, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "policies"))
		if (strcmp(cJSON_GetObjectItem(p, "id")->valuestring, id) == 0)
			return p;
	fail_msg("no policy %s", id);
	return NULL;
}

static const char *status_of(const cJSON *doc, const char *id)
{
	return cJSON_GetObjectItem(policy(doc, id), "status")->valuestring;
}

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);

	if (!cJSON_IsString(v))
		fail_msg("%s is not a string", key);
	return v->valuestring;
}

/* The findings of one policy. */
static size_t findings_of(const cJSON *doc, const char *id,
	const cJSON **out, size_t cap)
{
	const cJSON *f;
	size_t n = 0;

	cJSON_ArrayForEach(f, cJSON_GetObjectItem(doc, "findings"))
		if (strcmp(str(f, "policy"), id) == 0) {
			if (n < cap)
				out[n] = f;
			n++;
		}
	return n;
}

#define assert_contains(haystack, needle) \
	do { \
		if (!strstr((haystack), (needle))) \
			fail_msg("\"%s\" not in:\n%s", (needle), (haystack)); \
	} while (0)

/* --- finding the file ------------------------------------------------------ */

static void test_config_at_repo_root(void **state)
{
	struct world *w = *state;
	cJSON *doc;

	write_config(w,
		"disable:\n"
		"  categories: [docs]\n"
		"severity:\n"
		"  T-TODO: critical\n");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json"), 0);
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc,
		"bundles"), 0), "name"), "wf");
	assert_string_equal(status_of(doc, "T-README"), "skip");
	assert_string_equal(str(policy(doc, "T-README"), "message"),
		"disabled by config");
	assert_string_equal(str(policy(doc, "T-TODO"), "severity"), "critical");
	assert_string_equal(str(cJSON_GetObjectItem(doc, "score"), "verdict"),
		"not-ready");
	cJSON_Delete(doc);

	/* The same from inside the repository, PATH defaulting to ".". */
	doc = eval_json(w->repo, ARGS("eval", "--format", "json"), 0);
	assert_string_equal(status_of(doc, "T-README"), "skip");
	cJSON_Delete(doc);

	/* --no-config: the embedded bundle, nothing disabled. */
	doc = eval_json(w->repo, ARGS("eval", "--no-config", "--format",
				     "json"), 0);
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc,
		"bundles"), 0), "name"), "readiness");
	cJSON_Delete(doc);
}

static void test_config_option(void **state)
{
	struct world *w = *state;
	cJSON *doc;

	write_config(w, "disable: {policies: [T-TODO]}\n");
	/* Outside the repository: bundles are relative to the file. */
	th_write(w->dir, "elsewhere/audit.yml",
		"bundles: [../bundle]\ndisable: {policies: [T-BIG]}\n");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--config",
				     "elsewhere/audit.yml", "--format", "json"),
		0);
	assert_string_equal(status_of(doc, "T-BIG"), "skip");
	assert_string_equal(status_of(doc, "T-TODO"), "fail");
	cJSON_Delete(doc);
}

static void test_config_params(void **state)
{
	struct world *w = *state;
	cJSON *doc;

	write_config(w, "");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json"), 0);
	assert_string_equal(status_of(doc, "T-BIG"), "pass");
	cJSON_Delete(doc);

	write_config(w, "params:\n  T-BIG: {max: 200}\n");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json"), 0);
	assert_string_equal(status_of(doc, "T-BIG"), "warn");
	cJSON_Delete(doc);
}

static void test_symlinked_config_refused(void **state)
{
	struct world *w = *state;
	th_run r;

	th_write(w->dir, "outside.yml", "exclude: [\"x/**\"]\n");
	assert_int_equal(th_sh(w->repo, "ln -s ../outside.yml .crucible.yml"),
		0);
	r = run(w->dir, ARGS("eval", "repo", "--format", "json"), 2);
	assert_contains(r.err, ".crucible.yml is a symbolic link");
	assert_string_equal(r.out, "");
	th_run_free(&r);
	/* Named explicitly, it is the user's choice. */
	r = run(w->dir, ARGS("config", "check", "--config", "repo/.crucible.yml"),
		0);
	th_run_free(&r);
}

/* --- crucible config check ------------------------------------------------- */

static void test_config_check(void **state)
{
	struct world *w = *state;
	th_run r;

	write_config(w, "gates: {fail-on: high}\n");
	r = run(w->repo, ARGS("config", "check"), 0);
	assert_string_equal(r.out, "ok\n");
	th_run_free(&r);

	write_config(w,
		"colour: blue\n"
		"waivers:\n"
		"  - policy: T-TODO\n"
		"    reason: later\n"
		"    expires: 2026-13-01\n");
	r = run(w->dir, ARGS("config", "check", "repo"), 2);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "repo/.crucible.yml:2: unknown key \"colour\"");
	assert_contains(r.err, "repo/.crucible.yml:4: missing required key "
		"\"owner\" in waiver");
	assert_contains(r.err, "repo/.crucible.yml:6: waiver expires must be a "
		"date YYYY-MM-DD");
	th_run_free(&r);

	/* eval refuses it the same way, before evaluating anything. */
	r = run(w->dir, ARGS("eval", "repo", "--format", "json"), 2);
	assert_contains(r.err, "repo/.crucible.yml:2: unknown key \"colour\"");
	assert_string_equal(r.out, "");
	th_run_free(&r);

	th_write(w->dir, "ok.yml", "exclude: [\"vendor/**\"]\n");
	r = run(w->dir, ARGS("config", "check", "--config", "ok.yml"), 0);
	assert_string_equal(r.out, "ok\n");
	th_run_free(&r);

	th_write(w->dir, "nobundle.yml", "bundles: [missing]\n");
	r = run(w->dir, ARGS("config", "check", "--config", "nobundle.yml"), 2);
	assert_contains(r.err, "nobundle.yml:1: bundle: ");
	th_run_free(&r);

	r = run(w->dir, ARGS("config", "check", "--config", "absent.yml"), 2);
	th_run_free(&r);
	r = run(w->dir, ARGS("config", "check"), 2);
	assert_contains(r.err, "no .crucible.yml in .");
	th_run_free(&r);
	r = run(w->dir, ARGS("config", "frobnicate"), 2);
	th_run_free(&r);
}

/* --- gates and outputs ----------------------------------------------------- */

static void test_config_gates_and_flags(void **state)
{
	struct world *w = *state;
	th_run r;

	write_config(w, "gates:\n  fail-on: high\n");
	r = run(w->dir, ARGS("eval", "repo", "--format", "json"), 1);
	assert_contains(r.err, "T-TODO (high) failed");
	th_run_free(&r);
	/* The command line wins. */
	r = run(w->dir, ARGS("eval", "repo", "--format", "json", "--fail-on",
			    "critical"), 0);
	th_run_free(&r);

	write_config(w, "gates:\n  fail-under: 100\n");
	r = run(w->dir, ARGS("eval", "repo", "--format", "json"), 1);
	th_run_free(&r);
	r = run(w->dir, ARGS("eval", "repo", "--format", "json", "--fail-under",
			    "0"), 0);
	th_run_free(&r);
}

static void test_config_outputs(void **state)
{
	struct world *w = *state;
	char *path, *text;
	cJSON *doc;
	th_run r;

	write_config(w, "output: [json=out.json]\n");
	r = run(w->dir, ARGS("eval", "repo"), 0);
	assert_string_equal(r.out, "");
	th_run_free(&r);
	assert_true(asprintf(&path, "%s/out.json", w->repo) > 0);
	text = th_read(path);
	assert_non_null(text);
	doc = cJSON_Parse(text);
	assert_non_null(doc);
	assert_string_equal(str(doc, "schema"), "crucible.report/v1");
	cJSON_Delete(doc);
	free(text);
	unlink(path);

	/* --format replaces the file's outputs. */
	r = run(w->dir, ARGS("eval", "repo", "--format", "json"), 0);
	assert_non_null(strstr(r.out, "crucible.report/v1"));
	assert_null(th_read(path));
	th_run_free(&r);
	free(path);
}

/* --- exclude --------------------------------------------------------------- */

static void test_exclude(void **state)
{
	struct world *w = *state;
	const cJSON *found[4];
	cJSON *doc;

	write_config(w, "exclude: [\"src/a.*\"]\n");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--fail-on", "high"), 0);
	assert_int_equal(findings_of(doc, "T-TODO", found, 4), 0);
	assert_string_equal(status_of(doc, "T-TODO"), "pass");
	cJSON_Delete(doc);
}

/* --- waivers --------------------------------------------------------------- */

static const char waiver[] =
	"waivers:\n"                                 /* 2 */
	"  - policy: T-TODO\n"                       /* 3 */
	"    path: \"src/**\"\n"
	"    reason: tracked in JIRA-42\n"
	"    owner: alice\n"
	"    expires: 2026-11-29\n";

static void test_waiver(void **state)
{
	struct world *w = *state;
	const cJSON *found[4];
	cJSON *doc;

	write_config(w, "");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--fail-on", "high"), 1);
	assert_string_equal(status_of(doc, "T-TODO"), "fail");
	cJSON_Delete(doc);

	write_config(w, waiver);
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--fail-on", "high"), 0);
	assert_string_equal(status_of(doc, "T-TODO"), "pass");
	assert_string_equal(str(policy(doc, "T-TODO"), "message"),
		"1 finding waived");
	assert_int_equal(findings_of(doc, "T-TODO", found, 4), 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(found[0], "waived")));
	cJSON_Delete(doc);
}

static void test_expired_waiver(void **state)
{
	struct world *w = *state;
	const cJSON *found[4];
	cJSON *doc, *loc;
	th_run r;

	write_config(w, waiver);
	setenv("CRUCIBLE_TODAY", "2026-11-30", 1);
	/* No gate asked for, yet the run fails. */
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json"), 1);
	assert_string_equal(status_of(doc, "T-TODO"), "fail");
	assert_string_equal(status_of(doc, "CRUCIBLE-WAIVER-EXPIRED"), "fail");
	assert_int_equal(findings_of(doc, "CRUCIBLE-WAIVER-EXPIRED", found, 4),
		1);
	loc = cJSON_GetArrayItem(cJSON_GetObjectItem(found[0], "locations"), 0);
	assert_string_equal(str(loc, "path"), ".crucible.yml");
	assert_int_equal(cJSON_GetObjectItem(loc, "line")->valueint, 3);
	assert_contains(str(found[0], "message"), "expired on 2026-11-29");
	cJSON_Delete(doc);

	setenv("CRUCIBLE_TODAY", "yesterday", 1);
	r = run(w->dir, ARGS("eval", "repo", "--format", "json"), 2);
	assert_contains(r.err, "CRUCIBLE_TODAY must be a date YYYY-MM-DD");
	th_run_free(&r);
}

/* --- inline markers -------------------------------------------------------- */

static void test_inline_markers(void **state)
{
	struct world *w = *state;
	cJSON *doc;

	write_config(w, "");
	th_write(w->repo, "src/a.c",
		"int a;\n"
		"/* crucible:ignore T-TODO freed at exit */\n"
		"int b; /* TODO: free b */\n");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--fail-on", "high"), 0);
	assert_string_equal(status_of(doc, "T-TODO"), "pass");
	assert_string_equal(str(policy(doc, "T-TODO"), "message"),
		"1 finding suppressed inline");
	cJSON_Delete(doc);

	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--fail-on", "high", "--no-inline-ignores"),
		1);
	assert_string_equal(status_of(doc, "T-TODO"), "fail");
	cJSON_Delete(doc);

	write_config(w, "inline-ignores: false\n");
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--fail-on", "high"), 1);
	assert_string_equal(status_of(doc, "T-TODO"), "fail");
	cJSON_Delete(doc);
}

/* --- baselines ------------------------------------------------------------- */

static void test_baseline(void **state)
{
	struct world *w = *state;
	const cJSON *found[4];
	char *base, *text;
	cJSON *doc;
	th_run r;

	write_config(w, "");
	assert_true(asprintf(&base, "%s/base.json", w->dir) > 0);
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--write-baseline", base), 0);
	cJSON_Delete(doc);
	text = th_read(base);
	assert_non_null(text);
	assert_contains(text, "\"schema\": \"crucible.baseline/v1\"");
	assert_contains(text, "{\"policy\":\"T-TODO\",\"path\":\"src/a.c\"");
	free(text);

	/* Nothing new: the known TODO does not fail the gate. */
	doc = eval_json(w->dir, ARGS("eval", "repo", "--format", "json",
				     "--baseline", base, "--fail-on", "high"), 0);
	assert_string_equal(status_of(doc, "T-TODO"), "pass");
	assert_string_equal(str(policy(doc, "T-TODO"), "message"),
		"1 finding unchanged from the baseline");
	cJSON_Delete(doc);

	/* Moving the old TODO keeps it known; a new one fails. */
	th_write(w->repo, "src/a.c",
		"int a;\n\n\nint b; /* TODO: free b */\n");
	th_write(w->repo, "src/c.c", "int c; // TODO: new work\n");
	th_git_commit(w->repo, "more", 60);
	r = run(w->dir, ARGS("eval", "repo", "--format", "json", "--baseline",
			    base, "--fail-on", "high"), 1);
	assert_contains(r.err, "T-TODO (high) failed");
	doc = cJSON_Parse(r.out);
	assert_int_equal(findings_of(doc, "T-TODO", found, 4), 2);
	cJSON_Delete(doc);
	th_run_free(&r);

	/* Fix the new one: back to passing. */
	th_write(w->repo, "src/c.c", "int c;\n");
	r = run(w->dir, ARGS("eval", "repo", "--format", "json", "--baseline",
			    base, "--fail-on", "high"), 0);
	th_run_free(&r);

	/* A missing or broken baseline is a usage error. */
	r = run(w->dir, ARGS("eval", "repo", "--format", "json", "--baseline",
			    "nope.json"), 2);
	assert_string_equal(r.out, "");
	th_run_free(&r);
	th_write(w->dir, "bad.json", "{\"schema\": \"other\"}");
	r = run(w->dir, ARGS("eval", "repo", "--format", "json", "--baseline",
			    "bad.json"), 2);
	assert_contains(r.err, "not a crucible baseline");
	th_run_free(&r);
	free(base);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config_at_repo_root),
		T(test_config_option),
		T(test_config_params),
		T(test_symlinked_config_refused),
		T(test_config_check),
		T(test_config_gates_and_flags),
		T(test_config_outputs),
		T(test_exclude),
		T(test_waiver),
		T(test_expired_waiver),
		T(test_inline_markers),
		T(test_baseline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
