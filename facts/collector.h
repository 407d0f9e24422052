/*
 * collector.h - what the content collectors share (private to facts/).
 *
 * After the file inventory and git, cr_facts_collect() hands every
 * content collector (manifests, workflows, Dockerfiles, Kubernetes, docs,
 * code signals, secrets) the same cr_collect: the graph being built, the
 * list of regular files to look through, and a few helpers so that all
 * of them read files under the same bounds and record parse failures the
 * same way.  The graph cannot be queried before it is frozen, so the
 * inventory's list stands in for "which files are there".
 *
 * Conventions every collector follows:
 * - each fact is a node with provenance (path, line) of where it is
 *   written; nested values use dotted keys ("security.runAsNonRoot"),
 *   which the Lua bindings present as nested tables;
 * - lists of objects are nodes of their own, linked by edges whose label
 *   names the relation from the source ("containers", "steps");
 * - a file that fails to parse yields one "parse_error" node (through
 *   cr_collect_parse_error) and collection goes on: a broken file is a
 *   fact, never a failed run.  Only CR_ENOMEM and graph errors stop it.
 */
#ifndef CRUCIBLE_FACTS_COLLECTOR_H
#define CRUCIBLE_FACTS_COLLECTOR_H

#include "crucible/facts.h"
#include "crucible/files.h"
#include "crucible/graph.h"

/* Files larger than this are not parsed (recorded as a parse error). */
#define CR_COLLECT_FILE_MAX (16u << 20)

/* A dependency the manifests collector declared, for the collectors that
 * look for libraries in use (code signals).  Strings owned by the
 * cr_collect. */
typedef struct cr_collect_dep {
	cr_node_id node;
	const char *ecosystem;
	const char *name;
} cr_collect_dep;

typedef struct cr_collect {
	cr_graph *g;
	cr_ctx *ctx;
	const cr_source_file *files;
	size_t nfiles;
	const cr_facts_options *opts;
	cr_collect_dep *deps;       /* filled by cr_collect_note_dep() */
	size_t ndeps, deps_cap;
} cr_collect;

/* Read a whole file of the inventory into a NUL-terminated buffer the
 * caller frees.  A file over CR_COLLECT_FILE_MAX or one that vanished or
 * turned into something else since the inventory is recorded as a parse
 * error and reported as CR_ENOTFOUND: the caller skips it.  Returns
 * CR_ENOMEM only when memory runs out. */
int cr_collect_read(char **out, size_t *len, cr_collect *c,
	const cr_source_file *f, const char *parser);

/* Record that `path` failed to parse: a "parse_error" node (parser,
 * message) at path:line, and the file node's `parse_error` attribute. */
int cr_collect_parse_error(cr_collect *c, const char *path, uint32_t line,
	const char *parser, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Remember a declared dependency; the strings are copied. */
int cr_collect_note_dep(cr_collect *c, cr_node_id node,
	const char *ecosystem, const char *name);

/* Add a node of `kind` at path:line with an edge "describes" from the
 * file node `f` (may be NULL) to it. */
int cr_collect_node(cr_node_id *out, cr_collect *c, const char *kind,
	const cr_source_file *f, const char *path, uint32_t line);

/* The 1-based line of byte `offset` in buf. */
uint32_t cr_collect_line_of(const char *buf, size_t offset);

/* --- the collectors, in the order cr_facts_collect() runs them --------- */

int cr_manifests_collect(cr_collect *c);   /* facts/manifests*.c */
int cr_workflows_collect(cr_collect *c);   /* facts/workflows*.c */
int cr_docker_collect(cr_collect *c);      /* facts/docker*.c */
int cr_k8s_collect(cr_collect *c);         /* facts/k8s*.c */
int cr_docs_collect(cr_collect *c);        /* facts/docs.c */
int cr_signals_collect(cr_collect *c);     /* facts/signals.c */
int cr_secrets_collect(cr_collect *c);     /* facts/secrets.c */

#endif
