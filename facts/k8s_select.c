/*
 * k8s_select.c - relations between Kubernetes objects: label selectors
 * and references by name, resolved into edges once every file is read.
 *
 * A Service may select the pods of a Deployment written in another file,
 * so while the files are walked the collector only remembers, in an arena
 * that outlives each file's YAML tree, the objects others point at
 * (workloads and services with their labels, RBAC rules with their role)
 * and who points at them.  At the end each table is sorted by namespace,
 * kind and name: a selector then scans only its own namespace and a
 * reference is a binary search, which keeps thousands of manifests far
 * from quadratic.
 */
#include "facts/k8s.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64u << 10)

struct k8s_arena_chunk {
	struct k8s_arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(struct k8s_state *st, size_t size)
{
	struct k8s_arena_chunk *a = st->arena;
	size_t align = sizeof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (!a || a->cap - a->used < size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		if (!(a = malloc(sizeof *a + cap))) {
			st->rc = CR_ENOMEM;
			return NULL;
		}
		a->next = st->arena;
		a->used = 0;
		a->cap = cap;
		st->arena = a;
	}
	p = (char *)a->data + a->used;
	a->used += size;
	return p;
}

const char *k8s_strndup(struct k8s_state *st, const char *s, size_t len)
{
	char *copy;

	if (!s)
		return NULL;
	if ((copy = arena_alloc(st, len + 1))) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

const char *k8s_strdup(struct k8s_state *st, const char *s)
{
	return s ? k8s_strndup(st, s, strlen(s)) : NULL;
}

/* Room for one more item of a growable array; NULL when out of memory. */
static void *grow(struct k8s_state *st, void **items, size_t *count,
	size_t *cap, size_t size)
{
	if (*count == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		void *p = realloc(*items, n * size);

		if (!p) {
			st->rc = CR_ENOMEM;
			return NULL;
		}
		*items = p;
		*cap = n;
	}
	return (char *)*items + (*count)++ * size;
}

/* The scalar pairs of a mapping, copied. */
static void labels_copy(struct k8s_state *st, struct k8s_labels *out,
	const cr_ynode *map)
{
	size_t n = 0;

	*out = (struct k8s_labels){0};
	if (!map || map->kind != CR_YMAP || map->count < 2)
		return;
	if (!(out->kv = arena_alloc(st, map->count * sizeof *out->kv)))
		return;
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const char *v = cr_ynode_text(map->kids[i + 1]);

		if (!map->kids[i]->text || !v)
			continue;
		out->kv[2 * n] = k8s_strdup(st, map->kids[i]->text);
		out->kv[2 * n + 1] = k8s_strdup(st, v);
		n++;
	}
	out->count = n;
}

static const char *label_of(const struct k8s_labels *l, const char *key)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->kv[2 * i], key) == 0)
			return l->kv[2 * i + 1];
	return NULL;
}

static bool op_of(enum k8s_op *out, const char *text)
{
	static const struct { const char *name; enum k8s_op op; } ops[] = {
		{"In", K8S_IN}, {"NotIn", K8S_NOT_IN},
		{"Exists", K8S_EXISTS}, {"DoesNotExist", K8S_NOT_EXISTS},
	};

	for (size_t i = 0; text && i < sizeof ops / sizeof *ops; i++)
		if (strcmp(text, ops[i].name) == 0) {
			*out = ops[i].op;
			return true;
		}
	return false;
}

static void expr_parse(struct k8s_state *st, struct k8s_expr *e,
	const cr_ynode *n)
{
	const cr_ynode *values = cr_ymap_get(n, "values");
	size_t count = k8s_seq_len(values);

	e->values = count ? arena_alloc(st, count * sizeof *e->values) : NULL;
	e->nvalues = 0;
	for (size_t i = 0; e->values && i < count; i++)
		if (cr_ynode_text(values->kids[i]))
			e->values[e->nvalues++] = k8s_strdup(st,
				values->kids[i]->text);
}

void k8s_selector_parse(struct k8s_state *st, struct k8s_selector *sel,
	const cr_ynode *n)
{
	const cr_ynode *labels = cr_ymap_get(n, "matchLabels");
	const cr_ynode *exprs = cr_ymap_get(n, "matchExpressions");
	size_t count = k8s_seq_len(exprs);

	*sel = (struct k8s_selector){0};
	/* Services and old controllers write the labels themselves. */
	labels_copy(st, &sel->match, labels || exprs ? labels : n);
	if (count && (sel->exprs = arena_alloc(st, count * sizeof *sel->exprs)))
		for (size_t i = 0; i < count; i++) {
			struct k8s_expr *e = &sel->exprs[sel->nexprs];
			const cr_ynode *x = exprs->kids[i];

			e->key = k8s_strdup(st, cr_ynode_text(cr_ymap_get(x, "key")));
			if (!e->key || !op_of(&e->op,
				    cr_ynode_text(cr_ymap_get(x, "operator"))))
				continue;
			expr_parse(st, e, x);
			sel->nexprs++;
		}
	/* An expression we cannot read must not widen the selection. */
	sel->empty = sel->match.count == 0 && sel->nexprs == 0 && count == 0;
}

static bool expr_matches(const struct k8s_expr *e,
	const struct k8s_labels *labels)
{
	const char *v = label_of(labels, e->key);
	bool in = false;

	if (e->op == K8S_EXISTS || e->op == K8S_NOT_EXISTS)
		return (v != NULL) == (e->op == K8S_EXISTS);
	for (size_t i = 0; v && i < e->nvalues; i++)
		in = in || strcmp(e->values[i], v) == 0;
	return e->op == K8S_IN ? in : !in;
}

bool k8s_selector_matches(const struct k8s_selector *sel,
	const struct k8s_labels *labels)
{
	for (size_t i = 0; i < sel->match.count; i++) {
		const char *v = label_of(labels, sel->match.kv[2 * i]);

		if (!v || strcmp(v, sel->match.kv[2 * i + 1]) != 0)
			return false;
	}
	for (size_t i = 0; i < sel->nexprs; i++)
		if (!expr_matches(&sel->exprs[i], labels))
			return false;
	return true;
}

/* --- remembering ------------------------------------------------------------ */

void k8s_remember_named(struct k8s_state *st, enum k8s_table table,
	cr_node_id node, const char *ns, const char *kind, const char *name,
	const cr_ynode *labels)
{
	struct k8s_named *e;

	if (st->rc || !(e = grow(st, (void **)&st->named[table],
			&st->nnamed[table], &st->named_cap[table], sizeof *e)))
		return;
	e->node = node;
	e->ns = k8s_strdup(st, ns);
	e->kind = k8s_strdup(st, kind);
	e->name = k8s_strdup(st, name ? name : "");
	labels_copy(st, &e->labels, labels);
}

void k8s_remember_selecting(struct k8s_state *st, cr_node_id from,
	const char *ns, enum k8s_table table, const cr_ynode *sel,
	bool empty_selects_all, const char *forward, const char *reverse)
{
	struct k8s_selecting *e;

	if (st->rc || !sel || !(e = grow(st, (void **)&st->selecting,
			&st->nselecting, &st->selecting_cap, sizeof *e)))
		return;
	e->from = from;
	e->ns = k8s_strdup(st, ns);
	e->table = table;
	e->forward = forward;
	e->reverse = reverse;
	k8s_selector_parse(st, &e->sel, sel);
	if (e->sel.empty && !empty_selects_all)
		st->nselecting--;
}

void k8s_remember_ref(struct k8s_state *st, cr_node_id from,
	enum k8s_table table, const char *ns, const char *kind,
	const char *name, const char *forward, const char *reverse)
{
	struct k8s_ref *e;

	if (st->rc || !name || !(e = grow(st, (void **)&st->refs, &st->nrefs,
			&st->refs_cap, sizeof *e)))
		return;
	e->from = from;
	e->table = table;
	e->ns = k8s_strdup(st, ns);
	e->kind = k8s_strdup(st, kind);
	e->name = k8s_strdup(st, name);
	e->forward = forward;
	e->reverse = reverse;
}

/* --- resolving --------------------------------------------------------------- */

static int named_cmp(const void *a, const void *b)
{
	const struct k8s_named *x = a, *y = b;
	int d;

	if ((d = strcmp(x->ns, y->ns)) || (d = strcmp(x->kind, y->kind)) ||
	    (d = strcmp(x->name, y->name)))
		return d;
	/* Stable for duplicates: edges come in file order. */
	return (x->node > y->node) - (x->node < y->node);
}

/* First entry of the sorted table not ordered before (ns, kind, name);
 * a NULL kind stands for the first entry of the namespace. */
static size_t lower_bound(const struct k8s_named *t, size_t n,
	const char *ns, const char *kind, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(t[mid].ns, ns);

		if (!d && kind && !(d = strcmp(t[mid].kind, kind)))
			d = strcmp(t[mid].name, name);
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void link_both(struct k8s_state *st, cr_node_id from,
	const char *forward, cr_node_id to, const char *reverse)
{
	k8s_link(st, from, forward, to);
	k8s_link(st, to, reverse, from);
}

static int label_cmp(const void *a, const void *b)
{
	const struct k8s_label_ix *x = a, *y = b;
	int d;

	if ((d = strcmp(x->ns, y->ns)) || (d = strcmp(x->key, y->key)) ||
	    (d = strcmp(x->value, y->value)))
		return d;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

/* Every label of a sorted table, sorted by namespace, key and value. */
static void index_labels(struct k8s_state *st, enum k8s_table table)
{
	const struct k8s_named *t = st->named[table];
	size_t total = 0, n = 0;

	for (size_t i = 0; i < st->nnamed[table]; i++)
		total += t[i].labels.count;
	if (!total)
		return;
	if (!(st->labels[table] = malloc(total * sizeof *st->labels[table]))) {
		st->rc = CR_ENOMEM;
		return;
	}
	for (size_t i = 0; i < st->nnamed[table]; i++)
		for (size_t j = 0; j < t[i].labels.count; j++)
			st->labels[table][n++] = (struct k8s_label_ix){
				.ns = t[i].ns, .key = t[i].labels.kv[2 * j],
				.value = t[i].labels.kv[2 * j + 1],
				.entry = &t[i],
			};
	qsort(st->labels[table], n, sizeof *st->labels[table], label_cmp);
	st->nlabels[table] = n;
}

static void select_one(struct k8s_state *st, const struct k8s_selecting *s,
	const struct k8s_named *e)
{
	if (k8s_selector_matches(&s->sel, &e->labels))
		link_both(st, s->from, s->forward, e->node, s->reverse);
}

/* Compare an index entry with (ns, key[, value]); a NULL value matches
 * every value of the key. */
static int label_key_cmp(const struct k8s_label_ix *x, const char *ns,
	const char *key, const char *value)
{
	int d;

	if ((d = strcmp(x->ns, ns)) || (d = strcmp(x->key, key)) || !value)
		return d;
	return strcmp(x->value, value);
}

/* Run s over the objects of its namespace labelled key (= value). */
static void select_labelled(struct k8s_state *st,
	const struct k8s_selecting *s, const char *key, const char *value)
{
	const struct k8s_label_ix *ix = st->labels[s->table];
	size_t lo = 0, hi = st->nlabels[s->table];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (label_key_cmp(&ix[mid], s->ns, key, value) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < st->nlabels[s->table] &&
	     !label_key_cmp(&ix[lo], s->ns, key, value); lo++)
		/* A key written twice in one object is one object. */
		if (!lo || ix[lo - 1].entry != ix[lo].entry)
			select_one(st, s, ix[lo].entry);
}

/* Whether values[i] already appeared before i. */
static bool seen_before(const struct k8s_expr *e, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(e->values[j], e->values[i]))
			return true;
	return false;
}

/* A selector in one namespace only looks at the objects that carry a
 * label it requires: the first of matchLabels, or of an In or Exists
 * expression.  Only NotIn and DoesNotExist scan the namespace. */
static bool select_indexed(struct k8s_state *st,
	const struct k8s_selecting *s)
{
	const struct k8s_selector *sel = &s->sel;

	if (sel->match.count) {
		select_labelled(st, s, sel->match.kv[0], sel->match.kv[1]);
		return true;
	}
	for (size_t i = 0; i < sel->nexprs; i++) {
		const struct k8s_expr *e = &sel->exprs[i];

		if (e->op == K8S_EXISTS) {
			select_labelled(st, s, e->key, NULL);
			return true;
		}
		if (e->op != K8S_IN)
			continue;
		for (size_t v = 0; v < e->nvalues; v++)
			if (!seen_before(e, v))
				select_labelled(st, s, e->key, e->values[v]);
		return true;
	}
	return false;
}

static void resolve_selecting(struct k8s_state *st,
	const struct k8s_selecting *s)
{
	const struct k8s_named *t = st->named[s->table];
	size_t n = st->nnamed[s->table];
	size_t i = s->ns ? lower_bound(t, n, s->ns, NULL, NULL) : 0;

	if (s->ns && select_indexed(st, s))
		return;
	for (; i < n && (!s->ns || strcmp(t[i].ns, s->ns) == 0); i++)
		select_one(st, s, &t[i]);
}

static void resolve_ref(struct k8s_state *st, const struct k8s_ref *r)
{
	const struct k8s_named *t = st->named[r->table];
	size_t n = st->nnamed[r->table];

	for (size_t i = lower_bound(t, n, r->ns, r->kind, r->name);
	     i < n && !strcmp(t[i].ns, r->ns) && !strcmp(t[i].kind, r->kind) &&
	     !strcmp(t[i].name, r->name); i++)
		link_both(st, r->from, r->forward, t[i].node, r->reverse);
}

int k8s_state_finish(struct k8s_state *st)
{
	for (int t = 0; !st->rc && t < K8S_TABLES; t++)
		if (st->nnamed[t])
			qsort(st->named[t], st->nnamed[t],
				sizeof *st->named[t], named_cmp);
	for (int t = 0; !st->rc && t < K8S_RULES; t++)
		index_labels(st, (enum k8s_table)t);
	for (size_t i = 0; !st->rc && i < st->nselecting; i++)
		resolve_selecting(st, &st->selecting[i]);
	for (size_t i = 0; !st->rc && i < st->nrefs; i++)
		resolve_ref(st, &st->refs[i]);
	if (st->rc)
		return cr_error_set(st->c->ctx, st->rc,
			"cannot link Kubernetes objects");
	return CR_OK;
}

void k8s_state_release(struct k8s_state *st)
{
	while (st->arena) {
		struct k8s_arena_chunk *next = st->arena->next;

		free(st->arena);
		st->arena = next;
	}
	for (int t = 0; t < K8S_TABLES; t++) {
		free(st->named[t]);
		free(st->labels[t]);
	}
	free(st->selecting);
	free(st->refs);
	free(st->charts);
	*st = (struct k8s_state){0};
}
