/*
 * sign.h - minisign signatures (Ed25519) of bundle files.
 *
 * crucible reads and writes minisign's own files, so `minisign -S` can sign
 * a bundle file that crucible verifies and `minisign -V` can verify one
 * that crucible signed:
 *
 *   public key   "untrusted comment: ...\n" base64("Ed" keyid[8] pk[32])
 *   secret key   "untrusted comment: ...\n" base64("Ed" kdf[2] "B2"
 *                salt[32] opslimit[8] memlimit[8] keyid[8] sk[64]
 *                checksum[32]), the last 104 bytes XORed with the scrypt
 *                stream of a password when kdf is "Sc" ("\0\0": none)
 *   signature    "untrusted comment: ...\n" base64(alg[2] keyid[8]
 *                sig[64]) "\n" "trusted comment: TEXT\n"
 *                base64(global sig[64]) "\n"
 *
 * alg "ED" signs BLAKE2b-512 of the file (what crucible writes), legacy
 * "Ed" the file itself; the global signature covers sig[64] || TEXT.  A
 * key id is shown as minisign shows it: 16 upper-case hex digits of the
 * id read as a little-endian 64-bit number.
 */
#ifndef CRUCIBLE_SIGN_H
#define CRUCIBLE_SIGN_H

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CR_SIGN_KEYID_BYTES 8
#define CR_SIGN_KEYID_TEXT 17 /* 16 hex digits and a NUL */
#define CR_SIGN_COMMENT_MAX 1024

typedef struct cr_pubkey {
	unsigned char id[CR_SIGN_KEYID_BYTES];
	unsigned char pk[32];
} cr_pubkey;

/* A secret key, kept in guarded memory; free with cr_seckey_free(). */
typedef struct cr_seckey cr_seckey;

/* Called for an encrypted secret key: write the NUL-terminated password
 * into buf (size bytes) and return 0, or a negative CR_E* code (the
 * callback sets the message). */
typedef int (*cr_password_cb)(char *buf, size_t size, void *ud);

/* Parse a public key file's text; load one from a file.  Errors:
 * CR_EPARSE (not a minisign Ed25519 public key), CR_EIO. */
int cr_pubkey_parse(cr_pubkey *out, cr_ctx *ctx, const char *text,
	size_t len);
int cr_pubkey_load(cr_pubkey *out, cr_ctx *ctx, const char *path);

/* Load a minisign secret key file, asking `password` (may be NULL) when
 * it is encrypted.  Errors: CR_EIO, CR_EPARSE (not a minisign secret key),
 * CR_EINVAL (wrong password, or encrypted and no callback), CR_ENOMEM. */
int cr_seckey_load(cr_seckey **out, cr_ctx *ctx, const char *path,
	cr_password_cb password, void *ud);
void cr_seckey_free(cr_seckey *k);

/* The public half of k. */
void cr_seckey_public(cr_pubkey *out, const cr_seckey *k);

/* "CC81DBD7979D648B" into out. */
void cr_sign_keyid_text(char out[CR_SIGN_KEYID_TEXT],
	const unsigned char id[CR_SIGN_KEYID_BYTES]);

/* The text of a prehashed ("ED") signature file of data[0..len) with
 * `trusted_comment` (one line); the caller frees *out.  Errors:
 * CR_EINVAL (a comment with a newline or too long), CR_ENOMEM. */
int cr_sign_buffer(char **out, cr_ctx *ctx, const cr_seckey *k,
	const void *data, size_t len, const char *trusted_comment);

/* What a signature file says, once checked. */
typedef struct cr_signature_info {
	unsigned char keyid[CR_SIGN_KEYID_BYTES];
	bool prehashed;                          /* "ED", not legacy "Ed" */
	char trusted_comment[CR_SIGN_COMMENT_MAX + 1];
} cr_signature_info;

/* Read a signature file (a few KiB at most) into *out, which the caller
 * frees.  Errors: CR_ENOTFOUND (no such file), CR_EIO, CR_ENOMEM. */
int cr_signature_read(char **out, size_t *len, cr_ctx *ctx,
	const char *path);

/* Parse the signature file text `sig` without verifying it (info->keyid
 * and prehashed only).  Errors: CR_EPARSE. */
int cr_signature_parse(cr_signature_info *info, cr_ctx *ctx, const char *sig,
	size_t sig_len);

/* Verify the signature file text `sig` of data[0..len) with key `pub`:
 * the key ids must match, and both the signature and the global signature
 * of the trusted comment must verify.  info (may be NULL) is filled on
 * success.  Errors: CR_EPARSE (not a minisign signature), CR_EBUNDLE
 * (another key, or the signature does not verify). */
int cr_signature_verify(cr_signature_info *info, cr_ctx *ctx,
	const cr_pubkey *pub, const void *data, size_t len, const char *sig,
	size_t sig_len);

#ifdef __cplusplus
}
#endif
#endif
