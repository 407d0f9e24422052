/*
 * eval.c - `crucible eval`: collect facts, run bundles, score, render, gate.
 *
 * The steps run strictly in the order of DESIGN.md's data flow; each one
 * only reads what the previous produced.  Everything the user can get
 * wrong (flags, paths, bundles) exits 2 before any policy runs; a gate
 * that fails exits 1 after the report is written.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "crucible/facts.h"
#include "crucible/report.h"
#include "crucible/score.h"

#define MAX_BUNDLES 32

enum format { FORMAT_TEXT, FORMAT_JSON };

struct eval_opts {
	const char *path;
	const char *bundles[MAX_BUNDLES];
	size_t bundle_count;
	int format;            /* -1: text on a terminal, else json */
	const char *output;
	double fail_under;     /* < 0: no gate */
	int fail_on;           /* severity, or -1: no gate */
	bool color, verbose;
	cr_limits limits;
};

static void eval_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible eval [PATH] [options]\n"
		"\n"
		"Evaluate policy bundles against the repository at PATH (default:\n"
		"the current directory) and print a scored report.\n"
		"\n"
		"  --bundle DIR          a bundle directory (repeatable; default: the\n"
		"                        embedded 'readiness' bundle)\n"
		"  --format FORMAT       text or json (default: text on a terminal,\n"
		"                        json otherwise)\n"
		"  --output FILE         write the report to FILE instead of stdout\n"
		"  --fail-under SCORE    exit 1 when the overall score is below SCORE\n"
		"  --fail-on SEVERITY    exit 1 when a policy of SEVERITY or worse fails\n"
		"                        (critical, high, medium, low, info)\n"
		"  --policy-timeout MS   wall-clock limit per policy (default 10000)\n"
		"  --policy-memory MB    Lua memory limit per policy (default 64)\n"
		"  --policy-instructions N  instruction budget per policy\n"
		"                        (default 100000000)\n"
		"  --policy-cpu SECONDS  CPU limit per policy (default 10)\n"
		"  --no-color            no ANSI colour (NO_COLOR is honoured too)\n"
		"  -v, --verbose         text: show passing policies' messages\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit codes: 0 every gate held, 1 a gate failed, 2 usage or\n"
		"configuration error, 3 internal error.\n");
}

enum {
	OPT_BUNDLE = 256, OPT_FORMAT, OPT_OUTPUT, OPT_FAIL_UNDER, OPT_FAIL_ON,
	OPT_TIMEOUT, OPT_MEMORY, OPT_INSTRUCTIONS, OPT_CPU, OPT_NO_COLOR
};

static const struct option eval_options[] = {
	{"bundle", required_argument, NULL, OPT_BUNDLE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"fail-under", required_argument, NULL, OPT_FAIL_UNDER},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"policy-timeout", required_argument, NULL, OPT_TIMEOUT},
	{"policy-memory", required_argument, NULL, OPT_MEMORY},
	{"policy-instructions", required_argument, NULL, OPT_INSTRUCTIONS},
	{"policy-cpu", required_argument, NULL, OPT_CPU},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* A positive limit that fits in `max`; 0 and junk are refused. */
static bool parse_limit(uint64_t *out, const char *arg, uint64_t max)
{
	return cli_parse_u64(out, arg) && *out > 0 && *out <= max;
}

static int parse_eval_opts(struct eval_opts *o, int argc, char **argv)
{
	const char *no_color = getenv("NO_COLOR");
	cr_severity sev;
	uint64_t n;
	int c;

	memset(o, 0, sizeof *o);
	o->path = ".";
	o->format = -1;
	o->fail_under = -1;
	o->fail_on = -1;
	o->color = !(no_color && *no_color);
	cr_limits_default(&o->limits);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", eval_options, NULL)) != -1) {
		switch (c) {
		case OPT_BUNDLE:
			if (o->bundle_count == MAX_BUNDLES)
				return cli_fail(CLI_USAGE, "at most %d --bundle", MAX_BUNDLES);
			o->bundles[o->bundle_count++] = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				o->format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = FORMAT_JSON;
			else
				return cli_fail(CLI_USAGE,
					"unknown format '%s' (text, json)", optarg);
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_FAIL_UNDER:
			if (!cli_parse_double(&o->fail_under, optarg) ||
			    o->fail_under > 100)
				return cli_fail(CLI_USAGE,
					"--fail-under takes a score from 0 to 100, not '%s'",
					optarg);
			break;
		case OPT_FAIL_ON:
			if (cr_severity_parse(&sev, optarg) != CR_OK)
				return cli_fail(CLI_USAGE, "--fail-on takes critical, "
					"high, medium, low or info, not '%s'", optarg);
			o->fail_on = (int)sev;
			break;
		case OPT_TIMEOUT:
			if (!parse_limit(&n, optarg, 3600 * 1000))
				return cli_fail(CLI_USAGE, "bad --policy-timeout '%s'", optarg);
			o->limits.timeout_ms = (uint32_t)n;
			break;
		case OPT_MEMORY:
			if (!parse_limit(&n, optarg, 64 * 1024))
				return cli_fail(CLI_USAGE, "bad --policy-memory '%s'", optarg);
			o->limits.memory_bytes = (size_t)n << 20;
			break;
		case OPT_INSTRUCTIONS:
			if (!parse_limit(&n, optarg, UINT64_MAX))
				return cli_fail(CLI_USAGE, "bad --policy-instructions '%s'",
					optarg);
			o->limits.instructions = n;
			break;
		case OPT_CPU:
			if (!parse_limit(&n, optarg, 24 * 3600))
				return cli_fail(CLI_USAGE, "bad --policy-cpu '%s'", optarg);
			o->limits.cpu_seconds = (uint32_t)n;
			break;
		case OPT_NO_COLOR:
			o->color = false;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			eval_usage(stdout);
			return -1;
		case ':':
			return cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]);
		default:
			return cli_fail(CLI_USAGE, "unknown option '%s' (see "
				"'crucible eval --help')", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->path = argv[optind++];
	if (optind < argc)
		return cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
	return CLI_OK;
}

static int load_bundles(cr_bundle **out, cr_ctx *ctx,
	const struct eval_opts *o)
{
	int rc;

	if (o->bundle_count == 0) {
		if ((rc = cr_bundle_load_builtin(&out[0], ctx)) != CR_OK)
			return cli_fail(CLI_INTERNAL, "embedded bundle: %s",
				cr_ctx_error(ctx));
		return CLI_OK;
	}
	for (size_t i = 0; i < o->bundle_count; i++)
		if ((rc = cr_bundle_load_dir(&out[i], ctx, o->bundles[i])) != CR_OK)
			return cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
	return CLI_OK;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Target and stats come from the "repo" and "git" nodes. */
static int describe_target(cr_report *r, const cr_graph *g)
{
	const cr_node_id *repo, *git;
	size_t nrepo, ngit;
	const char *head, *branch;

	repo = cr_graph_nodes(g, "repo", &nrepo);
	git = cr_graph_nodes(g, "git", &ngit);
	if (!(r->target_path = strdup(cr_graph_root(g))))
		return CR_ENOMEM;
	if (nrepo) {
		r->stats.files = (uint64_t)cr_node_int(g, repo[0], "files", 0);
		r->stats.bytes = (uint64_t)cr_node_int(g, repo[0], "bytes", 0);
	}
	if (ngit) {
		head = cr_node_str(g, git[0], "head", NULL);
		branch = cr_node_str(g, git[0], "branch", NULL);
		if ((head && !(r->commit = strdup(head))) ||
		    (branch && !(r->branch = strdup(branch))))
			return CR_ENOMEM;
		r->stats.commits = (uint64_t)cr_node_int(g, git[0], "commits", 0);
	}
	return CR_OK;
}

static int render(const cr_report *r, const struct eval_opts *o, cr_ctx *ctx)
{
	FILE *f = stdout;
	bool tty = isatty(STDOUT_FILENO) && !o->output;
	int format = o->format >= 0 ? o->format : tty ? FORMAT_TEXT : FORMAT_JSON;
	cr_render_opts ropts = {.color = o->color && tty, .verbose = o->verbose};
	int rc;

	if (o->output && !(f = fopen(o->output, "w")))
		return cli_fail(CLI_USAGE, "cannot write %s: %m", o->output);
	if (format == FORMAT_JSON)
		rc = cr_report_render_json(r, f, ctx);
	else
		rc = cr_report_render_text(r, f, &ropts, ctx);
	if (fflush(f) != 0 && rc == CR_OK)
		rc = cr_error_set(ctx, CR_EIO, "write error");
	if (f != stdout && fclose(f) != 0 && rc == CR_OK)
		rc = cr_error_set(ctx, CR_EIO, "cannot write %s", o->output);
	if (rc != CR_OK)
		return cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
	return CLI_OK;
}

/* The gates of DESIGN.md: 1 when one fails, with the reason on stderr. */
static int check_gates(const cr_report *r, const struct eval_opts *o)
{
	int code = CLI_OK;

	if (o->fail_under >= 0 && r->score < o->fail_under)
		code = cli_fail(CLI_GATE, "score %.1f is under --fail-under %g",
			r->score, o->fail_under);
	if (o->fail_on < 0)
		return code;
	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];
		if (p->status == CR_STATUS_FAIL && (int)p->severity >= o->fail_on)
			code = cli_fail(CLI_GATE, "%s (%s) failed: --fail-on %s",
				p->id, cr_severity_name(p->severity),
				cr_severity_name((cr_severity)o->fail_on));
	}
	return code;
}

int cli_eval(int argc, char **argv)
{
	cr_bundle *bundles[MAX_BUNDLES] = {0};
	uint64_t started = now_ms();
	struct eval_opts o;
	cr_report *report = NULL;
	cr_graph *graph = NULL;
	cr_ctx *ctx = NULL;
	size_t nbundles;
	int code, rc;

	if ((code = parse_eval_opts(&o, argc, argv)) != CLI_OK)
		return code < 0 ? CLI_OK : code;
	if (cr_ctx_new(&ctx) != CR_OK || cr_report_new(&report) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	nbundles = o.bundle_count ? o.bundle_count : 1;
	if ((code = load_bundles(bundles, ctx, &o)) != CLI_OK)
		goto done;
	if ((rc = cr_facts_collect(&graph, ctx, o.path)) != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	rc = cr_eval_run(report, ctx, graph, (const cr_bundle *const *)bundles,
		nbundles, &o.limits);
	if (rc != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	for (size_t i = 0; i < nbundles; i++)
		if (cr_report_add_bundle(report, cr_bundle_name(bundles[i]),
			    cr_bundle_version(bundles[i]),
			    cr_bundle_digest(bundles[i])) != CR_OK) {
			code = cli_fail(CLI_INTERNAL, "out of memory");
			goto done;
		}
	if ((rc = cr_score_compute(report, ctx)) != CR_OK ||
	    (rc = describe_target(report, graph)) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
		goto done;
	}
	report->stats.duration_ms = now_ms() - started;
	if ((code = render(report, &o, ctx)) != CLI_OK)
		goto done;
	code = check_gates(report, &o);
done:
	for (size_t i = 0; i < MAX_BUNDLES; i++)
		cr_bundle_free(bundles[i]);
	cr_report_free(report);
	cr_graph_free(graph);
	cr_ctx_free(ctx);
	return code;
}
