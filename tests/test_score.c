/*
 * test_score.c - the scoring rules of score.h and docs/scoring.md: grade
 * bands, verdict thresholds, what skip, error, warn and partial scores
 * count for, unscored categories, and the worked example of the doc.
 */
#include <math.h>
#include <string.h>

#include "tests/helpers.h"

#include "crucible/report.h"
#include "crucible/score.h"

/* cmocka 1.1 compares in float: ample for scores with one decimal. */
#define assert_score(a, b) assert_float_equal(a, b, 1e-4)

static void add_category(cr_report *r, const char *id, double weight)
{
	assert_int_equal(cr_report_add_category(r, NULL, id, id, weight), CR_OK);
}

static void add_policy(cr_report *r, const char *id, const char *category,
	cr_severity severity, double weight, cr_status status, double score)
{
	cr_policy_result p = {
		.id = (char *)id,
		.title = (char *)id,
		.category = (char *)category,
		.severity = severity,
		.weight = weight,
		.status = status,
		.score = score,
	};

	assert_int_equal(cr_report_add_policy(r, NULL, &p), CR_OK);
}

static const cr_category_result *category(const cr_report *r, const char *id)
{
	for (size_t i = 0; i < r->category_count; i++) {
		if (!strcmp(r->categories[i].id, id))
			return &r->categories[i];
	}
	fail_msg("no category %s", id);
	return NULL;
}

static void test_grade_bands(void **state)
{
	(void)state;
	assert_int_equal(cr_score_grade(100), 'A');
	assert_int_equal(cr_score_grade(90), 'A');
	assert_int_equal(cr_score_grade(89.99), 'B');
	assert_int_equal(cr_score_grade(80), 'B');
	assert_int_equal(cr_score_grade(79.99), 'C');
	assert_int_equal(cr_score_grade(70), 'C');
	assert_int_equal(cr_score_grade(69.99), 'D');
	assert_int_equal(cr_score_grade(60), 'D');
	assert_int_equal(cr_score_grade(59.99), 'F');
	assert_int_equal(cr_score_grade(0), 'F');
	assert_int_equal(cr_score_grade(NAN), 'F');
}

static void test_verdict_thresholds(void **state)
{
	(void)state;
	assert_string_equal(cr_score_verdict(100, false), "ready");
	assert_string_equal(cr_score_verdict(80, false), "ready");
	assert_string_equal(cr_score_verdict(79.99, false), "at-risk");
	assert_string_equal(cr_score_verdict(60, false), "at-risk");
	assert_string_equal(cr_score_verdict(59.99, false), "not-ready");
	assert_string_equal(cr_score_verdict(0, false), "not-ready");
	assert_string_equal(cr_score_verdict(NAN, false), "not-ready");
	assert_string_equal(cr_score_verdict(100, true), "not-ready");
	assert_string_equal(cr_score_verdict(70, true), "not-ready");
}

/* docs/scoring.md, "Worked example"; sec_env is SEC-ENV's severity and
 * sec_history SEC-HISTORY's, which the doc's variants change. */
static cr_report *worked_example(cr_severity sec_env, cr_severity sec_history)
{
	cr_report *r;

	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "secrets", 3);
	add_category(r, "delivery", 2);
	add_category(r, "operations", 1);
	add_policy(r, "SEC-KEYS", "secrets", CR_SEV_CRITICAL, 2, CR_STATUS_PASS, 1);
	add_policy(r, "SEC-ENV", "secrets", sec_env, 1, CR_STATUS_FAIL, 0);
	add_policy(r, "SEC-HISTORY", "secrets", sec_history, 1, CR_STATUS_WARN, 0.5);
	add_policy(r, "CI-SCAN", "delivery", CR_SEV_HIGH, 1, CR_STATUS_FAIL, 0.4);
	add_policy(r, "CI-TESTS", "delivery", CR_SEV_MEDIUM, 2, CR_STATUS_PASS, 1);
	add_policy(r, "CI-SBOM", "delivery", CR_SEV_LOW, 1, CR_STATUS_SKIP, 0);
	add_policy(r, "OPS-RUNBOOK", "operations", CR_SEV_MEDIUM, 1,
		CR_STATUS_ERROR, 0);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	return r;
}

static void test_worked_example(void **state)
{
	cr_report *r = worked_example(CR_SEV_HIGH, CR_SEV_MEDIUM);
	const cr_category_result *secrets = category(r, "secrets");
	const cr_category_result *delivery = category(r, "delivery");
	const cr_category_result *operations = category(r, "operations");

	(void)state;
	assert_true(secrets->scored);
	assert_score(secrets->score, 62.5);
	assert_true(delivery->scored);
	assert_score(delivery->score, 80.0);
	assert_false(operations->scored);
	assert_score(r->score, 69.5);
	assert_int_equal(r->grade, 'D');
	assert_string_equal(r->verdict, "at-risk");

	/* Policy lists are filled in report order, skip and error included. */
	assert_int_equal(secrets->policy_count, 3);
	assert_string_equal(secrets->policies[0], "SEC-KEYS");
	assert_string_equal(secrets->policies[2], "SEC-HISTORY");
	assert_int_equal(delivery->policy_count, 3);
	assert_string_equal(delivery->policies[2], "CI-SBOM");
	assert_int_equal(operations->policy_count, 1);
	assert_string_equal(operations->policies[0], "OPS-RUNBOOK");
	cr_report_free(r);
}

static void test_critical_fail_forces_not_ready(void **state)
{
	cr_report *r = worked_example(CR_SEV_CRITICAL, CR_SEV_MEDIUM);

	(void)state;
	assert_score(r->score, 69.5);
	assert_int_equal(r->grade, 'D');
	assert_string_equal(r->verdict, "not-ready");
	cr_report_free(r);
}

static void test_critical_warn_does_not(void **state)
{
	cr_report *r = worked_example(CR_SEV_HIGH, CR_SEV_CRITICAL);

	(void)state;
	assert_score(r->score, 69.5);
	assert_string_equal(r->verdict, "at-risk");
	cr_report_free(r);
}

static void test_critical_fail_with_perfect_score(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "c", 1);
	add_policy(r, "P", "c", CR_SEV_CRITICAL, 1, CR_STATUS_FAIL, 1);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_score(r->score, 100);
	assert_int_equal(r->grade, 'A');
	assert_string_equal(r->verdict, "not-ready");
	cr_report_free(r);
}

static void test_skip_and_error_excluded(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "c", 1);
	add_policy(r, "OK", "c", CR_SEV_LOW, 1, CR_STATUS_PASS, 1);
	/* Heavy, zero-scored, but not counted. */
	add_policy(r, "SKIPPED", "c", CR_SEV_HIGH, 5, CR_STATUS_SKIP, 0);
	add_policy(r, "BROKEN", "c", CR_SEV_HIGH, 5, CR_STATUS_ERROR, 0);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_true(r->categories[0].scored);
	assert_score(r->categories[0].score, 100);
	assert_score(r->score, 100);
	assert_string_equal(r->verdict, "ready");
	cr_report_free(r);
}

static void test_warn_and_partial_scores(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "warned", 1);
	add_category(r, "partial", 1);
	add_policy(r, "W", "warned", CR_SEV_HIGH, 1, CR_STATUS_WARN, 0.5);
	add_policy(r, "P", "partial", CR_SEV_HIGH, 1, CR_STATUS_FAIL, 0.7);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_score(category(r, "warned")->score, 50);
	assert_score(category(r, "partial")->score, 70);
	assert_score(r->score, 60);
	assert_int_equal(r->grade, 'D');
	assert_string_equal(r->verdict, "at-risk");
	cr_report_free(r);
}

static void test_unscored_category_left_out(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "good", 1);
	add_category(r, "skipped", 10);
	add_category(r, "empty", 10);
	add_policy(r, "G", "good", CR_SEV_LOW, 1, CR_STATUS_PASS, 1);
	add_policy(r, "S", "skipped", CR_SEV_LOW, 1, CR_STATUS_SKIP, 0);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_false(category(r, "skipped")->scored);
	assert_false(category(r, "empty")->scored);
	assert_int_equal(category(r, "empty")->policy_count, 0);
	assert_score(r->score, 100);
	assert_int_equal(r->grade, 'A');
	assert_string_equal(r->verdict, "ready");
	cr_report_free(r);
}

static void test_nothing_scored(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "c", 1);
	add_policy(r, "S", "c", CR_SEV_LOW, 1, CR_STATUS_SKIP, 1);
	add_policy(r, "E", "c", CR_SEV_LOW, 1, CR_STATUS_ERROR, 1);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_false(r->categories[0].scored);
	assert_score(r->score, 0);
	assert_int_equal(r->grade, 'F');
	assert_string_equal(r->verdict, "not-ready");
	cr_report_free(r);

	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_score(r->score, 0);
	assert_int_equal(r->grade, 'F');
	assert_string_equal(r->verdict, "not-ready");
	cr_report_free(r);
}

static void test_zero_weights(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "weightless", 0);
	add_category(r, "weightless-policies", 1);
	add_category(r, "real", 1);
	add_policy(r, "A", "weightless", CR_SEV_LOW, 1, CR_STATUS_FAIL, 0);
	add_policy(r, "B", "weightless-policies", CR_SEV_LOW, 0, CR_STATUS_FAIL, 0);
	add_policy(r, "C", "weightless-policies", CR_SEV_LOW, -3, CR_STATUS_FAIL, 0);
	add_policy(r, "D", "real", CR_SEV_LOW, 1, CR_STATUS_PASS, 0.85);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	/* Scored, but its weight keeps it out of the overall mean. */
	assert_true(category(r, "weightless")->scored);
	assert_score(category(r, "weightless")->score, 0);
	assert_false(category(r, "weightless-policies")->scored);
	assert_score(r->score, 85);
	assert_int_equal(r->grade, 'B');
	assert_string_equal(r->verdict, "ready");
	cr_report_free(r);
}

static void test_scores_clamped(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "high", 1);
	add_category(r, "low", 1);
	add_policy(r, "H", "high", CR_SEV_LOW, 1, CR_STATUS_PASS, 1.7);
	add_policy(r, "L", "low", CR_SEV_LOW, 1, CR_STATUS_FAIL, -0.5);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_score(category(r, "high")->score, 100);
	assert_score(category(r, "low")->score, 0);
	assert_score(r->score, 50);
	cr_report_free(r);
}

/* The overall score is the mean of the rounded category scores, and the
 * grade follows the rounded overall score. */
static void test_rounding(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "thirds", 1);
	add_category(r, "near-a", 1);
	add_policy(r, "T1", "thirds", CR_SEV_LOW, 1, CR_STATUS_PASS, 1);
	add_policy(r, "T2", "thirds", CR_SEV_LOW, 1, CR_STATUS_PASS, 1);
	add_policy(r, "T3", "thirds", CR_SEV_LOW, 1, CR_STATUS_FAIL, 0);
	add_policy(r, "N", "near-a", CR_SEV_LOW, 1, CR_STATUS_PASS, 0.8996);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_score(category(r, "thirds")->score, 66.7);
	assert_score(category(r, "near-a")->score, 90.0);
	/* (66.7 + 90.0) / 2 = 78.35, rounded half away from zero. */
	assert_score(r->score, 78.4);
	assert_int_equal(r->grade, 'C');
	cr_report_free(r);

	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "near-a", 1);
	add_policy(r, "N", "near-a", CR_SEV_LOW, 1, CR_STATUS_PASS, 0.8996);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_score(r->score, 90.0);
	assert_int_equal(r->grade, 'A');
	cr_report_free(r);
}

static void test_unknown_category(void **state)
{
	cr_report *r;
	cr_ctx *ctx;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_category(r, "known", 1);
	add_policy(r, "K", "known", CR_SEV_LOW, 1, CR_STATUS_PASS, 1);
	add_policy(r, "LOST", "nowhere", CR_SEV_LOW, 1, CR_STATUS_PASS, 1);
	assert_int_equal(cr_score_compute(r, ctx), CR_EINVAL);
	assert_int_equal(cr_ctx_code(ctx), CR_EINVAL);
	assert_non_null(strstr(cr_ctx_error(ctx), "LOST"));
	assert_non_null(strstr(cr_ctx_error(ctx), "nowhere"));
	/* Nothing was changed before the error was found. */
	assert_int_equal(r->categories[0].policy_count, 0);
	assert_false(r->categories[0].scored);
	assert_int_equal(r->grade, 'F');
	assert_string_equal(r->verdict, "not-ready");
	cr_report_free(r);
	cr_ctx_free(ctx);
}

static void test_compute_is_repeatable(void **state)
{
	cr_report *r = worked_example(CR_SEV_HIGH, CR_SEV_MEDIUM);

	(void)state;
	/* A later status change is picked up and lists are not duplicated. */
	r->policies[1].status = CR_STATUS_PASS;
	r->policies[1].score = 1;
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	assert_int_equal(category(r, "secrets")->policy_count, 3);
	/* secrets: (2 + 1 + 0.5) / 4 = 87.5; (3 x 87.5 + 2 x 80) / 5 = 84.5 */
	assert_score(category(r, "secrets")->score, 87.5);
	assert_score(r->score, 84.5);
	assert_int_equal(r->grade, 'B');
	assert_string_equal(r->verdict, "ready");
	cr_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grade_bands),
		cmocka_unit_test(test_verdict_thresholds),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_critical_fail_forces_not_ready),
		cmocka_unit_test(test_critical_warn_does_not),
		cmocka_unit_test(test_critical_fail_with_perfect_score),
		cmocka_unit_test(test_skip_and_error_excluded),
		cmocka_unit_test(test_warn_and_partial_scores),
		cmocka_unit_test(test_unscored_category_left_out),
		cmocka_unit_test(test_nothing_scored),
		cmocka_unit_test(test_zero_weights),
		cmocka_unit_test(test_scores_clamped),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_unknown_category),
		cmocka_unit_test(test_compute_is_repeatable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
