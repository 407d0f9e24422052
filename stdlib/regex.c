/*
 * regex.c - the PCRE2 wrapper of regex.h.
 *
 * Policies run regexes over every line of a repository, so a pattern is
 * compiled once (JIT when available) and reused with match data sized for
 * its groups.  PCRE2's default match, depth and heap limits stay in force:
 * a catastrophic pattern stops with CR_ELIMIT instead of hanging a policy.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "stdlib/regex.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/* How much of a pattern an error message quotes. */
#define SOURCE_QUOTE_MAX 200

struct cr_regex {
	pcre2_code *code;
	pcre2_match_data *match;
	size_t groups;
	char *source;
	size_t source_len;
};

/* The precision for quoting a pattern of len bytes with "%.*s". */
static int quote_len(size_t len)
{
	return (int)(len < SOURCE_QUOTE_MAX ? len : SOURCE_QUOTE_MAX);
}

static const char *error_text(int code, PCRE2_UCHAR *buf, size_t size)
{
	if (pcre2_get_error_message(code, buf, size) < 0)
		return "unknown PCRE2 error";
	return (const char *)buf;
}

static int compile_error(cr_ctx *ctx, const char *pattern, size_t len,
	int code, size_t offset)
{
	PCRE2_UCHAR msg[256];

	return cr_error_set(ctx, CR_EPARSE,
		"invalid regex \"%.*s\": %s at offset %zu", quote_len(len),
		pattern, error_text(code, msg, sizeof msg), offset);
}

int cr_regex_compile(cr_regex **out, cr_ctx *ctx, const char *pattern,
	size_t len)
{
	cr_regex *re;
	uint32_t captures = 0;
	int code, rc = CR_ENOMEM;
	PCRE2_SIZE offset;

	*out = NULL;
	re = calloc(1, sizeof *re);
	if (!re)
		goto done;
	re->code = pcre2_compile((PCRE2_SPTR)pattern, len,
		PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C,
		&code, &offset, NULL);
	if (!re->code) {
		rc = compile_error(ctx, pattern, len, code, offset);
		goto done;
	}
	/* Without JIT support matching falls back to the interpreter. */
	pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &captures);
	re->groups = (size_t)captures + 1;
	re->match = pcre2_match_data_create_from_pattern(re->code, NULL);
	re->source = malloc(len + 1);
	if (!re->match || !re->source)
		goto done;
	memcpy(re->source, pattern, len);
	re->source[len] = '\0';
	re->source_len = len;
	*out = re;
	re = NULL;
	rc = CR_OK;
done:
	if (rc == CR_ENOMEM)
		cr_error_set(ctx, rc, "out of memory compiling a regex");
	cr_regex_free(re);
	return rc;
}

void cr_regex_free(cr_regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->match);
	pcre2_code_free(re->code);
	free(re->source);
	free(re);
}

const char *cr_regex_source(const cr_regex *re, size_t *len)
{
	*len = re->source_len;
	return re->source;
}

int cr_regex_exec(cr_regex *re, cr_ctx *ctx, const char *subject,
	size_t len)
{
	PCRE2_UCHAR msg[256];
	int rc;

	rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, re->match,
		NULL);
	if (rc >= 0)
		return 1;
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		return 0;
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return cr_error_set(ctx, CR_ELIMIT,
			"regex \"%.*s\" gave up: too much backtracking",
			quote_len(re->source_len), re->source);
	}
	return cr_error_set(ctx, CR_EINTERNAL, "regex match failed: %s",
		error_text(rc, msg, sizeof msg));
}

size_t cr_regex_group_count(const cr_regex *re)
{
	return re->groups;
}

bool cr_regex_group(const cr_regex *re, size_t i, size_t *start,
	size_t *end)
{
	const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(re->match);

	if (i >= re->groups || ovector[2 * i] == PCRE2_UNSET)
		return false;
	*start = ovector[2 * i];
	*end = ovector[2 * i + 1];
	return true;
}
