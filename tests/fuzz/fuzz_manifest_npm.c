/*
 * fuzz_manifest_npm.c - libFuzzer harness for the npm parsers
 * (facts/manifests_npm.c): the first byte picks package.json,
 * package-lock.json, yarn.lock or pnpm-lock.yaml, the rest is that file.
 * A lockfile is parsed beside a fixed package.json of the same
 * directory, so that pairing and version resolution
 * (cr_manifests_finish) run over whatever the lockfile yielded.
 *
 * The bytes come from the scanned repository: no parser may read out of
 * bounds, leak, recurse without bound or take long, and a broken file
 * must end as a parse_error node, never as a failed collection.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/manifests.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *name;
	cr_manifest_parser parse;
} parsers[] = {
	{ "package.json", cr_parse_package_json },
	{ "package-lock.json", cr_parse_package_lock },
	{ "yarn.lock", cr_parse_yarn_lock },
	{ "pnpm-lock.yaml", cr_parse_pnpm_lock },
};

static const char manifest[] =
	"{\"name\": \"root\", \"workspaces\": [\"packages/*\"],\n"
	" \"dependencies\": {\"lodash\": \"^4.17.21\", \"a\": \"1\"},\n"
	" \"devDependencies\": {\"@scope/b\": \"npm:^2\"}}\n";

/* Parse buf as the file `name` of the graph's only directory. */
static int parse(cr_manifests *ms, cr_graph *g, cr_source_file *f,
	const char *name, cr_manifest_parser fn, const char *buf, size_t len)
{
	f->path = f->name = name;
	f->size = len;
	if (cr_graph_add(g, &f->node, "file", name, 0) != CR_OK)
		return CR_ENOMEM;
	return fn(ms, f, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_source_file files[2] = { { 0 } };
	cr_collect c = { .files = files };
	cr_manifests *ms = NULL;
	char *buf;
	size_t pick;

	if (size < 1 || !(buf = malloc(size)))
		return 0;
	pick = data[0] % (sizeof parsers / sizeof *parsers);
	c.nfiles = pick ? 2 : 1;
	/* NUL-terminated, as cr_collect_read() hands files to parsers. */
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (cr_ctx_new(&c.ctx) != CR_OK ||
	    cr_graph_new(&c.g, "/nonexistent") != CR_OK ||
	    cr_manifests_new(&ms, &c) != CR_OK)
		goto done;
	if (pick && parse(ms, c.g, &files[1], "package.json",
			cr_parse_package_json, manifest, sizeof manifest - 1) != CR_OK)
		goto done;
	if (parse(ms, c.g, &files[0], parsers[pick].name, parsers[pick].parse,
			buf, size - 1) != CR_OK)
		goto done;
	if (cr_manifests_finish(ms) == CR_OK && cr_graph_freeze(c.g) != CR_OK)
		abort();
done:
	cr_manifests_free(ms);
	for (size_t i = 0; i < c.ndeps; i++) {
		free((char *)c.deps[i].ecosystem);
		free((char *)c.deps[i].name);
	}
	free(c.deps);
	cr_graph_free(c.g);
	cr_ctx_free(c.ctx);
	free(buf);
	return 0;
}
