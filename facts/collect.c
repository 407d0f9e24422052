/*
 * collect.c - run every fact collector over one repository, in order.
 *
 * The file inventory comes first (other collectors look files up), then
 * git, which reuses what the inventory's summary already settled, then
 * the content collectors (facts/collector.h) over the inventory's list of
 * regular files.  The
 * graph is frozen before it is handed out, so nothing after collection
 * can change it: policies in the worker process inherit it read-only.
 */
#include "crucible/facts.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crucible/files.h"
#include "crucible/git.h"
#include "facts/collector.h"

/* Content collectors in order, each with the plan bit that selects it:
 * manifests first, since code signals look through the dependencies
 * they declared. */
static const struct {
	unsigned bit;
	int (*collect)(cr_collect *);
} content_collectors[] = {
	{ CR_FACTS_MANIFESTS | CR_FACTS_SIGNALS, cr_manifests_collect },
	{ CR_FACTS_WORKFLOWS, cr_workflows_collect },
	{ CR_FACTS_DOCKER, cr_docker_collect },
	{ CR_FACTS_K8S, cr_k8s_collect },
	{ CR_FACTS_DOCS, cr_docs_collect },
	{ CR_FACTS_SIGNALS, cr_signals_collect },
	{ CR_FACTS_SECRETS | CR_FACTS_HISTORY, cr_secrets_collect },
};

static int collect_contents(cr_graph *g, cr_ctx *ctx,
	const cr_files_summary *files, const cr_facts_options *opts)
{
	cr_collect c = {
		.g = g, .ctx = ctx, .files = files->sources,
		.nfiles = files->source_count, .opts = opts,
	};
	int rc = CR_OK;

	for (size_t i = 0; rc == CR_OK &&
	     i < sizeof content_collectors / sizeof *content_collectors; i++)
		if (opts->collectors & content_collectors[i].bit)
			rc = content_collectors[i].collect(&c);
	for (size_t i = 0; i < c.ndeps; i++) {
		free((char *)c.deps[i].ecosystem);
		free((char *)c.deps[i].name);
	}
	free(c.deps);
	return rc;
}

void cr_facts_options_default(cr_facts_options *o)
{
	*o = (cr_facts_options){
		.collectors = CR_FACTS_ALL, .cache = true, .redact = true,
	};
}

int cr_facts_collect(cr_graph **out, cr_ctx *ctx, const char *path)
{
	return cr_facts_collect_with(out, ctx, path, NULL);
}

int cr_facts_collect_with(cr_graph **out, cr_ctx *ctx, const char *path,
	const cr_facts_options *options)
{
	cr_facts_options defaults;
	char root[PATH_MAX];
	cr_files_summary files = {0};
	cr_graph *g = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	if (!options) {
		cr_facts_options_default(&defaults);
		options = &defaults;
	}
	/* libgit2 counts its users, so callers need not know it is used. */
	if (cr_git_init() != CR_OK)
		return cr_error_set(ctx, CR_EGIT, "cannot initialise libgit2");
	if (!realpath(path, root)) {
		rc = cr_error_set(ctx, CR_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = cr_error_set(ctx, CR_EIO, "%s: not a directory", path);
		goto done;
	}
	if ((rc = cr_graph_new(&g, root)) != CR_OK) {
		cr_error_set(ctx, rc, "out of memory");
		goto done;
	}
	if ((rc = cr_files_collect(&files, g, ctx)) != CR_OK ||
	    (rc = cr_git_collect(g, ctx, &files)) != CR_OK ||
	    (rc = collect_contents(g, ctx, &files, options)) != CR_OK)
		goto done;
	if ((rc = cr_graph_freeze(g)) != CR_OK) {
		cr_error_set(ctx, rc, "cannot freeze the fact graph: out of memory");
		goto done;
	}
	*out = g;
	g = NULL;
done:
	cr_files_summary_release(&files);
	cr_graph_free(g);
	cr_git_shutdown();
	return rc;
}
