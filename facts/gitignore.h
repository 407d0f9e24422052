/*
 * gitignore.h - git's ignore rules, read and matched without libgit2, for
 * the file inventory (files.c), whose walker threads consult them for
 * every untracked entry.
 *
 * Private to facts/; nothing here is part of the public API.
 */
#ifndef CRUCIBLE_FACTS_GITIGNORE_H
#define CRUCIBLE_FACTS_GITIGNORE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "crucible/common.h"

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

/* The rules of the .gitignore in the directory open at `dirfd`, whose
 * work-tree-relative path with a '/' is `base`, pushed on *owned and
 * chained on *rules, which then points to them.  A missing, unreadable,
 * oversized or non-regular .gitignore (a symlink: it is not followed) is
 * skipped, as git does.  Errors: CR_ENOMEM. */
int cr_ignore_read(struct cr_ignore **owned, const struct cr_ignore **rules,
	int dirfd, const char *base, bool fold);

/* The repository-wide rules (core.excludesFile, then info/exclude, on
 * top), pushed on *owned; *top is the last of them, or NULL, and *fold
 * is core.ignorecase.  Errors: CR_ENOMEM. */
int cr_ignore_repo(struct cr_ignore **owned, const struct cr_ignore **top,
	bool *fold, cr_ctx *ctx, git_repository *repo);

/* Is the work-tree-relative `path` ignored by the chain from `rules`?
 * Directories' own exclusion (which makes all their content ignored) is
 * for the caller to carry down. */
bool cr_ignore_match(const struct cr_ignore *rules, const char *path,
	bool is_dir);

/* Free a list of owned rules (NULL: nothing to free). */
void cr_ignore_free(struct cr_ignore *owned);

#endif
