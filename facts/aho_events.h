/*
 * aho_events.h - where the keyword prefilter's keywords occur, not only
 * which: what lets the secret scanner run a rule's regex over the lines
 * that hold its keywords instead of the whole buffer (secrets_scan.c).
 * Private to facts/; the automaton itself is aho.h.
 */
#ifndef CRUCIBLE_FACTS_AHO_EVENTS_H
#define CRUCIBLE_FACTS_AHO_EVENTS_H

#include "facts/aho.h"

/* A keyword (or several, one a suffix of another) ends at `at`, the
 * offset of its last byte; `slot` names the tags that end there. */
typedef struct cr_aho_event {
	size_t at;
	uint32_t slot;
} cr_aho_event;

/* Grown by the scan; start zeroed, free with cr_aho_events_free(). */
typedef struct cr_aho_events {
	cr_aho_event *items;
	size_t count, cap;
	cr_aho_event *spare;    /* scratch of the scan */
	size_t spare_cap;
} cr_aho_events;

/* cr_aho_scan() that also records every keyword end in ev (emptied
 * first), once each, in buffer order.  Errors: CR_ENOMEM (hits are still
 * whole, the events are not). */
int cr_aho_scan_events(uint64_t *hits, cr_aho_events *ev, const cr_aho *a,
	const char *buf, size_t len);

void cr_aho_events_free(cr_aho_events *ev);

/* The tag bitset (cr_aho_words() words) of an event's slot. */
const uint64_t *cr_aho_event_tags(const cr_aho *a, const cr_aho_event *e);

#endif
