/*
 * fuzz_secret_cache.c - libFuzzer harness for the secret scan cache
 * reader (facts/secrets_cache.c): arbitrary bytes as a cache file.
 *
 * The cache lives in the user's home and may be truncated by a crash,
 * damaged on disk or written by another version, so the reader must
 * reject anything malformed without reading out of bounds, and whatever
 * it accepts must be coherent: records in key order, each found again
 * by its key, every match inside the rule set.  A checksum guards the
 * file, so each input is tried twice: as it is, and with its last 32
 * bytes replaced by the right checksum, which lets the fuzzer reach the
 * parser behind it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "facts/secrets_facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RULES 16
#define CHECKSUM 32
#define DIGEST "sha256:" \
	"0000000000000000000000000000000000000000000000000000000000000000"

static void check(cr_scache *c)
{
	size_t n = cr_scache_count(c);

	for (size_t i = 0; i < n; i++) {
		const cr_scache_rec *r = cr_scache_at(c, i);

		if (i && memcmp(cr_scache_at(c, i - 1)->key, r->key,
			    CR_SECRETS_KEY_SIZE) >= 0)
			abort();
		if (cr_scache_find(c, r->key) != r)
			abort();
		for (uint32_t k = 0; k < r->count; k++)
			if (r->matches[k].rule >= RULES ||
			    !r->matches[k].length)
				abort();
	}
}

static void parse(const uint8_t *data, size_t size)
{
	cr_scache *c;

	if (cr_scache_new(&c, DIGEST, RULES) != CR_OK)
		abort();
	if (cr_scache_parse(c, data, size) == CR_OK)
		check(c);
	else if (cr_scache_count(c) != 0)
		abort();
	cr_scache_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	if (sodium_init() < 0)
		abort();
	parse(data, size);
	if (size < CHECKSUM || !(fixed = malloc(size)))
		return 0;
	memcpy(fixed, data, size);
	crypto_generichash(fixed + size - CHECKSUM, CHECKSUM, fixed,
		size - CHECKSUM, NULL, 0);
	parse(fixed, size);
	free(fixed);
	return 0;
}
