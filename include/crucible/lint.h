/*
 * lint.h - the policy linter of the bundle compiler.
 *
 * cr_lint_module() parses one Lua module (text) and checks its names
 * against what a policy really has at run time (docs/lint.md):
 *
 *   errors    a global that is neither a local, a Lua function or library
 *             the sandbox keeps, nor the policy API (`repot`, `os`);
 *             any assignment to a global; a field of a library table
 *             that does not exist (`string.fromat`, `crucible.glbo`)
 *   warnings  unused locals and local functions; a local that shadows
 *             an outer local or a global of the API (`local pass`)
 *
 * `crucible build --strict` treats warnings as errors; that is the
 * caller's business.  The result also lists the repo members a module
 * uses (`repo:files`, `repo.git`), so that facts can be planned.
 */
#ifndef CRUCIBLE_LINT_H
#define CRUCIBLE_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { CR_LINT_ERROR = 0, CR_LINT_WARNING = 1 } cr_lint_level;

typedef struct cr_lint_issue {
	cr_lint_level level;
	uint32_t line;
	uint32_t column;   /* 1-based, in bytes */
	char *message;     /* one line, without file or position */
} cr_lint_issue;

typedef struct cr_lint_result {
	cr_lint_issue *issues;   /* sorted by line, then column */
	size_t issue_count;
	/* Sorted, unique names used as `p.name` or `p:name(...)` where p is
	 * the first parameter of a function (check's `repo`, a helper's
	 * `repo`).  Aliases (`local r = repo`) are not followed. */
	char **members;
	size_t member_count;
} cr_lint_result;

/* Lint source[0..len), named `chunkname` in messages (a leading '=' or
 * '@' is dropped, as Lua does).  Returns 0 with the issues found (none
 * is an error of the call), CR_EPARSE for a syntax error ("name:line:
 * message", as Lua's compiler words it), or CR_ENOMEM.  On success the
 * caller releases *out with cr_lint_result_release(); on failure *out
 * is empty. */
int cr_lint_module(cr_lint_result *out, cr_ctx *ctx, const char *chunkname,
	const char *source, size_t len);
void cr_lint_result_release(cr_lint_result *r);

#ifdef __cplusplus
}
#endif
#endif
