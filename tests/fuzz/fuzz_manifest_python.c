/*
 * fuzz_manifest_python.c - libFuzzer harness for the Python parsers
 * (facts/manifests_python.c): the first byte picks a requirements file,
 * pyproject.toml, Pipfile, Pipfile.lock or poetry.lock, the rest is that
 * file.  A lockfile is parsed beside a fixed manifest of the same
 * directory, so that pairing and version resolution
 * (cr_manifests_finish) run over whatever the lockfile yielded.
 * Includes of a requirements file name files that cannot be read here:
 * each must end as a parse_error node.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/manifests.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *name;
	cr_manifest_parser parse;
	const char *manifest;   /* what a lockfile pins, or NULL */
	cr_manifest_parser parse_manifest;
	const char *text;
} parsers[] = {
	{ "requirements.txt", cr_parse_requirements, NULL, NULL, NULL },
	{ "pyproject.toml", cr_parse_pyproject, NULL, NULL, NULL },
	{ "Pipfile", cr_parse_pipfile, NULL, NULL, NULL },
	{ "Pipfile.lock", cr_parse_pipfile_lock, "Pipfile", cr_parse_pipfile,
	  "[packages]\nflask = \"*\"\nRequests = {version = \">=2\"}\n" },
	{ "poetry.lock", cr_parse_poetry_lock, "pyproject.toml",
	  cr_parse_pyproject,
	  "[tool.poetry.dependencies]\npython = \"^3.11\"\nfastapi = \"^0.1\"\n"
	  "[tool.poetry.group.dev.dependencies]\nruff = \"*\"\n" },
};

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
	c.nfiles = parsers[pick].manifest ? 2 : 1;
	/* NUL-terminated, as cr_collect_read() hands files to parsers. */
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (cr_ctx_new(&c.ctx) != CR_OK ||
	    cr_graph_new(&c.g, "/nonexistent") != CR_OK ||
	    cr_manifests_new(&ms, &c) != CR_OK)
		goto done;
	if (parsers[pick].manifest &&
	    parse(ms, c.g, &files[1], parsers[pick].manifest,
		    parsers[pick].parse_manifest, parsers[pick].text,
		    strlen(parsers[pick].text)) != CR_OK)
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
