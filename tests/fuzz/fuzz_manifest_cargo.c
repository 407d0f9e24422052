/*
 * fuzz_manifest_cargo.c - libFuzzer harness for the parsers of
 * Cargo.toml and Cargo.lock (facts/manifests_cargo.c), on
 * top of the TOML reader that fuzz_toml covers alone.
 * First byte: 0 (or any even byte) for Cargo.toml, odd for Cargo.lock.
 */
#include "tests/fuzz/manifest_fuzz.h"

static const struct manifest_fuzz_parser parsers[] = {
	{"Cargo.toml", cr_parse_cargo_toml},
	{"Cargo.lock", cr_parse_cargo_lock},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return manifest_fuzz_run(parsers, sizeof parsers / sizeof parsers[0],
		data, size);
}
