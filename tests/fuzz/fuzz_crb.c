/*
 * fuzz_crb.c - libFuzzer harness for the bundle file reader
 * (compiler/crb.c): arbitrary bytes as a .crb, parsed, cross-checked and
 * loaded through cr_bundle_load_files(), then freed.
 *
 * Bundle files come from other people, so reading one must never read
 * out of bounds, leak, or load anything the manifest does not vouch for:
 * whatever loads must have the digest its manifest names.  Each input is
 * read twice: as it is, and with its checksum repaired, so that the
 * fuzzer gets past the checksum into the lengths, the manifest and the
 * cross-checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crucible/crb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_loaded(const cr_bundle *b, const cr_crb *crb)
{
	const cJSON *bundle = cJSON_GetObjectItemCaseSensitive(
		cr_crb_manifest(crb), "bundle");
	const char *digest = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(bundle, "digest"));

	if (!digest || strcmp(digest, cr_bundle_digest(b)) != 0)
		abort();
	for (size_t i = 0; i < cr_bundle_policy_count(b); i++)
		if (cr_bundle_policy(b, i)->source[0] == '\x1b')
			abort();
}

static void load(const uint8_t *data, size_t size, cr_ctx *ctx)
{
	cr_bundle *b = NULL;
	cr_crb *crb = NULL;

	if (cr_bundle_load_crb_buffer(&b, &crb, ctx, "fuzz.crb", data,
		    size) == CR_OK)
		check_loaded(b, crb);
	cr_bundle_free(b);
	cr_crb_free(crb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t body = size - crypto_hash_sha256_BYTES;
	cr_ctx *ctx = NULL;
	uint8_t *fixed;

	if (sodium_init() < 0 || cr_ctx_new(&ctx) != CR_OK)
		return 0;
	load(data, size, ctx);
	if (size > crypto_hash_sha256_BYTES && (fixed = malloc(size))) {
		memcpy(fixed, data, body);
		crypto_hash_sha256(fixed + body, fixed, body);
		load(fixed, size, ctx);
		free(fixed);
	}
	cr_ctx_free(ctx);
	return 0;
}
