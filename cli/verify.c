/*
 * verify.c - `crucible verify FILE.crb --key PUB`, and the reading of
 * bundle files that every subcommand shares: the bytes are read once,
 * the signature is checked over those bytes, and only then are they
 * parsed, so a file replaced in between cannot be loaded unchecked.
 *
 * Exit codes: 0 the signature is valid; 2 it is missing, invalid, made
 * with another key, or the file is not a valid bundle file (a refused
 * bundle is a configuration error, as DESIGN.md counts an invalid one).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crucible/crb.h"
#include "crucible/sign.h"

#define SIG_SUFFIX ".minisig"

bool cli_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void sig_invalid(struct cli_signature *sig, const char *why)
{
	sig->state = CLI_SIG_INVALID;
	snprintf(sig->problem, sizeof sig->problem, "%s", why);
}

/* Judge the signature text of data with the key at key_path (or none). */
static int judge(struct cli_signature *sig, cr_ctx *ctx, const char *text,
	size_t text_len, const char *data, size_t len, const char *key_path)
{
	cr_signature_info info;
	cr_pubkey key;
	int rc;

	if (cr_signature_parse(&info, ctx, text, text_len) != CR_OK) {
		sig_invalid(sig, cr_ctx_error(ctx));
		return CLI_OK;
	}
	cr_sign_keyid_text(sig->keyid, info.keyid);
	sig->state = CLI_SIG_UNCHECKED;
	if (!key_path)
		return CLI_OK;
	if ((rc = cr_pubkey_load(&key, ctx, key_path)) != CR_OK)
		return cli_fail(CLI_USAGE, "%s", cr_ctx_error(ctx));
	if (cr_signature_verify(&info, ctx, &key, data, len, text,
		    text_len) != CR_OK) {
		sig_invalid(sig, cr_ctx_error(ctx));
		return CLI_OK;
	}
	sig->state = CLI_SIG_VALID;
	snprintf(sig->trusted_comment, sizeof sig->trusted_comment, "%s",
		info.trusted_comment);
	return CLI_OK;
}

int cli_bundle_file_read(char **data, size_t *len, struct cli_signature *sig,
	const char *path, const char *key_path)
{
	char *sig_path = NULL, *text = NULL;
	cr_ctx *ctx = NULL;
	size_t text_len;
	int code = CLI_OK, rc;

	memset(sig, 0, sizeof *sig);
	*data = NULL;
	if (cr_ctx_new(&ctx) != CR_OK ||
	    asprintf(&sig_path, "%s" SIG_SUFFIX, path) < 0) {
		sig_path = NULL;
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	if ((rc = cr_crb_read(data, len, ctx, path)) != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	rc = cr_signature_read(&text, &text_len, ctx, sig_path);
	if (rc == CR_ENOTFOUND)
		sig->state = CLI_SIG_NONE;
	else if (rc != CR_OK)
		sig_invalid(sig, cr_ctx_error(ctx));
	else
		code = judge(sig, ctx, text, text_len, *data, *len, key_path);
done:
	if (code != CLI_OK) {
		free(*data);
		*data = NULL;
	}
	free(text);
	free(sig_path);
	cr_ctx_free(ctx);
	return code;
}

int cli_bundle_load(cr_bundle **out, const char *path,
	const char *trusted_key)
{
	struct cli_signature sig;
	cr_ctx *ctx = NULL;
	char *data = NULL;
	size_t len;
	int code, rc;

	*out = NULL;
	if (cli_is_dir(path) && trusted_key)
		return cli_fail(CLI_USAGE, "%s: a bundle directory cannot be "
			"trusted: with --trusted-key, only signed bundle files "
			"(crucible build --sign) are loaded", path);
	if (cr_ctx_new(&ctx) != CR_OK)
		return cli_fail(CLI_INTERNAL, "out of memory");
	if (cli_is_dir(path)) {
		rc = cr_bundle_load_dir(out, ctx, path);
		code = rc ? cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx)) :
			CLI_OK;
		goto done;
	}
	if ((code = cli_bundle_file_read(&data, &len, &sig, path,
		     trusted_key)) != CLI_OK)
		goto done;
	if (trusted_key && sig.state != CLI_SIG_VALID) {
		code = cli_fail(CLI_USAGE, "%s: refused: %s", path,
			sig.state == CLI_SIG_NONE ? "the bundle file is not "
			"signed (no " SIG_SUFFIX " beside it)" : sig.problem);
		goto done;
	}
	rc = cr_bundle_load_crb_buffer(out, NULL, ctx, path, data, len);
	if (rc)
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
done:
	free(data);
	cr_ctx_free(ctx);
	return code;
}

static void verify_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible verify FILE.crb --key PUB\n"
		"\n"
		"Check the minisign signature FILE.crb.minisig of a bundle file\n"
		"with the public key PUB, and that the file is a valid bundle.\n"
		"\n"
		"  --key PUB     the minisign public key file (required)\n"
		"  -h, --help    this help\n"
		"\n"
		"Exit codes: 0 valid; 2 unsigned, badly signed, signed with another\n"
		"key, or not a valid bundle file; 3 internal error.\n");
}

static const struct option verify_options[] = {
	{"key", required_argument, NULL, 'k'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cli_verify(int argc, char **argv)
{
	const char *key = NULL, *path;
	struct cli_signature sig;
	cr_bundle *b = NULL;
	char *data = NULL;
	size_t len;
	int c, code;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", verify_options, NULL)) != -1) {
		if (c == 'k') {
			key = optarg;
		} else if (c == 'h') {
			verify_usage(stdout);
			return CLI_OK;
		} else {
			return cli_fail(CLI_USAGE, "bad option '%s' (see 'crucible "
				"verify --help')", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc || !key)
		return cli_fail(CLI_USAGE, "usage: crucible verify FILE.crb "
			"--key PUB");
	path = argv[optind];
	if ((code = cli_bundle_file_read(&data, &len, &sig, path, key)) !=
	    CLI_OK)
		return code;
	free(data);
	if (sig.state != CLI_SIG_VALID)
		return cli_fail(CLI_USAGE, "%s: %s", path,
			sig.state == CLI_SIG_NONE ? "not signed (no "
			SIG_SUFFIX " beside it)" : sig.problem);
	if ((code = cli_bundle_load(&b, path, key)) != CLI_OK)
		return code;
	printf("%s: signature valid, key %s (bundle %s %s, %s)\n"
	       "trusted comment: %s\n", path, sig.keyid, cr_bundle_name(b),
	       cr_bundle_version(b), cr_bundle_digest(b), sig.trusted_comment);
	cr_bundle_free(b);
	return CLI_OK;
}
