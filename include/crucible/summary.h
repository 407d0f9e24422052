/*
 * summary.h - an organisation-level view of many crucible.report/v1 JSON
 * reports: repositories ranked worst first, the policies that fail most
 * often, category averages and verdict totals (`crucible summary`).
 *
 * A summary is built one report at a time and keeps only the few values
 * it shows from each (never the parsed documents), so thousands of reports
 * fit in little memory.  The structures are plain and public, like
 * cr_report: renderers and tests only read them.  Every string is owned by
 * the summary and released by cr_summary_free().
 *
 * Use: cr_summary_new(), cr_summary_add_file() per report,
 * cr_summary_finish() once, then any of the renderers.
 */
#ifndef CRUCIBLE_SUMMARY_H
#define CRUCIBLE_SUMMARY_H

#include <stdio.h>

#include "crucible/common.h"
#include "crucible/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reports larger than this are refused rather than parsed. */
#define CR_SUMMARY_MAX_REPORT_BYTES (64u << 20)

typedef struct cr_summary_repo {
	char *name;          /* unique display name (set by finish) */
	char *path;          /* the report's target.path, or NULL */
	char *commit;        /* target.commit, or NULL */
	char *source;        /* the report file it came from */
	double score;        /* 0..100 */
	char grade;          /* 'A'..'F' */
	const char *verdict; /* "ready", "at-risk", "not-ready" (static) */
	size_t failing;      /* policies with status fail */
	size_t critical;     /* of those, the ones of severity critical */
} cr_summary_repo;

typedef struct cr_summary_policy {
	char *id;
	char *title;         /* alphabetically first title seen, or NULL */
	cr_severity severity; /* highest severity seen */
	size_t repos;        /* repositories where it has status fail */
} cr_summary_policy;

typedef struct cr_summary_category {
	char *id;
	char *title;         /* alphabetically first title seen, or NULL */
	double score_sum;    /* over the repositories where it was scored */
	size_t repos;        /* repositories where it was scored */
} cr_summary_category;

enum { CR_VERDICT_READY, CR_VERDICT_AT_RISK, CR_VERDICT_NOT_READY,
	CR_VERDICT_COUNT };

typedef struct cr_summary {
	/* After cr_summary_finish(): score ascending (worst first), ties by
	 * name, then by source. */
	cr_summary_repo *repos;
	size_t repo_count;
	/* Policies that failed somewhere; after finish: most repositories
	 * first, then higher severity, then id. */
	cr_summary_policy *policies;
	size_t policy_count;
	/* After finish: lowest mean first, then id. */
	cr_summary_category *categories;
	size_t category_count;
	size_t verdicts[CR_VERDICT_COUNT];
	double score_sum;
	/* Reports the caller chose to skip (e.g. invalid ones with
	 * `--skip-invalid`); only counted, and shown in the totals. */
	size_t skipped;
	bool finished;
} cr_summary;

int cr_summary_new(cr_summary **out);
void cr_summary_free(cr_summary *s);

/* Read one crucible.report/v1 file and fold it into the summary.  On
 * failure the summary is unchanged (except after CR_ENOMEM, when it should
 * only be freed) and the message names the file:
 * CR_EIO when it cannot be read, CR_EPARSE when it is not JSON, not a
 * crucible.report/v1 report or larger than CR_SUMMARY_MAX_REPORT_BYTES.
 * CR_EINVAL after cr_summary_finish(). */
int cr_summary_add_file(cr_summary *s, cr_ctx *ctx, const char *path);

/* The same for a document already in memory; `source` names it in
 * messages and becomes the repository's source. */
int cr_summary_add_json(cr_summary *s, cr_ctx *ctx, const char *json,
	size_t len, const char *source);

/* Give every repository a unique name (the basename of its target path;
 * names shared by several reports get "@" and 12 digits of the commit, or
 * else " (source)"), and sort the three tables.  Call once, after the last
 * add. */
int cr_summary_finish(cr_summary *s, cr_ctx *ctx);

/* Mean of a category over the repositories where it was scored. */
double cr_summary_category_mean(const cr_summary_category *c);

typedef struct cr_summary_opts {
	size_t top;          /* failing policies listed; 0: all of them */
} cr_summary_opts;

/* Renderers of a finished summary (CR_EINVAL otherwise); `opts` may be
 * NULL (every failing policy is listed).  Output is a function of the
 * summary only: no dates, no host names.  Markdown and HTML hold the
 * totals and three tables; CSV (RFC 4180, CRLF line ends) is the
 * repository table alone, one row per repository.  CR_EIO when writing
 * fails. */
int cr_summary_render_markdown(const cr_summary *s,
	const cr_summary_opts *opts, FILE *f, cr_ctx *ctx);
int cr_summary_render_html(const cr_summary *s, const cr_summary_opts *opts,
	FILE *f, cr_ctx *ctx);
int cr_summary_render_csv(const cr_summary *s, FILE *f, cr_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
