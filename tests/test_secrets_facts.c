/*
 * test_secrets_facts.c - the secrets collector (facts/secrets*.c) on real
 * git repositories: secrets at HEAD and in history with the commit that
 * introduced them, blobs scanned once, --since, sensitive files and
 * directories (deleted ones too), skipped files, the result cache
 * (warm, corrupt, off), inline suppression; and, through the real
 * binary, that no output format ever shows a secret unless --no-redact.
 *
 * Every test has its own $XDG_CACHE_HOME, so runs never share a cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crucible/facts.h"
#include "crucible/graph.h"
#include "helpers.h"

#define AWS_KEY "AKIAQ3EGTZ5NW7XK2BLD"
#define GH_TOKEN "ghp_R8vQ2mXz7LkP4nW9tY3bC6dF1gH5jK0sA2eU"

struct fixture {
	char *dir;      /* the repository */
	char *cache;    /* its $XDG_CACHE_HOME */
	cr_graph *g;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *base = th_tempdir();

	assert_non_null(f);
	assert_true(asprintf(&f->dir, "%s/repo", base) > 0);
	assert_true(asprintf(&f->cache, "%s/cache", base) > 0);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	setenv("XDG_CACHE_HOME", f->cache, 1);
	free(base);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *base = strdup(f->dir);

	*strrchr(base, '/') = '\0';
	cr_graph_free(f->g);
	th_rmtree(base);
	free(base);
	free(f->dir);
	free(f->cache);
	free(f);
	return 0;
}

/* Collect f->dir's facts (replacing the last graph). */
static void collect(struct fixture *f, const cr_facts_options *o)
{
	cr_ctx *ctx;
	int rc;

	cr_graph_free(f->g);
	f->g = NULL;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	rc = cr_facts_collect_with(&f->g, ctx, f->dir, o);
	if (rc != CR_OK)
		fail_msg("collect: %s", cr_ctx_error(ctx));
	cr_ctx_free(ctx);
}

static void collect_default(struct fixture *f)
{
	collect(f, NULL);
}

/* The only node of `kind` at `path`; fails when there is not exactly
 * one. */
static cr_node_id only_node(const cr_graph *g, const char *kind,
	const char *path)
{
	size_t n, found = 0;
	const cr_node_id *ids = cr_graph_nodes(g, kind, &n);
	cr_node_id id = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(cr_node_path(g, ids[i]), path) == 0) {
			id = ids[i];
			found++;
		}
	if (found != 1)
		fail_msg("%zu %s nodes at %s", found, kind, path);
	return id;
}

static size_t count_nodes(const cr_graph *g, const char *kind)
{
	size_t n;

	cr_graph_nodes(g, kind, &n);
	return n;
}

static int64_t scan_stat(const cr_graph *g, const char *key)
{
	size_t n;
	const cr_node_id *ids = cr_graph_nodes(g, "secrets_scan", &n);

	assert_int_equal(n, 1);
	return cr_node_int(g, ids[0], key, -1);
}

/* `git rev-parse REV` in dir. */
static char *rev_parse(const char *dir, const char *rev)
{
	char *out, *path, *base = strdup(dir);

	*strrchr(base, '/') = '\0';
	assert_true(asprintf(&path, "%s/rev", base) > 0);
	assert_int_equal(th_sh(dir, "git rev-parse %s > '%s'", rev, path), 0);
	out = th_read(path);
	assert_non_null(out);
	out[strcspn(out, "\n")] = '\0';
	free(path);
	free(base);
	return out;
}

/* --- history ------------------------------------------------------------- */

static void test_secret_only_in_history(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;
	char *first;

	th_git_init(f->dir);
	th_write(f->dir, "config.py", "aws_key = '" AWS_KEY "'\n");
	th_write(f->dir, "README.md", "hello\n");
	th_git_commit(f->dir, "add config", 86400);
	first = rev_parse(f->dir, "HEAD");
	th_sh(f->dir, "git rm -q config.py");
	th_git_commit(f->dir, "remove it", 2 * 86400);
	collect_default(f);

	id = only_node(f->g, "secret", "config.py");
	assert_false(cr_node_bool(f->g, id, "at_head", true));
	assert_true(cr_node_bool(f->g, id, "in_history", false));
	assert_string_equal(cr_node_str(f->g, id, "commit", ""), first);
	assert_string_equal(cr_node_str(f->g, id, "author_date", ""),
		"2024-01-02T00:00:00Z");
	assert_string_equal(cr_node_str(f->g, id, "rule", ""),
		"aws-access-key-id");
	assert_int_equal(cr_node_line(f->g, id), 1);
	assert_non_null(strstr(cr_node_str(f->g, id, "redacted", ""),
		"20 chars"));
	assert_false(cr_node_attr(f->g, id, "value", &(cr_value){0}));
	assert_int_equal(scan_stat(f->g, "commits"), 2);
	free(first);
}

static void test_secret_at_head_and_in_history(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;
	char *first;

	th_git_init(f->dir);
	th_write(f->dir, "app.py", "TOKEN = '" GH_TOKEN "'\n");
	th_git_commit(f->dir, "one", 0);
	first = rev_parse(f->dir, "HEAD");
	/* The same secret moves down a line: a new blob, not a new secret. */
	th_write(f->dir, "app.py", "# settings\nTOKEN = '" GH_TOKEN "'\n");
	th_git_commit(f->dir, "two", 3600);
	collect_default(f);

	assert_int_equal(count_nodes(f->g, "secret"), 1);
	id = only_node(f->g, "secret", "app.py");
	assert_true(cr_node_bool(f->g, id, "at_head", false));
	assert_true(cr_node_bool(f->g, id, "in_history", false));
	assert_string_equal(cr_node_str(f->g, id, "commit", ""), first);
	assert_int_equal(cr_node_line(f->g, id), 2);
	free(first);
}

static void test_each_blob_scanned_once(void **state)
{
	struct fixture *f = *state;
	char text[32];

	th_git_init(f->dir);
	th_write(f->dir, "same.txt", "unchanged in every commit\n");
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof text, "version %d\n", i);
		th_write(f->dir, "changing.txt", text);
		th_git_commit(f->dir, "step", i * 60);
	}
	/* A branch that re-adds an old blob brings nothing new. */
	th_sh(f->dir, "git checkout -q -b side && echo 'version 0' > "
		"changing.txt");
	th_git_commit(f->dir, "back", 600);
	collect_default(f);
	assert_int_equal(scan_stat(f->g, "commits"), 6);
	assert_int_equal(scan_stat(f->g, "blobs_scanned") +
		scan_stat(f->g, "blobs_cached"), 6);
}

static void test_since_bounds_the_walk(void **state)
{
	struct fixture *f = *state;
	cr_facts_options o;

	th_git_init(f->dir);
	th_write(f->dir, "old.py", "key = '" AWS_KEY "'\n");
	th_git_commit(f->dir, "old", 0);                  /* 2024-01-01 */
	th_sh(f->dir, "git rm -q old.py");
	th_write(f->dir, "new.py", "token = '" GH_TOKEN "'\n");
	th_git_commit(f->dir, "new", 40 * 86400);         /* 2024-02-10 */
	th_sh(f->dir, "git rm -q new.py");
	th_git_commit(f->dir, "gone", 41 * 86400);
	cr_facts_options_default(&o);
	o.since = "2024-02-01";
	collect(f, &o);
	assert_int_equal(scan_stat(f->g, "commits"), 2);
	assert_int_equal(count_nodes(f->g, "secret"), 1);
	only_node(f->g, "secret", "new.py");

	o.since = "2024-02-10T00:00:01Z";
	collect(f, &o);
	assert_int_equal(scan_stat(f->g, "commits"), 1);
	assert_int_equal(count_nodes(f->g, "secret"), 0);

	o.collectors &= ~(unsigned)CR_FACTS_HISTORY;
	o.since = NULL;
	collect(f, &o);
	assert_int_equal(scan_stat(f->g, "commits"), 0);
	assert_int_equal(count_nodes(f->g, "secret"), 0);
}

static void test_bad_since_is_a_usage_error(void **state)
{
	struct fixture *f = *state;
	cr_facts_options o;
	cr_graph *g = NULL;
	cr_ctx *ctx;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "a\n");
	th_git_commit(f->dir, "a", 0);
	cr_facts_options_default(&o);
	o.since = "last tuesday-ish";
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_facts_collect_with(&g, ctx, f->dir, &o),
		CR_EINVAL);
	assert_non_null(strstr(cr_ctx_error(ctx), "--since"));
	cr_ctx_free(ctx);
}

/* --- sensitive files ----------------------------------------------------- */

static void test_sensitive_files_and_deleted_dir(void **state)
{
	struct fixture *f = *state;
	char path[64];
	cr_node_id id;

	th_git_init(f->dir);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "secrets/s%d.yaml", i);
		th_write(f->dir, path, "token: abc\n");
	}
	th_write(f->dir, "secrets/README.md", "what lives here\n");
	th_write(f->dir, "deploy/id_rsa", "key\n");
	th_write(f->dir, "deploy/id_rsa.pub", "ssh-rsa AAAA\n");
	th_write(f->dir, ".env.example", "A=\n");
	th_write(f->dir, ".npmrc", "registry=https://r.example\n");
	th_write(f->dir, "creds/.npmrc", "//r/:_authToken=abcdef123\n");
	th_write(f->dir, "infra/prod.tfstate", "{}\n");
	th_write(f->dir, "sa.json", "{\"type\": \"service_account\", "
		"\"private_key\": \"-----BEGIN...\"}\n");
	th_write(f->dir, "package.json", "{\"name\": \"x\"}\n");
	th_git_commit(f->dir, "leak", 0);
	th_sh(f->dir, "git rm -q secrets/s0.yaml secrets/s1.yaml "
		"infra/prod.tfstate");
	th_git_commit(f->dir, "clean up a bit", 60);
	collect_default(f);

	id = only_node(f->g, "sensitive_dir", "secrets/");
	assert_int_equal(cr_node_int(f->g, id, "files", -1), 2);
	assert_int_equal(cr_node_int(f->g, id, "deleted_files", -1), 2);
	id = only_node(f->g, "sensitive_file", "secrets/s0.yaml");
	assert_false(cr_node_bool(f->g, id, "at_head", true));
	assert_true(cr_node_bool(f->g, id, "in_history", false));
	assert_string_equal(cr_node_str(f->g, id, "category", ""),
		"secrets_dir");
	id = only_node(f->g, "sensitive_file", "secrets/s3.yaml");
	assert_true(cr_node_bool(f->g, id, "at_head", false));
	assert_true(cr_node_bool(f->g, id, "in_history", false));
	id = only_node(f->g, "sensitive_file", "infra/prod.tfstate");
	assert_string_equal(cr_node_str(f->g, id, "category", ""),
		"terraform_state");
	assert_false(cr_node_bool(f->g, id, "at_head", true));
	assert_string_equal(cr_node_str(f->g, id, "category", ""),
		"terraform_state");
	id = only_node(f->g, "sensitive_file", "deploy/id_rsa");
	assert_string_equal(cr_node_str(f->g, id, "category", ""),
		"private_key");
	id = only_node(f->g, "sensitive_file", "creds/.npmrc");
	assert_string_equal(cr_node_str(f->g, id, "category", ""), "npmrc");
	id = only_node(f->g, "sensitive_file", "sa.json");
	assert_string_equal(cr_node_str(f->g, id, "category", ""),
		"cloud_credentials");
	/* 2 + 2 in secrets/, id_rsa, creds/.npmrc, tfstate, sa.json. */
	assert_int_equal(count_nodes(f->g, "sensitive_file"), 8);
}

/* --- skipped files -------------------------------------------------------- */

static void test_binary_and_large_files_skipped(void **state)
{
	struct fixture *f = *state;

	th_write(f->dir, "a.txt", "plain\n");
	assert_int_equal(th_sh(f->dir, "printf 'x\\0y" AWS_KEY "' > "
		"blob.bin && head -c 9000000 /dev/zero | tr '\\0' a > big.txt "
		"&& echo '" AWS_KEY "' >> big.txt"), 0);
	collect_default(f);
	assert_int_equal(scan_stat(f->g, "skipped_binary"), 1);
	assert_int_equal(scan_stat(f->g, "skipped_large"), 1);
	assert_int_equal(scan_stat(f->g, "files_scanned"), 1);
	assert_int_equal(count_nodes(f->g, "secret"), 0);
}

static void test_suppressed_secret(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;

	th_write(f->dir, "fixture.py", "key = '" AWS_KEY "'  "
		"# crucible:allow-secret test data\n");
	th_write(f->dir, "real.py", "token = '" GH_TOKEN "'\n");
	collect_default(f);
	id = only_node(f->g, "secret", "fixture.py");
	assert_true(cr_node_bool(f->g, id, "suppressed", false));
	id = only_node(f->g, "secret", "real.py");
	assert_false(cr_node_bool(f->g, id, "suppressed", true));
}

/* --- the cache ------------------------------------------------------------- */

static char *only_cache_file(const char *cache)
{
	char *dir, *list, *path;

	assert_true(asprintf(&dir, "%s/crucible/secrets", cache) > 0);
	assert_int_equal(th_sh(dir, "ls *.cache > ../list"), 0);
	assert_true(asprintf(&path, "%s/crucible/list", cache) > 0);
	list = th_read(path);
	free(path);
	assert_non_null(list);
	/* Exactly one line: one cache file for the repository. */
	assert_ptr_equal(strchr(list, '\n'), list + strlen(list) - 1);
	list[strcspn(list, "\n")] = '\0';
	assert_true(asprintf(&path, "%s/%s", dir, list) > 0);
	free(dir);
	free(list);
	return path;
}

static void history_with_secrets(struct fixture *f)
{
	th_git_init(f->dir);
	th_write(f->dir, "a.py", "key = '" AWS_KEY "'\n");
	th_write(f->dir, "b.txt", "b\n");
	th_git_commit(f->dir, "one", 0);
	th_write(f->dir, "b.txt", "bb\n");
	th_git_commit(f->dir, "two", 60);
}

static void test_cache_warm_run_scans_no_blob(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;

	history_with_secrets(f);
	collect_default(f);
	assert_int_equal(scan_stat(f->g, "blobs_scanned"), 3);
	assert_int_equal(scan_stat(f->g, "blobs_cached"), 0);
	collect_default(f);
	assert_int_equal(scan_stat(f->g, "blobs_scanned"), 0);
	assert_int_equal(scan_stat(f->g, "blobs_cached"), 3);
	/* What the cache answered is what a scan found. */
	id = only_node(f->g, "secret", "a.py");
	assert_true(cr_node_bool(f->g, id, "in_history", false));
	assert_int_equal(cr_node_int(f->g, id, "column", 0), 8);
	assert_non_null(strstr(cr_node_str(f->g, id, "redacted", ""),
		"AKIA..."));
}

static void test_corrupt_cache_is_rebuilt(void **state)
{
	struct fixture *f = *state;
	static const char *const damage[] = {
		"printf 'garbage' > '%s'",
		"truncate -s 100 '%s'",
		"printf 'X' | dd of='%s' bs=1 seek=120 conv=notrunc 2>/dev/null",
	};
	char *path;

	history_with_secrets(f);
	collect_default(f);
	path = only_cache_file(f->cache);
	for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
		assert_int_equal(th_sh(f->dir, damage[i], path), 0);
		collect_default(f);
		assert_int_equal(scan_stat(f->g, "blobs_scanned"), 3);
		only_node(f->g, "secret", "a.py");
		collect_default(f);
		assert_int_equal(scan_stat(f->g, "blobs_scanned"), 0);
	}
	free(path);
}

static void test_no_cache(void **state)
{
	struct fixture *f = *state;
	cr_facts_options o;
	struct stat st;
	char *dir;

	history_with_secrets(f);
	cr_facts_options_default(&o);
	o.cache = false;
	collect(f, &o);
	collect(f, &o);
	assert_int_equal(scan_stat(f->g, "blobs_scanned"), 3);
	assert_true(asprintf(&dir, "%s/crucible/secrets", f->cache) > 0);
	assert_int_not_equal(stat(dir, &st), 0);
	free(dir);
}

/* --- redaction through the real binary ------------------------------------ */

static void assert_no_secret(const char *text, const char *what)
{
	if (strstr(text, AWS_KEY) || strstr(text, GH_TOKEN))
		fail_msg("%s shows a full secret", what);
}

static void test_no_output_shows_a_secret(void **state)
{
	struct fixture *f = *state;
	static const char *const formats[] = {
		"text", "json", "sarif", "markdown", "html", "junit",
	};
	th_run r;

	th_git_init(f->dir);
	th_write(f->dir, "old.py", "key = '" AWS_KEY "'\n");
	th_git_commit(f->dir, "one", 0);
	th_sh(f->dir, "git rm -q old.py");
	th_write(f->dir, "app.py", "token = '" GH_TOKEN "'\n");
	th_git_commit(f->dir, "two", 60);
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		const char *argv[] = { "eval", f->dir, "--format", formats[i],
			"--verbose", NULL };

		r = th_crucible(NULL, argv);
		assert_int_equal(r.status, 0);
		assert_non_null(strstr(r.out, "SEC-HISTORY"));
		assert_no_secret(r.out, formats[i]);
		assert_no_secret(r.err, formats[i]);
		th_run_free(&r);
	}
	const char *facts[] = { "facts", f->dir, NULL };
	r = th_crucible(NULL, facts);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"redacted\""));
	assert_null(strstr(r.out, "\"value\""));
	assert_no_secret(r.out, "facts");
	th_run_free(&r);

	const char *plain[] = { "facts", f->dir, "--no-redact", NULL };
	r = th_crucible(NULL, plain);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, AWS_KEY));
	assert_non_null(strstr(r.out, GH_TOKEN));
	th_run_free(&r);

	const char *bad[] = { "facts", f->dir, "--history=some", NULL };
	r = th_crucible(NULL, bad);
	assert_int_equal(r.status, 2);
	th_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secret_only_in_history,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_secret_at_head_and_in_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_blob_scanned_once,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_since_bounds_the_walk,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_since_is_a_usage_error, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_sensitive_files_and_deleted_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_binary_and_large_files_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suppressed_secret,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_cache_warm_run_scans_no_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_cache_is_rebuilt,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cache, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_no_output_shows_a_secret, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
