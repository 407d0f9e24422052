/*
 * report_private.h - what the renderers of report/ share and nobody else
 * needs: the tallies behind every report's summary, computed in one place
 * so that the text and JSON outputs can never disagree.
 */
#ifndef CRUCIBLE_REPORT_PRIVATE_H
#define CRUCIBLE_REPORT_PRIVATE_H

#include "crucible/report.h"

#define CR_STATUS_COUNT (CR_STATUS_ERROR + 1)
#define CR_SEVERITY_COUNT (CR_SEV_CRITICAL + 1)

typedef struct cr_report_tally {
	size_t policies;
	size_t by_status[CR_STATUS_COUNT];
	size_t findings;
	size_t waived;
	/* Findings that still count (not waived), by their severity. */
	size_t active_by_severity[CR_SEVERITY_COUNT];
} cr_report_tally;

void cr_report_tally_compute(cr_report_tally *out, const cr_report *r);

/* Growth for arrays that carry a count but no capacity: the capacity is
 * implied by the count (8, then powers of two).  Returns the array, grown
 * when the count has reached its capacity, or NULL when out of memory
 * (the old array is kept). */
void *cr_report_reserve(void *items, size_t count, size_t size);

#endif
