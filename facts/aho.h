/*
 * aho.h - a case-insensitive multi-keyword matcher (Aho-Corasick compiled
 * to a DFA), private to the secret scanner.
 *
 * Each keyword carries a tag (the index of the secret rule it belongs to);
 * one pass over a buffer sets the bit of every tag whose keyword occurs in
 * it.  The scanner then runs only the regexes of those rules.
 */
#ifndef CRUCIBLE_FACTS_AHO_H
#define CRUCIBLE_FACTS_AHO_H

#include "crucible/common.h"

typedef struct cr_aho cr_aho;
typedef struct cr_aho_builder cr_aho_builder;

/* Collect keywords, then compile.  Tags are below `tag_count`.  Errors:
 * CR_ENOMEM. */
int cr_aho_builder_new(cr_aho_builder **out, size_t tag_count);
/* Add `len` bytes (matched ignoring ASCII case) for `tag`.  Empty
 * keywords are ignored.  Errors: CR_ENOMEM, CR_EINVAL (tag too large). */
int cr_aho_builder_add(cr_aho_builder *b, const char *keyword, size_t len,
	size_t tag);
/* Build the automaton; the builder stays the caller's to free.  The
 * caller frees the automaton with cr_aho_free(). */
int cr_aho_build(cr_aho **out, const cr_aho_builder *b);
void cr_aho_builder_free(cr_aho_builder *b);
void cr_aho_free(cr_aho *a);

/* Words of the tag bitset cr_aho_scan() fills. */
size_t cr_aho_words(const cr_aho *a);

/* Clear `hits` (cr_aho_words() words) and set bit t (hits[t / 64],
 * 1 << t % 64) for every tag t one of whose keywords occurs in buf. */
void cr_aho_scan(uint64_t *hits, const cr_aho *a, const char *buf,
	size_t len);

#endif
