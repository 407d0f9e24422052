/*
 * yaml.h - the files users write (bundle.yml, .crucible.yml, baselines):
 * reading them with a size bound, YAML documents as small trees with line
 * numbers, and the list of problems found in them (private to the
 * library).
 *
 * Every reader of a user's file reports all of its problems at once, one
 * "file:line: message" per line, so that the author fixes the file in one
 * round trip.  The tree is built from libyaml's event parser with bounded
 * depth and size; in crucible's own files aliases are refused outright,
 * since a hand-written configuration has no use for them and they are how
 * a tiny document expands into a huge one.  The fact collectors read
 * other tools' files, where anchors are common (GitLab CI, compose), with
 * cr_yaml_parse_all(): aliases expanded within a node budget.
 */
#ifndef CRUCIBLE_COMPILER_YAML_H
#define CRUCIBLE_COMPILER_YAML_H

#include <cjson/cJSON.h>

#include "crucible/common.h"

#define CR_YAML_DEPTH_MAX 64    /* nested collections */
#define CR_YAML_NODES_MAX 20000 /* nodes in one document */
#define CR_YAML_FIELDS_MAX 32   /* keys one cr_yaml_fields() table knows */

/* --- the file ------------------------------------------------------------ */

/* Read the regular file at `path` (at most `max` bytes) into a
 * NUL-terminated buffer the caller frees.  Errors: CR_ENOTFOUND (no such
 * file), CR_EIO (unreadable, not a regular file, larger than max),
 * CR_ENOMEM. */
int cr_user_file_read(char **out, size_t *len, cr_ctx *ctx, const char *path,
	size_t max);

/* --- problems ------------------------------------------------------------ */

/* The problems found so far, newline-separated.  Allocation failures only
 * set `oom`, so that validators stay free of error plumbing.  Zero it and
 * set `file` (borrowed) before use; release with cr_problems_release(). */
typedef struct cr_problems {
	const char *file;    /* names the document in cr_problem_at() */
	char *text;
	size_t len;
	size_t count;
	bool oom;
} cr_problems;

void cr_problem(cr_problems *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "file:line: message". */
void cr_problem_at(cr_problems *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set ctx's message to the list (capped, with a count of the rest) and
 * return `code`. */
int cr_problems_report(const cr_problems *p, cr_ctx *ctx, int code);
void cr_problems_release(cr_problems *p);

/* --- the tree ------------------------------------------------------------ */

typedef enum cr_ynode_kind { CR_YSCALAR, CR_YSEQ, CR_YMAP } cr_ynode_kind;

typedef struct cr_ynode {
	cr_ynode_kind kind;
	unsigned line;             /* 1-based */
	bool plain;                /* untagged plain scalar: typed by text */
	char *text;                /* scalars only */
	struct cr_ynode **kids;    /* items; of a mapping key, value, ... */
	size_t count;
	size_t cap;
} cr_ynode;

/* Parse one YAML document into *out (NULL for an empty document; free it
 * with cr_ynode_free()).  Returns 0, CR_ENOMEM, or CR_EPARSE after
 * recording the problem in p. */
int cr_yaml_parse(cr_ynode **out, cr_problems *p, const char *data,
	size_t len);
/* Only for a document root (from cr_yaml_parse() or a cr_ydocs entry):
 * a root owns the memory of its whole tree. */
void cr_ynode_free(cr_ynode *n);

/* Every document of a stream, for files written for other tools
 * (Kubernetes manifests, CI configurations, compose files): aliases and
 * `<<` merge keys are expanded by copying, and all nodes, copies
 * included, count against max_nodes, so that alias bombs fail fast.
 * An empty document is a null scalar.  On CR_EPARSE the documents before
 * the broken one are kept in *out and the problem is in p.  Release with
 * cr_ydocs_release() in every case. */
typedef struct cr_ydocs {
	cr_ynode **docs;
	size_t count;
} cr_ydocs;

int cr_yaml_parse_all(cr_ydocs *out, cr_problems *p, const char *data,
	size_t len, size_t max_nodes);
void cr_ydocs_release(cr_ydocs *d);

/* The value of `key` in mapping `map` (NULL when map is not a mapping or
 * lacks the key), and the text of a scalar (NULL for anything else). */
const cr_ynode *cr_ymap_get(const cr_ynode *map, const char *key);
const char *cr_ynode_text(const cr_ynode *n);

/* --- scalars ------------------------------------------------------------- */

/* null, ~ or nothing, written plain. */
bool cr_ynode_is_null(const cr_ynode *n);
/* true/false (any YAML 1.2 spelling) written plain; false otherwise. */
bool cr_ynode_bool(bool *out, const cr_ynode *n);
/* Numbers of the YAML 1.2 core schema: decimal integers and floats, 0x and
 * 0o integers; .inf and .nan are not numbers here. */
bool cr_yaml_number(double *out, const char *text);

/* A subtree as JSON with plain YAML typing.  NULL only when out of memory
 * (p->oom is then set); duplicate and non-string keys are recorded and
 * left out. */
cJSON *cr_ynode_to_json(cr_problems *p, const cr_ynode *n);

/* --- mappings of known keys ---------------------------------------------- */

typedef void (*cr_yfield_reader)(void *target, cr_problems *p,
	const cr_ynode *value);

typedef struct cr_yfield {
	const char *key;
	bool required;
	cr_yfield_reader read;
} cr_yfield;

/* Hand each value of mapping `map` to the reader of its key; record
 * unknown, duplicate and missing required keys ("... in <what>").  At most
 * CR_YAML_FIELDS_MAX fields. */
void cr_yaml_fields(void *target, cr_problems *p, const cr_ynode *map,
	const char *what, const cr_yfield *fields, size_t nfields);

/* The text of a non-empty string scalar, or NULL after recording "<what>
 * must be a non-empty string". */
const char *cr_ynode_string(cr_problems *p, const cr_ynode *v,
	const char *what);

#endif
