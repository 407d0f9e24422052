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
struct cr_bundle;
struct cr_eval_selection;
struct cr_limits;

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
#define CR_FACTS_KIND_COUNT 8

/* --- the fact plan (facts/plan.c, docs/authoring.md) ---------------------
 * A policy's `needs` names fact kinds: the CR_FACTS_* names in lower
 * case ("manifests", "workflows", "docker", "k8s", "docs", "signals",
 * "secrets", "history"). */

/* The name of kind i (0 <= i < CR_FACTS_KIND_COUNT, bit 1u << i), or NULL. */
const char *cr_facts_kind_name(unsigned i);
/* The CR_FACTS_* bit of a kind name, or 0 for an unknown name. */
unsigned cr_facts_kind_bit(const char *name);

/* What a policy that uses repo:<member> (or repo.<member>) needs.
 * `required` is the kind a declared `needs` must list (0: nothing, or
 * a member such as repo:nodes whose kind is only known at run time, which
 * no declaration can be checked against); `conservative` is what a
 * policy without a declaration gets for it (required plus, for
 * repo:secrets, history; for repo:nodes, everything).  Names that are not
 * repo members need nothing.  The table is vm/lua_facts.c's list of
 * repo methods. */
void cr_facts_member_needs(unsigned *required, unsigned *conservative,
	const char *member);

/* The kinds the policies of `bundles` that will run need: every policy
 * not disabled by `selection` (NULL: all run), by its declared `needs`
 * and what its module and the bundle's libraries call.  Each policy's
 * top level runs, in a sandbox with `limits`, in a child process given
 * limits->timeout_ms in all, so that a hostile module cannot hang or
 * crash the caller; when the child fails the answer is CR_FACTS_ALL
 * (collect everything, and let the evaluator report the policy). */
unsigned cr_facts_plan_bundles(const struct cr_bundle *const *bundles,
	size_t count, const struct cr_eval_selection *selection,
	const struct cr_limits *limits);

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
