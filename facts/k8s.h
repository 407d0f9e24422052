/*
 * k8s.h - the Kubernetes, Helm and Kustomize collector (private to
 * facts/k8s*.c and facts/helm.c).
 *
 * facts/k8s.c walks the YAML documents of the repository and turns every
 * one with apiVersion and kind into a "k8s_object" plus, for the kinds
 * policies ask about, a specialised node (workload, service, ingress,
 * ...).  facts/k8s_workload.c normalises pod specs.  Relations that name
 * other objects (label selectors, scaleTargetRef, roleRef, ingress
 * backends) can point into any file, so they are remembered while the
 * files are walked and resolved once at the end by facts/k8s_select.c.
 * facts/helm.c adds Helm charts, their templates and kustomizations.
 *
 * Graph errors are sticky in k8s_state.rc: the emit helpers do nothing
 * once it is set, so building a node reads as a list of facts and the
 * error is checked once per document.
 */
#ifndef CRUCIBLE_FACTS_K8S_H
#define CRUCIBLE_FACTS_K8S_H

#include "compiler/yaml.h"
#include "facts/collector.h"

#define K8S_YAML_NODES_MAX 200000 /* per file, aliases expanded */

/* Strings that outlive the YAML tree of their file, freed all at once. */
struct k8s_arena_chunk;

/* Labels as key, value pairs (kv[2i], kv[2i+1]). */
struct k8s_labels {
	const char **kv;
	size_t count;
};

enum k8s_op { K8S_IN, K8S_NOT_IN, K8S_EXISTS, K8S_NOT_EXISTS };

struct k8s_expr {
	const char *key;
	enum k8s_op op;
	const char **values;
	size_t nvalues;
};

/* A label selector: matchLabels plus matchExpressions, all ANDed. */
struct k8s_selector {
	struct k8s_labels match;
	struct k8s_expr *exprs;
	size_t nexprs;
	bool empty; /* written with no constraint at all */
};

/* An object others refer to by namespace, kind and name, with the labels
 * selectors match (pod template labels of a workload, metadata labels of
 * a service). */
struct k8s_named {
	cr_node_id node;
	const char *ns, *kind, *name;
	struct k8s_labels labels;
};

enum k8s_table { K8S_WORKLOADS, K8S_SERVICES, K8S_RULES, K8S_TABLES };

/* One label of a named object, for finding the candidates of a selector
 * without scanning its whole namespace. */
struct k8s_label_ix {
	const char *ns, *key, *value;
	const struct k8s_named *entry;
};

/* "from selects the objects of `table` whose labels match". */
struct k8s_selecting {
	cr_node_id from;
	const char *ns;      /* NULL: every namespace */
	enum k8s_table table;
	struct k8s_selector sel;
	const char *forward, *reverse; /* edge labels */
};

/* "from names the object table[ns, kind, name]". */
struct k8s_ref {
	cr_node_id from;
	enum k8s_table table;
	const char *ns, *kind, *name;
	const char *forward, *reverse;
};

/* A chart directory ("" for a chart at the root), for templates and
 * values.yaml found in it. */
struct k8s_chart {
	const char *dir;
	const char *name; /* NULL when Chart.yaml has none */
	cr_node_id node;
};

struct k8s_state {
	cr_collect *c;
	int rc;
	struct k8s_arena_chunk *arena;
	struct k8s_named *named[K8S_TABLES];
	size_t nnamed[K8S_TABLES], named_cap[K8S_TABLES];
	struct k8s_label_ix *labels[K8S_TABLES]; /* built by finish */
	size_t nlabels[K8S_TABLES];
	struct k8s_selecting *selecting;
	size_t nselecting, selecting_cap;
	struct k8s_ref *refs;
	size_t nrefs, refs_cap;
	struct k8s_chart *charts; /* sorted by dir once all are known */
	size_t ncharts, charts_cap;
};

/* --- one object, as facts/k8s.c hands it to the kind handlers ------------ */

struct k8s_doc {
	const cr_source_file *file; /* NULL when fuzzing */
	const char *path;
	const cr_ynode *root;   /* the object's mapping */
	cr_node_id object;      /* its k8s_object node */
	const char *kind, *name;
	const char *ns;         /* "default" when not written */
};

/* --- facts/k8s.c ---------------------------------------------------------- */

void k8s_state_init(struct k8s_state *st, cr_collect *c);
/* Resolve the remembered relations into edges and release everything. */
int k8s_state_finish(struct k8s_state *st);
void k8s_state_release(struct k8s_state *st);

/* Every Kubernetes object of one YAML buffer at `path` (a file of the
 * inventory, or NULL when fuzzing).  Parse failures become parse_error
 * facts; only CR_ENOMEM and graph errors are returned. */
int k8s_parse_yaml(struct k8s_state *st, const cr_source_file *f,
	const char *path, const char *buf, size_t len);

/* The first problem of a failed cr_yaml_parse_all() (parsed with an
 * empty p->file, so "`:LINE: message`") as a parse_error fact. */
int k8s_parse_problem(struct k8s_state *st, const char *path,
	const char *parser, const cr_problems *p);

/* Whether YAML text carries Go template actions where YAML cannot hold
 * them (a line or a value that starts with "{{"). */
bool k8s_looks_templated(const char *buf, size_t len);

/* The node of a specialised fact about d, linked both ways with its
 * k8s_object (object -<kind>-> node, node -object-> object), with the
 * common attributes name and namespace. */
cr_node_id k8s_fact(struct k8s_state *st, const struct k8s_doc *d,
	const char *kind);

/* A copy of s (or of its first len bytes) in the state's arena; NULL
 * stays NULL. */
const char *k8s_strdup(struct k8s_state *st, const char *s);
const char *k8s_strndup(struct k8s_state *st, const char *s, size_t len);

void k8s_remember_named(struct k8s_state *st, enum k8s_table table,
	cr_node_id node, const char *ns, const char *kind, const char *name,
	const cr_ynode *labels);
/* A selector node; a NULL `sel` node selects nothing and is not kept. */
void k8s_remember_selecting(struct k8s_state *st, cr_node_id from,
	const char *ns, enum k8s_table table, const cr_ynode *sel,
	bool empty_selects_all, const char *forward, const char *reverse);
void k8s_remember_ref(struct k8s_state *st, cr_node_id from,
	enum k8s_table table, const char *ns, const char *kind,
	const char *name, const char *forward, const char *reverse);
/* Parse a LabelSelector (matchLabels/matchExpressions, or a plain map of
 * labels) into sel, strings copied to the arena. */
void k8s_selector_parse(struct k8s_state *st, struct k8s_selector *sel,
	const cr_ynode *n);
bool k8s_selector_matches(const struct k8s_selector *sel,
	const struct k8s_labels *labels);

/* --- emitting attributes (no-ops once st->rc is set) ---------------------- */

void k8s_str(struct k8s_state *st, cr_node_id n, const char *key,
	const char *v);
void k8s_bool(struct k8s_state *st, cr_node_id n, const char *key, bool v);
void k8s_int(struct k8s_state *st, cr_node_id n, const char *key,
	int64_t v);
/* A scalar typed as YAML reads it (bool, integer, else string); nothing
 * for a missing or non-scalar node. */
void k8s_scalar(struct k8s_state *st, cr_node_id n, const char *key,
	const cr_ynode *v);
/* prefix.<k> for each scalar value of mapping `map`. */
void k8s_scalars(struct k8s_state *st, cr_node_id n, const char *prefix,
	const cr_ynode *map);
/* An empty list attribute, for lists filled by k8s_push() that must
 * read as "none" rather than absent. */
void k8s_empty_list(struct k8s_state *st, cr_node_id n, const char *key);
/* A list attribute of the scalar items of `seq` (empty when seq is not a
 * sequence but present); nothing when seq is NULL. */
void k8s_list(struct k8s_state *st, cr_node_id n, const char *key,
	const cr_ynode *seq);
void k8s_push(struct k8s_state *st, cr_node_id n, const char *key,
	const char *v);
void k8s_link(struct k8s_state *st, cr_node_id from, const char *label,
	cr_node_id to);
/* `key` formatted into buf; false (and nothing to emit) when too long. */
bool k8s_key(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A YAML boolean; false for a missing node or anything else. */
bool k8s_bool_of(bool *out, const cr_ynode *v);
/* Integers as Kubernetes writes them (plain decimal scalars). */
bool k8s_int_of(int64_t *out, const cr_ynode *v);
/* Items of a sequence, or 0 for anything else. */
size_t k8s_seq_len(const cr_ynode *seq);

/* --- facts/k8s_workload.c ------------------------------------------------- */

/* Whether d is a workload (known controller kinds, or any object with a
 * pod template); if so, add the workload and its containers. */
bool k8s_workload(struct k8s_state *st, const struct k8s_doc *d);

/* --- facts/helm.c ---------------------------------------------------------- */

/* Chart.yaml, values.yaml of a chart, a kustomization: the files helm.c
 * reads.  Returns true when it took the file (then it is not parsed as
 * Kubernetes). */
bool k8s_helm_file(const char *name);
/* Record every Chart.yaml first, so that templates and values found
 * earlier in the inventory know their chart. */
int k8s_helm_charts(struct k8s_state *st);
/* A file helm.c took (k8s_helm_file) or a template of a chart. */
int k8s_helm_parse(struct k8s_state *st, const cr_source_file *f,
	const char *path, const char *name, const char *buf, size_t len);
/* The chart whose templates/ holds `path`, or NULL. */
const struct k8s_chart *k8s_chart_of_template(const struct k8s_state *st,
	const char *path);
/* A templated file: a helm_template node, linked to its chart if any. */
int k8s_helm_template(struct k8s_state *st, const cr_source_file *f,
	const char *path, const struct k8s_chart *chart);

#endif
