/*
 * graph.h - the fact graph: typed nodes with attributes and labelled edges.
 *
 * Collectors (facts/) add nodes while the graph is being built; then
 * cr_graph_freeze() sorts attributes and edges, builds the kind and path
 * indexes, and makes the graph read-only.  Everything downstream (the Lua
 * bindings, the JSON dump, policies running in a forked child) only reads.
 *
 * A node has a kind ("file", "repo", "git", later "manifest", "workload",
 * ...), a provenance (repository-relative path, and a 1-based line or 0),
 * a set of attributes (key -> null, bool, int, number, string, or a list of
 * strings), and outgoing edges (label -> node).  Kinds, keys and labels are
 * interned; strings live in an arena owned by the graph, so every pointer
 * returned by a reader stays valid until cr_graph_free().
 *
 * Node ids start at 1; 0 means "no node".
 */
#ifndef CRUCIBLE_GRAPH_H
#define CRUCIBLE_GRAPH_H

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_graph cr_graph;
typedef uint32_t cr_node_id;

typedef enum cr_type {
	CR_T_NULL = 0,
	CR_T_BOOL,
	CR_T_INT,
	CR_T_NUM,
	CR_T_STR,
	CR_T_LIST /* a list of strings */
} cr_type;

/* A read-only view of one attribute value. */
typedef struct cr_value {
	cr_type type;
	union {
		bool b;
		int64_t i;
		double n;
		struct {
			const char *ptr;
			size_t len;
		} s;
		struct {
			const char *const *items; /* NUL-terminated strings */
			size_t count;
		} list;
	} u;
} cr_value;

/* --- building ---------------------------------------------------------- */

/* Create an empty graph for the repository rooted at `root` (an absolute
 * path; copied).  The caller frees it with cr_graph_free(). */
int cr_graph_new(cr_graph **out, const char *root);
void cr_graph_free(cr_graph *g);

/* Add a node.  `path` may be NULL (no provenance) and `line` 0. */
int cr_graph_add(cr_graph *g, cr_node_id *out, const char *kind,
	const char *path, uint32_t line);

/* Set an attribute.  Setting the same key twice keeps the last value. */
int cr_graph_set_null(cr_graph *g, cr_node_id n, const char *key);
int cr_graph_set_bool(cr_graph *g, cr_node_id n, const char *key, bool v);
int cr_graph_set_int(cr_graph *g, cr_node_id n, const char *key, int64_t v);
int cr_graph_set_num(cr_graph *g, cr_node_id n, const char *key, double v);
int cr_graph_set_str(cr_graph *g, cr_node_id n, const char *key, const char *v);
int cr_graph_set_strn(cr_graph *g, cr_node_id n, const char *key,
	const char *v, size_t len);
/* Set `key` to an empty list (so that "none" reads as an empty array, not
 * as an absent attribute); cr_graph_list_push() appends to it. */
int cr_graph_set_list(cr_graph *g, cr_node_id n, const char *key);
/* Append one string to the list attribute `key` (created on first use). */
int cr_graph_list_push(cr_graph *g, cr_node_id n, const char *key,
	const char *v);

/* Add an edge from -> to with a label ("contains", "declares", ...). */
int cr_graph_link(cr_graph *g, cr_node_id from, const char *label,
	cr_node_id to);

/* Finish building.  After this every mutator returns CR_EFROZEN. */
int cr_graph_freeze(cr_graph *g);
bool cr_graph_frozen(const cr_graph *g);

/* --- reading (frozen graphs only, except count/kind/path/line) ---------- */

const char *cr_graph_root(const cr_graph *g);
size_t cr_graph_count(const cr_graph *g); /* ids are 1..count */

const char *cr_node_kind(const cr_graph *g, cr_node_id n);
const char *cr_node_path(const cr_graph *g, cr_node_id n); /* or NULL */
uint32_t cr_node_line(const cr_graph *g, cr_node_id n);

/* Look up one attribute; returns false when the node has no such key. */
bool cr_node_attr(const cr_graph *g, cr_node_id n, const char *key,
	cr_value *out);
/* A key looked up once, for loops that read the same attribute of many
 * nodes: 0 when no node has that key. */
typedef uint32_t cr_key;
cr_key cr_graph_key(const cr_graph *g, const char *name);
bool cr_node_attr_key(const cr_graph *g, cr_node_id n, cr_key key,
	cr_value *out);
/* The string value of a key, or `dflt` (absent, or of another type). */
const char *cr_node_str_key(const cr_graph *g, cr_node_id n, cr_key key,
	const char *dflt);

/* Attributes by position, sorted by key: 0 <= i < cr_node_attr_count(). */
size_t cr_node_attr_count(const cr_graph *g, cr_node_id n);
const char *cr_node_attr_at(const cr_graph *g, cr_node_id n, size_t i,
	cr_value *out);

/* Convenience readers: the attribute's value, or `dflt` when the key is
 * absent or of another type. */
const char *cr_node_str(const cr_graph *g, cr_node_id n, const char *key,
	const char *dflt);
int64_t cr_node_int(const cr_graph *g, cr_node_id n, const char *key,
	int64_t dflt);
bool cr_node_bool(const cr_graph *g, cr_node_id n, const char *key,
	bool dflt);

/* All nodes of one kind, in insertion order.  The array belongs to the
 * graph.  An unknown kind gives count 0. */
const cr_node_id *cr_graph_nodes(const cr_graph *g, const char *kind,
	size_t *count);

/* The node of `kind` whose provenance path is exactly `path`, or 0.
 * When several nodes of that kind share a path the first added wins. */
cr_node_id cr_graph_find(const cr_graph *g, const char *kind,
	const char *path);

/* Outgoing edges of n with `label` (NULL: every label), in insertion
 * order.  Writes at most `cap` targets to `out` and returns the total
 * number of matching edges. */
size_t cr_node_edges(const cr_graph *g, cr_node_id n, const char *label,
	cr_node_id *out, size_t cap);
/* Edge by position over all labels: 0 <= i < cr_node_edge_count(). */
size_t cr_node_edge_count(const cr_graph *g, cr_node_id n);
const char *cr_node_edge_at(const cr_graph *g, cr_node_id n, size_t i,
	cr_node_id *to);

#ifdef __cplusplus
}
#endif
#endif
