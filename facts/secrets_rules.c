/*
 * secrets_rules.c - secret detection rule sets: the YAML rule file
 * (format in docs/secrets-rules.md), its validation, overlays, the digest
 * and the built-in set.
 *
 * A rule file is read into a tree by compiler/yaml.c and checked in one
 * pass that records every problem with its line, so that a bundle author
 * fixes the file in one round trip: unknown keys, bad ids and severities,
 * regexes that do not compile, rules without keywords or examples.  Rule
 * regexes are compiled once here, in byte mode with PCRE2_MULTILINE (the
 * whole file is one subject), and JIT-compiled; the scanner
 * (secrets_scan.c) only matches.  Loading ends with building the keyword
 * prefilter (aho.c) over all rules of the set.
 *
 * An overlay shares the rules it keeps with its base (they are
 * reference-counted), replaces rules by id, drops rules marked disabled,
 * appends new ones, and concatenates the global allowlists.
 */
#include "facts/secrets_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <sodium.h>

#include "compiler/yaml.h"
#include "crucible/glob.h"

#define RULE_FILE_VERSION 1
#define KEYWORD_MIN 3
#define PATTERN_MAX 8192    /* bytes of one regex */
#define ENTROPY_MAX 8.0     /* bits per byte */
#define EXAMPLE_PATH "example.txt"

static const char *const severities[] = {
	"critical", "high", "medium", "low", NULL
};

/* --- regexes ------------------------------------------------------------- */

static void re_unref(cr_secret_re *re)
{
	if (!re || __atomic_sub_fetch(&re->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	pcre2_code_free(re->code);
	free(re->source);
	free(re);
}

static cr_secret_re *re_ref(cr_secret_re *re)
{
	__atomic_add_fetch(&re->refs, 1, __ATOMIC_RELAXED);
	return re;
}

/* Compile `source`, or record why it does not compile.  A failed JIT
 * compilation is not an error: pcre2_match() then interprets. */
static cr_secret_re *re_compile(cr_problems *p, unsigned line,
	const char *source, uint32_t options, const char *what)
{
	pcre2_compile_context *cctx = NULL;
	PCRE2_UCHAR message[256];
	PCRE2_SIZE offset;
	cr_secret_re *re;
	int code;

	if (!(re = calloc(1, sizeof *re)) || !(re->source = strdup(source)) ||
	    !(cctx = pcre2_compile_context_create(NULL))) {
		p->oom = true;
		goto fail;
	}
	re->refs = 1;
	pcre2_set_max_pattern_length(cctx, PATTERN_MAX);
	re->code = pcre2_compile((PCRE2_SPTR)source, PCRE2_ZERO_TERMINATED,
		options | PCRE2_NEVER_UTF, &code, &offset, cctx);
	if (!re->code) {
		pcre2_get_error_message(code, message, sizeof message);
		cr_problem_at(p, line, "%s does not compile at offset %zu: %s",
			what, (size_t)offset, (const char *)message);
		goto fail;
	}
	pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	pcre2_compile_context_free(cctx);
	return re;
fail:
	pcre2_compile_context_free(cctx);
	re_unref(re);
	return NULL;
}

/* --- string lists -------------------------------------------------------- */

static void strings_release(cr_secret_strings *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
	s->items = NULL;
	s->count = 0;
}

static bool strings_push(cr_secret_strings *s, const char *text)
{
	char **grown = realloc(s->items, (s->count + 1) * sizeof *grown);

	if (!grown)
		return false;
	s->items = grown;
	if (!(s->items[s->count] = strdup(text)))
		return false;
	s->count++;
	return true;
}

static bool strings_append(cr_secret_strings *to,
	const cr_secret_strings *from)
{
	for (size_t i = 0; i < from->count; i++)
		if (!strings_push(to, from->items[i]))
			return false;
	return true;
}

static void lowercase(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Check one list entry; record a problem and return false when bad. */
typedef bool (*entry_check)(cr_problems *p, const cr_ynode *v,
	const char *text);

/* A YAML list of non-empty strings into `out`. */
static void read_strings(cr_secret_strings *out, cr_problems *p,
	const cr_ynode *v, const char *what, entry_check check)
{
	if (v->kind != CR_YSEQ) {
		cr_problem_at(p, v->line, "%s must be a list of strings", what);
		return;
	}
	for (size_t i = 0; i < v->count; i++) {
		const char *text = cr_ynode_string(p, v->kids[i], what);

		if (text && (!check || check(p, v->kids[i], text)) &&
		    !strings_push(out, text))
			p->oom = true;
	}
}

static bool keyword_text(cr_problems *p, const cr_ynode *v, const char *text)
{
	if (strlen(text) >= KEYWORD_MIN)
		return true;
	cr_problem_at(p, v->line, "keyword \"%s\" is shorter than %d "
		"characters: it would run the rule's regex on most files",
		text, KEYWORD_MIN);
	return false;
}

/* --- allowlists ---------------------------------------------------------- */

static void allow_release(cr_secret_allow *a)
{
	for (size_t i = 0; i < a->value_count; i++)
		re_unref(a->values[i]);
	free(a->values);
	a->values = NULL;
	a->value_count = 0;
	strings_release(&a->paths);
	strings_release(&a->stopwords);
}

static bool allow_push_value(cr_secret_allow *a, cr_secret_re *re)
{
	cr_secret_re **grown = realloc(a->values,
		(a->value_count + 1) * sizeof *grown);

	if (!grown) {
		re_unref(re);
		return false;
	}
	a->values = grown;
	a->values[a->value_count++] = re;
	return true;
}

/* Append `from` to `to`, sharing its compiled regexes. */
static bool allow_append(cr_secret_allow *to, const cr_secret_allow *from)
{
	for (size_t i = 0; i < from->value_count; i++)
		if (!allow_push_value(to, re_ref(from->values[i])))
			return false;
	return strings_append(&to->paths, &from->paths) &&
		strings_append(&to->stopwords, &from->stopwords);
}

/* Allowlist values are matched against the secret alone, so ^ and $ mean
 * its start and end: no PCRE2_MULTILINE. */
static void read_allow_values(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_secret_allow *a = target;
	cr_secret_strings sources = {0};

	read_strings(&sources, p, v, "an allow value", NULL);
	for (size_t i = 0; i < sources.count; i++) {
		cr_secret_re *re = re_compile(p, v->kids[i]->line,
			sources.items[i], 0, "allow value");

		if (re && !allow_push_value(a, re))
			p->oom = true;
	}
	strings_release(&sources);
}

static void read_allow_paths(void *target, cr_problems *p,
	const cr_ynode *v)
{
	read_strings(&((cr_secret_allow *)target)->paths, p, v,
		"an allow path", NULL);
}

static void read_allow_stopwords(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_secret_allow *a = target;

	read_strings(&a->stopwords, p, v, "a stopword", NULL);
	for (size_t i = 0; i < a->stopwords.count; i++)
		lowercase(a->stopwords.items[i]);
}

static const cr_yfield allow_fields[] = {
	{"values", false, read_allow_values},
	{"paths", false, read_allow_paths},
	{"stopwords", false, read_allow_stopwords},
};

static void read_allow(cr_secret_allow *a, cr_problems *p, const cr_ynode *v)
{
	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line, "allow must be a mapping of values, "
			"paths and stopwords");
		return;
	}
	cr_yaml_fields(a, p, v, "allow", allow_fields,
		sizeof allow_fields / sizeof *allow_fields);
}

bool cr_secret_allow_path(const cr_secret_allow *a, const char *path)
{
	for (size_t i = 0; i < a->paths.count; i++)
		if (cr_glob_match(a->paths.items[i], path))
			return true;
	return false;
}

/* Case-insensitive substring search for a lower-case needle. */
static bool contains_lower(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n && i + n <= len; i++) {
		size_t j = 0;

		while (j < n && tolower((unsigned char)s[i + j]) ==
		       (unsigned char)needle[j])
			j++;
		if (j == n)
			return true;
	}
	return false;
}

bool cr_secret_allow_value(const cr_secret_allow *a, const char *s,
	size_t len, pcre2_match_data *md, pcre2_match_context *mctx)
{
	for (size_t i = 0; i < a->stopwords.count; i++)
		if (contains_lower(s, len, a->stopwords.items[i]))
			return true;
	for (size_t i = 0; i < a->value_count; i++)
		if (pcre2_match(a->values[i]->code, (PCRE2_SPTR)s, len, 0, 0,
			    md, mctx) >= 0)
			return true;
	return false;
}

/* --- rules --------------------------------------------------------------- */

static void rule_unref(cr_secret_rule_data *r)
{
	if (!r || __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	free((char *)r->pub.id);
	free((char *)r->pub.description);
	re_unref(r->regex);
	strings_release(&r->keywords);
	strings_release(&r->paths);
	allow_release(&r->allow);
	strings_release(&r->tp);
	strings_release(&r->fp);
	free(r);
}

static cr_secret_rule_data *rule_ref(cr_secret_rule_data *r)
{
	__atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
	return r;
}

/* One entry of `rules:` while it is read. */
struct rule_parse {
	cr_secret_rule_data *rule;
	bool disabled;
	const cr_ynode *group;     /* secret_group, checked after the regex */
};

static bool is_rule_id(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
		strlen(s);
}

static void read_id(void *target, cr_problems *p, const cr_ynode *v)
{
	struct rule_parse *rp = target;
	const char *id = cr_ynode_string(p, v, "id");

	if (!id)
		return;
	if (!is_rule_id(id))
		cr_problem_at(p, v->line, "rule id \"%s\" must match "
			"[a-z0-9-]+", id);
	else if (!(rp->rule->pub.id = strdup(id)))
		p->oom = true;
}

static void read_description(void *target, cr_problems *p,
	const cr_ynode *v)
{
	struct rule_parse *rp = target;
	const char *text = cr_ynode_string(p, v, "description");

	if (text && !(rp->rule->pub.description = strdup(text)))
		p->oom = true;
}

static void read_severity(void *target, cr_problems *p, const cr_ynode *v)
{
	struct rule_parse *rp = target;

	for (const char *const *s = severities; *s; s++)
		if (v->kind == CR_YSCALAR && strcmp(*s, v->text) == 0) {
			rp->rule->pub.severity = *s;
			return;
		}
	cr_problem_at(p, v->line, "severity must be one of critical, high, "
		"medium, low");
}

static void read_regex(void *target, cr_problems *p, const cr_ynode *v)
{
	struct rule_parse *rp = target;
	const char *source = cr_ynode_string(p, v, "regex");

	if (source)
		rp->rule->regex = re_compile(p, v->line, source,
			PCRE2_MULTILINE, "regex");
}

static void read_secret_group(void *target, cr_problems *p,
	const cr_ynode *v)
{
	(void)p;
	((struct rule_parse *)target)->group = v;
}

static void read_keywords(void *target, cr_problems *p, const cr_ynode *v)
{
	struct rule_parse *rp = target;
	cr_secret_strings *k = &rp->rule->keywords;

	read_strings(k, p, v, "a keyword", keyword_text);
	for (size_t i = 0; i < k->count; i++)
		lowercase(k->items[i]);
	if (v->kind == CR_YSEQ && v->count == 0)
		cr_problem_at(p, v->line, "keywords must list at least one "
			"keyword: the rule's regex runs only where one occurs");
}

static void read_entropy(void *target, cr_problems *p, const cr_ynode *v)
{
	struct rule_parse *rp = target;
	double e;

	if (v->kind == CR_YSCALAR && v->plain && cr_yaml_number(&e, v->text) &&
	    e >= 0 && e <= ENTROPY_MAX)
		rp->rule->entropy = e;
	else
		cr_problem_at(p, v->line, "entropy must be a number from 0 to "
			"8 (bits per byte)");
}

static void read_rule_paths(void *target, cr_problems *p, const cr_ynode *v)
{
	read_strings(&((struct rule_parse *)target)->rule->paths, p, v,
		"a path", NULL);
}

static void read_rule_allow(void *target, cr_problems *p, const cr_ynode *v)
{
	read_allow(&((struct rule_parse *)target)->rule->allow, p, v);
}

/* An example list of rule `target`, never empty. */
static void read_example_list(cr_secret_strings *out, cr_problems *p,
	const cr_ynode *v, const char *what)
{
	read_strings(out, p, v, what, NULL);
	if (v->kind == CR_YSEQ && v->count == 0)
		cr_problem_at(p, v->line, "%s must not be empty", what);
}

static void read_tp(void *target, cr_problems *p, const cr_ynode *v)
{
	read_example_list(&((cr_secret_rule_data *)target)->tp, p, v,
		"examples.tp");
}

static void read_fp(void *target, cr_problems *p, const cr_ynode *v)
{
	read_example_list(&((cr_secret_rule_data *)target)->fp, p, v,
		"examples.fp");
}

static const cr_yfield example_fields[] = {
	{"tp", true, read_tp},
	{"fp", true, read_fp},
};

static void read_examples(void *target, cr_problems *p, const cr_ynode *v)
{
	struct rule_parse *rp = target;

	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line, "examples must be a mapping of tp "
			"and fp");
		return;
	}
	cr_yaml_fields(rp->rule, p, v, "examples", example_fields,
		sizeof example_fields / sizeof *example_fields);
}

static void read_disabled(void *target, cr_problems *p, const cr_ynode *v)
{
	if (!cr_ynode_bool(&((struct rule_parse *)target)->disabled, v))
		cr_problem_at(p, v->line, "disabled must be true or false");
}

static const cr_yfield rule_fields[] = {
	{"id", true, read_id},
	{"description", false, read_description},
	{"severity", false, read_severity},
	{"regex", false, read_regex},
	{"secret_group", false, read_secret_group},
	{"keywords", false, read_keywords},
	{"entropy", false, read_entropy},
	{"paths", false, read_rule_paths},
	{"allow", false, read_rule_allow},
	{"examples", false, read_examples},
	{"disabled", false, read_disabled},
};

static bool map_has_key(const cr_ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (map->kids[i]->kind == CR_YSCALAR &&
		    strcmp(map->kids[i]->text, key) == 0)
			return true;
	return false;
}

/* What needs the whole entry: the keys an enabled rule requires, and the
 * secret group against the regex's capture count. */
static void check_rule(struct rule_parse *rp, cr_problems *p,
	const cr_ynode *map)
{
	static const char *const required[] = {
		"description", "severity", "regex", "keywords", "examples",
		NULL
	};
	cr_secret_rule_data *r = rp->rule;
	const char *id = r->pub.id ? r->pub.id : "?";
	uint32_t captures = 0;
	double group;

	if (rp->disabled)
		return;
	for (const char *const *key = required; *key; key++)
		if (!map_has_key(map, *key))
			cr_problem_at(p, map->line, "rule \"%s\" lacks the "
				"required key \"%s\"", id, *key);
	if (r->regex)
		pcre2_pattern_info(r->regex->code, PCRE2_INFO_CAPTURECOUNT,
			&captures);
	r->secret_group = captures ? 1 : 0;
	if (!rp->group)
		return;
	if (rp->group->kind == CR_YSCALAR && rp->group->plain &&
	    cr_yaml_number(&group, rp->group->text) && group >= 0 &&
	    group <= captures && group == (double)(uint32_t)group)
		r->secret_group = (uint32_t)group;
	else
		cr_problem_at(p, rp->group->line, "secret_group of rule \"%s\" "
			"must be the number of one of its regex's %u capture "
			"groups (0: the whole match)", id, captures);
}

/* --- the document -------------------------------------------------------- */

struct doc {
	cr_secret_allow allow;
	struct rule_parse *entries;
	size_t count;
};

static void doc_release(struct doc *d)
{
	allow_release(&d->allow);
	for (size_t i = 0; i < d->count; i++)
		rule_unref(d->entries[i].rule);
	free(d->entries);
}

static void read_version(void *target, cr_problems *p, const cr_ynode *v)
{
	double version;

	(void)target;
	if (v->kind != CR_YSCALAR || !v->plain ||
	    !cr_yaml_number(&version, v->text) || version != RULE_FILE_VERSION)
		cr_problem_at(p, v->line, "version must be %d",
			RULE_FILE_VERSION);
}

static void read_doc_allow(void *target, cr_problems *p, const cr_ynode *v)
{
	read_allow(&((struct doc *)target)->allow, p, v);
}

static bool id_taken(const struct doc *d, const char *id)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->entries[i].rule->pub.id &&
		    strcmp(d->entries[i].rule->pub.id, id) == 0)
			return true;
	return false;
}

static void read_rule(struct doc *d, cr_problems *p, const cr_ynode *item)
{
	struct rule_parse *rp = &d->entries[d->count];

	if (item->kind != CR_YMAP) {
		cr_problem_at(p, item->line, "a rule must be a mapping of id, "
			"description, severity, regex, keywords, ...");
		return;
	}
	if (!(rp->rule = calloc(1, sizeof *rp->rule))) {
		p->oom = true;
		return;
	}
	rp->rule->refs = 1;
	rp->rule->line = item->line;
	cr_yaml_fields(rp, p, item, "a rule", rule_fields,
		sizeof rule_fields / sizeof *rule_fields);
	check_rule(rp, p, item);
	if (rp->rule->pub.id && id_taken(d, rp->rule->pub.id))
		cr_problem_at(p, item->line, "rule id \"%s\" is used twice",
			rp->rule->pub.id);
	d->count++;
}

static void read_rules(void *target, cr_problems *p, const cr_ynode *v)
{
	struct doc *d = target;

	if (v->kind != CR_YSEQ) {
		cr_problem_at(p, v->line, "rules must be a list");
		return;
	}
	if (!(d->entries = calloc(v->count + 1, sizeof *d->entries))) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i < v->count; i++)
		read_rule(d, p, v->kids[i]);
}

static const cr_yfield doc_fields[] = {
	{"version", true, read_version},
	{"allow", false, read_doc_allow},
	{"rules", false, read_rules},
};

static void read_document(struct doc *d, cr_problems *p, const cr_ynode *root)
{
	if (!root || root->kind != CR_YMAP) {
		cr_problem_at(p, root ? root->line : 1, "a rule file must be a "
			"mapping of version, allow and rules");
		return;
	}
	cr_yaml_fields(d, p, root, "the rule file", doc_fields,
		sizeof doc_fields / sizeof *doc_fields);
}

/* --- assembling a set ---------------------------------------------------- */

static ssize_t find_rule(const cr_secret_rules *r, const char *id)
{
	for (size_t i = 0; i < r->count; i++)
		if (r->rules[i] && strcmp(r->rules[i]->pub.id, id) == 0)
			return (ssize_t)i;
	return -1;
}

/* The base's rules, then the file's entries over them. */
static int overlay_rules(cr_secret_rules *r, const cr_secret_rules *base,
	const struct doc *d)
{
	size_t base_count = base ? base->count : 0, kept = 0;

	if (!(r->rules = calloc(base_count + d->count + 1, sizeof *r->rules)))
		return CR_ENOMEM;
	for (size_t i = 0; i < base_count; i++)
		r->rules[r->count++] = rule_ref(base->rules[i]);
	for (size_t i = 0; i < d->count; i++) {
		cr_secret_rule_data *rule = d->entries[i].rule;
		ssize_t at = find_rule(r, rule->pub.id);

		if (at >= 0) {
			rule_unref(r->rules[at]);
			r->rules[at] = NULL;
		}
		if (d->entries[i].disabled)
			continue;
		if (at < 0)
			at = (ssize_t)r->count++;
		r->rules[at] = rule_ref(rule);
	}
	for (size_t i = 0; i < r->count; i++)
		if (r->rules[i])
			r->rules[kept++] = r->rules[i];
	r->count = kept;
	return CR_OK;
}

static int build_prefilter(cr_secret_rules *r)
{
	cr_aho_builder *b = NULL;
	int err;

	if ((err = cr_aho_builder_new(&b, r->count)) != CR_OK)
		goto done;
	for (size_t i = 0; i < r->count; i++) {
		const cr_secret_strings *k = &r->rules[i]->keywords;
		uint32_t captures = 0;

		for (size_t j = 0; j < k->count; j++)
			if ((err = cr_aho_builder_add(b, k->items[j],
				     strlen(k->items[j]), i)) != CR_OK)
				goto done;
		pcre2_pattern_info(r->rules[i]->regex->code,
			PCRE2_INFO_CAPTURECOUNT, &captures);
		if (captures + 1 > r->max_groups)
			r->max_groups = captures + 1;
	}
	err = cr_aho_build(&r->prefilter, b);
done:
	cr_aho_builder_free(b);
	return err;
}

/* --- the digest ---------------------------------------------------------- */

/* Every field is length-prefixed, so that no two sets serialize alike. */
static void digest_bytes(crypto_hash_sha256_state *st, const void *data,
	size_t len)
{
	uint64_t n = len;

	crypto_hash_sha256_update(st, (const unsigned char *)&n, sizeof n);
	crypto_hash_sha256_update(st, data, len);
}

static void digest_str(crypto_hash_sha256_state *st, const char *s)
{
	digest_bytes(st, s, strlen(s));
}

static void digest_strings(crypto_hash_sha256_state *st,
	const cr_secret_strings *s)
{
	digest_bytes(st, "", s->count);
	for (size_t i = 0; i < s->count; i++)
		digest_str(st, s->items[i]);
}

static void digest_allow(crypto_hash_sha256_state *st,
	const cr_secret_allow *a)
{
	digest_bytes(st, "", a->value_count);
	for (size_t i = 0; i < a->value_count; i++)
		digest_str(st, a->values[i]->source);
	digest_strings(st, &a->paths);
	digest_strings(st, &a->stopwords);
}

/* Over what decides the findings; descriptions and examples do not. */
static void compute_digest(cr_secret_rules *r)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	char number[32];

	crypto_hash_sha256_init(&st);
	digest_str(&st, "crucible.secret-rules/1");
	digest_allow(&st, &r->allow);
	for (size_t i = 0; i < r->count; i++) {
		const cr_secret_rule_data *rule = r->rules[i];

		digest_str(&st, rule->pub.id);
		digest_str(&st, rule->pub.severity);
		digest_str(&st, rule->regex->source);
		snprintf(number, sizeof number, "%u %.17g",
			rule->secret_group, rule->entropy);
		digest_str(&st, number);
		digest_strings(&st, &rule->keywords);
		digest_strings(&st, &rule->paths);
		digest_allow(&st, &rule->allow);
	}
	crypto_hash_sha256_final(&st, hash);
	memcpy(r->digest, "sha256:", 7);
	sodium_bin2hex(r->digest + 7, sizeof r->digest - 7, hash, sizeof hash);
}

static int assemble(cr_secret_rules **out, const cr_secret_rules *base,
	const struct doc *d)
{
	cr_secret_rules *r = calloc(1, sizeof *r);
	int err = CR_ENOMEM;

	if (!r)
		goto done;
	if ((base && !allow_append(&r->allow, &base->allow)) ||
	    !allow_append(&r->allow, &d->allow))
		goto done;
	if ((err = overlay_rules(r, base, d)) != CR_OK ||
	    (err = build_prefilter(r)) != CR_OK)
		goto done;
	compute_digest(r);
	*out = r;
	r = NULL;
done:
	cr_secret_rules_free(r);
	return err;
}

/* --- the API ------------------------------------------------------------- */

int cr_secret_rules_load(cr_secret_rules **out, cr_ctx *ctx,
	const cr_secret_rules *base, const char *origin, const char *data,
	size_t len)
{
	cr_problems p = {.file = origin};
	cr_ynode *root = NULL;
	struct doc d = {0};
	int err;

	*out = NULL;
	err = cr_yaml_parse(&root, &p, data, len);
	if (err == CR_OK)
		read_document(&d, &p, root);
	if (err == CR_ENOMEM || p.oom) {
		err = cr_error_set(ctx, CR_ENOMEM, "out of memory reading %s",
			origin);
		goto done;
	}
	if (err != CR_OK || p.count) {
		err = cr_problems_report(&p, ctx, CR_EPARSE);
		goto done;
	}
	if ((err = assemble(out, base, &d)) != CR_OK)
		err = cr_error_set(ctx, err, "%s: %s", origin,
			err == CR_ENOMEM ? "out of memory" :
			"too many keywords");
done:
	doc_release(&d);
	cr_ynode_free(root);
	cr_problems_release(&p);
	return err;
}

int cr_secret_rules_builtin(cr_secret_rules **out, cr_ctx *ctx)
{
	return cr_secret_rules_load(out, ctx, NULL, "facts/secrets/rules.yml",
		cr_secret_rules_yml, cr_secret_rules_yml_len);
}

void cr_secret_rules_free(cr_secret_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		rule_unref(r->rules[i]);
	free(r->rules);
	allow_release(&r->allow);
	cr_aho_free(r->prefilter);
	free(r);
}

size_t cr_secret_rules_count(const cr_secret_rules *r)
{
	return r->count;
}

const cr_secret_rule *cr_secret_rules_at(const cr_secret_rules *r, size_t i)
{
	return i < r->count ? &r->rules[i]->pub : NULL;
}

const char *cr_secret_rules_digest(const cr_secret_rules *r)
{
	return r->digest;
}

bool cr_secret_rules_path_allowed(const cr_secret_rules *r, const char *path)
{
	return cr_secret_allow_path(&r->allow, path);
}

/* --- examples ------------------------------------------------------------ */

const cr_secret_strings *cr_secret_rules_examples(const cr_secret_rules *r,
	size_t i, bool positive)
{
	return positive ? &r->rules[i]->tp : &r->rules[i]->fp;
}

/* One path the glob matches: "**" segments vanish, wildcards become 'x',
 * a class its first member. */
static void glob_instance(char *out, size_t size, const char *glob)
{
	size_t n = 0;

	if (*glob == '/')
		glob++;
	while (*glob && n + 1 < size) {
		if (glob[0] == '*' && glob[1] == '*') {
			glob += 2;
			glob += *glob == '/';
			continue;
		}
		if (*glob == '[') {
			bool negated = glob[1] == '!';

			glob += 1 + negated;
			out[n++] = negated || !*glob ? '_' : *glob;
			glob += strcspn(glob, "]");
			glob += *glob == ']';
			continue;
		}
		if (*glob == '\\' && glob[1])
			glob++;
		out[n++] = *glob == '*' || *glob == '?' ? 'x' : *glob;
		glob++;
	}
	if (n && out[n - 1] == '/' && n + 1 < size)
		out[n++] = 'x';
	out[n] = '\0';
}

void cr_secret_rules_example_path(char *out, size_t size,
	const cr_secret_rules *r, size_t i)
{
	const cr_secret_strings *paths = &r->rules[i]->paths;

	if (paths->count)
		glob_instance(out, size, paths->items[0]);
	else
		snprintf(out, size, "%s", EXAMPLE_PATH);
}
