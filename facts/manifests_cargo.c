/*
 * manifests_cargo.c - Rust: Cargo.toml (a manifest) and Cargo.lock (its
 * lockfile), for the manifests collector (manifests.h), read with the
 * strict TOML reader (crucible/toml.h).
 *
 * A Cargo.toml may be a package, a workspace root, or both.  Its
 * dependency tables ([dependencies], [dev-dependencies],
 * [build-dependencies], and the same under [target.'cfg(..)']) give the
 * scope; an optional dependency is scope "optional".  Members
 * ([workspace] members, exclude) are workspace patterns, so a root
 * Cargo.lock pairs with every member crate.  [workspace.dependencies]
 * only fixes versions for members that say `workspace = true`: those are
 * declared on the root with managed=true.
 */
#include "facts/manifests_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/toml.h"

/* The dependency tables of a manifest (or of one target) and their
 * scopes; Cargo still accepts the underscore spellings. */
static const struct {
	const char *table, *scope;
} dep_tables[] = {
	{"dependencies", "prod"},
	{"dev-dependencies", "dev"},
	{"dev_dependencies", "dev"},
	{"build-dependencies", "build"},
	{"build_dependencies", "build"},
};

struct cargo {
	cr_manifests *ms;
	cr_node_id manifest;
};

static const char *str_of(const cr_toml_value *table, const char *key)
{
	return cr_toml_string(cr_toml_table_get(table, key), NULL);
}

/* The reader's "path:LINE:COL: what" as a parse error at LINE. */
static int toml_failed(cr_manifests *ms, const cr_source_file *f,
	const char *parser)
{
	cr_collect *c = cr_manifests_collector(ms);
	const char *msg = cr_ctx_error(c->ctx);
	size_t plen = strlen(f->path);
	unsigned long line = 0;

	if (strncmp(msg, f->path, plen) == 0 && msg[plen] == ':') {
		msg += plen + 1;
		line = strtoul(msg, NULL, 10);
	}
	return cr_collect_parse_error(c, f->path, (uint32_t)line, parser, "%s",
		msg);
}

static int set_str(cr_manifests *ms, cr_node_id n, const char *key,
	const char *v)
{
	return v ? cr_mu_set(ms, n, key, v, strlen(v)) : CR_OK;
}

/* Where a dependency comes from when not from crates.io, as manifests.h
 * spells it, with the location itself for git and path. */
static int set_source(cr_manifests *ms, cr_node_id dep,
	const cr_toml_value *spec)
{
	static const char *const kinds[] = {"git", "path", "registry"};
	int rc;

	if (cr_toml_boolean(cr_toml_table_get(spec, "workspace")))
		return set_str(ms, dep, "source", "workspace");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const char *where = str_of(spec, kinds[i]);

		if (!where)
			continue;
		if (!(where = cr_manifests_redact(ms, where)))
			return cr_error_set(cr_manifests_collector(ms)->ctx,
				CR_ENOMEM, "out of memory");
		if ((rc = set_str(ms, dep, "source", kinds[i])) != CR_OK ||
		    (rc = set_str(ms, dep, kinds[i], where)) != CR_OK)
			return rc;
		return set_str(ms, dep, "rev", str_of(spec, "rev"));
	}
	return CR_OK;
}

/* One entry `key = spec` of a dependency table. */
static int cargo_dep(struct cargo *cg, const char *key,
	const cr_toml_value *spec, const char *scope, const char *target,
	bool managed)
{
	const char *name = key, *constraint = cr_toml_string(spec, NULL);
	bool table = cr_toml_type_of(spec) == CR_TOML_TABLE;
	cr_node_id dep;
	bool fresh;
	int rc;

	if (table) {
		if (str_of(spec, "package"))
			name = str_of(spec, "package");
		constraint = str_of(spec, "version");
		if (cr_toml_boolean(cr_toml_table_get(spec, "optional")))
			scope = "optional";
	}
	if ((rc = cr_mu_dep(&dep, &fresh, cg->ms, cg->manifest, name,
			strlen(name), constraint,
			constraint ? strlen(constraint) : 0, scope,
			cr_toml_line(spec))) != CR_OK || !fresh)
		return rc; /* declared before: the first declaration stays */
	if (name != key && (rc = set_str(cg->ms, dep, "rename", key)) != CR_OK)
		return rc;
	if ((rc = set_str(cg->ms, dep, "target", target)) != CR_OK ||
	    (managed && (rc = cr_mu_set_bool(cg->ms, dep, "managed", true)) !=
		    CR_OK))
		return rc;
	return table ? set_source(cg->ms, dep, spec) : CR_OK;
}

static int dep_table(struct cargo *cg, const cr_toml_value *table,
	const char *scope, const char *target, bool managed)
{
	int rc;

	for (size_t i = 0; i < cr_toml_table_count(table); i++) {
		const char *key;
		const cr_toml_value *spec;

		spec = cr_toml_table_at(table, i, &key, NULL);

		if ((rc = cargo_dep(cg, key, spec, scope, target, managed)) !=
		    CR_OK)
			return rc;
	}
	return CR_OK;
}

/* The dependency tables of `owner` (the root, or one target's table). */
static int dep_tables_of(struct cargo *cg, const cr_toml_value *owner,
	const char *target)
{
	int rc;

	for (size_t i = 0; i < sizeof dep_tables / sizeof dep_tables[0]; i++)
		if ((rc = dep_table(cg, cr_toml_table_get(owner,
				dep_tables[i].table), dep_tables[i].scope,
				target, false)) != CR_OK)
			return rc;
	return CR_OK;
}

static int cargo_package(struct cargo *cg, const cr_toml_value *package)
{
	const cr_toml_value *publish = cr_toml_table_get(package, "publish");
	int rc;

	/* version and rust-version may be tables ({workspace = true}):
	 * inherited from the root, not known here. */
	if ((rc = set_str(cg->ms, cg->manifest, "name",
			str_of(package, "name"))) != CR_OK ||
	    (rc = set_str(cg->ms, cg->manifest, "version",
			str_of(package, "version"))) != CR_OK ||
	    (rc = set_str(cg->ms, cg->manifest, "language_version",
			str_of(package, "rust-version"))) != CR_OK ||
	    (rc = set_str(cg->ms, cg->manifest, "edition",
			str_of(package, "edition"))) != CR_OK)
		return rc;
	if (publish && cr_toml_type_of(publish) == CR_TOML_BOOLEAN)
		return cr_mu_set_bool(cg->ms, cg->manifest, "private",
			!cr_toml_boolean(publish));
	return CR_OK;
}

/* Member patterns, exclusions as "!pattern". */
static int cargo_members(struct cargo *cg, const cr_toml_value *list,
	bool exclude)
{
	char pattern[1024];
	int rc;

	for (size_t i = 0; i < cr_toml_array_len(list); i++) {
		const char *p = cr_toml_string(cr_toml_array_at(list, i), NULL);

		if (!p)
			continue;
		snprintf(pattern, sizeof pattern, "%s%s", exclude ? "!" : "", p);
		if ((rc = cr_manifest_workspace(cg->ms, cg->manifest,
				pattern)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int cargo_workspace(struct cargo *cg, const cr_toml_value *ws,
	bool has_package)
{
	const cr_toml_value *inherited = cr_toml_table_get(ws, "package");
	int rc;

	if ((rc = cargo_members(cg, cr_toml_table_get(ws, "members"),
			false)) != CR_OK ||
	    (rc = cargo_members(cg, cr_toml_table_get(ws, "exclude"),
			true)) != CR_OK)
		return rc;
	if (!has_package && (rc = set_str(cg->ms, cg->manifest,
			"language_version", str_of(inherited, "rust-version"))) !=
	    CR_OK)
		return rc;
	return dep_table(cg, cr_toml_table_get(ws, "dependencies"), "prod",
		NULL, true);
}

int cr_parse_cargo_toml(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	struct cargo cg = {.ms = ms};
	const cr_toml_value *root, *package, *ws, *targets;
	cr_toml *doc = NULL;
	int rc;

	rc = cr_toml_parse(&doc, cr_manifests_collector(ms)->ctx, buf, len,
		f->path);
	if (rc == CR_EPARSE || rc == CR_ELIMIT)
		return toml_failed(ms, f, "Cargo.toml");
	if (rc != CR_OK)
		return rc;
	root = cr_toml_root(doc);
	package = cr_toml_table_get(root, "package");
	ws = cr_toml_table_get(root, "workspace");
	targets = cr_toml_table_get(root, "target");
	if ((rc = cr_manifest_add(&cg.manifest, ms, f, "cargo")) != CR_OK ||
	    (rc = cargo_package(&cg, package)) != CR_OK ||
	    (rc = dep_tables_of(&cg, root, NULL)) != CR_OK)
		goto done;
	for (size_t i = 0; i < cr_toml_table_count(targets); i++) {
		const char *cfg;
		const cr_toml_value *t = cr_toml_table_at(targets, i, &cfg, NULL);

		if ((rc = dep_tables_of(&cg, t, cfg)) != CR_OK)
			goto done;
	}
	if (ws)
		rc = cargo_workspace(&cg, ws, package != NULL);
done:
	cr_toml_free(doc);
	return rc;
}

int cr_parse_cargo_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	const cr_toml_value *root, *packages, *version;
	cr_toml *doc = NULL;
	char format[32] = "cargo";
	cr_node_id lock;
	int rc;

	rc = cr_toml_parse(&doc, cr_manifests_collector(ms)->ctx, buf, len,
		f->path);
	if (rc == CR_EPARSE || rc == CR_ELIMIT)
		return toml_failed(ms, f, "Cargo.lock");
	if (rc != CR_OK)
		return rc;
	root = cr_toml_root(doc);
	version = cr_toml_table_get(root, "version");
	if (version && cr_toml_type_of(version) == CR_TOML_INTEGER)
		snprintf(format, sizeof format, "cargo@%lld",
			(long long)cr_toml_integer(version));
	if ((rc = cr_lockfile_add(&lock, ms, f, "cargo", format)) != CR_OK)
		goto done;
	packages = cr_toml_table_get(root, "package");
	for (size_t i = 0; i < cr_toml_array_len(packages); i++) {
		const cr_toml_value *p = cr_toml_array_at(packages, i);
		const char *name = str_of(p, "name"), *v = str_of(p, "version");

		/* No source: a crate of the workspace itself, not a
		 * dependency. */
		if (!name || !v || !str_of(p, "source"))
			continue;
		if ((rc = cr_lockfile_package(ms, lock, name, v, NULL,
				cr_toml_line(p))) != CR_OK)
			goto done;
	}
done:
	cr_toml_free(doc);
	return rc;
}
