/*
 * fuzz_manifest_php.c - libFuzzer harness for the parsers of
 * composer.json and composer.lock (facts/manifests_php.c): cJSON
 * plus the walk that finds lines in the text.
 * First byte: 0 (or any even byte) for composer.json, odd for composer.lock.
 */
#include "tests/fuzz/manifest_fuzz.h"

static const struct manifest_fuzz_parser parsers[] = {
	{"composer.json", cr_parse_composer_json},
	{"composer.lock", cr_parse_composer_lock},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return manifest_fuzz_run(parsers, sizeof parsers / sizeof parsers[0],
		data, size);
}
