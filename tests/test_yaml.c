/*
 * test_yaml.c - the YAML tree reader (compiler/yaml.c) in its two modes:
 * crucible's own files (one document, no aliases) and other tools' files
 * (streams of documents, aliases and merge keys expanded within a node
 * budget, so that alias bombs fail fast).
 */
#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/yaml.h"

static int parse_all(cr_ydocs *docs, cr_problems *p, const char *text,
	size_t max_nodes)
{
	*p = (cr_problems){ .file = "t.yaml" };
	return cr_yaml_parse_all(docs, p, text, strlen(text), max_nodes);
}

static const char *text_at(const cr_ynode *map, const char *a,
	const char *b)
{
	const cr_ynode *v = cr_ymap_get(map, a);

	return cr_ynode_text(b ? cr_ymap_get(v, b) : v);
}

static void test_stream_keeps_every_document_with_lines(void **state)
{
	static const char text[] =
		"apiVersion: v1\nkind: Service\n"
		"---\n"
		"---\n"
		"# comment\nkind: Deployment\nmetadata:\n  name: web\n";
	cr_problems p;
	cr_ydocs docs;

	(void)state;
	assert_int_equal(parse_all(&docs, &p, text, 1000), CR_OK);
	assert_int_equal(docs.count, 3);
	assert_string_equal(text_at(docs.docs[0], "kind", NULL), "Service");
	assert_true(cr_ynode_is_null(docs.docs[1]));
	assert_string_equal(text_at(docs.docs[2], "metadata", "name"), "web");
	assert_int_equal(cr_ymap_get(docs.docs[2], "kind")->line, 6);
	cr_ydocs_release(&docs);
	cr_problems_release(&p);
}

static void test_aliases_and_merge_keys_expand(void **state)
{
	static const char text[] =
		".defaults: &defaults\n"
		"  image: node:20\n"
		"  retry: 2\n"
		"build:\n"
		"  <<: *defaults\n"
		"  retry: 0\n"
		"test:\n"
		"  <<: [*defaults]\n"
		"  tags: &tags [a, b]\n"
		"  more: *tags\n";
	const cr_ynode *build, *test;
	cr_problems p;
	cr_ydocs docs;

	(void)state;
	assert_int_equal(parse_all(&docs, &p, text, 1000), CR_OK);
	build = cr_ymap_get(docs.docs[0], "build");
	test = cr_ymap_get(docs.docs[0], "test");
	assert_null(cr_ymap_get(build, "<<"));
	assert_string_equal(text_at(build, "image", NULL), "node:20");
	/* The mapping's own key wins over the merged one. */
	assert_string_equal(text_at(build, "retry", NULL), "0");
	assert_string_equal(text_at(test, "retry", NULL), "2");
	assert_int_equal(cr_ymap_get(test, "more")->count, 2);
	/* A merged value keeps the line where it is written. */
	assert_int_equal(cr_ymap_get(build, "image")->line, 2);
	cr_ydocs_release(&docs);
	cr_problems_release(&p);
}

static void test_alias_bomb_is_an_error(void **state)
{
	char text[2048];
	size_t n = 0;
	cr_problems p;
	cr_ydocs docs;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof text - n,
		"a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
			"a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
			"*a%d, *a%d, *a%d]\n", i, i, i - 1, i - 1, i - 1, i - 1,
			i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	assert_int_equal(parse_all(&docs, &p, text, 200000), CR_EPARSE);
	assert_non_null(strstr(p.text, "too many nodes"));
	cr_ydocs_release(&docs);
	cr_problems_release(&p);
}

static void test_bad_aliases_are_errors(void **state)
{
	cr_problems p;
	cr_ydocs docs;

	(void)state;
	assert_int_equal(parse_all(&docs, &p, "a: *nowhere\n", 100), CR_EPARSE);
	assert_non_null(strstr(p.text, "t.yaml:1: alias *nowhere has no anchor"));
	cr_ydocs_release(&docs);
	cr_problems_release(&p);

	assert_int_equal(parse_all(&docs, &p, "a: &x [1, *x]\n", 100),
		CR_EPARSE);
	assert_non_null(strstr(p.text, "refers to itself"));
	cr_ydocs_release(&docs);
	cr_problems_release(&p);

	/* Anchors do not leak from one document into the next. */
	assert_int_equal(parse_all(&docs, &p, "a: &x 1\n---\nb: *x\n", 100),
		CR_EPARSE);
	assert_int_equal(docs.count, 1);
	cr_ydocs_release(&docs);
	cr_problems_release(&p);
}

static void test_documents_before_a_broken_one_are_kept(void **state)
{
	static const char text[] =
		"kind: A\n---\nkind: B\n---\nkind: [unclosed\n";
	cr_problems p;
	cr_ydocs docs;

	(void)state;
	assert_int_equal(parse_all(&docs, &p, text, 1000), CR_EPARSE);
	assert_int_equal(docs.count, 2);
	assert_string_equal(text_at(docs.docs[1], "kind", NULL), "B");
	assert_int_equal(p.count, 1);
	cr_ydocs_release(&docs);
	cr_problems_release(&p);
}

static void test_own_files_still_refuse_aliases(void **state)
{
	cr_problems p = { .file = "bundle.yml" };
	cr_ynode *root = NULL;

	(void)state;
	assert_int_equal(cr_yaml_parse(&root, &p, "a: &x 1\nb: *x\n", 14),
		CR_EPARSE);
	assert_non_null(strstr(p.text, "aliases are not allowed"));
	assert_null(root);
	cr_problems_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_keeps_every_document_with_lines),
		cmocka_unit_test(test_aliases_and_merge_keys_expand),
		cmocka_unit_test(test_alias_bomb_is_an_error),
		cmocka_unit_test(test_bad_aliases_are_errors),
		cmocka_unit_test(test_documents_before_a_broken_one_are_kept),
		cmocka_unit_test(test_own_files_still_refuse_aliases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
