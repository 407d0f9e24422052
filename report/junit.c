/*
 * junit.c - the report as JUnit XML, for the test-report viewers of CI
 * systems (Jenkins, GitLab, GitHub test-report actions, Azure DevOps).
 *
 * The de facto schema of those viewers: <testsuites> holding one
 * <testsuite> per category (its name the category's title), each holding
 * one <testcase> per policy, classname "crucible.<category id>" and name
 * "<POLICY-ID>: <title>", time in seconds from the policy's duration.
 * A failed policy carries <failure type="<severity>"> with its findings as
 * "path:line message" lines and the remediation; an errored one <error>; a
 * skipped one <skipped message="reason"/>.  A warning is not a failure in
 * CI viewers, so a warning policy is a passing test case whose
 * <system-out> says what it warns about.  Waived findings never appear in
 * a failure: they are listed in <system-out> with their reason.  Counts
 * come from cr_report_tally_compute(), like every other format's.
 *
 * Everything written from the report goes through xml_put(): markup
 * characters become entities, and what XML 1.0 cannot hold at all
 * (control characters other than tab, newline and carriage return, the
 * non-characters U+FFFE and U+FFFF, and bytes that are not UTF-8) becomes
 * U+FFFD, so a hostile message cannot break the document.
 */
#include "crucible/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_private.h"
#include "report/utf8.h"

typedef struct junit_out {
	FILE *f;
	const cr_report *r;
	const cr_finding **found;   /* scratch for one policy's findings */
} junit_out;

/* The Char production of XML 1.0. */
static bool xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp <= 0xd7ff || (cp >= 0xe000 && cp <= 0xfffd) ||
		(cp >= 0x10000 && cp <= 0x10ffff);
}

/* The entity for an ASCII character, or NULL to write it as it is.  In an
 * attribute, white space other than a space is written as a character
 * reference, or parsers would normalise it to a space; a carriage return
 * is one in text too, or parsers would turn it into a newline. */
static const char *xml_entity(uint32_t cp, bool attribute)
{
	switch (cp) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&apos;";
	case '\r': return "&#13;";
	case '\n': return attribute ? "&#10;" : NULL;
	case '\t': return attribute ? "&#9;" : NULL;
	default: return NULL;
	}
}

static void xml_put(const junit_out *o, const char *text, bool attribute)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t n = strlen((const char *)s);

	while (n) {
		uint32_t cp;
		size_t len = cr_utf8_decode(s, n, &cp);
		const char *entity = xml_entity(cp, attribute);

		if (entity)
			fputs(entity, o->f);
		else if (cp == CR_UTF8_INVALID || !xml_char(cp))
			fputs(CR_UTF8_REPLACEMENT, o->f);
		else
			fwrite(s, 1, len, o->f);
		s += len;
		n -= len;
	}
}

static void xml_text(const junit_out *o, const char *s)
{
	xml_put(o, s, false);
}

/* ` name="value"` */
static void xml_attr(const junit_out *o, const char *name, const char *value)
{
	fprintf(o->f, " %s=\"", name);
	xml_put(o, value, true);
	fputc('"', o->f);
}

/* A duration the schema accepts: never negative, NaN or infinite. */
static double elapsed_ms(double ms)
{
	return isfinite(ms) && ms > 0 ? ms : 0;
}

static const char *category_name(const cr_category_result *c)
{
	return c->title ? c->title : c->id;
}

static bool in_category(const cr_policy_result *p, const cr_category_result *c)
{
	return !strcmp(p->category, c->id);
}

/* --- one policy, one test case ----------------------------------------- */

static void write_finding(const junit_out *o, const cr_finding *f)
{
	if (f->location_count) {
		const cr_location *l = &f->locations[0];

		xml_text(o, l->path);
		if (l->line)
			fprintf(o->f, ":%u", (unsigned)l->line);
		fputc(' ', o->f);
	}
	xml_text(o, f->message);
	if (f->location_count > 1)
		fprintf(o->f, " (+%zu more locations)", f->location_count - 1);
	if (f->baseline)
		fputs(" [in baseline]", o->f);
	fputc('\n', o->f);
}

/* The active findings, one a line, then the remediation. */
static void write_evidence(const junit_out *o, const cr_policy_result *p,
	size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (!o->found[i]->waived)
			write_finding(o, o->found[i]);
	}
	if (p->remediation && *p->remediation) {
		fputs("Remediation: ", o->f);
		xml_text(o, p->remediation);
		fputc('\n', o->f);
	}
}

static void write_waived(const junit_out *o, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const cr_finding *f = o->found[i];

		if (!f->waived)
			continue;
		fputs("waived (", o->f);
		xml_text(o, f->waiver && *f->waiver ? f->waiver :
			"no reason given");
		fputs("): ", o->f);
		write_finding(o, f);
	}
}

static size_t count_waived(const junit_out *o, size_t count)
{
	size_t waived = 0;

	for (size_t i = 0; i < count; i++)
		waived += o->found[i]->waived;
	return waived;
}

/* The outcome element: <failure>, <error> or <skipped>, none for a pass or
 * a warning. */
static void write_outcome(const junit_out *o, const cr_policy_result *p,
	size_t count)
{
	switch (p->status) {
	case CR_STATUS_FAIL:
		fputs("\t\t\t<failure", o->f);
		xml_attr(o, "message", p->message ? p->message : p->title);
		xml_attr(o, "type", cr_severity_name(p->severity));
		fputs(">", o->f);
		write_evidence(o, p, count);
		fputs("</failure>\n", o->f);
		break;
	case CR_STATUS_ERROR:
		fputs("\t\t\t<error", o->f);
		xml_attr(o, "message", p->message);
		fputs(">", o->f);
		xml_text(o, p->message);
		fputs("</error>\n", o->f);
		break;
	case CR_STATUS_SKIP:
		fputs("\t\t\t<skipped", o->f);
		xml_attr(o, "message", p->message);
		fputs("/>\n", o->f);
		break;
	default:
		break;
	}
}

/* What a viewer shows beside the outcome: a warning's findings and every
 * waived finding. */
static void write_system_out(const junit_out *o, const cr_policy_result *p,
	size_t count)
{
	bool warning = p->status == CR_STATUS_WARN;

	if (!warning && !count_waived(o, count))
		return;
	fputs("\t\t\t<system-out>", o->f);
	if (warning) {
		fprintf(o->f, "warning (%s): ", cr_severity_name(p->severity));
		xml_text(o, p->message ? p->message : p->title);
		fputc('\n', o->f);
		write_evidence(o, p, count);
	}
	write_waived(o, count);
	fputs("</system-out>\n", o->f);
}

static void write_testcase(const junit_out *o, const cr_category_result *c,
	const cr_policy_result *p)
{
	size_t count = cr_report_policy_findings(o->r, p->id, o->found,
		o->r->finding_count);

	fputs("\t\t<testcase classname=\"crucible.", o->f);
	xml_put(o, c->id, true);
	fputc('"', o->f);
	fputs(" name=\"", o->f);
	xml_put(o, p->id, true);
	if (p->title) {
		fputs(": ", o->f);
		xml_put(o, p->title, true);
	}
	fprintf(o->f, "\" time=\"%.3f\"", elapsed_ms(p->duration_ms) / 1000.0);
	if (p->status == CR_STATUS_PASS && !count_waived(o, count)) {
		fputs("/>\n", o->f);
		return;
	}
	fputs(">\n", o->f);
	write_outcome(o, p, count);
	write_system_out(o, p, count);
	fputs("\t\t</testcase>\n", o->f);
}

/* --- suites ---------------------------------------------------------- */

typedef struct suite_counts {
	size_t tests;
	size_t by_status[CR_STATUS_COUNT];
	double ms;
} suite_counts;

static void count_suite(suite_counts *out, const cr_report *r,
	const cr_category_result *c)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];

		if (!in_category(p, c))
			continue;
		out->tests++;
		if ((unsigned)p->status < CR_STATUS_COUNT)
			out->by_status[p->status]++;
		out->ms += elapsed_ms(p->duration_ms);
	}
}

static void write_properties(const junit_out *o, const cr_category_result *c)
{
	fputs("\t\t<properties>\n\t\t\t<property name=\"category\"", o->f);
	xml_attr(o, "value", c->id);
	fputs("/>\n", o->f);
	if (c->scored)
		fprintf(o->f,
			"\t\t\t<property name=\"score\" value=\"%.1f\"/>\n",
			c->score);
	else
		fputs("\t\t\t<property name=\"score\" value=\"not scored\"/>\n",
			o->f);
	fprintf(o->f, "\t\t\t<property name=\"weight\" value=\"%g\"/>\n"
		"\t\t</properties>\n", c->weight);
}

static void write_counts(const junit_out *o, size_t tests,
	const size_t by_status[CR_STATUS_COUNT], double ms)
{
	fprintf(o->f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\""
		" skipped=\"%zu\" time=\"%.3f\"", tests,
		by_status[CR_STATUS_FAIL], by_status[CR_STATUS_ERROR],
		by_status[CR_STATUS_SKIP], ms / 1000.0);
}

static void write_testsuite(const junit_out *o, const cr_category_result *c)
{
	suite_counts n;

	count_suite(&n, o->r, c);
	fputs("\t<testsuite", o->f);
	xml_attr(o, "name", category_name(c));
	write_counts(o, n.tests, n.by_status, n.ms);
	fputs(">\n", o->f);
	write_properties(o, c);
	for (size_t i = 0; i < o->r->policy_count; i++) {
		if (in_category(&o->r->policies[i], c))
			write_testcase(o, c, &o->r->policies[i]);
	}
	fputs("\t</testsuite>\n", o->f);
}

static double total_ms(const cr_report *r)
{
	double ms = 0;

	for (size_t i = 0; i < r->policy_count; i++)
		ms += elapsed_ms(r->policies[i].duration_ms);
	return ms;
}

int cr_report_render_junit(const cr_report *r, FILE *f, cr_ctx *ctx)
{
	junit_out o = { .f = f, .r = r };
	cr_report_tally t;

	o.found = calloc(r->finding_count + 1, sizeof *o.found);
	if (!o.found)
		return cr_error_set(ctx, CR_ENOMEM,
			"out of memory rendering the JUnit report");
	cr_report_tally_compute(&t, r);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"
		" name=\"crucible\"", f);
	write_counts(&o, t.policies, t.by_status, total_ms(r));
	fputs(">\n", f);
	for (size_t i = 0; i < r->category_count; i++)
		write_testsuite(&o, &r->categories[i]);
	fputs("</testsuites>\n", f);
	free(o.found);
	if (fflush(f) == EOF || ferror(f))
		return cr_error_set(ctx, CR_EIO,
			"cannot write the JUnit report");
	return CR_OK;
}
