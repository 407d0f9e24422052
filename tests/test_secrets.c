/*
 * test_secrets.c - the secret detection engine: every built-in rule's
 * examples, rule files (validation, overlays, digests), the keyword
 * prefilter, the scanner's handling of multi-line and escaped secrets,
 * placeholders, suppression comments and binary input, and redaction and
 * fingerprints.
 *
 * Engine behaviour is tested against tests/fixtures/secrets/rules.yml, a
 * small rule set of our own, so that it does not depend on what the
 * built-in rules happen to contain; the examples test runs the built-in
 * set itself.
 */
#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/glob.h"
#include "crucible/secrets.h"
#include "facts/aho.h"
#include "facts/secrets_internal.h"

#define FIXTURE CRUCIBLE_FIXTURES "/secrets/rules.yml"

/* What most tests work with: the fixture rules and a scanner. */
struct env {
	cr_ctx *ctx;
	cr_secret_rules *rules;
	cr_secret_scanner *scanner;
	const cr_secret_match *m;
	size_t n;
};

static cr_secret_rules *load_rules(cr_ctx *ctx, const cr_secret_rules *base,
	const char *origin, const char *text)
{
	cr_secret_rules *r = NULL;
	int rc = cr_secret_rules_load(&r, ctx, base, origin, text,
		strlen(text));

	if (rc != CR_OK)
		fail_msg("%s: %s", origin, cr_ctx_error(ctx));
	return r;
}

static int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	char *text = th_read(FIXTURE);

	assert_non_null(e);
	assert_non_null(text);
	assert_int_equal(cr_ctx_new(&e->ctx), CR_OK);
	e->rules = load_rules(e->ctx, NULL, FIXTURE, text);
	assert_int_equal(cr_secret_scanner_new(&e->scanner, e->ctx, e->rules),
		CR_OK);
	free(text);
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;

	cr_secret_scanner_free(e->scanner);
	cr_secret_rules_free(e->rules);
	cr_ctx_free(e->ctx);
	free(e);
	return 0;
}

static void scan(struct env *e, const char *path, const char *text)
{
	assert_int_equal(cr_secret_scan(&e->m, &e->n, e->scanner, path, text,
		strlen(text)), CR_OK);
}

static ssize_t rule_index(const cr_secret_rules *r, const char *id)
{
	for (size_t i = 0; i < cr_secret_rules_count(r); i++)
		if (strcmp(cr_secret_rules_at(r, i)->id, id) == 0)
			return (ssize_t)i;
	return -1;
}

/* --- the examples of every built-in rule ---------------------------------- */

/* Whether rule i reports an unsuppressed secret in the example. */
static bool rule_reports(cr_secret_scanner *s, size_t i, const char *path,
	const char *example)
{
	const cr_secret_match *m;
	size_t n;

	assert_int_equal(cr_secret_scan_rule(&m, &n, s, i, path, example,
		strlen(example)), CR_OK);
	for (size_t k = 0; k < n; k++)
		if (!m[k].suppressed)
			return true;
	return false;
}

/* Failures are counted and listed (by rule and example number, never
 * the example itself), so that one run shows them all. */
static size_t check_examples(const cr_secret_rules *r, size_t i,
	cr_secret_scanner *s, bool positive)
{
	const cr_secret_strings *ex = cr_secret_rules_examples(r, i, positive);
	const char *id = cr_secret_rules_at(r, i)->id;
	size_t failures = 0;
	char path[256];

	cr_secret_rules_example_path(path, sizeof path, r, i);
	for (size_t k = 0; k < ex->count; k++)
		if (rule_reports(s, i, path, ex->items[k]) != positive) {
			print_message("rule %s: %s example %zu %s\n", id,
				positive ? "tp" : "fp", k + 1, positive ?
				"is not found" : "is reported");
			failures++;
		}
	return failures;
}

static void test_builtin_examples(void **state)
{
	cr_secret_scanner *s = NULL;
	cr_secret_rules *r = NULL;
	size_t failures = 0;
	cr_ctx *ctx;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	if (cr_secret_rules_builtin(&r, ctx) != CR_OK)
		fail_msg("built-in rules: %s", cr_ctx_error(ctx));
	assert_true(cr_secret_rules_count(r) > 0);
	assert_int_equal(cr_secret_scanner_new(&s, ctx, r), CR_OK);
	for (size_t i = 0; i < cr_secret_rules_count(r); i++)
		failures += check_examples(r, i, s, true) +
			check_examples(r, i, s, false);
	assert_int_equal(failures, 0);
	cr_secret_scanner_free(s);
	cr_secret_rules_free(r);
	cr_ctx_free(ctx);
}

/* --- rule files ---------------------------------------------------------- */

static const char overlay_yml[] =
	"version: 1\n"
	"allow:\n"
	"  values: ['^notasecret']\n"
	"rules:\n"
	"  - id: github-pat\n"
	"    description: GitHub token, short ones too\n"
	"    severity: low\n"
	"    regex: '\\b(ghp_[A-Za-z0-9]{10,36})\\b'\n"
	"    keywords: [GHP_]\n"
	"    examples: {tp: ['ghp_Zq7Rv2LmX9'], fp: ['ghp_']}\n"
	"  - id: slack-bot-token\n"
	"    disabled: true\n"
	"  - id: terraform-acme-key\n"
	"    description: ACME key in Terraform\n"
	"    severity: medium\n"
	"    regex: 'acme_key\\s*=\\s*\"([a-z0-9]{20})\"'\n"
	"    keywords: [acme_key]\n"
	"    paths: ['*.tf']\n"
	"    examples: {tp: ['acme_key = \"q7rvx2lmz9ptw4bk8nd3\"'], "
	"fp: ['acme_key = 1']}\n";

static const char slack[] =
	"SLACK=xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n";

static void test_overlay(void **state)
{
	struct env *e = *state;
	cr_secret_rules *o = load_rules(e->ctx, e->rules, "overlay.yml",
		overlay_yml);
	size_t base_count = cr_secret_rules_count(e->rules);
	ssize_t pat = rule_index(e->rules, "github-pat");
	cr_secret_scanner *so;
	const cr_secret_match *m;
	size_t n;

	/* Replaced in place, one removed, one appended. */
	assert_int_equal(cr_secret_rules_count(o), base_count);
	assert_int_equal(rule_index(o, "github-pat"), pat);
	assert_string_equal(cr_secret_rules_at(o, pat)->severity, "low");
	assert_int_equal(rule_index(o, "slack-bot-token"), -1);
	assert_int_equal(rule_index(o, "terraform-acme-key"), base_count - 1);
	/* The base is untouched. */
	assert_string_equal(cr_secret_rules_at(e->rules, pat)->severity,
		"critical");
	assert_true(rule_index(e->rules, "slack-bot-token") >= 0);
	assert_string_not_equal(cr_secret_rules_digest(o),
		cr_secret_rules_digest(e->rules));

	assert_int_equal(cr_secret_scanner_new(&so, e->ctx, o), CR_OK);
	scan(e, "a.env", slack);
	assert_int_equal(e->n, 1);
	assert_int_equal(cr_secret_scan(&m, &n, so, "a.env", slack,
		strlen(slack)), CR_OK);
	assert_int_equal(n, 0);
	/* The replacement's regex and upper-case keyword work. */
	assert_int_equal(cr_secret_scan(&m, &n, so, "x", "t=ghp_Zq7Rv2LmX9",
		16), CR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].rule->id, "github-pat");
	/* The added rule only applies to its paths. */
	assert_int_equal(cr_secret_scan(&m, &n, so, "infra/main.tf",
		"acme_key = \"q7rvx2lmz9ptw4bk8nd3\"", 33), CR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(cr_secret_scan(&m, &n, so, "infra/main.py",
		"acme_key = \"q7rvx2lmz9ptw4bk8nd3\"", 33), CR_OK);
	assert_int_equal(n, 0);
	/* Allowlists are merged: the overlay's value and the base's. */
	scan(e, "a.env", "PASSWORD=notasecretQ7rv\n");
	assert_int_equal(e->n, 1);
	assert_int_equal(cr_secret_scan(&m, &n, so, "a.env",
		"PASSWORD=notasecretQ7rv\n", 24), CR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(cr_secret_scan(&m, &n, so, "a.env",
		"PASSWORD=${DB_PASSWORD}\n", 24), CR_OK);
	assert_int_equal(n, 0);
	assert_true(cr_secret_rules_path_allowed(o, "web/node_modules/x.js"));

	cr_secret_scanner_free(so);
	cr_secret_rules_free(o);
}

static void test_digest_is_stable(void **state)
{
	struct env *e = *state;
	char *text = th_read(FIXTURE);
	cr_secret_rules *again = load_rules(e->ctx, NULL, FIXTURE, text);
	const char *d = cr_secret_rules_digest(e->rules);

	assert_int_equal(strlen(d), 7 + 64);
	assert_memory_equal(d, "sha256:", 7);
	assert_string_equal(d, cr_secret_rules_digest(again));
	cr_secret_rules_free(again);
	free(text);
}

static const char bad_yml[] =
	"version: 1\n"                                    /* 1 */
	"rules:\n"                                        /* 2 */
	"  - id: bad-regex\n"                             /* 3 */
	"    description: x\n"                            /* 4 */
	"    severity: high\n"                            /* 5 */
	"    regex: '(unclosed'\n"                        /* 6 */
	"    keywords: [unclosed]\n"                      /* 7 */
	"    examples: {tp: [a], fp: [b]}\n"              /* 8 */
	"  - id: unknown-key\n"                           /* 9 */
	"    description: x\n"                            /* 10 */
	"    severity: high\n"                            /* 11 */
	"    regex: 'abc'\n"                              /* 12 */
	"    keywords: [abc]\n"                           /* 13 */
	"    colour: blue\n"                              /* 14 */
	"    examples: {tp: [a], fp: [b]}\n"              /* 15 */
	"  - id: no-keywords\n"                           /* 16 */
	"    description: x\n"                            /* 17 */
	"    severity: high\n"                            /* 18 */
	"    regex: 'abc'\n"                              /* 19 */
	"    examples: {tp: [a], fp: [b]}\n"              /* 20 */
	"  - id: bad-severity\n"                          /* 21 */
	"    description: x\n"                            /* 22 */
	"    severity: urgent\n"                          /* 23 */
	"    regex: 'abc'\n"                              /* 24 */
	"    keywords: [ab]\n"                            /* 25 */
	"    secret_group: 2\n"                           /* 26 */
	"    examples: {tp: [], fp: [b]}\n"               /* 27 */
	"  - id: Bad_Id\n"                                /* 28 */
	"    disabled: true\n";                           /* 29 */

static void test_errors_listed_at_once(void **state)
{
	static const char *const expected[] = {
		"bad.yml:6: regex does not compile",
		"bad.yml:14: unknown key \"colour\"",
		"bad.yml:16: rule \"no-keywords\" lacks the required key "
			"\"keywords\"",
		"bad.yml:23: severity must be one of",
		"bad.yml:25: keyword \"ab\" is shorter",
		"bad.yml:26: secret_group of rule \"bad-severity\"",
		"bad.yml:27: examples.tp must not be empty",
		"bad.yml:28: rule id \"Bad_Id\" must match",
	};
	struct env *e = *state;
	cr_secret_rules *r = (cr_secret_rules *)1;

	assert_int_equal(cr_secret_rules_load(&r, e->ctx, NULL, "bad.yml",
		bad_yml, strlen(bad_yml)), CR_EPARSE);
	assert_null(r);
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
		if (!strstr(cr_ctx_error(e->ctx), expected[i]))
			fail_msg("missing \"%s\" in:\n%s", expected[i],
				cr_ctx_error(e->ctx));
}

static void test_structural_errors(void **state)
{
	static const char *const docs[][2] = {
		{"rules: []\n", "missing required key \"version\""},
		{"version: 2\nrules: []\n", "version must be 1"},
		{"- a\n", "must be a mapping"},
		{"version: 1\nrules: {a: b}\n", "rules must be a list"},
		{"version: 1\nallow: {values: ['(']}\n", "allow value does not "
			"compile"},
		{"version: 1\nrules: [&a {id: x}, *a]\n", "aliases are not "
			"allowed"},
		{"version: 1\nrules:\n  - {id: a-b, disabled: maybe}\n",
			"disabled must be true or false"},
	};
	struct env *e = *state;

	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		cr_secret_rules *r = NULL;

		assert_int_equal(cr_secret_rules_load(&r, e->ctx, NULL, "d.yml",
			docs[i][0], strlen(docs[i][0])), CR_EPARSE);
		if (!strstr(cr_ctx_error(e->ctx), docs[i][1]))
			fail_msg("document %zu: missing \"%s\" in \"%s\"", i,
				docs[i][1], cr_ctx_error(e->ctx));
	}
}

/* --- the prefilter ------------------------------------------------------- */

static cr_aho *build_aho(const char *const *keywords, const size_t *tags,
	size_t n, size_t tag_count)
{
	cr_aho_builder *b;
	cr_aho *a;

	assert_int_equal(cr_aho_builder_new(&b, tag_count), CR_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cr_aho_builder_add(b, keywords[i],
			strlen(keywords[i]), tags[i]), CR_OK);
	assert_int_equal(cr_aho_build(&a, b), CR_OK);
	cr_aho_builder_free(b);
	return a;
}

static bool has_tag(const uint64_t *hits, size_t tag)
{
	return hits[tag / 64] >> (tag % 64) & 1;
}

static void test_prefilter_cases(void **state)
{
	static const char *const kw[] = {"akia", "GHP_", "token", "ken",
		"-----begin"};
	static const size_t tags[] = {0, 1, 2, 3, 100};
	cr_aho *a = build_aho(kw, tags, 5, 101);
	uint64_t hits[2];

	(void)state;
	assert_int_equal(cr_aho_words(a), 2);
	cr_aho_scan(hits, a, "x = AkIaQ3", 10);
	assert_true(has_tag(hits, 0));
	assert_false(has_tag(hits, 1));
	/* A keyword ending the buffer; a prefix of one does not count. */
	cr_aho_scan(hits, a, "abc ghp_", 8);
	assert_true(has_tag(hits, 1));
	cr_aho_scan(hits, a, "abc ghp", 7);
	assert_false(has_tag(hits, 1));
	/* Overlapping keywords: "ken" inside "TOKEN". */
	cr_aho_scan(hits, a, "ToKeN", 5);
	assert_true(has_tag(hits, 2));
	assert_true(has_tag(hits, 3));
	cr_aho_scan(hits, a, "tokken", 6);
	assert_false(has_tag(hits, 2));
	assert_true(has_tag(hits, 3));
	/* Across NUL bytes, and a tag in the second word. */
	cr_aho_scan(hits, a, "\0\0-----BEGIN\0", 13);
	assert_true(has_tag(hits, 100));
	assert_false(has_tag(hits, 0));
	cr_aho_free(a);
}

/* Whether `kw` occurs in buf, ignoring ASCII case. */
static bool naive_find(const char *buf, size_t len, const char *kw)
{
	size_t n = strlen(kw);

	for (size_t p = 0; p + n <= len; p++)
		if (strncasecmp(buf + p, kw, n) == 0)
			return true;
	return false;
}

/* Random keywords over a small alphabet against a naive search, in
 * buffers long enough to be scanned in several lanes, with keywords
 * planted across the lanes' cuts. */
static void test_prefilter_random(void **state)
{
	enum { KEYWORDS = 40, ROUNDS = 400, BUF = 3000, KW_MAX = 8 };
	static char store[KEYWORDS][KW_MAX + 1];
	static char buf[BUF];
	const char *kw[KEYWORDS];
	size_t tags[KEYWORDS];
	uint64_t hits[1];
	cr_aho *a;

	(void)state;
	srand(7);
	for (size_t i = 0; i < KEYWORDS; i++) {
		size_t len = 1 + (size_t)rand() % KW_MAX;

		for (size_t j = 0; j < len; j++)
			store[i][j] = "abcAB"[rand() % 5];
		kw[i] = store[i];
		tags[i] = i;
	}
	a = build_aho(kw, tags, KEYWORDS, KEYWORDS);
	for (int round = 0; round < ROUNDS; round++) {
		size_t len = (size_t)rand() % BUF, cut = len / 4;
		const char *planted = kw[rand() % KEYWORDS];

		for (size_t j = 0; j < len; j++)
			buf[j] = "abcABC"[rand() % 6];
		if (cut > KW_MAX && len > cut + KW_MAX)
			memcpy(buf + cut - (size_t)rand() % strlen(planted) - 1,
				planted, strlen(planted));
		cr_aho_scan(hits, a, buf, len);
		for (size_t i = 0; i < KEYWORDS; i++)
			if (naive_find(buf, len, kw[i]) != has_tag(hits, i))
				fail_msg("round %d, keyword \"%s\": the "
					"prefilter disagrees", round, kw[i]);
	}
	cr_aho_free(a);
}

/* --- scanning ------------------------------------------------------------ */

static const char pem[] =
	"config:\n"
	"  key: |\n"
	"    -----BEGIN RSA PRIVATE KEY-----\n"
	"    MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Q8bKxv+qZ1k0N\n"
	"    r5tq8Lw3VvYcPzXn7K0D2f9gH4jL6mQ1sT8uW0yB3eR5iO7pA\n"
	"    -----END RSA PRIVATE KEY-----\n";

static void test_pem_block(void **state)
{
	struct env *e = *state;

	scan(e, "deploy/values.yml", pem);
	assert_int_equal(e->n, 1);
	assert_string_equal(e->m[0].rule->id, "private-key");
	assert_int_equal(e->m[0].line, 3);
	assert_int_equal(e->m[0].column, 5);
	assert_memory_equal(pem + e->m[0].offset, "-----BEGIN", 10);
	assert_memory_equal(pem + e->m[0].offset + e->m[0].length - 6,
		"Y-----", 6);
	assert_true(e->m[0].entropy > 4.0);
}

static void test_json_escaped_pem(void **state)
{
	static const char json[] =
		"{\n  \"type\": \"service_account\",\n  \"private_key\": "
		"\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQ"
		"EFAASC\\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\n-----END PRIVATE"
		" KEY-----\\n\"\n}\n";
	struct env *e = *state;

	scan(e, "sa.json", json);
	assert_int_equal(e->n, 1);
	assert_string_equal(e->m[0].rule->id, "private-key");
	assert_int_equal(e->m[0].line, 3);
}

static void test_env_file_and_lines(void **state)
{
	static const char env[] =
		"# database\n"
		"DB_HOST=localhost\n"
		"DB_PASSWORD=q7Rv!x2LmZ9%pTw4\n"
		"AWS_KEY=AKIAQ3EGTZ5NW7XK2BLD\n";
	struct env *e = *state;

	scan(e, ".env", env);
	assert_int_equal(e->n, 2);
	assert_string_equal(e->m[0].rule->id, "generic-password");
	assert_int_equal(e->m[0].line, 3);
	assert_int_equal(e->m[0].column, 13);
	assert_int_equal(e->m[0].length, 16);
	assert_string_equal(e->m[1].rule->id, "aws-access-key-id");
	assert_int_equal(e->m[1].line, 4);
	assert_int_equal(e->m[1].column, 9);
	assert_false(e->m[0].suppressed || e->m[1].suppressed);
}

static void test_inline_allow_comment(void **state)
{
	static const char text[] =
		"key = \"AKIAQ3EGTZ5NW7XK2BLD\"  # crucible:allow-secret\n"
		"key = \"AKIAQ3EGTZ5NW7XK2BLD\"\n";
	struct env *e = *state;

	scan(e, "app.py", text);
	assert_int_equal(e->n, 2);
	assert_true(e->m[0].suppressed);
	assert_false(e->m[1].suppressed);
}

static void test_placeholders_dropped(void **state)
{
	static const char *const texts[] = {
		"password = os.environ[\"DB_PASSWORD\"]\n",
		"token: ${{ secrets.NPM_TOKEN }}\n",
		"password: ${DB_PASSWORD_FROM_VAULT}\n",
		"password: '{{.Values.db.password}}'\n",
		"api_key = <your-key-here>\n",
		"api_key = xxxxxxxxxxxxxxxx\n",
		"password: changeme123\n",
		"secret: 123e4567-e89b-12d3-a456-426614174000\n",
		"integrity token: sha512-Q7rvX2lmZ9pTw4bk8nd3Fh6Jc1Ys==\n",
		"aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
		"password=abcabcab\n",    /* below the entropy floor */
	};
	struct env *e = *state;

	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		scan(e, "config/app.yml", texts[i]);
		if (e->n)
			fail_msg("text %zu: reported by %s", i,
				e->m[0].rule->id);
	}
	scan(e, "web/node_modules/pkg/index.js",
		"k = AKIAQ3EGTZ5NW7XK2BLD\n");
	assert_int_equal(e->n, 0);
}

static void test_overlap_first_rule_wins(void **state)
{
	static const char text[] =
		"token = ghp_R8vQ2mXz7LkP4nW9tY3bC6dF1gH5jK0sA2eU\n";
	struct env *e = *state;

	scan(e, "ci.sh", text);
	assert_int_equal(e->n, 1);
	assert_string_equal(e->m[0].rule->id, "github-pat");
	/* Restricted to the generic rule, it would have been reported. */
	assert_int_equal(cr_secret_scan_rule(&e->m, &e->n, e->scanner,
		(size_t)rule_index(e->rules, "generic-password"), "ci.sh",
		text, strlen(text)), CR_OK);
	assert_int_equal(e->n, 1);
}

static void test_binary_input(void **state)
{
	struct env *e = *state;
	size_t len = 1 << 20;
	char *buf = malloc(len);
	static const char key[] = "AKIAQ3EGTZ5NW7XK2BLD";

	assert_non_null(buf);
	srand(11);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(rand() % 7 == 0 ? 0 : rand());
	memcpy(buf + len - 100, "\0", 1);
	memcpy(buf + len - 99, key, sizeof key - 1);
	buf[len - 99 + sizeof key - 1] = '\0';
	assert_int_equal(cr_secret_scan(&e->m, &e->n, e->scanner, "blob.bin",
		buf, len), CR_OK);
	assert_true(e->n >= 1);
	assert_int_equal(e->m[e->n - 1].offset, len - 99);
	assert_int_equal(cr_secret_scan(&e->m, &e->n, e->scanner, "empty",
		"", 0), CR_OK);
	assert_int_equal(e->n, 0);
	free(buf);
}

/* --- redaction and fingerprints ------------------------------------------ */

static void test_redaction(void **state)
{
	const char *secret = "AKIAQ3EGTZ5NW7XK2BLDq7Rv!x2LmZ9#pTw4";
	char out[128], hash[13];

	(void)state;
	for (size_t len = 0; len <= strlen(secret); len++) {
		size_t shown;

		cr_secret_redact(out, sizeof out, secret, len);
		shown = strstr(out, "...") - out;
		assert_true(shown <= 4 && shown <= len / 4);
		assert_memory_equal(out, secret, shown);
		cr_secret_hash(hash, secret, len);
		assert_non_null(strstr(out, hash));
		if (len >= 5)
			assert_null(memmem(out, strlen(out), secret + shown,
				len - shown < 5 ? len - shown : 5));
	}
	cr_secret_redact(out, sizeof out, secret, 20);
	assert_non_null(strstr(out, "AKIA...(20 chars, "));
	cr_secret_redact(out, 8, secret, 20);
	assert_int_equal(strlen(out), 7);
}

static void test_fingerprint_stable(void **state)
{
	static const char before[] = "x=1\nkey = AKIAQ3EGTZ5NW7XK2BLD\n";
	static const char after[] =
		"# moved down\ny=2\nx=1\nkey = AKIAQ3EGTZ5NW7XK2BLD\n";
	struct env *e = *state;
	char fp1[33], fp2[33], fp3[33];

	scan(e, "a.py", before);
	assert_int_equal(e->n, 1);
	cr_secret_fingerprint(fp1, e->m[0].rule->id, "a.py",
		before + e->m[0].offset, e->m[0].length);
	scan(e, "a.py", after);
	assert_int_equal(e->n, 1);
	assert_int_equal(e->m[0].line, 4);
	cr_secret_fingerprint(fp2, e->m[0].rule->id, "a.py",
		after + e->m[0].offset, e->m[0].length);
	assert_string_equal(fp1, fp2);
	assert_int_equal(strlen(fp1), 32);
	cr_secret_fingerprint(fp3, e->m[0].rule->id, "b.py",
		after + e->m[0].offset, e->m[0].length);
	assert_string_not_equal(fp1, fp3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_examples),
		cmocka_unit_test_setup_teardown(test_overlay, env_setup,
			env_teardown),
		cmocka_unit_test_setup_teardown(test_digest_is_stable,
			env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_errors_listed_at_once,
			env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_structural_errors,
			env_setup, env_teardown),
		cmocka_unit_test(test_prefilter_cases),
		cmocka_unit_test(test_prefilter_random),
		cmocka_unit_test_setup_teardown(test_pem_block, env_setup,
			env_teardown),
		cmocka_unit_test_setup_teardown(test_json_escaped_pem,
			env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_env_file_and_lines,
			env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_inline_allow_comment,
			env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_placeholders_dropped,
			env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_overlap_first_rule_wins,
			env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_binary_input, env_setup,
			env_teardown),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test_setup_teardown(test_fingerprint_stable,
			env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
