/*
 * secrets_scan.c - scanning one buffer for secrets, and the redaction,
 * hash and fingerprint helpers every output of a secret goes through.
 *
 * A scan is one pass of the keyword prefilter (aho.c) over the buffer,
 * which also says where each keyword ends; then, for each rule whose
 * keyword occurred and whose path globs admit the file, the rule's regex
 * runs.  Most rules' secrets sit on the line that names them (a provider
 * prefix, `password =`), and for those the regex only runs over the lines
 * holding one of the rule's keywords: in source code, where words like
 * "token" and "key" are everywhere, that is a small part of the file.  A
 * rule is searched that way when every match of its true-positive
 * examples lies within one line holding one of its keywords (checked when
 * a scanner is made); the others (PEM blocks spanning lines, rules whose
 * keyword is context found elsewhere in the file, rules without examples)
 * run over the whole buffer.  Each candidate secret (the
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
#include "facts/aho_events.h"

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

/* The line around a keyword end: [start, end), end past its newline. */
struct line {
	size_t start, end;
};

struct cr_secret_scanner {
	const cr_secret_rules *rules;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	pcre2_match_data *md;        /* rule regexes */
	pcre2_match_data *allow_md;  /* allowlist values */
	uint64_t *hits;
	uint64_t *by_line;           /* rules searched line by line */
	uint64_t *live;              /* ... and to search in this scan */
	uint64_t *open;              /* ... with a run of lines pending */
	struct line *runs;           /* per rule: its pending run */
	cr_aho_events events;
	struct line *lines;          /* of each event, events.cap of them */
	size_t line_cap;
	struct candidate *cands;
	size_t count;
	size_t cap;
	cr_secret_match *matches;
	size_t match_cap;
};

/* --- keyword lines ---------------------------------------------------------- */

static bool has_tag(const uint64_t *tags, size_t i)
{
	return tags[i / 64] >> (i % 64) & 1;
}

/* Find the keywords in buf (hits and events) and the line of each event,
 * in one walk: events are in buffer order, and a long line (minified
 * code) is measured once however many keywords it holds. */
static int find_keywords(cr_secret_scanner *s, const char *buf, size_t len)
{
	cr_aho_events *ev = &s->events;
	struct line cur = {0};
	int rc;

	if ((rc = cr_aho_scan_events(s->hits, ev, s->rules->prefilter, buf,
		     len)) != CR_OK)
		return rc;
	if (ev->cap > s->line_cap) {
		struct line *grown = realloc(s->lines, ev->cap *
			sizeof *grown);

		if (!grown)
			return CR_ENOMEM;
		s->lines = grown;
		s->line_cap = ev->cap;
	}
	for (size_t i = 0; i < ev->count; i++) {
		size_t at = ev->items[i].at;

		if (i == 0 || at >= cur.end) {
			const char *nl = memrchr(buf + cur.end, '\n',
				at - cur.end);

			cur.start = nl ? (size_t)(nl - buf) + 1 : cur.end;
			nl = memchr(buf + at, '\n', len - at);
			cur.end = nl ? (size_t)(nl - buf) + 1 : len;
		}
		s->lines[i] = cur;
	}
	return CR_OK;
}

/* Whether [from, to) lies within the line of an event of rule i. */
static bool on_keyword_line(const cr_secret_scanner *s, size_t i,
	size_t from, size_t to)
{
	for (size_t k = 0; k < s->events.count; k++)
		if (has_tag(cr_aho_event_tags(s->rules->prefilter,
			    &s->events.items[k]), i) &&
		    s->lines[k].start <= from && to <= s->lines[k].end)
			return true;
	return false;
}

/* Whether every match of rule i in `example` lies on a keyword line. */
static int example_by_line(bool *yes, cr_secret_scanner *s, size_t i,
	const char *example)
{
	const pcre2_code *code = s->rules->rules[i]->regex->code;
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	size_t len = strlen(example), start = 0;
	int rc;

	if ((rc = find_keywords(s, example, len)) != CR_OK)
		return rc;
	*yes = true;
	while (*yes && start <= len &&
	       pcre2_match(code, (PCRE2_SPTR)example, len, start, 0, s->md,
		       s->mctx) >= 0) {
		*yes = on_keyword_line(s, i, ov[0], ov[1]);
		start = ov[1] > start ? ov[1] : start + 1;
	}
	return CR_OK;
}

/* Which rules may be searched line by line, from their examples. */
static int classify_rules(cr_secret_scanner *s)
{
	const cr_secret_rules *r = s->rules;

	for (size_t i = 0; i < r->count; i++) {
		const cr_secret_strings *tp = &r->rules[i]->tp;
		bool yes = tp->count > 0;
		int rc;

		for (size_t k = 0; yes && k < tp->count; k++)
			if ((rc = example_by_line(&yes, s, i,
				     tp->items[k])) != CR_OK)
				return rc;
		if (yes)
			s->by_line[i / 64] |= UINT64_C(1) << (i % 64);
	}
	return CR_OK;
}

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
	s->by_line = calloc(cr_aho_words(rules->prefilter),
		sizeof *s->by_line);
	s->live = calloc(cr_aho_words(rules->prefilter), sizeof *s->live);
	s->open = calloc(cr_aho_words(rules->prefilter), sizeof *s->open);
	s->runs = calloc(rules->count + 1, sizeof *s->runs);
	if (!s->mctx || !s->jit_stack || !s->md || !s->allow_md || !s->hits ||
	    !s->by_line || !s->live || !s->open || !s->runs)
		goto oom;
	pcre2_set_match_limit(s->mctx, MATCH_LIMIT);
	pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
	if (classify_rules(s) != CR_OK)
		goto oom;
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
	free(s->by_line);
	free(s->live);
	free(s->open);
	free(s->runs);
	cr_aho_events_free(&s->events);
	free(s->lines);
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

/* Every match of rule i that starts in [from, to) and ends by `to`, as
 * candidates. */
static int search(cr_secret_scanner *s, size_t i, const char *buf,
	size_t from, size_t to)
{
	const cr_secret_rule_data *rule = s->rules->rules[i];
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	uint32_t group = rule->secret_group;
	size_t start = from;

	while (start <= to) {
		int rc = pcre2_match(rule->regex->code, (PCRE2_SPTR)buf, to,
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

/* A search's error folded into the scan's result: running out of memory
 * ends the scan (returned), a match limit is kept while the other rules
 * go on. */
static int settle(int *result, int err)
{
	if (err != CR_OK && err != CR_ENOMEM)
		*result = err;
	return err == CR_ENOMEM ? err : CR_OK;
}

/* The live rules over the lines holding their keywords, in one walk over
 * the keyword ends: a rule's run of overlapping or adjacent keyword lines
 * is searched as one once its next keyword lies beyond the run. */
static int search_lines(cr_secret_scanner *s, const char *buf, int *result)
{
	const cr_aho *a = s->rules->prefilter;
	size_t words = cr_aho_words(a);
	int rc = CR_OK;

	memset(s->open, 0, words * sizeof *s->open);
	for (size_t k = 0; rc == CR_OK && k < s->events.count; k++) {
		const uint64_t *tags = cr_aho_event_tags(a, &s->events.items[k]);
		const struct line *line = &s->lines[k];

		for (size_t w = 0; rc == CR_OK && w < words; w++)
			for (uint64_t bits = tags[w] & s->live[w]; bits &&
			     rc == CR_OK; bits &= bits - 1) {
				size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
				struct line *run = &s->runs[i];

				if (has_tag(s->open, i) && line->start <= run->end) {
					run->end = line->end;
					continue;
				}
				if (has_tag(s->open, i))
					rc = settle(result, search(s, i, buf,
						run->start, run->end));
				*run = *line;
				s->open[w] |= UINT64_C(1) << (i % 64);
			}
	}
	for (size_t w = 0; rc == CR_OK && w < words; w++)
		for (uint64_t bits = s->open[w]; bits && rc == CR_OK;
		     bits &= bits - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);

			rc = settle(result, search(s, i, buf, s->runs[i].start,
				s->runs[i].end));
		}
	return rc;
}

/* The rules whose keywords occur (only rule `only`, unless it is
 * ALL_RULES) and whose paths admit the file: those searched over the
 * whole buffer run now, the others become live for search_lines(). */
static int search_whole(cr_secret_scanner *s, size_t only, const char *path,
	const char *buf, size_t len, int *result)
{
	size_t words = cr_aho_words(s->rules->prefilter);
	int rc = CR_OK;

	memset(s->live, 0, words * sizeof *s->live);
	for (size_t w = 0; w < words && rc == CR_OK; w++)
		for (uint64_t bits = s->hits[w]; bits && rc == CR_OK;
		     bits &= bits - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);

			if ((only != ALL_RULES && i != only) ||
			    !rule_applies(s->rules->rules[i], path))
				continue;
			if (has_tag(s->by_line, i))
				s->live[w] |= UINT64_C(1) << (i % 64);
			else
				rc = settle(result, search(s, i, buf, 0, len));
		}
	return rc;
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
	int err, result = CR_OK;

	*matches = NULL;
	*count = 0;
	s->count = 0;
	if (cr_secret_allow_path(&r->allow, path))
		return CR_OK;
	if ((err = find_keywords(s, buf, len)) != CR_OK ||
	    (err = search_whole(s, only, path, buf, len, &result)) != CR_OK ||
	    (err = search_lines(s, buf, &result)) != CR_OK)
		return err;
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
