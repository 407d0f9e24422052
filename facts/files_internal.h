/*
 * files_internal.h - what the file inventory (files.c) and the git facts
 * (git.c) share: the repository that holds the graph's root, its index
 * read in one pass, safe opening beneath a directory, stat'ing many paths
 * at once, and telling whether a tracked file differs from the index.
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

/* A repository's index.  Entries are in byte order of their paths, every
 * path is plain (cr_path_is_plain; others are dropped), conflicts keep
 * their stages.  The file is parsed directly: libgit2 spends more time
 * loading a 100,000-entry index than git takes for a whole `status`.
 * An index the parser does not know (a sparse index, a new version) is
 * read through libgit2 instead; a split index fails there too (CR_EGIT). */
struct cr_index {
	git_index_entry *entries;
	size_t count;
	bool has_tree;             /* the cache tree's root is valid ... */
	git_oid tree;              /* ... and names this tree */
	git_index_time mtime;      /* of the file: entries as new are racy */
	bool filemode;             /* core.filemode */
	bool trust_ctime;          /* core.trustctime */
	char *data;                /* the file, mapped; v2/v3 paths point */
	size_t data_len;           /* into it */
	char *paths;               /* v4 paths */
	git_index *fallback;       /* when libgit2 read it */
};

int cr_index_load(struct cr_index *idx, cr_ctx *ctx, git_repository *repo);
void cr_index_free(struct cr_index *idx);

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

/* Larger .gitignore files (and global ones) are not read. */
#define CR_IGNORE_FILE_MAX (16u << 20)

/* gitignore rules of one directory, chained to those of the directories
 * above it; the chain ends with info/exclude and core.excludesFile, the
 * order in which git consults them.  A chain is read-only once built, so
 * walker threads share it without locks. */
struct cr_ignore {
	const struct cr_ignore *parent;
	struct cr_ignore *next_owned; /* the creator's list, for freeing */
	char *text;                   /* the file, cut into patterns */
	struct cr_ignore_rule *rules;
	size_t count;
	size_t base_len;              /* length of base */
	bool fold;                    /* core.ignorecase */
	char base[];                  /* the directory: "" or "dir/" */
};

/* Rules from `text` (len bytes and room for a NUL after them; taken
 * over in every case) for the work-tree directory `base` ("" or ending
 * in '/'), case-insensitive when `fold`.  The new list is pushed on
 * *owned.  Errors: CR_ENOMEM. */
int cr_ignore_parse(struct cr_ignore **owned, const struct cr_ignore *parent,
	const char *base, char *text, size_t len, bool fold);

/* The repository-wide rules (core.excludesFile, then info/exclude, on
 * top), pushed on *owned; *top is the last of them, or NULL, and *fold
 * is core.ignorecase. */
int cr_ignore_repo(struct cr_ignore **owned, const struct cr_ignore **top,
	bool *fold, cr_ctx *ctx, git_repository *repo);

/* Is the work-tree-relative `path` ignored by the chain from `rules`?
 * Directories' own exclusion (which makes all their content ignored) is
 * for the caller to carry down. */
bool cr_ignore_match(const struct cr_ignore *rules, const char *path,
	bool is_dir);

/* Free a list of owned rules. */
void cr_ignore_free(struct cr_ignore *owned);

/* cr_files_collect() holds the index and the stat of every tracked file,
 * so it decides "dirty" and leaves it as a note for cr_git_collect(),
 * which would otherwise stat 100,000 files a second time.  A note is for
 * one graph in the state it had when noted (its node count), and is
 * taken at most once; without one, cr_git_collect() works it out. */
void cr_dirty_note_set(const cr_graph *g, bool dirty);
bool cr_dirty_note_take(const cr_graph *g, bool *dirty);

#endif
