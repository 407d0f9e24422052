/*
 * fuzz_git_index.c - libFuzzer harness for the index parser
 * (facts/git_index.c): arbitrary bytes as the content of .git/index.
 *
 * The index of a scanned checkout is as untrusted as its files, and the
 * parser reads it straight from a mapping, so every length in it must be
 * checked.  What the parser accepts must also keep cr_index's promises,
 * which the collectors rely on without checking: plain paths in byte
 * order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/files_internal.h"
#include "facts/git_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entries(const struct cr_index *idx)
{
	for (size_t i = 0; i < idx->count; i++) {
		const git_index_entry *e = &idx->entries[i];

		if (!cr_path_is_plain(e->path))
			abort();
		if (i > 0 && strcmp(idx->entries[i - 1].path, e->path) > 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_index idx = {0};

	if (cr_index_parse(&idx, data, size))
		check_entries(&idx);
	else if (idx.count != 0 || idx.entries || idx.paths)
		abort();
	cr_index_free(&idx);
	return 0;
}
