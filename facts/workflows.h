/*
 * workflows.h - CI configurations as facts (private to facts/).
 *
 * Every CI system becomes the same three kinds, so that a policy asking
 * "does any pipeline run the tests?" needs no knowledge of the system:
 *
 *   workflow  system (github | gitlab | circleci | azure | bitbucket |
 *             jenkins), name, triggers, permissions / permissions.<scope>,
 *             env.<NAME>, and per system: composite, stages, includes,
 *             orbs, declarative
 *   job       id, name, runs_on, environment, needs, permissions.*,
 *             if, container, services, timeout_minutes, uses (reusable
 *             workflow), secrets_inherit, stage, image, secrets
 *   step      index, name, uses (+ uses_kind, uses_owner, uses_repo,
 *             uses_path, uses_ref, pinned), run, shell, with.<input>,
 *             env.<NAME>, secrets (names referenced), untrusted
 *             (expressions of attacker-controlled input in `run`)
 * Edges: workflow -jobs-> job -steps-> step, step -job-> job,
 * job -workflow-> workflow.
 *
 * Besides: ci_config (one per CI file of any known system, `system`),
 * and update_config (Dependabot, Renovate: tool, ecosystems,
 * directories, schedules).
 *
 * facts/workflows.c holds the shared shapes and GitHub Actions;
 * facts/ci_other.c the other systems and the update tools.
 */
#ifndef CRUCIBLE_FACTS_WORKFLOWS_H
#define CRUCIBLE_FACTS_WORKFLOWS_H

#include "compiler/yaml.h"
#include "facts/collector.h"

/* The node budget of one CI file's YAML, aliases expanded. */
#define CR_CI_YAML_NODES 200000

int cr_ci_workflow(cr_node_id *out, cr_collect *c, const cr_source_file *f,
	const char *system, const char *name);
int cr_ci_job(cr_node_id *out, cr_collect *c, cr_node_id workflow,
	const char *path, const char *id, uint32_t line);
/* A step with its `run` script (may be NULL); secrets and untrusted
 * input referenced by the script are recorded. */
int cr_ci_step(cr_node_id *out, cr_collect *c, cr_node_id job,
	const char *path, int64_t index, const char *run, uint32_t line);

/* Set `prefix.<key>` for every scalar of mapping `map`. */
int cr_ci_set_map(cr_collect *c, cr_node_id id, const char *prefix,
	const cr_ynode *map);
/* Set `key` to a scalar's text, or to the items of a sequence joined
 * with ", " (runs-on: [self-hosted, linux]). */
int cr_ci_set_text(cr_collect *c, cr_node_id id, const char *key,
	const cr_ynode *v);
/* Append to list `key` every scalar of v (a scalar or a sequence). */
int cr_ci_push_all(cr_collect *c, cr_node_id id, const char *key,
	const cr_ynode *v);
/* Record `secrets.X` references found anywhere under v in list
 * "secrets" of node id. */
int cr_ci_note_secrets(cr_collect *c, cr_node_id id, const cr_ynode *v);

/* Parse a CI file's YAML; a broken file becomes a parse error and
 * *docs holds whatever parsed before it. */
int cr_ci_parse_yaml(cr_ydocs *docs, cr_collect *c, const cr_source_file *f,
	const char *parser, const char *buf, size_t len);

/* facts/ci_other.c: which files are CI configurations (the system's
 * name, or NULL) and dependency update configurations (the tool, or
 * NULL), and the parsers of the systems other than GitHub Actions.  The
 * parsers record parse errors and return CR_OK; only memory and graph
 * failures are errors. */
const char *cr_ci_system_of(const cr_source_file *f);
const char *cr_ci_update_tool_of(const cr_source_file *f);
int cr_ci_other_parse(cr_collect *c, const cr_source_file *f,
	const char *system, const char *buf, size_t len);
int cr_ci_update_parse(cr_collect *c, const cr_source_file *f,
	const char *buf, size_t len);

/* facts/workflows.c: GitHub workflows and action.yml files. */
int cr_ci_github_parse(cr_collect *c, const cr_source_file *f,
	const char *buf, size_t len);

#endif
