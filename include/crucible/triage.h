/*
 * triage.h - what a repository has already decided about its findings,
 * applied to an evaluated report before it is scored.
 *
 * In order, on the findings of a report fresh from cr_eval_run():
 *
 *   severity   the configuration's per-policy severities replace the
 *              policies' own (on the policy and on its findings)
 *   exclude    findings whose every location matches an `exclude` glob
 *              are dropped
 *   waivers    a finding matching a configuration waiver (policy, path
 *              glob, fingerprint) is marked waived with the waiver's
 *              reason, owner and expiry; a waiver past its expiry day
 *              (UTC) waives nothing and becomes a failing finding of the
 *              policy CRUCIBLE-WAIVER-EXPIRED; one matching nothing is a
 *              report warning
 *   inline     a `crucible:ignore POLICY-ID reason` marker on a finding's
 *              line or the line above waives it ("inline: reason"); a
 *              marker without a reason still does, with a warning
 *   baseline   findings whose policy and fingerprint are in the baseline
 *              are marked baseline; baseline entries the run no longer
 *              reports become the report's fixed findings
 *
 * A policy that failed or warned and whose every finding was dropped,
 * waived or found in the baseline then counts as passed (status pass,
 * score 1, a message saying what was accepted).  Any other policy keeps
 * the status and score it reported.  docs/configuration.md tells the
 * whole story for users.
 */
#ifndef CRUCIBLE_TRIAGE_H
#define CRUCIBLE_TRIAGE_H

#include <stdio.h>

#include "crucible/config.h"
#include "crucible/graph.h"
#include "crucible/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The policy and category that expired waivers are reported under.  The
 * category weighs 0: an expired waiver fails the run, not the score. */
#define CR_WAIVER_EXPIRED_POLICY "CRUCIBLE-WAIVER-EXPIRED"
#define CR_TRIAGE_CATEGORY "crucible"

/* --- baselines ----------------------------------------------------------- */

/* A baseline file, crucible.baseline/v1:
 *   {"schema": "crucible.baseline/v1",
 *    "findings": [{"policy": "...", "path": "..." or null,
 *                  "fingerprint": "..."}, ...]}
 * sorted by policy, path and fingerprint, without duplicates. */
typedef struct cr_baseline cr_baseline;

/* Errors: CR_ENOTFOUND, CR_EIO (unreadable), CR_EPARSE (not a baseline;
 * the message says why). */
int cr_baseline_load(cr_baseline **out, cr_ctx *ctx, const char *path);
/* Same from memory; `name` names the document in messages. */
int cr_baseline_parse(cr_baseline **out, cr_ctx *ctx, const char *name,
	const char *data, size_t len);
void cr_baseline_free(cr_baseline *b);
size_t cr_baseline_count(const cr_baseline *b);

/* Write the baseline of r to f: every finding that is not waived (those
 * marked baseline included), identified by policy, path of its first
 * location and fingerprint, never by line. */
int cr_baseline_write(const cr_report *r, FILE *f, cr_ctx *ctx);

/* --- triage -------------------------------------------------------------- */

typedef struct cr_triage_opts {
	/* Severities, excludes and waivers; NULL: none. */
	const cr_config *config;
	/* How findings locate the configuration file (repository-relative
	 * when it lies in the repository); NULL: config->file. */
	const char *config_path;
	/* The evaluated repository, whose files hold inline markers; NULL:
	 * no inline suppressions. */
	const cr_graph *graph;
	bool inline_ignores;
	const cr_baseline *baseline;   /* NULL: none */
	int32_t today;                 /* days since 1970-01-01, UTC */
} cr_triage_opts;

typedef struct cr_triage_summary {
	size_t excluded;     /* findings dropped by `exclude` */
	size_t waived;       /* findings waived by the configuration */
	size_t suppressed;   /* findings waived by an inline marker */
	size_t baseline;     /* findings found in the baseline */
	size_t expired;      /* waivers past their expiry: the run fails */
} cr_triage_summary;

/* Apply opts to r (after cr_eval_run(), before cr_score_compute()).
 * Warnings go to r->warnings.  Errors: CR_ENOMEM, CR_EINVAL. */
int cr_triage_apply(cr_triage_summary *out, cr_report *r, cr_ctx *ctx,
	const cr_triage_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
