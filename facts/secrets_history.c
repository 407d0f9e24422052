/*
 * secrets_history.c - secrets and sensitive files in every commit
 * reachable from any ref, each blob scanned once.
 *
 * The walk visits commits oldest first (topological, reversed) from every
 * ref and HEAD, optionally only those committed after --since.  Each
 * commit's new blobs are found by comparing its tree with its first
 * parent's, entry by entry, skipping subtrees whose ids are equal: a
 * commit that touches one file costs one path of tree reads, far less
 * than a diff.  A blob id seen before is not looked at again, so the
 * first commit that brings a blob is where everything in it was
 * introduced.  The walk itself is one thread (libgit2 objects are not
 * shared across threads); the blobs are then scanned by the pool of
 * secrets.c, each thread reading through its own repository handle.
 *
 * The walk's result (commits, blobs with their first path, sensitive
 * paths) is kept in the cache under a hash of what it depended on: every
 * ref and its target, HEAD, the shallow boundary, --since and the path
 * prefix.  A run over a repository whose refs have not moved restores it
 * instead of walking, and with every blob's result cached too, reads
 * nothing from the object database but the blobs holding secrets.
 *
 * A secret is introduced by the first blob, in walk order, that holds it
 * (same rule, length and hash), at that blob's path.  A sensitive path
 * is introduced by the first commit that adds a blob at it (for paths
 * whose content decides, the first blob that passes the check).
 */
#include "facts/secrets_facts.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "facts/files_internal.h"

#define WALK_COMMIT_SIZE (CR_SECRETS_KEY_SIZE + 20)
#define WALK_ITEM_SIZE (CR_SECRETS_KEY_SIZE + 12)
#define WALK_CAND_SIZE 12
#define WALK_HEADER_SIZE 24
#define DATE_LEN 20     /* YYYY-MM-DDTHH:MM:SSZ */

/* --- --since ----------------------------------------------------------------- */

static const struct { const char *unit; int64_t seconds; } units[] = {
	{ "second", 1 }, { "minute", 60 }, { "hour", 3600 },
	{ "day", 86400 }, { "week", 7 * 86400 }, { "month", 30 * 86400 },
	{ "year", 365 * 86400 },
};

/* "N unit[s] ago". */
static bool parse_relative(int64_t *out, const char *s, int64_t now)
{
	char *end;
	long n = strtol(s, &end, 10);
	size_t len;

	if (end == s || n < 0 || *end != ' ')
		return false;
	s = end + 1;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		len = strlen(units[i].unit);
		if (strncmp(s, units[i].unit, len) != 0)
			continue;
		s += len;
		if (*s == 's')
			s++;
		if (strcmp(s, " ago") != 0 || n > INT64_MAX / units[i].seconds)
			return false;
		*out = now - n * units[i].seconds;
		return true;
	}
	return false;
}

int cr_secrets_parse_since(int64_t *out, const char *s, int64_t now)
{
	struct tm tm = {0};
	const char *end;

	if (parse_relative(out, s, now))
		return CR_OK;
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end && (*end == 'T' || *end == ' '))
		end = strptime(end + 1, "%H:%M:%S", &tm);
	if (end && *end == 'Z')
		end++;
	if (!end || *end)
		return CR_EINVAL;
	*out = (int64_t)timegm(&tm);
	return CR_OK;
}

/* --- blobs seen: object id -> item index ---------------------------------- */

struct blob_map {
	git_oid *oids;
	size_t *index;
	size_t mask, count;
};

static size_t blob_slot(const struct blob_map *m, const git_oid *oid)
{
	size_t h;

	memcpy(&h, oid->id, sizeof h);
	for (h &= m->mask; m->index[h] != SIZE_MAX &&
	     !git_oid_equal(&m->oids[h], oid); h = (h + 1) & m->mask)
		;
	return h;
}

static int blob_map_grow(struct blob_map *m)
{
	size_t n = m->oids ? (m->mask + 1) * 2 : 1024;
	struct blob_map bigger = { calloc(n, sizeof(git_oid)),
		malloc(n * sizeof(size_t)), n - 1, m->count };

	if (!bigger.oids || !bigger.index) {
		free(bigger.oids);
		free(bigger.index);
		return CR_ENOMEM;
	}
	memset(bigger.index, 0xff, n * sizeof(size_t));
	for (size_t k = 0; m->oids && k <= m->mask; k++) {
		if (m->index[k] != SIZE_MAX) {
			size_t i = blob_slot(&bigger, &m->oids[k]);

			bigger.oids[i] = m->oids[k];
			bigger.index[i] = m->index[k];
		}
	}
	free(m->oids);
	free(m->index);
	*m = bigger;
	return CR_OK;
}

/* The slot of oid, the map grown first so that a new entry fits. */
static int blob_map_slot(struct blob_map *m, const git_oid *oid,
	size_t *slot)
{
	int rc;

	if ((m->count + 1) * 2 > (m->oids ? m->mask + 1 : 0) &&
	    (rc = blob_map_grow(m)) != CR_OK)
		return rc;
	*slot = blob_slot(m, oid);
	return CR_OK;
}

static void blob_map_free(struct blob_map *m)
{
	free(m->oids);
	free(m->index);
}

/* --- the walk ---------------------------------------------------------------- */

/* A sensitive path seen in a commit, before the checks have run. */
struct candidate {
	char *path;
	const char *category;
	unsigned check;
	size_t commit;
	size_t item;
};

struct walk {
	cr_shistory *h;
	cr_collect *c;
	git_repository *repo;
	const char *prefix;     /* the graph root inside the work tree */
	size_t prefix_len;
	struct blob_map blobs;
	size_t item_cap, commit_cap;
	struct candidate *cands;
	size_t cand_count, cand_cap;
	char path[PATH_MAX];
};

static int grow(void **items, size_t *cap, size_t count, size_t size)
{
	void *p;
	size_t n;

	if (count < *cap)
		return CR_OK;
	n = *cap ? *cap * 2 : 64;
	if (!(p = realloc(*items, n * size)))
		return CR_ENOMEM;
	*items = p;
	*cap = n;
	return CR_OK;
}

static int add_candidate(struct walk *w, const char *path, cr_sensitive s,
	size_t item)
{
	struct candidate *cand;

	/* Paths that count by name alone are introduced once. */
	for (size_t i = 0; !s.check && i < w->cand_count; i++)
		if (strcmp(w->cands[i].path, path) == 0)
			return CR_OK;
	if (grow((void **)&w->cands, &w->cand_cap, w->cand_count,
		    sizeof *w->cands) != CR_OK)
		return CR_ENOMEM;
	cand = &w->cands[w->cand_count];
	*cand = (struct candidate){ .path = strdup(path),
		.category = s.category, .check = s.check,
		.commit = w->h->commit_count - 1, .item = item };
	if (!cand->path)
		return CR_ENOMEM;
	w->cand_count++;
	return CR_OK;
}

/* A blob at `path` (relative to the work tree) that the current commit
 * brings. */
static int new_blob(struct walk *w, const char *path, const git_oid *oid)
{
	cr_shistory *h = w->h;
	const char *rel;
	cr_sensitive s;
	size_t slot;
	cr_sitem *it;

	if (strncmp(path, w->prefix, w->prefix_len) != 0)
		return CR_OK;
	rel = path + w->prefix_len;
	s = cr_sensitive_of_path(rel);
	if (blob_map_slot(&w->blobs, oid, &slot) != CR_OK)
		return CR_ENOMEM;
	if (w->blobs.index[slot] == SIZE_MAX) {
		if (grow((void **)&h->items, &w->item_cap, h->item_count,
			    sizeof *h->items) != CR_OK)
			return CR_ENOMEM;
		it = &h->items[h->item_count];
		*it = (cr_sitem){ .path = strdup(rel), .cacheable = true,
			.origin = h->commit_count - 1 };
		if (!it->path)
			return CR_ENOMEM;
		memcpy(it->key, oid->id, CR_SECRETS_KEY_SIZE);
		w->blobs.oids[slot] = *oid;
		w->blobs.index[slot] = h->item_count++;
		w->blobs.count++;
	}
	it = &h->items[w->blobs.index[slot]];
	it->checks |= s.check;
	return s.category ? add_candidate(w, rel, s, w->blobs.index[slot]) :
		CR_OK;
}

static int tree_of(git_tree **out, git_repository *repo,
	const git_tree_entry *e)
{
	if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE) {
		*out = NULL;
		return 0;
	}
	return git_tree_lookup(out, repo, git_tree_entry_id(e));
}

/* Entries of `tree` at path[0..len) that `old` (may be NULL) lacks. */
static int compare_trees(struct walk *w, const git_tree *old,
	const git_tree *tree, size_t len)
{
	size_t n = git_tree_entrycount(tree);
	int rc = CR_OK;

	for (size_t i = 0; i < n && rc == CR_OK; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		const git_tree_entry *was = old ?
			git_tree_entry_byname(old, name) : NULL;
		git_filemode_t mode = git_tree_entry_filemode(e);
		size_t nlen = strlen(name);
		git_tree *sub = NULL, *old_sub = NULL;

		if ((was && git_oid_equal(git_tree_entry_id(was),
			    git_tree_entry_id(e))) ||
		    len + nlen + 2 > sizeof w->path)
			continue;
		memcpy(w->path + len, name, nlen + 1);
		if (mode == GIT_FILEMODE_BLOB ||
		    mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			rc = new_blob(w, w->path, git_tree_entry_id(e));
			continue;
		}
		if (mode != GIT_FILEMODE_TREE)
			continue;   /* symlinks and submodules hold no content */
		w->path[len + nlen] = '/';
		w->path[len + nlen + 1] = '\0';
		if (tree_of(&sub, w->repo, e) < 0 ||
		    tree_of(&old_sub, w->repo, was) < 0)
			rc = cr_git_error(w->c->ctx, "tree");
		else
			rc = compare_trees(w, old_sub, sub, len + nlen + 1);
		git_tree_free(sub);
		git_tree_free(old_sub);
	}
	return rc;
}

static void iso8601(char out[32], git_time_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		strcpy(out, "1970-01-01T00:00:00Z");
}

static int add_commit(struct walk *w, const git_commit *commit)
{
	cr_shistory *h = w->h;
	cr_shist_commit *hc;

	if (grow((void **)&h->commits, &w->commit_cap, h->commit_count,
		    sizeof *h->commits) != CR_OK)
		return CR_ENOMEM;
	hc = &h->commits[h->commit_count++];
	git_oid_tostr(hc->id, sizeof hc->id, git_commit_id(commit));
	iso8601(hc->date, git_commit_author(commit)->when.time);
	return CR_OK;
}

static int visit(struct walk *w, const git_oid *oid, bool bounded,
	int64_t since)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *old = NULL;
	int rc = CR_OK;

	if (git_commit_lookup(&commit, w->repo, oid) < 0)
		return cr_git_error(w->c->ctx, "commit");
	if (bounded && git_commit_time(commit) < since)
		goto done;
	w->h->commits_walked++;
	if ((rc = add_commit(w, commit)) != CR_OK)
		goto done;
	/* A shallow clone's boundary commit has no parent to compare. */
	if (git_commit_parentcount(commit) > 0 &&
	    git_commit_parent(&parent, commit, 0) == 0 &&
	    git_commit_tree(&old, parent) < 0) {
		rc = cr_git_error(w->c->ctx, "parent tree");
		goto done;
	}
	if (git_commit_tree(&tree, commit) < 0) {
		rc = cr_git_error(w->c->ctx, "tree");
		goto done;
	}
	w->path[0] = '\0';
	rc = compare_trees(w, old, tree, 0);
done:
	git_tree_free(old);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(commit);
	return rc;
}

/* Walk the commits (those committed at or after `bound` when bounded). */
static int walk_commits(struct walk *w, bool bounded, int64_t bound)
{
	git_revwalk *rw = NULL;
	git_oid oid;
	int err, rc = CR_OK;

	if (git_revwalk_new(&rw, w->repo) < 0 ||
	    git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL |
		    GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push_glob(rw, "refs/*") < 0) {
		rc = cr_git_error(w->c->ctx, "history");
		goto done;
	}
	err = git_revwalk_push_head(rw);
	if (err < 0 && err != GIT_ENOTFOUND && err != GIT_EUNBORNBRANCH) {
		rc = cr_git_error(w->c->ctx, "HEAD");
		goto done;
	}
	while (rc == CR_OK && (err = git_revwalk_next(&oid, rw)) == 0)
		rc = visit(w, &oid, bounded, bound);
	if (rc == CR_OK && err != GIT_ITEROVER)
		rc = cr_git_error(w->c->ctx, "history");
done:
	git_revwalk_free(rw);
	return rc == CR_ENOMEM ? cr_error_set(w->c->ctx, rc,
		"out of memory walking the history") : rc;
}

/* --- the walk, kept in the cache ------------------------------------------ */

/* One "name target" line per ref, sorted: the refs' state, whatever
 * order the iterator gives. */
static int ref_lines(char ***out, size_t *n, git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	size_t cap = 0;
	int rc = CR_OK;

	*out = NULL;
	*n = 0;
	if (git_reference_iterator_new(&it, repo) < 0)
		return CR_EGIT;
	while (rc == CR_OK && git_reference_next(&ref, it) == 0) {
		git_reference *target = NULL;
		char hex[GIT_OID_HEXSZ + 1] = "-";
		char *line;

		if (git_reference_resolve(&target, ref) == 0)
			git_oid_tostr(hex, sizeof hex,
				git_reference_target(target));
		if (grow((void **)out, &cap, *n, sizeof **out) != CR_OK ||
		    asprintf(&line, "%s %s", git_reference_name(ref), hex) < 0)
			rc = CR_ENOMEM;
		else
			(*out)[(*n)++] = line;
		git_reference_free(target);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return rc;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hash_str(crypto_generichash_state *st, const char *s)
{
	crypto_generichash_update(st, (const unsigned char *)s, strlen(s) + 1);
}

/* The shallow boundary, which deepening moves without moving a ref. */
static void hash_shallow(crypto_generichash_state *st, git_repository *repo)
{
	char path[PATH_MAX], buf[4096];
	ssize_t got;
	int fd;

	if (snprintf(path, sizeof path, "%sshallow",
		    git_repository_path(repo)) >= (int)sizeof path ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((got = read(fd, buf, sizeof buf)) > 0)
		crypto_generichash_update(st, (const unsigned char *)buf,
			(size_t)got);
	close(fd);
}

/* What a walk depends on, hashed. */
static int walk_key(uint8_t key[CR_SCACHE_WALK_KEY], struct walk *w,
	bool bounded, int64_t bound)
{
	crypto_generichash_state st;
	char **refs, head[GIT_OID_HEXSZ + 1] = "-", num[32];
	git_oid oid;
	size_t n;
	int rc;

	if ((rc = ref_lines(&refs, &n, w->repo)) != CR_OK)
		goto done;
	qsort(refs, n, sizeof *refs, by_string);
	if (git_reference_name_to_id(&oid, w->repo, "HEAD") == 0)
		git_oid_tostr(head, sizeof head, &oid);
	snprintf(num, sizeof num, "%lld", bounded ? (long long)bound : -1LL);
	crypto_generichash_init(&st, NULL, 0, CR_SCACHE_WALK_KEY);
	hash_str(&st, "crucible secrets walk 1");
	hash_str(&st, w->prefix);
	hash_str(&st, num);
	hash_str(&st, head);
	for (size_t i = 0; i < n; i++)
		hash_str(&st, refs[i]);
	hash_shallow(&st, w->repo);
	crypto_generichash_final(&st, key, CR_SCACHE_WALK_KEY);
done:
	for (size_t i = 0; refs && i < n; i++)
		free(refs[i]);
	free(refs);
	return rc;
}

/* The walk's result as bytes, little-endian:
 *   u64 commits walked | u32 commits | u32 items | u32 candidates
 *   | u32 string bytes
 *   | commits: id[20] date[20]
 *   | items: id[20] u32 commit u32 checks u32 path
 *   | candidates: u32 path u32 commit u32 item
 *   | strings: the paths, each NUL-terminated (path fields are offsets)
 */
struct walk_sizes {
	uint32_t commits, items, cands, strings;
};

static size_t walk_bytes(const struct walk_sizes *z)
{
	return WALK_HEADER_SIZE + (size_t)z->commits * WALK_COMMIT_SIZE +
		(size_t)z->items * WALK_ITEM_SIZE +
		(size_t)z->cands * WALK_CAND_SIZE + z->strings;
}

/* Append path to the strings at *s; its offset. */
static uint32_t put_string(uint8_t *strings, size_t *s, const char *path)
{
	size_t len = strlen(path) + 1, at = *s;

	memcpy(strings + at, path, len);
	*s += len;
	return (uint32_t)at;
}

static int walk_save(const struct walk *w, cr_scache *cache,
	const uint8_t key[CR_SCACHE_WALK_KEY])
{
	const cr_shistory *h = w->h;
	struct walk_sizes z = { (uint32_t)h->commit_count,
		(uint32_t)h->item_count, (uint32_t)w->cand_count, 0 };
	size_t strings = 0, len;
	uint8_t *buf, *p, *str;
	int rc;

	for (size_t i = 0; i < h->item_count; i++)
		strings += strlen(h->items[i].path) + 1;
	for (size_t i = 0; i < w->cand_count; i++)
		strings += strlen(w->cands[i].path) + 1;
	if (strings > UINT32_MAX || h->item_count > UINT32_MAX ||
	    h->commit_count > UINT32_MAX || w->cand_count > UINT32_MAX)
		return CR_OK;   /* beyond the format: walk again next time */
	z.strings = (uint32_t)strings;
	if (!(buf = calloc(1, len = walk_bytes(&z))))
		return CR_ENOMEM;
	cr_le_put64(buf, h->commits_walked);
	cr_le_put32(buf + 8, z.commits);
	cr_le_put32(buf + 12, z.items);
	cr_le_put32(buf + 16, z.cands);
	cr_le_put32(buf + 20, z.strings);
	p = buf + WALK_HEADER_SIZE;
	str = buf + len - strings;
	strings = 0;
	for (size_t i = 0; i < h->commit_count; i++, p += WALK_COMMIT_SIZE) {
		git_oid oid;

		git_oid_fromstr(&oid, h->commits[i].id);
		memcpy(p, oid.id, CR_SECRETS_KEY_SIZE);
		memcpy(p + CR_SECRETS_KEY_SIZE, h->commits[i].date, DATE_LEN);
	}
	for (size_t i = 0; i < h->item_count; i++, p += WALK_ITEM_SIZE) {
		memcpy(p, h->items[i].key, CR_SECRETS_KEY_SIZE);
		cr_le_put32(p + 20, (uint32_t)h->items[i].origin);
		cr_le_put32(p + 24, h->items[i].checks);
		cr_le_put32(p + 28, put_string(str, &strings,
			h->items[i].path));
	}
	for (size_t i = 0; i < w->cand_count; i++, p += WALK_CAND_SIZE) {
		cr_le_put32(p, put_string(str, &strings, w->cands[i].path));
		cr_le_put32(p + 4, (uint32_t)w->cands[i].commit);
		cr_le_put32(p + 8, (uint32_t)w->cands[i].item);
	}
	rc = cr_scache_set_walk(cache, key, buf, len);
	free(buf);
	return rc;
}

/* The string at offset `at`, or NULL when it is not one. */
static const char *get_string(const uint8_t *strings, uint32_t size,
	uint32_t at)
{
	return at < size && strings[size - 1] == '\0' ?
		(const char *)strings + at : NULL;
}

static bool date_ok(const uint8_t *d)
{
	for (size_t i = 0; i < DATE_LEN; i++)
		if (!isdigit(d[i]) && !strchr("-T:Z", d[i]))
			return false;
	return true;
}

static int restore_commits(struct walk *w, const uint8_t *p, uint32_t n)
{
	cr_shistory *h = w->h;

	if (n && !(h->commits = calloc(n, sizeof *h->commits)))
		return CR_ENOMEM;
	w->commit_cap = n;
	for (uint32_t i = 0; i < n; i++, p += WALK_COMMIT_SIZE) {
		git_oid oid;

		if (!date_ok(p + CR_SECRETS_KEY_SIZE))
			return CR_EPARSE;
		memcpy(oid.id, p, CR_SECRETS_KEY_SIZE);
		git_oid_tostr(h->commits[i].id, sizeof h->commits[i].id, &oid);
		memcpy(h->commits[i].date, p + CR_SECRETS_KEY_SIZE, DATE_LEN);
		h->commit_count++;
	}
	return CR_OK;
}

static int restore_items(struct walk *w, const uint8_t *p, uint32_t n,
	const uint8_t *strings, uint32_t size)
{
	cr_shistory *h = w->h;

	if (n && !(h->items = calloc(n, sizeof *h->items)))
		return CR_ENOMEM;
	w->item_cap = n;
	for (uint32_t i = 0; i < n; i++, p += WALK_ITEM_SIZE) {
		const char *path = get_string(strings, size,
			cr_le_get32(p + 28));
		cr_sitem *it = &h->items[i];

		if (!path || cr_le_get32(p + 20) >= h->commit_count ||
		    cr_le_get32(p + 24) > UINT8_MAX)
			return CR_EPARSE;
		*it = (cr_sitem){ .cacheable = true,
			.origin = cr_le_get32(p + 20),
			.checks = cr_le_get32(p + 24) };
		memcpy(it->key, p, CR_SECRETS_KEY_SIZE);
		if (!(it->path = strdup(path)))
			return CR_ENOMEM;
		h->item_count++;
	}
	return CR_OK;
}

static int restore_cands(struct walk *w, const uint8_t *p, uint32_t n,
	const uint8_t *strings, uint32_t size)
{
	if (n && !(w->cands = calloc(n, sizeof *w->cands)))
		return CR_ENOMEM;
	w->cand_cap = n;
	for (uint32_t i = 0; i < n; i++, p += WALK_CAND_SIZE) {
		const char *path = get_string(strings, size, cr_le_get32(p));
		cr_sensitive s = path ? cr_sensitive_of_path(path) :
			(cr_sensitive){0};
		struct candidate *cand = &w->cands[i];

		if (!s.category || cr_le_get32(p + 4) >= w->h->commit_count ||
		    cr_le_get32(p + 8) >= w->h->item_count)
			return CR_EPARSE;
		*cand = (struct candidate){ .category = s.category,
			.check = s.check, .commit = cr_le_get32(p + 4),
			.item = cr_le_get32(p + 8) };
		if (!(cand->path = strdup(path)))
			return CR_ENOMEM;
		w->cand_count++;
	}
	return CR_OK;
}

/* The walk from the cache's bytes: CR_EPARSE when they do not hold
 * together (the caller then walks). */
static int walk_restore(struct walk *w, const uint8_t *data, size_t len)
{
	struct walk_sizes z;
	const uint8_t *p = data + WALK_HEADER_SIZE, *strings;
	int rc;

	if (len < WALK_HEADER_SIZE)
		return CR_EPARSE;
	z = (struct walk_sizes){ cr_le_get32(data + 8), cr_le_get32(data + 12),
		cr_le_get32(data + 16), cr_le_get32(data + 20) };
	if (walk_bytes(&z) != len)
		return CR_EPARSE;
	strings = data + len - z.strings;
	w->h->commits_walked = cr_le_get64(data);
	if ((rc = restore_commits(w, p, z.commits)) != CR_OK)
		return rc;
	p += (size_t)z.commits * WALK_COMMIT_SIZE;
	if ((rc = restore_items(w, p, z.items, strings, z.strings)) != CR_OK)
		return rc;
	p += (size_t)z.items * WALK_ITEM_SIZE;
	return restore_cands(w, p, z.cands, strings, z.strings);
}

/* --- reading blobs on the pool's threads ----------------------------------- */

struct blob_thread {
	git_repository *repo;
	git_odb *odb;
	git_odb_object *obj;
};

static int blob_thread_init(void **state, void *arg)
{
	struct blob_thread *t = calloc(1, sizeof *t);

	*state = t;
	if (!t)
		return CR_ENOMEM;
	if (git_repository_open(&t->repo, arg) < 0 ||
	    git_repository_odb(&t->odb, t->repo) < 0)
		return CR_EGIT;
	return CR_OK;
}

static void blob_thread_free(void *state)
{
	struct blob_thread *t = state;

	git_odb_free(t->odb);
	git_repository_free(t->repo);
	free(t);
}

static int blob_load(void *state, cr_sitem *it, const char **buf,
	size_t *len)
{
	struct blob_thread *t = state;
	git_object_t type;
	git_oid oid;
	size_t size;

	memcpy(oid.id, it->key, CR_SECRETS_KEY_SIZE);
	if (git_odb_read_header(&size, &type, t->odb, &oid) < 0)
		return CR_ENOTFOUND;
	if (size > CR_SECRETS_SIZE_MAX)
		return CR_ELIMIT;
	if (git_odb_read(&t->obj, t->odb, &oid) < 0)
		return CR_ENOTFOUND;
	*buf = git_odb_object_data(t->obj);
	*len = git_odb_object_size(t->obj);
	return CR_OK;
}

static void blob_unload(void *state)
{
	struct blob_thread *t = state;

	git_odb_object_free(t->obj);
	t->obj = NULL;
}

/* --- results ----------------------------------------------------------------- */

static int first_introductions(cr_shistory *h)
{
	for (size_t i = 0; i < h->item_count; i++) {
		const cr_sitem *it = &h->items[i];

		h->blobs_scanned += it->state == CR_SITEM_SCANNED;
		h->blobs_cached += it->state == CR_SITEM_CACHED;
		h->skipped_binary += it->state == CR_SITEM_BINARY;
		h->skipped_large += it->state == CR_SITEM_LARGE;
		for (size_t k = 0; k < it->found_count; k++) {
			bool seen = false;
			cr_shist_secret *p;

			for (size_t s = 0; s < h->secret_count && !seen; s++)
				seen = cr_sfound_same(h->secrets[s].found,
					&it->found[k]);
			if (seen)
				continue;
			p = realloc(h->secrets, (h->secret_count + 1) *
				sizeof *p);
			if (!p)
				return CR_ENOMEM;
			h->secrets = p;
			h->secrets[h->secret_count++] = (cr_shist_secret){
				.found = &it->found[k], .path = it->path,
				.commit = it->origin };
		}
	}
	return CR_OK;
}

/* Each sensitive path once, at its first qualifying commit. */
static int sensitive_files(cr_shistory *h, struct walk *w)
{
	for (size_t i = 0; i < w->cand_count; i++) {
		struct candidate *cand = &w->cands[i];
		bool seen = false;

		if (cand->check && !(h->items[cand->item].hits & cand->check))
			continue;
		for (size_t k = 0; k < h->file_count && !seen; k++)
			seen = strcmp(h->files[k].path, cand->path) == 0;
		if (seen)
			continue;
		cr_shist_file *p = realloc(h->files, (h->file_count + 1) *
			sizeof *p);
		if (!p)
			return CR_ENOMEM;
		h->files = p;
		h->files[h->file_count++] = (cr_shist_file){ .path = cand->path,
			.category = cand->category, .commit = cand->commit };
		cand->path = NULL;
	}
	return CR_OK;
}

static void walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->cand_count; i++)
		free(w->cands[i].path);
	free(w->cands);
	blob_map_free(&w->blobs);
}

/* Back to an empty walk, after a kept walk that did not hold together. */
static void walk_forget(struct walk *w)
{
	walk_release(w);
	cr_shistory_release(w->h);
	w->blobs = (struct blob_map){0};
	w->cands = NULL;
	w->cand_count = w->cand_cap = w->item_cap = w->commit_cap = 0;
}

/* The walk the cache kept when the repository has not moved since, else
 * a walk, kept for next time. */
static int walk_or_recall(struct walk *w, cr_scache *cache, bool bounded,
	int64_t bound)
{
	uint8_t key[CR_SCACHE_WALK_KEY];
	const void *kept;
	size_t len;
	int rc;

	if (!cache)
		return walk_commits(w, bounded, bound);
	if ((rc = walk_key(key, w, bounded, bound)) == CR_EGIT)
		return cr_git_error(w->c->ctx, "references");
	if (rc == CR_OK && (kept = cr_scache_walk(cache, key, &len))) {
		if ((rc = walk_restore(w, kept, len)) == CR_OK)
			return rc;
		walk_forget(w);
		rc = rc == CR_EPARSE ? CR_OK : rc;
	}
	if (rc == CR_OK && (rc = walk_commits(w, bounded, bound)) == CR_OK)
		rc = walk_save(w, cache, key);
	return rc == CR_ENOMEM ? cr_error_set(w->c->ctx, rc,
		"out of memory walking the history") : rc;
}

int cr_shistory_collect(cr_shistory *h, cr_collect *c, const cr_spool *pool,
	const char *since)
{
	struct walk w = { .h = h, .c = c };
	cr_sloader loader = {
		.thread_init = blob_thread_init,
		.thread_free = blob_thread_free,
		.load = blob_load,
		.unload = blob_unload,
	};
	char *prefix = NULL;
	int64_t bound = 0;
	int rc;

	if (since && cr_secrets_parse_since(&bound, since,
		    (int64_t)time(NULL)) != CR_OK)
		return cr_error_set(c->ctx, CR_EINVAL, "--since '%s': "
			"expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or "
			"'N days ago'", since);
	if ((rc = cr_git_open_root(&w.repo, &prefix, c->ctx,
		     cr_graph_root(c->g))) != CR_OK || !w.repo)
		return rc;
	w.prefix = prefix;
	w.prefix_len = strlen(prefix);
	/* Hashing every object read again costs a fifth of the walk; a
	 * scanner reads what is there, corrupt or not.  The option is
	 * process-wide and only relaxes checks nothing else relies on. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	loader.arg = (void *)git_repository_path(w.repo);
	if ((rc = walk_or_recall(&w, pool->cache, since != NULL, bound)) !=
		    CR_OK ||
	    (rc = cr_spool_run(pool, h->items, h->item_count, &loader)) !=
		    CR_OK ||
	    (rc = cr_spool_remember(pool, h->items, h->item_count)) != CR_OK)
		goto done;
	if ((rc = first_introductions(h)) != CR_OK ||
	    (rc = sensitive_files(h, &w)) != CR_OK)
		cr_error_set(c->ctx, rc, "out of memory");
done:
	if (rc == CR_EGIT && !cr_ctx_error(c->ctx)[0])
		cr_git_error(c->ctx, "history");
	walk_release(&w);
	git_repository_free(w.repo);
	free(prefix);
	return rc;
}

void cr_shistory_release(cr_shistory *h)
{
	for (size_t i = 0; i < h->item_count; i++) {
		cr_sitem_release(&h->items[i]);
		free((char *)h->items[i].path);
	}
	for (size_t i = 0; i < h->file_count; i++)
		free(h->files[i].path);
	free(h->items);
	free(h->commits);
	free(h->secrets);
	free(h->files);
	memset(h, 0, sizeof *h);
}
