/*
 * test_glob.c - cr_glob_match: the syntax of glob.h and the conventions
 * documented in stdlib/glob.c, edge cases, and pathological patterns that
 * must finish quickly.
 */
#include "tests/helpers.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crucible/glob.h"

struct glob_case {
	const char *pattern;
	const char *path;
	bool match;
};

static void check_cases(const struct glob_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool got = cr_glob_match(cases[i].pattern, cases[i].path);

		if (got != cases[i].match)
			fail_msg("glob '%s' on '%s': expected %s, got %s",
				cases[i].pattern, cases[i].path,
				cases[i].match ? "match" : "no match",
				got ? "match" : "no match");
	}
}

#define CHECK(cases) check_cases(cases, sizeof cases / sizeof cases[0])

static void test_star_and_question(void **state)
{
	static const struct glob_case cases[] = {
		{"*.pem", "key.pem", true},
		{"*.pem", "a/b/key.pem", true},
		{"*.pem", "key.pem.bak", false},
		{"*.pem", "a.pem/key", false},
		{"*.pem", ".pem", true},
		{"key.*", "key.pem", true},
		{"*", "anything", true},
		{"*", "a/b", true},
		{"a*b", "ab", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbc", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "abbc", false},
		{"src/*.c", "src/main.c", true},
		{"src/*.c", "src/sub/main.c", false},
		{"src/*.c", "other/src/main.c", false},
		{"src/?/x", "src/a/x", true},
		{"src/?/x", "src/ab/x", false},
		{"*/x", "a/x", true},
		{"*/x", "a/b/x", false},
		{"a**b", "axxb", true},
		{"a**b", "ax/xb", false},
		{"Makefile", "Makefile", true},
		{"Makefile", "sub/Makefile", true},
		{"Makefile", "makefile", false},
		{"", "", false},
		{"", "a", false},
	};

	(void)state;
	CHECK(cases);
}

static void test_globstar(void **state)
{
	static const struct glob_case cases[] = {
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"a/**/b", "x/a/b", false},
		{"a/**/b", "a/bb", false},
		{"**/*.pem", "k.pem", true},
		{"**/*.pem", "d/k.pem", true},
		{"**/*.pem", "d/e/f/k.pem", true},
		{"**/*.pem", "d/k.pem.txt", false},
		{"**", "a", true},
		{"**", "a/b/c", true},
		{"/**", "a/b", true},
		{"secrets/**", "secrets/a", true},
		{"secrets/**", "secrets/a/b/c", true},
		{"secrets/**", "secrets", false},
		{"secrets/**", "other/secrets/a", false},
		{"secrets/**", "secretsx/a", false},
		{"**/secrets/**", "a/secrets/b", true},
		{"**/secrets/**", "secrets/b", true},
		{"**/secrets/**", "a/secrets", false},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/c/y/b", false},
		{"**/b", "b", true},
		{"**/b", "a/b", true},
		{"**/b", "a/bb", false},
		{"a/**", "a/b/c", true},
		{"a/**/", "a/b", true},
		{"a/**/", "a", false},
		{".github/workflows/*.yml", ".github/workflows/ci.yml", true},
		{".github/workflows/*.yml", ".github/workflows/a/b.yml", false},
		{".github/**/*.yml", ".github/workflows/ci.yml", true},
	};

	(void)state;
	CHECK(cases);
}

static void test_anchor_and_trailing_slash(void **state)
{
	static const struct glob_case cases[] = {
		{"/x", "x", true},
		{"/x", "a/x", false},
		{"/*.pem", "k.pem", true},
		{"/*.pem", "d/k.pem", false},
		{"//x", "x", true},
		{"a/b", "a/b", true},
		{"a/b", "c/a/b", false},
		{"secrets/", "secrets/a", true},
		{"secrets/", "secrets/a/b", true},
		{"secrets/", "x/secrets/a", true},
		{"secrets/", "secrets", false},
		{"secrets/", "secretsx/a", false},
		{"/secrets/", "secrets/a", true},
		{"/secrets/", "x/secrets/a", false},
		{"a/secrets/", "a/secrets/k", true},
		{"a/secrets/", "b/a/secrets/k", false},
	};

	(void)state;
	CHECK(cases);
}

static void test_classes_and_escapes(void **state)
{
	static const struct glob_case cases[] = {
		{"[abc].txt", "a.txt", true},
		{"[abc].txt", "d.txt", false},
		{"[a-c].txt", "b.txt", true},
		{"[a-c].txt", "B.txt", false},
		{"[!a-c].txt", "d.txt", true},
		{"[!a-c].txt", "a.txt", false},
		{"[^a-c].txt", "d.txt", true},
		{"[]x]", "]", true},
		{"[]x]", "x", true},
		{"[!]]", "]", false},
		{"[!]]", "a", true},
		{"[a-]", "-", true},
		{"[-a]", "-", true},
		{"[\\]]", "]", true},
		{"[a\\-c]", "-", true},
		{"[a\\-c]", "b", false},
		{"[abc", "[abc", true},
		{"[abc", "a", false},
		{"x[", "x[", true},
		{"[a/b]", "a/b", false},
		{"\\*", "*", true},
		{"\\*", "a", false},
		{"\\?", "?", true},
		{"\\[a]", "[a]", true},
		{"a\\", "a\\", true},
		{"*.[ch]", "main.c", true},
		{"*.[ch]", "main.h", true},
		{"*.[ch]", "main.o", false},
		{"id_[rd]sa*", "home/.ssh/id_rsa.pub", true},
	};

	(void)state;
	CHECK(cases);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
		(double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_pathological(void **state)
{
	static char path[20001], deep[20001], pattern[4001];
	struct timespec t0;

	(void)state;
	memset(path, 'a', sizeof path - 1);
	for (size_t i = 0; i < sizeof deep - 1; i++)
		deep[i] = i % 2 ? '/' : 'a';
	for (size_t i = 0; i < sizeof pattern - 1; i++)
		pattern[i] = i % 2 ? '/' : '*';
	pattern[sizeof pattern - 2] = 'b';

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_false(cr_glob_match("*a*a*a*a*a*a*b", path));
	assert_true(cr_glob_match("*a*a*a*a*a*a*", path));
	assert_false(cr_glob_match("**/a/**/a/**/a/**/a/**/b", deep));
	assert_true(cr_glob_match("**/a/**/a/**/a/**/a", deep));
	assert_false(cr_glob_match("*****************b", path));
	assert_false(cr_glob_match(pattern, deep));
	/* Backtracking only from the last star keeps this linear; an
	 * exponential matcher would not finish in any time at all. */
	assert_true(seconds_since(&t0) < 10.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_star_and_question),
		cmocka_unit_test(test_globstar),
		cmocka_unit_test(test_anchor_and_trailing_slash),
		cmocka_unit_test(test_classes_and_escapes),
		cmocka_unit_test(test_pathological),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
