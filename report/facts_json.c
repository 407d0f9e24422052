/*
 * facts_json.c - `crucible facts`: the frozen graph as JSON.
 *
 * The dump is what a policy author reads to learn what a policy can query,
 * so it mirrors the Lua view: nodes grouped by nothing but their id order,
 * each with the same attribute names the Lua objects expose, and edges by
 * label.  File nodes get `binary`, which the Lua side computes lazily.
 */
#include "crucible/facts.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/files.h"

static cJSON *value_to_json(const cr_value *v)
{
	cJSON *list;

	switch (v->type) {
	case CR_T_BOOL:
		return cJSON_CreateBool(v->u.b);
	case CR_T_INT:
		return cJSON_CreateNumber((double)v->u.i);
	case CR_T_NUM:
		return cJSON_CreateNumber(v->u.n);
	case CR_T_STR:
		return cJSON_CreateString(v->u.s.ptr);
	case CR_T_LIST:
		if (!(list = cJSON_CreateArray()))
			return NULL;
		for (size_t i = 0; i < v->u.list.count; i++) {
			cJSON *item = cJSON_CreateString(v->u.list.items[i]);
			if (!item || !cJSON_AddItemToArray(list, item)) {
				cJSON_Delete(item);
				cJSON_Delete(list);
				return NULL;
			}
		}
		return list;
	case CR_T_NULL:
	default:
		return cJSON_CreateNull();
	}
}

/* Add item to an object under key, or to an array when key is NULL; on
 * failure the item is freed, so callers can chain without leaking. */
static bool add(cJSON *obj, const char *key, cJSON *item)
{
	if (item && (key ? cJSON_AddItemToObject(obj, key, item)
			 : cJSON_AddItemToArray(obj, item)))
		return true;
	cJSON_Delete(item);
	return false;
}

static cJSON *node_to_json(const cr_graph *g, cr_node_id n)
{
	cJSON *node = cJSON_CreateObject(), *attrs, *edges;
	const char *path = cr_node_path(g, n);
	size_t count;

	if (!node || !add(node, "id", cJSON_CreateNumber(n)) ||
	    !add(node, "kind", cJSON_CreateString(cr_node_kind(g, n))) ||
	    !add(node, "path", path ? cJSON_CreateString(path) : cJSON_CreateNull()) ||
	    !add(node, "line", cr_node_line(g, n)
				   ? cJSON_CreateNumber(cr_node_line(g, n))
				   : cJSON_CreateNull()) ||
	    !add(node, "attrs", attrs = cJSON_CreateObject()) ||
	    !add(node, "edges", edges = cJSON_CreateArray()))
		goto fail;
	count = cr_node_attr_count(g, n);
	for (size_t i = 0; i < count; i++) {
		cr_value v;
		const char *key = cr_node_attr_at(g, n, i, &v);
		if (!add(attrs, key, value_to_json(&v)))
			goto fail;
	}
	if (strcmp(cr_node_kind(g, n), "file") == 0 && path) {
		bool binary = false;
		cr_file_is_binary(&binary, NULL, g, path);
		if (!add(attrs, "binary", cJSON_CreateBool(binary)))
			goto fail;
	}
	count = cr_node_edge_count(g, n);
	for (size_t i = 0; i < count; i++) {
		cr_node_id to;
		const char *label = cr_node_edge_at(g, n, i, &to);
		cJSON *edge = cJSON_CreateObject();
		if (!add(edges, NULL, edge) ||
		    !add(edge, "label", cJSON_CreateString(label)) ||
		    !add(edge, "to", cJSON_CreateNumber(to)))
			goto fail;
	}
	return node;
fail:
	cJSON_Delete(node);
	return NULL;
}

/* Counts per kind, in first-seen order. */
static cJSON *kind_counts(const cr_graph *g)
{
	cJSON *kinds = cJSON_CreateObject();
	size_t total = cr_graph_count(g);

	for (cr_node_id n = 1; kinds && n <= total; n++) {
		const char *kind = cr_node_kind(g, n);
		size_t count;

		if (cJSON_GetObjectItemCaseSensitive(kinds, kind))
			continue;
		cr_graph_nodes(g, kind, &count);
		if (!add(kinds, kind, cJSON_CreateNumber((double)count))) {
			cJSON_Delete(kinds);
			return NULL;
		}
	}
	return kinds;
}

/* Print item compactly to f and free it; false when out of memory or on
 * a write error (*rc says which). */
static bool emit(FILE *f, cJSON *item, int *rc)
{
	char *text = item ? cJSON_PrintUnformatted(item) : NULL;
	bool ok = text != NULL;

	*rc = CR_ENOMEM;
	if (ok && fputs(text, f) < 0) {
		*rc = CR_EIO;
		ok = false;
	}
	free(text);
	cJSON_Delete(item);
	return ok;
}

/*
 * Streamed, one node per line: a graph of a large repository has millions
 * of attributes, and a whole-document cJSON tree would cost several times
 * the graph's own memory.  The header (schema, root, counts per kind) is
 * small and printed first.
 */
int cr_facts_render_json(const cr_graph *g, FILE *f, cr_ctx *ctx)
{
	size_t total = cr_graph_count(g);
	cJSON *root = cJSON_CreateString(cr_graph_root(g));
	int rc = CR_ENOMEM;

	if (fputs("{\"schema\":\"crucible.facts/v1\",\"root\":", f) < 0 ||
	    !emit(f, root, &rc) || fputs(",\"kinds\":", f) < 0 ||
	    !emit(f, kind_counts(g), &rc) || fputs(",\"nodes\":[", f) < 0)
		goto done;
	for (cr_node_id n = 1; n <= total; n++)
		if (fputs(n > 1 ? ",\n" : "\n", f) < 0 ||
		    !emit(f, node_to_json(g, n), &rc))
			goto done;
	rc = fputs("\n]}\n", f) < 0 ? CR_EIO : CR_OK;
done:
	if (rc == CR_OK && ferror(f))
		rc = CR_EIO;
	if (rc == CR_ENOMEM)
		cr_error_set(ctx, rc, "out of memory while rendering facts");
	else if (rc != CR_OK)
		cr_error_set(ctx, rc, "cannot write the facts");
	return rc;
}
