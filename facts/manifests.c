/*
 * manifests.c - the manifests collector: which file goes to which parser,
 * the node shapes every parser produces (facts/manifests.h), and the
 * pairing of lockfiles with manifests once everything is parsed.
 *
 * Parsers run file by file and cannot know yet which lockfile pins a
 * manifest (a workspace root's lockfile may come after its members in the
 * inventory), so declared and locked packages are also kept here, in
 * arrays and hash maps, until cr_manifests_finish() pairs them: a lockfile
 * pins the manifests of its directory, then the workspace members its
 * entries name (importers) or its root manifest's patterns match.  Each
 * direct dependency then gets its locked version, and every other locked
 * package becomes a transitive dependency of the manifest that resolves
 * it.  Everything is linear in the number of files and packages.
 */
#include "facts/manifests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "crucible/glob.h"

#define ARENA_CHUNK (64 * 1024)

/* --- strings ------------------------------------------------------------- */

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

static void *arena_alloc(struct chunk **head, size_t len)
{
	struct chunk *c = *head;
	size_t at = c ? (c->used + 7) & ~(size_t)7 : 0;

	if (!c || at + len > c->size) {
		size_t size = len > ARENA_CHUNK ? len : ARENA_CHUNK;

		/* data[] follows three words: 8-aligned like malloc's. */
		if (!(c = malloc(sizeof *c + size)))
			return NULL;
		c->next = *head;
		c->size = size;
		*head = c;
		at = 0;
	}
	c->used = at + len;
	return c->data + at;
}

static const char *arena_strndup(struct chunk **head, const char *s,
	size_t len)
{
	char *p = arena_alloc(head, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static void chunks_free(struct chunk **head)
{
	while (*head) {
		struct chunk *next = (*head)->next;

		free(*head);
		*head = next;
	}
}

/* --- hash maps of byte strings to 1-based indexes ------------------------ */

/* 16 bytes: the maps of a large repository hold hundreds of thousands of
 * keys, and their slots were a good share of the collector's page faults.
 * A key's length sits in the arena just before it (key_len()). */
struct slot {
	const char *key;
	uint32_t hash;
	uint32_t value;
};

struct map {
	struct slot *slots;
	size_t cap, count;
};

static uint32_t hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	/* FNV leaves the low bits, which pick the slot, poorly mixed for
	 * keys that differ only at the end ("p1", "p2"): mix them in. */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static uint32_t key_len(const char *key)
{
	uint32_t len;

	memcpy(&len, key - sizeof len, sizeof len);
	return len;
}

/* A copy of key[0..len) behind its length. */
static const char *key_copy(struct chunk **arena, const char *key,
	uint32_t len)
{
	char *p = arena_alloc(arena, sizeof len + len);

	if (!p)
		return NULL;
	memcpy(p, &len, sizeof len);
	memcpy(p + sizeof len, key, len);
	return p + sizeof len;
}

static int map_grow(struct map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	struct slot *slots = calloc(cap, sizeof *slots);

	if (!slots)
		return CR_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		struct slot *s = &m->slots[i];
		size_t j;

		if (!s->key)
			continue;
		for (j = s->hash & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return CR_OK;
}

/* The slot of `key`, or the free slot where it goes (key NULL). */
static struct slot *map_slot(const struct map *m, const char *key,
	size_t len, uint32_t hash)
{
	size_t j;

	if (!m->cap)
		return NULL;
	for (j = hash & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		struct slot *s = &m->slots[j];

		if (s->hash == hash && key_len(s->key) == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
	}
	return &m->slots[j];
}

static uint32_t map_get(const struct map *m, const char *key, size_t len)
{
	struct slot *s = map_slot(m, key, len, hash_bytes(key, len));

	return s && s->key ? s->value : 0;
}

/* Point *value at the value of `key`, adding it (value 0) when new. */
static int map_put(uint32_t **value, struct map *m, struct chunk **arena,
	const char *key, size_t len)
{
	uint32_t hash = hash_bytes(key, len);
	struct slot *s;

	if (len >= UINT32_MAX)
		return CR_ELIMIT;
	/* At most half full: most puts add a key, and a miss under linear
	 * probing gets expensive past that on tables of 100,000 keys. */
	if ((m->count + 1) * 2 > m->cap && map_grow(m) != CR_OK)
		return CR_ENOMEM;
	s = map_slot(m, key, len, hash);
	if (!s->key) {
		if (!(s->key = key_copy(arena, key, (uint32_t)len)))
			return CR_ENOMEM;
		s->hash = hash;
		m->count++;
	}
	*value = &s->value;
	return CR_OK;
}

/* --- the collector's state ----------------------------------------------- */

struct ms_format {
	const char *name;                       /* file name, or NULL */
	bool (*match)(const cr_source_file *f); /* when name is NULL */
	cr_manifest_parser parse;
	const char *pins; /* lockfiles: the manifest names they pin */
};

struct ms_pattern {
	const char *text;
	struct ms_pattern *next;
};

struct ms_manifest {
	cr_node_id node;
	const cr_source_file *f;
	const char *ecosystem;
	size_t dirlen;
	uint32_t lock;             /* 1-based, 0 while unpaired */
	const char *importer;      /* relative to the lockfile's directory */
	struct ms_pattern *patterns;
	uint32_t next_in_dir, next_owner;
};

struct ms_dep {
	uint32_t manifest;         /* 1-based */
	cr_node_id node;
	const char *name, *constraint;
	bool prod;
};

struct ms_lock {
	cr_node_id node;
	const cr_source_file *f;
	const char *ecosystem;
	const struct ms_format *fmt;
	size_t dirlen;
	uint32_t packages;
	struct ms_pattern *importers;
};

struct ms_pkg {
	uint32_t lock;             /* 1-based */
	cr_locked p;               /* strings in the arena */
	uint32_t next_same;        /* same lockfile, importer and name */
	bool claimed;              /* what a manifest's direct dependency is */
};

struct cr_manifests {
	cr_collect *c;
	struct chunk *arena;
	struct ms_manifest *manifests;
	size_t nmanifests, manifests_cap;
	struct ms_dep *deps;
	size_t ndeps, deps_cap;
	struct ms_lock *locks;
	size_t nlocks, locks_cap;
	struct ms_pkg *pkgs;
	size_t npkgs, pkgs_cap;
	struct map dep_names;      /* manifest, name -> dep */
	/* The maps of one lockfile at a time in cr_manifests_finish(), with
	 * their keys in their own arena: small enough to stay in cache. */
	struct map reported;       /* manifest, name, version */
	struct map pkg_names;      /* lock, importer, name -> first pkg */
	struct chunk *lock_arena;
	struct map dirs;           /* directory -> first manifest */
	struct map owners;         /* lock, importer -> first manifest */
	struct map files;          /* path -> inventory file, on demand */
	char *key;                 /* scratch for composite keys */
	size_t key_cap;
};

static int grow(void **items, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p;

	if (need <= *cap)
		return CR_OK;
	if (!(p = realloc(*items, ncap * elem)))
		return CR_ENOMEM;
	*items = p;
	*cap = ncap;
	return CR_OK;
}

#define GROW(ms, arr) \
	grow((void **)&(ms)->arr, &(ms)->arr##_cap, (ms)->n##arr + 1, \
		sizeof *(ms)->arr)

static int oom(cr_manifests *ms)
{
	return cr_error_set(ms->c->ctx, CR_ENOMEM, "out of memory");
}

int cr_manifests_fail(cr_manifests *ms, int rc)
{
	if (rc == CR_OK)
		return CR_OK;
	return rc == CR_ENOMEM ? oom(ms) : cr_error_set(ms->c->ctx, rc,
		"cannot add a manifest fact to the graph");
}

static int graph_failed(cr_manifests *ms, int rc, const char *what)
{
	return cr_error_set(ms->c->ctx, rc, "cannot add %s to the fact graph",
		what);
}

static const char *keep(cr_manifests *ms, const char *s)
{
	return s ? arena_strndup(&ms->arena, s, strlen(s)) : NULL;
}

/* A composite key: a 1-based index, then NUL-separated strings (up to
 * three, NULL ones left out) in ms->key; returns its length or 0 when
 * memory runs out. */
static size_t key_of(cr_manifests *ms, uint32_t index, const char *a,
	const char *b, const char *c)
{
	const char *parts[] = { a, b, c };
	size_t need = sizeof index, len = sizeof index;

	for (size_t i = 0; i < 3; i++)
		need += parts[i] ? strlen(parts[i]) + 1 : 0;
	if (need > ms->key_cap) {
		char *p = realloc(ms->key, need);

		if (!p)
			return 0;
		ms->key = p;
		ms->key_cap = need;
	}
	memcpy(ms->key, &index, sizeof index);
	for (size_t i = 0; i < 3; i++) {
		if (!parts[i])
			continue;
		memcpy(ms->key + len, parts[i], strlen(parts[i]) + 1);
		len += strlen(parts[i]) + 1;
	}
	return len;
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

/* Manifests and lockfiles come in node order, so a node finds its record
 * by binary search over records of `size` bytes whose first member is
 * their node: the index, or -1. */
static ssize_t find_node(const void *records, size_t n, size_t size,
	cr_node_id id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		cr_node_id at = *(const cr_node_id *)
			((const char *)records + mid * size);

		if (at == id)
			return (ssize_t)mid;
		if (at < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static struct ms_manifest *manifest_of(cr_manifests *ms, cr_node_id id)
{
	ssize_t i = find_node(ms->manifests, ms->nmanifests,
		sizeof *ms->manifests, id);

	return i < 0 ? NULL : &ms->manifests[i];
}

static struct ms_lock *lock_of(cr_manifests *ms, cr_node_id id)
{
	ssize_t i = find_node(ms->locks, ms->nlocks, sizeof *ms->locks, id);

	return i < 0 ? NULL : &ms->locks[i];
}

cr_collect *cr_manifests_collector(cr_manifests *ms)
{
	return ms->c;
}

/* --- the files ----------------------------------------------------------- */

static bool is_requirements(const cr_source_file *f)
{
	size_t n = strlen(f->name), dl = dir_len(f->path);

	if (n < 4 || strcmp(f->name + n - 4, ".txt") != 0)
		return false;
	if (strncmp(f->name, "requirements", 12) == 0 ||
	    (n >= 16 && strcmp(f->name + n - 16, "requirements.txt") == 0))
		return true;
	/* requirements/base.txt */
	return dl >= 12 && strncmp(f->path + dl - 12, "requirements", 12) == 0 &&
		(dl == 12 || f->path[dl - 13] == '/');
}

static const struct ms_format formats[] = {
	{ "package.json", NULL, cr_parse_package_json, NULL },
	{ "package-lock.json", NULL, cr_parse_package_lock, "package.json" },
	{ "npm-shrinkwrap.json", NULL, cr_parse_package_lock, "package.json" },
	{ "yarn.lock", NULL, cr_parse_yarn_lock, "package.json" },
	{ "pnpm-lock.yaml", NULL, cr_parse_pnpm_lock, "package.json" },
	{ NULL, is_requirements, cr_parse_requirements, NULL },
	{ "pyproject.toml", NULL, cr_parse_pyproject, NULL },
	{ "Pipfile", NULL, cr_parse_pipfile, NULL },
	{ "Pipfile.lock", NULL, cr_parse_pipfile_lock, "Pipfile" },
	{ "poetry.lock", NULL, cr_parse_poetry_lock, "pyproject.toml" },
	{ "go.mod", NULL, cr_parse_go_mod, NULL },
	{ "go.sum", NULL, cr_parse_go_sum, "go.mod" },
	{ "Cargo.toml", NULL, cr_parse_cargo_toml, NULL },
	{ "Cargo.lock", NULL, cr_parse_cargo_lock, "Cargo.toml" },
	{ "pom.xml", NULL, cr_parse_pom_xml, NULL },
	{ "build.gradle", NULL, cr_parse_gradle, NULL },
	{ "build.gradle.kts", NULL, cr_parse_gradle, NULL },
	{ "Gemfile", NULL, cr_parse_gemfile, NULL },
	{ "gems.rb", NULL, cr_parse_gemfile, NULL },
	{ "Gemfile.lock", NULL, cr_parse_gemfile_lock, "Gemfile gems.rb" },
	{ "composer.json", NULL, cr_parse_composer_json, NULL },
	{ "composer.lock", NULL, cr_parse_composer_lock, "composer.json" },
};

static const struct ms_format *format_of(const cr_source_file *f)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		const struct ms_format *fmt = &formats[i];

		if (fmt->name ? strcmp(fmt->name, f->name) == 0 : fmt->match(f))
			return fmt;
	}
	return NULL;
}

/* Whether a space-separated list of names holds `name`. */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (strncmp(p, name, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* Someone else's packages: installed dependencies and vendored code. */
static bool is_vendored(const char *path)
{
	static const char *const dirs[] = { "node_modules/", "vendor/" };

	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		for (const char *p = path; (p = strstr(p, dirs[i])); p++)
			if (p == path || p[-1] == '/')
				return true;
	return false;
}

const cr_source_file *cr_manifests_file(cr_manifests *ms, const char *path)
{
	uint32_t i, *slot;

	if (!ms->files.count) {
		for (size_t k = 0; k < ms->c->nfiles; k++) {
			const char *p = ms->c->files[k].path;

			if (map_put(&slot, &ms->files, &ms->arena, p,
					strlen(p)) != CR_OK)
				return NULL;
			if (!*slot)
				*slot = (uint32_t)k + 1;
		}
	}
	i = map_get(&ms->files, path, strlen(path));
	return i ? &ms->c->files[i - 1] : NULL;
}

/* --- what parsers call --------------------------------------------------- */

int cr_manifest_add(cr_node_id *out, cr_manifests *ms,
	const cr_source_file *f, const char *ecosystem)
{
	cr_graph *g = ms->c->g;
	struct ms_manifest *m;
	uint32_t *first;
	size_t dl = dir_len(f->path);
	int rc;

	if (GROW(ms, manifests) != CR_OK ||
	    map_put(&first, &ms->dirs, &ms->arena, f->path, dl) != CR_OK)
		return oom(ms);
	m = &ms->manifests[ms->nmanifests];
	*m = (struct ms_manifest){ .f = f, .dirlen = dl,
		.ecosystem = keep(ms, ecosystem), .next_in_dir = *first };
	if (!m->ecosystem)
		return oom(ms);
	if ((rc = cr_collect_node(out, ms->c, "manifest", f, f->path, 1)) != CR_OK)
		return rc;
	if ((rc = cr_graph_set_str(g, *out, "ecosystem", ecosystem)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *out, "file", f->name)) != CR_OK)
		return graph_failed(ms, rc, "a manifest");
	m->node = *out;
	*first = (uint32_t)++ms->nmanifests;
	return CR_OK;
}

int cr_manifest_workspace(cr_manifests *ms, cr_node_id manifest,
	const char *pattern)
{
	struct ms_manifest *m = manifest_of(ms, manifest);
	struct ms_pattern *p;
	int rc;

	if (!m)
		return cr_error_set(ms->c->ctx, CR_EINVAL, "not a manifest node");
	if ((rc = cr_graph_list_push(ms->c->g, manifest, "workspaces",
			pattern)) != CR_OK)
		return graph_failed(ms, rc, "a workspace");
	if (!(p = arena_alloc(&ms->arena, sizeof *p)) ||
	    !(p->text = keep(ms, pattern)))
		return oom(ms);
	p->next = m->patterns;
	m->patterns = p;
	return CR_OK;
}

static bool is_prod(const char *scope)
{
	return !scope || strcmp(scope, "prod") == 0;
}

/* The dependency node's attributes and edges common to declared and
 * locked ones. */
static int dep_node(cr_node_id *out, cr_manifests *ms,
	const struct ms_manifest *m, const cr_source_file *f, uint32_t line,
	const char *name, const char *constraint, const char *scope,
	bool direct)
{
	cr_graph *g = ms->c->g;
	int rc;

	if ((rc = cr_collect_node(out, ms->c, "dependency", f, f->path,
			line)) != CR_OK)
		return rc;
	if ((rc = cr_graph_set_str(g, *out, "ecosystem", m->ecosystem)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *out, "name", name)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *out, "constraint",
		     constraint ? constraint : "")) != CR_OK ||
	    (rc = cr_graph_set_str(g, *out, "scope",
		     scope ? scope : "prod")) != CR_OK ||
	    (rc = cr_graph_set_bool(g, *out, "direct", direct)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *out, "manifest_path", m->f->path)) != CR_OK ||
	    (rc = cr_graph_link(g, m->node, "dependencies", *out)) != CR_OK ||
	    (rc = cr_graph_link(g, *out, "manifest", m->node)) != CR_OK)
		return graph_failed(ms, rc, "a dependency");
	return cr_collect_note_dep(ms->c, *out, m->ecosystem, name);
}

int cr_manifest_dep_in(cr_node_id *out, cr_manifests *ms,
	cr_node_id manifest, const cr_source_file *f, const char *name,
	const char *constraint, const char *scope, uint32_t line)
{
	struct ms_manifest *m = manifest_of(ms, manifest);
	uint32_t mi, *slot;
	struct ms_dep *d;
	size_t klen;
	int rc;

	*out = 0;
	if (!m)
		return cr_error_set(ms->c->ctx, CR_EINVAL, "not a manifest node");
	mi = (uint32_t)(m - ms->manifests) + 1;
	if (!(klen = key_of(ms, mi, name, NULL, NULL)) ||
	    map_put(&slot, &ms->dep_names, &ms->arena, ms->key, klen) != CR_OK)
		return oom(ms);
	if (*slot) {
		d = &ms->deps[*slot - 1];
		*out = d->node;
		if (d->prod || !is_prod(scope))
			return CR_OK;
		d->prod = true;
		rc = cr_graph_set_str(ms->c->g, d->node, "scope", "prod");
		return rc == CR_OK ? CR_OK : graph_failed(ms, rc, "a scope");
	}
	if (GROW(ms, deps) != CR_OK)
		return oom(ms);
	if ((rc = dep_node(out, ms, m, f, line, name, constraint, scope,
			true)) != CR_OK)
		return rc;
	d = &ms->deps[ms->ndeps];
	*d = (struct ms_dep){ .manifest = mi, .node = *out,
		.name = keep(ms, name), .constraint = keep(ms, constraint),
		.prod = is_prod(scope) };
	if (!d->name || (constraint && !d->constraint))
		return oom(ms);
	*slot = (uint32_t)++ms->ndeps;
	return CR_OK;
}

cr_node_id cr_manifest_declared(cr_manifests *ms, cr_node_id manifest,
	const char *name)
{
	struct ms_manifest *m = manifest_of(ms, manifest);
	size_t klen;
	uint32_t d;

	if (!m || !(klen = key_of(ms, (uint32_t)(m - ms->manifests) + 1, name,
			NULL, NULL)))
		return 0;
	d = map_get(&ms->dep_names, ms->key, klen);
	return d ? ms->deps[d - 1].node : 0;
}

int cr_manifest_dep(cr_node_id *out, cr_manifests *ms, cr_node_id manifest,
	const char *name, const char *constraint, const char *scope,
	uint32_t line)
{
	struct ms_manifest *m = manifest_of(ms, manifest);

	if (!m)
		return cr_error_set(ms->c->ctx, CR_EINVAL, "not a manifest node");
	return cr_manifest_dep_in(out, ms, manifest, m->f, name, constraint,
		scope, line);
}

int cr_lockfile_add(cr_node_id *out, cr_manifests *ms,
	const cr_source_file *f, const char *ecosystem, const char *format)
{
	cr_graph *g = ms->c->g;
	struct ms_lock *l;
	int rc;

	if (GROW(ms, locks) != CR_OK)
		return oom(ms);
	l = &ms->locks[ms->nlocks];
	*l = (struct ms_lock){ .f = f, .dirlen = dir_len(f->path),
		.ecosystem = keep(ms, ecosystem), .fmt = format_of(f) };
	if (!l->ecosystem)
		return oom(ms);
	if ((rc = cr_collect_node(out, ms->c, "lockfile", f, f->path, 1)) != CR_OK)
		return rc;
	if ((rc = cr_graph_set_str(g, *out, "ecosystem", ecosystem)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *out, "format", format)) != CR_OK ||
	    (rc = cr_graph_set_str(g, *out, "file", f->name)) != CR_OK)
		return graph_failed(ms, rc, "a lockfile");
	l->node = *out;
	ms->nlocks++;
	return CR_OK;
}

/* A member directory as the map keys hold it: no "./" before, no "/"
 * after, "" for the root. */
static const char *importer_key(cr_manifests *ms, const char *dir)
{
	size_t len;

	if (!dir)
		return "";
	while (dir[0] == '.' && dir[1] == '/')
		dir += 2;
	len = strlen(dir);
	while (len && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '.')
		len = 0;
	return arena_strndup(&ms->arena, dir, len);
}

int cr_lockfile_locked(cr_manifests *ms, cr_node_id lockfile,
	const cr_locked *pkg)
{
	struct ms_lock *l = lock_of(ms, lockfile);
	struct ms_pkg *p;
	uint32_t li;

	if (!l)
		return cr_error_set(ms->c->ctx, CR_EINVAL, "not a lockfile node");
	if (!pkg->name || !*pkg->name || !pkg->version)
		return CR_OK;
	li = (uint32_t)(l - ms->locks) + 1;
	if (GROW(ms, pkgs) != CR_OK)
		return oom(ms);
	p = &ms->pkgs[ms->npkgs];
	*p = (struct ms_pkg){ .lock = li, .p = {
		.name = keep(ms, pkg->name), .version = keep(ms, pkg->version),
		.scope = keep(ms, pkg->scope), .specs = keep(ms, pkg->specs),
		.importer = importer_key(ms, pkg->importer),
		.nested = pkg->nested, .line = pkg->line } };
	if (!p->p.name || !p->p.version || !p->p.importer ||
	    (pkg->scope && !p->p.scope) || (pkg->specs && !p->p.specs))
		return oom(ms);
	ms->npkgs++;
	l->packages++;
	return CR_OK;
}

int cr_lockfile_package(cr_manifests *ms, cr_node_id lockfile,
	const char *name, const char *version, const char *scope,
	uint32_t line)
{
	cr_locked pkg = { .name = name, .version = version, .scope = scope,
		.line = line };

	return cr_lockfile_locked(ms, lockfile, &pkg);
}

int cr_lockfile_importer(cr_manifests *ms, cr_node_id lockfile,
	const char *dir)
{
	struct ms_lock *l = lock_of(ms, lockfile);
	struct ms_pattern *p;
	const char *key;

	if (!l)
		return cr_error_set(ms->c->ctx, CR_EINVAL, "not a lockfile node");
	if (!(key = importer_key(ms, dir)))
		return oom(ms);
	if (!*key)
		return CR_OK;
	if (!(p = arena_alloc(&ms->arena, sizeof *p)))
		return oom(ms);
	p->text = key;
	p->next = l->importers;
	l->importers = p;
	return CR_OK;
}

/* --- pairing ------------------------------------------------------------- */

static int pair(cr_manifests *ms, struct ms_manifest *m, struct ms_lock *l,
	const char *importer)
{
	cr_graph *g = ms->c->g;
	uint32_t li = (uint32_t)(l - ms->locks) + 1, *first;
	size_t klen;
	int rc;

	m->lock = li;
	m->importer = importer;
	if (!(klen = key_of(ms, li, importer, NULL, NULL)) ||
	    map_put(&first, &ms->owners, &ms->arena, ms->key, klen) != CR_OK)
		return oom(ms);
	m->next_owner = *first;
	*first = (uint32_t)(m - ms->manifests) + 1;
	if ((rc = cr_graph_set_str(g, m->node, "lockfile_path",
			l->f->path)) != CR_OK ||
	    (rc = cr_graph_link(g, m->node, "lockfile", l->node)) != CR_OK ||
	    (rc = cr_graph_link(g, l->node, "manifests", m->node)) != CR_OK)
		return graph_failed(ms, rc, "a lockfile pairing");
	return CR_OK;
}

static bool pairable(const struct ms_manifest *m, const struct ms_lock *l)
{
	return !m->lock && l->fmt && list_has(l->fmt->pins, m->f->name) &&
		strcmp(m->ecosystem, l->ecosystem) == 0;
}

/* Pair the unpaired manifests of directory dir[0..len) with l. */
static int pair_dir(cr_manifests *ms, struct ms_lock *l, const char *dir,
	size_t len, const char *importer)
{
	int rc;

	for (uint32_t i = map_get(&ms->dirs, dir, len); i;
	     i = ms->manifests[i - 1].next_in_dir) {
		struct ms_manifest *m = &ms->manifests[i - 1];

		if (pairable(m, l) && (rc = pair(ms, m, l, importer)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* The directory of manifest m relative to l's, or NULL when m is not
 * below it. */
static const char *below(const struct ms_manifest *m, const struct ms_lock *l)
{
	const char *ld = l->f->path, *md = m->f->path;

	if (m->dirlen <= l->dirlen)
		return NULL;
	if (!l->dirlen)
		return md;
	if (strncmp(md, ld, l->dirlen) != 0 || md[l->dirlen] != '/')
		return NULL;
	return md + l->dirlen + 1;
}

/* Whether the member directory rel[0..len) is listed by the root's
 * patterns: one matches, and no "!" pattern does.  Patterns are relative
 * to the root, hence anchored. */
static bool listed(const struct ms_pattern *patterns, const char *rel,
	size_t len)
{
	char dir[4096], pat[4096];
	bool in = false;

	if (len >= sizeof dir)
		return false;
	memcpy(dir, rel, len);
	dir[len] = '\0';
	for (const struct ms_pattern *p = patterns; p; p = p->next) {
		const char *t = p->text;
		bool negate = *t == '!';
		size_t n;

		t += negate;
		while (t[0] == '.' && t[1] == '/')
			t += 2;
		n = strlen(t);
		while (n && t[n - 1] == '/')
			n--;
		if (n + 2 > sizeof pat)
			continue;
		pat[0] = '/';
		memcpy(pat + 1, t, n);
		pat[n + 1] = '\0';
		if (!cr_glob_match(pat, dir))
			continue;
		if (negate)
			return false;
		in = true;
	}
	return in;
}

static int pair_members(cr_manifests *ms, struct ms_lock *l)
{
	const char *ld = l->f->path;
	char dir[4096];
	int rc;

	for (const struct ms_pattern *p = l->importers; p; p = p->next) {
		int n = l->dirlen ?
			snprintf(dir, sizeof dir, "%.*s/%s", (int)l->dirlen, ld, p->text) :
			snprintf(dir, sizeof dir, "%s", p->text);

		if (n >= 0 && (size_t)n < sizeof dir &&
		    (rc = pair_dir(ms, l, dir, (size_t)n, p->text)) != CR_OK)
			return rc;
	}
	for (uint32_t r = map_get(&ms->dirs, ld, l->dirlen); r;
	     r = ms->manifests[r - 1].next_in_dir) {
		const struct ms_manifest *root = &ms->manifests[r - 1];

		if (!root->patterns || root->lock != (uint32_t)(l - ms->locks) + 1)
			continue;
		for (size_t i = 0; i < ms->nmanifests; i++) {
			struct ms_manifest *m = &ms->manifests[i];
			const char *rel = below(m, l);
			size_t len = rel ? m->dirlen - (size_t)(rel - m->f->path) : 0;
			const char *importer;

			if (!rel || !pairable(m, l) || !listed(root->patterns, rel, len))
				continue;
			if (!(importer = arena_strndup(&ms->arena, rel, len)))
				return oom(ms);
			if ((rc = pair(ms, m, l, importer)) != CR_OK)
				return rc;
		}
	}
	return CR_OK;
}

/* Whether the lockfile's specs ("^1.2.0, npm:^1.3.0") list the
 * constraint the manifest wrote. */
static bool specs_have(const char *specs, const char *constraint)
{
	size_t n;

	if (!specs || !constraint || !*constraint)
		return false;
	n = strlen(constraint);
	for (const char *p = specs; *p; p += strcspn(p, ",")) {
		p += strspn(p, ", ");
		if (strncmp(p, "npm:", 4) == 0)
			p += 4;
		if (strncmp(p, constraint, n) == 0 && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

/* The locked package a direct dependency resolves to: the importer's
 * own entries, then the root's (hoisted); among several of one name,
 * the one not nested, then the one whose specs match. */
static struct ms_pkg *resolve(cr_manifests *ms,
	const struct ms_manifest *m, const struct ms_dep *d)
{
	const char *importers[] = { m->importer, "" };
	struct ms_pkg *best = NULL;
	int best_score = -1;

	for (size_t k = 0; k < 2 && !best; k++) {
		size_t klen = key_of(ms, m->lock, importers[k], d->name, NULL);

		for (uint32_t i = klen ? map_get(&ms->pkg_names, ms->key, klen) : 0;
		     i; i = ms->pkgs[i - 1].next_same) {
			struct ms_pkg *p = &ms->pkgs[i - 1];
			int score = (p->p.nested ? 0 : 2) +
				specs_have(p->p.specs, d->constraint);

			/* The chain runs newest first: >= keeps the first. */
			if (score >= best_score) {
				best = p;
				best_score = score;
			}
		}
		if (!*m->importer)
			break;
	}
	return best;
}

/* Mark every entry of p's name@version in the manifest's lockfile as
 * what a manifest declares: pnpm lists it under the importer and again
 * among all packages. */
static void claim(cr_manifests *ms, const struct ms_manifest *m,
	const struct ms_pkg *p)
{
	const char *importers[] = { m->importer, "" };

	for (size_t k = 0; k < 2; k++) {
		size_t klen = key_of(ms, m->lock, importers[k], p->p.name, NULL);

		for (uint32_t i = klen ? map_get(&ms->pkg_names, ms->key, klen) : 0;
		     i; i = ms->pkgs[i - 1].next_same)
			if (strcmp(ms->pkgs[i - 1].p.version, p->p.version) == 0)
				ms->pkgs[i - 1].claimed = true;
		if (!*m->importer)
			break;
	}
}

/* Remember that manifest mi reports name@version; false when it did. */
static int first_report(bool *first, cr_manifests *ms, uint32_t mi,
	const char *name, const char *version)
{
	size_t klen = key_of(ms, mi, name, version, NULL);
	uint32_t *seen;

	if (!klen || map_put(&seen, &ms->reported, &ms->lock_arena, ms->key,
			klen) != CR_OK)
		return oom(ms);
	*first = !*seen;
	*seen = 1;
	return CR_OK;
}

/* Resolve direct dependency d (of a manifest with a lockfile) to its
 * locked version. */
static int resolve_direct(cr_manifests *ms, const struct ms_dep *d)
{
	const struct ms_manifest *m = &ms->manifests[d->manifest - 1];
	struct ms_pkg *p = resolve(ms, m, d);
	cr_graph *g = ms->c->g;
	bool first;
	int rc;

	if (!p)
		return CR_OK;
	claim(ms, m, p);
	if ((rc = first_report(&first, ms, d->manifest, d->name,
			p->p.version)) != CR_OK)
		return rc;
	if ((rc = cr_graph_set_str(g, d->node, "version",
			p->p.version)) != CR_OK ||
	    (rc = cr_graph_link(g, d->node, "lockfile",
			ms->locks[m->lock - 1].node)) != CR_OK)
		return graph_failed(ms, rc, "a resolved version");
	return CR_OK;
}

static int add_transitive(cr_manifests *ms, uint32_t mi,
	const struct ms_pkg *p)
{
	const struct ms_lock *l = &ms->locks[p->lock - 1];
	cr_graph *g = ms->c->g;
	cr_node_id id;
	bool first = false;
	int rc;

	if ((rc = first_report(&first, ms, mi, p->p.name,
			p->p.version)) != CR_OK || !first)
		return rc;
	if ((rc = dep_node(&id, ms, &ms->manifests[mi - 1], l->f, p->p.line,
			p->p.name, NULL, p->p.scope, false)) != CR_OK)
		return rc;
	if ((rc = cr_graph_set_str(g, id, "version", p->p.version)) != CR_OK ||
	    (rc = cr_graph_link(g, id, "lockfile", l->node)) != CR_OK)
		return graph_failed(ms, rc, "a dependency");
	return CR_OK;
}

/* A locked package belongs to the manifests of its importer, or to the
 * root's when the importer has none, except what a manifest declares
 * itself: yarn and pnpm lock a member's packages at the root, and the
 * root does not depend on them. */
static int add_locked(cr_manifests *ms, const struct ms_pkg *p)
{
	size_t klen = key_of(ms, p->lock, p->p.importer, NULL, NULL);
	uint32_t o = klen ? map_get(&ms->owners, ms->key, klen) : 0;
	int rc;

	if (p->claimed)
		return CR_OK;
	if (!o && *p->p.importer) {
		klen = key_of(ms, p->lock, "", NULL, NULL);
		o = klen ? map_get(&ms->owners, ms->key, klen) : 0;
	}
	if (!klen)
		return oom(ms);
	for (; o; o = ms->manifests[o - 1].next_owner)
		if ((rc = add_transitive(ms, o, p)) != CR_OK)
			return rc;
	return CR_OK;
}

/* Chain package pi (0-based) after the earlier ones of its lockfile,
 * importer and name. */
static int index_package(cr_manifests *ms, uint32_t pi)
{
	struct ms_pkg *p = &ms->pkgs[pi];
	size_t klen = key_of(ms, p->lock, p->p.importer, p->p.name, NULL);
	uint32_t *first;

	if (!klen || map_put(&first, &ms->pkg_names, &ms->lock_arena, ms->key,
			klen) != CR_OK)
		return oom(ms);
	p->next_same = *first;
	*first = pi + 1;
	return CR_OK;
}

static void map_clear(struct map *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->count = 0;
}

static uint32_t dep_lock(const cr_manifests *ms, size_t i)
{
	return ms->manifests[ms->deps[i].manifest - 1].lock;
}

static uint32_t pkg_lock(const cr_manifests *ms, size_t i)
{
	return ms->pkgs[i].lock;
}

/* Indexes 0..n-1 grouped by their 1-based lockfile lock_of(ms, i) (0:
 * none), keeping their order: lockfile l's are order[first[l]] up to but
 * not including order[first[l + 1]].  The caller frees both. */
static int group_by_lock(uint32_t **order, uint32_t **first,
	const cr_manifests *ms, size_t n,
	uint32_t (*lock_of)(const cr_manifests *ms, size_t i))
{
	uint32_t *at = malloc((ms->nlocks + 1) * sizeof *at);
	int rc = CR_ENOMEM;

	*order = malloc((n ? n : 1) * sizeof **order);
	*first = calloc(ms->nlocks + 2, sizeof **first);
	if (!at || !*order || !*first)
		goto done;
	for (size_t i = 0; i < n; i++)
		(*first)[lock_of(ms, i) + 1]++;
	for (size_t l = 1; l <= ms->nlocks + 1; l++)
		(*first)[l] += (*first)[l - 1];
	memcpy(at, *first, (ms->nlocks + 1) * sizeof *at);
	for (size_t i = 0; i < n; i++)
		(*order)[at[lock_of(ms, i)]++] = (uint32_t)i;
	rc = CR_OK;
done:
	free(at);
	return rc;
}

/* One lockfile's direct dependencies deps[] and packages pkgs[] (0-based
 * indexes) resolved and added. */
static int finish_lock(cr_manifests *ms, const uint32_t *deps,
	size_t ndeps, const uint32_t *pkgs, size_t npkgs)
{
	int rc;

	map_clear(&ms->pkg_names);
	map_clear(&ms->reported);
	chunks_free(&ms->lock_arena);
	for (size_t i = 0; i < npkgs; i++)
		if ((rc = index_package(ms, pkgs[i])) != CR_OK)
			return rc;
	for (size_t i = 0; i < ndeps; i++)
		if ((rc = resolve_direct(ms, &ms->deps[deps[i]])) != CR_OK)
			return rc;
	for (size_t i = 0; i < npkgs; i++)
		if ((rc = add_locked(ms, &ms->pkgs[pkgs[i]])) != CR_OK)
			return rc;
	return CR_OK;
}

/* Each lockfile on its own: a manifest reports from its own lockfile
 * only, so the maps of one lockfile are all the resolution needs. */
static int finish_locks(cr_manifests *ms)
{
	uint32_t *dep_order = NULL, *dep_first = NULL;
	uint32_t *pkg_order = NULL, *pkg_first = NULL;
	int rc = CR_OK;

	if (group_by_lock(&dep_order, &dep_first, ms, ms->ndeps,
			dep_lock) != CR_OK ||
	    group_by_lock(&pkg_order, &pkg_first, ms, ms->npkgs,
			pkg_lock) != CR_OK) {
		rc = oom(ms);
		goto done;
	}
	for (size_t l = 1; l <= ms->nlocks && rc == CR_OK; l++)
		rc = finish_lock(ms, dep_order + dep_first[l],
			dep_first[l + 1] - dep_first[l],
			pkg_order + pkg_first[l],
			pkg_first[l + 1] - pkg_first[l]);
done:
	free(dep_order);
	free(dep_first);
	free(pkg_order);
	free(pkg_first);
	return rc;
}

int cr_manifests_finish(cr_manifests *ms)
{
	int rc;

	/* Own directory first, so that a member with its own lockfile is
	 * not claimed by the workspace root's. */
	for (size_t i = 0; i < ms->nlocks; i++) {
		struct ms_lock *l = &ms->locks[i];

		if ((rc = pair_dir(ms, l, l->f->path, l->dirlen, "")) != CR_OK)
			return rc;
	}
	for (size_t i = 0; i < ms->nlocks; i++)
		if ((rc = pair_members(ms, &ms->locks[i])) != CR_OK)
			return rc;
	if ((rc = finish_locks(ms)) != CR_OK)
		return rc;
	for (size_t i = 0; i < ms->nlocks; i++)
		if ((rc = cr_graph_set_int(ms->c->g, ms->locks[i].node, "packages",
				ms->locks[i].packages)) != CR_OK)
			return graph_failed(ms, rc, "a lockfile");
	return CR_OK;
}

/* --- the run ------------------------------------------------------------- */

int cr_manifests_new(cr_manifests **out, cr_collect *c)
{
	if (!(*out = calloc(1, sizeof **out)))
		return cr_error_set(c->ctx, CR_ENOMEM, "out of memory");
	(*out)->c = c;
	return CR_OK;
}

void cr_manifests_free(cr_manifests *ms)
{
	struct map *maps[6];

	if (!ms)
		return;
	maps[0] = &ms->dep_names;
	maps[1] = &ms->reported;
	maps[2] = &ms->pkg_names;
	maps[3] = &ms->dirs;
	maps[4] = &ms->owners;
	maps[5] = &ms->files;
	for (size_t i = 0; i < 6; i++)
		free(maps[i]->slots);
	chunks_free(&ms->arena);
	chunks_free(&ms->lock_arena);
	free(ms->manifests);
	free(ms->deps);
	free(ms->locks);
	free(ms->pkgs);
	free(ms->key);
	free(ms);
}

static int parse_file(cr_manifests *ms, const cr_source_file *f,
	const struct ms_format *fmt)
{
	char *buf = NULL;
	size_t len;
	int rc;

	rc = cr_collect_read(&buf, &len, ms->c, f, fmt->name ? fmt->name :
		"requirements");
	if (rc == CR_ENOTFOUND)
		return CR_OK;
	if (rc != CR_OK)
		return rc;
	rc = fmt->parse(ms, f, buf, len);
	/* Parsers record their own parse errors; one that slipped through
	 * is still a fact about the file, not a failed run. */
	if (rc == CR_EPARSE)
		rc = cr_collect_parse_error(ms->c, f->path, 0, f->name, "%s",
			cr_ctx_error(ms->c->ctx));
	free(buf);
	return rc;
}

int cr_manifests_collect(cr_collect *c)
{
	cr_manifests *ms = NULL;
	int rc;

	if ((rc = cr_manifests_new(&ms, c)) != CR_OK)
		return rc;
	for (size_t i = 0; i < c->nfiles; i++) {
		const cr_source_file *f = &c->files[i];
		const struct ms_format *fmt = format_of(f);

		if (fmt && !is_vendored(f->path) &&
		    (rc = parse_file(ms, f, fmt)) != CR_OK)
			goto done;
	}
	rc = cr_manifests_finish(ms);
done:
	cr_manifests_free(ms);
	return rc;
}

/* --- helpers for parsers ------------------------------------------------- */

uint32_t cr_text_line(cr_text_lines *t, size_t off)
{
	if (off > t->len)
		off = t->len;
	if (!t->line || off < t->off) {
		t->off = 0;
		t->line = 1;
	}
	for (const char *p = t->buf + t->off, *end = t->buf + off;
	     (p = memchr(p, '\n', (size_t)(end - p))); p++)
		t->line++;
	t->off = off;
	return t->line;
}

static size_t skip_blank(const char *buf, size_t len, size_t i)
{
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
			   buf[i] == '\r'))
		i++;
	return i;
}

/* Past the string whose opening quote is at buf[i].  Lockfiles are
 * mostly strings, so this finds each quote with memchr() and then looks
 * back: a quote preceded by an odd run of backslashes is escaped. */
static size_t skip_string(const char *buf, size_t len, size_t i)
{
	const char *start = buf + i + 1, *end = buf + len, *q = start;

	while (q < end && (q = memchr(q, '"', (size_t)(end - q)))) {
		const char *b = q;

		while (b > start && b[-1] == '\\')
			b--;
		if ((q - b) % 2 == 0)
			return (size_t)(q - buf) + 1;
		q++;
	}
	return len;
}

/* Past the value starting at buf[i]. */
static size_t skip_value(const char *buf, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len) {
		char ch = buf[i];

		if (ch == '"') {
			i = skip_string(buf, len, i);
		} else if (ch == '{' || ch == '[') {
			depth++;
			i++;
		} else if (ch == '}' || ch == ']') {
			if (!depth)
				return i;
			depth--;
			i++;
		} else if (!depth && (ch == ',' || ch == ' ' || ch == '\t' ||
				      ch == '\n' || ch == '\r')) {
			return i;
		} else {
			i++;
		}
		if (!depth && (ch == '"' || ch == '}' || ch == ']'))
			return i;
	}
	return len;
}

/* The next member of an object: offsets of its key and value, with *pos
 * at the '{' before the first one, past the previous value after. */
static bool json_next(const char *buf, size_t len, size_t *pos, size_t *key,
	size_t *value)
{
	size_t i = skip_blank(buf, len, *pos);

	if (i >= len || (buf[i] != '{' && buf[i] != ','))
		return false;
	i = skip_blank(buf, len, i + 1);
	if (i >= len || buf[i] != '"')
		return false;
	*key = i;
	i = skip_blank(buf, len, skip_string(buf, len, i));
	if (i >= len || buf[i] != ':')
		return false;
	*value = i = skip_blank(buf, len, i + 1);
	*pos = skip_value(buf, len, i);
	return *pos < len;
}

void cr_json_members_start(cr_json_members *it, cr_text_lines *lines,
	size_t obj)
{
	it->lines = lines;
	it->pos = obj;
	it->value = CR_JSON_LOST;
}

uint32_t cr_json_members_next(cr_json_members *it)
{
	const char *buf = it->lines->buf;
	size_t key;

	if (it->pos == CR_JSON_LOST || it->pos >= it->lines->len ||
	    !json_next(buf, it->lines->len, &it->pos, &key, &it->value)) {
		it->pos = it->value = CR_JSON_LOST;
		return 0;
	}
	return cr_text_line(it->lines, key);
}

size_t cr_json_member_value(cr_text_lines *lines, size_t obj,
	const cJSON *parent, const cJSON *item)
{
	size_t pos = obj, key, value;

	if (obj == CR_JSON_LOST)
		return CR_JSON_LOST;
	for (const cJSON *c = parent->child; c; c = c->next) {
		if (!json_next(lines->buf, lines->len, &pos, &key, &value))
			return CR_JSON_LOST;
		if (c == item)
			return value;
	}
	return CR_JSON_LOST;
}

int cr_manifests_json(cJSON **out, size_t *root, cr_manifests *ms,
	const cr_source_file *f, const char *buf, size_t len)
{
	size_t bom = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	const char *end = NULL;

	*root = skip_blank(buf, len, bom);
	*out = cJSON_ParseWithLengthOpts(buf + bom, len - bom, &end, false);
	if (*out && cJSON_IsObject(*out))
		return CR_OK;
	/* cJSON tells a syntax error from running out of memory by neither
	 * the result nor the end: both read as a broken file. */
	if (*out) {
		cJSON_Delete(*out);
		*out = NULL;
		return cr_collect_parse_error(ms->c, f->path, 1, f->name,
			"not a JSON object");
	}
	if (!end || end < buf || end > buf + len)
		end = buf + len;
	return cr_collect_parse_error(ms->c, f->path,
		cr_collect_line_of(buf, (size_t)(end - buf)), f->name,
		"invalid JSON");
}

const char *cr_manifests_redact(cr_manifests *ms, const char *s)
{
	const char *scheme = strstr(s, "://"), *host, *at;
	size_t hostlen;
	char *p;

	if (!scheme)
		return s;
	host = scheme + 3;
	hostlen = strcspn(host, "/?#");
	at = memrchr(host, '@', hostlen);
	if (!at)
		return s;
	if (!(p = arena_alloc(&ms->arena, strlen(s) + 4)))
		return NULL;
	memcpy(p, s, (size_t)(host - s));
	strcpy(p + (host - s), "***");
	strcat(p, at);
	return p;
}
