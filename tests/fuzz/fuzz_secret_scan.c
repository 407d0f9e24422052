/*
 * fuzz_secret_scan.c - libFuzzer harness for the secret scanner
 * (facts/secrets_scan.c, facts/aho.c) with the built-in rules: arbitrary
 * bytes as a file's content, scanned, every match checked for coherence
 * and put through the redaction and fingerprint helpers.
 *
 * Every file and history blob of a scanned repository reaches the
 * scanner, binary or not, so no input may crash it, make it read outside
 * the buffer, or report a match that is not inside the buffer, out of
 * order, or with a line that does not match its offset.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cr_secret_scanner *scanner(void)
{
	static cr_secret_rules *rules;
	static cr_secret_scanner *s;
	cr_ctx *ctx;

	if (s)
		return s;
	if (cr_ctx_new(&ctx) != CR_OK ||
	    cr_secret_rules_builtin(&rules, ctx) != CR_OK ||
	    cr_secret_scanner_new(&s, ctx, rules) != CR_OK)
		abort();
	cr_ctx_free(ctx);
	return s;
}

static uint32_t line_of(const uint8_t *data, size_t offset)
{
	uint32_t line = 1;

	for (size_t i = 0; i < offset; i++)
		line += data[i] == '\n';
	return line;
}

static void check(const uint8_t *data, size_t size, const cr_secret_match *m)
{
	const char *secret = (const char *)data + m->offset;
	char redacted[96], tail[40], fingerprint[33];
	size_t shown = m->length / 4 < 4 ? m->length / 4 : 4;

	if (m->length == 0 || m->offset + m->length > size ||
	    m->line != line_of(data, m->offset) || m->column == 0)
		abort();
	/* At most 4 characters and a quarter of the secret, then "...". */
	cr_secret_redact(redacted, sizeof redacted, secret, m->length);
	snprintf(tail, sizeof tail, "...(%zu chars, ", m->length);
	if (strncmp(redacted + shown, tail, strlen(tail)) != 0)
		abort();
	cr_secret_fingerprint(fingerprint, m->rule->id, "fuzz.txt", secret,
		m->length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const cr_secret_match *m;
	size_t n;

	if (cr_secret_scan(&m, &n, scanner(), "fuzz.txt", (const char *)data,
		    size) == CR_ENOMEM)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i && m[i].offset < m[i - 1].offset + m[i - 1].length)
			abort();
		check(data, size, &m[i]);
	}
	return 0;
}
