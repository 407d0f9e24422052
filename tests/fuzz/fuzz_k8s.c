/*
 * fuzz_k8s.c - libFuzzer harness for the Kubernetes, Helm and Kustomize
 * collector (facts/k8s*.c, facts/helm.c).
 *
 * The first byte picks the parser, the rest is the file: a Kubernetes
 * YAML stream, a Chart.yaml, a chart's values.yaml, or a kustomization.
 * Every input is then linked as the collector links a repository
 * (selectors, references) and the graph frozen, so the whole path from
 * bytes to edges runs under the sanitizers.  Manifests come from the
 * scanned repository: no input may crash, leak, read out of bounds or
 * take long (alias bombs included).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/k8s.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char chart_yaml[] = "apiVersion: v2\nname: fuzz\nversion: 1.0.0\n";

static int parse(struct k8s_state *st, uint8_t which, const char *buf,
	size_t len)
{
	int rc;

	switch (which % 4) {
	case 0:
		(void)k8s_looks_templated(buf, len);
		return k8s_parse_yaml(st, NULL, "deploy/app.yaml", buf, len);
	case 1:
		return k8s_helm_parse(st, NULL, "chart/Chart.yaml", "Chart.yaml",
			buf, len);
	case 2:
		rc = k8s_helm_parse(st, NULL, "chart/Chart.yaml", "Chart.yaml",
			chart_yaml, sizeof chart_yaml - 1);
		return rc ? rc : k8s_helm_parse(st, NULL, "chart/values.yaml",
			"values.yaml", buf, len);
	default:
		return k8s_helm_parse(st, NULL, "kustomization.yaml",
			"kustomization.yaml", buf, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_collect c = {0};
	struct k8s_state st;
	char *buf;

	if (size < 1 || !(buf = malloc(size)))
		return 0;
	/* NUL-terminated like cr_collect_read() leaves it. */
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (cr_ctx_new(&c.ctx) != CR_OK ||
	    cr_graph_new(&c.g, "/nonexistent") != CR_OK)
		goto done;
	k8s_state_init(&st, &c);
	if (parse(&st, data[0], buf, size - 1) == CR_OK &&
	    k8s_state_finish(&st) == CR_OK &&
	    cr_graph_freeze(c.g) != CR_OK)
		abort();
	k8s_state_release(&st);
done:
	cr_graph_free(c.g);
	cr_ctx_free(c.ctx);
	free(buf);
	return 0;
}
