/*
 * fuzz_compose.c - libFuzzer harness for the docker-compose collector
 * (facts/compose.c): arbitrary bytes as a compose file, parsed with
 * aliases expanded under the node budget and collected into a
 * throw-away graph.
 *
 * Compose files come from the scanned repository: no input may read out
 * of bounds, leak, blow up through aliases, or fail with anything but
 * CR_ENOMEM.
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
	rc = cr_compose_collect_buffer(&c, NULL, "compose.yaml", buf, size);
	if (rc != CR_OK && rc != CR_ENOMEM)
		abort();
done:
	cr_graph_free(c.g);
	cr_ctx_free(c.ctx);
	free(buf);
	return 0;
}
