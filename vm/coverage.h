/*
 * coverage.h - line coverage of policy modules (private to the library).
 *
 * `crucible test --coverage` needs two sets of lines per policy module:
 * the lines that carry code, read from the compiled chunk without running
 * it (cr_coverage_executable), and the lines that ran, recorded by the
 * sandbox's line hook inside the evaluator's worker and sent back with
 * the policy's result (cr_eval_run_module).
 */
#ifndef CRUCIBLE_VM_COVERAGE_H
#define CRUCIBLE_VM_COVERAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "crucible/graph.h"
#include "crucible/report.h"

/* A set of 1-based line numbers.  A zeroed set is empty and valid;
 * release it with cr_lines_release(). */
typedef struct cr_lines {
	uint8_t *bits;
	uint32_t limit;      /* lines below it have a bit */
} cr_lines;

/* Add a line; false when out of memory (the set is unchanged). */
bool cr_lines_add(cr_lines *s, uint32_t line);
bool cr_lines_has(const cr_lines *s, uint32_t line);
/* Add every line of `from`; false when out of memory. */
bool cr_lines_merge(cr_lines *into, const cr_lines *from);
void cr_lines_release(cr_lines *s);

/* The lines of source[0..len) that hold code: every line some
 * instruction of the chunk or of a function nested in it belongs to, as
 * Lua's own line hook numbers them, except a function's closing `end`
 * when only its implicit return lives there (a function that returns
 * early never reaches it).  The chunk is compiled as text in a throwaway
 * state and never run.  Errors: CR_EPARSE (a syntax error, in the
 * message), CR_ENOMEM, CR_EINTERNAL (a Lua whose dump format is not 5.4's). */
int cr_coverage_executable(cr_lines *out, cr_ctx *ctx, const char *chunkname,
	const char *source, size_t len);

/* Evaluate the policy module `index` of bundle b alone, as cr_eval_run()
 * does (forked worker, limits, metadata validated), appending its result
 * and findings to report.  When hits is not NULL, the lines of the module
 * that ran, from its top level to the end of its check, are added to it.
 * Errors as cr_eval_run(). */
int cr_eval_run_module(cr_report *report, cr_ctx *ctx, const cr_graph *g,
	const cr_bundle *b, size_t index, const cr_limits *limits,
	cr_lines *hits);

#endif
