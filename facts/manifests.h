/*
 * manifests.h - package manifests, lockfiles and dependencies (private to
 * facts/).
 *
 * facts/manifests.c walks the inventory, hands each known file to its
 * ecosystem's parser (the table there reads like the list of supported
 * files), and once every file is parsed, pairs each lockfile with the
 * manifests of its directory (or of the workspace it belongs to): direct
 * dependencies get their resolved version, and every other locked package
 * becomes a transitive dependency of that manifest.
 *
 * Parsers only call the functions below, so that every ecosystem yields
 * the same node shapes:
 *
 *   manifest    ecosystem, file (basename), name, version, private,
 *               language_version, scripts.<name>, engines.<name>,
 *               workspaces (list), lockfile_path (set when paired)
 *   lockfile    ecosystem, format ("package-lock@3", "yarn@1",
 *               "yarn-berry", "pnpm@9", "poetry", "cargo", ...), packages
 *               (count of entries)
 *   dependency  ecosystem, name, constraint (as written, "" when none),
 *               version (resolved, absent when unknown), scope (prod, dev,
 *               optional, peer, build, test), direct (bool),
 *               manifest_path, source (only when not the registry: git,
 *               path, url, workspace, ...)
 * Edges: manifest -dependencies-> dependency, dependency -manifest->
 * manifest, dependency -lockfile-> lockfile (when locked), manifest
 * -lockfile-> lockfile, lockfile -manifests-> manifest.  (An attribute
 * never takes an edge's name: in Lua both read as `node.<name>`.)
 *
 * A dependency is reported once per manifest: declaring a name again
 * hands back the first declaration's node (a "prod" declaration upgrades
 * its scope), and a locked name@version already reported is not added
 * again.
 */
#ifndef CRUCIBLE_FACTS_MANIFESTS_H
#define CRUCIBLE_FACTS_MANIFESTS_H

#include <cjson/cJSON.h>

#include "facts/collector.h"

typedef struct cr_manifests cr_manifests;

/* The collector's state over one run; the caller frees it with
 * cr_manifests_free().  cr_manifests_collect() uses these three; the fuzz
 * harnesses call one parser between new and finish. */
int cr_manifests_new(cr_manifests **out, cr_collect *c);
/* Pair lockfiles with manifests and add the resolved versions and the
 * transitive dependencies.  Call once, after every file is parsed. */
int cr_manifests_finish(cr_manifests *ms);
void cr_manifests_free(cr_manifests *ms);

/* A manifest file: its node, for the attributes only its parser knows
 * (name, version, scripts.*, ...), set with cr_graph_set_*(). */
int cr_manifest_add(cr_node_id *out, cr_manifests *ms,
	const cr_source_file *f, const char *ecosystem);

/* A workspace member pattern of a manifest: a glob of directories
 * relative to its own ("packages/app-?"; "!x" excludes), kept in the
 * `workspaces` list and used to pair members with the root's lockfile. */
int cr_manifest_workspace(cr_manifests *ms, cr_node_id manifest,
	const char *pattern);

/* A dependency the manifest declares.  `constraint` may be NULL or "";
 * `scope` is one of prod, dev, optional, peer, build, test.  On a name
 * the manifest already declared, *out is the earlier node. */
int cr_manifest_dep(cr_node_id *out, cr_manifests *ms, cr_node_id manifest,
	const char *name, const char *constraint, const char *scope,
	uint32_t line);
/* The same, written in another file than the manifest (a requirements
 * file included with -r): `f` is that file. */
int cr_manifest_dep_in(cr_node_id *out, cr_manifests *ms,
	cr_node_id manifest, const cr_source_file *f, const char *name,
	const char *constraint, const char *scope, uint32_t line);

/* The node of the dependency the manifest declared under `name`, or 0. */
cr_node_id cr_manifest_declared(cr_manifests *ms, cr_node_id manifest,
	const char *name);

/* A lockfile, and each package it pins.  `scope` may be NULL (unknown:
 * the manifest's declaration decides, otherwise prod); `line` is where
 * the package's entry starts. */
int cr_lockfile_add(cr_node_id *out, cr_manifests *ms,
	const cr_source_file *f, const char *ecosystem, const char *format);
int cr_lockfile_package(cr_manifests *ms, cr_node_id lockfile,
	const char *name, const char *version, const char *scope,
	uint32_t line);

/* A locked package with what some formats know besides its name. */
typedef struct cr_locked {
	const char *name;
	const char *version;
	const char *scope;     /* as in cr_lockfile_package() */
	/* The workspace member that resolves it: its directory relative to
	 * the lockfile's ("packages/api"); NULL or "" for the root. */
	const char *importer;
	/* The constraints it satisfies as written in the lockfile
	 * ("^1.2.0, ^1.3.0"; yarn), or NULL: picks among several versions
	 * of one name. */
	const char *specs;
	/* Not what the importer itself resolves the name to (a copy nested
	 * under another package, a package of pnpm's global section): used
	 * for a direct dependency only when nothing better is locked. */
	bool nested;
	uint32_t line;
} cr_locked;

int cr_lockfile_locked(cr_manifests *ms, cr_node_id lockfile,
	const cr_locked *pkg);
/* A workspace member the lockfile names (directory relative to the
 * lockfile's, "." for the root): its manifest is paired with the
 * lockfile even when no pattern of the root lists it. */
int cr_lockfile_importer(cr_manifests *ms, cr_node_id lockfile,
	const char *dir);

/* The collector's context, for parse errors and graph attributes. */
cr_collect *cr_manifests_collector(cr_manifests *ms);
/* `rc`; when it is an error (of cr_graph_set_*(), say), with the
 * context's message set to say so. */
int cr_manifests_fail(cr_manifests *ms, int rc);

/* The inventory's regular file at repository-relative `path` (already
 * normalized: no "." or ".." segments), or NULL. */
const cr_source_file *cr_manifests_file(cr_manifests *ms, const char *path);

/* --- helpers for parsers ------------------------------------------------- */

/* Line numbers of increasing offsets into one text in linear time (cJSON
 * does not record lines).  Zero-initialise, then set buf and len. */
typedef struct cr_text_lines {
	const char *buf;
	size_t len;
	size_t off;
	uint32_t line;
} cr_text_lines;

uint32_t cr_text_line(cr_text_lines *t, size_t off);

/* Parse a JSON manifest or lockfile (a UTF-8 byte order mark is
 * skipped).  A syntax error or a root that is not an object is recorded
 * as a parse error and leaves *out NULL with CR_OK; otherwise the caller
 * frees *out with cJSON_Delete().  *root is the root's offset in buf. */
int cr_manifests_json(cJSON **out, size_t *root, cr_manifests *ms,
	const cr_source_file *f, const char *buf, size_t len);

/* Where cJSON's values are in the text, to give them lines: a walk over
 * the members of the object at offset `obj`, one call per cJSON child in
 * order.  Each call returns the line of the member's key and sets
 * `value` to its value's offset, to walk into; once the text stops
 * matching, lines are 0 and offsets CR_JSON_LOST. */
#define CR_JSON_LOST SIZE_MAX

typedef struct cr_json_members {
	cr_text_lines *lines;
	size_t pos;
	size_t value;
} cr_json_members;

void cr_json_members_start(cr_json_members *it, cr_text_lines *lines,
	size_t obj);
uint32_t cr_json_members_next(cr_json_members *it);
/* The offset of the value of `item`, a child of `parent` whose object is
 * at `obj`, or CR_JSON_LOST. */
size_t cr_json_member_value(cr_text_lines *lines, size_t obj,
	const cJSON *parent, const cJSON *item);

/* `s` with the user and password of a URL in it replaced by "***" (a
 * copy owned by ms, or s itself when there are none); NULL when memory
 * runs out.  Facts never carry credentials. */
const char *cr_manifests_redact(cr_manifests *ms, const char *s);

/* --- parsers: one per file format (facts/manifests_<ecosystem>.c) ------- */

typedef int (*cr_manifest_parser)(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len);

/* facts/manifests_npm.c */
int cr_parse_package_json(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_package_lock(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_yarn_lock(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_pnpm_lock(cr_manifests *, const cr_source_file *, const char *, size_t);
/* facts/manifests_python.c */
int cr_parse_requirements(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_pyproject(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_pipfile(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_pipfile_lock(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_poetry_lock(cr_manifests *, const cr_source_file *, const char *, size_t);
/* facts/manifests_go.c */
int cr_parse_go_mod(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_go_sum(cr_manifests *, const cr_source_file *, const char *, size_t);
/* facts/manifests_cargo.c */
int cr_parse_cargo_toml(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_cargo_lock(cr_manifests *, const cr_source_file *, const char *, size_t);
/* facts/manifests_jvm.c */
int cr_parse_pom_xml(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_gradle(cr_manifests *, const cr_source_file *, const char *, size_t);
/* facts/manifests_ruby.c */
int cr_parse_gemfile(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_gemfile_lock(cr_manifests *, const cr_source_file *, const char *, size_t);
/* facts/manifests_php.c */
int cr_parse_composer_json(cr_manifests *, const cr_source_file *, const char *, size_t);
int cr_parse_composer_lock(cr_manifests *, const cr_source_file *, const char *, size_t);

#endif
