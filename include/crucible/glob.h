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

#ifdef __cplusplus
}
#endif
#endif
