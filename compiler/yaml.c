/*
 * yaml.c - hand-written YAML files as trees with line numbers, typed the
 * way YAML 1.2's core schema types plain scalars, plus the problem list
 * their readers fill.
 *
 * bundle.c (bundle.yml) and config.c (.crucible.yml) share this so that
 * both files obey the same limits, refuse aliases and multiple documents
 * the same way, and word their errors alike.
 *
 * The fact collectors parse thousands of documents, so a document's
 * nodes, texts and child arrays come from one arena that its root owns
 * and cr_ynode_free() releases at once: no allocation per node, and no
 * walk of the tree to free it.
 */
#include "compiler/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#define PROBLEMS_MAX 100 /* problems listed in one message */

/* --- the file ------------------------------------------------------------ */

/* Up to `size` bytes; fewer when the file shrank meanwhile. */
static ssize_t read_upto(int fd, char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int cr_user_file_read(char **out, size_t *len, cr_ctx *ctx, const char *path,
	size_t max)
{
	struct stat st;
	char *buf = NULL;
	ssize_t got;
	int fd, err = CR_OK;

	/* O_NONBLOCK: opening a FIFO must not hang; fstat refuses it. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return cr_error_set(ctx,
			errno == ENOENT ? CR_ENOTFOUND : CR_EIO,
			"cannot read %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size > max) {
		err = cr_error_set(ctx, CR_EIO, "%s: not a regular file of at "
			"most %zu bytes", path, max);
		goto done;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		err = cr_error_set(ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	if ((got = read_upto(fd, buf, (size_t)st.st_size)) < 0) {
		err = cr_error_set(ctx, CR_EIO, "cannot read %s: %s", path,
			strerror(errno));
		goto done;
	}
	buf[got] = '\0';
	*out = buf;
	*len = (size_t)got;
	buf = NULL;
done:
	free(buf);
	close(fd);
	return err;
}

/* --- problems ------------------------------------------------------------ */

static void problem_append(cr_problems *p, const char *prefix,
	const char *fmt, va_list ap)
{
	char *line, *grown;
	int n;

	if (++p->count > PROBLEMS_MAX)
		return;
	n = vasprintf(&line, fmt, ap);
	if (n < 0) {
		p->oom = true;
		return;
	}
	grown = realloc(p->text, p->len + strlen(prefix) + (size_t)n + 2);
	if (!grown) {
		free(line);
		p->oom = true;
		return;
	}
	if (p->len)
		grown[p->len++] = '\n';
	p->len += (size_t)sprintf(grown + p->len, "%s%s", prefix, line);
	p->text = grown;
	free(line);
}

void cr_problem(cr_problems *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_append(p, "", fmt, ap);
	va_end(ap);
}

void cr_problem_at(cr_problems *p, unsigned line, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	snprintf(prefix, sizeof prefix, "%s:%u: ", p->file ? p->file : "",
		line);
	va_start(ap, fmt);
	problem_append(p, prefix, fmt, ap);
	va_end(ap);
}

int cr_problems_report(const cr_problems *p, cr_ctx *ctx, int code)
{
	if (p->count > PROBLEMS_MAX)
		return cr_error_set(ctx, code, "%s\n(%zu more problems)",
			p->text, p->count - PROBLEMS_MAX);
	return cr_error_set(ctx, code, "%s", p->text ? p->text : "");
}

void cr_problems_release(cr_problems *p)
{
	free(p->text);
	p->text = NULL;
	p->len = 0;
	p->count = 0;
	p->oom = false;
}

/* --- the tree ------------------------------------------------------------ */

#define BLOCK_MIN 4096
#define BLOCK_MAX (256 * 1024)

/* One block of a document's arena. */
struct yblock {
	struct yblock *next;
	size_t used, size;
	max_align_t data[];
};

/* A document: its root, first, so that a root pointer is the document's
 * pointer, and the arena every other node of the document lives in. */
struct ydoc {
	cr_ynode root;
	struct yblock *blocks;
};

/* Every node handed out is a document root (cr_yaml_parse(), the
 * documents of cr_yaml_parse_all()). */
void cr_ynode_free(cr_ynode *n)
{
	struct ydoc *doc = (struct ydoc *)n;

	if (!doc)
		return;
	while (doc->blocks) {
		struct yblock *next = doc->blocks->next;

		free(doc->blocks);
		doc->blocks = next;
	}
	free(doc);
}

static void *ydoc_alloc(struct ydoc *doc, size_t size)
{
	struct yblock *b = doc->blocks;
	size_t at;

	size = (size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
	if (!b || size > b->size - b->used) {
		/* Blocks double, so a large document needs few of them. */
		size_t want = b ? b->size * 2 : BLOCK_MIN;

		if (want > BLOCK_MAX)
			want = BLOCK_MAX;
		if (want < size)
			want = size;
		if (!(b = malloc(sizeof *b + want)))
			return NULL;
		b->next = doc->blocks;
		b->used = 0;
		b->size = want;
		doc->blocks = b;
	}
	at = b->used;
	b->used += size;
	return (char *)b->data + at;
}

static int ynode_append(struct ydoc *doc, cr_ynode *parent, cr_ynode *kid)
{
	if (parent->count == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		cr_ynode **kids = ydoc_alloc(doc, cap * sizeof *kids);

		if (!kids)
			return CR_ENOMEM;
		if (parent->count)
			memcpy(kids, parent->kids, parent->count * sizeof *kids);
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->count++] = kid;
	return 0;
}

static char *ydoc_strndup(struct ydoc *doc, const char *s, size_t len)
{
	char *copy = ydoc_alloc(doc, len + 1);

	if (copy) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

/* An anchored node, for the aliases that follow it. */
struct yanchor {
	char *name;
	cr_ynode *node;
};

/* The tree being built from the event stream.  `stream` mode (facts of
 * files written for other tools: Kubernetes, CI, compose) takes every
 * document and expands aliases and `<<` merge keys by copying, every copy
 * counted against max_nodes, so a billion-laughs document is an error
 * instead of an exhausted memory. */
struct ybuild {
	bool stream;
	size_t max_nodes;
	struct ydoc *doc;          /* the document being built, or NULL */
	cr_ynode *root;
	cr_ynode *open[CR_YAML_DEPTH_MAX];
	size_t depth;
	size_t nodes;
	size_t documents;
	struct yanchor *anchors;
	size_t nanchors, anchors_cap;
	cr_ydocs *docs;
};

/* A zeroed node of the current document; the first one starts the
 * document and is its root. */
static cr_ynode *ynode_new(struct ybuild *yb)
{
	cr_ynode *n;

	if (!yb->doc) {
		if (!(yb->doc = calloc(1, sizeof *yb->doc)))
			return NULL;
		return &yb->doc->root;
	}
	if ((n = ydoc_alloc(yb->doc, sizeof *n)))
		memset(n, 0, sizeof *n);
	return n;
}

static cr_ynode *ynode_from_event(struct ybuild *yb, const yaml_event_t *ev)
{
	cr_ynode *n = ynode_new(yb);

	if (!n)
		return NULL;
	n->line = (unsigned)ev->start_mark.line + 1;
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		n->kind = CR_YSEQ;
	} else if (ev->type == YAML_MAPPING_START_EVENT) {
		n->kind = CR_YMAP;
	} else {
		n->kind = CR_YSCALAR;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			!ev->data.scalar.tag;
		n->text = ydoc_strndup(yb->doc,
			(const char *)ev->data.scalar.value,
			ev->data.scalar.length);
		if (!n->text)
			return NULL;
	}
	return n;
}

static int count_nodes(struct ybuild *yb, cr_problems *p, unsigned line,
	size_t n)
{
	if (n > yb->max_nodes - yb->nodes) {
		cr_problem_at(p, line, "too many nodes (the limit is %zu%s)",
			yb->max_nodes, yb->stream ? ", aliases expanded" : "");
		return CR_EPARSE;
	}
	yb->nodes += n;
	return 0;
}

static int attach(struct ybuild *yb, cr_ynode *n)
{
	if (yb->depth == 0) {
		yb->root = n;
		return 0;
	}
	return ynode_append(yb->doc, yb->open[yb->depth - 1], n);
}

static int remember_anchor(struct ybuild *yb, const yaml_char_t *anchor,
	cr_ynode *n)
{
	struct yanchor *a;

	if (!anchor || !yb->stream)
		return 0;
	if (yb->nanchors == yb->anchors_cap) {
		size_t cap = yb->anchors_cap ? yb->anchors_cap * 2 : 8;

		if (!(a = realloc(yb->anchors, cap * sizeof *a)))
			return CR_ENOMEM;
		yb->anchors = a;
		yb->anchors_cap = cap;
	}
	a = &yb->anchors[yb->nanchors];
	if (!(a->name = strdup((const char *)anchor)))
		return CR_ENOMEM;
	a->node = n;
	yb->nanchors++;
	return 0;
}

static void forget_anchors(struct ybuild *yb)
{
	for (size_t i = 0; i < yb->nanchors; i++)
		free(yb->anchors[i].name);
	yb->nanchors = 0;
}

static const char *event_anchor(const yaml_event_t *ev)
{
	if (ev->type == YAML_SCALAR_EVENT)
		return (const char *)ev->data.scalar.anchor;
	if (ev->type == YAML_SEQUENCE_START_EVENT)
		return (const char *)ev->data.sequence_start.anchor;
	return (const char *)ev->data.mapping_start.anchor;
}

static int ybuild_node(struct ybuild *yb, cr_problems *p,
	const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;
	bool collection = ev->type != YAML_SCALAR_EVENT;
	cr_ynode *n;
	int err;

	if ((err = count_nodes(yb, p, line, 1)) != 0)
		return err;
	if (collection && yb->depth == CR_YAML_DEPTH_MAX) {
		cr_problem_at(p, line, "nested too deeply (the limit is %d)",
			CR_YAML_DEPTH_MAX);
		return CR_EPARSE;
	}
	if (!(n = ynode_from_event(yb, ev)) || attach(yb, n) != 0)
		return CR_ENOMEM;
	if (collection)
		yb->open[yb->depth++] = n;
	return remember_anchor(yb,
		(const yaml_char_t *)event_anchor(ev), n);
}

static size_t subtree_size(const cr_ynode *n)
{
	size_t size = 1;

	for (size_t i = 0; i < n->count; i++)
		size += subtree_size(n->kids[i]);
	return size;
}

/* A deep copy in the current document (the arena frees a copy left
 * half-made). */
static cr_ynode *ynode_copy(struct ybuild *yb, const cr_ynode *n)
{
	cr_ynode *c = ynode_new(yb);

	if (!c)
		return NULL;
	c->kind = n->kind;
	c->line = n->line;
	c->plain = n->plain;
	if (n->text && !(c->text = ydoc_strndup(yb->doc, n->text,
				 strlen(n->text))))
		return NULL;
	for (size_t i = 0; i < n->count; i++) {
		cr_ynode *kid = ynode_copy(yb, n->kids[i]);

		if (!kid || ynode_append(yb->doc, c, kid) != 0)
			return NULL;
	}
	return c;
}

static bool is_open(const struct ybuild *yb, const cr_ynode *n)
{
	for (size_t i = 0; i < yb->depth; i++)
		if (yb->open[i] == n)
			return true;
	return false;
}

/* An alias becomes a copy of its anchor's (finished) node. */
static int ybuild_alias(struct ybuild *yb, cr_problems *p,
	const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;
	const char *name = (const char *)ev->data.alias.anchor;
	const cr_ynode *target = NULL;
	cr_ynode *copy;
	int err;

	if (!yb->stream) {
		cr_problem_at(p, line, "aliases are not allowed");
		return CR_EPARSE;
	}
	for (size_t i = yb->nanchors; i-- > 0;)
		if (strcmp(yb->anchors[i].name, name) == 0) {
			target = yb->anchors[i].node;
			break;
		}
	if (!target || is_open(yb, target)) {
		cr_problem_at(p, line, target ? "alias *%s refers to itself" :
			"alias *%s has no anchor", name);
		return CR_EPARSE;
	}
	if ((err = count_nodes(yb, p, line, subtree_size(target))) != 0)
		return err;
	if (!(copy = ynode_copy(yb, target)) || attach(yb, copy) != 0)
		return CR_ENOMEM;
	return 0;
}

static bool map_has_key(const cr_ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (map->kids[i]->text && strcmp(map->kids[i]->text, key) == 0)
			return true;
	return false;
}

/* Copy the pairs of `from` whose keys `map` lacks into `map` (copies,
 * since an anchor may still name `from`). */
static int merge_pairs(struct ybuild *yb, cr_problems *p, cr_ynode *map,
	const cr_ynode *from)
{
	for (size_t i = 0; i + 1 < from->count; i += 2) {
		const cr_ynode *key = from->kids[i], *value = from->kids[i + 1];
		cr_ynode *k, *v;
		int err;

		if (key->text && map_has_key(map, key->text))
			continue;
		if ((err = count_nodes(yb, p, key->line,
			     subtree_size(key) + subtree_size(value))) != 0)
			return err;
		if (!(k = ynode_copy(yb, key)) || !(v = ynode_copy(yb, value)) ||
		    ynode_append(yb->doc, map, k) != 0 ||
		    ynode_append(yb->doc, map, v) != 0)
			return CR_ENOMEM;
	}
	return 0;
}

/* `<<: *base` or `<<: [*a, *b]`: keys of the mapping itself win, then
 * the merged mappings in order (YAML's merge key convention).  The
 * merged-away pair stays in the arena, where anchors may still name it. */
static int resolve_merge(struct ybuild *yb, cr_problems *p, cr_ynode *map)
{
	size_t at = map->count;
	cr_ynode *value;
	int err = 0;

	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (map->kids[i]->plain && map->kids[i]->text &&
		    strcmp(map->kids[i]->text, "<<") == 0) {
			at = i;
			break;
		}
	if (at == map->count)
		return 0;
	value = map->kids[at + 1];
	memmove(&map->kids[at], &map->kids[at + 2],
		(map->count - at - 2) * sizeof *map->kids);
	map->count -= 2;
	if (value->kind == CR_YMAP) {
		err = merge_pairs(yb, p, map, value);
	} else if (value->kind == CR_YSEQ) {
		for (size_t i = 0; i < value->count && !err; i++)
			if (value->kids[i]->kind == CR_YMAP)
				err = merge_pairs(yb, p, map, value->kids[i]);
	}
	return err;
}

static int end_document(struct ybuild *yb)
{
	cr_ynode **docs;

	forget_anchors(yb);
	if (!yb->docs)
		return 0;
	docs = realloc(yb->docs->docs, (yb->docs->count + 1) * sizeof *docs);
	if (!docs)
		return CR_ENOMEM;
	yb->docs->docs = docs;
	docs[yb->docs->count++] = yb->root;
	yb->root = NULL;
	yb->doc = NULL;
	return 0;
}

static int ybuild_event(struct ybuild *yb, cr_problems *p,
	const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (yb->documents++ == 0 || yb->stream)
			return 0;
		cr_problem_at(p, line, "only one YAML document is allowed");
		return CR_EPARSE;
	case YAML_DOCUMENT_END_EVENT:
		return end_document(yb);
	case YAML_ALIAS_EVENT:
		return ybuild_alias(yb, p, ev);
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return ybuild_node(yb, p, ev);
	case YAML_MAPPING_END_EVENT:
		yb->depth--;
		return yb->stream ? resolve_merge(yb, p, yb->open[yb->depth]) : 0;
	case YAML_SEQUENCE_END_EVENT:
		yb->depth--;
		return 0;
	default:
		return 0;
	}
}

static int syntax_problem(cr_problems *p, const yaml_parser_t *parser)
{
	if (parser->error == YAML_MEMORY_ERROR)
		return CR_ENOMEM;
	if (parser->context)
		cr_problem_at(p, (unsigned)parser->problem_mark.line + 1,
			"%s (%s on line %zu)", parser->problem,
			parser->context, parser->context_mark.line + 1);
	else
		cr_problem_at(p, (unsigned)parser->problem_mark.line + 1, "%s",
			parser->problem ? parser->problem : "invalid YAML");
	return CR_EPARSE;
}

static int ybuild_run(struct ybuild *yb, cr_problems *p, const char *data,
	size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool end = false;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return CR_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
		len);
	while (!end && !err) {
		if (!yaml_parser_parse(&parser, &ev)) {
			err = syntax_problem(p, &parser);
			break;
		}
		err = ybuild_event(yb, p, &ev);
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	forget_anchors(yb);
	free(yb->anchors);
	if (err && yb->doc) {
		/* A document cut short by an error is dropped; those before
		 * stay in *docs. */
		cr_ynode_free(&yb->doc->root);
		yb->doc = NULL;
		yb->root = NULL;
	}
	return err;
}

int cr_yaml_parse(cr_ynode **out, cr_problems *p, const char *data,
	size_t len)
{
	struct ybuild yb = { .max_nodes = CR_YAML_NODES_MAX };
	int err = ybuild_run(&yb, p, data, len);

	*out = yb.root;
	return err;
}

int cr_yaml_parse_all(cr_ydocs *out, cr_problems *p, const char *data,
	size_t len, size_t max_nodes)
{
	struct ybuild yb = { .stream = true, .max_nodes = max_nodes,
		.docs = out };

	*out = (cr_ydocs){0};
	return ybuild_run(&yb, p, data, len);
}

void cr_ydocs_release(cr_ydocs *d)
{
	for (size_t i = 0; i < d->count; i++)
		cr_ynode_free(d->docs[i]);
	free(d->docs);
	*d = (cr_ydocs){0};
}

/* --- lookups ------------------------------------------------------------- */

const cr_ynode *cr_ymap_get(const cr_ynode *map, const char *key)
{
	if (!map || map->kind != CR_YMAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (map->kids[i]->text && strcmp(map->kids[i]->text, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

const char *cr_ynode_text(const cr_ynode *n)
{
	return n && n->kind == CR_YSCALAR ? n->text : NULL;
}

/* --- scalars ------------------------------------------------------------- */

static bool text_is_one_of(const char *text, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(text, *words) == 0)
			return true;
	return false;
}

static const char *const yaml_nulls[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const yaml_trues[] = {"true", "True", "TRUE", NULL};
static const char *const yaml_falses[] = {"false", "False", "FALSE", NULL};

bool cr_ynode_is_null(const cr_ynode *n)
{
	return n->kind == CR_YSCALAR && n->plain &&
		text_is_one_of(n->text, yaml_nulls);
}

bool cr_ynode_bool(bool *out, const cr_ynode *n)
{
	if (n->kind != CR_YSCALAR || !n->plain)
		return false;
	if (text_is_one_of(n->text, yaml_trues))
		*out = true;
	else if (text_is_one_of(n->text, yaml_falses))
		*out = false;
	else
		return false;
	return true;
}

static const char *skip_digits(const char *s)
{
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

bool cr_yaml_number(double *out, const char *s)
{
	const char *p = s, *digits;
	bool any;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o') && s[2]) {
		int base = s[1] == 'x' ? 16 : 8;
		char *end;

		if (!isxdigit((unsigned char)s[2]))
			return false;
		errno = 0;
		*out = (double)strtoull(s + 2, &end, base);
		return !*end && !errno;
	}
	if (*p == '+' || *p == '-')
		p++;
	digits = p;
	p = skip_digits(p);
	any = p != digits;
	if (*p == '.') {
		digits = ++p;
		p = skip_digits(p);
		any = any || p != digits;
	}
	if (!any)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		p = skip_digits(p);
	}
	if (*p)
		return false;
	*out = strtod(s, NULL);
	return isfinite(*out);
}

static cJSON *scalar_to_json(const cr_ynode *n)
{
	double number;
	bool b;

	if (!n->plain)
		return cJSON_CreateString(n->text);
	if (cr_ynode_is_null(n))
		return cJSON_CreateNull();
	if (cr_ynode_bool(&b, n))
		return cJSON_CreateBool(b);
	if (cr_yaml_number(&number, n->text))
		return cJSON_CreateNumber(number);
	return cJSON_CreateString(n->text);
}

static bool json_add_item(cr_problems *p, cJSON *container, const char *key,
	cJSON *item)
{
	bool added = item && (key ? cJSON_AddItemToObject(container, key, item)
				  : cJSON_AddItemToArray(container, item));

	if (!added) {
		cJSON_Delete(item);
		p->oom = true;
	}
	return added;
}

static cJSON *mapping_to_json(cr_problems *p, const cr_ynode *n)
{
	cJSON *obj = cJSON_CreateObject();

	for (size_t i = 0; obj && i + 1 < n->count; i += 2) {
		const cr_ynode *key = n->kids[i];

		if (key->kind != CR_YSCALAR)
			cr_problem_at(p, key->line,
				"mapping keys must be strings");
		else if (cJSON_GetObjectItemCaseSensitive(obj, key->text))
			cr_problem_at(p, key->line, "duplicate key \"%s\"",
				key->text);
		else if (!json_add_item(p, obj, key->text,
				 cr_ynode_to_json(p, n->kids[i + 1])))
			break;
	}
	return obj;
}

cJSON *cr_ynode_to_json(cr_problems *p, const cr_ynode *n)
{
	cJSON *out;

	switch (n->kind) {
	case CR_YSCALAR:
		out = scalar_to_json(n);
		break;
	case CR_YMAP:
		out = mapping_to_json(p, n);
		break;
	default:
		out = cJSON_CreateArray();
		for (size_t i = 0; out && i < n->count; i++)
			if (!json_add_item(p, out, NULL,
					cr_ynode_to_json(p, n->kids[i])))
				break;
		break;
	}
	if (!out)
		p->oom = true;
	return out;
}

/* --- mappings of known keys ---------------------------------------------- */

void cr_yaml_fields(void *target, cr_problems *p, const cr_ynode *map,
	const char *what, const cr_yfield *fields, size_t nfields)
{
	bool seen[CR_YAML_FIELDS_MAX] = {false};

	if (nfields > CR_YAML_FIELDS_MAX)
		nfields = CR_YAML_FIELDS_MAX;
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const cr_ynode *key = map->kids[i];
		size_t f = 0;

		if (key->kind != CR_YSCALAR) {
			cr_problem_at(p, key->line, "%s keys must be strings",
				what);
			continue;
		}
		while (f < nfields && strcmp(fields[f].key, key->text) != 0)
			f++;
		if (f == nfields)
			cr_problem_at(p, key->line, "unknown key \"%s\" in %s",
				key->text, what);
		else if (seen[f])
			cr_problem_at(p, key->line,
				"duplicate key \"%s\" in %s", key->text, what);
		else
			fields[f].read(target, p, map->kids[i + 1]);
		if (f < nfields)
			seen[f] = true;
	}
	for (size_t f = 0; f < nfields; f++)
		if (fields[f].required && !seen[f])
			cr_problem_at(p, map->line,
				"missing required key \"%s\" in %s",
				fields[f].key, what);
}

const char *cr_ynode_string(cr_problems *p, const cr_ynode *v,
	const char *what)
{
	if (v->kind == CR_YSCALAR && !cr_ynode_is_null(v) && v->text[0])
		return v->text;
	cr_problem_at(p, v->line, "%s must be a non-empty string", what);
	return NULL;
}
