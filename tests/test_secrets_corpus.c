/*
 * test_secrets_corpus.c - detection quality of the built-in rules on a
 * labelled corpus (tests/fixtures/secrets-corpus/, written by
 * bench/secrets/corpus.py): realistic configs, source, lockfiles,
 * minified code, data URIs, certificates and docs, with secrets planted
 * on the lines its LABELS file lists.
 *
 * Every file is scanned as the collector scans it; a finding on a
 * labelled line (of the labelled rule, unless the label says "*") is a
 * true positive, any other finding a false alarm, a label nothing found
 * a miss.  Precision and recall are printed and must stay above floors:
 * a rule change that costs detection or adds noise fails here, with the
 * offending findings listed.
 */
#include "tests/helpers.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/secrets.h"

#define CORPUS CRUCIBLE_FIXTURES "/secrets-corpus"
#define LABELS_FILE "LABELS"
#define PRECISION_FLOOR 0.95
#define RECALL_FLOOR 0.95
#define MAX_LABELS 256

struct label {
	char path[256];
	unsigned line;
	char rule[64];      /* "*": any rule */
	bool found;
};

struct corpus {
	cr_secret_scanner *scanner;
	struct label labels[MAX_LABELS];
	size_t label_count;
	size_t true_pos, false_pos, files;
};

/* nftw() takes no argument for its callback. */
static struct corpus *current;

static void read_labels(struct corpus *c)
{
	char *text = th_read(CORPUS "/" LABELS_FILE);
	char *save = NULL;

	assert_non_null(text);
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct label *lb = &c->labels[c->label_count];

		if (l[0] == '#')
			continue;
		assert_true(c->label_count < MAX_LABELS);
		assert_int_equal(sscanf(l, "%255s %u %63s", lb->path,
			&lb->line, lb->rule), 3);
		c->label_count++;
	}
	free(text);
}

static struct label *label_of(struct corpus *c, const char *path,
	unsigned line, const char *rule)
{
	for (size_t i = 0; i < c->label_count; i++) {
		struct label *lb = &c->labels[i];

		if (lb->line == line && strcmp(lb->path, path) == 0 &&
		    (strcmp(lb->rule, "*") == 0 ||
		     strcmp(lb->rule, rule) == 0))
			return lb;
	}
	return NULL;
}

static int scan_file(const char *full, const struct stat *st, int type,
	struct FTW *ftw)
{
	const char *path = full + strlen(CORPUS) + 1;
	const cr_secret_match *m;
	char *text;
	size_t n;

	(void)st;
	(void)ftw;
	if (type != FTW_F || strcmp(path, LABELS_FILE) == 0)
		return 0;
	text = th_read(full);
	assert_non_null(text);
	assert_int_equal(cr_secret_scan(&m, &n, current->scanner, path, text,
		strlen(text)), CR_OK);
	for (size_t i = 0; i < n; i++) {
		struct label *lb = label_of(current, path, m[i].line,
			m[i].rule->id);

		/* A second finding on a labelled line counts once. */
		if (lb && !lb->found) {
			lb->found = true;
			current->true_pos++;
		} else if (!lb) {
			current->false_pos++;
			printf("false alarm: %s:%u %s\n", path, m[i].line,
				m[i].rule->id);
		}
	}
	current->files++;
	free(text);
	return 0;
}

static void test_precision_and_recall(void **state)
{
	struct corpus *c = calloc(1, sizeof *c);
	cr_secret_rules *rules = NULL;
	double precision, recall;
	cr_ctx *ctx = NULL;

	(void)state;
	assert_non_null(c);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_secret_rules_builtin(&rules, ctx), CR_OK);
	assert_int_equal(cr_secret_scanner_new(&c->scanner, ctx, rules), CR_OK);
	read_labels(c);
	assert_true(c->label_count >= 30);
	current = c;
	assert_int_equal(nftw(CORPUS, scan_file, 16, FTW_PHYS), 0);
	for (size_t i = 0; i < c->label_count; i++)
		if (!c->labels[i].found)
			printf("missed: %s:%u %s\n", c->labels[i].path,
				c->labels[i].line, c->labels[i].rule);
	precision = c->true_pos + c->false_pos ?
		(double)c->true_pos / (double)(c->true_pos + c->false_pos) : 0;
	recall = (double)c->true_pos / (double)c->label_count;
	printf("secrets corpus: %zu files, %zu labelled secrets, %zu found, "
	       "%zu false alarms: precision %.3f, recall %.3f\n", c->files,
	       c->label_count, c->true_pos, c->false_pos, precision, recall);
	assert_true(precision >= PRECISION_FLOOR);
	assert_true(recall >= RECALL_FLOOR);
	cr_secret_scanner_free(c->scanner);
	cr_secret_rules_free(rules);
	cr_ctx_free(ctx);
	free(c);
}

/* A label naming a rule the set no longer has could never be found. */
static void test_labels_name_builtin_rules(void **state)
{
	struct corpus *c = calloc(1, sizeof *c);
	cr_secret_rules *rules = NULL;
	cr_ctx *ctx = NULL;

	(void)state;
	assert_non_null(c);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_secret_rules_builtin(&rules, ctx), CR_OK);
	read_labels(c);
	for (size_t i = 0; i < c->label_count; i++) {
		bool known = strcmp(c->labels[i].rule, "*") == 0;

		for (size_t r = 0; !known && r < cr_secret_rules_count(rules);
		     r++)
			known = strcmp(cr_secret_rules_at(rules, r)->id,
				c->labels[i].rule) == 0;
		if (!known)
			printf("unknown rule in LABELS: %s\n",
				c->labels[i].rule);
		assert_true(known);
	}
	cr_secret_rules_free(rules);
	cr_ctx_free(ctx);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precision_and_recall),
		cmocka_unit_test(test_labels_name_builtin_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
