/*
 * glob.h - path globs as policies and configs write them.
 *
 *   *      any run of characters except '/'
 *   **     any run of path segments, also none: a "**" segment matches
 *          zero or more directories, and a trailing "**" segment matches
 *          everything below the directory before it
 *   ?      one character except '/'
 *   [abc] [a-z] [!x]  a character class
 *   \x     a literal x
 * A pattern without '/' matches the basename at any depth ("*.pem" matches
 * "a/b/key.pem"), the way .gitignore does; a leading '/' anchors at the
 * root.  Matching is case-sensitive and never allocates.
 */
#ifndef CRUCIBLE_GLOB_H
#define CRUCIBLE_GLOB_H

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

bool cr_glob_match(const char *pattern, const char *path);

/* Many patterns prepared once, for testing every file of a tree against
 * the same list.  The patterns are borrowed: they must outlive the set,
 * which the caller frees with cr_glob_set_free().  Errors: CR_ENOMEM. */
typedef struct cr_glob_set cr_glob_set;
int cr_glob_set_new(cr_glob_set **out, const char *const *patterns,
	size_t count);
void cr_glob_set_free(cr_glob_set *set);
/* The index of the first pattern that matches path, or -1. */
ptrdiff_t cr_glob_set_match(const cr_glob_set *set, const char *path);

#ifdef __cplusplus
}
#endif
#endif
