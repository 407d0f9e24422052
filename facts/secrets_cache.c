/*
 * secrets_cache.c - what scanning each piece of content found, on disk,
 * so that a second run over an unchanged repository scans nothing again.
 *
 * A record is keyed by 20 bytes that name the content: a history blob's
 * object id, or for a working-tree file a hash of its path and stat data
 * (secrets.c).  It says whether the content was binary, which content
 * checks of secrets_files.c ran and passed, and each match's rule index,
 * offset, length, line, column, entropy and suppression: never any byte
 * of a secret, nor even its hash.  What a report shows of a secret is
 * derived again from the content, read (not scanned) when a record has
 * matches.
 *
 * The file also keeps the last history walk (secrets_history.c), as
 * bytes this file does not interpret, under a key naming what the walk
 * depended on (the refs, --since, the path prefix): a second run over an
 * unchanged repository skips the walk as well as the scans.
 *
 * One file per repository and rule set, under
 * $XDG_CACHE_HOME/crucible/secrets/ (~/.cache/crucible/secrets/), named
 * by a hash of both, in this little-endian layout:
 *
 *   "CRSECRET" | u32 version | u32 rule count | digest[72]
 *   | u64 records | u64 matches | u64 walk bytes (0: no walk)
 *   | records: key[20] u8 flags u8 checks u8 hits u8 0 u32 match count
 *   | matches: u32 rule, line, column, length, entropy | u64 offset
 *              | u8 suppressed | 3 zero bytes
 *   | walk: key[32] | the bytes (only when there are some)
 *   | BLAKE2b-256 of everything before
 *
 * Records are sorted by key (lookups bisect).  Anything out of place
 * (magic, version, digest, sizes, order, a rule index out of range, the
 * checksum) makes the whole file ignored and rewritten.  A save writes
 * the records this run used or added (all of them after a run that left
 * the history out, so that it does not drop the history's), and the
 * newest walk, to a temporary file in the same directory and renames it
 * over the old one: a concurrent run reads either file whole, never a
 * mix, and the last writer wins.
 */
#include "facts/secrets_facts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define MAGIC "CRSECRET"
#define VERSION 2u
#define DIGEST_SIZE 72
#define HEADER_SIZE (8 + 4 + 4 + DIGEST_SIZE + 8 + 8 + 8)
#define RECORD_SIZE (CR_SECRETS_KEY_SIZE + 8)
#define MATCH_SIZE (5 * 4 + 8 + 4)
#define CHECKSUM_SIZE 32
/* Beyond any repository: refuse to allocate for a forged count. */
#define FILE_MAX ((size_t)1 << 31)

struct cache_rec {
	cr_scache_rec pub;
	bool used;
	bool replaced;      /* by a fresh record */
};

struct cr_scache {
	char digest[DIGEST_SIZE];
	size_t rule_count;
	char *path;                 /* NULL: never saved */
	struct cache_rec *recs;     /* sorted by key, from the file */
	size_t count;
	cr_scache_match *matches;   /* the file's, records point in */
	cr_scache_rec *fresh;       /* added this run, matches owned */
	size_t fresh_count, fresh_cap;
	uint8_t walk_key[CR_SCACHE_WALK_KEY];
	uint8_t *walk;              /* NULL: none */
	size_t walk_len;
	bool keep_unused;
	/* A fresh record or walk since the file was read: without one, and
	 * with every record of the file kept, the file is up to date. */
	bool changed;
};

/* --- in memory ----------------------------------------------------------- */

int cr_scache_new(cr_scache **out, const char *digest, size_t rule_count)
{
	cr_scache *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return CR_ENOMEM;
	snprintf(c->digest, sizeof c->digest, "%s", digest);
	c->rule_count = rule_count;
	*out = c;
	return CR_OK;
}

static void drop_walk(cr_scache *c)
{
	free(c->walk);
	c->walk = NULL;
	c->walk_len = 0;
}

static void drop_file_records(cr_scache *c)
{
	free(c->recs);
	free(c->matches);
	c->recs = NULL;
	c->matches = NULL;
	c->count = 0;
	drop_walk(c);
}

void cr_scache_free(cr_scache *c)
{
	if (!c)
		return;
	drop_file_records(c);
	for (size_t i = 0; i < c->fresh_count; i++)
		free((void *)c->fresh[i].matches);
	free(c->fresh);
	free(c->path);
	free(c);
}

static int compare_keys(const void *a, const void *b)
{
	return memcmp(a, b, CR_SECRETS_KEY_SIZE);
}

const cr_scache_rec *cr_scache_find(cr_scache *c,
	const uint8_t key[CR_SECRETS_KEY_SIZE])
{
	struct cache_rec *r = c->count ? bsearch(key, c->recs, c->count,
		sizeof *c->recs, compare_keys) : NULL;

	if (!r)
		return NULL;
	/* Threads may race to set it; every one of them writes true. */
	__atomic_store_n(&r->used, true, __ATOMIC_RELAXED);
	return &r->pub;
}

int cr_scache_put(cr_scache *c, const cr_scache_rec *rec)
{
	struct cache_rec *old = c->count ? bsearch(rec->key, c->recs,
		c->count, sizeof *c->recs, compare_keys) : NULL;
	cr_scache_match *m = NULL;

	/* The new record replaces the file's. */
	if (old)
		old->replaced = true;

	if (c->fresh_count == c->fresh_cap) {
		size_t cap = c->fresh_cap ? c->fresh_cap * 2 : 64;
		cr_scache_rec *p = realloc(c->fresh, cap * sizeof *p);

		if (!p)
			return CR_ENOMEM;
		c->fresh = p;
		c->fresh_cap = cap;
	}
	if (rec->count) {
		if (!(m = malloc(rec->count * sizeof *m)))
			return CR_ENOMEM;
		memcpy(m, rec->matches, rec->count * sizeof *m);
	}
	c->fresh[c->fresh_count] = *rec;
	c->fresh[c->fresh_count++].matches = m;
	c->changed = true;
	return CR_OK;
}

const void *cr_scache_walk(const cr_scache *c,
	const uint8_t key[CR_SCACHE_WALK_KEY], size_t *len)
{
	if (!c->walk || memcmp(c->walk_key, key, CR_SCACHE_WALK_KEY) != 0)
		return NULL;
	*len = c->walk_len;
	return c->walk;
}

int cr_scache_set_walk(cr_scache *c, const uint8_t key[CR_SCACHE_WALK_KEY],
	const void *data, size_t len)
{
	uint8_t *copy;

	drop_walk(c);
	if (!len)
		return CR_OK;
	if (!(copy = malloc(len)))
		return CR_ENOMEM;
	memcpy(copy, data, len);
	memcpy(c->walk_key, key, CR_SCACHE_WALK_KEY);
	c->walk = copy;
	c->walk_len = len;
	c->changed = true;
	return CR_OK;
}

void cr_scache_keep_unused(cr_scache *c)
{
	c->keep_unused = true;
}

size_t cr_scache_count(const cr_scache *c)
{
	return c->count;
}

const cr_scache_rec *cr_scache_at(const cr_scache *c, size_t i)
{
	return i < c->count ? &c->recs[i].pub : NULL;
}

/* --- reading ------------------------------------------------------------- */

static bool header_ok(const cr_scache *c, const uint8_t *p, size_t len,
	uint64_t *nrec, uint64_t *nmatch, uint64_t *nwalk)
{
	uint64_t body;

	if (len < HEADER_SIZE + CHECKSUM_SIZE || memcmp(p, MAGIC, 8) != 0 ||
	    cr_le_get32(p + 8) != VERSION || cr_le_get32(p + 12) != c->rule_count ||
	    memcmp(p + 16, c->digest, DIGEST_SIZE) != 0)
		return false;
	*nrec = cr_le_get64(p + 16 + DIGEST_SIZE);
	*nmatch = cr_le_get64(p + 24 + DIGEST_SIZE);
	*nwalk = cr_le_get64(p + 32 + DIGEST_SIZE);
	if (*nrec > FILE_MAX / RECORD_SIZE || *nmatch > FILE_MAX / MATCH_SIZE ||
	    *nwalk > FILE_MAX)
		return false;
	body = *nrec * RECORD_SIZE + *nmatch * MATCH_SIZE +
		(*nwalk ? CR_SCACHE_WALK_KEY + *nwalk : 0);
	return body == len - HEADER_SIZE - CHECKSUM_SIZE;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum[CHECKSUM_SIZE];

	crypto_generichash(sum, sizeof sum, p, len - CHECKSUM_SIZE, NULL, 0);
	return sodium_memcmp(sum, p + len - CHECKSUM_SIZE, sizeof sum) == 0;
}

static bool read_match(cr_scache_match *m, const uint8_t *p,
	size_t rule_count)
{
	*m = (cr_scache_match){
		.rule = cr_le_get32(p), .line = cr_le_get32(p + 4),
		.column = cr_le_get32(p + 8), .length = cr_le_get32(p + 12),
		.entropy_micro = cr_le_get32(p + 16), .offset = cr_le_get64(p + 20),
		.suppressed = p[28] != 0,
	};
	return m->rule < rule_count && p[28] <= 1 && !p[29] && !p[30] &&
	       !p[31] && m->length > 0 && m->line > 0 && m->column > 0;
}

/* Records and matches from p (sizes already checked). */
static bool read_body(cr_scache *c, const uint8_t *p, uint64_t nrec,
	uint64_t nmatch)
{
	const uint8_t *m = p + nrec * RECORD_SIZE;
	uint64_t used = 0;

	for (uint64_t i = 0; i < nmatch; i++)
		if (!read_match(&c->matches[i], m + i * MATCH_SIZE,
			    c->rule_count))
			return false;
	for (uint64_t i = 0; i < nrec; i++, p += RECORD_SIZE) {
		cr_scache_rec *r = &c->recs[i].pub;

		memcpy(r->key, p, CR_SECRETS_KEY_SIZE);
		r->flags = p[20];
		r->checks = p[21];
		r->hits = p[22];
		r->count = cr_le_get32(p + 24);
		if (p[23] || (r->flags & ~CR_SCACHE_BINARY) ||
		    (r->hits & ~r->checks) || r->count > nmatch - used ||
		    (i && memcmp(c->recs[i - 1].pub.key, r->key,
			    CR_SECRETS_KEY_SIZE) >= 0))
			return false;
		r->matches = c->matches + used;
		used += r->count;
	}
	return used == nmatch;
}

int cr_scache_parse(cr_scache *c, const void *data, size_t len)
{
	const uint8_t *p = data, *walk;
	uint64_t nrec, nmatch, nwalk;

	drop_file_records(c);
	if (!header_ok(c, p, len, &nrec, &nmatch, &nwalk) ||
	    !checksum_ok(p, len))
		return CR_EPARSE;
	c->recs = calloc(nrec ? nrec : 1, sizeof *c->recs);
	c->matches = calloc(nmatch ? nmatch : 1, sizeof *c->matches);
	if (!c->recs || !c->matches) {
		drop_file_records(c);
		return CR_ENOMEM;
	}
	if (!read_body(c, p + HEADER_SIZE, nrec, nmatch)) {
		drop_file_records(c);
		return CR_EPARSE;
	}
	c->count = nrec;
	walk = p + HEADER_SIZE + nrec * RECORD_SIZE + nmatch * MATCH_SIZE;
	if (nwalk && cr_scache_set_walk(c, walk, walk + CR_SCACHE_WALK_KEY,
		    nwalk) != CR_OK) {
		drop_file_records(c);
		return CR_ENOMEM;
	}
	return CR_OK;
}

/* --- where it lives ------------------------------------------------------ */

/* $XDG_CACHE_HOME/crucible/secrets or ~/.cache/crucible/secrets, made
 * on the way (mode 0700: results say where secrets are). */
static char *cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL;

	if (xdg && xdg[0] == '/') {
		if (asprintf(&dir, "%s/crucible/secrets", xdg) < 0)
			return NULL;
	} else if (home && home[0] == '/') {
		if (asprintf(&dir, "%s/.cache/crucible/secrets", home) < 0)
			return NULL;
	} else {
		return NULL;
	}
	for (char *s = dir + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char saved = *s;

		*s = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			free(dir);
			return NULL;
		}
		if (!(*s = saved))
			break;
	}
	return dir;
}

static char *cache_path(const char *repo_id, const char *digest)
{
	unsigned char h[16];
	char hex[33];
	crypto_generichash_state st;
	char *dir = cache_dir(), *path = NULL;

	if (!dir)
		return NULL;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)repo_id,
		strlen(repo_id) + 1);
	crypto_generichash_update(&st, (const unsigned char *)digest,
		strlen(digest));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	if (asprintf(&path, "%s/%s.cache", dir, hex) < 0)
		path = NULL;
	free(dir);
	return path;
}

static void load_file(cr_scache *c)
{
	struct stat st;
	uint8_t *data = NULL;
	int fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size <= FILE_MAX &&
	    (data = malloc((size_t)st.st_size + 1)) &&
	    read(fd, data, (size_t)st.st_size) == st.st_size)
		cr_scache_parse(c, data, (size_t)st.st_size);
	free(data);
	close(fd);
}

int cr_scache_open(cr_scache **out, const char *repo_id,
	const cr_secret_rules *rules)
{
	const char *digest = cr_secret_rules_digest(rules);
	int rc;

	if ((rc = cr_scache_new(out, digest,
		     cr_secret_rules_count(rules))) != CR_OK)
		return rc;
	if (sodium_init() < 0)
		return CR_OK;
	/* No usable directory: a cache that never saves. */
	if (((*out)->path = cache_path(repo_id, digest)))
		load_file(*out);
	/* the walk the file holds is no change to it */
	(*out)->changed = false;
	return CR_OK;
}

/* --- writing ------------------------------------------------------------- */

static int by_key(const void *a, const void *b)
{
	return compare_keys(*(const cr_scache_rec *const *)a,
		*(const cr_scache_rec *const *)b);
}

/* The records to keep, sorted by key. */
static const cr_scache_rec **records_to_keep(const cr_scache *c, size_t *n,
	size_t *nmatch)
{
	const cr_scache_rec **keep = calloc(c->count + c->fresh_count + 1,
		sizeof *keep);
	size_t k = 0;

	if (!keep)
		return NULL;
	for (size_t i = 0; i < c->fresh_count; i++)
		keep[k++] = &c->fresh[i];
	for (size_t i = 0; i < c->count; i++)
		if (!c->recs[i].replaced &&
		    (c->recs[i].used || c->keep_unused))
			keep[k++] = &c->recs[i].pub;
	qsort(keep, k, sizeof *keep, by_key);
	*n = 0;
	*nmatch = 0;
	/* Two fresh records of one key (one content at two paths) agree. */
	for (size_t i = 0; i < k; i++) {
		if (*n && compare_keys(keep[*n - 1], keep[i]) == 0)
			continue;
		keep[(*n)++] = keep[i];
		*nmatch += keep[i]->count;
	}
	return keep;
}

static void write_match(uint8_t *p, const cr_scache_match *m)
{
	cr_le_put32(p, m->rule);
	cr_le_put32(p + 4, m->line);
	cr_le_put32(p + 8, m->column);
	cr_le_put32(p + 12, m->length);
	cr_le_put32(p + 16, m->entropy_micro);
	cr_le_put64(p + 20, m->offset);
	p[28] = m->suppressed;
	p[29] = p[30] = p[31] = 0;
}

static uint8_t *serialize(const cr_scache *c, const cr_scache_rec **keep,
	size_t n, size_t nmatch, size_t *len)
{
	uint8_t *buf, *r, *m;

	*len = HEADER_SIZE + n * RECORD_SIZE + nmatch * MATCH_SIZE +
		(c->walk ? CR_SCACHE_WALK_KEY + c->walk_len : 0) +
		CHECKSUM_SIZE;
	if (!(buf = calloc(1, *len)))
		return NULL;
	memcpy(buf, MAGIC, 8);
	cr_le_put32(buf + 8, VERSION);
	cr_le_put32(buf + 12, (uint32_t)c->rule_count);
	memcpy(buf + 16, c->digest, DIGEST_SIZE);
	cr_le_put64(buf + 16 + DIGEST_SIZE, n);
	cr_le_put64(buf + 24 + DIGEST_SIZE, nmatch);
	cr_le_put64(buf + 32 + DIGEST_SIZE, c->walk ? c->walk_len : 0);
	r = buf + HEADER_SIZE;
	m = r + n * RECORD_SIZE;
	for (size_t i = 0; i < n; i++, r += RECORD_SIZE) {
		memcpy(r, keep[i]->key, CR_SECRETS_KEY_SIZE);
		r[20] = keep[i]->flags;
		r[21] = keep[i]->checks;
		r[22] = keep[i]->hits;
		cr_le_put32(r + 24, keep[i]->count);
		for (uint32_t j = 0; j < keep[i]->count; j++, m += MATCH_SIZE)
			write_match(m, &keep[i]->matches[j]);
	}
	if (c->walk) {
		memcpy(m, c->walk_key, CR_SCACHE_WALK_KEY);
		memcpy(m + CR_SCACHE_WALK_KEY, c->walk, c->walk_len);
	}
	crypto_generichash(buf + *len - CHECKSUM_SIZE, CHECKSUM_SIZE, buf,
		*len - CHECKSUM_SIZE, NULL, 0);
	return buf;
}

static int write_atomically(const char *path, const uint8_t *buf,
	size_t len)
{
	char *tmp = NULL;
	ssize_t done = 0;
	int fd, rc = CR_EIO;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return CR_ENOMEM;
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		return CR_EIO;
	}
	while ((size_t)done < len) {
		ssize_t w = write(fd, buf + done, len - (size_t)done);

		if (w <= 0)
			break;
		done += w;
	}
	if (close(fd) == 0 && (size_t)done == len && rename(tmp, path) == 0)
		rc = CR_OK;
	else
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Whether the file as read holds what a save would write: rewriting a
 * cache of 100,000 files that nothing changed costs a run time. */
static bool file_up_to_date(const cr_scache *c)
{
	if (c->changed)
		return false;
	for (size_t i = 0; !c->keep_unused && i < c->count; i++)
		if (!c->recs[i].used)
			return false;
	return true;
}

int cr_scache_save(cr_scache *c)
{
	const cr_scache_rec **keep;
	size_t n, nmatch, len;
	uint8_t *buf = NULL;
	int rc = CR_ENOMEM;

	if (!c->path || file_up_to_date(c))
		return CR_OK;
	if (!(keep = records_to_keep(c, &n, &nmatch)))
		return CR_ENOMEM;
	if ((buf = serialize(c, keep, n, nmatch, &len)))
		rc = write_atomically(c->path, buf, len);
	free(buf);
	free(keep);
	return rc;
}
