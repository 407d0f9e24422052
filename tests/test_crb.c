/*
 * test_crb.c - the bundle file (.crb): round trip, byte-for-byte
 * reproducibility, the digest equal to the directory's, and refusal of
 * every truncation, every flipped byte, a precompiled chunk and a manifest
 * that does not describe the files; plus the build's generated-modules
 * hook.
 */
#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/build.h"
#include "crucible/crb.h"

/* A bundle directory with nested policies, library modules, a file
 * that is not part of the bundle and a hidden one. */
static char *make_bundle_dir(void)
{
	char *dir = th_tempdir();

	th_write(dir, "bundle.yml", "name: demo\nversion: 2.0.0\n"
		"description: a bundle\ncategories:\n"
		"  - {id: c, title: C, weight: 3}\n  - {id: d, title: D, "
		"weight: 1}\nparams:\n  A:\n    max: 7\n");
	th_write(dir, "a.lua", "local util = require 'util'\n"
		"return crucible.policy{ id = 'A', title = 'a', category = 'c',\n"
		"  severity = 'high', weight = 2, params = { max = 3 },\n"
		"  check = function(repo, params) util.ok(params.max) end }\n");
	th_write(dir, "checks/b.lua", "local y = require 'x.y'\n"
		"return crucible.policy{ id = 'B', title = 'b', category = 'd',\n"
		"  severity = 'low', needs = { 'docs' },\n"
		"  check = function(repo) y.run() end }\n");
	th_write(dir, "lib/util.lua", "local M = {}\n"
		"function M.ok(n) pass(tostring(n)) end\nreturn M\n");
	th_write(dir, "lib/x/y.lua", "return { run = function() pass() end }\n");
	th_write(dir, "notes.md", "not part of the bundle\n");
	th_write(dir, ".hidden.lua", "error('never loaded')\n");
	return dir;
}

struct image {
	char *data;
	size_t len;
};

static cr_ctx *new_ctx(void)
{
	cr_ctx *ctx;

	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	return ctx;
}

static struct image encode(const cr_build *bd)
{
	const cr_bundle_file *files;
	struct image im;
	cr_ctx *ctx = new_ctx();
	cr_crb *crb = NULL;
	char *dir = th_tempdir(), *path;
	size_t n;

	/* Through the file, as `crucible build` does. */
	if (asprintf(&path, "%s/b.crb", dir) < 0)
		fail();
	assert_int_equal(cr_build_write(bd, ctx, path), CR_OK);
	assert_int_equal(cr_crb_read(&im.data, &im.len, ctx, path), CR_OK);
	assert_int_equal(cr_crb_parse(&crb, ctx, path, im.data, im.len), CR_OK);
	files = cr_crb_files(crb, &n);
	assert_true(n >= 2);
	assert_string_equal(files[0].path, "a.lua");
	cr_crb_free(crb);
	cr_ctx_free(ctx);
	th_rmtree(dir);
	free(dir);
	free(path);
	return im;
}

static cr_build *build_valid(void)
{
	char *dir = make_bundle_dir();
	cr_ctx *ctx = new_ctx();
	cr_build *bd = NULL;

	if (cr_build_dir(&bd, ctx, dir, NULL) != CR_OK)
		fail_msg("%s", cr_ctx_error(ctx));
	cr_ctx_free(ctx);
	th_rmtree(dir);
	free(dir);
	return bd;
}

static void test_round_trip_and_digest(void **state)
{
	cr_build *bd = build_valid();
	struct image im = encode(bd);
	cr_bundle *dir = NULL, *b = NULL;
	char *path = make_bundle_dir();
	cr_ctx *ctx = new_ctx();
	const cr_module *m;

	(void)state;
	assert_int_equal(cr_bundle_load_dir(&dir, ctx, path), CR_OK);
	assert_int_equal(cr_bundle_load_crb_buffer(&b, NULL, ctx, "x.crb",
		im.data, im.len), CR_OK);
	assert_string_equal(cr_bundle_digest(b), cr_bundle_digest(dir));
	assert_string_equal(cr_bundle_name(b), cr_bundle_name(dir));
	assert_int_equal(cr_bundle_policy_count(b), cr_bundle_policy_count(dir));
	for (size_t i = 0; i < cr_bundle_policy_count(b); i++) {
		m = cr_bundle_policy(b, i);
		assert_string_equal(m->path, cr_bundle_policy(dir, i)->path);
		assert_memory_equal(m->source, cr_bundle_policy(dir, i)->source,
			m->len);
	}
	assert_int_equal(cr_bundle_category_count(b),
		cr_bundle_category_count(dir));
	assert_non_null(cr_bundle_library(b, "x.y"));
	assert_int_equal(cJSON_GetObjectItem(cr_bundle_params(b, "A"),
		"max")->valueint, 7);
	th_rmtree(path);
	free(path);
	cr_bundle_free(b);
	cr_bundle_free(dir);
	cr_ctx_free(ctx);
	free(im.data);
	cr_build_free(bd);
}

static void test_reproducible(void **state)
{
	cr_build *one = build_valid(), *two = build_valid();
	struct image a = encode(one), b = encode(two);

	(void)state;
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	free(a.data);
	free(b.data);
	cr_build_free(one);
	cr_build_free(two);
}

static int load(const void *data, size_t len, cr_ctx *ctx)
{
	cr_bundle *b = NULL;
	int rc = cr_bundle_load_crb_buffer(&b, NULL, ctx, "t.crb", data, len);

	if (rc == CR_OK)
		assert_non_null(b);
	else
		assert_null(b);
	cr_bundle_free(b);
	return rc;
}

static void test_every_truncation_refused(void **state)
{
	cr_build *bd = build_valid();
	struct image im = encode(bd);
	cr_ctx *ctx = new_ctx();

	(void)state;
	for (size_t n = 0; n < im.len; n++) {
		char *copy = malloc(n ? n : 1);

		memcpy(copy, im.data, n);
		assert_int_equal(load(copy, n, ctx), CR_EBUNDLE);
		assert_true(strlen(cr_ctx_error(ctx)) > 0);
		free(copy);
	}
	assert_int_equal(load(im.data, im.len, ctx), CR_OK);
	cr_ctx_free(ctx);
	free(im.data);
	cr_build_free(bd);
}

static void test_every_flipped_byte_refused(void **state)
{
	cr_build *bd = build_valid();
	struct image im = encode(bd);
	cr_ctx *ctx = new_ctx();

	(void)state;
	for (size_t i = 0; i < im.len; i++) {
		im.data[i] ^= 0x20;
		assert_int_equal(load(im.data, im.len, ctx), CR_EBUNDLE);
		im.data[i] ^= 0x20;
	}
	cr_ctx_free(ctx);
	free(im.data);
	cr_build_free(bd);
}

/* A well-formed file (right checksum and digests) that lies is refused
 * by the cross-checks, not by accident. */
static void refuse_encoded(const cJSON *manifest, const cr_bundle_file *files,
	size_t n, const char *why)
{
	cr_ctx *ctx = new_ctx();
	char *data;
	size_t len;

	assert_int_equal(cr_crb_encode(&data, &len, ctx, manifest, files, n),
		CR_OK);
	assert_int_equal(load(data, len, ctx), CR_EBUNDLE);
	if (!strstr(cr_ctx_error(ctx), why))
		fail_msg("expected \"%s\" in: %s", why, cr_ctx_error(ctx));
	free(data);
	cr_ctx_free(ctx);
}

static const char yml[] = "name: t\nversion: '1'\ncategories:\n"
	"  - {id: c, title: C, weight: 1}\n";
static const char policy[] = "return crucible.policy{ id = 'T', "
	"title = 't', category = 'c', severity = 'low', "
	"check = function() end }\n";

static void test_lies_refused(void **state)
{
	cr_bundle_file files[] = {
		{ "a.lua", policy, sizeof policy - 1 },
		{ "bundle.yml", yml, sizeof yml - 1 },
	};
	cr_build *bd = NULL;
	cr_ctx *ctx = new_ctx();
	cJSON *m;

	(void)state;
	assert_int_equal(cr_build_files(&bd, ctx, "t", files, 2, NULL), CR_OK);
	m = cJSON_Duplicate(cr_build_manifest(bd), true);

	/* A precompiled chunk, even with honest digests. */
	files[0].data = "\x1bLua\x54\x00";
	files[0].len = 6;
	refuse_encoded(m, files, 2, "precompiled");
	files[0] = (cr_bundle_file){ "a.lua", policy, sizeof policy - 1 };

	/* Another digest in the manifest than the files make. */
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(m, "bundle"), "digest",
		cJSON_CreateString("sha256:00"));
	refuse_encoded(m, files, 2, "digest does not match");

	/* A policy module the manifest does not list. */
	cJSON_Delete(m);
	m = cJSON_Duplicate(cr_build_manifest(bd), true);
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(m, "policies"), 0);
	refuse_encoded(m, files, 2, "policies do not match");

	/* Not a bundle file at all. */
	assert_int_equal(load("hello world, this is text and not a bundle "
		"file", 48, ctx), CR_EBUNDLE);
	assert_non_null(strstr(cr_ctx_error(ctx), "not a crucible bundle file"));
	cJSON_Delete(m);
	cr_build_free(bd);
	cr_ctx_free(ctx);
}

/* The hook later steps (checklists, the fact plan) fill: its modules are
 * compiled and validated like any other. */
static int add_policy(cr_bundle_file **out, size_t *count, cr_ctx *ctx,
	const cr_bundle *b, void *ud)
{
	(void)ctx;
	(void)b;
	*out = calloc(1, sizeof **out);
	(*out)->path = strdup("gen/extra.lua");
	(*out)->data = strdup(ud);
	(*out)->len = strlen(ud);
	*count = 1;
	return CR_OK;
}

static void test_generated_modules(void **state)
{
	cr_bundle_file files[] = {
		{ "bundle.yml", yml, sizeof yml - 1 },
		{ "a.lua", policy, sizeof policy - 1 },
	};
	cr_build_opts opts = { .generate = add_policy };
	cr_build *bd = NULL;
	cr_ctx *ctx = new_ctx();

	(void)state;
	opts.generate_ud = "return crucible.policy{ id = 'GEN', title = 'g', "
		"category = 'c', severity = 'info', check = function() end }\n";
	assert_int_equal(cr_build_files(&bd, ctx, "t", files, 2, &opts), CR_OK);
	assert_int_equal(cr_bundle_policy_count(cr_build_bundle(bd)), 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
		cr_build_manifest(bd), "policies")), 2);
	cr_build_free(bd);

	opts.generate_ud = "return crucible.policy{ id = 'T', title = 'g', "
		"category = 'c', severity = 'info', check = function() end }\n";
	assert_int_equal(cr_build_files(&bd, ctx, "t", files, 2, &opts),
		CR_EBUNDLE);
	assert_non_null(strstr(cr_ctx_error(ctx), "t/gen/extra.lua:1: "
		"duplicate policy id 'T'"));
	assert_null(bd);
	cr_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_digest),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_every_truncation_refused),
		cmocka_unit_test(test_every_flipped_byte_refused),
		cmocka_unit_test(test_lies_refused),
		cmocka_unit_test(test_generated_modules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
