/*
 * toml.h - a strict TOML 1.0 reader, for the manifests and lock files the
 * fact collectors read (pyproject.toml, Cargo.toml, Cargo.lock,
 * poetry.lock, Pipfile).
 *
 * A document is parsed whole into a read-only tree of values.  Anything
 * TOML 1.0 rejects is an error (CR_EPARSE, message "name:LINE:COL: what"),
 * so a fact never comes from a half-understood file.  Input size and
 * nesting depth are bounded: a hostile repository cannot make the parser
 * recurse or allocate without limit.
 */
#ifndef CRUCIBLE_TOML_H
#define CRUCIBLE_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Larger documents are refused with CR_ELIMIT. */
#define CR_TOML_MAX_SIZE (16u << 20)
/* Tables and arrays nested deeper than this (headers, dotted keys and
 * inline values all count) are refused with CR_EPARSE. */
#define CR_TOML_MAX_DEPTH 128

typedef struct cr_toml cr_toml;             /* a parsed document */
typedef struct cr_toml_value cr_toml_value; /* a value inside one */

typedef enum {
	CR_TOML_STRING,
	CR_TOML_INTEGER,
	CR_TOML_FLOAT,
	CR_TOML_BOOLEAN,
	CR_TOML_OFFSET_DATETIME, /* 1979-05-27T07:32:00Z */
	CR_TOML_LOCAL_DATETIME,  /* 1979-05-27T07:32:00 */
	CR_TOML_LOCAL_DATE,      /* 1979-05-27 */
	CR_TOML_LOCAL_TIME,      /* 07:32:00 */
	CR_TOML_ARRAY,
	CR_TOML_TABLE
} cr_toml_type;

/* Parse `len` bytes of `data` (not NUL-terminated; not kept).  `name`
 * (a path) prefixes error messages.  On success *out is a new document
 * the caller frees with cr_toml_free().  Errors: CR_EPARSE, CR_ELIMIT,
 * CR_ENOMEM, CR_EINVAL. */
int cr_toml_parse(cr_toml **out, cr_ctx *ctx, const char *data, size_t len,
	const char *name);
void cr_toml_free(cr_toml *doc);

/* The root table.  Every value pointer stays valid until cr_toml_free(). */
const cr_toml_value *cr_toml_root(const cr_toml *doc);

/* v must not be NULL; the other accessors take NULL as "missing". */
cr_toml_type cr_toml_type_of(const cr_toml_value *v);
/* The 1-based line where the value (for tables: their header or first
 * key) appears: provenance for facts. */
unsigned cr_toml_line(const cr_toml_value *v);

/* A string's decoded bytes (NUL-terminated; *len, when not NULL, counts
 * any embedded NUL), or a date/time's original text.  NULL for other
 * types. */
const char *cr_toml_string(const cr_toml_value *v, size_t *len);
/* The scalar, or 0 / 0.0 / false when v is not of that type. */
int64_t cr_toml_integer(const cr_toml_value *v);
double cr_toml_float(const cr_toml_value *v);
bool cr_toml_boolean(const cr_toml_value *v);

/* Tables: entries in document order; NULL / 0 for non-tables. */
size_t cr_toml_table_count(const cr_toml_value *table);
const cr_toml_value *cr_toml_table_get(const cr_toml_value *table,
	const char *key);
/* The i-th entry, its key in *key (NUL-terminated, length in *key_len
 * when not NULL), or NULL when i is out of range. */
const cr_toml_value *cr_toml_table_at(const cr_toml_value *table, size_t i,
	const char **key, size_t *key_len);

/* Arrays (including arrays of tables); NULL / 0 for non-arrays. */
size_t cr_toml_array_len(const cr_toml_value *array);
const cr_toml_value *cr_toml_array_at(const cr_toml_value *array, size_t i);

#ifdef __cplusplus
}
#endif
#endif
