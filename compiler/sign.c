/*
 * sign.c - minisign keys and signatures with libsodium's Ed25519 (the
 * formats are described in include/crucible/sign.h).
 *
 * `crucible build --sign KEY` signs the bundle file it wrote; `crucible
 * verify` and `crucible eval --trusted-key` check a signature before a
 * bundle file is parsed, over the very bytes that are then parsed, so a
 * file swapped between the two steps cannot slip through.
 *
 * Secret keys live in sodium_malloc()ed memory, wiped when freed, and so
 * do passwords and the scrypt stream that decrypts a key.
 */
#include "crucible/sign.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "compiler/yaml.h"

#define ALG_BYTES 2
#define KEY_FILE_MAX 4096
#define SIG_FILE_MAX (4 * CR_SIGN_COMMENT_MAX + 1024)
#define PASSWORD_MAX 1024
#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "

/* The decoded payloads, byte for byte. */
#define PUBKEY_BYTES (ALG_BYTES + CR_SIGN_KEYID_BYTES + \
	crypto_sign_PUBLICKEYBYTES)
#define SIG_BYTES (ALG_BYTES + CR_SIGN_KEYID_BYTES + crypto_sign_BYTES)
#define SALT_BYTES crypto_pwhash_scryptsalsa208sha256_SALTBYTES
#define CHK_BYTES crypto_generichash_BYTES
/* keyid, sk and checksum: the part a password encrypts. */
#define KEYNUM_SK_BYTES (CR_SIGN_KEYID_BYTES + crypto_sign_SECRETKEYBYTES + \
	CHK_BYTES)
#define SECKEY_BYTES (3 * ALG_BYTES + SALT_BYTES + 8 + 8 + KEYNUM_SK_BYTES)

struct cr_seckey {
	unsigned char id[CR_SIGN_KEYID_BYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

/* --- text ------------------------------------------------------------------- */

struct lines {
	const char *p;
	const char *end;
};

/* The next line without its "\n" or "\r\n"; false at the end. */
static bool next_line(struct lines *l, const char **line, size_t *n)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	*line = l->p;
	*n = (size_t)((nl ? nl : l->end) - l->p);
	l->p = nl ? nl + 1 : l->end;
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	return true;
}

static bool has_prefix(const char *line, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(line, prefix, k) == 0;
}

/* Decode exactly `want` bytes of base64 from line[0..n). */
static bool decode(unsigned char *out, size_t want, const char *line,
	size_t n)
{
	size_t got;

	return sodium_base642bin(out, want, line, n, NULL, &got, NULL,
		       sodium_base64_VARIANT_ORIGINAL) == 0 && got == want;
}

/* The base64 line that follows an untrusted comment line. */
static bool comment_then_data(struct lines *l, const char **data, size_t *n)
{
	const char *line;
	size_t len;

	return next_line(l, &line, &len) &&
		has_prefix(line, len, UNTRUSTED_PREFIX) &&
		next_line(l, data, n);
}

void cr_sign_keyid_text(char out[CR_SIGN_KEYID_TEXT],
	const unsigned char id[CR_SIGN_KEYID_BYTES])
{
	uint64_t v = 0;

	for (int i = CR_SIGN_KEYID_BYTES - 1; i >= 0; i--)
		v = v << 8 | id[i];
	snprintf(out, CR_SIGN_KEYID_TEXT, "%016" PRIX64, v);
}

static int read_small_file(char **out, size_t *len, cr_ctx *ctx,
	const char *path, size_t max)
{
	if (sodium_init() < 0)
		return cr_error_set(ctx, CR_EINTERNAL,
			"cannot initialise libsodium");
	return cr_user_file_read(out, len, ctx, path, max);
}

/* Prefix the context's message with the file it is about. */
static int in_file(cr_ctx *ctx, int rc, const char *path)
{
	char *msg = strdup(cr_ctx_error(ctx));

	cr_error_set(ctx, rc, "%s: %s", path, msg ? msg : "");
	free(msg);
	return rc;
}

/* --- public keys ------------------------------------------------------------- */

int cr_pubkey_parse(cr_pubkey *out, cr_ctx *ctx, const char *text,
	size_t len)
{
	struct lines l = { text, text + len };
	unsigned char raw[PUBKEY_BYTES];
	const char *data;
	size_t n;

	if (!comment_then_data(&l, &data, &n) ||
	    !decode(raw, sizeof raw, data, n) || memcmp(raw, "Ed", 2) != 0)
		return cr_error_set(ctx, CR_EPARSE, "not a minisign Ed25519 "
			"public key");
	memcpy(out->id, raw + ALG_BYTES, sizeof out->id);
	memcpy(out->pk, raw + ALG_BYTES + sizeof out->id, sizeof out->pk);
	return CR_OK;
}

int cr_pubkey_load(cr_pubkey *out, cr_ctx *ctx, const char *path)
{
	char *text;
	size_t len;
	int rc = read_small_file(&text, &len, ctx, path, KEY_FILE_MAX);

	if (rc)
		return rc;
	rc = cr_pubkey_parse(out, ctx, text, len);
	if (rc)
		in_file(ctx, rc, path);
	free(text);
	return rc;
}

/* --- secret keys ------------------------------------------------------------ */

/* The layout of a decoded secret key file. */
struct seckey_file {
	const unsigned char *kdf;
	const unsigned char *salt;
	uint64_t opslimit;
	uint64_t memlimit;
	unsigned char *keynum_sk;  /* id, sk, checksum */
};

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool split_seckey(struct seckey_file *f, unsigned char *raw)
{
	if (memcmp(raw, "Ed", 2) != 0 || memcmp(raw + 4, "B2", 2) != 0 ||
	    (memcmp(raw + 2, "Sc", 2) != 0 && memcmp(raw + 2, "\0\0", 2) != 0))
		return false;
	f->kdf = raw + 2;
	f->salt = raw + 3 * ALG_BYTES;
	f->opslimit = get_u64(f->salt + SALT_BYTES);
	f->memlimit = get_u64(f->salt + SALT_BYTES + 8);
	f->keynum_sk = raw + 3 * ALG_BYTES + SALT_BYTES + 16;
	return true;
}

/* XOR the encrypted part with the scrypt stream of the password. */
static int decrypt_seckey(cr_ctx *ctx, struct seckey_file *f,
	cr_password_cb password, void *ud)
{
	unsigned char *stream = sodium_malloc(KEYNUM_SK_BYTES);
	char *pw = sodium_malloc(PASSWORD_MAX);
	int rc = CR_OK;

	if (!stream || !pw) {
		rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	if (!password) {
		rc = cr_error_set(ctx, CR_EINVAL, "the secret key is encrypted "
			"and no password was given");
		goto done;
	}
	pw[0] = '\0';
	if ((rc = password(pw, PASSWORD_MAX, ud)) != CR_OK)
		goto done;
	pw[PASSWORD_MAX - 1] = '\0';
	if (crypto_pwhash_scryptsalsa208sha256(stream, KEYNUM_SK_BYTES, pw,
		    strlen(pw), f->salt, f->opslimit, (size_t)f->memlimit)) {
		rc = cr_error_set(ctx, CR_ENOMEM, "cannot derive the key from "
			"the password (scrypt needs %" PRIu64 " bytes)",
			f->memlimit);
		goto done;
	}
	for (size_t i = 0; i < KEYNUM_SK_BYTES; i++)
		f->keynum_sk[i] ^= stream[i];
done:
	sodium_free(stream);
	sodium_free(pw);
	return rc;
}

/* BLAKE2b-256 of "Ed" || keyid || sk must be the stored checksum (an
 * unencrypted key of `minisign -W` stores zeros instead), and the public
 * half of sk must be the one its seed gives. */
static bool seckey_consistent(const struct seckey_file *f, bool encrypted)
{
	const unsigned char *sk = f->keynum_sk + CR_SIGN_KEYID_BYTES;
	const unsigned char *chk = sk + crypto_sign_SECRETKEYBYTES;
	unsigned char want[CHK_BYTES], seed[crypto_sign_SEEDBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk2[crypto_sign_SECRETKEYBYTES];
	crypto_generichash_state st;
	bool ok;

	crypto_generichash_init(&st, NULL, 0, sizeof want);
	crypto_generichash_update(&st, (const unsigned char *)"Ed", 2);
	crypto_generichash_update(&st, f->keynum_sk,
		CR_SIGN_KEYID_BYTES + crypto_sign_SECRETKEYBYTES);
	crypto_generichash_final(&st, want, sizeof want);
	ok = sodium_memcmp(want, chk, sizeof want) == 0 ||
		(!encrypted && sodium_is_zero(chk, CHK_BYTES));
	crypto_sign_ed25519_sk_to_seed(seed, sk);
	crypto_sign_seed_keypair(pk, sk2, seed);
	ok = ok && sodium_memcmp(pk, sk + crypto_sign_SEEDBYTES,
		sizeof pk) == 0;
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sk2, sizeof sk2);
	return ok;
}

static int parse_seckey(cr_seckey *k, cr_ctx *ctx, unsigned char *raw,
	const char *text, size_t len, cr_password_cb password, void *ud)
{
	struct lines l = { text, text + len };
	struct seckey_file f;
	const char *data;
	bool encrypted;
	size_t n;
	int rc;

	if (!comment_then_data(&l, &data, &n) ||
	    !decode(raw, SECKEY_BYTES, data, n) || !split_seckey(&f, raw))
		return cr_error_set(ctx, CR_EPARSE, "not a minisign Ed25519 "
			"secret key");
	encrypted = memcmp(f.kdf, "Sc", 2) == 0;
	if (encrypted && (rc = decrypt_seckey(ctx, &f, password, ud)))
		return rc;
	if (!seckey_consistent(&f, encrypted))
		return cr_error_set(ctx, CR_EINVAL, encrypted ?
			"wrong password for the secret key" :
			"the secret key is corrupted (checksum mismatch)");
	memcpy(k->id, f.keynum_sk, sizeof k->id);
	memcpy(k->sk, f.keynum_sk + CR_SIGN_KEYID_BYTES, sizeof k->sk);
	return CR_OK;
}

int cr_seckey_load(cr_seckey **out, cr_ctx *ctx, const char *path,
	cr_password_cb password, void *ud)
{
	unsigned char *raw = NULL;
	cr_seckey *k = NULL;
	char *text = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = read_small_file(&text, &len, ctx, path, KEY_FILE_MAX)))
		return rc;
	raw = sodium_malloc(SECKEY_BYTES);
	k = sodium_malloc(sizeof *k);
	if (!raw || !k)
		rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
	else if ((rc = parse_seckey(k, ctx, raw, text, len, password, ud)))
		in_file(ctx, rc, path);
	sodium_memzero(text, len);
	free(text);
	sodium_free(raw);
	if (rc)
		sodium_free(k);
	else
		*out = k;
	return rc;
}

void cr_seckey_free(cr_seckey *k)
{
	sodium_free(k);
}

void cr_seckey_public(cr_pubkey *out, const cr_seckey *k)
{
	memcpy(out->id, k->id, sizeof out->id);
	crypto_sign_ed25519_sk_to_pk(out->pk, k->sk);
}

/* --- signatures ----------------------------------------------------------- */

static void blake2b_512(unsigned char out[crypto_generichash_BYTES_MAX],
	const void *data, size_t len)
{
	crypto_generichash(out, crypto_generichash_BYTES_MAX, data, len, NULL,
		0);
}

/* The global signature's message: sig || trusted comment. */
static unsigned char *global_message(size_t *n, const unsigned char *sig,
	const char *comment)
{
	size_t clen = strlen(comment);
	unsigned char *m = malloc(crypto_sign_BYTES + clen);

	if (m) {
		memcpy(m, sig, crypto_sign_BYTES);
		memcpy(m + crypto_sign_BYTES, comment, clen);
		*n = crypto_sign_BYTES + clen;
	}
	return m;
}

static bool comment_valid(const char *comment)
{
	return strlen(comment) <= CR_SIGN_COMMENT_MAX &&
		!strpbrk(comment, "\r\n");
}

int cr_sign_buffer(char **out, cr_ctx *ctx, const cr_seckey *k,
	const void *data, size_t len, const char *trusted_comment)
{
	unsigned char raw[SIG_BYTES], global[crypto_sign_BYTES];
	unsigned char hash[crypto_generichash_BYTES_MAX], *msg;
	char b64_sig[sodium_base64_ENCODED_LEN(SIG_BYTES,
		sodium_base64_VARIANT_ORIGINAL)];
	char b64_global[sodium_base64_ENCODED_LEN(crypto_sign_BYTES,
		sodium_base64_VARIANT_ORIGINAL)];
	char keyid[CR_SIGN_KEYID_TEXT];
	size_t n;

	*out = NULL;
	if (!comment_valid(trusted_comment))
		return cr_error_set(ctx, CR_EINVAL, "a trusted comment is one "
			"line of at most %d bytes", CR_SIGN_COMMENT_MAX);
	memcpy(raw, "ED", 2);
	memcpy(raw + 2, k->id, CR_SIGN_KEYID_BYTES);
	blake2b_512(hash, data, len);
	crypto_sign_detached(raw + 2 + CR_SIGN_KEYID_BYTES, NULL, hash,
		sizeof hash, k->sk);
	if (!(msg = global_message(&n, raw + 2 + CR_SIGN_KEYID_BYTES,
		      trusted_comment)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	crypto_sign_detached(global, NULL, msg, n, k->sk);
	free(msg);
	sodium_bin2base64(b64_sig, sizeof b64_sig, raw, sizeof raw,
		sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b64_global, sizeof b64_global, global, sizeof global,
		sodium_base64_VARIANT_ORIGINAL);
	cr_sign_keyid_text(keyid, k->id);
	if (asprintf(out, UNTRUSTED_PREFIX "signature from crucible, key %s\n"
		    "%s\n" TRUSTED_PREFIX "%s\n%s\n", keyid, b64_sig,
		    trusted_comment, b64_global) < 0) {
		*out = NULL;
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	}
	return CR_OK;
}

/* A signature file, decoded. */
struct sig_file {
	unsigned char raw[SIG_BYTES];
	unsigned char global[crypto_sign_BYTES];
	char comment[CR_SIGN_COMMENT_MAX + 1];
};

static int parse_sig(struct sig_file *s, cr_ctx *ctx, const char *text,
	size_t len)
{
	struct lines l = { text, len <= SIG_FILE_MAX ? text + len : text };
	const char *data, *line, *global;
	size_t n, line_len, global_len;
	size_t tlen = strlen(TRUSTED_PREFIX);

	if (!comment_then_data(&l, &data, &n) ||
	    !decode(s->raw, sizeof s->raw, data, n) ||
	    (memcmp(s->raw, "ED", 2) != 0 && memcmp(s->raw, "Ed", 2) != 0) ||
	    !next_line(&l, &line, &line_len) ||
	    !has_prefix(line, line_len, TRUSTED_PREFIX) ||
	    line_len - tlen > CR_SIGN_COMMENT_MAX ||
	    memchr(line, '\0', line_len) ||
	    !next_line(&l, &global, &global_len) ||
	    !decode(s->global, sizeof s->global, global, global_len))
		return cr_error_set(ctx, CR_EPARSE, "not a minisign signature");
	memcpy(s->comment, line + tlen, line_len - tlen);
	s->comment[line_len - tlen] = '\0';
	return CR_OK;
}

int cr_signature_read(char **out, size_t *len, cr_ctx *ctx,
	const char *path)
{
	return read_small_file(out, len, ctx, path, SIG_FILE_MAX);
}

static void fill_info(cr_signature_info *info, const struct sig_file *s)
{
	memcpy(info->keyid, s->raw + 2, sizeof info->keyid);
	info->prehashed = memcmp(s->raw, "ED", 2) == 0;
	memcpy(info->trusted_comment, s->comment, sizeof s->comment);
}

int cr_signature_parse(cr_signature_info *info, cr_ctx *ctx, const char *sig,
	size_t sig_len)
{
	struct sig_file s;
	int rc = parse_sig(&s, ctx, sig, sig_len);

	if (rc == CR_OK)
		fill_info(info, &s);
	return rc;
}

static bool sig_verifies(const struct sig_file *s, const cr_pubkey *pub,
	const void *data, size_t len)
{
	const unsigned char *sig = s->raw + 2 + CR_SIGN_KEYID_BYTES;
	unsigned char hash[crypto_generichash_BYTES_MAX];

	if (memcmp(s->raw, "ED", 2) == 0) {
		blake2b_512(hash, data, len);
		data = hash;
		len = sizeof hash;
	}
	return crypto_sign_verify_detached(sig, data, len, pub->pk) == 0;
}

int cr_signature_verify(cr_signature_info *info, cr_ctx *ctx,
	const cr_pubkey *pub, const void *data, size_t len, const char *sig,
	size_t sig_len)
{
	char want[CR_SIGN_KEYID_TEXT], got[CR_SIGN_KEYID_TEXT];
	unsigned char *msg;
	struct sig_file s;
	size_t n;
	bool ok;
	int rc;

	if (sodium_init() < 0)
		return cr_error_set(ctx, CR_EINTERNAL,
			"cannot initialise libsodium");
	if ((rc = parse_sig(&s, ctx, sig, sig_len)))
		return rc;
	cr_sign_keyid_text(want, pub->id);
	cr_sign_keyid_text(got, s.raw + 2);
	if (memcmp(s.raw + 2, pub->id, CR_SIGN_KEYID_BYTES) != 0)
		return cr_error_set(ctx, CR_EBUNDLE, "signed with key %s, not "
			"with the trusted key %s", got, want);
	if (!sig_verifies(&s, pub, data, len))
		return cr_error_set(ctx, CR_EBUNDLE, "the signature of key %s "
			"does not verify: the file was modified", got);
	if (!(msg = global_message(&n, s.raw + 2 + CR_SIGN_KEYID_BYTES,
		      s.comment)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	ok = crypto_sign_verify_detached(s.global, msg, n, pub->pk) == 0;
	free(msg);
	if (!ok)
		return cr_error_set(ctx, CR_EBUNDLE, "the trusted comment's "
			"signature does not verify: the comment was modified");
	if (info)
		fill_info(info, &s);
	return CR_OK;
}
