/*
 * secrets_facts.h - what the secrets collector's files share (private to
 * facts/): the scan of one item (a working-tree file or a history blob)
 * on a pool of threads, the per-item result cache, the table of
 * sensitive paths, and the history walk.
 *
 *   secrets.c          the collector: working tree, merging, graph nodes
 *   secrets_history.c  every commit's new blobs, scanned once each
 *   secrets_cache.c    per-item results on disk, keyed by content
 *   secrets_files.c    paths that hold credentials whatever they contain
 *
 * A result never holds a secret unless values were asked for (no
 * redaction): what is kept is where it is, its length, its short hash
 * and its redacted form, all derived from the content while it is in
 * memory.
 */
#ifndef CRUCIBLE_FACTS_SECRETS_FACTS_H
#define CRUCIBLE_FACTS_SECRETS_FACTS_H

#include <stdint.h>

#include "crucible/secrets.h"
#include "facts/collector.h"

/* Files and blobs larger than this are not scanned, only counted. */
#define CR_SECRETS_SIZE_MAX (8u << 20)
/* git's rule: a NUL byte in the first 8000 bytes makes content binary. */
#define CR_SECRETS_BINARY_PROBE 8000
#define CR_SECRETS_KEY_SIZE 20
#define CR_SECRETS_REDACTED_MAX 96

/* --- sensitive paths (secrets_files.c) ----------------------------------- */

/* Content checks some paths need before they count: bits of a mask. */
enum {
	CR_SCHECK_NPMRC = 1u << 0,    /* _authToken / _auth / _password = v */
	CR_SCHECK_PYPIRC = 1u << 1,   /* password = v */
	CR_SCHECK_DOCKER = 1u << 2,   /* "auth": "v" in config.json */
	CR_SCHECK_NETRC = 1u << 3,    /* password v */
	CR_SCHECK_GCLOUD = 1u << 4,   /* "type": "service_account" + key */
	CR_SCHECK_PEM = 1u << 5,      /* a private key, not certificates only */
};

typedef struct cr_sensitive {
	const char *category;   /* static; NULL: not sensitive */
	unsigned check;         /* CR_SCHECK_ bits to pass, or 0 */
} cr_sensitive;

/* What `path` is, by name and place alone. */
cr_sensitive cr_sensitive_of_path(const char *path);

/* The CR_SCHECK_* bits of `checks` that the content passes. */
unsigned cr_sensitive_check(unsigned checks, const char *buf, size_t len);

/* The secrets/ or credentials/ directory (with its trailing slash) that
 * `path` lies under, written to out, or false. */
bool cr_sensitive_dir_of(char *out, size_t size, const char *path);

/* --- the result cache (secrets_cache.c) ---------------------------------- */

/* Little-endian fields of the cache file (and of the walk it keeps). */
static inline void cr_le_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void cr_le_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t cr_le_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t cr_le_get64(const uint8_t *p)
{
	return cr_le_get32(p) | (uint64_t)cr_le_get32(p + 4) << 32;
}

typedef struct cr_scache cr_scache;

/* One match as the cache keeps it: no secret material at all. */
typedef struct cr_scache_match {
	uint32_t rule;          /* index in the rule set of the digest */
	uint32_t line, column, length;
	uint64_t offset;
	uint32_t entropy_micro; /* entropy * 1e6 */
	bool suppressed;
} cr_scache_match;

enum { CR_SCACHE_BINARY = 1u << 0 };

typedef struct cr_scache_rec {
	uint8_t key[CR_SECRETS_KEY_SIZE];
	uint8_t flags;          /* CR_SCACHE_ bits */
	uint8_t checks, hits;   /* CR_SCHECK_ bits run, passed */
	uint32_t count;
	const cr_scache_match *matches;
} cr_scache_rec;

/* Open the cache of the repository identified by `repo_id` for the rule
 * set `rules`: $XDG_CACHE_HOME/crucible/secrets/ (or ~/.cache/...).  A
 * missing, corrupt or foreign file gives an empty cache that the next
 * save rebuilds; only memory errors fail.  Free with cr_scache_free(). */
int cr_scache_open(cr_scache **out, const char *repo_id,
	const cr_secret_rules *rules);

/* An empty cache for `digest` and `rule_count` rules, and the parser of
 * a cache file's bytes into it: CR_EPARSE when anything is off (magic,
 * version, digest, lengths, order, rule indexes, checksum), leaving the
 * cache empty. */
int cr_scache_new(cr_scache **out, const char *digest, size_t rule_count);
int cr_scache_parse(cr_scache *c, const void *data, size_t len);
void cr_scache_free(cr_scache *c);

/* The record of `key`, or NULL; marks it used (kept by the next save).
 * Safe to call from several threads while nothing is added. */
const cr_scache_rec *cr_scache_find(cr_scache *c,
	const uint8_t key[CR_SECRETS_KEY_SIZE]);

/* Add or replace a record (matches copied).  Not thread-safe. */
int cr_scache_put(cr_scache *c, const cr_scache_rec *rec);

/* The history walk kept with the cache (secrets_history.c): opaque
 * bytes under a key of what the walk depended on.  cr_scache_walk() gives
 * the kept bytes (owned by the cache) when their key is `key`, else
 * NULL; cr_scache_set_walk() replaces them with a copy of data, saved
 * with the records.  A zero-length walk is not kept. */
#define CR_SCACHE_WALK_KEY 32
const void *cr_scache_walk(const cr_scache *c,
	const uint8_t key[CR_SCACHE_WALK_KEY], size_t *len);
int cr_scache_set_walk(cr_scache *c, const uint8_t key[CR_SCACHE_WALK_KEY],
	const void *data, size_t len);

/* Keep the records this run did not use too: a run that left the history
 * out must not drop the history's results. */
void cr_scache_keep_unused(cr_scache *c);

/* Write the records used or added since opening, atomically (a temporary
 * file renamed over the old one).  Errors are not fatal to a run: the
 * caller may ignore them. */
int cr_scache_save(cr_scache *c);

size_t cr_scache_count(const cr_scache *c);
const cr_scache_rec *cr_scache_at(const cr_scache *c, size_t i);

/* --- scanning items on threads (secrets.c) ------------------------------- */

/* One secret found in an item, derived from its content. */
typedef struct cr_sfound {
	uint32_t rule;          /* index in the rule set */
	uint32_t line, column, length;
	double entropy;
	bool suppressed;
	char hash[13];
	char fingerprint[33];
	char redacted[CR_SECRETS_REDACTED_MAX];
	char *value;            /* only without redaction */
} cr_sfound;

typedef enum cr_sitem_state {
	CR_SITEM_PENDING = 0,
	CR_SITEM_SCANNED,
	CR_SITEM_CACHED,        /* the cache answered */
	CR_SITEM_BINARY,
	CR_SITEM_LARGE,
	CR_SITEM_GONE           /* vanished or unreadable: not counted */
} cr_sitem_state;

/* One working-tree file or history blob to scan.  The driver fills the
 * inputs; the pool fills the rest. */
typedef struct cr_sitem {
	const char *path;       /* repository-relative: globs, fingerprints */
	uint8_t key[CR_SECRETS_KEY_SIZE];
	bool cacheable;         /* key identifies the content */
	unsigned checks;        /* CR_SCHECK_ bits the path needs */
	uint64_t size;          /* when known before reading, else 0 */
	size_t origin;          /* the driver's own index */

	cr_sitem_state state;
	unsigned hits;          /* CR_SCHECK_ bits passed */
	uint64_t bytes;         /* scanned */
	cr_sfound *found;
	size_t found_count;
	cr_scache_rec *fresh;   /* a record for the cache, or NULL */
} cr_sitem;

/* How a driver reads an item's content, on a worker thread.  `load`
 * sets *buf and *len (valid until `unload`) or returns CR_ENOTFOUND (gone)
 * or CR_ELIMIT (too large). */
typedef struct cr_sloader {
	int (*thread_init)(void **state, void *arg);
	void (*thread_free)(void *state);
	int (*load)(void *state, cr_sitem *it, const char **buf, size_t *len);
	void (*unload)(void *state);
	void *arg;
} cr_sloader;

typedef struct cr_spool {
	const cr_secret_rules *rules;
	cr_scache *cache;       /* NULL: no cache */
	bool redact;
	cr_ctx *ctx;
} cr_spool;

/* Scan items[0..n) with one scanner per core.  Errors: CR_ENOMEM, and
 * what a loader's thread_init returned. */
int cr_spool_run(const cr_spool *pool, cr_sitem *items, size_t n,
	const cr_sloader *loader);

/* Put the items' fresh records into the pool's cache. */
int cr_spool_remember(const cr_spool *pool, cr_sitem *items, size_t n);

void cr_sitem_release(cr_sitem *it);

/* --- history (secrets_history.c) ----------------------------------------- */

/* One commit that introduced something, referenced by index. */
typedef struct cr_shist_commit {
	char id[41];
	char date[32];          /* author date, ISO 8601 UTC */
} cr_shist_commit;

/* A secret of the history, at its first introduction. */
typedef struct cr_shist_secret {
	const cr_sfound *found; /* owned by the history's items */
	const char *path;
	size_t commit;
} cr_shist_secret;

/* A sensitive path, at the commit that first added it. */
typedef struct cr_shist_file {
	char *path;
	const char *category;
	size_t commit;
} cr_shist_file;

typedef struct cr_shistory {
	cr_shist_commit *commits;    /* only those that introduced something */
	size_t commit_count;
	size_t commits_walked;
	cr_sitem *items;             /* one per distinct blob */
	size_t item_count;
	cr_shist_secret *secrets;    /* first introductions, in walk order */
	size_t secret_count;
	cr_shist_file *files;
	size_t file_count;
	uint64_t blobs_scanned, blobs_cached, skipped_binary, skipped_large;
} cr_shistory;

/* Walk and scan the history of the repository whose work tree is the
 * graph's root.  Does nothing (and returns 0) outside git.  `since`
 * (NULL: all) is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] or "N
 * days|weeks|months|years ago".  Errors: CR_EINVAL (bad since), CR_EGIT,
 * CR_ENOMEM.  Release with cr_shistory_release(). */
int cr_shistory_collect(cr_shistory *h, cr_collect *c, const cr_spool *pool,
	const char *since);
void cr_shistory_release(cr_shistory *h);

/* Parse a --since value into seconds since the epoch. */
int cr_secrets_parse_since(int64_t *out, const char *s, int64_t now);

/* The secret's identity across paths and blobs: rule, length, hash. */
bool cr_sfound_same(const cr_sfound *a, const cr_sfound *b);

#endif
