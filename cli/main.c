/*
 * main.c - the crucible binary: dispatch to a subcommand.
 *
 * Each subcommand lives in its own file (eval.c, build.c, ...) and parses its
 * own options; this file holds only the table of subcommands, the global
 * help and the shared helpers of cli.h.
 */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/git.h"

static int cli_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("crucible %s\n", CRUCIBLE_VERSION);
	return CLI_OK;
}

static int cli_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"eval", cli_eval, "evaluate policy bundles against a repository"},
	{"facts", cli_facts, "print the fact graph of a repository as JSON"},
	{"build", cli_build, "compile a bundle directory into a bundle file"},
	{"verify", cli_verify, "check the signature of a bundle file"},
	{"inspect", cli_inspect, "show what a bundle holds"},
	{"test", cli_test, "run the policy test cases of a bundle"},
	{"config", cli_config, "check a repository's .crucible.yml"},
	{"summary", cli_summary, "summarise many JSON reports in one table"},
	{"version", cli_version, "print the version"},
	{"help", cli_help, "show this help"},
};

static int cli_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("usage: crucible <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("\n'crucible <command> --help' describes a command's options.\n"
	       "Exit codes: 0 ok, 1 a gate failed, 2 usage or configuration "
	       "error, 3 internal error.\n");
	return CLI_OK;
}

int cli_exit_code(int cr_error)
{
	switch (cr_error) {
	case CR_OK:
		return CLI_OK;
	case CR_EIO:
	case CR_EINVAL:
	case CR_EBUNDLE:
	case CR_ENOTFOUND:
	case CR_EPARSE:
		return CLI_USAGE;
	default:
		return CLI_INTERNAL;
	}
}

int cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("crucible: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

bool cli_parse_double(double *out, const char *s)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return *s && !*end && errno == 0 && isfinite(*out) && *out >= 0;
}

bool cli_parse_u64(uint64_t *out, const char *s)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return false;
	*out = strtoull(s, &end, 10);
	return !*end && errno == 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return cli_help(argc, argv), CLI_USAGE;
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cli_help(argc, argv);
	if (strcmp(argv[1], "--version") == 0)
		return cli_version(argc, argv);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (cr_git_init() < 0)
			return cli_fail(CLI_INTERNAL, "cannot initialise libgit2");
		rc = commands[i].run(argc - 1, argv + 1);
		cr_git_shutdown();
		return rc;
	}
	return cli_fail(CLI_USAGE, "unknown command '%s' (see 'crucible help')",
		argv[1]);
}
