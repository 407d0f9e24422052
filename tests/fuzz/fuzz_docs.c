/*
 * fuzz_docs.c - libFuzzer harness for the document parsers of
 * facts/docs.c: Markdown headings, license texts, CODEOWNERS, env
 * examples and ignore files.  The first byte picks the file name, the
 * rest is its content.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/docs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"README.md", "LICENSE", ".github/CODEOWNERS", "docs/runbook.md",
	".env.example", ".dockerignore", ".gitignore",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_facts_options opts;
	cr_source_file f = {0};
	cr_collect c = {0};
	cr_graph *g = NULL;
	cr_ctx *ctx = NULL;
	char *buf = NULL;

	if (size < 1 || cr_ctx_new(&ctx) != CR_OK)
		return 0;
	f.path = paths[data[0] % (sizeof paths / sizeof *paths)];
	f.name = strrchr(f.path, '/') ? strrchr(f.path, '/') + 1 : f.path;
	f.size = size - 1;
	if (!(buf = malloc(size)) ||
	    cr_graph_new(&g, "/nonexistent") != CR_OK ||
	    cr_graph_add(g, &f.node, "file", f.path, 0) != CR_OK)
		goto done;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	cr_facts_options_default(&opts);
	c = (cr_collect){ .g = g, .ctx = ctx, .files = &f, .nfiles = 1,
		.opts = &opts };
	cr_docs_parse(&c, &f, buf, size - 1);
	cr_graph_freeze(g);
done:
	free(buf);
	cr_graph_free(g);
	cr_ctx_free(ctx);
	return 0;
}
