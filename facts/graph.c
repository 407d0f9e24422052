/*
 * graph.c - the fact graph (see include/crucible/graph.h).
 *
 * Building appends: nodes to one array, attribute assignments and edges to
 * logs tagged with their node.  Freezing turns the logs into per-node
 * ranges with a counting sort on the node id (the logs are nearly in node
 * order already, and a counting sort stays linear on 100,000-file trees),
 * resolves repeated keys and list pushes, and builds the kind and path
 * indexes.  Strings are copied into an arena of large chunks, so readers
 * hand out stable pointers without per-string allocations.
 *
 * A log entry is 16 bytes (node, key and type packed in one word, and one
 * word of value: a number, or a pointer into the arena to a length-prefixed
 * string or a counted list), because collectors log about a million of
 * them on large repositories and the log's page faults used to cost more
 * than the work.  For the same reason the logs grow by blocks that never
 * move (a realloc'd array touches twice its final size in copies), and
 * the sort at freeze is their one copy.
 *
 * Collectors set a handful of keys (mostly string literals) on hundreds
 * of thousands of nodes, so interning a name looks first in a small
 * cache indexed by the name's address: a hit costs one strcmp() instead
 * of a strlen(), a hash and a probe.  String values go through a cache of
 * the same shape, so that a value many nodes share (an ecosystem, the
 * manifest path of 400 dependencies) is stored once.
 */
#include "crucible/graph.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (256 * 1024)

/* --- arena --------------------------------------------------------------- */

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

static void *arena_alloc(struct chunk **head, size_t len, size_t align)
{
	struct chunk *c = *head;
	size_t at;

	if (c) {
		at = (c->used + align - 1) & ~(align - 1);
		if (at + len <= c->size) {
			c->used = at + len;
			return c->data + at;
		}
	}
	size_t size = len + align > ARENA_CHUNK ? len + align : ARENA_CHUNK;
	c = malloc(sizeof *c + size);
	if (!c)
		return NULL;
	c->next = *head;
	c->size = size;
	*head = c;
	at = ((uintptr_t)c->data % align) ? align - (uintptr_t)c->data % align : 0;
	c->used = at + len;
	return c->data + at;
}

static const char *arena_strndup(struct chunk **head, const char *s, size_t len)
{
	char *p = arena_alloc(head, len + 1, 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* A copy of s[0..len) behind its length, so that an attribute value
 * needs one pointer only; read the length back with counted_len(). */
static const char *arena_counted(struct chunk **head, const char *s,
	uint32_t len)
{
	char *p = arena_alloc(head, sizeof len + len + 1, 1);

	if (!p)
		return NULL;
	memcpy(p, &len, sizeof len);
	memcpy(p + sizeof len, s, len);
	p[sizeof len + len] = '\0';
	return p + sizeof len;
}

static size_t counted_len(const char *s)
{
	uint32_t len;

	memcpy(&len, s - sizeof len, sizeof len);
	return len;
}

static void arena_free(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
}

/* --- growable arrays ----------------------------------------------------- */

static int grow(void **items, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return CR_OK;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*items, ncap * elem);
	if (!p)
		return CR_ENOMEM;
	*items = p;
	*cap = ncap;
	return CR_OK;
}

#define GROW(arr, cap, need) grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* --- logs of fixed-size records ------------------------------------------ */

#define LOG_BLOCK 4096 /* records per block */

struct log {
	char **blocks;
	size_t nblocks, blocks_cap;
	size_t count;
};

/* Room for one more record of `size` bytes, or NULL. */
static void *log_push(struct log *l, size_t size)
{
	size_t at = l->count % LOG_BLOCK;

	if (l->count == l->nblocks * LOG_BLOCK) {
		if (GROW(l->blocks, l->blocks_cap, l->nblocks + 1) != CR_OK ||
		    !(l->blocks[l->nblocks] = malloc(LOG_BLOCK * size)))
			return NULL;
		l->nblocks++;
	}
	l->count++;
	return l->blocks[l->nblocks - 1] + at * size;
}

static void log_free(struct log *l)
{
	for (size_t b = 0; b < l->nblocks; b++)
		free(l->blocks[b]);
	free(l->blocks);
	memset(l, 0, sizeof *l);
}

static uint64_t hash_bytes(const char *s, size_t len, uint64_t seed)
{
	uint64_t h = 1469598103934665603ull ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* --- interned names (kinds, keys, labels) -------------------------------- */

#define NAME_CACHE_BITS 8
#define NAME_CACHE (1u << NAME_CACHE_BITS) /* entries of the by-address caches */

struct names {
	const char **by_id;   /* id -> name; id 0 unused */
	size_t count, cap;
	uint32_t *slots;      /* open addressing, 0 = empty */
	size_t nslots;
	/* The id last interned from a given address.  The name at that
	 * address may have changed since (a caller's buffer), so a hit is
	 * checked against the interned text. */
	struct {
		const char *ptr;
		uint32_t id;
	} cache[NAME_CACHE];
};

/* The id of name[0..len), or 0; *slot is where it is or would go. */
static uint32_t names_probe(const struct names *t, const char *name,
	size_t len, size_t *slot)
{
	size_t mask = t->nslots - 1;

	for (size_t i = hash_bytes(name, len, 0) & mask;; i = (i + 1) & mask) {
		uint32_t id = t->slots[i];

		if (!id || (strncmp(t->by_id[id], name, len) == 0 &&
			    !t->by_id[id][len])) {
			*slot = i;
			return id;
		}
	}
}

static uint32_t names_lookup(const struct names *t, const char *name)
{
	size_t slot;

	return t->nslots ? names_probe(t, name, strlen(name), &slot) : 0;
}

static int names_rehash(struct names *t)
{
	size_t nslots = t->nslots ? t->nslots * 2 : 64;
	uint32_t *slots = calloc(nslots, sizeof *slots);

	if (!slots)
		return CR_ENOMEM;
	for (uint32_t id = 1; id < t->count; id++) {
		const char *n = t->by_id[id];
		size_t i = hash_bytes(n, strlen(n), 0) & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = id;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return CR_OK;
}

/* The linker packs string literals a few bytes apart, so the low bits
 * of an address matter as much as the others: a multiplicative hash
 * keeps "name" and "version" out of each other's entry. */
static size_t cache_index(const char *name)
{
	return (size_t)((uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ull >>
		(64 - NAME_CACHE_BITS));
}

static int names_intern(struct names *t, struct chunk **arena,
	const char *name, uint32_t *out)
{
	size_t at = cache_index(name), len, slot;
	const char *copy;
	uint32_t id = t->cache[at].id;

	if (t->cache[at].ptr == name && strcmp(t->by_id[id], name) == 0) {
		*out = id;
		return CR_OK;
	}
	if (t->count == 0)
		t->count = 1; /* reserve id 0 */
	if ((t->count + 1) * 2 > t->nslots && names_rehash(t) != CR_OK)
		return CR_ENOMEM;
	len = strlen(name);
	if (!(id = names_probe(t, name, len, &slot))) {
		if (GROW(t->by_id, t->cap, t->count + 1) != CR_OK ||
		    !(copy = arena_strndup(arena, name, len)))
			return CR_ENOMEM;
		id = (uint32_t)t->count++;
		t->by_id[id] = copy;
		t->slots[slot] = id;
	}
	t->cache[at].ptr = name;
	t->cache[at].id = id;
	*out = id;
	return CR_OK;
}

static void names_free(struct names *t)
{
	free(t->by_id);
	free(t->slots);
}

/* --- the graph ----------------------------------------------------------- */

/* Attribute log entries keep CR_T_LIST pushes one string at a time
 * (LIST_ITEM); freezing gathers them into one list value. */
#define LIST_ITEM ((cr_type)100)
#define MAX_KEY ((1u << 24) - 1)

/* A frozen list value: `count` strings, then NULL.  An empty list is
 * stored as no list at all. */
struct list {
	size_t count;
	const char *items[];
};

union value {
	bool b;
	int64_t i;
	double n;
	const char *s;            /* from arena_counted() */
	const struct list *list;
};

struct attr {
	uint32_t node;
	uint32_t key : 24;
	uint32_t type : 8; /* a cr_type or LIST_ITEM */
	union value u;
};

struct edge {
	uint32_t from;
	uint32_t label;
	uint32_t to;
};

struct node {
	uint32_t kind;
	uint32_t line;
	const char *path;
	uint32_t attr_start, attr_count;
	uint32_t edge_start, edge_count;
};

struct kind_index {
	cr_node_id *ids;
	size_t count;
};

struct cr_graph {
	char *root;
	bool frozen;
	struct chunk *arena;
	struct names names;
	/* The copy last made of a string value from a given address, so
	 * that values many nodes share (an ecosystem, a manifest's path, a
	 * literal) are stored once; a hit is checked against the copy. */
	struct {
		const char *src, *copy;
	} values[NAME_CACHE];

	struct node *nodes;   /* index 0 unused, ids start at 1 */
	size_t node_count, node_cap;
	struct log attr_log, edge_log; /* while building */
	struct attr *attrs;            /* by node, after freeze */
	size_t attr_count;
	struct edge *edges;            /* by node, after freeze */
	size_t edge_count;

	struct kind_index *kinds; /* by name id, after freeze */
	size_t kinds_len;
	cr_node_id *path_slots;   /* (kind, path) -> first node, after freeze */
	size_t path_nslots;
};

int cr_graph_new(cr_graph **out, const char *root)
{
	cr_graph *g = calloc(1, sizeof *g);

	*out = NULL;
	if (!g || !(g->root = strdup(root ? root : "."))) {
		free(g);
		return CR_ENOMEM;
	}
	if (GROW(g->nodes, g->node_cap, 1) != CR_OK) {
		cr_graph_free(g);
		return CR_ENOMEM;
	}
	memset(&g->nodes[0], 0, sizeof g->nodes[0]);
	g->node_count = 1;
	*out = g;
	return CR_OK;
}

void cr_graph_free(cr_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->kinds_len; i++)
		free(g->kinds[i].ids);
	free(g->kinds);
	free(g->path_slots);
	free(g->nodes);
	free(g->attrs);
	free(g->edges);
	log_free(&g->attr_log);
	log_free(&g->edge_log);
	names_free(&g->names);
	arena_free(g->arena);
	free(g->root);
	free(g);
}

static bool valid_node(const cr_graph *g, cr_node_id n)
{
	return n > 0 && n < g->node_count;
}

int cr_graph_add(cr_graph *g, cr_node_id *out, const char *kind,
	const char *path, uint32_t line)
{
	struct node *node;
	uint32_t kind_id;
	int rc;

	if (g->frozen)
		return CR_EFROZEN;
	if (g->node_count >= UINT32_MAX)
		return CR_ELIMIT;
	if ((rc = names_intern(&g->names, &g->arena, kind, &kind_id)) != CR_OK)
		return rc;
	if (GROW(g->nodes, g->node_cap, g->node_count + 1) != CR_OK)
		return CR_ENOMEM;
	node = &g->nodes[g->node_count];
	memset(node, 0, sizeof *node);
	node->kind = kind_id;
	node->line = line;
	if (path && !(node->path = arena_strndup(&g->arena, path, strlen(path))))
		return CR_ENOMEM;
	*out = (cr_node_id)g->node_count++;
	return CR_OK;
}

/* Every setter funnels through here: check, intern the key, log it. */
static int log_attr(cr_graph *g, cr_node_id n, const char *key,
	cr_type type, union value v)
{
	struct attr *a;
	uint32_t key_id;
	int rc;

	if (g->frozen)
		return CR_EFROZEN;
	if (!valid_node(g, n) || !key)
		return CR_EINVAL;
	if ((rc = names_intern(&g->names, &g->arena, key, &key_id)) != CR_OK)
		return rc;
	if (key_id > MAX_KEY)
		return CR_ELIMIT;
	if (!(a = log_push(&g->attr_log, sizeof *a)))
		return CR_ENOMEM;
	a->node = n;
	a->key = key_id;
	a->type = type;
	a->u = v;
	return CR_OK;
}

int cr_graph_set_null(cr_graph *g, cr_node_id n, const char *key)
{
	return log_attr(g, n, key, CR_T_NULL, (union value){.i = 0});
}

int cr_graph_set_list(cr_graph *g, cr_node_id n, const char *key)
{
	return log_attr(g, n, key, CR_T_LIST, (union value){.list = NULL});
}

int cr_graph_set_bool(cr_graph *g, cr_node_id n, const char *key, bool b)
{
	return log_attr(g, n, key, CR_T_BOOL, (union value){.b = b});
}

int cr_graph_set_int(cr_graph *g, cr_node_id n, const char *key, int64_t i)
{
	return log_attr(g, n, key, CR_T_INT, (union value){.i = i});
}

int cr_graph_set_num(cr_graph *g, cr_node_id n, const char *key, double d)
{
	return log_attr(g, n, key, CR_T_NUM, (union value){.n = d});
}

static const char *value_copy(cr_graph *g, const char *s, uint32_t len)
{
	size_t at = cache_index(s);
	const char *copy = g->values[at].copy;

	if (g->values[at].src == s && counted_len(copy) == len &&
	    memcmp(copy, s, len) == 0)
		return copy;
	if (!(copy = arena_counted(&g->arena, s, len)))
		return NULL;
	g->values[at].src = s;
	g->values[at].copy = copy;
	return copy;
}

static int log_string(cr_graph *g, cr_node_id n, const char *key,
	cr_type type, const char *s, size_t len)
{
	union value v;

	if (g->frozen)
		return CR_EFROZEN;
	if (!s)
		return CR_EINVAL;
	if (len >= UINT32_MAX)
		return CR_ELIMIT;
	if (!(v.s = value_copy(g, s, (uint32_t)len)))
		return CR_ENOMEM;
	return log_attr(g, n, key, type, v);
}

int cr_graph_set_strn(cr_graph *g, cr_node_id n, const char *key,
	const char *s, size_t len)
{
	return log_string(g, n, key, CR_T_STR, s, len);
}

int cr_graph_set_str(cr_graph *g, cr_node_id n, const char *key,
	const char *s)
{
	return log_string(g, n, key, CR_T_STR, s, s ? strlen(s) : 0);
}

int cr_graph_list_push(cr_graph *g, cr_node_id n, const char *key,
	const char *s)
{
	return log_string(g, n, key, LIST_ITEM, s, s ? strlen(s) : 0);
}

int cr_graph_link(cr_graph *g, cr_node_id from, const char *label,
	cr_node_id to)
{
	struct edge *e;
	uint32_t label_id;
	int rc;

	if (g->frozen)
		return CR_EFROZEN;
	if (!valid_node(g, from) || !valid_node(g, to) || !label)
		return CR_EINVAL;
	if ((rc = names_intern(&g->names, &g->arena, label, &label_id)) != CR_OK)
		return rc;
	if (!(e = log_push(&g->edge_log, sizeof *e)))
		return CR_ENOMEM;
	*e = (struct edge){from, label_id, to};
	return CR_OK;
}

/* --- freezing ------------------------------------------------------------ */

static uint32_t record_node(const char *record)
{
	uint32_t node;

	memcpy(&node, record, sizeof node);
	return node;
}

/* Stable counting sort of a log's records of `size` bytes by the uint32
 * node id at offset 0 into one array (*out of *count records; the log
 * is emptied); fills each node's start and count through the given
 * offsets into struct node.  Records keep insertion order within a
 * node. */
static int sort_by_node(cr_graph *g, struct log *log, size_t size,
	void **out, size_t *count, size_t start_off, size_t count_off)
{
	size_t *offsets = calloc(g->node_count + 1, sizeof *offsets);
	char *sorted = log->count ? malloc(log->count * size) : NULL;

	if (!offsets || (log->count && !sorted)) {
		free(offsets);
		free(sorted);
		return CR_ENOMEM;
	}
	for (size_t i = 0; i < log->count; i++)
		offsets[record_node(log->blocks[i / LOG_BLOCK] +
			i % LOG_BLOCK * size) + 1]++;
	for (size_t n = 1; n <= g->node_count; n++)
		offsets[n] += offsets[n - 1];
	for (size_t n = 0; n < g->node_count; n++) {
		char *node = (char *)&g->nodes[n];
		uint32_t start = (uint32_t)offsets[n];
		uint32_t num = (uint32_t)(offsets[n + 1] - offsets[n]);
		memcpy(node + start_off, &start, sizeof start);
		memcpy(node + count_off, &num, sizeof num);
	}
	for (size_t i = 0; i < log->count; i++) {
		const char *record = log->blocks[i / LOG_BLOCK] +
			i % LOG_BLOCK * size;
		memcpy(sorted + offsets[record_node(record)]++ * size, record,
			size);
	}
	free(offsets);
	*out = sorted;
	*count = log->count;
	log_free(log);
	return CR_OK;
}

static bool sorted_by_rank(const struct attr *a, uint32_t count,
	const uint32_t *rank)
{
	for (uint32_t i = 1; i < count; i++)
		if (rank[a[i - 1].key] > rank[a[i].key])
			return false;
	return true;
}

/* Stable insertion sort of a[0..count) by key rank. */
static void insertion_sort(struct attr *a, uint32_t count, const uint32_t *rank)
{
	for (uint32_t i = 1; i < count; i++) {
		struct attr item = a[i];
		uint32_t j = i;

		for (; j > 0 && rank[a[j - 1].key] > rank[item.key]; j--)
			a[j] = a[j - 1];
		a[j] = item;
	}
}

/* Stable merge of the sorted runs a[lo..mid) and a[mid..hi) into
 * out[lo..hi). */
static void merge_by_rank(const struct attr *a, size_t lo, size_t mid,
	size_t hi, const uint32_t *rank, struct attr *out)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi)
		out[k++] = rank[a[j].key] < rank[a[i].key] ? a[j++] : a[i++];
	memcpy(out + k, a + i, (mid - i) * sizeof *a);
	memcpy(out + k + (mid - i), a + j, (hi - j) * sizeof *a);
}

#define SORT_RUN 16

/* Sort one node's attributes by key name, stably, in place; `scratch`
 * holds `count` entries.  Nodes carry a handful, often logged in order
 * already (a long list is one key), so a check comes first, and short
 * runs are insertion-sorted before merging: across 100,000 nodes this
 * beats qsort_r's indirect calls and allocations. */
static void sort_attrs(struct attr *a, uint32_t count, const uint32_t *rank,
	struct attr *scratch)
{
	struct attr *from = a, *to = scratch, *swap;

	if (sorted_by_rank(a, count, rank))
		return;
	for (size_t lo = 0; lo < count; lo += SORT_RUN)
		insertion_sort(a + lo, count - lo < SORT_RUN ?
			(uint32_t)(count - lo) : SORT_RUN, rank);
	for (size_t width = SORT_RUN; width < count; width *= 2) {
		for (size_t lo = 0; lo < count; lo += 2 * width) {
			size_t mid = count - lo < width ? count : lo + width;
			size_t hi = count - mid < width ? count : mid + width;

			merge_by_rank(from, lo, mid, hi, rank, to);
		}
		swap = from;
		from = to;
		to = swap;
	}
	if (from != a)
		memcpy(a, from, count * sizeof *a);
}

static int by_name(const void *a, const void *b, void *names)
{
	const char *const *by_id = names;
	return strcmp(by_id[*(const uint32_t *)a], by_id[*(const uint32_t *)b]);
}

/* rank[name id] = position of the name in byte order. */
static uint32_t *name_ranks(const struct names *t)
{
	uint32_t *ids = malloc((t->count + 1) * sizeof *ids);
	uint32_t *rank = calloc(t->count + 1, sizeof *rank);

	if (!ids || !rank) {
		free(ids);
		free(rank);
		return NULL;
	}
	for (uint32_t i = 1; i < t->count; i++)
		ids[i - 1] = i;
	if (t->count > 1)
		qsort_r(ids, t->count - 1, sizeof *ids, by_name, (void *)t->by_id);
	for (uint32_t i = 1; i < t->count; i++)
		rank[ids[i - 1]] = i;
	free(ids);
	return rank;
}

/* Gather the list pushes a[0..count) (all of one key) into a list. */
static int make_list(cr_graph *g, const struct attr *a, uint32_t count,
	struct attr *out)
{
	struct list *list = arena_alloc(&g->arena, sizeof *list +
		(count + 1) * sizeof *list->items, sizeof(void *));

	if (!list)
		return CR_ENOMEM;
	for (uint32_t k = 0; k < count; k++)
		list->items[k] = a[k].u.s;
	list->items[count] = NULL;
	list->count = count;
	out->type = CR_T_LIST;
	out->u.list = list;
	return CR_OK;
}

/* One node's log range: keep the last assignment of each key, where a
 * trailing run of list pushes becomes one list value, ordered by key
 * name.  The range is rewritten only on success, so that a freeze
 * retried after a failure starts over from the same log.  `scratch`
 * holds `count` entries. */
static int resolve_node_attrs(cr_graph *g, struct attr *a, uint32_t count,
	const uint32_t *rank, struct attr *scratch, uint32_t *out_count)
{
	uint32_t kept = 0, end;
	int rc;

	sort_attrs(a, count, rank, scratch);
	for (uint32_t i = 0; i < count; i = end) {
		struct attr last;
		uint32_t first;

		for (end = i + 1; end < count && a[end].key == a[i].key;)
			end++;
		last = a[end - 1];
		if (last.type == LIST_ITEM) {
			for (first = end - 1;
			     first > i && a[first - 1].type == LIST_ITEM;)
				first--;
			if ((rc = make_list(g, a + first, end - first,
				     &last)) != CR_OK)
				return rc;
		}
		scratch[kept++] = last;
	}
	memcpy(a, scratch, kept * sizeof *a);
	*out_count = kept;
	return CR_OK;
}

static int compact_attrs(cr_graph *g)
{
	uint32_t *rank = name_ranks(&g->names);
	struct attr *scratch = NULL;
	size_t write = 0, scratch_cap = 0;
	int rc = CR_OK;

	if (!rank)
		return CR_ENOMEM;
	for (size_t n = 1; n < g->node_count; n++) {
		struct node *node = &g->nodes[n];
		/* A graph without attributes has no array to point into. */
		struct attr *range = node->attr_count ?
			g->attrs + node->attr_start : NULL;
		uint32_t kept = 0;

		if (node->attr_count &&
		    GROW(scratch, scratch_cap, node->attr_count) != CR_OK) {
			rc = CR_ENOMEM;
			goto done;
		}
		if (node->attr_count &&
		    (rc = resolve_node_attrs(g, range, node->attr_count, rank,
			     scratch, &kept)) != CR_OK)
			goto done;
		if (kept)
			memmove(g->attrs + write, range, kept * sizeof *range);
		node->attr_start = (uint32_t)write;
		node->attr_count = kept;
		write += kept;
	}
	g->attr_count = write;
done:
	free(rank);
	free(scratch);
	return rc;
}

static int build_kind_index(cr_graph *g)
{
	g->kinds_len = g->names.count;
	g->kinds = calloc(g->kinds_len ? g->kinds_len : 1, sizeof *g->kinds);
	if (!g->kinds)
		return CR_ENOMEM;
	for (size_t n = 1; n < g->node_count; n++)
		g->kinds[g->nodes[n].kind].count++;
	for (size_t k = 0; k < g->kinds_len; k++) {
		if (!g->kinds[k].count)
			continue;
		g->kinds[k].ids = malloc(g->kinds[k].count * sizeof(cr_node_id));
		if (!g->kinds[k].ids)
			return CR_ENOMEM;
		g->kinds[k].count = 0;
	}
	for (size_t n = 1; n < g->node_count; n++) {
		struct kind_index *k = &g->kinds[g->nodes[n].kind];
		k->ids[k->count++] = (cr_node_id)n;
	}
	return CR_OK;
}

static uint64_t path_hash(uint32_t kind, const char *path)
{
	return hash_bytes(path, strlen(path), kind);
}

static int build_path_index(cr_graph *g)
{
	size_t with_path = 0, mask;

	for (size_t n = 1; n < g->node_count; n++)
		with_path += g->nodes[n].path != NULL;
	g->path_nslots = 16;
	while (g->path_nslots < with_path * 2)
		g->path_nslots *= 2;
	g->path_slots = calloc(g->path_nslots, sizeof *g->path_slots);
	if (!g->path_slots)
		return CR_ENOMEM;
	mask = g->path_nslots - 1;
	for (size_t n = 1; n < g->node_count; n++) {
		const struct node *node = &g->nodes[n];
		size_t i;

		if (!node->path)
			continue;
		for (i = path_hash(node->kind, node->path) & mask; g->path_slots[i];
		     i = (i + 1) & mask) {
			const struct node *other = &g->nodes[g->path_slots[i]];
			if (other->kind == node->kind &&
			    strcmp(other->path, node->path) == 0)
				break; /* first added wins */
		}
		if (!g->path_slots[i])
			g->path_slots[i] = (cr_node_id)n;
	}
	return CR_OK;
}

int cr_graph_freeze(cr_graph *g)
{
	int rc;

	if (g->frozen)
		return CR_OK;
	/* After a failure half-way, what was sorted stays sorted. */
	if (!g->attrs && (rc = sort_by_node(g, &g->attr_log, sizeof *g->attrs,
		     (void **)&g->attrs, &g->attr_count,
		     offsetof(struct node, attr_start),
		     offsetof(struct node, attr_count))) != CR_OK)
		return rc;
	if (!g->edges && (rc = sort_by_node(g, &g->edge_log, sizeof *g->edges,
		     (void **)&g->edges, &g->edge_count,
		     offsetof(struct node, edge_start),
		     offsetof(struct node, edge_count))) != CR_OK)
		return rc;
	if ((rc = compact_attrs(g)) != CR_OK ||
	    (rc = build_kind_index(g)) != CR_OK ||
	    (rc = build_path_index(g)) != CR_OK)
		return rc;
	g->frozen = true;
	return CR_OK;
}

bool cr_graph_frozen(const cr_graph *g)
{
	return g->frozen;
}

/* --- reading ------------------------------------------------------------- */

const char *cr_graph_root(const cr_graph *g)
{
	return g->root;
}

size_t cr_graph_count(const cr_graph *g)
{
	return g->node_count - 1;
}

const char *cr_node_kind(const cr_graph *g, cr_node_id n)
{
	return valid_node(g, n) ? g->names.by_id[g->nodes[n].kind] : NULL;
}

const char *cr_node_path(const cr_graph *g, cr_node_id n)
{
	return valid_node(g, n) ? g->nodes[n].path : NULL;
}

uint32_t cr_node_line(const cr_graph *g, cr_node_id n)
{
	return valid_node(g, n) ? g->nodes[n].line : 0;
}

static const struct node *frozen_node(const cr_graph *g, cr_node_id n)
{
	return g->frozen && valid_node(g, n) ? &g->nodes[n] : NULL;
}

/* The reader's view of a frozen log entry. */
static void attr_value(const struct attr *a, cr_value *out)
{
	static const char *const no_items[] = {NULL};

	*out = (cr_value){.type = (cr_type)a->type};
	switch (out->type) {
	case CR_T_BOOL:
		out->u.b = a->u.b;
		break;
	case CR_T_INT:
		out->u.i = a->u.i;
		break;
	case CR_T_NUM:
		out->u.n = a->u.n;
		break;
	case CR_T_STR:
		out->u.s.ptr = a->u.s;
		out->u.s.len = counted_len(a->u.s);
		break;
	case CR_T_LIST:
		out->u.list.items = a->u.list ? a->u.list->items : no_items;
		out->u.list.count = a->u.list ? a->u.list->count : 0;
		break;
	default:
		break;
	}
}

cr_key cr_graph_key(const cr_graph *g, const char *name)
{
	return name ? names_lookup(&g->names, name) : 0;
}

bool cr_node_attr_key(const cr_graph *g, cr_node_id n, cr_key key,
	cr_value *out)
{
	const struct node *node = frozen_node(g, n);

	if (!node || !key)
		return false;
	for (uint32_t i = 0; i < node->attr_count; i++) {
		const struct attr *a = &g->attrs[node->attr_start + i];
		if (a->key == key) {
			if (out)
				attr_value(a, out);
			return true;
		}
	}
	return false;
}

bool cr_node_attr(const cr_graph *g, cr_node_id n, const char *key,
	cr_value *out)
{
	return cr_node_attr_key(g, n, cr_graph_key(g, key), out);
}

const char *cr_node_str_key(const cr_graph *g, cr_node_id n, cr_key key,
	const char *dflt)
{
	cr_value v;
	return cr_node_attr_key(g, n, key, &v) && v.type == CR_T_STR ? v.u.s.ptr
								      : dflt;
}

size_t cr_node_attr_count(const cr_graph *g, cr_node_id n)
{
	const struct node *node = frozen_node(g, n);
	return node ? node->attr_count : 0;
}

const char *cr_node_attr_at(const cr_graph *g, cr_node_id n, size_t i,
	cr_value *out)
{
	const struct node *node = frozen_node(g, n);
	const struct attr *a;

	if (!node || i >= node->attr_count)
		return NULL;
	a = &g->attrs[node->attr_start + i];
	if (out)
		attr_value(a, out);
	return g->names.by_id[a->key];
}

const char *cr_node_str(const cr_graph *g, cr_node_id n, const char *key,
	const char *dflt)
{
	return cr_node_str_key(g, n, cr_graph_key(g, key), dflt);
}

int64_t cr_node_int(const cr_graph *g, cr_node_id n, const char *key,
	int64_t dflt)
{
	cr_value v;
	return cr_node_attr(g, n, key, &v) && v.type == CR_T_INT ? v.u.i : dflt;
}

bool cr_node_bool(const cr_graph *g, cr_node_id n, const char *key,
	bool dflt)
{
	cr_value v;
	return cr_node_attr(g, n, key, &v) && v.type == CR_T_BOOL ? v.u.b : dflt;
}

const cr_node_id *cr_graph_nodes(const cr_graph *g, const char *kind,
	size_t *count)
{
	uint32_t kind_id;

	*count = 0;
	if (!g->frozen || !kind || !(kind_id = names_lookup(&g->names, kind)) ||
	    kind_id >= g->kinds_len)
		return NULL;
	*count = g->kinds[kind_id].count;
	return g->kinds[kind_id].ids;
}

cr_node_id cr_graph_find(const cr_graph *g, const char *kind,
	const char *path)
{
	uint32_t kind_id;
	size_t mask;

	if (!g->frozen || !kind || !path ||
	    !(kind_id = names_lookup(&g->names, kind)))
		return 0;
	mask = g->path_nslots - 1;
	for (size_t i = path_hash(kind_id, path) & mask; g->path_slots[i];
	     i = (i + 1) & mask) {
		const struct node *node = &g->nodes[g->path_slots[i]];
		if (node->kind == kind_id && strcmp(node->path, path) == 0)
			return g->path_slots[i];
	}
	return 0;
}

size_t cr_node_edges(const cr_graph *g, cr_node_id n, const char *label,
	cr_node_id *out, size_t cap)
{
	const struct node *node = frozen_node(g, n);
	uint32_t label_id = 0;
	size_t found = 0;

	if (!node || (label && !(label_id = names_lookup(&g->names, label))))
		return 0;
	for (uint32_t i = 0; i < node->edge_count; i++) {
		const struct edge *e = &g->edges[node->edge_start + i];
		if (label && e->label != label_id)
			continue;
		if (found < cap)
			out[found] = e->to;
		found++;
	}
	return found;
}

size_t cr_node_edge_count(const cr_graph *g, cr_node_id n)
{
	const struct node *node = frozen_node(g, n);
	return node ? node->edge_count : 0;
}

const char *cr_node_edge_at(const cr_graph *g, cr_node_id n, size_t i,
	cr_node_id *to)
{
	const struct node *node = frozen_node(g, n);
	const struct edge *e;

	if (!node || i >= node->edge_count)
		return NULL;
	e = &g->edges[node->edge_start + i];
	if (to)
		*to = e->to;
	return g->names.by_id[e->label];
}
