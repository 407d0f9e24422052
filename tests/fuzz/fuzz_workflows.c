/*
 * fuzz_workflows.c - libFuzzer harness for the CI collectors
 * (facts/workflows.c, facts/ci_other.c).  The first byte picks the file
 * the rest of the input pretends to be - a GitHub workflow or action, a
 * GitLab, CircleCI, Azure or Bitbucket pipeline, a Jenkinsfile, a
 * Dependabot or Renovate configuration - and the parser of that system
 * adds its facts to a fresh graph.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/workflows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	".github/workflows/ci.yml", "action.yml", ".gitlab-ci.yml",
	".circleci/config.yml", "azure-pipelines.yml",
	"bitbucket-pipelines.yml", "Jenkinsfile", ".github/dependabot.yml",
	"renovate.json",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_facts_options opts;
	cr_source_file f = {0};
	cr_collect c = {0};
	const char *system, *path;
	cr_graph *g = NULL;
	cr_ctx *ctx = NULL;
	char *buf;

	if (size < 1 || cr_ctx_new(&ctx) != CR_OK)
		return 0;
	path = paths[data[0] % (sizeof paths / sizeof *paths)];
	buf = malloc(size);
	if (!buf || cr_graph_new(&g, "/nonexistent") != CR_OK ||
	    cr_graph_add(g, &f.node, "file", path, 0) != CR_OK)
		goto done;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	f.path = path;
	f.name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	f.size = size - 1;
	cr_facts_options_default(&opts);
	c = (cr_collect){ .g = g, .ctx = ctx, .files = &f, .nfiles = 1,
		.opts = &opts };
	system = cr_ci_system_of(&f);
	if (cr_ci_update_tool_of(&f))
		cr_ci_update_parse(&c, &f, buf, size - 1);
	else if (!system || strcmp(system, "github") == 0)
		cr_ci_github_parse(&c, &f, buf, size - 1);
	else
		cr_ci_other_parse(&c, &f, system, buf, size - 1);
	cr_graph_freeze(g);
done:
	free(buf);
	cr_graph_free(g);
	cr_ctx_free(ctx);
	return 0;
}
