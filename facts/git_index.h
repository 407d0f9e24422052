/*
 * git_index.h - a repository's index (.git/index), read by a small parser
 * of git's index format for the file inventory (files.c) and the git
 * facts (git.c).
 *
 * Private to facts/; nothing here is part of the public API.
 */
#ifndef CRUCIBLE_FACTS_GIT_INDEX_H
#define CRUCIBLE_FACTS_GIT_INDEX_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "crucible/common.h"

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

/* Read the index of `repo` into *idx, which the caller frees with
 * cr_index_free() whether this succeeds or not.  A missing index file
 * is an empty index.  Errors: CR_EGIT, CR_ENOMEM. */
int cr_index_load(struct cr_index *idx, cr_ctx *ctx, git_repository *repo);

/* Parse `len` bytes of an index file at `data` into the entries and the
 * cache tree of *idx, which the caller zeroed; the other fields are left
 * alone.  Entries of versions 2 and 3 point into data, which must outlive
 * idx; it stays the caller's (cr_index_free() unmaps only the idx->data
 * of cr_index_load()), and may hold anything.  Returns false, leaving no
 * entries in idx, for content the parser does not accept: malformed or
 * cut short, an unknown version, or an extension it must understand but
 * does not (a split index's "link", a sparse index's "sdir"). */
bool cr_index_parse(struct cr_index *idx, const void *data, size_t len);

/* Free what *idx holds and zero it; a zeroed idx is fine. */
void cr_index_free(struct cr_index *idx);

#endif
