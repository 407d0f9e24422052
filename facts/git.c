/*
 * git.c - the git facts collector (see include/crucible/git.h), and the
 * git plumbing it shares with the file inventory (files_internal.h): the
 * repository of a root, the index, gitignore rules, and whether tracked
 * files differ from the index.
 *
 * History is a walk over the commits reachable from HEAD.  The rest
 * follows `git status` and has to stay fast on 100,000 files: the index is
 * read by a small parser of git's index format (libgit2 takes longer to
 * load a big index than git takes for a whole status), compared with HEAD
 * through its cache tree or else entry by entry against the tree
 * objects, and compared with the working tree by stat data, hashing only
 * files whose stat cannot vouch for them.  gitignore rules are matched
 * here rather than by libgit2, whose per-path lookups stat every
 * .gitignore up the tree each time.  The file inventory stats every
 * tracked file anyway, so it settles "dirty" and leaves a note; this
 * collector only does that work itself without one.
 */
#include "crucible/git.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "facts/files_internal.h"

/* Graph writes fail only for memory; give them a message too. */
static int graph_result(cr_ctx *ctx, int rc)
{
	if (rc == CR_OK)
		return CR_OK;
	return cr_error_set(ctx, rc, "cannot record the git facts");
}

static int git_failure(cr_ctx *ctx, const char *what)
{
	const git_error *e = git_error_last();

	return cr_error_set(ctx, CR_EGIT, "%s: %s", what,
		e && e->message ? e->message : "libgit2 error");
}

int cr_git_init(void)
{
	if (git_libgit2_init() < 0)
		return CR_EGIT;
	/* libgit2 runs no hooks, filter drivers or fsmonitor commands, so a
	 * checkout owned by another user (a CI workspace mounted into a
	 * container) is safe to read, and must not fail the run. */
	git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
	return CR_OK;
}

void cr_git_shutdown(void)
{
	git_libgit2_shutdown();
}

int cr_git_open_root(git_repository **repo, char **prefix, cr_ctx *ctx,
	const char *root)
{
	char real[PATH_MAX];
	const char *workdir;
	size_t wlen, rlen;
	int err;

	*repo = NULL;
	*prefix = NULL;
	err = git_repository_open_ext(repo, root, 0, NULL);
	if (err == GIT_ENOTFOUND)
		return CR_OK;
	if (err < 0)
		return git_failure(ctx, root);
	workdir = git_repository_workdir(*repo);
	if (!workdir || !realpath(root, real))
		goto not_a_work_tree;
	/* workdir ends with '/'; compare it with "real/". */
	wlen = strlen(workdir);
	rlen = strlen(real);
	if (rlen + 1 < wlen || strncmp(real, workdir, wlen - 1) != 0 ||
	    (rlen >= wlen && real[wlen - 1] != '/'))
		goto not_a_work_tree;
	if (rlen < wlen) {
		*prefix = strdup("");
	} else if (strncmp(real + wlen, ".git", 4) == 0 &&
		   (real[wlen + 4] == '/' || real[wlen + 4] == '\0')) {
		goto not_a_work_tree;
	} else if (asprintf(prefix, "%s/", real + wlen) < 0) {
		*prefix = NULL;
	}
	if (!*prefix) {
		git_repository_free(*repo);
		*repo = NULL;
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	}
	return CR_OK;
not_a_work_tree:
	git_repository_free(*repo);
	*repo = NULL;
	return CR_OK;
}

/* --- history ----------------------------------------------------------- */

static void iso8601(char out[32], git_time_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		strcpy(out, "1970-01-01T00:00:00Z");
}

/* Distinct author emails, kept sorted: bisection finds duplicates. */
struct emails {
	char **items;
	size_t count, cap;
};

static int emails_add(struct emails *set, const char *email)
{
	size_t lo = 0, hi = set->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(set->items[mid], email);

		if (cmp == 0)
			return CR_OK;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (set->count == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		char **p = realloc(set->items, cap * sizeof *p);

		if (!p)
			return CR_ENOMEM;
		set->items = p;
		set->cap = cap;
	}
	memmove(set->items + lo + 1, set->items + lo,
		(set->count - lo) * sizeof *set->items);
	if (!(set->items[lo] = strdup(email)))
		return CR_ENOMEM;
	set->count++;
	return CR_OK;
}

static void emails_free(struct emails *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->items[i]);
	free(set->items);
}

/* Commits already seen by the history walk: open addressing on the
 * object id, whose bytes are already uniformly spread. */
struct oid_set {
	git_oid *slots;
	bool *used;
	size_t mask, count;
};

static size_t oid_slot(const struct oid_set *set, const git_oid *oid)
{
	size_t h;

	memcpy(&h, oid->id, sizeof h);
	for (h &= set->mask; set->used[h] && !git_oid_equal(&set->slots[h], oid);
	     h = (h + 1) & set->mask)
		;
	return h;
}

/* Add oid; *added tells whether it was new. */
static int oid_set_add(struct oid_set *set, const git_oid *oid, bool *added)
{
	size_t i;

	if ((set->count + 1) * 2 > (set->slots ? set->mask + 1 : 0)) {
		size_t n = set->slots ? (set->mask + 1) * 2 : 256;
		struct oid_set bigger = {calloc(n, sizeof(git_oid)),
			calloc(n, sizeof(bool)), n - 1, set->count};

		if (!bigger.slots || !bigger.used) {
			free(bigger.slots);
			free(bigger.used);
			return CR_ENOMEM;
		}
		for (size_t k = 0; set->slots && k <= set->mask; k++) {
			if (set->used[k]) {
				i = oid_slot(&bigger, &set->slots[k]);
				bigger.slots[i] = set->slots[k];
				bigger.used[i] = true;
			}
		}
		free(set->slots);
		free(set->used);
		*set = bigger;
	}
	i = oid_slot(set, oid);
	*added = !set->used[i];
	if (*added) {
		set->slots[i] = *oid;
		set->used[i] = true;
		set->count++;
	}
	return CR_OK;
}

struct history {
	size_t commits;
	git_time_t first, last;
	struct emails authors;
	struct oid_set seen;
	git_oid *todo;
	size_t ntodo, todo_cap;
};

static int history_push(struct history *h, const git_oid *oid)
{
	bool added;

	if (oid_set_add(&h->seen, oid, &added) != CR_OK)
		return CR_ENOMEM;
	if (!added)
		return CR_OK;
	if (h->ntodo == h->todo_cap) {
		size_t cap = h->todo_cap ? h->todo_cap * 2 : 64;
		git_oid *p = realloc(h->todo, cap * sizeof *p);

		if (!p)
			return CR_ENOMEM;
		h->todo = p;
		h->todo_cap = cap;
	}
	h->todo[h->ntodo++] = *oid;
	return CR_OK;
}

static int history_add(struct history *h, const git_commit *commit,
	bool is_head)
{
	const git_signature *author = git_commit_author(commit);
	unsigned n = git_commit_parentcount(commit);
	int rc;

	if (h->commits == 0 || author->when.time < h->first)
		h->first = author->when.time;
	if (is_head)
		h->last = author->when.time;
	h->commits++;
	if ((rc = emails_add(&h->authors, author->email ? author->email : "")))
		return rc;
	for (unsigned i = 0; i < n && rc == CR_OK; i++)
		rc = history_push(h, git_commit_parent_id(commit, i));
	return rc;
}

/* Every commit reachable from HEAD.  libgit2's revwalk gives up on a
 * shallow clone's missing parents; this walk stops there instead. */
static int walk_history(struct history *h, cr_ctx *ctx, git_repository *repo,
	const git_oid *head)
{
	bool shallow = git_repository_is_shallow(repo) == 1;
	int rc = history_push(h, head);

	while (rc == CR_OK && h->ntodo > 0) {
		git_oid oid = h->todo[--h->ntodo];
		git_commit *commit;
		int err = git_commit_lookup(&commit, repo, &oid);

		if (err == GIT_ENOTFOUND && shallow)
			continue;
		if (err < 0)
			return git_failure(ctx, "commit");
		rc = history_add(h, commit, git_oid_equal(&oid, head));
		git_commit_free(commit);
	}
	return rc == CR_OK ? CR_OK : cr_error_set(ctx, rc, "out of memory");
}

static void history_free(struct history *h)
{
	emails_free(&h->authors);
	free(h->seen.slots);
	free(h->seen.used);
	free(h->todo);
}

static int set_history(cr_graph *g, cr_node_id id, cr_ctx *ctx,
	git_repository *repo, const git_oid *head)
{
	struct history h = {0};
	char first[32], last[32];
	int rc;

	if (!head)
		return graph_result(ctx, cr_graph_set_int(g, id, "commits", 0));
	if ((rc = walk_history(&h, ctx, repo, head)) != CR_OK)
		goto done;
	iso8601(first, h.first);
	iso8601(last, h.last);
	rc = cr_graph_set_int(g, id, "commits", (int64_t)h.commits);
	if (rc != CR_OK ||
	    (rc = cr_graph_set_str(g, id, "first_commit_date", first)) != CR_OK ||
	    (rc = cr_graph_set_str(g, id, "last_commit_date", last)) != CR_OK) {
		rc = graph_result(ctx, rc);
		goto done;
	}
	rc = cr_graph_set_list(g, id, "authors");
	for (size_t i = 0; i < h.authors.count && rc == CR_OK; i++)
		rc = cr_graph_list_push(g, id, "authors", h.authors.items[i]);
	rc = graph_result(ctx, rc);
done:
	history_free(&h);
	return rc;
}

/* --- HEAD, tags, origin ------------------------------------------------ */

/* HEAD's object id (NULL on an unborn branch) and branch name. */
static int set_head(cr_graph *g, cr_node_id id, cr_ctx *ctx,
	git_repository *repo, git_oid *oid, bool *born)
{
	git_reference *ref = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	const char *branch = NULL;
	int err, detached, rc;

	*born = false;
	err = git_repository_head(&ref, repo);
	if (err == GIT_EUNBORNBRANCH || err == GIT_ENOTFOUND) {
		/* No commit yet: HEAD still names the branch to be born. */
		if (git_reference_lookup(&ref, repo, "HEAD") == 0 &&
		    git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC)
			branch = git_reference_symbolic_target(ref);
		if (branch && strncmp(branch, "refs/heads/", 11) == 0)
			branch += 11;
	} else if (err < 0) {
		return git_failure(ctx, "HEAD");
	} else {
		*oid = *git_reference_target(ref);
		*born = true;
	}
	detached = git_repository_head_detached(repo);
	if (*born && detached != 1)
		branch = git_reference_shorthand(ref);
	rc = cr_graph_set_bool(g, id, "detached", detached == 1);
	if (rc == CR_OK && branch)
		rc = cr_graph_set_str(g, id, "branch", branch);
	if (rc == CR_OK && *born)
		rc = cr_graph_set_str(g, id, "head", git_oid_tostr(hex,
			sizeof hex, oid));
	git_reference_free(ref);
	return graph_result(ctx, rc);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int set_tags(cr_graph *g, cr_node_id id, cr_ctx *ctx,
	git_repository *repo)
{
	git_strarray tags = {0};
	int rc = CR_OK;

	if (git_tag_list(&tags, repo) < 0)
		return git_failure(ctx, "tags");
	if (tags.count > 1)
		qsort(tags.strings, tags.count, sizeof *tags.strings,
			compare_names);
	rc = cr_graph_set_list(g, id, "tags");
	for (size_t i = 0; i < tags.count && rc == CR_OK; i++)
		rc = cr_graph_list_push(g, id, "tags", tags.strings[i]);
	git_strarray_dispose(&tags);
	return graph_result(ctx, rc);
}

/* The URL of origin as configured, without any user:password@ part: a
 * token in a clone URL must not end up in a report.  (Read from the
 * configuration: git_remote_lookup() leaks in libgit2 1.5.) */
static int set_remote(cr_graph *g, cr_node_id id, cr_ctx *ctx,
	git_repository *repo)
{
	git_config *cfg = NULL;
	const char *url, *scheme, *at, *slash;
	char *clean = NULL;
	int err, rc = CR_OK;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return git_failure(ctx, "configuration");
	err = git_config_get_string(&url, cfg, "remote.origin.url");
	if (err == GIT_ENOTFOUND)
		goto done;
	if (err < 0) {
		rc = git_failure(ctx, "remote.origin.url");
		goto done;
	}
	scheme = strstr(url, "://");
	at = scheme ? strchr(scheme + 3, '@') : NULL;
	slash = scheme ? strchr(scheme + 3, '/') : NULL;
	if (at && (!slash || at < slash)) {
		if (asprintf(&clean, "%.*s%s", (int)(scheme + 3 - url), url,
			at + 1) < 0) {
			clean = NULL;
			rc = graph_result(ctx, CR_ENOMEM);
			goto done;
		}
		url = clean;
	}
	rc = graph_result(ctx, cr_graph_set_str(g, id, "remote_url", url));
done:
	free(clean);
	git_config_free(cfg);
	return rc;
}

/* --- the index ----------------------------------------------------------- */

#define INDEX_HEADER 12
#define INDEX_ENTRY_FIXED 62  /* before the extended flags and the path */
#define INDEX_CHECKSUM 20

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The variable-length integer of index v4 path compression. */
static bool read_varint(const unsigned char **p, const unsigned char *end,
	size_t *out)
{
	size_t v;
	unsigned char c;

	if (*p >= end)
		return false;
	c = *(*p)++;
	v = c & 127;
	while (c & 128) {
		if (*p >= end || v > (SIZE_MAX >> 8))
			return false;
		c = *(*p)++;
		v = ((v + 1) << 7) | (c & 127);
	}
	*out = v;
	return true;
}

/* Cache tree ("TREE"): the root comes first as "\0<entries> <subtrees>\n"
 * and, when its entry count is not -1, the root tree's id. */
static void parse_cache_tree(struct cr_index *idx, const unsigned char *p,
	size_t len)
{
	const unsigned char *end = p + len, *nl;

	if (len < 1 || p[0] != '\0')
		return;
	nl = memchr(p, '\n', len);
	if (!nl || p[1] == '-' || (size_t)(end - nl - 1) < GIT_OID_RAWSZ)
		return;
	git_oid_fromraw(&idx->tree, nl + 1);
	idx->has_tree = true;
}

/* Extensions after the entries.  A lower-case signature is one a reader
 * must understand (a split index's "link", a sparse index's "sdir"):
 * false sends the index to libgit2. */
static bool parse_extensions(struct cr_index *idx, const unsigned char *p,
	const unsigned char *end)
{
	while (end - p >= 8) {
		uint32_t size = be32(p + 4);

		if ((size_t)(end - p - 8) < size)
			return false;
		if (memcmp(p, "TREE", 4) == 0)
			parse_cache_tree(idx, p + 8, size);
		else if (p[0] >= 'a' && p[0] <= 'z')
			return false;
		p += 8 + size;
	}
	return p == end;
}

/* v4 paths are rebuilt into idx->paths; entries hold offsets until the
 * buffer stops moving. */
static bool append_v4_path(struct cr_index *idx, size_t *used, size_t *cap,
	size_t prev, size_t prev_len, size_t strip, const unsigned char *suffix,
	size_t suffix_len)
{
	size_t keep, need;

	if (strip > prev_len)
		return false;
	keep = prev_len - strip;
	need = *used + keep + suffix_len + 1;
	if (need > *cap) {
		size_t ncap = need * 2;
		char *p = realloc(idx->paths, ncap);

		if (!p)
			return false;
		idx->paths = p;
		*cap = ncap;
	}
	memmove(idx->paths + *used, idx->paths + prev, keep);
	memcpy(idx->paths + *used + keep, suffix, suffix_len);
	idx->paths[*used + keep + suffix_len] = '\0';
	*used += keep + suffix_len + 1;
	return true;
}

/* One entry at *p; false when the file is cut short or malformed. */
static bool parse_entry(struct cr_index *idx, git_index_entry *e,
	uint32_t version, const unsigned char **pp, const unsigned char *end,
	size_t *v4_used, size_t *v4_cap, size_t *prev, size_t *prev_len)
{
	const unsigned char *p = *pp, *name, *nul;
	size_t fixed = INDEX_ENTRY_FIXED, strip;

	if ((size_t)(end - p) < fixed)
		return false;
	e->ctime = (git_index_time){(int32_t)be32(p), be32(p + 4)};
	e->mtime = (git_index_time){(int32_t)be32(p + 8), be32(p + 12)};
	e->dev = be32(p + 16);
	e->ino = be32(p + 20);
	e->mode = be32(p + 24);
	e->uid = be32(p + 28);
	e->gid = be32(p + 32);
	e->file_size = be32(p + 36);
	git_oid_fromraw(&e->id, p + 40);
	e->flags = be16(p + 60);
	e->flags_extended = 0;
	if (e->flags & GIT_INDEX_ENTRY_EXTENDED) {
		if (version < 3 || (size_t)(end - p) < fixed + 2)
			return false;
		e->flags_extended = be16(p + fixed);
		fixed += 2;
	}
	name = p + fixed;
	if (version < 4) {
		if (!(nul = memchr(name, '\0', (size_t)(end - name))))
			return false;
		e->path = (const char *)name;
		/* NUL padding up to a multiple of 8 bytes, at least one. */
		*pp = p + ((fixed + (size_t)(nul - name) + 8) & ~(size_t)7);
		return *pp <= end;
	}
	if (!read_varint(&name, end, &strip) ||
	    !(nul = memchr(name, '\0', (size_t)(end - name))))
		return false;
	e->path = (const char *)(uintptr_t)*v4_used; /* an offset for now */
	if (!append_v4_path(idx, v4_used, v4_cap, *prev, *prev_len, strip,
		name, (size_t)(nul - name)))
		return false;
	*prev = (size_t)(uintptr_t)e->path;
	*prev_len = *v4_used - *prev - 1;
	*pp = nul + 1;
	return true;
}

static bool parse_index(struct cr_index *idx, const unsigned char *data,
	size_t len)
{
	const unsigned char *p = data + INDEX_HEADER, *end;
	size_t v4_used = 0, v4_cap = 0, prev = 0, prev_len = 0;
	uint32_t version, count;

	if (len < INDEX_HEADER + INDEX_CHECKSUM || memcmp(data, "DIRC", 4) != 0)
		return false;
	version = be32(data + 4);
	count = be32(data + 8);
	end = data + len - INDEX_CHECKSUM;
	if (version < 2 || version > 4 ||
	    count > (size_t)(end - p) / (INDEX_ENTRY_FIXED + 2))
		return false;
	if (!(idx->entries = calloc(count ? count : 1, sizeof *idx->entries)))
		return false;
	for (idx->count = 0; idx->count < count; idx->count++) {
		if (!parse_entry(idx, &idx->entries[idx->count], version, &p,
			end, &v4_used, &v4_cap, &prev, &prev_len))
			return false;
	}
	if (version == 4) {
		for (size_t i = 0; i < idx->count; i++)
			idx->entries[i].path = idx->paths +
				(uintptr_t)idx->entries[i].path;
	}
	return parse_extensions(idx, p, end);
}

/* Map the index file; git replaces it by rename, never in place. */
static int map_file(struct cr_index *idx, const char *path)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), err = 0;

	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode) || st.st_size == 0)
		err = EINVAL;
	else if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ,
			  MAP_PRIVATE | MAP_POPULATE, fd, 0)) == MAP_FAILED)
		err = errno;
	else {
		idx->data = map;
		idx->data_len = (size_t)st.st_size;
	}
	close(fd);
	return err;
}

static int index_from_libgit2(struct cr_index *idx, cr_ctx *ctx,
	git_repository *repo)
{
	free(idx->entries);
	free(idx->paths);
	idx->entries = NULL;
	idx->paths = NULL;
	idx->count = 0;
	idx->has_tree = false;
	if (git_repository_index(&idx->fallback, repo) < 0)
		return git_failure(ctx, "git index");
	idx->count = git_index_entrycount(idx->fallback);
	if (!(idx->entries = calloc(idx->count ? idx->count : 1,
		      sizeof *idx->entries)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < idx->count; i++)
		idx->entries[i] = *git_index_get_byindex(idx->fallback, i);
	return CR_OK;
}

static int by_index_order(const void *a, const void *b)
{
	const git_index_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : GIT_INDEX_ENTRY_STAGE(x) - GIT_INDEX_ENTRY_STAGE(y);
}

/* Drop paths that could climb out of the work tree, and make sure of
 * byte order (libgit2 sorts a case-insensitive index otherwise). */
static void tidy_entries(struct cr_index *idx)
{
	size_t kept = 0;
	bool sorted = true;

	for (size_t i = 0; i < idx->count; i++) {
		if (!cr_path_is_plain(idx->entries[i].path))
			continue;
		if (kept && by_index_order(&idx->entries[kept - 1],
			&idx->entries[i]) > 0)
			sorted = false;
		idx->entries[kept++] = idx->entries[i];
	}
	idx->count = kept;
	if (!sorted)
		qsort(idx->entries, idx->count, sizeof *idx->entries,
			by_index_order);
}

static bool config_bool(git_config *cfg, const char *name, bool dflt)
{
	int v;

	return cfg && git_config_get_bool(&v, cfg, name) == 0 ? v != 0 : dflt;
}

static void load_index_rules(struct cr_index *idx, git_repository *repo,
	const char *path)
{
	git_config *cfg = NULL;
	struct stat st;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		cfg = NULL;
	idx->filemode = config_bool(cfg, "core.filemode", true);
	idx->trust_ctime = config_bool(cfg, "core.trustctime", true);
	git_config_free(cfg);
	/* Without an index file every entry counts as racy. */
	idx->mtime = (git_index_time){INT32_MIN, 0};
	if (stat(path, &st) == 0)
		idx->mtime = (git_index_time){(int32_t)st.st_mtim.tv_sec,
			(uint32_t)st.st_mtim.tv_nsec};
}

int cr_index_load(struct cr_index *idx, cr_ctx *ctx, git_repository *repo)
{
	char *path = NULL;
	int err, rc = CR_OK;

	memset(idx, 0, sizeof *idx);
	if (asprintf(&path, "%sindex", git_repository_path(repo)) < 0)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	load_index_rules(idx, repo, path);
	err = map_file(idx, path);
	if (err == ENOENT) {
		idx->entries = calloc(1, sizeof *idx->entries);
		if (!idx->entries)
			rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
	} else if (err != 0 || !parse_index(idx,
			(const unsigned char *)idx->data, idx->data_len)) {
		rc = index_from_libgit2(idx, ctx, repo);
	}
	free(path);
	if (rc == CR_OK)
		tidy_entries(idx);
	return rc;
}

void cr_index_free(struct cr_index *idx)
{
	free(idx->entries);
	free(idx->paths);
	if (idx->data)
		munmap(idx->data, idx->data_len);
	git_index_free(idx->fallback);
	memset(idx, 0, sizeof *idx);
}

/* --- tracked files against the index --------------------------------------- */

bool cr_index_entry_in_worktree(const git_index_entry *e)
{
	return GIT_INDEX_ENTRY_STAGE(e) == 0 && e->mode != CR_GIT_MODE_GITLINK &&
	       !(e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE);
}

static bool same_time(const git_index_time *t, int64_t s, uint32_t ns)
{
	return t->seconds == (int32_t)s && t->nanoseconds == ns;
}

/* Written in the same instant as the index, or later: the stat cannot
 * vouch for the content (git's "racily clean" entries). */
static bool is_racy(const struct cr_index *idx, const git_index_entry *e)
{
	return e->mtime.seconds > idx->mtime.seconds ||
	       (e->mtime.seconds == idx->mtime.seconds &&
		e->mtime.nanoseconds >= idx->mtime.nanoseconds);
}

enum verdict { SAME, CHANGED, HASH_IT };

static enum verdict compare_stat(const struct cr_index *idx,
	const git_index_entry *e, const struct cr_lstat *s)
{
	bool index_link = (e->mode & S_IFMT) == S_IFLNK;

	if (s->err != 0 || index_link != S_ISLNK(s->mode) ||
	    (!index_link && !S_ISREG(s->mode)))
		return CHANGED;
	if (!index_link && idx->filemode &&
	    ((e->mode & S_IXUSR) != 0) != ((s->mode & S_IXUSR) != 0))
		return CHANGED;
	/* A recorded size of 0 may be a smudged racy entry: look inside. */
	if (e->file_size != (uint32_t)s->size && e->file_size != 0)
		return CHANGED;
	if (e->file_size == (uint32_t)s->size &&
	    same_time(&e->mtime, s->mtime_s, s->mtime_ns) &&
	    (!idx->trust_ctime ||
	     same_time(&e->ctime, s->ctime_s, s->ctime_ns)) &&
	    e->ino == (uint32_t)s->ino && !is_racy(idx, e))
		return SAME;
	return HASH_IT;
}

/* The blob id the working-tree content would get, filters applied. */
static int hash_worktree_file(git_oid *oid, git_repository *repo, int wdfd,
	const git_index_entry *e)
{
	git_filter_list *filters = NULL;
	git_buf filtered = {0};
	struct stat st;
	void *map = NULL;
	size_t len;
	int fd = -1, err = -1;

	if ((e->mode & S_IFMT) == S_IFLNK) {
		char target[PATH_MAX];
		ssize_t n = cr_readlink_beneath(target, sizeof target, wdfd,
			e->path);

		return n < 0 ? -1 : git_odb_hash(oid, target, (size_t)n,
			GIT_OBJECT_BLOB);
	}
	if (cr_open_beneath(&fd, &st, wdfd, e->path) != 0)
		return -1;
	len = (size_t)st.st_size;
	if (len && (map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0)) ==
		MAP_FAILED) {
		map = NULL;
		goto done;
	}
	if (git_filter_list_load(&filters, repo, NULL, e->path,
		GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT) < 0)
		goto done;
	if (!filters)
		err = git_odb_hash(oid, map ? map : "", len, GIT_OBJECT_BLOB);
	else if (git_filter_list_apply_to_buffer(&filtered, filters,
			 map ? map : "", len) == 0)
		err = git_odb_hash(oid, filtered.ptr, filtered.size,
			GIT_OBJECT_BLOB);
done:
	git_buf_dispose(&filtered);
	git_filter_list_free(filters);
	if (map)
		munmap(map, len);
	close(fd);
	return err;
}

bool cr_index_entry_changed(const struct cr_index *idx,
	const git_index_entry *e, const struct cr_lstat *st,
	git_repository *repo, int workdir_fd)
{
	enum verdict v = compare_stat(idx, e, st);
	git_oid oid;

	if (v == HASH_IT)
		return hash_worktree_file(&oid, repo, workdir_fd, e) != 0 ||
		       !git_oid_equal(&oid, &e->id);
	return v == CHANGED;
}

/* --- gitignore rules -------------------------------------------------------- */

/* Matching steps one pattern may take against one path: bounds the
 * backtracking of patterns like "*a*a*a*a*b" from a hostile repository. */
#define GLOB_BUDGET 20000

struct cr_ignore_rule {
	const char *pattern; /* NUL-terminated, inside cr_ignore.text */
	bool negate;         /* "!pattern" */
	bool dir_only;       /* "pattern/" */
	bool basename_only;  /* no '/' inside: matches a name at any depth */
};

struct glob {
	const char *start; /* of the pattern: "**" must start a component */
	int budget;
	bool fold;
};

static bool same_char(const struct glob *g, unsigned char a, unsigned char b)
{
	return a == b || (g->fold && tolower(a) == tolower(b));
}

static bool in_class(const char *name, size_t len, unsigned char c)
{
	static const struct {
		const char *name;
		int (*test)(int);
	} classes[] = {
		{"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank},
		{"cntrl", iscntrl}, {"digit", isdigit}, {"graph", isgraph},
		{"lower", islower}, {"print", isprint}, {"punct", ispunct},
		{"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit},
	};

	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
		if (strlen(classes[i].name) == len &&
		    memcmp(classes[i].name, name, len) == 0)
			return classes[i].test(c) != 0;
	}
	return false;
}

static bool in_range(const struct glob *g, unsigned char lo, unsigned char hi,
	unsigned char c)
{
	if (lo <= c && c <= hi)
		return true;
	return g->fold && ((lo <= tolower(c) && tolower(c) <= hi) ||
			   (lo <= toupper(c) && toupper(c) <= hi));
}

/* A bracket expression at p ("[...]") against c.  Returns false when it
 * is not terminated; else *matched, and *end just past the ']'. */
static bool bracket(const struct glob *g, const char *p, unsigned char c,
	bool *matched, const char **end)
{
	bool negate = false, found = false;

	if (*++p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	for (bool first = true; *p && (first || *p != ']'); first = false) {
		unsigned char lo, hi;

		if (p[0] == '[' && p[1] == ':') {
			const char *close = strstr(p + 2, ":]");

			if (close) {
				found |= in_class(p + 2,
					(size_t)(close - p - 2), c);
				p = close + 2;
				continue;
			}
		}
		if (*p == '\\' && !*++p)
			return false;
		lo = (unsigned char)*p++;
		hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && !*++p)
				return false;
			hi = (unsigned char)*p++;
		}
		found |= in_range(g, lo, hi, c);
	}
	if (*p != ']')
		return false;
	*matched = found != negate;
	*end = p + 1;
	return true;
}

static bool glob_here(struct glob *g, const char *p, const char *t);

/* A run of stars at p.  "**" as a whole path component crosses
 * directories ("**" + "/" matches zero or more of them); any other run
 * stays within one component. */
static bool glob_star(struct glob *g, const char *p, const char *t)
{
	const char *run = p;

	while (*p == '*')
		p++;
	if (p - run >= 2 && (run == g->start || run[-1] == '/') &&
	    (*p == '\0' || *p == '/')) {
		if (*p == '\0')
			return true;
		if (glob_here(g, p + 1, t))
			return true;
		for (; *t; t++) {
			if (*t == '/' && glob_here(g, p + 1, t + 1))
				return true;
		}
		return false;
	}
	if (*p == '\0')
		return !strchr(t, '/');
	for (;; t++) {
		if (glob_here(g, p, t))
			return true;
		if (!*t || *t == '/')
			return false;
	}
}

/* Does the pattern from p match all of the text from t?  '*', '?' and
 * brackets never match a '/'. */
static bool glob_here(struct glob *g, const char *p, const char *t)
{
	for (; *p; p++, t++) {
		bool matched;
		const char *end;

		if (--g->budget < 0)
			return false;
		switch (*p) {
		case '*':
			return glob_star(g, p, t);
		case '?':
			if (!*t || *t == '/')
				return false;
			break;
		case '[':
			if (!*t || *t == '/' || !bracket(g, p, (unsigned char)*t,
				&matched, &end) || !matched)
				return false;
			p = end - 1;
			break;
		case '\\':
			/* The escaped character is literal. */
			if (!*++p || !same_char(g, (unsigned char)*p,
				(unsigned char)*t))
				return false;
			break;
		default:
			if (!same_char(g, (unsigned char)*p, (unsigned char)*t))
				return false;
		}
	}
	return !*t;
}

static bool glob_match(const char *pattern, const char *text, bool fold)
{
	struct glob g = {pattern, GLOB_BUDGET, fold};

	return glob_here(&g, pattern, text);
}

/* Drop trailing blanks, unless escaped with a backslash. */
static size_t trim_blanks(const char *line, size_t len)
{
	while (len > 0 && line[len - 1] == ' ' &&
	       !(len > 1 && line[len - 2] == '\\'))
		len--;
	return len;
}

/* One line of a gitignore file, cut in place; false when it holds no
 * pattern (blank, a comment). */
static bool parse_rule(struct cr_ignore_rule *r, char *line, size_t len)
{
	len = trim_blanks(line, len);
	if (len == 0 || line[0] == '#')
		return false;
	*r = (struct cr_ignore_rule){0};
	if (line[0] == '!') {
		r->negate = true;
		line++;
		len--;
	}
	if (len > 0 && line[len - 1] == '/') {
		r->dir_only = true;
		len--;
	}
	line[len] = '\0';
	r->basename_only = !memchr(line, '/', len);
	if (line[0] == '/')
		line++;
	r->pattern = line;
	return *line != '\0';
}

int cr_ignore_parse(struct cr_ignore **owned, const struct cr_ignore *parent,
	const char *base, char *text, size_t len, bool fold)
{
	size_t base_len = strlen(base), lines = 1;
	struct cr_ignore *l = malloc(sizeof *l + base_len + 1);

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (!l || !(l->rules = malloc(lines * sizeof *l->rules))) {
		free(l);
		free(text);
		return CR_ENOMEM;
	}
	l->parent = parent;
	l->text = text;
	l->count = 0;
	l->base_len = base_len;
	l->fold = fold;
	memcpy(l->base, base, base_len + 1);
	for (size_t at = 0; at < len;) {
		char *line = text + at, *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;

		at += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (parse_rule(&l->rules[l->count], line, n))
			l->count++;
	}
	l->next_owned = *owned;
	*owned = l;
	return CR_OK;
}

bool cr_ignore_match(const struct cr_ignore *rules, const char *path,
	bool is_dir)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	for (const struct cr_ignore *l = rules; l; l = l->parent) {
		for (size_t i = l->count; i-- > 0;) {
			const struct cr_ignore_rule *r = &l->rules[i];

			if (r->dir_only && !is_dir)
				continue;
			if (glob_match(r->pattern, r->basename_only ? name :
				path + l->base_len, l->fold))
				return !r->negate;
		}
	}
	return false;
}

void cr_ignore_free(struct cr_ignore *owned)
{
	while (owned) {
		struct cr_ignore *next = owned->next_owned;

		free(owned->rules);
		free(owned->text);
		free(owned);
		owned = next;
	}
}

/* A whole file, NUL-terminated, or NULL when missing, not a regular file
 * or too large.  These files are configuration outside the work tree
 * (a symlinked ~/.config/git/ignore is fine). */
static char *read_config_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size <= CR_IGNORE_FILE_MAX &&
	    (text = malloc((size_t)st.st_size + 1))) {
		n = read(fd, text, (size_t)st.st_size);
		if (n < 0) {
			free(text);
			text = NULL;
		} else {
			*len = (size_t)n;
			text[n] = '\0';
		}
	}
	close(fd);
	return text;
}

/* core.excludesFile, by default $XDG_CONFIG_HOME/git/ignore or
 * ~/.config/git/ignore. */
static char *excludes_file_path(git_config *cfg)
{
	git_buf buf = {0};
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = NULL;

	if (cfg && git_config_get_path(&buf, cfg, "core.excludesfile") == 0) {
		path = strdup(buf.ptr);
		git_buf_dispose(&buf);
		return path;
	}
	if (xdg && *xdg && asprintf(&path, "%s/git/ignore", xdg) < 0)
		path = NULL;
	else if ((!xdg || !*xdg) && home &&
		 asprintf(&path, "%s/.config/git/ignore", home) < 0)
		path = NULL;
	return path;
}

static int push_config_rules(struct cr_ignore **owned,
	const struct cr_ignore **top, const char *path, bool fold)
{
	size_t len = 0;
	char *text = path ? read_config_file(path, &len) : NULL;
	int rc;

	if (!text)
		return CR_OK;
	if ((rc = cr_ignore_parse(owned, *top, "", text, len, fold)) == CR_OK)
		*top = *owned;
	return rc;
}

int cr_ignore_repo(struct cr_ignore **owned, const struct cr_ignore **top,
	bool *fold, cr_ctx *ctx, git_repository *repo)
{
	git_config *cfg = NULL;
	char *global = NULL, *exclude = NULL;
	int rc;

	*top = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		cfg = NULL;
	*fold = config_bool(cfg, "core.ignorecase", false);
	global = excludes_file_path(cfg);
	git_config_free(cfg);
	if (asprintf(&exclude, "%sinfo/exclude",
		git_repository_commondir(repo)) < 0)
		exclude = NULL;
	if ((rc = push_config_rules(owned, top, global, *fold)) == CR_OK)
		rc = push_config_rules(owned, top, exclude, *fold);
	free(global);
	free(exclude);
	return rc == CR_OK ? CR_OK : cr_error_set(ctx, rc, "out of memory");
}

/* --- the note left by the file inventory ---------------------------------- */

static struct {
	pthread_mutex_t lock;
	const cr_graph *graph;
	size_t nodes;
	bool dirty;
} dirty_note = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, false};

void cr_dirty_note_set(const cr_graph *g, bool dirty)
{
	pthread_mutex_lock(&dirty_note.lock);
	dirty_note.graph = g;
	dirty_note.nodes = cr_graph_count(g);
	dirty_note.dirty = dirty;
	pthread_mutex_unlock(&dirty_note.lock);
}

bool cr_dirty_note_take(const cr_graph *g, bool *dirty)
{
	bool found;

	pthread_mutex_lock(&dirty_note.lock);
	found = dirty_note.graph == g && dirty_note.nodes == cr_graph_count(g);
	if (found)
		*dirty = dirty_note.dirty;
	dirty_note.graph = NULL;
	pthread_mutex_unlock(&dirty_note.lock);
	return found;
}

/* --- dirty ----------------------------------------------------------------- */

/* Walk `tree` in order beside the index entries from *next on: tree order
 * (a directory sorts as "name/") flattened is the index's byte order, so
 * a clean index matches entry for entry. */
static int tree_matches_index(bool *same, git_repository *repo,
	const git_tree *tree, char *path, size_t len,
	const struct cr_index *idx, size_t *next)
{
	size_t n = git_tree_entrycount(tree);
	int rc = CR_OK;

	for (size_t i = 0; i < n && *same && rc == CR_OK; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(te);
		size_t nlen = strlen(name);
		const git_index_entry *e;

		if (len + nlen + 2 > PATH_MAX) {
			*same = false;
			break;
		}
		memcpy(path + len, name, nlen + 1);
		if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
			git_tree *sub;

			if (git_tree_lookup(&sub, repo,
				git_tree_entry_id(te)) < 0)
				return -1;
			path[len + nlen] = '/';
			path[len + nlen + 1] = '\0';
			rc = tree_matches_index(same, repo, sub, path,
				len + nlen + 1, idx, next);
			git_tree_free(sub);
			continue;
		}
		e = *next < idx->count ? &idx->entries[(*next)++] : NULL;
		*same = e && strcmp(e->path, path) == 0 &&
			e->mode == (uint32_t)git_tree_entry_filemode(te) &&
			git_oid_equal(&e->id, git_tree_entry_id(te)) &&
			!(e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD);
	}
	return rc;
}

/* Staged changes: does the index differ from HEAD's tree?  A valid cache
 * tree answers without reading a single tree object. */
static int index_differs_from_head(bool *out, cr_ctx *ctx,
	git_repository *repo, const struct cr_index *idx)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	char path[PATH_MAX];
	size_t next = 0;
	bool same = true;
	git_oid head;
	int err, rc = CR_OK;

	*out = true;
	err = git_reference_name_to_id(&head, repo, "HEAD");
	if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH) {
		*out = idx->count > 0; /* no commit yet: anything is staged */
		return CR_OK;
	}
	if (err < 0)
		return git_failure(ctx, "HEAD");
	for (size_t i = 0; i < idx->count; i++) {
		if (GIT_INDEX_ENTRY_STAGE(&idx->entries[i]) != 0)
			return CR_OK; /* a merge conflict */
	}
	if (git_commit_lookup(&commit, repo, &head) < 0) {
		rc = git_failure(ctx, "HEAD commit");
		goto done;
	}
	if (idx->has_tree &&
	    git_oid_equal(&idx->tree, git_commit_tree_id(commit))) {
		*out = false;
		goto done;
	}
	path[0] = '\0';
	if (git_commit_tree(&tree, commit) < 0 ||
	    tree_matches_index(&same, repo, tree, path, 0, idx, &next) < 0) {
		rc = git_failure(ctx, "HEAD tree");
		goto done;
	}
	*out = !same || next != idx->count;
done:
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int cr_index_dirty(bool *dirty, cr_ctx *ctx, git_repository *repo,
	const struct cr_index *idx, bool worktree_changed)
{
	if (worktree_changed) {
		*dirty = true;
		return CR_OK;
	}
	return index_differs_from_head(dirty, ctx, repo, idx);
}

/* Without a note from the file inventory: stat every tracked file. */
static int worktree_differs_from_index(bool *out, cr_ctx *ctx,
	git_repository *repo, const struct cr_index *idx)
{
	struct cr_lstat *items = calloc(idx->count ? idx->count : 1,
		sizeof *items);
	int wdfd = -1, rc = CR_OK;

	*out = false;
	if (!items)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	wdfd = open(git_repository_workdir(repo), O_PATH | O_DIRECTORY |
		O_CLOEXEC);
	if (wdfd < 0) {
		rc = cr_error_set(ctx, CR_EIO, "%s: %s",
			git_repository_workdir(repo), strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < idx->count; i++) {
		if (cr_index_entry_in_worktree(&idx->entries[i]))
			items[i].path = idx->entries[i].path;
	}
	cr_lstat_many(wdfd, items, idx->count);
	for (size_t i = 0; i < idx->count && !*out; i++) {
		if (items[i].path)
			*out = cr_index_entry_changed(idx, &idx->entries[i],
				&items[i], repo, wdfd);
	}
done:
	if (wdfd >= 0)
		close(wdfd);
	free(items);
	return rc;
}

static int set_dirty(cr_graph *g, cr_node_id id, cr_ctx *ctx,
	git_repository *repo, bool noted, bool dirty)
{
	struct cr_index idx;
	bool changed;
	int rc;

	if (!noted) {
		if ((rc = cr_index_load(&idx, ctx, repo)) != CR_OK)
			return rc;
		if ((rc = worktree_differs_from_index(&changed, ctx, repo,
			     &idx)) == CR_OK)
			rc = cr_index_dirty(&dirty, ctx, repo, &idx, changed);
		cr_index_free(&idx);
		if (rc != CR_OK)
			return rc;
	}
	return graph_result(ctx, cr_graph_set_bool(g, id, "dirty", dirty));
}

/* --- the collector ------------------------------------------------------- */

int cr_git_collect(cr_graph *g, cr_ctx *ctx)
{
	git_repository *repo = NULL;
	char *prefix = NULL;
	bool born, noted, dirty = false;
	git_oid head;
	cr_node_id id;
	int rc;

	noted = cr_dirty_note_take(g, &dirty);
	if ((rc = cr_git_open_root(&repo, &prefix, ctx, cr_graph_root(g))) !=
		    CR_OK || !repo)
		goto done;
	if ((rc = graph_result(ctx, cr_graph_add(g, &id, "git", ".", 0))) !=
		    CR_OK ||
	    (rc = set_head(g, id, ctx, repo, &head, &born)) != CR_OK ||
	    (rc = set_history(g, id, ctx, repo, born ? &head : NULL)) != CR_OK ||
	    (rc = set_tags(g, id, ctx, repo)) != CR_OK ||
	    (rc = set_dirty(g, id, ctx, repo, noted, dirty)) != CR_OK)
		goto done;
	rc = set_remote(g, id, ctx, repo);
done:
	free(prefix);
	git_repository_free(repo);
	return rc;
}
