/*
 * score.c - turns the evaluator's policy results into category scores, the
 * overall score, a grade and a verdict (the rules are in score.h and, with
 * a worked example, in docs/scoring.md).
 *
 * This file is the only place that knows the grade bands and the verdict
 * thresholds; renderers and the CLI ask it rather than repeat them.
 * Category scores and the overall score are rounded to one decimal here,
 * and the overall score is the mean of the rounded category scores, so a
 * reader can recompute every number of a report from the numbers it shows,
 * and the grade always matches the score printed beside it.
 */
#include "crucible/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	double min;
	char grade;
} grade_bands[] = {
	{ 90.0, 'A' },
	{ 80.0, 'B' },
	{ 70.0, 'C' },
	{ 60.0, 'D' },
};

#define READY_MIN 80.0
#define AT_RISK_MIN 60.0

char cr_score_grade(double score)
{
	for (size_t i = 0; i < sizeof grade_bands / sizeof grade_bands[0]; i++) {
		if (score >= grade_bands[i].min)
			return grade_bands[i].grade;
	}
	return 'F';
}

const char *cr_score_verdict(double score, bool critical_failed)
{
	if (critical_failed || !(score >= AT_RISK_MIN))
		return "not-ready";
	if (score < READY_MIN)
		return "at-risk";
	return "ready";
}

static double round_tenth(double x)
{
	return round(x * 10.0) / 10.0;
}

/* A weight that is not a positive number counts as nothing. */
static double weight_of(double w)
{
	return w > 0 ? w : 0;
}

static bool policy_scored(const cr_policy_result *p)
{
	return p->status == CR_STATUS_PASS || p->status == CR_STATUS_FAIL ||
		p->status == CR_STATUS_WARN;
}

/* Clamped so that a stray value can never push a category out of 0..100. */
static double policy_score(const cr_policy_result *p)
{
	if (!(p->score > 0))
		return 0;
	return p->score < 1 ? p->score : 1;
}

static bool critical_failed(const cr_report *r)
{
	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];

		if (p->status == CR_STATUS_FAIL && p->severity == CR_SEV_CRITICAL)
			return true;
	}
	return false;
}

/* owner[i] = index in r->categories of policy i's category. */
static int map_categories(size_t *owner, const cr_report *r, cr_ctx *ctx)
{
	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];
		size_t c = 0;

		while (c < r->category_count && strcmp(r->categories[c].id, p->category))
			c++;
		if (c == r->category_count)
			return cr_error_set(ctx, CR_EINVAL,
				"policy %s: unknown category '%s'", p->id, p->category);
		owner[i] = c;
	}
	return CR_OK;
}

static void category_reset(cr_category_result *c)
{
	for (size_t i = 0; i < c->policy_count; i++)
		free(c->policies[i]);
	free(c->policies);
	c->policies = NULL;
	c->policy_count = 0;
	c->score = 0;
	c->scored = false;
}

static int fill_category(cr_report *r, size_t index, const size_t *owner,
	cr_ctx *ctx)
{
	cr_category_result *c = &r->categories[index];
	double total = 0, earned = 0;

	category_reset(c);
	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];

		if (owner[i] != index)
			continue;
		if (cr_category_add_policy(c, p->id))
			return cr_error_set(ctx, CR_ENOMEM, "out of memory");
		if (!policy_scored(p))
			continue;
		total += weight_of(p->weight);
		earned += weight_of(p->weight) * policy_score(p);
	}
	if (total > 0) {
		c->scored = true;
		c->score = round_tenth(100.0 * earned / total);
	}
	return CR_OK;
}

static double overall_score(const cr_report *r)
{
	double total = 0, earned = 0;

	for (size_t i = 0; i < r->category_count; i++) {
		const cr_category_result *c = &r->categories[i];

		if (!c->scored)
			continue;
		total += weight_of(c->weight);
		earned += weight_of(c->weight) * c->score;
	}
	/* Nothing scored means nothing was verified: that is not a pass. */
	return total > 0 ? round_tenth(earned / total) : 0;
}

int cr_score_compute(cr_report *r, cr_ctx *ctx)
{
	size_t *owner = NULL;
	int err;

	if (r->policy_count) {
		owner = calloc(r->policy_count, sizeof *owner);
		if (!owner)
			return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	}
	err = map_categories(owner, r, ctx);
	if (err)
		goto done;
	for (size_t i = 0; i < r->category_count; i++) {
		err = fill_category(r, i, owner, ctx);
		if (err)
			goto done;
	}
	r->score = overall_score(r);
	r->grade = cr_score_grade(r->score);
	r->verdict = cr_score_verdict(r->score, critical_failed(r));
done:
	free(owner);
	return err;
}
