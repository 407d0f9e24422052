/*
 * build.h - compile a policy bundle: what `crucible build` and `crucible
 * inspect DIR` do before anything is written.
 *
 * The pipeline, each step reporting every problem it finds before the
 * build gives up:
 *
 *   load        bundle.yml and the modules (cr_bundle_load_files())
 *   generate    extra modules made from the loaded bundle (a hook, see
 *               cr_build_opts; none by default)
 *   lint        every module (crucible/lint.h): errors fail the build,
 *               warnings only with `strict`
 *   metadata    each policy's top level runs in the sandbox, as in the
 *               evaluator, and its metadata is judged by the evaluator's
 *               own schema; bundle.yml's params must name declared params
 *               with values of the declared types
 *   manifest    bundle, categories, params and every policy's metadata,
 *               ready for cr_crb_write()
 */
#ifndef CRUCIBLE_BUILD_H
#define CRUCIBLE_BUILD_H

#include <cjson/cJSON.h>

#include "crucible/bundle.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Make extra modules from the loaded bundle `b`: *out is an array of
 * *count files whose path and data the build takes over (it frees them
 * and the array with free()).  Return 0 or a negative CR_E* code. */
typedef int (*cr_build_generate_fn)(cr_bundle_file **out, size_t *count,
	cr_ctx *ctx, const cr_bundle *b, void *ud);

typedef struct cr_build_opts {
	bool strict;                    /* lint warnings fail the build */
	cr_build_generate_fn generate;  /* NULL: no generated modules */
	void *generate_ud;
} cr_build_opts;

typedef struct cr_build cr_build;

/* Compile the bundle made of `files` (any order; `origin` names it).
 * On success *out is the build, to be freed with cr_build_free(); its
 * diagnostics may hold warnings.  Errors: those of cr_bundle_load_files()
 * (the loader's problems), CR_EBUNDLE (lint errors, lint warnings with
 * `strict`, invalid metadata or params: the message lists every one, as
 * "file:line[:col]: ..." lines), CR_ENOMEM.  opts may be NULL. */
int cr_build_files(cr_build **out, cr_ctx *ctx, const char *origin,
	const cr_bundle_file *files, size_t count, const cr_build_opts *opts);

/* The same for a bundle directory, and for the embedded bundle. */
int cr_build_dir(cr_build **out, cr_ctx *ctx, const char *dir,
	const cr_build_opts *opts);
int cr_build_builtin(cr_build **out, cr_ctx *ctx, const cr_build_opts *opts);

void cr_build_free(cr_build *b);

const cr_bundle *cr_build_bundle(const cr_build *b);
/* The manifest (see crucible/crb.h); "files" and "format" are added when
 * written. */
const cJSON *cr_build_manifest(const cr_build *b);
/* Warnings, one "file:line:col: warning: message" per line, or "". */
const char *cr_build_diagnostics(const cr_build *b);
size_t cr_build_warning_count(const cr_build *b);

/* Write the bundle file (cr_crb_write()) to path. */
int cr_build_write(const cr_build *b, cr_ctx *ctx, const char *path);

#ifdef __cplusplus
}
#endif
#endif
