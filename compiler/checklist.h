/*
 * checklist.h - declarative checklists compiled into policy modules
 * (private to the library; the format is in docs/authoring.md).
 *
 * A bundle may hold `checklist.yml` or any `*.checklist.yml`.  The loader
 * (compiler/bundle.c) turns each into one Lua policy module per item,
 * written as text, which from then on is a module like any other: linted,
 * validated, digested and stored in the bundle file with its source.
 */
#ifndef CRUCIBLE_COMPILER_CHECKLIST_H
#define CRUCIBLE_COMPILER_CHECKLIST_H

#include "compiler/yaml.h"
#include "crucible/bundle.h"

#define CR_CHECKLIST_ITEMS_MAX 1000

/* `checklist.yml` or `<name>.checklist.yml`, at any depth. */
bool cr_checklist_is_path(const char *path);

/* Compile the checklist file f (f->path names it in problems) into policy
 * modules appended to *files, an array of *count entries grown with
 * realloc() whose paths and data the caller frees.  Item i becomes
 * "<f->path without .yml>/<id>.lua".  Categories are checked against
 * b's (NULL, or a bundle without categories: not checked).  Every
 * problem is recorded in p as "<f->path>:<line>: message", and no module
 * is made for a checklist with problems.  Returns 0 or CR_ENOMEM. */
int cr_checklist_generate(cr_bundle_file **files, size_t *count,
	cr_problems *p, const cr_bundle_file *f, const cr_bundle *b);

#endif
