/*
 * report.h - the result of an evaluation, as every renderer sees it.
 *
 * The evaluator (vm/eval.c) fills policies and findings, the scorer
 * (vm/score.c) fills categories and the overall score, the CLI fills the
 * target and the stats, and the renderers (report/) only read.  The
 * structures are plain and public on purpose: a renderer is a function of
 * this data and nothing else.  Every string is owned by the report and
 * released by cr_report_free().
 */
#ifndef CRUCIBLE_REPORT_H
#define CRUCIBLE_REPORT_H

#include <stdio.h>

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cr_status {
	CR_STATUS_PASS = 0,
	CR_STATUS_FAIL,
	CR_STATUS_WARN,
	CR_STATUS_SKIP,
	CR_STATUS_ERROR
} cr_status;

/* Ordered: a larger value is more severe. */
typedef enum cr_severity {
	CR_SEV_INFO = 0,
	CR_SEV_LOW,
	CR_SEV_MEDIUM,
	CR_SEV_HIGH,
	CR_SEV_CRITICAL
} cr_severity;

const char *cr_status_name(cr_status s);       /* "pass", "fail", ... */
int cr_status_parse(cr_status *out, const char *name);
const char *cr_severity_name(cr_severity s);   /* "info" .. "critical" */
int cr_severity_parse(cr_severity *out, const char *name);

typedef struct cr_location {
	char *path;   /* repository-relative, forward slashes; never NULL */
	uint32_t line; /* 1-based; 0 when the finding has no line */
	char *commit; /* full object id, or NULL */
} cr_location;

typedef struct cr_finding {
	char *policy;            /* id of the policy that reported it */
	cr_severity severity;
	cr_status kind;          /* CR_STATUS_FAIL or CR_STATUS_WARN */
	char *message;
	cr_location *locations;
	size_t location_count;
	char *fingerprint;       /* stable across unrelated edits */
	bool waived;             /* accepted: shown, but counts for nothing */
	char *waiver;            /* why it is waived (a config waiver's or an
				    inline suppression's reason), or NULL */
	bool baseline;           /* already in the --baseline file: not new */
} cr_finding;

/* A finding of the baseline that the run no longer reports. */
typedef struct cr_fixed_finding {
	char *policy;
	char *path;              /* or NULL */
	char *fingerprint;
} cr_fixed_finding;

typedef struct cr_policy_result {
	char *id;
	char *title;
	char *category;
	char *description;
	char *remediation;
	char *bundle;      /* name of the bundle it came from */
	char *module;      /* module path inside the bundle, e.g. "secrets.lua" */
	cr_severity severity;
	double weight;
	cr_status status;
	double score;      /* 0..1; meaningless for skip and error */
	char *message;
	double duration_ms;
} cr_policy_result;

typedef struct cr_category_result {
	char *id;
	char *title;
	double weight;
	double score;      /* 0..100 */
	bool scored;       /* false when every policy skipped or errored */
	char **policies;   /* policy ids, in report order */
	size_t policy_count;
} cr_category_result;

typedef struct cr_bundle_ref {
	char *name;
	char *version;
	char *digest;      /* "sha256:<64 hex>" */
} cr_bundle_ref;

typedef struct cr_report {
	char *target_path;
	char *commit;      /* HEAD object id, or NULL outside git */
	char *branch;      /* or NULL (detached, or not git) */

	cr_bundle_ref *bundles;
	size_t bundle_count;
	cr_category_result *categories;
	size_t category_count;
	cr_policy_result *policies;
	size_t policy_count;
	cr_finding *findings;
	size_t finding_count;

	cr_fixed_finding *fixed;  /* with --baseline: what went away */
	size_t fixed_count;
	char **warnings;   /* notes for the reader: a suppression without a
			      reason, a waiver that matched nothing, ... */
	size_t warning_count;

	double score;      /* 0..100 */
	char grade;        /* 'A'..'F' */
	const char *verdict; /* "ready", "at-risk", "not-ready" (static) */

	struct {
		uint64_t files;
		uint64_t bytes;
		uint64_t commits;
		uint64_t duration_ms;
	} stats;
} cr_report;

int cr_report_new(cr_report **out);
void cr_report_free(cr_report *r);

/* Append copies.  The returned pointers (through out, may be NULL) stay
 * valid until the next append of the same kind. */
int cr_report_add_bundle(cr_report *r, const char *name, const char *version,
	const char *digest);
int cr_report_add_policy(cr_report *r, cr_policy_result **out,
	const cr_policy_result *src);
int cr_report_add_finding(cr_report *r, cr_finding **out,
	const cr_finding *src);
int cr_report_add_category(cr_report *r, cr_category_result **out,
	const char *id, const char *title, double weight);
int cr_category_add_policy(cr_category_result *c, const char *policy_id);
int cr_report_add_fixed(cr_report *r, const char *policy, const char *path,
	const char *fingerprint);
int cr_report_add_warning(cr_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Put the findings in a canonical order (policy id, path, line,
 * message, fingerprint), so that reports do not depend on the order a
 * policy happened to find things in. */
void cr_report_sort_findings(cr_report *r);

/* Findings of one policy, in report order: fills out[0..cap) and returns
 * the total. */
size_t cr_report_policy_findings(const cr_report *r, const char *policy_id,
	const cr_finding **out, size_t cap);

/* Renderers.  Each writes the whole report to `f`. */
typedef struct cr_render_opts {
	bool color;        /* ANSI colour (the CLI decides: tty and !NO_COLOR) */
	bool verbose;      /* text: list passing policies' messages too */
	bool quiet;        /* text: the score and the blockers only */
	bool summary;      /* markdown: the short form for a PR comment
			      (always under 65,000 characters) */
} cr_render_opts;

int cr_report_render_json(const cr_report *r, FILE *f, cr_ctx *ctx);
int cr_report_render_text(const cr_report *r, FILE *f,
	const cr_render_opts *opts, cr_ctx *ctx);
/* SARIF 2.1.0, one run, one rule per policy (report/sarif.c). */
int cr_report_render_sarif(const cr_report *r, FILE *f, cr_ctx *ctx);
/* The audit report a person reads top to bottom (report/markdown.c). */
int cr_report_render_markdown(const cr_report *r, FILE *f,
	const cr_render_opts *opts, cr_ctx *ctx);
/* JUnit XML: a testsuite per category, a testcase per policy
 * (report/junit.c). */
int cr_report_render_junit(const cr_report *r, FILE *f, cr_ctx *ctx);
/* One self-contained HTML page (report/html.c). */
int cr_report_render_html(const cr_report *r, FILE *f, cr_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
