/*
 * lua_parse.h - a Lua 5.4 parser that resolves names, for the linter
 * (private to compiler/).
 *
 * It reads a chunk the way Lua's own parser does (lexer, recursive
 * descent, lexical scopes) but builds no code: it records what the linter
 * needs to know about names.  Every local variable declared, with how it
 * was used; every access to a name that no local resolves (a global, or
 * a field of _ENV); every field used on the first parameter of a
 * function.  Names point into the source, which must outlive the result.
 */
#ifndef CRUCIBLE_COMPILER_LUA_PARSE_H
#define CRUCIBLE_COMPILER_LUA_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crucible/common.h"

/* Lua's own limit on nested statements and expressions (LUAI_MAXCCALLS). */
#define LP_DEPTH_MAX 200

/* A name as it appears in the source (not NUL-terminated). */
typedef struct lp_name {
	const char *text;
	size_t len;
	uint32_t line;
	uint32_t column; /* 1-based, in bytes */
} lp_name;

typedef enum {
	LP_LOCAL,     /* local x */
	LP_FUNCTION,  /* local function f */
	LP_LOOP,      /* a for-loop variable */
	LP_PARAM,     /* a function parameter */
	LP_SELF       /* the implicit parameter of a method */
} lp_local_kind;

typedef struct lp_local {
	lp_name name;
	lp_local_kind kind;
	bool read;
	bool written;         /* assigned after its declaration */
	bool first_param;     /* the first explicit parameter of a function */
	bool attrib_const;    /* <const> */
	bool attrib_close;    /* <close> */
	size_t shadows;       /* index of the local it hides, or SIZE_MAX */
} lp_local;

/* An access to a free name: `name` read or assigned.  `field` is the
 * `.field` read or assigned right after it (field.text NULL if none):
 * `string.fromat(...)` gives name "string", field "fromat". */
typedef struct lp_global {
	lp_name name;
	lp_name field;
	bool write;
} lp_global;

typedef struct lp_chunk {
	lp_local *locals;      /* in order of declaration */
	size_t local_count;
	lp_global *globals;    /* in source order */
	size_t global_count;
	lp_name *members;      /* `p.x`, `p:x()`: p is a first parameter */
	size_t member_count;
} lp_chunk;

/* Parse source[0..len) as a Lua 5.4 chunk.  Returns 0, or CR_EPARSE with
 * a message "chunkname:line: problem near 'token'" (a leading '=' or '@'
 * of chunkname is dropped, as Lua does), or CR_ENOMEM.  On success the
 * caller releases *out with lp_chunk_release(); on failure *out is
 * empty. */
int lp_parse(lp_chunk *out, cr_ctx *ctx, const char *chunkname,
	const char *source, size_t len);
void lp_chunk_release(lp_chunk *c);

#endif
