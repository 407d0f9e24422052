/*
 * common.h - error codes, the error context, and small shared types.
 *
 * Every public crucible function returns 0 on success or a negative CR_E*
 * code.  The human-readable message of the last failure is kept in a
 * cr_ctx (an explicit context, not a global), so that independent callers
 * (the CLI, tests, a future library user) never see each other's errors.
 */
#ifndef CRUCIBLE_COMMON_H
#define CRUCIBLE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRUCIBLE_VERSION "0.1.0"

enum {
	CR_OK = 0,
	CR_ENOMEM = -1,    /* allocation failed */
	CR_EIO = -2,       /* a file or directory could not be read */
	CR_EINVAL = -3,    /* bad argument or usage */
	CR_EBUNDLE = -4,   /* invalid bundle: bundle.yml or a policy module */
	CR_EGIT = -5,      /* libgit2 reported an error */
	CR_EFROZEN = -6,   /* the fact graph is read-only */
	CR_ENOTFOUND = -7, /* no such node, file or key */
	CR_EPARSE = -8,    /* a document failed to parse */
	CR_ELIMIT = -9,    /* a size, memory or time limit was reached */
	CR_EINTERNAL = -10 /* a bug or an OS failure we cannot explain */
};

/* The error context.  Allocate one per caller with cr_ctx_new(). */
typedef struct cr_ctx cr_ctx;

int cr_ctx_new(cr_ctx **out);
void cr_ctx_free(cr_ctx *ctx);

/* Record an error and return `code`, so callers can write
 * `return cr_error_set(ctx, CR_EIO, "cannot read %s", path);`.
 * A NULL ctx is accepted and ignored (the code is still returned). */
int cr_error_set(cr_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The message of the last error, or "" when there was none.  The pointer
 * stays valid until the next cr_error_set() on the same context. */
const char *cr_ctx_error(const cr_ctx *ctx);
int cr_ctx_code(const cr_ctx *ctx);
void cr_error_clear(cr_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
