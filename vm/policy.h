/*
 * policy.h - running one policy module in a sandbox (private to vm/).
 *
 * A run has two stages, so that the evaluator can learn what a policy is
 * before its check gets a chance to hang or crash the worker:
 *
 *   cr_policy_open()   fresh sandbox, the policy environment (the crucible
 *                      table, pass/fail/warn/skip/score), the module's top
 *                      level; fills the outcome's metadata
 *   cr_policy_check()  check(repo, params) with the collector armed; fills
 *                      status, score, message and findings
 *
 * The outcome is plain C data (it also travels from the worker to the
 * evaluator); the evaluator validates the metadata against the bundle.
 */
#ifndef CRUCIBLE_VM_POLICY_H
#define CRUCIBLE_VM_POLICY_H

#include <cjson/cJSON.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "crucible/graph.h"
#include "crucible/report.h"
#include "vm/coverage.h"

/* Longest message, path or metadata string kept, in bytes. */
#define CR_POLICY_TEXT_MAX 4096
/* Findings kept per policy; more are counted, not kept. */
#define CR_POLICY_FINDINGS_MAX 1000

/* What crucible.policy{...} declared, unvalidated beyond Lua types.
 * `params` is the params table as JSON: each entry either a declaration
 * ({type = ..., default = ..., description = ...}) or, old style, a plain
 * default value; vm/validate.h judges it. */
typedef struct cr_policy_meta {
	char *id;
	char *title;
	char *category;
	char *severity;
	char *description;   /* or NULL */
	char *remediation;   /* or NULL */
	char *params_problem; /* why params could not be read as JSON, or NULL */
	double weight;       /* 1 when not given */
	uint32_t line;       /* of the crucible.policy call, 0 if unknown */
	cJSON *params;       /* object, or NULL when not given */
	cJSON *needs;        /* array of fact kinds (strings), or NULL */
} cr_policy_meta;

typedef struct cr_policy_finding {
	cr_status kind;      /* CR_STATUS_FAIL or CR_STATUS_WARN */
	char *message;
	char *path;          /* or NULL */
	uint32_t line;       /* 0 when not given */
	char *commit;        /* the commit it was found in, or NULL */
	char *suppressed;    /* why it is accepted (a waived finding that
				does not fail the policy), or NULL */
	char fingerprint[33];
} cr_policy_finding;

/* Owns every string and the findings array; release with
 * cr_policy_outcome_release().  A zeroed outcome is empty and valid. */
typedef struct cr_policy_outcome {
	bool has_meta;
	cr_policy_meta meta;
	bool done;           /* status, score and message are final */
	cr_status status;
	double score;
	char *message;
	cr_policy_finding *findings;
	size_t finding_count;
	double duration_ms;
} cr_policy_outcome;

void cr_policy_outcome_release(cr_policy_outcome *o);

/* Make the outcome done with status error and `message`; its findings
 * are dropped, since a policy that errored proved nothing. */
void cr_policy_outcome_fail(cr_policy_outcome *o, const char *message);

typedef struct cr_policy_run cr_policy_run;

/* Stage one for module m of bundle b (both must outlive the run).  On success *out is the run (free
 * it with cr_policy_close()) and outcome->meta is filled.  When the module
 * fails (syntax, a runtime error, a limit, no policy returned) the outcome
 * is done with status error and the Lua message, *out is NULL and the
 * return is negative.  `outcome` must stay valid until cr_policy_close(). */
int cr_policy_open(cr_policy_run **out, cr_policy_outcome *outcome,
	const cr_bundle *b, const cr_module *m, const cr_limits *limits);
/* The same, recording in *hits (NULL: no coverage) the lines of m that
 * run, until cr_policy_close(). */
int cr_policy_open_covered(cr_policy_run **out, cr_policy_outcome *outcome,
	const cr_bundle *b, const cr_module *m, const cr_limits *limits,
	cr_lines *hits);

/* Stage two: run check(repo, params) against the frozen graph g, params
 * being the policy's defaults (a declaration's `default`, or the plain
 * value of an old-style params table) overlaid with the bundle's.  The outcome is
 * done afterwards, whatever happened. */
void cr_policy_check(cr_policy_run *run, const cr_graph *g);

void cr_policy_close(cr_policy_run *run);

#endif
