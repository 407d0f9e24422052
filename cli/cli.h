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
#include "crucible/facts.h"
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

/* --- secret scanning flags of eval and facts (cli/facts.c) -------------- */

enum {
	CLI_OPT_HISTORY = 0x1000, CLI_OPT_SINCE, CLI_OPT_NO_CACHE,
	CLI_OPT_NO_REDACT
};

/* getopt_long entries for --history[=all|none], --since DATE,
 * --no-cache and --no-redact. */
#define CLI_SECRET_OPTIONS \
	{"history", optional_argument, NULL, CLI_OPT_HISTORY}, \
	{"since", required_argument, NULL, CLI_OPT_SINCE}, \
	{"no-cache", no_argument, NULL, CLI_OPT_NO_CACHE}, \
	{"no-redact", no_argument, NULL, CLI_OPT_NO_REDACT}

/* Their lines of --help. */
#define CLI_SECRET_HELP \
	"  --history[=all|none]  scan every commit's blobs for secrets (all,\n" \
	"                        the default in a git repository) or not\n" \
	"  --since DATE          history: only commits since DATE (YYYY-MM-DD,\n" \
	"                        YYYY-MM-DDTHH:MM:SS or 'N days ago')\n" \
	"  --no-cache            neither read nor write the secret scan cache\n" \
	"  --no-redact           show secret values in full (never in CI logs)\n"

/* Apply getopt result `opt` (with `arg`) to o, which starts as
 * cr_facts_options_default() made it: CLI_OK, CLI_USAGE (said on
 * stderr), or -1 when opt is not one of CLI_SECRET_OPTIONS. */
int cli_facts_option(cr_facts_options *o, int opt, const char *arg);

int cli_eval(int argc, char **argv);
int cli_facts(int argc, char **argv);
int cli_summary(int argc, char **argv);
int cli_build(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_test(int argc, char **argv);

/* --- bundle files and their signatures (cli/verify.c) -------------------- */

enum cli_sig_state {
	CLI_SIG_NONE,       /* no FILE.minisig */
	CLI_SIG_UNCHECKED,  /* a signature, but no key to check it with */
	CLI_SIG_VALID,
	CLI_SIG_INVALID
};

struct cli_signature {
	enum cli_sig_state state;
	char keyid[17];            /* when a signature was read */
	char problem[512];         /* why it is invalid */
	char trusted_comment[1025];
};

/* Read the bundle file at path whole and judge PATH.minisig with `key`
 * (NULL: only read it).  Returns an exit code, the problem printed; *data
 * (freed by the caller) holds the bytes the signature was checked over. */
int cli_bundle_file_read(char **data, size_t *len, struct cli_signature *sig,
	const char *path, const char *key_path);

/* Load the bundle at path: a directory, or a bundle file whose signature
 * must be valid for trusted_key when that is not NULL (a directory is then
 * refused).  Returns an exit code, the problem printed. */
int cli_bundle_load(cr_bundle **out, const char *path,
	const char *trusted_key);

/* True when path names a directory. */
bool cli_is_dir(const char *path);

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
