/*
 * facts_fixture.h - the fixture the collector tests share: a temporary
 * directory to build a repository in, an error context, and the graph of
 * the last collection (freed by the teardown).
 */
#ifndef CRUCIBLE_TESTS_FACTS_FIXTURE_H
#define CRUCIBLE_TESTS_FACTS_FIXTURE_H

#include <stdlib.h>

#include "crucible/files.h"
#include "tests/helpers.h"

struct fixture {
	char *dir;
	cr_graph *g;
	cr_ctx *ctx;
	cr_files_summary summary; /* of the last collection of the files */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = th_tempdir();
	assert_int_equal(cr_ctx_new(&f->ctx), CR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cr_files_summary_release(&f->summary);
	cr_graph_free(f->g);
	cr_ctx_free(f->ctx);
	th_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

#endif
