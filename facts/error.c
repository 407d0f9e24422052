/*
 * error.c - the error context of common.h.
 *
 * A context holds the code and message of the last failure.  Messages are
 * bounded (a path in an error must never make the message unbounded) and
 * formatting never allocates beyond the context itself.
 */
#include "crucible/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define CR_ERROR_MAX 4096

struct cr_ctx {
	int code;
	char message[CR_ERROR_MAX];
};

int cr_ctx_new(cr_ctx **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? CR_OK : CR_ENOMEM;
}

void cr_ctx_free(cr_ctx *ctx)
{
	free(ctx);
}

int cr_error_set(cr_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	if (!ctx)
		return code;
	ctx->code = code;
	va_start(ap, fmt);
	vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
	va_end(ap);
	return code;
}

const char *cr_ctx_error(const cr_ctx *ctx)
{
	return ctx ? ctx->message : "";
}

int cr_ctx_code(const cr_ctx *ctx)
{
	return ctx ? ctx->code : CR_OK;
}

void cr_error_clear(cr_ctx *ctx)
{
	if (ctx) {
		ctx->code = CR_OK;
		ctx->message[0] = '\0';
	}
}
