/*
 * test_summary.c - `crucible summary`: the library on hand-made
 * crucible.report/v1 documents (ranking, ties, failing-policy counts,
 * category means, names shared by several reports, validation), its three
 * renderers on hostile names, and the real binary on a directory that also
 * holds a report `crucible eval` wrote for a real git repository.
 */
#include "tests/helpers.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/summary.h"

#define COMMIT_A "aaaaaaaaaaaa0000000000000000000000000000"
#define COMMIT_B "bbbbbbbbbbbb0000000000000000000000000000"

/* --- building reports ------------------------------------------------ */

struct pol {
	const char *id, *title, *severity, *status;
};

struct cat {
	const char *id;
	double score;
	bool scored;
};

struct rep {
	const char *path, *commit;
	double score;
	const char *grade, *verdict;
	const struct pol *pols;   /* ends with a NULL id */
	const struct cat *cats;   /* ends with a NULL id */
};

static cJSON *policies_json(const struct pol *p)
{
	cJSON *a = cJSON_CreateArray(), *o;

	for (; p && p->id; p++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", p->id);
		cJSON_AddStringToObject(o, "title", p->title);
		cJSON_AddStringToObject(o, "category", "ci");
		cJSON_AddStringToObject(o, "severity", p->severity);
		cJSON_AddStringToObject(o, "status", p->status);
		cJSON_AddNumberToObject(o, "score", 0);
		cJSON_AddNumberToObject(o, "weight", 1);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *categories_json(const struct cat *c)
{
	cJSON *a = cJSON_CreateArray(), *o;

	for (; c && c->id; c++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", c->id);
		cJSON_AddStringToObject(o, "title", c->id);
		cJSON_AddNumberToObject(o, "score", c->score);
		cJSON_AddBoolToObject(o, "scored", c->scored);
		cJSON_AddNumberToObject(o, "weight", 10);
		cJSON_AddItemToArray(o, cJSON_CreateArray());
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* A crucible.report/v1 document as `crucible eval --format json` shapes
 * it (the keys the summary ignores included), as text the caller frees. */
static char *report_text(const struct rep *r)
{
	cJSON *doc = cJSON_CreateObject(), *o;
	char *text;

	cJSON_AddStringToObject(doc, "schema", "crucible.report/v1");
	o = cJSON_AddObjectToObject(doc, "tool");
	cJSON_AddStringToObject(o, "name", "crucible");
	o = cJSON_AddObjectToObject(doc, "target");
	cJSON_AddStringToObject(o, "path", r->path);
	if (r->commit)
		cJSON_AddStringToObject(o, "commit", r->commit);
	else
		cJSON_AddNullToObject(o, "commit");
	cJSON_AddNullToObject(o, "branch");
	cJSON_AddItemToObject(doc, "bundles", cJSON_CreateArray());
	o = cJSON_AddObjectToObject(doc, "score");
	cJSON_AddNumberToObject(o, "value", r->score);
	cJSON_AddStringToObject(o, "grade", r->grade);
	cJSON_AddStringToObject(o, "verdict", r->verdict);
	cJSON_AddItemToObject(doc, "categories", categories_json(r->cats));
	cJSON_AddItemToObject(doc, "policies", policies_json(r->pols));
	cJSON_AddItemToObject(doc, "findings", cJSON_CreateArray());
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	assert_non_null(text);
	return text;
}

static void write_report(const char *dir, const char *rel, const struct rep *r)
{
	char *text = report_text(r);

	th_write(dir, rel, text);
	free(text);
}

static void add_report(cr_summary *s, cr_ctx *ctx, const char *source,
	const struct rep *r)
{
	char *text = report_text(r);

	assert_int_equal(cr_summary_add_json(s, ctx, text, strlen(text),
		source), CR_OK);
	free(text);
}

/*
 * An organisation of four: beta is the worst and fails a critical policy,
 * delta and gamma tie on score (so the name decides), P-BUILD fails in
 * three repositories, P-CRIT and P-LOW in one each (the severity decides).
 */
static const struct pol alpha_pols[] = {
	{"P-CRIT", "Critical thing", "critical", "pass"},
	{"P-BUILD", "Build is reproducible", "medium", "fail"},
	{"P-LOW", "Low thing", "low", "fail"},
	{NULL, NULL, NULL, NULL},
};
static const struct pol beta_pols[] = {
	{"P-CRIT", "Critical thing", "critical", "fail"},
	{"P-BUILD", "Build is reproducible", "medium", "fail"},
	{"P-BUILD", "Build is reproducible", "medium", "fail"},
	{"P-LOW", "Low thing", "low", "warn"},
	{NULL, NULL, NULL, NULL},
};
static const struct pol gamma_pols[] = {
	{"P-BUILD", "Build is reproducible", "medium", "fail"},
	{"P-CRIT", "Critical thing", "critical", "skip"},
	{NULL, NULL, NULL, NULL},
};
static const struct pol delta_pols[] = {
	{"P-BUILD", "Build is reproducible", "medium", "pass"},
	{NULL, NULL, NULL, NULL},
};
static const struct cat alpha_cats[] = {
	{"ci", 100, true}, {"docs", 80, true}, {NULL, 0, false},
};
static const struct cat beta_cats[] = {
	{"ci", 20, true}, {"docs", 40, true}, {NULL, 0, false},
};
static const struct cat gamma_cats[] = {
	{"ci", 0, false}, {"docs", 60, true}, {NULL, 0, false},
};
static const struct cat delta_cats[] = {
	{"docs", 100, true}, {"secrets", 0, false}, {NULL, 0, false},
};

static const struct rep org[] = {
	{"/src/alpha", COMMIT_A, 90, "A", "ready", alpha_pols, alpha_cats},
	{"/src/beta/", COMMIT_A, 35, "F", "not-ready", beta_pols, beta_cats},
	{"/src/gamma", NULL, 72, "C", "at-risk", gamma_pols, gamma_cats},
	{"/src/delta", COMMIT_B, 72, "C", "at-risk", delta_pols, delta_cats},
};
#define ORG_SIZE (sizeof org / sizeof *org)

static cr_summary *org_summary(cr_ctx **ctx)
{
	cr_summary *s;
	char source[32];

	assert_int_equal(cr_ctx_new(ctx), CR_OK);
	assert_int_equal(cr_summary_new(&s), CR_OK);
	for (size_t i = 0; i < ORG_SIZE; i++) {
		snprintf(source, sizeof source, "r%zu.json", i);
		add_report(s, *ctx, source, &org[i]);
	}
	assert_int_equal(cr_summary_finish(s, *ctx), CR_OK);
	return s;
}

/* Everything a renderer wrote for `s`, NUL-terminated. */
static char *rendered(const cr_summary *s, char format, size_t top)
{
	const cr_summary_opts opts = { .top = top };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	assert_non_null(f);
	if (format == 'm')
		rc = cr_summary_render_markdown(s, &opts, f, NULL);
	else if (format == 'h')
		rc = cr_summary_render_html(s, &opts, f, NULL);
	else
		rc = cr_summary_render_csv(s, f, NULL);
	assert_int_equal(rc, CR_OK);
	fclose(f);
	return text;
}

static size_t count_of(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* --- the library ----------------------------------------------------- */

static void test_ranking(void **state)
{
	static const char *const order[] = { "beta", "delta", "gamma", "alpha" };
	cr_ctx *ctx;
	cr_summary *s = org_summary(&ctx);

	(void)state;
	assert_int_equal(s->repo_count, ORG_SIZE);
	for (size_t i = 0; i < ORG_SIZE; i++)
		assert_string_equal(s->repos[i].name, order[i]);
	assert_float_equal(s->repos[0].score, 35, 1e-9);
	assert_string_equal(s->repos[0].verdict, "not-ready");
	assert_int_equal(s->repos[0].grade, 'F');
	/* P-BUILD twice in beta's report still counts once. */
	assert_int_equal(s->repos[0].failing, 2);
	assert_int_equal(s->repos[0].critical, 1);
	assert_int_equal(s->repos[1].failing, 0);
	assert_int_equal(s->repos[2].failing, 1);
	assert_null(s->repos[2].commit);
	assert_int_equal(s->repos[3].failing, 2);
	assert_int_equal(s->repos[3].critical, 0);
	assert_string_equal(s->repos[3].path, "/src/alpha");
	assert_string_equal(s->repos[3].source, "r0.json");
	assert_int_equal(s->verdicts[CR_VERDICT_READY], 1);
	assert_int_equal(s->verdicts[CR_VERDICT_AT_RISK], 2);
	assert_int_equal(s->verdicts[CR_VERDICT_NOT_READY], 1);
	assert_float_equal(s->score_sum, 90 + 35 + 72 + 72, 1e-9);
	cr_summary_free(s);
	cr_ctx_free(ctx);
}

static void test_failing_policies(void **state)
{
	cr_ctx *ctx;
	cr_summary *s = org_summary(&ctx);

	(void)state;
	assert_int_equal(s->policy_count, 3);
	assert_string_equal(s->policies[0].id, "P-BUILD");
	assert_string_equal(s->policies[0].title, "Build is reproducible");
	assert_int_equal(s->policies[0].repos, 3);
	assert_int_equal(s->policies[0].severity, CR_SEV_MEDIUM);
	assert_string_equal(s->policies[1].id, "P-CRIT");
	assert_int_equal(s->policies[1].repos, 1);
	assert_string_equal(s->policies[2].id, "P-LOW");
	assert_int_equal(s->policies[2].repos, 1);
	cr_summary_free(s);
	cr_ctx_free(ctx);
}

static void test_category_means(void **state)
{
	cr_ctx *ctx;
	cr_summary *s = org_summary(&ctx);

	(void)state;
	/* docs (70 over 4), ci (60 over 2: gamma's is unscored), and
	 * secrets last: never scored anywhere. */
	assert_int_equal(s->category_count, 3);
	assert_string_equal(s->categories[0].id, "ci");
	assert_int_equal(s->categories[0].repos, 2);
	assert_float_equal(cr_summary_category_mean(&s->categories[0]), 60, 1e-9);
	assert_string_equal(s->categories[1].id, "docs");
	assert_int_equal(s->categories[1].repos, 4);
	assert_float_equal(cr_summary_category_mean(&s->categories[1]), 70, 1e-9);
	assert_string_equal(s->categories[2].id, "secrets");
	assert_int_equal(s->categories[2].repos, 0);
	cr_summary_free(s);
	cr_ctx_free(ctx);
}

static void test_shared_names(void **state)
{
	static const struct rep same[] = {
		{"/org1/api", COMMIT_A, 50, "F", "not-ready", NULL, NULL},
		{"/org2/api", COMMIT_B, 50, "F", "not-ready", NULL, NULL},
		{"/org3/api", COMMIT_B, 50, "F", "not-ready", NULL, NULL},
		{"/org4/api", NULL, 50, "F", "not-ready", NULL, NULL},
		{"/", NULL, 50, "F", "not-ready", NULL, NULL},
	};
	static const char *const sources[] = {
		"a.json", "b.json", "c.json", "d.json", "dir/root.json"
	};
	static const char *const names[] = {
		"api (b.json)", "api (c.json)", "api (d.json)",
		"api@aaaaaaaaaaaa", "root"
	};
	cr_summary *s;
	cr_ctx *ctx;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_summary_new(&s), CR_OK);
	for (size_t i = 0; i < 5; i++)
		add_report(s, ctx, sources[i], &same[i]);
	assert_int_equal(cr_summary_finish(s, ctx), CR_OK);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(s->repos[i].name, names[i]);
	/* Finished is final. */
	assert_int_equal(cr_summary_finish(s, ctx), CR_EINVAL);
	assert_int_equal(cr_summary_add_json(s, ctx, "{}", 2, "late.json"),
		CR_EINVAL);
	cr_summary_free(s);
	cr_ctx_free(ctx);
}

static void test_invalid_reports(void **state)
{
	static const struct {
		const char *json, *message;
	} cases[] = {
		{"{\"schema\": ", "bad.json: not valid JSON"},
		{"[]", "bad.json: not a crucible.report/v1 report (\"schema\" is missing)"},
		{"{\"schema\": \"crucible.facts/v1\"}",
			"bad.json: not a crucible.report/v1 report (\"schema\" is "
			"\"crucible.facts/v1\")"},
		{"{\"schema\": \"crucible.report/v1\"}",
			"bad.json: invalid crucible.report/v1 report: \"target\" is "
			"missing or not an object"},
		{"{\"schema\": \"crucible.report/v1\", \"target\": {}, \"score\": "
			"{\"value\": 101, \"grade\": \"A\", \"verdict\": \"ready\"}}",
			"\"score.value\" is not a number from 0 to 100"},
		{"{\"schema\": \"crucible.report/v1\", \"target\": {}, \"score\": "
			"{\"value\": 10, \"grade\": \"AB\", \"verdict\": \"ready\"}}",
			"\"score.grade\" is not a letter from A to F"},
		{"{\"schema\": \"crucible.report/v1\", \"target\": {}, \"score\": "
			"{\"value\": 10, \"grade\": \"F\", \"verdict\": \"fine\"}}",
			"\"score.verdict\" is not ready, at-risk or not-ready"},
		{"{\"schema\": \"crucible.report/v1\", \"target\": {}, \"score\": "
			"{\"value\": 10, \"grade\": \"F\", \"verdict\": \"not-ready\"},"
			"\"policies\": [{\"id\": \"X\", \"status\": \"failed\", "
			"\"severity\": \"low\"}], \"categories\": []}",
			"a policy's \"status\" is missing or unknown"},
		{"{\"schema\": \"crucible.report/v1\", \"target\": {}, \"score\": "
			"{\"value\": 10, \"grade\": \"F\", \"verdict\": \"not-ready\"},"
			"\"policies\": [], \"categories\": [{\"id\": \"c\", "
			"\"score\": \"high\"}]}",
			"a category's \"score\" is not a number from 0 to 100"},
	};
	char *dir = th_tempdir(), *missing;
	cr_summary *s;
	cr_ctx *ctx;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_summary_new(&s), CR_OK);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(cr_summary_add_json(s, ctx, cases[i].json,
			strlen(cases[i].json), "bad.json"), CR_EPARSE);
		assert_non_null(strstr(cr_ctx_error(ctx), cases[i].message));
		assert_non_null(strstr(cr_ctx_error(ctx), "bad.json"));
	}
	assert_int_equal(asprintf(&missing, "%s/missing.json", dir) > 0, 1);
	assert_int_equal(cr_summary_add_file(s, ctx, missing), CR_EIO);
	assert_non_null(strstr(cr_ctx_error(ctx), missing));
	assert_int_equal(cr_summary_add_file(s, ctx, dir), CR_EIO);
	assert_non_null(strstr(cr_ctx_error(ctx), "not a regular file"));
	/* A rejected report leaves no trace. */
	assert_int_equal(s->repo_count, 0);
	assert_int_equal(s->policy_count, 0);
	assert_int_equal(s->category_count, 0);
	/* The renderers want a finished summary. */
	assert_int_equal(cr_summary_render_csv(s, stdout, ctx), CR_EINVAL);
	cr_summary_free(s);
	cr_ctx_free(ctx);
	th_rmtree(dir);
	free(missing);
	free(dir);
}

/* --- the renderers --------------------------------------------------- */

static const struct pol hostile_pols[] = {
	{"P-<i>", "Title <script>alert('x')</script> & \"more\" | pipe",
		"high", "fail"},
	{NULL, NULL, NULL, NULL},
};

static cr_summary *hostile_summary(void)
{
	static const struct rep evil[] = {
		{"/src/evil, \"inc\"", NULL, 12.34, "F", "not-ready",
			hostile_pols, NULL},
		{"/src/<img src=x onerror=alert(1)>|x", NULL, 80, "B", "ready",
			NULL, NULL},
		{"/src/two\nlines", NULL, 99, "A", "ready", NULL, NULL},
	};
	cr_summary *s;

	assert_int_equal(cr_summary_new(&s), CR_OK);
	for (size_t i = 0; i < 3; i++)
		add_report(s, NULL, "e.json", &evil[i]);
	assert_int_equal(cr_summary_finish(s, NULL), CR_OK);
	return s;
}

static void test_csv(void **state)
{
	cr_summary *s = hostile_summary();
	char *csv = rendered(s, 'c', 0);

	(void)state;
	assert_string_equal(csv,
		"rank,repository,score,grade,verdict,failing_policies,"
		"critical_failures,commit,path,report\r\n"
		"1,\"evil, \"\"inc\"\"\",12.3,F,not-ready,1,0,,"
		"\"/src/evil, \"\"inc\"\"\",e.json\r\n"
		"2,<img src=x onerror=alert(1)>|x,80.0,B,ready,0,0,,"
		"/src/<img src=x onerror=alert(1)>|x,e.json\r\n"
		"3,\"two\nlines\",99.0,A,ready,0,0,,\"/src/two\nlines\",e.json\r\n");
	free(csv);
	cr_summary_free(s);
}

static void test_html(void **state)
{
	cr_summary *s = hostile_summary();
	char *html = rendered(s, 'h', 0);

	(void)state;
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<i>"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;|x"));
	assert_non_null(strstr(html, "Title &lt;script&gt;alert(&#39;x&#39;)"
		"&lt;/script&gt; &amp; &quot;more&quot; | pipe"));
	assert_non_null(strstr(html, "<code>P-&lt;i&gt;</code>"));
	assert_non_null(strstr(html, "evil, &quot;inc&quot;"));
	/* Self-contained: nothing to fetch, and a policy that forbids it. */
	assert_null(strstr(html, "://"));
	assert_null(strstr(html, "<link"));
	assert_non_null(strstr(html, "default-src 'none'"));
	assert_int_equal(strncmp(html, "<!DOCTYPE html>", 15), 0);
	assert_non_null(strstr(html, "</html>\n"));
	assert_int_equal(count_of(html, "<tr><td class=\"n\">"), 3);
	free(html);
	cr_summary_free(s);
}

static void test_markdown(void **state)
{
	cr_ctx *ctx;
	cr_summary *s = org_summary(&ctx), *h = hostile_summary();
	char *md = rendered(s, 'm', 0), *top = rendered(s, 'm', 1);
	char *evil = rendered(h, 'm', 0);

	(void)state;
	assert_non_null(strstr(md, "| 4 | 1 | 2 | 1 | 67.2 |\n"));
	assert_non_null(strstr(md, "| 1 | beta | 35.0 | F | not-ready | 2 | 1 |\n"
		"| 2 | delta | 72.0 | C | at-risk | 0 | 0 |\n"
		"| 3 | gamma | 72.0 | C | at-risk | 1 | 0 |\n"
		"| 4 | alpha | 90.0 | A | ready | 2 | 0 |\n"));
	assert_non_null(strstr(md,
		"| P-BUILD | Build is reproducible | medium | 3 | 75.0% |\n"
		"| P-CRIT | Critical thing | critical | 1 | 25.0% |\n"
		"| P-LOW | Low thing | low | 1 | 25.0% |\n"));
	assert_non_null(strstr(md, "| ci | ci | 60.0 | 2 |\n"
		"| docs | docs | 70.0 | 4 |\n| secrets | secrets | n/a | 0 |\n"));
	assert_null(strstr(md, "most common of"));
	/* --top 1 */
	assert_non_null(strstr(top, "The 1 most common of 3 failing policies."));
	assert_non_null(strstr(top, "| P-BUILD |"));
	assert_null(strstr(top, "| P-CRIT |"));
	/* A name cannot break out of its cell or its row. */
	assert_non_null(strstr(evil, "| 2 | \\<img src=x onerror=alert(1)\\>\\|x"
		" | 80.0 |"));
	assert_non_null(strstr(evil, "| 3 | two lines | 99.0 |"));
	assert_non_null(strstr(evil, "Title \\<script\\>alert('x')\\</script\\> "
		"\\& \"more\" \\| pipe"));
	free(md);
	free(top);
	free(evil);
	cr_summary_free(s);
	cr_summary_free(h);
	cr_ctx_free(ctx);
}

/* --- the binary -------------------------------------------------------- */

struct workspace {
	char *dir;       /* holds repo/ and reports/ */
	char *reports;
};

static int setup_workspace(void **state)
{
	struct workspace *w = calloc(1, sizeof *w);
	char *repo;
	th_run run;

	w->dir = th_tempdir();
	assert_int_equal(asprintf(&w->reports, "%s/reports", w->dir) > 0, 1);
	assert_int_equal(asprintf(&repo, "%s/real-service", w->dir) > 0, 1);
	th_write(repo, "README.md", "# real service\n");
	th_write(repo, "src/main.c", "int main(void) { return 0; }\n");
	th_git_init(repo);
	th_git_commit(repo, "initial", 0);
	for (size_t i = 0; i < ORG_SIZE; i++) {
		char rel[32];

		snprintf(rel, sizeof rel, "reports/%zu.json", i);
		write_report(w->dir, rel, &org[i]);
	}
	run = th_crucible(w->dir, (const char *const[]){ "eval", repo,
		"--format", "json", "--output", "reports/real-service.json",
		NULL });
	assert_true(run.status == 0 || run.status == 1);
	th_run_free(&run);
	th_write(w->reports, "notes.txt", "not a report\n");
	th_write(w->reports, ".hidden.json", "not a report either\n");
	free(repo);
	*state = w;
	return 0;
}

static int teardown_workspace(void **state)
{
	struct workspace *w = *state;

	th_rmtree(w->dir);
	free(w->dir);
	free(w->reports);
	free(w);
	return 0;
}

static th_run summary(const char *cwd, const char *const *argv)
{
	const char *args[16] = { "summary" };
	size_t n = 1;

	while (*argv && n < 15)
		args[n++] = *argv++;
	args[n] = NULL;
	return th_crucible(cwd, args);
}

static void test_cli_directory(void **state)
{
	struct workspace *w = *state;
	th_run csv = summary(w->dir, (const char *const[]){ "--format", "csv",
		"reports", NULL });
	cJSON *real, *score;
	char *path, *text, row[64];

	assert_int_equal(csv.status, 0);
	assert_string_equal(csv.err, "");
	/* A header and five rows: the four hand-made reports and the one
	 * crucible eval wrote; notes.txt and .hidden.json are not read. */
	assert_int_equal(count_of(csv.out, "\r\n"), 6);
	assert_int_equal(strncmp(csv.out, "rank,repository,", 16), 0);
	assert_non_null(strstr(csv.out, "reports/real-service.json\r\n"));
	assert_non_null(strstr(csv.out, "\r\n1,beta,35.0,F,not-ready,2,1,"));
	/* The real report's numbers, as the summary shows them. */
	assert_int_equal(asprintf(&path, "%s/real-service.json", w->reports) > 0,
		1);
	text = th_read(path);
	assert_non_null(text);
	real = cJSON_Parse(text);
	assert_non_null(real);
	score = cJSON_GetObjectItem(real, "score");
	snprintf(row, sizeof row, ",real-service,%.1f,%s,%s,",
		cJSON_GetObjectItem(score, "value")->valuedouble,
		cJSON_GetObjectItem(score, "grade")->valuestring,
		cJSON_GetObjectItem(score, "verdict")->valuestring);
	assert_non_null(strstr(csv.out, row));
	free(text);
	free(path);
	cJSON_Delete(real);
	th_run_free(&csv);
}

static void test_cli_deterministic(void **state)
{
	struct workspace *w = *state;
	th_run one = summary(w->dir, (const char *const[]){ "--format", "html",
		"reports", NULL });
	th_run two = summary(w->dir, (const char *const[]){ "--format", "html",
		"reports/", NULL });
	th_run md = summary(w->dir, (const char *const[]){ "reports/3.json",
		"reports/2.json", "reports/1.json", "reports/0.json", NULL });
	th_run md_sorted = summary(w->dir, (const char *const[]){
		"reports/0.json", "reports/1.json", "reports/2.json",
		"reports/3.json", NULL });

	assert_int_equal(one.status, 0);
	assert_int_equal(two.status, 0);
	assert_string_equal(one.out, two.out);
	assert_non_null(strstr(one.out, ">real-service</td>"));
	/* The order of the arguments changes nothing either. */
	assert_int_equal(md.status, 0);
	assert_string_equal(md.out, md_sorted.out);
	assert_non_null(strstr(md.out, "| 1 | beta |"));
	th_run_free(&one);
	th_run_free(&two);
	th_run_free(&md);
	th_run_free(&md_sorted);
}

static void test_cli_invalid_report(void **state)
{
	struct workspace *w = *state;
	th_run bad, skipped;
	char *out;

	th_write(w->reports, "broken.json", "{\"schema\": \"crucible.report/v0\"}");
	bad = summary(w->dir, (const char *const[]){ "--output", "out.md",
		"reports", NULL });
	assert_int_equal(bad.status, 2);
	assert_non_null(strstr(bad.err, "reports/broken.json: not a "
		"crucible.report/v1 report"));
	/* Nothing was written. */
	assert_int_equal(asprintf(&out, "%s/out.md", w->dir) > 0, 1);
	assert_null(th_read(out));
	free(out);
	skipped = summary(w->dir, (const char *const[]){ "--skip-invalid",
		"reports", NULL });
	assert_int_equal(skipped.status, 0);
	assert_non_null(strstr(skipped.err, "warning: reports/broken.json"));
	assert_non_null(strstr(skipped.out,
		"Reports skipped as unreadable or invalid: 1."));
	assert_non_null(strstr(skipped.out, "| 5 | "));
	th_run_free(&bad);
	th_run_free(&skipped);
}

static void test_cli_output_and_usage(void **state)
{
	struct workspace *w = *state;
	const char *const *const usage_errors[] = {
		(const char *const[]){ NULL },
		(const char *const[]){ "--format", "pdf", "reports", NULL },
		(const char *const[]){ "--top", "many", "reports", NULL },
		(const char *const[]){ "--bogus", "reports", NULL },
		(const char *const[]){ "missing.json", NULL },
		(const char *const[]){ "repo-without-reports", NULL },
	};
	th_run run;
	char *path, *text;

	run = summary(w->dir, (const char *const[]){ "--output", "org.md",
		"--top", "1", "reports", NULL });
	assert_int_equal(run.status, 0);
	assert_string_equal(run.out, "");
	th_run_free(&run);
	assert_int_equal(asprintf(&path, "%s/org.md", w->dir) > 0, 1);
	text = th_read(path);
	assert_non_null(text);
	assert_non_null(strstr(text, "# crucible summary\n"));
	assert_non_null(strstr(text, "The 1 most common of "));
	free(text);
	free(path);

	th_sh(w->dir, "mkdir repo-without-reports");
	for (size_t i = 0; i < sizeof usage_errors / sizeof *usage_errors; i++) {
		run = summary(w->dir, usage_errors[i]);
		assert_int_equal(run.status, 2);
		assert_string_equal(run.out, "");
		assert_non_null(strstr(run.err, "crucible: "));
		th_run_free(&run);
	}
	run = summary(w->dir, (const char *const[]){ "--help", NULL });
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "usage: crucible summary"));
	th_run_free(&run);
}

#define WS_TEST(f) cmocka_unit_test_setup_teardown(f, setup_workspace, \
	teardown_workspace)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranking),
		cmocka_unit_test(test_failing_policies),
		cmocka_unit_test(test_category_means),
		cmocka_unit_test(test_shared_names),
		cmocka_unit_test(test_invalid_reports),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_markdown),
		WS_TEST(test_cli_directory),
		WS_TEST(test_cli_deterministic),
		WS_TEST(test_cli_invalid_report),
		WS_TEST(test_cli_output_and_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
