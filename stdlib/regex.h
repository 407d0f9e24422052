/*
 * regex.h - a small PCRE2 wrapper (private to the library): compile once
 * with JIT when the platform has it, match many subjects, report errors as
 * readable messages.  Used by crucible.match, repo:grep and f:find.
 *
 * Patterns are UTF-8 (PCRE2_UTF); subjects may hold invalid UTF-8, which
 * simply never matches a multi-byte character.  A compiled regex carries
 * its own match data, so it is not reentrant: one match at a time.
 */
#ifndef CRUCIBLE_STDLIB_REGEX_H
#define CRUCIBLE_STDLIB_REGEX_H

#include "crucible/common.h"

typedef struct cr_regex cr_regex;

/* Compile the `len` bytes of `pattern`.  The caller frees the result with
 * cr_regex_free().  A syntax error gives CR_EPARSE with PCRE2's message
 * and the offset of the error. */
int cr_regex_compile(cr_regex **out, cr_ctx *ctx, const char *pattern,
	size_t len);
void cr_regex_free(cr_regex *re);

/* The source text re was compiled from (owned by re). */
const char *cr_regex_source(const cr_regex *re, size_t *len);

/* Search subject[0..len) for the first match.  Returns 1 on a match, 0
 * when there is none, CR_ELIMIT when PCRE2's match limits stopped the
 * search (catastrophic backtracking), CR_EINTERNAL on any other failure. */
int cr_regex_exec(cr_regex *re, cr_ctx *ctx, const char *subject,
	size_t len);

/* After a match: the number of groups including group 0, and the span
 * [*start, *end) of group i in the subject; false when group i did not
 * take part in the match. */
size_t cr_regex_group_count(const cr_regex *re);
bool cr_regex_group(const cr_regex *re, size_t i, size_t *start,
	size_t *end);

#endif
