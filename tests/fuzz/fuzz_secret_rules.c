/*
 * fuzz_secret_rules.c - libFuzzer harness for the secret rule loader
 * (facts/secrets_rules.c): arbitrary bytes as a rule file, loaded alone
 * and as an overlay on the built-in set, and the rule set it yields used
 * to scan the input itself.
 *
 * Bundles bring their own rule files, so loading must neither crash,
 * leak, nor take long on any input, including regexes that PCRE2 refuses
 * or that backtrack badly (the scanner's match limit bounds those).
 */
#include <stdint.h>
#include <stdlib.h>

#include "crucible/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Compiling the built-in rules once keeps the harness fast; the set is
 * read-only and reachable until exit. */
static const cr_secret_rules *builtin(cr_ctx *ctx)
{
	static cr_secret_rules *rules;

	if (!rules && cr_secret_rules_builtin(&rules, ctx) != CR_OK)
		abort();
	return rules;
}

static void scan_self(cr_ctx *ctx, const cr_secret_rules *r,
	const uint8_t *data, size_t size)
{
	const cr_secret_match *m;
	cr_secret_scanner *s;
	size_t n;

	if (cr_secret_scanner_new(&s, ctx, r) != CR_OK)
		return;
	if (cr_secret_scan(&m, &n, s, "rules.yml", (const char *)data,
		    size) != CR_ENOMEM)
		for (size_t i = 0; i < n; i++)
			if (m[i].offset + m[i].length > size)
				abort();
	cr_secret_scanner_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const cr_secret_rules *base;
	cr_secret_rules *r = NULL;
	cr_ctx *ctx = NULL;

	if (cr_ctx_new(&ctx) != CR_OK)
		return 0;
	base = builtin(ctx);
	for (int overlay = 0; overlay < 2; overlay++) {
		if (cr_secret_rules_load(&r, ctx, overlay ? base : NULL,
			    "fuzz.yml", (const char *)data, size) == CR_OK)
			scan_self(ctx, r, data, size);
		cr_secret_rules_free(r);
		r = NULL;
	}
	cr_ctx_free(ctx);
	return 0;
}
