/*
 * git_index.c - reading a repository's index (see git_index.h).
 *
 * Both collectors start from the index: the file inventory merges it with
 * the walk of the work tree, and "dirty" compares it with HEAD and with
 * the files.  libgit2 takes longer to load a 100,000-entry index than git
 * takes for a whole `status`, so versions 2 to 4 of git's format are
 * parsed here, straight from the mapped file: entries, and the cache
 * tree's root, which tells without reading a tree object whether the
 * index matches HEAD.  Whatever the parser does not accept goes to
 * libgit2, which knows every variant or fails with a reason.  The file
 * may come from a hostile checkout, so every length is checked against
 * the end of the data (tests/fuzz/fuzz_git_index.c).
 */
#include "facts/git_index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts/files_internal.h"

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
	size_t fixed = INDEX_ENTRY_FIXED, strip, size;

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
		size = (fixed + (size_t)(nul - name) + 8) & ~(size_t)7;
		if (size > (size_t)(end - p))
			return false;
		*pp = p + size;
		return true;
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

/* Back to no entries, as before parsing. */
static void forget_entries(struct cr_index *idx)
{
	free(idx->entries);
	free(idx->paths);
	idx->entries = NULL;
	idx->paths = NULL;
	idx->count = 0;
	idx->has_tree = false;
}

bool cr_index_parse(struct cr_index *idx, const void *data, size_t len)
{
	if (!parse_index(idx, data, len)) {
		forget_entries(idx);
		return false;
	}
	tidy_entries(idx);
	return true;
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
	if (git_repository_index(&idx->fallback, repo) < 0)
		return cr_git_error(ctx, "git index");
	idx->count = git_index_entrycount(idx->fallback);
	if (!(idx->entries = calloc(idx->count ? idx->count : 1,
		      sizeof *idx->entries)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < idx->count; i++)
		idx->entries[i] = *git_index_get_byindex(idx->fallback, i);
	tidy_entries(idx);
	return CR_OK;
}

static void load_index_rules(struct cr_index *idx, git_repository *repo,
	const char *path)
{
	git_config *cfg = NULL;
	struct stat st;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		cfg = NULL;
	idx->filemode = cr_git_config_bool(cfg, "core.filemode", true);
	idx->trust_ctime = cr_git_config_bool(cfg, "core.trustctime", true);
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
	} else if (err != 0 || !cr_index_parse(idx, idx->data, idx->data_len)) {
		rc = index_from_libgit2(idx, ctx, repo);
	}
	free(path);
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
