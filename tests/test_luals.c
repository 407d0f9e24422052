/*
 * test_luals.c - the LuaLS annotation file (contrib/luals/crucible.lua)
 * stays true to the engine: it is valid Lua, it annotates every repo
 * method and every edge method of vm/lua_facts.c's tables with the right
 * shape (an array of a declared class, or one node or nil), and every
 * class it names is declared.  The facts the collectors find in the test
 * fixtures are annotated too: every attribute and edge of every kind.
 * Adding a fact kind, an attribute or an edge without annotating it
 * fails here.
 */
#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/facts.h"
#include "tests/helpers.h"
#include "vm/lua_graph.h"

#define ANNOTATIONS CRUCIBLE_SOURCE_DIR "/contrib/luals/crucible.lua"

/* The annotation file split into lines (the buffer is modified). */
struct annotations {
	char *text;
	size_t text_len;
	char *copy;
	char **lines;
	size_t count;
};

static void annotations_load(struct annotations *a)
{
	size_t cap = 0;

	memset(a, 0, sizeof *a);
	a->text = th_read(ANNOTATIONS);
	assert_non_null(a->text);
	a->text_len = strlen(a->text);
	a->copy = strdup(a->text);
	assert_non_null(a->copy);
	for (char *p = a->copy; p && *p;) {
		char *nl = strchr(p, '\n');

		if (a->count == cap) {
			cap = cap ? cap * 2 : 256;
			a->lines = realloc(a->lines, cap * sizeof *a->lines);
			assert_non_null(a->lines);
		}
		a->lines[a->count++] = p;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}
}

static void annotations_free(struct annotations *a)
{
	free(a->text);
	free(a->copy);
	free(a->lines);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The line declaring `function <owner>:<method>(`, or -1.  With owner
 * NULL, any owner but Repo (whose methods are not edges) and the first
 * line from `from` on. */
static long find_method(const struct annotations *a, const char *owner,
	const char *method, size_t from)
{
	for (size_t i = from; i < a->count; i++) {
		const char *l = a->lines[i], *colon;
		size_t len = strlen(method);

		if (!starts_with(l, "function "))
			continue;
		l += strlen("function ");
		colon = strchr(l, ':');
		if (!colon || strncmp(colon + 1, method, len) != 0 ||
		    colon[1 + len] != '(')
			continue;
		if (owner ? (size_t)(colon - l) == strlen(owner) &&
			    strncmp(l, owner, strlen(owner)) == 0 :
			    !starts_with(l, "Repo:"))
			return (long)i;
	}
	return -1;
}

/* The type of the first ---@return of the comment block above line i,
 * copied into out; false when there is none. */
static bool return_type_of(const struct annotations *a, long i, char *out,
	size_t size)
{
	long start = i;

	while (start > 0 && starts_with(a->lines[start - 1], "---"))
		start--;
	for (long k = start; k < i; k++) {
		const char *l = a->lines[k];
		size_t n;

		if (!starts_with(l, "---@return "))
			continue;
		l += strlen("---@return ");
		n = strcspn(l, " ");
		snprintf(out, size, "%.*s", (int)n, l);
		return true;
	}
	return false;
}

/* The line `<tag><name>` declaring exactly name[0, len) (`---@class `
 * or `---@alias `), or -1. */
static long tag_line(const struct annotations *a, const char *tag,
	const char *name, size_t len)
{
	size_t skip = strlen(tag);

	for (size_t i = 0; i < a->count; i++) {
		const char *l = a->lines[i];

		if (starts_with(l, tag) && strncmp(l + skip, name, len) == 0 &&
		    !is_name_char(l[skip + len]))
			return (long)i;
	}
	return -1;
}

static bool declared(const struct annotations *a, const char *name,
	size_t len)
{
	return tag_line(a, "---@class ", name, len) >= 0 ||
	       tag_line(a, "---@alias ", name, len) >= 0;
}

/* The line `---@alias <name> ...`; fails the test when there is none. */
static const char *alias_line(const struct annotations *a, const char *name)
{
	long line = tag_line(a, "---@alias ", name, strlen(name));

	if (line < 0)
		fail_msg("no ---@alias %s", name);
	return a->lines[line];
}

static void assert_declared(const struct annotations *a, const char *name,
	size_t len, const char *context)
{
	if (!declared(a, name, len))
		fail_msg("%s names '%.*s', which no ---@class or ---@alias "
			"declares", context, (int)len, name);
}

/* (a) The file is Lua source; it runs, and defines what it promises. */
static void test_parses_and_runs(void **state)
{
	static const char *const globals[] = {
		"pass", "fail", "warn", "skip", "score"
	};
	struct annotations a;
	lua_State *L = luaL_newstate();

	(void)state;
	assert_non_null(L);
	luaL_openlibs(L);
	annotations_load(&a);
	assert_int_equal(luaL_loadbufferx(L, a.text, a.text_len,
		"=crucible.lua", "t"), LUA_OK);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK)
		fail_msg("running the annotations: %s", lua_tostring(L, -1));
	assert_int_equal(lua_getglobal(L, "crucible"), LUA_TTABLE);
	assert_true(lua_rawequal(L, -1, -2));
	for (size_t i = 0; i < 3; i++) {
		static const char *const fns[] = { "policy", "glob", "match" };

		assert_int_equal(lua_getfield(L, -1, fns[i]), LUA_TFUNCTION);
		lua_pop(L, 1);
	}
	for (size_t i = 0; i < sizeof globals / sizeof *globals; i++) {
		assert_int_equal(lua_getglobal(L, globals[i]), LUA_TFUNCTION);
		lua_pop(L, 1);
	}
	lua_close(L);
	annotations_free(&a);
}

/* (b) Every repo:<plural> of the kind table returns an array of a
 * declared class, and every kind is in the NodeKind alias. */
static void test_every_repo_method(void **state)
{
	struct annotations a;
	const char *method, *kind, *node_kinds;
	size_t n = 0;

	(void)state;
	annotations_load(&a);
	node_kinds = alias_line(&a, "NodeKind");
	for (; (method = cr_lua_fact_method_at(n, &kind)); n++) {
		char type[128], quoted[64];
		long line = find_method(&a, "Repo", method, 0);
		size_t len;

		if (line < 0)
			fail_msg("repo:%s() is not annotated "
				"(function Repo:%s(filters))", method, method);
		if (!return_type_of(&a, line, type, sizeof type))
			fail_msg("Repo:%s has no ---@return", method);
		len = strlen(type);
		if (len < 3 || strcmp(type + len - 2, "[]") != 0)
			fail_msg("Repo:%s returns '%s', not an array", method,
				type);
		assert_declared(&a, type, len - 2, method);
		snprintf(quoted, sizeof quoted, "\"%s\"", kind);
		if (!strstr(node_kinds, quoted))
			fail_msg("kind %s is not in the NodeKind alias", kind);
	}
	assert_true(n > 20);
	annotations_free(&a);
}

/* (b) Every edge label is a method of some class, returning one node or
 * nil for a single-valued label and an array otherwise; a label that an
 * attribute shadows is documented as n:edges("<label>") instead. */
static void test_every_edge_method(void **state)
{
	struct annotations a;
	const char *label;
	bool single;
	size_t n = 0;

	(void)state;
	annotations_load(&a);
	for (; (label = cr_lua_edge_method_at(n, &single)); n++) {
		char shadowed[80], type[128];
		long line = find_method(&a, NULL, label, 0);

		snprintf(shadowed, sizeof shadowed, "edges(\"%s\")", label);
		if (line < 0 && !strstr(a.text, shadowed))
			fail_msg("edge method %s() is not annotated", label);
		for (; line >= 0; line = find_method(&a, NULL, label,
						     (size_t)line + 1)) {
			size_t len;

			if (!return_type_of(&a, line, type, sizeof type))
				fail_msg("%s has no ---@return",
					a.lines[line]);
			len = strlen(type);
			if (single ? type[len - 1] != '?' :
				     len < 3 || strcmp(type + len - 2, "[]"))
				fail_msg("%s returns '%s', but %s is %s",
					a.lines[line], type, label, single ?
					"single-valued (T?)" : "a list (T[])");
			assert_declared(&a, type, len - (single ? 1 : 2),
				a.lines[line]);
		}
	}
	assert_true(n > 20);
	annotations_free(&a);
}

/* The end of the type expression at s: brackets, braces, parentheses and
 * quotes nest; a space outside them ends it. */
static const char *type_end(const char *start)
{
	const char *s = start;
	int depth = 0;
	char quote = 0;

	for (; *s; s++) {
		if (quote) {
			quote = *s == quote ? 0 : quote;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (strchr("<{([", *s)) {
			depth++;
		} else if (strchr(">})]", *s)) {
			depth--;
		} else if (isspace((unsigned char)*s) && depth <= 0) {
			/* "fun(...): T" goes on after its colon. */
			if (s == start || s[-1] != ':')
				break;
		}
	}
	return s;
}

/* Every capitalised name in [s, end), outside quotes, is declared. */
static void check_type_names(const struct annotations *a, const char *s,
	const char *end, const char *context)
{
	while (s < end) {
		const char *start = s;

		if (*s == '"' || *s == '\'') {
			const char *close = memchr(s + 1, *s,
				(size_t)(end - s - 1));

			s = close ? close + 1 : end;
			continue;
		}
		if (!is_name_char(*s)) {
			s++;
			continue;
		}
		while (s < end && is_name_char(*s))
			s++;
		if (isupper((unsigned char)*start))
			assert_declared(a, start, (size_t)(s - start),
				context);
	}
}

/* Skip the name of a ---@field or ---@param: `name`, `name?`,
 * `["if"]?` or `[string]`. */
static const char *skip_member_name(const char *l)
{
	l = type_end(l);
	while (isspace((unsigned char)*l))
		l++;
	return l;
}

/* Every class or alias that a type in the file mentions is declared, so
 * a misspelt class name cannot slip through. */
static void test_every_type_declared(void **state)
{
	struct annotations a;
	size_t checked = 0;

	(void)state;
	annotations_load(&a);
	for (size_t i = 0; i < a.count; i++) {
		const char *l = a.lines[i], *end;

		if (starts_with(l, "---@field ") ||
		    starts_with(l, "---@param ")) {
			l = skip_member_name(strchr(l, ' ') + 1);
			end = type_end(l);
		} else if (starts_with(l, "---@return ")) {
			l += strlen("---@return ");
			end = type_end(l);
		} else if (starts_with(l, "---@overload ") ||
			   starts_with(l, "---@alias ")) {
			l = strchr(l, ' ') + 1;
			if (starts_with(a.lines[i], "---@alias "))
				l += strcspn(l, " ");
			end = l + strlen(l);
		} else if (starts_with(l, "---@class ") && strchr(l, ':')) {
			l = strchr(l, ':') + 1;
			end = l + strlen(l);
		} else {
			continue;
		}
		check_type_names(&a, l, end, a.lines[i]);
		checked++;
	}
	assert_true(checked > 100);
	annotations_free(&a);
}

/* The Need alias lists exactly the fact kinds of the plan (facts/plan.c),
 * so that the editor offers what `needs` accepts. */
static void test_needs_alias(void **state)
{
	struct annotations a;
	const char *need, *alias;
	size_t quoted = 0;

	(void)state;
	annotations_load(&a);
	alias = alias_line(&a, "Need");
	for (unsigned i = 0; i < CR_FACTS_KIND_COUNT; i++) {
		char want[64];

		assert_non_null(need = cr_facts_kind_name(i));
		snprintf(want, sizeof want, "\"%s\"", need);
		if (!strstr(alias, want))
			fail_msg("needs accepts %s, the Need alias does not "
				"list it", need);
	}
	for (const char *q = alias; (q = strchr(q, '"')); q++)
		quoted++;
	assert_int_equal(quoted, 2 * CR_FACTS_KIND_COUNT);
	annotations_free(&a);
}

/* The name of the class whose block says `---@field kind "<kind>"`. */
static bool class_of_kind(const struct annotations *a, const char *kind,
	char *out, size_t size)
{
	char want[96];
	const char *cls = NULL;

	snprintf(want, sizeof want, "---@field kind \"%s\"", kind);
	for (size_t i = 0; i < a->count; i++) {
		const char *l = a->lines[i];

		if (starts_with(l, "---@class "))
			cls = l + strlen("---@class ");
		else if (!starts_with(l, "---"))
			cls = NULL;
		else if (cls && strcmp(l, want) == 0) {
			snprintf(out, size, "%.*s", (int)strcspn(cls, ": "),
				cls);
			return true;
		}
	}
	return false;
}

/* Whether the ---@field line l names `member` (`name`, `name?`,
 * `["name"]`). */
static bool field_is(const char *l, const char *member, size_t len)
{
	l += strlen("---@field ");
	if (starts_with(l, "[\""))
		return strncmp(l + 2, member, len) == 0 && l[2 + len] == '"';
	return strncmp(l, member, len) == 0 &&
	       (l[len] == ' ' || l[len] == '?');
}

/* Whether class `cls` or one of its parents has a field or a method
 * named member[0, len). */
static bool class_has(const struct annotations *a, const char *cls,
	size_t cls_len, const char *member, size_t len, int depth)
{
	long line = tag_line(a, "---@class ", cls, cls_len);
	char method[96], owner[96];
	const char *parents;

	if (line < 0 || depth > 8)
		return false;
	for (size_t k = (size_t)line + 1; k < a->count &&
	     starts_with(a->lines[k], "---"); k++)
		if (starts_with(a->lines[k], "---@field ") &&
		    field_is(a->lines[k], member, len))
			return true;
	snprintf(owner, sizeof owner, "%.*s", (int)cls_len, cls);
	snprintf(method, sizeof method, "%.*s", (int)len, member);
	if (find_method(a, owner, method, 0) >= 0)
		return true;
	parents = strchr(a->lines[line], ':');
	while (parents && *parents) {
		size_t n;

		parents += strspn(parents, ":, ");
		n = strspn(parents, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"abcdefghijklmnopqrstuvwxyz0123456789_");
		if (!n)
			break;
		if (class_has(a, parents, n, member, len, depth + 1))
			return true;
		parents += n;
	}
	return false;
}

/* (c) Collect the facts of the test fixtures, and find every kind, every
 * attribute (by its first dotted segment, the field a policy reads) and
 * every edge label in the annotations. */
static void test_fixture_facts_annotated(void **state)
{
	cr_facts_options opts;
	struct annotations a;
	cr_graph *g = NULL;
	cr_ctx *ctx = NULL;
	size_t kinds = 0;

	(void)state;
	annotations_load(&a);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	cr_facts_options_default(&opts);
	/* The fixtures sit inside crucible's own repository: its history
	 * is not what this test is about. */
	opts.collectors &= ~(unsigned)CR_FACTS_HISTORY;
	opts.cache = false;
	assert_int_equal(cr_facts_collect_with(&g, ctx, CRUCIBLE_FIXTURES,
		&opts), CR_OK);
	for (cr_node_id id = 1; id <= cr_graph_count(g); id++) {
		const char *kind = cr_node_kind(g, id), *name;
		char cls[64];
		size_t count;
		cr_value v;
		cr_node_id to;

		if (!class_of_kind(&a, kind, cls, sizeof cls))
			fail_msg("kind %s has no class (---@field kind \"%s\")",
				kind, kind);
		kinds += cr_graph_nodes(g, kind, &count)[0] == id;
		for (size_t i = 0; i < cr_node_attr_count(g, id); i++) {
			name = cr_node_attr_at(g, id, i, &v);
			if (!class_has(&a, cls, strlen(cls), name,
				       strcspn(name, "."), 0))
				fail_msg("%s (kind %s) has no field for the "
					"attribute %s", cls, kind, name);
		}
		for (size_t i = 0; i < cr_node_edge_count(g, id); i++) {
			name = cr_node_edge_at(g, id, i, &to);
			if (!class_has(&a, cls, strlen(cls), name,
				       strlen(name), 0))
				fail_msg("%s (kind %s) has no method for the "
					"edge %s", cls, kind, name);
		}
	}
	assert_true(kinds > 30);
	cr_graph_free(g);
	cr_ctx_free(ctx);
	annotations_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_and_runs),
		cmocka_unit_test(test_every_repo_method),
		cmocka_unit_test(test_every_edge_method),
		cmocka_unit_test(test_every_type_declared),
		cmocka_unit_test(test_fixture_facts_annotated),
		cmocka_unit_test(test_needs_alias),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
