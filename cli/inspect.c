/*
 * inspect.c - `crucible inspect FILE.crb | DIR | --builtin`: what a bundle
 * holds, from its manifest: metadata, categories, policies with their
 * severities and weights, digests and the signature's status.
 *
 * A bundle file is loaded in full (a corrupted one is refused, not shown
 * in part) and shows its own manifest; a directory and the embedded
 * bundle are compiled in memory, as `crucible build` would, for theirs.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/build.h"
#include "crucible/crb.h"

struct inspect_opts {
	const char *path;     /* NULL with --builtin */
	const char *key;
	bool json;
};

static void inspect_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible inspect FILE.crb|DIR|--builtin [--key PUB]\n"
		"                        [--format text|json]\n"
		"\n"
		"Show what a bundle holds: name, version, digest, categories,\n"
		"policies (severity, weight, params) and, for a bundle file, the\n"
		"status of its signature FILE.crb.minisig.\n"
		"\n"
		"  --builtin        the embedded 'readiness' bundle\n"
		"  --key PUB        check the signature with this public key\n"
		"                   (without it a signature is shown as unchecked)\n"
		"  --format FORMAT  text (default) or json\n"
		"  -h, --help       this help\n");
}

static const struct option inspect_options[] = {
	{"builtin", no_argument, NULL, 'b'},
	{"key", required_argument, NULL, 'k'},
	{"format", required_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int parse_inspect_opts(struct inspect_opts *o, int argc, char **argv)
{
	bool builtin = false;
	int c;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", inspect_options, NULL)) != -1) {
		if (c == 'b') {
			builtin = true;
		} else if (c == 'k') {
			o->key = optarg;
		} else if (c == 'f' && (!strcmp(optarg, "json") ||
					!strcmp(optarg, "text"))) {
			o->json = !strcmp(optarg, "json");
		} else if (c == 'h') {
			inspect_usage(stdout);
			return -1;
		} else {
			return cli_fail(CLI_USAGE, "bad option or value '%s' (see "
				"'crucible inspect --help')", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->path = argv[optind++];
	if (optind < argc || builtin == (o->path != NULL))
		return cli_fail(CLI_USAGE, "usage: crucible inspect "
			"FILE.crb|DIR|--builtin");
	return CLI_OK;
}

/* --- output --------------------------------------------------------------- */

static const char *const sig_names[] = {
	[CLI_SIG_NONE] = "none",
	[CLI_SIG_UNCHECKED] = "unchecked",
	[CLI_SIG_VALID] = "valid",
	[CLI_SIG_INVALID] = "invalid",
};

static cJSON *signature_json(const struct cli_signature *sig)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "status", sig_names[sig->state]);
	if (sig->keyid[0])
		cJSON_AddStringToObject(j, "key_id", sig->keyid);
	if (sig->state == CLI_SIG_INVALID)
		cJSON_AddStringToObject(j, "problem", sig->problem);
	if (sig->state == CLI_SIG_VALID)
		cJSON_AddStringToObject(j, "trusted_comment",
			sig->trusted_comment);
	return j;
}

static int print_json(const cJSON *manifest, const char *source,
	const struct cli_signature *sig)
{
	cJSON *j = cJSON_Duplicate(manifest, true);
	char *text;

	cJSON_AddStringToObject(j, "source", source);
	cJSON_AddItemToObject(j, "signature", signature_json(sig));
	text = cJSON_Print(j);
	cJSON_Delete(j);
	if (!text)
		return cli_fail(CLI_INTERNAL, "out of memory");
	printf("%s\n", text);
	free(text);
	return CLI_OK;
}

static const char *str(const cJSON *j, const char *key)
{
	const char *s = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(j, key));

	return s ? s : "";
}

static double num(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void print_signature(const struct cli_signature *sig)
{
	printf("signature:   %s", sig_names[sig->state]);
	if (sig->keyid[0])
		printf(" (key %s)", sig->keyid);
	if (sig->state == CLI_SIG_UNCHECKED)
		printf(": pass --key PUB to check it");
	if (sig->state == CLI_SIG_INVALID)
		printf(": %s", sig->problem);
	printf("\n");
}

/* The fact kinds a policy needs (see docs/authoring.md). */
static void print_needs(const cJSON *needs)
{
	const cJSON *kind;

	printf("      needs:");
	cJSON_ArrayForEach(kind, needs)
		printf(" %s", cJSON_GetStringValue(kind) ?
			cJSON_GetStringValue(kind) : "?");
	printf("%s\n", cJSON_GetArraySize(needs) ? "" :
		" files and git only");
}

static void print_policy(const cJSON *p)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(p, "params");
	const cJSON *e;

	printf("  %-28s %-14s %-8s %6g  %s\n", str(p, "id"), str(p, "category"),
		str(p, "severity"), num(p, "weight"), str(p, "module"));
	print_needs(cJSON_GetObjectItemCaseSensitive(p, "needs"));
	cJSON_ArrayForEach(e, params) {
		char *def = cJSON_PrintUnformatted(
			cJSON_GetObjectItemCaseSensitive(e, "default"));

		printf("      param %s: %s = %s\n", e->string, str(e, "type"),
			def ? def : "?");
		free(def);
	}
}

static int print_text(const cJSON *m, const char *source,
	const struct cli_signature *sig)
{
	const cJSON *bundle = cJSON_GetObjectItemCaseSensitive(m, "bundle");
	const cJSON *c, *p;

	printf("bundle:      %s %s\n", str(bundle, "name"),
		str(bundle, "version"));
	printf("source:      %s\n", source);
	printf("digest:      %s\n", str(bundle, "digest"));
	print_signature(sig);
	if (*str(bundle, "description"))
		printf("description: %s\n", str(bundle, "description"));
	printf("\ncategories:\n");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(m, "categories"))
		printf("  %-16s %-32s weight %g\n", str(c, "id"),
			str(c, "title"), num(c, "weight"));
	printf("\npolicies:\n  %-28s %-14s %-8s %6s  %s\n", "ID", "CATEGORY",
		"SEVERITY", "WEIGHT", "MODULE");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(m, "policies"))
		print_policy(p);
	return CLI_OK;
}

/* --- the command ---------------------------------------------------------- */

/* A bundle file's manifest, once the whole file loaded. */
static int inspect_file(const struct inspect_opts *o,
	struct cli_signature *sig, cr_ctx *ctx)
{
	cr_bundle *b = NULL;
	cr_crb *crb = NULL;
	char *data;
	size_t len;
	int code, rc;

	if ((code = cli_bundle_file_read(&data, &len, sig, o->path, o->key)))
		return code;
	rc = cr_bundle_load_crb_buffer(&b, &crb, ctx, o->path, data, len);
	free(data);
	if (rc)
		return cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
	code = o->json ? print_json(cr_crb_manifest(crb), o->path, sig) :
		print_text(cr_crb_manifest(crb), o->path, sig);
	cr_bundle_free(b);
	cr_crb_free(crb);
	return code;
}

/* A directory's or the embedded bundle's manifest, compiled here. */
static int inspect_build(const struct inspect_opts *o,
	struct cli_signature *sig, cr_ctx *ctx)
{
	const char *source = o->path ? o->path : "builtin:readiness";
	cr_build *bd = NULL;
	int code, rc;

	rc = o->path ? cr_build_dir(&bd, ctx, o->path, NULL) :
		cr_build_builtin(&bd, ctx, NULL);
	if (rc)
		return cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
	code = o->json ? print_json(cr_build_manifest(bd), source, sig) :
		print_text(cr_build_manifest(bd), source, sig);
	cr_build_free(bd);
	return code;
}

int cli_inspect(int argc, char **argv)
{
	struct cli_signature sig = { .state = CLI_SIG_NONE };
	struct inspect_opts o;
	cr_ctx *ctx = NULL;
	int code;

	if ((code = parse_inspect_opts(&o, argc, argv)) != CLI_OK)
		return code < 0 ? CLI_OK : code;
	if (cr_ctx_new(&ctx) != CR_OK)
		return cli_fail(CLI_INTERNAL, "out of memory");
	if (o.path && !cli_is_dir(o.path))
		code = inspect_file(&o, &sig, ctx);
	else
		code = inspect_build(&o, &sig, ctx);
	cr_ctx_free(ctx);
	return code;
}
