/*
 * summary.c - `crucible summary`: one organisation-level table from many
 * JSON reports (crucible eval --format json), as Markdown, HTML or CSV.
 *
 * Arguments are report files or directories of them (every *.json inside,
 * in byte order of the names, not recursive).  All reports are read before
 * the output is opened, so a bad report never leaves a half-written
 * summary behind.  A report that cannot be read or is not
 * crucible.report/v1 is an error (exit 2) naming the file, unless
 * --skip-invalid makes it a warning that the summary also counts.
 */
#include "cli/cli.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crucible/summary.h"

#define DEFAULT_TOP 10

enum format { FORMAT_MARKDOWN, FORMAT_HTML, FORMAT_CSV };

static const struct {
	const char *name;
	enum format format;
} formats[] = {
	{"markdown", FORMAT_MARKDOWN},
	{"md", FORMAT_MARKDOWN},
	{"html", FORMAT_HTML},
	{"csv", FORMAT_CSV},
};

struct summary_opts {
	enum format format;
	const char *output;
	bool skip_invalid;
	cr_summary_opts render;
};

static void summary_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible summary [options] REPORT.json|DIR...\n"
		"\n"
		"Summarise many JSON reports (crucible eval --format json) in one\n"
		"table: repositories ranked worst first, the policies that fail\n"
		"most often, category averages and totals.  A DIR stands for every\n"
		"*.json file directly inside it.\n"
		"\n"
		"  --format FORMAT   markdown (default), html or csv (the repository\n"
		"                    table only)\n"
		"  --output FILE     write to FILE instead of stdout\n"
		"  --top N           failing policies listed (default %d; 0: all)\n"
		"  --skip-invalid    warn about an unreadable or invalid report and\n"
		"                    leave it out (default: exit 2)\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit codes: 0 written, 2 usage error or a bad report, 3 internal\n"
		"error.\n", DEFAULT_TOP);
}

enum { OPT_FORMAT = 256, OPT_OUTPUT, OPT_TOP, OPT_SKIP_INVALID };

static const struct option summary_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"top", required_argument, NULL, OPT_TOP},
	{"skip-invalid", no_argument, NULL, OPT_SKIP_INVALID},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static bool parse_format(enum format *out, const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*out = formats[i].format;
			return true;
		}
	}
	return false;
}

/* CLI_OK, an exit code, or -1 after --help. */
static int parse_summary_opts(struct summary_opts *o, int argc, char **argv)
{
	uint64_t top;
	int c;

	memset(o, 0, sizeof *o);
	o->format = FORMAT_MARKDOWN;
	o->render.top = DEFAULT_TOP;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", summary_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!parse_format(&o->format, optarg))
				return cli_fail(CLI_USAGE, "unknown format '%s' "
					"(markdown, html, csv)", optarg);
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_TOP:
			if (!cli_parse_u64(&top, optarg) || top > SIZE_MAX)
				return cli_fail(CLI_USAGE,
					"--top takes a count, not '%s'", optarg);
			o->render.top = (size_t)top;
			break;
		case OPT_SKIP_INVALID:
			o->skip_invalid = true;
			break;
		case 'h':
			summary_usage(stdout);
			return -1;
		case ':':
			return cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]);
		default:
			return cli_fail(CLI_USAGE, "unknown option '%s' (see "
				"'crucible summary --help')", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_fail(CLI_USAGE, "no reports given (see "
			"'crucible summary --help')");
	return CLI_OK;
}

static int add_report(cr_summary *s, cr_ctx *ctx, const char *path,
	bool skip_invalid)
{
	int rc = cr_summary_add_file(s, ctx, path);

	if (rc == CR_OK)
		return CLI_OK;
	if (rc == CR_EIO || rc == CR_EPARSE) {
		if (!skip_invalid)
			return cli_fail(CLI_USAGE, "%s", cr_ctx_error(ctx));
		fprintf(stderr, "crucible: warning: %s (skipped)\n",
			cr_ctx_error(ctx));
		s->skipped++;
		return CLI_OK;
	}
	return cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
}

/* Reports are files: hidden entries and names not ending in ".json" are
 * something else sharing the directory. */
static int is_report_name(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 5 &&
		strcmp(d->d_name + len - 5, ".json") == 0;
}

/* Byte order, whatever the locale, so every run lists the same order. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int add_directory(cr_summary *s, cr_ctx *ctx, const char *dir,
	bool skip_invalid)
{
	struct dirent **names = NULL;
	size_t dirlen = strlen(dir);
	struct stat st;
	char *path;
	int n, code = CLI_OK;

	while (dirlen > 1 && dir[dirlen - 1] == '/')
		dirlen--;
	if ((n = scandir(dir, &names, is_report_name, by_name)) < 0)
		return cli_fail(CLI_USAGE, "cannot list %s: %m", dir);
	for (int i = 0; i < n; i++) {
		if (code == CLI_OK) {
			if (asprintf(&path, "%.*s/%s", (int)dirlen, dir,
				names[i]->d_name) < 0) {
				code = cli_fail(CLI_INTERNAL, "out of memory");
			} else {
				if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
					code = add_report(s, ctx, path, skip_invalid);
				free(path);
			}
		}
		free(names[i]);
	}
	free(names);
	return code;
}

static int add_argument(cr_summary *s, cr_ctx *ctx, const char *arg,
	bool skip_invalid)
{
	struct stat st;

	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return add_directory(s, ctx, arg, skip_invalid);
	return add_report(s, ctx, arg, skip_invalid);
}

static int render(const cr_summary *s, const struct summary_opts *o, FILE *f,
	cr_ctx *ctx)
{
	switch (o->format) {
	case FORMAT_HTML:
		return cr_summary_render_html(s, &o->render, f, ctx);
	case FORMAT_CSV:
		return cr_summary_render_csv(s, f, ctx);
	default:
		return cr_summary_render_markdown(s, &o->render, f, ctx);
	}
}

static int write_summary(const cr_summary *s, const struct summary_opts *o,
	cr_ctx *ctx)
{
	FILE *f = stdout;
	int rc;

	if (o->output && !(f = fopen(o->output, "w")))
		return cli_fail(CLI_USAGE, "cannot write %s: %m", o->output);
	rc = render(s, o, f, ctx);
	if ((f != stdout ? fclose(f) : fflush(f)) != 0 && rc == CR_OK)
		rc = cr_error_set(ctx, CR_EIO, "write error");
	if (rc != CR_OK)
		return cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
	return CLI_OK;
}

int cli_summary(int argc, char **argv)
{
	struct summary_opts o;
	cr_summary *s = NULL;
	cr_ctx *ctx = NULL;
	int code;

	if ((code = parse_summary_opts(&o, argc, argv)) != CLI_OK)
		return code < 0 ? CLI_OK : code;
	if (cr_ctx_new(&ctx) != CR_OK || cr_summary_new(&s) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	for (int i = optind; code == CLI_OK && i < argc; i++)
		code = add_argument(s, ctx, argv[i], o.skip_invalid);
	if (code != CLI_OK)
		goto done;
	if (s->repo_count == 0) {
		code = cli_fail(CLI_USAGE, "no valid reports found");
		goto done;
	}
	if (cr_summary_finish(s, ctx) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
		goto done;
	}
	code = write_summary(s, &o, ctx);
done:
	cr_summary_free(s);
	cr_ctx_free(ctx);
	return code;
}
