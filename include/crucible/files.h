/*
 * files.h - the file inventory collector and safe access to file contents.
 *
 * cr_files_collect() adds one "file" node per entry of the repository:
 * with git, every tracked path from the index plus the untracked and
 * ignored entries of the working tree (an ignored directory is one node of
 * type "dir", not walked into); without git, every entry found by walking
 * the tree.  `.git` itself is never listed.
 *
 * A "file" node has provenance path = the repository-relative path, and
 *   name        basename
 *   ext         extension without the dot, lower case ("" when none)
 *   type        "file" | "symlink" | "dir" | "submodule" | "missing"
 *               (missing: tracked in the index but absent from the tree)
 *   size        bytes (lstat), 0 for dirs and missing files
 *   mode        st_mode permission bits and type as in git (e.g. 33188)
 *   executable  bool
 *   target      symlink target (symlinks only)
 *   escapes     bool, symlink target leaves the root (symlinks only)
 *   status      "tracked" | "untracked" | "ignored" ("untracked" for
 *               every file outside git)
 *   language    "c", "python", "shell", ... from extension, file name or
 *               shebang (absent when unknown)
 * and the graph gets one "repo" node: root, name, is_git, files, bytes.
 *
 * Contents are never read during collection except the first bytes of
 * extension-less executables (for the shebang).  Readers below open files
 * relative to the root, component by component, with O_NOFOLLOW, and
 * refuse anything that is not a regular file: symlinks, FIFOs, devices.
 */
#ifndef CRUCIBLE_FILES_H
#define CRUCIBLE_FILES_H

#include "crucible/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the inventory learnt on the way that the git facts collector
 * (git.h) would otherwise work out again: deciding "dirty" means stat'ing
 * every tracked file, which the inventory does anyway. */
/* A regular, not ignored file of the inventory: the list the content
 * collectors (manifests, workflows, Dockerfiles, ...) look through, since
 * the graph cannot be queried before it is frozen. */
typedef struct cr_source_file {
	cr_node_id node;       /* its "file" node */
	const char *path;      /* owned by the graph */
	const char *name;      /* the basename, inside path */
	uint64_t size;
	const char *language;  /* static, or NULL */
	/* The inventory's lstat data, what caches of contents key on. */
	int64_t mtime_s, ctime_s;
	uint32_t mtime_ns, ctime_ns;
	uint64_t ino;
} cr_source_file;

typedef struct cr_files_summary {
	/* The root is a whole git work tree (not a subdirectory of one, not
	 * outside git), so every tracked file was compared with the index. */
	bool dirty_known;
	/* When dirty_known: staged or unstaged changes to tracked files, as
	 * the git node's `dirty`; false otherwise. */
	bool dirty;
	/* Every regular tracked or untracked file, in inventory order;
	 * owned by the summary (release it with cr_files_summary_release()). */
	cr_source_file *sources;
	size_t source_count;
} cr_files_summary;

/* Add the file nodes and the repo node of g's root to g.  `summary`, an
 * out-parameter owned by the caller, may be NULL; otherwise it is always
 * set (to all false and no sources on failure), for the caller to hand to
 * cr_git_collect() on the same graph.  Errors: CR_EIO (the root cannot be
 * opened or walked), CR_EGIT, CR_ENOMEM. */
int cr_files_collect(cr_files_summary *summary, cr_graph *g, cr_ctx *ctx);
void cr_files_summary_release(cr_files_summary *summary);

/* Read at most `max` bytes of the regular file at repository-relative
 * `path` into a NUL-terminated buffer the caller frees with free().
 * `*truncated` (may be NULL) tells whether the file was longer.
 * Errors: CR_ENOTFOUND, CR_EIO (not a regular file, a symlink on the way,
 * unreadable). */
int cr_file_read(char **out, size_t *len, bool *truncated, cr_ctx *ctx,
	const cr_graph *g, const char *path, size_t max);

/* A file is binary when its first 8000 bytes hold a NUL byte (git's
 * rule).  Non-regular files report false. */
int cr_file_is_binary(bool *out, cr_ctx *ctx, const cr_graph *g,
	const char *path);

/* Language name for a path (extension or well-known file name), or NULL. */
const char *cr_language_of_path(const char *path);
/* Language from a "#!" first line ("#!/usr/bin/env python3"), or NULL. */
const char *cr_language_of_shebang(const char *head, size_t len);

#ifdef __cplusplus
}
#endif
#endif
