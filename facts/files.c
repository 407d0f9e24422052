/*
 * files.c - the file inventory collector and the safe file readers (see
 * include/crucible/files.h).
 *
 * The inventory is one walk of the working tree on several threads, each
 * directory a task: list it, sort the names in git's order (a directory
 * sorts as "name/"), merge them with the index entries under that
 * directory (which come in the same byte order), and lstat each file
 * beside the directory's fd.  What the index lacks is untracked, or
 * ignored by the gitignore rules (gitignore.c; each task carries the
 * chain of rules of its directories); index entries the walk never
 * meets are missing.  Meanwhile the calling thread adds the nodes of
 * finished directories in path order, so the graph is built while the
 * 100,000 lstat calls of a big repository, the bulk of the cost, run.
 * Those stats also settle whether the repository is dirty, which the
 * caller gets in a summary to hand to the git collector.
 *
 * Nothing is ever reached through a symlink: directories are opened
 * beneath the root with symlinks refused at every component, and FIFOs,
 * sockets and devices are neither opened nor listed.
 */
#include "crucible/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "facts/files_internal.h"
#include "facts/gitignore.h"

#define SHEBANG_BYTES 128
#define BINARY_PROBE_BYTES 8000

/* --- paths and safe opening ------------------------------------------------ */

bool cr_path_is_plain(const char *path)
{
	const char *p = path;

	if (!*p || *p == '/')
		return false;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[n])
			return (size_t)(p + n - path) < PATH_MAX;
		p += n + 1;
	}
}

static bool is_symlink_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISLNK(st.st_mode);
}

/* openat2() resolves a whole path beneath dirfd refusing symlinks in one
 * call; kernels before 5.6 and some seccomp filters lack it, and then
 * open_dir_by_components() does the same one component at a time. */
static atomic_bool openat2_missing;

/* Open the directory path[0..len) beneath dirfd with open(2) flags
 * `flags` (O_PATH or O_RDONLY), leading components as O_PATH. */
static int open_dir_by_components(int dirfd, const char *path, size_t len,
	int flags)
{
	char comp[NAME_MAX + 1];
	int fd = dirfd;
	size_t at = 0;

	if (len == 0) {
		fd = openat(dirfd, ".", flags | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	while (at < len) {
		size_t n = strcspn(path + at, "/");
		bool last;
		int next, err;

		if (n > len - at)
			n = len - at;
		if (n == 0 || n > NAME_MAX) {
			next = -1;
			err = ENOENT;
		} else {
			memcpy(comp, path + at, n);
			comp[n] = '\0';
			last = at + n >= len;
			next = openat(fd, comp, (last ? flags : O_PATH) |
				O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			err = errno;
			if (next < 0 && err == ENOTDIR && is_symlink_at(fd, comp))
				err = ELOOP;
		}
		if (fd != dirfd)
			close(fd);
		if (next < 0)
			return -err;
		fd = next;
		at += n + 1;
	}
	return fd;
}

/* A new fd, opened with `flags` (O_PATH or O_RDONLY), for the directory
 * path[0..len) beneath dirfd (len 0: dirfd itself), or -errno; a symlink
 * on the way gives -ELOOP. */
static int open_dir_beneath(int dirfd, const char *path, size_t len,
	int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_DIRECTORY | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	char buf[PATH_MAX];
	long fd;

	if (len == 0 || len >= sizeof buf ||
	    atomic_load_explicit(&openat2_missing, memory_order_relaxed))
		return open_dir_by_components(dirfd, path, len, flags);
	memcpy(buf, path, len);
	buf[len] = '\0';
	fd = syscall(SYS_openat2, dirfd, buf, &how, sizeof how);
	if (fd >= 0)
		return (int)fd;
	if (errno == ENOSYS || errno == EPERM) {
		atomic_store(&openat2_missing, true);
		return open_dir_by_components(dirfd, path, len, flags);
	}
	return -errno;
}

int cr_open_beneath(int *fd, struct stat *st, int dirfd, const char *path)
{
	const char *slash, *name;
	struct stat pre;
	int parent, f = -1, err = 0;

	*fd = -1;
	if (!cr_path_is_plain(path))
		return EINVAL;
	slash = strrchr(path, '/');
	name = slash ? slash + 1 : path;
	parent = open_dir_beneath(dirfd, path, slash ? (size_t)(slash - path) : 0,
		O_PATH);
	if (parent < 0)
		return -parent;
	/* Look before opening: opening a FIFO or a device has effects. */
	if (fstatat(parent, name, &pre, AT_SYMLINK_NOFOLLOW) != 0)
		err = errno;
	else if (S_ISLNK(pre.st_mode))
		err = ELOOP;
	else if (!S_ISREG(pre.st_mode))
		err = CR_ENOTREG;
	else if ((f = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			  O_NOCTTY | O_CLOEXEC)) < 0 || fstat(f, st) != 0)
		err = errno;
	else if (!S_ISREG(st->st_mode) || st->st_ino != pre.st_ino ||
		 st->st_dev != pre.st_dev)
		err = CR_ENOTREG; /* swapped between the look and the open */
	close(parent);
	if (err) {
		if (f >= 0)
			close(f);
		return err;
	}
	*fd = f;
	return 0;
}

ssize_t cr_readlink_beneath(char *buf, size_t size, int dirfd,
	const char *path)
{
	const char *slash = strrchr(path, '/');
	int parent = open_dir_beneath(dirfd, path,
		slash ? (size_t)(slash - path) : 0, O_PATH);
	ssize_t n;

	if (parent < 0)
		return parent;
	n = readlinkat(parent, slash ? slash + 1 : path, buf, size);
	n = n < 0 ? -errno : n;
	close(parent);
	return n;
}

ssize_t cr_read_full(int fd, char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		ssize_t n = read(fd, buf + got, max - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* --- stat'ing many paths --------------------------------------------------- */

/* Threads that stat or walk: one per CPU, up to MAX_THREADS, and for
 * cr_lstat_many() one per LSTAT_PER_THREAD paths. */
#define MAX_THREADS 16
#define LSTAT_PER_THREAD 2048
#define LSTAT_BATCH 512

/* The directory of the last path a thread stat'ed, kept open. */
struct dir_cache {
	const char *dir; /* a prefix of an item's path */
	size_t len;
	int fd;          /* or -errno when it could not be opened */
};

struct lstat_job {
	int dirfd;
	struct cr_lstat *items;
	size_t count;
	atomic_size_t next;
};

static void lstat_one(int dirfd, struct cr_lstat *item, struct dir_cache *dc)
{
	const char *slash = strrchr(item->path, '/');
	size_t dirlen = slash ? (size_t)(slash - item->path) : 0;
	struct stat st;

	if (!dc->dir || dc->len != dirlen ||
	    memcmp(dc->dir, item->path, dirlen) != 0) {
		if (dc->fd >= 0)
			close(dc->fd);
		dc->fd = open_dir_beneath(dirfd, item->path, dirlen, O_PATH);
		dc->dir = item->path;
		dc->len = dirlen;
	}
	if (dc->fd < 0) {
		item->err = -dc->fd;
		return;
	}
	if (fstatat(dc->fd, slash ? slash + 1 : item->path, &st,
		AT_SYMLINK_NOFOLLOW) != 0) {
		item->err = errno;
		return;
	}
	item->err = 0;
	item->mode = st.st_mode;
	item->size = (uint64_t)st.st_size;
	item->ino = st.st_ino;
	item->mtime_s = st.st_mtim.tv_sec;
	item->mtime_ns = (uint32_t)st.st_mtim.tv_nsec;
	item->ctime_s = st.st_ctim.tv_sec;
	item->ctime_ns = (uint32_t)st.st_ctim.tv_nsec;
}

static void *lstat_batches(void *arg)
{
	struct lstat_job *job = arg;
	struct dir_cache dc = {NULL, 0, -1};

	for (;;) {
		size_t start = atomic_fetch_add(&job->next, LSTAT_BATCH);
		size_t end = start + LSTAT_BATCH;

		if (start >= job->count)
			break;
		if (end > job->count)
			end = job->count;
		for (size_t i = start; i < end; i++) {
			if (job->items[i].path)
				lstat_one(job->dirfd, &job->items[i], &dc);
		}
	}
	if (dc.fd >= 0)
		close(dc.fd);
	return NULL;
}

void cr_lstat_many(int dirfd, struct cr_lstat *items, size_t count)
{
	struct lstat_job job = {dirfd, items, count, 0};
	pthread_t threads[MAX_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = count / LSTAT_PER_THREAD + 1, started = 0;

	if (cpus > 0 && want > (size_t)cpus)
		want = (size_t)cpus;
	if (want > MAX_THREADS)
		want = MAX_THREADS;
	/* The calling thread works too; a thread that fails to start only
	 * leaves more batches for the others. */
	while (started + 1 < want &&
	       pthread_create(&threads[started], NULL, lstat_batches, &job) == 0)
		started++;
	lstat_batches(&job);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
}

/* --- the inventory --------------------------------------------------------- */

enum file_type { FT_FILE, FT_SYMLINK, FT_DIR, FT_SUBMODULE, FT_MISSING, FT_SKIP };
enum file_status { FS_TRACKED, FS_UNTRACKED, FS_IGNORED };

static const char *const type_names[] = {
	[FT_FILE] = "file", [FT_SYMLINK] = "symlink", [FT_DIR] = "dir",
	[FT_SUBMODULE] = "submodule", [FT_MISSING] = "missing",
};
static const char *const status_names[] = {
	[FS_TRACKED] = "tracked", [FS_UNTRACKED] = "untracked",
	[FS_IGNORED] = "ignored",
};

/* What the walk found at one path. */
enum rec_kind {
	REC_STAT,      /* a file or symlink, lstat'ed */
	REC_MISSING,   /* tracked, not in the tree */
	REC_UNLISTED,  /* tracked, but a FIFO, socket or device now */
	REC_SUBMODULE, /* a gitlink whose directory is there */
	REC_DIR,       /* an ignored directory, or another repository */
	REC_CHILD,     /* a directory: its task's records go here */
};

#define NOT_TRACKED UINT32_MAX

struct task;

struct rec {
	const char *path;   /* root-relative */
	const char *target; /* symlinks */
	struct task *child; /* REC_CHILD */
	uint32_t tracked;   /* index into collector.tracked, or NOT_TRACKED */
	uint8_t kind;
	uint8_t status;
	struct cr_lstat st; /* REC_STAT */
};

/* One directory of the walk. */
struct task {
	struct task *next;  /* in the work queue, or among new siblings */
	bool done;          /* its records are final (under collector.lock) */
	bool excluded;      /* ignored itself: so is all its untracked content */
	const char *path;   /* root-relative, "" for the root */
	size_t len;
	size_t lo, hi;      /* tracked[lo..hi) lie under it */
	const struct cr_ignore *rules; /* gitignore rules for its content */
	struct rec *recs;
	size_t count, cap;
};

/* One inventory line, ready to become a node. */
struct entry {
	const char *path;
	const char *target;
	uint64_t size;
	const struct cr_lstat *st; /* FT_FILE: what was lstat'ed */
	uint32_t mode;      /* as git writes it */
	uint8_t type;
	uint8_t status;
	bool executable;
};

/* Untracked paths and symlink targets live in large chunks, not one
 * allocation each; each walker thread has its own. */
#define POOL_CHUNK (64 * 1024)

struct pool_chunk {
	struct pool_chunk *next;
	size_t used, size;
	char data[];
};

static char *pool_alloc(struct pool_chunk **head, size_t len)
{
	struct pool_chunk *c = *head;
	char *p;

	if (!c || c->size - c->used < len) {
		size_t size = len > POOL_CHUNK ? len : POOL_CHUNK;

		if (!(c = malloc(sizeof *c + size)))
			return NULL;
		c->next = *head;
		c->used = 0;
		c->size = size;
		*head = c;
	}
	p = c->data + c->used;
	c->used += len;
	return p;
}

static const char *pool_strndup(struct pool_chunk **head, const char *s,
	size_t len)
{
	char *p = pool_alloc(head, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* Hand every chunk of `from` over to `to`. */
static void pool_join(struct pool_chunk **to, struct pool_chunk *from)
{
	while (from) {
		struct pool_chunk *next = from->next;

		from->next = *to;
		*to = from;
		from = next;
	}
}

/* Hand every rule list of `from` over to `to`. */
static void ignore_join(struct cr_ignore **to, struct cr_ignore *from)
{
	while (from) {
		struct cr_ignore *next = from->next_owned;

		from->next_owned = *to;
		*to = from;
		from = next;
	}
}

static void pool_free(struct pool_chunk *c)
{
	while (c) {
		struct pool_chunk *next = c->next;
		free(c);
		c = next;
	}
}

/* One directory's listing, sorted the way git orders paths. */
struct listing {
	char *names;       /* NUL-separated */
	size_t used, cap;
	bool has_gitignore;
	struct name {
		size_t at;
		unsigned char type; /* DT_* */
	} *items;
	size_t count, items_cap;
};

struct collector {
	cr_graph *g;
	cr_ctx *ctx;
	const char *root;
	int rootfd;

	git_repository *repo;  /* NULL outside git */
	struct cr_index index;
	struct cr_ignore *ignores; /* every gitignore rule list read */
	const struct cr_ignore *root_rules; /* for the root's content */
	bool root_excluded;    /* the root lies in an ignored directory */
	bool fold;             /* core.ignorecase */
	char *prefix;          /* root relative to the work tree */
	size_t prefix_len;
	/* Index entries under the root, one per path, in byte order. */
	const git_index_entry **tracked;
	size_t ntracked;

	/* The walk: a queue of directories for the walker threads. */
	pthread_mutex_t lock;
	pthread_cond_t wake;       /* work queued, or none left */
	pthread_cond_t finished;   /* a task is done */
	struct task *queue;
	size_t busy;           /* tasks queued or running */
	int rc;                /* the walk's first error */
	struct task *root_task;

	struct pool_chunk *pool;
	int64_t files_count, bytes;
	/* The regular, not ignored files, for the content collectors. */
	cr_source_file *sources;
	size_t nsources, sources_cap;
};

struct walker {
	struct collector *c;
	struct pool_chunk *pool;
	struct cr_ignore *ignores; /* the .gitignore files it read */
	struct listing listing;
	/* The path being looked at: the prefix, then the root-relative
	 * part, so libgit2 gets a work-tree-relative path. */
	char path[PATH_MAX];
};

static const char *tracked_path(const struct collector *c, size_t i)
{
	return c->tracked[i]->path + c->prefix_len;
}

/* Record the walk's first error; the other threads then stop taking
 * work. */
static int __attribute__((format(printf, 3, 4)))
walk_fail(struct collector *c, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&c->lock);
	if (c->rc == CR_OK) {
		c->rc = code;
		cr_error_set(c->ctx, code, "%s", msg);
	}
	pthread_mutex_unlock(&c->lock);
	return code;
}

static struct rec *task_add(struct walker *w, struct task *t,
	const char *path, uint32_t tracked, enum rec_kind kind,
	enum file_status status)
{
	struct rec *r;

	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct rec *p = realloc(t->recs, cap * sizeof *p);

		if (!p) {
			walk_fail(w->c, CR_ENOMEM, "out of memory");
			return NULL;
		}
		t->recs = p;
		t->cap = cap;
	}
	r = &t->recs[t->count++];
	*r = (struct rec){.path = path, .tracked = tracked,
		.kind = (uint8_t)kind, .status = (uint8_t)status};
	return r;
}

static int add_tracked(struct walker *w, struct task *t, size_t i,
	enum rec_kind kind, struct rec **out)
{
	struct rec *r = task_add(w, t, tracked_path(w->c, i), (uint32_t)i,
		kind, FS_TRACKED);

	if (out)
		*out = r;
	return r ? CR_OK : CR_ENOMEM;
}

/* The root-relative part of the walker's path, as a copy that outlives
 * the walk. */
static const char *keep_path(struct walker *w, size_t len)
{
	const char *p = pool_strndup(&w->pool, w->path + w->c->prefix_len,
		len - w->c->prefix_len);

	if (!p)
		walk_fail(w->c, CR_ENOMEM, "out of memory");
	return p;
}

/* Is the entry at w->path, in task t's directory, ignored? */
static bool is_ignored(struct walker *w, const struct task *t, bool is_dir)
{
	if (!w->c->repo || t->excluded)
		return t->excluded;
	return cr_ignore_match(t->rules, w->path, is_dir);
}

/* lstat `name` in the directory fd into r, and read a symlink's target. */
static void stat_rec(struct walker *w, struct rec *r, int fd, const char *name)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		r->st.err = errno;
		return;
	}
	r->st = (struct cr_lstat){
		.mode = st.st_mode, .size = (uint64_t)st.st_size,
		.ino = st.st_ino,
		.mtime_s = st.st_mtim.tv_sec,
		.mtime_ns = (uint32_t)st.st_mtim.tv_nsec,
		.ctime_s = st.st_ctim.tv_sec,
		.ctime_ns = (uint32_t)st.st_ctim.tv_nsec,
	};
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(fd, name, target, sizeof target);
		r->target = pool_strndup(&w->pool, target, n < 0 ? 0 : (size_t)n);
		if (!r->target)
			walk_fail(w->c, CR_ENOMEM, "out of memory");
	}
}

/* strcmp(t, dir + "/") without building the string. */
static int compare_to_dir(const char *t, const char *dir, size_t len)
{
	int cmp = strncmp(t, dir, len);

	return cmp ? cmp : (unsigned char)t[len] - '/';
}

static bool is_under(const char *t, const char *dir, size_t len)
{
	return len == 0 || (strncmp(t, dir, len) == 0 && t[len] == '/');
}

static int add_missing(struct walker *w, struct task *t, size_t *cur,
	size_t end)
{
	int rc = CR_OK;

	while (rc == CR_OK && *cur < end)
		rc = add_tracked(w, t, (*cur)++, REC_MISSING, NULL);
	return rc;
}

/* A file, symlink or special file at w->path (length len). */
static int merge_file(struct walker *w, struct task *t, int fd,
	const char *name, bool listable, size_t len, size_t *cur)
{
	struct collector *c = w->c;
	const char *rel = w->path + c->prefix_len;
	size_t first = *cur;
	const char *path;
	struct rec *r;
	int rc;

	while (*cur < t->hi && strcmp(tracked_path(c, *cur), rel) < 0)
		(*cur)++;
	if ((rc = add_missing(w, t, &first, *cur)) != CR_OK)
		return rc;
	if (*cur < t->hi && strcmp(tracked_path(c, *cur), rel) == 0) {
		if ((rc = add_tracked(w, t, (*cur)++, listable ? REC_STAT :
			     REC_UNLISTED, &r)) == CR_OK && listable)
			stat_rec(w, r, fd, name);
		return rc;
	}
	if (!listable)
		return CR_OK; /* FIFOs, sockets, devices: never listed */
	if (!(path = keep_path(w, len)) ||
	    !(r = task_add(w, t, path, NOT_TRACKED, REC_STAT,
		      is_ignored(w, t, false) ? FS_IGNORED :
						     FS_UNTRACKED)))
		return CR_ENOMEM;
	stat_rec(w, r, fd, name);
	if (r->st.err != 0)
		t->count--; /* gone since the listing */
	return CR_OK;
}

/* Queue the directories a task found, so that the first one found is
 * taken first: the walk then runs roughly in path order, the order in
 * which the nodes are added while it goes on. */
static void queue_tasks(struct collector *c, struct task *last_found)
{
	pthread_mutex_lock(&c->lock);
	while (last_found) {
		struct task *t = last_found;

		last_found = t->next;
		t->next = c->queue;
		c->queue = t;
		c->busy++;
	}
	pthread_cond_broadcast(&c->wake);
	pthread_mutex_unlock(&c->lock);
}

/* The end of the run of tracked[cur..hi) that lies under `dir`: they
 * are the first ones, as everything before dir + "/" is taken. */
static size_t end_of_dir(const struct collector *c, size_t cur, size_t hi,
	const char *dir, size_t len)
{
	while (cur < hi) {
		size_t mid = cur + (hi - cur) / 2;

		if (is_under(tracked_path(c, mid), dir, len))
			cur = mid + 1;
		else
			hi = mid;
	}
	return cur;
}

/* A directory at w->path.  Tracked entries sorted before its content
 * come first: the directory itself (a submodule, or a file that became
 * a directory) and names like "dir.txt" that were not on disk.  A
 * directory holding nothing tracked is one entry when ignored; else it
 * becomes a task of its own, which knows whether it is ignored (as git
 * does, everything untracked inside an ignored directory is). */
static int merge_dir(struct walker *w, struct task *t, size_t len,
	size_t *cur, struct task **found)
{
	struct collector *c = w->c;
	const char *rel = w->path + c->prefix_len;
	size_t rel_len = len - c->prefix_len, end;
	struct task *child;
	const char *path;
	struct rec *r;
	bool ignored;
	int rc = CR_OK;

	while (rc == CR_OK && *cur < t->hi &&
	       compare_to_dir(tracked_path(c, *cur), rel, rel_len) < 0) {
		bool gitlink = strcmp(tracked_path(c, *cur), rel) == 0 &&
			c->tracked[*cur]->mode == CR_GIT_MODE_GITLINK;

		rc = add_tracked(w, t, (*cur)++, gitlink ? REC_SUBMODULE :
			REC_MISSING, NULL);
		if (rc == CR_OK && gitlink)
			return CR_OK;
	}
	if (rc != CR_OK)
		return rc;
	end = end_of_dir(c, *cur, t->hi, rel, rel_len);
	ignored = is_ignored(w, t, true);
	if (!(path = keep_path(w, len)))
		return CR_ENOMEM;
	if (ignored && end == *cur)
		return task_add(w, t, path, NOT_TRACKED, REC_DIR, FS_IGNORED) ?
			CR_OK : CR_ENOMEM;
	if (!(child = calloc(1, sizeof *child)))
		return walk_fail(c, CR_ENOMEM, "out of memory");
	if (!(r = task_add(w, t, path, NOT_TRACKED, REC_CHILD, FS_UNTRACKED))) {
		free(child);
		return CR_ENOMEM;
	}
	*child = (struct task){.path = path, .len = rel_len, .lo = *cur,
		.hi = end, .excluded = ignored, .rules = t->rules};
	r->child = child;
	*cur = end;
	child->next = *found;
	*found = child;
	return CR_OK;
}

/* Names compare as bytes, a directory as if it ended in '/'. */
static int git_order(const void *a, const void *b, void *arg)
{
	const struct name *x = a, *y = b;
	const unsigned char *p = (const unsigned char *)arg + x->at;
	const unsigned char *q = (const unsigned char *)arg + y->at;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return (*p ? *p : x->type == DT_DIR ? '/' : 0) -
	       (*q ? *q : y->type == DT_DIR ? '/' : 0);
}

static int listing_add(struct listing *l, const char *name, unsigned char type)
{
	size_t len = strlen(name) + 1;

	if (l->used + len > l->cap) {
		size_t cap = (l->used + len) * 2;
		char *p = realloc(l->names, cap);

		if (!p)
			return CR_ENOMEM;
		l->names = p;
		l->cap = cap;
	}
	if (l->count == l->items_cap) {
		size_t cap = l->items_cap ? l->items_cap * 2 : 64;
		struct name *p = realloc(l->items, cap * sizeof *p);

		if (!p)
			return CR_ENOMEM;
		l->items = p;
		l->items_cap = cap;
	}
	memcpy(l->names + l->used, name, len);
	l->items[l->count++] = (struct name){l->used, type};
	l->used += len;
	return CR_OK;
}

static bool is_dot_or_git(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	       strcmp(name, ".git") == 0;
}

static int read_listing(struct walker *w, struct task *t, DIR *dir)
{
	struct listing *l = &w->listing;
	struct dirent *de;

	l->used = l->count = 0;
	l->has_gitignore = false;
	while ((errno = 0, de = readdir(dir))) {
		unsigned char type = de->d_type;
		struct stat st;

		if (is_dot_or_git(de->d_name))
			continue;
		if (type == DT_UNKNOWN) {
			if (fstatat(dirfd(dir), de->d_name, &st,
				AT_SYMLINK_NOFOLLOW) != 0)
				continue;
			type = IFTODT(st.st_mode);
		}
		if (type == DT_REG && strcmp(de->d_name, ".gitignore") == 0)
			l->has_gitignore = true;
		if (listing_add(l, de->d_name, type) != CR_OK)
			return walk_fail(w->c, CR_ENOMEM, "out of memory");
	}
	if (errno != 0)
		return walk_fail(w->c, CR_EIO, "%s/%s: %s", w->c->root, t->path,
			strerror(errno));
	if (l->count > 1)
		qsort_r(l->items, l->count, sizeof *l->items, git_order,
			l->names);
	return CR_OK;
}

/* Merge the sorted listing with the tracked entries under the task;
 * subdirectories to walk are prepended to *found. */
static int merge_listing(struct walker *w, struct task *t, int fd,
	struct task **found)
{
	const struct listing *l = &w->listing;
	size_t base = w->c->prefix_len + t->len, cur = t->lo;
	int rc = CR_OK;

	for (size_t i = 0; i < l->count && rc == CR_OK; i++) {
		const char *name = l->names + l->items[i].at;
		unsigned char type = l->items[i].type;
		size_t nlen = strlen(name), len = base + (t->len > 0) + nlen;

		if (len + 2 > sizeof w->path)
			continue; /* no room for the path and a '/' */
		if (t->len > 0)
			w->path[base] = '/';
		memcpy(w->path + len - nlen, name, nlen + 1);
		if (type == DT_DIR)
			rc = merge_dir(w, t, len, &cur, found);
		else
			rc = merge_file(w, t, fd, name, type == DT_REG ||
				type == DT_LNK, len, &cur);
	}
	/* What the index still holds under this directory is not on disk. */
	return rc ? rc : add_missing(w, t, &cur, t->hi);
}

static int read_task_gitignore(struct walker *w, struct task *t, int dirfd)
{
	struct collector *c = w->c;
	size_t len = c->prefix_len + t->len;

	memcpy(w->path, c->prefix, c->prefix_len);
	memcpy(w->path + c->prefix_len, t->path, t->len);
	if (t->len > 0)
		w->path[len++] = '/';
	w->path[len] = '\0';
	if (cr_ignore_read(&w->ignores, &t->rules, dirfd, w->path, c->fold) !=
		CR_OK)
		return walk_fail(c, CR_ENOMEM, "out of memory");
	return CR_OK;
}

static int run_task(struct walker *w, struct task *t)
{
	struct collector *c = w->c;
	struct task *found = NULL;
	size_t cur = t->lo;
	struct stat st;
	DIR *dir;
	int fd, rc;

	fd = open_dir_beneath(c->rootfd, t->path, t->len, O_RDONLY);
	if (fd < 0 && t == c->root_task)
		return walk_fail(c, CR_EIO, "%s: %s", c->root, strerror(-fd));
	if (fd < 0)
		return add_missing(w, t, &cur, t->hi); /* unreadable, or gone */
	/* Another repository inside this one shows as one entry. */
	if (c->repo && t != c->root_task && t->lo == t->hi &&
	    fstatat(fd, ".git", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(fd);
		return task_add(w, t, t->path, NOT_TRACKED, REC_DIR,
			FS_UNTRACKED) ? CR_OK : CR_ENOMEM;
	}
	if (!(dir = fdopendir(fd))) {
		close(fd);
		return walk_fail(c, CR_EIO, "%s/%s: %s", c->root, t->path,
			strerror(errno));
	}
	if ((rc = read_listing(w, t, dir)) == CR_OK && c->repo &&
	    !t->excluded && w->listing.has_gitignore)
		rc = read_task_gitignore(w, t, dirfd(dir));
	memcpy(w->path, c->prefix, c->prefix_len);
	memcpy(w->path + c->prefix_len, t->path, t->len);
	w->path[c->prefix_len + t->len] = '\0';
	if (rc == CR_OK)
		rc = merge_listing(w, t, dirfd(dir), &found);
	closedir(dir);
	queue_tasks(c, found);
	return rc;
}

static void *walker_main(void *arg)
{
	struct walker *w = arg;
	struct collector *c = w->c;

	for (;;) {
		struct task *t;
		bool failed;

		pthread_mutex_lock(&c->lock);
		while (!c->queue && c->busy > 0)
			pthread_cond_wait(&c->wake, &c->lock);
		if (!(t = c->queue)) {
			pthread_mutex_unlock(&c->lock);
			return NULL;
		}
		c->queue = t->next;
		failed = c->rc != CR_OK;
		pthread_mutex_unlock(&c->lock);
		if (!failed)
			run_task(w, t);
		pthread_mutex_lock(&c->lock);
		t->done = true;
		pthread_cond_broadcast(&c->finished);
		if (--c->busy == 0)
			pthread_cond_broadcast(&c->wake);
		pthread_mutex_unlock(&c->lock);
	}
}

static size_t walker_count(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS :
							 (size_t)cpus;
}

/* The entry for what lstat found: FT_SKIP for an error (it vanished
 * since the walk listed it) and for what is never listed. */
static void entry_from_stat(struct entry *e, const struct cr_lstat *s)
{
	if (s->err != 0) {
		e->type = FT_SKIP;
	} else if (S_ISREG(s->mode)) {
		e->type = FT_FILE;
		e->size = s->size;
		e->executable = (s->mode & S_IXUSR) != 0;
		e->mode = e->executable ? CR_GIT_MODE_EXEC : CR_GIT_MODE_FILE;
	} else if (S_ISLNK(s->mode)) {
		e->type = FT_SYMLINK;
		e->size = s->size;
		e->mode = CR_GIT_MODE_LINK;
	} else {
		e->type = FT_SKIP;
	}
}

static void set_missing(struct entry *e, const git_index_entry *ie)
{
	e->type = FT_MISSING;
	e->size = 0;
	e->mode = ie->mode;
	e->executable = ie->mode == CR_GIT_MODE_EXEC;
}

/* The node of a record, read the way git would: a tracked file that
 * vanished between the listing and its lstat is missing. */
static void rec_entry(const struct collector *c, const struct rec *r,
	struct entry *e)
{
	*e = (struct entry){.path = r->path, .target = r->target,
		.status = r->status};
	switch (r->kind) {
	case REC_STAT:
		entry_from_stat(e, &r->st);
		e->st = &r->st;
		if (r->tracked != NOT_TRACKED && r->st.err != 0)
			set_missing(e, c->tracked[r->tracked]);
		break;
	case REC_MISSING:
		set_missing(e, c->tracked[r->tracked]);
		break;
	case REC_SUBMODULE:
		e->type = FT_SUBMODULE;
		e->mode = CR_GIT_MODE_GITLINK;
		break;
	case REC_DIR:
		e->type = FT_DIR;
		e->mode = CR_GIT_MODE_DIR;
		break;
	default:
		e->type = FT_SKIP;
	}
}

/* Does a symlink at `path` (root-relative) with `target` point outside
 * the root, judging by the text of the paths alone? */
static bool target_escapes(const char *root, const char *path,
	const char *target)
{
	char norm[PATH_MAX];
	size_t len = 0, root_len = strlen(root);
	long depth = 0;
	const char *p;

	if (target[0] != '/') {
		for (p = path; (p = strchr(p, '/')); p++)
			depth++;
		for (p = target; *p;) {
			size_t n = strcspn(p, "/");

			if (n == 2 && p[0] == '.' && p[1] == '.') {
				if (--depth < 0)
					return true;
			} else if (n && !(n == 1 && p[0] == '.')) {
				depth++;
			}
			p += n + (p[n] == '/');
		}
		return false;
	}
	for (p = target; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && norm[--len] != '/')
				;
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (len + n + 2 > sizeof norm)
				return true;
			norm[len++] = '/';
			memcpy(norm + len, p, n);
			len += n;
		}
		p += n + (p[n] == '/');
	}
	while (root_len > 1 && root[root_len - 1] == '/')
		root_len--;
	return !(len >= root_len && memcmp(norm, root, root_len) == 0 &&
		 (len == root_len || norm[root_len] == '/'));
}

static const char *shebang_language(struct collector *c, const char *path)
{
	char head[SHEBANG_BYTES];
	struct stat st;
	ssize_t n;
	int fd;

	if (cr_open_beneath(&fd, &st, c->rootfd, path) != 0)
		return NULL;
	n = cr_read_full(fd, head, sizeof head);
	close(fd);
	return n > 0 ? cr_language_of_shebang(head, (size_t)n) : NULL;
}

/* "ext": after the last dot of the name, lower case; a leading dot (as
 * in ".gitignore") starts no extension. */
static int set_ext(cr_graph *g, cr_node_id id, const char *name)
{
	const char *dot = strrchr(name, '.');
	char ext[NAME_MAX + 1];
	size_t n = 0;

	if (dot && dot != name) {
		for (const char *p = dot + 1; *p && n < NAME_MAX; p++)
			ext[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	return cr_graph_set_strn(g, id, "ext", ext, n);
}

static const char *entry_language(struct collector *c, const struct entry *e,
	const char *name)
{
	const char *lang;

	if (e->type != FT_FILE && e->type != FT_SYMLINK && e->type != FT_MISSING)
		return NULL;
	lang = cr_language_of_path(name);
	if (!lang && e->type == FT_FILE && e->executable && !strchr(name, '.'))
		lang = shebang_language(c, e->path);
	return lang;
}

static int add_source(struct collector *c, cr_node_id id,
	const struct entry *e, const char *lang)
{
	const char *path = cr_node_path(c->g, id);
	const char *slash = strrchr(path, '/');

	if (c->nsources == c->sources_cap) {
		size_t cap = c->sources_cap ? c->sources_cap * 2 : 256;
		cr_source_file *s = realloc(c->sources, cap * sizeof *s);

		if (!s)
			return CR_ENOMEM;
		c->sources = s;
		c->sources_cap = cap;
	}
	c->sources[c->nsources++] = (cr_source_file){
		.node = id, .path = path, .name = slash ? slash + 1 : path,
		.size = e->size, .language = lang,
		.mtime_s = e->st->mtime_s, .mtime_ns = e->st->mtime_ns,
		.ctime_s = e->st->ctime_s, .ctime_ns = e->st->ctime_ns,
		.ino = e->st->ino,
	};
	return CR_OK;
}

static int add_node(struct collector *c, const struct entry *e)
{
	const char *slash = strrchr(e->path, '/');
	const char *name = slash ? slash + 1 : e->path;
	const char *lang = entry_language(c, e, name);
	const char *type = type_names[e->type];
	const char *status = status_names[e->status];
	bool exec = e->executable;
	cr_graph *g = c->g;
	cr_node_id id;
	int rc;

	if ((rc = cr_graph_add(g, &id, "file", e->path, 0)) != CR_OK ||
	    (rc = cr_graph_set_str(g, id, "name", name)) != CR_OK ||
	    (rc = set_ext(g, id, name)) != CR_OK ||
	    (rc = cr_graph_set_str(g, id, "type", type)) != CR_OK ||
	    (rc = cr_graph_set_int(g, id, "size", (int64_t)e->size)) != CR_OK ||
	    (rc = cr_graph_set_int(g, id, "mode", e->mode)) != CR_OK ||
	    (rc = cr_graph_set_bool(g, id, "executable", exec)) != CR_OK ||
	    (rc = cr_graph_set_str(g, id, "status", status)) != CR_OK ||
	    (lang && (rc = cr_graph_set_str(g, id, "language", lang)) != CR_OK))
		goto done;
	if (e->type == FT_SYMLINK &&
	    ((rc = cr_graph_set_str(g, id, "target", e->target)) != CR_OK ||
	     (rc = cr_graph_set_bool(g, id, "escapes",
		     target_escapes(c->root, e->path, e->target))) != CR_OK))
		goto done;
	c->files_count++;
	if (e->type == FT_FILE)
		c->bytes += (int64_t)e->size;
	if (e->type == FT_FILE && e->status != FS_IGNORED)
		rc = add_source(c, id, e, lang);
done:
	return rc == CR_OK ? CR_OK : walk_fail(c, rc,
		"cannot add %s to the fact graph", e->path);
}

/* Add the nodes of a task's records once it is done, and of its
 * subdirectories' in turn: path order, while walkers go on. */
static int add_task_nodes(struct collector *c, struct task *t)
{
	int rc;

	pthread_mutex_lock(&c->lock);
	while (!t->done && c->rc == CR_OK)
		pthread_cond_wait(&c->finished, &c->lock);
	rc = c->rc;
	pthread_mutex_unlock(&c->lock);
	for (size_t i = 0; i < t->count && rc == CR_OK; i++) {
		const struct rec *r = &t->recs[i];
		struct entry e;

		if (r->kind == REC_CHILD) {
			rc = add_task_nodes(c, r->child);
			continue;
		}
		rec_entry(c, r, &e);
		if (e.type != FT_SKIP)
			rc = add_node(c, &e);
	}
	return rc;
}

/* Walk the tree on several threads and add the nodes meanwhile: each
 * directory is a task that lists, merges and stats on its own (each file
 * is stat'ed beside the fd of its directory), and this thread adds the
 * nodes of finished tasks in path order. */
static int walk_tree(struct collector *c)
{
	size_t n = walker_count(), started = 0;
	struct walker *walkers = calloc(n, sizeof *walkers);
	pthread_t threads[MAX_THREADS];

	if (!walkers || !(c->root_task = calloc(1, sizeof *c->root_task))) {
		free(walkers);
		return cr_error_set(c->ctx, CR_ENOMEM, "out of memory");
	}
	*c->root_task = (struct task){.path = "", .hi = c->ntracked,
		.rules = c->root_rules, .excluded = c->root_excluded};
	queue_tasks(c, c->root_task);
	for (size_t i = 0; i < n; i++)
		walkers[i].c = c;
	while (started < n && pthread_create(&threads[started], NULL,
		walker_main, &walkers[started]) == 0)
		started++;
	if (started == 0)
		walker_main(&walkers[0]); /* no thread: walk, then add */
	add_task_nodes(c, c->root_task);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (size_t i = 0; i < n; i++) {
		pool_join(&c->pool, walkers[i].pool);
		ignore_join(&c->ignores, walkers[i].ignores);
		free(walkers[i].listing.names);
		free(walkers[i].listing.items);
	}
	free(walkers);
	return c->rc;
}

static void free_task(struct task *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->count; i++) {
		if (t->recs[i].kind == REC_CHILD)
			free_task(t->recs[i].child);
	}
	free(t->recs);
	free(t);
}

/* The index entries under the root, one per path (a conflict has up to
 * three stages of one path). */
static int load_tracked(struct collector *c)
{
	const struct cr_index *idx = &c->index;
	int rc;

	if ((rc = cr_index_load(&c->index, c->ctx, c->repo)) != CR_OK)
		return rc;
	if (!(c->tracked = malloc((idx->count ? idx->count : 1) *
		      sizeof *c->tracked)))
		return cr_error_set(c->ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < idx->count; i++) {
		const git_index_entry *e = &idx->entries[i];

		if (strncmp(e->path, c->prefix, c->prefix_len) != 0 ||
		    !e->path[c->prefix_len] || (c->ntracked &&
			strcmp(c->tracked[c->ntracked - 1]->path, e->path) == 0))
			continue;
		c->tracked[c->ntracked++] = e;
	}
	return CR_OK;
}

/* The rules for the root's content: the repository-wide ones, then the
 * .gitignore of each directory from the work tree down to the root's
 * parent (the root's own is read by the walk), stopping when one of
 * those directories is ignored: then so is everything below. */
static int load_root_rules(struct collector *c)
{
	const char *workdir = git_repository_workdir(c->repo);
	char base[PATH_MAX];
	int wdfd, rc;

	if ((rc = cr_ignore_repo(&c->ignores, &c->root_rules, &c->fold, c->ctx,
		     c->repo)) != CR_OK)
		return rc;
	if ((wdfd = open(workdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cr_error_set(c->ctx, CR_EIO, "%s: %s", workdir,
			strerror(errno));
	for (size_t at = 0; at < c->prefix_len && !c->root_excluded;) {
		size_t end = at + strcspn(c->prefix + at, "/");
		int fd = open_dir_beneath(wdfd, c->prefix, at ? at - 1 : 0,
			O_PATH);

		memcpy(base, c->prefix, at);
		base[at] = '\0';
		if (fd >= 0) {
			rc = cr_ignore_read(&c->ignores, &c->root_rules, fd, base,
				c->fold);
			close(fd);
			if (rc != CR_OK)
				break;
		}
		memcpy(base, c->prefix, end);
		base[end] = '\0';
		c->root_excluded = cr_ignore_match(c->root_rules, base, true);
		at = end + 1;
	}
	close(wdfd);
	return rc == CR_OK ? CR_OK : cr_error_set(c->ctx, rc, "out of memory");
}

/* Does any tracked file under t differ from the index? */
static bool tracked_files_changed(struct collector *c, const struct task *t)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct rec *r = &t->recs[i];
		const git_index_entry *e;

		if (r->kind == REC_CHILD) {
			if (tracked_files_changed(c, r->child))
				return true;
			continue;
		}
		if (r->tracked == NOT_TRACKED)
			continue;
		e = c->tracked[r->tracked];
		if (!cr_index_entry_in_worktree(e))
			continue;
		if (r->kind != REC_STAT || cr_index_entry_changed(&c->index, e,
			&r->st, c->repo, c->rootfd))
			return true;
	}
	return false;
}

/* The whole work tree was stat'ed: settle "dirty" for the git facts. */
static int settle_dirty(struct collector *c, cr_files_summary *summary)
{
	bool dirty;
	int rc = cr_index_dirty(&dirty, c->ctx, c->repo, &c->index,
		tracked_files_changed(c, c->root_task));

	if (rc == CR_OK)
		*summary = (cr_files_summary){.dirty_known = true, .dirty = dirty};
	return rc;
}

static int add_repo_node(struct collector *c, cr_node_id *id)
{
	const char *name = strrchr(c->root, '/');
	cr_graph *g = c->g;
	int rc;

	name = name && name[1] ? name + 1 : c->root;
	if ((rc = cr_graph_add(g, id, "repo", ".", 0)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *id, "root", c->root)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *id, "name", name)) != CR_OK ||
	    (rc = cr_graph_set_bool(g, *id, "is_git", c->repo != NULL)) != CR_OK)
		return cr_error_set(c->ctx, rc, "cannot add the repo node");
	return CR_OK;
}

static int set_repo_totals(struct collector *c, cr_node_id id)
{
	int rc;

	if ((rc = cr_graph_set_int(c->g, id, "files", c->files_count)) != CR_OK ||
	    (rc = cr_graph_set_int(c->g, id, "bytes", c->bytes)) != CR_OK)
		return cr_error_set(c->ctx, rc, "cannot add the repo totals");
	return CR_OK;
}

static int open_root(struct collector *c)
{
	int rc;

	c->rootfd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		return cr_error_set(c->ctx, CR_EIO, "%s: %s", c->root,
			strerror(errno));
	if ((rc = cr_git_open_root(&c->repo, &c->prefix, c->ctx, c->root)) !=
		CR_OK)
		return rc;
	if (!c->prefix && !(c->prefix = strdup("")))
		return cr_error_set(c->ctx, CR_ENOMEM, "out of memory");
	c->prefix_len = strlen(c->prefix);
	return CR_OK;
}

static void collector_free(struct collector *c)
{
	if (c->rootfd >= 0)
		close(c->rootfd);
	free_task(c->root_task);
	free(c->tracked);
	pool_free(c->pool);
	cr_ignore_free(c->ignores);
	cr_index_free(&c->index);
	git_repository_free(c->repo);
	free(c->prefix);
	free(c->sources);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->finished);
	free(c);
}

static struct collector *collector_new(cr_graph *g, cr_ctx *ctx)
{
	struct collector *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->g = g;
	c->ctx = ctx;
	c->root = cr_graph_root(g);
	c->rootfd = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->finished, NULL);
	return c;
}

int cr_files_collect(cr_files_summary *summary, cr_graph *g, cr_ctx *ctx)
{
	struct collector *c = collector_new(g, ctx);
	cr_node_id repo_id;
	int rc;

	if (summary)
		*summary = (cr_files_summary){0};
	if (!c)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	if ((rc = open_root(c)) != CR_OK ||
	    (rc = add_repo_node(c, &repo_id)) != CR_OK ||
	    (c->repo && ((rc = load_tracked(c)) != CR_OK ||
			 (rc = load_root_rules(c)) != CR_OK)) ||
	    (rc = walk_tree(c)) != CR_OK ||
	    (rc = set_repo_totals(c, repo_id)) != CR_OK)
		goto done;
	if (summary && c->repo && c->prefix_len == 0)
		rc = settle_dirty(c, summary);
	if (summary && rc == CR_OK) {
		summary->sources = c->sources;
		summary->source_count = c->nsources;
		c->sources = NULL;
	}
done:
	collector_free(c);
	return rc;
}

void cr_files_summary_release(cr_files_summary *summary)
{
	free(summary->sources);
	summary->sources = NULL;
	summary->source_count = 0;
}

/* --- reading files --------------------------------------------------------- */

/* cr_open_beneath() from the graph's root; returns an errno value. */
static int open_from_root(int *fd, struct stat *st, const cr_graph *g,
	const char *path)
{
	int rootfd = open(cr_graph_root(g), O_PATH | O_DIRECTORY | O_CLOEXEC);
	int err;

	*fd = -1;
	if (rootfd < 0)
		return errno;
	err = cr_open_beneath(fd, st, rootfd, path);
	close(rootfd);
	return err;
}

static int open_error(cr_ctx *ctx, int err, const char *path)
{
	switch (err) {
	case EINVAL:
		return cr_error_set(ctx, CR_EINVAL, "%s: not a plain "
			"repository-relative path", path);
	case ENOENT:
	case ENOTDIR:
		return cr_error_set(ctx, CR_ENOTFOUND, "%s: no such file", path);
	case ELOOP:
		return cr_error_set(ctx, CR_EIO, "%s: refusing to follow a "
			"symlink", path);
	case CR_ENOTREG:
		return cr_error_set(ctx, CR_EIO, "%s: not a regular file", path);
	default:
		return cr_error_set(ctx, CR_EIO, "%s: %s", path, strerror(err));
	}
}

/* Read at most `max` bytes of fd into a new NUL-terminated buffer;
 * `size` (from fstat) is only a hint, the file may change meanwhile. */
static int read_open_file(char **out, size_t *len, bool *truncated,
	cr_ctx *ctx, int fd, uint64_t size, const char *path, size_t max)
{
	size_t cap = size < max ? (size_t)size : max, got = 0;
	char *buf = NULL, probe;
	ssize_t n;

	for (;;) {
		char *p = realloc(buf, cap + 1);

		if (!p) {
			free(buf);
			return cr_error_set(ctx, CR_ENOMEM, "%s: out of memory",
				path);
		}
		buf = p;
		if ((n = cr_read_full(fd, buf + got, cap - got)) < 0) {
			free(buf);
			return cr_error_set(ctx, CR_EIO, "%s: %s", path,
				strerror((int)-n));
		}
		got += (size_t)n;
		if (got < cap || cap == max || cr_read_full(fd, &probe, 1) <= 0)
			break;
		buf[got++] = probe; /* it grew: keep going */
		cap = cap * 2 + 1 < max ? cap * 2 + 1 : max;
	}
	*truncated = got == max && cr_read_full(fd, &probe, 1) > 0;
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return CR_OK;
}

int cr_file_read(char **out, size_t *len, bool *truncated, cr_ctx *ctx,
	const cr_graph *g, const char *path, size_t max)
{
	size_t got = 0;
	bool cut = false;
	struct stat st;
	int fd, err, rc;

	*out = NULL;
	if ((err = open_from_root(&fd, &st, g, path)) != 0)
		rc = open_error(ctx, err, path);
	else
		rc = read_open_file(out, &got, &cut, ctx, fd,
			(uint64_t)st.st_size, path, max);
	if (fd >= 0)
		close(fd);
	if (len)
		*len = got;
	if (truncated)
		*truncated = cut;
	return rc;
}

int cr_file_is_binary(bool *out, cr_ctx *ctx, const cr_graph *g,
	const char *path)
{
	char *head = NULL;
	size_t len = 0;
	bool cut;
	struct stat st;
	int fd, err, rc = CR_OK;

	*out = false;
	err = open_from_root(&fd, &st, g, path);
	if (err == ELOOP || err == CR_ENOTREG)
		return CR_OK; /* not a regular file: not binary either */
	if (err != 0)
		return open_error(ctx, err, path);
	rc = read_open_file(&head, &len, &cut, ctx, fd, (uint64_t)st.st_size,
		path, BINARY_PROBE_BYTES);
	close(fd);
	if (rc == CR_OK)
		*out = memchr(head, '\0', len) != NULL;
	free(head);
	return rc;
}
