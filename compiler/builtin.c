/*
 * builtin.c - the `readiness` bundle linked into the binary.
 *
 * The bundle is compiled at build time by the compiler itself: CMake
 * builds tools/bundle.c against the library without this file, runs it on
 * policies/readiness (a lint error or invalid metadata fails the build),
 * and embeds the bundle file it writes as cr_builtin_crb[].  Loading goes
 * through the bundle file reader, which checks it like any other, so the
 * embedded bundle reports the digest of `--bundle policies/readiness`.
 */
#include "crucible/build.h"
#include "crucible/crb.h"

#define BUILTIN_ORIGIN "builtin:readiness"

extern const char cr_builtin_crb[];
extern const size_t cr_builtin_crb_len;

int cr_bundle_load_builtin(cr_bundle **out, cr_ctx *ctx)
{
	return cr_bundle_load_crb_buffer(out, NULL, ctx, BUILTIN_ORIGIN,
		cr_builtin_crb, cr_builtin_crb_len);
}

int cr_build_builtin(cr_build **out, cr_ctx *ctx, const cr_build_opts *opts)
{
	const cr_bundle_file *files;
	cr_crb *crb = NULL;
	size_t count;
	int rc;

	*out = NULL;
	if ((rc = cr_crb_parse(&crb, ctx, BUILTIN_ORIGIN, cr_builtin_crb,
		     cr_builtin_crb_len)))
		return rc;
	files = cr_crb_files(crb, &count);
	rc = cr_build_files(out, ctx, BUILTIN_ORIGIN, files, count, opts);
	cr_crb_free(crb);
	return rc;
}
