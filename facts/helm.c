/*
 * helm.c - Helm charts and Kustomize: "helm_chart" (Chart.yaml, with the
 * scalars of the chart's values.yaml), "helm_template" (a file of a
 * chart's templates/, or any YAML carrying template actions: recorded,
 * never parsed, since its YAML only exists after rendering) and
 * "kustomization".
 *
 * Charts are recorded in a first pass over the inventory, so that a
 * template or values file met before its Chart.yaml still finds its
 * chart; the charts stay sorted by directory for that lookup.
 */
#include "facts/k8s.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PARSER "helm"
#define VALUES_DEPTH 3   /* values.a.b.c */
#define VALUES_MAX 200   /* values.* attributes per chart */

static const char *const kustomization_names[] = {
	"kustomization.yaml", "kustomization.yml", "Kustomization",
};

static bool is_kustomization(const char *name)
{
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(name, kustomization_names[i]))
			return true;
	return false;
}

static bool is_values(const char *name)
{
	return !strcmp(name, "values.yaml") || !strcmp(name, "values.yml");
}

bool k8s_helm_file(const char *name)
{
	return !strcmp(name, "Chart.yaml") || is_values(name) ||
		is_kustomization(name);
}

/* --- the chart directory index ------------------------------------------------- */

/* strcmp of a chart's dir with the first len bytes of `dir`. */
static int dir_cmp(const char *chart_dir, const char *dir, size_t len)
{
	int c = strncmp(chart_dir, dir, len);

	return c ? c : chart_dir[len] != '\0';
}

/* Index of the first chart whose dir does not sort before `dir`. */
static size_t chart_lower(const struct k8s_state *st, const char *dir,
	size_t len)
{
	size_t lo = 0, hi = st->ncharts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dir_cmp(st->charts[mid].dir, dir, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct k8s_chart *chart_in(const struct k8s_state *st,
	const char *dir, size_t len)
{
	size_t i = chart_lower(st, dir, len);

	if (i < st->ncharts && !dir_cmp(st->charts[i].dir, dir, len))
		return &st->charts[i];
	return NULL;
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

const struct k8s_chart *k8s_chart_of_template(const struct k8s_state *st,
	const char *path)
{
	const struct k8s_chart *chart;

	for (const char *p = path; st->ncharts && (p = strstr(p, "templates/"));
	     p++) {
		size_t len = p == path ? 0 : (size_t)(p - path - 1);

		if ((p == path || p[-1] == '/') && (chart = chart_in(st, path, len)))
			return chart;
	}
	return NULL;
}

static void chart_add(struct k8s_state *st, const char *path, size_t len,
	const char *name, cr_node_id node)
{
	struct k8s_chart *slot;
	size_t at;

	if (st->rc || chart_in(st, path, len))
		return;
	if (st->ncharts == st->charts_cap) {
		size_t cap = st->charts_cap ? st->charts_cap * 2 : 16;

		if (!(slot = realloc(st->charts, cap * sizeof *slot))) {
			st->rc = CR_ENOMEM;
			return;
		}
		st->charts = slot;
		st->charts_cap = cap;
	}
	at = chart_lower(st, path, len);
	memmove(&st->charts[at + 1], &st->charts[at],
		(st->ncharts - at) * sizeof *st->charts);
	st->charts[at] = (struct k8s_chart){
		.dir = k8s_strndup(st, path, len), .name = k8s_strdup(st, name),
		.node = node,
	};
	st->ncharts++;
}

/* --- reading ------------------------------------------------------------------------ */

/* The first document of a Helm or Kustomize file; parse failures become
 * parse_error facts and a NULL root. */
static int first_doc(cr_ydocs *docs, const cr_ynode **root,
	struct k8s_state *st, const char *path, const char *buf, size_t len)
{
	cr_problems problems = { .file = "" };
	int rc;

	*root = NULL;
	rc = cr_yaml_parse_all(docs, &problems, buf, len, K8S_YAML_NODES_MAX);
	if (rc == CR_ENOMEM || problems.oom)
		rc = cr_error_set(st->c->ctx, CR_ENOMEM, "out of memory");
	else if (problems.count) {
		rc = k8s_parse_problem(st, path, PARSER, &problems);
	} else {
		rc = CR_OK;
		if (docs->count && docs->docs[0] &&
		    docs->docs[0]->kind == CR_YMAP)
			*root = docs->docs[0];
	}
	cr_problems_release(&problems);
	return rc;
}

static const char *text_at(const cr_ynode *map, const char *key)
{
	return cr_ynode_text(cr_ymap_get(map, key));
}

static int finish(struct k8s_state *st, const char *path)
{
	if (st->rc)
		return cr_error_set(st->c->ctx, st->rc, "cannot record the "
			"facts of %s", path);
	return CR_OK;
}

static void chart_facts(struct k8s_state *st, const cr_source_file *f,
	const char *path, const cr_ynode *root)
{
	const cr_ynode *deps = cr_ymap_get(root, "dependencies");
	cr_node_id id = 0;
	char text[512];

	if ((st->rc = cr_collect_node(&id, st->c, "helm_chart", f, path,
			root ? root->line : 1)))
		return;
	k8s_str(st, id, "name", text_at(root, "name"));
	k8s_str(st, id, "version", text_at(root, "version"));
	k8s_str(st, id, "app_version", text_at(root, "appVersion"));
	k8s_str(st, id, "api_version", text_at(root, "apiVersion"));
	k8s_str(st, id, "type", text_at(root, "type"));
	k8s_str(st, id, "kube_version", text_at(root, "kubeVersion"));
	k8s_empty_list(st, id, "dependencies");
	for (size_t i = 0; i < k8s_seq_len(deps); i++) {
		const char *name = text_at(deps->kids[i], "name");
		const char *version = text_at(deps->kids[i], "version");

		if (name && k8s_key(text, sizeof text, "%s@%s", name,
			    version ? version : ""))
			k8s_push(st, id, "dependencies", text);
	}
	chart_add(st, path, dir_len(path), text_at(root, "name"), id);
}

/* Keys whose values are likely credentials: their values stay out. */
static bool secret_like(const char *key)
{
	static const char *const words[] = {
		"password", "passwd", "secret", "token", "apikey", "api_key",
		"credential", "privatekey", "private_key",
	};

	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasestr(key, words[i]))
			return true;
	return false;
}

static void flatten(struct k8s_state *st, cr_node_id id, const char *prefix,
	const cr_ynode *map, int depth, size_t *count)
{
	char key[512];

	for (size_t i = 0; map && map->kind == CR_YMAP && i + 1 < map->count &&
	     *count < VALUES_MAX; i += 2) {
		const char *k = map->kids[i]->text;
		const cr_ynode *v = map->kids[i + 1];

		if (!k || secret_like(k) ||
		    !k8s_key(key, sizeof key, "%s.%s", prefix, k))
			continue;
		if (v->kind == CR_YSCALAR && !cr_ynode_is_null(v)) {
			k8s_scalar(st, id, key, v);
			++*count;
		} else if (v->kind == CR_YMAP && depth < VALUES_DEPTH) {
			flatten(st, id, key, v, depth + 1, count);
		}
	}
}

static bool non_empty_map(const cr_ynode *n)
{
	return n && n->kind == CR_YMAP && n->count > 0;
}

static void values_facts(struct k8s_state *st, const char *path,
	const cr_ynode *root)
{
	const struct k8s_chart *chart = chart_in(st, path, dir_len(path));
	size_t count = 0;

	if (!chart)
		return;
	k8s_bool(st, chart->node, "values_resources",
		non_empty_map(cr_ymap_get(root, "resources")));
	k8s_bool(st, chart->node, "values_security_context",
		non_empty_map(cr_ymap_get(root, "securityContext")) ||
		non_empty_map(cr_ymap_get(root, "podSecurityContext")) ||
		non_empty_map(cr_ymap_get(root, "containerSecurityContext")));
	flatten(st, chart->node, "values", root, 1, &count);
}

static void kustomization_facts(struct k8s_state *st,
	const cr_source_file *f, const char *path, const cr_ynode *root)
{
	static const char *const lists[][2] = {
		{"resources", "resources"}, {"bases", "bases"},
		{"components", "components"},
	};
	static const char *const patches[] = {
		"patches", "patchesStrategicMerge", "patchesJson6902",
	};
	const cr_ynode *images = cr_ymap_get(root, "images");
	const cr_ynode *secrets = cr_ymap_get(root, "secretGenerator");
	cr_node_id id = 0;
	size_t npatches = 0;
	bool literals = false;
	char text[512];

	if ((st->rc = cr_collect_node(&id, st->c, "kustomization", f, path,
			root->line)))
		return;
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		k8s_list(st, id, lists[i][1], cr_ymap_get(root, lists[i][0]));
	for (size_t i = 0; i < sizeof patches / sizeof *patches; i++)
		npatches += k8s_seq_len(cr_ymap_get(root, patches[i]));
	k8s_int(st, id, "patches", (int64_t)npatches);
	k8s_str(st, id, "namespace", text_at(root, "namespace"));
	k8s_str(st, id, "name_prefix", text_at(root, "namePrefix"));
	k8s_str(st, id, "name_suffix", text_at(root, "nameSuffix"));
	k8s_int(st, id, "config_map_generators", (int64_t)k8s_seq_len(
		cr_ymap_get(root, "configMapGenerator")));
	k8s_int(st, id, "secret_generators", (int64_t)k8s_seq_len(secrets));
	for (size_t i = 0; i < k8s_seq_len(secrets); i++)
		literals = literals ||
			k8s_seq_len(cr_ymap_get(secrets->kids[i], "literals"));
	k8s_bool(st, id, "secret_literals", literals);
	k8s_empty_list(st, id, "images");
	for (size_t i = 0; i < k8s_seq_len(images); i++) {
		const cr_ynode *im = images->kids[i];
		const char *name = text_at(im, "newName") ?
			text_at(im, "newName") : text_at(im, "name");
		const char *tag = text_at(im, "newTag");
		const char *digest = text_at(im, "digest");

		if (name && k8s_key(text, sizeof text, "%s%s%s", name,
			    digest ? "@" : tag ? ":" : "",
			    digest ? digest : tag ? tag : ""))
			k8s_push(st, id, "images", text);
	}
}

int k8s_helm_parse(struct k8s_state *st, const cr_source_file *f,
	const char *path, const char *name, const char *buf, size_t len)
{
	const cr_ynode *root;
	cr_ydocs docs;
	int rc;

	if (is_values(name) && !chart_in(st, path, dir_len(path)))
		return CR_OK;
	if ((rc = first_doc(&docs, &root, st, path, buf, len)) != CR_OK)
		goto done;
	if (!strcmp(name, "Chart.yaml"))
		chart_facts(st, f, path, root);
	else if (root && is_values(name))
		values_facts(st, path, root);
	else if (root)
		kustomization_facts(st, f, path, root);
	rc = finish(st, path);
done:
	cr_ydocs_release(&docs);
	return rc;
}

int k8s_helm_charts(struct k8s_state *st)
{
	const cr_collect *c = st->c;

	for (size_t i = 0; i < c->nfiles; i++) {
		const cr_source_file *f = &c->files[i];
		char *buf;
		size_t len;
		int rc;

		if (strcmp(f->name, "Chart.yaml") != 0)
			continue;
		rc = cr_collect_read(&buf, &len, st->c, f, PARSER);
		if (rc == CR_ENOTFOUND)
			continue;
		if (rc == CR_OK)
			rc = k8s_helm_parse(st, f, f->path, f->name, buf, len);
		free(buf);
		if (rc != CR_OK)
			return rc;
	}
	return CR_OK;
}

int k8s_helm_template(struct k8s_state *st, const cr_source_file *f,
	const char *path, const struct k8s_chart *chart)
{
	cr_node_id id = 0;

	if ((st->rc = cr_collect_node(&id, st->c, "helm_template", f, path, 1)))
		return finish(st, path);
	k8s_bool(st, id, "templated", true);
	if (chart) {
		k8s_str(st, id, "chart", chart->name);
		k8s_link(st, id, "helm_chart", chart->node);
		k8s_link(st, chart->node, "templates", id);
	}
	return finish(st, path);
}
