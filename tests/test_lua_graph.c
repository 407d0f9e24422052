/*
 * test_lua_graph.c - the Lua bindings of the fact graph (vm/lua_graph.c):
 * the repo object, file and node objects, crucible.glob and
 * crucible.match.  Graphs are built by hand over a temporary directory, and
 * every check is a Lua snippet that asserts, run in a plain lua_State.
 */
#include "tests/helpers.h"
#include "tests/lua_snippets.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crucible/graph.h"
#include "vm/lua_graph.h"

struct fixture {
	char *dir;
	cr_graph *g;
	lua_State *L;
};

static void must(int rc)
{
	if (rc < 0)
		fail_msg("graph call failed with %d", rc);
}

static void write_bytes(const char *dir, const char *rel, const char *data,
	size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* A "file" node with the attributes of files.h. */
static cr_node_id add_file(cr_graph *g, const char *path, const char *type,
	const char *status, const char *language, int64_t size)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *dot = strrchr(name, '.');
	cr_node_id id;

	must(cr_graph_add(g, &id, "file", path, 0));
	must(cr_graph_set_str(g, id, "name", name));
	must(cr_graph_set_str(g, id, "ext", dot ? dot + 1 : ""));
	must(cr_graph_set_str(g, id, "type", type));
	must(cr_graph_set_int(g, id, "size", size));
	must(cr_graph_set_int(g, id, "mode", 33188));
	must(cr_graph_set_bool(g, id, "executable", false));
	must(cr_graph_set_str(g, id, "status", status));
	if (language)
		must(cr_graph_set_str(g, id, "language", language));
	return id;
}

static const char readme[] = "# demo\nline two\r\nthird";

static void build_repo(struct fixture *fx, bool with_git)
{
	static char longline[400];
	char link[4096];
	cr_graph *g;
	cr_node_id id, manifest, dep, main_py;

	fx->dir = th_tempdir();
	th_write(fx->dir, "README.md", readme);
	th_write(fx->dir, "keys/server.pem",
		"-----BEGIN PRIVATE KEY-----\nabc\n");
	th_write(fx->dir, "src/main.py", "print('hi')\nSECRET = 'x'\n");
	th_write(fx->dir, "build/out.pem", "SECRET in an ignored file\n");
	th_write(fx->dir, "empty.txt", "");
	memset(longline, 'x', sizeof longline - 1);
	memcpy(longline + 190, "SECRET", 6);
	memcpy(longline + 199, "\xc3\xa9", 2); /* an "é" across byte 200 */
	th_write(fx->dir, "long.txt", longline);
	write_bytes(fx->dir, "bin.dat", "SECRET\0binary\n", 14);
	snprintf(link, sizeof link, "%s/link.md", fx->dir);
	assert_int_equal(symlink("README.md", link), 0);

	must(cr_graph_new(&g, fx->dir));
	add_file(g, "README.md", "file", "tracked", "markdown",
		(int64_t)strlen(readme));
	add_file(g, "keys/server.pem", "file", "tracked", NULL, 32);
	main_py = add_file(g, "src/main.py", "file", "untracked", "python", 25);
	add_file(g, "build/out.pem", "file", "ignored", NULL, 26);
	add_file(g, "empty.txt", "file", "tracked", NULL, 0);
	add_file(g, "long.txt", "file", "tracked", NULL, 399);
	add_file(g, "bin.dat", "file", "tracked", NULL, 14);
	id = add_file(g, "link.md", "symlink", "tracked", NULL, 9);
	must(cr_graph_set_str(g, id, "target", "README.md"));
	must(cr_graph_set_bool(g, id, "escapes", false));
	add_file(g, "build", "dir", "ignored", NULL, 0);

	must(cr_graph_add(g, &id, "repo", NULL, 0));
	must(cr_graph_set_str(g, id, "root", fx->dir));
	must(cr_graph_set_str(g, id, "name", "demo"));
	must(cr_graph_set_bool(g, id, "is_git", with_git));
	must(cr_graph_set_int(g, id, "files", 9));
	must(cr_graph_set_int(g, id, "bytes", 1234));
	if (with_git) {
		must(cr_graph_add(g, &id, "git", NULL, 0));
		must(cr_graph_set_str(g, id, "head",
			"0123456789abcdef0123456789abcdef01234567"));
		must(cr_graph_set_str(g, id, "branch", "main"));
		must(cr_graph_set_bool(g, id, "detached", false));
		must(cr_graph_list_push(g, id, "tags", "v1.0"));
		must(cr_graph_list_push(g, id, "tags", "v1.1"));
		must(cr_graph_set_int(g, id, "commits", 42));
		must(cr_graph_set_int(g, id, "authors", 3));
		must(cr_graph_set_str(g, id, "last_commit_date",
			"2024-01-02T00:00:00Z"));
		must(cr_graph_set_bool(g, id, "dirty", true));
	}

	must(cr_graph_add(g, &manifest, "manifest", "package.json", 1));
	must(cr_graph_set_str(g, manifest, "name", "demo"));
	must(cr_graph_set_num(g, manifest, "ratio", 0.5));
	must(cr_graph_set_null(g, manifest, "license"));
	must(cr_graph_list_push(g, manifest, "scripts", "test"));
	must(cr_graph_list_push(g, manifest, "scripts", "build"));
	must(cr_graph_set_str(g, manifest, "text",
		"an attribute, not a method"));
	must(cr_graph_add(g, &dep, "dependency", "package.json", 7));
	must(cr_graph_set_str(g, dep, "name", "lodash"));
	must(cr_graph_add(g, &id, "dependency", "other/package.json", 3));
	must(cr_graph_set_str(g, id, "name", "left-pad"));
	must(cr_graph_link(g, manifest, "declares", dep));
	must(cr_graph_link(g, manifest, "declares", id));
	must(cr_graph_link(g, manifest, "entry", main_py));
	must(cr_graph_freeze(g));
	fx->g = g;
}

static lua_State *new_state(const cr_graph *g)
{
	lua_State *L = luaL_newstate();

	assert_non_null(L);
	luaL_openlibs(L);
	cr_lua_push_repo(L, g);
	lua_setglobal(L, "repo");
	lua_newtable(L);
	cr_lua_register_stdlib(L, -1);
	lua_setglobal(L, "crucible");
	return L;
}

static int setup_with_git(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	build_repo(fx, true);
	fx->L = new_state(fx->g);
	*state = fx;
	return 0;
}

static int setup_without_git(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	build_repo(fx, false);
	fx->L = new_state(fx->g);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	lua_close(fx->L);
	cr_graph_free(fx->g);
	th_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static void test_repo_fields(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"assert(repo.name == 'demo')\n"
		"assert(repo.is_git == true)\n"
		"assert(repo.stats.files == 9 and repo.stats.bytes == 1234)\n"
		"local git = repo.git\n"
		"assert(git.head == '0123456789abcdef0123456789abcdef01234567')\n"
		"assert(git.branch == 'main' and git.detached == false)\n"
		"assert(#git.tags == 2 and git.tags[1] == 'v1.0' and git.tags[2] == 'v1.1')\n"
		"assert(git.commits == 42 and math.type(git.commits) == 'integer')\n"
		"assert(git.authors == 3 and git.dirty == true)\n"
		"assert(git.last_commit_date == '2024-01-02T00:00:00Z')\n"
		"assert(git.remote_url == nil and git.first_commit_date == nil)\n"
		"assert(repo.nothing == nil and repo[1] == nil)\n"
		"assert(getmetatable(repo) == 'crucible.repo')\n"
		"assert(not pcall(setmetatable, repo, {}))\n");
}

static void test_repo_without_git(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"assert(repo.git == nil)\n"
		"assert(repo.is_git == false)\n");
}

static void test_files_default_and_filters(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local function paths(t)\n"
		"  local out = {}\n"
		"  for i, f in ipairs(t) do out[i] = f.path end\n"
		"  return table.concat(out, ',')\n"
		"end\n"
		"assert(paths(repo:files()) == 'README.md,keys/server.pem,"
		"src/main.py,empty.txt,long.txt,bin.dat,link.md', paths(repo:files()))\n"
		"assert(paths(repo:files{glob = '*.pem'}) == 'keys/server.pem')\n"
		"assert(paths(repo:files{glob = '*.pem', status = 'ignored'}) == 'build/out.pem')\n"
		"assert(paths(repo:files{status = 'ignored'}) == 'build/out.pem,build')\n"
		"assert(paths(repo:files{status = 'untracked'}) == 'src/main.py')\n"
		"assert(paths(repo:files{glob = {'*.py', 'README*'}}) == 'README.md,src/main.py')\n"
		"assert(paths(repo:files{glob = {}}) == '')\n"
		"assert(paths(repo:files{type = 'symlink'}) == 'link.md')\n"
		"assert(paths(repo:files{type = 'dir', status = 'ignored'}) == 'build')\n"
		"assert(paths(repo:files{language = 'python'}) == 'src/main.py')\n"
		"assert(paths(repo:files{ext = 'md'}) == 'README.md,link.md')\n"
		"assert(paths(repo:files{ext = 'md', type = 'file'}) == 'README.md')\n"
		"assert(paths(repo:files{limit = 2}) == 'README.md,keys/server.pem')\n"
		"assert(paths(repo:files{glob = 'src/**', limit = 5}) == 'src/main.py')\n"
		"assert(#repo:files(nil) == 7)\n");
	run_error(fx->L, "repo:files{globs = '*.pem'}", "unknown option 'globs'");
	run_error(fx->L, "repo:files{status = 'trackd'}", "expected tracked, untracked, ignored");
	run_error(fx->L, "repo:files{type = 'link'}", "bad option type = 'link'");
	run_error(fx->L, "repo:files{ext = '.pem'}", "without the dot");
	run_error(fx->L, "repo:files{limit = 0}", "positive integer");
	run_error(fx->L, "repo:files{limit = 1.5}", "positive integer");
	run_error(fx->L, "repo:files{glob = {'*.c', 3}}", "item 2 must be a string");
	run_error(fx->L, "repo:files{glob = 3}", "string or an array");
	run_error(fx->L, "repo:files{language = true}", "must be a string");
	run_error(fx->L, "repo:files{[1] = 'x'}", "named fields");
	run_error(fx->L, "repo:files('x')", "table expected");
	run_error(fx->L, "repo.files({})", "crucible.repo expected");
}

static void test_files_name_ext_size(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local function paths(t)\n"
		"  local out = {}\n"
		"  for i, f in ipairs(t) do out[i] = f.path end\n"
		"  return table.concat(out, ',')\n"
		"end\n"
		"assert(paths(repo:files{name = 'main.py'}) == 'src/main.py')\n"
		"assert(paths(repo:files{name = {'empty.txt', 'nope', 'README.md'}}) == "
		"'README.md,empty.txt')\n"
		"assert(paths(repo:files{name = 'server'}) == '')\n"
		"assert(paths(repo:files{name = 'out.pem'}) == '')\n"
		"assert(paths(repo:files{name = 'out.pem', status = 'ignored'}) == "
		"'build/out.pem')\n"
		"assert(paths(repo:files{name = {}}) == '')\n"
		"assert(paths(repo:files{ext = {'txt', 'py'}}) == "
		"'src/main.py,empty.txt,long.txt')\n"
		"assert(paths(repo:files{ext = {'pem'}}) == 'keys/server.pem')\n"
		"assert(paths(repo:files{ext = {}}) == '')\n"
		"assert(paths(repo:files{ext = '', status = 'ignored'}) == 'build')\n"
		"assert(paths(repo:files{min_size = 25}) == "
		"'keys/server.pem,src/main.py,long.txt')\n"
		"assert(paths(repo:files{min_size = 26}) == 'keys/server.pem,long.txt')\n"
		"assert(paths(repo:files{min_size = 400}) == '')\n"
		"assert(#repo:files{min_size = 1, type = 'file'} == 5)\n"
		"assert(paths(repo:files{ext = {'pem', 'txt'}, min_size = 30}) == "
		"'keys/server.pem,long.txt')\n"
		"assert(paths(repo:files{name = {'long.txt', 'empty.txt'}, min_size = 1}) == "
		"'long.txt')\n"
		"assert(paths(repo:files{glob = '*.txt', name = 'empty.txt', ext = 'txt'}) == "
		"'empty.txt')\n"
		"assert(paths(repo:files{glob = 'keys/', ext = 'txt'}) == '')\n"
		"assert(paths(repo:files{ext = 'pem', min_size = 1, status = 'ignored'}) == "
		"'build/out.pem')\n"
		"assert(paths(repo:files{name = 'link.md', type = 'file'}) == '')\n"
		"assert(paths(repo:files{ext = {'md', 'txt'}, limit = 2}) == "
		"'README.md,empty.txt')\n");
	run_error(fx->L, "repo:files{name = 3}",
		"option 'name' must be a string or an array");
	run_error(fx->L, "repo:files{name = {'a', true}}",
		"option 'name' item 2 must be a string");
	run_error(fx->L, "repo:files{ext = {'pem', 1}}",
		"option 'ext' item 2 must be a string");
	run_error(fx->L, "repo:files{ext = {'pem', '.key'}}", "without the dot");
	run_error(fx->L, "repo:files{min_size = 0}", "positive integer");
	run_error(fx->L, "repo:files{min_size = 'big'}",
		"option 'min_size' must be a positive integer");
}

static void test_count(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"assert(repo:count() == 7 and repo:count{} == 7)\n"
		"assert(math.type(repo:count{}) == 'integer')\n"
		"assert(repo:count{ext = 'txt'} == 2)\n"
		"assert(repo:count{ext = 'txt', limit = 1} == 1)\n"
		"assert(repo:count{limit = 3} == 3)\n"
		"assert(repo:count{limit = 100} == 7)\n"
		"assert(repo:count{status = 'ignored'} == 2)\n"
		"assert(repo:count{glob = '*.pem', status = 'ignored'} == 1)\n"
		"assert(repo:count{name = {'main.py', 'bin.dat'}, min_size = 20} == 1)\n"
		"assert(repo:count{name = 'nope'} == 0)\n"
		"for _, opts in ipairs{ {}, {ext = {'md', 'pem'}}, {type = 'file'},\n"
		"    {glob = {'src/', '*.md'}}, {min_size = 20, status = 'tracked'} } do\n"
		"  assert(repo:count(opts) == #repo:files(opts))\n"
		"end\n");
	run_error(fx->L, "repo:count{bogus = 1}", "unknown option 'bogus'");
	run_error(fx->L, "repo:count{glob = 3}", "string or an array");
	run_error(fx->L, "repo:count{min_size = -1}", "positive integer");
	run_error(fx->L, "repo:count{limit = 0}", "positive integer");
	run_error(fx->L, "repo:count('x')", "table expected");
	run_error(fx->L, "repo.count({})", "crucible.repo expected");
}

/*
 * repo:files skips the glob matcher for paths that lack a plain run of
 * the glob; whatever the glob, it must select exactly the paths that
 * crucible.glob accepts.
 */
static void test_files_glob_agrees_with_matcher(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local globs = {\n"
		"  '*.pem', '**/*.pem', 'keys/', '/keys/', '**/keys/**', 'keys/**',\n"
		"  '/keys/*.pem', '[k]eys/*', 'k\\\\eys/*', '**/s?rver.pem', 'src/**',\n"
		"  '*/main.py', '[!a]*/main.py', '[]x]*', '.md', '*.md', 'README.md',\n"
		"  '/README.md', 'build/', 'keys//', '//keys/*', 'k*s/server.pem',\n"
		"  'ke[y/]s/*', '**', '*', '', '/', '**/', 'server', 'ys/ser',\n"
		"  '*ys/ser*', 'server.pem.bak', '.../x', 'build', '*.[pP][eE][mM]',\n"
		"  'keys/server.pem/', 'main.py', 'src/main.py', '\\\\*.md',\n"
		"}\n"
		"for _, g in ipairs(globs) do\n"
		"  for _, opts in ipairs{ {}, {status = 'ignored'} } do\n"
		"    local want = {}\n"
		"    for _, f in ipairs(repo:files(opts)) do\n"
		"      if crucible.glob(g, f.path) then want[#want + 1] = f.path end\n"
		"    end\n"
		"    opts.glob = g\n"
		"    local got = {}\n"
		"    for i, f in ipairs(repo:files(opts)) do got[i] = f.path end\n"
		"    assert(table.concat(got, ',') == table.concat(want, ','), g)\n"
		"    assert(repo:count(opts) == #want, g)\n"
		"  end\n"
		"end\n");
}

static void test_file_object(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local f = repo:file('README.md')\n"
		"assert(f.path == 'README.md' and f.name == 'README.md')\n"
		"assert(f.ext == 'md' and f.type == 'file' and f.kind == 'file')\n"
		"assert(f.size == 22 and f.mode == 33188 and f.executable == false)\n"
		"assert(f.status == 'tracked' and f.language == 'markdown')\n"
		"assert(f.line == nil and f.target == nil and f.escapes == nil)\n"
		"assert(f.binary == false and f.binary == false)\n"
		"assert(repo:file('keys/server.pem').language == nil)\n"
		"assert(repo:file('bin.dat').binary == true)\n"
		"assert(repo:file('build').binary == false)\n"
		"local l = repo:file('link.md')\n"
		"assert(l.type == 'symlink' and l.target == 'README.md')\n"
		"assert(l.escapes == false and l.binary == false)\n"
		"assert(repo:file('missing.txt') == nil)\n"
		"assert(repo:file('/README.md') == nil)\n"
		"assert(f == repo:files{glob = 'README.md'}[1])\n"
		"assert(f ~= repo:file('bin.dat'))\n"
		"assert(tostring(f) == 'file README.md')\n"
		"assert(getmetatable(f) == 'crucible.node')\n"
		"assert(f[1] == nil and f.unknown == nil)\n");
	run_error(fx->L, "repo:file()", "string expected");
}

static void test_file_lines_and_text(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local got = {}\n"
		"for n, text in repo:file('README.md'):lines() do\n"
		"  got[#got + 1] = n .. ':' .. text\n"
		"end\n"
		"assert(table.concat(got, '|') == '1:# demo|2:line two|3:third',\n"
		"  table.concat(got, '|'))\n"
		"for _, p in ipairs{'link.md', 'bin.dat', 'build', 'empty.txt'} do\n"
		"  for n, text in repo:file(p):lines() do\n"
		"    error(p .. ' yielded a line')\n"
		"  end\n"
		"end\n"
		"local f = repo:file('README.md')\n"
		"assert(f:text() == '# demo\\nline two\\r\\nthird')\n"
		"assert(repo:file('empty.txt'):text() == '')\n"
		"assert(repo:file('bin.dat'):text() == nil)\n"
		"assert(repo:file('link.md'):text() == nil)\n"
		"assert(repo:file('build'):text() == nil)\n"
		"local it = f:lines()\n"
		"assert(select('#', it()) == 2)\n"
		"it(); it()\n"
		"assert(it() == nil and it() == nil)\n");
	run_error(fx->L, "repo:file('README.md').text(repo)", "crucible.node expected");
}

static void test_file_too_large(void **state)
{
	struct fixture *fx = *state;
	size_t size = ((size_t)16 << 20) + 1;
	char *big = malloc(size);
	cr_graph *g;
	lua_State *L;

	memset(big, 'a', size);
	big[100] = '\n';
	write_bytes(fx->dir, "big.txt", big, size);
	write_bytes(fx->dir, "max.txt", big, size - 1);
	free(big);
	must(cr_graph_new(&g, fx->dir));
	add_file(g, "big.txt", "file", "tracked", NULL, (int64_t)size);
	add_file(g, "max.txt", "file", "tracked", NULL, (int64_t)size - 1);
	must(cr_graph_freeze(g));
	L = new_state(g);
	run(L,
		"local big = repo:file('big.txt')\n"
		"assert(big:text() == nil and big:find('a') == nil)\n"
		"for _ in big:lines() do error('a line of a too large file') end\n"
		"assert(#repo:grep('a', {glob = 'big.txt'}) == 0)\n"
		"assert(#repo:file('max.txt'):text() == 16 * 1024 * 1024)\n"
		"assert(#repo:grep('^a', {glob = 'max.txt'}) == 2)\n");
	lua_close(L);
	cr_graph_free(g);
}

static void test_file_find(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local n, text = repo:file('src/main.py'):find('SECRET\\\\s*=')\n"
		"assert(n == 2 and text == \"SECRET = 'x'\")\n"
		"assert(repo:file('README.md'):find('^third$') == 3)\n"
		"assert(repo:file('README.md'):find('two$') == 2)\n"
		"assert(repo:file('README.md'):find('nothing') == nil)\n"
		"assert(repo:file('bin.dat'):find('SECRET') == nil)\n"
		"assert(repo:file('link.md'):find('demo') == nil)\n");
	run_error(fx->L, "repo:file('README.md'):find('(')",
		"missing closing parenthesis");
}

static void test_grep(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local m = repo:grep('SECRET')\n"
		"assert(#m == 2, #m)\n"
		"assert(m[1].path == 'src/main.py' and m[1].line == 2)\n"
		"assert(m[1].text == \"SECRET = 'x'\" and m[1].match == 'SECRET')\n"
		"assert(m[2].path == 'long.txt' and m[2].line == 1)\n"
		"assert(#m[2].text == 199, #m[2].text)\n"
		"assert(m[2].text:sub(191, 196) == 'SECRET')\n"
		"local c = repo:grep('S(EC)R', {status = 'ignored'})\n"
		"assert(#c == 1 and c[1].path == 'build/out.pem' and c[1].match == 'SECR')\n"
		"assert(#repo:grep('SECRET', {max = 1}) == 1)\n"
		"assert(#repo:grep('SECRET', {glob = '*.py'}) == 1)\n"
		"assert(#repo:grep('SECRET', {glob = {'*.md', '*.pem'}}) == 0)\n"
		"local d = repo:grep('^(#|third)')\n"
		"assert(#d == 2 and d[1].line == 1 and d[2].line == 3 and d[2].text == 'third')\n"
		"assert(#repo:grep('demo') == 1)\n"
		"assert(#repo:grep('x*') == 8, #repo:grep('x*'))\n");
	run_error(fx->L, "repo:grep('a(b')", "missing closing parenthesis");
	run_error(fx->L, "repo:grep('[z-a]')", "invalid regex \"[z-a]\"");
	run_error(fx->L, "repo:grep('x', {limit = 1})", "unknown option 'limit'");
	run_error(fx->L, "repo:grep('x', {max = -1})", "positive integer");
	run_error(fx->L, "repo:grep()", "string expected");
}

static void test_nodes_and_edges(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"local ms = repo:nodes('manifest')\n"
		"assert(#ms == 1)\n"
		"local m = ms[1]\n"
		"assert(m.kind == 'manifest' and m.path == 'package.json' and m.line == 1)\n"
		"assert(m.name == 'demo' and m.ratio == 0.5 and m.license == nil)\n"
		"assert(#m.scripts == 2 and m.scripts[2] == 'build')\n"
		"assert(m.text == 'an attribute, not a method' and m.lines == nil)\n"
		"assert(m.binary == nil)\n"
		"assert(tostring(m) == 'manifest package.json:1')\n"
		"local deps = m:edges('declares')\n"
		"assert(#deps == 2 and deps[1].name == 'lodash' and deps[2].name == 'left-pad')\n"
		"assert(deps[1].line == 7 and deps[1].kind == 'dependency')\n"
		"assert(#m:edges() == 3 and #m:edges('nothing') == 0)\n"
		"local entry = m:edges('entry')[1]\n"
		"assert(entry == repo:file('src/main.py'))\n"
		"assert(entry:find('print') == 1)\n"
		"assert(#deps[1]:edges() == 0)\n"
		"assert(#repo:nodes('dependency') == 2)\n"
		"local one = repo:nodes('dependency', {path = 'other/package.json'})\n"
		"assert(#one == 1 and one[1].name == 'left-pad')\n"
		"assert(#repo:nodes('dependency', {path = 'nope'}) == 0)\n"
		"assert(#repo:nodes('no-such-kind') == 0)\n"
		"assert(#repo:nodes('repo') == 1 and repo:nodes('repo')[1].path == nil)\n"
		"assert(tostring(repo:nodes('repo')[1]):match('^repo #%d+$'))\n"
		"assert(#repo:nodes('file') == 9)\n");
	run_error(fx->L, "repo:nodes()", "string expected");
	run_error(fx->L, "repo:nodes('x', {kind = 'y'})", "'kind' is not a filter");
}

static void test_stdlib_glob(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"assert(crucible.glob('*.pem', 'a/b/k.pem') == true)\n"
		"assert(crucible.glob('/*.pem', 'a/b/k.pem') == false)\n"
		"assert(crucible.glob('a/**/b', 'a/b') == true)\n"
		"assert(crucible.glob('secrets/', 'secrets/x') == true)\n");
	run_error(fx->L, "crucible.glob('*')", "string expected");
}

static void test_stdlib_match(void **state)
{
	struct fixture *fx = *state;

	run(fx->L,
		"assert(crucible.match('b+', 'abbbc') == 'bbb')\n"
		"assert(crucible.match('x', 'abc') == nil)\n"
		"assert(select('#', crucible.match('x', 'abc')) == 1)\n"
		"local all, k, v = crucible.match('(\\\\w+)=(\\\\d+)', 'port=8080')\n"
		"assert(all == 'port=8080' and k == 'port' and v == '8080')\n"
		"local a, b, c = crucible.match('(a)|(b)', 'b')\n"
		"assert(a == 'b' and b == nil and c == 'b')\n"
		"assert(select('#', crucible.match('(a)|(b)', 'b')) == 3)\n"
		"assert(crucible.match('^\\\\x{e9}$', '\\u{e9}') == '\\u{e9}')\n"
		"assert(crucible.match('.', '\\xff') == nil)\n"
		"assert(crucible.match('a\\0b', 'xa\\0b') == 'a\\0b')\n"
		"for i = 1, 100 do\n"
		"  assert(crucible.match('^v' .. i .. '$', 'v' .. i))\n"
		"  assert(crucible.match('^v1$', 'v1'))\n"
		"end\n");
	run_error(fx->L, "crucible.match('(', 'x')",
		"invalid regex \"(\": missing closing parenthesis at offset 1");
	run_error(fx->L, "crucible.match('(a+)+$', ('a'):rep(30) .. 'b')",
		"too much backtracking");
	run_error(fx->L, "crucible.match('a')", "string expected");
}

struct capped_heap {
	size_t used;
	size_t cap;
};

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct capped_heap *h = ud;
	size_t old = ptr ? osize : 0;
	void *block;

	if (nsize == 0) {
		free(ptr);
		h->used -= old;
		return NULL;
	}
	if (nsize > old && h->used + (nsize - old) > h->cap)
		return NULL;
	block = realloc(ptr, nsize);
	if (block)
		h->used = h->used - old + nsize;
	return block;
}

/*
 * A memory error while repo:grep pushes results (the file buffer and the
 * compiled regex alive) must leak nothing (LeakSanitizer checks it at
 * exit) and leave the bindings usable.
 */
static void test_memory_error_mid_grep(void **state)
{
	struct fixture *fx = *state;
	struct capped_heap heap = { 0, (size_t)64 << 20 };
	char *lines = malloc(20000 * 7 + 1);
	cr_graph *g;
	lua_State *L;

	for (size_t i = 0; i < 20000; i++)
		memcpy(lines + i * 7, "SECRET\n", 7);
	lines[20000 * 7] = '\0';
	th_write(fx->dir, "many.txt", lines);
	free(lines);
	must(cr_graph_new(&g, fx->dir));
	add_file(g, "many.txt", "file", "tracked", NULL, 20000 * 7);
	must(cr_graph_freeze(g));
	L = lua_newstate(capped_alloc, &heap);
	luaL_openlibs(L);
	cr_lua_push_repo(L, g);
	lua_setglobal(L, "repo");
	run(L, "assert(#repo:grep('SECRET', {max = 10}) == 10)");
	heap.cap = heap.used + 256 * 1024;
	run_error(L, "repo:grep('SECRET', {max = 20000})", "not enough memory");
	run_error(L, "local t = {} for n, l in repo:file('many.txt'):lines() do "
		"t[n] = {l} end", "not enough memory");
	heap.cap = (size_t)64 << 20;
	run(L, "assert(#repo:grep('SECRET', {max = 20000}) == 20000)");
	lua_close(L);
	cr_graph_free(g);
}

/* 100,000 file nodes: repo:files{glob = "*.pem"} filters in C. */
static void test_files_large_inventory(void **state)
{
	cr_graph *g;
	lua_State *L;
	char path[64];

	(void)state;
	must(cr_graph_new(&g, "/nonexistent"));
	for (int i = 0; i < 100000; i++) {
		cr_node_id id;

		snprintf(path, sizeof path, "d%d/s%d/f%d.%s", i % 97, i % 13, i,
			i % 1000 == 0 ? "pem" : "txt");
		must(cr_graph_add(g, &id, "file", path, 0));
		must(cr_graph_set_str(g, id, "type", "file"));
		must(cr_graph_set_str(g, id, "status",
			i % 2 ? "tracked" : "untracked"));
	}
	must(cr_graph_freeze(g));
	L = new_state(g);
	run(L,
		"local keys = repo:files{glob = '*.pem'}\n"
		"assert(#keys == 100, #keys)\n"
		"assert(keys[1].path == 'd0/s0/f0.pem')\n"
		"assert(#repo:files{glob = '*.pem', status = 'tracked'} == 0)\n"
		"assert(#repo:files() == 100000)\n"
		"assert(repo:count{} == 100000)\n"
		"assert(repo:count{glob = 's0/'} == 7693)\n"
		"assert(repo:count{glob = {'/d0/', '**/s0/**'}} == 7693 + 1031 - 80)\n"
		"assert(repo:count{name = {'f999.txt', 'f1000.pem'}} == 2)\n"
		"assert(repo:count{glob = '*.pem', limit = 10} == 10)\n");
	lua_close(L);
	cr_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_repo_fields,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_repo_without_git,
			setup_without_git, teardown),
		cmocka_unit_test_setup_teardown(test_files_default_and_filters,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_files_name_ext_size,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_count,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_files_glob_agrees_with_matcher,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_file_object,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_file_lines_and_text,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_file_too_large,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_file_find,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_grep,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_nodes_and_edges,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_stdlib_glob,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_stdlib_match,
			setup_with_git, teardown),
		cmocka_unit_test_setup_teardown(test_memory_error_mid_grep,
			setup_with_git, teardown),
		cmocka_unit_test(test_files_large_inventory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
