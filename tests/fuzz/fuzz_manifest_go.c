/*
 * fuzz_manifest_go.c - libFuzzer harness for the parsers of
 * go.mod and go.sum (facts/manifests_go.c): a line-oriented
 * format with parenthesized blocks and quoted fields.
 * First byte: 0 (or any even byte) for go.mod, odd for go.sum.
 */
#include "tests/fuzz/manifest_fuzz.h"

static const struct manifest_fuzz_parser parsers[] = {
	{"go.mod", cr_parse_go_mod},
	{"go.sum", cr_parse_go_sum},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return manifest_fuzz_run(parsers, sizeof parsers / sizeof parsers[0],
		data, size);
}
