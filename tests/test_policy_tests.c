/*
 * test_policy_tests.c - `crucible test`, end to end with the real binary:
 * the readiness bundle's own cases, a small bundle whose cases pass
 * (YAML and directory forms, git history, params), one with a failing
 * case (exit 1, the differences), invalid test files (exit 2, file:line),
 * JUnit output that xmllint accepts, coverage figures and
 * --coverage-min; and the executable lines coverage is measured against.
 */
#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/coverage.h"

#define FIXTURES CRUCIBLE_FIXTURES "/policy_tests"

#define assert_has(text, needle) do { \
	if (!strstr((text), (needle))) \
		fail_msg("missing \"%s\" in:\n%s", (needle), (text)); \
} while (0)

#define assert_lacks(text, needle) do { \
	if (strstr((text), (needle))) \
		fail_msg("unexpected \"%s\" in:\n%s", (needle), (text)); \
} while (0)

static size_t count_lines_starting(const char *text, const char *prefix)
{
	size_t n = 0;

	for (const char *s = text; s && *s; s = strchr(s, '\n'),
	     s = s ? s + 1 : NULL)
		n += strncmp(s, prefix, strlen(prefix)) == 0;
	return n;
}

static void test_readiness_cases_pass(void **state)
{
	th_run r;

	(void)state;
	r = th_crucible(NULL, (const char *[]){ "test",
		CRUCIBLE_SOURCE_DIR "/policies/readiness", NULL });
	if (r.status != 0)
		fail_msg("exit %d:\n%s%s", r.status, r.out, r.err);
	assert_has(r.out, " passed, 0 failed, ");
	assert_has(r.out, "policies without tests: ");
	assert_has(r.out, "PASS documentation/readme.lua: no README fails\n");
	assert_has(r.out, "PASS hygiene/history.lua: two-authors\n");
	assert_lacks(r.out, "FAIL ");
	/* Each of the nine tested policies has a passing and a failing
	 * (or warning) case. */
	assert_true(count_lines_starting(r.out, "PASS ") >= 20);
	th_run_free(&r);
}

static void test_passing_bundle(void **state)
{
	th_run r;

	(void)state;
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/mini",
		NULL });
	if (r.status != 0)
		fail_msg("exit %d:\n%s%s", r.status, r.out, r.err);
	assert_has(r.out, "PASS checks/readme.lua: readme present\n");
	assert_has(r.out, "PASS checks/readme.lua: short readme warns with "
		"params\n");
	/* git: true, git history with a delete, and a case directory whose
	 * tree holds a .lua file the bundle loader must not take for a
	 * policy. */
	assert_has(r.out, "PASS checks/tags.lua: one commit fails\n");
	assert_has(r.out, "PASS checks/tags.lua: no git skips\n");
	assert_has(r.out, "PASS checks/tags.lua: two-commits\n");
	assert_has(r.out, "6 passed, 0 failed, 0 policies without tests\n");
	assert_lacks(r.out, "extra");
	th_run_free(&r);
}

static void test_failing_case(void **state)
{
	th_run r;

	(void)state;
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/failing",
		NULL });
	assert_int_equal(r.status, 1);
	assert_has(r.out, "PASS checks/readme.lua: readme present\n");
	assert_has(r.out, "FAIL checks/readme.lua: wrong expectation "
		"(checks/readme.test.yml:6)\n"
		"    expected status pass, got warn: README.md is short\n"
		"      - missing finding: README.md: /is long/\n"
		"      + unexpected finding: README.md: README.md is short\n");
	assert_has(r.out, "1 passed, 1 failed, 1 policies without tests: "
		"MINI-TAGS (checks/tags.lua)\n");
	th_run_free(&r);
}

static void test_run_filter(void **state)
{
	th_run r;

	(void)state;
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/failing",
		"--run", "present$", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.out, "1 passed, 0 failed");
	assert_lacks(r.out, "wrong expectation");
	th_run_free(&r);

	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/failing",
		"--run", "(", NULL });
	assert_int_equal(r.status, 2);
	assert_has(r.err, "--run: ");
	th_run_free(&r);
}

static void test_invalid_test_file(void **state)
{
	th_run r;

	(void)state;
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/broken",
		NULL });
	assert_int_equal(r.status, 2);
	assert_has(r.err, "checks/readme.test.yml:1: missing required key "
		"\"expect\"");
	assert_has(r.err, "checks/readme.test.yml:6: a file path must be "
		"relative");
	assert_has(r.err, "checks/readme.test.yml:8: status must be one of");
	assert_lacks(r.err, "expect must give");
	assert_lacks(r.out, "PASS");
	th_run_free(&r);
}

static void test_junit(void **state)
{
	char *dir = th_tempdir(), *xml, *path;
	th_run r;

	(void)state;
	if (asprintf(&path, "%s/results.xml", dir) < 0)
		fail();
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/failing",
		"--format", "junit", "--output", path, NULL });
	assert_int_equal(r.status, 1);
	assert_has(r.err, "1 passed, 1 failed");
	th_run_free(&r);
	assert_int_equal(th_sh(dir, "xmllint --noout results.xml"), 0);
	xml = th_read(path);
	assert_non_null(xml);
	assert_has(xml, "<testsuite name=\"checks/readme.lua\" tests=\"2\" "
		"failures=\"1\"");
	assert_has(xml, "name=\"MINI-README: readme present\"");
	assert_has(xml, "  + unexpected finding: README.md: README.md is "
		"short\n</failure>");
	free(xml);
	free(path);
	th_rmtree(dir);
	free(dir);
}

static void test_coverage(void **state)
{
	th_run r;

	(void)state;
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/mini",
		"--coverage", NULL });
	assert_int_equal(r.status, 0);
	assert_has(r.out, "coverage:\n");
	assert_has(r.out, "100.0%   13/13   checks/readme.lua\n");
	assert_has(r.out, "100.0%   12/12   checks/tags.lua\n");
	assert_has(r.out, "100.0%   25/25   overall\n");
	th_run_free(&r);

	/* Only the README cases: the missing branch and tags.lua show. */
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/mini",
		"--run", "readme present", "--coverage-min", "50", NULL });
	assert_int_equal(r.status, 1);
	assert_has(r.out, "checks/readme.lua  missed 11, 14\n");
	assert_has(r.out, "  0.0%    0/12   checks/tags.lua  missed ");
	assert_has(r.err, "coverage of checks/tags.lua is 0.0%, under the "
		"minimum of 50%");
	assert_lacks(r.err, "coverage of checks/readme.lua");
	th_run_free(&r);
}

static void test_usage_errors(void **state)
{
	th_run r;

	(void)state;
	r = th_crucible(NULL, (const char *[]){ "test", NULL });
	assert_int_equal(r.status, 2);
	th_run_free(&r);
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/mini",
		"--coverage-min", "101", NULL });
	assert_int_equal(r.status, 2);
	th_run_free(&r);
	r = th_crucible(NULL, (const char *[]){ "test", FIXTURES "/nothing",
		NULL });
	assert_int_equal(r.status, 2);
	th_run_free(&r);
}

/* --- executable lines ------------------------------------------------------ */

static void assert_lines(const cr_lines *s, const uint32_t *want, size_t n,
	uint32_t upto)
{
	size_t k = 0;

	for (uint32_t line = 1; line <= upto; line++) {
		bool expected = k < n && want[k] == line;

		if (cr_lines_has(s, line) != expected)
			fail_msg("line %u: expected %s", line,
				expected ? "code" : "no code");
		k += expected;
	}
}

static void test_executable_lines(void **state)
{
	static const char chunk[] =
		"local x = 1\n"             /* 1 */
		"local function f(a)\n"     /* 2: no code of its own */
		"  if a then\n"             /* 3 */
		"    return 1\n"            /* 4 */
		"  end\n"                   /* 5 */
		"  return 2\n"              /* 6 */
		"end\n"                     /* 7: the closure is made here */
		"return f(x)\n";            /* 8: the RETURN after the tail
					       call never runs */
	static const uint32_t want[] = { 1, 3, 4, 6, 7, 8 };
	cr_lines s;

	(void)state;
	assert_int_equal(cr_coverage_executable(&s, NULL, "=t", chunk,
		sizeof chunk - 1), CR_OK);
	assert_lines(&s, want, sizeof want / sizeof *want, 20);
	cr_lines_release(&s);
	assert_int_equal(cr_coverage_executable(&s, NULL, "=t", "x = = 1", 7),
		CR_EPARSE);
}

/* Long functions and big gaps between lines make Lua store absolute line
 * numbers every so often instead of deltas. */
static void test_executable_lines_far_apart(void **state)
{
	char *src = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&src, &len);
	uint32_t want[400];
	size_t n = 0;
	uint32_t line = 1;
	cr_lines s;

	(void)state;
	fputs("local t = {}\n", f);
	want[n++] = line++;
	for (int i = 0; i < 300; i++, line++) {
		fprintf(f, "t[%d] = %d\n", i, i);
		want[n++] = line;
	}
	for (int i = 0; i < 500; i++, line++)
		fputc('\n', f);
	fputs("return t\n", f);
	want[n++] = line;
	fclose(f);
	assert_int_equal(cr_coverage_executable(&s, NULL, "=t", src, len),
		CR_OK);
	assert_lines(&s, want, n, line + 5);
	cr_lines_release(&s);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readiness_cases_pass),
		cmocka_unit_test(test_passing_bundle),
		cmocka_unit_test(test_failing_case),
		cmocka_unit_test(test_run_filter),
		cmocka_unit_test(test_invalid_test_file),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_executable_lines),
		cmocka_unit_test(test_executable_lines_far_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
