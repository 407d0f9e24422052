/*
 * facts.c - `crucible facts`: the fact graph of a repository as JSON, so a
 * policy author can see exactly what a policy can query; and the secret
 * scanning flags it shares with `crucible eval`.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "crucible/facts.h"

int cli_facts_option(cr_facts_options *o, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_HISTORY:
		if (!arg || strcmp(arg, "all") == 0)
			o->collectors |= CR_FACTS_HISTORY;
		else if (strcmp(arg, "none") == 0)
			o->collectors &= ~(unsigned)CR_FACTS_HISTORY;
		else
			return cli_fail(CLI_USAGE, "--history takes all or "
				"none, not '%s'", arg);
		return CLI_OK;
	case CLI_OPT_SINCE:
		o->since = arg;
		return CLI_OK;
	case CLI_OPT_NO_CACHE:
		o->cache = false;
		return CLI_OK;
	case CLI_OPT_NO_REDACT:
		o->redact = false;
		return CLI_OK;
	}
	return -1;
}

static void facts_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible facts [PATH] [--output FILE] [options]\n"
		"\n"
		"Print the fact graph of the repository at PATH (default: the\n"
		"current directory) as JSON (schema crucible.facts/v1).\n"
		"\n"
		"  --output FILE         write to FILE instead of stdout\n"
		CLI_SECRET_HELP
		"  -h, --help            this help\n");
}

int cli_facts(int argc, char **argv)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		CLI_SECRET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *path = ".", *output = NULL;
	cr_facts_options fopts;
	cr_graph *graph = NULL;
	cr_ctx *ctx = NULL;
	FILE *f = stdout;
	int c, rc, code = CLI_OK;

	cr_facts_options_default(&fopts);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		if ((rc = cli_facts_option(&fopts, c, optarg)) >= 0) {
			if (rc != CLI_OK)
				return rc;
		} else if (c == 'o')
			output = optarg;
		else if (c == 'h')
			return facts_usage(stdout), CLI_OK;
		else if (c == ':')
			return cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]);
		else
			return cli_fail(CLI_USAGE, "unknown option '%s' (see "
				"'crucible facts --help')", argv[optind - 1]);
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
	if (cr_ctx_new(&ctx) != CR_OK)
		return cli_fail(CLI_INTERNAL, "out of memory");
	if ((rc = cr_facts_collect_with(&graph, ctx, path, &fopts)) != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	if (output && !(f = fopen(output, "w"))) {
		code = cli_fail(CLI_USAGE, "cannot write %s: %m", output);
		goto done;
	}
	rc = cr_facts_render_json(graph, f, ctx);
	if ((f != stdout ? fclose(f) : fflush(f)) != 0 && rc == CR_OK)
		rc = cr_error_set(ctx, CR_EIO, "write error");
	if (rc != CR_OK)
		code = cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
done:
	cr_graph_free(graph);
	cr_ctx_free(ctx);
	return code;
}
