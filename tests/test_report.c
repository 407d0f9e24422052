/*
 * test_report.c - the report model (names, deep copies, growth, lookups)
 * and its JSON and text renderers, on a populated report whose JSON is
 * parsed back and checked key by key.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"

#include "crucible/report.h"
#include "crucible/score.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"
#define DIGEST "sha256:" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

#define assert_score(a, b) assert_float_equal(a, b, 1e-4)

/* --- model --------------------------------------------------------- */

static void test_status_names(void **state)
{
	static const char *const names[] = { "pass", "fail", "warn", "skip", "error" };
	cr_status s;

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_string_equal(cr_status_name((cr_status)i), names[i]);
		assert_int_equal(cr_status_parse(&s, names[i]), CR_OK);
		assert_int_equal(s, i);
	}
	assert_int_equal(cr_status_parse(&s, "FAIL"), CR_OK);
	assert_int_equal(s, CR_STATUS_FAIL);
	assert_int_equal(cr_status_parse(&s, "failed"), CR_EINVAL);
	assert_int_equal(cr_status_parse(&s, ""), CR_EINVAL);
	assert_int_equal(cr_status_parse(&s, NULL), CR_EINVAL);
	assert_string_equal(cr_status_name((cr_status)42), "unknown");
}

static void test_severity_names(void **state)
{
	static const char *const names[] = {
		"info", "low", "medium", "high", "critical"
	};
	cr_severity s;

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_string_equal(cr_severity_name((cr_severity)i), names[i]);
		assert_int_equal(cr_severity_parse(&s, names[i]), CR_OK);
		assert_int_equal(s, i);
	}
	assert_int_equal(cr_severity_parse(&s, "High"), CR_OK);
	assert_int_equal(s, CR_SEV_HIGH);
	assert_true(CR_SEV_CRITICAL > CR_SEV_HIGH && CR_SEV_LOW > CR_SEV_INFO);
	assert_int_equal(cr_severity_parse(&s, "severe"), CR_EINVAL);
	assert_int_equal(cr_severity_parse(&s, NULL), CR_EINVAL);
	assert_string_equal(cr_severity_name((cr_severity)-1), "unknown");
}

static void test_new_report(void **state)
{
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(r->policy_count, 0);
	assert_null(r->policies);
	assert_null(r->commit);
	assert_int_equal(r->grade, 'F');
	assert_string_equal(r->verdict, "not-ready");
	cr_report_free(r);
	cr_report_free(NULL);
}

static void test_policy_deep_copy(void **state)
{
	char id[] = "P-1", title[] = "Title", category[] = "cat";
	char message[] = "all good";
	cr_policy_result src = {
		.id = id, .title = title, .category = category,
		.message = message, .severity = CR_SEV_HIGH, .weight = 2.5,
		.status = CR_STATUS_WARN, .score = 0.25, .duration_ms = 1.5,
	};
	cr_policy_result *p = NULL;
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_report_add_policy(r, &p, &src), CR_OK);
	assert_ptr_equal(p, &r->policies[0]);
	memset(id, 'x', sizeof id - 1);
	memset(message, 'x', sizeof message - 1);
	assert_ptr_not_equal(p->id, id);
	assert_string_equal(p->id, "P-1");
	assert_string_equal(p->title, "Title");
	assert_string_equal(p->category, "cat");
	assert_string_equal(p->message, "all good");
	assert_null(p->description);
	assert_null(p->remediation);
	assert_null(p->bundle);
	assert_null(p->module);
	assert_int_equal(p->severity, CR_SEV_HIGH);
	assert_int_equal(p->status, CR_STATUS_WARN);
	assert_score(p->weight, 2.5);
	assert_score(p->score, 0.25);
	assert_score(p->duration_ms, 1.5);

	src.id = NULL;
	assert_int_equal(cr_report_add_policy(r, NULL, &src), CR_EINVAL);
	src.id = id;
	src.category = NULL;
	assert_int_equal(cr_report_add_policy(r, NULL, &src), CR_EINVAL);
	assert_int_equal(r->policy_count, 1);
	cr_report_free(r);
}

static void test_finding_deep_copy(void **state)
{
	char path[] = "src/a.c", message[] = "bad";
	cr_location locs[2] = {
		{ .path = path, .line = 12, .commit = COMMIT },
		{ .path = "b.txt" },
	};
	cr_finding src = {
		.policy = "P", .severity = CR_SEV_LOW, .kind = CR_STATUS_WARN,
		.message = message, .locations = locs, .location_count = 2,
		.fingerprint = "fp", .waived = true,
	};
	cr_finding *f = NULL;
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_report_add_finding(r, &f, &src), CR_OK);
	assert_ptr_equal(f, &r->findings[0]);
	path[0] = 'X';
	message[0] = 'X';
	locs[1].line = 99;
	assert_ptr_not_equal(f->locations, locs);
	assert_int_equal(f->location_count, 2);
	assert_string_equal(f->locations[0].path, "src/a.c");
	assert_int_equal(f->locations[0].line, 12);
	assert_string_equal(f->locations[0].commit, COMMIT);
	assert_string_equal(f->locations[1].path, "b.txt");
	assert_int_equal(f->locations[1].line, 0);
	assert_null(f->locations[1].commit);
	assert_string_equal(f->message, "bad");
	assert_string_equal(f->fingerprint, "fp");
	assert_true(f->waived);
	assert_int_equal(f->kind, CR_STATUS_WARN);

	/* Without locations, and without the optional strings. */
	src.location_count = 0;
	src.locations = NULL;
	src.fingerprint = NULL;
	src.message = NULL;
	assert_int_equal(cr_report_add_finding(r, &f, &src), CR_OK);
	assert_null(f->locations);
	assert_null(f->fingerprint);

	/* Invalid: kind, policy, a location without a path, a count without
	 * an array. */
	src.kind = CR_STATUS_PASS;
	assert_int_equal(cr_report_add_finding(r, NULL, &src), CR_EINVAL);
	src.kind = CR_STATUS_FAIL;
	src.policy = NULL;
	assert_int_equal(cr_report_add_finding(r, NULL, &src), CR_EINVAL);
	src.policy = "P";
	locs[0].path = NULL;
	src.locations = locs;
	src.location_count = 1;
	assert_int_equal(cr_report_add_finding(r, NULL, &src), CR_EINVAL);
	src.locations = NULL;
	assert_int_equal(cr_report_add_finding(r, NULL, &src), CR_EINVAL);
	assert_int_equal(r->finding_count, 2);
	cr_report_free(r);
}

static void test_bundles_and_categories(void **state)
{
	cr_category_result *c = NULL;
	char id[] = "ops";
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_report_add_bundle(r, "readiness", "1.2.3", DIGEST), CR_OK);
	assert_int_equal(cr_report_add_bundle(r, "local", NULL, NULL), CR_OK);
	assert_int_equal(cr_report_add_bundle(r, NULL, "1", DIGEST), CR_EINVAL);
	assert_int_equal(r->bundle_count, 2);
	assert_string_equal(r->bundles[0].name, "readiness");
	assert_string_equal(r->bundles[0].version, "1.2.3");
	assert_string_equal(r->bundles[0].digest, DIGEST);
	assert_null(r->bundles[1].version);
	assert_null(r->bundles[1].digest);

	assert_int_equal(cr_report_add_category(r, &c, id, "Operations", 2), CR_OK);
	id[0] = 'X';
	assert_ptr_equal(c, &r->categories[0]);
	assert_string_equal(c->id, "ops");
	assert_string_equal(c->title, "Operations");
	assert_score(c->weight, 2);
	assert_false(c->scored);
	assert_int_equal(c->policy_count, 0);
	assert_int_equal(cr_report_add_category(r, NULL, NULL, "x", 1), CR_EINVAL);
	assert_int_equal(cr_report_add_category(r, &c, "untitled", NULL, 1), CR_OK);
	assert_null(c->title);

	assert_int_equal(cr_category_add_policy(c, "A"), CR_OK);
	assert_int_equal(cr_category_add_policy(c, "B"), CR_OK);
	assert_int_equal(cr_category_add_policy(c, NULL), CR_EINVAL);
	assert_int_equal(c->policy_count, 2);
	assert_string_equal(c->policies[1], "B");
	cr_report_free(r);
}

/* Enough items to cross several capacity doublings of every array. */
static void test_growth(void **state)
{
	enum { N = 300 };
	cr_category_result *c;
	cr_report *r;
	char buf[32];

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_report_add_category(r, &c, "c0", "C", 1), CR_OK);
	for (int i = 0; i < N; i++) {
		cr_policy_result p = { .id = buf, .category = "c0" };
		cr_location loc = { .path = buf, .line = (uint32_t)i };
		cr_finding f = {
			.policy = buf, .kind = CR_STATUS_FAIL,
			.locations = &loc, .location_count = 1,
		};

		snprintf(buf, sizeof buf, "id-%d", i);
		assert_int_equal(cr_report_add_policy(r, NULL, &p), CR_OK);
		assert_int_equal(cr_report_add_finding(r, NULL, &f), CR_OK);
		assert_int_equal(cr_report_add_bundle(r, buf, buf, buf), CR_OK);
		assert_int_equal(cr_category_add_policy(&r->categories[0], buf), CR_OK);
		assert_int_equal(cr_report_add_category(r, NULL, buf, buf, 1), CR_OK);
	}
	assert_int_equal(r->policy_count, N);
	assert_int_equal(r->finding_count, N);
	assert_int_equal(r->bundle_count, N);
	assert_int_equal(r->category_count, N + 1);
	assert_int_equal(r->categories[0].policy_count, N);
	for (int i = 0; i < N; i++) {
		snprintf(buf, sizeof buf, "id-%d", i);
		assert_string_equal(r->policies[i].id, buf);
		assert_string_equal(r->findings[i].locations[0].path, buf);
		assert_int_equal(r->findings[i].locations[0].line, i);
		assert_string_equal(r->bundles[i].digest, buf);
		assert_string_equal(r->categories[0].policies[i], buf);
		assert_string_equal(r->categories[i + 1].id, buf);
	}
	cr_report_free(r);
}

static void add_finding(cr_report *r, const char *policy, cr_severity sev,
	const char *message)
{
	cr_finding f = {
		.policy = (char *)policy, .severity = sev,
		.kind = CR_STATUS_FAIL, .message = (char *)message,
	};

	assert_int_equal(cr_report_add_finding(r, NULL, &f), CR_OK);
}

static void test_policy_findings(void **state)
{
	const cr_finding *out[2];
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	add_finding(r, "A", CR_SEV_LOW, "a1");
	add_finding(r, "B", CR_SEV_LOW, "b1");
	add_finding(r, "A", CR_SEV_LOW, "a2");
	add_finding(r, "A", CR_SEV_LOW, "a3");
	assert_int_equal(cr_report_policy_findings(r, "A", out, 2), 3);
	assert_string_equal(out[0]->message, "a1");
	assert_string_equal(out[1]->message, "a2");
	assert_int_equal(cr_report_policy_findings(r, "B", out, 2), 1);
	assert_ptr_equal(out[0], &r->findings[1]);
	assert_int_equal(cr_report_policy_findings(r, "A", NULL, 0), 3);
	assert_int_equal(cr_report_policy_findings(r, "C", out, 2), 0);
	cr_report_free(r);
}

/* --- a populated report ---------------------------------------------- */

static void sample_policy(cr_report *r, const char *id, const char *category,
	cr_severity sev, double weight, cr_status status, double score,
	const char *message)
{
	char title[64], module[64];
	cr_policy_result p = {
		.id = (char *)id, .title = title, .category = (char *)category,
		.description = "Why it matters.", .remediation = "How to fix it.",
		.bundle = "readiness", .module = module, .severity = sev,
		.weight = weight, .status = status, .score = score,
		.message = (char *)message, .duration_ms = 2.5,
	};

	snprintf(title, sizeof title, "Title of %s", id);
	snprintf(module, sizeof module, "%s.lua", id);
	assert_int_equal(cr_report_add_policy(r, NULL, &p), CR_OK);
}

static void sample_finding(cr_report *r, const char *policy, cr_severity sev,
	cr_status kind, const char *message, const cr_location *locs,
	size_t count, const char *fingerprint, bool waived)
{
	cr_finding f = {
		.policy = (char *)policy, .severity = sev, .kind = kind,
		.message = (char *)message, .locations = (cr_location *)locs,
		.location_count = count, .fingerprint = (char *)fingerprint,
		.waived = waived,
	};

	assert_int_equal(cr_report_add_finding(r, NULL, &f), CR_OK);
}

/* The worked example of docs/scoring.md, with findings and metadata. */
static cr_report *sample_report(void)
{
	static const cr_location env[] = { { .path = ".env" } };
	static const cr_location aws[] = {
		{ .path = "config/app.env", .line = 3, .commit = COMMIT },
		{ .path = "config/old.env", .line = 7 },
	};
	static const cr_location pem[] = {
		{ .path = "deploy/key.pem", .commit = COMMIT },
	};
	cr_report *r;

	assert_int_equal(cr_report_new(&r), CR_OK);
	r->target_path = strdup("/srv/app");
	r->commit = strdup(COMMIT);
	r->branch = strdup("main");
	assert_non_null(r->target_path);
	r->stats.files = 1234;
	r->stats.bytes = 5678901;
	r->stats.commits = 42;
	r->stats.duration_ms = 317;
	assert_int_equal(cr_report_add_bundle(r, "readiness", "0.1.0", DIGEST), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "secrets",
		"Secret management", 3), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "delivery", "CI/CD", 2), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "operations",
		"Operations", 1), CR_OK);
	sample_policy(r, "SEC-KEYS", "secrets", CR_SEV_CRITICAL, 2,
		CR_STATUS_PASS, 1, "no private keys");
	sample_policy(r, "SEC-ENV", "secrets", CR_SEV_HIGH, 1,
		CR_STATUS_FAIL, 0, ".env file committed");
	sample_policy(r, "SEC-HISTORY", "secrets", CR_SEV_MEDIUM, 1,
		CR_STATUS_WARN, 0.5, "secret in history");
	sample_policy(r, "CI-SCAN", "delivery", CR_SEV_HIGH, 1,
		CR_STATUS_FAIL, 0.4, "no code scanning");
	sample_policy(r, "CI-TESTS", "delivery", CR_SEV_MEDIUM, 2,
		CR_STATUS_PASS, 1, "tests run in CI");
	sample_policy(r, "CI-SBOM", "delivery", CR_SEV_LOW, 1,
		CR_STATUS_SKIP, 0, "no container image");
	sample_policy(r, "OPS-RUNBOOK", "operations", CR_SEV_MEDIUM, 1,
		CR_STATUS_ERROR, 0, "runbook.lua:3: attempt to index a nil value");
	sample_finding(r, "SEC-ENV", CR_SEV_HIGH, CR_STATUS_FAIL,
		".env file committed", env, 1, "fp-env", false);
	sample_finding(r, "SEC-ENV", CR_SEV_CRITICAL, CR_STATUS_FAIL,
		"AWS access key", aws, 2, "fp-aws", false);
	sample_finding(r, "SEC-HISTORY", CR_SEV_MEDIUM, CR_STATUS_WARN,
		"private key in history", pem, 1, "fp-pem", true);
	sample_finding(r, "CI-SCAN", CR_SEV_HIGH, CR_STATUS_FAIL,
		"no CodeQL workflow", NULL, 0, NULL, false);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	return r;
}

/* The whole output of a renderer, NUL-terminated; caller frees. */
static char *render(const cr_report *r, bool json, bool color, bool verbose)
{
	cr_render_opts opts = { .color = color, .verbose = verbose };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	assert_non_null(f);
	if (json)
		err = cr_report_render_json(r, f, NULL);
	else
		err = cr_report_render_text(r, f, &opts, NULL);
	assert_int_equal(err, CR_OK);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

/* --- JSON ------------------------------------------------------------ */

static const cJSON *member(const cJSON *o, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!item)
		fail_msg("missing key \"%s\"", key);
	return item;
}

/* The object has exactly these keys, in this order. */
static void check_keys(const cJSON *o, const char *const keys[])
{
	const cJSON *item = o->child;
	size_t i = 0;

	assert_true(cJSON_IsObject(o));
	for (; keys[i]; i++, item = item->next) {
		assert_non_null(item);
		assert_string_equal(item->string, keys[i]);
	}
	assert_null(item);
}

static void check_string(const cJSON *o, const char *key, const char *value)
{
	const cJSON *item = member(o, key);

	if (!value) {
		assert_true(cJSON_IsNull(item));
		return;
	}
	assert_true(cJSON_IsString(item));
	assert_string_equal(item->valuestring, value);
}

static void check_number(const cJSON *o, const char *key, double value)
{
	const cJSON *item = member(o, key);

	assert_true(cJSON_IsNumber(item));
	assert_score(item->valuedouble, value);
}

static void check_null(const cJSON *o, const char *key)
{
	assert_true(cJSON_IsNull(member(o, key)));
}

static void check_bool(const cJSON *o, const char *key, bool value)
{
	const cJSON *item = member(o, key);

	assert_true(cJSON_IsBool(item));
	assert_int_equal(cJSON_IsTrue(item), value);
}

static const cJSON *array_item(const cJSON *o, const char *key, int index,
	int size)
{
	const cJSON *a = member(o, key);

	assert_true(cJSON_IsArray(a));
	assert_int_equal(cJSON_GetArraySize(a), size);
	return cJSON_GetArrayItem(a, index);
}

static void check_head(const cJSON *doc)
{
	static const char *const top[] = {
		"schema", "tool", "target", "bundles", "score", "summary",
		"categories", "policies", "findings", "fixed", "warnings", "stats",
		NULL
	};
	static const char *const tool[] = { "name", "version", NULL };
	static const char *const target[] = { "path", "commit", "branch", NULL };
	static const char *const bundle[] = { "name", "version", "digest", NULL };
	static const char *const score[] = { "value", "grade", "verdict", NULL };
	static const char *const stats[] = {
		"files", "bytes", "commits", "duration_ms", NULL
	};
	const cJSON *b;

	check_keys(doc, top);
	check_string(doc, "schema", "crucible.report/v1");
	check_keys(member(doc, "tool"), tool);
	check_string(member(doc, "tool"), "name", "crucible");
	check_string(member(doc, "tool"), "version", CRUCIBLE_VERSION);
	check_keys(member(doc, "target"), target);
	check_string(member(doc, "target"), "path", "/srv/app");
	check_string(member(doc, "target"), "commit", COMMIT);
	check_string(member(doc, "target"), "branch", "main");
	b = array_item(doc, "bundles", 0, 1);
	check_keys(b, bundle);
	check_string(b, "name", "readiness");
	check_string(b, "version", "0.1.0");
	check_string(b, "digest", DIGEST);
	check_keys(member(doc, "score"), score);
	check_number(member(doc, "score"), "value", 69.5);
	check_string(member(doc, "score"), "grade", "D");
	check_string(member(doc, "score"), "verdict", "at-risk");
	check_keys(member(doc, "stats"), stats);
	check_number(member(doc, "stats"), "files", 1234);
	check_number(member(doc, "stats"), "bytes", 5678901);
	check_number(member(doc, "stats"), "commits", 42);
	check_number(member(doc, "stats"), "duration_ms", 317);
}

static void check_summary(const cJSON *doc)
{
	static const char *const summary[] = { "policies", "findings", NULL };
	static const char *const policies[] = {
		"total", "pass", "fail", "warn", "skip", "error", NULL
	};
	static const char *const findings[] = {
		"total", "waived", "critical", "high", "medium", "low", "info", NULL
	};
	const cJSON *s = member(doc, "summary");
	const cJSON *p = member(s, "policies");
	const cJSON *f = member(s, "findings");

	check_keys(s, summary);
	check_keys(p, policies);
	check_number(p, "total", 7);
	check_number(p, "pass", 2);
	check_number(p, "fail", 2);
	check_number(p, "warn", 1);
	check_number(p, "skip", 1);
	check_number(p, "error", 1);
	check_keys(f, findings);
	check_number(f, "total", 4);
	check_number(f, "waived", 1);
	check_number(f, "critical", 1);
	check_number(f, "high", 2);
	check_number(f, "medium", 0);
	check_number(f, "low", 0);
	check_number(f, "info", 0);
}

static void check_category(const cJSON *c, const char *id, const char *title,
	double score, bool scored, double weight, const char *const policies[])
{
	static const char *const keys[] = {
		"id", "title", "score", "scored", "weight", "policies", NULL
	};
	int n = 0;

	while (policies[n])
		n++;
	check_keys(c, keys);
	check_string(c, "id", id);
	check_string(c, "title", title);
	check_number(c, "score", scored ? score : 0);
	check_bool(c, "scored", scored);
	check_number(c, "weight", weight);
	for (int i = 0; i < n; i++) {
		const cJSON *p = array_item(c, "policies", i, n);

		assert_true(cJSON_IsString(p));
		assert_string_equal(p->valuestring, policies[i]);
	}
}

static void check_categories(const cJSON *doc)
{
	static const char *const secrets[] = {
		"SEC-KEYS", "SEC-ENV", "SEC-HISTORY", NULL
	};
	static const char *const delivery[] = {
		"CI-SCAN", "CI-TESTS", "CI-SBOM", NULL
	};
	static const char *const operations[] = { "OPS-RUNBOOK", NULL };

	check_category(array_item(doc, "categories", 0, 3), "secrets",
		"Secret management", 62.5, true, 3, secrets);
	check_category(array_item(doc, "categories", 1, 3), "delivery",
		"CI/CD", 80, true, 2, delivery);
	check_category(array_item(doc, "categories", 2, 3), "operations",
		"Operations", 0, false, 1, operations);
}

static void check_policy(const cJSON *p, const char *id, const char *category,
	const char *severity, const char *status, double score, double weight,
	const char *message)
{
	static const char *const keys[] = {
		"id", "title", "category", "severity", "status", "score",
		"scored", "weight", "message", "bundle", "module", "description",
		"remediation", "duration_ms", NULL
	};
	char title[64], module[64];

	snprintf(title, sizeof title, "Title of %s", id);
	snprintf(module, sizeof module, "%s.lua", id);
	check_keys(p, keys);
	check_string(p, "id", id);
	check_string(p, "title", title);
	check_string(p, "category", category);
	check_string(p, "severity", severity);
	check_string(p, "status", status);
	check_number(p, "score", score < 0 ? 0 : score);
	check_bool(p, "scored", score >= 0);
	check_number(p, "weight", weight);
	check_string(p, "message", message);
	check_string(p, "bundle", "readiness");
	check_string(p, "module", module);
	check_string(p, "description", "Why it matters.");
	check_string(p, "remediation", "How to fix it.");
	check_number(p, "duration_ms", 2.5);
}

static void check_policies(const cJSON *doc)
{
	check_policy(array_item(doc, "policies", 0, 7), "SEC-KEYS", "secrets",
		"critical", "pass", 1, 2, "no private keys");
	check_policy(array_item(doc, "policies", 1, 7), "SEC-ENV", "secrets",
		"high", "fail", 0, 1, ".env file committed");
	check_policy(array_item(doc, "policies", 2, 7), "SEC-HISTORY", "secrets",
		"medium", "warn", 0.5, 1, "secret in history");
	check_policy(array_item(doc, "policies", 3, 7), "CI-SCAN", "delivery",
		"high", "fail", 0.4, 1, "no code scanning");
	check_policy(array_item(doc, "policies", 4, 7), "CI-TESTS", "delivery",
		"medium", "pass", 1, 2, "tests run in CI");
	check_policy(array_item(doc, "policies", 5, 7), "CI-SBOM", "delivery",
		"low", "skip", -1, 1, "no container image");
	check_policy(array_item(doc, "policies", 6, 7), "OPS-RUNBOOK",
		"operations", "medium", "error", -1, 1,
		"runbook.lua:3: attempt to index a nil value");
}

static const char *const finding_keys[] = {
	"policy", "severity", "kind", "message", "locations", "fingerprint",
	"waived", "waiver", "baseline", NULL
};

static void check_location(const cJSON *f, int index, int count,
	const char *path, int line, const char *commit)
{
	static const char *const keys[] = { "path", "line", "commit", NULL };
	const cJSON *l = array_item(f, "locations", index, count);

	check_keys(l, keys);
	check_string(l, "path", path);
	if (line)
		check_number(l, "line", line);
	else
		check_null(l, "line");
	check_string(l, "commit", commit);
}

static void check_findings(const cJSON *doc)
{
	const cJSON *f = array_item(doc, "findings", 0, 4);

	check_keys(f, finding_keys);
	check_string(f, "policy", "SEC-ENV");
	check_string(f, "severity", "high");
	check_string(f, "kind", "fail");
	check_string(f, "message", ".env file committed");
	check_location(f, 0, 1, ".env", 0, NULL);
	check_string(f, "fingerprint", "fp-env");
	check_bool(f, "waived", false);

	f = array_item(doc, "findings", 1, 4);
	check_keys(f, finding_keys);
	check_string(f, "policy", "SEC-ENV");
	check_string(f, "severity", "critical");
	check_string(f, "message", "AWS access key");
	check_location(f, 0, 2, "config/app.env", 3, COMMIT);
	check_location(f, 1, 2, "config/old.env", 7, NULL);
	check_string(f, "fingerprint", "fp-aws");

	f = array_item(doc, "findings", 2, 4);
	check_keys(f, finding_keys);
	check_string(f, "policy", "SEC-HISTORY");
	check_string(f, "severity", "medium");
	check_string(f, "kind", "warn");
	check_location(f, 0, 1, "deploy/key.pem", 0, COMMIT);
	check_bool(f, "waived", true);
	check_null(f, "waiver");
	check_bool(f, "baseline", false);

	f = array_item(doc, "findings", 3, 4);
	check_keys(f, finding_keys);
	check_string(f, "policy", "CI-SCAN");
	assert_int_equal(cJSON_GetArraySize(member(f, "locations")), 0);
	check_null(f, "fingerprint");
	check_bool(f, "waived", false);
}

static const char *line_with(const char *text, const char *needle);

static void test_json_triage_fields(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc;
	char *out;

	(void)state;
	r->findings[2].waiver = strdup("accepted until the migration (ops)");
	r->findings[1].baseline = true;
	assert_int_equal(cr_report_add_fixed(r, "SEC-OLD", "old.key", "fp-old"),
		CR_OK);
	assert_int_equal(cr_report_add_warning(r, "waiver %d matched nothing", 2),
		CR_OK);
	out = render(r, true, false, false);
	doc = cJSON_Parse(out);
	assert_non_null(doc);
	check_string(array_item(doc, "findings", 2, 4), "waiver",
		"accepted until the migration (ops)");
	check_bool(array_item(doc, "findings", 1, 4), "baseline", true);
	check_string(array_item(doc, "fixed", 0, 1), "policy", "SEC-OLD");
	check_string(array_item(doc, "fixed", 0, 1), "path", "old.key");
	check_string(array_item(doc, "fixed", 0, 1), "fingerprint", "fp-old");
	assert_string_equal(cJSON_GetArrayItem(member(doc, "warnings"), 0)->valuestring,
		"waiver 2 matched nothing");
	cJSON_Delete(doc);
	free(out);
	out = render(r, false, false, true);
	line_with(out, "AWS access key (+1 more) [critical] (in baseline)\n");
	line_with(out, "waived: accepted until the migration (ops)\n");
	line_with(out, "\nFixed since the baseline\n  - SEC-OLD  old.key\n");
	line_with(out, "\nNotes\n  - waiver 2 matched nothing\n");
	free(out);
	cr_report_free(r);
}

static void test_json_populated(void **state)
{
	cr_report *r = sample_report();
	char *out = render(r, true, false, false);
	size_t len = strlen(out);
	cJSON *doc;

	(void)state;
	assert_true(len > 2);
	assert_int_equal(out[len - 1], '\n');
	assert_int_equal(out[len - 2], '}');
	assert_non_null(strstr(out, "\n\t\"schema\":"));  /* pretty-printed */
	doc = cJSON_Parse(out);
	assert_non_null(doc);
	check_head(doc);
	check_summary(doc);
	check_categories(doc);
	check_policies(doc);
	check_findings(doc);
	cJSON_Delete(doc);
	free(out);
	cr_report_free(r);
}

static void test_json_minimal(void **state)
{
	cr_report *r;
	cJSON *doc;
	char *out;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	out = render(r, true, false, false);
	doc = cJSON_Parse(out);
	assert_non_null(doc);
	check_null(member(doc, "target"), "path");
	check_null(member(doc, "target"), "commit");
	check_null(member(doc, "target"), "branch");
	assert_int_equal(cJSON_GetArraySize(member(doc, "bundles")), 0);
	assert_int_equal(cJSON_GetArraySize(member(doc, "categories")), 0);
	assert_int_equal(cJSON_GetArraySize(member(doc, "policies")), 0);
	assert_int_equal(cJSON_GetArraySize(member(doc, "findings")), 0);
	check_number(member(doc, "score"), "value", 0);
	check_string(member(doc, "score"), "grade", "F");
	check_string(member(doc, "score"), "verdict", "not-ready");
	check_number(member(member(doc, "summary"), "policies"), "total", 0);
	cJSON_Delete(doc);
	free(out);
	cr_report_free(r);
}

static void test_json_escapes_strings(void **state)
{
	cr_report *r;
	cJSON *doc;
	char *out;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	r->target_path = strdup("/tmp/we\"ird\\path\n");
	assert_non_null(r->target_path);
	out = render(r, true, false, false);
	doc = cJSON_Parse(out);
	assert_non_null(doc);
	check_string(member(doc, "target"), "path", "/tmp/we\"ird\\path\n");
	cJSON_Delete(doc);
	free(out);
	cr_report_free(r);
}

static size_t json_alloc_budget;

static void *json_malloc(size_t size)
{
	if (!json_alloc_budget)
		return NULL;
	json_alloc_budget--;
	return malloc(size);
}

/* Every allocation cJSON makes fails in turn: each failure must unwind
 * without a leak (the ASan build checks) and write nothing. */
static void test_json_out_of_memory(void **state)
{
	cJSON_Hooks hooks = { .malloc_fn = json_malloc, .free_fn = free };
	cr_report *r = sample_report();
	size_t budget;
	int err;

	(void)state;
	for (budget = 0;; budget++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		cr_ctx *ctx;

		assert_non_null(f);
		assert_int_equal(cr_ctx_new(&ctx), CR_OK);
		json_alloc_budget = budget;
		cJSON_InitHooks(&hooks);
		err = cr_report_render_json(r, f, ctx);
		cJSON_InitHooks(NULL);
		assert_int_equal(fclose(f), 0);
		if (err == CR_OK) {
			assert_true(len > 0);
		} else {
			assert_int_equal(err, CR_ENOMEM);
			assert_int_equal(cr_ctx_code(ctx), CR_ENOMEM);
			assert_int_equal(len, 0);
		}
		free(buf);
		cr_ctx_free(ctx);
		if (err == CR_OK)
			break;
	}
	/* The sample needs hundreds of items: the loop really went through. */
	assert_true(budget > 100);
	cr_report_free(r);
}

/* --- text ------------------------------------------------------------ */

static const char *line_with(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle);

	if (!hit)
		fail_msg("no \"%s\" in:\n%s", needle, text);
	return hit;
}

static void test_text_layout(void **state)
{
	cr_report *r = sample_report();
	char *out = render(r, false, false, false);
	const char *fail_env, *pass_keys, *aws, *env, *error;

	(void)state;
	assert_true(!strncmp(out, "crucible: 69.5/100  grade D  at-risk\n",
		strlen("crucible: 69.5/100  grade D  at-risk\n")));
	line_with(out, "target:  /srv/app\n");
	line_with(out, "commit:  0123456789ab on main\n");
	line_with(out, "bundle:  readiness 0.1.0  sha256:aaaaaaaaaaaa\n");
	/* 62.5 of 20 cells is 12.5, drawn as 13. */
	line_with(out, "  Secret management   62.5  [#############.......]  weight 3\n");
	line_with(out, "  CI/CD               80.0  [################....]  weight 2\n");
	line_with(out, "  Operations           n/a  not scored");

	fail_env = line_with(out, "  FAIL   high      SEC-ENV  Title of SEC-ENV\n");
	pass_keys = line_with(out, "  PASS   critical  SEC-KEYS  Title of SEC-KEYS\n");
	assert_true(fail_env < pass_keys);
	line_with(out, "  WARN   medium    SEC-HISTORY");
	line_with(out, "  SKIP   low       CI-SBOM");
	line_with(out, "skipped: no container image\n");

	/* Findings under their policy, the most severe first. */
	aws = line_with(out, "- config/app.env:3  AWS access key (+1 more) [critical]\n");
	env = line_with(out, "- .env  .env file committed\n");
	assert_true(fail_env < aws && aws < env);
	line_with(out, "- deploy/key.pem  private key in history (waived)\n");
	line_with(out, "- no CodeQL workflow\n");

	error = line_with(out, "  ERROR  medium    OPS-RUNBOOK");
	assert_true(fail_env < error && error < pass_keys);
	line_with(out, "error: runbook.lua:3: attempt to index a nil value\n");

	/* Not verbose: no pass messages, no remediation. */
	assert_null(strstr(out, "no private keys"));
	assert_null(strstr(out, "fix: "));

	line_with(out, "\n7 policies: 2 pass, 2 fail, 1 warn, 1 skip, 1 error\n"
		"4 findings: 1 critical, 2 high, 1 waived\n");
	assert_null(strchr(out, '\033'));
	for (const char *line = out; *line;) {
		const char *end = strchr(line, '\n');

		assert_non_null(end);
		assert_true(end - line <= 100);
		line = end + 1;
	}
	free(out);
	cr_report_free(r);
}

static void test_text_quiet(void **state)
{
	cr_report *r = sample_report();
	cr_render_opts opts = { .quiet = true };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(cr_report_render_text(r, f, &opts, NULL), CR_OK);
	fclose(f);
	assert_true(!strncmp(buf, "crucible: 69.5/100  grade D  at-risk\n",
		strlen("crucible: 69.5/100  grade D  at-risk\n")));
	/* Blockers: failing policies of high severity or worse, and only them. */
	line_with(buf, "  high      SEC-ENV  Title of SEC-ENV (2 findings)\n");
	line_with(buf, "  high      CI-SCAN  Title of CI-SCAN (1 finding)\n");
	/* the critical one first, whatever the report order */
	r->policies[3].severity = CR_SEV_CRITICAL;
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(cr_report_render_text(r, f, &opts, NULL), CR_OK);
	fclose(f);
	assert_true(strstr(buf, "critical  CI-SCAN") < strstr(buf, "high      SEC-ENV"));
	assert_non_null(strstr(buf, "critical  CI-SCAN"));
	assert_null(strstr(buf, "SEC-HISTORY"));
	assert_null(strstr(buf, "SEC-KEYS"));
	assert_null(strstr(buf, "Categories"));
	free(buf);
	cr_report_free(r);
}

static void test_sort_findings(void **state)
{
	static const cr_location b9[] = { { .path = "b", .line = 9 } };
	static const cr_location b10[] = { { .path = "b", .line = 10 } };
	static const cr_location a[] = { { .path = "a" } };
	cr_report *r;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	sample_finding(r, "Z", CR_SEV_LOW, CR_STATUS_FAIL, "z", a, 1, "f1", false);
	sample_finding(r, "A", CR_SEV_LOW, CR_STATUS_FAIL, "m", b10, 1, "f2", false);
	sample_finding(r, "A", CR_SEV_LOW, CR_STATUS_FAIL, "m", b9, 1, "f3", false);
	sample_finding(r, "A", CR_SEV_LOW, CR_STATUS_FAIL, "m", NULL, 0, "f4", false);
	sample_finding(r, "A", CR_SEV_LOW, CR_STATUS_FAIL, "k", a, 1, "f5", false);
	cr_report_sort_findings(r);
	/* policy, then path (none first), then line, then message */
	assert_string_equal(r->findings[0].fingerprint, "f4");
	assert_string_equal(r->findings[1].fingerprint, "f5");
	assert_string_equal(r->findings[2].fingerprint, "f3");
	assert_string_equal(r->findings[3].fingerprint, "f2");
	assert_string_equal(r->findings[4].fingerprint, "f1");
	cr_report_free(r);
}

static void test_text_verbose(void **state)
{
	cr_report *r = sample_report();
	char *out = render(r, false, false, true);

	(void)state;
	line_with(out, "SEC-KEYS  Title of SEC-KEYS\n         no private keys\n");
	line_with(out, "fix: How to fix it.\n");
	free(out);
	cr_report_free(r);
}

static void test_text_color(void **state)
{
	cr_report *r = sample_report();
	char *out = render(r, false, true, false);

	(void)state;
	assert_non_null(strchr(out, '\033'));
	line_with(out, "\033[31mFAIL\033[0m");
	line_with(out, "\033[32mPASS\033[0m");
	line_with(out, "\033[33mWARN\033[0m");
	line_with(out, "\033[2mSKIP\033[0m");
	line_with(out, "\033[35mERROR\033[0m");
	line_with(out, "\033[33mat-risk\033[0m");
	free(out);
	cr_report_free(r);
}

/* Text from a repository must not reach the terminal as control codes. */
static void test_text_sanitizes(void **state)
{
	cr_report *r = sample_report();
	char *out;

	(void)state;
	free(r->findings[0].message);
	r->findings[0].message = strdup("evil\033[2Jclear\nnext");
	assert_non_null(r->findings[0].message);
	out = render(r, false, false, false);
	assert_null(strchr(out, '\033'));
	line_with(out, "evil?[2Jclear next\n");
	free(out);
	cr_report_free(r);
}

static void test_text_not_git(void **state)
{
	cr_report *r;
	char *out;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	r->target_path = strdup("/tmp/plain");
	assert_non_null(r->target_path);
	out = render(r, false, false, false);
	assert_true(!strncmp(out, "crucible: 0.0/100  grade F  not-ready\n",
		strlen("crucible: 0.0/100  grade F  not-ready\n")));
	assert_null(strstr(out, "commit:"));
	assert_null(strstr(out, "Categories"));
	line_with(out, "\n0 policies: 0 pass, 0 fail, 0 warn, 0 skip, 0 error\n"
		"0 findings\n");
	free(out);
	cr_report_free(r);
}

static void test_write_errors(void **state)
{
	cr_render_opts opts = { 0 };
	cr_report *r = sample_report();
	FILE *f = fopen("/dev/full", "w");
	cr_ctx *ctx;

	(void)state;
	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_render_json(r, f, ctx), CR_EIO);
	assert_int_equal(cr_ctx_code(ctx), CR_EIO);
	clearerr(f);
	cr_error_clear(ctx);
	assert_int_equal(cr_report_render_text(r, f, &opts, ctx), CR_EIO);
	assert_int_equal(cr_ctx_code(ctx), CR_EIO);
	fclose(f);
	cr_ctx_free(ctx);
	cr_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_new_report),
		cmocka_unit_test(test_policy_deep_copy),
		cmocka_unit_test(test_finding_deep_copy),
		cmocka_unit_test(test_bundles_and_categories),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_policy_findings),
		cmocka_unit_test(test_json_populated),
		cmocka_unit_test(test_json_triage_fields),
		cmocka_unit_test(test_json_minimal),
		cmocka_unit_test(test_json_escapes_strings),
		cmocka_unit_test(test_json_out_of_memory),
		cmocka_unit_test(test_text_layout),
		cmocka_unit_test(test_text_quiet),
		cmocka_unit_test(test_sort_findings),
		cmocka_unit_test(test_text_verbose),
		cmocka_unit_test(test_text_color),
		cmocka_unit_test(test_text_sanitizes),
		cmocka_unit_test(test_text_not_git),
		cmocka_unit_test(test_write_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
