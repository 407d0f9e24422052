/*
 * bundle.c - load a policy bundle: bundle.yml and its Lua modules.
 *
 * Both ways in end in cr_bundle_load_files(): the directory loader only
 * gathers bundle.yml, the *.lua files and checklists (skipping hidden
 * entries, never following a symlink), and a bundle file hands over its
 * files, so a bundle loads, validates and digests the same way wherever
 * it comes from.  Checklists become policy modules here
 * (compiler/checklist.c); the digest covers those modules, not the YAML,
 * so a bundle file, which holds the modules, digests as its directory.  Loading checks the manifest, compiles every module in a
 * throwaway Lua state without running it, and computes the digest.  Every
 * problem found is reported at once, one "file:line: message" per line,
 * so that an author fixes a bundle in one round trip.
 *
 * bundle.yml is read into a small tree by compiler/yaml.c, which also
 * keeps the problem list and refuses aliases.
 */
#include "crucible/bundle.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <sodium.h>

#include "compiler/checklist.h"
#include "compiler/yaml.h"
#include "facts/plan.h"

#define BUNDLE_FILE_MAX (1024 * 1024) /* bytes in one bundle file */
#define BUNDLE_FILES_MAX 4096         /* files gathered from a directory */
#define BUNDLE_DEPTH_MAX 32           /* directory nesting */

#define DIGEST_PREFIX "sha256:"

struct cr_bundle {
	char *origin;
	char *name;
	char *version;
	char *description;
	char digest[sizeof(DIGEST_PREFIX) + 2 * crypto_hash_sha256_BYTES];
	cr_category_def *categories;
	size_t category_count;
	cr_module *policies;
	size_t policy_count;
	cr_module *libraries;
	size_t library_count;
	cr_module secret_rules; /* secrets.yml; path NULL when none */
	cJSON *params; /* policy id -> object of default params */
};

static char *memdup_str(const char *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, data, len);
		s[len] = '\0';
	}
	return s;
}

static char *dup_or_oom(cr_problems *p, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		p->oom = true;
	return copy;
}

/* --- bundle.yml fields --------------------------------------------------- */

static bool is_name_char(int c, bool upper)
{
	return islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-' ||
		(upper && isupper(c));
}

/* [a-z0-9._-]+, or with upper case letters too. */
static bool is_identifier(const char *s, bool upper)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_name_char((unsigned char)*s, upper))
			return false;
	return true;
}

static const char *want_identifier(cr_problems *p,
	const cr_ynode *v, const char *what)
{
	const char *s = cr_ynode_string(p, v, what);

	if (s && !is_identifier(s, false)) {
		cr_problem_at(p, v->line, "%s \"%s\" must match [a-z0-9._-]+",
			what, s);
		return NULL;
	}
	return s;
}

static void read_category_id(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_category_def *def = target;
	const char *id = want_identifier(p, v, "category id");

	if (id)
		def->id = dup_or_oom(p, id);
}

static void read_category_title(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_category_def *def = target;
	const char *title = cr_ynode_string(p, v, "category title");

	if (title)
		def->title = dup_or_oom(p, title);
}

static void read_category_weight(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_category_def *def = target;
	double weight;

	if (v->kind == CR_YSCALAR && v->plain &&
	    cr_yaml_number(&weight, v->text) && weight > 0)
		def->weight = weight;
	else
		cr_problem_at(p, v->line,
			"category weight must be a number greater than 0");
}

static const cr_yfield category_fields[] = {
	{"id", true, read_category_id},
	{"title", true, read_category_title},
	{"weight", true, read_category_weight},
};

static bool category_id_taken(const cr_bundle *b, size_t before,
	const char *id)
{
	for (size_t i = 0; i < before; i++)
		if (b->categories[i].id && strcmp(b->categories[i].id, id) == 0)
			return true;
	return false;
}

static void read_categories(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_bundle *b = target;

	if (v->kind != CR_YSEQ || v->count == 0) {
		cr_problem_at(p, v->line,
			"categories must be a non-empty list of {id, title, weight}");
		return;
	}
	b->categories = calloc(v->count, sizeof *b->categories);
	if (!b->categories) {
		p->oom = true;
		return;
	}
	b->category_count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		const cr_ynode *item = v->kids[i];
		cr_category_def *def = &b->categories[i];

		if (item->kind != CR_YMAP) {
			cr_problem_at(p, item->line,
				"a category must be a mapping of id, title and weight");
			continue;
		}
		cr_yaml_fields(def, p, item, "category", category_fields,
			sizeof category_fields / sizeof *category_fields);
		if (def->id && category_id_taken(b, i, def->id))
			cr_problem_at(p, item->line, "duplicate category id \"%s\"",
				def->id);
	}
}

static void read_params(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_bundle *b = target;

	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line,
			"params must be a mapping of policy id to params");
		return;
	}
	for (size_t i = 0; i + 1 < v->count; i += 2) {
		const cr_ynode *key = v->kids[i], *val = v->kids[i + 1];

		if (key->kind == CR_YSCALAR && !is_identifier(key->text, true))
			cr_problem_at(p, key->line,
				"policy id \"%s\" must match [A-Za-z0-9._-]+",
				key->text);
		if (val->kind != CR_YMAP)
			cr_problem_at(p, val->line,
				"the params of a policy must be a mapping");
	}
	b->params = cr_ynode_to_json(p, v);
}

static void read_name(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_bundle *b = target;
	const char *name = want_identifier(p, v, "name");

	if (name)
		b->name = dup_or_oom(p, name);
}

static void read_version(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_bundle *b = target;
	const char *version = cr_ynode_string(p, v, "version");

	if (version)
		b->version = dup_or_oom(p, version);
}

static void read_description(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_bundle *b = target;

	if (cr_ynode_is_null(v))
		return;
	if (v->kind != CR_YSCALAR)
		cr_problem_at(p, v->line, "description must be a string");
	else
		b->description = dup_or_oom(p, v->text);
}

static const cr_yfield manifest_fields[] = {
	{"name", true, read_name},
	{"version", true, read_version},
	{"description", false, read_description},
	{"categories", true, read_categories},
	{"params", false, read_params},
};

/* Returns 0 or CR_ENOMEM; problems go to p. */
static int read_manifest(cr_bundle *b, cr_problems *p,
	const cr_bundle_file *yml)
{
	cr_ynode *root;
	int err = cr_yaml_parse(&root, p, yml->data, yml->len);

	if (err)
		return err == CR_ENOMEM ? err : 0;
	if (!root || root->kind != CR_YMAP)
		cr_problem_at(p, root ? root->line : 1u,
			"the document must be a mapping of name, version, "
			"categories, ...");
	else
		cr_yaml_fields(b, p, root, "bundle.yml", manifest_fields,
			sizeof manifest_fields / sizeof *manifest_fields);
	cr_ynode_free(root);
	return 0;
}

/* --- members: which files make up the bundle ----------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A directory of policy test cases ("ci/pinned.test/", docs/
 * testing-policies.md): its fixture trees may hold .lua files that are
 * repository content, never policies. */
static bool is_test_dir(const char *name, size_t len)
{
	return len > 5 && memcmp(name + len - 5, ".test", 5) == 0;
}

static bool in_test_dir(const char *path)
{
	for (const char *slash; (slash = strchr(path, '/')); path = slash + 1) {
		if (is_test_dir(path, (size_t)(slash - path)))
			return true;
	}
	return false;
}

/* bundle.yml and the bundle's secret rules (secrets.yml, docs/secrets.md)
 * at the root, and every *.lua outside test directories; anything else
 * (READMEs, test cases) rides along unread and outside the digest. */
static bool is_member_path(const char *path)
{
	return strcmp(path, "bundle.yml") == 0 ||
		strcmp(path, CR_BUNDLE_SECRET_RULES) == 0 ||
		(ends_with(path, ".lua") && !in_test_dir(path));
}

/* Checklists are read too, but their modules are the members: a bundle
 * file holds those, so it digests the same as its directory. */
static bool is_checklist_path(const char *path)
{
	return cr_checklist_is_path(path) && !in_test_dir(path);
}

static bool is_hidden_path(const char *path)
{
	return path[0] == '.' || strstr(path, "/.") != NULL;
}

static bool is_library_path(const char *path)
{
	return strncmp(path, "lib/", 4) == 0;
}

/* Relative, '/'-separated, no empty, "." or ".." components, printable. */
static bool is_clean_path(const char *path)
{
	const char *seg = path;

	for (const char *s = path;; s++) {
		if (*s == '/' || !*s) {
			size_t n = (size_t)(s - seg);

			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
			if (!*s)
				return true;
			seg = s + 1;
		} else if ((unsigned char)*s < 0x20 || *s == '\\' ||
			   *s == 0x7f) {
			return false;
		}
	}
}

static int by_path(const void *a, const void *b)
{
	return strcmp((*(const cr_bundle_file *const *)a)->path,
		(*(const cr_bundle_file *const *)b)->path);
}

/* The files that are read: members into `members`, checklists into
 * `checklists`; returns how many members. */
static size_t select_members(const cr_bundle_file **members,
	const cr_bundle_file **checklists, size_t *nchecklists,
	cr_problems *p, const cr_bundle_file *files, size_t count)
{
	size_t n = 0;

	*nchecklists = 0;
	for (size_t i = 0; i < count; i++) {
		const cr_bundle_file *f = &files[i];
		bool checklist;

		if (!f->path || !is_clean_path(f->path)) {
			cr_problem(p, "%s: not a clean relative path",
				f->path ? f->path : "(null)");
			continue;
		}
		checklist = is_checklist_path(f->path);
		if (is_hidden_path(f->path) ||
		    (!checklist && !is_member_path(f->path)))
			continue;
		if (f->len > BUNDLE_FILE_MAX) {
			cr_problem(p, "%s: %zu bytes, larger than the %d bytes "
				"allowed for a bundle file", f->path, f->len,
				BUNDLE_FILE_MAX);
			continue;
		}
		if (checklist)
			checklists[(*nchecklists)++] = f;
		else
			members[n++] = f;
	}
	return n;
}

/* Sort the members by path; a path given twice is a problem. */
static void sort_members(const cr_bundle_file **members, size_t n,
	cr_problems *p)
{
	qsort(members, n, sizeof *members, by_path);
	for (size_t i = 1; i < n; i++)
		if (strcmp(members[i - 1]->path, members[i]->path) == 0)
			cr_problem(p, "%s: listed twice", members[i]->path);
}

/* --- modules ------------------------------------------------------------- */

static int module_copy(cr_module *m, const cr_bundle_file *f)
{
	char *path = strdup(f->path);
	char *source = memdup_str(f->data, f->len);

	if (!path || !source) {
		free(path);
		free(source);
		return CR_ENOMEM;
	}
	m->path = path;
	m->source = source;
	m->len = f->len;
	return 0;
}

static void module_release(cr_module *m)
{
	free((char *)m->path);
	free((char *)m->source);
}

static int add_modules(cr_bundle *b, const cr_bundle_file *const *members,
	size_t n)
{
	b->policies = calloc(n ? n : 1, sizeof *b->policies);
	b->libraries = calloc(n ? n : 1, sizeof *b->libraries);
	if (!b->policies || !b->libraries)
		return CR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const cr_bundle_file *f = members[i];
		int err;

		if (strcmp(f->path, CR_BUNDLE_SECRET_RULES) == 0) {
			if ((err = module_copy(&b->secret_rules, f)))
				return err;
			continue;
		}
		if (!ends_with(f->path, ".lua"))
			continue;
		if (is_library_path(f->path))
			err = module_copy(&b->libraries[b->library_count++], f);
		else
			err = module_copy(&b->policies[b->policy_count++], f);
		if (err)
			return err;
	}
	return 0;
}

/* Compile (never run) one module so that syntax errors surface now, with
 * the chunk name the sandbox will use. */
static void check_module(lua_State *L, cr_problems *p, const char *name,
	const cr_module *m)
{
	char *chunk;

	if (asprintf(&chunk, "=%s%s%s", name ? name : "", name ? "/" : "",
		    m->path) < 0) {
		p->oom = true;
		return;
	}
	if (m->len > 0 && m->source[0] == LUA_SIGNATURE[0]) {
		cr_problem(p, "%s: precompiled (binary) chunks are not allowed; "
			"ship Lua source", chunk + 1);
	} else if (luaL_loadbufferx(L, m->source, m->len, chunk, "t") !=
		   LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		cr_problem(p, "%s", msg ? msg : "cannot compile module");
	}
	lua_settop(L, 0);
	free(chunk);
}

static int check_modules(const cr_bundle *b, cr_problems *p)
{
	lua_State *L = luaL_newstate();

	if (!L)
		return CR_ENOMEM;
	for (size_t i = 0; i < b->policy_count; i++)
		check_module(L, p, b->name, &b->policies[i]);
	for (size_t i = 0; i < b->library_count; i++)
		check_module(L, p, b->name, &b->libraries[i]);
	lua_close(L);
	return 0;
}

/* --- digest -------------------------------------------------------------- */

static int compute_digest(cr_bundle *b, const cr_bundle_file *const *members,
	size_t n)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;

	if (sodium_init() < 0)
		return CR_EINTERNAL;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++) {
		const cr_bundle_file *f = members[i];
		char len[24];
		int k = snprintf(len, sizeof len, "%zu", f->len);

		crypto_hash_sha256_update(&st, (const unsigned char *)f->path,
			strlen(f->path) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)len,
			(size_t)k + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)f->data,
			f->len);
	}
	crypto_hash_sha256_final(&st, hash);
	memcpy(b->digest, DIGEST_PREFIX, sizeof(DIGEST_PREFIX) - 1);
	sodium_bin2hex(b->digest + sizeof(DIGEST_PREFIX) - 1,
		sizeof b->digest - (sizeof(DIGEST_PREFIX) - 1), hash,
		sizeof hash);
	return 0;
}

/* --- loading ------------------------------------------------------------- */

static const cr_bundle_file *find_member(const cr_bundle_file *const *members,
	size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(members[i]->path, path) == 0)
			return members[i];
	return NULL;
}

/* The modules of every checklist, appended to *generated; their
 * problems go to p. */
static int generate(cr_bundle_file **generated, size_t *ngenerated,
	cr_problems *p, const cr_bundle *b,
	const cr_bundle_file *const *checklists, size_t n)
{
	int err = 0;

	for (size_t i = 0; !err && i < n; i++)
		err = cr_checklist_generate(generated, ngenerated, p,
			checklists[i], b);
	return err;
}

static void generated_free(cr_bundle_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)files[i].path);
		free((char *)files[i].data);
	}
	free(files);
}

/* Everything but the final verdict: returns 0 or CR_ENOMEM/CR_EINTERNAL,
 * with the bundle's problems in p.  The checklists' modules join the
 * members once bundle.yml has been read, so that their categories can be
 * checked. */
static int load_members(cr_bundle *b, cr_problems *p,
	const cr_bundle_file *files, size_t count)
{
	const cr_bundle_file **members = calloc(count + 1, sizeof *members);
	const cr_bundle_file **checklists = calloc(count + 1,
		sizeof *checklists), **grown;
	const cr_bundle_file *yml;
	cr_bundle_file *generated = NULL;
	size_t ngenerated = 0, nchecklists, n;
	int err = CR_ENOMEM;

	if (!members || !checklists)
		goto done;
	n = select_members(members, checklists, &nchecklists, p, files, count);
	yml = find_member(members, n, "bundle.yml");
	if (!yml)
		cr_problem(p, "%s: no bundle.yml", b->origin);
	else if ((err = read_manifest(b, p, yml)) != 0)
		goto done;
	if ((err = generate(&generated, &ngenerated, p, b, checklists,
		     nchecklists)) != 0)
		goto done;
	err = CR_ENOMEM;
	if (!(grown = realloc(members, (n + ngenerated + 1) *
		      sizeof *members)))
		goto done;
	members = grown;
	for (size_t i = 0; i < ngenerated; i++)
		members[n++] = &generated[i];
	sort_members(members, n, p);
	if ((err = add_modules(b, members, n)) != 0 ||
	    (err = check_modules(b, p)) != 0)
		goto done;
	if (b->policy_count == 0)
		cr_problem(p, "%s: no policy modules (*.lua outside lib/)",
			b->origin);
	err = compute_digest(b, members, n);
done:
	generated_free(generated, ngenerated);
	free(checklists);
	free(members);
	return err;
}

int cr_bundle_load_files(cr_bundle **out, cr_ctx *ctx, const char *origin,
	const cr_bundle_file *files, size_t count)
{
	cr_problems p = {.file = "bundle.yml"};
	cr_bundle *b = calloc(1, sizeof *b);
	int err = CR_ENOMEM;

	*out = NULL;
	if (!b || !(b->origin = strdup(origin)))
		goto done;
	err = load_members(b, &p, files, count);
	if (!err && p.oom)
		err = CR_ENOMEM;
	if (!err && p.count)
		err = cr_problems_report(&p, ctx, CR_EBUNDLE);
done:
	if (err == CR_ENOMEM)
		cr_error_set(ctx, err, "out of memory loading bundle %s", origin);
	else if (err == CR_EINTERNAL)
		cr_error_set(ctx, err, "cannot initialise libsodium");
	if (err)
		cr_bundle_free(b);
	else
		*out = b;
	cr_problems_release(&p);
	return err;
}

/* --- loading from a directory -------------------------------------------- */

/* The files gathered from a bundle directory; paths and data are owned. */
struct gather {
	cr_ctx *ctx;
	const char *root;
	cr_bundle_file *files;
	size_t count;
	size_t cap;
};

static void gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->count; i++) {
		free((char *)g->files[i].path);
		free((char *)g->files[i].data);
	}
	free(g->files);
}

static int gather_io_error(struct gather *g, const char *path)
{
	return cr_error_set(g->ctx, CR_EIO, "cannot read %s/%s: %s", g->root,
		path, strerror(errno));
}

/* Read an open regular file of `size` bytes; the buffer gets a NUL. */
static int read_exactly(char **out, int fd, size_t size)
{
	char *buf = malloc(size + 1);
	size_t got = 0;
	ssize_t n = 0;

	if (!buf)
		return CR_ENOMEM;
	while (got <= size) {
		n = read(fd, buf + got, size + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (n < 0 || got != size) {
		free(buf);
		if (n >= 0)
			errno = EAGAIN; /* the file changed while we read it */
		return CR_EIO;
	}
	buf[size] = '\0';
	*out = buf;
	return 0;
}

static int gather_push(struct gather *g, const char *path, char *data,
	size_t len)
{
	cr_bundle_file *f;

	if (g->count == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 32;

		f = realloc(g->files, cap * sizeof *f);
		if (!f)
			return CR_ENOMEM;
		g->files = f;
		g->cap = cap;
	}
	f = &g->files[g->count];
	f->path = strdup(path);
	if (!f->path)
		return CR_ENOMEM;
	f->data = data;
	f->len = len;
	g->count++;
	return 0;
}

static int gather_file(struct gather *g, int dirfd, const char *name,
	const char *path)
{
	char *data = NULL;
	struct stat st;
	int err = 0, fd;

	if (g->count == BUNDLE_FILES_MAX)
		return cr_error_set(g->ctx, CR_EBUNDLE,
			"%s: more than %d bundle files", g->root,
			BUNDLE_FILES_MAX);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		err = gather_io_error(g, path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: not a regular file", g->root, path);
		goto done;
	}
	if (st.st_size > BUNDLE_FILE_MAX) {
		err = cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: %lld bytes, larger than the %d bytes allowed "
			"for a bundle file", g->root, path,
			(long long)st.st_size, BUNDLE_FILE_MAX);
		goto done;
	}
	err = read_exactly(&data, fd, (size_t)st.st_size);
	if (err == CR_EIO)
		err = gather_io_error(g, path);
	else if (!err && (err = gather_push(g, path, data,
				  (size_t)st.st_size)) != 0)
		free(data);
done:
	if (fd >= 0)
		close(fd);
	return err;
}

static int gather_dir(struct gather *g, int fd, const char *rel,
	unsigned depth);

static int gather_subdir(struct gather *g, int dirfd, const char *name,
	const char *path, unsigned depth)
{
	int fd;

	if (depth > BUNDLE_DEPTH_MAX)
		return cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: directories nested more than %d deep", g->root,
			path, BUNDLE_DEPTH_MAX);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		O_CLOEXEC);
	if (fd < 0)
		return gather_io_error(g, path);
	return gather_dir(g, fd, path, depth);
}

static int gather_entry(struct gather *g, int dirfd, const char *rel,
	const char *name, unsigned depth)
{
	struct stat st;
	char *path;
	int err = 0;

	if (asprintf(&path, "%s%s%s", rel, *rel ? "/" : "", name) < 0)
		return CR_ENOMEM;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		err = gather_io_error(g, path);
	else if (S_ISDIR(st.st_mode) && is_test_dir(name, strlen(name)))
		err = 0;
	else if (S_ISDIR(st.st_mode))
		err = gather_subdir(g, dirfd, name, path, depth + 1);
	else if (!is_member_path(path) && !is_checklist_path(path))
		err = 0;
	else if (S_ISLNK(st.st_mode))
		err = cr_error_set(g->ctx, CR_EBUNDLE,
			"%s/%s: a symbolic link; bundle files must be "
			"regular files", g->root, path);
	else
		err = gather_file(g, dirfd, name, path);
	free(path);
	return err;
}

/* Walk the directory open at fd (taken over and closed). */
static int gather_dir(struct gather *g, int fd, const char *rel,
	unsigned depth)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	int err = 0;

	if (!dir) {
		err = gather_io_error(g, *rel ? rel : ".");
		close(fd);
		return err;
	}
	while (!err) {
		errno = 0;
		e = readdir(dir);
		if (!e) {
			if (errno)
				err = gather_io_error(g, *rel ? rel : ".");
			break;
		}
		if (e->d_name[0] != '.')
			err = gather_entry(g, dirfd(dir), rel, e->d_name,
				depth);
	}
	closedir(dir);
	return err;
}

int cr_bundle_load_dir(cr_bundle **out, cr_ctx *ctx, const char *dir)
{
	struct gather g = {.ctx = ctx, .root = dir};
	int err, fd;

	*out = NULL;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cr_error_set(ctx, CR_EIO,
			"cannot open bundle directory %s: %s", dir,
			strerror(errno));
	err = gather_dir(&g, fd, "", 0);
	if (err == CR_ENOMEM)
		cr_error_set(ctx, err, "out of memory reading bundle %s", dir);
	else if (!err)
		err = cr_bundle_load_files(out, ctx, dir, g.files, g.count);
	gather_free(&g);
	return err;
}

/* --- accessors ----------------------------------------------------------- */

void cr_bundle_free(cr_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->category_count; i++) {
		free((char *)b->categories[i].id);
		free((char *)b->categories[i].title);
	}
	free(b->categories);
	for (size_t i = 0; i < b->policy_count; i++)
		module_release(&b->policies[i]);
	free(b->policies);
	for (size_t i = 0; i < b->library_count; i++)
		module_release(&b->libraries[i]);
	free(b->libraries);
	module_release(&b->secret_rules);
	cJSON_Delete(b->params);
	free(b->origin);
	free(b->name);
	free(b->version);
	free(b->description);
	free(b);
}

const char *cr_bundle_name(const cr_bundle *b)
{
	return b->name;
}

const char *cr_bundle_version(const cr_bundle *b)
{
	return b->version;
}

const char *cr_bundle_description(const cr_bundle *b)
{
	return b->description;
}

const char *cr_bundle_origin(const cr_bundle *b)
{
	return b->origin;
}

const cr_module *cr_bundle_secret_rules(const cr_bundle *b)
{
	return b->secret_rules.path ? &b->secret_rules : NULL;
}

const char *cr_bundle_digest(const cr_bundle *b)
{
	return b->digest;
}

size_t cr_bundle_category_count(const cr_bundle *b)
{
	return b->category_count;
}

const cr_category_def *cr_bundle_category(const cr_bundle *b, size_t i)
{
	return i < b->category_count ? &b->categories[i] : NULL;
}

const cr_category_def *cr_bundle_find_category(const cr_bundle *b,
	const char *id)
{
	for (size_t i = 0; i < b->category_count; i++)
		if (strcmp(b->categories[i].id, id) == 0)
			return &b->categories[i];
	return NULL;
}

size_t cr_bundle_policy_count(const cr_bundle *b)
{
	return b->policy_count;
}

const cr_module *cr_bundle_policy(const cr_bundle *b, size_t i)
{
	return i < b->policy_count ? &b->policies[i] : NULL;
}

size_t cr_bundle_library_count(const cr_bundle *b)
{
	return b->library_count;
}

const cr_module *cr_bundle_library_at(const cr_bundle *b, size_t i)
{
	return i < b->library_count ? &b->libraries[i] : NULL;
}

/* Does `path` name the library module `name` ("a.b" <-> "lib/a/b.lua")?
 * Compared in place: a require() must not allocate. */
static bool library_path_matches(const char *path, const char *name)
{
	if (!is_library_path(path))
		return false;
	path += 4;
	for (; *name; name++, path++)
		if (*path != (*name == '.' ? '/' : *name))
			return false;
	return strcmp(path, ".lua") == 0;
}

/* Dot-separated segments of [A-Za-z0-9_-]. */
static bool is_library_name(const char *name)
{
	bool segment_start = true;

	for (; *name; name++) {
		if (*name == '.') {
			if (segment_start)
				return false;
			segment_start = true;
		} else if (isalnum((unsigned char)*name) || *name == '_' ||
			   *name == '-') {
			segment_start = false;
		} else {
			return false;
		}
	}
	return !segment_start;
}

const cr_module *cr_bundle_library(const cr_bundle *b, const char *name)
{
	if (!is_library_name(name))
		return NULL;
	for (size_t i = 0; i < b->library_count; i++)
		if (library_path_matches(b->libraries[i].path, name))
			return &b->libraries[i];
	return NULL;
}

const cJSON *cr_bundle_params(const cr_bundle *b, const char *policy_id)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(b->params,
		policy_id);

	return cJSON_IsObject(params) ? params : NULL;
}

static int override_key(cJSON *into, const cJSON *item)
{
	cJSON *copy = cJSON_Duplicate(item, true);

	if (!copy)
		return CR_ENOMEM;
	if (!(cJSON_GetObjectItemCaseSensitive(into, item->string) ?
		    cJSON_ReplaceItemInObjectCaseSensitive(into, item->string,
			    copy) :
		    cJSON_AddItemToObject(into, item->string, copy))) {
		cJSON_Delete(copy);
		return CR_ENOMEM;
	}
	return 0;
}

/* The params object of policy_id, created (with the top-level params
 * object) when bundle.yml has none. */
static cJSON *params_of(cr_bundle *b, const char *policy_id)
{
	cJSON *params;

	if (!b->params && !(b->params = cJSON_CreateObject()))
		return NULL;
	params = cJSON_GetObjectItemCaseSensitive(b->params, policy_id);
	if (cJSON_IsObject(params))
		return params;
	params = cJSON_CreateObject();
	if (params && !cJSON_AddItemToObject(b->params, policy_id, params)) {
		cJSON_Delete(params);
		return NULL;
	}
	return params;
}

int cr_bundle_override_params(cr_bundle *b, cr_ctx *ctx,
	const char *policy_id, const cJSON *params)
{
	cJSON *into;

	if (!policy_id || !cJSON_IsObject(params))
		return cr_error_set(ctx, CR_EINVAL,
			"the params of a policy must be an object");
	if (!(into = params_of(b, policy_id)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	for (const cJSON *item = params->child; item; item = item->next)
		if (override_key(into, item) != 0)
			return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	return 0;
}
