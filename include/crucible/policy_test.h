/*
 * policy_test.h - `crucible test`: run the test cases of a bundle's
 * policies, with line coverage.
 *
 * Each case (docs/testing-policies.md) is a small fixture repository and
 * the outcome one policy must reach on it.  A run reads every case of the
 * bundle directory, builds each fixture in a temporary directory,
 * collects its facts and evaluates that one policy through the real
 * evaluator (forked worker, limits), then compares status, score and
 * findings with what the case expects.  With coverage on, the lines each
 * policy module ran are recorded by a line hook in the worker and set
 * against the lines that hold code.
 */
#ifndef CRUCIBLE_POLICY_TEST_H
#define CRUCIBLE_POLICY_TEST_H

#include <stdio.h>

#include "crucible/eval.h"
#include "crucible/report.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_ptest_result {
	char *module;        /* the policy module, "ci/actions-pinned.lua" */
	char *policy_id;     /* as the module declared it */
	char *name;          /* the case's name */
	char *where;         /* "ci/actions-pinned.test.yml:12", or the case
				directory "ci/actions-pinned.test/name/" */
	bool passed;
	cr_status status;    /* what the policy reached (error when the
				fixture could not be built) */
	char *diff;          /* when failed: one difference a line */
	double duration_ms;
} cr_ptest_result;

typedef struct cr_ptest_coverage {
	char *module;
	char *policy_id;
	size_t executable;   /* lines that hold code */
	size_t covered;      /* of those, lines some case ran */
	uint32_t *missed;    /* the others, ascending */
	size_t missed_count;
} cr_ptest_coverage;

typedef struct cr_ptest_report {
	cr_ptest_result *results;    /* in bundle order, then as written */
	size_t result_count;
	size_t passed;
	size_t failed;
	char **untested;             /* "ID (module)" of policies without a
					case */
	size_t untested_count;
	cr_ptest_coverage *coverage; /* with coverage on: every policy */
	size_t coverage_count;
	size_t executable;           /* totals over every policy */
	size_t covered;
} cr_ptest_report;

typedef struct cr_ptest_options {
	/* Only cases whose "<module>: <name>" this PCRE2 pattern matches
	 * run (NULL: all). */
	const char *run;
	bool coverage;
	cr_limits limits;
	/* Called with each result as soon as it is known (may be NULL). */
	void (*on_result)(const cr_ptest_result *r, void *ud);
	void *ud;
} cr_ptest_options;

/* No filter, no coverage, the evaluator's default limits. */
void cr_ptest_options_default(cr_ptest_options *o);

/* Run the cases of the bundle directory `dir`.  A failing case is a
 * result, not an error.  Errors: CR_EIO or CR_EBUNDLE (the bundle or a
 * test file is invalid: every problem, file:line, in the message),
 * CR_EINVAL (a bad --run pattern), CR_ENOMEM, CR_EINTERNAL.  The caller
 * frees *out with cr_ptest_report_free(). */
int cr_ptest_run(cr_ptest_report **out, cr_ctx *ctx, const char *dir,
	const cr_ptest_options *opts);
void cr_ptest_report_free(cr_ptest_report *r);

/* The results as JUnit XML, written by the eval report's writer: a
 * testsuite per policy module, a testcase per case, a failure holding
 * the differences. */
int cr_ptest_render_junit(const cr_ptest_report *r, FILE *f, cr_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
