/*
 * test_markdown.c - the Markdown report (report/markdown.c): the sections
 * of the full report in order and their content, the checklist's order,
 * escaping of hostile text, and the --summary form's size budget on a
 * report with thousands of findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"
#include "tests/report_fixture.h"

#include "crucible/report.h"

#define COMMENT_LIMIT 65000

static int render_markdown(const cr_report *r, FILE *f, void *opts)
{
	return cr_report_render_markdown(r, f, opts, NULL);
}

static char *markdown(const cr_report *r, bool summary, size_t *len)
{
	cr_render_opts opts = { .summary = summary };

	return fx_render(r, render_markdown, &opts, len);
}

/* Each needle occurs, each after the one before it. */
static void assert_in_order(const char *text, const char *const *needles,
	size_t count)
{
	const char *at = text;

	for (size_t i = 0; i < count; i++) {
		const char *hit = strstr(at, needles[i]);

		if (!hit)
			fail_msg("missing (or out of order): \"%s\"", needles[i]);
		at = hit + strlen(needles[i]);
	}
}

static void assert_line(const char *text, const char *line)
{
	char *needle;

	assert_true(asprintf(&needle, "\n%s\n", line) > 0);
	if (!strstr(text, needle))
		fail_msg("no line \"%s\" in:\n%s", line, text);
	free(needle);
}

/* The text of a section: from its heading to the next "## " heading. */
static char *section(const char *text, const char *heading)
{
	const char *start = strstr(text, heading), *end;

	if (!start)
		fail_msg("no section \"%s\"", heading);
	end = strstr(start + strlen(heading), "\n## ");
	if (!end)
		end = start + strlen(start);
	return strndup(start, (size_t)(end - start));
}

static size_t count_lines_starting(const char *text, const char *prefix)
{
	size_t count = 0;

	for (const char *l = text; l; l = strchr(l, '\n')) {
		l += *l == '\n';
		count += !strncmp(l, prefix, strlen(prefix));
	}
	return count;
}

/* --- the full report ------------------------------------------------------ */

static void test_sections_in_order(void **state)
{
	static const char *const order[] = {
		"# crucible report: shop-api\n",
		"\nCommit `0a90ed158861` on branch `main` · bundle readiness 0.1.0 "
			"(`sha256:1bee4bab1b80`)\n",
		"\n**Score 35.0/100 · grade F · ❌ not ready**\n",
		"\n## Executive summary\n",
		"\n## Category scores\n",
		"\n## Findings by category\n",
		"\n### Secret management · 0.0/100\n",
		"\n### Operational readiness · 62.5/100\n",
		"\n### Documentation · 100.0/100\n",
		"\n### Supply chain · not scored\n",
		"\n## Action checklist\n",
		"\n## Skipped policies\n",
		"\n## Errored policies\n",
		"\n## Waived findings\n",
		"\n## Fixed since the baseline\n",
		"\n## Notes\n",
		"\n_crucible " CRUCIBLE_VERSION " · 120 files, 42 commits_\n",
	};
	cr_report *r = fx_sample_report();
	char *md = markdown(r, false, NULL);

	(void)state;
	assert_in_order(md, order, sizeof order / sizeof order[0]);
	assert_null(strstr(md, "## Top findings"));
	free(md);
	cr_report_free(r);
}

static void test_executive_summary(void **state)
{
	cr_report *r = fx_sample_report();
	char *md = markdown(r, false, NULL);

	(void)state;
	assert_line(md, "**Verdict: ❌ not ready.** The repository scores "
		"35.0/100 (grade F). 4 of 10 policies fail (1 critical, 1 high, "
		"1 medium, 1 low); 1 warn, 1 skipped, 1 errored. Critical blockers: "
		"**SEC-TRACKED-SECRET-FILES** (No secret files tracked in git). "
		"High-severity failures: **SEC-ENV-IGNORED** (.env files ignored). "
		"29 active findings and 2 waived.");
	free(md);

	/* Nothing failing: no blockers, and the verdict of the report. */
	for (size_t i = 0; i < r->policy_count; i++)
		r->policies[i].status = CR_STATUS_PASS;
	r->score = 92;
	r->grade = 'A';
	r->verdict = "ready";
	md = markdown(r, false, NULL);
	assert_non_null(strstr(md, "**Verdict: ✅ ready.** The repository scores "
		"92.0/100 (grade A). None of the 10 policies fail; 0 warn, "
		"0 skipped, 0 errored. There are no critical blockers. "));
	assert_null(strstr(md, "High-severity failures"));
	assert_line(md, "Nothing to do: no policy fails or warns.");
	free(md);
	cr_report_free(r);
}

static void test_category_table(void **state)
{
	cr_report *r = fx_sample_report();
	char *md = markdown(r, false, NULL);

	(void)state;
	assert_line(md, "| Category | Score | | Weight | Failing | Policies |");
	assert_line(md, "| Secret management | 0.0 | ░░░░░░░░░░ | 25 | 2 | 2 |");
	assert_line(md, "| Operational readiness | 62.5 | ██████░░░░ | 20 | 2 | 4 |");
	assert_line(md, "| Documentation | 100.0 | ██████████ | 10 | 0 | 2 |");
	assert_line(md, "| Supply chain | n/a | not scored | 5 | 0 | 2 |");
	free(md);
	cr_report_free(r);
}

static void test_policy_details(void **state)
{
	static const char *const secrets[] = {
		"\n#### ❌ FAIL · critical · SEC-TRACKED-SECRET-FILES: "
			"No secret files tracked in git\n",
		"\nEvidence (2 findings):\n\n",
		"- `config/prod.env:3` AWS access key\n",
		"- `deploy/key.pem` private key *(in baseline)*\n",
		"\n**Remediation:** Remove them and rotate the credentials.\n",
		"\n#### ❌ FAIL · high · SEC-ENV-IGNORED: .env files ignored\n",
	};
	static const char *const operations[] = {
		"\n#### ❌ FAIL · medium · OPS-PROBES: Probes on every workload\n",
		"\nEvidence (25 findings):\n\n",
		"- `k8s/deploy-00.yaml:1` no readinessProbe\n",
		"- `k8s/deploy-19.yaml:20` no readinessProbe\n",
		"- … and 5 more\n",
		"\n#### ❌ FAIL · low · OPS-CODEOWNERS: Code owners defined\n",
		"\nno CODEOWNERS file\n",
		"\n#### ⚠️ WARN · high · OPS-DOCKER-NONROOT: "
			"Containers run as non-root\n",
		"- `Dockerfile:1` no USER instruction\n",
		"\nPassing:\n\n- **OPS-SECURITY-POLICY**: Security policy published\n",
	};
	cr_report *r = fx_sample_report();
	char *md = markdown(r, false, NULL);
	char *part;

	(void)state;
	part = section(md, "\n### Secret management");
	assert_in_order(part, secrets, sizeof secrets / sizeof secrets[0]);
	/* A waived finding is no evidence: it is listed with the waivers. */
	assert_null(strstr(part, "tests/fixture.pem"));
	free(part);
	part = section(md, "\n### Operational readiness");
	assert_in_order(part, operations, sizeof operations / sizeof operations[0]);
	assert_null(strstr(part, "deploy-20.yaml"));
	free(part);
	part = section(md, "\n### Supply chain");
	assert_non_null(strstr(part, "\nNo failing or warning policies.\n"));
	assert_non_null(strstr(part, "\n2 skipped or errored: see below.\n"));
	free(part);
	free(md);
	cr_report_free(r);
}

static const char *const checklist[] = {
	"- [ ] **critical** SEC-TRACKED-SECRET-FILES: No secret files tracked "
		"in git — Remove them and rotate the credentials. (2 findings)\n",
	"- [ ] **high** SEC-ENV-IGNORED: .env files ignored — Add .env to "
		".gitignore. (1 finding)\n",
	"- [ ] **high** OPS-DOCKER-NONROOT: Containers run as non-root — Add a "
		"USER instruction. (1 finding) *(warning)*\n",
	"- [ ] **medium** OPS-PROBES: Probes on every workload — Add readiness "
		"and liveness probes. (25 findings)\n",
	"- [ ] **low** OPS-CODEOWNERS: Code owners defined — Add a CODEOWNERS "
		"file.\n",
};

static void test_checklist_by_severity(void **state)
{
	const size_t count = sizeof checklist / sizeof checklist[0];
	cr_report *r = fx_sample_report();

	(void)state;
	for (int summary = 0; summary <= 1; summary++) {
		char *md = markdown(r, summary, NULL);
		char *part = section(md, "\n## Action checklist");

		assert_in_order(part, checklist, count);
		assert_int_equal(count_lines_starting(part, "- [ ] "), count);
		free(part);
		free(md);
	}
	cr_report_free(r);
}

static void test_skipped_errored_waived_fixed_notes(void **state)
{
	cr_report *r = fx_sample_report();
	char *md = markdown(r, false, NULL);

	(void)state;
	assert_line(md, "- **SUP-SBOM**: SBOM published — no container images");
	assert_line(md, "- **SUP-SIGNING**: Images signed — "
		"instruction budget exhausted");
	assert_line(md, "- **SEC-TRACKED-SECRET-FILES** `tests/fixture.pem:1` "
		"test fixture key — waived: fake key used by the tests");
	assert_line(md, "- **DOC-LICENSE** no LICENSE file — waived: "
		"*no reason given*");
	assert_line(md, "- **SEC-ENV-IGNORED** `old/.env`");
	assert_line(md, "- inline suppression without a reason at src/app.js:12");
	free(md);
	cr_report_free(r);
}

static void test_empty_report(void **state)
{
	cr_report *r;
	char *md;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	md = markdown(r, false, NULL);
	assert_true(!strncmp(md, "# crucible report: repository\n\n"
		"Not a git checkout\n\n**Score 0.0/100 · grade F · ❌ not ready**\n",
		strlen("# crucible report: repository\n")));
	assert_line(md, "No categories were evaluated.");
	assert_line(md, "Nothing to do: no policy fails or warns.");
	assert_null(strstr(md, "## Findings by category"));
	assert_null(strstr(md, "## Skipped policies"));
	assert_null(strstr(md, "## Waived findings"));
	free(md);
	cr_report_free(r);
}

static void test_repository_name(void **state)
{
	static const struct {
		const char *path;
		const char *title;
	} cases[] = {
		{ "/", "# crucible report: /\n" },
		{ "repo", "# crucible report: repo\n" },
		{ "/a/b//", "# crucible report: b\n" },
		{ "/srv/my_repo", "# crucible report: my\\_repo\n" },
	};
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *md;

		free(r->target_path);
		r->target_path = strdup(cases[i].path);
		md = markdown(r, false, NULL);
		assert_true(!strncmp(md, cases[i].title, strlen(cases[i].title)));
		free(md);
	}
	cr_report_free(r);
}

static void test_write_error(void **state)
{
	cr_report *r = fx_sample_report();
	FILE *f = fopen("/dev/full", "w");
	cr_ctx *ctx;

	(void)state;
	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_render_markdown(r, f, NULL, ctx), CR_EIO);
	assert_non_null(strstr(cr_ctx_error(ctx), "Markdown"));
	fclose(f);
	cr_ctx_free(ctx);
	cr_report_free(r);
}

/* --- hostile text ------------------------------------------------------- */

/* Every '|' a cell boundary, unless escaped. */
static size_t count_cell_bars(const char *line, size_t len)
{
	size_t bars = 0;

	for (size_t i = 0; i < len; i++)
		bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
	return bars;
}

static void assert_inert(const char *md)
{
	const char *row;

	/* Only the renderer starts headings, and no raw HTML gets through. */
	for (const char *l = md; l; l = strchr(l, '\n')) {
		l += *l == '\n';
		if (*l == '#')
			assert_true(!strncmp(l, "# crucible report: ", 19) ||
				!strncmp(l, "## ", 3) || !strncmp(l, "### ", 4) ||
				!strncmp(l, "#### ", 5));
	}
	for (const char *p = strchr(md, '<'); p; p = strchr(p + 1, '<'))
		assert_int_equal(p[-1], '\\');
	for (const unsigned char *p = (const unsigned char *)md; *p; p++)
		assert_true(*p >= 0x20 || *p == '\n');
	fx_assert_valid_utf8(md);
	row = strstr(md, "\n| Evil ");
	assert_non_null(row);
	row++;
	assert_int_equal(count_cell_bars(row, strcspn(row, "\n")), 7);
}

/* FX_HOSTILE, escaped: line breaks and control bytes are spaces, what is
 * not UTF-8 is U+FFFD, valid characters stay. */
#define ESCAPED_HOSTILE "\\<script\\>alert(1)\\</script\\> \\| \\*\\*bold\\*\\* " \
	"\\_em\\_ \\`tick\\` \\[link\\](javascript:alert(1)) \\&amp; \"q\" 'a' " \
	"\\# injected  \\[31m\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" \
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbe" \
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9 \xf0\x9f\x9a\x80"

static void test_hostile_text_is_inert(void **state)
{
	cr_report *r = fx_hostile_report();

	(void)state;
	for (int summary = 0; summary <= 1; summary++) {
		char *md = markdown(r, summary, NULL);

		assert_inert(md);
		assert_non_null(strstr(md, "- [ ] **critical** EVIL-\\*ID\\*: "
			"\\<script\\>alert(1)"));
		/* Paths are code spans with a longer fence than any backtick
		 * run inside; a line break in one is a space. */
		assert_non_null(strstr(md, "```we`ird``path|x.txt:7``` "
			ESCAPED_HOSTILE));
		assert_non_null(strstr(md, "`` `edge` `` 1. not a list"));
		if (!summary) {
			assert_non_null(strstr(md, "- [ ] **critical** EVIL-\\*ID\\*: "
				ESCAPED_HOSTILE " — " ESCAPED_HOSTILE " (3 findings)\n"));
			/* Text opening a list item cannot open a nested block. */
			assert_line(md, "- \\+ not an item");
			assert_non_null(strstr(md, "`x # injected-path` - not an item"
				" — waived: " ESCAPED_HOSTILE));
			assert_line(md, "- **EVIL-SKIP**: skipped — " ESCAPED_HOSTILE);
			assert_line(md, "- " ESCAPED_HOSTILE);
		}
		free(md);
	}
	cr_report_free(r);
}

/* --- the summary's budget ----------------------------------------------- */

#define BIG_CATEGORIES 100
#define BIG_POLICIES 500
#define BIG_FINDINGS 5000

static char *repeat(const char *unit, size_t times)
{
	size_t len = strlen(unit);
	char *s = malloc(len * times + 1);

	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * len, unit, len);
	s[len * times] = '\0';
	return s;
}

/* 5,000 findings on 500 failures (half critical) in 100 categories, every string
 * long and multi-byte, so that every part of the summary must be cut. */
static cr_report *big_report(void)
{
	cr_report *r = fx_empty_report("/work/big");
	char *title = repeat("Catégorie ", 20);
	char *remediation = repeat("Réparez * ceci. ", 60);
	char *message = repeat("clé \xf0\x9f\x94\x91 trouvée ", 30);
	char *path = repeat("répertoire/", 30);
	char id[160], category[32];

	for (int c = 0; c < BIG_CATEGORIES; c++) {
		snprintf(category, sizeof category, "cat%02d", c);
		fx_category(r, category, title, 1, c);
	}
	for (int p = 0; p < BIG_POLICIES; p++) {
		fx_policy_spec spec = {
			id, category, p % 2 ? CR_SEV_LOW : CR_SEV_CRITICAL,
			CR_STATUS_FAIL, title, message, remediation, 1.0
		};

		snprintf(id, sizeof id, "POLICY-%03d-%.100s", p, title);
		snprintf(category, sizeof category, "cat%02d", p % BIG_CATEGORIES);
		fx_policy(r, &spec);
		for (int i = 0; i < BIG_FINDINGS / BIG_POLICIES; i++) {
			fx_finding_spec f = {
				id, spec.severity, CR_STATUS_FAIL, message, path,
				(uint32_t)i + 1, NULL, false
			};

			fx_finding(r, &f);
		}
	}
	free(title);
	free(remediation);
	free(message);
	free(path);
	return r;
}

static void test_summary_budget(void **state)
{
	static const char *const order[] = {
		"# crucible report: big\n",
		"\n## Executive summary\n",
		" and 240 more. ",
		"\n## Category scores\n",
		"more categories not shown._\n",
		"\n## Action checklist\n",
		"- [ ] **critical** POLICY-000-",
		"more actions not shown._\n",
		"\n## Top findings\n",
		"- **critical** POLICY-000-",
		"more findings not shown._\n",
		"\n_Short form for a pull request; ",
	};
	cr_report *r = big_report();
	size_t len;
	char *md = markdown(r, true, &len);
	char *top;

	(void)state;
	assert_true(len < COMMENT_LIMIT);
	assert_int_equal(strlen(md), len);
	assert_in_order(md, order, sizeof order / sizeof order[0]);
	fx_assert_valid_utf8(md);
	assert_null(strstr(md, "bundle readiness"));
	/* The most severe come first: no low finding is shown before the
	 * critical ones run out. */
	top = section(md, "\n## Top findings");
	assert_null(strstr(top, "**low**"));
	free(top);
	free(md);

	/* The full report has no limit. */
	md = markdown(r, false, &len);
	assert_true(len > 10 * COMMENT_LIMIT);
	assert_null(strstr(md, "not shown"));
	assert_int_equal(count_lines_starting(md, "- [ ] "), BIG_POLICIES);
	free(md);
	cr_report_free(r);
}

/* Shown and not shown add up to every active finding. */
static void test_summary_counts_what_it_drops(void **state)
{
	cr_report *r = fx_empty_report("/work/many");
	fx_policy_spec spec = {
		"SEC-MANY", "secrets", CR_SEV_HIGH, CR_STATUS_FAIL, "Many",
		"many", "Fix.", 1.0
	};
	size_t len, shown, dropped = 0;
	char *md, *top, *tail;

	(void)state;
	fx_category(r, "secrets", "Secrets", 1, 0);
	fx_policy(r, &spec);
	for (int i = 0; i < BIG_FINDINGS; i++) {
		fx_finding_spec f = {
			"SEC-MANY", CR_SEV_HIGH, CR_STATUS_FAIL, "token found",
			"src/config.js", (uint32_t)i + 1, NULL, i % 2 == 0
		};

		fx_finding(r, &f);
	}
	md = markdown(r, true, &len);
	assert_true(len < COMMENT_LIMIT);
	top = section(md, "\n## Top findings");
	shown = count_lines_starting(top, "- **high** SEC-MANY ");
	tail = strstr(top, "\n_");
	assert_non_null(tail);
	assert_int_equal(sscanf(tail, "\n_%zu more findings not shown._", &dropped), 1);
	assert_true(shown > 100);
	assert_int_equal(shown + dropped, BIG_FINDINGS);
	/* New findings before those already in the baseline. */
	assert_null(strstr(top, "*(in baseline)*"));
	free(top);
	free(md);
	cr_report_free(r);
}

static void test_summary_of_a_small_report(void **state)
{
	static const char *const top[] = {
		"\n## Top findings\n\n",
		"- **critical** SEC-TRACKED-SECRET-FILES `config/prod.env:3` "
			"AWS access key\n",
		"- **critical** SEC-TRACKED-SECRET-FILES `deploy/key.pem` "
			"private key *(in baseline)*\n",
		"- **high** SEC-ENV-IGNORED `.gitignore` .env not in .gitignore\n",
		"- **high** OPS-DOCKER-NONROOT `Dockerfile:1` no USER instruction\n",
		"- **medium** OPS-PROBES `k8s/deploy-00.yaml:1` no readinessProbe\n",
	};
	cr_report *r = fx_sample_report();
	size_t len;
	char *md = markdown(r, true, &len);
	char *part;

	(void)state;
	assert_true(len < COMMENT_LIMIT);
	assert_in_order(md, top, sizeof top / sizeof top[0]);
	part = section(md, "\n## Top findings");
	assert_int_equal(count_lines_starting(part, "- **"), 29);
	assert_null(strstr(part, "tests/fixture.pem"));
	free(part);
	assert_null(strstr(md, "not shown"));
	assert_null(strstr(md, "## Findings by category"));
	assert_null(strstr(md, "## Waived findings"));
	assert_line(md, "Commit `0a90ed158861` on branch `main`");
	free(md);
	cr_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_in_order),
		cmocka_unit_test(test_executive_summary),
		cmocka_unit_test(test_category_table),
		cmocka_unit_test(test_policy_details),
		cmocka_unit_test(test_checklist_by_severity),
		cmocka_unit_test(test_skipped_errored_waived_fixed_notes),
		cmocka_unit_test(test_empty_report),
		cmocka_unit_test(test_repository_name),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_hostile_text_is_inert),
		cmocka_unit_test(test_summary_budget),
		cmocka_unit_test(test_summary_counts_what_it_drops),
		cmocka_unit_test(test_summary_of_a_small_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
