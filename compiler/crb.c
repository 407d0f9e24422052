/*
 * crb.c - write and read bundle files (.crb); the layout is described in
 * include/crucible/crb.h.
 *
 * The writer is what `crucible build` ends with; the reader is the only
 * way a .crb becomes a cr_bundle, and it hands the files to
 * cr_bundle_load_files() like every other source of bundles, so the rest
 * of the engine cannot tell a compiled bundle from a directory.
 *
 * The reader distrusts every byte: each length is checked against what is
 * left before it is used, the checksum covers the whole file, and the
 * manifest (which `crucible inspect` shows and signatures vouch for) must
 * describe exactly the files that get loaded.  The checksum only catches
 * accidents; a signature (compiler/sign.c) is what catches tampering.
 */
#include "crucible/crb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "compiler/yaml.h"

#define CRB_MAGIC "\x89" "CRB\r\n\x1a\n"
#define CRB_MAGIC_LEN 8
#define CRB_HEADER_LEN (CRB_MAGIC_LEN + 4)
#define CRB_CHECKSUM_LEN crypto_hash_sha256_BYTES
#define CRB_FILES_MAX 4096
#define CRB_PATH_MAX 4096
#define SHA256_TEXT_LEN (sizeof "sha256:" - 1 + 2 * crypto_hash_sha256_BYTES)

struct cr_crb {
	cJSON *manifest;
	cr_bundle_file *files;
	size_t count;
};

/* --- shared helpers -------------------------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

/* "sha256:<hex>" of data into out[SHA256_TEXT_LEN + 1]. */
static void sha256_text(char *out, const void *data, size_t len)
{
	unsigned char hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, data, len);
	memcpy(out, "sha256:", 7);
	sodium_bin2hex(out + 7, SHA256_TEXT_LEN - 7 + 1, hash, sizeof hash);
}

static bool is_lua_path(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".lua") == 0;
}

/* --- canonical JSON --------------------------------------------------------- */

static int by_key(const void *a, const void *b)
{
	return strcmp((*(cJSON *const *)a)->string,
		(*(cJSON *const *)b)->string);
}

/* Sort the keys of every object under j, in place, so that the printed
 * text depends only on the content. */
static int sort_keys(cJSON *j)
{
	size_t n = 0, i = 0;
	cJSON **kids, *c;

	for (c = j->child; c; c = c->next) {
		if (sort_keys(c) != CR_OK)
			return CR_ENOMEM;
		n++;
	}
	if (!cJSON_IsObject(j) || n < 2)
		return CR_OK;
	if (!(kids = malloc(n * sizeof *kids)))
		return CR_ENOMEM;
	for (c = j->child; c; c = c->next)
		kids[i++] = c;
	qsort(kids, n, sizeof *kids, by_key);
	for (i = 0; i < n; i++) {
		kids[i]->prev = i ? kids[i - 1] : kids[n - 1];
		kids[i]->next = i + 1 < n ? kids[i + 1] : NULL;
	}
	j->child = kids[0];
	free(kids);
	return CR_OK;
}

/* --- writing ---------------------------------------------------------------- */

static cJSON *files_json(const cr_bundle_file *files, size_t count)
{
	cJSON *arr = cJSON_CreateArray(), *f;
	char digest[SHA256_TEXT_LEN + 1];

	for (size_t i = 0; arr && i < count; i++) {
		sha256_text(digest, files[i].data, files[i].len);
		if (!(f = cJSON_CreateObject()) ||
		    !cJSON_AddItemToArray(arr, f) ||
		    !cJSON_AddStringToObject(f, "path", files[i].path) ||
		    !cJSON_AddNumberToObject(f, "size", (double)files[i].len) ||
		    !cJSON_AddStringToObject(f, "sha256", digest)) {
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

/* The manifest as written: the caller's plus format and files, keys
 * sorted, printed without whitespace. */
static char *manifest_text(const cJSON *manifest, const cr_bundle_file *files,
	size_t count)
{
	cJSON *m = cJSON_Duplicate(manifest, true), *list = files_json(files,
		count);
	char *text = NULL;

	cJSON_DeleteItemFromObjectCaseSensitive(m, "files");
	cJSON_DeleteItemFromObjectCaseSensitive(m, "format");
	if (m && list && cJSON_AddItemToObject(m, "files", list)) {
		list = NULL;
		if (cJSON_AddStringToObject(m, "format", CR_CRB_FORMAT) &&
		    sort_keys(m) == CR_OK)
			text = cJSON_PrintUnformatted(m);
	}
	cJSON_Delete(list);
	cJSON_Delete(m);
	return text;
}

static int check_files(cr_ctx *ctx, const cr_bundle_file *files,
	size_t count)
{
	if (count > CRB_FILES_MAX)
		return cr_error_set(ctx, CR_EINVAL, "more than %d files",
			CRB_FILES_MAX);
	for (size_t i = 0; i < count; i++) {
		if (strlen(files[i].path) > CRB_PATH_MAX ||
		    files[i].len > UINT32_MAX)
			return cr_error_set(ctx, CR_EINVAL, "%s: too long",
				files[i].path);
		if (i && strcmp(files[i - 1].path, files[i].path) >= 0)
			return cr_error_set(ctx, CR_EINVAL, "bundle files must "
				"be sorted by path and unique (%s)",
				files[i].path);
	}
	return CR_OK;
}

static size_t encoded_size(size_t manifest_len, const cr_bundle_file *files,
	size_t count)
{
	size_t n = CRB_HEADER_LEN + 4 + manifest_len + 4 + CRB_CHECKSUM_LEN;

	for (size_t i = 0; i < count; i++)
		n += 8 + strlen(files[i].path) + files[i].len;
	return n;
}

static unsigned char *put_bytes(unsigned char *p, const void *data,
	size_t len)
{
	put_u32(p, (uint32_t)len);
	memcpy(p + 4, data, len);
	return p + 4 + len;
}

int cr_crb_encode(char **out, size_t *len, cr_ctx *ctx, const cJSON *manifest,
	const cr_bundle_file *files, size_t count)
{
	char *text = NULL;
	unsigned char *buf = NULL, *p;
	size_t size, text_len;
	int rc;

	*out = NULL;
	*len = 0;
	if (sodium_init() < 0)
		return cr_error_set(ctx, CR_EINTERNAL,
			"cannot initialise libsodium");
	if ((rc = check_files(ctx, files, count)) != CR_OK)
		return rc;
	if (!cJSON_IsObject(manifest))
		return cr_error_set(ctx, CR_EINVAL, "the manifest must be an "
			"object");
	if (!(text = manifest_text(manifest, files, count)))
		goto oom;
	text_len = strlen(text);
	size = encoded_size(text_len, files, count);
	if (text_len > UINT32_MAX || size > CR_CRB_SIZE_MAX) {
		free(text);
		return cr_error_set(ctx, CR_EINVAL, "the bundle file would be "
			"larger than %zu bytes", CR_CRB_SIZE_MAX);
	}
	if (!(buf = malloc(size)))
		goto oom;
	memcpy(buf, CRB_MAGIC, CRB_MAGIC_LEN);
	put_u32(buf + CRB_MAGIC_LEN, CR_CRB_VERSION);
	p = put_bytes(buf + CRB_HEADER_LEN, text, text_len);
	put_u32(p, (uint32_t)count);
	p += 4;
	for (size_t i = 0; i < count; i++) {
		p = put_bytes(p, files[i].path, strlen(files[i].path));
		p = put_bytes(p, files[i].data, files[i].len);
	}
	crypto_hash_sha256(p, buf, (size_t)(p - buf));
	free(text);
	*out = (char *)buf;
	*len = size;
	return CR_OK;
oom:
	free(text);
	return cr_error_set(ctx, CR_ENOMEM, "out of memory encoding a "
		"bundle file");
}

static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write data to a new file beside path, then rename it over path, so a
 * reader never sees half a bundle file. */
static int replace_file(const char *path, const char *data, size_t len)
{
	char *tmp;
	int fd, ok;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -1;
	fd = mkstemp(tmp);
	ok = fd >= 0 && fchmod(fd, 0644) == 0 && write_all(fd, data, len) == 0 &&
		fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok && fd >= 0) {
		int saved = errno;

		unlink(tmp);
		errno = saved;
	}
	free(tmp);
	return ok ? 0 : -1;
}

int cr_crb_write(cr_ctx *ctx, const char *path, const cJSON *manifest,
	const cr_bundle_file *files, size_t count)
{
	char *data = NULL;
	size_t len;
	int rc;

	if ((rc = cr_crb_encode(&data, &len, ctx, manifest, files, count)))
		return rc;
	if (replace_file(path, data, len) != 0)
		rc = cr_error_set(ctx, CR_EIO, "cannot write %s: %s", path,
			strerror(errno));
	free(data);
	return rc;
}

/* --- reading ---------------------------------------------------------------- */

int cr_crb_read(char **out, size_t *len, cr_ctx *ctx, const char *path)
{
	return cr_user_file_read(out, len, ctx, path, CR_CRB_SIZE_MAX);
}

struct reader {
	cr_ctx *ctx;
	const char *origin;
	const unsigned char *data;
	size_t len;   /* up to the checksum */
	size_t pos;
};

static int truncated(struct reader *r, const char *what)
{
	return cr_error_set(r->ctx, CR_EBUNDLE, "%s: truncated or corrupted "
		"bundle file (%s at offset %zu runs past the end)", r->origin,
		what, r->pos);
}

static int take_u32(struct reader *r, uint32_t *v, const char *what)
{
	if (r->len - r->pos < 4)
		return truncated(r, what);
	*v = get_u32(r->data + r->pos);
	r->pos += 4;
	return CR_OK;
}

/* A length-prefixed field: *at points into the image. */
static int take_bytes(struct reader *r, const unsigned char **at,
	uint32_t *n, const char *what)
{
	int rc = take_u32(r, n, what);

	if (rc)
		return rc;
	if (r->len - r->pos < *n) {
		r->pos -= 4;
		return truncated(r, what);
	}
	*at = r->data + r->pos;
	r->pos += *n;
	return CR_OK;
}

static int read_header(struct reader *r, size_t size)
{
	uint32_t version;

	if (size < CRB_HEADER_LEN + CRB_CHECKSUM_LEN ||
	    memcmp(r->data, CRB_MAGIC, CRB_MAGIC_LEN) != 0)
		return cr_error_set(r->ctx, CR_EBUNDLE, "%s: not a crucible "
			"bundle file", r->origin);
	version = get_u32(r->data + CRB_MAGIC_LEN);
	if (version != CR_CRB_VERSION)
		return cr_error_set(r->ctx, CR_EBUNDLE, "%s: bundle file format "
			"%u is not supported (this crucible reads format %u)",
			r->origin, version, CR_CRB_VERSION);
	r->len = size - CRB_CHECKSUM_LEN;
	r->pos = CRB_HEADER_LEN;
	return CR_OK;
}

static int read_checksum(struct reader *r)
{
	unsigned char hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, r->data, r->len);
	if (memcmp(hash, r->data + r->len, sizeof hash) != 0)
		return cr_error_set(r->ctx, CR_EBUNDLE, "%s: checksum mismatch: "
			"the bundle file is truncated or corrupted", r->origin);
	return CR_OK;
}

static int read_manifest(struct reader *r, cr_crb *c)
{
	const unsigned char *text = NULL;
	uint32_t n = 0;
	int rc = take_bytes(r, &text, &n, "the manifest");

	if (rc)
		return rc;
	c->manifest = cJSON_ParseWithLength((const char *)text, n);
	if (!cJSON_IsObject(c->manifest))
		return cr_error_set(r->ctx, CR_EBUNDLE, "%s: the manifest is not "
			"a JSON object", r->origin);
	return CR_OK;
}

static int read_file(struct reader *r, cr_bundle_file *f)
{
	const unsigned char *path = NULL, *data = NULL;
	uint32_t path_len = 0, data_len = 0;
	int rc;

	if ((rc = take_bytes(r, &path, &path_len, "a file path")) ||
	    (rc = take_bytes(r, &data, &data_len, "a file")))
		return rc;
	if (path_len == 0 || path_len > CRB_PATH_MAX ||
	    memchr(path, '\0', path_len))
		return cr_error_set(r->ctx, CR_EBUNDLE, "%s: a file path is "
			"empty, too long or holds a NUL byte", r->origin);
	f->path = strndup((const char *)path, path_len);
	f->data = malloc((size_t)data_len + 1);
	if (!f->path || !f->data)
		return cr_error_set(r->ctx, CR_ENOMEM, "out of memory");
	memcpy((char *)f->data, data, data_len);
	((char *)f->data)[data_len] = '\0';
	f->len = data_len;
	return CR_OK;
}

static int read_files(struct reader *r, cr_crb *c)
{
	uint32_t count = 0;
	int rc = take_u32(r, &count, "the file count");

	if (rc)
		return rc;
	if (count > CRB_FILES_MAX || count > (r->len - r->pos) / 8)
		return cr_error_set(r->ctx, CR_EBUNDLE, "%s: the file count "
			"%u is impossible", r->origin, count);
	if (!(c->files = calloc(count ? count : 1, sizeof *c->files)))
		return cr_error_set(r->ctx, CR_ENOMEM, "out of memory");
	for (; c->count < count; c->count++)
		if ((rc = read_file(r, &c->files[c->count])) != CR_OK)
			return rc;
	if (r->pos != r->len)
		return cr_error_set(r->ctx, CR_EBUNDLE, "%s: %zu unexpected "
			"bytes after the last file", r->origin,
			r->len - r->pos);
	return CR_OK;
}

static const char *json_string(const cJSON *j, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, key));
}

/* Manifest entry e describes file f exactly. */
static bool entry_matches(const cJSON *e, const cr_bundle_file *f)
{
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(e, "size");
	const char *path = json_string(e, "path");
	const char *digest = json_string(e, "sha256");
	char want[SHA256_TEXT_LEN + 1];

	if (!path || !digest || !cJSON_IsNumber(size) ||
	    strcmp(path, f->path) != 0 || size->valuedouble != (double)f->len)
		return false;
	sha256_text(want, f->data, f->len);
	return strcmp(digest, want) == 0;
}

static int check_file(cr_ctx *ctx, const char *origin, const cr_crb *c,
	size_t i, const cJSON *entry)
{
	const cr_bundle_file *f = &c->files[i];

	if (i && strcmp(c->files[i - 1].path, f->path) >= 0)
		return cr_error_set(ctx, CR_EBUNDLE, "%s: files out of order "
			"or listed twice (%s)", origin, f->path);
	if (strcmp(f->path, "bundle.yml") != 0 &&
	    strcmp(f->path, CR_BUNDLE_SECRET_RULES) != 0 && !is_lua_path(f->path))
		return cr_error_set(ctx, CR_EBUNDLE, "%s: %s is not a bundle "
			"file (bundle.yml, " CR_BUNDLE_SECRET_RULES " or *.lua)",
			origin, f->path);
	if (is_lua_path(f->path) && f->len > 0 && f->data[0] == '\x1b')
		return cr_error_set(ctx, CR_EBUNDLE, "%s: %s is a precompiled "
			"(binary) Lua chunk; only source is loaded", origin,
			f->path);
	if (!entry_matches(entry, f))
		return cr_error_set(ctx, CR_EBUNDLE, "%s: %s does not match "
			"the manifest (path, size or sha256)", origin, f->path);
	return CR_OK;
}

static int check_manifest(cr_ctx *ctx, const char *origin, const cr_crb *c)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(c->manifest,
		"files");
	const cJSON *entry;
	const char *format = json_string(c->manifest, "format");
	size_t i = 0;
	int rc;

	if (!format || strcmp(format, CR_CRB_FORMAT) != 0)
		return cr_error_set(ctx, CR_EBUNDLE, "%s: the manifest's format "
			"is not %s", origin, CR_CRB_FORMAT);
	if (!cJSON_IsArray(list) ||
	    (size_t)cJSON_GetArraySize(list) != c->count)
		return cr_error_set(ctx, CR_EBUNDLE, "%s: the manifest does not "
			"list the %zu files of the bundle file", origin,
			c->count);
	cJSON_ArrayForEach(entry, list) {
		if ((rc = check_file(ctx, origin, c, i++, entry)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

int cr_crb_parse(cr_crb **out, cr_ctx *ctx, const char *origin,
	const void *data, size_t len)
{
	struct reader r = { .ctx = ctx, .origin = origin, .data = data };
	cr_crb *c = calloc(1, sizeof *c);
	int rc;

	*out = NULL;
	if (!c)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	if (sodium_init() < 0) {
		free(c);
		return cr_error_set(ctx, CR_EINTERNAL,
			"cannot initialise libsodium");
	}
	if ((rc = read_header(&r, len)) || (rc = read_checksum(&r)) ||
	    (rc = read_manifest(&r, c)) || (rc = read_files(&r, c)) ||
	    (rc = check_manifest(ctx, origin, c))) {
		cr_crb_free(c);
		return rc;
	}
	*out = c;
	return CR_OK;
}

void cr_crb_free(cr_crb *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++) {
		free((char *)c->files[i].path);
		free((char *)c->files[i].data);
	}
	free(c->files);
	cJSON_Delete(c->manifest);
	free(c);
}

const cJSON *cr_crb_manifest(const cr_crb *c)
{
	return c->manifest;
}

const cr_bundle_file *cr_crb_files(const cr_crb *c, size_t *count)
{
	*count = c->count;
	return c->files;
}

/* --- loading ------------------------------------------------------------------ */

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool policies_match(const cJSON *policies, const cr_bundle *b)
{
	const cJSON *p;
	size_t i = 0;

	if (!cJSON_IsArray(policies) || (size_t)cJSON_GetArraySize(policies) !=
	    cr_bundle_policy_count(b))
		return false;
	cJSON_ArrayForEach(p, policies) {
		if (!same_text(json_string(p, "module"),
			    cr_bundle_policy(b, i++)->path))
			return false;
	}
	return true;
}

/* What was loaded is what the manifest says was compiled. */
static int check_bundle(cr_ctx *ctx, const char *origin, const cr_crb *c,
	const cr_bundle *b)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(c->manifest,
		"bundle");

	if (!same_text(json_string(m, "digest"), cr_bundle_digest(b)) ||
	    !same_text(json_string(m, "name"), cr_bundle_name(b)) ||
	    !same_text(json_string(m, "version"), cr_bundle_version(b)))
		return cr_error_set(ctx, CR_EBUNDLE, "%s: the manifest's name, "
			"version or digest does not match the bundle", origin);
	if (!policies_match(cJSON_GetObjectItemCaseSensitive(c->manifest,
		    "policies"), b))
		return cr_error_set(ctx, CR_EBUNDLE, "%s: the manifest's "
			"policies do not match the bundle's modules", origin);
	return CR_OK;
}

int cr_bundle_load_crb_buffer(cr_bundle **out, cr_crb **crb, cr_ctx *ctx,
	const char *origin, const void *data, size_t len)
{
	cr_bundle *b = NULL;
	cr_crb *c = NULL;
	int rc;

	*out = NULL;
	if (crb)
		*crb = NULL;
	if ((rc = cr_crb_parse(&c, ctx, origin, data, len)) ||
	    (rc = cr_bundle_load_files(&b, ctx, origin, c->files, c->count)) ||
	    (rc = check_bundle(ctx, origin, c, b))) {
		cr_bundle_free(b);
		cr_crb_free(c);
		return rc;
	}
	*out = b;
	if (crb)
		*crb = c;
	else
		cr_crb_free(c);
	return CR_OK;
}

int cr_bundle_load_crb(cr_bundle **out, cr_ctx *ctx, const char *path)
{
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = cr_crb_read(&data, &len, ctx, path)) != CR_OK)
		return rc;
	rc = cr_bundle_load_crb_buffer(out, NULL, ctx, path, data, len);
	free(data);
	return rc;
}
