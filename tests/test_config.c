/*
 * test_config.c - .crucible.yml: a full valid file read key by key, the
 * defaults, every kind of problem reported with its line (and all of them
 * at once), relative paths, dates, and loading from disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"

#include "crucible/config.h"

/* The example of docs/configuration.md, line for line. */
static const char full_example[] =
	"# .crucible.yml\n"                                        /*  1 */
	"bundles:\n"                                               /*  2 */
	"  - policies/org\n"                                       /*  3 */
	"  - /opt/crucible/extra\n"                                /*  4 */
	"params:\n"                                                /*  5 */
	"  GIT-NO-LARGE-FILES:\n"                                  /*  6 */
	"    max_bytes: 10000000\n"                                /*  7 */
	"disable:\n"                                               /*  8 */
	"  policies: [OPS-CODEOWNERS]\n"                           /*  9 */
	"  categories: [documentation]\n"                          /* 10 */
	"severity:\n"                                              /* 11 */
	"  OPS-SECURITY-POLICY: low\n"                             /* 12 */
	"  SEC-TRACKED-SECRET-FILES: critical\n"                   /* 13 */
	"exclude:\n"                                               /* 14 */
	"  - \"vendor/**\"\n"                                      /* 15 */
	"  - \"**/testdata/**\"\n"                                 /* 16 */
	"gates:\n"                                                 /* 17 */
	"  fail-under: 70\n"                                       /* 18 */
	"  fail-on: high\n"                                        /* 19 */
	"output:\n"                                                /* 20 */
	"  - text\n"                                               /* 21 */
	"  - sarif=reports/crucible.sarif\n"                       /* 22 */
	"  - json=/tmp/crucible.json\n"                            /* 23 */
	"inline-ignores: true\n"                                   /* 24 */
	"waivers:\n"                                               /* 25 */
	"  - policy: SEC-TRACKED-SECRET-FILES\n"                   /* 26 */
	"    path: \"tests/fixtures/**\"\n"                        /* 27 */
	"    reason: fake keys used by the parser tests\n"         /* 28 */
	"    owner: security@example.com\n"                        /* 29 */
	"    expires: 2026-12-31\n"                                /* 30 */
	"  - policy: CI-ACTIONS-PINNED\n"                          /* 31 */
	"    fingerprint: 0123456789abcdef0123456789abcdef\n"      /* 32 */
	"    reason: vendor action pinned upstream\n"              /* 33 */
	"    owner: platform-team\n"                               /* 34 */
	"    expires: \"2027-01-15\"\n";                           /* 35 */

struct fixture {
	cr_ctx *ctx;
	cr_config *config;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&f->ctx), CR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cr_config_free(f->config);
	cr_ctx_free(f->ctx);
	free(f);
	return 0;
}

static int parse(struct fixture *f, const char *yaml)
{
	cr_config_free(f->config);
	f->config = NULL;
	return cr_config_parse(&f->config, f->ctx, ".crucible.yml", "/repo",
		yaml, strlen(yaml));
}

/* The message of a parse that must fail. */
static const char *problems(struct fixture *f, const char *yaml)
{
	assert_int_equal(parse(f, yaml), CR_EPARSE);
	assert_null(f->config);
	return cr_ctx_error(f->ctx);
}

static size_t count_lines(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#define assert_contains(haystack, needle) \
	do { \
		if (!strstr((haystack), (needle))) \
			fail_msg("\"%s\" not in:\n%s", (needle), (haystack)); \
	} while (0)

/* --- valid files ----------------------------------------------------------- */

static void test_full_example(void **state)
{
	struct fixture *f = *state;
	const cr_config *c;
	const cJSON *p;

	assert_int_equal(parse(f, full_example), CR_OK);
	c = f->config;
	assert_string_equal(c->file, ".crucible.yml");

	assert_int_equal(c->bundle_count, 2);
	assert_string_equal(c->bundles[0].text, "/repo/policies/org");
	assert_int_equal(c->bundles[0].line, 3);
	assert_string_equal(c->bundles[1].text, "/opt/crucible/extra");

	assert_int_equal(c->params_count, 1);
	assert_string_equal(c->params[0].policy, "GIT-NO-LARGE-FILES");
	assert_int_equal(c->params[0].line, 6);
	p = cJSON_GetObjectItemCaseSensitive(c->params[0].params, "max_bytes");
	assert_true(cJSON_IsNumber(p));
	assert_true(p->valuedouble == 10000000);

	assert_int_equal(c->disabled_policy_count, 1);
	assert_string_equal(c->disabled_policies[0].text, "OPS-CODEOWNERS");
	assert_int_equal(c->disabled_policies[0].line, 9);
	assert_int_equal(c->disabled_category_count, 1);
	assert_string_equal(c->disabled_categories[0].text, "documentation");

	assert_int_equal(c->severity_count, 2);
	assert_string_equal(c->severities[0].policy, "OPS-SECURITY-POLICY");
	assert_int_equal(c->severities[0].severity, CR_SEV_LOW);
	assert_int_equal(c->severities[1].severity, CR_SEV_CRITICAL);
	assert_int_equal(c->severities[1].line, 13);

	assert_int_equal(c->exclude_count, 2);
	assert_string_equal(c->exclude[0].text, "vendor/**");
	assert_string_equal(c->exclude[1].text, "**/testdata/**");

	assert_true(c->has_fail_under);
	assert_true(c->fail_under == 70);
	assert_true(c->has_fail_on);
	assert_int_equal(c->fail_on, CR_SEV_HIGH);

	assert_int_equal(c->output_count, 3);
	assert_string_equal(c->outputs[0].text, "text");
	assert_string_equal(c->outputs[1].text,
		"sarif=/repo/reports/crucible.sarif");
	assert_string_equal(c->outputs[2].text, "json=/tmp/crucible.json");
	assert_true(c->inline_ignores);

	assert_int_equal(c->waiver_count, 2);
	assert_string_equal(c->waivers[0].policy, "SEC-TRACKED-SECRET-FILES");
	assert_string_equal(c->waivers[0].path, "tests/fixtures/**");
	assert_null(c->waivers[0].fingerprint);
	assert_string_equal(c->waivers[0].reason,
		"fake keys used by the parser tests");
	assert_string_equal(c->waivers[0].owner, "security@example.com");
	assert_string_equal(c->waivers[0].expires, "2026-12-31");
	assert_int_equal(c->waivers[0].expires_day, 20818);
	assert_int_equal(c->waivers[0].line, 26);
	assert_null(c->waivers[1].path);
	assert_string_equal(c->waivers[1].fingerprint,
		"0123456789abcdef0123456789abcdef");
	assert_string_equal(c->waivers[1].expires, "2027-01-15");
	assert_int_equal(c->waivers[1].line, 31);
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;
	static const char *const empty[] = { "", "# nothing yet\n", "---\n" };

	for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
		assert_int_equal(parse(f, empty[i]), CR_OK);
		assert_int_equal(f->config->bundle_count, 0);
		assert_int_equal(f->config->waiver_count, 0);
		assert_false(f->config->has_fail_under);
		assert_false(f->config->has_fail_on);
		assert_true(f->config->inline_ignores);
	}
	assert_int_equal(parse(f, "inline-ignores: false\n"), CR_OK);
	assert_false(f->config->inline_ignores);
}

/* Params keep their YAML types on their way to the policies. */
static void test_params_values(void **state)
{
	struct fixture *f = *state;
	const cJSON *p;

	assert_int_equal(parse(f,
		"params:\n"
		"  A: {list: [1, two], nested: {on: true}, quoted: \"3\", none: ~}\n"
		"  b.c_d-E: {}\n"), CR_OK);
	assert_int_equal(f->config->params_count, 2);
	p = f->config->params[0].params;
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(p, "list")), 2);
	assert_true(cJSON_IsNumber(cJSON_GetArrayItem(
		cJSON_GetObjectItem(p, "list"), 0)));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(p, "nested"), "on")));
	assert_true(cJSON_IsString(cJSON_GetObjectItem(p, "quoted")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(p, "none")));
	assert_string_equal(f->config->params[1].policy, "b.c_d-E");
}

static void test_paths_left_alone_without_dir(void **state)
{
	struct fixture *f = *state;
	static const char yaml[] = "bundles: [b]\noutput: [html=r.html]\n";

	assert_int_equal(cr_config_parse(&f->config, f->ctx, "x.yml", NULL,
				 yaml, sizeof yaml - 1), CR_OK);
	assert_string_equal(f->config->bundles[0].text, "b");
	assert_string_equal(f->config->outputs[0].text, "html=r.html");
}

/* --- problems -------------------------------------------------------------- */

static void test_unknown_keys(void **state)
{
	struct fixture *f = *state;
	const char *msg = problems(f,
		"bundles: [a]\n"
		"colour: blue\n"
		"gates:\n"
		"  fail-below: 3\n"
		"disable:\n"
		"  rules: [X]\n"
		"waivers:\n"
		"  - policy: X\n"
		"    reason: r\n"
		"    owner: o\n"
		"    expires: 2030-01-01\n"
		"    ticket: SEC-1\n");

	assert_contains(msg, ".crucible.yml:2: unknown key \"colour\" in the "
		"configuration");
	assert_contains(msg, ".crucible.yml:4: unknown key \"fail-below\" in "
		"gates");
	assert_contains(msg, ".crucible.yml:6: unknown key \"rules\" in disable");
	assert_contains(msg, ".crucible.yml:12: unknown key \"ticket\" in "
		"waiver");
	assert_int_equal(count_lines(msg), 4);
}

static void test_type_problems(void **state)
{
	struct fixture *f = *state;
	const char *msg = problems(f,
		"bundles: policies\n"                 /* 1 */
		"params:\n"                           /* 2 */
		"  SEC-X: 3\n"                        /* 3 */
		"  bad id: {a: 1}\n"                  /* 4 */
		"disable: [X]\n"                      /* 5 */
		"severity:\n"                         /* 6 */
		"  SEC-X: severe\n"                   /* 7 */
		"  SEC-Y: High\n"                     /* 8 */
		"exclude: {a: b}\n"                   /* 9 */
		"gates:\n"                            /* 10 */
		"  fail-under: 101\n"                 /* 11 */
		"  fail-on: urgent\n"                 /* 12 */
		"output: [pdf, \"sarif=\", text, json]\n" /* 13 */
		"inline-ignores: maybe\n"             /* 14 */
		"waivers: {}\n");                     /* 15 */

	assert_contains(msg, ".crucible.yml:1: bundles must be a list");
	assert_contains(msg, ".crucible.yml:3: the params of SEC-X must be a "
		"mapping");
	assert_contains(msg, ".crucible.yml:4: policy id \"bad id\" must match");
	assert_contains(msg, ".crucible.yml:5: disable must be a mapping");
	assert_contains(msg, ".crucible.yml:7: the severity of SEC-X must be "
		"one of critical");
	assert_contains(msg, ".crucible.yml:8: the severity of SEC-Y");
	assert_contains(msg, ".crucible.yml:9: exclude must be a list");
	assert_contains(msg, ".crucible.yml:11: gates.fail-under must be a "
		"number from 0 to 100");
	assert_contains(msg, ".crucible.yml:12: gates.fail-on must be one of");
	assert_contains(msg, ".crucible.yml:13: output format \"pdf\" is not "
		"one of");
	assert_contains(msg, ".crucible.yml:13: output \"sarif=\" names no file");
	assert_contains(msg, ".crucible.yml:13: only one output can go to "
		"standard output");
	assert_contains(msg, ".crucible.yml:14: inline-ignores must be true or "
		"false");
	assert_contains(msg, ".crucible.yml:15: waivers must be a list");
	assert_int_equal(count_lines(msg), 14);
}

static void test_waiver_problems(void **state)
{
	struct fixture *f = *state;
	const char *msg = problems(f,
		"waivers:\n"                              /* 1 */
		"  - policy: SEC-SECRETS\n"               /* 2 */
		"    owner: me\n"                         /* 3 */
		"  - policy: SEC-SECRETS\n"               /* 4 */
		"    reason: \"\"\n"                      /* 5 */
		"    owner: me\n"                         /* 6 */
		"    expires: 2026-02-30\n"               /* 7 */
		"    fingerprint: XYZ\n"                  /* 8 */
		"  - just a string\n"                     /* 9 */
		"  - policy: A\n"                         /* 10 */
		"    reason: r\n"                         /* 11 */
		"    owner: o\n"                          /* 12 */
		"    expires: 2026-12-31T23:59:59Z\n"     /* 13 */
		"    path: [a]\n");                       /* 14 */

	assert_contains(msg, ".crucible.yml:2: missing required key \"reason\" "
		"in waiver");
	assert_contains(msg, ".crucible.yml:2: missing required key "
		"\"expires\" in waiver");
	assert_contains(msg, ".crucible.yml:5: waiver reason must be a "
		"non-empty string");
	assert_contains(msg, ".crucible.yml:7: waiver expires must be a date "
		"YYYY-MM-DD");
	assert_contains(msg, ".crucible.yml:8: waiver fingerprint must be the "
		"32 hexadecimal digits");
	assert_contains(msg, ".crucible.yml:9: a waiver must be a mapping");
	assert_contains(msg, ".crucible.yml:13: waiver expires must be a date");
	assert_contains(msg, ".crucible.yml:14: waiver path must be a "
		"non-empty string");
	assert_int_equal(count_lines(msg), 8);
}

static void test_duplicates_and_empties(void **state)
{
	struct fixture *f = *state;
	const char *msg = problems(f,
		"bundles: []\n"                 /* 1 */
		"severity:\n"                   /* 2 */
		"  A: low\n"                    /* 3 */
		"  A: high\n"                   /* 4 */
		"exclude: [\"\", ok]\n"         /* 5 */
		"disable:\n"                    /* 6 */
		"  categories: [Docs]\n"        /* 7 */
		"bundles: [x]\n");              /* 8 */

	assert_contains(msg, ".crucible.yml:1: bundles must not be empty");
	assert_contains(msg, ".crucible.yml:4: severity: policy \"A\" is "
		"listed twice");
	assert_contains(msg, ".crucible.yml:5: an entry of exclude must be a "
		"non-empty string");
	assert_contains(msg, ".crucible.yml:7: category id \"Docs\" must match "
		"[a-z0-9._-]+");
	assert_contains(msg, ".crucible.yml:8: duplicate key \"bundles\" in the "
		"configuration");
	assert_int_equal(count_lines(msg), 5);
}

static void test_document_problems(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(problems(f, "- a\n- b\n"),
		".crucible.yml:1: the document must be a mapping of bundles, "
		"params, disable, severity, exclude, gates, output, "
		"inline-ignores, waivers");
	assert_string_equal(problems(f, "a: &x [1]\nb: *x\n"),
		".crucible.yml:2: aliases are not allowed");
	assert_string_equal(problems(f, "exclude: [a]\n---\nexclude: [b]\n"),
		".crucible.yml:2: only one YAML document is allowed");
	assert_contains(problems(f, "gates:\n  fail-on: \"high\n"),
		".crucible.yml:");
	assert_int_equal(strncmp(cr_ctx_error(f->ctx), ".crucible.yml:", 14), 0);
}

/* --- dates ----------------------------------------------------------------- */

static void test_dates(void **state)
{
	static const struct {
		const char *text;
		int32_t days;
	} good[] = {
		{ "1970-01-01", 0 }, { "2000-03-01", 11017 },
		{ "2024-02-29", 19782 }, { "2026-11-29", 20786 },
		{ "2100-03-01", 47541 }, { "9999-12-31", 2932896 },
	};
	static const char *const bad[] = {
		"1969-12-31", "2023-02-29", "2100-02-29", "2024-13-01",
		"2024-00-10", "2024-04-31", "2024-4-1", "2024/04/01",
		"20240401", "2024-04-01 ", "", "2024-04-0a",
	};
	int32_t days;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		assert_int_equal(cr_config_parse_date(&days, good[i].text), CR_OK);
		assert_int_equal(days, good[i].days);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (cr_config_parse_date(&days, bad[i]) != CR_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(cr_config_parse_date(&days, NULL), CR_EINVAL);
}

/* --- files ----------------------------------------------------------------- */

static void test_load_resolves_against_the_file(void **state)
{
	struct fixture *f = *state;
	char *dir = th_tempdir(), *path, *want;

	th_write(dir, "sub/.crucible.yml",
		"bundles: [../bundles/org, /abs]\noutput: [html=out/r.html]\n");
	assert_true(asprintf(&path, "%s/sub/.crucible.yml", dir) > 0);
	assert_int_equal(cr_config_load(&f->config, f->ctx, path), CR_OK);
	assert_string_equal(f->config->file, path);
	assert_true(asprintf(&want, "%s/sub/../bundles/org", dir) > 0);
	assert_string_equal(f->config->bundles[0].text, want);
	assert_string_equal(f->config->bundles[1].text, "/abs");
	free(want);
	assert_true(asprintf(&want, "html=%s/sub/out/r.html", dir) > 0);
	assert_string_equal(f->config->outputs[0].text, want);
	free(want);
	free(path);
	th_rmtree(dir);
	free(dir);
}

static void test_load_errors(void **state)
{
	struct fixture *f = *state;
	char *dir = th_tempdir(), *path;

	assert_true(asprintf(&path, "%s/missing.yml", dir) > 0);
	assert_int_equal(cr_config_load(&f->config, f->ctx, path),
		CR_ENOTFOUND);
	assert_contains(cr_ctx_error(f->ctx), "missing.yml");
	assert_int_equal(cr_config_load(&f->config, f->ctx, dir), CR_EIO);
	free(path);

	th_write(dir, "bad.yml", "gates:\n  fail-on: urgent\n");
	assert_true(asprintf(&path, "%s/bad.yml", dir) > 0);
	assert_int_equal(cr_config_load(&f->config, f->ctx, path), CR_EPARSE);
	assert_contains(cr_ctx_error(f->ctx), "bad.yml:2: gates.fail-on");
	assert_null(f->config);
	free(path);

	assert_int_equal(th_sh(dir, "head -c 1048577 /dev/zero > big.yml"), 0);
	assert_true(asprintf(&path, "%s/big.yml", dir) > 0);
	assert_int_equal(cr_config_load(&f->config, f->ctx, path), CR_EIO);
	free(path);
	th_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_left_alone_without_dir,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waiver_problems, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_empties, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_document_problems, setup,
			teardown),
		cmocka_unit_test(test_dates),
		cmocka_unit_test_setup_teardown(test_load_resolves_against_the_file,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
