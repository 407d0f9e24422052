/*
 * bundle.h - policy bundles: bundle.yml plus Lua policy modules.
 *
 * A bundle is a directory (or the same files embedded in the binary):
 *
 *   bundle.yml        name, version, description, categories (id, title,
 *                     weight), params (policy id -> default params)
 *   <dir>/<name>.lua  policy modules (at any depth), each returning
 *                     crucible.policy{...}
 *   lib/<name>.lua    library modules; `require "x.y"` in a policy loads
 *                     lib/x/y.lua of the same bundle, nothing else
 *
 * Loading reads and validates bundle.yml and compiles (never runs) every
 * module, so that syntax errors surface as CR_EBUNDLE with file:line.
 * Running the modules is the evaluator's job, in a sandbox.
 */
#ifndef CRUCIBLE_BUNDLE_H
#define CRUCIBLE_BUNDLE_H

#include <cjson/cJSON.h>

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_bundle cr_bundle;

typedef struct cr_category_def {
	const char *id;
	const char *title;
	double weight;
} cr_category_def;

typedef struct cr_module {
	const char *path;   /* relative to the bundle root, '/' separated */
	const char *source;
	size_t len;
} cr_module;

/* One file of an in-memory bundle (used by the embedded bundle). */
typedef struct cr_bundle_file {
	const char *path;
	const char *data;
	size_t len;
} cr_bundle_file;

/* Load DIR/bundle.yml and every module under DIR.  The caller frees the
 * bundle with cr_bundle_free().  Errors: CR_EIO (unreadable), CR_EBUNDLE
 * (invalid; the message names file:line and lists every problem). */
int cr_bundle_load_dir(cr_bundle **out, cr_ctx *ctx, const char *dir);

/* Same, from files already in memory; `origin` names them in messages. */
int cr_bundle_load_files(cr_bundle **out, cr_ctx *ctx, const char *origin,
	const cr_bundle_file *files, size_t count);

/* The `readiness` bundle linked into the binary. */
int cr_bundle_load_builtin(cr_bundle **out, cr_ctx *ctx);

void cr_bundle_free(cr_bundle *b);

const char *cr_bundle_name(const cr_bundle *b);
const char *cr_bundle_version(const cr_bundle *b);
const char *cr_bundle_description(const cr_bundle *b);
const char *cr_bundle_origin(const cr_bundle *b);  /* dir, or "builtin:readiness" */
/* "sha256:<hex>" over the canonical content: bundle.yml and every module,
 * sorted by path, each as path NUL length NUL bytes. */
const char *cr_bundle_digest(const cr_bundle *b);

size_t cr_bundle_category_count(const cr_bundle *b);
const cr_category_def *cr_bundle_category(const cr_bundle *b, size_t i);
const cr_category_def *cr_bundle_find_category(const cr_bundle *b,
	const char *id);

/* Policy modules (every .lua outside lib/), sorted by path. */
size_t cr_bundle_policy_count(const cr_bundle *b);
const cr_module *cr_bundle_policy(const cr_bundle *b, size_t i);

/* The library module for `require(name)`: "a.b" -> lib/a/b.lua, or NULL. */
const cr_module *cr_bundle_library(const cr_bundle *b, const char *name);

/* The bundle's own secret detection rules (secrets.yml at its root, laid
 * over the built-in set: docs/secrets-rules.md), or NULL.  Part of the
 * digest and of a bundle file. */
#define CR_BUNDLE_SECRET_RULES "secrets.yml"
const cr_module *cr_bundle_secret_rules(const cr_bundle *b);

/* Default params of a policy from bundle.yml (a JSON object), or NULL. */
const cJSON *cr_bundle_params(const cr_bundle *b, const char *policy_id);

/* Overlay `params` (a JSON object, copied) on policy_id's params: each
 * top-level key replaces the one of bundle.yml.  This is how the params
 * of a configuration (.crucible.yml) reach the policies; the digest stays
 * the digest of the bundle's files.  Errors: CR_EINVAL (not an object),
 * CR_ENOMEM. */
int cr_bundle_override_params(cr_bundle *b, cr_ctx *ctx,
	const char *policy_id, const cJSON *params);

#ifdef __cplusplus
}
#endif
#endif
