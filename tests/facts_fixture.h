/*
 * facts_fixture.h - the fixture the collector tests share: a temporary
 * directory to build a repository in, an error context, and the graph of
 * the last collection (freed by the teardown); and the queries every
 * collector test asks of that graph.
 */
#ifndef CRUCIBLE_TESTS_FACTS_FIXTURE_H
#define CRUCIBLE_TESTS_FACTS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "crucible/facts.h"
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

/* Collect the facts of the fixture directory, replacing the last graph. */
static inline cr_graph *collect(struct fixture *f)
{
	cr_graph_free(f->g);
	f->g = NULL;
	if (cr_facts_collect(&f->g, f->ctx, f->dir) != CR_OK)
		fail_msg("cr_facts_collect: %s", cr_ctx_error(f->ctx));
	return f->g;
}

static inline size_t count_of(const cr_graph *g, const char *kind)
{
	size_t n;

	cr_graph_nodes(g, kind, &n);
	return n;
}

/* A list attribute joined with commas, "(absent)" when there is none.
 * The text stays valid until the next call. */
static inline const char *list_of(const cr_graph *g, cr_node_id n,
	const char *key)
{
	static char buf[4096];
	cr_value v;
	size_t used = 0;

	if (!cr_node_attr(g, n, key, &v) || v.type != CR_T_LIST)
		return "(absent)";
	buf[0] = '\0';
	for (size_t i = 0; i < v.u.list.count && used < sizeof buf; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s",
			i ? "," : "", v.u.list.items[i]);
	return buf;
}

static inline bool list_has(const cr_graph *g, cr_node_id n, const char *key,
	const char *item)
{
	cr_value v;

	if (!cr_node_attr(g, n, key, &v) || v.type != CR_T_LIST)
		return false;
	for (size_t i = 0; i < v.u.list.count; i++)
		if (strcmp(v.u.list.items[i], item) == 0)
			return true;
	return false;
}

/* The length of a list attribute, -1 when there is none. */
static inline ssize_t list_len(const cr_graph *g, cr_node_id n,
	const char *key)
{
	cr_value v;

	return cr_node_attr(g, n, key, &v) && v.type == CR_T_LIST ?
		(ssize_t)v.u.list.count : -1;
}

/* The first node of `kind` whose attribute `key` is `value`, or 0. */
static inline cr_node_id node_with(const cr_graph *g, const char *kind,
	const char *key, const char *value)
{
	size_t n;
	const cr_node_id *ids = cr_graph_nodes(g, kind, &n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(cr_node_str(g, ids[i], key, ""), value) == 0)
			return ids[i];
	return 0;
}

/* node_with(), failing the test when there is none. */
static inline cr_node_id node_where(const cr_graph *g, const char *kind,
	const char *key, const char *value)
{
	cr_node_id id = node_with(g, kind, key, value);

	if (!id)
		fail_msg("no %s with %s = %s", kind, key, value);
	return id;
}

#endif
