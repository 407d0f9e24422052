/*
 * fuzz_manifest_ruby.c - libFuzzer harness for the parsers of
 * Gemfile and Gemfile.lock (facts/manifests_ruby.c): Ruby
 * statements and blocks, Bundler's indented sections.
 * First byte: 0 (or any even byte) for Gemfile, odd for Gemfile.lock.
 */
#include "tests/fuzz/manifest_fuzz.h"

static const struct manifest_fuzz_parser parsers[] = {
	{"Gemfile", cr_parse_gemfile},
	{"Gemfile.lock", cr_parse_gemfile_lock},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return manifest_fuzz_run(parsers, sizeof parsers / sizeof parsers[0],
		data, size);
}
