/*
 * collect.c - full fact collection in process, for the fact collection
 * benchmark: cr_facts_collect() with the default options (every
 * collector, as `crucible eval` with the readiness bundle and `crucible
 * facts` run them), then cr_graph_free().  Against `crucible facts`, the
 * difference is the cost of rendering the JSON.
 *
 *   collect DIR [structured]
 *
 * With `structured`, only the collectors of the files the baseline parses
 * run (manifests, workflows, Dockerfiles, Kubernetes): the file inventory
 * and git facts still do, docs, code signals and secrets do not.
 *
 * Prints the node counts of the kinds the benchmark repository is made
 * of, so that a collector that stopped recognising its files shows.
 */
#include <stdio.h>
#include <string.h>

#include "crucible/facts.h"

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "manifest", "dependency",
		"k8s_object", "workload", "dockerfile", "workflow", "step",
		"parse_error" };
	cr_facts_options opts;
	cr_graph *g = NULL;
	cr_ctx *ctx = NULL;
	int rc;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && strcmp(argv[2], "structured") != 0)) {
		fprintf(stderr, "usage: collect DIR [structured]\n");
		return 2;
	}
	if (cr_ctx_new(&ctx) != CR_OK)
		return 3;
	cr_facts_options_default(&opts);
	if (argc == 3)
		opts.collectors = CR_FACTS_MANIFESTS | CR_FACTS_WORKFLOWS |
			CR_FACTS_DOCKER | CR_FACTS_K8S;
	if ((rc = cr_facts_collect_with(&g, ctx, argv[1], &opts)) != CR_OK) {
		fprintf(stderr, "collect: %s\n", cr_ctx_error(ctx));
		goto done;
	}
	printf("nodes=%zu", cr_graph_count(g));
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		size_t n;

		cr_graph_nodes(g, kinds[i], &n);
		printf(" %s=%zu", kinds[i], n);
	}
	printf("\n");
done:
	cr_graph_free(g);
	cr_ctx_free(ctx);
	return rc == CR_OK ? 0 : 3;
}
