/*
 * manifest_fuzz.h - the body the manifest parser harnesses
 * (fuzz_manifest_<ecosystem>.c) share: the first input byte picks one of
 * the ecosystem's parsers, the rest is the file.  The parser runs inside
 * a real manifests collector over a tiny graph, pairing runs as after a
 * collection, and every attribute of the frozen graph is read back.
 */
#ifndef CRUCIBLE_TESTS_MANIFEST_FUZZ_H
#define CRUCIBLE_TESTS_MANIFEST_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/manifests.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct manifest_fuzz_parser {
	const char *file;    /* the file name the parser expects */
	cr_manifest_parser parse;
};

/* Every string the parser stored must be a proper C string. */
static void manifest_fuzz_check(const cr_graph *g)
{
	for (cr_node_id n = 1; n <= cr_graph_count(g); n++)
		for (size_t i = 0; i < cr_node_attr_count(g, n); i++) {
			cr_value v;

			(void)cr_node_attr_at(g, n, i, &v);
			if (v.type == CR_T_STR && strlen(v.u.s.ptr) > v.u.s.len)
				abort();
			for (size_t k = 0; v.type == CR_T_LIST &&
			     k < v.u.list.count; k++)
				(void)strlen(v.u.list.items[k]);
		}
}

static int manifest_fuzz_run(const struct manifest_fuzz_parser *parsers,
	size_t count, const uint8_t *data, size_t size)
{
	const struct manifest_fuzz_parser *p;
	cr_manifests *ms = NULL;
	cr_collect c = {0};
	cr_source_file f = {0};
	cr_graph *g = NULL;
	cr_ctx *ctx = NULL;
	char *buf;

	if (size == 0)
		return 0;
	p = &parsers[data[0] % count];
	/* an exact copy, NUL-terminated as cr_collect_read() gives it */
	if (!(buf = malloc(size)))
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (cr_ctx_new(&ctx) != CR_OK ||
	    cr_graph_new(&g, "/nonexistent") != CR_OK ||
	    cr_graph_add(g, &f.node, "file", p->file, 0) != CR_OK)
		goto done;
	f.path = f.name = p->file;
	f.size = size - 1;
	c.g = g;
	c.ctx = ctx;
	c.files = &f;
	c.nfiles = 1;
	if (cr_manifests_new(&ms, &c) != CR_OK)
		goto done;
	if (p->parse(ms, &f, buf, size - 1) == CR_OK &&
	    cr_manifests_finish(ms) == CR_OK && cr_graph_freeze(g) == CR_OK)
		manifest_fuzz_check(g);
done:
	cr_manifests_free(ms);
	for (size_t i = 0; i < c.ndeps; i++) {
		free((char *)c.deps[i].ecosystem);
		free((char *)c.deps[i].name);
	}
	free(c.deps);
	cr_graph_free(g);
	cr_ctx_free(ctx);
	free(buf);
	return 0;
}

#endif
