/*
 * sandbox.h - a fresh, restricted lua_State for one policy (private to vm/).
 *
 * A sandbox is one lua_State with an allow-list of libraries (base, table,
 * string, math, utf8, minus everything that reaches the file system or the
 * garbage collector), a Lua heap capped by a counting allocator, and an
 * instruction budget enforced by a count hook.  `require` reaches only the
 * bundle's lib/ modules and the names given to cr_sandbox_provide().  The
 * state's globals table is the policy's environment: every policy gets its
 * own state, so nothing is shared between policies.
 */
#ifndef CRUCIBLE_VM_SANDBOX_H
#define CRUCIBLE_VM_SANDBOX_H

#include <lua.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "vm/coverage.h"

typedef struct cr_sandbox cr_sandbox;

/* Create a sandbox under limits->memory_bytes and limits->instructions
 * (timeout_ms and cpu_seconds are the evaluator's business).  `bundle` may
 * be NULL (then `require` finds no library module); it must outlive the
 * sandbox.  Free with cr_sandbox_free().  Errors: CR_ENOMEM, CR_ELIMIT
 * (the memory cap is too small for the libraries). */
int cr_sandbox_new(cr_sandbox **out, cr_ctx *ctx, const cr_bundle *bundle,
	const cr_limits *limits);
void cr_sandbox_free(cr_sandbox *sb);

/* Record in *hits (which must outlive the sandbox) every line of module m
 * that runs from now on: m's top level when it is loaded later, and every
 * function it defines.  Costs a hook call per line. */
void cr_sandbox_cover(cr_sandbox *sb, const cr_module *m, cr_lines *hits);

/* Call fn(ud) (ud as a light userdata at index 1) in protected mode.
 * Returns 0, or CR_ELIMIT (instruction budget or memory cap) or CR_EBUNDLE
 * (any other Lua error), with cr_sandbox_error() describing it.  Error
 * objects are never converted through metamethods: a non-string error
 * object reads "error object is a <type>".  The stack is empty after. */
int cr_sandbox_run(cr_sandbox *sb, lua_CFunction fn, void *ud);

/* The message of the last failed cr_sandbox_run() (at most 4095 bytes),
 * or "". */
const char *cr_sandbox_error(const cr_sandbox *sb);

/* --- for C functions running inside cr_sandbox_run() (they may raise) --- */

/* Compile module m as text only and push the function; raises the syntax
 * error otherwise.  Messages name it "<bundle name>/<path>:line:" (just
 * "<path>" without a bundle), as the bundle loader's do. */
void cr_sandbox_load_module(lua_State *L, const cr_module *m);

/* Pop the value on top of the stack and make require(name) return it. */
void cr_sandbox_provide(lua_State *L, const char *name);

/* The length of the longest prefix of s[0..len) that is at most max bytes
 * and does not end inside a UTF-8 sequence. */
size_t cr_utf8_clip(const char *s, size_t len, size_t max);

#endif
