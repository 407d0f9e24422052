/*
 * docs.h - documents and hygiene facts (private to facts/): the content
 * parser of one file, for the collector and its fuzz harness.
 */
#ifndef CRUCIBLE_FACTS_DOCS_H
#define CRUCIBLE_FACTS_DOCS_H

#include "facts/collector.h"

/* Add the facts of f's content when f is a document, an env example or
 * an ignore file (decided by its name; anything else adds nothing).
 * buf holds len bytes plus a NUL and may be modified. */
int cr_docs_parse(cr_collect *c, const cr_source_file *f, char *buf,
	size_t len);

#endif
