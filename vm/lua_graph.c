/*
 * lua_graph.c - the Lua face of the fact graph (the `repo` object, file and
 * node objects) and the stdlib functions of the `crucible` table (glob,
 * match).  docs/policy-api.md describes all of it for policy authors.
 *
 * Objects are thin userdata: the repo holds the graph pointer, a node the
 * graph pointer and its id.  Attributes become Lua values only when a
 * policy reads them, and repo:files filters the inventory in C, so a
 * policy that looks for "*.pem" among 100,000 files creates objects only
 * for the keys it finds.
 *
 * The only C resources used here (an error context, compiled regexes, the
 * buffer of the file being scanned) belong to one "bindings" userdata per
 * lua_State, kept in the registry and released by its __gc.  A Lua error
 * at any point, even a memory error while a result is being pushed, can
 * therefore not leak them; explicit errors still release the file buffer
 * first.
 */
#include "vm/lua_graph.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/files.h"
#include "crucible/glob.h"
#include "stdlib/regex.h"
#include "vm/sandbox.h"

#define REPO_MT "crucible.repo"
#define NODE_MT "crucible.node"
#define BINDINGS_MT "crucible.bindings"

#define TEXT_MAX ((size_t)16 << 20) /* larger files are never read */
#define GREP_TEXT_MAX 200           /* bytes of a line kept in a grep match */
#define GREP_DEFAULT_MAX 1000
#define REGEX_CACHE_SIZE 32

typedef struct repo_ud {
	const cr_graph *g;
} repo_ud;

typedef struct node_ud {
	const cr_graph *g;
	cr_node_id id;
	signed char binary; /* -1 until f.binary is first read */
} node_ud;

typedef struct bindings {
	cr_ctx *ctx;
	char *buf; /* the file being scanned, NULL between calls */
	cr_regex *regex[REGEX_CACHE_SIZE];
	unsigned next_slot; /* the cache entry replaced next */
} bindings;

/* Its address is the registry key of the bindings userdata. */
static const char bindings_key;

/* Lines of a text buffer, with "\n" or "\r\n" endings removed. */
struct line_cursor {
	size_t pos;         /* offset of the next line */
	lua_Integer number; /* 1-based number of `line` */
	const char *line;
	size_t len;
};

/* A run of plain bytes inside a glob ("" when it has none). */
struct literal {
	const char *start;
	size_t len;
};

/* What repo:files and repo:grep select among the "file" nodes. */
/* A list option: one string or an array of strings ("any of"). */
struct string_set {
	const char *const *items; /* NULL: the option is absent */
	size_t count;
	const char *single;
};

struct file_filter {
	const char *status; /* NULL: every status except "ignored" */
	const char *type;
	const char *language;
	struct string_set ext, name, globs;
	const struct literal *glob_literals; /* one per glob */
	lua_Integer min_size; /* 0: no size filter */
	/* keys looked up once per call, not once per node */
	cr_key status_key, type_key, language_key, ext_key, size_key;
};

static const char *const status_names[] = {
	"tracked", "untracked", "ignored", NULL
};
static const char *const type_names[] = {
	"file", "symlink", "dir", "submodule", "missing", NULL
};

/* --- the bindings state -------------------------------------------------- */

static void release_buf(bindings *b)
{
	free(b->buf);
	b->buf = NULL;
}

static int bindings_gc(lua_State *L)
{
	bindings *b = luaL_checkudata(L, 1, BINDINGS_MT);

	release_buf(b);
	for (size_t i = 0; i < REGEX_CACHE_SIZE; i++) {
		cr_regex_free(b->regex[i]);
		b->regex[i] = NULL;
	}
	cr_ctx_free(b->ctx);
	b->ctx = NULL;
	return 0;
}

static bindings *get_bindings(lua_State *L)
{
	bindings *b;

	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &bindings_key) != LUA_TNIL) {
		b = luaL_checkudata(L, -1, BINDINGS_MT);
		lua_pop(L, 1);
		return b;
	}
	lua_pop(L, 1);
	b = lua_newuserdatauv(L, sizeof *b, 0);
	memset(b, 0, sizeof *b);
	luaL_setmetatable(L, BINDINGS_MT);
	if (cr_ctx_new(&b->ctx) < 0)
		luaL_error(L, "out of memory");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &bindings_key);
	return b;
}

/*
 * The compiled regex for the string argument at idx.  Policies call
 * crucible.match and f:find in loops with the same few patterns, so the
 * last REGEX_CACHE_SIZE patterns stay compiled.  A bad pattern raises
 * PCRE2's message.
 */
static cr_regex *check_regex(lua_State *L, bindings *b, int idx)
{
	size_t len, cached_len;
	const char *src = luaL_checklstring(L, idx, &len);
	cr_regex *re;

	for (size_t i = 0; i < REGEX_CACHE_SIZE; i++) {
		const char *cached;

		if (!b->regex[i])
			continue;
		cached = cr_regex_source(b->regex[i], &cached_len);
		if (cached_len == len && memcmp(cached, src, len) == 0)
			return b->regex[i];
	}
	if (cr_regex_compile(&re, b->ctx, src, len) < 0)
		luaL_error(L, "%s", cr_ctx_error(b->ctx));
	cr_regex_free(b->regex[b->next_slot]);
	b->regex[b->next_slot] = re;
	b->next_slot = (b->next_slot + 1) % REGEX_CACHE_SIZE;
	return re;
}

/* --- values and nodes ---------------------------------------------------- */

void cr_lua_push_value(lua_State *L, const cr_value *v)
{
	switch (v->type) {
	case CR_T_NULL:
		lua_pushnil(L);
		break;
	case CR_T_BOOL:
		lua_pushboolean(L, v->u.b);
		break;
	case CR_T_INT:
		lua_pushinteger(L, (lua_Integer)v->u.i);
		break;
	case CR_T_NUM:
		lua_pushnumber(L, v->u.n);
		break;
	case CR_T_STR:
		lua_pushlstring(L, v->u.s.ptr, v->u.s.len);
		break;
	case CR_T_LIST:
		lua_createtable(L, (int)v->u.list.count, 0);
		for (size_t i = 0; i < v->u.list.count; i++) {
			lua_pushstring(L, v->u.list.items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	}
}

void cr_lua_push_node(lua_State *L, const cr_graph *g, cr_node_id id)
{
	node_ud *n = lua_newuserdatauv(L, sizeof *n, 0);

	n->g = g;
	n->id = id;
	n->binary = -1;
	luaL_setmetatable(L, NODE_MT);
}

static bool is_file_node(const cr_graph *g, cr_node_id id)
{
	return strcmp(cr_node_kind(g, id), "file") == 0;
}

/* A "file" node for a regular file: the only kind whose content is read. */
static bool is_regular_file(const cr_graph *g, cr_node_id id)
{
	return is_file_node(g, id) && cr_node_path(g, id) &&
		strcmp(cr_node_str(g, id, "type", ""), "file") == 0;
}

/* The node with the only (or first) id of `kind`, or 0. */
static cr_node_id single_node(const cr_graph *g, const char *kind)
{
	size_t count;
	const cr_node_id *ids = cr_graph_nodes(g, kind, &count);

	return count ? ids[0] : 0;
}

/* --- file contents ------------------------------------------------------- */

static bool next_line(const char *buf, size_t size, struct line_cursor *c)
{
	const char *start = buf + c->pos;
	const char *nl;
	size_t len;

	if (c->pos >= size)
		return false;
	nl = memchr(start, '\n', size - c->pos);
	len = nl ? (size_t)(nl - start) : size - c->pos;
	c->pos += len + (nl != NULL);
	if (len > 0 && start[len - 1] == '\r')
		len--;
	c->line = start;
	c->len = len;
	c->number++;
	return true;
}

/*
 * Read the node's file into b->buf when it is a regular text file of at
 * most TEXT_MAX bytes.  Anything else (binary, too large, not a regular
 * file, unreadable) gives false with b->buf NULL: policies see such files
 * as having no text rather than failing on them.
 */
static bool load_text(bindings *b, const cr_graph *g, cr_node_id id,
	size_t *len)
{
	const char *path = cr_node_path(g, id);
	bool binary = true, truncated = true;
	char *buf = NULL;

	release_buf(b);
	if (!is_regular_file(g, id) ||
	    cr_node_int(g, id, "size", 0) > (int64_t)TEXT_MAX)
		return false;
	if (cr_file_is_binary(&binary, b->ctx, g, path) < 0 || binary)
		return false;
	if (cr_file_read(&buf, len, &truncated, b->ctx, g, path, TEXT_MAX) < 0)
		return false;
	b->buf = buf;
	if (truncated) {
		release_buf(b);
		return false;
	}
	return true;
}

/* The next line of b->buf at or after the cursor that re matches: 1 when
 * found, 0 at the end, a negative CR_E* code when matching failed. */
static int next_match(bindings *b, cr_regex *re, size_t size,
	struct line_cursor *c)
{
	while (next_line(b->buf, size, c)) {
		int rc = cr_regex_exec(re, b->ctx, c->line, c->len);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* --- options tables ------------------------------------------------------ */

static bool in_list(const char *s, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Push "a, b, c" for an error message. */
static const char *push_joined(lua_State *L, const char *const list[])
{
	luaL_Buffer buf;

	luaL_buffinit(L, &buf);
	for (size_t i = 0; list[i]; i++) {
		if (i)
			luaL_addstring(&buf, ", ");
		luaL_addstring(&buf, list[i]);
	}
	luaL_pushresult(&buf);
	return lua_tostring(L, -1);
}

/*
 * The stack index of the options table at idx, or 0 when the argument is
 * absent or nil.  A misspelt option would silently select everything, so
 * unknown keys are errors.
 */
static int opt_table(lua_State *L, int idx, const char *const known[])
{
	if (lua_isnoneornil(L, idx))
		return 0;
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *key;

		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "options are named fields, found a "
				"%s key", luaL_typename(L, -1));
		key = lua_tostring(L, -1);
		if (!in_list(key, known))
			luaL_error(L, "unknown option '%s' (expected %s)", key,
				push_joined(L, known));
	}
	return idx;
}

/* Option values stay on the stack, so the strings returned stay alive
 * until the calling function returns. */
static const char *opt_string(lua_State *L, int opts, const char *key)
{
	if (!opts || lua_getfield(L, opts, key) == LUA_TNIL)
		return NULL;
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "option '%s' must be a string, got %s", key,
			luaL_typename(L, -1));
	return lua_tostring(L, -1);
}

static const char *opt_choice(lua_State *L, int opts, const char *key,
	const char *const choices[])
{
	const char *v = opt_string(L, opts, key);

	if (v && !in_list(v, choices))
		luaL_error(L, "bad option %s = '%s' (expected %s)", key, v,
			push_joined(L, choices));
	return v;
}

static lua_Integer opt_positive(lua_State *L, int opts, const char *key,
	lua_Integer dflt)
{
	lua_Integer v;
	int isnum;

	if (!opts || lua_getfield(L, opts, key) == LUA_TNIL)
		return dflt;
	v = lua_tointegerx(L, -1, &isnum);
	if (!isnum || v <= 0)
		luaL_error(L, "option '%s' must be a positive integer", key);
	return v;
}

/* key = "value" or {"v1", "v2", ...}; an empty list selects nothing. */
static void opt_strings(lua_State *L, int opts, const char *key,
	struct string_set *set)
{
	const char **list;
	size_t count;

	if (!opts || lua_getfield(L, opts, key) == LUA_TNIL)
		return;
	if (lua_type(L, -1) == LUA_TSTRING) {
		set->single = lua_tostring(L, -1);
		set->items = &set->single;
		set->count = 1;
		return;
	}
	if (!lua_istable(L, -1))
		luaL_error(L, "option '%s' must be a string or an array of "
			"strings, got %s", key, luaL_typename(L, -1));
	count = lua_rawlen(L, -1);
	list = lua_newuserdatauv(L, count * sizeof *list, 0);
	for (size_t i = 0; i < count; i++) {
		if (lua_rawgeti(L, -2, (lua_Integer)i + 1) != LUA_TSTRING)
			luaL_error(L, "option '%s' item %d must be a string", key,
				(int)i + 1);
		list[i] = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	set->items = list;
	set->count = count;
}

static const char *segment_end_of(const char *p, const char *end)
{
	const char *slash = memchr(p, '/', (size_t)(end - p));

	return slash ? slash : end;
}

/*
 * The longest run of plain bytes in a glob.  Every path the glob matches
 * holds that run, so looking for it rules most paths out before the
 * matcher runs.  Wildcards and escapes end a run, a class ends it up to
 * the next '/'.  A run drops the '/' at either end (a leading "**"
 * segment may match no directory at all) and its leading dots: a run
 * starting with '.' would stop the search at every extension.
 */
static struct literal glob_literal(const char *glob)
{
	const char *end, *start, *p, *q;
	struct literal best = { glob, 0 };

	while (*glob == '/')
		glob++;
	end = glob + strlen(glob);
	while (end > glob && end[-1] == '/')
		end--;
	for (start = p = glob;; p++) {
		if (p < end && !strchr("*?[\\", *p))
			continue;
		while (start < p && (*start == '/' || *start == '.'))
			start++;
		q = p;
		while (q > start && q[-1] == '/')
			q--;
		if ((size_t)(q - start) > best.len)
			best = (struct literal){ start, (size_t)(q - start) };
		if (p < end && *p == '[')
			p = segment_end_of(p, end);
		if (p >= end)
			return best;
		start = p + 1;
	}
}

/* glob = ..., with the literal of each glob for globs_match. */
static void opt_globs(lua_State *L, int opts, struct file_filter *f)
{
	struct literal *literals;

	opt_strings(L, opts, "glob", &f->globs);
	if (!f->globs.items)
		return;
	literals = lua_newuserdatauv(L, f->globs.count * sizeof *literals, 0);
	for (size_t i = 0; i < f->globs.count; i++)
		literals[i] = glob_literal(f->globs.items[i]);
	f->glob_literals = literals;
}

/* The options repo:files and repo:grep share: glob and status. */
static void opt_selection(lua_State *L, int opts, const cr_graph *g,
	struct file_filter *f)
{
	opt_globs(L, opts, f);
	f->status = opt_choice(L, opts, "status", status_names);
	f->status_key = cr_graph_key(g, "status");
	f->type_key = cr_graph_key(g, "type");
	f->language_key = cr_graph_key(g, "language");
	f->ext_key = cr_graph_key(g, "ext");
	f->size_key = cr_graph_key(g, "size");
}

static bool attr_is(const cr_graph *g, cr_node_id id, cr_key key,
	const char *want)
{
	return !want || strcmp(cr_node_str_key(g, id, key, ""), want) == 0;
}

static bool in_set(const struct string_set *set, const char *s)
{
	if (!set->items)
		return true;
	/* the first byte settles most comparisons without a call */
	for (size_t i = 0; s && i < set->count; i++)
		if (set->items[i][0] == s[0] && strcmp(set->items[i], s) == 0)
			return true;
	return false;
}

/* memmem() for the short strings that paths are, without its set-up cost. */
static bool holds(const char *s, size_t n, const struct literal *lit)
{
	const char *last;

	if (n < lit->len)
		return false;
	last = s + n - lit->len;
	for (const char *p = s; p <= last &&
	     (p = memchr(p, lit->start[0], (size_t)(last - p) + 1)); p++)
		if (memcmp(p, lit->start, lit->len) == 0)
			return true;
	return false;
}

static bool globs_match(const struct file_filter *f, const char *path)
{
	size_t len;

	if (!f->globs.items)
		return true;
	len = strlen(path);
	for (size_t i = 0; i < f->globs.count; i++) {
		const struct literal *lit = &f->glob_literals[i];

		if ((!lit->len || holds(path, len, lit)) &&
		    cr_glob_match(f->globs.items[i], path))
			return true;
	}
	return false;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/*
 * Cheapest tests first: this runs for every file of the tree.  The path
 * is at hand, attributes are looked up in the node's list, so the tests
 * on the path go first.
 */
static bool file_selected(const cr_graph *g, cr_node_id id,
	const struct file_filter *f)
{
	const char *path = cr_node_path(g, id);
	const char *status;
	cr_value size;

	if (!path || !in_set(&f->name, basename_of(path)) ||
	    !globs_match(f, path))
		return false;
	status = cr_node_str_key(g, id, f->status_key, "");
	if (f->status ? strcmp(status, f->status) != 0 :
			strcmp(status, "ignored") == 0)
		return false;
	if (!in_set(&f->ext, cr_node_str_key(g, id, f->ext_key, "")))
		return false;
	if (f->min_size && (!cr_node_attr_key(g, id, f->size_key, &size) ||
			       size.type != CR_T_INT || size.u.i < f->min_size))
		return false;
	return attr_is(g, id, f->type_key, f->type) &&
		attr_is(g, id, f->language_key, f->language);
}

/* --- file and node objects ----------------------------------------------- */

cr_node_id cr_lua_check_node(lua_State *L, int idx, const cr_graph **g)
{
	const node_ud *n = luaL_checkudata(L, idx, NODE_MT);

	*g = n->g;
	return n->id;
}

static node_ud *check_node(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, NODE_MT);
}

static bool node_binary(lua_State *L, node_ud *n)
{
	bool binary = false;

	if (n->binary < 0) {
		if (is_regular_file(n->g, n->id) &&
		    cr_file_is_binary(&binary, get_bindings(L)->ctx, n->g,
			    cr_node_path(n->g, n->id)) < 0)
			binary = false;
		n->binary = binary;
	}
	return n->binary;
}

/* Push the node's text, or nil when it has none (see load_text). */
static bool push_text(lua_State *L, const node_ud *n)
{
	bindings *b = get_bindings(L);
	size_t len;

	if (!load_text(b, n->g, n->id, &len)) {
		lua_pushnil(L);
		return false;
	}
	lua_pushlstring(L, b->buf, len);
	release_buf(b);
	return true;
}

static int file_text(lua_State *L)
{
	push_text(L, check_node(L, 1));
	return 1;
}

/* The iterator of f:lines(); upvalues: text, next offset, line number. */
static int lines_next(lua_State *L)
{
	struct line_cursor c;
	size_t size;
	const char *text = lua_tolstring(L, lua_upvalueindex(1), &size);

	c.pos = (size_t)lua_tointeger(L, lua_upvalueindex(2));
	c.number = lua_tointeger(L, lua_upvalueindex(3));
	if (!next_line(text, size, &c))
		return 0;
	lua_pushinteger(L, (lua_Integer)c.pos);
	lua_replace(L, lua_upvalueindex(2));
	lua_pushinteger(L, c.number);
	lua_replace(L, lua_upvalueindex(3));
	lua_pushinteger(L, c.number);
	lua_pushlstring(L, c.line, c.len);
	return 2;
}

static int file_lines(lua_State *L)
{
	if (!push_text(L, check_node(L, 1))) {
		lua_pop(L, 1);
		lua_pushliteral(L, "");
	}
	lua_pushinteger(L, 0);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, lines_next, 3);
	return 1;
}

static int file_find(lua_State *L)
{
	node_ud *n = check_node(L, 1);
	bindings *b = get_bindings(L);
	cr_regex *re = check_regex(L, b, 2);
	struct line_cursor c = {0};
	size_t size;
	int rc;

	if (!load_text(b, n->g, n->id, &size)) {
		lua_pushnil(L);
		return 1;
	}
	rc = next_match(b, re, size, &c);
	if (rc < 0) {
		release_buf(b);
		return luaL_error(L, "%s", cr_ctx_error(b->ctx));
	}
	if (rc == 0) {
		release_buf(b);
		lua_pushnil(L);
		return 1;
	}
	lua_pushinteger(L, c.number);
	lua_pushlstring(L, c.line, c.len);
	release_buf(b);
	return 2;
}

static int node_edges(lua_State *L)
{
	node_ud *n = check_node(L, 1);
	const char *label = luaL_optstring(L, 2, NULL);
	size_t count = cr_node_edge_count(n->g, n->id);
	lua_Integer found = 0;

	lua_newtable(L);
	for (size_t i = 0; i < count; i++) {
		cr_node_id to;
		const char *l = cr_node_edge_at(n->g, n->id, i, &to);

		if (label && strcmp(l, label) != 0)
			continue;
		cr_lua_push_node(L, n->g, to);
		lua_rawseti(L, -2, ++found);
	}
	return 1;
}

/* kind, path and line come from the node itself, not its attributes. */
static bool push_provenance(lua_State *L, const node_ud *n, const char *key)
{
	if (strcmp(key, "kind") == 0) {
		lua_pushstring(L, cr_node_kind(n->g, n->id));
	} else if (strcmp(key, "path") == 0) {
		lua_pushstring(L, cr_node_path(n->g, n->id));
	} else if (strcmp(key, "line") == 0) {
		uint32_t line = cr_node_line(n->g, n->id);

		if (line)
			lua_pushinteger(L, line);
		else
			lua_pushnil(L);
	} else {
		return false;
	}
	return true;
}

/*
 * __index of nodes.  Upvalues: the methods of every node and those of
 * file nodes.  Methods and provenance come first, then (file nodes) the
 * lazy `binary`, then the node's attributes; anything else is nil.
 */
static int node_index(lua_State *L)
{
	node_ud *n = check_node(L, 1);
	bool file = is_file_node(n->g, n->id);
	const char *key;
	cr_value v;

	if (lua_type(L, 2) != LUA_TSTRING)
		return 0;
	key = lua_tostring(L, 2);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(file ? 2 : 1)) != LUA_TNIL)
		return 1;
	if (push_provenance(L, n, key))
		return 1;
	if (file && strcmp(key, "binary") == 0) {
		lua_pushboolean(L, node_binary(L, n));
		return 1;
	}
	if (cr_node_attr(n->g, n->id, key, &v)) {
		cr_lua_push_value(L, &v);
		return 1;
	}
	return cr_lua_push_node_extra(L, n->g, n->id, key) ? 1 : 0;
}

static int node_eq(lua_State *L)
{
	const node_ud *a = check_node(L, 1), *b = check_node(L, 2);

	lua_pushboolean(L, a->g == b->g && a->id == b->id);
	return 1;
}

static int node_tostring(lua_State *L)
{
	const node_ud *n = check_node(L, 1);
	const char *kind = cr_node_kind(n->g, n->id);
	const char *path = cr_node_path(n->g, n->id);
	uint32_t line = cr_node_line(n->g, n->id);

	if (!path)
		lua_pushfstring(L, "%s #%d", kind, (int)n->id);
	else if (line)
		lua_pushfstring(L, "%s %s:%d", kind, path, (int)line);
	else
		lua_pushfstring(L, "%s %s", kind, path);
	return 1;
}

/* --- the repo object ----------------------------------------------------- */

static const repo_ud *check_repo(lua_State *L)
{
	return luaL_checkudata(L, 1, REPO_MT);
}

const cr_graph *cr_lua_check_repo(lua_State *L, int idx)
{
	const repo_ud *r = luaL_checkudata(L, idx, REPO_MT);

	return r->g;
}

/* The options of repo:files and repo:count, from the table at stack
 * index 2; returns the limit. */
static lua_Integer opt_files(lua_State *L, const cr_graph *g,
	struct file_filter *f)
{
	static const char *const known[] = {
		"glob", "status", "type", "language", "ext", "name", "min_size",
		"limit", NULL
	};
	int opts = opt_table(L, 2, known);

	opt_selection(L, opts, g, f);
	f->type = opt_choice(L, opts, "type", type_names);
	f->language = opt_string(L, opts, "language");
	opt_strings(L, opts, "ext", &f->ext);
	for (size_t i = 0; i < f->ext.count; i++)
		if (f->ext.items[i][0] == '.')
			luaL_error(L, "option 'ext' is written without the dot "
				"(ext = \"%s\")", f->ext.items[i] + 1);
	opt_strings(L, opts, "name", &f->name);
	f->min_size = opt_positive(L, opts, "min_size", 0);
	return opt_positive(L, opts, "limit", LUA_MAXINTEGER);
}

/* Count the selected files up to `limit`; with `push`, also append each
 * one's object to the table on top of the stack. */
static lua_Integer select_files(lua_State *L, const cr_graph *g,
	const struct file_filter *f, lua_Integer limit, bool push)
{
	lua_Integer found = 0;
	const cr_node_id *ids;
	size_t count;

	ids = cr_graph_nodes(g, "file", &count);
	for (size_t i = 0; i < count && found < limit; i++) {
		if (!file_selected(g, ids[i], f))
			continue;
		found++;
		if (push) {
			cr_lua_push_node(L, g, ids[i]);
			lua_rawseti(L, -2, found);
		}
	}
	return found;
}

static int repo_files(lua_State *L)
{
	const repo_ud *r = check_repo(L);
	struct file_filter f = {0};
	lua_Integer limit = opt_files(L, r->g, &f);

	lua_newtable(L);
	select_files(L, r->g, &f, limit, true);
	return 1;
}

/* repo:files without the objects: cheap on any tree. */
static int repo_count(lua_State *L)
{
	const repo_ud *r = check_repo(L);
	struct file_filter f = {0};
	lua_Integer limit = opt_files(L, r->g, &f);

	lua_pushinteger(L, select_files(L, r->g, &f, limit, false));
	return 1;
}

static int repo_file(lua_State *L)
{
	const repo_ud *r = check_repo(L);
	cr_node_id id = cr_graph_find(r->g, "file", luaL_checkstring(L, 2));

	if (id)
		cr_lua_push_node(L, r->g, id);
	else
		lua_pushnil(L);
	return 1;
}

static void push_grep_match(lua_State *L, const char *path,
	const struct line_cursor *c, const char *match, size_t match_len)
{
	lua_createtable(L, 0, 4);
	lua_pushstring(L, path);
	lua_setfield(L, -2, "path");
	lua_pushinteger(L, c->number);
	lua_setfield(L, -2, "line");
	lua_pushlstring(L, c->line,
		cr_utf8_clip(c->line, c->len, GREP_TEXT_MAX));
	lua_setfield(L, -2, "text");
	lua_pushlstring(L, match, match_len);
	lua_setfield(L, -2, "match");
}

/* Append the matches in b->buf to the table on top of the stack, up to
 * max in total.  Returns 0 or the negative code of a failed match. */
static int grep_buffer(lua_State *L, bindings *b, cr_regex *re,
	const char *path, size_t size, lua_Integer max, lua_Integer *found)
{
	struct line_cursor c = {0};
	size_t start, end;

	while (*found < max) {
		int rc = next_match(b, re, size, &c);

		if (rc <= 0)
			return rc;
		cr_regex_group(re, 0, &start, &end);
		push_grep_match(L, path, &c, c.line + start, end - start);
		lua_rawseti(L, -2, ++*found);
	}
	return 0;
}

static int repo_grep(lua_State *L)
{
	static const char *const known[] = { "glob", "status", "max", NULL };
	const repo_ud *r = check_repo(L);
	int opts = opt_table(L, 3, known);
	struct file_filter f = { .type = "file" };
	const cr_node_id *ids;
	lua_Integer max, found = 0;
	size_t count, size;
	cr_regex *re;
	bindings *b;

	opt_selection(L, opts, r->g, &f);
	max = opt_positive(L, opts, "max", GREP_DEFAULT_MAX);
	b = get_bindings(L);
	re = check_regex(L, b, 2);
	ids = cr_graph_nodes(r->g, "file", &count);
	lua_newtable(L);
	for (size_t i = 0; i < count && found < max; i++) {
		int rc;

		if (!file_selected(r->g, ids[i], &f) ||
		    !load_text(b, r->g, ids[i], &size))
			continue;
		rc = grep_buffer(L, b, re, cr_node_path(r->g, ids[i]), size,
			max, &found);
		release_buf(b);
		if (rc < 0)
			return luaL_error(L, "%s", cr_ctx_error(b->ctx));
	}
	return 1;
}

static void push_git(lua_State *L, const cr_graph *g)
{
	cr_node_id id = single_node(g, "git");
	size_t count;

	if (!id) {
		lua_pushnil(L);
		return;
	}
	count = cr_node_attr_count(g, id);
	lua_createtable(L, 0, (int)count);
	for (size_t i = 0; i < count; i++) {
		cr_value v;
		const char *key = cr_node_attr_at(g, id, i, &v);

		cr_lua_push_value(L, &v);
		lua_setfield(L, -2, key);
	}
}

static void push_stats(lua_State *L, const cr_graph *g)
{
	cr_node_id id = single_node(g, "repo");

	lua_createtable(L, 0, 2);
	lua_pushinteger(L, cr_node_int(g, id, "files", 0));
	lua_setfield(L, -2, "files");
	lua_pushinteger(L, cr_node_int(g, id, "bytes", 0));
	lua_setfield(L, -2, "bytes");
}

/* __index of the repo.  Upvalue: the table of its methods. */
static int repo_index(lua_State *L)
{
	const repo_ud *r = check_repo(L);
	const char *key;

	if (lua_type(L, 2) != LUA_TSTRING)
		return 0;
	key = lua_tostring(L, 2);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (strcmp(key, "name") == 0)
		lua_pushstring(L, cr_node_str(r->g, single_node(r->g, "repo"),
			"name", NULL));
	else if (strcmp(key, "is_git") == 0)
		lua_pushboolean(L, cr_node_bool(r->g,
			single_node(r->g, "repo"), "is_git", false));
	else if (strcmp(key, "stats") == 0)
		push_stats(L, r->g);
	else if (strcmp(key, "git") == 0)
		push_git(L, r->g);
	else
		return 0;
	return 1;
}

/* --- stdlib -------------------------------------------------------------- */

static int lib_glob(lua_State *L)
{
	const char *pattern = luaL_checkstring(L, 1);

	lua_pushboolean(L, cr_glob_match(pattern, luaL_checkstring(L, 2)));
	return 1;
}

static int lib_match(lua_State *L)
{
	size_t len, groups, start, end;
	const char *subject = luaL_checklstring(L, 2, &len);
	bindings *b = get_bindings(L);
	cr_regex *re = check_regex(L, b, 1);
	int rc = cr_regex_exec(re, b->ctx, subject, len);

	if (rc < 0)
		return luaL_error(L, "%s", cr_ctx_error(b->ctx));
	if (rc == 0) {
		lua_pushnil(L);
		return 1;
	}
	groups = cr_regex_group_count(re);
	luaL_checkstack(L, (int)groups, "too many regex groups");
	for (size_t i = 0; i < groups; i++) {
		if (cr_regex_group(re, i, &start, &end))
			lua_pushlstring(L, subject + start, end - start);
		else
			lua_pushnil(L);
	}
	return (int)groups;
}

/* --- types and entry points ---------------------------------------------- */

static void finish_type(lua_State *L, const char *name, const luaL_Reg *meta)
{
	if (meta)
		luaL_setfuncs(L, meta, 0);
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__metatable");
}

static void register_types(lua_State *L)
{
	static const luaL_Reg repo_methods[] = {
		{ "files", repo_files }, { "count", repo_count },
		{ "file", repo_file },
		{ "grep", repo_grep }, { "nodes", cr_lua_repo_nodes },
		{ NULL, NULL }
	};
	static const luaL_Reg node_methods[] = {
		{ "edges", node_edges }, { NULL, NULL }
	};
	static const luaL_Reg file_methods[] = {
		{ "edges", node_edges }, { "lines", file_lines },
		{ "text", file_text }, { "find", file_find }, { NULL, NULL }
	};
	static const luaL_Reg node_meta[] = {
		{ "__eq", node_eq }, { "__tostring", node_tostring },
		{ NULL, NULL }
	};
	static const luaL_Reg bindings_meta[] = {
		{ "__gc", bindings_gc }, { NULL, NULL }
	};

	if (luaL_newmetatable(L, REPO_MT)) {
		luaL_newlib(L, repo_methods);
		cr_lua_add_fact_methods(L, -1);
		lua_pushcclosure(L, repo_index, 1);
		lua_setfield(L, -2, "__index");
		finish_type(L, REPO_MT, NULL);
	}
	if (luaL_newmetatable(L, NODE_MT)) {
		luaL_newlib(L, node_methods);
		luaL_newlib(L, file_methods);
		lua_pushcclosure(L, node_index, 2);
		lua_setfield(L, -2, "__index");
		finish_type(L, NODE_MT, node_meta);
	}
	if (luaL_newmetatable(L, BINDINGS_MT))
		finish_type(L, BINDINGS_MT, bindings_meta);
	lua_pop(L, 3);
}

void cr_lua_push_repo(lua_State *L, const cr_graph *g)
{
	repo_ud *r;

	register_types(L);
	r = lua_newuserdatauv(L, sizeof *r, 0);
	r->g = g;
	luaL_setmetatable(L, REPO_MT);
}

void cr_lua_register_stdlib(lua_State *L, int idx)
{
	static const luaL_Reg stdlib[] = {
		{ "glob", lib_glob }, { "match", lib_match }, { NULL, NULL }
	};

	idx = lua_absindex(L, idx);
	register_types(L);
	lua_pushvalue(L, idx);
	luaL_setfuncs(L, stdlib, 0);
	lua_pop(L, 1);
}
