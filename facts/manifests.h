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
 *               workspaces (list), lockfile (path, set when paired)
 *   lockfile    ecosystem, format ("package-lock@3", "yarn@1",
 *               "yarn-berry", "pnpm@9", "poetry", "cargo", ...), packages
 *   dependency  ecosystem, name, constraint (as written, "" when none),
 *               version (resolved, absent when unknown), scope (prod, dev,
 *               optional, peer, build, test), direct (bool), manifest
 *               (path)
 * Edges: manifest -dependencies-> dependency, dependency -manifest->
 * manifest, manifest -lockfile-> lockfile, lockfile -manifests->
 * manifest.
 */
#ifndef CRUCIBLE_FACTS_MANIFESTS_H
#define CRUCIBLE_FACTS_MANIFESTS_H

#include "facts/collector.h"

typedef struct cr_manifests cr_manifests;

/* A manifest file: its node, for the attributes only its parser knows
 * (name, version, scripts.*, ...), set with cr_graph_set_*(). */
int cr_manifest_add(cr_node_id *out, cr_manifests *ms,
	const cr_source_file *f, const char *ecosystem);

/* A dependency the manifest declares.  `constraint` may be NULL or "";
 * `scope` is one of prod, dev, optional, peer, build, test. */
int cr_manifest_dep(cr_node_id *out, cr_manifests *ms, cr_node_id manifest,
	const char *name, const char *constraint, const char *scope,
	uint32_t line);

/* A lockfile, and each package it pins.  `scope` may be NULL (unknown:
 * the manifest's declaration decides, otherwise prod); `line` is where
 * the package's entry starts. */
int cr_lockfile_add(cr_node_id *out, cr_manifests *ms,
	const cr_source_file *f, const char *ecosystem, const char *format);
int cr_lockfile_package(cr_manifests *ms, cr_node_id lockfile,
	const char *name, const char *version, const char *scope,
	uint32_t line);

/* The collector's context, for parse errors and graph attributes. */
cr_collect *cr_manifests_collector(cr_manifests *ms);

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
