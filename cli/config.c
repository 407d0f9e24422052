/*
 * config.c - `crucible config check`, and the part of `crucible eval`
 * that deals with a repository's decisions: finding and reading its
 * configuration, handing the parts to the library (params to the bundles,
 * `disable` to the evaluator, the rest to triage), baselines, and the
 * date waivers expire against.
 *
 * A repository's own .crucible.yml is its opinion of itself (it can waive
 * its findings), so it is only read from a regular file at the root of
 * the evaluated tree, never through a symbolic link; an auditor passes
 * --no-config, or --config with a file of their own.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "crucible/bundle.h"

#define SECONDS_PER_DAY 86400

/* ROOT/.crucible.yml, without a "./" when root is ".". */
static char *default_config_path(const char *root)
{
	size_t n = strlen(root);
	char *path;

	if (strcmp(root, ".") == 0)
		return strdup(CR_CONFIG_FILE);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (asprintf(&path, "%.*s/%s", (int)n, root, CR_CONFIG_FILE) < 0)
		return NULL;
	return path;
}

/* How findings name the file: relative to the root when it lies below
 * it, else as the user wrote it. */
static char *report_path_of(const char *file, const char *root)
{
	char real_file[PATH_MAX], real_root[PATH_MAX];
	size_t n;

	if (!realpath(file, real_file) || !realpath(root, real_root))
		return strdup(file);
	n = strlen(real_root);
	if (n == 1)
		n = 0; /* the root is "/" */
	if (strncmp(real_file, real_root, n) == 0 && real_file[n] == '/')
		return strdup(real_file + n + 1);
	return strdup(file);
}

/* The file to read: *out NULL when there is none to read. */
static int find_config(char **out, const char *file, bool none,
	const char *root)
{
	struct stat st;
	char *path = NULL;
	int code = CLI_OK;

	*out = NULL;
	if (none && !file)
		return CLI_OK;
	if (!(path = file ? strdup(file) : default_config_path(root)))
		return cli_fail(CLI_INTERNAL, "out of memory");
	if (file)
		goto done;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			code = cli_fail(CLI_USAGE, "cannot read %s: %m", path);
		free(path);
		path = NULL;
	} else if (S_ISLNK(st.st_mode)) {
		code = cli_fail(CLI_USAGE, "%s is a symbolic link; pass it "
			"with --config to use it", path);
	}
done:
	if (code != CLI_OK)
		free(path);
	else
		*out = path;
	return code;
}

/* The configuration a run reads (*out NULL when none) and how findings
 * name it; returns an exit code, the problem printed. */
static int config_open(cr_config **out, char **report_path, const char *file,
	bool none, const char *root)
{
	cr_ctx *ctx = NULL;
	char *path;
	int code, rc;

	*out = NULL;
	*report_path = NULL;
	if ((code = find_config(&path, file, none, root)) != CLI_OK || !path)
		return code;
	if (cr_ctx_new(&ctx) != CR_OK) {
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	if ((rc = cr_config_load(out, ctx, path)) != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	if (!(*report_path = report_path_of(path, root))) {
		cr_config_free(*out);
		*out = NULL;
		code = cli_fail(CLI_INTERNAL, "out of memory");
	}
done:
	cr_ctx_free(ctx);
	free(path);
	return code;
}

static const char **item_texts(const cr_config_item *items, size_t n)
{
	const char **texts = calloc(n + 1, sizeof *texts);

	for (size_t i = 0; texts && i < n; i++)
		texts[i] = items[i].text;
	return texts;
}

static int selection_of(cr_eval_selection *out, const cr_config *c)
{
	const char **policies = item_texts(c->disabled_policies,
		c->disabled_policy_count);
	const char **categories = item_texts(c->disabled_categories,
		c->disabled_category_count);

	if (!policies || !categories) {
		free(policies);
		free(categories);
		return cli_fail(CLI_INTERNAL, "out of memory");
	}
	*out = (cr_eval_selection){
		.disabled_policies = policies,
		.disabled_policy_count = c->disabled_policy_count,
		.disabled_categories = categories,
		.disabled_category_count = c->disabled_category_count,
		.reason = "disabled by config",
	};
	return CLI_OK;
}

static int today_of(int32_t *out)
{
	const char *fixed = getenv("CRUCIBLE_TODAY");

	if (!fixed || !*fixed) {
		*out = (int32_t)(time(NULL) / SECONDS_PER_DAY);
		return CLI_OK;
	}
	if (cr_config_parse_date(out, fixed) != CR_OK)
		return cli_fail(CLI_USAGE, "CRUCIBLE_TODAY must be a date "
			"YYYY-MM-DD, not '%s'", fixed);
	return CLI_OK;
}

static int baseline_open(cr_baseline **out, const char *path)
{
	cr_ctx *ctx = NULL;
	int code = CLI_OK, rc;

	if (cr_ctx_new(&ctx) != CR_OK)
		return cli_fail(CLI_INTERNAL, "out of memory");
	if ((rc = cr_baseline_load(out, ctx, path)) != CR_OK)
		code = cli_fail(cli_exit_code(rc), "--baseline: %s",
			cr_ctx_error(ctx));
	cr_ctx_free(ctx);
	return code;
}

/* --- crucible eval ------------------------------------------------------- */

int cli_workflow_open(struct cli_workflow *wf, const char *config,
	bool no_config, const char *root, const char *baseline)
{
	int code;

	if ((code = config_open(&wf->config, &wf->config_path, config,
		     no_config, root)) != CLI_OK ||
	    (code = today_of(&wf->today)) != CLI_OK)
		return code;
	if (wf->config && (code = selection_of(&wf->selection, wf->config)) !=
	    CLI_OK)
		return code;
	return baseline ? baseline_open(&wf->baseline, baseline) : CLI_OK;
}

int cli_workflow_params(const struct cli_workflow *wf,
	cr_bundle *const *bundles, size_t n, cr_ctx *ctx)
{
	const cr_config *c = wf->config;

	for (size_t i = 0; c && i < c->params_count; i++)
		for (size_t b = 0; b < n; b++)
			if (cr_bundle_override_params(bundles[b], ctx,
				    c->params[i].policy,
				    c->params[i].params) != CR_OK)
				return cli_fail(CLI_INTERNAL, "%s",
					cr_ctx_error(ctx));
	return CLI_OK;
}

int cli_workflow_triage(struct cli_workflow *wf, cr_report *r,
	const cr_graph *g, bool inline_ignores, cr_ctx *ctx)
{
	cr_triage_opts opts = {
		.config = wf->config,
		.config_path = wf->config_path,
		.graph = g,
		.inline_ignores = inline_ignores &&
			(!wf->config || wf->config->inline_ignores),
		.baseline = wf->baseline,
		.today = wf->today,
	};

	if (cr_triage_apply(&wf->summary, r, ctx, &opts) != CR_OK)
		return cli_fail(CLI_INTERNAL, "%s", cr_ctx_error(ctx));
	return CLI_OK;
}

int cli_workflow_write_baseline(const cr_report *r, const char *path,
	cr_ctx *ctx)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return cli_fail(CLI_USAGE, "cannot write %s: %m", path);
	rc = cr_baseline_write(r, f, ctx);
	if (fclose(f) != 0 && rc == CR_OK)
		rc = cr_error_set(ctx, CR_EIO, "cannot write %s", path);
	if (rc != CR_OK)
		return cli_fail(rc == CR_EIO ? CLI_USAGE : CLI_INTERNAL, "%s",
			cr_ctx_error(ctx));
	return CLI_OK;
}

int cli_workflow_gate(const struct cli_workflow *wf)
{
	size_t n = wf->summary.expired;

	if (!n)
		return CLI_OK;
	return cli_fail(CLI_GATE, "%zu waiver%s in %s expired (%s in the "
		"report): renew or remove %s", n, n == 1 ? "" : "s",
		wf->config_path, CR_WAIVER_EXPIRED_POLICY,
		n == 1 ? "it" : "them");
}

void cli_workflow_release(struct cli_workflow *wf)
{
	free((void *)wf->selection.disabled_policies);
	free((void *)wf->selection.disabled_categories);
	cr_config_free(wf->config);
	free(wf->config_path);
	cr_baseline_free(wf->baseline);
	memset(wf, 0, sizeof *wf);
}

/* --- crucible config check ----------------------------------------------- */

static void config_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible config check [PATH] [--config FILE]\n"
		"\n"
		"Validate the configuration of the repository at PATH (default:\n"
		"the current directory): PATH/.crucible.yml, or FILE.  Prints 'ok',\n"
		"or every problem as FILE:LINE: message and exits 2.  The bundle\n"
		"directories it lists must load too.\n"
		"\n"
		"  --config FILE   check FILE instead of PATH/.crucible.yml\n"
		"  -h, --help      this help\n");
}

/* Every bundle directory the file lists must load. */
static int check_bundles(const cr_config *c)
{
	cr_ctx *ctx = NULL;
	cr_bundle *b;
	int code = CLI_OK, rc;

	if (cr_ctx_new(&ctx) != CR_OK)
		return cli_fail(CLI_INTERNAL, "out of memory");
	for (size_t i = 0; i < c->bundle_count; i++) {
		if ((rc = cr_bundle_load_dir(&b, ctx, c->bundles[i].text)) !=
		    CR_OK)
			code = cli_fail(cli_exit_code(rc), "%s:%u: bundle: %s",
				c->file, c->bundles[i].line, cr_ctx_error(ctx));
		cr_bundle_free(b);
	}
	cr_ctx_free(ctx);
	return code;
}

static int config_check(const char *file, const char *root)
{
	cr_config *c = NULL;
	char *report_path = NULL;
	int code;

	code = config_open(&c, &report_path, file, false, root);
	if (code == CLI_OK && !c)
		code = cli_fail(CLI_USAGE, "no %s in %s (nothing to check)",
			CR_CONFIG_FILE, root);
	if (code == CLI_OK)
		code = check_bundles(c);
	if (code == CLI_OK)
		printf("ok\n");
	cr_config_free(c);
	free(report_path);
	return code;
}

int cli_config(int argc, char **argv)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *root = ".", *file = NULL;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		config_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "check") != 0)
		return cli_fail(CLI_USAGE, "unknown config command '%s' (see "
			"'crucible config --help')", argv[1]);
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (c == 'c')
			file = optarg;
		else if (c == 'h')
			return config_usage(stdout), CLI_OK;
		else if (c == ':')
			return cli_fail(CLI_USAGE, "%s needs a value",
				argv[optind - 1]);
		else
			return cli_fail(CLI_USAGE, "unknown option '%s' (see "
				"'crucible config --help')", argv[optind - 1]);
	}
	if (optind < argc)
		root = argv[optind++];
	if (optind < argc)
		return cli_fail(CLI_USAGE, "unexpected argument '%s'",
			argv[optind]);
	return config_check(file, root);
}
