/*
 * report.c - the report model: names of statuses and severities, and the
 * deep-copying appends that the evaluator, scorer and CLI use to fill a
 * cr_report that the renderers then only read.
 *
 * Every append copies its strings, so callers may pass borrowed or
 * temporary data.  The arrays carry a count but no capacity (the structs are
 * public and plain), so the capacity is implied by the count: 8, then the
 * next power of two.  An append therefore reallocates exactly when the
 * count has reached that capacity, which keeps growth amortised O(1).
 */
#include "crucible/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report_private.h"

#define MIN_CAPACITY 8

static const char *const status_names[CR_STATUS_COUNT] = {
	[CR_STATUS_PASS] = "pass",
	[CR_STATUS_FAIL] = "fail",
	[CR_STATUS_WARN] = "warn",
	[CR_STATUS_SKIP] = "skip",
	[CR_STATUS_ERROR] = "error",
};

static const char *const severity_names[CR_SEVERITY_COUNT] = {
	[CR_SEV_INFO] = "info",
	[CR_SEV_LOW] = "low",
	[CR_SEV_MEDIUM] = "medium",
	[CR_SEV_HIGH] = "high",
	[CR_SEV_CRITICAL] = "critical",
};

static int name_index(const char *const names[], size_t n, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!strcasecmp(names[i], name))
			return (int)i;
	}
	return -1;
}

const char *cr_status_name(cr_status s)
{
	return (unsigned)s < CR_STATUS_COUNT ? status_names[s] : "unknown";
}

int cr_status_parse(cr_status *out, const char *name)
{
	int i = name_index(status_names, CR_STATUS_COUNT, name);

	if (i < 0)
		return CR_EINVAL;
	*out = (cr_status)i;
	return CR_OK;
}

const char *cr_severity_name(cr_severity s)
{
	return (unsigned)s < CR_SEVERITY_COUNT ? severity_names[s] : "unknown";
}

int cr_severity_parse(cr_severity *out, const char *name)
{
	int i = name_index(severity_names, CR_SEVERITY_COUNT, name);

	if (i < 0)
		return CR_EINVAL;
	*out = (cr_severity)i;
	return CR_OK;
}

void *cr_report_reserve(void *items, size_t count, size_t size)
{
	size_t cap;

	if (count != 0 && (count < MIN_CAPACITY || (count & (count - 1)) != 0))
		return items;
	cap = count ? count * 2 : MIN_CAPACITY;
	if (cap > SIZE_MAX / size)
		return NULL;
	return realloc(items, cap * size);
}

/* Replace each borrowed string in fields[] by a copy.  On failure every
 * field is a copy or NULL, never a borrowed pointer, so the owner can be
 * cleared safely. */
static int own_strings(char **const fields[], size_t n)
{
	int err = CR_OK;

	for (size_t i = 0; i < n; i++) {
		char *borrowed = *fields[i];

		*fields[i] = NULL;
		if (borrowed && !err && !(*fields[i] = strdup(borrowed)))
			err = CR_ENOMEM;
	}
	return err;
}

static void free_strings(char **const fields[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

#define POLICY_STRINGS 8

static void policy_strings(char **fields[POLICY_STRINGS], cr_policy_result *p)
{
	fields[0] = &p->id;
	fields[1] = &p->title;
	fields[2] = &p->category;
	fields[3] = &p->description;
	fields[4] = &p->remediation;
	fields[5] = &p->bundle;
	fields[6] = &p->module;
	fields[7] = &p->message;
}

static void policy_clear(cr_policy_result *p)
{
	char **fields[POLICY_STRINGS];

	policy_strings(fields, p);
	free_strings(fields, POLICY_STRINGS);
}

#define FINDING_STRINGS 4

static void finding_strings(char **fields[FINDING_STRINGS], cr_finding *f)
{
	fields[0] = &f->policy;
	fields[1] = &f->message;
	fields[2] = &f->fingerprint;
	fields[3] = &f->waiver;
}

#define FIXED_STRINGS 3

static void fixed_strings(char **fields[FIXED_STRINGS], cr_fixed_finding *f)
{
	fields[0] = &f->policy;
	fields[1] = &f->path;
	fields[2] = &f->fingerprint;
}

#define LOCATION_STRINGS 2

static void location_strings(char **fields[LOCATION_STRINGS], cr_location *l)
{
	fields[0] = &l->path;
	fields[1] = &l->commit;
}

static void finding_clear(cr_finding *f)
{
	char **location_fields[LOCATION_STRINGS];
	char **fields[FINDING_STRINGS];

	for (size_t i = 0; i < f->location_count; i++) {
		location_strings(location_fields, &f->locations[i]);
		free_strings(location_fields, LOCATION_STRINGS);
	}
	free(f->locations);
	f->locations = NULL;
	f->location_count = 0;
	finding_strings(fields, f);
	free_strings(fields, FINDING_STRINGS);
}

static void bundle_clear(cr_bundle_ref *b)
{
	free(b->name);
	free(b->version);
	free(b->digest);
}

static void category_clear(cr_category_result *c)
{
	for (size_t i = 0; i < c->policy_count; i++)
		free(c->policies[i]);
	free(c->policies);
	free(c->id);
	free(c->title);
}

int cr_report_new(cr_report **out)
{
	cr_report *r = calloc(1, sizeof *r);

	*out = r;
	if (!r)
		return CR_ENOMEM;
	/* Until something is scored, nothing has been verified. */
	r->grade = 'F';
	r->verdict = "not-ready";
	return CR_OK;
}

void cr_report_free(cr_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->bundle_count; i++)
		bundle_clear(&r->bundles[i]);
	for (size_t i = 0; i < r->category_count; i++)
		category_clear(&r->categories[i]);
	for (size_t i = 0; i < r->policy_count; i++)
		policy_clear(&r->policies[i]);
	for (size_t i = 0; i < r->finding_count; i++)
		finding_clear(&r->findings[i]);
	for (size_t i = 0; i < r->fixed_count; i++) {
		char **fields[FIXED_STRINGS];
		fixed_strings(fields, &r->fixed[i]);
		free_strings(fields, FIXED_STRINGS);
	}
	for (size_t i = 0; i < r->warning_count; i++)
		free(r->warnings[i]);
	free(r->fixed);
	free(r->warnings);
	free(r->bundles);
	free(r->categories);
	free(r->policies);
	free(r->findings);
	free(r->target_path);
	free(r->commit);
	free(r->branch);
	free(r);
}

int cr_report_add_bundle(cr_report *r, const char *name, const char *version,
	const char *digest)
{
	cr_bundle_ref b = {
		.name = (char *)name,
		.version = (char *)version,
		.digest = (char *)digest,
	};
	char **const fields[] = { &b.name, &b.version, &b.digest };
	cr_bundle_ref *items;
	int err;

	if (!name)
		return CR_EINVAL;
	items = cr_report_reserve(r->bundles, r->bundle_count, sizeof *items);
	if (!items)
		return CR_ENOMEM;
	r->bundles = items;
	err = own_strings(fields, sizeof fields / sizeof fields[0]);
	if (err) {
		bundle_clear(&b);
		return err;
	}
	items[r->bundle_count++] = b;
	return CR_OK;
}

int cr_report_add_policy(cr_report *r, cr_policy_result **out,
	const cr_policy_result *src)
{
	char **fields[POLICY_STRINGS];
	cr_policy_result p = *src;
	cr_policy_result *items;
	int err;

	if (!src->id || !src->category)
		return CR_EINVAL;
	items = cr_report_reserve(r->policies, r->policy_count, sizeof *items);
	if (!items)
		return CR_ENOMEM;
	r->policies = items;
	policy_strings(fields, &p);
	err = own_strings(fields, POLICY_STRINGS);
	if (err) {
		policy_clear(&p);
		return err;
	}
	items[r->policy_count] = p;
	if (out)
		*out = &items[r->policy_count];
	r->policy_count++;
	return CR_OK;
}

/* dst has no locations yet; on failure it owns the ones copied so far. */
static int locations_copy(cr_finding *dst, const cr_finding *src)
{
	char **fields[LOCATION_STRINGS];
	int err = CR_OK;

	if (!src->location_count)
		return CR_OK;
	dst->locations = calloc(src->location_count, sizeof *dst->locations);
	if (!dst->locations)
		return CR_ENOMEM;
	for (size_t i = 0; i < src->location_count && !err; i++) {
		cr_location *l = &dst->locations[i];

		*l = src->locations[i];
		location_strings(fields, l);
		err = own_strings(fields, LOCATION_STRINGS);
		dst->location_count++;
	}
	return err;
}

static bool finding_valid(const cr_finding *f)
{
	if (!f->policy || (f->kind != CR_STATUS_FAIL && f->kind != CR_STATUS_WARN))
		return false;
	if (f->location_count && !f->locations)
		return false;
	for (size_t i = 0; i < f->location_count; i++) {
		if (!f->locations[i].path)
			return false;
	}
	return true;
}

int cr_report_add_finding(cr_report *r, cr_finding **out,
	const cr_finding *src)
{
	char **fields[FINDING_STRINGS];
	cr_finding f = *src;
	cr_finding *items;
	int err;

	if (!finding_valid(src))
		return CR_EINVAL;
	items = cr_report_reserve(r->findings, r->finding_count, sizeof *items);
	if (!items)
		return CR_ENOMEM;
	r->findings = items;
	f.locations = NULL;
	f.location_count = 0;
	finding_strings(fields, &f);
	err = own_strings(fields, FINDING_STRINGS);
	if (!err)
		err = locations_copy(&f, src);
	if (err) {
		finding_clear(&f);
		return err;
	}
	items[r->finding_count] = f;
	if (out)
		*out = &items[r->finding_count];
	r->finding_count++;
	return CR_OK;
}

int cr_report_add_category(cr_report *r, cr_category_result **out,
	const char *id, const char *title, double weight)
{
	cr_category_result c = {
		.id = (char *)id,
		.title = (char *)title,
		.weight = weight,
	};
	char **const fields[] = { &c.id, &c.title };
	cr_category_result *items;
	int err;

	if (!id)
		return CR_EINVAL;
	items = cr_report_reserve(r->categories, r->category_count, sizeof *items);
	if (!items)
		return CR_ENOMEM;
	r->categories = items;
	err = own_strings(fields, sizeof fields / sizeof fields[0]);
	if (err) {
		category_clear(&c);
		return err;
	}
	items[r->category_count] = c;
	if (out)
		*out = &items[r->category_count];
	r->category_count++;
	return CR_OK;
}

int cr_category_add_policy(cr_category_result *c, const char *policy_id)
{
	char **items;
	char *copy;

	if (!policy_id)
		return CR_EINVAL;
	items = cr_report_reserve(c->policies, c->policy_count, sizeof *items);
	if (!items)
		return CR_ENOMEM;
	c->policies = items;
	copy = strdup(policy_id);
	if (!copy)
		return CR_ENOMEM;
	items[c->policy_count++] = copy;
	return CR_OK;
}

size_t cr_report_policy_findings(const cr_report *r, const char *policy_id,
	const cr_finding **out, size_t cap)
{
	size_t total = 0;

	for (size_t i = 0; i < r->finding_count; i++) {
		if (strcmp(r->findings[i].policy, policy_id))
			continue;
		if (total < cap)
			out[total] = &r->findings[i];
		total++;
	}
	return total;
}

void cr_report_tally_compute(cr_report_tally *out, const cr_report *r)
{
	memset(out, 0, sizeof *out);
	out->policies = r->policy_count;
	for (size_t i = 0; i < r->policy_count; i++) {
		cr_status s = r->policies[i].status;

		if ((unsigned)s < CR_STATUS_COUNT)
			out->by_status[s]++;
	}
	out->findings = r->finding_count;
	for (size_t i = 0; i < r->finding_count; i++) {
		const cr_finding *f = &r->findings[i];

		if (f->waived)
			out->waived++;
		else if ((unsigned)f->severity < CR_SEVERITY_COUNT)
			out->active_by_severity[f->severity]++;
	}
}

int cr_report_add_fixed(cr_report *r, const char *policy, const char *path,
	const char *fingerprint)
{
	cr_fixed_finding f = {
		.policy = (char *)policy,
		.path = (char *)path,
		.fingerprint = (char *)fingerprint,
	};
	char **fields[FIXED_STRINGS];
	cr_fixed_finding *items;
	int err;

	if (!policy || !fingerprint)
		return CR_EINVAL;
	items = cr_report_reserve(r->fixed, r->fixed_count, sizeof *items);
	if (!items)
		return CR_ENOMEM;
	r->fixed = items;
	fixed_strings(fields, &f);
	if ((err = own_strings(fields, FIXED_STRINGS)) != CR_OK) {
		free_strings(fields, FIXED_STRINGS);
		return err;
	}
	items[r->fixed_count++] = f;
	return CR_OK;
}

int cr_report_add_warning(cr_report *r, const char *fmt, ...)
{
	char **items, *text;
	va_list ap;
	int n;

	items = cr_report_reserve(r->warnings, r->warning_count, sizeof *items);
	if (!items)
		return CR_ENOMEM;
	r->warnings = items;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CR_ENOMEM;
	items[r->warning_count++] = text;
	return CR_OK;
}

static int compare_strings(const char *a, const char *b)
{
	if (!a || !b)
		return !b - !a; /* NULL first */
	return strcmp(a, b);
}

static int canonical_order(const void *x, const void *y)
{
	const cr_finding *a = x, *b = y;
	const cr_location *la = a->location_count ? a->locations : NULL;
	const cr_location *lb = b->location_count ? b->locations : NULL;
	int c;

	if ((c = strcmp(a->policy, b->policy)))
		return c;
	if ((c = compare_strings(la ? la->path : NULL, lb ? lb->path : NULL)))
		return c;
	if (la && lb && la->line != lb->line)
		return la->line < lb->line ? -1 : 1;
	if ((c = compare_strings(a->message, b->message)))
		return c;
	return compare_strings(a->fingerprint, b->fingerprint);
}

void cr_report_sort_findings(cr_report *r)
{
	if (r->finding_count > 1)
		qsort(r->findings, r->finding_count, sizeof *r->findings,
			canonical_order);
}
