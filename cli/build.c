/*
 * build.c - `crucible build DIR [-o FILE.crb] [--sign KEY] [--strict]`:
 * compile a bundle directory into one bundle file, optionally signed.
 *
 * The compiler (compiler/build.c) reports every problem at once; this
 * file prints them, writes the bundle file, and signs the bytes that were
 * written.  The password of an encrypted key comes from
 * CRUCIBLE_SIGN_PASSWORD, else from the terminal with echo off.
 */
#include "cli/cli.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "crucible/build.h"
#include "crucible/crb.h"
#include "crucible/sign.h"

struct build_opts {
	const char *dir;
	const char *output;  /* NULL: NAME-VERSION.crb */
	const char *key;     /* --sign */
	bool strict;
};

static void build_usage(FILE *f)
{
	fprintf(f,
		"usage: crucible build DIR [-o FILE.crb] [--sign KEY] [--strict]\n"
		"\n"
		"Compile the bundle directory DIR into one bundle file: check\n"
		"bundle.yml, lint every module, validate every policy's metadata\n"
		"and params, and write FILE.crb (default: NAME-VERSION.crb).\n"
		"\n"
		"  -o, --output FILE  the bundle file to write\n"
		"  --sign KEY         sign it with the minisign secret key KEY into\n"
		"                     FILE.crb.minisig (an encrypted key's password\n"
		"                     comes from CRUCIBLE_SIGN_PASSWORD or the\n"
		"                     terminal)\n"
		"  --strict           lint warnings fail the build too\n"
		"  -h, --help         this help\n"
		"\n"
		"Problems are listed as FILE:LINE[:COL]: ...\n"
		"Exit codes: 0 built, 2 the bundle has problems or a usage error,\n"
		"3 internal error.\n");
}

static const struct option build_options[] = {
	{"output", required_argument, NULL, 'o'},
	{"sign", required_argument, NULL, 's'},
	{"strict", no_argument, NULL, 'S'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int parse_build_opts(struct build_opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", build_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 's':
			o->key = optarg;
			break;
		case 'S':
			o->strict = true;
			break;
		case 'h':
			build_usage(stdout);
			return -1;
		case ':':
			return cli_fail(CLI_USAGE, "%s needs a value",
				argv[optind - 1]);
		default:
			return cli_fail(CLI_USAGE, "unknown option '%s' (see "
				"'crucible build --help')", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_fail(CLI_USAGE, "usage: crucible build DIR [-o "
			"FILE.crb] [--sign KEY] [--strict]");
	o->dir = argv[optind];
	return CLI_OK;
}

/* --- the password of an encrypted key ------------------------------------- */

static int read_tty_password(char *buf, size_t size, const char *key)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+");
	bool ok;

	if (!tty)
		return CR_EINVAL;
	fprintf(tty, "Password for %s: ", key);
	fflush(tty);
	ok = tcgetattr(fileno(tty), &old) == 0;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	ok = ok && tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	ok = ok && fgets(buf, (int)size, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[strcspn(buf, "\r\n")] = '\0';
	return ok ? CR_OK : CR_EINVAL;
}

static int ask_password(char *buf, size_t size, void *ud)
{
	const char *env = getenv("CRUCIBLE_SIGN_PASSWORD");

	if (env) {
		if (strlen(env) >= size)
			return CR_EINVAL;
		memcpy(buf, env, strlen(env) + 1);
		return CR_OK;
	}
	return read_tty_password(buf, size, ud);
}

/* --- signing ------------------------------------------------------------- */

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	return ok ? CLI_OK : cli_fail(CLI_USAGE, "cannot write %s: %m", path);
}

/* Sign the bytes of the bundle file as written into PATH.minisig. */
static int sign_file(const char *path, const char *key_path, cr_ctx *ctx)
{
	char *data = NULL, *sig = NULL, *sig_path = NULL, comment[512];
	const char *base = strrchr(path, '/');
	cr_seckey *key = NULL;
	size_t len;
	int code = CLI_OK, rc;

	if ((rc = cr_seckey_load(&key, ctx, key_path, ask_password,
		     (void *)key_path)) != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	snprintf(comment, sizeof comment, "timestamp:%lld\tfile:%s\thashed",
		(long long)time(NULL), base ? base + 1 : path);
	if ((rc = cr_crb_read(&data, &len, ctx, path)) != CR_OK ||
	    (rc = cr_sign_buffer(&sig, ctx, key, data, len, comment)) != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	if (asprintf(&sig_path, "%s.minisig", path) < 0) {
		sig_path = NULL;
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	code = write_text(sig_path, sig);
done:
	cr_seckey_free(key);
	free(data);
	free(sig);
	free(sig_path);
	return code;
}

/* --- the command ------------------------------------------------------------ */

static char *default_output(const cr_bundle *b)
{
	char *path;

	if (asprintf(&path, "%s-%s.crb", cr_bundle_name(b),
		    cr_bundle_version(b)) < 0)
		return NULL;
	return path;
}

int cli_build(int argc, char **argv)
{
	cr_build_opts bopts = { 0 };
	struct build_opts o;
	cr_build *bd = NULL;
	cr_ctx *ctx = NULL;
	char *output = NULL;
	const cr_bundle *b;
	int code, rc;

	if ((code = parse_build_opts(&o, argc, argv)) != CLI_OK)
		return code < 0 ? CLI_OK : code;
	if (cr_ctx_new(&ctx) != CR_OK)
		return cli_fail(CLI_INTERNAL, "out of memory");
	bopts.strict = o.strict;
	if ((rc = cr_build_dir(&bd, ctx, o.dir, &bopts)) != CR_OK) {
		fprintf(stderr, "%s\n", cr_ctx_error(ctx));
		code = cli_fail(cli_exit_code(rc), "%s: the bundle was not built",
			o.dir);
		goto done;
	}
	if (*cr_build_diagnostics(bd))
		fprintf(stderr, "%s\n", cr_build_diagnostics(bd));
	b = cr_build_bundle(bd);
	if (!(output = o.output ? strdup(o.output) : default_output(b))) {
		code = cli_fail(CLI_INTERNAL, "out of memory");
		goto done;
	}
	if ((rc = cr_build_write(bd, ctx, output)) != CR_OK) {
		code = cli_fail(cli_exit_code(rc), "%s", cr_ctx_error(ctx));
		goto done;
	}
	if (o.key && (code = sign_file(output, o.key, ctx)) != CLI_OK)
		goto done;
	printf("built %s: %s %s, %zu policies, %s%s\n", output,
		cr_bundle_name(b), cr_bundle_version(b),
		cr_bundle_policy_count(b), cr_bundle_digest(b),
		o.key ? ", signed" : "");
done:
	free(output);
	cr_build_free(bd);
	cr_ctx_free(ctx);
	return code;
}
