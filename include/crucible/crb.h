/*
 * crb.h - the bundle file (.crb): a compiled bundle in one file.
 *
 * `crucible build DIR -o FILE.crb` writes one; `crucible eval --bundle
 * FILE.crb` and `crucible inspect FILE.crb` read it.  Layout, every
 * integer an unsigned 32-bit little-endian number:
 *
 *   magic        8 bytes "\x89CRB\r\n\x1a\n"
 *   version      CR_CRB_VERSION
 *   manifest     length, then that many bytes of JSON
 *   file count   then, per file: path length, path, data length, data
 *   checksum     32 bytes, SHA-256 of every byte before it
 *
 * The manifest is canonical JSON (keys sorted, no whitespace): "format"
 * ("crucible.bundle/v1"), "bundle" (name, version, description, digest),
 * "categories", "params", "policies" (each policy's metadata, module
 * path and needs) and "files" (path, size, "sha256:<hex>" of each file).
 * The files are bundle.yml and every module, sorted by path, with the
 * same bytes as in the directory, so the bundle digest does not depend on
 * where the bundle was loaded from.  Nothing in the file depends on time
 * or on the machine: the same input gives the same bytes.
 *
 * Reading checks everything before anything is used: lengths against the
 * file size, the checksum, the manifest against the files (paths, sizes,
 * digests), no precompiled Lua chunk, then the bundle loads through
 * cr_bundle_load_files() and its digest, name, version and policy modules
 * must match the manifest.  A truncated, corrupted or tampered file is
 * refused with CR_EBUNDLE, never loaded in part.
 */
#ifndef CRUCIBLE_CRB_H
#define CRUCIBLE_CRB_H

#include <cjson/cJSON.h>

#include "crucible/bundle.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CR_CRB_VERSION 1u
#define CR_CRB_FORMAT "crucible.bundle/v1"
#define CR_CRB_SIZE_MAX ((size_t)64 << 20)

/* Encode `manifest` (an object; its "files" and "format" keys are set
 * here, from `files`) and `files` (sorted by path, unique) into *out, a
 * buffer of *len bytes the caller frees.  Errors: CR_EINVAL (files not
 * sorted, a field too long), CR_ENOMEM. */
int cr_crb_encode(char **out, size_t *len, cr_ctx *ctx, const cJSON *manifest,
	const cr_bundle_file *files, size_t count);

/* cr_crb_encode() written to `path` (replaced atomically). */
int cr_crb_write(cr_ctx *ctx, const char *path, const cJSON *manifest,
	const cr_bundle_file *files, size_t count);

/* Read the whole regular file at path (at most CR_CRB_SIZE_MAX bytes)
 * into *out, which the caller frees.  Errors: CR_EIO, CR_ENOTFOUND,
 * CR_ENOMEM. */
int cr_crb_read(char **out, size_t *len, cr_ctx *ctx, const char *path);

/* A parsed bundle file: its manifest and files point into nothing of the
 * caller's (everything is copied).  Free with cr_crb_free(). */
typedef struct cr_crb cr_crb;

/* Parse and check a bundle file image (see the top of this file); the
 * bundle itself is not loaded.  `origin` names it in messages.  Errors:
 * CR_EBUNDLE (not a bundle file, truncated, corrupted, inconsistent),
 * CR_ENOMEM. */
int cr_crb_parse(cr_crb **out, cr_ctx *ctx, const char *origin,
	const void *data, size_t len);
void cr_crb_free(cr_crb *c);

const cJSON *cr_crb_manifest(const cr_crb *c);
const cr_bundle_file *cr_crb_files(const cr_crb *c, size_t *count);

/* Parse, then load the bundle and check it against the manifest.  The
 * caller frees *out with cr_bundle_free(); *crb (when not NULL) receives
 * the parsed file, to be freed with cr_crb_free(). */
int cr_bundle_load_crb_buffer(cr_bundle **out, cr_crb **crb, cr_ctx *ctx,
	const char *origin, const void *data, size_t len);

/* cr_crb_read() then cr_bundle_load_crb_buffer(). */
int cr_bundle_load_crb(cr_bundle **out, cr_ctx *ctx, const char *path);

#ifdef __cplusplus
}
#endif
#endif
