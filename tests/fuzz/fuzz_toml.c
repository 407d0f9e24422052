/*
 * fuzz_toml.c - libFuzzer harness for the TOML reader (facts/toml.c):
 * arbitrary bytes as a manifest, parsed, every value walked through the
 * public accessors, then freed.
 *
 * Manifests and lock files come from the scanned repository, so parsing
 * must neither read out of bounds, recurse past CR_TOML_MAX_DEPTH, leak,
 * nor take long; the walk checks that what the parser built is coherent
 * (every entry found again by its key, every value typed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const cr_toml_value *v)
{
	size_t len;

	switch (cr_toml_type_of(v)) {
	case CR_TOML_TABLE:
		for (size_t i = 0; i < cr_toml_table_count(v); i++) {
			const char *key;
			size_t key_len;
			const cr_toml_value *child;

			child = cr_toml_table_at(v, i, &key, &key_len);
			if (!child || (strlen(key) == key_len &&
				       cr_toml_table_get(v, key) != child))
				abort();
			walk(child);
		}
		break;
	case CR_TOML_ARRAY:
		for (size_t i = 0; i < cr_toml_array_len(v); i++)
			walk(cr_toml_array_at(v, i));
		break;
	case CR_TOML_INTEGER:
		(void)cr_toml_integer(v);
		break;
	case CR_TOML_FLOAT:
		(void)cr_toml_float(v);
		break;
	case CR_TOML_BOOLEAN:
		(void)cr_toml_boolean(v);
		break;
	default:
		if (!cr_toml_string(v, &len) ||
		    strlen(cr_toml_string(v, NULL)) > len)
			abort();
		break;
	}
	if (cr_toml_line(v) == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_toml *doc = NULL;
	cr_ctx *ctx = NULL;

	if (cr_ctx_new(&ctx) != CR_OK)
		return 0;
	if (cr_toml_parse(&doc, ctx, (const char *)data, size,
			"fuzz.toml") == CR_OK)
		walk(cr_toml_root(doc));
	cr_toml_free(doc);
	cr_ctx_free(ctx);
	return 0;
}
