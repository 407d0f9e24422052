/*
 * test_html.c - the HTML report (report/html.c).
 *
 * Unit tests render hand-built reports and check the markup: hostile
 * strings escaped everywhere, the SVG gauge and bars carrying the right
 * numbers, the filter controls, no reference to anything on the network,
 * byte-identical output for the same report, and a size that stays
 * reasonable for 10,000 findings.
 *
 * The browser test runs the real binary on a small git repository and
 * opens the page in headless Chromium (Debian's chromium package; the test
 * fails, not skips, when it is missing): a screenshot must be drawn, the
 * numbers in the rendered DOM must be those of the JSON report of the same
 * run, every finding must be drawn with scripting disabled, and address
 * fragments and the category list must filter the rows when it is on.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"

#include "crucible/report.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"
#define DIGEST "sha256:" \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

#define HOSTILE_MESSAGE "<script>alert(1)</script>"
#define HOSTILE_PATH "\"onload=alert(2) x/it's.js"

/* --- helpers -------------------------------------------------------- */

static char *render(const cr_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_ctx *ctx;

	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_render_html(r, f, ctx), CR_OK);
	assert_string_equal(cr_ctx_error(ctx), "");
	cr_ctx_free(ctx);
	fclose(f);
	return buf;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The text content right after the start tag that holds `attr`, up to the
 * next tag; caller frees.  Fails the test when the attribute is absent. */
static char *text_after(const char *html, const char *attr)
{
	const char *at = strstr(html, attr), *start, *end;

	if (!at)
		fail_msg("no %s in the page", attr);
	start = strchr(at, '>');
	assert_non_null(start);
	start++;
	end = strchr(start, '<');
	assert_non_null(end);
	return strndup(start, (size_t)(end - start));
}

static void add_category(cr_report *r, const char *id, const char *title,
	double weight, double score, bool scored)
{
	cr_category_result *c;

	assert_int_equal(cr_report_add_category(r, &c, id, title, weight), CR_OK);
	c->score = score;
	c->scored = scored;
}

static void add_policy(cr_report *r, const char *id, const char *category,
	cr_status status, cr_severity severity, const char *message)
{
	const cr_policy_result p = {
		.id = (char *)id, .title = "Policy title", .category = (char *)category,
		.description = "What it checks.",
		.remediation = "Run `fix --now` then commit.",
		.severity = severity, .status = status, .weight = 1,
		.score = status == CR_STATUS_PASS ? 1 : 0,
		.message = (char *)message, .duration_ms = 98765.4,
	};
	cr_category_result *c = NULL;

	assert_int_equal(cr_report_add_policy(r, NULL, &p), CR_OK);
	for (size_t i = 0; i < r->category_count; i++)
		if (!strcmp(r->categories[i].id, category))
			c = &r->categories[i];
	assert_non_null(c);
	assert_int_equal(cr_category_add_policy(c, id), CR_OK);
}

static void add_finding(cr_report *r, const char *policy, cr_severity sev,
	const char *message, const char *path, uint32_t line)
{
	cr_location loc = { .path = (char *)path, .line = line };
	const cr_finding fd = {
		.policy = (char *)policy, .severity = sev, .kind = CR_STATUS_FAIL,
		.message = (char *)message, .locations = &loc, .location_count = 1,
		.fingerprint = "fp",
	};

	assert_int_equal(cr_report_add_finding(r, NULL, &fd), CR_OK);
}

/* Three categories (one not scored), four policies, four findings: one
 * hostile, one waived, one from the baseline, one with three locations. */
static cr_report *sample_report(void)
{
	cr_location locs[3] = {
		{ .path = "deploy/app.yaml", .line = 3 },
		{ .path = "deploy/worker.yaml", .line = 7, .commit = COMMIT },
		{ .path = "deploy/cron.yaml" },
	};
	cr_finding multi = {
		.policy = "OPS-LIMITS", .severity = CR_SEV_MEDIUM,
		.kind = CR_STATUS_WARN, .message = "no resource limits",
		.locations = locs, .location_count = 3,
	};
	cr_report *r;

	assert_int_equal(cr_report_new(&r), CR_OK);
	r->target_path = strdup("/srv/checkouts/payments-api");
	r->commit = strdup(COMMIT);
	r->branch = strdup("main");
	assert_int_equal(cr_report_add_bundle(r, "readiness", "1.0.0", DIGEST),
		CR_OK);
	add_category(r, "secrets", "Secret management", 25, 0, true);
	add_category(r, "ops", "Operations & on-call", 20, 42.5, true);
	add_category(r, "docs", "Documentation", 10, 0, false);
	add_policy(r, "SEC-FILES", "secrets", CR_STATUS_FAIL, CR_SEV_CRITICAL,
		"2 secret files");
	add_policy(r, "OPS-LIMITS", "ops", CR_STATUS_WARN, CR_SEV_MEDIUM,
		"1 of 3 workloads limited");
	add_policy(r, "OPS-README", "ops", CR_STATUS_PASS, CR_SEV_LOW,
		"README.md present");
	add_policy(r, "DOC-CHANGELOG", "docs", CR_STATUS_SKIP, CR_SEV_INFO,
		"not a released project");
	add_finding(r, "SEC-FILES", CR_SEV_CRITICAL, HOSTILE_MESSAGE,
		HOSTILE_PATH, 12);
	add_finding(r, "SEC-FILES", CR_SEV_CRITICAL, "private key committed",
		"keys/id_rsa", 0);
	r->findings[1].waived = true;
	r->findings[1].waiver = strdup("test key, rotated");
	add_finding(r, "OPS-LIMITS", CR_SEV_HIGH, "old finding", "Dockerfile", 1);
	r->findings[2].baseline = true;
	assert_int_equal(cr_report_add_finding(r, NULL, &multi), CR_OK);
	r->score = 72.5;
	r->grade = 'C';
	r->verdict = "at-risk";
	r->stats.files = 321;
	r->stats.commits = 45;
	r->stats.duration_ms = 4242424;
	return r;
}

/* --- unit tests ----------------------------------------------------- */

static void test_hostile_text_is_escaped(void **state)
{
	cr_report *r = sample_report();
	const char *script;
	char *html;

	(void)state;
	free(r->target_path);
	r->target_path = strdup("/tmp/<b onmouseover=alert(5)>repo");
	free(r->branch);
	r->branch = strdup("feature/\"><img src=x onerror=alert(3)>");
	free(r->policies[0].title);
	r->policies[0].title = strdup("Title with 'quotes' & <i>tags</i>");
	free(r->findings[1].waiver);
	r->findings[1].waiver = strdup("'\";alert(4)//");
	assert_int_equal(cr_report_add_warning(r, "<u>%s</u>", "warned"), CR_OK);
	assert_int_equal(cr_report_add_fixed(r, "OLD", "a<b.txt", "fp"), CR_OK);
	r->grade = '<';
	html = render(r);

	assert_non_null(strstr(html,
		"&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "&quot;onload=alert(2) x/<wbr>it&#39;s.js:12"));
	assert_non_null(strstr(html, "Title with &#39;quotes&#39; &amp; "
		"&lt;i&gt;tags&lt;/i&gt;"));
	assert_non_null(strstr(html, "&#39;&quot;;alert(4)//"));
	assert_non_null(strstr(html, "&lt;u&gt;warned&lt;/u&gt;"));
	assert_non_null(strstr(html, "a&lt;b.txt"));
	assert_non_null(strstr(html, "<h1>&lt;b onmouseover=alert(5)&gt;repo</h1>"));
	assert_non_null(strstr(html, "<tspan id=\"score-grade\">?</tspan>"));
	assert_non_null(strstr(html, "out of 100, grade ?, at-risk\""));
	assert_null(strstr(html, "\"onload="));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<i>"));
	assert_null(strstr(html, "<u>"));
	assert_null(strstr(html, "<b on"));
	/* The one script is the page's own, and holds no report text. */
	assert_int_equal(count_of(html, "<script"), 1);
	script = strstr(html, "<script>");
	assert_null(strstr(script, "alert"));
	assert_null(strstr(script, "&lt;"));
	free(html);
	cr_report_free(r);
}

static void test_control_bytes_are_replaced(void **state)
{
	cr_report *r = sample_report();
	char *html;

	(void)state;
	free(r->findings[0].message);
	/* C0 and C1 controls, a stray byte, a cut sequence; tabs and
	 * well-formed UTF-8 stay. */
	r->findings[0].message = strdup("bell\a esc\033[31m nel\xc2\x85 "
		"bad\xff cut\xe2\x82 tab\tkept caf\xc3\xa9 \xe2\x82\xac");
	html = render(r);
	assert_null(strchr(html, '\a'));
	assert_null(strchr(html, '\033'));
	assert_null(strstr(html, "\xc2\x85"));
	assert_null(strchr(html, '\xff'));
	assert_non_null(strstr(html, "bell\xef\xbf\xbd esc\xef\xbf\xbd[31m "
		"nel\xef\xbf\xbd bad\xef\xbf\xbd cut\xef\xbf\xbd\xef\xbf\xbd tab\tkept "
		"caf\xc3\xa9 \xe2\x82\xac"));
	free(html);
	cr_report_free(r);
}

static void test_gauge_shows_the_score(void **state)
{
	cr_report *r = sample_report();
	char *html, *text;

	(void)state;
	html = render(r);
	assert_non_null(strstr(html, "<svg class=\"gauge\""));
	assert_non_null(strstr(html, "aria-label=\"Overall score 72.5 out of "
		"100, grade C, at-risk\""));
	/* The arc is as long as the score: pathLength 100. */
	assert_non_null(strstr(html, "class=\"arc at-risk\""));
	assert_non_null(strstr(html, "pathLength=\"100\" "
		"stroke-dasharray=\"72.5 100\""));
	text = text_after(html, "id=\"score-value\"");
	assert_string_equal(text, "72.5");
	free(text);
	text = text_after(html, "id=\"score-grade\"");
	assert_string_equal(text, "C");
	free(text);
	text = text_after(html, "id=\"score-verdict\"");
	assert_string_equal(text, "at-risk");
	free(text);
	free(html);

	/* A zero score draws no arc at all, only the track. */
	r->score = 0;
	r->grade = 'F';
	r->verdict = "not-ready";
	html = render(r);
	assert_null(strstr(html, "class=\"arc"));
	assert_non_null(strstr(html, "<path class=\"track\""));
	text = text_after(html, "id=\"score-value\"");
	assert_string_equal(text, "0.0");
	free(text);
	free(html);
	cr_report_free(r);
}

static void test_one_bar_per_category(void **state)
{
	static const struct {
		const char *id, *title, *value, *colour;
	} want[] = {
		{ "secrets", "Secret management", "95.0", "ready" },
		{ "ops", "Operations &amp; on-call", "42.5", "not-ready" },
		{ "docs", "Documentation", "not scored", "none" },
	};
	cr_report *r = sample_report();
	char *html, *text, attr[96];

	(void)state;
	r->categories[0].score = 95;
	html = render(r);
	assert_int_equal(count_of(html, "<g class=\"cat\""), 3);
	assert_int_equal(count_of(html, "class=\"unscored\""), 1);
	assert_non_null(strstr(html, "aria-label=\"Category scores out of 100: "
		"Secret management 95.0; Operations &amp; on-call 42.5; "
		"Documentation not scored\""));
	for (size_t i = 0; i < 3; i++) {
		snprintf(attr, sizeof attr, "data-category=\"%s\"><title>%s",
			want[i].id, want[i].title);
		assert_non_null(strstr(html, attr));
		snprintf(attr, sizeof attr, "id=\"cat-score-%zu\" class=\"cat-score "
			"%s\"", i, want[i].colour);
		text = text_after(html, attr);
		assert_string_equal(text, want[i].value);
		free(text);
	}
	/* 42.5% of the 440-unit track. */
	assert_non_null(strstr(html, "class=\"not-ready\" x=\"240\" y=\"42\" "
		"width=\"187.0\""));
	free(html);
	cr_report_free(r);
}

static void test_long_category_title_is_cut(void **state)
{
	cr_report *r = sample_report();
	char *html;

	(void)state;
	free(r->categories[2].title);
	/* 30 characters, 2 bytes each: the cut must fall between them. */
	r->categories[2].title = strdup("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9");
	html = render(r);
	/* Whole in the tooltip, 26 characters and an ellipsis on the chart. */
	assert_non_null(strstr(html, r->categories[2].title));
	assert_non_null(strstr(html, "text-anchor=\"end\">\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xe2\x80\xa6</text>"));
	free(html);
	cr_report_free(r);
}

static void test_header(void **state)
{
	cr_report *r = sample_report();
	char *html;

	(void)state;
	html = render(r);
	assert_true(!strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32));
	assert_non_null(strstr(html, "<title>payments-api - crucible"));
	assert_non_null(strstr(html, "<h1>payments-api</h1>"));
	assert_non_null(strstr(html, "<code>/srv/checkouts/payments-api</code>"));
	assert_non_null(strstr(html, "<code>" COMMIT "</code>"));
	assert_non_null(strstr(html, "<dt>Branch</dt><dd><code>main</code>"));
	assert_non_null(strstr(html, "readiness 1.0.0 <code title=\"" DIGEST
		"\">sha256:bbbbbbbbbbbb</code>"));
	free(html);

	/* Outside git, and a target with no last component. */
	free(r->commit);
	free(r->branch);
	free(r->target_path);
	r->commit = r->branch = NULL;
	r->target_path = strdup(".");
	html = render(r);
	assert_non_null(strstr(html, "<h1>.</h1>"));
	assert_non_null(strstr(html, "<dt>Commit</dt><dd>not a git repository"));
	assert_non_null(strstr(html, "<dt>Branch</dt><dd>none"));
	free(html);
	cr_report_free(r);
}

static void test_policies_table(void **state)
{
	cr_report *r = sample_report();
	const char *fail, *warn, *skip, *pass;
	char *html;

	(void)state;
	html = render(r);
	assert_non_null(strstr(html, "<th scope=\"col\">Status</th>"
		"<th scope=\"col\">Severity</th><th scope=\"col\">Policy</th>"
		"<th scope=\"col\">Title</th>"));
	/* Most urgent first: fail, warn, skip, pass. */
	fail = strstr(html, "<tr data-status=\"fail\">");
	warn = strstr(html, "<tr data-status=\"warn\">");
	skip = strstr(html, "<tr data-status=\"skip\">");
	pass = strstr(html, "<tr data-status=\"pass\">");
	assert_true(fail && warn && skip && pass);
	assert_true(fail < warn && warn < skip && skip < pass);
	assert_non_null(strstr(fail, "<span class=\"badge st-fail\">fail</span>"
		"</td><td><span class=\"sev sev-critical\">critical</span></td>"
		"<td class=\"id\"><code>SEC-FILES</code></td>"
		"<td title=\"What it checks.\">Policy title</td>"
		"<td>Secret management</td><td class=\"msg\">2 secret files"));
	/* Remediation for what failed, with its code spans. */
	assert_non_null(strstr(fail, "Fix: Run <code>fix --now</code> then "
		"commit."));
	assert_int_equal(count_of(html, "Fix: "), 2);
	free(html);
	cr_report_free(r);
}

static void test_findings_and_markers(void **state)
{
	cr_report *r = sample_report();
	const char *critical, *high, *medium;
	char *html;

	(void)state;
	html = render(r);
	assert_int_equal(count_of(html, "<tr data-severity="), 4);
	/* Most severe first. */
	critical = strstr(html, "<tr data-severity=\"critical\" "
		"data-category=\"secrets\" data-state=\"open\">");
	high = strstr(html, "<tr data-severity=\"high\" data-category=\"ops\" "
		"data-state=\"baseline\">");
	medium = strstr(html, "<tr data-severity=\"medium\" "
		"data-category=\"ops\" data-state=\"open\">");
	assert_true(critical && high && medium);
	assert_true(critical < high && high < medium);
	assert_non_null(strstr(html, "data-state=\"waived\""));
	assert_non_null(strstr(html, "private key committed<div class=\"fix\">"
		"Waived: test key, rotated</div>"));
	assert_non_null(strstr(html, "<span class=\"tag tag-waived\" "
		"title=\"test key, rotated\">waived</span>"));
	assert_non_null(strstr(high, ">baseline</span>"));
	assert_non_null(strstr(html, "<code>keys/<wbr>id_rsa</code>"));
	assert_non_null(strstr(medium, "<code>deploy/<wbr>app.yaml:3</code>"
		"<details><summary>2 more</summary><div><code>deploy/<wbr>"
		"worker.yaml:7</code> <span class=\"muted\">in 0123456789ab</span>"
		"</div><div><code>deploy/<wbr>cron.yaml</code></div></details>"));
	assert_non_null(strstr(medium, "<span class=\"badge st-warn\">warn"));
	assert_non_null(strstr(html, "<td class=\"id\"><code>OPS-LIMITS</code>"
		"</td><td>Operations &amp; on-call</td>"));
	free(html);
	cr_report_free(r);
}

static void test_filter_controls(void **state)
{
	static const char *const severities[] = {
		"critical", "high", "medium", "low", "info"
	};
	cr_report *r = sample_report();
	char *html, want[160];

	(void)state;
	html = render(r);
	/* Hidden until the script shows them; a note for readers without. */
	assert_non_null(strstr(html, "<form id=\"filters\" class=\"filters\" "
		"hidden aria-label=\"Filter findings\">"));
	assert_non_null(strstr(html, "<noscript><p class=\"note\">"));
	for (size_t i = 0; i < 5; i++) {
		snprintf(want, sizeof want, "<input type=\"checkbox\" "
			"name=\"severity\" value=\"%s\" checked>", severities[i]);
		assert_non_null(strstr(html, want));
	}
	assert_non_null(strstr(html, "value=\"critical\" checked> <span "
		"class=\"sev sev-critical\">critical</span> (2)"));
	assert_non_null(strstr(html, "<select name=\"category\"><option "
		"value=\"\">All categories</option><option value=\"secrets\">"
		"Secret management</option><option value=\"ops\">Operations "
		"&amp; on-call</option><option value=\"docs\">Documentation"
		"</option></select>"));
	assert_non_null(strstr(html, "name=\"waived\" checked"));
	assert_non_null(strstr(html, "<input type=\"search\" name=\"q\""));
	assert_non_null(strstr(html, "location.hash"));
	/* Nothing to filter, no controls. */
	free(html);
	cr_report_free(r);
	assert_int_equal(cr_report_new(&r), CR_OK);
	html = render(r);
	assert_null(strstr(html, "id=\"filters\""));
	assert_non_null(strstr(html, "No findings."));
	free(html);
	cr_report_free(r);
}

/* Report text has every '<' escaped, so each raw '<' opens markup: no
 * attribute of any tag may point at the network. */
static void assert_no_network_refs(const char *html)
{
	static const char *const attrs[] = { "src=", "href=", "action=" };

	for (const char *tag = html; (tag = strchr(tag, '<')); tag++) {
		const char *end = strchr(tag, '>');

		assert_non_null(end);
		for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) {
			const char *a = memmem(tag, (size_t)(end - tag), attrs[i],
				strlen(attrs[i]));
			const char *v = a ? a + strlen(attrs[i]) : NULL;

			if (v && (*v == '"' || *v == '\''))
				v++;
			if (v && (!strncasecmp(v, "http", 4) || !strncmp(v, "//", 2)))
				fail_msg("network reference: %.*s", (int)(end - tag + 1),
					tag);
		}
	}
}

static void test_no_network(void **state)
{
	cr_report *r = sample_report();
	char *html;

	(void)state;
	free(r->policies[0].remediation);
	r->policies[0].remediation = strdup("See https://example.com/guide "
		"and <a href=\"http://evil.example\">this</a>");
	free(r->findings[0].message);
	r->findings[0].message = strdup("<img src=\"https://evil.example/x.png\">"
		"<link rel=stylesheet href=//evil.example/x.css>");
	html = render(r);
	assert_non_null(strstr(html, "<meta http-equiv=\"Content-Security-Policy\" "
		"content=\"default-src 'none'; style-src 'unsafe-inline'; "
		"script-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
		"form-action 'none'\">"));
	assert_no_network_refs(html);
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<iframe"));
	/* The addresses are there, as text. */
	assert_non_null(strstr(html, "See https://example.com/guide and &lt;a "
		"href=&quot;http://evil.example&quot;&gt;"));
	free(html);
	cr_report_free(r);
}

static void test_deterministic(void **state)
{
	cr_report *r = sample_report();
	char *first, *second;

	(void)state;
	first = render(r);
	second = render(r);
	assert_string_equal(first, second);
	/* No timing: neither the run's nor a policy's duration. */
	assert_null(strstr(first, "4242424"));
	assert_null(strstr(first, "98765"));
	free(first);
	free(second);
	cr_report_free(r);
}

static void test_empty_report(void **state)
{
	cr_report *r;
	char *html;
	size_t len;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	html = render(r);
	len = strlen(html);
	assert_true(len > 16);
	assert_string_equal(html + len - 16, "</body>\n</html>\n");
	assert_non_null(strstr(html, "<h1>(unknown)</h1>"));
	assert_non_null(strstr(html, "No categories."));
	assert_non_null(strstr(html, "No policies were evaluated."));
	assert_non_null(strstr(html, ">0.0</text>"));
	assert_non_null(strstr(html, "<dt>Bundles</dt><dd>none"));
	free(html);
	cr_report_free(r);
}

/* 10,000 findings stay a few megabytes: under 600 bytes each, text
 * included. */
static void test_large_report(void **state)
{
	cr_report *r = sample_report();
	char path[64], *html;

	(void)state;
	for (int i = 0; i < 10000; i++) {
		snprintf(path, sizeof path, "src/module%d/file%d.js", i % 97, i);
		add_finding(r, i % 2 ? "OPS-LIMITS" : "SEC-FILES",
			(cr_severity)(i % 5), "a finding message of typical length, "
			"say sixty characters", path, (uint32_t)i + 1);
	}
	html = render(r);
	assert_int_equal(count_of(html, "<tr data-severity="), 10004);
	assert_true(strlen(html) < 10004 * 600);
	free(html);
	cr_report_free(r);
}

static void test_write_error(void **state)
{
	cr_report *r = sample_report();
	FILE *f = fopen("/dev/full", "w");
	cr_ctx *ctx;

	(void)state;
	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_render_html(r, f, ctx), CR_EIO);
	assert_non_null(strstr(cr_ctx_error(ctx), "cannot write"));
	fclose(f);
	cr_ctx_free(ctx);
	cr_report_free(r);
}

/* --- in a browser --------------------------------------------------- */

/*
 * Chromium is driven through the DevTools protocol on a pipe
 * (--remote-debugging-pipe: commands in on its fd 3, replies and events
 * out on its fd 4, each a JSON text ending in NUL) rather than with
 * --dump-dom and --screenshot, because those two do nothing once
 * scripting is disabled (--blink-settings=scriptEnabled=false), and the
 * page has to be checked without JavaScript too.  The protocol turns
 * scripting off per page (Emulation.setScriptExecutionDisabled), which
 * also makes <noscript> content render, as in a browser so configured.
 */
#define CHROMIUM_FLAGS "--headless", "--no-sandbox", "--disable-gpu", \
	"--disable-quic", "--no-first-run", "--disable-background-networking", \
	"--disable-component-update", "--disable-sync", \
	"--window-size=1280,2000", "--remote-debugging-pipe"
#define CDP_TIMEOUT_MS 60000
#define MIN_SCREENSHOT_BYTES 20000

typedef struct cdp {
	const char *dir; /* scratch space: the profile, the log, screenshots */
	pid_t pid;
	int to;          /* chromium's fd 3 */
	int from;        /* chromium's fd 4 */
	char *buf;       /* bytes read and not yet parsed */
	size_t len;
	int last_id;
	char *target;    /* the open tab */
	char *session;   /* its session: where the commands go */
	bool loaded;     /* Page.loadEventFired since the last navigation */
} cdp;

static void require_chromium(void)
{
	if (system("command -v chromium >/dev/null 2>&1") != 0)
		fail_msg("chromium is not installed: the HTML report is tested "
			"in headless Chromium (apt-get install chromium, or "
			"scripts/dev test, which installs it)");
}

/* In the child: the pipe ends onto fds 3 and 4, output into the log. */
static void exec_chromium(const cdp *c, int cmd_in, int events_out)
{
	char profile[4096], log[4096];
	int in = fcntl(cmd_in, F_DUPFD_CLOEXEC, 10);
	int out = fcntl(events_out, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDONLY);
	int logfd;

	snprintf(profile, sizeof profile, "--user-data-dir=%s/profile", c->dir);
	snprintf(log, sizeof log, "%s/chromium.log", c->dir);
	logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (in < 0 || out < 0 || null < 0 || logfd < 0 || dup2(null, 0) < 0 ||
	    dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0 || dup2(in, 3) < 0 ||
	    dup2(out, 4) < 0)
		_exit(126);
	execlp("chromium", "chromium", CHROMIUM_FLAGS, profile, (char *)NULL);
	_exit(127);
}

static void cdp_start(cdp *c, const char *dir)
{
	int cmd[2], events[2];

	memset(c, 0, sizeof *c);
	c->dir = dir;
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(cmd, O_CLOEXEC) || pipe2(events, O_CLOEXEC))
		fail_msg("pipe: %s", strerror(errno));
	c->pid = fork();
	if (c->pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (c->pid == 0)
		exec_chromium(c, cmd[0], events[1]);
	close(cmd[0]);
	close(events[1]);
	c->to = cmd[1];
	c->from = events[0];
}

static void cdp_send(cdp *c, const char *method, cJSON *params)
{
	cJSON *msg = cJSON_CreateObject();
	char *text;
	size_t len, done = 0;

	cJSON_AddNumberToObject(msg, "id", ++c->last_id);
	cJSON_AddStringToObject(msg, "method", method);
	cJSON_AddItemToObject(msg, "params", params ? params :
		cJSON_CreateObject());
	if (c->session)
		cJSON_AddStringToObject(msg, "sessionId", c->session);
	text = cJSON_PrintUnformatted(msg);
	assert_non_null(text);
	len = strlen(text) + 1;  /* with the NUL that ends a message */
	while (done < len) {
		ssize_t n = write(c->to, text + done, len - done);

		if (n <= 0)
			fail_msg("chromium stopped reading (see %s/chromium.log)",
				c->dir);
		done += (size_t)n;
	}
	cJSON_free(text);
	cJSON_Delete(msg);
}

/* The next message, whatever it is; caller deletes. */
static cJSON *cdp_recv(cdp *c)
{
	char *nul;
	cJSON *msg;

	while (!(nul = c->len ? memchr(c->buf, '\0', c->len) : NULL)) {
		struct pollfd pfd = { c->from, POLLIN, 0 };
		char chunk[65536];
		ssize_t n;

		if (poll(&pfd, 1, CDP_TIMEOUT_MS) <= 0)
			fail_msg("chromium did not answer in %d ms", CDP_TIMEOUT_MS);
		n = read(c->from, chunk, sizeof chunk);
		if (n <= 0)
			fail_msg("chromium exited (see %s/chromium.log)", c->dir);
		c->buf = realloc(c->buf, c->len + (size_t)n);
		assert_non_null(c->buf);
		memcpy(c->buf + c->len, chunk, (size_t)n);
		c->len += (size_t)n;
	}
	msg = cJSON_Parse(c->buf);
	assert_non_null(msg);
	c->len -= (size_t)(nul + 1 - c->buf);
	memmove(c->buf, nul + 1, c->len);
	return msg;
}

/* The page of the current session has finished loading. */
static bool is_load_event(const cdp *c, const cJSON *msg)
{
	const cJSON *event = cJSON_GetObjectItem(msg, "method");
	const cJSON *session = cJSON_GetObjectItem(msg, "sessionId");

	return cJSON_IsString(event) && cJSON_IsString(session) && c->session &&
		!strcmp(event->valuestring, "Page.loadEventFired") &&
		!strcmp(session->valuestring, c->session);
}

/* Send a command and wait for its reply, noting the events on the way;
 * returns the reply's result (caller deletes), or NULL if the command
 * failed. */
static cJSON *cdp_try(cdp *c, const char *method, cJSON *params)
{
	int id;

	cdp_send(c, method, params);
	id = c->last_id;
	for (;;) {
		cJSON *msg = cdp_recv(c);
		const cJSON *reply = cJSON_GetObjectItem(msg, "id");
		cJSON *result;

		c->loaded = c->loaded || is_load_event(c, msg);
		if (!cJSON_IsNumber(reply) || reply->valueint != id) {
			cJSON_Delete(msg);
			continue;
		}
		result = cJSON_DetachItemFromObject(msg, "result");
		cJSON_Delete(msg);
		return result;
	}
}

static cJSON *cdp_call(cdp *c, const char *method, cJSON *params)
{
	cJSON *result = cdp_try(c, method, params);

	if (!result)
		fail_msg("%s failed (see %s/chromium.log)", method, c->dir);
	return result;
}

static char *result_string(cJSON *result, const char *key)
{
	const cJSON *item = cJSON_GetObjectItem(result, key);
	char *s;

	assert_true(cJSON_IsString(item));
	s = strdup(item->valuestring);
	cJSON_Delete(result);
	return s;
}

static void cdp_call_quietly(cdp *c, const char *method, cJSON *params)
{
	cJSON_Delete(cdp_call(c, method, params));
}

/* Browser-level commands go without a session. */
static void cdp_close_tab(cdp *c)
{
	cJSON *params;

	free(c->session);
	c->session = NULL;
	if (!c->target)
		return;
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "targetId", c->target);
	cdp_call_quietly(c, "Target.closeTarget", params);
	free(c->target);
	c->target = NULL;
}

/* A new tab, with or without scripting, showing `url` once loaded. */
static void cdp_open(cdp *c, const char *url, bool scripts)
{
	cJSON *params;

	cdp_close_tab(c);
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "url", "about:blank");
	c->target = result_string(cdp_call(c, "Target.createTarget", params),
		"targetId");
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "targetId", c->target);
	cJSON_AddBoolToObject(params, "flatten", true);
	c->session = result_string(cdp_call(c, "Target.attachToTarget", params),
		"sessionId");
	if (!scripts) {
		params = cJSON_CreateObject();
		cJSON_AddBoolToObject(params, "value", true);
		cdp_call_quietly(c, "Emulation.setScriptExecutionDisabled", params);
	}
	cdp_call_quietly(c, "Page.enable", NULL);
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "url", url);
	c->loaded = false;
	cdp_call_quietly(c, "Page.navigate", params);
	while (!c->loaded) {
		cJSON *msg = cdp_recv(c);

		c->loaded = is_load_event(c, msg);
		cJSON_Delete(msg);
	}
}

static double number_of(cJSON *result, const char *key)
{
	const cJSON *item = cJSON_GetObjectItem(result, key);
	double n;

	assert_true(cJSON_IsNumber(item));
	n = item->valuedouble;
	cJSON_Delete(result);
	return n;
}

static double cdp_root(cdp *c)
{
	cJSON *doc = cdp_call(c, "DOM.getDocument", NULL);
	cJSON *root = cJSON_DetachItemFromObject(doc, "root");

	cJSON_Delete(doc);
	return number_of(root, "nodeId");
}

/* The document as the browser holds it now, serialized. */
static char *cdp_dom(cdp *c)
{
	cJSON *params = cJSON_CreateObject();
	char *html;

	cJSON_AddNumberToObject(params, "nodeId", cdp_root(c));
	html = result_string(cdp_call(c, "DOM.getOuterHTML", params),
		"outerHTML");
	assert_non_null(strstr(html, "</html>"));
	return html;
}

/* Whether the first element `selector` matches is drawn at all (has a
 * box): the markup alone cannot tell, CSS decides.  Asked through the
 * protocol, which works with scripting off too. */
static bool cdp_rendered(cdp *c, const char *selector)
{
	cJSON *params = cJSON_CreateObject(), *box;
	double node;
	bool drawn;

	cJSON_AddNumberToObject(params, "nodeId", cdp_root(c));
	cJSON_AddStringToObject(params, "selector", selector);
	node = number_of(cdp_call(c, "DOM.querySelector", params), "nodeId");
	if (!node)
		fail_msg("nothing matches %s", selector);
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "nodeId", node);
	box = cdp_try(c, "DOM.getBoxModel", params);
	drawn = box != NULL;
	cJSON_Delete(box);
	return drawn;
}

/* Run a script in the page (a user's action) and return its value as a
 * string. */
static char *cdp_eval(cdp *c, const char *expression)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *result;
	char *value;

	cJSON_AddStringToObject(params, "expression", expression);
	cJSON_AddBoolToObject(params, "returnByValue", true);
	result = cdp_call(c, "Runtime.evaluate", params);
	value = result_string(cJSON_DetachItemFromObject(result, "result"),
		"value");
	cJSON_Delete(result);
	return value;
}

/* A PNG of the viewport, which must have something drawn in it.  Kept in
 * $CRUCIBLE_HTML_SCREENSHOTS (a directory) when that is set, to look at. */
static void cdp_screenshot(cdp *c, const char *name)
{
	char *b64 = result_string(cdp_call(c, "Page.captureScreenshot", NULL),
		"data");
	const char *keep = getenv("CRUCIBLE_HTML_SCREENSHOTS");
	size_t cap = strlen(b64), len = 0;
	unsigned char *png = malloc(cap);
	char path[4096];
	FILE *f;

	assert_non_null(png);
	assert_int_equal(sodium_base642bin(png, cap, b64, strlen(b64), NULL,
		&len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_true(len > 8);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	if (len < MIN_SCREENSHOT_BYTES)
		fail_msg("the %s screenshot is only %zu bytes: an empty page?",
			name, len);
	snprintf(path, sizeof path, "%s/%s", keep && *keep ? keep : c->dir,
		name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(png, 1, len, f), len);
	fclose(f);
	free(png);
	free(b64);
}

static void cdp_stop(cdp *c)
{
	int status;

	cdp_close_tab(c);
	cdp_call_quietly(c, "Browser.close", NULL);
	close(c->to);
	close(c->from);
	waitpid(c->pid, &status, 0);
	free(c->buf);
}

/* A repository with problems of many severities. */
static void make_repository(const char *repo)
{
	assert_int_equal(mkdir(repo, 0755), 0);
	th_git_init(repo);
	th_write(repo, "README.md", "# shop\n\nA small service.\n");
	th_write(repo, "package.json", "{\"name\": \"shop\", \"version\": "
		"\"1.0.0\", \"dependencies\": {\"express\": \"^4.18.0\"}}\n");
	th_write(repo, ".env", "API_KEY=sk_live_0123456789abcdef\n");
	th_write(repo, "Dockerfile", "FROM node:latest\nCOPY . /app\n"
		"CMD [\"node\", \"/app/index.js\"]\n");
	th_write(repo, "index.js", "require('express')().listen(3000);\n");
	th_git_commit(repo, "initial", 0);
}

static double number_after(const char *dom, const char *attr)
{
	char *text = text_after(dom, attr), *end;
	double value = strtod(text, &end);

	if (end == text || *end)
		fail_msg("%s shows '%s', not a number", attr, text);
	free(text);
	return value;
}

static void assert_text_after(const char *dom, const char *attr,
	const char *want)
{
	char *text = text_after(dom, attr);

	if (strcmp(text, want))
		fail_msg("%s shows '%s', the JSON report says '%s'", attr, text,
			want);
	free(text);
}

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItem(obj, key);

	assert_true(cJSON_IsString(item));
	return item->valuestring;
}

/* What the page shows is what the JSON report of the same run says. */
static void assert_dom_matches_json(const char *dom, const cJSON *json)
{
	const cJSON *score = cJSON_GetObjectItem(json, "score");
	const cJSON *categories = cJSON_GetObjectItem(json, "categories");
	const cJSON *c;
	size_t i = 0;
	char attr[512];

	assert_true(fabs(number_after(dom, "id=\"score-value\"") -
		cJSON_GetObjectItem(score, "value")->valuedouble) < 0.05);
	assert_text_after(dom, "id=\"score-grade\"", json_string(score, "grade"));
	assert_text_after(dom, "id=\"score-verdict\"",
		json_string(score, "verdict"));
	assert_int_equal(count_of(dom, "<g class=\"cat\""),
		cJSON_GetArraySize(categories));
	cJSON_ArrayForEach(c, categories) {
		double value = cJSON_GetObjectItem(c, "score")->valuedouble;

		snprintf(attr, sizeof attr, "<g class=\"cat\" data-category=\"%s\">"
			"<title>%s", json_string(c, "id"), json_string(c, "title"));
		if (!strstr(dom, attr))
			fail_msg("no bar for category %s", json_string(c, "id"));
		snprintf(attr, sizeof attr, "id=\"cat-score-%zu\"", i++);
		if (cJSON_IsFalse(cJSON_GetObjectItem(c, "scored")))
			assert_text_after(dom, attr, "not scored");
		else if (fabs(number_after(dom, attr) - value) >= 0.05)
			fail_msg("category %s: the page shows %g, the JSON %g",
				json_string(c, "id"), number_after(dom, attr), value);
	}
}

/* Each finding row is visible exactly when its data-KEY is `value` (or
 * always, for a NULL value); returns how many are. */
static size_t visible_rows(const char *dom, const char *key, const char *value)
{
	char want[256];
	size_t visible = 0;

	snprintf(want, sizeof want, "data-%s=\"%s\"", key, value ? value : "");
	for (const char *p = dom; (p = strstr(p, "<tr data-severity=")); p++) {
		const char *end = strchr(p, '>');
		size_t len = (size_t)(end - p);
		bool hidden = memmem(p, len, " hidden", 7) != NULL;
		bool match = !value || memmem(p, len, want, strlen(want));

		if (hidden == match)
			fail_msg("%s row: %.*s", hidden ? "hidden" : "visible",
				(int)len, p);
		visible += !hidden;
	}
	return visible;
}

static size_t findings_where(const cJSON *json, const char *key,
	const char *value)
{
	const cJSON *fd;
	size_t n = 0;

	cJSON_ArrayForEach(fd, cJSON_GetObjectItem(json, "findings"))
		n += !strcmp(json_string(fd, key), value);
	return n;
}

static void assert_shown_count(const char *dom, size_t shown, int total)
{
	char want[80];

	snprintf(want, sizeof want, ">%zu of %d findings shown<", shown, total);
	if (!strstr(dom, want))
		fail_msg("the page does not say '%s'", want + 1);
}

/* How many finding rows the browser actually draws. */
static void assert_drawn_rows(cdp *c, size_t want)
{
	char *drawn = cdp_eval(c, "String(Array.from(document.querySelectorAll("
		"'#findings-table tbody tr')).filter(function (row) {"
		"return row.getClientRects().length > 0; }).length)");

	assert_int_equal(strtoul(drawn, NULL, 10), want);
	free(drawn);
}

/* Findings whose policy is in `category`, by the JSON's policies. */
static size_t findings_where_policy_in(const cJSON *json, const char *category)
{
	const cJSON *fd, *p;
	size_t n = 0;

	cJSON_ArrayForEach(fd, cJSON_GetObjectItem(json, "findings"))
		cJSON_ArrayForEach(p, cJSON_GetObjectItem(json, "policies"))
			n += !strcmp(json_string(p, "id"), json_string(fd, "policy")) &&
				!strcmp(json_string(p, "category"), category);
	return n;
}

/* Scripts on: the filters appear, all rows show, and choosing a category
 * hides the others and records the choice in the fragment. */
static void check_with_scripts(cdp *c, const char *url, const cJSON *json)
{
	int total = cJSON_GetArraySize(cJSON_GetObjectItem(json, "findings"));
	char *dom, *hash;

	cdp_open(c, url, true);
	cdp_screenshot(c, "report.png");
	dom = cdp_dom(c);
	assert_dom_matches_json(dom, json);
	assert_non_null(strstr(dom, "<form id=\"filters\" class=\"filters\" "
		"aria-label"));
	assert_true(cdp_rendered(c, "#filters"));
	assert_int_equal(visible_rows(dom, "severity", NULL), (size_t)total);
	assert_shown_count(dom, (size_t)total, total);
	free(dom);

	hash = cdp_eval(c, "var form = document.getElementById('filters');"
		"form.elements.category.value = 'operations';"
		"form.dispatchEvent(new Event('input', {bubbles: true}));"
		"location.hash");
	assert_string_equal(hash, "#category=operations");
	free(hash);
	dom = cdp_dom(c);
	assert_int_equal(visible_rows(dom, "category", "operations"),
		(size_t)count_of(dom, "data-category=\"operations\" "));
	free(dom);
	assert_drawn_rows(c, findings_where_policy_in(json, "operations"));
}

/* "#severity=critical" in the address shows only the critical rows. */
static void check_fragment(cdp *c, const char *page, const cJSON *json)
{
	int total = cJSON_GetArraySize(cJSON_GetObjectItem(json, "findings"));
	size_t critical = findings_where(json, "severity", "critical");
	char *url, *dom, *checked;

	assert_true(critical > 0 && critical < (size_t)total);
	if (asprintf(&url, "file://%s#severity=critical", page) < 0)
		fail_msg("asprintf");
	cdp_open(c, url, true);
	dom = cdp_dom(c);
	assert_int_equal(visible_rows(dom, "severity", "critical"), critical);
	assert_shown_count(dom, critical, total);
	free(dom);
	checked = cdp_eval(c, "Array.from(document.querySelectorAll("
		"'input[name=severity]:checked'), b => b.value).join()");
	assert_string_equal(checked, "critical");
	free(checked);
	assert_drawn_rows(c, critical);
	free(url);
}

/* Scripts off: everything is there, the filters stay hidden, the note
 * says why. */
static void check_without_scripts(cdp *c, const char *url, const cJSON *json)
{
	const cJSON *fd;
	char *dom, want[256];

	cdp_open(c, url, false);
	cdp_screenshot(c, "report-noscript.png");
	dom = cdp_dom(c);
	assert_dom_matches_json(dom, json);
	assert_int_equal(visible_rows(dom, "severity", NULL),
		(size_t)cJSON_GetArraySize(cJSON_GetObjectItem(json, "findings")));
	cJSON_ArrayForEach(fd, cJSON_GetObjectItem(json, "findings")) {
		snprintf(want, sizeof want, "<td class=\"id\"><code>%s</code>",
			json_string(fd, "policy"));
		if (!strstr(dom, want))
			fail_msg("no finding of %s", json_string(fd, "policy"));
	}
	assert_non_null(strstr(dom, "<form id=\"filters\" class=\"filters\" "
		"hidden"));
	assert_non_null(strstr(dom, "<noscript><p class=\"note\">JavaScript is "
		"disabled"));
	free(dom);
	assert_false(cdp_rendered(c, "#filters"));
	assert_true(cdp_rendered(c, "noscript .note"));
	assert_true(cdp_rendered(c, "#findings-table tbody tr:last-child"));
}

/* The script's filters on a hand-built report that has every kind of
 * row (waived, baseline, several locations), each view opened from its
 * address as a link to it would be. */
static void check_filters(cdp *c, const char *dir)
{
	static const struct {
		const char *fragment;
		size_t shown;
	} views[] = {
		{ "", 4 },
		{ "#severity=critical", 2 },
		{ "#severity=critical&waived=0", 1 },
		{ "#category=ops", 2 },
		{ "#category=ops&severity=high,medium&waived=0", 1 },
		{ "#q=DEPLOY%2Fcron", 1 },
		{ "#severity=", 0 },
		{ "#q=%E0%A4%A", 4 },
		{ "#category=no-such-category", 4 },
	};
	cr_report *r = sample_report();
	char *html = render(r), *page, *url, *dom, *selected;

	if (asprintf(&page, "%s/sample.html", dir) < 0)
		fail_msg("asprintf");
	th_write(dir, "sample.html", html);
	for (size_t i = 0; i < sizeof views / sizeof *views; i++) {
		if (asprintf(&url, "file://%s%s", page, views[i].fragment) < 0)
			fail_msg("asprintf");
		cdp_open(c, url, true);
		dom = cdp_dom(c);
		assert_shown_count(dom, views[i].shown, 4);
		free(dom);
		assert_drawn_rows(c, views[i].shown);
		free(url);
	}
	/* The last view's unknown category fell back to all of them. */
	selected = cdp_eval(c, "String(document.getElementById('filters')"
		".elements.category.selectedIndex)");
	assert_string_equal(selected, "0");
	free(selected);
	free(page);
	free(html);
	cr_report_free(r);
}

static void test_in_chromium(void **state)
{
	char *dir = th_tempdir(), *repo, *page, *url, *html;
	const char *eval_argv[] = { "eval", NULL, "--format", "json", "--output",
		NULL, NULL };
	cJSON *json;
	th_run run;
	cdp c;

	(void)state;
	require_chromium();
	if (asprintf(&repo, "%s/repo", dir) < 0 ||
	    asprintf(&page, "%s/report.html", dir) < 0 ||
	    asprintf(&url, "file://%s", page) < 0 ||
	    asprintf((char **)&eval_argv[5], "html=%s", page) < 0)
		fail_msg("asprintf");
	make_repository(repo);
	eval_argv[1] = repo;

	/* One run, two outputs: the JSON on stdout, the page in a file. */
	run = th_crucible(NULL, eval_argv);
	if (run.status != 0 && run.status != 1)
		fail_msg("crucible eval exited %d: %s", run.status, run.err);
	json = cJSON_Parse(run.out);
	assert_non_null(json);
	th_run_free(&run);
	html = th_read(page);
	assert_non_null(html);
	/* And --format html gives the same bytes on another run. */
	eval_argv[3] = "html";
	eval_argv[4] = NULL;
	run = th_crucible(NULL, eval_argv);
	assert_true(run.status == 0 || run.status == 1);
	assert_string_equal(run.out, html);
	th_run_free(&run);

	cdp_start(&c, dir);
	check_with_scripts(&c, url, json);
	check_fragment(&c, page, json);
	check_without_scripts(&c, url, json);
	check_filters(&c, dir);
	cdp_stop(&c);

	cJSON_Delete(json);
	free(html);
	free((char *)eval_argv[5]);
	free(url);
	free(page);
	free(repo);
	th_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_text_is_escaped),
		cmocka_unit_test(test_control_bytes_are_replaced),
		cmocka_unit_test(test_gauge_shows_the_score),
		cmocka_unit_test(test_one_bar_per_category),
		cmocka_unit_test(test_long_category_title_is_cut),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_policies_table),
		cmocka_unit_test(test_findings_and_markers),
		cmocka_unit_test(test_filter_controls),
		cmocka_unit_test(test_no_network),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_empty_report),
		cmocka_unit_test(test_large_report),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_in_chromium),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
