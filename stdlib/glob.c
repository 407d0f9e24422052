/*
 * glob.c - path globs as policies and configs write them (syntax in
 * include/crucible/glob.h).
 *
 * Both pattern and path are read as '/'-separated segments.  Matching runs
 * the classic wildcard algorithm at two levels: inside a segment '*' may
 * absorb characters, across segments '**' may absorb whole segments.  Every
 * other atom consumes exactly one character (one segment at the outer
 * level), so resuming from the most recent star is enough to find a match
 * when there is one: no recursion, no allocation, and O(pattern * path)
 * steps even for patterns like "*a*a*a*a*b".
 *
 * Conventions beyond the header, in the spirit of .gitignore:
 *   - a pattern with no '/' other than trailing ones ("*.pem", "build/")
 *     matches at any depth, as if it began with a "**" segment;
 *   - a trailing '/' means "everything below": "secrets/" is "secrets/"
 *     followed by a "**" segment, so it matches "secrets/a" and
 *     "secrets/a/b" but not "secrets" itself;
 *   - a final "**" matches one or more segments, any other "**" zero or
 *     more; "**" inside a segment ("a**b") is a plain '*';
 *   - '/' always separates segments, even after '\' or inside "[...]";
 *   - an unterminated '[' is a literal '['; matching is byte-wise.
 */
#include "crucible/glob.h"

#include <stdlib.h>
#include <string.h>

/* The end of the segment starting at p: the next '/' or end. */
static const char *segment_end(const char *p, const char *end)
{
	const char *slash = memchr(p, '/', (size_t)(end - p));

	return slash ? slash : end;
}

/* The start of the segment after the one ending at e. */
static const char *segment_next(const char *e, const char *end)
{
	return e < end ? e + 1 : end;
}

static bool is_globstar(const char *p, const char *e)
{
	return e - p == 2 && p[0] == '*' && p[1] == '*';
}

/* One possibly escaped character of a bracket expression. */
static unsigned char class_char(const char **q, const char *pe)
{
	if (**q == '\\' && *q + 1 < pe)
		(*q)++;
	return (unsigned char)*(*q)++;
}

/*
 * Match c against the bracket expression at *p ("[...]").  Returns false
 * when the expression is not terminated inside the segment, in which case
 * the caller takes '[' literally.  On success *p moves past the ']'.
 */
static bool class_match(const char **p, const char *pe, unsigned char c,
	bool *matched)
{
	const char *q = *p + 1;
	bool negate = false, found = false, first = true;

	if (q < pe && (*q == '!' || *q == '^')) {
		negate = true;
		q++;
	}
	for (;;) {
		unsigned char lo, hi;

		if (q >= pe)
			return false;
		if (*q == ']' && !first)
			break;
		first = false;
		lo = hi = class_char(&q, pe);
		if (q + 1 < pe && q[0] == '-' && q[1] != ']') {
			q++;
			hi = class_char(&q, pe);
		}
		if (c >= lo && c <= hi)
			found = true;
	}
	*p = q + 1;
	*matched = found != negate;
	return true;
}

/* Match one non-star atom at *p against c, moving *p past the atom. */
static bool atom_match(const char **p, const char *pe, unsigned char c)
{
	bool matched;

	switch (**p) {
	case '?':
		(*p)++;
		return true;
	case '[':
		if (class_match(p, pe, c, &matched))
			return matched;
		break;
	case '\\':
		if (*p + 1 < pe)
			(*p)++;
		break;
	}
	return (unsigned char)*(*p)++ == c;
}

/* Match the pattern segment [p, pe) against the path segment [s, se). */
static bool segment_match(const char *p, const char *pe, const char *s,
	const char *se)
{
	const char *star_p = NULL, *star_s = NULL;

	while (p < pe || s < se) {
		if (p < pe && *p == '*') {
			while (p < pe && *p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (p < pe && s < se) {
			const char *q = p;

			if (atom_match(&q, pe, (unsigned char)*s)) {
				p = q;
				s++;
				continue;
			}
		}
		if (!star_p || star_s == se)
			return false;
		p = star_p;
		s = ++star_s;
	}
	return true;
}

/*
 * Match the segments of [pat, pend) against the path [s, send).  any_depth
 * puts a virtual "**" before the pattern, below_only a virtual final "**"
 * after it.
 */
static bool segments_match(const char *pat, const char *pend, bool any_depth,
	bool below_only, const char *s, const char *send)
{
	const char *p = pat, *star_p = NULL, *star_s = NULL;

	if (any_depth) {
		star_p = pat;
		star_s = s;
	}
	for (;;) {
		if (p == pend) {
			if (below_only ? s < send : s == send)
				return true;
		} else {
			const char *pe = segment_end(p, pend);

			if (!is_globstar(p, pe)) {
				const char *se = segment_end(s, send);

				if (s < send && segment_match(p, pe, s, se)) {
					p = segment_next(pe, pend);
					s = segment_next(se, send);
					continue;
				}
			} else if (pe == pend && !below_only) {
				if (s < send)
					return true;
			} else {
				p = star_p = segment_next(pe, pend);
				star_s = s;
				continue;
			}
		}
		if (!star_p || star_s == send)
			return false;
		p = star_p;
		s = star_s = segment_next(segment_end(star_s, send), send);
	}
}

/* A pattern taken apart once: where its segments are, how it anchors,
 * and the literal bytes a one-segment pattern starts and ends with.  The
 * empty pattern (pat NULL) matches nothing. */
struct prepared {
	const char *pat, *pend;
	bool below_only, any_depth, basename_only;
	size_t prefix_len, suffix_len; /* suffix: after the last '*' or '?' */
	bool literal;                  /* no wildcard at all */
};

/* The byte every basename a one-segment pattern matches must start
 * (first) or end (!first) with, from its literal prefix or suffix; -1
 * when any will do. */
static int edge_byte(const struct prepared *pp, bool first)
{
	size_t len = first || pp->literal ? pp->prefix_len : pp->suffix_len;

	if (!pp->basename_only || !len)
		return -1;
	return (unsigned char)(first ? pp->pat[0] : pp->pend[-1]);
}

static bool is_wild(char c)
{
	return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
}

/* False for the empty pattern, which matches nothing. */
static bool prepare(struct prepared *pp, const char *pattern)
{
	const char *pat = pattern, *pend, *p, *s;
	bool anchored;

	if (!*pattern)
		return false;
	while (*pat == '/')
		pat++;
	anchored = pat != pattern;
	pend = pat + strlen(pat);
	pp->below_only = pend > pat && pend[-1] == '/';
	while (pend > pat && pend[-1] == '/')
		pend--;
	pp->pat = pat;
	pp->pend = pend;
	pp->any_depth = !anchored && !memchr(pat, '/', (size_t)(pend - pat));
	pp->basename_only = pp->any_depth && !pp->below_only;
	for (p = pat; p < pend && (!is_wild(*p) || *p == ']'); p++)
		;
	pp->prefix_len = (size_t)(p - pat);
	pp->literal = p == pend;
	for (s = pend; s > p && !is_wild(s[-1]); s--)
		;
	pp->suffix_len = s > p && s < pend && (s[-1] == '*' || s[-1] == '?') ?
		(size_t)(pend - s) : 0;
	return true;
}

/*
 * One-segment patterns are compared with the basename on their literal
 * prefix and suffix before the matcher runs: policies and collectors test
 * dozens of patterns against every file of large trees, and most names
 * fail on their first or last byte.
 */
static bool prepared_match(const struct prepared *pp, const char *path,
	const char *send, const char *base)
{
	size_t nlen = (size_t)(send - base);

	if (!pp->pat)
		return false;
	if (!pp->basename_only)
		return segments_match(pp->pat, pp->pend, pp->any_depth,
			pp->below_only, path, send);
	if (!*path || pp->prefix_len > nlen ||
	    memcmp(pp->pat, base, pp->prefix_len) != 0)
		return false;
	if (pp->literal)
		return pp->prefix_len == nlen;
	if (pp->suffix_len && (pp->suffix_len > nlen - pp->prefix_len ||
			       memcmp(pp->pend - pp->suffix_len,
				      send - pp->suffix_len, pp->suffix_len) != 0))
		return false;
	return segment_match(pp->pat, pp->pend, base, send);
}

static const char *basename_in(const char *path, const char *send)
{
	const char *slash = memrchr(path, '/', (size_t)(send - path));

	return slash ? slash + 1 : path;
}

bool cr_glob_match(const char *pattern, const char *path)
{
	struct prepared pp;
	const char *send = path + strlen(path);

	return prepare(&pp, pattern) &&
		prepared_match(&pp, path, send, basename_in(path, send));
}

/*
 * A set keeps, beside each pattern, the first and last byte its
 * basenames need and a run of bytes its paths hold, and the union of the
 * edge bytes over the set: a tree's file is then usually turned down on
 * two bit tests, and otherwise run through the matcher for few patterns,
 * whatever the length of the list.
 */
struct set_pattern {
	struct prepared pp;
	int first, last; /* edge_byte(), -1 when any */
	const char *lit; /* longest_literal() */
	size_t lit_len;
};

/*
 * The longest run of plain bytes inside one segment of the pattern:
 * every path it matches holds that run, since each plain byte consumes
 * one byte of a path segment, in order.  Anything else ends a run, and
 * a '[' the rest of its segment (a class, or a literal '[').
 */
static size_t longest_literal(const char **lit, const struct prepared *pp)
{
	size_t best = 0;

	for (const char *p = pp->pat, *start = p;; p++) {
		if (p < pp->pend && *p != '/' && !is_wild(*p))
			continue;
		if ((size_t)(p - start) > best) {
			best = (size_t)(p - start);
			*lit = start;
		}
		if (p < pp->pend && *p == '[')
			p = segment_end(p, pp->pend);
		if (p >= pp->pend)
			return best;
		start = p + 1;
	}
}

struct cr_glob_set {
	size_t count;
	uint64_t firsts[4], lasts[4]; /* bytes some pattern accepts */
	struct set_pattern patterns[];
};

static void bytes_add(uint64_t bits[4], int byte)
{
	if (byte < 0)
		memset(bits, 0xff, 4 * sizeof *bits);
	else
		bits[byte >> 6] |= UINT64_C(1) << (byte & 63);
}

static bool bytes_have(const uint64_t bits[4], unsigned char byte)
{
	return bits[byte >> 6] >> (byte & 63) & 1;
}

/* memmem() without its set-up, which costs more than the search on
 * strings as short as paths. */
static bool holds(const char *s, const char *end, const char *lit,
	size_t len)
{
	const char *last;

	if ((size_t)(end - s) < len)
		return false;
	last = end - len;
	for (const char *p = s; p <= last &&
	     (p = memchr(p, lit[0], (size_t)(last - p) + 1)); p++)
		if (memcmp(p, lit, len) == 0)
			return true;
	return false;
}

int cr_glob_set_new(cr_glob_set **out, const char *const *patterns,
	size_t count)
{
	cr_glob_set *set = calloc(1, sizeof *set +
		count * sizeof *set->patterns);

	*out = NULL;
	if (!set)
		return CR_ENOMEM;
	set->count = count;
	for (size_t i = 0; i < count; i++) {
		struct set_pattern *sp = &set->patterns[i];

		/* the empty pattern (pat left NULL) matches nothing: no
		 * byte to accept */
		if (!prepare(&sp->pp, patterns[i]))
			continue;
		sp->lit_len = longest_literal(&sp->lit, &sp->pp);
		sp->first = edge_byte(&sp->pp, true);
		sp->last = edge_byte(&sp->pp, false);
		bytes_add(set->firsts, sp->first);
		bytes_add(set->lasts, sp->last);
	}
	*out = set;
	return CR_OK;
}

void cr_glob_set_free(cr_glob_set *set)
{
	free(set);
}

ptrdiff_t cr_glob_set_match(const cr_glob_set *set, const char *path)
{
	const char *send = path + strlen(path);
	const char *base = basename_in(path, send);
	/* NUL for an empty basename: no pattern byte is NUL */
	unsigned char first = (unsigned char)base[0];
	unsigned char last = base < send ? (unsigned char)send[-1] : 0;

	if (!bytes_have(set->firsts, first) || !bytes_have(set->lasts, last))
		return -1;
	for (size_t i = 0; i < set->count; i++) {
		const struct set_pattern *sp = &set->patterns[i];

		if ((sp->first < 0 || sp->first == first) &&
		    (sp->last < 0 || sp->last == last) &&
		    (!sp->lit_len || holds(path, send, sp->lit, sp->lit_len)) &&
		    prepared_match(&sp->pp, path, send, base))
			return (ptrdiff_t)i;
	}
	return -1;
}
