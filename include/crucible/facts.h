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

/* Collect the facts of the directory `path` into a new frozen graph that
 * the caller frees with cr_graph_free().  Errors: CR_EIO when path is not
 * a readable directory, CR_EGIT for a broken repository, CR_ENOMEM. */
int cr_facts_collect(cr_graph **out, cr_ctx *ctx, const char *path);

/* Write the graph as JSON (schema "crucible.facts/v1"): the root, counts
 * per kind, and every node with id, kind, path, line, attributes and
 * edges.  File nodes get their lazily computed `binary` attribute. */
int cr_facts_render_json(const cr_graph *g, FILE *f, cr_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
