/*
 * secrets_internal.h - what the rule loader (secrets_rules.c) and the
 * scanner (secrets_scan.c) share, and what the tests need beyond the
 * public API: a rule's examples and a scan restricted to one rule.
 *
 * Rules and allowlist regexes are reference-counted so that an overlay
 * shares the compiled (and JIT-compiled) code of its base instead of
 * compiling it again.
 */
#ifndef CRUCIBLE_FACTS_SECRETS_INTERNAL_H
#define CRUCIBLE_FACTS_SECRETS_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "crucible/secrets.h"
#include "facts/aho.h"

/* The built-in rule file, embedded at build time by tools/embed_file.c. */
extern const char cr_secret_rules_yml[];
extern const size_t cr_secret_rules_yml_len;

/* A compiled regex with its source (for the digest). */
typedef struct cr_secret_re {
	int refs;
	char *source;
	pcre2_code *code;
} cr_secret_re;

typedef struct cr_secret_strings {
	char **items;
	size_t count;
} cr_secret_strings;

typedef struct cr_secret_allow {
	cr_secret_re **values;    /* the secret matching any is dropped */
	size_t value_count;
	cr_secret_strings paths;  /* globs */
	cr_secret_strings stopwords;  /* lower case */
} cr_secret_allow;

typedef struct cr_secret_rule_data {
	cr_secret_rule pub;       /* first: rules hand out &pub */
	int refs;
	unsigned line;
	cr_secret_re *regex;
	uint32_t secret_group;
	double entropy;
	cr_secret_strings keywords;   /* lower case */
	cr_secret_strings paths;
	cr_secret_allow allow;
	cr_secret_strings tp;
	cr_secret_strings fp;
} cr_secret_rule_data;

struct cr_secret_rules {
	cr_secret_rule_data **rules;  /* in file order: first wins overlaps */
	size_t count;
	cr_secret_allow allow;
	cr_aho *prefilter;            /* tag = index in rules */
	uint32_t max_groups;          /* for the match data */
	char digest[7 + 64 + 1];
};

/* Whether the whole of `s` matches one of the allowlist's regexes, or
 * contains one of its stopwords.  `md` is scratch match data. */
bool cr_secret_allow_value(const cr_secret_allow *a, const char *s,
	size_t len, pcre2_match_data *md, pcre2_match_context *mctx);
bool cr_secret_allow_path(const cr_secret_allow *a, const char *path);

/* The tp or fp examples of rule i (the strings stay owned by r). */
const cr_secret_strings *cr_secret_rules_examples(const cr_secret_rules *r,
	size_t i, bool positive);

/* A path the rule's path globs accept ("example.txt" without globs): the
 * examples are scanned as a file at this path. */
void cr_secret_rules_example_path(char *out, size_t size,
	const cr_secret_rules *r, size_t i);

/* cr_secret_scan() reporting only the rule at `index`, without the
 * overlap resolution against other rules: what the examples test runs. */
int cr_secret_scan_rule(const cr_secret_match **matches, size_t *count,
	cr_secret_scanner *s, size_t index, const char *path, const char *buf,
	size_t len);

#endif
