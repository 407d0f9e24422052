/*
 * test.c - `crucible test DIR`: run the policy test cases of a bundle
 * directory, the way `opa test` does for Rego.
 *
 * The runner is compiler/policy_test.c; this file parses the options,
 * prints a PASS or FAIL line per case as it ends (with the differences
 * under a FAIL), the policies that have no case, the coverage table, and
 * the summary, and turns them into the exit code: 1 when a case failed
 * or a policy's coverage is under --coverage-min.  With --format junit
 * the XML goes to stdout (or --output) and the rest to stderr.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/policy_test.h"

struct test_opts {
	const char *dir;
	const char *output;
	bool junit;
	bool has_min;
	double coverage_min;
	cr_ptest_options run;
};

static void test_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible test DIR [--run REGEX] [--coverage]\n"
		"                     [--coverage-min PCT] [--format text|junit]\n"
		"                     [--output FILE]\n"
		"\n"
		"Run the test cases of the policies of the bundle directory DIR\n"
		"(MODULE.test.yml and MODULE.test/CASE/ beside each module): build\n"
		"each case's fixture, evaluate its policy, compare the outcome\n"
		"with what the case expects (docs/testing-policies.md).\n"
		"\n"
		"  --run REGEX           only the cases whose \"MODULE: NAME\"\n"
		"                        matches REGEX (PCRE2)\n"
		"  --coverage            line coverage of every policy module\n"
		"  --coverage-min PCT    fail when a policy's coverage is below PCT\n"
		"                        percent (implies --coverage)\n"
		"  --format F            text (default) or junit\n"
		"  -o, --output FILE     write the results to FILE, not stdout\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit codes: 0 every case passed, 1 a case failed or coverage is\n"
		"under --coverage-min, 2 usage error or invalid bundle or test\n"
		"file, 3 internal error.\n");
}

enum { OPT_RUN = 0x100, OPT_COVERAGE, OPT_COVERAGE_MIN, OPT_FORMAT };

static const struct option test_options[] = {
	{"run", required_argument, NULL, OPT_RUN},
	{"coverage", no_argument, NULL, OPT_COVERAGE},
	{"coverage-min", required_argument, NULL, OPT_COVERAGE_MIN},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int test_option(struct test_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_RUN:
		o->run.run = arg;
		return CLI_OK;
	case OPT_COVERAGE:
		o->run.coverage = true;
		return CLI_OK;
	case OPT_COVERAGE_MIN:
		if (!cli_parse_double(&o->coverage_min, arg) ||
		    o->coverage_min > 100)
			return cli_fail(CLI_USAGE, "--coverage-min takes a "
				"percentage from 0 to 100, not '%s'", arg);
		o->has_min = o->run.coverage = true;
		return CLI_OK;
	case OPT_FORMAT:
		if (strcmp(arg, "junit") && strcmp(arg, "text"))
			return cli_fail(CLI_USAGE, "--format takes text or "
				"junit, not '%s'", arg);
		o->junit = !strcmp(arg, "junit");
		return CLI_OK;
	case 'o':
		o->output = arg;
		return CLI_OK;
	case ':':
		return cli_fail(CLI_USAGE, "%s needs a value", arg);
	default:
		return cli_fail(CLI_USAGE, "unknown option '%s' (see 'crucible "
			"test --help')", arg);
	}
}

static int parse_test_args(struct test_opts *o, int argc, char **argv)
{
	int c, rc;

	cr_ptest_options_default(&o->run);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", test_options, NULL)) != -1) {
		if (c == 'h') {
			test_usage(stdout);
			return -1;
		}
		rc = test_option(o, c, c == ':' || c == '?' ?
			argv[optind - 1] : optarg);
		if (rc != CLI_OK)
			return rc;
	}
	if (optind != argc - 1)
		return cli_fail(CLI_USAGE, "test takes one bundle directory "
			"(see 'crucible test --help')");
	o->dir = argv[optind];
	return CLI_OK;
}

/* --- printing --------------------------------------------------------------- */

static void print_result(const cr_ptest_result *r, void *ud)
{
	FILE *f = ud;

	if (r->passed) {
		fprintf(f, "PASS %s: %s\n", r->module, r->name);
		return;
	}
	fprintf(f, "FAIL %s: %s (%s)\n", r->module, r->name, r->where);
	for (const char *line = r->diff; line && *line;) {
		size_t n = strcspn(line, "\n");

		fprintf(f, "    %.*s\n", (int)n, line);
		line += n + (line[n] == '\n');
	}
}

static double percent(size_t covered, size_t executable)
{
	return executable ? 100.0 * (double)covered / (double)executable : 100;
}

/* "12-14, 20" */
static void print_missed(FILE *f, const cr_ptest_coverage *c)
{
	for (size_t i = 0; i < c->missed_count;) {
		size_t j = i;

		while (j + 1 < c->missed_count &&
		       c->missed[j + 1] == c->missed[j] + 1)
			j++;
		fprintf(f, "%s%u", i ? ", " : "  missed ", c->missed[i]);
		if (j > i)
			fprintf(f, "-%u", c->missed[j]);
		i = j + 1;
	}
}

static void print_coverage(FILE *f, const cr_ptest_report *r)
{
	fputs("coverage:\n", f);
	for (size_t i = 0; i < r->coverage_count; i++) {
		const cr_ptest_coverage *c = &r->coverage[i];

		fprintf(f, "  %5.1f%% %4zu/%-4zu %s", percent(c->covered,
			c->executable), c->covered, c->executable, c->module);
		print_missed(f, c);
		fputc('\n', f);
	}
	fprintf(f, "  %5.1f%% %4zu/%-4zu overall\n",
		percent(r->covered, r->executable), r->covered, r->executable);
}

static void print_summary(FILE *f, const cr_ptest_report *r)
{
	fprintf(f, "%zu passed, %zu failed, %zu policies without tests",
		r->passed, r->failed, r->untested_count);
	for (size_t i = 0; i < r->untested_count; i++)
		fprintf(f, "%s%s", i ? ", " : ": ", r->untested[i]);
	fputc('\n', f);
}

/* CLI_GATE, said on stderr, for each policy under the minimum. */
static int coverage_gate(const cr_ptest_report *r, double min)
{
	int code = CLI_OK;

	for (size_t i = 0; i < r->coverage_count; i++) {
		const cr_ptest_coverage *c = &r->coverage[i];
		double pct = percent(c->covered, c->executable);

		if (pct < min)
			code = cli_fail(CLI_GATE, "coverage of %s is %.1f%%, "
				"under the minimum of %g%%", c->module, pct,
				min);
	}
	return code;
}

static int render(const struct test_opts *o, const cr_ptest_report *r,
	FILE *out, FILE *notes, cr_ctx *ctx)
{
	int rc = CR_OK;

	if (o->junit)
		rc = cr_ptest_render_junit(r, out, ctx);
	if (o->run.coverage)
		print_coverage(notes, r);
	print_summary(notes, r);
	return rc;
}

int cli_test(int argc, char **argv)
{
	struct test_opts o = { 0 };
	cr_ptest_report *r = NULL;
	cr_ctx *ctx = NULL;
	FILE *out = stdout;
	int code, rc;

	if ((code = parse_test_args(&o, argc, argv)) != CLI_OK)
		return code < 0 ? CLI_OK : code;
	if (o.output && !(out = fopen(o.output, "w")))
		return cli_fail(CLI_USAGE, "cannot write %s: %m", o.output);
	if (cr_ctx_new(&ctx) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	if (!o.junit) {
		o.run.on_result = print_result;
		o.run.ud = out;
	}
	rc = cr_ptest_run(&r, ctx, o.dir, &o.run);
	if (!rc)
		rc = render(&o, r, out, o.junit ? stderr : out, ctx);
	if (rc) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	code = r->failed ? CLI_GATE : CLI_OK;
	if (o.has_min && coverage_gate(r, o.coverage_min) != CLI_OK)
		code = CLI_GATE;
done:
	if (out != stdout && fclose(out) != 0 && code == CLI_OK)
		code = cli_fail(CLI_INTERNAL, "cannot write %s", o.output);
	cr_ptest_report_free(r);
	cr_ctx_free(ctx);
	return code;
}
