/*
 * cli.h - what the subcommands of the crucible binary share: exit codes,
 * error printing and option parsing helpers.
 */
#ifndef CRUCIBLE_CLI_H
#define CRUCIBLE_CLI_H

#include "crucible/common.h"

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

#endif
