/*
 * test_junit.c - the JUnit XML report (report/junit.c): a whole document
 * compared byte for byte, the counts and outcomes of a report with every
 * status, escaping of hostile text, and every rendering validated by
 * xmllint against tests/fixtures/junit.xsd (xmllint comes from Debian's
 * libxml2-utils, which scripts/dev installs).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"
#include "tests/report_fixture.h"

#include "crucible/report.h"

#define SCHEMA CRUCIBLE_SOURCE_DIR "/tests/fixtures/junit.xsd"

static int render_junit(const cr_report *r, FILE *f, void *arg)
{
	(void)arg;
	return cr_report_render_junit(r, f, NULL);
}

static char *junit(const cr_report *r)
{
	return fx_render(r, render_junit, NULL, NULL);
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("missing \"%s\" in:\n%s", needle, text);
}

/* xmllint's verdict on a document: 0 when it is well-formed XML valid
 * against the schema; its complaints go to the test's output. */
static int xmllint(const char *xml)
{
	char *dir = th_tempdir();
	int rc;

	th_write(dir, "report.xml", xml);
	if (th_sh(dir, "command -v xmllint") != 0)
		fail_msg("xmllint not found: install libxml2-utils (scripts/dev does)");
	rc = th_sh(dir, "xmllint --noout --nonet --schema '%s' report.xml "
		"2>errors.txt", SCHEMA);
	if (rc) {
		char *log, *errors;

		assert_true(asprintf(&log, "%s/errors.txt", dir) > 0);
		errors = th_read(log);
		print_message("xmllint: %s\n", errors ? errors : "?");
		free(errors);
		free(log);
	}
	th_rmtree(dir);
	free(dir);
	return rc;
}

static void assert_valid_junit(const char *xml)
{
	assert_int_equal(xmllint(xml), 0);
}

/* --- one small report, the whole document -------------------------------- */

static const char expected_small[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<testsuites name=\"crucible\" tests=\"5\" failures=\"1\" errors=\"1\""
	" skipped=\"1\" time=\"0.015\">\n"
	"\t<testsuite name=\"Operations &amp; more\" tests=\"5\" failures=\"1\""
	" errors=\"1\" skipped=\"1\" time=\"0.015\">\n"
	"\t\t<properties>\n"
	"\t\t\t<property name=\"category\" value=\"ops\"/>\n"
	"\t\t\t<property name=\"score\" value=\"40.0\"/>\n"
	"\t\t\t<property name=\"weight\" value=\"2.5\"/>\n"
	"\t\t</properties>\n"
	"\t\t<testcase classname=\"crucible.ops\" name=\"OPS-A: Passes\""
	" time=\"0.001\"/>\n"
	"\t\t<testcase classname=\"crucible.ops\" name=\"OPS-B: Fails\""
	" time=\"0.002\">\n"
	"\t\t\t<failure message=\"2 problems\" type=\"high\">"
	"a.yaml:4 first\nb.yaml second\nRemediation: Fix it.\n</failure>\n"
	"\t\t</testcase>\n"
	"\t\t<testcase classname=\"crucible.ops\" name=\"OPS-C\" time=\"0.003\">\n"
	"\t\t\t<system-out>warning (low): meh\nRemediation: Consider it.\n"
	"</system-out>\n"
	"\t\t</testcase>\n"
	"\t\t<testcase classname=\"crucible.ops\" name=\"OPS-D: Skips\""
	" time=\"0.004\">\n"
	"\t\t\t<skipped message=\"not applicable\"/>\n"
	"\t\t</testcase>\n"
	"\t\t<testcase classname=\"crucible.ops\" name=\"OPS-E: Errs\""
	" time=\"0.005\">\n"
	"\t\t\t<error message=\"boom\">boom</error>\n"
	"\t\t</testcase>\n"
	"\t</testsuite>\n"
	"</testsuites>\n";

static cr_report *small_report(void)
{
	static const fx_policy_spec policies[] = {
		{ "OPS-A", "ops", CR_SEV_LOW, CR_STATUS_PASS, "Passes", "ok",
			"Nothing.", 1 },
		{ "OPS-B", "ops", CR_SEV_HIGH, CR_STATUS_FAIL, "Fails",
			"2 problems", "Fix it.", 2 },
		{ "OPS-C", "ops", CR_SEV_LOW, CR_STATUS_WARN, NULL, "meh",
			"Consider it.", 3 },
		{ "OPS-D", "ops", CR_SEV_INFO, CR_STATUS_SKIP, "Skips",
			"not applicable", NULL, 4 },
		{ "OPS-E", "ops", CR_SEV_CRITICAL, CR_STATUS_ERROR, "Errs", "boom",
			NULL, 5 },
	};
	static const fx_finding_spec findings[] = {
		{ "OPS-B", CR_SEV_HIGH, CR_STATUS_FAIL, "first", "a.yaml", 4,
			NULL, false },
		{ "OPS-B", CR_SEV_HIGH, CR_STATUS_FAIL, "second", "b.yaml", 0,
			NULL, false },
	};
	cr_report *r = fx_empty_report("/work/small");

	fx_category(r, "ops", "Operations & more", 2.5, 40);
	for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
		fx_policy(r, &policies[i]);
	for (size_t i = 0; i < sizeof findings / sizeof findings[0]; i++)
		fx_finding(r, &findings[i]);
	return r;
}

static void test_whole_document(void **state)
{
	cr_report *r = small_report();
	char *xml = junit(r);

	(void)state;
	assert_string_equal(xml, expected_small);
	assert_valid_junit(xml);
	free(xml);
	cr_report_free(r);
}

/* --- every status, waivers, baselines ---------------------------------- */

static void test_counts(void **state)
{
	cr_report *r = fx_sample_report();
	char *xml = junit(r);

	(void)state;
	assert_contains(xml, "<testsuites name=\"crucible\" tests=\"10\" "
		"failures=\"4\" errors=\"1\" skipped=\"1\" time=\"1.532\">\n");
	assert_contains(xml, "\t<testsuite name=\"Secret management\" tests=\"2\" "
		"failures=\"2\" errors=\"0\" skipped=\"0\" time=\"1.506\">\n");
	assert_contains(xml, "\t<testsuite name=\"Operational readiness\" "
		"tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"0\" "
		"time=\"0.014\">\n");
	assert_contains(xml, "\t<testsuite name=\"Documentation\" tests=\"2\" "
		"failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.002\">\n");
	assert_contains(xml, "\t<testsuite name=\"Supply chain\" tests=\"2\" "
		"failures=\"0\" errors=\"1\" skipped=\"1\" time=\"0.010\">\n");
	assert_contains(xml, "\t\t\t<property name=\"score\" "
		"value=\"not scored\"/>\n");
	assert_valid_junit(xml);
	free(xml);
	cr_report_free(r);
}

static void test_outcomes(void **state)
{
	cr_report *r = fx_sample_report();
	char *xml = junit(r);

	(void)state;
	/* A failure lists its active findings and the remediation; the
	 * waived one is only in system-out, with its reason. */
	assert_contains(xml, "\t\t<testcase classname=\"crucible.secrets\" "
		"name=\"SEC-TRACKED-SECRET-FILES: No secret files tracked in git\" "
		"time=\"1.500\">\n"
		"\t\t\t<failure message=\"secret files are tracked\" "
		"type=\"critical\">config/prod.env:3 AWS access key\n"
		"deploy/key.pem private key [in baseline]\n"
		"Remediation: Remove them and rotate the credentials.\n</failure>\n"
		"\t\t\t<system-out>waived (fake key used by the tests): "
		"tests/fixture.pem:1 test fixture key\n</system-out>\n"
		"\t\t</testcase>\n");
	/* A warning passes, and says why in system-out. */
	assert_contains(xml, "name=\"OPS-DOCKER-NONROOT: Containers run as "
		"non-root\" time=\"0.005\">\n"
		"\t\t\t<system-out>warning (high): USER not set\n"
		"Dockerfile:1 no USER instruction\n"
		"Remediation: Add a USER instruction.\n</system-out>\n");
	/* Waived findings never make a failure. */
	assert_contains(xml, "name=\"DOC-LICENSE: License declared\" "
		"time=\"0.001\">\n"
		"\t\t\t<system-out>waived (no reason given): no LICENSE file\n"
		"</system-out>\n");
	assert_contains(xml, "\t\t<testcase classname=\"crucible.docs\" "
		"name=\"DOC-README: README present\" time=\"0.001\"/>\n");
	assert_contains(xml, "\t\t\t<skipped message=\"no container images\"/>\n");
	assert_contains(xml, "\t\t\t<error message=\"instruction budget "
		"exhausted\">instruction budget exhausted</error>\n");
	assert_contains(xml, "<failure message=\"no CODEOWNERS file\" "
		"type=\"low\">Remediation: Add a CODEOWNERS file.\n</failure>");
	/* No cap on evidence here: the 25th finding is listed. */
	assert_contains(xml, "k8s/deploy-24.yaml:25 no readinessProbe\n");
	free(xml);
	cr_report_free(r);
}

static void test_empty_report(void **state)
{
	cr_report *r;
	char *xml;

	(void)state;
	assert_int_equal(cr_report_new(&r), CR_OK);
	xml = junit(r);
	assert_string_equal(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"crucible\" tests=\"0\" failures=\"0\" "
		"errors=\"0\" skipped=\"0\" time=\"0.000\">\n</testsuites>\n");
	assert_valid_junit(xml);
	free(xml);
	cr_report_free(r);
}

/* --- hostile text -------------------------------------------------------- */

/* FX_HOSTILE in XML: markup characters as entities, control bytes, bytes
 * that are not UTF-8 (one U+FFFD each) and U+FFFE as U+FFFD, valid
 * characters kept.  In an
 * attribute the line break is a character reference. */
#define HOSTILE_HEAD "&lt;script&gt;alert(1)&lt;/script&gt; | **bold** " \
	"_em_ `tick` [link](javascript:alert(1)) &amp;amp; &quot;q&quot; " \
	"&apos;a&apos;"
#define HOSTILE_TAIL "# injected\xef\xbf\xbd\xef\xbf\xbd[31m" \
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" \
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" \
	"\xef\xbf\xbd caf\xc3\xa9 \xf0\x9f\x9a\x80"
#define HOSTILE_ATTR HOSTILE_HEAD "&#10;" HOSTILE_TAIL
#define HOSTILE_TEXT HOSTILE_HEAD "\n" HOSTILE_TAIL

static void test_hostile_text(void **state)
{
	cr_report *r = fx_hostile_report();
	char *xml = junit(r);

	(void)state;
	assert_contains(xml, "\t<testsuite name=\"Evil | title &lt;b&gt;"
		HOSTILE_ATTR "\" tests=\"3\" failures=\"1\" errors=\"1\" "
		"skipped=\"1\"");
	assert_contains(xml, "<property name=\"category\" "
		"value=\"evil&lt;&amp;&gt;\"/>");
	assert_contains(xml, "\t\t<testcase classname=\"crucible.evil&lt;&amp;&gt;\""
		" name=\"EVIL-*ID*: " HOSTILE_ATTR "\" time=\"0.001\">\n"
		"\t\t\t<failure message=\"" HOSTILE_ATTR "\" type=\"critical\">"
		"we`ird``path|x.txt:7 " HOSTILE_TEXT "\n"
		"`edge` 1. not a list\n"
		"+ not an item\n"
		"Remediation: " HOSTILE_TEXT "\n</failure>\n"
		"\t\t\t<system-out>waived (" HOSTILE_TEXT "): x\n# injected-path "
		"- not an item\n</system-out>\n");
	assert_contains(xml, "<skipped message=\"" HOSTILE_ATTR "\"/>");
	assert_contains(xml, "<error message=\"" HOSTILE_ATTR "\">"
		HOSTILE_TEXT "</error>");
	for (const unsigned char *p = (const unsigned char *)xml; *p; p++)
		assert_true(*p >= 0x20 || *p == '\n' || *p == '\t');
	fx_assert_valid_utf8(xml);
	assert_valid_junit(xml);
	free(xml);
	cr_report_free(r);
}

static void test_white_space_and_bad_times(void **state)
{
	const fx_policy_spec specs[] = {
		{ "P-1", "c", CR_SEV_LOW, CR_STATUS_FAIL, "a\tb", "x\r\ny\tz",
			NULL, -1 },
		{ "P-2", "c", CR_SEV_LOW, CR_STATUS_PASS, "t", NULL, NULL, NAN },
		{ "P-3", "c", CR_SEV_LOW, CR_STATUS_PASS, "t", NULL, NULL,
			INFINITY },
	};
	cr_report *r = fx_empty_report("/w");
	char *xml;

	(void)state;
	fx_category(r, "c", "C", 1, 0);
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
		fx_policy(r, &specs[i]);
	xml = junit(r);
	/* No duration can make a time invalid. */
	assert_contains(xml, " tests=\"3\" failures=\"1\" errors=\"0\" "
		"skipped=\"0\" time=\"0.000\">\n\t<testsuite");
	assert_contains(xml, " name=\"P-1: a&#9;b\" time=\"0.000\"");
	assert_contains(xml, " name=\"P-2: t\" time=\"0.000\"/>");
	assert_contains(xml, " name=\"P-3: t\" time=\"0.000\"/>");
	assert_contains(xml, "<failure message=\"x&#13;&#10;y&#9;z\" "
		"type=\"low\"></failure>");
	assert_valid_junit(xml);
	free(xml);
	cr_report_free(r);
}

/* --- the validator itself ----------------------------------------------- */

/* The check is worth something only if it can fail: a document that is
 * not well-formed, and one that breaks the schema, are refused. */
static void test_validator_refuses_bad_documents(void **state)
{
	(void)state;
	assert_int_not_equal(xmllint("<testsuites name=\"crucible\" tests=\"0\""
		" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\">"
		"<oops & </testsuites>\n"), 0);
	assert_int_not_equal(xmllint("<testsuites name=\"crucible\" tests=\"1\""
		" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\">"
		"<testsuite name=\"c\" tests=\"1\" failures=\"1\" errors=\"0\""
		" skipped=\"0\" time=\"0.000\"><properties><property name=\"a\""
		" value=\"b\"/></properties><testcase classname=\"crucible.c\""
		" name=\"P\" time=\"0.000\"><failure type=\"severe\">x</failure>"
		"</testcase></testsuite></testsuites>\n"), 0);
}

static void test_write_error(void **state)
{
	cr_report *r = fx_sample_report();
	FILE *f = fopen("/dev/full", "w");
	cr_ctx *ctx;

	(void)state;
	assert_non_null(f);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_render_junit(r, f, ctx), CR_EIO);
	assert_non_null(strstr(cr_ctx_error(ctx), "JUnit"));
	fclose(f);
	cr_ctx_free(ctx);
	cr_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_document),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_empty_report),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_white_space_and_bad_times),
		cmocka_unit_test(test_validator_refuses_bad_documents),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
