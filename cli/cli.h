/*
 * cli.h - what the subcommands of the crucible binary share: exit codes,
 * error printing and option parsing helpers.
 */
#ifndef CRUCIBLE_CLI_H
#define CRUCIBLE_CLI_H

#include "crucible/bundle.h"
#include "crucible/common.h"
#include "crucible/config.h"
#include "crucible/eval.h"
#include "crucible/triage.h"

/* Exit codes of DESIGN.md. */
enum {
	CLI_OK = 0,        /* evaluated and every gate held */
	CLI_GATE = 1,      /* evaluated and a gate failed */
	CLI_USAGE = 2,     /* usage or configuration error */
	CLI_INTERNAL = 3   /* internal error */
};

/* Map a library error code to an exit code: invalid input (paths,
 * bundles, arguments) is the user's to fix; the rest is ours. */
int cli_exit_code(int cr_error);

/* "crucible: <message>" on stderr; returns `code`. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse a non-negative decimal number into *out; false on junk. */
bool cli_parse_double(double *out, const char *s);
bool cli_parse_u64(uint64_t *out, const char *s);

int cli_eval(int argc, char **argv);
int cli_facts(int argc, char **argv);
int cli_summary(int argc, char **argv);

/* --- configuration, waivers, baselines (cli/config.c) -------------------- */

int cli_config(int argc, char **argv);

/* What `crucible eval` reads besides the repository and what triage made
 * of it.  Zero it, then cli_workflow_open(); release it with
 * cli_workflow_release(). */
struct cli_workflow {
	cr_config *config;            /* or NULL: no configuration file */
	char *config_path;            /* how findings name the file */
	cr_baseline *baseline;        /* --baseline, or NULL */
	cr_eval_selection selection;  /* the configuration's `disable` */
	int32_t today;                /* UTC days since 1970-01-01 */
	cr_triage_summary summary;    /* filled by cli_workflow_triage() */
};

/* Read the configuration (`config`, else ROOT/.crucible.yml when it
 * exists and is not a symlink, none with `no_config`), the date waivers
 * expire against (CRUCIBLE_TODAY=YYYY-MM-DD for tests, else the clock)
 * and the `baseline` file when given.  Returns an exit code, the problem
 * already printed. */
int cli_workflow_open(struct cli_workflow *wf, const char *config,
	bool no_config, const char *root, const char *baseline);
/* Overlay the configuration's params on the loaded bundles. */
int cli_workflow_params(const struct cli_workflow *wf,
	cr_bundle *const *bundles, size_t n, cr_ctx *ctx);
/* Severities, excludes, waivers, inline markers (unless turned off) and
 * the baseline, on the evaluated report, before scoring. */
int cli_workflow_triage(struct cli_workflow *wf, cr_report *r,
	const cr_graph *g, bool inline_ignores, cr_ctx *ctx);
/* --write-baseline FILE. */
int cli_workflow_write_baseline(const cr_report *r, const char *path,
	cr_ctx *ctx);
/* CLI_GATE, said on stderr, when a waiver has expired; else CLI_OK. */
int cli_workflow_gate(const struct cli_workflow *wf);
void cli_workflow_release(struct cli_workflow *wf);

#endif
