/*
 * eval.h - run the policies of one or more bundles against a frozen graph.
 *
 * The evaluator forks one worker process after the facts are collected;
 * the worker inherits the graph copy-on-write and runs one policy at a
 * time, each in a fresh sandboxed lua_State, under RLIMIT_AS and a
 * per-policy RLIMIT_CPU, and sends each result back over a pipe.  The
 * parent enforces a wall-clock deadline per policy; a worker that dies or
 * misses the deadline is killed and replaced, and only the policy it was
 * running ends as `error`.
 */
#ifndef CRUCIBLE_EVAL_H
#define CRUCIBLE_EVAL_H

#include "crucible/bundle.h"
#include "crucible/graph.h"
#include "crucible/report.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_limits {
	size_t memory_bytes;      /* Lua heap cap per policy */
	uint64_t instructions;    /* VM instruction budget per policy */
	uint32_t timeout_ms;      /* wall clock per policy */
	uint32_t cpu_seconds;     /* RLIMIT_CPU per policy */
} cr_limits;

/* 64 MiB, 100 million instructions, 10 s wall clock, 10 s CPU. */
void cr_limits_default(cr_limits *out);

/* Evaluate every policy of every bundle; appends one cr_policy_result per
 * policy module and its findings to `report`, and the bundles' categories
 * (first definition of an id wins).  Policy failures never fail the call.
 * Returns CR_EBUNDLE when a policy's metadata is invalid (unknown
 * category, bad severity, duplicate id, ...), listing every problem with
 * module:line in the context's message; CR_EINTERNAL when no worker can be
 * started. */
int cr_eval_run(cr_report *report, cr_ctx *ctx, const cr_graph *g,
	const cr_bundle *const *bundles, size_t bundle_count,
	const cr_limits *limits);

/* Policies a run leaves out (a configuration's `disable`).  A policy
 * whose id or category is listed still loads, so that its metadata is
 * validated and it is listed in the report, but its check never runs: it
 * is reported as skip with `reason` as its message. */
typedef struct cr_eval_selection {
	const char *const *disabled_policies;
	size_t disabled_policy_count;
	const char *const *disabled_categories;
	size_t disabled_category_count;
	const char *reason;
} cr_eval_selection;

/* cr_eval_run() with a selection (NULL: run everything). */
int cr_eval_run_selected(cr_report *report, cr_ctx *ctx, const cr_graph *g,
	const cr_bundle *const *bundles, size_t bundle_count,
	const cr_limits *limits, const cr_eval_selection *selection);

#ifdef __cplusplus
}
#endif
#endif
