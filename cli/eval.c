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
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "crucible/facts.h"
#include "crucible/report.h"
#include "crucible/score.h"
#include "crucible/secrets.h"

#define MAX_BUNDLES 32
#define MAX_OUTPUTS 16

/* Every report format: its name for --format and --output FORMAT=FILE,
 * the file extensions that imply it, and its renderer. */
struct format {
	const char *name;
	const char *extensions[3];
	int (*render)(const cr_report *r, FILE *f, const cr_render_opts *o,
		cr_ctx *ctx);
};

/* Renderers that take no options, in the shape of the format table. */
static int render_json(const cr_report *r, FILE *f, const cr_render_opts *o,
	cr_ctx *ctx)
{
	(void)o;
	return cr_report_render_json(r, f, ctx);
}

static int render_sarif(const cr_report *r, FILE *f, const cr_render_opts *o,
	cr_ctx *ctx)
{
	(void)o;
	return cr_report_render_sarif(r, f, ctx);
}

static int render_junit(const cr_report *r, FILE *f, const cr_render_opts *o,
	cr_ctx *ctx)
{
	(void)o;
	return cr_report_render_junit(r, f, ctx);
}

static int render_html(const cr_report *r, FILE *f, const cr_render_opts *o,
	cr_ctx *ctx)
{
	(void)o;
	return cr_report_render_html(r, f, ctx);
}

enum { FORMAT_TEXT, FORMAT_JSON };

static const struct format formats[] = {
	{"text", {"txt", NULL}, cr_report_render_text},
	{"json", {"json", NULL}, render_json},
	{"sarif", {"sarif", NULL}, render_sarif},
	{"markdown", {"md", "markdown", NULL}, cr_report_render_markdown},
	{"junit", {"xml", NULL}, render_junit},
	{"html", {"html", "htm", NULL}, render_html},
};

#define FORMAT_COUNT (sizeof formats / sizeof *formats)

static const struct format *format_named(const char *name, size_t len)
{
	for (size_t i = 0; i < FORMAT_COUNT; i++)
		if (strlen(formats[i].name) == len &&
		    strncmp(formats[i].name, name, len) == 0)
			return &formats[i];
	return NULL;
}

/* The format a file name implies, or NULL. */
static const struct format *format_of_file(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < FORMAT_COUNT; i++)
		for (size_t e = 0; formats[i].extensions[e]; e++)
			if (strcasecmp(dot + 1, formats[i].extensions[e]) == 0)
				return &formats[i];
	return NULL;
}

struct output {
	const struct format *format; /* NULL: decided by the destination */
	const char *path;            /* NULL: stdout */
};

struct eval_opts {
	const char *path;
	const char *bundles[MAX_BUNDLES];
	size_t bundle_count;
	struct output primary;       /* --format and a plain --output FILE */
	struct output extra[MAX_OUTPUTS]; /* --output FORMAT=FILE */
	size_t extra_count;
	double fail_under;     /* < 0: no gate */
	int fail_on;           /* severity, or -1: no gate */
	bool color, verbose, quiet, summary;
	cr_limits limits;
	const char *config;          /* --config FILE */
	bool no_config;
	const char *baseline;        /* --baseline FILE */
	const char *write_baseline;  /* --write-baseline FILE */
	bool no_inline_ignores;
	const char *only[MAX_BUNDLES]; /* --only CATEGORY */
	size_t only_count;
	const char *trusted_key;     /* --trusted-key PUB */
	cr_facts_options facts;      /* --history, --since, --no-cache, ... */
};

static void eval_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible eval [PATH] [options]\n"
		"\n"
		"Evaluate policy bundles against the repository at PATH (default:\n"
		"the current directory) and print a scored report.\n"
		"\n"
		"  --bundle DIR|FILE.crb a bundle directory or bundle file (repeatable;\n"
		"                        default: the embedded 'readiness' bundle)\n"
		"  --trusted-key PUB     load only bundle files signed with the\n"
		"                        minisign public key PUB; anything else is\n"
		"                        refused (exit 2)\n"
		"  --format FORMAT       text, json, sarif, markdown, junit or html\n"
		"                        (default: text on a terminal, else json; with\n"
		"                        --output FILE, the format its extension names)\n"
		"  --output FILE         write the report to FILE instead of stdout\n"
		"  --output FORMAT=FILE  also write FORMAT to FILE (repeatable)\n"
		"  --only CATEGORY       run only the policies of CATEGORY (repeatable);\n"
		"                        the others are reported as skipped\n"
		"  --quiet               text: the score and the blockers only\n"
		"  --summary             markdown: the short form for a PR comment\n"
		"  --fail-under SCORE    exit 1 when the overall score is below SCORE\n"
		"  --fail-on SEVERITY    exit 1 when a policy of SEVERITY or worse fails\n"
		"                        (critical, high, medium, low, info)\n"
		"  --config FILE         read FILE instead of PATH/.crucible.yml\n"
		"  --no-config           read no configuration file\n"
		"  --baseline FILE       findings recorded in FILE do not fail: only\n"
		"                        new ones count (see docs/configuration.md)\n"
		"  --write-baseline FILE record this run's findings in FILE\n"
		"  --no-inline-ignores   disregard crucible:ignore comments (audits)\n"
		CLI_SECRET_HELP
		"  --policy-timeout MS   wall-clock limit per policy (default 10000)\n"
		"  --policy-memory MB    Lua memory limit per policy (default 64)\n"
		"  --policy-instructions N  instruction budget per policy\n"
		"                        (default 100000000)\n"
		"  --policy-cpu SECONDS  CPU limit per policy (default 10)\n"
		"  --no-color            no ANSI colour (NO_COLOR is honoured too)\n"
		"  -v, --verbose         text: show passing policies' messages\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit codes: 0 every gate held, 1 a gate failed or a waiver expired,\n"
		"2 usage or configuration error, 3 internal error.\n");
}

enum {
	OPT_BUNDLE = 256, OPT_FORMAT, OPT_OUTPUT, OPT_FAIL_UNDER, OPT_FAIL_ON,
	OPT_TIMEOUT, OPT_MEMORY, OPT_INSTRUCTIONS, OPT_CPU, OPT_NO_COLOR,
	OPT_QUIET, OPT_SUMMARY, OPT_CONFIG, OPT_NO_CONFIG, OPT_BASELINE,
	OPT_WRITE_BASELINE, OPT_NO_INLINE_IGNORES, OPT_ONLY, OPT_TRUSTED_KEY
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
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"summary", no_argument, NULL, OPT_SUMMARY},
	{"only", required_argument, NULL, OPT_ONLY},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"baseline", required_argument, NULL, OPT_BASELINE},
	{"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
	{"no-inline-ignores", no_argument, NULL, OPT_NO_INLINE_IGNORES},
	{"trusted-key", required_argument, NULL, OPT_TRUSTED_KEY},
	CLI_SECRET_OPTIONS,
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* --output FILE, or --output FORMAT=FILE when what precedes '=' names a
 * format (a path may contain '=' too). */
static int parse_output(struct eval_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const struct format *format = eq ? format_named(arg, (size_t)(eq - arg))
					 : NULL;

	if (!format) {
		o->primary.path = arg;
		return CLI_OK;
	}
	if (!eq[1])
		return cli_fail(CLI_USAGE, "--output %s needs a file name", arg);
	if (o->extra_count == MAX_OUTPUTS)
		return cli_fail(CLI_USAGE, "at most %d --output FORMAT=FILE",
			MAX_OUTPUTS);
	o->extra[o->extra_count++] = (struct output){format, eq + 1};
	return CLI_OK;
}

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
	int c, code;

	memset(o, 0, sizeof *o);
	o->path = ".";
	o->fail_under = -1;
	o->fail_on = -1;
	o->color = !(no_color && *no_color);
	cr_limits_default(&o->limits);
	cr_facts_options_default(&o->facts);
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
			if (!(o->primary.format = format_named(optarg, strlen(optarg))))
				return cli_fail(CLI_USAGE, "unknown format '%s' (text, "
					"json, sarif, markdown, junit, html)", optarg);
			break;
		case OPT_OUTPUT:
			if ((code = parse_output(o, optarg)) != CLI_OK)
				return code;
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
		case OPT_QUIET:
			o->quiet = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_ONLY:
			if (o->only_count == MAX_BUNDLES)
				return cli_fail(CLI_USAGE, "at most %d --only", MAX_BUNDLES);
			o->only[o->only_count++] = optarg;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_NO_CONFIG:
			o->no_config = true;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_WRITE_BASELINE:
			o->write_baseline = optarg;
			break;
		case OPT_NO_INLINE_IGNORES:
			o->no_inline_ignores = true;
			break;
		case OPT_TRUSTED_KEY:
			o->trusted_key = optarg;
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
			if ((code = cli_facts_option(&o->facts, c, optarg)) >= 0) {
				if (code != CLI_OK)
					return code;
				break;
			}
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

/* What the configuration file sets and the command line did not: flags
 * win, and any --format or --output replaces the file's outputs. */
static int apply_config(struct eval_opts *o, const cr_config *c)
{
	bool outputs_given = o->primary.format || o->primary.path ||
		o->extra_count;
	int code;

	if (!o->bundle_count) {
		if (c->bundle_count > MAX_BUNDLES)
			return cli_fail(CLI_USAGE, "%s: at most %d bundles",
				c->file, MAX_BUNDLES);
		for (size_t i = 0; i < c->bundle_count; i++)
			o->bundles[i] = c->bundles[i].text;
		o->bundle_count = c->bundle_count;
	}
	if (o->fail_under < 0 && c->has_fail_under)
		o->fail_under = c->fail_under;
	if (o->fail_on < 0 && c->has_fail_on)
		o->fail_on = (int)c->fail_on;
	for (size_t i = 0; !outputs_given && i < c->output_count; i++) {
		const char *entry = c->outputs[i].text;

		if (!strchr(entry, '='))
			o->primary.format = format_named(entry, strlen(entry));
		else if ((code = parse_output(o, entry)) != CLI_OK)
			return code;
	}
	return CLI_OK;
}

/* With --trusted-key, every bundle must be a bundle file signed with
 * that key; the embedded bundle is part of the binary and needs none. */
static int load_bundles(cr_bundle **out, cr_ctx *ctx,
	const struct eval_opts *o)
{
	int rc, code;

	if (o->bundle_count == 0) {
		if ((rc = cr_bundle_load_builtin(&out[0], ctx)) != CR_OK)
			return cli_fail(CLI_INTERNAL, "embedded bundle: %s",
				cr_ctx_error(ctx));
		return CLI_OK;
	}
	for (size_t i = 0; i < o->bundle_count; i++)
		if ((code = cli_bundle_load(&out[i], o->bundles[i],
			     o->trusted_key)) != CLI_OK)
			return code;
	return CLI_OK;
}

/* The built-in secret rules with each bundle's own secrets.yml laid over
 * them in bundle order (docs/secrets.md); NULL when no bundle has one, so
 * that collection uses the built-in set. */
static int load_secret_rules(cr_secret_rules **out, cr_ctx *ctx,
	cr_bundle *const *bundles, size_t nbundles)
{
	cr_secret_rules *rules = NULL, *next;
	int code = CLI_OK;
	char origin[4096];

	*out = NULL;
	for (size_t i = 0; i < nbundles && code == CLI_OK; i++) {
		const cr_module *m = cr_bundle_secret_rules(bundles[i]);

		if (!m)
			continue;
		snprintf(origin, sizeof origin, "%s/%s",
			cr_bundle_origin(bundles[i]), m->path);
		if (!rules && cr_secret_rules_builtin(&rules, ctx) != CR_OK) {
			code = cli_fail(CLI_INTERNAL, "secret rules: %s",
				cr_ctx_error(ctx));
		} else if (cr_secret_rules_load(&next, ctx, rules, origin,
				   m->source, m->len) != CR_OK) {
			code = cli_fail(CLI_USAGE, "%s", cr_ctx_error(ctx));
		} else {
			cr_secret_rules_free(rules);
			rules = next;
		}
	}
	if (code == CLI_OK)
		*out = rules;
	else
		cr_secret_rules_free(rules);
	return code;
}

/* One line on a terminal's stderr saying what a long run is doing,
 * overwritten by the next and erased at the end (fmt NULL). */
static void progress(const char *fmt, ...)
{
	va_list ap;

	if (!isatty(STDERR_FILENO))
		return;
	fputs("\r\033[K", stderr);
	if (fmt) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fflush(stderr);
}

static bool listed(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* --only: every category of the bundles that was not named joins the
 * configuration's disabled ones, so those policies still load and show as
 * skipped.  A name no bundle defines is a usage error. */
static int select_only(struct cli_workflow *wf, const struct eval_opts *o,
	cr_bundle *const *bundles, size_t n)
{
	const cr_eval_selection *old = &wf->selection;
	size_t count = old->disabled_category_count;
	const char **categories;

	if (!o->only_count)
		return CLI_OK;
	for (size_t i = 0; i < o->only_count; i++) {
		bool known = false;
		for (size_t b = 0; b < n && !known; b++)
			known = cr_bundle_find_category(bundles[b], o->only[i]);
		if (!known)
			return cli_fail(CLI_USAGE, "--only %s: no bundle has that "
				"category", o->only[i]);
	}
	for (size_t b = 0; b < n; b++)
		count += cr_bundle_category_count(bundles[b]);
	if (!(categories = calloc(count + 1, sizeof *categories)))
		return cli_fail(CLI_INTERNAL, "out of memory");
	count = old->disabled_category_count;
	if (count)
		memcpy(categories, old->disabled_categories,
			count * sizeof *categories);
	for (size_t b = 0; b < n; b++)
		for (size_t i = 0; i < cr_bundle_category_count(bundles[b]); i++) {
			const char *id = cr_bundle_category(bundles[b], i)->id;
			if (!listed(o->only, o->only_count, id))
				categories[count++] = id;
		}
	free((void *)old->disabled_categories);
	wf->selection.disabled_categories = categories;
	wf->selection.disabled_category_count = count;
	wf->selection.reason = "not selected (--only)";
	return CLI_OK;
}

/* Collect only the facts the policies that will run need (the fact
 * plan, facts/plan.c); --history=none stays off.  -v says which. */
static void plan_facts(struct eval_opts *o, cr_bundle *const *bundles,
	size_t n, const cr_eval_selection *selection)
{
	o->facts.collectors &= cr_facts_plan_bundles(
		(const cr_bundle *const *)bundles, n, selection, &o->limits);
	if (!o->verbose)
		return;
	fputs("crucible: facts collected: files, git", stderr);
	for (unsigned i = 0; i < CR_FACTS_KIND_COUNT; i++)
		if (o->facts.collectors & (1u << i))
			fprintf(stderr, ", %s", cr_facts_kind_name(i));
	fputc('\n', stderr);
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

/* Write one output.  The primary output's format, when not given, is
 * the one its file's extension names, else text for a terminal and json
 * for anything else (DESIGN.md). */
static int render_one(const cr_report *r, const struct eval_opts *o,
	const struct output *out, cr_ctx *ctx)
{
	const struct format *format = out->format;
	bool tty = !out->path && isatty(STDOUT_FILENO);
	cr_render_opts ropts = {
		.color = o->color && tty,
		.verbose = o->verbose,
		.quiet = o->quiet,
		.summary = o->summary,
	};
	FILE *f = stdout;
	int rc;

	if (!format && out->path)
		format = format_of_file(out->path);
	if (!format)
		format = &formats[tty ? FORMAT_TEXT : FORMAT_JSON];
	if (out->path && !(f = fopen(out->path, "w")))
		return cli_fail(CLI_USAGE, "cannot write %s: %m", out->path);
	rc = format->render(r, f, &ropts, ctx);
	if (fflush(f) != 0 && rc == CR_OK)
		rc = cr_error_set(ctx, CR_EIO, "write error");
	if (f != stdout && fclose(f) != 0 && rc == CR_OK)
		rc = cr_error_set(ctx, CR_EIO, "cannot write %s", out->path);
	if (rc != CR_OK)
		return cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
	return CLI_OK;
}

/* The primary output goes to stdout unless --output FILE moved it; when
 * every report goes to files (--output FORMAT=FILE only), stdout stays
 * quiet. */
static int render(const cr_report *r, const struct eval_opts *o, cr_ctx *ctx)
{
	bool primary = o->primary.format || o->primary.path || !o->extra_count;
	int code;

	if (primary && (code = render_one(r, o, &o->primary, ctx)) != CLI_OK)
		return code;
	for (size_t i = 0; i < o->extra_count; i++)
		if ((code = render_one(r, o, &o->extra[i], ctx)) != CLI_OK)
			return code;
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
	cr_secret_rules *secret_rules = NULL;
	uint64_t started = now_ms();
	struct cli_workflow wf = {0};
	struct eval_opts o;
	cr_report *report = NULL;
	cr_graph *graph = NULL;
	cr_ctx *ctx = NULL;
	size_t nbundles;
	int code, rc;

	if ((code = parse_eval_opts(&o, argc, argv)) != CLI_OK)
		return code < 0 ? CLI_OK : code;
	if ((code = cli_workflow_open(&wf, o.config, o.no_config, o.path,
		     o.baseline)) != CLI_OK ||
	    (wf.config && (code = apply_config(&o, wf.config)) != CLI_OK))
		goto done;
	if (cr_ctx_new(&ctx) != CR_OK || cr_report_new(&report) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	nbundles = o.bundle_count ? o.bundle_count : 1;
	if ((code = load_bundles(bundles, ctx, &o)) != CLI_OK ||
	    (code = cli_workflow_params(&wf, bundles, nbundles, ctx)) != CLI_OK ||
	    (code = select_only(&wf, &o, bundles, nbundles)) != CLI_OK)
		goto done;
	plan_facts(&o, bundles, nbundles, &wf.selection);
	progress("crucible: collecting the facts of %s ...", o.path);
	if ((code = load_secret_rules(&secret_rules, ctx, bundles, nbundles)) != CLI_OK)
		goto done;
	o.facts.secret_rules = secret_rules;
	rc = cr_facts_collect_with(&graph, ctx, o.path, &o.facts);
	progress(rc == CR_OK ? "crucible: evaluating policies ..." : NULL);
	if (rc != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	rc = cr_eval_run_selected(report, ctx, graph,
		(const cr_bundle *const *)bundles, nbundles, &o.limits,
		&wf.selection);
	progress(NULL);
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
	if ((code = cli_workflow_triage(&wf, report, graph,
		     !o.no_inline_ignores, ctx)) != CLI_OK)
		goto done;
	cr_report_sort_findings(report);
	if ((rc = cr_score_compute(report, ctx)) != CR_OK ||
	    (rc = describe_target(report, graph)) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
		goto done;
	}
	report->stats.duration_ms = now_ms() - started;
	if ((code = render(report, &o, ctx)) != CLI_OK ||
	    (o.write_baseline && (code = cli_workflow_write_baseline(report,
				  o.write_baseline, ctx)) != CLI_OK))
		goto done;
	code = check_gates(report, &o);
	if (cli_workflow_gate(&wf) != CLI_OK)
		code = CLI_GATE;
done:
	for (size_t i = 0; i < MAX_BUNDLES; i++)
		cr_bundle_free(bundles[i]);
	cr_secret_rules_free(secret_rules);
	cr_report_free(report);
	cr_graph_free(graph);
	cr_ctx_free(ctx);
	cli_workflow_release(&wf);
	return code;
}
