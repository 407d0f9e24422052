/*
 * test_sarif.c - the SARIF 2.1.0 renderer (report/sarif.c).
 *
 * A report built by hand, with every case the renderer distinguishes
 * (each severity, warn findings, waived and baseline findings, findings
 * without a line, at the repository root or without any location, a
 * passing, an errored and a skipped policy), is rendered, parsed back and
 * checked field by field.  The output is then checked against the
 * official SARIF 2.1.0 schema (tests/schema/sarif-schema-2.1.0.json) with
 * Ajv, through tests/schema/validate.js, and so is the SARIF of the real
 * binary on a small git repository.  Node.js and the validator's modules
 * are required: when they are missing the schema tests fail and say how
 * to install them (scripts/dev test does).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"

#include "crucible/report.h"
#include "crucible/score.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"
#define DIGEST "sha256:" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SCHEMA_DIR CRUCIBLE_SOURCE_DIR "/tests/schema"
#define SCHEMA SCHEMA_DIR "/sarif-schema-2.1.0.json"
#define VALIDATOR SCHEMA_DIR "/validate.js"

/* --- the report ------------------------------------------------------ */

enum {
	P_CRIT, P_HIGH, P_MED, P_LOW, P_INFO, P_PASS, P_ERR, P_SKIP,
	POLICY_COUNT
};

static const struct {
	const char *id;
	const char *category;
	cr_severity severity;
	cr_status status;
	const char *message;
} policies[POLICY_COUNT] = {
	[P_CRIT] = { "SEC-CRIT", "security", CR_SEV_CRITICAL, CR_STATUS_FAIL,
		"keys committed" },
	[P_HIGH] = { "SEC-HIGH", "secrets", CR_SEV_HIGH, CR_STATUS_FAIL,
		".env committed" },
	[P_MED] = { "OPS-MED", "ops", CR_SEV_MEDIUM, CR_STATUS_WARN, NULL },
	[P_LOW] = { "OPS-LOW", "ops", CR_SEV_LOW, CR_STATUS_FAIL, NULL },
	[P_INFO] = { "ops.info-note", "ops", CR_SEV_INFO, CR_STATUS_FAIL, NULL },
	[P_PASS] = { "OPS-PASS", "ops", CR_SEV_MEDIUM, CR_STATUS_PASS, "fine" },
	[P_ERR] = { "OPS-ERR", "ops", CR_SEV_HIGH, CR_STATUS_ERROR,
		"err.lua:3: attempt to index a nil value" },
	[P_SKIP] = { "OPS-SKIP", "ops", CR_SEV_LOW, CR_STATUS_SKIP, NULL },
};

/* Every policy has a title, description and remediation except the info
 * one, which shows what help falls back to. */
static void add_policies(cr_report *r)
{
	for (int i = 0; i < POLICY_COUNT; i++) {
		char title[64], description[64], remediation[64];
		bool bare = i == P_INFO;
		cr_policy_result p = {
			.id = (char *)policies[i].id,
			.title = bare ? NULL : title,
			.category = (char *)policies[i].category,
			.description = bare ? NULL : description,
			.remediation = bare ? NULL : remediation,
			.bundle = "readiness", .module = "m.lua",
			.severity = policies[i].severity, .weight = 2,
			.status = policies[i].status, .score = 0,
			.message = (char *)policies[i].message,
		};

		snprintf(title, sizeof title, "Title of %s", policies[i].id);
		snprintf(description, sizeof description, "Why %s matters.",
			policies[i].id);
		snprintf(remediation, sizeof remediation, "Fix %s.",
			policies[i].id);
		assert_int_equal(cr_report_add_policy(r, NULL, &p), CR_OK);
	}
}

static void add_finding(cr_report *r, int policy, cr_severity sev,
	cr_status kind, const char *message, const cr_location *locs,
	size_t count, const char *fingerprint)
{
	cr_finding f = {
		.policy = (char *)policies[policy].id, .severity = sev,
		.kind = kind, .message = (char *)message,
		.locations = (cr_location *)locs, .location_count = count,
		.fingerprint = (char *)fingerprint,
	};

	assert_int_equal(cr_report_add_finding(r, NULL, &f), CR_OK);
}

/* Results, in this order. */
enum {
	F_CRIT, F_HIGH, F_MED, F_LOW_ROOT, F_INFO_NOWHERE, F_CRIT_WARN,
	F_WAIVED, F_WAIVED_BARE, F_STRAY, FINDING_COUNT
};

static cr_report *sample_report(void)
{
	static const cr_location keys[] = {
		{ .path = "config/app.env", .line = 3, .commit = COMMIT },
		{ .path = "config/old.env", .line = 7 },
	};
	static const cr_location env[] = { { .path = ".env" } };
	static const cr_location odd[] = {
		{ .path = "docs/a b#c:d%\xc3\xa9.md", .line = 12 },
	};
	static const cr_location root[] = { { .path = "." } };
	cr_finding stray = {
		.policy = "NOT-IN-REPORT", .severity = CR_SEV_LOW,
		.kind = CR_STATUS_FAIL, .message = "stray",
		.locations = (cr_location *)env, .location_count = 1,
	};
	cr_report *r;

	assert_int_equal(cr_report_new(&r), CR_OK);
	r->target_path = strdup("/srv/my app");
	r->commit = strdup(COMMIT);
	r->branch = strdup("main");
	assert_non_null(r->branch);
	assert_int_equal(cr_report_add_bundle(r, "readiness", "0.1.0", DIGEST),
		CR_OK);
	assert_int_equal(cr_report_add_bundle(r, "local", NULL, NULL), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "security",
		"Security", 3), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "secrets",
		"Secrets", 2), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "ops", NULL, 1), CR_OK);
	assert_int_equal(cr_report_add_category(r, NULL, "empty", "Nothing", 1),
		CR_OK);
	add_policies(r);
	for (int i = 0; i < POLICY_COUNT; i++) {
		for (size_t c = 0; c < r->category_count; c++) {
			if (!strcmp(r->categories[c].id, policies[i].category))
				assert_int_equal(cr_category_add_policy(
					&r->categories[c], policies[i].id), CR_OK);
		}
	}

	add_finding(r, P_CRIT, CR_SEV_CRITICAL, CR_STATUS_FAIL, "AWS key",
		keys, 2, "fp-keys");
	add_finding(r, P_HIGH, CR_SEV_HIGH, CR_STATUS_FAIL, ".env committed",
		env, 1, "fp-env");
	add_finding(r, P_MED, CR_SEV_MEDIUM, CR_STATUS_WARN, "odd name",
		odd, 1, "fp-odd");
	add_finding(r, P_LOW, CR_SEV_LOW, CR_STATUS_FAIL, "no update tool",
		root, 1, "fp-root");
	add_finding(r, P_INFO, CR_SEV_INFO, CR_STATUS_FAIL, NULL, NULL, 0, NULL);
	add_finding(r, P_CRIT, CR_SEV_CRITICAL, CR_STATUS_WARN, "maybe a key",
		keys, 1, "fp-warn");
	add_finding(r, P_HIGH, CR_SEV_HIGH, CR_STATUS_FAIL, "test fixture",
		env, 1, "fp-waived");
	add_finding(r, P_LOW, CR_SEV_LOW, CR_STATUS_FAIL, "waived, no reason",
		env, 1, "fp-bare");
	assert_int_equal(cr_report_add_finding(r, NULL, &stray), CR_OK);
	r->findings[F_WAIVED].waived = true;
	r->findings[F_WAIVED].waiver = strdup("accepted: test fixture");
	r->findings[F_WAIVED_BARE].waived = true;
	assert_non_null(r->findings[F_WAIVED].waiver);
	assert_int_equal(cr_report_add_warning(r, "waiver for %s matched nothing",
		"OPS-X"), CR_OK);
	assert_int_equal(cr_score_compute(r, NULL), CR_OK);
	return r;
}

/* --- rendering and reading ------------------------------------------- */

static char *render(const cr_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cr_report_render_sarif(r, f, NULL), CR_OK);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static cJSON *render_parsed(const cr_report *r)
{
	char *text = render(r);
	cJSON *doc = cJSON_Parse(text);

	if (!doc)
		fail_msg("the SARIF output does not parse:\n%s", text);
	free(text);
	return doc;
}

/* A member by a dotted path ("runs.0.tool.driver"), numbers indexing
 * arrays; the test fails when it is missing. */
static const cJSON *get(const cJSON *o, const char *path)
{
	char *copy = strdup(path), *save = NULL;
	const cJSON *item = o;

	assert_non_null(copy);
	for (char *key = strtok_r(copy, ".", &save); key && item;
	     key = strtok_r(NULL, ".", &save)) {
		if (cJSON_IsArray(item))
			item = cJSON_GetArrayItem(item, atoi(key));
		else
			item = cJSON_GetObjectItemCaseSensitive(item, key);
	}
	free(copy);
	if (!item)
		fail_msg("missing \"%s\"", path);
	return item;
}

static bool has(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key) != NULL;
}

static const char *str(const cJSON *o, const char *path)
{
	const cJSON *item = get(o, path);

	if (!cJSON_IsString(item))
		fail_msg("\"%s\" is not a string", path);
	return item->valuestring;
}

static double num(const cJSON *o, const char *path)
{
	const cJSON *item = get(o, path);

	if (!cJSON_IsNumber(item))
		fail_msg("\"%s\" is not a number", path);
	return item->valuedouble;
}

static const cJSON *run_of(const cJSON *doc)
{
	assert_int_equal(cJSON_GetArraySize(get(doc, "runs")), 1);
	return get(doc, "runs.0");
}

static const cJSON *result_of(const cJSON *doc, int i)
{
	const cJSON *results = get(run_of(doc), "results");

	assert_int_equal(cJSON_GetArraySize(results), FINDING_COUNT);
	return cJSON_GetArrayItem(results, i);
}

static const cJSON *rule_of(const cJSON *doc, int i)
{
	return cJSON_GetArrayItem(get(run_of(doc), "tool.driver.rules"), i);
}

/* --- the schema validator -------------------------------------------- */

/* Node.js and the pinned Ajv must be there: a missing validator is a
 * failure, never a skip, or CI would pass without checking anything. */
static void require_validator(void)
{
	if (system("node --version >/dev/null 2>&1") != 0)
		fail_msg("Node.js (node) is not installed, and the SARIF schema "
			"check needs it: run scripts/dev test, which installs "
			"it, or apt-get install nodejs npm");
	if (access(SCHEMA_DIR "/node_modules/ajv-draft-04/package.json",
		R_OK) != 0)
		fail_msg("the schema validator is not installed: run "
			"npm ci --prefix tests/schema --no-audit --no-fund "
			"(scripts/dev test does)");
}

/* Run validate.js on `doc`: its exit status, and its output in *out. */
static int validate(const char *doc, char **out)
{
	char *cmd, *buf = NULL;
	size_t len = 0;
	FILE *p, *mem = open_memstream(&buf, &len);
	int c, status;

	assert_non_null(mem);
	if (asprintf(&cmd, "node '%s' '%s' '%s' 2>&1", VALIDATOR, SCHEMA,
		doc) < 0)
		fail_msg("asprintf");
	p = popen(cmd, "r");
	if (!p)
		fail_msg("popen %s: %s", cmd, strerror(errno));
	while ((c = fgetc(p)) != EOF)
		fputc(c, mem);
	status = pclose(p);
	fclose(mem);
	free(cmd);
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void assert_valid_sarif(const char *doc)
{
	char *out;
	int status;

	require_validator();
	status = validate(doc, &out);
	if (status != 0)
		fail_msg("%s is not valid SARIF 2.1.0 (validator exit %d):\n%s",
			doc, status, out);
	free(out);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fail_msg("fopen %s: %s", path, strerror(errno));
	assert_true(fputs(text, f) != EOF);
	assert_int_equal(fclose(f), 0);
}

/* --- tests: the log and its rules ------------------------------------ */

static void test_log_and_tool(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);
	const cJSON *run = run_of(doc), *base;

	(void)state;
	assert_string_equal(str(doc, "version"), "2.1.0");
	assert_non_null(strstr(str(doc, "$schema"), "sarif-schema-2.1.0.json"));
	assert_string_equal(str(run, "tool.driver.name"), "crucible");
	assert_string_equal(str(run, "tool.driver.version"), CRUCIBLE_VERSION);
	assert_string_equal(str(run, "tool.driver.semanticVersion"),
		CRUCIBLE_VERSION);
	/* No repository URI in the report, so no provenance. */
	assert_false(has(run, "versionControlProvenance"));
	base = get(run, "originalUriBaseIds.%SRCROOT%");
	assert_string_equal(str(base, "uri"), "file:///srv/my%20app/");
	assert_non_null(str(base, "description.text"));
	cJSON_Delete(doc);
	cr_report_free(r);
}

static void test_one_rule_per_policy(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);
	const cJSON *rules = get(run_of(doc), "tool.driver.rules"), *rule;

	(void)state;
	assert_int_equal(cJSON_GetArraySize(rules), POLICY_COUNT);
	for (int i = 0; i < POLICY_COUNT; i++)
		assert_string_equal(str(rule_of(doc, i), "id"), policies[i].id);

	rule = rule_of(doc, P_CRIT);
	assert_string_equal(str(rule, "name"), "SecCrit");
	assert_string_equal(str(rule, "shortDescription.text"),
		"Title of SEC-CRIT");
	assert_string_equal(str(rule, "fullDescription.text"),
		"Why SEC-CRIT matters.");
	assert_string_equal(str(rule, "help.text"),
		"Why SEC-CRIT matters.\n\nRemediation: Fix SEC-CRIT.");
	assert_string_equal(str(rule, "help.markdown"),
		"Why SEC-CRIT matters.\n\n**Remediation:** Fix SEC-CRIT.");
	assert_string_equal(str(rule, "properties.category"), "security");
	assert_string_equal(str(rule, "properties.bundle"), "readiness");
	assert_string_equal(str(rule, "properties.severity"), "critical");

	/* Without title, description and remediation: the id everywhere. */
	rule = rule_of(doc, P_INFO);
	assert_string_equal(str(rule, "name"), "OpsInfoNote");
	assert_string_equal(str(rule, "shortDescription.text"), "ops.info-note");
	assert_string_equal(str(rule, "fullDescription.text"), "ops.info-note");
	assert_string_equal(str(rule, "help.text"), "ops.info-note");
	assert_false(has(rule, "helpUri"));

	/* Passing, errored and skipped policies have their rule too. */
	assert_string_equal(str(rule_of(doc, P_PASS), "help.text"),
		"Why OPS-PASS matters.\n\nRemediation: Fix OPS-PASS.");
	assert_string_equal(str(rule_of(doc, P_ERR), "id"), "OPS-ERR");
	cJSON_Delete(doc);
	cr_report_free(r);
}

static void assert_tags(const cJSON *rule, const char *const tags[])
{
	const cJSON *list = get(rule, "properties.tags");
	int n = 0;

	while (tags[n])
		n++;
	assert_int_equal(cJSON_GetArraySize(list), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(cJSON_GetArrayItem(list, i)->valuestring,
			tags[i]);
}

/* The documented mapping of severities to levels and security-severity. */
static void test_rule_severities(void **state)
{
	static const struct {
		int policy;
		const char *level;
		const char *security;  /* NULL: absent */
	} want[] = {
		{ P_CRIT, "error", "9.5" },
		{ P_HIGH, "error", "8.0" },
		{ P_MED, "warning", "5.5" },
		{ P_LOW, "warning", "3.0" },
		{ P_INFO, "note", NULL },
	};
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const cJSON *rule = rule_of(doc, want[i].policy);
		const cJSON *props = get(rule, "properties");

		assert_string_equal(str(rule, "defaultConfiguration.level"),
			want[i].level);
		if (want[i].security)
			assert_string_equal(str(props, "security-severity"),
				want[i].security);
		else
			assert_false(has(props, "security-severity"));
	}
	/* "security" once, even in a category of that name; none on info. */
	assert_tags(rule_of(doc, P_CRIT), (const char *const[]){ "security", NULL });
	assert_tags(rule_of(doc, P_HIGH),
		(const char *const[]){ "secrets", "security", NULL });
	assert_tags(rule_of(doc, P_INFO), (const char *const[]){ "ops", NULL });
	cJSON_Delete(doc);
	cr_report_free(r);
}

/* --- tests: results -------------------------------------------------- */

static void test_result_levels(void **state)
{
	static const struct {
		int finding;
		const char *level;
	} want[] = {
		{ F_CRIT, "error" }, { F_HIGH, "error" }, { F_MED, "warning" },
		{ F_LOW_ROOT, "warning" }, { F_INFO_NOWHERE, "note" },
		/* a warn finding is at most a warning, whatever its severity */
		{ F_CRIT_WARN, "warning" },
	};
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		assert_string_equal(str(result_of(doc, want[i].finding), "level"),
			want[i].level);
	assert_string_equal(str(result_of(doc, F_CRIT_WARN), "properties.kind"),
		"warn");
	assert_string_equal(str(result_of(doc, F_CRIT_WARN),
		"properties.severity"), "critical");
	cJSON_Delete(doc);
	cr_report_free(r);
}

static void test_result_rule_and_message(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);
	const cJSON *res;

	(void)state;
	res = result_of(doc, F_HIGH);
	assert_string_equal(str(res, "ruleId"), "SEC-HIGH");
	assert_int_equal(num(res, "ruleIndex"), P_HIGH);
	assert_string_equal(str(res, "message.text"), ".env committed");
	assert_string_equal(str(res, "partialFingerprints.crucibleFingerprint/v1"),
		"fp-env");

	/* No message: the policy's title (here its id); no fingerprint. */
	res = result_of(doc, F_INFO_NOWHERE);
	assert_int_equal(num(res, "ruleIndex"), P_INFO);
	assert_string_equal(str(res, "message.text"), "ops.info-note");
	assert_false(has(res, "partialFingerprints"));

	/* A policy the report does not list: no index to give. */
	res = result_of(doc, F_STRAY);
	assert_string_equal(str(res, "ruleId"), "NOT-IN-REPORT");
	assert_false(has(res, "ruleIndex"));
	cJSON_Delete(doc);
	cr_report_free(r);
}

static const cJSON *physical(const cJSON *res, const char *list, int i)
{
	return get(cJSON_GetArrayItem(get(res, list), i), "physicalLocation");
}

static void test_locations(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);
	const cJSON *res, *loc;

	(void)state;
	/* With a line; the second location is a related one. */
	res = result_of(doc, F_CRIT);
	assert_int_equal(cJSON_GetArraySize(get(res, "locations")), 1);
	loc = physical(res, "locations", 0);
	assert_string_equal(str(loc, "artifactLocation.uri"), "config/app.env");
	assert_string_equal(str(loc, "artifactLocation.uriBaseId"), "%SRCROOT%");
	assert_int_equal(num(loc, "region.startLine"), 3);
	assert_string_equal(str(get(res, "locations.0"), "properties.commit"),
		COMMIT);
	assert_int_equal(cJSON_GetArraySize(get(res, "relatedLocations")), 1);
	loc = physical(res, "relatedLocations", 0);
	assert_string_equal(str(loc, "artifactLocation.uri"), "config/old.env");
	assert_int_equal(num(loc, "region.startLine"), 7);

	/* Without a line: the whole file, no region; one location only. */
	res = result_of(doc, F_HIGH);
	loc = physical(res, "locations", 0);
	assert_string_equal(str(loc, "artifactLocation.uri"), ".env");
	assert_false(has(loc, "region"));
	assert_false(has(res, "relatedLocations"));
	assert_false(has(get(res, "locations.0"), "properties"));

	/* A file name that is not a URI as it is. */
	loc = physical(result_of(doc, F_MED), "locations", 0);
	assert_string_equal(str(loc, "artifactLocation.uri"),
		"docs/a%20b%23c%3Ad%25%C3%A9.md");
	assert_int_equal(num(loc, "region.startLine"), 12);

	/* The repository root, given as "." or as no location at all. */
	loc = physical(result_of(doc, F_LOW_ROOT), "locations", 0);
	assert_string_equal(str(loc, "artifactLocation.uri"), ".");
	assert_false(has(loc, "region"));
	res = result_of(doc, F_INFO_NOWHERE);
	assert_int_equal(cJSON_GetArraySize(get(res, "locations")), 1);
	loc = physical(res, "locations", 0);
	assert_string_equal(str(loc, "artifactLocation.uri"), ".");
	assert_string_equal(str(loc, "artifactLocation.uriBaseId"), "%SRCROOT%");
	cJSON_Delete(doc);
	cr_report_free(r);
}

static void test_waived_findings_are_suppressed(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);
	const cJSON *res;

	(void)state;
	res = result_of(doc, F_WAIVED);
	assert_int_equal(cJSON_GetArraySize(get(res, "suppressions")), 1);
	assert_string_equal(str(res, "suppressions.0.kind"), "external");
	assert_string_equal(str(res, "suppressions.0.status"), "accepted");
	assert_string_equal(str(res, "suppressions.0.justification"),
		"accepted: test fixture");
	/* Still reported with its level: waived is not fixed. */
	assert_string_equal(str(res, "level"), "error");

	res = result_of(doc, F_WAIVED_BARE);
	assert_string_equal(str(res, "suppressions.0.kind"), "external");
	assert_false(has(get(res, "suppressions.0"), "justification"));
	assert_false(has(result_of(doc, F_HIGH), "suppressions"));
	cJSON_Delete(doc);
	cr_report_free(r);
}

static void test_baseline_states(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);

	(void)state;
	/* No baseline: no result says new or unchanged. */
	for (int i = 0; i < FINDING_COUNT; i++)
		assert_false(has(result_of(doc, i), "baselineState"));
	assert_int_equal(cJSON_GetArraySize(get(run_of(doc), "properties.fixed")),
		0);
	cJSON_Delete(doc);

	/* A baseline finding: every result says which it is. */
	r->findings[F_HIGH].baseline = true;
	doc = render_parsed(r);
	for (int i = 0; i < FINDING_COUNT; i++)
		assert_string_equal(str(result_of(doc, i), "baselineState"),
			i == F_HIGH ? "unchanged" : "new");
	cJSON_Delete(doc);

	/* Only fixed findings: a baseline was used, everything left is new. */
	r->findings[F_HIGH].baseline = false;
	assert_int_equal(cr_report_add_fixed(r, "SEC-OLD", "old.pem", "fp-old"),
		CR_OK);
	doc = render_parsed(r);
	for (int i = 0; i < FINDING_COUNT; i++)
		assert_string_equal(str(result_of(doc, i), "baselineState"), "new");
	assert_string_equal(str(run_of(doc), "properties.fixed.0.policy"),
		"SEC-OLD");
	assert_string_equal(str(run_of(doc), "properties.fixed.0.path"),
		"old.pem");
	assert_string_equal(str(run_of(doc), "properties.fixed.0.fingerprint"),
		"fp-old");
	cJSON_Delete(doc);
	cr_report_free(r);
}

/* --- tests: the run -------------------------------------------------- */

static void test_notifications(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);
	const cJSON *inv = get(run_of(doc), "invocations.0"), *notes;

	(void)state;
	assert_true(cJSON_IsTrue(get(inv, "executionSuccessful")));
	notes = get(inv, "toolExecutionNotifications");
	assert_int_equal(cJSON_GetArraySize(notes), 3);
	assert_string_equal(str(notes, "0.level"), "error");
	assert_string_equal(str(notes, "0.message.text"),
		"OPS-ERR errored: err.lua:3: attempt to index a nil value");
	assert_string_equal(str(notes, "0.associatedRule.id"), "OPS-ERR");
	assert_int_equal(num(notes, "0.associatedRule.index"), P_ERR);
	assert_string_equal(str(notes, "1.level"), "note");
	assert_string_equal(str(notes, "1.message.text"),
		"OPS-SKIP skipped: no reason given");
	assert_int_equal(num(notes, "1.associatedRule.index"), P_SKIP);
	assert_string_equal(str(notes, "2.level"), "warning");
	assert_string_equal(str(notes, "2.message.text"),
		"waiver for OPS-X matched nothing");
	assert_false(has(get(notes, "2"), "associatedRule"));
	cJSON_Delete(doc);
	cr_report_free(r);
}

static void test_run_properties(void **state)
{
	cr_report *r = sample_report();
	cJSON *doc = render_parsed(r);
	const cJSON *props = get(run_of(doc), "properties"), *cat;
	const char grade[2] = { r->grade, '\0' };

	(void)state;
	assert_float_equal(num(props, "score"), r->score, 1e-9);
	assert_string_equal(str(props, "grade"), grade);
	assert_string_equal(str(props, "verdict"), r->verdict);
	/* A failed critical policy: nothing here can read as ready. */
	assert_string_equal(str(props, "verdict"), "not-ready");
	assert_string_equal(str(props, "commit"), COMMIT);
	assert_string_equal(str(props, "branch"), "main");
	assert_string_equal(str(props, "bundles.0.name"), "readiness");
	assert_string_equal(str(props, "bundles.0.version"), "0.1.0");
	assert_string_equal(str(props, "bundles.0.digest"), DIGEST);
	assert_string_equal(str(props, "bundles.1.name"), "local");
	assert_false(has(get(props, "bundles.1"), "version"));

	assert_int_equal(cJSON_GetArraySize(get(props, "categories")), 4);
	for (int i = 0; i < 4; i++) {
		cat = get(props, "categories");
		cat = cJSON_GetArrayItem(cat, i);
		assert_string_equal(str(cat, "id"), r->categories[i].id);
		assert_float_equal(num(cat, "score"), r->categories[i].scored ?
			r->categories[i].score : 0, 1e-9);
		assert_int_equal(cJSON_IsTrue(get(cat, "scored")),
			r->categories[i].scored);
		assert_float_equal(num(cat, "weight"), r->categories[i].weight,
			1e-9);
	}
	assert_false(cJSON_IsTrue(get(props, "categories.3.scored")));
	assert_false(has(get(props, "categories.2"), "title"));

	assert_int_equal(num(props, "summary.policies.total"), POLICY_COUNT);
	assert_int_equal(num(props, "summary.policies.fail"), 4);
	assert_int_equal(num(props, "summary.policies.error"), 1);
	assert_int_equal(num(props, "summary.findings.total"), FINDING_COUNT);
	assert_int_equal(num(props, "summary.findings.waived"), 2);
	assert_int_equal(num(props, "summary.findings.critical"), 2);
	assert_int_equal(num(props, "summary.findings.low"), 2);
	cJSON_Delete(doc);
	cr_report_free(r);
}

/* Outside an absolute path (or without one) %SRCROOT% has no URI. */
static void test_uri_base_without_absolute_path(void **state)
{
	cr_report *r;
	cJSON *doc;
	const cJSON *base;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	doc = render_parsed(r);
	base = get(run_of(doc), "originalUriBaseIds.%SRCROOT%");
	assert_false(has(base, "uri"));
	assert_non_null(str(base, "description.text"));
	assert_int_equal(cJSON_GetArraySize(get(run_of(doc), "results")), 0);
	assert_int_equal(cJSON_GetArraySize(get(run_of(doc),
		"tool.driver.rules")), 0);
	cJSON_Delete(doc);

	r->target_path = strdup("relative/dir");
	doc = render_parsed(r);
	assert_false(has(get(run_of(doc), "originalUriBaseIds.%SRCROOT%"),
		"uri"));
	cJSON_Delete(doc);

	free(r->target_path);
	r->target_path = strdup("/");
	doc = render_parsed(r);
	assert_string_equal(str(run_of(doc), "originalUriBaseIds.%SRCROOT%.uri"),
		"file:///");
	cJSON_Delete(doc);
	cr_report_free(r);
}

static void test_deterministic(void **state)
{
	cr_report *a = sample_report(), *b = sample_report();
	char *ta = render(a), *tb = render(b), *again = render(a);

	(void)state;
	assert_string_equal(ta, tb);
	assert_string_equal(ta, again);
	free(ta);
	free(tb);
	free(again);
	cr_report_free(a);
	cr_report_free(b);
}

static void test_write_error(void **state)
{
	cr_report *r = sample_report();
	FILE *f = fopen("/dev/full", "w");
	cr_ctx *ctx;

	(void)state;
	if (!f)
		fail_msg("fopen /dev/full: %s", strerror(errno));
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_render_sarif(r, f, ctx), CR_EIO);
	assert_non_null(strstr(cr_ctx_error(ctx), "SARIF"));
	fclose(f);
	cr_ctx_free(ctx);
	cr_report_free(r);
}

/* --- tests: the official schema -------------------------------------- */

static void test_schema_hand_built(void **state)
{
	char *dir = th_tempdir(), *path, *text, *out;
	cr_report *r = sample_report();

	(void)state;
	if (asprintf(&path, "%s/report.sarif", dir) < 0)
		fail_msg("asprintf");
	r->findings[F_HIGH].baseline = true;
	assert_int_equal(cr_report_add_fixed(r, "SEC-OLD", NULL, "fp-old"), CR_OK);
	text = render(r);
	write_file(path, text);
	assert_valid_sarif(path);
	free(text);

	/* The validator can say no: a line 0 is not a SARIF line. */
	write_file(path, "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": "
		"{\"driver\": {\"name\": \"x\"}}, \"results\": [{\"message\": "
		"{\"text\": \"m\"}, \"locations\": [{\"physicalLocation\": "
		"{\"artifactLocation\": {\"uri\": \"a\"}, \"region\": "
		"{\"startLine\": 0}}}]}]}]}");
	assert_int_equal(validate(path, &out), 1);
	assert_non_null(strstr(out, "startLine"));
	free(out);

	/* The empty report too. */
	cr_report_free(r);
	assert_int_equal(cr_report_new(&r), CR_OK);
	text = render(r);
	write_file(path, text);
	assert_valid_sarif(path);
	free(text);
	cr_report_free(r);
	free(path);
	th_rmtree(dir);
	free(dir);
}

/* Every result's ruleIndex names the rule of its ruleId, and its URI is
 * relative to %SRCROOT%. */
static void check_results_against_rules(const cJSON *run)
{
	const cJSON *rules = get(run, "tool.driver.rules"), *res;

	cJSON_ArrayForEach(res, get(run, "results")) {
		const cJSON *rule = cJSON_GetArrayItem(rules,
			(int)num(res, "ruleIndex"));
		const char *uri = str(res,
			"locations.0.physicalLocation.artifactLocation.uri");

		assert_non_null(rule);
		assert_string_equal(str(rule, "id"), str(res, "ruleId"));
		assert_true(uri[0] != '/' && !strstr(uri, "://"));
	}
}

static th_run eval_repo(const char *repo, const char *format)
{
	const char *argv[] = { "eval", repo, "--format", format, NULL };

	return th_crucible(NULL, argv);
}

/* The real binary on a small repository: a secret, a Dockerfile, no CI. */
static void test_schema_binary(void **state)
{
	char *dir = th_tempdir(), *path;
	cJSON *sarif, *json;
	th_run run;

	(void)state;
	th_git_init(dir);
	th_write(dir, "README.md", "# demo\n");
	th_write(dir, ".env", "DB_PASSWORD=hunter2\n");
	th_write(dir, "Dockerfile", "FROM debian:latest\nRUN true\n");
	th_write(dir, "src/main.c", "int main(void) { return 0; }\n");
	th_git_commit(dir, "demo", 0);

	run = eval_repo(dir, "sarif");
	if (run.status != 0 && run.status != 1)
		fail_msg("crucible eval --format sarif exited %d:\n%s",
			run.status, run.err);
	if (asprintf(&path, "%s.sarif", dir) < 0)
		fail_msg("asprintf");
	write_file(path, run.out);
	assert_valid_sarif(path);
	unlink(path);
	free(path);

	sarif = cJSON_Parse(run.out);
	assert_non_null(sarif);
	assert_true(cJSON_GetArraySize(get(run_of(sarif), "tool.driver.rules")) > 0);
	assert_true(cJSON_GetArraySize(get(run_of(sarif), "results")) > 0);
	check_results_against_rules(run_of(sarif));

	/* The numbers are the JSON report's. */
	th_run_free(&run);
	run = eval_repo(dir, "json");
	json = cJSON_Parse(run.out);
	assert_non_null(json);
	assert_float_equal(num(run_of(sarif), "properties.score"),
		num(json, "score.value"), 1e-9);
	assert_string_equal(str(run_of(sarif), "properties.grade"),
		str(json, "score.grade"));
	assert_int_equal(cJSON_GetArraySize(get(run_of(sarif), "results")),
		cJSON_GetArraySize(get(json, "findings")));
	assert_int_equal(cJSON_GetArraySize(get(run_of(sarif),
		"tool.driver.rules")), cJSON_GetArraySize(get(json, "policies")));
	cJSON_Delete(json);
	cJSON_Delete(sarif);
	th_run_free(&run);
	th_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_and_tool),
		cmocka_unit_test(test_one_rule_per_policy),
		cmocka_unit_test(test_rule_severities),
		cmocka_unit_test(test_result_levels),
		cmocka_unit_test(test_result_rule_and_message),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_waived_findings_are_suppressed),
		cmocka_unit_test(test_baseline_states),
		cmocka_unit_test(test_notifications),
		cmocka_unit_test(test_run_properties),
		cmocka_unit_test(test_uri_base_without_absolute_path),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_schema_hand_built),
		cmocka_unit_test(test_schema_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
