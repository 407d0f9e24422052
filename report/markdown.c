/*
 * markdown.c - the audit report a person reads top to bottom, and its short
 * form for a pull-request comment (opts->summary).
 *
 * The full report: a title naming the repository and commit, the score
 * line, an executive summary naming the blockers, a table of category
 * scores, then per category the failing and warning policies with their
 * evidence and remediation and a brief list of the passing ones, a
 * checklist of actions ordered by severity, and the skipped, errored,
 * waived, fixed and noted items.  The summary keeps the title, the
 * executive summary, the table and the checklist, adds the most severe
 * findings, and stays under GitHub's comment limit whatever the report.
 *
 * The document is built in memory so that the summary can be budgeted:
 * an entry of a list is written, then taken back when it overruns its
 * section, and a "N more ... not shown" line closes the list.  What is
 * outside the lists is bounded by the caps on each name and text, so the
 * lists' shares are all the budget has to enforce.  It counts bytes, which
 * never undercount characters.
 *
 * Messages, paths, ids and titles come from repositories and policies, so
 * they are never trusted as Markdown: control bytes and line breaks
 * become spaces (no text can start a block of its own), characters with
 * an inline meaning are backslash-escaped (no emphasis, links, raw HTML or
 * table cells), and paths go into code spans whose fence is longer than
 * any backtick run inside them.
 */
#include "crucible/report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_private.h"
#include "report/utf8.h"

/* GitHub rejects comments over 65,536 characters; the promise is 65,000. */
#define SUMMARY_LIMIT 64000
#define FOOTER_RESERVE 512    /* the closing lines of a summary */
#define TAIL_RESERVE 160      /* one "N more ... not shown" line */
#define SUMMARY_NAME_CAP 120  /* bytes of an id, title or branch */
#define SUMMARY_TEXT_CAP 300  /* bytes of a message, path or remediation */
#define SUMMARY_NAMED 10      /* blockers named in the executive summary */
#define EVIDENCE_CAP 20       /* findings shown per policy */
#define BAR_CELLS 10
#define SHORT_ID 12
#define ELLIPSIS "\xe2\x80\xa6"

/* Backslash-escaped wherever untrusted text goes: the characters that
 * open emphasis, code, links, raw HTML, entities, strikethrough, math and
 * table cells. */
static const char md_special[] = "\\`*_[]<>#|&~$";

typedef struct md_out {
	char *doc;
	size_t len;
	size_t cap;
	bool oom;              /* an append failed: the render fails */
	bool summary;
	size_t name_cap;       /* SIZE_MAX in the full report */
	size_t text_cap;
	size_t section_end;    /* budgeted lists stop before this length */
	const cr_report *r;
	const cr_finding **found; /* scratch for one policy's findings */
} md_out;

/* --- the document buffer -------------------------------------------- */

static bool md_reserve(md_out *o, size_t more)
{
	size_t cap = o->cap ? o->cap : 4096;
	char *doc;

	if (o->oom)
		return false;
	if (o->len + more < o->cap)
		return true;
	while (cap <= o->len + more)
		cap *= 2;
	doc = realloc(o->doc, cap);
	if (!doc) {
		o->oom = true;
		return false;
	}
	o->doc = doc;
	o->cap = cap;
	return true;
}

static void md_put(md_out *o, const char *s, size_t n)
{
	if (!md_reserve(o, n))
		return;
	memcpy(o->doc + o->len, s, n);
	o->len += n;
}

static void md_puts(md_out *o, const char *s)
{
	md_put(o, s, strlen(s));
}

static void md_putc(md_out *o, char c)
{
	md_put(o, &c, 1);
}

static void md_printf(md_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void md_printf(md_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !md_reserve(o, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(o->doc + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

/* --- untrusted text ----------------------------------------------------- */

/* How much of s[0..n) to show: at most cap bytes, never half a UTF-8
 * sequence. */
static size_t clip(const char *s, size_t n, size_t cap, bool *cut)
{
	*cut = n > cap;
	if (!*cut)
		return n;
	n = cap;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static bool is_blank(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* Where a line-start marker would begin a list, a heading or a quote:
 * "-", "+", "=" first, or the "." or ")" after leading digits.  The
 * index to escape, or n when there is none. */
static size_t block_marker(const char *s, size_t n)
{
	size_t digits = 0;

	if (n && strchr("-+=", s[0]))
		return 0;
	while (digits < n && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits && digits < n && (s[digits] == '.' || s[digits] == ')'))
		return digits;
	return n;
}

/* One decoded character of untrusted text: a control character becomes
 * a space (a line break would let the text start a block of its own), a
 * byte that is not UTF-8 becomes U+FFFD. */
static void md_char(md_out *o, const char *s, size_t len, uint32_t cp)
{
	if (cp == CR_UTF8_INVALID)
		md_puts(o, CR_UTF8_REPLACEMENT);
	else if (cp < 0x20 || cp == 0x7f)
		md_putc(o, ' ');
	else
		md_put(o, s, len);
}

static bool is_special(uint32_t cp)
{
	return cp && cp < 0x80 && strchr(md_special, (int)cp);
}

/* Untrusted text as inert Markdown, at most cap bytes of it.  Text that
 * opens a line or a list item must not read as a block marker. */
static void md_text_n(md_out *o, const char *s, size_t len, size_t cap,
	bool opens_line)
{
	size_t n, marker;
	bool cut;

	while (len && is_blank((unsigned char)*s)) {
		s++;
		len--;
	}
	n = clip(s, len, cap, &cut);
	marker = opens_line ? block_marker(s, n) : n;
	for (size_t i = 0, step; i < n; i += step) {
		uint32_t cp;

		step = cr_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (i == marker || is_special(cp))
			md_putc(o, '\\');
		md_char(o, s + i, step, cp);
	}
	if (cut)
		md_puts(o, ELLIPSIS);
}

static void md_name(md_out *o, const char *s)
{
	if (s)
		md_text_n(o, s, strlen(s), o->name_cap, false);
}

static void md_message(md_out *o, const char *s)
{
	if (s)
		md_text_n(o, s, strlen(s), o->text_cap, false);
}

/* A message at the start of a line or a list item. */
static void md_line(md_out *o, const char *s)
{
	if (s)
		md_text_n(o, s, strlen(s), o->text_cap, true);
}

static size_t longest_backtick_run(const char *s, size_t n)
{
	size_t best = 0, run = 0;

	for (size_t i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

static void md_fence(md_out *o, size_t width)
{
	for (size_t i = 0; i < width; i++)
		md_putc(o, '`');
}

/* A code span shows its content literally; a space on each side keeps a
 * leading or trailing backtick or blank from merging with the fence (the
 * renderer strips exactly one from each side). */
static void md_code(md_out *o, const char *s, uint32_t line)
{
	bool cut;
	size_t n = clip(s, strlen(s), o->text_cap, &cut);
	size_t fence = longest_backtick_run(s, n) + 1;
	bool open_edge = !n || s[0] == '`' || is_blank((unsigned char)s[0]);
	bool close_edge = n && !line && !cut &&
		(s[n - 1] == '`' || is_blank((unsigned char)s[n - 1]));
	bool pad = open_edge || close_edge;

	md_fence(o, fence);
	if (pad)
		md_putc(o, ' ');
	for (size_t i = 0, step; i < n; i += step) {
		uint32_t cp;

		step = cr_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		md_char(o, s + i, step, cp);
	}
	if (cut)
		md_puts(o, ELLIPSIS);
	if (line)
		md_printf(o, ":%u", (unsigned)line);
	if (pad)
		md_putc(o, ' ');
	md_fence(o, fence);
}

static void md_short_code(md_out *o, const char *s, int width)
{
	char id[64];

	snprintf(id, sizeof id, "%.*s", width, s);
	md_code(o, id, 0);
}

/* --- the summary's budget -------------------------------------------- */

/* Give the next list num/den of what the summary has left. */
static void md_section(md_out *o, size_t num, size_t den)
{
	size_t end = SUMMARY_LIMIT - FOOTER_RESERVE;
	size_t room = o->len < end ? end - o->len : 0;

	if (!o->summary)
		return;
	o->section_end = o->len + room / den * num;
}

/* Keep the entry written since `mark` if its section still has room for
 * it and a closing line; otherwise take it back. */
static bool md_fits(md_out *o, size_t mark)
{
	if (!o->summary || o->len + TAIL_RESERVE <= o->section_end)
		return true;
	o->len = mark;
	return false;
}

static void md_not_shown(md_out *o, size_t count, const char *what)
{
	if (count)
		md_printf(o, "\n_%zu more %s not shown._\n", count, what);
}

/* --- shared views of the report ----------------------------------------- */

static const char *category_name(const cr_category_result *c)
{
	return c->title ? c->title : c->id;
}

static bool in_category(const cr_policy_result *p, const cr_category_result *c)
{
	return !strcmp(p->category, c->id);
}

/* The findings of p into o->found, and how many of them are active. */
static size_t policy_findings(md_out *o, const cr_policy_result *p,
	size_t *active)
{
	size_t count = cr_report_policy_findings(o->r, p->id, o->found,
		o->r->finding_count);

	*active = 0;
	for (size_t i = 0; i < count; i++)
		*active += !o->found[i]->waived;
	return count;
}

static int status_rank(cr_status s)
{
	static const int rank[CR_STATUS_COUNT] = {
		[CR_STATUS_FAIL] = 0, [CR_STATUS_WARN] = 1,
		[CR_STATUS_ERROR] = 2, [CR_STATUS_SKIP] = 3,
		[CR_STATUS_PASS] = 4,
	};

	return (unsigned)s < CR_STATUS_COUNT ? rank[s] : CR_STATUS_COUNT;
}

/* Checklist order: the most severe first, a failure before a warning,
 * then report order (the elements point into one array). */
static int compare_actions(const void *a, const void *b)
{
	const cr_policy_result *p = *(const cr_policy_result *const *)a;
	const cr_policy_result *q = *(const cr_policy_result *const *)b;

	if (p->severity != q->severity)
		return (int)q->severity - (int)p->severity;
	if (status_rank(p->status) != status_rank(q->status))
		return status_rank(p->status) - status_rank(q->status);
	return (p > q) - (p < q);
}

/* Top findings: the most severe first, new before those in the baseline. */
static int compare_findings(const void *a, const void *b)
{
	const cr_finding *f = *(const cr_finding *const *)a;
	const cr_finding *g = *(const cr_finding *const *)b;

	if (f->severity != g->severity)
		return (int)g->severity - (int)f->severity;
	if (f->baseline != g->baseline)
		return f->baseline - g->baseline;
	return (f > g) - (f < g);
}

/* --- title, score and executive summary --------------------------------- */

/* The last component of the target path: what people call the repository. */
static void render_repository_name(md_out *o, const char *path)
{
	size_t end = path ? strlen(path) : 0, start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	if (!end) {
		md_puts(o, "repository");
		return;
	}
	start = end;
	while (start && path[start - 1] != '/')
		start--;
	if (start == end)
		start--;
	md_text_n(o, path + start, end - start, o->name_cap, false);
}

static void render_bundles(md_out *o, const cr_report *r)
{
	for (size_t i = 0; i < r->bundle_count; i++) {
		const cr_bundle_ref *b = &r->bundles[i];

		md_puts(o, i ? ", " : " · bundle ");
		md_name(o, b->name);
		if (b->version) {
			md_putc(o, ' ');
			md_name(o, b->version);
		}
		if (b->digest) {
			md_puts(o, " (");
			md_short_code(o, b->digest,
				(int)strlen("sha256:") + SHORT_ID);
			md_putc(o, ')');
		}
	}
}

static const char *verdict_label(const char *verdict)
{
	if (verdict && !strcmp(verdict, "ready"))
		return "✅ ready";
	if (verdict && !strcmp(verdict, "at-risk"))
		return "⚠️ at risk";
	return "❌ not ready";
}

static void render_title(md_out *o, const cr_report *r)
{
	md_puts(o, "# crucible report: ");
	render_repository_name(o, r->target_path);
	md_puts(o, "\n\n");
	if (r->commit) {
		md_puts(o, "Commit ");
		md_short_code(o, r->commit, SHORT_ID);
	}
	if (r->branch) {
		md_puts(o, r->commit ? " on branch " : "Branch ");
		md_code(o, r->branch, 0);
	}
	if (!r->commit && !r->branch)
		md_puts(o, "Not a git checkout");
	if (!o->summary)
		render_bundles(o, r);
	md_printf(o, "\n\n**Score %.1f/100 · grade %c · %s**\n", r->score,
		r->grade, verdict_label(r->verdict));
}

/* "1 critical, 2 high": policies of status `status` by severity. */
static void render_severity_counts(md_out *o, const cr_report *r,
	cr_status status)
{
	size_t count[CR_SEVERITY_COUNT] = { 0 };
	const char *sep = "";

	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];

		if (p->status == status &&
			(unsigned)p->severity < CR_SEVERITY_COUNT)
			count[p->severity]++;
	}
	for (int s = CR_SEVERITY_COUNT - 1; s >= 0; s--) {
		if (!count[s])
			continue;
		md_printf(o, "%s%zu %s", sep, count[s],
			cr_severity_name((cr_severity)s));
		sep = ", ";
	}
}

/* The failed policies of one severity, named; false when there are none. */
static bool render_named_failures(md_out *o, const cr_report *r,
	cr_severity severity, const char *lead)
{
	size_t limit = o->summary ? SUMMARY_NAMED : SIZE_MAX, total = 0;

	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];

		if (p->status != CR_STATUS_FAIL || p->severity != severity)
			continue;
		if (total++ >= limit)
			continue;
		md_puts(o, total > 1 ? ", " : lead);
		md_puts(o, "**");
		md_name(o, p->id);
		md_puts(o, "**");
		if (p->title) {
			md_puts(o, " (");
			md_name(o, p->title);
			md_putc(o, ')');
		}
	}
	if (total > limit)
		md_printf(o, " and %zu more", total - limit);
	if (total)
		md_puts(o, ". ");
	return total != 0;
}

static void render_counts_sentence(md_out *o, const cr_report *r,
	const cr_report_tally *t)
{
	size_t failing = t->by_status[CR_STATUS_FAIL];

	if (failing) {
		md_printf(o, "%zu of %zu %s fail (", failing, t->policies,
			t->policies == 1 ? "policy" : "policies");
		render_severity_counts(o, r, CR_STATUS_FAIL);
		md_putc(o, ')');
	} else {
		md_printf(o, "None of the %zu %s fail", t->policies,
			t->policies == 1 ? "policy" : "policies");
	}
	md_printf(o, "; %zu warn, %zu skipped, %zu errored. ",
		t->by_status[CR_STATUS_WARN], t->by_status[CR_STATUS_SKIP],
		t->by_status[CR_STATUS_ERROR]);
}

static void render_executive_summary(md_out *o, const cr_report *r)
{
	cr_report_tally t;

	cr_report_tally_compute(&t, r);
	md_puts(o, "\n## Executive summary\n\n");
	md_printf(o, "**Verdict: %s.** The repository scores %.1f/100 "
		"(grade %c). ", verdict_label(r->verdict), r->score, r->grade);
	render_counts_sentence(o, r, &t);
	if (!render_named_failures(o, r, CR_SEV_CRITICAL,
		"Critical blockers: "))
		md_puts(o, "There are no critical blockers. ");
	render_named_failures(o, r, CR_SEV_HIGH, "High-severity failures: ");
	md_printf(o, "%zu active finding%s", t.findings - t.waived,
		t.findings - t.waived == 1 ? "" : "s");
	if (t.waived)
		md_printf(o, " and %zu waived", t.waived);
	md_puts(o, ".\n");
}

/* --- category table ---------------------------------------------------- */

static void render_bar(md_out *o, double score)
{
	int filled = (int)(score * BAR_CELLS / 100.0 + 0.5);

	if (filled < 0)
		filled = 0;
	if (filled > BAR_CELLS)
		filled = BAR_CELLS;
	for (int i = 0; i < BAR_CELLS; i++)
		md_puts(o, i < filled ? "█" : "░");
}

static void render_category_row(md_out *o, const cr_report *r,
	const cr_category_result *c)
{
	size_t failing = 0, total = 0;

	for (size_t i = 0; i < r->policy_count; i++) {
		if (!in_category(&r->policies[i], c))
			continue;
		total++;
		failing += r->policies[i].status == CR_STATUS_FAIL;
	}
	md_puts(o, "| ");
	md_name(o, category_name(c));
	if (c->scored) {
		md_printf(o, " | %.1f | ", c->score);
		render_bar(o, c->score);
	} else {
		md_puts(o, " | n/a | not scored");
	}
	md_printf(o, " | %g | %zu | %zu |\n", c->weight, failing, total);
}

static void render_category_table(md_out *o, const cr_report *r)
{
	size_t shown = 0;

	md_puts(o, "\n## Category scores\n\n");
	if (!r->category_count) {
		md_puts(o, "No categories were evaluated.\n");
		return;
	}
	md_section(o, 1, 4);
	md_puts(o, "| Category | Score | | Weight | Failing | Policies |\n"
		"| --- | ---: | --- | ---: | ---: | ---: |\n");
	for (; shown < r->category_count; shown++) {
		size_t mark = o->len;

		render_category_row(o, r, &r->categories[shown]);
		if (!md_fits(o, mark))
			break;
	}
	md_not_shown(o, r->category_count - shown, "categories");
}

/* --- findings as evidence ------------------------------------------- */

/* `opens_item`: the text starts a list item, unless there is a location. */
static void render_finding_text(md_out *o, const cr_finding *f,
	bool opens_item)
{
	if (f->location_count) {
		md_code(o, f->locations[0].path, f->locations[0].line);
		md_putc(o, ' ');
	}
	if (opens_item && !f->location_count)
		md_line(o, f->message);
	else
		md_message(o, f->message);
	if (f->location_count > 1)
		md_printf(o, " (+%zu more location%s)", f->location_count - 1,
			f->location_count == 2 ? "" : "s");
}

static void render_evidence_item(md_out *o, const cr_policy_result *p,
	const cr_finding *f)
{
	md_puts(o, "- ");
	render_finding_text(o, f, true);
	if (f->severity != p->severity || f->kind != p->status)
		md_printf(o, " *(%s%s)*", cr_severity_name(f->severity),
			f->kind == CR_STATUS_WARN ? " warning" : "");
	if (f->baseline)
		md_puts(o, " *(in baseline)*");
	md_putc(o, '\n');
}

static void render_evidence(md_out *o, const cr_policy_result *p,
	size_t count, size_t active)
{
	size_t shown = 0;

	if (!active) {
		if (p->message && *p->message) {
			md_putc(o, '\n');
			md_line(o, p->message);
			md_putc(o, '\n');
		}
		return;
	}
	md_printf(o, "\nEvidence (%zu finding%s):\n\n", active,
		active == 1 ? "" : "s");
	for (size_t i = 0; i < count && shown < EVIDENCE_CAP; i++) {
		if (o->found[i]->waived)
			continue;
		render_evidence_item(o, p, o->found[i]);
		shown++;
	}
	if (active > shown)
		md_printf(o, "- " ELLIPSIS " and %zu more\n", active - shown);
}

static void render_policy_detail(md_out *o, const cr_policy_result *p)
{
	size_t active, count = policy_findings(o, p, &active);

	md_printf(o, "\n#### %s · %s · ",
		p->status == CR_STATUS_FAIL ? "❌ FAIL" : "⚠️ WARN",
		cr_severity_name(p->severity));
	md_name(o, p->id);
	if (p->title) {
		md_puts(o, ": ");
		md_name(o, p->title);
	}
	md_putc(o, '\n');
	render_evidence(o, p, count, active);
	if (p->remediation && *p->remediation) {
		md_puts(o, "\n**Remediation:** ");
		md_message(o, p->remediation);
		md_putc(o, '\n');
	}
}

static void render_policy_line(md_out *o, const cr_policy_result *p)
{
	md_puts(o, "- **");
	md_name(o, p->id);
	md_puts(o, "**");
	if (p->title) {
		md_puts(o, ": ");
		md_name(o, p->title);
	}
}

static bool needs_attention(const cr_policy_result *p)
{
	return p->status == CR_STATUS_FAIL || p->status == CR_STATUS_WARN;
}

/* `order` puts failures and warnings first. */
static void render_category_detail(md_out *o, const cr_category_result *c,
	const cr_policy_result **order)
{
	const cr_report *r = o->r;
	size_t attention = 0, passing = 0, other = 0;

	md_puts(o, "\n### ");
	md_name(o, category_name(c));
	if (c->scored)
		md_printf(o, " · %.1f/100\n", c->score);
	else
		md_puts(o, " · not scored\n");
	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = order[i];

		if (!in_category(p, c))
			continue;
		if (needs_attention(p)) {
			render_policy_detail(o, p);
			attention++;
			continue;
		}
		if (!attention && !passing && !other)
			md_puts(o, "\nNo failing or warning policies.\n");
		if (p->status == CR_STATUS_PASS) {
			if (!passing++)
				md_puts(o, "\nPassing:\n\n");
			render_policy_line(o, p);
			md_putc(o, '\n');
		} else {
			other++;
		}
	}
	if (!attention && !passing && !other)
		md_puts(o, "\nNo policies.\n");
	if (other)
		md_printf(o, "\n%zu skipped or errored: see below.\n", other);
}

static void render_categories_detail(md_out *o, const cr_report *r,
	const cr_policy_result **order)
{
	if (!r->category_count)
		return;
	md_puts(o, "\n## Findings by category\n");
	for (size_t i = 0; i < r->category_count; i++)
		render_category_detail(o, &r->categories[i], order);
}

/* --- checklist and top findings ----------------------------------------- */

static void render_action(md_out *o, const cr_policy_result *p)
{
	size_t active;

	policy_findings(o, p, &active);
	md_printf(o, "- [ ] **%s** ", cr_severity_name(p->severity));
	md_name(o, p->id);
	if (p->title) {
		md_puts(o, ": ");
		md_name(o, p->title);
	}
	if (p->remediation && *p->remediation) {
		md_puts(o, " — ");
		md_message(o, p->remediation);
	}
	if (active)
		md_printf(o, " (%zu finding%s)", active,
			active == 1 ? "" : "s");
	if (p->status == CR_STATUS_WARN)
		md_puts(o, " *(warning)*");
	md_putc(o, '\n');
}

/* `order` is scratch room for every policy; it is re-sorted here. */
static void render_checklist(md_out *o, const cr_report *r,
	const cr_policy_result **order)
{
	size_t actions = 0, shown = 0;

	for (size_t i = 0; i < r->policy_count; i++) {
		if (needs_attention(&r->policies[i]))
			order[actions++] = &r->policies[i];
	}
	qsort(order, actions, sizeof *order, compare_actions);
	md_puts(o, "\n## Action checklist\n\n");
	if (!actions) {
		md_puts(o, "Nothing to do: no policy fails or warns.\n");
		return;
	}
	md_section(o, 1, 2);
	for (; shown < actions; shown++) {
		size_t mark = o->len;

		render_action(o, order[shown]);
		if (!md_fits(o, mark))
			break;
	}
	md_not_shown(o, actions - shown, "actions");
}

static void render_top_finding(md_out *o, const cr_finding *f)
{
	md_printf(o, "- **%s** ", cr_severity_name(f->severity));
	md_name(o, f->policy);
	md_puts(o, " ");
	render_finding_text(o, f, false);
	if (f->baseline)
		md_puts(o, " *(in baseline)*");
	md_putc(o, '\n');
}

/* Reuses o->found, sized for every finding. */
static void render_top_findings(md_out *o, const cr_report *r)
{
	size_t active = 0, shown = 0;

	for (size_t i = 0; i < r->finding_count; i++) {
		if (!r->findings[i].waived)
			o->found[active++] = &r->findings[i];
	}
	if (!active)
		return;
	qsort(o->found, active, sizeof *o->found, compare_findings);
	md_puts(o, "\n## Top findings\n\n");
	md_section(o, 1, 1);
	for (; shown < active; shown++) {
		size_t mark = o->len;

		render_top_finding(o, o->found[shown]);
		if (!md_fits(o, mark))
			break;
	}
	md_not_shown(o, active - shown, "findings");
}

/* --- the rest of the full report --------------------------------------- */

static void render_status_section(md_out *o, const cr_report *r,
	cr_status status, const char *heading)
{
	bool any = false;

	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];

		if (p->status != status)
			continue;
		if (!any)
			md_printf(o, "\n## %s\n\n", heading);
		any = true;
		render_policy_line(o, p);
		if (p->message && *p->message) {
			md_puts(o, " — ");
			md_message(o, p->message);
		}
		md_putc(o, '\n');
	}
}

static void render_waived(md_out *o, const cr_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->finding_count; i++) {
		const cr_finding *f = &r->findings[i];

		if (!f->waived)
			continue;
		if (!any)
			md_puts(o, "\n## Waived findings\n\nAccepted risks: "
				"listed for the record, not scored.\n\n");
		any = true;
		md_puts(o, "- **");
		md_name(o, f->policy);
		md_puts(o, "** ");
		render_finding_text(o, f, false);
		md_puts(o, " — waived: ");
		if (f->waiver && *f->waiver)
			md_message(o, f->waiver);
		else
			md_puts(o, "*no reason given*");
		md_putc(o, '\n');
	}
}

static void render_fixed(md_out *o, const cr_report *r)
{
	if (!r->fixed_count)
		return;
	md_puts(o, "\n## Fixed since the baseline\n\n");
	for (size_t i = 0; i < r->fixed_count; i++) {
		const cr_fixed_finding *x = &r->fixed[i];

		md_puts(o, "- **");
		md_name(o, x->policy);
		md_puts(o, "** ");
		md_code(o, x->path ? x->path : x->fingerprint, 0);
		md_putc(o, '\n');
	}
}

static void render_notes(md_out *o, const cr_report *r)
{
	if (!r->warning_count)
		return;
	md_puts(o, "\n## Notes\n\n");
	for (size_t i = 0; i < r->warning_count; i++) {
		md_puts(o, "- ");
		md_line(o, r->warnings[i]);
		md_putc(o, '\n');
	}
}

static void render_footer(md_out *o, const cr_report *r)
{
	md_puts(o, "\n---\n\n");
	if (o->summary) {
		md_puts(o, "_Short form for a pull request; `crucible eval "
			"--format markdown` gives the full report._\n");
		return;
	}
	/* No duration: the same repository gives the same bytes, so a PR
	 * comment updated on every push only changes when findings do. */
	md_printf(o, "_crucible %s · %llu files, %llu commits_\n",
		CRUCIBLE_VERSION, (unsigned long long)r->stats.files,
		(unsigned long long)r->stats.commits);
}

/* Within a category: failures, then warnings, then the rest, the most
 * severe first; ties in report order. */
static int compare_detail(const void *a, const void *b)
{
	const cr_policy_result *p = *(const cr_policy_result *const *)a;
	const cr_policy_result *q = *(const cr_policy_result *const *)b;

	if (status_rank(p->status) != status_rank(q->status))
		return status_rank(p->status) - status_rank(q->status);
	if (p->severity != q->severity)
		return (int)q->severity - (int)p->severity;
	return (p > q) - (p < q);
}

static void render_full(md_out *o, const cr_report *r,
	const cr_policy_result **order)
{
	for (size_t i = 0; i < r->policy_count; i++)
		order[i] = &r->policies[i];
	qsort(order, r->policy_count, sizeof *order, compare_detail);
	render_categories_detail(o, r, order);
	render_checklist(o, r, order);
	render_status_section(o, r, CR_STATUS_SKIP, "Skipped policies");
	render_status_section(o, r, CR_STATUS_ERROR, "Errored policies");
	render_waived(o, r);
	render_fixed(o, r);
	render_notes(o, r);
}

static void render_document(md_out *o, const cr_report *r,
	const cr_policy_result **order)
{
	render_title(o, r);
	render_executive_summary(o, r);
	render_category_table(o, r);
	if (o->summary) {
		render_checklist(o, r, order);
		render_top_findings(o, r);
	} else {
		render_full(o, r, order);
	}
	render_footer(o, r);
}

int cr_report_render_markdown(const cr_report *r, FILE *f,
	const cr_render_opts *opts, cr_ctx *ctx)
{
	const cr_policy_result **order;
	md_out o = {
		.summary = opts && opts->summary,
		.name_cap = SIZE_MAX,
		.text_cap = SIZE_MAX,
		.section_end = SIZE_MAX,
		.r = r,
	};
	int err = CR_OK;

	if (o.summary) {
		o.name_cap = SUMMARY_NAME_CAP;
		o.text_cap = SUMMARY_TEXT_CAP;
	}
	order = calloc(r->policy_count + 1, sizeof *order);
	o.found = calloc(r->finding_count + 1, sizeof *o.found);
	if (order && o.found)
		render_document(&o, r, order);
	else
		o.oom = true;
	if (o.oom) {
		err = cr_error_set(ctx, CR_ENOMEM,
			"out of memory rendering the Markdown report");
		goto done;
	}
	if (fwrite(o.doc, 1, o.len, f) != o.len || fflush(f) == EOF)
		err = cr_error_set(ctx, CR_EIO,
			"cannot write the Markdown report");
done:
	free(o.doc);
	free(order);
	free(o.found);
	return err;
}
