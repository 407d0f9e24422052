/*
 * secrets.h - the secret detection engine: rule sets and the scanner.
 *
 * A rule set is data (YAML, see docs/secrets-rules.md; how detection
 * works is in docs/secrets.md): each rule has a PCRE2
 * regex with an optional secret capture group, prefilter keywords, a
 * minimum entropy, path globs and allowlists.  The built-in set lives in
 * facts/secrets/rules.yml and is embedded in the binary; a bundle may
 * overlay its own file (same id replaces, `disabled: true` removes).
 *
 * Scanning one buffer is one pass: a case-insensitive multi-keyword
 * automaton finds which rules' keywords occur, and only those rules'
 * regexes run (JIT-compiled).  Candidates then go through the entropy
 * floor and the rule's and the global allowlists.  The rule set is
 * read-only after loading and may be shared by threads; each thread scans
 * with its own cr_secret_scanner.
 *
 * Nothing here ever formats a secret into a message: callers get offsets
 * into their own buffer and the redaction helpers below.
 */
#ifndef CRUCIBLE_SECRETS_H
#define CRUCIBLE_SECRETS_H

#include "crucible/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_secret_rules cr_secret_rules;
typedef struct cr_secret_scanner cr_secret_scanner;

/* One rule, read-only, owned by its rule set. */
typedef struct cr_secret_rule {
	const char *id;
	const char *description;
	const char *severity;     /* critical | high | medium | low */
} cr_secret_rule;

/* --- rule sets ----------------------------------------------------------- */

/* The built-in rule set.  Free with cr_secret_rules_free(). */
int cr_secret_rules_builtin(cr_secret_rules **out, cr_ctx *ctx);

/* Parse the rule file `data` (named `origin` in messages) and overlay it
 * on `base` (NULL: no base): a rule with a known id replaces it, one with
 * `disabled: true` removes it, others are added; allowlists are merged.
 * `base` is not modified.  Errors: CR_EPARSE with every problem listed as
 * "origin:line: message" (bad YAML, unknown key, a regex that does not
 * compile, a rule without keywords, ...), CR_ENOMEM. */
int cr_secret_rules_load(cr_secret_rules **out, cr_ctx *ctx,
	const cr_secret_rules *base, const char *origin, const char *data,
	size_t len);

void cr_secret_rules_free(cr_secret_rules *r);

size_t cr_secret_rules_count(const cr_secret_rules *r);
const cr_secret_rule *cr_secret_rules_at(const cr_secret_rules *r,
	size_t i);
/* "sha256:<hex>" over the canonical rule set: cache keys use it. */
const char *cr_secret_rules_digest(const cr_secret_rules *r);

/* Whether `path` is allowlisted as a whole (vendored, generated, lock
 * integrity files listed in the global allowlist): callers skip it. */
bool cr_secret_rules_path_allowed(const cr_secret_rules *r,
	const char *path);

/* --- scanning ------------------------------------------------------------ */

typedef struct cr_secret_match {
	const cr_secret_rule *rule;
	size_t offset;      /* of the secret (the capture group) in the buffer */
	size_t length;
	uint32_t line;      /* 1-based line of the secret's first byte */
	uint32_t column;    /* 1-based, in bytes */
	double entropy;     /* Shannon entropy of the secret, bits per byte */
	bool suppressed;    /* the line carries `crucible:allow-secret` */
} cr_secret_match;

/* Scratch space for one thread (match data, JIT stack, automaton state).
 * Free with cr_secret_scanner_free(). */
int cr_secret_scanner_new(cr_secret_scanner **out, cr_ctx *ctx,
	const cr_secret_rules *rules);
void cr_secret_scanner_free(cr_secret_scanner *s);

/* Scan `len` bytes of the file at repository-relative `path` (used by
 * path globs and allowlists; a path the global allowlist names yields no
 * match).  Overlapping matches of different rules are reported once, for
 * the rule listed first.  The matches, in buffer order, are valid
 * until the next scan with the same scanner.  Errors: CR_ENOMEM,
 * CR_ELIMIT (a regex hit PCRE2's match limit; the other rules' matches
 * are still returned). */
int cr_secret_scan(const cr_secret_match **matches, size_t *count,
	cr_secret_scanner *s, const char *path, const char *buf, size_t len);

/* --- redaction and fingerprints ------------------------------------------ */

/* Lowercase hex SHA-256 of the secret, first 12 digits: safe to show. */
void cr_secret_hash(char out[13], const char *secret, size_t len);

/* The redacted form: at most 4 leading characters (fewer for short
 * secrets: never more than a quarter of the length), "...", the length
 * and the short hash: "AKIA...(20 chars, 3f2a9c81d0be)".  Always
 * NUL-terminated within `size` bytes. */
void cr_secret_redact(char *out, size_t size, const char *secret,
	size_t len);

/* Stable fingerprint: hex SHA-256 of rule id, path and the secret's full
 * hash, first 32 digits.  Survives edits elsewhere in the file. */
void cr_secret_fingerprint(char out[33], const char *rule_id,
	const char *path, const char *secret, size_t len);

#ifdef __cplusplus
}
#endif
#endif
