/*
 * aho.c - the keyword prefilter of the secret scanner: Aho-Corasick
 * compiled to a dense DFA over byte classes.
 *
 * Every file of the working tree and every blob of the history goes
 * through this loop, so it is built to cost two table loads per byte and
 * one well-predicted branch: bytes are first mapped to classes (all bytes
 * that occur in no keyword share class 0, and ASCII letters share the
 * class of their lower case, which is what makes matching
 * case-insensitive without touching the input), and each transition entry
 * holds the premultiplied row of the next state with a low bit saying
 * "some keyword ends here".  Only then is the state's tag set merged into
 * the hits.  Failure links are resolved at build time, so the scan never
 * follows one.
 */
#include "facts/aho.h"
#include "facts/aho_events.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define LANES 4
#define LANE_MIN 256    /* bytes: below, one lane is as fast */

struct keyword {
	unsigned char *bytes;   /* lower case */
	size_t len;
	size_t tag;
};

struct cr_aho_builder {
	struct keyword *keywords;
	size_t count;
	size_t cap;
	size_t tag_count;
};

struct cr_aho {
	uint8_t cls[256];
	uint32_t ncls;
	uint32_t *delta;        /* (row << 1) | ends-a-keyword */
	uint32_t *slot;         /* per state: its row in outs */
	uint64_t *outs;         /* tag bitsets of the accepting states */
	size_t words;
	size_t max_len;         /* of a keyword */
};

/* What the build works on: the trie turned DFA in place, and each
 * state's tags and failure link. */
struct build {
	uint32_t *next;         /* nstates x ncls; 0 = no edge yet */
	uint64_t *tags;         /* nstates x words */
	uint32_t *fail;
	uint32_t *queue;
	size_t nstates;
};

static size_t words_for(size_t tag_count)
{
	return tag_count ? (tag_count + 63) / 64 : 1;
}

int cr_aho_builder_new(cr_aho_builder **out, size_t tag_count)
{
	if (!(*out = calloc(1, sizeof **out)))
		return CR_ENOMEM;
	(*out)->tag_count = tag_count;
	return CR_OK;
}

void cr_aho_builder_free(cr_aho_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->count; i++)
		free(b->keywords[i].bytes);
	free(b->keywords);
	free(b);
}

int cr_aho_builder_add(cr_aho_builder *b, const char *keyword, size_t len,
	size_t tag)
{
	struct keyword *k;

	if (tag >= b->tag_count)
		return CR_EINVAL;
	if (len == 0)
		return CR_OK;
	if (b->count == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct keyword *grown = realloc(b->keywords,
			cap * sizeof *grown);

		if (!grown)
			return CR_ENOMEM;
		b->keywords = grown;
		b->cap = cap;
	}
	k = &b->keywords[b->count];
	if (!(k->bytes = malloc(len)))
		return CR_ENOMEM;
	for (size_t i = 0; i < len; i++)
		k->bytes[i] = (unsigned char)tolower((unsigned char)keyword[i]);
	k->len = len;
	k->tag = tag;
	b->count++;
	return CR_OK;
}

/* Number the distinct keyword bytes from 1; upper-case letters share the
 * class of their lower case. */
static void assign_classes(cr_aho *a, const cr_aho_builder *b)
{
	memset(a->cls, 0, sizeof a->cls);
	a->ncls = 1;
	for (size_t i = 0; i < b->count; i++)
		for (size_t j = 0; j < b->keywords[i].len; j++) {
			unsigned char c = b->keywords[i].bytes[j];

			if (!a->cls[c])
				a->cls[c] = (uint8_t)a->ncls++;
		}
	for (int c = 'A'; c <= 'Z'; c++)
		a->cls[c] = a->cls[tolower(c)];
}

static void build_release(struct build *bd)
{
	free(bd->next);
	free(bd->tags);
	free(bd->fail);
	free(bd->queue);
}

static int build_alloc(struct build *bd, const cr_aho *a,
	const cr_aho_builder *b)
{
	size_t max_states = 1;

	for (size_t i = 0; i < b->count; i++)
		max_states += b->keywords[i].len;
	if (max_states > UINT32_MAX / 2 / a->ncls)
		return CR_ELIMIT;
	bd->next = calloc(max_states * a->ncls, sizeof *bd->next);
	bd->tags = calloc(max_states * a->words, sizeof *bd->tags);
	bd->fail = calloc(max_states, sizeof *bd->fail);
	bd->queue = calloc(max_states, sizeof *bd->queue);
	bd->nstates = 1;
	return bd->next && bd->tags && bd->fail && bd->queue ? CR_OK :
		CR_ENOMEM;
}

static void insert_keyword(struct build *bd, const cr_aho *a,
	const struct keyword *k)
{
	uint32_t s = 0;

	for (size_t j = 0; j < k->len; j++) {
		uint32_t *edge = &bd->next[s * a->ncls + a->cls[k->bytes[j]]];

		if (!*edge)
			*edge = (uint32_t)bd->nstates++;
		s = *edge;
	}
	bd->tags[s * a->words + k->tag / 64] |= UINT64_C(1) << (k->tag % 64);
}

static void merge_tags(uint64_t *into, const uint64_t *from, size_t words)
{
	for (size_t w = 0; w < words; w++)
		into[w] |= from[w];
}

/* Breadth-first, so that a state's failure target is complete before the
 * state: missing edges become the failure target's edges, and a state
 * inherits the tags of its failure target (a keyword that is a suffix of
 * another). */
static void resolve_failures(struct build *bd, const cr_aho *a)
{
	size_t head = 0, tail = 0;

	for (uint32_t c = 0; c < a->ncls; c++)
		if (bd->next[c])
			bd->queue[tail++] = bd->next[c];
	while (head < tail) {
		uint32_t s = bd->queue[head++];
		uint32_t f = bd->fail[s];

		merge_tags(&bd->tags[s * a->words], &bd->tags[f * a->words],
			a->words);
		for (uint32_t c = 0; c < a->ncls; c++) {
			uint32_t *edge = &bd->next[s * a->ncls + c];
			uint32_t via_fail = bd->next[f * a->ncls + c];

			if (*edge) {
				bd->fail[*edge] = via_fail;
				bd->queue[tail++] = *edge;
			} else {
				*edge = via_fail;
			}
		}
	}
}

static bool has_tags(const struct build *bd, const cr_aho *a, uint32_t s)
{
	for (size_t w = 0; w < a->words; w++)
		if (bd->tags[s * a->words + w])
			return true;
	return false;
}

/* Turn the resolved trie into the scan tables. */
static int encode(cr_aho *a, const struct build *bd)
{
	size_t nslots = 0;

	a->delta = malloc(bd->nstates * a->ncls * sizeof *a->delta);
	a->slot = calloc(bd->nstates, sizeof *a->slot);
	a->outs = calloc(bd->nstates * a->words, sizeof *a->outs);
	if (!a->delta || !a->slot || !a->outs)
		return CR_ENOMEM;
	for (uint32_t s = 0; s < bd->nstates; s++)
		if (has_tags(bd, a, s)) {
			memcpy(&a->outs[nslots * a->words],
				&bd->tags[s * a->words],
				a->words * sizeof *a->outs);
			a->slot[s] = (uint32_t)nslots++;
		}
	for (size_t i = 0; i < bd->nstates * a->ncls; i++) {
		uint32_t t = bd->next[i];

		a->delta[i] = (t * a->ncls) << 1 | has_tags(bd, a, t);
	}
	return CR_OK;
}

int cr_aho_build(cr_aho **out, const cr_aho_builder *b)
{
	struct build bd = {0};
	cr_aho *a;
	int err;

	*out = NULL;
	if (!(a = calloc(1, sizeof *a)))
		return CR_ENOMEM;
	a->words = words_for(b->tag_count);
	assign_classes(a, b);
	if ((err = build_alloc(&bd, a, b)) != CR_OK)
		goto done;
	for (size_t i = 0; i < b->count; i++) {
		insert_keyword(&bd, a, &b->keywords[i]);
		if (b->keywords[i].len > a->max_len)
			a->max_len = b->keywords[i].len;
	}
	resolve_failures(&bd, a);
	if ((err = encode(a, &bd)) != CR_OK)
		goto done;
	*out = a;
	a = NULL;
done:
	build_release(&bd);
	cr_aho_free(a);
	return err;
}

void cr_aho_free(cr_aho *a)
{
	if (!a)
		return;
	free(a->delta);
	free(a->slot);
	free(a->outs);
	free(a);
}

size_t cr_aho_words(const cr_aho *a)
{
	return a->words;
}

/* What one scan fills: the hits, and the events when asked for. */
struct sink {
	uint64_t *hits;
	cr_aho_events *ev;      /* NULL: hits only */
	bool failed;            /* an event could not be recorded */
};

/* A keyword ends at `at` in state `row`: off the hot path.  A stretch
 * records only the events from `from` on, where the stretch before it
 * stopped. */
static void accept(struct sink *k, const cr_aho *a, uint32_t row, size_t at,
	size_t from)
{
	uint32_t slot = a->slot[row / a->ncls];
	cr_aho_events *ev = k->ev;

	merge_tags(k->hits, &a->outs[slot * a->words], a->words);
	if (!ev || k->failed || at < from)
		return;
	if (ev->count == ev->cap) {
		size_t cap = ev->cap ? ev->cap * 2 : 256;
		cr_aho_event *grown = realloc(ev->items, cap * sizeof *grown);

		if (!grown) {
			k->failed = true;
			return;
		}
		ev->items = grown;
		ev->cap = cap;
	}
	ev->items[ev->count++] = (cr_aho_event){ .at = at, .slot = slot };
}

/* One automaton step over the byte at p[i] from premultiplied row `row`,
 * in the stretch that starts at `from`. */
#define STEP(row, p, i, from) do { \
	uint32_t e_ = delta[(row) + cls[(unsigned char)(p)[i]]]; \
	(row) = e_ >> 1; \
	if (__builtin_expect(e_ & 1, 0)) \
		accept(k, a, (row), (size_t)((p) + (i) - base), (from)); \
} while (0)

static uint32_t scan_range(struct sink *k, const cr_aho *a, uint32_t row,
	const char *base, const char *p, size_t len, size_t from)
{
	const uint32_t *delta = a->delta;
	const uint8_t *cls = a->cls;

	for (size_t i = 0; i < len; i++)
		STEP(row, p, i, from);
	return row;
}

static size_t lane_of(size_t at, size_t chunk)
{
	return at / chunk < LANES - 1 ? at / chunk : LANES - 1;
}

/* Put the events of the four stretches of `chunk` bytes, interleaved by
 * the lockstep scan but each in order, back in buffer order: a stable
 * counting sort by stretch. */
static int untangle(cr_aho_events *ev, size_t chunk)
{
	size_t start[LANES + 1] = {0};

	if (ev->count < 2)
		return CR_OK;
	if (ev->spare_cap < ev->count) {
		cr_aho_event *grown = realloc(ev->spare, ev->cap *
			sizeof *grown);

		if (!grown)
			return CR_ENOMEM;
		ev->spare = grown;
		ev->spare_cap = ev->cap;
	}
	for (size_t i = 0; i < ev->count; i++)
		start[lane_of(ev->items[i].at, chunk) + 1]++;
	for (size_t l = 1; l <= LANES; l++)
		start[l] += start[l - 1];
	for (size_t i = 0; i < ev->count; i++)
		ev->spare[start[lane_of(ev->items[i].at, chunk)]++] =
			ev->items[i];
	memcpy(ev->items, ev->spare, ev->count * sizeof *ev->items);
	return CR_OK;
}

/* The buffer is cut into LANES stretches scanned in lockstep: each step
 * of the automaton waits for the previous one's table load, and four
 * independent chains keep the CPU busy meanwhile.  Each stretch starts
 * max_len - 1 bytes early, so that a keyword crossing a cut is whole in
 * the stretch after it. */
static void scan(struct sink *k, const cr_aho *a, const char *buf,
	size_t len)
{
	const uint32_t *delta = a->delta;
	const uint8_t *cls = a->cls;
	const char *base = buf;
	size_t chunk = len / LANES, back = a->max_len ? a->max_len - 1 : 0;
	const char *p0, *p1, *p2, *p3;
	uint32_t r0 = 0, r1 = 0, r2 = 0, r3 = 0;

	memset(k->hits, 0, a->words * sizeof *k->hits);
	if (k->ev)
		k->ev->count = 0;
	if (chunk <= back || chunk < LANE_MIN) {
		scan_range(k, a, 0, base, buf, len, 0);
		return;
	}
	p0 = buf;
	p1 = buf + chunk - back;
	p2 = buf + 2 * chunk - back;
	p3 = buf + 3 * chunk - back;
	for (size_t i = 0; i < chunk; i++) {
		STEP(r0, p0, i, 0);
		STEP(r1, p1, i, chunk);
		STEP(r2, p2, i, 2 * chunk);
		STEP(r3, p3, i, 3 * chunk);
	}
	scan_range(k, a, r1, base, p1 + chunk, back, chunk);
	scan_range(k, a, r2, base, p2 + chunk, back, 2 * chunk);
	scan_range(k, a, r3, base, p3 + chunk, len - 3 * chunk - chunk + back,
		3 * chunk);
	if (k->ev)
		k->failed = k->failed || untangle(k->ev, chunk) != CR_OK;
}

void cr_aho_scan(uint64_t *hits, const cr_aho *a, const char *buf,
	size_t len)
{
	struct sink k = { .hits = hits };

	scan(&k, a, buf, len);
}

int cr_aho_scan_events(uint64_t *hits, cr_aho_events *ev, const cr_aho *a,
	const char *buf, size_t len)
{
	struct sink k = { .hits = hits, .ev = ev };

	scan(&k, a, buf, len);
	return k.failed ? CR_ENOMEM : CR_OK;
}

const uint64_t *cr_aho_event_tags(const cr_aho *a, const cr_aho_event *e)
{
	return &a->outs[(size_t)e->slot * a->words];
}

void cr_aho_events_free(cr_aho_events *ev)
{
	free(ev->items);
	free(ev->spare);
	memset(ev, 0, sizeof *ev);
}
