/*
 * fuzz_manifest_jvm.c - libFuzzer harness for the parsers of
 * pom.xml and build.gradle (facts/manifests_jvm.c): the
 * hand-written XML tokenizer, property expansion (budgeted), and the
 * token-stream reading of Gradle scripts.
 * First byte: 0 (or any even byte) for pom.xml, odd for build.gradle.
 */
#include "tests/fuzz/manifest_fuzz.h"

static const struct manifest_fuzz_parser parsers[] = {
	{"pom.xml", cr_parse_pom_xml},
	{"build.gradle", cr_parse_gradle},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return manifest_fuzz_run(parsers, sizeof parsers / sizeof parsers[0],
		data, size);
}
