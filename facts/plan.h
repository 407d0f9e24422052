/*
 * plan.h - the fact plan of one policy (private to the library).
 *
 * The compiler (compiler/build.c) checks each policy's plan and records
 * it in the bundle file; cr_facts_plan_bundles() (facts.h) works out the
 * plan of a run from the same function, so that a bundle file and the
 * directory it was built from plan alike.
 */
#ifndef CRUCIBLE_FACTS_PLAN_H
#define CRUCIBLE_FACTS_PLAN_H

#include <cjson/cJSON.h>

#include "compiler/yaml.h"
#include "crucible/bundle.h"
#include "crucible/facts.h"

/* What the repo members of one module need, or'ed into *required and
 * *conservative (see cr_facts_member_needs()). */
typedef struct cr_member_needs {
	unsigned required;
	unsigned conservative;
} cr_member_needs;

void cr_member_needs_add(cr_member_needs *acc, char *const *members,
	size_t count);

/* The kinds a policy needs, from the repo members its module uses
 * (members[0..count), as the linter lists them) and what the libraries
 * it requires use (`libraries`).  With a declaration (`declared`: the
 * `needs` of its metadata; NULL or an empty table when it declares none):
 * the declared kinds, plus what its members and the libraries require.
 * Without one: everything they may read (conservative).  When `p` is not
 * NULL, each member the declaration does not cover and each unknown kind
 * name is recorded there as "<where>: message". */
unsigned cr_policy_needs(cr_problems *p, const char *where,
	const cJSON *declared, char *const *members, size_t count,
	const cr_member_needs *libraries);

/* What the library modules of a bundle use, to add to the plan of each
 * policy what the libraries it requires (directly or through another
 * library) use.  `require "name"` calls are found in the source text; a
 * module that calls require any other way is taken to use every library. */
typedef struct cr_library_plan cr_library_plan;

/* Errors: CR_ENOMEM.  Free with cr_library_plan_free(). */
int cr_library_plan_new(cr_library_plan **out, cr_ctx *ctx,
	const cr_bundle *b);
/* What the libraries module m requires use. */
cr_member_needs cr_library_plan_needs(const cr_library_plan *lp,
	const cr_module *m);
void cr_library_plan_free(cr_library_plan *lp);

/* The names of `kinds` as a JSON array, in CR_FACTS_* order; NULL when
 * out of memory. */
cJSON *cr_facts_kinds_json(unsigned kinds);

/* The library modules of a bundle (lib/...), by index (compiler/bundle.c). */
size_t cr_bundle_library_count(const cr_bundle *b);
const cr_module *cr_bundle_library_at(const cr_bundle *b, size_t i);

#endif
