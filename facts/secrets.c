/*
 * secrets.c - the secrets collector: secrets and secret-bearing files in
 * the working tree and in the git history, as facts (docs/secrets.md,
 * docs/facts/).
 *
 * Both the working tree and the history are lists of items (a file, a
 * blob) scanned on a pool of threads, one cr_secret_scanner each, taking
 * the next item from a shared index.  An item the cache knows is not
 * scanned again: a record without matches answers alone, one with
 * matches has its content read to derive what reports show (redacted
 * form, hash, fingerprint).  Results go into the graph after the threads
 * are joined, in inventory then history order, so output is
 * deterministic.
 *
 * A secret is identified across files and commits by its rule, length
 * and hash: one found at HEAD that a commit introduced earlier is one
 * node, at_head and in_history, with that first commit; one that only
 * history holds is a node at the path where it was introduced.
 * Working-tree files are cached under a hash of their path and stat data;
 * a file modified in the last two seconds is not cached, since its stat
 * cannot vouch for its content yet.
 */
#include "facts/secrets_facts.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crucible/glob.h"
#include "facts/files_internal.h"
#include "facts/secrets_internal.h"

#define THREADS_MAX 64
/* Stat data younger than this cannot vouch for a file's content. */
#define RACY_SECONDS 2

/* --- the pool ------------------------------------------------------------- */

struct pool_run {
	const cr_spool *pool;
	const cr_sloader *loader;
	cr_sitem *items;
	size_t count;
	size_t next;     /* atomic */
	int rc;          /* atomic: the first error */
};

struct worker {
	const struct pool_run *run;
	cr_secret_scanner *scanner;
	void *state;
};

static uint32_t rule_index(const cr_secret_rules *rules,
	const cr_secret_rule *rule)
{
	size_t n = cr_secret_rules_count(rules);

	for (size_t i = 0; i < n; i++)
		if (cr_secret_rules_at(rules, i) == rule)
			return (uint32_t)i;
	return UINT32_MAX;
}

/* What a report may show of the match m in buf; the value only without
 * redaction. */
static int derive(cr_sfound *out, const cr_spool *pool, const char *path,
	const cr_scache_match *m, const char *buf)
{
	const char *secret = buf + m->offset;
	const cr_secret_rule *rule = cr_secret_rules_at(pool->rules, m->rule);

	*out = (cr_sfound){
		.rule = m->rule, .line = m->line, .column = m->column,
		.length = m->length, .entropy = m->entropy_micro / 1e6,
		.suppressed = m->suppressed,
	};
	cr_secret_hash(out->hash, secret, m->length);
	cr_secret_redact(out->redacted, sizeof out->redacted, secret,
		m->length);
	cr_secret_fingerprint(out->fingerprint, rule->id, path, secret,
		m->length);
	if (!pool->redact && !(out->value = strndup(secret, m->length)))
		return CR_ENOMEM;
	return CR_OK;
}

/* Whether rec's matches still fit content of len bytes. */
static bool record_fits(const cr_scache_rec *rec, size_t len,
	size_t rule_count)
{
	for (uint32_t i = 0; i < rec->count; i++) {
		const cr_scache_match *m = &rec->matches[i];

		if (m->rule >= rule_count || m->offset > len ||
		    m->length > len - m->offset)
			return false;
	}
	return true;
}

/* The item's results from the matches of rec (owned by the caller or
 * the cache), derived from buf; a copy of rec when `keep`. */
static int take_record(cr_sitem *it, const cr_spool *pool,
	const cr_scache_rec *rec, const char *buf, bool keep)
{
	int rc = CR_OK;

	if (rec->count && !(it->found = calloc(rec->count, sizeof *it->found)))
		return CR_ENOMEM;
	for (uint32_t i = 0; i < rec->count && rc == CR_OK; i++) {
		rc = derive(&it->found[i], pool, it->path, &rec->matches[i], buf);
		it->found_count += rc == CR_OK;
	}
	if (rc != CR_OK || !keep)
		return rc;
	if (!(it->fresh = malloc(sizeof *it->fresh)))
		return CR_ENOMEM;
	*it->fresh = *rec;
	it->fresh->matches = NULL;
	if (rec->count && !(it->fresh->matches = malloc(rec->count *
		sizeof *rec->matches)))
		return CR_ENOMEM;
	if (rec->count)
		memcpy((void *)it->fresh->matches, rec->matches,
			rec->count * sizeof *rec->matches);
	return CR_OK;
}

static bool is_binary(const char *buf, size_t len)
{
	return memchr(buf, '\0', len < CR_SECRETS_BINARY_PROBE ? len :
		CR_SECRETS_BINARY_PROBE) != NULL;
}

/* Scan buf for real and remember the result for the cache. */
static int scan_content(cr_sitem *it, struct worker *w, const char *buf,
	size_t len)
{
	const cr_spool *pool = w->run->pool;
	cr_scache_rec rec = { .checks = (uint8_t)it->checks };
	const cr_secret_match *matches;
	cr_scache_match *conv = NULL;
	size_t count = 0;
	int rc;

	memcpy(rec.key, it->key, sizeof rec.key);
	if (is_binary(buf, len)) {
		it->state = CR_SITEM_BINARY;
		rec.flags = CR_SCACHE_BINARY;
		rec.checks = 0;
		return take_record(it, pool, &rec, buf, it->cacheable);
	}
	rc = cr_secret_scan(&matches, &count, w->scanner, it->path, buf, len);
	if (rc != CR_OK && rc != CR_ELIMIT)
		return rc;
	if (count && !(conv = calloc(count, sizeof *conv)))
		return CR_ENOMEM;
	for (size_t i = 0; i < count; i++)
		conv[i] = (cr_scache_match){
			.rule = rule_index(pool->rules, matches[i].rule),
			.offset = matches[i].offset,
			.length = (uint32_t)matches[i].length,
			.line = matches[i].line,
			.column = matches[i].column,
			.entropy_micro = (uint32_t)(matches[i].entropy * 1e6),
			.suppressed = matches[i].suppressed,
		};
	it->state = CR_SITEM_SCANNED;
	it->bytes = len;
	it->hits = cr_sensitive_check(it->checks, buf, len);
	rec.hits = (uint8_t)it->hits;
	rec.count = (uint32_t)count;
	rec.matches = conv;
	rc = take_record(it, pool, &rec, buf, it->cacheable);
	free(conv);
	return rc;
}

/* A cached record answers, its matches derived from the content; content
 * checks it lacks run now, and the record is renewed with them. */
static int use_record(cr_sitem *it, struct worker *w,
	const cr_scache_rec *rec, const char *buf, size_t len)
{
	const cr_spool *pool = w->run->pool;
	unsigned missing = it->checks & ~rec->checks;
	cr_scache_rec renewed = *rec;

	if (!record_fits(rec, len, cr_secret_rules_count(pool->rules)))
		return scan_content(it, w, buf, len);
	it->state = CR_SITEM_CACHED;
	renewed.hits |= (uint8_t)cr_sensitive_check(missing, buf, len);
	renewed.checks |= (uint8_t)missing;
	it->hits = renewed.hits & it->checks;
	return take_record(it, pool, &renewed, buf, missing != 0);
}

/* A record that answers without the content: nothing found, or binary. */
static bool record_answers(cr_sitem *it, const cr_scache_rec *rec)
{
	if (rec->flags & CR_SCACHE_BINARY) {
		it->state = CR_SITEM_BINARY;
		return true;
	}
	if (rec->count || (it->checks & ~rec->checks))
		return false;
	it->state = CR_SITEM_CACHED;
	it->hits = rec->hits & it->checks;
	return true;
}

static int process(cr_sitem *it, struct worker *w)
{
	const struct pool_run *run = w->run;
	const cr_scache_rec *rec = NULL;
	const char *buf;
	size_t len;
	int rc;

	if (run->pool->cache && it->cacheable)
		rec = cr_scache_find(run->pool->cache, it->key);
	if (rec && record_answers(it, rec))
		return CR_OK;
	if (it->size > CR_SECRETS_SIZE_MAX) {
		it->state = CR_SITEM_LARGE;
		return CR_OK;
	}
	rc = run->loader->load(w->state, it, &buf, &len);
	if (rc == CR_ENOTFOUND || rc == CR_ELIMIT) {
		it->state = rc == CR_ELIMIT ? CR_SITEM_LARGE : CR_SITEM_GONE;
		return CR_OK;
	}
	if (rc != CR_OK)
		return rc;
	rc = rec ? use_record(it, w, rec, buf, len) :
		scan_content(it, w, buf, len);
	run->loader->unload(w->state);
	return rc;
}

static void *pool_thread(void *arg)
{
	struct worker *w = arg;
	struct pool_run *run = (struct pool_run *)w->run;
	int expected = CR_OK, rc = CR_OK;
	size_t i;

	while (rc == CR_OK && __atomic_load_n(&run->rc, __ATOMIC_RELAXED) ==
	       CR_OK && (i = __atomic_fetch_add(&run->next, 1,
			 __ATOMIC_RELAXED)) < run->count)
		rc = process(&run->items[i], w);
	if (rc != CR_OK)
		__atomic_compare_exchange_n(&run->rc, &expected, rc, false,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED);
	return NULL;
}

static size_t thread_count(size_t items)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > THREADS_MAX)
		n = THREADS_MAX;
	return items < (size_t)n ? (items ? items : 1) : (size_t)n;
}

static void workers_free(struct worker *w, size_t n, const cr_sloader *l)
{
	for (size_t i = 0; i < n; i++) {
		cr_secret_scanner_free(w[i].scanner);
		if (w[i].state)
			l->thread_free(w[i].state);
	}
}

int cr_spool_run(const cr_spool *pool, cr_sitem *items, size_t n,
	const cr_sloader *loader)
{
	struct pool_run run = { .pool = pool, .loader = loader,
		.items = items, .count = n };
	struct worker w[THREADS_MAX] = {0};
	pthread_t threads[THREADS_MAX];
	size_t nthreads = thread_count(n), started = 0;
	int rc = CR_OK;

	if (!n)
		return CR_OK;
	for (size_t i = 0; i < nthreads && rc == CR_OK; i++) {
		w[i].run = &run;
		if ((rc = cr_secret_scanner_new(&w[i].scanner, pool->ctx,
			     pool->rules)) == CR_OK)
			rc = loader->thread_init(&w[i].state, loader->arg);
	}
	for (; rc == CR_OK && started < nthreads; started++)
		if (pthread_create(&threads[started], NULL, pool_thread,
			    &w[started]) != 0)
			break;
	if (rc == CR_OK && !started)
		pool_thread(&w[0]);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	workers_free(w, nthreads, loader);
	if (rc == CR_OK)
		rc = run.rc;
	if (rc == CR_ENOMEM)
		cr_error_set(pool->ctx, rc, "out of memory scanning for secrets");
	return rc;
}

int cr_spool_remember(const cr_spool *pool, cr_sitem *items, size_t n)
{
	int rc = CR_OK;

	for (size_t i = 0; pool->cache && i < n && rc == CR_OK; i++)
		if (items[i].fresh)
			rc = cr_scache_put(pool->cache, items[i].fresh);
	return rc == CR_OK ? CR_OK : cr_error_set(pool->ctx, rc,
		"out of memory");
}

void cr_sitem_release(cr_sitem *it)
{
	for (size_t i = 0; i < it->found_count; i++)
		free(it->found[i].value);
	free(it->found);
	if (it->fresh)
		free((void *)it->fresh->matches);
	free(it->fresh);
	it->found = NULL;
	it->found_count = 0;
	it->fresh = NULL;
}

bool cr_sfound_same(const cr_sfound *a, const cr_sfound *b)
{
	return a->rule == b->rule && a->length == b->length &&
	       strcmp(a->hash, b->hash) == 0;
}

/* --- the working tree ----------------------------------------------------- */

/* A worker's reading of working-tree files: a descriptor of the root
 * for the whole run and one buffer that only grows, so that a file costs
 * its open (beneath the root, never through a symlink, never a FIFO) and
 * one read. */
struct tree_thread {
	int rootfd;
	char *buf;
	size_t cap;
};

static int tree_thread_init(void **state, void *arg)
{
	struct tree_thread *t = calloc(1, sizeof *t);

	*state = t;
	if (!t)
		return CR_ENOMEM;
	t->rootfd = open(cr_graph_root(arg), O_PATH | O_DIRECTORY | O_CLOEXEC);
	return CR_OK;
}

static void tree_thread_free(void *state)
{
	struct tree_thread *t = state;

	if (t->rootfd >= 0)
		close(t->rootfd);
	free(t->buf);
	free(t);
}

static int reserve(struct tree_thread *t, size_t size)
{
	char *grown;

	if (size <= t->cap)
		return CR_OK;
	if (!(grown = realloc(t->buf, size)))
		return CR_ENOMEM;
	t->buf = grown;
	t->cap = size;
	return CR_OK;
}

/* Read fd to its end into t->buf, asking one byte more than `size` (its
 * size when opened) so that an unchanged file takes one read, and one
 * that grew meanwhile is read whole.  CR_ELIMIT past the size limit. */
static int read_whole(struct tree_thread *t, int fd, size_t size,
	size_t *len)
{
	size_t want = size + 1, got = 0;
	ssize_t n;
	int rc;

	for (;;) {
		if ((rc = reserve(t, want)) != CR_OK)
			return rc;
		n = read(fd, t->buf + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return CR_ENOTFOUND;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > CR_SECRETS_SIZE_MAX)
			return CR_ELIMIT;
		if (got == want)
			want *= 2;
	}
	*len = got;
	return CR_OK;
}

static int tree_load(void *state, cr_sitem *it, const char **buf,
	size_t *len)
{
	struct tree_thread *t = state;
	struct stat st;
	int fd, rc;

	if (t->rootfd < 0 || cr_open_beneath(&fd, &st, t->rootfd,
		    it->path) != 0)
		return CR_ENOTFOUND;
	rc = (uint64_t)st.st_size > CR_SECRETS_SIZE_MAX ? CR_ELIMIT :
		read_whole(t, fd, (size_t)st.st_size, len);
	close(fd);
	*buf = t->buf;
	return rc;
}

static void tree_unload(void *state)
{
	(void)state;
}

/* The cache key of a working-tree file: its path and the stat data of
 * the inventory (a regular file's, whose lstat found it). */
static void stat_key(cr_sitem *it, const cr_source_file *f, time_t now)
{
	crypto_generichash_state h;
	int64_t fields[] = { (int64_t)f->size, f->mtime_s, f->mtime_ns,
		f->ctime_s, f->ctime_ns, (int64_t)f->ino };

	it->cacheable = f->mtime_s < now - RACY_SECONDS &&
		f->ctime_s < now - RACY_SECONDS;
	crypto_generichash_init(&h, NULL, 0, CR_SECRETS_KEY_SIZE);
	crypto_generichash_update(&h, (const unsigned char *)"tree", 5);
	crypto_generichash_update(&h, (const unsigned char *)it->path,
		strlen(it->path) + 1);
	crypto_generichash_update(&h, (const unsigned char *)fields,
		sizeof fields);
	crypto_generichash_final(&h, it->key, CR_SECRETS_KEY_SIZE);
}

struct tree {
	cr_sitem *items;
	size_t count;
	cr_sensitive *sensitive;  /* per file of the inventory */
};

/* An item per file worth reading: not allowlisted as a whole (unless a
 * sensitive path needs its content checked).  The allowlist's globs are
 * prepared once for the whole tree (as cr_secret_rules_path_allowed()
 * would match them one by one). */
static int tree_items(struct tree *t, cr_collect *c, const cr_spool *pool)
{
	const cr_secret_strings *allowed = &pool->rules->allow.paths;
	cr_glob_set *allow = NULL;
	time_t now = time(NULL);
	int rc = CR_ENOMEM;

	if (!(t->items = calloc(c->nfiles + 1, sizeof *t->items)) ||
	    !(t->sensitive = calloc(c->nfiles + 1, sizeof *t->sensitive)) ||
	    cr_glob_set_new(&allow, (const char *const *)allowed->items,
		    allowed->count) != CR_OK)
		goto done;
	for (size_t i = 0; i < c->nfiles; i++) {
		const cr_source_file *f = &c->files[i];
		cr_sitem *it = &t->items[t->count];

		t->sensitive[i] = cr_sensitive_of_path(f->path);
		if (!t->sensitive[i].check &&
		    cr_glob_set_match(allow, f->path) >= 0)
			continue;
		*it = (cr_sitem){ .path = f->path, .size = f->size,
			.origin = i, .checks = t->sensitive[i].check };
		t->count++;
	}
	rc = CR_OK;
done:
	cr_glob_set_free(allow);
	if (rc != CR_OK)
		return cr_error_set(c->ctx, rc, "out of memory");
	for (size_t i = 0; pool->cache && i < t->count; i++)
		stat_key(&t->items[i], &c->files[t->items[i].origin], now);
	return CR_OK;
}

static int scan_tree(struct tree *t, cr_collect *c, const cr_spool *pool)
{
	const cr_sloader loader = {
		.thread_init = tree_thread_init,
		.thread_free = tree_thread_free,
		.load = tree_load,
		.unload = tree_unload,
		.arg = c->g,
	};
	int rc;

	if ((rc = tree_items(t, c, pool)) != CR_OK ||
	    (rc = cr_spool_run(pool, t->items, t->count, &loader)) != CR_OK)
		return rc;
	/* A content check that failed: the path alone does not count. */
	for (size_t i = 0; i < t->count; i++) {
		cr_sensitive *s = &t->sensitive[t->items[i].origin];

		if (s->check && !(t->items[i].hits & s->check))
			s->category = NULL;
	}
	return cr_spool_remember(pool, t->items, t->count);
}

static void tree_release(struct tree *t)
{
	for (size_t i = 0; i < t->count; i++)
		cr_sitem_release(&t->items[i]);
	free(t->items);
	free(t->sensitive);
}

/* --- into the graph --------------------------------------------------------- */

struct emit {
	cr_collect *c;
	const cr_spool *pool;
	const cr_shistory *h;
	int rc;
};

static void set_str(struct emit *e, cr_node_id id, const char *key,
	const char *v)
{
	if (e->rc == CR_OK)
		e->rc = cr_graph_set_str(e->c->g, id, key, v);
}

static void set_int(struct emit *e, cr_node_id id, const char *key,
	int64_t v)
{
	if (e->rc == CR_OK)
		e->rc = cr_graph_set_int(e->c->g, id, key, v);
}

static void set_bool(struct emit *e, cr_node_id id, const char *key, bool v)
{
	if (e->rc == CR_OK)
		e->rc = cr_graph_set_bool(e->c->g, id, key, v);
}

static void set_commit(struct emit *e, cr_node_id id, size_t commit)
{
	set_str(e, id, "commit", e->h->commits[commit].id);
	set_str(e, id, "author_date", e->h->commits[commit].date);
}

/* The first introduction in history of the secret f, or NULL. */
static const cr_shist_secret *history_of(const cr_shistory *h,
	const cr_sfound *f)
{
	for (size_t i = 0; i < h->secret_count; i++)
		if (cr_sfound_same(h->secrets[i].found, f))
			return &h->secrets[i];
	return NULL;
}

static void emit_secret(struct emit *e, const cr_source_file *file,
	const char *path, const cr_sfound *f, bool at_head,
	const cr_shist_secret *hist)
{
	const cr_secret_rule *rule = cr_secret_rules_at(e->pool->rules,
		f->rule);
	cr_node_id id = 0;

	if (e->rc == CR_OK)
		e->rc = cr_collect_node(&id, e->c, "secret", file, path,
			f->line);
	set_str(e, id, "rule", rule->id);
	set_str(e, id, "description", rule->description);
	set_str(e, id, "severity", rule->severity);
	set_int(e, id, "column", f->column);
	set_str(e, id, "redacted", f->redacted);
	set_int(e, id, "length", f->length);
	set_str(e, id, "hash", f->hash);
	set_str(e, id, "fingerprint", f->fingerprint);
	if (e->rc == CR_OK)
		e->rc = cr_graph_set_num(e->c->g, id, "entropy", f->entropy);
	set_bool(e, id, "suppressed", f->suppressed);
	set_bool(e, id, "at_head", at_head);
	set_bool(e, id, "in_history", hist != NULL);
	if (hist)
		set_commit(e, id, hist->commit);
	if (f->value)
		set_str(e, id, "value", f->value);
}

/* History secrets that HEAD no longer holds. */
static bool found_in_tree(const struct tree *t, const cr_sfound *f)
{
	for (size_t i = 0; i < t->count; i++)
		for (size_t k = 0; k < t->items[i].found_count; k++)
			if (cr_sfound_same(&t->items[i].found[k], f))
				return true;
	return false;
}

static void emit_secrets(struct emit *e, const struct tree *t)
{
	for (size_t i = 0; i < t->count; i++) {
		const cr_sitem *it = &t->items[i];

		for (size_t k = 0; k < it->found_count; k++)
			emit_secret(e, &e->c->files[it->origin], it->path,
				&it->found[k], true,
				history_of(e->h, &it->found[k]));
	}
	for (size_t i = 0; i < e->h->secret_count; i++) {
		const cr_shist_secret *s = &e->h->secrets[i];

		if (!found_in_tree(t, s->found))
			emit_secret(e, NULL, s->path, s->found, false, s);
	}
}

/* Sensitive directories and their counts, in order of first sight. */
struct dirs {
	struct dir_count {
		char path[4096];
		int64_t files, deleted;
	} *items;
	size_t count;
};

static void count_dir(struct emit *e, struct dirs *d, const char *path,
	bool at_head)
{
	char dir[4096];
	size_t i;

	if (e->rc != CR_OK || !cr_sensitive_dir_of(dir, sizeof dir, path))
		return;
	for (i = 0; i < d->count && strcmp(d->items[i].path, dir); i++)
		;
	if (i == d->count) {
		struct dir_count *p = realloc(d->items, (i + 1) * sizeof *p);

		if (!p) {
			e->rc = CR_ENOMEM;
			return;
		}
		d->items = p;
		d->count++;
		snprintf(p[i].path, sizeof p[i].path, "%s", dir);
		p[i].files = p[i].deleted = 0;
	}
	if (at_head)
		d->items[i].files++;
	else
		d->items[i].deleted++;
}

static const cr_shist_file *history_file(const cr_shistory *h,
	const char *path)
{
	for (size_t i = 0; i < h->file_count; i++)
		if (strcmp(h->files[i].path, path) == 0)
			return &h->files[i];
	return NULL;
}

static bool tree_has_sensitive(const struct tree *t, const cr_collect *c,
	const char *path)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (t->sensitive[i].category &&
		    strcmp(c->files[i].path, path) == 0)
			return true;
	return false;
}

static void emit_file(struct emit *e, const cr_source_file *file,
	const char *path, const char *category, bool at_head,
	const cr_shist_file *hist)
{
	char dir[4096];
	cr_node_id id = 0;

	if (e->rc == CR_OK)
		e->rc = cr_collect_node(&id, e->c, "sensitive_file", file,
			path, 0);
	set_str(e, id, "category", category);
	set_bool(e, id, "at_head", at_head);
	set_bool(e, id, "in_history", hist != NULL);
	if (cr_sensitive_dir_of(dir, sizeof dir, path))
		set_str(e, id, "dir", dir);
	if (hist)
		set_commit(e, id, hist->commit);
}

static void emit_files(struct emit *e, const struct tree *t)
{
	cr_collect *c = e->c;
	struct dirs d = {0};
	cr_node_id id = 0;

	for (size_t i = 0; i < c->nfiles; i++) {
		const char *path = c->files[i].path;

		if (!t->sensitive[i].category)
			continue;
		emit_file(e, &c->files[i], path, t->sensitive[i].category,
			true, history_file(e->h, path));
		count_dir(e, &d, path, true);
	}
	for (size_t i = 0; i < e->h->file_count; i++) {
		const cr_shist_file *f = &e->h->files[i];

		if (tree_has_sensitive(t, c, f->path))
			continue;
		emit_file(e, NULL, f->path, f->category, false, f);
		count_dir(e, &d, f->path, false);
	}
	for (size_t i = 0; i < d.count; i++) {
		if (e->rc == CR_OK)
			e->rc = cr_collect_node(&id, c, "sensitive_dir", NULL,
				d.items[i].path, 0);
		set_int(e, id, "files", d.items[i].files);
		set_int(e, id, "deleted_files", d.items[i].deleted);
	}
	free(d.items);
}

static void emit_stats(struct emit *e, const struct tree *t)
{
	int64_t scanned = 0, cached = 0, binary = 0, large = 0, bytes = 0;
	cr_node_id id = 0;

	for (size_t i = 0; i < t->count; i++) {
		scanned += t->items[i].state == CR_SITEM_SCANNED;
		cached += t->items[i].state == CR_SITEM_CACHED;
		binary += t->items[i].state == CR_SITEM_BINARY;
		large += t->items[i].state == CR_SITEM_LARGE;
		bytes += (int64_t)t->items[i].bytes;
	}
	if (e->rc == CR_OK)
		e->rc = cr_collect_node(&id, e->c, "secrets_scan", NULL, ".", 0);
	set_int(e, id, "files_scanned", scanned);
	set_int(e, id, "files_cached", cached);
	set_int(e, id, "bytes_scanned", bytes);
	set_int(e, id, "skipped_binary", binary);
	set_int(e, id, "skipped_large", large);
	set_int(e, id, "blobs_scanned", (int64_t)e->h->blobs_scanned);
	set_int(e, id, "blobs_cached", (int64_t)e->h->blobs_cached);
	set_int(e, id, "blobs_binary", (int64_t)e->h->skipped_binary);
	set_int(e, id, "blobs_large", (int64_t)e->h->skipped_large);
	set_int(e, id, "commits", (int64_t)e->h->commits_walked);
	set_int(e, id, "rules", (int64_t)cr_secret_rules_count(e->pool->rules));
	set_str(e, id, "rules_digest", cr_secret_rules_digest(e->pool->rules));
	set_bool(e, id, "history", (e->c->opts->collectors & CR_FACTS_HISTORY)
		!= 0);
	set_bool(e, id, "cache", e->pool->cache != NULL);
}

/* --- the collector ----------------------------------------------------------- */

int cr_secrets_collect(cr_collect *c)
{
	cr_secret_rules *builtin = NULL;
	cr_spool pool = { .rules = c->opts->secret_rules,
		.redact = c->opts->redact, .ctx = c->ctx };
	struct tree t = {0};
	cr_shistory h = {0};
	struct emit e = { .c = c, .pool = &pool, .h = &h };
	int rc;

	if (!pool.rules) {
		if ((rc = cr_secret_rules_builtin(&builtin, c->ctx)) != CR_OK)
			return rc;
		pool.rules = builtin;
	}
	if (sodium_init() < 0) {
		rc = cr_error_set(c->ctx, CR_EINTERNAL,
			"cannot initialise libsodium");
		goto done;
	}
	if (c->opts->cache &&
	    (rc = cr_scache_open(&pool.cache, cr_graph_root(c->g),
		     pool.rules)) != CR_OK) {
		cr_error_set(c->ctx, rc, "out of memory");
		goto done;
	}
	if ((rc = scan_tree(&t, c, &pool)) != CR_OK)
		goto done;
	if ((c->opts->collectors & CR_FACTS_HISTORY) &&
	    (rc = cr_shistory_collect(&h, c, &pool, c->opts->since)) != CR_OK)
		goto done;
	/* A cache that cannot be written costs time, never the run. */
	if (pool.cache && !(c->opts->collectors & CR_FACTS_HISTORY))
		cr_scache_keep_unused(pool.cache);
	if (pool.cache)
		cr_scache_save(pool.cache);
	emit_secrets(&e, &t);
	emit_files(&e, &t);
	emit_stats(&e, &t);
	if ((rc = e.rc) != CR_OK)
		cr_error_set(c->ctx, rc, "cannot record the secrets facts");
done:
	cr_shistory_release(&h);
	tree_release(&t);
	cr_scache_free(pool.cache);
	cr_secret_rules_free(builtin);
	return rc;
}
