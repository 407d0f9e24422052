/*
 * manifests_util.h - what the Go, Cargo, JVM, Ruby and PHP manifest
 * parsers share (private to facts/manifests_*.c): a line iterator
 * (go.mod, go.sum, Gemfile.lock), a tolerant tokenizer for the manifests
 * that are programs (build.gradle, build.gradle.kts, Gemfile: read as
 * token streams, never run), and the manifests.h calls taking byte spans
 * of the file instead of C strings.
 */
#ifndef CRUCIBLE_FACTS_MANIFESTS_UTIL_H
#define CRUCIBLE_FACTS_MANIFESTS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/manifests.h"

/* --- lines ---------------------------------------------------------------- */

typedef struct cr_lines {
	const char *p, *end;
	uint32_t next_line;
} cr_lines;

typedef struct cr_line {
	const char *s;    /* without the newline (nor a trailing \r) */
	size_t n;
	uint32_t line;    /* 1-based */
} cr_line;

void cr_lines_init(cr_lines *it, const char *buf, size_t len);
/* The next line, or false at the end of the buffer. */
bool cr_lines_next(cr_lines *it, cr_line *out);

/* --- tokens --------------------------------------------------------------- */

typedef enum cr_mtok_kind {
	CR_MTOK_EOF = 0,
	CR_MTOK_NL,    /* end of a line (only when the syntax asks for them) */
	CR_MTOK_WORD,  /* identifier, number or dotted name: a.b_c.1 */
	CR_MTOK_STR,   /* quoted; s/n is the raw text between the quotes */
	CR_MTOK_PUNCT  /* one character, or "=>" */
} cr_mtok_kind;

typedef struct cr_mtok {
	cr_mtok_kind kind;
	const char *s;
	size_t n;
	uint32_t line;
	char quote;       /* CR_MTOK_STR: ', " or ` */
} cr_mtok;

typedef enum cr_mlex_syntax {
	CR_MLEX_RUBY,     /* # comments, newlines are tokens */
	CR_MLEX_GRADLE    /* // and block comments, newlines are blanks */
} cr_mlex_syntax;

typedef struct cr_mlex {
	const char *p, *end;
	uint32_t line;
	cr_mlex_syntax syntax;
} cr_mlex;

void cr_mlex_init(cr_mlex *lx, const char *buf, size_t len,
	cr_mlex_syntax syntax);
/* The next token; CR_MTOK_EOF forever at the end.  Never fails: an
 * unterminated string or comment runs to the end of the buffer. */
cr_mtok cr_mlex_next(cr_mlex *lx);

/* Whether the token is the punctuation or word `text`. */
bool cr_mtok_is(const cr_mtok *t, cr_mtok_kind kind, const char *text);

/* A NUL-terminated copy of n bytes, which the caller frees; NULL when
 * memory runs out. */
char *cr_span_dup(const char *s, size_t n);
/* s/n without leading and trailing blanks. */
void cr_span_trim(const char **s, size_t *n);

/* --- facts from spans ------------------------------------------------------ */

/* cr_manifest_dep() and cr_lockfile_package() with name and constraint
 * or version given as spans (c may be NULL).  *fresh (may be NULL) tells
 * whether the dependency is new, rather than a name the manifest
 * declared before: only a new one should get the caller's attributes. */
int cr_mu_dep(cr_node_id *out, bool *fresh, cr_manifests *ms,
	cr_node_id manifest, const char *name, size_t name_len, const char *c,
	size_t c_len, const char *scope, uint32_t line);
int cr_mu_package(cr_manifests *ms, cr_node_id lockfile,
	const char *name, size_t name_len, const char *version,
	size_t version_len, const char *scope, uint32_t line);

/* Set a string attribute, or append to a list attribute, from a span;
 * a failure is recorded in the collector's context. */
int cr_mu_set(cr_manifests *ms, cr_node_id n, const char *key,
	const char *s, size_t len);
int cr_mu_push(cr_manifests *ms, cr_node_id n, const char *key,
	const char *s, size_t len);
int cr_mu_set_bool(cr_manifests *ms, cr_node_id n, const char *key, bool v);
/* Set `key` to an empty list on n, for each NULL-terminated key. */
int cr_mu_empty_lists(cr_manifests *ms, cr_node_id n, const char *const *keys);

/* Record that f failed to parse at `line` (cr_collect_parse_error) and
 * return CR_EPARSE, which the parser's entry point turns into CR_OK once
 * it has unwound; any other code means the error could not be recorded. */
int cr_mu_syntax(cr_manifests *ms, const cr_source_file *f, uint32_t line,
	const char *parser, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
