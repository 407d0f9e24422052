/*
 * fuzz_yaml.c - libFuzzer harness for the YAML stream reader
 * (compiler/yaml.c, cr_yaml_parse_all): arbitrary bytes as a Kubernetes
 * or CI file, every document walked, then released.
 *
 * Aliases and merge keys are expanded by copying; the walk checks that
 * the trees it built are well formed (mappings hold pairs, scalars have
 * text) and the node budget keeps alias bombs cheap.
 */
#include <stdint.h>
#include <stdlib.h>

#include "compiler/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const cr_ynode *n)
{
	size_t nodes = 1;

	if (n->kind == CR_YSCALAR && !n->text)
		abort();
	if (n->kind == CR_YMAP && n->count % 2)
		abort();
	for (size_t i = 0; i < n->count; i++)
		nodes += walk(n->kids[i]);
	return nodes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_problems p = { .file = "fuzz.yaml" };
	cr_ydocs docs;
	size_t nodes = 0;

	cr_yaml_parse_all(&docs, &p, (const char *)data, size, 20000);
	for (size_t i = 0; i < docs.count; i++)
		if (docs.docs[i])
			nodes += walk(docs.docs[i]);
	if (nodes > 20000)
		abort();
	cr_ydocs_release(&docs);
	cr_problems_release(&p);
	return 0;
}
