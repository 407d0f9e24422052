/*
 * text.c - the report for a human at a terminal.
 *
 * Most important first: the score, grade and verdict on the first line,
 * then the categories with a bar each, then the policies that need
 * attention (failures, errors, warnings, then skipped and passing ones,
 * the most severe first in each group) with their findings as path:line,
 * and closing counts.  ANSI colour only when opts->color; text
 * that comes from policies or the repository (messages, paths, titles)
 * has its control bytes replaced, so a hostile repository cannot drive
 * the terminal and a colourless report never holds an escape byte.
 */
#include "crucible/report.h"

#include <stdlib.h>
#include <string.h>

#include "crucible/score.h"
#include "report/report_private.h"

#define BAR_CELLS 20
#define DETAIL_INDENT "         "   /* under the severity column */
#define SHORT_ID 12

#define SGR_GREEN "32"
#define SGR_RED "31"
#define SGR_YELLOW "33"
#define SGR_DIM "2"
#define SGR_MAGENTA "35"
#define SGR_BOLD "1"

typedef struct text_out {
	FILE *f;
	bool color;
	bool verbose;
} text_out;

static const struct {
	const char *label;
	const char *sgr;
	int rank;      /* listing order: what needs attention first */
} status_style[CR_STATUS_COUNT] = {
	[CR_STATUS_FAIL] = { "FAIL", SGR_RED, 0 },
	[CR_STATUS_ERROR] = { "ERROR", SGR_MAGENTA, 1 },
	[CR_STATUS_WARN] = { "WARN", SGR_YELLOW, 2 },
	[CR_STATUS_SKIP] = { "SKIP", SGR_DIM, 3 },
	[CR_STATUS_PASS] = { "PASS", SGR_GREEN, 4 },
};

/* Untrusted text: control bytes would move the cursor or change colours. */
static void put_clean(const text_out *o, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\t' || c == '\n' || c == '\r')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		fputc(c, o->f);
	}
}

static void put_styled(const text_out *o, const char *sgr, const char *s)
{
	if (o->color && sgr)
		fprintf(o->f, "\033[%sm", sgr);
	put_clean(o, s);
	if (o->color && sgr)
		fputs("\033[0m", o->f);
}

/* Padding goes outside the escape codes so that columns line up. */
static void put_padded(const text_out *o, const char *sgr, const char *s,
	int width)
{
	int len = (int)strlen(s);

	put_styled(o, sgr, s);
	if (len < width)
		fprintf(o->f, "%*s", width - len, "");
}

static const char *verdict_sgr(const char *verdict)
{
	if (!strcmp(verdict, "ready"))
		return SGR_GREEN;
	if (!strcmp(verdict, "at-risk"))
		return SGR_YELLOW;
	return SGR_RED;
}

/* The colour of a score is the colour of the verdict it alone would get,
 * so the thresholds stay in score.c. */
static const char *score_sgr(double score)
{
	return verdict_sgr(cr_score_verdict(score, false));
}

static void render_headline(const text_out *o, const cr_report *r)
{
	char grade[2] = { r->grade, '\0' };

	fprintf(o->f, "crucible: %.1f/100  grade ", r->score);
	put_styled(o, SGR_BOLD, grade);
	fputs("  ", o->f);
	put_styled(o, verdict_sgr(r->verdict), r->verdict);
	fputc('\n', o->f);
}

static void render_target(const text_out *o, const cr_report *r)
{
	fputs("target:  ", o->f);
	put_clean(o, r->target_path ? r->target_path : "(unknown)");
	fputc('\n', o->f);
	if (r->commit) {
		fprintf(o->f, "commit:  %.*s", SHORT_ID, r->commit);
		fputs(r->branch ? " on " : " (detached)", o->f);
		put_clean(o, r->branch);
		fputc('\n', o->f);
	} else if (r->branch) {
		fputs("branch:  ", o->f);
		put_clean(o, r->branch);
		fputc('\n', o->f);
	}
	for (size_t i = 0; i < r->bundle_count; i++) {
		const cr_bundle_ref *b = &r->bundles[i];

		fputs("bundle:  ", o->f);
		put_clean(o, b->name);
		if (b->version) {
			fputc(' ', o->f);
			put_clean(o, b->version);
		}
		if (b->digest)
			fprintf(o->f, "  %.*s", (int)strlen("sha256:") + SHORT_ID,
				b->digest);
		fputc('\n', o->f);
	}
}

static const char *category_name(const cr_category_result *c)
{
	return c->title ? c->title : c->id;
}

static void render_bar(const text_out *o, double score)
{
	char bar[BAR_CELLS + 1];
	int filled = (int)(score * BAR_CELLS / 100.0 + 0.5);

	if (filled < 0)
		filled = 0;
	if (filled > BAR_CELLS)
		filled = BAR_CELLS;
	memset(bar, '#', (size_t)filled);
	memset(bar + filled, '.', (size_t)(BAR_CELLS - filled));
	bar[BAR_CELLS] = '\0';
	fputc('[', o->f);
	put_styled(o, score_sgr(score), bar);
	fputc(']', o->f);
}

static void render_categories(const text_out *o, const cr_report *r)
{
	int width = 8;

	if (!r->category_count)
		return;
	for (size_t i = 0; i < r->category_count; i++) {
		int len = (int)strlen(category_name(&r->categories[i]));

		if (len > width)
			width = len < 40 ? len : 40;
	}
	fputs("\nCategories\n", o->f);
	for (size_t i = 0; i < r->category_count; i++) {
		const cr_category_result *c = &r->categories[i];

		fputs("  ", o->f);
		put_padded(o, NULL, category_name(c), width);
		if (c->scored) {
			fprintf(o->f, "  %5.1f  ", c->score);
			render_bar(o, c->score);
		} else {
			fputs("    n/a  ", o->f);
			put_padded(o, SGR_DIM, "not scored", BAR_CELLS + 2);
		}
		fprintf(o->f, "  weight %g\n", c->weight);
	}
}

static int status_rank(cr_status s)
{
	return (unsigned)s < CR_STATUS_COUNT ? status_style[s].rank : CR_STATUS_COUNT;
}

/* Ties keep report order: the elements point into one array. */
static int compare_policies(const void *a, const void *b)
{
	const cr_policy_result *p = *(const cr_policy_result *const *)a;
	const cr_policy_result *q = *(const cr_policy_result *const *)b;

	if (status_rank(p->status) != status_rank(q->status))
		return status_rank(p->status) - status_rank(q->status);
	if (p->severity != q->severity)
		return (int)q->severity - (int)p->severity;
	return (p > q) - (p < q);
}

static int compare_findings(const void *a, const void *b)
{
	const cr_finding *f = *(const cr_finding *const *)a;
	const cr_finding *g = *(const cr_finding *const *)b;

	if (f->severity != g->severity)
		return (int)g->severity - (int)f->severity;
	return (f > g) - (f < g);
}

static void render_location(const text_out *o, const cr_location *l)
{
	put_clean(o, l->path);
	if (l->line)
		fprintf(o->f, ":%u", (unsigned)l->line);
}

static void render_detail(const text_out *o, const char *prefix,
	const char *sgr, const char *text);

static void render_finding(const text_out *o, const cr_policy_result *p,
	const cr_finding *f)
{
	fputs(DETAIL_INDENT "- ", o->f);
	if (f->location_count) {
		render_location(o, &f->locations[0]);
		fputs("  ", o->f);
	}
	put_clean(o, f->message);
	if (f->location_count > 1)
		fprintf(o->f, " (+%zu more)", f->location_count - 1);
	if (f->severity != p->severity || f->kind != p->status) {
		fputs(" [", o->f);
		fputs(cr_severity_name(f->severity), o->f);
		fputs(f->kind == CR_STATUS_WARN ? " warning]" : "]", o->f);
	}
	if (f->waived)
		put_styled(o, SGR_DIM, " (waived)");
	if (f->baseline)
		put_styled(o, SGR_DIM, " (in baseline)");
	fputc('\n', o->f);
	if (f->waived && f->waiver && o->verbose)
		render_detail(o, "waived: ", SGR_DIM, f->waiver);
}

static void render_detail(const text_out *o, const char *prefix,
	const char *sgr, const char *text)
{
	if (!text || !*text)
		return;
	fputs(DETAIL_INDENT, o->f);
	put_styled(o, sgr, prefix);
	put_clean(o, text);
	fputc('\n', o->f);
}

/* What a policy's line is followed by, per status. */
static void render_policy_details(const text_out *o, const cr_policy_result *p,
	const cr_finding **found, size_t count)
{
	switch (p->status) {
	case CR_STATUS_ERROR:
		render_detail(o, "error: ", SGR_MAGENTA, p->message);
		break;
	case CR_STATUS_SKIP:
		render_detail(o, "skipped: ", SGR_DIM, p->message);
		break;
	case CR_STATUS_PASS:
		if (o->verbose)
			render_detail(o, "", NULL, p->message);
		break;
	default:
		/* The message defaults to the first finding's: say it once. */
		if (!count)
			render_detail(o, "", NULL, p->message);
		for (size_t i = 0; i < count; i++)
			render_finding(o, p, found[i]);
		if (o->verbose)
			render_detail(o, "fix: ", SGR_BOLD, p->remediation);
		break;
	}
}

static void render_policy(const text_out *o, const cr_report *r,
	const cr_policy_result *p, const cr_finding **found)
{
	const char *label = "?";
	const char *sgr = NULL;
	size_t count;

	if ((unsigned)p->status < CR_STATUS_COUNT) {
		label = status_style[p->status].label;
		sgr = status_style[p->status].sgr;
	}
	fputs("  ", o->f);
	put_padded(o, sgr, label, 5);
	fputs("  ", o->f);
	put_padded(o, NULL, cr_severity_name(p->severity), 8);
	fputs("  ", o->f);
	put_clean(o, p->id);
	if (p->title) {
		fputs("  ", o->f);
		put_clean(o, p->title);
	}
	fputc('\n', o->f);
	count = cr_report_policy_findings(r, p->id, found, r->finding_count);
	qsort(found, count, sizeof *found, compare_findings);
	render_policy_details(o, p, found, count);
}

static int render_policies(const text_out *o, const cr_report *r, cr_ctx *ctx)
{
	const cr_policy_result **order = NULL;
	const cr_finding **found = NULL;
	int err = CR_OK;

	if (!r->policy_count)
		return CR_OK;
	order = calloc(r->policy_count, sizeof *order);
	found = calloc(r->finding_count + 1, sizeof *found);
	if (!order || !found) {
		err = cr_error_set(ctx, CR_ENOMEM, "out of memory rendering the report");
		goto done;
	}
	for (size_t i = 0; i < r->policy_count; i++)
		order[i] = &r->policies[i];
	qsort(order, r->policy_count, sizeof *order, compare_policies);
	fputs("\nPolicies\n", o->f);
	for (size_t i = 0; i < r->policy_count; i++)
		render_policy(o, r, order[i], found);
done:
	free(order);
	free(found);
	return err;
}

/* With --baseline, what went away; and the notes triage left (an unused
 * waiver, a suppression without a reason, ...). */
static void render_fixed_and_warnings(const text_out *o, const cr_report *r)
{
	if (r->fixed_count)
		fputs("\nFixed since the baseline\n", o->f);
	for (size_t i = 0; i < r->fixed_count; i++) {
		fputs("  - ", o->f);
		put_clean(o, r->fixed[i].policy);
		fputs("  ", o->f);
		put_clean(o, r->fixed[i].path ? r->fixed[i].path : ".");
		fputc('\n', o->f);
	}
	if (r->warning_count)
		fputs("\nNotes\n", o->f);
	for (size_t i = 0; i < r->warning_count; i++) {
		fputs("  - ", o->f);
		put_styled(o, SGR_YELLOW, r->warnings[i]);
		fputc('\n', o->f);
	}
}

/* Two lines, so that the counts fit a terminal whatever they are. */
static void render_summary(const text_out *o, const cr_report *r)
{
	const char *sep = ":";
	cr_report_tally t;

	cr_report_tally_compute(&t, r);
	fprintf(o->f, "\n%zu %s", t.policies,
		t.policies == 1 ? "policy" : "policies");
	for (int s = 0; s < CR_STATUS_COUNT; s++) {
		fprintf(o->f, "%s %zu %s", sep, t.by_status[s],
			cr_status_name((cr_status)s));
		sep = ",";
	}
	fprintf(o->f, "\n%zu finding%s", t.findings, t.findings == 1 ? "" : "s");
	sep = ":";
	for (int s = CR_SEVERITY_COUNT - 1; s >= 0; s--) {
		if (!t.active_by_severity[s])
			continue;
		fprintf(o->f, "%s %zu %s", sep, t.active_by_severity[s],
			cr_severity_name((cr_severity)s));
		sep = ",";
	}
	if (t.waived)
		fprintf(o->f, "%s %zu waived", sep, t.waived);
	fputc('\n', o->f);
}

/* --quiet: the headline, then one line per blocker (a failing policy of
 * high or critical severity), the most severe first. */
static void render_blockers(const text_out *o, const cr_report *r)
{
	size_t blockers = 0;

	for (size_t k = 0; k < 2 * r->policy_count; k++) {
		cr_severity sev = k < r->policy_count ? CR_SEV_CRITICAL : CR_SEV_HIGH;
		const cr_policy_result *p = &r->policies[k % r->policy_count];
		size_t count;

		if (p->status != CR_STATUS_FAIL || p->severity != sev)
			continue;
		count = cr_report_policy_findings(r, p->id, NULL, 0);
		fputs("  ", o->f);
		put_padded(o, SGR_RED, cr_severity_name(p->severity), 8);
		fputs("  ", o->f);
		put_clean(o, p->id);
		fputs("  ", o->f);
		put_clean(o, p->title ? p->title : "");
		fprintf(o->f, " (%zu finding%s)\n", count, count == 1 ? "" : "s");
		blockers++;
	}
	if (!blockers)
		fputs("  no blockers\n", o->f);
}

int cr_report_render_text(const cr_report *r, FILE *f,
	const cr_render_opts *opts, cr_ctx *ctx)
{
	const text_out o = {
		.f = f,
		.color = opts && opts->color,
		.verbose = opts && opts->verbose,
	};
	int err;

	render_headline(&o, r);
	if (opts && opts->quiet) {
		render_blockers(&o, r);
		goto flush;
	}
	render_target(&o, r);
	render_categories(&o, r);
	err = render_policies(&o, r, ctx);
	if (err)
		return err;
	render_fixed_and_warnings(&o, r);
	render_summary(&o, r);
flush:
	if (fflush(f) == EOF || ferror(f))
		return cr_error_set(ctx, CR_EIO, "cannot write the report");
	return CR_OK;
}
