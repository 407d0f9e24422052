/*
 * bundle.c - build-time tool: compile a bundle directory into a bundle
 * file, the way `crucible build --strict` does.
 *
 *   crucible-bundle OUT.crb DIR
 *
 * CMake runs it on policies/readiness to make the bundle embedded in the
 * binary (compiler/builtin.c).  It links the library without the embedded
 * bundle, so the compiler never depends on its own output.  Any problem,
 * lint warnings included, fails the build: the built-in bundle must be
 * clean.
 */
#include <stdio.h>

#include "crucible/build.h"

int main(int argc, char **argv)
{
	cr_build_opts opts = { .strict = true };
	cr_build *bd = NULL;
	cr_ctx *ctx = NULL;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: crucible-bundle OUT.crb DIR\n");
		return 2;
	}
	if (cr_ctx_new(&ctx) != CR_OK) {
		fprintf(stderr, "crucible-bundle: out of memory\n");
		return 1;
	}
	rc = cr_build_dir(&bd, ctx, argv[2], &opts);
	if (rc == CR_OK)
		rc = cr_build_write(bd, ctx, argv[1]);
	if (rc != CR_OK)
		fprintf(stderr, "crucible-bundle: %s\n", cr_ctx_error(ctx));
	cr_build_free(bd);
	cr_ctx_free(ctx);
	return rc == CR_OK ? 0 : 1;
}
