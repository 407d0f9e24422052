/*
 * files_internal.h - what the file inventory (files.c) and the git facts
 * (git.c) share: safe opening and reading beneath a directory, stat'ing
 * many paths at once, the repository that holds the graph's root, and
 * telling whether tracked files differ from the index.  The index itself
 * is git_index.h's, the ignore rules gitignore.h's.
 *
 * Private to facts/; nothing here is part of the public API.
 */
#ifndef CRUCIBLE_FACTS_FILES_INTERNAL_H
#define CRUCIBLE_FACTS_FILES_INTERNAL_H

#include <errno.h>
#include <git2.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "crucible/graph.h"
#include "facts/git_index.h"

/* errno-style code of cr_open_beneath() for "exists, but is not a regular
 * file" (a FIFO, a socket, a device or a directory). */
#define CR_ENOTREG ENODEV

#define CR_GIT_MODE_FILE 0100644u
#define CR_GIT_MODE_EXEC 0100755u
#define CR_GIT_MODE_LINK 0120000u
#define CR_GIT_MODE_DIR 0040000u
#define CR_GIT_MODE_GITLINK 0160000u

/* --- files.c --------------------------------------------------------------- */

/* Is `path` relative, without empty, "." or ".." components? */
bool cr_path_is_plain(const char *path);

/* Open the regular file at `path` (cr_path_is_plain) beneath the
 * directory `dirfd`, never following a symlink (openat2() refuses them,
 * or the path is opened one component at a time without it) and never
 * opening anything that is not a regular file.  Returns 0 and a
 * read-only fd in *fd (fstat'ed into *st), or an errno value: EINVAL (bad
 * path), ENOENT (no such file), ELOOP (a symlink on the way or at the
 * end), CR_ENOTREG, or what open() said. */
int cr_open_beneath(int *fd, struct stat *st, int dirfd, const char *path);

/* readlink() of `path` beneath dirfd, leading directories opened as in
 * cr_open_beneath(); returns the target's length (not NUL-terminated,
 * cut at `size`) or -errno. */
ssize_t cr_readlink_beneath(char *buf, size_t size, int dirfd,
	const char *path);

/* Read up to `max` bytes; returns the count or -errno. */
ssize_t cr_read_full(int fd, char *buf, size_t max);

/* The lstat fields the collectors look at. */
struct cr_lstat {
	const char *path; /* in: relative to the directory fd; NULL: skip */
	int err;          /* out: 0, or the errno of the failed lookup */
	uint32_t mode;
	uint64_t size;
	uint64_t ino;
	int64_t mtime_s, ctime_s;
	uint32_t mtime_ns, ctime_ns;
};

/* lstat every item's path beneath `dirfd`, leading directories opened
 * without following symlinks (a symlink on the way makes err ELOOP).
 * Runs on several threads: 100,000 stat calls are the largest cost of
 * collecting a big repository.  Items of one directory should be
 * adjacent (index order is) so each thread reopens few directories. */
void cr_lstat_many(int dirfd, struct cr_lstat *items, size_t count);

/* --- git.c ----------------------------------------------------------------- */

/* Open the repository whose work tree holds `root` (absolute).  *repo is
 * set to NULL, and 0 returned, when root is not inside a work tree (no
 * repository, a bare one, or root inside .git).  Otherwise *prefix is
 * root's path relative to the work tree: "" or "dir/sub/" (with the
 * slash), owned by the caller (free()), and the caller frees *repo with
 * git_repository_free().  Errors: CR_EGIT, CR_ENOMEM. */
int cr_git_open_root(git_repository **repo, char **prefix, cr_ctx *ctx,
	const char *root);

/* Set ctx's error from libgit2's last one, after `what`; returns CR_EGIT. */
int cr_git_error(cr_ctx *ctx, const char *what);

/* A boolean of `cfg` (NULL: none), or `dflt` when it is not set. */
bool cr_git_config_bool(git_config *cfg, const char *name, bool dflt);

/* The rest decides "dirty": the index and every tracked file are the
 * file inventory's anyway, so it settles the question when it covers
 * the whole work tree, and the git facts only work it out without it. */

/* Entries whose working-tree file counts for "unstaged changes": stage
 * 0, not a submodule, not skip-worktree. */
bool cr_index_entry_in_worktree(const git_index_entry *e);

/* Does the working-tree file of `e`, whose lstat is `st` (err set when
 * it is missing), differ from the index?  Decided by the stat data when
 * it can be trusted, else by hashing the content (filters applied). */
bool cr_index_entry_changed(const struct cr_index *idx,
	const git_index_entry *e, const struct cr_lstat *st,
	git_repository *repo, int workdir_fd);

/* Is the repository dirty: staged changes (the index against HEAD, a
 * merge conflict) or, as the caller found, `worktree_changed`? */
int cr_index_dirty(bool *dirty, cr_ctx *ctx, git_repository *repo,
	const struct cr_index *idx, bool worktree_changed);

#endif
