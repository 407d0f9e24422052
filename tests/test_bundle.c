/*
 * test_bundle.c - loading bundles: bundle.yml validation, module
 * discovery and compilation, libraries, params, digests, and the
 * embedded readiness bundle.  Fixtures live in tests/fixtures/bundles/;
 * cases that need odd files (oversized, symlinks) build a temp dir.
 */
#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crucible/bundle.h"

#define BUNDLES CRUCIBLE_FIXTURES "/bundles"

struct fixture {
	cr_ctx *ctx;
	cr_bundle *bundle;
	char *tmp;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&f->ctx), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cr_bundle_free(f->bundle);
	cr_ctx_free(f->ctx);
	if (f->tmp) {
		th_rmtree(f->tmp);
		free(f->tmp);
	}
	free(f);
	return 0;
}

static int load_fixture(struct fixture *f, const char *name)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", BUNDLES, name);
	return cr_bundle_load_dir(&f->bundle, f->ctx, path);
}

/* Load a fixture that must be refused, and return the message. */
static const char *refused(struct fixture *f, const char *name)
{
	assert_int_equal(load_fixture(f, name), CR_EBUNDLE);
	assert_null(f->bundle);
	assert_int_equal(cr_ctx_code(f->ctx), CR_EBUNDLE);
	return cr_ctx_error(f->ctx);
}

static size_t count_lines(const char *s)
{
	size_t n = *s ? 1 : 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* --- a valid bundle ------------------------------------------------------ */

static void test_valid_metadata(void **state)
{
	struct fixture *f = *state;
	const cr_category_def *c;

	assert_int_equal(load_fixture(f, "valid"), 0);
	assert_string_equal(cr_bundle_name(f->bundle), "valid-bundle");
	assert_string_equal(cr_bundle_version(f->bundle), "1.2.3");
	assert_string_equal(cr_bundle_description(f->bundle),
		"A fixture bundle for tests/test_bundle.c.");
	assert_string_equal(cr_bundle_origin(f->bundle), BUNDLES "/valid");
	assert_int_equal(cr_bundle_category_count(f->bundle), 2);
	c = cr_bundle_category(f->bundle, 0);
	assert_string_equal(c->id, "security");
	assert_string_equal(c->title, "Security");
	assert_true(c->weight == 30.0);
	c = cr_bundle_category(f->bundle, 1);
	assert_string_equal(c->id, "docs");
	assert_true(c->weight == 10.5);
	assert_null(cr_bundle_category(f->bundle, 2));
	assert_ptr_equal(cr_bundle_find_category(f->bundle, "docs"), c);
	assert_null(cr_bundle_find_category(f->bundle, "nope"));
}

static void test_policies_sorted_hidden_skipped(void **state)
{
	struct fixture *f = *state;
	const cr_module *m;

	assert_int_equal(load_fixture(f, "valid"), 0);
	/* lib/ holds libraries; .hidden/ and .ignored.lua are never read
	 * (they are not even Lua); notes.md is not a module. */
	assert_int_equal(cr_bundle_policy_count(f->bundle), 3);
	assert_string_equal(cr_bundle_policy(f->bundle, 0)->path, "a.lua");
	assert_string_equal(cr_bundle_policy(f->bundle, 1)->path,
		"checks/b.lua");
	m = cr_bundle_policy(f->bundle, 2);
	assert_string_equal(m->path, "z/last.lua");
	assert_int_equal(m->len, strlen(m->source));
	assert_non_null(strstr(m->source, "CHECK-Z"));
	assert_null(cr_bundle_policy(f->bundle, 3));
}

static void test_library_lookup(void **state)
{
	struct fixture *f = *state;
	const cr_module *m;

	assert_int_equal(load_fixture(f, "valid"), 0);
	m = cr_bundle_library(f->bundle, "a.b");
	assert_non_null(m);
	assert_string_equal(m->path, "lib/a/b.lua");
	assert_non_null(strstr(m->source, "name = \"a.b\""));
	m = cr_bundle_library(f->bundle, "util");
	assert_non_null(m);
	assert_string_equal(m->path, "lib/util.lua");
	assert_null(cr_bundle_library(f->bundle, "a"));
	assert_null(cr_bundle_library(f->bundle, "a/b"));
	assert_null(cr_bundle_library(f->bundle, "a..b"));
	assert_null(cr_bundle_library(f->bundle, ".util"));
	assert_null(cr_bundle_library(f->bundle, "util."));
	assert_null(cr_bundle_library(f->bundle, ""));
	assert_null(cr_bundle_library(f->bundle, "lib.util"));
	/* a policy module is not a library */
	assert_null(cr_bundle_library(f->bundle, "checks.b"));
}

static void test_params_as_json(void **state)
{
	struct fixture *f = *state;
	const cJSON *p, *item;

	assert_int_equal(load_fixture(f, "valid"), 0);
	p = cr_bundle_params(f->bundle, "CHECK-A");
	assert_non_null(p);
	assert_true(cJSON_IsObject(p));
	item = cJSON_GetObjectItemCaseSensitive(p, "count");
	assert_true(cJSON_IsNumber(item) && item->valuedouble == 3);
	item = cJSON_GetObjectItemCaseSensitive(p, "ratio");
	assert_true(cJSON_IsNumber(item) && item->valuedouble == 0.25);
	item = cJSON_GetObjectItemCaseSensitive(p, "hex");
	assert_true(cJSON_IsNumber(item) && item->valuedouble == 31);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p,
		"enabled")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p,
		"disabled")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p,
		"nothing")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p,
		"tilde")));
	item = cJSON_GetObjectItemCaseSensitive(p, "quoted");
	assert_true(cJSON_IsString(item));
	assert_string_equal(item->valuestring, "42");
	item = cJSON_GetObjectItemCaseSensitive(p, "word");
	assert_string_equal(cJSON_GetStringValue(item), "hello");
	item = cJSON_GetObjectItemCaseSensitive(p, "list");
	assert_true(cJSON_IsArray(item));
	assert_int_equal(cJSON_GetArraySize(item), 3);
	assert_true(cJSON_GetArrayItem(item, 0)->valuedouble == 1);
	assert_string_equal(cJSON_GetArrayItem(item, 1)->valuestring, "two");
	assert_true(cJSON_GetArrayItem(item, 2)->valuedouble == 3.5);
	item = cJSON_GetObjectItemCaseSensitive(p, "nested");
	assert_true(cJSON_GetObjectItemCaseSensitive(item, "depth")
			->valuedouble == 2);

	p = cr_bundle_params(f->bundle, "CHECK-B");
	assert_true(cJSON_IsObject(p));
	assert_null(p->child);
	assert_null(cr_bundle_params(f->bundle, "CHECK-Z"));
	assert_null(cr_bundle_params(f->bundle, "check-a"));
}

/* --- bundle.yml problems ------------------------------------------------- */

static void test_missing_name(void **state)
{
	const char *msg = refused(*state, "missing-name");

	assert_string_equal(msg,
		"bundle.yml:1: missing required key \"name\" in bundle.yml");
}

static void test_bad_weights(void **state)
{
	const char *msg = refused(*state, "bad-weight");

	assert_int_equal(count_lines(msg), 4);
	assert_non_null(strstr(msg, "bundle.yml:6: category weight must be "
		"a number greater than 0"));
	assert_non_null(strstr(msg, "bundle.yml:9: "));
	assert_non_null(strstr(msg, "bundle.yml:12: "));
	assert_non_null(strstr(msg, "bundle.yml:15: "));
}

static void test_duplicate_category(void **state)
{
	const char *msg = refused(*state, "duplicate-category");

	assert_string_equal(msg,
		"bundle.yml:6: duplicate category id \"security\"");
}

static void test_unknown_keys(void **state)
{
	const char *msg = refused(*state, "unknown-key");

	assert_int_equal(count_lines(msg), 2);
	assert_non_null(strstr(msg, "bundle.yml:3: unknown key "
		"\"requires_crucible\" in bundle.yml"));
	assert_non_null(strstr(msg, "bundle.yml:8: unknown key \"colour\" "
		"in category"));
}

static void test_yaml_syntax_error(void **state)
{
	const char *msg = refused(*state, "yaml-syntax");

	/* the unterminated quote opens on line 5; libyaml reports where
	 * the scan ended */
	assert_int_equal(strncmp(msg, "bundle.yml:", 11), 0);
	assert_true(atoi(msg + 11) >= 5);
	assert_non_null(strstr(msg, "quoted scalar"));
}

static void test_every_problem_at_once(void **state)
{
	const char *msg = refused(*state, "many-problems");

	assert_int_equal(count_lines(msg), 4);
	assert_non_null(strstr(msg, "bundle.yml:1: name \"Many Problems\" "
		"must match [a-z0-9._-]+"));
	assert_non_null(strstr(msg, "bundle.yml:5: category weight"));
	assert_non_null(strstr(msg, "bundle.yml:6: unknown key \"colour\""));
	assert_non_null(strstr(msg, "missing required key \"version\""));
}

static void test_alias_bomb_refused(void **state)
{
	const char *msg = refused(*state, "alias-bomb");

	assert_string_equal(msg, "bundle.yml:8: aliases are not allowed");
}

/* --- module problems ----------------------------------------------------- */

static void test_lua_syntax_error(void **state)
{
	const char *msg = refused(*state, "lua-syntax");

	/* Lua's own message, with the chunk name the sandbox uses */
	assert_int_equal(strncmp(msg, "lua-syntax/checks/broken.lua:3:", 31),
		0);
	assert_int_equal(count_lines(msg), 1);
}

static void test_binary_chunk_refused(void **state)
{
	const char *msg = refused(*state, "binary-chunk");

	assert_string_equal(msg, "binary-chunk/compiled.lua: precompiled "
		"(binary) chunks are not allowed; ship Lua source");
}

static void test_no_policy_modules(void **state)
{
	const char *msg = refused(*state, "no-policies");

	assert_non_null(strstr(msg, "no policy modules"));
	assert_int_equal(count_lines(msg), 1);
}

static void test_missing_directory(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load_fixture(f, "does-not-exist"), CR_EIO);
	assert_null(f->bundle);
	assert_non_null(strstr(cr_ctx_error(f->ctx), "does-not-exist"));
}

/* --- directories with odd entries ---------------------------------------- */

static const char minimal_yml[] =
	"name: tmp\nversion: '1'\ncategories:\n"
	"  - {id: security, title: Security, weight: 1}\n";
static const char minimal_policy[] = "return crucible.policy{}\n";

static void make_minimal(struct fixture *f)
{
	f->tmp = th_tempdir();
	th_write(f->tmp, "bundle.yml", minimal_yml);
	th_write(f->tmp, "a.lua", minimal_policy);
}

static void test_oversized_file_refused(void **state)
{
	struct fixture *f = *state;
	char *path;
	FILE *big;

	make_minimal(f);
	assert_true(asprintf(&path, "%s/big.lua", f->tmp) > 0);
	big = fopen(path, "wb");
	assert_non_null(big);
	for (int i = 0; i < 1024 * 1024 + 1; i++)
		fputc('-', big);
	fclose(big);
	free(path);
	assert_int_equal(cr_bundle_load_dir(&f->bundle, f->ctx, f->tmp),
		CR_EBUNDLE);
	assert_non_null(strstr(cr_ctx_error(f->ctx), "big.lua: 1048577 bytes, "
		"larger than the 1048576 bytes allowed"));
}

static void test_symlinks_not_followed(void **state)
{
	struct fixture *f = *state;
	char *outside = th_tempdir();

	make_minimal(f);
	th_write(outside, "x.lua", minimal_policy);
	/* a symlinked directory is not walked into */
	assert_int_equal(th_sh(f->tmp, "ln -s '%s' linked", outside), 0);
	assert_int_equal(cr_bundle_load_dir(&f->bundle, f->ctx, f->tmp), 0);
	assert_int_equal(cr_bundle_policy_count(f->bundle), 1);
	cr_bundle_free(f->bundle);
	f->bundle = NULL;
	th_rmtree(outside);
	free(outside);

	/* a symlinked module is refused, not silently dropped */
	assert_int_equal(th_sh(f->tmp, "ln -s a.lua b.lua"), 0);
	assert_int_equal(cr_bundle_load_dir(&f->bundle, f->ctx, f->tmp),
		CR_EBUNDLE);
	assert_non_null(strstr(cr_ctx_error(f->ctx), "/b.lua: a symbolic link"));
}

/* --- in-memory bundles and digests --------------------------------------- */

static void test_load_files_paths_checked(void **state)
{
	struct fixture *f = *state;
	const cr_bundle_file files[] = {
		{"bundle.yml", minimal_yml, sizeof minimal_yml - 1},
		{"a.lua", minimal_policy, sizeof minimal_policy - 1},
		{"../escape.lua", minimal_policy, sizeof minimal_policy - 1},
		{"a.lua", minimal_policy, sizeof minimal_policy - 1},
	};
	const char *msg;

	assert_int_equal(cr_bundle_load_files(&f->bundle, f->ctx, "mem",
		files, 4), CR_EBUNDLE);
	msg = cr_ctx_error(f->ctx);
	assert_non_null(strstr(msg, "../escape.lua: not a clean relative path"));
	assert_non_null(strstr(msg, "a.lua: listed twice"));
	assert_int_equal(count_lines(msg), 2);
}

static void test_missing_manifest(void **state)
{
	struct fixture *f = *state;
	const cr_bundle_file files[] = {
		{"a.lua", minimal_policy, sizeof minimal_policy - 1},
	};

	assert_int_equal(cr_bundle_load_files(&f->bundle, f->ctx, "mem",
		files, 1), CR_EBUNDLE);
	assert_string_equal(cr_ctx_error(f->ctx), "mem: no bundle.yml");
}

/* The digest as bundle.h documents it, computed here independently. */
static void expected_digest(char *out, size_t cap, const cr_bundle_file *files,
	size_t n)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++) {
		char len[32];

		snprintf(len, sizeof len, "%zu", files[i].len);
		crypto_hash_sha256_update(&st, (const unsigned char *)files[i].path,
			strlen(files[i].path) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)len,
			strlen(len) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)files[i].data,
			files[i].len);
	}
	crypto_hash_sha256_final(&st, hash);
	assert_true(cap > 7 + 2 * sizeof hash);
	strcpy(out, "sha256:");
	sodium_bin2hex(out + 7, cap - 7, hash, sizeof hash);
}

static void test_digest_canonical(void **state)
{
	struct fixture *f = *state;
	char policy[] = "return crucible.policy{ id = 'X' }\n";
	/* listed out of order, with a non-member: neither may matter */
	const cr_bundle_file files[] = {
		{"z.lua", policy, sizeof policy - 1},
		{"README.md", "ignored", 7},
		{"bundle.yml", minimal_yml, sizeof minimal_yml - 1},
		{"lib/h.lua", "return {}", 9},
	};
	const cr_bundle_file sorted[] = {files[2], files[3], files[0]};
	char want[80], first[80];

	assert_int_equal(sodium_init() >= 0, 1);
	expected_digest(want, sizeof want, sorted, 3);
	assert_int_equal(cr_bundle_load_files(&f->bundle, f->ctx, "mem",
		files, 4), 0);
	assert_string_equal(cr_bundle_digest(f->bundle), want);
	strcpy(first, want);
	cr_bundle_free(f->bundle);
	f->bundle = NULL;

	/* one byte of one module changes it */
	*strchr(policy, 'X') = 'Y';
	assert_int_equal(cr_bundle_load_files(&f->bundle, f->ctx, "mem",
		files, 4), 0);
	assert_string_not_equal(cr_bundle_digest(f->bundle), first);
	expected_digest(want, sizeof want, sorted, 3);
	assert_string_equal(cr_bundle_digest(f->bundle), want);
}

static void test_digest_stable_across_loads(void **state)
{
	struct fixture *f = *state;
	char first[80];

	assert_int_equal(load_fixture(f, "valid"), 0);
	assert_int_equal(strncmp(cr_bundle_digest(f->bundle), "sha256:", 7), 0);
	assert_int_equal(strlen(cr_bundle_digest(f->bundle)), 7 + 64);
	strcpy(first, cr_bundle_digest(f->bundle));
	cr_bundle_free(f->bundle);
	f->bundle = NULL;
	assert_int_equal(load_fixture(f, "valid"), 0);
	assert_string_equal(cr_bundle_digest(f->bundle), first);
	cr_bundle_free(f->bundle);
	f->bundle = NULL;

	/* a copy with one byte of bundle.yml changed digests differently */
	f->tmp = th_tempdir();
	assert_int_equal(th_sh(f->tmp, "cp -R %s/valid/. . && "
		"sed -i 's/weight: 30/weight: 31/' bundle.yml", BUNDLES), 0);
	assert_int_equal(cr_bundle_load_dir(&f->bundle, f->ctx, f->tmp), 0);
	assert_string_not_equal(cr_bundle_digest(f->bundle), first);
	cr_bundle_free(f->bundle);
	f->bundle = NULL;
	assert_int_equal(th_sh(f->tmp, "sed -i 's/weight: 31/weight: 30/' "
		"bundle.yml && echo more >> notes.md"), 0);
	assert_int_equal(cr_bundle_load_dir(&f->bundle, f->ctx, f->tmp), 0);
	assert_string_equal(cr_bundle_digest(f->bundle), first);
}

/* --- the embedded bundle ------------------------------------------------- */

static void test_builtin_readiness(void **state)
{
	struct fixture *f = *state;
	cr_bundle *from_dir = NULL;
	size_t n;

	assert_int_equal(cr_bundle_load_builtin(&f->bundle, f->ctx), 0);
	assert_string_equal(cr_bundle_name(f->bundle), "readiness");
	assert_string_equal(cr_bundle_origin(f->bundle), "builtin:readiness");
	n = cr_bundle_policy_count(f->bundle);
	assert_true(n >= 12);
	for (size_t i = 0; i < n; i++)
		assert_non_null(strstr(cr_bundle_policy(f->bundle, i)->source,
			"crucible.policy{"));
	assert_non_null(cr_bundle_library(f->bundle, "common"));
	assert_non_null(cr_bundle_find_category(f->bundle, "secrets"));

	/* the same files on disk give the same bundle */
	assert_int_equal(cr_bundle_load_dir(&from_dir, f->ctx,
		CRUCIBLE_SOURCE_DIR "/policies/readiness"), 0);
	assert_string_equal(cr_bundle_digest(from_dir),
		cr_bundle_digest(f->bundle));
	assert_int_equal(cr_bundle_policy_count(from_dir), n);
	cr_bundle_free(from_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_metadata, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_policies_sorted_hidden_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_library_lookup, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_params_as_json, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_missing_name, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_weights, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_category, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_yaml_syntax_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_every_problem_at_once,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_bomb_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_lua_syntax_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_binary_chunk_refused,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_policy_modules, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_oversized_file_refused,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks_not_followed,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_files_paths_checked,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_manifest, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_digest_canonical, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_digest_stable_across_loads,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_readiness, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
