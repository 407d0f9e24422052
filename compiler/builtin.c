/*
 * builtin.c - the `readiness` bundle linked into the binary.
 *
 * tools/embed.c turns policies/readiness/ into cr_builtin_files[] at build
 * time (see CMakeLists.txt); loading it goes through the same validation
 * and digest as a bundle directory, so the embedded bundle and
 * `--bundle policies/readiness` report the same digest.
 */
#include "crucible/bundle.h"

extern const cr_bundle_file cr_builtin_files[];
extern const size_t cr_builtin_file_count;

int cr_bundle_load_builtin(cr_bundle **out, cr_ctx *ctx)
{
	return cr_bundle_load_files(out, ctx, "builtin:readiness",
		cr_builtin_files, cr_builtin_file_count);
}
