/*
 * test_sign.c - minisign signatures of bundle files: the C API (sign,
 * verify, encrypted keys), interoperability with the real minisign CLI in
 * both directions (prehashed and legacy signatures), refusal of tampered
 * files, modified trusted comments and other keys, and `crucible eval
 * --trusted-key`, which runs a signed bundle file and refuses an unsigned
 * one, a badly signed one and a directory with exit 2.
 */
#include "tests/helpers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/sign.h"

#define assert_has(text, needle) do { \
	if (!strstr((text), (needle))) \
		fail_msg("missing \"%s\" in:\n%s", (needle), (text)); \
} while (0)

static const char policy[] =
	"return crucible.policy{ id = 'S-ONE', title = 'one', category = 'c',\n"
	"  severity = 'low', check = function(repo) pass('ran') end }\n";

/* A temp dir with a bundle b/, a repository repo/, minisign keys
 * k.pub/k.key (unencrypted) and o.pub/o.key (another key). */
static char *setup_dir(void)
{
	char *dir = th_tempdir();

	th_write(dir, "b/bundle.yml", "name: signed\nversion: '1'\n"
		"categories:\n  - {id: c, title: C, weight: 1}\n");
	th_write(dir, "b/one.lua", policy);
	th_write(dir, "repo/README.md", "hi\n");
	if (th_sh(dir, "minisign -G -W -p k.pub -s k.key >/dev/null && "
		  "minisign -G -W -p o.pub -s o.key >/dev/null") != 0)
		fail_msg("minisign -G failed");
	return dir;
}

static void cleanup(char *dir)
{
	th_rmtree(dir);
	free(dir);
}

static int crucible(const char *dir, const char *const *argv, char **err)
{
	th_run r = th_crucible(dir, argv);
	int status = r.status;

	if (err)
		*err = strdup(r.err);
	th_run_free(&r);
	return status;
}

static void build(const char *dir, const char *sign_key)
{
	const char *plain[] = { "build", "b", "-o", "b.crb", NULL };
	const char *sign[] = { "build", "b", "-o", "b.crb", "--sign", sign_key,
		NULL };

	assert_int_equal(crucible(dir, sign_key ? sign : plain, NULL), 0);
}

static int verify(const char *dir, const char *key, char **err)
{
	return crucible(dir, (const char *[]){ "verify", "b.crb", "--key", key,
		NULL }, err);
}

static void flip_byte(const char *dir, const char *rel, long offset)
{
	if (th_sh(dir, "printf 'X' | dd of=%s bs=1 seek=%ld conv=notrunc "
		  "status=none", rel, offset) != 0)
		fail();
}

static void test_crucible_signs_minisign_verifies(void **state)
{
	char *dir = setup_dir(), *err;

	(void)state;
	build(dir, "k.key");
	assert_int_equal(th_sh(dir, "minisign -V -q -p k.pub -m b.crb"), 0);
	assert_int_equal(verify(dir, "k.pub", NULL), 0);
	assert_int_not_equal(th_sh(dir, "minisign -V -q -p o.pub -m b.crb "
		"2>/dev/null"), 0);
	assert_int_equal(verify(dir, "o.pub", &err), 2);
	assert_has(err, "not with the trusted key");
	free(err);
	cleanup(dir);
}

static void test_minisign_signs_crucible_verifies(void **state)
{
	char *dir = setup_dir(), *err;

	(void)state;
	build(dir, NULL);
	assert_int_equal(verify(dir, "k.pub", &err), 2);
	assert_has(err, "not signed");
	free(err);
	assert_int_equal(th_sh(dir, "minisign -S -s k.key -m b.crb "
		"-t 'release 1' >/dev/null"), 0);
	assert_int_equal(verify(dir, "k.pub", NULL), 0);
	/* Legacy signatures of the file itself ("Ed"). */
	assert_int_equal(th_sh(dir, "minisign -S -l -s k.key -m b.crb "
		">/dev/null"), 0);
	assert_int_equal(verify(dir, "k.pub", NULL), 0);
	cleanup(dir);
}

static void test_tampering_refused(void **state)
{
	char *dir = setup_dir(), *err;

	(void)state;
	build(dir, "k.key");
	/* The trusted comment is signed too. */
	assert_int_equal(th_sh(dir, "sed -i 's/^trusted comment: .*/trusted "
		"comment: forged/' b.crb.minisig"), 0);
	assert_int_equal(verify(dir, "k.pub", &err), 2);
	assert_has(err, "trusted comment");
	free(err);
	build(dir, "k.key");
	flip_byte(dir, "b.crb", 100);
	assert_int_equal(verify(dir, "k.pub", &err), 2);
	assert_has(err, "does not verify");
	free(err);
	cleanup(dir);
}

static void test_eval_trusted_key(void **state)
{
	char *dir = setup_dir(), *err;
	const char *argv[] = { "eval", "repo", "--bundle", "b.crb",
		"--trusted-key", "k.pub", "--no-config", "--format", "json",
		NULL };
	th_run r;

	(void)state;
	build(dir, "k.key");
	r = th_crucible(dir, argv);
	assert_int_equal(r.status, 0);
	assert_has(r.out, "\"S-ONE\"");
	assert_has(r.out, "\"ran\"");
	th_run_free(&r);

	/* Badly signed: another key's signature. */
	assert_int_equal(th_sh(dir, "minisign -S -s o.key -m b.crb "
		">/dev/null"), 0);
	assert_int_equal(crucible(dir, argv, &err), 2);
	assert_has(err, "refused");
	free(err);

	/* Unsigned. */
	assert_int_equal(th_sh(dir, "rm b.crb.minisig"), 0);
	r = th_crucible(dir, argv);
	assert_int_equal(r.status, 2);
	assert_has(r.err, "not signed");
	assert_null(strstr(r.out, "S-ONE"));
	th_run_free(&r);

	/* A directory can never be trusted. */
	assert_int_equal(crucible(dir, (const char *[]){ "eval", "repo",
		"--bundle", "b", "--trusted-key", "k.pub", "--no-config", NULL },
		&err), 2);
	assert_has(err, "cannot be trusted");
	free(err);
	cleanup(dir);
}

/* --- the C API, with an encrypted key made here --------------------------- */

struct keypair {
	unsigned char id[8];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A minisign secret key file encrypted with `password` under light
 * scrypt parameters, so the test stays fast. */
static void write_encrypted_key(const char *dir, const struct keypair *kp,
	const char *password)
{
	unsigned char raw[158], stream[104];
	unsigned char *keynum = raw + 6 + 32 + 16;
	char b64[sodium_base64_ENCODED_LEN(158, sodium_base64_VARIANT_ORIGINAL)];
	char *text;
	crypto_generichash_state st;

	memcpy(raw, "EdScB2", 6);
	randombytes_buf(raw + 6, 32);
	put_u64(raw + 38, crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN);
	put_u64(raw + 46, crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN);
	memcpy(keynum, kp->id, 8);
	memcpy(keynum + 8, kp->sk, 64);
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)"Ed", 2);
	crypto_generichash_update(&st, keynum, 72);
	crypto_generichash_final(&st, keynum + 72, 32);
	assert_int_equal(crypto_pwhash_scryptsalsa208sha256(stream,
		sizeof stream, password, strlen(password), raw + 6,
		crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
		crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN), 0);
	for (size_t i = 0; i < sizeof stream; i++)
		keynum[i] ^= stream[i];
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
		sodium_base64_VARIANT_ORIGINAL);
	if (asprintf(&text, "untrusted comment: test key\n%s\n", b64) < 0)
		fail();
	th_write(dir, "enc.key", text);
	free(text);
}

static void write_public_key(const char *dir, const struct keypair *kp)
{
	unsigned char raw[42];
	char b64[sodium_base64_ENCODED_LEN(42, sodium_base64_VARIANT_ORIGINAL)];
	char *text;

	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, kp->id, 8);
	memcpy(raw + 10, kp->pk, 32);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
		sodium_base64_VARIANT_ORIGINAL);
	if (asprintf(&text, "untrusted comment: test public key\n%s\n", b64) < 0)
		fail();
	th_write(dir, "enc.pub", text);
	free(text);
}

static int give_password(char *buf, size_t size, void *ud)
{
	snprintf(buf, size, "%s", (const char *)ud);
	return CR_OK;
}

static char *path_in(const char *dir, const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		fail();
	return p;
}

static void test_api_encrypted_key(void **state)
{
	char *dir = th_tempdir(), *key = path_in(dir, "enc.key");
	char *pub_path = path_in(dir, "enc.pub"), *sig = NULL;
	static const char data[] = "some bundle bytes";
	cr_signature_info info;
	struct keypair kp;
	cr_seckey *sk = NULL;
	cr_pubkey pub, from_sk;
	cr_ctx *ctx;

	(void)state;
	assert_int_equal(sodium_init() < 0, 0);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	randombytes_buf(kp.id, sizeof kp.id);
	crypto_sign_keypair(kp.pk, kp.sk);
	write_encrypted_key(dir, &kp, "hunter2");
	write_public_key(dir, &kp);

	assert_int_equal(cr_seckey_load(&sk, ctx, key, give_password,
		"wrong"), CR_EINVAL);
	assert_has(cr_ctx_error(ctx), "wrong password");
	assert_int_equal(cr_seckey_load(&sk, ctx, key, NULL, NULL), CR_EINVAL);
	assert_int_equal(cr_seckey_load(&sk, ctx, key, give_password,
		"hunter2"), CR_OK);
	cr_seckey_public(&from_sk, sk);
	assert_int_equal(cr_pubkey_load(&pub, ctx, pub_path), CR_OK);
	assert_memory_equal(&from_sk, &pub, sizeof pub);

	assert_int_equal(cr_sign_buffer(&sig, ctx, sk, data, sizeof data,
		"hello"), CR_OK);
	assert_int_equal(cr_signature_verify(&info, ctx, &pub, data,
		sizeof data, sig, strlen(sig)), CR_OK);
	assert_true(info.prehashed);
	assert_string_equal(info.trusted_comment, "hello");
	assert_memory_equal(info.keyid, kp.id, 8);
	assert_int_equal(cr_signature_verify(NULL, ctx, &pub, data,
		sizeof data - 1, sig, strlen(sig)), CR_EBUNDLE);
	assert_int_equal(cr_signature_verify(NULL, ctx, &pub, data,
		sizeof data, "junk\n", 5), CR_EPARSE);
	free(sig);
	assert_int_equal(cr_sign_buffer(&sig, ctx, sk, data, sizeof data,
		"two\nlines"), CR_EINVAL);
	assert_null(sig);
	cr_seckey_free(sk);
	cr_ctx_free(ctx);
	free(key);
	free(pub_path);
	th_rmtree(dir);
	free(dir);
}

/* `crucible build --sign` with an encrypted key reads the password from
 * CRUCIBLE_SIGN_PASSWORD; minisign verifies what it signed. */
static void test_cli_encrypted_key(void **state)
{
	char *dir = setup_dir(), *err;
	struct keypair kp;

	(void)state;
	randombytes_buf(kp.id, sizeof kp.id);
	crypto_sign_keypair(kp.pk, kp.sk);
	write_encrypted_key(dir, &kp, "pw");
	write_public_key(dir, &kp);
	setenv("CRUCIBLE_SIGN_PASSWORD", "nope", 1);
	assert_int_equal(crucible(dir, (const char *[]){ "build", "b", "-o",
		"b.crb", "--sign", "enc.key", NULL }, &err), 2);
	assert_has(err, "wrong password");
	free(err);
	setenv("CRUCIBLE_SIGN_PASSWORD", "pw", 1);
	build(dir, "enc.key");
	unsetenv("CRUCIBLE_SIGN_PASSWORD");
	assert_int_equal(th_sh(dir, "minisign -V -q -p enc.pub -m b.crb"), 0);
	assert_int_equal(verify(dir, "enc.pub", NULL), 0);
	cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crucible_signs_minisign_verifies),
		cmocka_unit_test(test_minisign_signs_crucible_verifies),
		cmocka_unit_test(test_tampering_refused),
		cmocka_unit_test(test_eval_trusted_key),
		cmocka_unit_test(test_api_encrypted_key),
		cmocka_unit_test(test_cli_encrypted_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
