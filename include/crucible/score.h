/*
 * score.h - from policy results to category scores, a grade and a verdict.
 *
 * The rules (docs/scoring.md has them with a worked example):
 *   policy score   pass 1, fail 0 (or the partial score it reported),
 *                  warn its partial score (0.5 unless reported); skip and
 *                  error are left out of every denominator.
 *   category score weighted mean of its scored policies' scores, x 100.
 *   overall score  weighted mean of the scored categories' scores by the
 *                  categories' weights.
 *   grade          A >= 90, B >= 80, C >= 70, D >= 60, else F.
 *   verdict        not-ready if a critical policy failed or score < 60,
 *                  at-risk if score < 80, else ready.
 */
#ifndef CRUCIBLE_SCORE_H
#define CRUCIBLE_SCORE_H

#include "crucible/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fill every category's score and policy list from r->policies (matching
 * policy->category to category->id), then r->score, r->grade and
 * r->verdict.  Categories must already be in the report; a policy whose
 * category is missing is an error (CR_EINVAL). */
int cr_score_compute(cr_report *r, cr_ctx *ctx);

char cr_score_grade(double score);
const char *cr_score_verdict(double score, bool critical_failed);

#ifdef __cplusplus
}
#endif
#endif
