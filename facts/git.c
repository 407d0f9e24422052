/*
 * git.c - the git facts collector (see include/crucible/git.h), and the
 * git plumbing it shares with the file inventory (files_internal.h): the
 * repository of a root, and whether tracked files differ from the index.
 *
 * History is a walk over the commits reachable from HEAD.  "dirty"
 * follows `git status` and has to stay fast on 100,000 files: the index
 * (git_index.c) is compared with HEAD through its cache tree or else
 * entry by entry against the tree objects, and with the working tree by
 * stat data, hashing only files whose stat cannot vouch for them.  The
 * file inventory stats every tracked file anyway, so it settles "dirty"
 * and hands the answer over in its summary; this collector only does
 * that work itself without one.
 */
#include "crucible/git.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

int cr_git_error(cr_ctx *ctx, const char *what)
{
	const git_error *e = git_error_last();

	return cr_error_set(ctx, CR_EGIT, "%s: %s", what,
		e && e->message ? e->message : "libgit2 error");
}

bool cr_git_config_bool(git_config *cfg, const char *name, bool dflt)
{
	int v;

	return cfg && git_config_get_bool(&v, cfg, name) == 0 ? v != 0 : dflt;
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
		return cr_git_error(ctx, root);
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
			return cr_git_error(ctx, "commit");
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
		return cr_git_error(ctx, "HEAD");
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
		return cr_git_error(ctx, "tags");
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
		return cr_git_error(ctx, "configuration");
	err = git_config_get_string(&url, cfg, "remote.origin.url");
	if (err == GIT_ENOTFOUND)
		goto done;
	if (err < 0) {
		rc = cr_git_error(ctx, "remote.origin.url");
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

/* --- dirty ----------------------------------------------------------------- */

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
		return cr_git_error(ctx, "HEAD");
	for (size_t i = 0; i < idx->count; i++) {
		if (GIT_INDEX_ENTRY_STAGE(&idx->entries[i]) != 0)
			return CR_OK; /* a merge conflict */
	}
	if (git_commit_lookup(&commit, repo, &head) < 0) {
		rc = cr_git_error(ctx, "HEAD commit");
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
		rc = cr_git_error(ctx, "HEAD tree");
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

/* Without the file inventory's answer: stat every tracked file. */
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

static int work_out_dirty(bool *dirty, cr_ctx *ctx, git_repository *repo)
{
	struct cr_index idx;
	bool changed;
	int rc;

	if ((rc = cr_index_load(&idx, ctx, repo)) == CR_OK &&
	    (rc = worktree_differs_from_index(&changed, ctx, repo, &idx)) ==
		    CR_OK)
		rc = cr_index_dirty(dirty, ctx, repo, &idx, changed);
	cr_index_free(&idx);
	return rc;
}

/* From the file inventory's summary when it settled the question (it
 * stat'ed every tracked file already), else worked out here. */
static int set_dirty(cr_graph *g, cr_node_id id, cr_ctx *ctx,
	git_repository *repo, const cr_files_summary *files)
{
	bool dirty;
	int rc;

	if (files && files->dirty_known)
		dirty = files->dirty;
	else if ((rc = work_out_dirty(&dirty, ctx, repo)) != CR_OK)
		return rc;
	return graph_result(ctx, cr_graph_set_bool(g, id, "dirty", dirty));
}

/* --- the collector ------------------------------------------------------- */

int cr_git_collect(cr_graph *g, cr_ctx *ctx, const cr_files_summary *files)
{
	git_repository *repo = NULL;
	char *prefix = NULL;
	bool born;
	git_oid head;
	cr_node_id id;
	int rc;

	if ((rc = cr_git_open_root(&repo, &prefix, ctx, cr_graph_root(g))) !=
		    CR_OK || !repo)
		goto done;
	if ((rc = graph_result(ctx, cr_graph_add(g, &id, "git", ".", 0))) !=
		    CR_OK ||
	    (rc = set_head(g, id, ctx, repo, &head, &born)) != CR_OK ||
	    (rc = set_history(g, id, ctx, repo, born ? &head : NULL)) != CR_OK ||
	    (rc = set_tags(g, id, ctx, repo)) != CR_OK ||
	    (rc = set_dirty(g, id, ctx, repo, files)) != CR_OK)
		goto done;
	rc = set_remote(g, id, ctx, repo);
done:
	free(prefix);
	git_repository_free(repo);
	return rc;
}
