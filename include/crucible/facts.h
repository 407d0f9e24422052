/*
 * facts.h - collect the whole fact graph of a repository, and dump it.
 *
 * cr_facts_collect() is the one place that knows the list of collectors
 * and their order: it creates the graph, runs each collector, and freezes
 * the result.  `crucible eval` and `crucible facts` both go through it.
 */
#ifndef CRUCIBLE_FACTS_H
#define CRUCIBLE_FACTS_H

#include <stdio.h>

#include "crucible/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cr_secret_rules;

/* Which content collectors run (the file inventory and git always do):
 * `crucible eval` collects only what the selected policies need. */
enum {
	CR_FACTS_MANIFESTS = 1u << 0,  /* manifest, lockfile, dependency */
	CR_FACTS_WORKFLOWS = 1u << 1,  /* workflow, job, step, ci_config, ... */
	CR_FACTS_DOCKER = 1u << 2,     /* dockerfile, docker_stage, compose_* */
	CR_FACTS_K8S = 1u << 3,        /* k8s_object, workload, container, ... */
	CR_FACTS_DOCS = 1u << 4,       /* doc, env_example, tool_config, ... */
	CR_FACTS_SIGNALS = 1u << 5,    /* signal (reads dependencies too) */
	CR_FACTS_SECRETS = 1u << 6,    /* secret, sensitive_file in the tree */
	CR_FACTS_HISTORY = 1u << 7,    /* ... and in every commit's blobs */
	CR_FACTS_ALL = (1u << 8) - 1
};

typedef struct cr_facts_options {
	unsigned collectors;       /* CR_FACTS_* bits */
	const char *since;         /* history: commits after this date, or NULL */
	bool cache;                /* reuse per-blob secret scan results */
	bool redact;               /* secrets in the graph are redacted */
	/* The secret rules (NULL: the built-in set); borrowed. */
	const struct cr_secret_rules *secret_rules;
} cr_facts_options;

/* Every collector, history included, cache on, redacted. */
void cr_facts_options_default(cr_facts_options *o);

/* Collect the facts of the directory `path` into a new frozen graph that
 * the caller frees with cr_graph_free(), with default options.  Errors:
 * CR_EIO when path is not a readable directory, CR_EGIT for a broken
 * repository, CR_ENOMEM. */
int cr_facts_collect(cr_graph **out, cr_ctx *ctx, const char *path);
/* The same with options (NULL: the defaults). */
int cr_facts_collect_with(cr_graph **out, cr_ctx *ctx, const char *path,
	const cr_facts_options *options);

/* Write the graph as JSON (schema "crucible.facts/v1"): the root, counts
 * per kind, and every node with id, kind, path, line, attributes and
 * edges.  File nodes get their lazily computed `binary` attribute. */
int cr_facts_render_json(const cr_graph *g, FILE *f, cr_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
