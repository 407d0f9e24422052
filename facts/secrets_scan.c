/*
 * secrets_scan.c - scanning one buffer for secrets, and the redaction,
 * hash and fingerprint helpers every output of a secret goes through.
 *
 * A scan is one pass of the keyword prefilter (aho.c) over the buffer;
 * then, for each rule whose keyword occurred and whose path globs admit
 * the file, the rule's regex runs over the whole buffer (so multi-line
 * secrets such as PEM blocks are one match).  Each candidate secret (the
 * rule's capture group) must reach the rule's entropy floor and escape the
 * rule's and the global allowlists.  The survivors are put in buffer
 * order, overlaps between rules are settled in favour of the rule listed
 * first (specific provider rules come before the generic ones), and each
 * gets its line, column and whether its lines carry the
 * `crucible:allow-secret` marker (suppressed findings are still
 * reported, so that suppressions stay visible).
 *
 * Secrets themselves never leave this file except as offsets into the
 * caller's buffer; everything printable is made by cr_secret_redact().
 */
#include "facts/secrets_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crucible/glob.h"

#define SUPPRESS_MARKER "crucible:allow-secret"
#define MATCH_LIMIT 1000000         /* PCRE2 backtracking steps per call */
#define JIT_STACK_START (32 * 1024)
#define JIT_STACK_MAX (1024 * 1024)
#define ALL_RULES SIZE_MAX
#define REDACT_PREFIX_MAX 4

/* A match being collected, with the span of the whole regex match (the
 * suppression marker may sit anywhere on its lines). */
struct candidate {
	cr_secret_match m;
	size_t rule_index;
	size_t match_start;
	size_t match_end;
};

struct cr_secret_scanner {
	const cr_secret_rules *rules;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	pcre2_match_data *md;        /* rule regexes */
	pcre2_match_data *allow_md;  /* allowlist values */
	uint64_t *hits;
	struct candidate *cands;
	size_t count;
	size_t cap;
	cr_secret_match *matches;
	size_t match_cap;
};

int cr_secret_scanner_new(cr_secret_scanner **out, cr_ctx *ctx,
	const cr_secret_rules *rules)
{
	cr_secret_scanner *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		goto oom;
	s->rules = rules;
	s->mctx = pcre2_match_context_create(NULL);
	s->jit_stack = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX,
		NULL);
	s->md = pcre2_match_data_create(rules->max_groups, NULL);
	s->allow_md = pcre2_match_data_create(1, NULL);
	s->hits = calloc(cr_aho_words(rules->prefilter), sizeof *s->hits);
	if (!s->mctx || !s->jit_stack || !s->md || !s->allow_md || !s->hits)
		goto oom;
	pcre2_set_match_limit(s->mctx, MATCH_LIMIT);
	pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
	*out = s;
	return CR_OK;
oom:
	cr_secret_scanner_free(s);
	return cr_error_set(ctx, CR_ENOMEM, "out of memory for a secret "
		"scanner");
}

void cr_secret_scanner_free(cr_secret_scanner *s)
{
	if (!s)
		return;
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jit_stack);
	pcre2_match_data_free(s->md);
	pcre2_match_data_free(s->allow_md);
	free(s->hits);
	free(s->cands);
	free(s->matches);
	free(s);
}

/* --- candidates ---------------------------------------------------------- */

/* Shannon entropy in bits per byte. */
static double entropy_of(const char *s, size_t len)
{
	size_t counts[256] = {0};
	double h = 0;

	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (size_t c = 0; c < 256; c++)
		if (counts[c]) {
			double p = (double)counts[c] / (double)len;

			h -= p * log2(p);
		}
	return h;
}

static int push_candidate(cr_secret_scanner *s, const struct candidate *c)
{
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct candidate *grown = realloc(s->cands,
			cap * sizeof *grown);

		if (!grown)
			return CR_ENOMEM;
		s->cands = grown;
		s->cap = cap;
	}
	s->cands[s->count++] = *c;
	return CR_OK;
}

/* The filters after the regex: entropy, then both allowlists. */
static bool is_secret(cr_secret_scanner *s, const cr_secret_rule_data *rule,
	const char *secret, size_t len, double entropy)
{
	return entropy >= rule->entropy &&
		!cr_secret_allow_value(&rule->allow, secret, len, s->allow_md,
			s->mctx) &&
		!cr_secret_allow_value(&s->rules->allow, secret, len,
			s->allow_md, s->mctx);
}

static bool rule_applies(const cr_secret_rule_data *rule, const char *path)
{
	bool listed = rule->paths.count == 0;

	for (size_t i = 0; !listed && i < rule->paths.count; i++)
		listed = cr_glob_match(rule->paths.items[i], path);
	return listed && !cr_secret_allow_path(&rule->allow, path);
}

static int match_error(int rc)
{
	return rc == PCRE2_ERROR_NOMEMORY ? CR_ENOMEM : CR_ELIMIT;
}

/* Every match of rule i over the buffer, as candidates. */
static int run_rule(cr_secret_scanner *s, size_t i, const char *path,
	const char *buf, size_t len)
{
	const cr_secret_rule_data *rule = s->rules->rules[i];
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	uint32_t group = rule->secret_group;
	size_t start = 0;

	if (!rule_applies(rule, path))
		return CR_OK;
	while (start <= len) {
		int rc = pcre2_match(rule->regex->code, (PCRE2_SPTR)buf, len,
			start, 0, s->md, s->mctx);
		struct candidate c = {.rule_index = i};
		size_t next;

		if (rc == PCRE2_ERROR_NOMATCH)
			return CR_OK;
		if (rc < 0)
			return match_error(rc);
		c.match_start = ov[0];
		c.match_end = ov[1];
		next = ov[1] > start ? ov[1] : start + 1;
		if ((uint32_t)rc > group && ov[2 * group] != PCRE2_UNSET &&
		    ov[2 * group + 1] > ov[2 * group]) {
			c.m.rule = &rule->pub;
			c.m.offset = ov[2 * group];
			c.m.length = ov[2 * group + 1] - ov[2 * group];
			c.m.entropy = entropy_of(buf + c.m.offset, c.m.length);
			if (is_secret(s, rule, buf + c.m.offset, c.m.length,
				    c.m.entropy) &&
			    push_candidate(s, &c) != CR_OK)
				return CR_ENOMEM;
		}
		start = next;
	}
	return CR_OK;
}

/* --- ordering, overlaps, locations ----------------------------------------- */

static int by_offset(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->m.offset != y->m.offset)
		return x->m.offset < y->m.offset ? -1 : 1;
	return (x->rule_index > y->rule_index) - (x->rule_index < y->rule_index);
}

/* Where candidates overlap, the rule listed first keeps the span. */
static void resolve_overlaps(cr_secret_scanner *s)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->count; i++) {
		struct candidate *c = &s->cands[i];
		struct candidate *last = kept ? &s->cands[kept - 1] : NULL;

		if (last && c->m.offset < last->m.offset + last->m.length) {
			if (c->rule_index < last->rule_index)
				*last = *c;
			continue;
		}
		s->cands[kept++] = *c;
	}
	s->count = kept;
}

/* Whether the lines the match spans carry the suppression marker. */
static bool is_suppressed(const char *buf, size_t len,
	const struct candidate *c)
{
	const char *first = memrchr(buf, '\n', c->match_start);
	const char *last = memchr(buf + c->match_end, '\n',
		len - c->match_end);
	const char *from = first ? first + 1 : buf;
	const char *to = last ? last : buf + len;

	return memmem(from, (size_t)(to - from), SUPPRESS_MARKER,
		strlen(SUPPRESS_MARKER)) != NULL;
}

/* Lines and columns in one walk over the sorted candidates. */
static void locate(cr_secret_scanner *s, const char *buf, size_t len)
{
	size_t pos = 0, line_start = 0;
	uint32_t line = 1;

	for (size_t i = 0; i < s->count; i++) {
		struct candidate *c = &s->cands[i];
		const char *nl;

		while ((nl = memchr(buf + pos, '\n', c->m.offset - pos))) {
			line += line < UINT32_MAX;
			pos = line_start = (size_t)(nl - buf) + 1;
		}
		pos = c->m.offset;
		c->m.line = line;
		c->m.column = c->m.offset - line_start + 1 > UINT32_MAX ?
			UINT32_MAX : (uint32_t)(c->m.offset - line_start + 1);
		c->m.suppressed = is_suppressed(buf, len, c);
	}
}

static int publish(const cr_secret_match **matches, size_t *count,
	cr_secret_scanner *s)
{
	if (s->count > s->match_cap) {
		cr_secret_match *grown = realloc(s->matches,
			s->count * sizeof *grown);

		if (!grown)
			return CR_ENOMEM;
		s->matches = grown;
		s->match_cap = s->count;
	}
	for (size_t i = 0; i < s->count; i++)
		s->matches[i] = s->cands[i].m;
	*matches = s->matches;
	*count = s->count;
	return CR_OK;
}

/* --- scanning ------------------------------------------------------------ */

/* Run the rules whose keywords occur (only rule `only`, unless it is
 * ALL_RULES); a rule that hits a match limit is skipped and reported as
 * CR_ELIMIT once the others are done. */
static int scan(const cr_secret_match **matches, size_t *count,
	cr_secret_scanner *s, size_t only, const char *path, const char *buf,
	size_t len)
{
	const cr_secret_rules *r = s->rules;
	size_t words = cr_aho_words(r->prefilter);
	int err, result = CR_OK;

	*matches = NULL;
	*count = 0;
	s->count = 0;
	if (cr_secret_allow_path(&r->allow, path))
		return CR_OK;
	cr_aho_scan(s->hits, r->prefilter, buf, len);
	for (size_t w = 0; w < words; w++)
		for (uint64_t bits = s->hits[w]; bits; bits &= bits - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);

			if (only != ALL_RULES && i != only)
				continue;
			err = run_rule(s, i, path, buf, len);
			if (err == CR_ENOMEM)
				return err;
			if (err != CR_OK)
				result = err;
		}
	if (s->count > 1)
		qsort(s->cands, s->count, sizeof *s->cands, by_offset);
	if (only == ALL_RULES)
		resolve_overlaps(s);
	locate(s, buf, len);
	err = publish(matches, count, s);
	return err != CR_OK ? err : result;
}

int cr_secret_scan(const cr_secret_match **matches, size_t *count,
	cr_secret_scanner *s, const char *path, const char *buf, size_t len)
{
	return scan(matches, count, s, ALL_RULES, path, buf, len);
}

int cr_secret_scan_rule(const cr_secret_match **matches, size_t *count,
	cr_secret_scanner *s, size_t index, const char *path, const char *buf,
	size_t len)
{
	return scan(matches, count, s, index, path, buf, len);
}

/* --- redaction and fingerprints ------------------------------------------ */

static void sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, data, len);
	sodium_bin2hex(out, 65, hash, sizeof hash);
}

void cr_secret_hash(char out[13], const char *secret, size_t len)
{
	char hex[65];

	sha256_hex(hex, secret, len);
	memcpy(out, hex, 12);
	out[12] = '\0';
}

void cr_secret_redact(char *out, size_t size, const char *secret,
	size_t len)
{
	size_t shown = len / 4 < REDACT_PREFIX_MAX ? len / 4 :
		REDACT_PREFIX_MAX;
	char prefix[REDACT_PREFIX_MAX + 1];
	char hash[13];

	if (!size)
		return;
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)secret[i];

		prefix[i] = c > ' ' && c < 0x7f ? (char)c : '?';
	}
	prefix[shown] = '\0';
	cr_secret_hash(hash, secret, len);
	snprintf(out, size, "%s...(%zu chars, %s)", prefix, len, hash);
}

void cr_secret_fingerprint(char out[33], const char *rule_id,
	const char *path, const char *secret, size_t len)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	char secret_hash[65];
	char hex[65];

	sha256_hex(secret_hash, secret, len);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)rule_id,
		strlen(rule_id) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)path,
		strlen(path) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)secret_hash,
		64);
	crypto_hash_sha256_final(&st, hash);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	memcpy(out, hex, 32);
	out[32] = '\0';
}
