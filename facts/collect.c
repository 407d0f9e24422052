/*
 * collect.c - run every fact collector over one repository, in order.
 *
 * The file inventory comes first (other collectors look files up), then
 * git, which reuses what the inventory's summary already settled.  The
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

int cr_facts_collect(cr_graph **out, cr_ctx *ctx, const char *path)
{
	char root[PATH_MAX];
	cr_files_summary files;
	cr_graph *g = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	if (!realpath(path, root))
		return cr_error_set(ctx, CR_EIO, "%s: %s", path, strerror(errno));
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		return cr_error_set(ctx, CR_EIO, "%s: not a directory", path);
	if ((rc = cr_graph_new(&g, root)) != CR_OK) {
		cr_error_set(ctx, rc, "out of memory");
		goto done;
	}
	if ((rc = cr_files_collect(&files, g, ctx)) != CR_OK ||
	    (rc = cr_git_collect(g, ctx, &files)) != CR_OK)
		goto done;
	if ((rc = cr_graph_freeze(g)) != CR_OK) {
		cr_error_set(ctx, rc, "cannot freeze the fact graph: out of memory");
		goto done;
	}
	*out = g;
	g = NULL;
done:
	cr_graph_free(g);
	return rc;
}
