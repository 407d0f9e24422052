/*
 * git.h - the git facts collector.
 *
 * cr_git_collect() adds one "git" node when the graph's root is inside a
 * git work tree (nothing at all otherwise, and returns 0), with:
 *   head                 full object id of HEAD (absent on an unborn branch)
 *   branch               short branch name (absent when detached)
 *   detached             bool
 *   tags                 list of tag names (empty list when none)
 *   commits              commits reachable from HEAD
 *   authors              list of the distinct author emails of those
 *                        commits (absent on an unborn branch)
 *   first_commit_date    ISO 8601 UTC author date of the oldest commit
 *   last_commit_date     ISO 8601 UTC author date of HEAD
 *   dirty                bool: staged or unstaged changes to tracked files
 *   remote_url           URL of "origin", when configured
 * The repo node (from files.h) is not touched.
 */
#ifndef CRUCIBLE_GIT_H
#define CRUCIBLE_GIT_H

#include "crucible/files.h"
#include "crucible/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Add the git node of g's root to g.  `files` (may be NULL; only read,
 * never kept) is what cr_files_collect() reported for the same graph:
 * when it knows "dirty", that answer is used rather than stat'ing every
 * tracked file again.  Without it, or when it does not know, this works
 * it out itself; both ways give the same answer.  Errors: CR_EGIT (a
 * broken repository), CR_EIO, CR_ENOMEM. */
int cr_git_collect(cr_graph *g, cr_ctx *ctx, const cr_files_summary *files);

/* libgit2 must be initialised once per process; both are idempotent and
 * reference counted like git_libgit2_init(). */
int cr_git_init(void);
void cr_git_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
