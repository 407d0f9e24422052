/*
 * test_triage.c - waivers (policy, path glob, fingerprint, expiry at the
 * end of the day UTC, expired and unused ones), inline crucible:ignore
 * markers, severities and excludes from the configuration, and baselines
 * (the file format, a round trip, new and fixed findings), on reports
 * built by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"

#include "crucible/config.h"
#include "crucible/graph.h"
#include "crucible/score.h"
#include "crucible/triage.h"

#define FP_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define FP_C "cccccccccccccccccccccccccccccccc"
#define FP_D "dddddddddddddddddddddddddddddddd"

#define DAY_2026_11_29 20786

struct fixture {
	cr_ctx *ctx;
	cr_report *r;
	cr_config *config;
	cr_baseline *baseline;
	cr_triage_opts opts;
	cr_triage_summary sum;
};

#define assert_contains(haystack, needle) \
	do { \
		if (!strstr((haystack), (needle))) \
			fail_msg("\"%s\" not in:\n%s", (needle), (haystack)); \
	} while (0)

/* --- building reports -------------------------------------------------- */

static void add_policy(cr_report *r, const char *id, const char *category,
	cr_severity sev, cr_status status, double score)
{
	cr_policy_result p = {
		.id = (char *)id,
		.title = (char *)id,
		.category = (char *)category,
		.bundle = "test",
		.module = "test.lua",
		.severity = sev,
		.weight = 1,
		.status = status,
		.score = score,
		.message = "as reported",
	};

	assert_int_equal(cr_report_add_policy(r, NULL, &p), CR_OK);
}

static void add_finding(cr_report *r, const char *policy, cr_severity sev,
	const char *path, uint32_t line, const char *fp)
{
	cr_location loc = { .path = (char *)path, .line = line };
	cr_finding f = {
		.policy = (char *)policy,
		.severity = sev,
		.kind = CR_STATUS_FAIL,
		.message = "found something",
		.locations = path ? &loc : NULL,
		.location_count = path ? 1 : 0,
		.fingerprint = (char *)fp,
	};

	assert_int_equal(cr_report_add_finding(r, NULL, &f), CR_OK);
}

/* Two categories; SEC-SECRETS fails with two findings, SEC-LARGE warns
 * with one, the docs policies pass and skip. */
static cr_report *base_report(void)
{
	cr_report *r;

	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "security",
				 "Security", 3), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "docs", "Docs", 1),
		CR_OK);
	add_policy(r, "SEC-SECRETS", "security", CR_SEV_HIGH, CR_STATUS_FAIL, 0);
	add_finding(r, "SEC-SECRETS", CR_SEV_HIGH, "tests/fixtures/key.pem", 1,
		FP_A);
	add_finding(r, "SEC-SECRETS", CR_SEV_HIGH, "src/config.c", 4, FP_B);
	add_policy(r, "SEC-LARGE", "security", CR_SEV_MEDIUM, CR_STATUS_WARN,
		0.5);
	add_finding(r, "SEC-LARGE", CR_SEV_MEDIUM, "vendor/blob.bin", 0, FP_C);
	r->findings[r->finding_count - 1].kind = CR_STATUS_WARN;
	add_policy(r, "DOC-README", "docs", CR_SEV_LOW, CR_STATUS_PASS, 1);
	add_policy(r, "DOC-SKIP", "docs", CR_SEV_LOW, CR_STATUS_SKIP, 0);
	return r;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&f->ctx), CR_OK);
	f->r = base_report();
	f->opts.today = DAY_2026_11_29;
	f->opts.inline_ignores = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cr_report_free(f->r);
	cr_config_free(f->config);
	cr_baseline_free(f->baseline);
	cr_ctx_free(f->ctx);
	free(f);
	return 0;
}

static void use_config(struct fixture *f, const char *yaml)
{
	if (cr_config_parse(&f->config, f->ctx, ".crucible.yml", NULL, yaml,
		    strlen(yaml)) != CR_OK)
		fail_msg("config: %s", cr_ctx_error(f->ctx));
	f->opts.config = f->config;
}

static void triage(struct fixture *f)
{
	if (cr_triage_apply(&f->sum, f->r, f->ctx, &f->opts) != CR_OK)
		fail_msg("triage: %s", cr_ctx_error(f->ctx));
	assert_int_equal(cr_score_compute(f->r, f->ctx), CR_OK);
}

static const cr_policy_result *policy(const cr_report *r, const char *id)
{
	for (size_t i = 0; i < r->policy_count; i++)
		if (strcmp(r->policies[i].id, id) == 0)
			return &r->policies[i];
	fail_msg("no policy %s", id);
	return NULL;
}

static const cr_finding *finding(const cr_report *r, const char *fp)
{
	for (size_t i = 0; i < r->finding_count; i++)
		if (strcmp(r->findings[i].fingerprint, fp) == 0)
			return &r->findings[i];
	fail_msg("no finding %s", fp);
	return NULL;
}

static double untriaged_score(void)
{
	cr_report *r = base_report();
	double score;

	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	score = r->score;
	cr_report_free(r);
	return score;
}

/* --- waivers --------------------------------------------------------------- */

static void test_waiver_by_policy(void **state)
{
	struct fixture *f = *state;
	const cr_policy_result *p;

	use_config(f,
		"waivers:\n"
		"  - policy: SEC-SECRETS\n"
		"    reason: keys are test fixtures\n"
		"    owner: alice\n"
		"    expires: 2030-01-01\n");
	triage(f);
	assert_true(finding(f->r, FP_A)->waived);
	assert_true(finding(f->r, FP_B)->waived);
	assert_string_equal(finding(f->r, FP_A)->waiver,
		"keys are test fixtures (owner: alice, expires 2030-01-01)");
	assert_false(finding(f->r, FP_C)->waived);
	p = policy(f->r, "SEC-SECRETS");
	assert_int_equal(p->status, CR_STATUS_PASS);
	assert_true(p->score == 1);
	assert_string_equal(p->message, "2 findings waived");
	assert_int_equal(policy(f->r, "SEC-LARGE")->status, CR_STATUS_WARN);
	assert_int_equal(f->sum.waived, 2);
	assert_int_equal(f->sum.expired, 0);
	assert_int_equal(f->r->warning_count, 0);
	assert_true(f->r->score > untriaged_score());
}

static void test_waiver_by_path_glob(void **state)
{
	struct fixture *f = *state;

	use_config(f,
		"waivers:\n"
		"  - policy: SEC-SECRETS\n"
		"    path: \"tests/**\"\n"
		"    reason: r\n"
		"    owner: o\n"
		"    expires: 2030-01-01\n");
	triage(f);
	assert_true(finding(f->r, FP_A)->waived);
	assert_false(finding(f->r, FP_B)->waived);
	assert_int_equal(policy(f->r, "SEC-SECRETS")->status, CR_STATUS_FAIL);
	assert_string_equal(policy(f->r, "SEC-SECRETS")->message, "as reported");
	assert_int_equal(f->sum.waived, 1);
	assert_true(f->r->score == untriaged_score());
}

static void test_waiver_by_fingerprint(void **state)
{
	struct fixture *f = *state;

	use_config(f,
		"waivers:\n"
		"  - policy: SEC-SECRETS\n"
		"    fingerprint: " FP_B "\n"
		"    reason: r\n"
		"    owner: o\n"
		"    expires: 2030-01-01\n"
		"  - policy: SEC-LARGE\n"          /* the right fingerprint, */
		"    fingerprint: " FP_A "\n"      /* but another policy's */
		"    reason: r\n"
		"    owner: o\n"
		"    expires: 2030-01-01\n");
	triage(f);
	assert_false(finding(f->r, FP_A)->waived);
	assert_true(finding(f->r, FP_B)->waived);
	assert_false(finding(f->r, FP_C)->waived);
	assert_int_equal(f->r->warning_count, 1);
	assert_string_equal(f->r->warnings[0], ".crucible.yml:7: the waiver of "
		"SEC-LARGE matched no finding; remove it if the finding was "
		"fixed");
}

static const char expiring[] =
	"# header\n"
	"waivers:\n"
	"  - policy: SEC-SECRETS\n"
	"    reason: keys are test fixtures\n"
	"    owner: alice\n"
	"    expires: 2026-11-29\n";

/* The waiver holds through its expiry day. */
static void test_waiver_holds_on_its_last_day(void **state)
{
	struct fixture *f = *state;

	use_config(f, expiring);
	f->opts.today = DAY_2026_11_29;
	triage(f);
	assert_true(finding(f->r, FP_A)->waived);
	assert_int_equal(f->sum.expired, 0);
	assert_int_equal(policy(f->r, "SEC-SECRETS")->status, CR_STATUS_PASS);
	for (size_t i = 0; i < f->r->policy_count; i++)
		assert_string_not_equal(f->r->policies[i].id,
			CR_WAIVER_EXPIRED_POLICY);
}

/* The day after, it waives nothing and is itself a failing finding that
 * leaves the score alone. */
static void test_expired_waiver_fails(void **state)
{
	struct fixture *f = *state;
	const cr_policy_result *p;
	const cr_finding *e;
	const cr_category_result *c;

	use_config(f, expiring);
	f->opts.today = DAY_2026_11_29 + 1;
	f->opts.config_path = "conf/crucible.yml";
	triage(f);
	assert_false(finding(f->r, FP_A)->waived);
	assert_int_equal(policy(f->r, "SEC-SECRETS")->status, CR_STATUS_FAIL);
	assert_int_equal(f->sum.expired, 1);
	assert_int_equal(f->sum.waived, 0);
	assert_int_equal(f->r->warning_count, 0);

	p = policy(f->r, CR_WAIVER_EXPIRED_POLICY);
	assert_int_equal(p->status, CR_STATUS_FAIL);
	assert_int_equal(p->severity, CR_SEV_HIGH);
	assert_string_equal(p->category, CR_TRIAGE_CATEGORY);
	assert_string_equal(p->message, "1 waiver expired");
	e = &f->r->findings[f->r->finding_count - 1];
	assert_string_equal(e->policy, CR_WAIVER_EXPIRED_POLICY);
	assert_int_equal(e->kind, CR_STATUS_FAIL);
	assert_string_equal(e->locations[0].path, "conf/crucible.yml");
	assert_int_equal(e->locations[0].line, 3);
	assert_string_equal(e->message, "the waiver of SEC-SECRETS expired on "
		"2026-11-29 (owner: alice): keys are test fixtures");
	assert_int_equal(strlen(e->fingerprint), 32);

	c = &f->r->categories[f->r->category_count - 1];
	assert_string_equal(c->id, CR_TRIAGE_CATEGORY);
	assert_true(c->weight == 0);
	assert_true(f->r->score == untriaged_score());
	assert_string_equal(f->r->verdict, "not-ready");
}

static void test_unknown_ids_warn(void **state)
{
	struct fixture *f = *state;

	use_config(f,
		"severity:\n"
		"  SEC-LARGE: critical\n"
		"  SEC-TYPO: low\n"
		"params:\n"
		"  NOPE: {a: 1}\n"
		"disable:\n"
		"  policies: [DOC-README, GONE]\n"
		"  categories: [docs, nope]\n");
	triage(f);
	assert_int_equal(policy(f->r, "SEC-LARGE")->severity, CR_SEV_CRITICAL);
	assert_int_equal(finding(f->r, FP_C)->severity, CR_SEV_CRITICAL);
	assert_int_equal(policy(f->r, "SEC-SECRETS")->severity, CR_SEV_HIGH);
	assert_int_equal(f->r->warning_count, 4);
	assert_string_equal(f->r->warnings[0], ".crucible.yml:5: params names "
		"policy NOPE, which this run did not evaluate");
	assert_string_equal(f->r->warnings[1], ".crucible.yml:7: "
		"disable.policies names policy GONE, which this run did not "
		"evaluate");
	assert_contains(f->r->warnings[2], ".crucible.yml:8: disable.categories "
		"names category nope");
	assert_contains(f->r->warnings[3], ".crucible.yml:3: severity names "
		"policy SEC-TYPO");
}

static void test_exclude_drops_findings(void **state)
{
	struct fixture *f = *state;
	const cr_policy_result *p;

	use_config(f, "exclude: [\"vendor/**\", \"*.pem\"]\n");
	triage(f);
	assert_int_equal(f->r->finding_count, 1);
	assert_string_equal(f->r->findings[0].fingerprint, FP_B);
	assert_int_equal(f->sum.excluded, 2);
	p = policy(f->r, "SEC-LARGE");
	assert_int_equal(p->status, CR_STATUS_PASS);
	assert_string_equal(p->message, "1 finding in excluded paths");
	assert_int_equal(policy(f->r, "SEC-SECRETS")->status, CR_STATUS_FAIL);
	/* The report still grows normally after the drop. */
	add_finding(f->r, "SEC-SECRETS", CR_SEV_HIGH, "x", 1, FP_D);
	assert_int_equal(f->r->finding_count, 2);
}

/* --- inline markers -------------------------------------------------------- */

static const char marked_file[] =
	"int a;\n"                                                   /*  1 */
	"/* crucible:ignore SEC-SECRETS test key, rotated weekly */\n" /*  2 */
	"key = 1;\n"                                                 /*  3 */
	"int b;\n"                                                   /*  4 */
	"key2 = 2; # crucible:ignore SEC-SECRETS\n"                  /*  5 */
	"int c;\n"                                                   /*  6 */
	"int d;\n"                                                   /*  7 */
	"key3 = 3; // crucible:ignore SEC-OTHER because\n"           /*  8 */
	"<!-- crucible:ignore SEC-SECRETS html comment -->\n"        /*  9 */
	"key4\n"                                                     /* 10 */
	"crucible:ignoreSEC-SECRETS glued\n"                         /* 11 */
	"key5\n"                                                     /* 12 */
	"x // crucible:ignore SEC-SECRETS first crucible:ignore SEC-LARGE second\n"
	"int e;\n";                                                  /* 14 */

struct inline_case {
	const char *fp;
	uint32_t line;
	const char *policy;
	const char *waiver;   /* NULL: not suppressed */
};

static const struct inline_case inline_cases[] = {
	{ "00000000000000000000000000000003", 3, "SEC-SECRETS",
	  "inline: test key, rotated weekly" },
	{ "00000000000000000000000000000005", 5, "SEC-SECRETS",
	  "inline: (no reason given)" },
	{ "0000000000000000000000000000005b", 5, "SEC-SECRETS",
	  "inline: (no reason given)" },
	{ "00000000000000000000000000000006", 6, "SEC-SECRETS",
	  "inline: (no reason given)" },
	{ "00000000000000000000000000000007", 7, "SEC-SECRETS", NULL },
	{ "00000000000000000000000000000008", 8, "SEC-SECRETS", NULL },
	{ "00000000000000000000000000000010", 10, "SEC-SECRETS",
	  "inline: html comment" },
	{ "00000000000000000000000000000012", 12, "SEC-SECRETS", NULL },
	{ "00000000000000000000000000000013", 13, "SEC-SECRETS",
	  "inline: first" },
	{ "0000000000000000000000000000013b", 13, "SEC-LARGE",
	  "inline: second" },
	{ "00000000000000000000000000000000", 0, "SEC-SECRETS", NULL },
	{ "00000000000000000000000000000099", 99, "SEC-SECRETS", NULL },
};

static cr_graph *marked_repo(char **dir)
{
	cr_graph *g;

	*dir = th_tempdir();
	th_write(*dir, "src/app.c", marked_file);
	assert_int_equal(cr_graph_new(&g, *dir), CR_OK);
	return g;
}

static cr_report *inline_report(void)
{
	cr_report *r;

	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "security",
				 "Security", 1), CR_OK);
	add_policy(r, "SEC-SECRETS", "security", CR_SEV_HIGH, CR_STATUS_FAIL, 0);
	add_policy(r, "SEC-LARGE", "security", CR_SEV_LOW, CR_STATUS_FAIL, 0);
	for (size_t i = 0; i < sizeof inline_cases / sizeof *inline_cases; i++)
		add_finding(r, inline_cases[i].policy, CR_SEV_HIGH, "src/app.c",
			inline_cases[i].line, inline_cases[i].fp);
	add_finding(r, "SEC-SECRETS", CR_SEV_HIGH, "src/gone.c", 3, FP_D);
	return r;
}

static void test_inline_markers(void **state)
{
	struct fixture *f = *state;
	char *dir;
	cr_graph *g = marked_repo(&dir);

	cr_report_free(f->r);
	f->r = inline_report();
	f->opts.graph = g;
	triage(f);
	for (size_t i = 0; i < sizeof inline_cases / sizeof *inline_cases; i++) {
		const struct inline_case *c = &inline_cases[i];
		const cr_finding *fd = finding(f->r, c->fp);

		if (!c->waiver) {
			if (fd->waived)
				fail_msg("line %u suppressed", c->line);
			continue;
		}
		if (!fd->waived)
			fail_msg("line %u not suppressed", c->line);
		assert_string_equal(fd->waiver, c->waiver);
	}
	assert_false(finding(f->r, FP_D)->waived);
	assert_int_equal(f->sum.suppressed, 7);
	/* One warning for the marker of line 5, however many it covers. */
	assert_int_equal(f->r->warning_count, 1);
	assert_string_equal(f->r->warnings[0], "src/app.c:5: crucible:ignore "
		"SEC-SECRETS has no reason; say why the finding is accepted");
	assert_int_equal(policy(f->r, "SEC-LARGE")->status, CR_STATUS_PASS);
	assert_string_equal(policy(f->r, "SEC-LARGE")->message,
		"1 finding suppressed inline");
	assert_int_equal(policy(f->r, "SEC-SECRETS")->status, CR_STATUS_FAIL);
	cr_graph_free(g);
	th_rmtree(dir);
	free(dir);
}

static void test_inline_markers_off(void **state)
{
	struct fixture *f = *state;
	char *dir;
	cr_graph *g = marked_repo(&dir);

	cr_report_free(f->r);
	f->r = inline_report();
	f->opts.graph = g;
	f->opts.inline_ignores = false;
	triage(f);
	for (size_t i = 0; i < f->r->finding_count; i++)
		assert_false(f->r->findings[i].waived);
	assert_int_equal(f->sum.suppressed, 0);
	assert_int_equal(f->r->warning_count, 0);
	cr_graph_free(g);
	th_rmtree(dir);
	free(dir);
}

/* A config waiver comes first; the marker does not count twice. */
static void test_waiver_before_inline(void **state)
{
	struct fixture *f = *state;
	char *dir;
	cr_graph *g = marked_repo(&dir);

	cr_report_free(f->r);
	f->r = inline_report();
	f->opts.graph = g;
	use_config(f,
		"waivers:\n"
		"  - policy: SEC-LARGE\n"
		"    reason: big on purpose\n"
		"    owner: o\n"
		"    expires: 2030-01-01\n");
	triage(f);
	assert_string_equal(finding(f->r, "0000000000000000000000000000013b")
				    ->waiver,
		"big on purpose (owner: o, expires 2030-01-01)");
	assert_int_equal(f->sum.waived, 1);
	assert_int_equal(f->sum.suppressed, 6);
	assert_string_equal(policy(f->r, "SEC-LARGE")->message,
		"1 finding waived");
	cr_graph_free(g);
	th_rmtree(dir);
	free(dir);
}

/* --- baselines ------------------------------------------------------------- */

static char *write_baseline(const cr_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	assert_non_null(m);
	assert_int_equal(cr_baseline_write(r, m, NULL), CR_OK);
	assert_int_equal(fclose(m), 0);
	return text;
}

static void test_baseline_file_format(void **state)
{
	struct fixture *f = *state;
	char *text;

	add_finding(f->r, "SEC-SECRETS", CR_SEV_HIGH, "src/config.c", 9, FP_B);
	add_finding(f->r, "DOC-README", CR_SEV_LOW, NULL, 0, FP_D);
	f->r->findings[0].waived = true;
	text = write_baseline(f->r);
	assert_string_equal(text,
		"{\n"
		"  \"schema\": \"crucible.baseline/v1\",\n"
		"  \"findings\": [\n"
		"    {\"policy\":\"DOC-README\",\"path\":null,\"fingerprint\":\""
		FP_D "\"},\n"
		"    {\"policy\":\"SEC-LARGE\",\"path\":\"vendor/blob.bin\","
		"\"fingerprint\":\"" FP_C "\"},\n"
		"    {\"policy\":\"SEC-SECRETS\",\"path\":\"src/config.c\","
		"\"fingerprint\":\"" FP_B "\"}\n"
		"  ]\n"
		"}\n");
	free(text);
}

static void test_baseline_empty(void **state)
{
	struct fixture *f = *state;
	cr_report *r;
	char *text;

	(void)f;
	assert_int_equal(cr_report_new(&r), CR_OK);
	text = write_baseline(r);
	assert_string_equal(text, "{\n  \"schema\": \"crucible.baseline/v1\",\n"
		"  \"findings\": []\n}\n");
	assert_int_equal(cr_baseline_parse(&f->baseline, f->ctx, "b.json",
				 text, strlen(text)), CR_OK);
	assert_int_equal(cr_baseline_count(f->baseline), 0);
	free(text);
	cr_report_free(r);
}

/* Write the baseline of the base report; the next run fixed FP_B, has a
 * new finding FP_D, and the rest unchanged. */
static void test_baseline_round_trip(void **state)
{
	struct fixture *f = *state;
	char *text = write_baseline(f->r);
	const cr_policy_result *p;

	assert_int_equal(cr_baseline_parse(&f->baseline, f->ctx, "b.json",
				 text, strlen(text)), CR_OK);
	assert_int_equal(cr_baseline_count(f->baseline), 3);
	free(text);

	cr_report_free(f->r);
	assert_int_equal(cr_report_new(&f->r), CR_OK);
	assert_int_equal(cr_report_add_category(f->r, NULL, "security", "S", 1),
		CR_OK);
	add_policy(f->r, "SEC-SECRETS", "security", CR_SEV_HIGH,
		CR_STATUS_FAIL, 0);
	add_finding(f->r, "SEC-SECRETS", CR_SEV_HIGH, "tests/fixtures/key.pem",
		7, FP_A);
	add_finding(f->r, "SEC-SECRETS", CR_SEV_HIGH, "src/new.c", 1, FP_D);
	add_policy(f->r, "SEC-LARGE", "security", CR_SEV_MEDIUM,
		CR_STATUS_WARN, 0.5);
	add_finding(f->r, "SEC-LARGE", CR_SEV_MEDIUM, "vendor/blob.bin", 0,
		FP_C);
	f->opts.baseline = f->baseline;
	triage(f);

	assert_true(finding(f->r, FP_A)->baseline);
	assert_true(finding(f->r, FP_C)->baseline);
	assert_false(finding(f->r, FP_D)->baseline);
	assert_int_equal(f->sum.baseline, 2);
	assert_int_equal(policy(f->r, "SEC-SECRETS")->status, CR_STATUS_FAIL);
	p = policy(f->r, "SEC-LARGE");
	assert_int_equal(p->status, CR_STATUS_PASS);
	assert_string_equal(p->message, "1 finding unchanged from the baseline");
	assert_int_equal(f->r->fixed_count, 1);
	assert_string_equal(f->r->fixed[0].policy, "SEC-SECRETS");
	assert_string_equal(f->r->fixed[0].path, "src/config.c");
	assert_string_equal(f->r->fixed[0].fingerprint, FP_B);
}

/* A policy that skipped, errored or is gone says nothing about its old
 * findings: they are not "fixed". */
static void test_baseline_fixed_needs_a_verdict(void **state)
{
	struct fixture *f = *state;
	static const char text[] =
		"{\"schema\": \"crucible.baseline/v1\", \"findings\": ["
		"{\"policy\": \"DOC-SKIP\", \"path\": \"a\", \"fingerprint\": \""
		FP_A "\"},"
		"{\"policy\": \"GONE\", \"fingerprint\": \"" FP_A "\"},"
		"{\"policy\": \"DOC-README\", \"path\": null, \"fingerprint\": \""
		FP_D "\"},"
		"{\"policy\": \"DOC-README\", \"path\": null, \"fingerprint\": \""
		FP_D "\", \"note\": \"extra keys are fine\"}]}";

	assert_int_equal(cr_baseline_parse(&f->baseline, f->ctx, "b.json",
				 text, sizeof text - 1), CR_OK);
	assert_int_equal(cr_baseline_count(f->baseline), 3);
	f->opts.baseline = f->baseline;
	triage(f);
	assert_int_equal(f->r->fixed_count, 1);
	assert_string_equal(f->r->fixed[0].policy, "DOC-README");
	assert_null(f->r->fixed[0].path);
}

/* An entry whose path is now excluded is out of the audit, not fixed. */
static void test_baseline_excluded_not_fixed(void **state)
{
	struct fixture *f = *state;
	static const char text[] =
		"{\"schema\": \"crucible.baseline/v1\", \"findings\": ["
		"{\"policy\": \"DOC-README\", \"path\": \"vendor/x\", "
		"\"fingerprint\": \"" FP_A "\"},"
		"{\"policy\": \"DOC-README\", \"path\": \"src/x\", "
		"\"fingerprint\": \"" FP_B "\"}]}";

	use_config(f, "exclude: [\"vendor/**\"]\n");
	assert_int_equal(cr_baseline_parse(&f->baseline, f->ctx, "b.json",
				 text, sizeof text - 1), CR_OK);
	f->opts.baseline = f->baseline;
	triage(f);
	assert_int_equal(f->r->fixed_count, 1);
	assert_string_equal(f->r->fixed[0].path, "src/x");
}

static void test_baseline_invalid(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "not json", "b.json: not a crucible baseline (not a JSON object)" },
		{ "[]", "b.json: not a crucible baseline (not a JSON object)" },
		{ "{\"findings\": []}", "b.json: not a crucible baseline "
		  "(\"schema\" is not \"crucible.baseline/v1\")" },
		{ "{\"schema\": \"crucible.baseline/v2\", \"findings\": []}",
		  "b.json: not a crucible baseline (\"schema\" is not "
		  "\"crucible.baseline/v1\")" },
		{ "{\"schema\": \"crucible.baseline/v1\"}",
		  "b.json: \"findings\" must be an array" },
		{ "{\"schema\": \"crucible.baseline/v1\", \"findings\": "
		  "[{\"policy\": \"A\", \"fingerprint\": \"x\"}, 3]}",
		  "b.json: findings[1] is not an object" },
		{ "{\"schema\": \"crucible.baseline/v1\", \"findings\": "
		  "[{\"policy\": \"A\"}]}",
		  "b.json: findings[0] needs a policy and a fingerprint "
		  "(non-empty strings)" },
		{ "{\"schema\": \"crucible.baseline/v1\", \"findings\": "
		  "[{\"policy\": \"A\", \"fingerprint\": \"x\", \"path\": 1}]}",
		  "b.json: findings[0] has a path that is neither a string nor "
		  "null" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(cr_baseline_parse(&f->baseline, f->ctx,
					 "b.json", cases[i].text,
					 strlen(cases[i].text)), CR_EPARSE);
		assert_null(f->baseline);
		assert_string_equal(cr_ctx_error(f->ctx), cases[i].message);
	}
}

static void test_baseline_load(void **state)
{
	struct fixture *f = *state;
	char *dir = th_tempdir(), *path, *text = write_baseline(f->r);

	assert_true(asprintf(&path, "%s/missing.json", dir) > 0);
	assert_int_equal(cr_baseline_load(&f->baseline, f->ctx, path),
		CR_ENOTFOUND);
	free(path);
	th_write(dir, "b.json", text);
	assert_true(asprintf(&path, "%s/b.json", dir) > 0);
	assert_int_equal(cr_baseline_load(&f->baseline, f->ctx, path), CR_OK);
	assert_int_equal(cr_baseline_count(f->baseline), 3);
	free(path);
	free(text);
	th_rmtree(dir);
	free(dir);
}

/* An expired waiver must keep failing: it never enters a baseline. */
static void test_baseline_leaves_out_expired_waivers(void **state)
{
	struct fixture *f = *state;
	char *text;

	use_config(f, expiring);
	f->opts.today = DAY_2026_11_29 + 1;
	triage(f);
	text = write_baseline(f->r);
	assert_null(strstr(text, CR_WAIVER_EXPIRED_POLICY));
	assert_int_equal(cr_baseline_parse(&f->baseline, f->ctx, "b", text,
				 strlen(text)), CR_OK);
	assert_int_equal(cr_baseline_count(f->baseline), 3);
	free(text);
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cr_triage_apply(&f->sum, f->r, f->ctx, NULL),
		CR_EINVAL);
	assert_int_equal(cr_triage_apply(&f->sum, NULL, f->ctx, &f->opts),
		CR_EINVAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_waiver_by_policy),
		T(test_waiver_by_path_glob),
		T(test_waiver_by_fingerprint),
		T(test_waiver_holds_on_its_last_day),
		T(test_expired_waiver_fails),
		T(test_unknown_ids_warn),
		T(test_exclude_drops_findings),
		T(test_inline_markers),
		T(test_inline_markers_off),
		T(test_waiver_before_inline),
		T(test_baseline_file_format),
		T(test_baseline_empty),
		T(test_baseline_round_trip),
		T(test_baseline_fixed_needs_a_verdict),
		T(test_baseline_excluded_not_fixed),
		T(test_baseline_invalid),
		T(test_baseline_load),
		T(test_baseline_leaves_out_expired_waivers),
		T(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
