/*
 * html.c - the report as one self-contained web page.
 *
 * The page is meant to be attached to a CI run or mailed around, so it
 * makes no network request at all: CSS and JavaScript are inline, charts
 * are inline SVG, and a Content-Security-Policy meta forbids every fetch.
 * Everything is in the markup and visible without JavaScript; the script
 * only reveals the filter controls and hides rows of the findings table
 * (severity, category, waived, free text), reading its initial state from
 * the URL fragment (#severity=critical,high&category=secrets) so that a
 * filtered view can be linked to.
 *
 * Messages, paths and titles come from the scanned repository and from
 * policy bundles, so every such string goes through put_text(), which
 * escapes the five HTML-significant characters and replaces control
 * characters and invalid UTF-8 with U+FFFD, and reaches the script only
 * as data-* attributes, never as script text.  The page holds no
 * timestamp and no timing, so the same report renders to the same bytes.
 */
#include "crucible/report.h"

#include <stdlib.h>
#include <string.h>

#include "crucible/score.h"
#include "report/report_private.h"
#include "report/utf8.h"

#define SHORT_ID 12
#define MAX_LABEL_CHARS 26   /* a category title in the bar chart */

/* Geometry of the charts, in SVG user units. */
#define GAUGE_SIZE 200
#define BAR_LABEL_W 230
#define BAR_TRACK_X 240
#define BAR_TRACK_W 440
#define BAR_VALUE_X 700
#define BAR_CHART_W 800
#define BAR_ROW_H 34
#define BAR_H 18
#define BAR_TOP 8
#define BAR_AXIS_H 22

/* Listing order of the policies table: what needs attention first. */
static const int status_rank[CR_STATUS_COUNT] = {
	[CR_STATUS_FAIL] = 0,
	[CR_STATUS_ERROR] = 1,
	[CR_STATUS_WARN] = 2,
	[CR_STATUS_SKIP] = 3,
	[CR_STATUS_PASS] = 4,
};

/* The report's policies and findings in the orders the page needs,
 * built once: looking up a finding's policy (for its category) must stay
 * cheap with thousands of findings. */
typedef struct html_index {
	const cr_policy_result **by_id;      /* policies sorted by id */
	const cr_policy_result **policies;   /* display order */
	const cr_finding **findings;         /* display order */
} html_index;

/* What a code point is written as, or NULL for itself. */
static const char *entity_of(uint32_t cp)
{
	switch (cp) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\t':
	case '\n':
	case '\r':
		return NULL;
	}
	/* Control characters (C0, DEL, C1) are parse errors in HTML, and an
	 * invalid byte would make the page invalid UTF-8. */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == CR_UTF8_INVALID)
		return CR_UTF8_REPLACEMENT;
	return NULL;
}

/* Untrusted text, safe both between tags and inside a quoted attribute;
 * runs that need no change are written as they are. */
static void put_text_n(FILE *f, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0, i = 0;

	while (i < n) {
		uint32_t cp;
		size_t step = cr_utf8_decode(u + i, n - i, &cp);
		const char *entity = entity_of(cp);

		i += step;
		if (!entity)
			continue;
		fwrite(s + run, 1, i - step - run, f);
		fputs(entity, f);
		run = i;
	}
	fwrite(s + run, 1, n - run, f);
}

static void put_text(FILE *f, const char *s)
{
	if (s)
		put_text_n(f, s, strlen(s));
}

/* The first n bytes of an object id or digest. */
static void put_prefix(FILE *f, const char *s, size_t n)
{
	put_text_n(f, s, strnlen(s, n));
}

static void put_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	put_text(f, value);
	fputc('"', f);
}

/* Remediations are written with `code` spans, as in Markdown: show them
 * as code.  A lone backtick stays a backtick. */
static void put_prose(FILE *f, const char *s)
{
	const char *open, *close;

	while (s && (open = strchr(s, '`')) && (close = strchr(open + 1, '`'))) {
		put_text_n(f, s, (size_t)(open - s));
		fputs("<code>", f);
		put_text_n(f, open + 1, (size_t)(close - open - 1));
		fputs("</code>", f);
		s = close + 1;
	}
	put_text(f, s);
}

/* A title for a chart, cut after MAX_LABEL_CHARS characters. */
static void put_label(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), end = 0;
	uint32_t cp;

	for (int chars = 0; end < n && chars < MAX_LABEL_CHARS; chars++)
		end += cr_utf8_decode(u + end, n - end, &cp);
	put_text_n(f, s, end);
	if (end < n)
		fputs("\xe2\x80\xa6", f);
}

static double clamp_score(double score)
{
	return score < 0 ? 0 : score > 100 ? 100 : score;
}

/* The class of a score's colour: the verdict the score alone would get,
 * so that the thresholds stay in score.c. */
static const char *score_class(double score)
{
	return cr_score_verdict(score, false);
}

/* The grade goes into markup unescaped, so it must be a grade. */
static char grade_of(const cr_report *r)
{
	return r->grade >= 'A' && r->grade <= 'F' ? r->grade : '?';
}

static const char *category_name(const cr_category_result *c)
{
	return c->title ? c->title : c->id;
}

static const cr_category_result *category_find(const cr_report *r,
	const char *id)
{
	for (size_t i = 0; id && i < r->category_count; i++)
		if (!strcmp(r->categories[i].id, id))
			return &r->categories[i];
	return NULL;
}

static int compare_policy_ids(const void *a, const void *b)
{
	const cr_policy_result *p = *(const cr_policy_result *const *)a;
	const cr_policy_result *q = *(const cr_policy_result *const *)b;

	return strcmp(p->id, q->id);
}

static const cr_policy_result *policy_find(const html_index *ix,
	const cr_report *r, const char *id)
{
	const cr_policy_result key = { .id = (char *)id };
	const cr_policy_result *kp = &key, **hit;

	hit = bsearch(&kp, ix->by_id, r->policy_count, sizeof *ix->by_id,
		compare_policy_ids);
	return hit ? *hit : NULL;
}

static int policy_rank(const cr_policy_result *p)
{
	return (unsigned)p->status < CR_STATUS_COUNT ? status_rank[p->status] :
		CR_STATUS_COUNT;
}

/* Ties keep report order: the elements point into one array. */
static int compare_policy_order(const void *a, const void *b)
{
	const cr_policy_result *p = *(const cr_policy_result *const *)a;
	const cr_policy_result *q = *(const cr_policy_result *const *)b;

	if (policy_rank(p) != policy_rank(q))
		return policy_rank(p) - policy_rank(q);
	if (p->severity != q->severity)
		return (int)q->severity - (int)p->severity;
	return (p > q) - (p < q);
}

static int compare_finding_order(const void *a, const void *b)
{
	const cr_finding *f = *(const cr_finding *const *)a;
	const cr_finding *g = *(const cr_finding *const *)b;

	if (f->severity != g->severity)
		return (int)g->severity - (int)f->severity;
	return (f > g) - (f < g);
}

static int index_build(html_index *ix, const cr_report *r, cr_ctx *ctx)
{
	ix->by_id = calloc(r->policy_count + 1, sizeof *ix->by_id);
	ix->policies = calloc(r->policy_count + 1, sizeof *ix->policies);
	ix->findings = calloc(r->finding_count + 1, sizeof *ix->findings);
	if (!ix->by_id || !ix->policies || !ix->findings)
		return cr_error_set(ctx, CR_ENOMEM,
			"out of memory rendering the HTML report");
	for (size_t i = 0; i < r->policy_count; i++)
		ix->by_id[i] = ix->policies[i] = &r->policies[i];
	qsort(ix->by_id, r->policy_count, sizeof *ix->by_id, compare_policy_ids);
	qsort(ix->policies, r->policy_count, sizeof *ix->policies,
		compare_policy_order);
	for (size_t i = 0; i < r->finding_count; i++)
		ix->findings[i] = &r->findings[i];
	qsort(ix->findings, r->finding_count, sizeof *ix->findings,
		compare_finding_order);
	return CR_OK;
}

static void index_free(html_index *ix)
{
	free(ix->by_id);
	free(ix->policies);
	free(ix->findings);
}

/* --- the page ------------------------------------------------------- */

static const char page_style[] =
	":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;"
	"--ready:#1a7f37;--at-risk:#bf8700;--not-ready:#cf222e;"
	"--track:#eaeef2}\n"
	"*{box-sizing:border-box}\n"
	"[hidden]{display:none!important}\n"
	"body{margin:0;background:var(--bg);color:var(--fg);"
	"font:14px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"\"Helvetica Neue\",Arial,sans-serif}\n"
	"code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"\"Liberation Mono\",monospace}\n"
	".wrap{max-width:1200px;margin:0 auto;padding:0 24px}\n"
	"header{background:#1f2328;color:#f0f3f6;padding:22px 0 18px}\n"
	"header .kicker{margin:0;color:#9198a1;font-size:12px;"
	"letter-spacing:.08em;text-transform:uppercase}\n"
	"h1{margin:2px 0 12px;font-size:26px;font-weight:600;"
	"overflow-wrap:anywhere}\n"
	"header dl{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0}\n"
	"header dl div{min-width:0}\n"
	"header dt{color:#9198a1;font-size:12px}\n"
	"header dd{margin:0;overflow-wrap:anywhere}\n"
	"header code{color:#f0f3f6}\n"
	"nav{display:flex;gap:18px;margin-top:14px;font-size:13px}\n"
	"nav a{color:#9ecbff;text-decoration:none}\n"
	"main{padding:20px 0 8px}\n"
	"section{background:#fff;border:1px solid var(--line);"
	"border-radius:8px;padding:18px 24px;margin:0 0 20px}\n"
	"h2{margin:0 0 14px;font-size:18px;font-weight:600}\n"
	"h2 small{color:var(--muted);font-weight:400;font-size:14px}\n"
	".overview{display:flex;flex-wrap:wrap;gap:20px 40px;"
	"align-items:center}\n"
	".gauge{width:220px;height:220px;flex:none}\n"
	".gauge .track{fill:none;stroke:var(--track);stroke-width:16}\n"
	".gauge .arc{fill:none;stroke-width:16}\n"
	".gauge .value{font-size:46px;font-weight:700;fill:var(--fg)}\n"
	".gauge .of{font-size:13px;fill:var(--muted)}\n"
	".gauge .grade{font-size:17px;font-weight:600;fill:var(--fg)}\n"
	".gauge .verdict{font-size:14px;font-weight:700;"
	"text-transform:uppercase;letter-spacing:.06em}\n"
	".ready{stroke:var(--ready);fill:var(--ready);color:var(--ready)}\n"
	".at-risk{stroke:var(--at-risk);fill:var(--at-risk);"
	"color:var(--at-risk)}\n"
	".not-ready{stroke:var(--not-ready);fill:var(--not-ready);"
	"color:var(--not-ready)}\n"
	".stats{flex:1;min-width:300px}\n"
	".stats p.headline{margin:0 0 14px;font-size:20px;font-weight:600}\n"
	".stats dl{display:grid;grid-template-columns:max-content 1fr;"
	"gap:10px 18px;margin:0}\n"
	".stats dt{color:var(--muted);padding-top:2px}\n"
	".stats dd{margin:0;display:flex;flex-wrap:wrap;gap:6px}\n"
	".chip{display:inline-flex;align-items:center;gap:6px;"
	"border:1px solid var(--line);border-radius:14px;padding:1px 10px;"
	"font-size:13px;white-space:nowrap}\n"
	".chip b{font-weight:700}\n"
	".bars{width:100%;max-width:980px;height:auto;display:block}\n"
	".bars .label{font-size:14px;fill:var(--fg)}\n"
	".bars .track{fill:var(--track)}\n"
	".bars .unscored{fill:none;stroke:#afb8c1;stroke-dasharray:4 3}\n"
	".bars .cat-score{font-size:14px;font-weight:700}\n"
	".bars .none{fill:var(--muted);font-weight:400;font-style:italic}\n"
	".bars .grid{stroke:#d1d9e0;stroke-width:1}\n"
	".bars .tick{font-size:11px;fill:var(--muted)}\n"
	"table{width:100%;border-collapse:collapse}\n"
	"th,td{text-align:left;vertical-align:top;padding:7px 10px;"
	"border-bottom:1px solid #eaeef2}\n"
	"thead th{position:sticky;top:0;background:#f6f8fa;font-size:12px;"
	"font-weight:600;color:var(--muted);text-transform:uppercase;"
	"letter-spacing:.04em;border-bottom:1px solid var(--line)}\n"
	"tbody tr:hover{background:#f6f8fa}\n"
	"td.id{white-space:nowrap}\n"
	"td.loc{min-width:180px;max-width:360px;overflow-wrap:anywhere}\n"
	"td.msg{min-width:260px;overflow-wrap:anywhere}\n"
	".fix{margin-top:4px;color:var(--muted);font-size:13px}\n"
	".muted{color:var(--muted)}\n"
	".badge{display:inline-block;min-width:48px;text-align:center;"
	"border-radius:12px;padding:0 8px;font-size:12px;font-weight:600;"
	"line-height:20px;white-space:nowrap;text-transform:uppercase}\n"
	".st-pass{background:#dafbe1;color:#116329}\n"
	".st-fail{background:#ffebe9;color:#a40e26}\n"
	".st-warn{background:#fff8c5;color:#7d4e00}\n"
	".st-skip{background:#eff2f5;color:#59636e}\n"
	".st-error{background:#fbefff;color:#6639ba}\n"
	".sev{white-space:nowrap}\n"
	".sev::before{content:\"\";display:inline-block;width:9px;"
	"height:9px;border-radius:50%;margin-right:6px;"
	"background:var(--dot)}\n"
	".sev-critical{--dot:#82071e;font-weight:700}\n"
	".sev-high{--dot:#cf222e}\n"
	".sev-medium{--dot:#e16f24}\n"
	".sev-low{--dot:#d4a72c}\n"
	".sev-info{--dot:#8c959f}\n"
	".tag{display:inline-block;border:1px solid var(--line);"
	"border-radius:4px;padding:0 6px;margin:0 4px 2px 0;font-size:12px;"
	"white-space:nowrap}\n"
	".tag-waived{background:#eff2f5}\n"
	".tag-baseline{background:#ddf4ff;border-color:#b6e3ff}\n"
	"details summary{cursor:pointer;color:var(--muted);font-size:12px}\n"
	"form.filters{display:flex;flex-wrap:wrap;gap:10px 24px;"
	"align-items:center;padding:10px 14px;margin:0 0 12px;"
	"background:#f6f8fa;border:1px solid var(--line);border-radius:6px}\n"
	"form.filters fieldset{border:0;margin:0;padding:0;display:flex;"
	"flex-wrap:wrap;gap:4px 12px;align-items:center}\n"
	"form.filters legend{float:left;margin-right:8px;font-weight:600}\n"
	"form.filters label{white-space:nowrap}\n"
	"form.filters select,form.filters input[type=search]{font:inherit;"
	"padding:3px 6px;border:1px solid var(--line);border-radius:6px}\n"
	".shown{margin:0 0 8px;color:var(--muted)}\n"
	".note{margin:0 0 12px;padding:8px 12px;border-left:3px solid #54aeff;"
	"background:#ddf4ff}\n"
	"ul.plain{margin:0;padding-left:20px}\n"
	"footer{padding:4px 0 28px;color:var(--muted);font-size:12px}\n"
	"@media print{header{background:none;color:#000}form.filters{"
	"display:none}section{break-inside:avoid-page}}\n";

/* Nothing in here comes from the report: the rows carry their data in
 * data-* attributes, and the fragment is parsed, never evaluated. */
static const char page_script[] =
	"(function () {\n"
	"\t'use strict';\n"
	"\tvar form = document.getElementById('filters');\n"
	"\tif (!form)\n"
	"\t\treturn;\n"
	"\tvar rows = document.querySelectorAll('#findings-table tbody tr');\n"
	"\tvar shown = document.getElementById('findings-shown');\n"
	"\tvar boxes = form.querySelectorAll('input[name=severity]');\n"
	"\tvar el = form.elements;\n"
	"\n"
	"\tfunction fragment() {\n"
	"\t\tvar params = Object.create(null);\n"
	"\t\tlocation.hash.replace(/^#/, '').split('&').forEach(function (kv) {\n"
	"\t\t\tvar eq = kv.indexOf('=');\n"
	"\t\t\tif (eq < 1)\n"
	"\t\t\t\treturn;\n"
	"\t\t\ttry {\n"
	"\t\t\t\tparams[decodeURIComponent(kv.slice(0, eq))] =\n"
	"\t\t\t\t\tdecodeURIComponent(kv.slice(eq + 1));\n"
	"\t\t\t} catch (e) {\n"
	"\t\t\t\t/* a malformed escape: ignore that pair */\n"
	"\t\t\t}\n"
	"\t\t});\n"
	"\t\treturn params;\n"
	"\t}\n"
	"\n"
	"\tfunction load() {\n"
	"\t\tvar p = fragment();\n"
	"\t\tvar severities = p.severity === undefined ? null :\n"
	"\t\t\tp.severity.split(',');\n"
	"\t\tboxes.forEach(function (box) {\n"
	"\t\t\tbox.checked = !severities || severities.indexOf(box.value) >= 0;\n"
	"\t\t});\n"
	"\t\tel.category.value = p.category || '';\n"
	"\t\tif (el.category.selectedIndex < 0)\n"
	"\t\t\tel.category.value = '';\n"
	"\t\tel.waived.checked = p.waived !== '0';\n"
	"\t\tel.q.value = p.q || '';\n"
	"\t}\n"
	"\n"
	"\tfunction save() {\n"
	"\t\tvar parts = [], severities = [], all = true;\n"
	"\t\tboxes.forEach(function (box) {\n"
	"\t\t\tif (box.checked)\n"
	"\t\t\t\tseverities.push(box.value);\n"
	"\t\t\telse\n"
	"\t\t\t\tall = false;\n"
	"\t\t});\n"
	"\t\tif (!all)\n"
	"\t\t\tparts.push('severity=' + severities.join(','));\n"
	"\t\tif (el.category.value)\n"
	"\t\t\tparts.push('category=' + encodeURIComponent(el.category.value));\n"
	"\t\tif (!el.waived.checked)\n"
	"\t\t\tparts.push('waived=0');\n"
	"\t\tif (el.q.value)\n"
	"\t\t\tparts.push('q=' + encodeURIComponent(el.q.value));\n"
	"\t\thistory.replaceState(null, '', parts.length ?\n"
	"\t\t\t'#' + parts.join('&') : location.pathname + location.search);\n"
	"\t}\n"
	"\n"
	"\tfunction apply() {\n"
	"\t\tvar severity = {}, count = 0;\n"
	"\t\tvar category = el.category.value;\n"
	"\t\tvar query = el.q.value.trim().toLowerCase();\n"
	"\t\tboxes.forEach(function (box) {\n"
	"\t\t\tseverity[box.value] = box.checked;\n"
	"\t\t});\n"
	"\t\tfor (var i = 0; i < rows.length; i++) {\n"
	"\t\t\tvar d = rows[i].dataset;\n"
	"\t\t\tvar show = severity[d.severity] &&\n"
	"\t\t\t\t(!category || d.category === category) &&\n"
	"\t\t\t\t(el.waived.checked || d.state === 'open') &&\n"
	"\t\t\t\t(!query ||\n"
	"\t\t\t\t rows[i].textContent.toLowerCase().indexOf(query) >= 0);\n"
	"\t\t\trows[i].hidden = !show;\n"
	"\t\t\tif (show)\n"
	"\t\t\t\tcount++;\n"
	"\t\t}\n"
	"\t\tshown.textContent = count + ' of ' + rows.length +\n"
	"\t\t\t' findings shown';\n"
	"\t}\n"
	"\n"
	"\tform.addEventListener('submit', function (e) {\n"
	"\t\te.preventDefault();\n"
	"\t});\n"
	"\tform.addEventListener('input', function () {\n"
	"\t\tapply();\n"
	"\t\tsave();\n"
	"\t});\n"
	"\tform.addEventListener('reset', function () {\n"
	"\t\tsetTimeout(function () {\n"
	"\t\t\tapply();\n"
	"\t\t\tsave();\n"
	"\t\t});\n"
	"\t});\n"
	"\twindow.addEventListener('hashchange', function () {\n"
	"\t\tload();\n"
	"\t\tapply();\n"
	"\t});\n"
	"\tform.hidden = false;\n"
	"\tload();\n"
	"\tapply();\n"
	"})();\n";

/* default-src 'none' covers fetches, frames, fonts, media and workers;
 * base-uri and form-action are not fetches and need their own. */
#define PAGE_CSP "default-src 'none'; style-src 'unsafe-inline'; " \
	"script-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
	"form-action 'none'"

/* The last component of the target path names the repository; a path
 * without one (".", "/") is shown whole. */
typedef struct name_span {
	const char *s;
	size_t len;
} name_span;

static name_span repository_name(const cr_report *r)
{
	const char *path = r->target_path ? r->target_path : "(unknown)";
	size_t end = strlen(path), start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end == start || (end - start == 1 && path[start] == '.'))
		return (name_span){ path, strlen(path) };
	return (name_span){ path + start, end - start };
}

static void render_head(FILE *f, name_span name)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		PAGE_CSP "\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"crucible " CRUCIBLE_VERSION
		"\">\n<title>", f);
	put_text_n(f, name.s, name.len);
	fputs(" - crucible readiness report</title>\n<style>\n", f);
	fputs(page_style, f);
	fputs("</style>\n</head>\n", f);
}

static void render_meta_item(FILE *f, const char *term, const char *value,
	bool code)
{
	fprintf(f, "<div><dt>%s</dt><dd>%s", term, code ? "<code>" : "");
	put_text(f, value);
	fprintf(f, "%s</dd></div>\n", code ? "</code>" : "");
}

static void render_bundles(FILE *f, const cr_report *r)
{
	fputs("<div><dt>Bundles</dt><dd>", f);
	if (!r->bundle_count)
		fputs("none", f);
	for (size_t i = 0; i < r->bundle_count; i++) {
		const cr_bundle_ref *b = &r->bundles[i];

		if (i)
			fputs(", ", f);
		put_text(f, b->name);
		if (b->version) {
			fputc(' ', f);
			put_text(f, b->version);
		}
		if (b->digest) {
			fputs(" <code", f);
			put_attr(f, "title", b->digest);
			fputc('>', f);
			put_prefix(f, b->digest, strlen("sha256:") + SHORT_ID);
			fputs("</code>", f);
		}
	}
	fputs("</dd></div>\n", f);
}

static void render_header(FILE *f, const cr_report *r, name_span name)
{
	fputs("<header>\n<div class=\"wrap\">\n"
		"<p class=\"kicker\">crucible readiness report</p>\n<h1>", f);
	put_text_n(f, name.s, name.len);
	fputs("</h1>\n<dl>\n", f);
	render_meta_item(f, "Path", r->target_path ? r->target_path : "(unknown)",
		true);
	render_meta_item(f, "Commit", r->commit ? r->commit : "not a git "
		"repository", r->commit != NULL);
	render_meta_item(f, "Branch", r->branch ? r->branch :
		r->commit ? "(detached)" : "none", r->branch != NULL);
	render_bundles(f, r);
	fputs("</dl>\n<nav aria-label=\"Sections\"><a href=\"#overview\">"
		"Score</a><a href=\"#categories\">Categories</a>"
		"<a href=\"#policies\">Policies</a><a href=\"#findings\">"
		"Findings</a></nav>\n</div>\n</header>\n", f);
}

/* A 270-degree arc around the centre, open at the bottom; pathLength
 * makes its length 100, so the dash of the score's length is the score. */
#define GAUGE_ARC "M43.43 156.57A80 80 0 1 1 156.57 156.57"

static void render_gauge(FILE *f, const cr_report *r)
{
	const char *verdict = r->verdict ? r->verdict : "not-ready";
	double score = clamp_score(r->score);

	fprintf(f, "<svg class=\"gauge\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"Overall score %.1f out of 100, grade %c, ",
		GAUGE_SIZE, GAUGE_SIZE, r->score, grade_of(r));
	put_text(f, verdict);
	fputs("\">\n", f);
	fputs("<path class=\"track\" d=\"" GAUGE_ARC "\"/>\n", f);
	if (score > 0)
		fprintf(f, "<path class=\"arc %s\" d=\"" GAUGE_ARC "\" "
			"pathLength=\"100\" stroke-dasharray=\"%.1f 100\"/>\n",
			score_class(score), score);
	fprintf(f, "<text id=\"score-value\" class=\"value\" x=\"100\" "
		"y=\"104\" text-anchor=\"middle\">%.1f</text>\n", r->score);
	fputs("<text class=\"of\" x=\"100\" y=\"124\" text-anchor=\"middle\">"
		"out of 100</text>\n", f);
	fprintf(f, "<text class=\"grade\" x=\"100\" y=\"152\" "
		"text-anchor=\"middle\">Grade <tspan id=\"score-grade\">%c"
		"</tspan></text>\n", grade_of(r));
	fputs("<text id=\"score-verdict\" class=\"verdict ", f);
	put_text(f, verdict);
	fputs("\" x=\"100\" y=\"188\" text-anchor=\"middle\">", f);
	put_text(f, verdict);
	fputs("</text>\n</svg>\n", f);
}

static void render_chip(FILE *f, const char *cls, size_t n, const char *what)
{
	fprintf(f, "<span class=\"chip\"><span class=\"%s\">%s</span> "
		"<b>%zu</b></span>", cls, what, n);
}

static void render_stats(FILE *f, const cr_report *r)
{
	static const cr_status status_order[] = { CR_STATUS_FAIL,
		CR_STATUS_ERROR, CR_STATUS_WARN, CR_STATUS_SKIP, CR_STATUS_PASS };
	cr_report_tally t;
	char cls[32];

	cr_report_tally_compute(&t, r);
	fputs("<div class=\"stats\">\n<p class=\"headline\">", f);
	if (t.by_status[CR_STATUS_FAIL] + t.by_status[CR_STATUS_ERROR])
		fprintf(f, "%zu of %zu policies need attention</p>\n",
			t.by_status[CR_STATUS_FAIL] + t.by_status[CR_STATUS_ERROR],
			t.policies);
	else
		fprintf(f, "No failing policies (%zu evaluated)</p>\n", t.policies);
	fprintf(f, "<dl>\n<dt>Policies <b>%zu</b></dt><dd>", t.policies);
	for (size_t i = 0; i < sizeof status_order / sizeof *status_order; i++) {
		const char *name = cr_status_name(status_order[i]);

		snprintf(cls, sizeof cls, "badge st-%s", name);
		render_chip(f, cls, t.by_status[status_order[i]], name);
	}
	fprintf(f, "</dd>\n<dt>Findings <b>%zu</b></dt><dd>", t.findings);
	for (int s = CR_SEVERITY_COUNT - 1; s >= 0; s--) {
		const char *name = cr_severity_name((cr_severity)s);

		snprintf(cls, sizeof cls, "sev sev-%s", name);
		render_chip(f, cls, t.active_by_severity[s], name);
	}
	render_chip(f, "muted", t.waived, "waived");
	fprintf(f, "</dd>\n<dt>Repository</dt><dd>%llu file%s, %llu commit%s"
		"</dd>\n</dl>\n</div>\n", (unsigned long long)r->stats.files,
		r->stats.files == 1 ? "" : "s",
		(unsigned long long)r->stats.commits,
		r->stats.commits == 1 ? "" : "s");
}

static void render_overview(FILE *f, const cr_report *r)
{
	fputs("<section id=\"overview\" aria-labelledby=\"overview-h\">\n"
		"<h2 id=\"overview-h\">Score</h2>\n<div class=\"overview\">\n", f);
	render_gauge(f, r);
	render_stats(f, r);
	fputs("</div>\n</section>\n", f);
}

static void render_bar_value(FILE *f, const cr_category_result *c)
{
	if (c->scored)
		fprintf(f, "%.1f", c->score);
	else
		fputs("not scored", f);
}

static void render_bar_axis(FILE *f, int y)
{
	for (int pct = 0; pct <= 100; pct += 25) {
		int x = BAR_TRACK_X + BAR_TRACK_W * pct / 100;

		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"0\" x2=\"%d\" "
			"y2=\"%d\"/><text class=\"tick\" x=\"%d\" y=\"%d\" "
			"text-anchor=\"middle\">%d</text>\n", x, x, y, x, y + 16, pct);
	}
}

static void render_bar(FILE *f, const cr_category_result *c, size_t i)
{
	int y = (int)i * BAR_ROW_H + BAR_TOP;
	int mid = y + BAR_H / 2 + 5;

	fputs("<g class=\"cat\"", f);
	put_attr(f, "data-category", c->id);
	fputs("><title>", f);
	put_text(f, category_name(c));
	fprintf(f, " (weight %g, %zu %s): ", c->weight, c->policy_count,
		c->policy_count == 1 ? "policy" : "policies");
	render_bar_value(f, c);
	fprintf(f, "</title>\n<text class=\"label\" x=\"%d\" y=\"%d\" "
		"text-anchor=\"end\">", BAR_LABEL_W, mid);
	put_label(f, category_name(c));
	fputs("</text>\n", f);
	if (c->scored) {
		fprintf(f, "<rect class=\"track\" x=\"%d\" y=\"%d\" width=\"%d\" "
			"height=\"%d\" rx=\"3\"/>\n", BAR_TRACK_X, y, BAR_TRACK_W,
			BAR_H);
		fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
			"height=\"%d\" rx=\"3\"/>\n", score_class(c->score),
			BAR_TRACK_X, y, clamp_score(c->score) * BAR_TRACK_W / 100,
			BAR_H);
	} else {
		fprintf(f, "<rect class=\"unscored\" x=\"%d.5\" y=\"%d.5\" "
			"width=\"%d\" height=\"%d\" rx=\"3\"/>\n", BAR_TRACK_X, y,
			BAR_TRACK_W - 1, BAR_H - 1);
	}
	fprintf(f, "<text id=\"cat-score-%zu\" class=\"cat-score %s\" x=\"%d\" "
		"y=\"%d\">", i, c->scored ? score_class(c->score) : "none",
		BAR_VALUE_X, mid);
	render_bar_value(f, c);
	fputs("</text>\n</g>\n", f);
}

static void render_categories(FILE *f, const cr_report *r)
{
	int rows_h = (int)r->category_count * BAR_ROW_H + BAR_TOP;

	fputs("<section id=\"categories\" aria-labelledby=\"categories-h\">\n"
		"<h2 id=\"categories-h\">Categories</h2>\n", f);
	if (!r->category_count) {
		fputs("<p class=\"muted\">No categories.</p>\n</section>\n", f);
		return;
	}
	fprintf(f, "<svg class=\"bars\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"Category scores out of 100:", BAR_CHART_W,
		rows_h + BAR_AXIS_H);
	for (size_t i = 0; i < r->category_count; i++) {
		fputs(i ? "; " : " ", f);
		put_text(f, category_name(&r->categories[i]));
		fputc(' ', f);
		render_bar_value(f, &r->categories[i]);
	}
	fputs("\">\n", f);
	render_bar_axis(f, rows_h);
	for (size_t i = 0; i < r->category_count; i++)
		render_bar(f, &r->categories[i], i);
	fputs("</svg>\n</section>\n", f);
}

static void render_status_badge(FILE *f, cr_status s)
{
	const char *name = cr_status_name(s);

	fprintf(f, "<span class=\"badge st-%s\">%s</span>", name, name);
}

static void render_severity(FILE *f, cr_severity s)
{
	const char *name = cr_severity_name(s);

	fprintf(f, "<span class=\"sev sev-%s\">%s</span>", name, name);
}

static void render_category_cell(FILE *f, const cr_report *r, const char *id)
{
	const cr_category_result *c = category_find(r, id);

	fputs("<td>", f);
	put_text(f, c ? category_name(c) : id);
	fputs("</td>", f);
}

static void render_policy_row(FILE *f, const cr_report *r,
	const cr_policy_result *p)
{
	fputs("<tr", f);
	put_attr(f, "data-status", cr_status_name(p->status));
	fputs("><td>", f);
	render_status_badge(f, p->status);
	fputs("</td><td>", f);
	render_severity(f, p->severity);
	fputs("</td><td class=\"id\"><code>", f);
	put_text(f, p->id);
	fputs("</code></td><td", f);
	if (p->description)
		put_attr(f, "title", p->description);
	fputc('>', f);
	put_text(f, p->title);
	fputs("</td>", f);
	render_category_cell(f, r, p->category);
	fputs("<td class=\"msg\">", f);
	put_text(f, p->message);
	if (p->remediation && (p->status == CR_STATUS_FAIL ||
	    p->status == CR_STATUS_WARN)) {
		fputs("<div class=\"fix\">Fix: ", f);
		put_prose(f, p->remediation);
		fputs("</div>", f);
	}
	fputs("</td></tr>\n", f);
}

static void render_policies(FILE *f, const cr_report *r,
	const html_index *ix)
{
	fputs("<section id=\"policies\" aria-labelledby=\"policies-h\">\n"
		"<h2 id=\"policies-h\">Policies</h2>\n", f);
	if (!r->policy_count) {
		fputs("<p class=\"muted\">No policies were evaluated.</p>\n"
			"</section>\n", f);
		return;
	}
	fputs("<table id=\"policies-table\">\n<thead><tr>"
		"<th scope=\"col\">Status</th><th scope=\"col\">Severity</th>"
		"<th scope=\"col\">Policy</th><th scope=\"col\">Title</th>"
		"<th scope=\"col\">Category</th><th scope=\"col\">Message</th>"
		"</tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < r->policy_count; i++)
		render_policy_row(f, r, ix->policies[i]);
	fputs("</tbody>\n</table>\n</section>\n", f);
}

static void render_severity_filter(FILE *f, const cr_report *r)
{
	size_t counts[CR_SEVERITY_COUNT] = { 0 };

	for (size_t i = 0; i < r->finding_count; i++)
		if ((unsigned)r->findings[i].severity < CR_SEVERITY_COUNT)
			counts[r->findings[i].severity]++;
	fputs("<fieldset><legend>Severity</legend>\n", f);
	for (int s = CR_SEVERITY_COUNT - 1; s >= 0; s--) {
		const char *name = cr_severity_name((cr_severity)s);

		fprintf(f, "<label><input type=\"checkbox\" name=\"severity\" "
			"value=\"%s\" checked> <span class=\"sev sev-%s\">%s</span> "
			"(%zu)</label>\n", name, name, name, counts[s]);
	}
	fputs("</fieldset>\n", f);
}

static void render_category_filter(FILE *f, const cr_report *r)
{
	fputs("<label>Category <select name=\"category\">"
		"<option value=\"\">All categories</option>", f);
	for (size_t i = 0; i < r->category_count; i++) {
		fputs("<option", f);
		put_attr(f, "value", r->categories[i].id);
		fputc('>', f);
		put_text(f, category_name(&r->categories[i]));
		fputs("</option>", f);
	}
	fputs("</select></label>\n", f);
}

/* Hidden until the script runs: without JavaScript they would do
 * nothing, and every finding is listed anyway. */
static void render_filters(FILE *f, const cr_report *r)
{
	fputs("<form id=\"filters\" class=\"filters\" hidden "
		"aria-label=\"Filter findings\">\n", f);
	render_severity_filter(f, r);
	render_category_filter(f, r);
	fputs("<label><input type=\"checkbox\" name=\"waived\" checked> "
		"Include waived and baseline</label>\n"
		"<label>Search <input type=\"search\" name=\"q\" "
		"placeholder=\"path, message, policy\"></label>\n"
		"<button type=\"reset\">Reset</button>\n</form>\n"
		"<noscript><p class=\"note\">JavaScript is disabled: every "
		"finding is listed below, and the filters are unavailable."
		"</p></noscript>\n", f);
	fprintf(f, "<p id=\"findings-shown\" class=\"shown\" "
		"aria-live=\"polite\">%zu findings</p>\n", r->finding_count);
}

/* A break opportunity after every slash, so that a long path wraps
 * between its directories rather than inside a name. */
static void put_path(FILE *f, const char *path)
{
	const char *slash;

	while ((slash = strchr(path, '/'))) {
		put_text_n(f, path, (size_t)(slash - path) + 1);
		fputs("<wbr>", f);
		path = slash + 1;
	}
	put_text(f, path);
}

#define ROOT_LABEL "<span class=\"muted\">repository root</span>"

static void render_location(FILE *f, const cr_location *l)
{
	if (!strcmp(l->path, ".") && !l->line) {
		fputs(ROOT_LABEL, f);
	} else {
		fputs("<code>", f);
		put_path(f, l->path);
		if (l->line)
			fprintf(f, ":%u", (unsigned)l->line);
		fputs("</code>", f);
	}
	if (l->commit) {
		fputs(" <span class=\"muted\">in ", f);
		put_prefix(f, l->commit, SHORT_ID);
		fputs("</span>", f);
	}
}

/* The first location always shows; the rest fold away without needing
 * the script. */
static void render_locations(FILE *f, const cr_finding *fd)
{
	fputs("<td class=\"loc\">", f);
	if (!fd->location_count)
		fputs(ROOT_LABEL, f);
	else
		render_location(f, &fd->locations[0]);
	if (fd->location_count > 1) {
		fprintf(f, "<details><summary>%zu more</summary>",
			fd->location_count - 1);
		for (size_t i = 1; i < fd->location_count; i++) {
			fputs("<div>", f);
			render_location(f, &fd->locations[i]);
			fputs("</div>", f);
		}
		fputs("</details>", f);
	}
	fputs("</td>", f);
}

static const char *finding_state(const cr_finding *fd)
{
	if (fd->waived)
		return "waived";
	if (fd->baseline)
		return "baseline";
	return "open";
}

static void render_finding_marks(FILE *f, const cr_finding *fd)
{
	fputs("<td>", f);
	render_status_badge(f, fd->kind);
	if (fd->waived) {
		fputs("<div><span class=\"tag tag-waived\"", f);
		if (fd->waiver)
			put_attr(f, "title", fd->waiver);
		fputs(">waived</span></div>", f);
	}
	if (fd->baseline)
		fputs("<div><span class=\"tag tag-baseline\" title=\"already in "
			"the baseline\">baseline</span></div>", f);
	fputs("</td>", f);
}

static void render_finding_row(FILE *f, const cr_report *r,
	const html_index *ix, const cr_finding *fd)
{
	const cr_policy_result *p = policy_find(ix, r, fd->policy);
	const char *category = p ? p->category : "";

	fputs("<tr", f);
	put_attr(f, "data-severity", cr_severity_name(fd->severity));
	put_attr(f, "data-category", category);
	put_attr(f, "data-state", finding_state(fd));
	fputs("><td>", f);
	render_severity(f, fd->severity);
	fputs("</td>", f);
	render_locations(f, fd);
	fputs("<td class=\"msg\">", f);
	put_text(f, fd->message);
	if (fd->waived && fd->waiver) {
		fputs("<div class=\"fix\">Waived: ", f);
		put_text(f, fd->waiver);
		fputs("</div>", f);
	}
	fputs("</td><td class=\"id\"><code>", f);
	put_text(f, fd->policy);
	fputs("</code></td>", f);
	render_category_cell(f, r, category);
	render_finding_marks(f, fd);
	fputs("</tr>\n", f);
}

static void render_findings(FILE *f, const cr_report *r, const html_index *ix)
{
	fprintf(f, "<section id=\"findings\" aria-labelledby=\"findings-h\">\n"
		"<h2 id=\"findings-h\">Findings <small>(%zu)</small></h2>\n",
		r->finding_count);
	if (!r->finding_count) {
		fputs("<p class=\"muted\">No findings.</p>\n</section>\n", f);
		return;
	}
	render_filters(f, r);
	fputs("<table id=\"findings-table\">\n<thead><tr>"
		"<th scope=\"col\">Severity</th><th scope=\"col\">Location</th>"
		"<th scope=\"col\">Message</th><th scope=\"col\">Policy</th>"
		"<th scope=\"col\">Category</th><th scope=\"col\">Result</th>"
		"</tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < r->finding_count; i++)
		render_finding_row(f, r, ix, ix->findings[i]);
	fputs("</tbody>\n</table>\n</section>\n", f);
}

static void render_fixed(FILE *f, const cr_report *r)
{
	if (!r->fixed_count)
		return;
	fprintf(f, "<section id=\"fixed\" aria-labelledby=\"fixed-h\">\n"
		"<h2 id=\"fixed-h\">Fixed since the baseline <small>(%zu)"
		"</small></h2>\n<ul class=\"plain\">\n", r->fixed_count);
	for (size_t i = 0; i < r->fixed_count; i++) {
		const cr_fixed_finding *x = &r->fixed[i];

		fputs("<li><code>", f);
		put_text(f, x->policy);
		fputs("</code>", f);
		if (x->path) {
			fputs(" <code>", f);
			put_text(f, x->path);
			fputs("</code>", f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</section>\n", f);
}

static void render_warnings(FILE *f, const cr_report *r)
{
	if (!r->warning_count)
		return;
	fputs("<section id=\"warnings\" aria-labelledby=\"warnings-h\">\n"
		"<h2 id=\"warnings-h\">Notes</h2>\n<ul class=\"plain\">\n", f);
	for (size_t i = 0; i < r->warning_count; i++) {
		fputs("<li>", f);
		put_text(f, r->warnings[i]);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</section>\n", f);
}

static void render_footer(FILE *f)
{
	fputs("<footer class=\"wrap\">Generated by crucible " CRUCIBLE_VERSION
		". This page is self-contained and loads nothing from the "
		"network.</footer>\n", f);
}

/* Last, so that every row it filters is already parsed. */
static void render_script(FILE *f)
{
	fputs("<script>\n", f);
	fputs(page_script, f);
	fputs("</script>\n", f);
}

int cr_report_render_html(const cr_report *r, FILE *f, cr_ctx *ctx)
{
	html_index ix = { 0 };
	name_span name = repository_name(r);
	int err = index_build(&ix, r, ctx);

	if (err)
		goto done;
	render_head(f, name);
	fputs("<body>\n", f);
	render_header(f, r, name);
	fputs("<main class=\"wrap\">\n", f);
	render_overview(f, r);
	render_categories(f, r);
	render_policies(f, r, &ix);
	render_findings(f, r, &ix);
	render_fixed(f, r);
	render_warnings(f, r);
	fputs("</main>\n", f);
	render_footer(f);
	render_script(f);
	fputs("</body>\n</html>\n", f);
	if (fflush(f) == EOF || ferror(f))
		err = cr_error_set(ctx, CR_EIO, "cannot write the HTML report");
done:
	index_free(&ix);
	return err;
}
