/*
 * fuzz_dockerfile.c - libFuzzer harness for the Dockerfile parser, the
 * RUN analysis and the facts built from them (facts/dockerfile_parse.c,
 * facts/dockerfile_run.c, facts/docker.c): arbitrary bytes as a
 * Dockerfile, collected into a throw-away graph.
 *
 * Dockerfiles come from the scanned repository: no input may read out of
 * bounds, leak, or fail with anything but CR_ENOMEM; parse problems must
 * end as parse_error nodes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/dockerfile_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cr_collect c = {0};
	char *buf = malloc(size + 1);
	int rc;

	if (!buf || cr_ctx_new(&c.ctx) != CR_OK ||
	    cr_graph_new(&c.g, "/nonexistent") != CR_OK)
		goto done;
	memcpy(buf, data, size);
	buf[size] = '\0';
	rc = cr_dockerfile_collect_buffer(&c, NULL, "Dockerfile", buf, size);
	if (rc != CR_OK && rc != CR_ENOMEM)
		abort();
done:
	cr_graph_free(c.g);
	cr_ctx_free(c.ctx);
	free(buf);
	return 0;
}
