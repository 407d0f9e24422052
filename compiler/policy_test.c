/*
 * policy_test.c - `crucible test`: run a bundle's policy test cases
 * through the real evaluator, compare, and measure line coverage.
 *
 * A first evaluation with every category disabled loads each module once
 * in the worker: it validates the bundle's metadata and tells which
 * policy id each module declares (a case's `params` are keyed by it).
 * Then each case gets its own fixture directory, its own fact graph
 * (collected like `crucible eval` does, cache off) and an evaluation of
 * its one policy (cr_eval_run_module), with the worker's line hook on
 * when coverage is asked for.  The comparison produces one line per
 * difference, which the CLI prints and the JUnit writer of eval reports
 * renders (a test report is turned into an eval report for it, so the
 * XML escaping lives in one place).
 */
#include "crucible/policy_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "compiler/policy_test.h"
#include "crucible/bundle.h"
#include "crucible/facts.h"
#include "vm/coverage.h"

struct runner {
	cr_ctx *ctx;
	const char *dir;
	const cr_ptest_options *opts;
	cr_bundle *bundle;
	pt_suite suite;
	char **ids;          /* per module: the policy id it declares */
	cr_lines *hits;      /* per module, with coverage on */
	pcre2_code *filter;  /* --run, or NULL */
	cr_ptest_report *report;
};

void cr_ptest_options_default(cr_ptest_options *o)
{
	memset(o, 0, sizeof *o);
	cr_limits_default(&o->limits);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* --- policy ids: one evaluation that runs no check ------------------------ */

static int learn_ids(struct runner *rn)
{
	size_t n = cr_bundle_policy_count(rn->bundle);
	size_t ncat = cr_bundle_category_count(rn->bundle);
	const char **categories = calloc(ncat + 1, sizeof *categories);
	const cr_bundle *b = rn->bundle;
	cr_eval_selection none = { 0 };
	cr_report *report = NULL;
	cr_graph *g = NULL;
	int rc;

	rn->ids = calloc(n + 1, sizeof *rn->ids);
	if (!categories || !rn->ids || cr_report_new(&report) ||
	    cr_graph_new(&g, rn->dir) || cr_graph_freeze(g)) {
		rc = cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ncat; i++)
		categories[i] = cr_bundle_category(b, i)->id;
	none.disabled_categories = categories;
	none.disabled_category_count = ncat;
	none.reason = "not under test";
	rc = cr_eval_run_selected(report, rn->ctx, g, &b, 1,
		&rn->opts->limits, &none);
	for (size_t i = 0; !rc && i < report->policy_count; i++) {
		for (size_t m = 0; m < n; m++) {
			if (!strcmp(report->policies[i].module,
				    cr_bundle_policy(b, m)->path) &&
			    !(rn->ids[m] = strdup(report->policies[i].id)))
				rc = cr_error_set(rn->ctx, CR_ENOMEM,
					"out of memory");
		}
	}
done:
	cr_graph_free(g);
	cr_report_free(report);
	free(categories);
	return rc;
}

/* --- comparing ---------------------------------------------------------------- */

/* "/regex/" is a PCRE2 pattern searched for, anything else a substring. */
static bool message_matches(const char *pattern, const char *text, bool *bad)
{
	size_t len = strlen(pattern);
	pcre2_match_data *md;
	pcre2_code *re;
	PCRE2_SIZE off;
	int err, rc;

	if (len < 2 || pattern[0] != '/' || pattern[len - 1] != '/')
		return strstr(text, pattern) != NULL;
	re = pcre2_compile((PCRE2_SPTR)pattern + 1, len - 2, PCRE2_UTF, &err,
		&off, NULL);
	md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
	if (!md) {
		*bad = true;
		pcre2_code_free(re);
		return false;
	}
	rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

static const cr_location *first_location(const cr_finding *f)
{
	return f->location_count ? &f->locations[0] : NULL;
}

static bool finding_matches(const pt_expected_finding *e, const cr_finding *f,
	bool *bad)
{
	const cr_location *l = first_location(f);

	if (e->path && (!l || strcmp(e->path, l->path) != 0))
		return false;
	if (e->line && (!l || e->line != l->line))
		return false;
	return !e->message || message_matches(e->message, f->message, bad);
}

static void describe_expected(FILE *d, const pt_expected_finding *e)
{
	fputs("  - missing finding:", d);
	if (e->path)
		fprintf(d, " %s%s", e->path, e->line ? "" : ":");
	if (e->line)
		fprintf(d, "%s:%u:", e->path ? "" : " line", e->line);
	if (e->message)
		fprintf(d, " %s", e->message);
	fputc('\n', d);
}

static void describe_actual(FILE *d, const cr_finding *f)
{
	const cr_location *l = first_location(f);

	fputs("  + unexpected finding:", d);
	if (l && l->line)
		fprintf(d, " %s:%u:", l->path, l->line);
	else if (l)
		fprintf(d, " %s:", l->path);
	fprintf(d, " %s\n", f->message);
}

/* Each expected finding takes the first actual one it matches; what is
 * left on either side is a difference. */
static void compare_findings(FILE *d, const pt_expect *e, const cr_report *r)
{
	bool *taken = calloc(r->finding_count + 1, sizeof *taken);
	bool bad = false, found;

	if (!taken) {
		fputs("out of memory comparing findings\n", d);
		return;
	}
	for (size_t i = 0; i < e->finding_count; i++) {
		found = false;
		for (size_t k = 0; k < r->finding_count && !found; k++) {
			found = !taken[k] && finding_matches(&e->findings[i],
				&r->findings[k], &bad);
			taken[k] = taken[k] || found;
		}
		if (!found)
			describe_expected(d, &e->findings[i]);
	}
	for (size_t k = 0; k < r->finding_count; k++) {
		if (!taken[k])
			describe_actual(d, &r->findings[k]);
	}
	if (bad)
		fputs("  an expected message is not a valid /regex/\n", d);
	free(taken);
}

static void compare(FILE *d, const pt_expect *e, const cr_report *r)
{
	const cr_policy_result *p = &r->policies[0];

	if (e->has_status && p->status != e->status)
		fprintf(d, "expected status %s, got %s: %s\n",
			cr_status_name(e->status), cr_status_name(p->status),
			p->message ? p->message : "");
	if (e->has_score && fabs(p->score - e->score) > 1e-9)
		fprintf(d, "expected score %g, got %g\n", e->score, p->score);
	if (e->has_count && r->finding_count != e->findings_count)
		fprintf(d, "expected %zu findings, got %zu\n",
			e->findings_count, r->finding_count);
	if (e->has_findings)
		compare_findings(d, e, r);
}

/* --- running a case -------------------------------------------------------------- */

/* The bundle the case runs against: the shared one, or a fresh copy with
 * the case's params on top (*fresh, freed by the caller). */
static int case_bundle(const cr_bundle **out, cr_bundle **fresh,
	struct runner *rn, const pt_case *c)
{
	int rc;

	*fresh = NULL;
	*out = rn->bundle;
	if (!c->params)
		return CR_OK;
	rc = cr_bundle_load_dir(fresh, rn->ctx, rn->dir);
	if (!rc)
		rc = cr_bundle_override_params(*fresh, rn->ctx,
			rn->ids[c->module], c->params);
	*out = *fresh;
	return rc;
}

/* Evaluate the case's policy on its fixture into *out; a failure to
 * build or read the fixture is returned, the policy's own errors are in
 * the report. */
static int evaluate_case(cr_report **out, struct runner *rn, const pt_case *c)
{
	cr_facts_options fo;
	const cr_bundle *b;
	cr_bundle *fresh = NULL;
	cr_graph *g = NULL;
	char *root = NULL;
	int rc;

	cr_facts_options_default(&fo);
	fo.cache = false;
	if ((rc = cr_report_new(out)) != CR_OK) {
		rc = cr_error_set(rn->ctx, rc, "out of memory");
		goto done;
	}
	if ((rc = pt_fixture_make(&root, rn->ctx, c)) != CR_OK ||
	    (rc = cr_facts_collect_with(&g, rn->ctx, root, &fo)) != CR_OK ||
	    (rc = case_bundle(&b, &fresh, rn, c)) != CR_OK)
		goto done;
	rc = cr_eval_run_module(*out, rn->ctx, g, b, c->module,
		&rn->opts->limits, rn->hits ? &rn->hits[c->module] : NULL);
	if (!rc && (*out)->policy_count != 1)
		rc = cr_error_set(rn->ctx, CR_EINTERNAL,
			"the policy left no result");
	cr_report_sort_findings(*out);
done:
	cr_bundle_free(fresh);
	cr_graph_free(g);
	pt_fixture_remove(root);
	free(root);
	return rc;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int start_result(cr_ptest_result *res, const struct runner *rn,
	const pt_case *c)
{
	res->module = strdup(cr_bundle_policy(rn->bundle, c->module)->path);
	res->policy_id = dup_or_empty(rn->ids[c->module]);
	res->name = dup_or_empty(c->name);
	res->where = dup_or_empty(c->where);
	if (!res->module || !res->policy_id || !res->name || !res->where)
		return CR_ENOMEM;
	return CR_OK;
}

/* Fill res from running c: a failed comparison or a fixture that could
 * not be built is a failed case, only running out of memory an error. */
static int run_case(struct runner *rn, const pt_case *c, cr_ptest_result *res)
{
	double start = now_ms();
	cr_report *r = NULL;
	size_t len = 0;
	FILE *d;
	int rc;

	if (start_result(res, rn, c) != CR_OK ||
	    !(d = open_memstream(&res->diff, &len)))
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	rc = evaluate_case(&r, rn, c);
	if (rc == CR_ENOMEM) {
		fclose(d);
		cr_report_free(r);
		return rc;
	}
	res->status = rc ? CR_STATUS_ERROR : r->policies[0].status;
	if (rc)
		fprintf(d, "cannot run the case: %s\n", cr_ctx_error(rn->ctx));
	else
		compare(d, &c->expect, r);
	cr_report_free(r);
	if (fclose(d) != 0)
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	res->passed = len == 0;
	if (res->passed) {
		free(res->diff);
		res->diff = NULL;
	} else if (res->diff[len - 1] == '\n') {
		res->diff[len - 1] = '\0';
	}
	res->duration_ms = now_ms() - start;
	return CR_OK;
}

static bool selected(const struct runner *rn, const pt_case *c)
{
	pcre2_match_data *md;
	char *label;
	int rc;

	if (!rn->filter)
		return true;
	if (asprintf(&label, "%s: %s",
		    cr_bundle_policy(rn->bundle, c->module)->path, c->name) < 0)
		return false;
	md = pcre2_match_data_create_from_pattern(rn->filter, NULL);
	rc = md ? pcre2_match(rn->filter, (PCRE2_SPTR)label, strlen(label),
		0, 0, md, NULL) : -1;
	pcre2_match_data_free(md);
	free(label);
	return rc >= 0;
}

static int run_cases(struct runner *rn)
{
	cr_ptest_report *r = rn->report;
	cr_ptest_result *res;
	int rc;

	r->results = calloc(rn->suite.count + 1, sizeof *r->results);
	if (!r->results)
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < rn->suite.count; i++) {
		if (!selected(rn, &rn->suite.cases[i]))
			continue;
		res = &r->results[r->result_count++];
		if ((rc = run_case(rn, &rn->suite.cases[i], res)) != CR_OK)
			return rc;
		if (res->passed)
			r->passed++;
		else
			r->failed++;
		if (rn->opts->on_result)
			rn->opts->on_result(res, rn->opts->ud);
	}
	return CR_OK;
}

/* --- untested policies and coverage ------------------------------------------------ */

static int list_untested(struct runner *rn)
{
	cr_ptest_report *r = rn->report;
	size_t n = cr_bundle_policy_count(rn->bundle);

	r->untested = calloc(n + 1, sizeof *r->untested);
	if (!r->untested)
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (rn->suite.tested[i])
			continue;
		if (asprintf(&r->untested[r->untested_count], "%s (%s)",
			    rn->ids[i] ? rn->ids[i] : "?",
			    cr_bundle_policy(rn->bundle, i)->path) < 0)
			return cr_error_set(rn->ctx, CR_ENOMEM,
				"out of memory");
		r->untested_count++;
	}
	return CR_OK;
}

static int measure_module(struct runner *rn, cr_ptest_coverage *cov,
	size_t i)
{
	const cr_module *m = cr_bundle_policy(rn->bundle, i);
	cr_lines exec;
	int rc;

	cov->module = strdup(m->path);
	cov->policy_id = dup_or_empty(rn->ids[i]);
	if (!cov->module || !cov->policy_id)
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	rc = cr_coverage_executable(&exec, rn->ctx, m->path, m->source, m->len);
	if (rc)
		return rc;
	cov->missed = calloc(exec.limit + 1, sizeof *cov->missed);
	if (!cov->missed) {
		cr_lines_release(&exec);
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	}
	for (uint32_t line = 1; line < exec.limit; line++) {
		if (!cr_lines_has(&exec, line))
			continue;
		cov->executable++;
		if (cr_lines_has(&rn->hits[i], line))
			cov->covered++;
		else
			cov->missed[cov->missed_count++] = line;
	}
	cr_lines_release(&exec);
	return CR_OK;
}

static int measure(struct runner *rn)
{
	cr_ptest_report *r = rn->report;
	size_t n = cr_bundle_policy_count(rn->bundle);
	int rc;

	r->coverage = calloc(n + 1, sizeof *r->coverage);
	if (!r->coverage)
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if ((rc = measure_module(rn, &r->coverage[i], i)) != CR_OK)
			return rc;
		r->coverage_count++;
		r->executable += r->coverage[i].executable;
		r->covered += r->coverage[i].covered;
	}
	return CR_OK;
}

/* --- the run ---------------------------------------------------------------------- */

static int compile_filter(struct runner *rn, const char *pattern)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int err;

	rn->filter = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
		PCRE2_UTF, &err, &off, NULL);
	if (rn->filter)
		return CR_OK;
	pcre2_get_error_message(err, msg, sizeof msg);
	return cr_error_set(rn->ctx, CR_EINVAL, "--run: %s at offset %zu",
		(const char *)msg, (size_t)off);
}

static int run(struct runner *rn)
{
	size_t n;
	int rc;

	if ((rc = cr_bundle_load_dir(&rn->bundle, rn->ctx, rn->dir)) ||
	    (rc = pt_suite_load(&rn->suite, rn->ctx, rn->dir, rn->bundle)) ||
	    (rc = learn_ids(rn)) || (rc = list_untested(rn)))
		return rc;
	n = cr_bundle_policy_count(rn->bundle);
	if (rn->opts->coverage &&
	    !(rn->hits = calloc(n + 1, sizeof *rn->hits)))
		return cr_error_set(rn->ctx, CR_ENOMEM, "out of memory");
	if ((rc = run_cases(rn)) != CR_OK)
		return rc;
	return rn->opts->coverage ? measure(rn) : CR_OK;
}

int cr_ptest_run(cr_ptest_report **out, cr_ctx *ctx, const char *dir,
	const cr_ptest_options *opts)
{
	cr_ptest_options defaults;
	struct runner rn = { .ctx = ctx, .dir = dir, .opts = opts };
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!opts) {
		cr_ptest_options_default(&defaults);
		rn.opts = &defaults;
	}
	if (!(rn.report = calloc(1, sizeof *rn.report)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	rc = rn.opts->run ? compile_filter(&rn, rn.opts->run) : CR_OK;
	if (!rc)
		rc = run(&rn);
	if (rn.bundle)
		n = cr_bundle_policy_count(rn.bundle);
	for (size_t i = 0; i < n; i++) {
		if (rn.ids)
			free(rn.ids[i]);
		if (rn.hits)
			cr_lines_release(&rn.hits[i]);
	}
	free(rn.ids);
	free(rn.hits);
	pcre2_code_free(rn.filter);
	pt_suite_release(&rn.suite);
	cr_bundle_free(rn.bundle);
	if (rc)
		cr_ptest_report_free(rn.report);
	else
		*out = rn.report;
	return rc;
}

void cr_ptest_report_free(cr_ptest_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->result_count; i++) {
		free(r->results[i].module);
		free(r->results[i].policy_id);
		free(r->results[i].name);
		free(r->results[i].where);
		free(r->results[i].diff);
	}
	free(r->results);
	for (size_t i = 0; i < r->untested_count; i++)
		free(r->untested[i]);
	free(r->untested);
	for (size_t i = 0; i < r->coverage_count; i++) {
		free(r->coverage[i].module);
		free(r->coverage[i].policy_id);
		free(r->coverage[i].missed);
	}
	free(r->coverage);
	free(r);
}

/* --- JUnit ------------------------------------------------------------------------ */

/* A case as a policy result of an eval report: its module is the
 * category (one testsuite per module), "ID: case" the policy id, and
 * each line of the difference a finding of it, which the writer lists in
 * the <failure>. */
static int add_junit_case(cr_report *er, const cr_ptest_result *res)
{
	cr_policy_result p = { 0 };
	cr_finding f = { 0 };
	char *id, *copy = NULL, *line, *save = NULL;
	int rc;

	if (asprintf(&id, "%s: %s", res->policy_id, res->name) < 0)
		return CR_ENOMEM;
	p.id = id;
	p.category = res->module;
	p.module = res->module;
	p.severity = CR_SEV_INFO;
	p.weight = 1;
	p.status = res->passed ? CR_STATUS_PASS : res->status ==
		CR_STATUS_ERROR ? CR_STATUS_ERROR : CR_STATUS_FAIL;
	p.message = res->diff ? res->diff : "passed";
	p.duration_ms = res->duration_ms;
	rc = cr_report_add_policy(er, NULL, &p);
	if (!rc && res->diff && !(copy = strdup(res->diff)))
		rc = CR_ENOMEM;
	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		f.policy = id;
		f.kind = CR_STATUS_FAIL;
		f.message = line;
		f.fingerprint = "";
		rc = cr_report_add_finding(er, NULL, &f);
	}
	free(copy);
	free(id);
	return rc;
}

static int junit_report(cr_report *er, const cr_ptest_report *r)
{
	int rc = CR_OK;

	for (size_t i = 0; i < r->result_count && !rc; i++) {
		const cr_ptest_result *res = &r->results[i];
		bool known = false;

		for (size_t k = 0; k < er->category_count && !known; k++)
			known = !strcmp(er->categories[k].id, res->module);
		if (!known)
			rc = cr_report_add_category(er, NULL, res->module,
				res->module, 1);
		if (!rc)
			rc = add_junit_case(er, res);
	}
	return rc;
}

int cr_ptest_render_junit(const cr_ptest_report *r, FILE *f, cr_ctx *ctx)
{
	cr_report *er = NULL;
	int rc;

	if (cr_report_new(&er) != CR_OK || junit_report(er, r) != CR_OK) {
		cr_report_free(er);
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	}
	rc = cr_report_render_junit(er, f, ctx);
	cr_report_free(er);
	return rc;
}
