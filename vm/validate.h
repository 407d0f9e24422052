/*
 * validate.h - the one schema of policy metadata, shared by the evaluator
 * and `crucible build` (private to the library).
 *
 * A policy's metadata is what its module's top level declared through
 * crucible.policy{...} (vm/policy.h).  Both the evaluator, before it
 * reports a policy, and the compiler, before it writes a bundle file,
 * judge it here, so a bundle that builds is a bundle that evaluates.
 * Problems are collected, never fatal one by one: every caller reports
 * the whole list at once.
 */
#ifndef CRUCIBLE_VM_VALIDATE_H
#define CRUCIBLE_VM_VALIDATE_H

#include <cjson/cJSON.h>

#include "compiler/yaml.h"
#include "crucible/bundle.h"
#include "crucible/report.h"
#include "vm/policy.h"

/* The types a declared param may have, as spelled in `type = "..."`. */
typedef enum cr_param_type {
	CR_PARAM_STRING,
	CR_PARAM_INTEGER,
	CR_PARAM_NUMBER,
	CR_PARAM_BOOLEAN,
	CR_PARAM_LIST,
	CR_PARAM_TABLE    /* only inferred from an old-style table default */
} cr_param_type;

const char *cr_param_type_name(cr_param_type t);

/* What one validation run has seen: the policy ids declared so far, across
 * every bundle of the run.  Free with cr_validator_free(). */
typedef struct cr_validator cr_validator;

int cr_validator_new(cr_validator **out);
void cr_validator_free(cr_validator *v);

/* Judge meta, declared by module m of bundle b: a well-formed id not
 * declared before, a title, a category of b, a severity of the fixed set,
 * a positive weight, a valid params declaration and a list of fact kinds
 * as `needs`.  Each problem is appended to p as "<bundle>/<path>:<line>:
 * message"; out of memory sets p->oom.  A well-formed id is remembered
 * even when something else is wrong, so that its duplicates are still
 * caught.  Returns true when there was no problem, with *sev set. */
bool cr_validate_policy(cr_validator *v, cr_problems *p, const cr_bundle *b,
	const cr_module *m, const cr_policy_meta *meta, cr_severity *sev);

/* Where a given param value comes from, for messages: its line in the
 * file named by p->file (0 when unknown). */
typedef unsigned (*cr_param_locator)(void *ud, const char *policy_id,
	const char *key);

/* Judge `given` (the params a bundle.yml or a configuration sets for
 * meta's policy; may be NULL) against meta's params: every key must be
 * declared, with a value of the declared type.  Old-style plain defaults
 * declare their key with the type of the default (numbers as number).
 * Problems go to p with cr_problem_at(); `locate` may be NULL. */
void cr_validate_param_values(cr_problems *p, const cr_policy_meta *meta,
	const cJSON *given, cr_param_locator locate, void *ud);

/* meta's params as every entry were declared: name -> {"type", "default"
 * and, when given, "description"}, for manifests and `crucible inspect`.
 * Call it on valid metadata only.  NULL when out of memory; an empty
 * object when the policy has no params.  The caller frees it. */
cJSON *cr_params_declared(const cr_policy_meta *meta);

#endif
