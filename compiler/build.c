/*
 * build.c - the bundle compiler behind `crucible build` and `crucible
 * inspect` (the pipeline is described in include/crucible/build.h).
 *
 * The build loads the bundle the way every bundle is loaded, then learns
 * each policy's metadata the way the evaluator does, by running the
 * module's top level in the sandbox (vm/policy.h), and judges it with the
 * evaluator's own schema (vm/validate.h): a bundle that builds cleanly
 * cannot be refused for its metadata at eval time.  Every diagnostic of
 * every step is collected, so an author sees them all in one run.
 *
 * The files a build keeps for the bundle file are bundle.yml as given and
 * the modules as the loader kept them, so the bundle file holds exactly
 * the bytes the bundle digest covers.
 */
#include "crucible/build.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler/checklist.h"
#include "compiler/yaml.h"
#include "crucible/crb.h"
#include "crucible/lint.h"
#include "crucible/secrets.h"
#include "facts/plan.h"
#include "vm/policy.h"
#include "vm/validate.h"

#define MANIFEST_FILE "bundle.yml"
#define MANIFEST_MAX (1024 * 1024)

struct cr_build {
	cr_bundle *bundle;
	cJSON *manifest;
	cr_bundle_file *files;   /* owned, sorted by path */
	size_t file_count;
	cr_lint_result *lints;   /* of each module of files, by index */
	cr_problems diagnostics;
	size_t warnings;
};

/* --- files ---------------------------------------------------------------- */

static void files_free(cr_bundle_file *files, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free((char *)files[i].path);
		free((char *)files[i].data);
	}
	free(files);
}

static int file_copy(cr_bundle_file *to, const char *path, const char *data,
	size_t len)
{
	char *p = strdup(path), *d = malloc(len + 1);

	if (!p || !d) {
		free(p);
		free(d);
		return CR_ENOMEM;
	}
	memcpy(d, data, len);
	d[len] = '\0';
	*to = (cr_bundle_file){ p, d, len };
	return CR_OK;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const cr_bundle_file *)a)->path,
		((const cr_bundle_file *)b)->path);
}

static const cr_bundle_file *find_file(const cr_bundle_file *files,
	size_t count, const char *path)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(files[i].path, path) == 0)
			return &files[i];
	return NULL;
}

/* What the loader reads in a bundle directory: bundle.yml, modules and
 * checklists (the others ride along in a directory unread, and stay out
 * of the bundle file). */
static bool is_read(const char *path)
{
	size_t n = strlen(path);

	if (path[0] == '.' || strstr(path, "/."))
		return false;
	return strcmp(path, MANIFEST_FILE) == 0 ||
		strcmp(path, CR_BUNDLE_SECRET_RULES) == 0 ||
		cr_checklist_is_path(path) ||
		(n > 4 && strcmp(path + n - 4, ".lua") == 0);
}

static int keep_module(cr_build *bd, const cr_module *m)
{
	return file_copy(&bd->files[bd->file_count++], m->path, m->source,
		m->len);
}

/* bundle.yml as given and b's modules as the loader made them (those of
 * checklists included), sorted by path, into bd->files: the files the
 * bundle digest covers. */
static int keep_members(cr_build *bd, const cr_bundle *b,
	const cr_bundle_file *files, size_t count)
{
	size_t policies = cr_bundle_policy_count(b);
	size_t libraries = cr_bundle_library_count(b);
	const cr_bundle_file *yml = find_file(files, count, MANIFEST_FILE);
	int rc;

	if (!(bd->files = calloc(policies + libraries + 2, sizeof *bd->files)))
		return CR_ENOMEM;
	if ((rc = file_copy(&bd->files[bd->file_count++], yml->path,
		     yml->data, yml->len)))
		return rc;
	if (cr_bundle_secret_rules(b) &&
	    (rc = keep_module(bd, cr_bundle_secret_rules(b))))
		return rc;
	for (size_t i = 0; i < policies; i++)
		if ((rc = keep_module(bd, cr_bundle_policy(b, i))))
			return rc;
	for (size_t i = 0; i < libraries; i++)
		if ((rc = keep_module(bd, cr_bundle_library_at(b, i))))
			return rc;
	qsort(bd->files, bd->file_count, sizeof *bd->files, by_path);
	return CR_OK;
}

/* --- diagnostics ---------------------------------------------------------- */

static bool has_errors(const cr_build *bd, const cr_build_opts *opts)
{
	return bd->diagnostics.count > bd->warnings ||
		(opts->strict && bd->warnings);
}

/* --- lint ----------------------------------------------------------------- */

/* Lint bd->files[i], keeping the result for the fact plan. */
static int lint_file(cr_build *bd, cr_ctx *ctx, size_t i)
{
	const cr_bundle_file *f = &bd->files[i];
	cr_lint_result *r = &bd->lints[i];
	char *chunk;
	int rc;

	if (asprintf(&chunk, "%s/%s", cr_bundle_name(bd->bundle), f->path) < 0)
		return CR_ENOMEM;
	rc = cr_lint_module(r, ctx, chunk, f->data, f->len);
	for (size_t k = 0; rc == CR_OK && k < r->issue_count; k++) {
		const cr_lint_issue *is = &r->issues[k];
		bool warning = is->level == CR_LINT_WARNING;

		cr_problem(&bd->diagnostics, "%s:%u:%u: %s: %s", chunk, is->line,
			is->column, warning ? "warning" : "error", is->message);
		bd->warnings += warning;
	}
	free(chunk);
	return rc;
}

static int lint_all(cr_build *bd, cr_ctx *ctx)
{
	int rc;

	if (!(bd->lints = calloc(bd->file_count, sizeof *bd->lints)))
		return CR_ENOMEM;
	for (size_t i = 0; i < bd->file_count; i++) {
		const char *path = bd->files[i].path;

		if (strcmp(path, MANIFEST_FILE) != 0 &&
		    strcmp(path, CR_BUNDLE_SECRET_RULES) != 0 &&
		    (rc = lint_file(bd, ctx, i)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* The bundle's secret rules must load over the built-in set, so that a
 * broken rule is a build error rather than an eval-time one. */
static int check_secret_rules(cr_build *bd, cr_ctx *ctx)
{
	const cr_module *m = cr_bundle_secret_rules(bd->bundle);
	cr_secret_rules *builtin = NULL, *merged = NULL;
	int rc;

	if (!m)
		return CR_OK;
	if ((rc = cr_secret_rules_builtin(&builtin, ctx)) != CR_OK)
		return rc;
	rc = cr_secret_rules_load(&merged, ctx, builtin, m->path, m->source,
		m->len);
	if (rc == CR_EPARSE) {
		cr_problem(&bd->diagnostics, "%s", cr_ctx_error(ctx));
		rc = CR_OK;
	}
	cr_secret_rules_free(merged);
	cr_secret_rules_free(builtin);
	return rc;
}

/* The lint result of the module at path. */
static const cr_lint_result *lint_of(const cr_build *bd, const char *path)
{
	const cr_bundle_file *f = find_file(bd->files, bd->file_count, path);

	return &bd->lints[f - bd->files];
}

/* --- bundle.yml lines ----------------------------------------------------- */

/* The value of `key` in the mapping n, or NULL; *line gets the key's. */
static const cr_ynode *ymap_get(const cr_ynode *n, const char *key,
	unsigned *line)
{
	if (!n || n->kind != CR_YMAP)
		return NULL;
	for (size_t i = 0; i + 1 < n->count; i += 2) {
		if (n->kids[i]->kind == CR_YSCALAR &&
		    strcmp(n->kids[i]->text, key) == 0) {
			*line = n->kids[i]->line;
			return n->kids[i + 1];
		}
	}
	return NULL;
}

static unsigned param_line(void *ud, const char *policy_id, const char *key)
{
	const cr_ynode *root = ud;
	unsigned line = 0;
	const cr_ynode *params = ymap_get(root, "params", &line);
	const cr_ynode *policy = ymap_get(params, policy_id, &line);

	ymap_get(policy, key, &line);
	return line;
}

/* --- metadata ------------------------------------------------------------- */

static cJSON *policy_entry(const cr_policy_meta *meta, const cr_module *m,
	unsigned kinds)
{
	cJSON *e = cJSON_CreateObject();
	cJSON *params = cr_params_declared(meta);
	cJSON *needs = cr_facts_kinds_json(kinds);

	if (!e || !params || !needs ||
	    !cJSON_AddItemToObject(e, "params", params) ||
	    (params = NULL, !cJSON_AddItemToObject(e, "needs", needs)) ||
	    (needs = NULL, !cJSON_AddStringToObject(e, "id", meta->id)) ||
	    !cJSON_AddStringToObject(e, "title", meta->title) ||
	    !cJSON_AddStringToObject(e, "category", meta->category) ||
	    !cJSON_AddStringToObject(e, "severity", meta->severity) ||
	    !cJSON_AddNumberToObject(e, "weight", meta->weight) ||
	    (meta->description && !cJSON_AddStringToObject(e, "description",
		    meta->description)) ||
	    (meta->remediation && !cJSON_AddStringToObject(e, "remediation",
		    meta->remediation)) ||
	    !cJSON_AddStringToObject(e, "module", m->path) ||
	    !cJSON_AddNumberToObject(e, "line", meta->line)) {
		cJSON_Delete(params);
		cJSON_Delete(needs);
		cJSON_Delete(e);
		return NULL;
	}
	return e;
}

struct meta_pass {
	cr_build *bd;
	cr_library_plan *libraries;
	cr_validator *validator;
	const cr_ynode *yml;
	cJSON *policies;
	cJSON *ids;      /* every id declared, valid or not */
	char *yml_name;  /* bundle.yml as diagnostics name it */
};

static bool id_listed(const cJSON *ids, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, ids) {
		if (strcmp(p->valuestring, id) == 0)
			return true;
	}
	return false;
}

/* The fact kinds policy m needs; a call its `needs` does not cover is an
 * error. */
static unsigned plan_policy(struct meta_pass *mp, const cr_module *m,
	const cr_policy_meta *meta)
{
	const cr_lint_result *r = lint_of(mp->bd, m->path);
	cr_member_needs libraries = cr_library_plan_needs(mp->libraries, m);
	char *where;
	unsigned kinds;

	if (asprintf(&where, "%s/%s:%u", cr_bundle_name(mp->bd->bundle),
		    m->path, meta->line) < 0) {
		mp->bd->diagnostics.oom = true;
		return CR_FACTS_ALL;
	}
	kinds = cr_policy_needs(&mp->bd->diagnostics, where, meta->needs,
		r->members, r->member_count, &libraries);
	free(where);
	return kinds;
}

/* Run module m's top level and judge what it declares.  bundle.yml's
 * params of an id are judged against its first declaration only. */
static int compile_policy(struct meta_pass *mp, const cr_module *m)
{
	cr_build *bd = mp->bd;
	cr_policy_outcome o = { 0 };
	cr_policy_run *run = NULL;
	cr_limits limits;
	cr_severity sev;
	cJSON *entry;
	unsigned kinds;
	bool valid;
	int rc = CR_OK;

	cr_limits_default(&limits);
	if (cr_policy_open(&run, &o, bd->bundle, m, &limits) != CR_OK) {
		cr_problem(&bd->diagnostics, "%s", o.message ? o.message :
			"the module failed");
		goto done;
	}
	valid = cr_validate_policy(mp->validator, &bd->diagnostics,
		bd->bundle, m, &o.meta, &sev);
	kinds = plan_policy(mp, m, &o.meta);
	if (o.meta.id && !id_listed(mp->ids, o.meta.id)) {
		if (!cJSON_AddItemToArray(mp->ids,
			    cJSON_CreateString(o.meta.id))) {
			rc = CR_ENOMEM;
			goto done;
		}
		bd->diagnostics.file = mp->yml_name;
		cr_validate_param_values(&bd->diagnostics, &o.meta,
			cr_bundle_params(bd->bundle, o.meta.id), param_line,
			(void *)mp->yml);
	}
	if (!valid)
		goto done;
	if (!(entry = policy_entry(&o.meta, m, kinds)) ||
	    !cJSON_AddItemToArray(mp->policies, entry))
		rc = CR_ENOMEM;
done:
	cr_policy_close(run);
	cr_policy_outcome_release(&o);
	return rc;
}

/* bundle.yml's params must be for policies of the bundle. */
static void check_param_owners(struct meta_pass *mp)
{
	unsigned line = 0;
	const cr_ynode *params = ymap_get(mp->yml, "params", &line);

	for (size_t i = 0; params && params->kind == CR_YMAP &&
	     i + 1 < params->count; i += 2) {
		const cr_ynode *key = params->kids[i];

		if (!id_listed(mp->ids, key->text))
			cr_problem_at(&mp->bd->diagnostics, key->line, "params "
				"for '%s', which is not a policy of the bundle",
				key->text);
	}
}

static int compile_policies(cr_build *bd, cr_ctx *ctx, cJSON *policies)
{
	const cr_bundle_file *yml = find_file(bd->files, bd->file_count,
		MANIFEST_FILE);
	struct meta_pass mp = { .bd = bd, .policies = policies };
	cr_problems ignored = { 0 };
	cr_ynode *root = NULL;
	int rc;

	if (cr_validator_new(&mp.validator) != CR_OK ||
	    cr_library_plan_new(&mp.libraries, ctx, bd->bundle) != CR_OK ||
	    !(mp.ids = cJSON_CreateArray()) ||
	    asprintf(&mp.yml_name, "%s/%s", cr_bundle_name(bd->bundle),
		    MANIFEST_FILE) < 0) {
		mp.yml_name = NULL;
		rc = CR_ENOMEM;
		goto done;
	}
	/* The loader has parsed it already: this is for line numbers. */
	if ((rc = cr_yaml_parse(&root, &ignored, yml->data, yml->len)) ==
	    CR_ENOMEM)
		goto done;
	mp.yml = root;
	rc = CR_OK;
	for (size_t i = 0; !rc && i < cr_bundle_policy_count(bd->bundle); i++)
		rc = compile_policy(&mp, cr_bundle_policy(bd->bundle, i));
	bd->diagnostics.file = mp.yml_name;
	if (!rc)
		check_param_owners(&mp);
done:
	bd->diagnostics.file = NULL;
	cr_validator_free(mp.validator);
	cr_library_plan_free(mp.libraries);
	cJSON_Delete(mp.ids);
	cr_ynode_free(root);
	cr_problems_release(&ignored);
	free(mp.yml_name);
	return rc;
}

/* --- manifest ------------------------------------------------------------- */

static cJSON *bundle_json(const cr_bundle *b)
{
	cJSON *j = cJSON_CreateObject();

	if (!j || !cJSON_AddStringToObject(j, "name", cr_bundle_name(b)) ||
	    !cJSON_AddStringToObject(j, "version", cr_bundle_version(b)) ||
	    !cJSON_AddStringToObject(j, "digest", cr_bundle_digest(b)) ||
	    (cr_bundle_description(b) && !cJSON_AddStringToObject(j,
		    "description", cr_bundle_description(b)))) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

static cJSON *categories_json(const cr_bundle *b)
{
	cJSON *arr = cJSON_CreateArray(), *c;

	for (size_t i = 0; arr && i < cr_bundle_category_count(b); i++) {
		const cr_category_def *def = cr_bundle_category(b, i);

		if (!(c = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, c) ||
		    !cJSON_AddStringToObject(c, "id", def->id) ||
		    !cJSON_AddStringToObject(c, "title", def->title) ||
		    !cJSON_AddNumberToObject(c, "weight", def->weight)) {
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

/* bundle.yml's params of the bundle's policies. */
static cJSON *params_json(const cr_bundle *b, const cJSON *policies)
{
	cJSON *obj = cJSON_CreateObject();
	const cJSON *p, *given;
	const char *id;

	cJSON_ArrayForEach(p, policies) {
		id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p,
			"id"));
		given = cr_bundle_params(b, id);
		if (obj && given && !cJSON_AddItemToObject(obj, id,
			    cJSON_Duplicate(given, true))) {
			cJSON_Delete(obj);
			return NULL;
		}
	}
	return obj;
}

/* The manifest takes *policies over. */
static int make_manifest(cr_build *bd, cJSON **policies)
{
	const cr_bundle *b = bd->bundle;

	if (!(bd->manifest = cJSON_CreateObject()) ||
	    !cJSON_AddItemToObject(bd->manifest, "bundle", bundle_json(b)) ||
	    !cJSON_AddItemToObject(bd->manifest, "categories",
		    categories_json(b)) ||
	    !cJSON_AddItemToObject(bd->manifest, "params",
		    params_json(b, *policies)) ||
	    !cJSON_AddItemToObject(bd->manifest, "policies", *policies))
		return CR_ENOMEM;
	*policies = NULL;
	return CR_OK;
}

/* --- loading -------------------------------------------------------------- */

static int add_generated(cr_build *bd, cr_ctx *ctx, const cr_build_opts *opts)
{
	cr_bundle_file *extra = NULL, *grown;
	size_t n = 0;
	int rc = opts->generate(&extra, &n, ctx, bd->bundle, opts->generate_ud);

	if (rc == CR_OK && n) {
		grown = realloc(bd->files, (bd->file_count + n) * sizeof *grown);
		if (!grown) {
			files_free(extra, n);
			return cr_error_set(ctx, CR_ENOMEM, "out of memory");
		}
		memcpy(grown + bd->file_count, extra, n * sizeof *extra);
		bd->files = grown;
		bd->file_count += n;
		free(extra);
		qsort(bd->files, bd->file_count, sizeof *bd->files, by_path);
	}
	return rc;
}

/* Load the bundle from the files it is made of, as the bundle file will
 * hold them; a generated module is part of it like any other. */
static int load(cr_build *bd, cr_ctx *ctx, const char *origin,
	const cr_bundle_file *files, size_t count, const cr_build_opts *opts)
{
	cr_bundle *given = NULL;
	int rc;

	if ((rc = cr_bundle_load_files(&given, ctx, origin, files, count)))
		return rc;
	bd->bundle = given;
	if ((rc = keep_members(bd, given, files, count)))
		return cr_error_set(ctx, rc, "out of memory");
	if (opts->generate && (rc = add_generated(bd, ctx, opts)))
		return rc;
	if ((rc = cr_bundle_load_files(&bd->bundle, ctx, origin, bd->files,
		     bd->file_count)))
		bd->bundle = NULL;
	else if (!opts->generate && strcmp(cr_bundle_digest(bd->bundle),
			    cr_bundle_digest(given)) != 0)
		rc = cr_error_set(ctx, CR_EINTERNAL, "%s: the files kept for "
			"the bundle file do not make the bundle loaded", origin);
	cr_bundle_free(given);
	return rc;
}

int cr_build_files(cr_build **out, cr_ctx *ctx, const char *origin,
	const cr_bundle_file *files, size_t count, const cr_build_opts *opts)
{
	static const cr_build_opts defaults;
	cr_build *bd = calloc(1, sizeof *bd);
	cJSON *policies = cJSON_CreateArray();
	int rc;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!bd || !policies) {
		rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = load(bd, ctx, origin, files, count, opts)) ||
	    (rc = lint_all(bd, ctx)) || (rc = check_secret_rules(bd, ctx)))
		goto done;
	if ((rc = compile_policies(bd, ctx, policies)) ||
	    (rc = make_manifest(bd, &policies)) || bd->diagnostics.oom) {
		rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	if (has_errors(bd, opts))
		rc = cr_problems_report(&bd->diagnostics, ctx, CR_EBUNDLE);
done:
	cJSON_Delete(policies);
	if (rc)
		cr_build_free(bd);
	else
		*out = bd;
	return rc;
}

/* --- directories ---------------------------------------------------------- */

/* The member files of a bundle directory, read whole. */
struct gathered {
	cr_ctx *ctx;
	const char *root;
	cr_bundle_file *files;
	size_t count;
	size_t cap;
};

static int gather_file(struct gathered *g, const char *rel)
{
	cr_bundle_file *grown;
	char *path, *data;
	size_t len;
	int rc;

	if (g->count == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		if (!(grown = realloc(g->files, g->cap * sizeof *grown)))
			return CR_ENOMEM;
		g->files = grown;
	}
	if (asprintf(&path, "%s/%s", g->root, rel) < 0)
		return CR_ENOMEM;
	rc = cr_user_file_read(&data, &len, g->ctx, path, MANIFEST_MAX);
	free(path);
	if (rc)
		return rc;
	if (!(path = strdup(rel))) {
		free(data);
		return CR_ENOMEM;
	}
	g->files[g->count++] = (cr_bundle_file){ path, data, len };
	return CR_OK;
}

/* Walk rel (under g->root) without following symbolic links: the loader
 * has refused those already, and the digests are compared afterwards. */
static int gather_dir(struct gathered *g, const char *rel)
{
	char *dirpath, *child;
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int rc = CR_OK;

	if (asprintf(&dirpath, "%s%s%s", g->root, *rel ? "/" : "", rel) < 0)
		return CR_ENOMEM;
	dir = opendir(dirpath);
	if (!dir)
		rc = cr_error_set(g->ctx, CR_EIO, "cannot read %s", dirpath);
	while (!rc && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&child, "%s%s%s", rel, *rel ? "/" : "",
			    e->d_name) < 0)
			return closedir(dir), free(dirpath), CR_ENOMEM;
		if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			rc = cr_error_set(g->ctx, CR_EIO, "cannot read %s/%s",
				g->root, child);
		else if (S_ISDIR(st.st_mode))
			rc = gather_dir(g, child);
		else if (S_ISREG(st.st_mode) && is_read(child))
			rc = gather_file(g, child);
		free(child);
	}
	if (dir)
		closedir(dir);
	free(dirpath);
	return rc;
}

int cr_build_dir(cr_build **out, cr_ctx *ctx, const char *dir,
	const cr_build_opts *opts)
{
	struct gathered g = { .ctx = ctx, .root = dir };
	cr_bundle *checked = NULL;
	int rc;

	*out = NULL;
	/* The directory loader's checks (no symlinks, sizes, depth) first. */
	if ((rc = cr_bundle_load_dir(&checked, ctx, dir)))
		return rc;
	if ((rc = gather_dir(&g, "")) == CR_ENOMEM)
		cr_error_set(ctx, rc, "out of memory reading %s", dir);
	if (!rc)
		rc = cr_build_files(out, ctx, dir, g.files, g.count, opts);
	if (!rc && strcmp(cr_bundle_digest((*out)->bundle),
			  cr_bundle_digest(checked)) != 0 && !(opts &&
			  opts->generate)) {
		cr_build_free(*out);
		*out = NULL;
		rc = cr_error_set(ctx, CR_EIO, "%s changed while it was read",
			dir);
	}
	files_free(g.files, g.count);
	cr_bundle_free(checked);
	return rc;
}

/* --- the build ------------------------------------------------------------ */

void cr_build_free(cr_build *bd)
{
	if (!bd)
		return;
	cr_bundle_free(bd->bundle);
	cJSON_Delete(bd->manifest);
	for (size_t i = 0; bd->lints && i < bd->file_count; i++)
		cr_lint_result_release(&bd->lints[i]);
	free(bd->lints);
	files_free(bd->files, bd->file_count);
	cr_problems_release(&bd->diagnostics);
	free(bd);
}

const cr_bundle *cr_build_bundle(const cr_build *bd)
{
	return bd->bundle;
}

const cJSON *cr_build_manifest(const cr_build *bd)
{
	return bd->manifest;
}

const char *cr_build_diagnostics(const cr_build *bd)
{
	return bd->diagnostics.text ? bd->diagnostics.text : "";
}

size_t cr_build_warning_count(const cr_build *bd)
{
	return bd->warnings;
}

int cr_build_write(const cr_build *bd, cr_ctx *ctx, const char *path)
{
	return cr_crb_write(ctx, path, bd->manifest, bd->files,
		bd->file_count);
}
