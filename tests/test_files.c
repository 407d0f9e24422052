/*
 * test_files.c - the file inventory (cr_files_collect), the safe readers
 * and language detection, on real trees and git repositories.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crucible/files.h"
#include "crucible/git.h"
#include "tests/facts_fixture.h"
#include "tests/helpers.h"

/* Collect `sub` (relative to the fixture directory, "" for itself) into
 * a frozen graph. */
static cr_graph *collect_at(struct fixture *f, const char *sub)
{
	char path[PATH_MAX], real[PATH_MAX];
	int rc;

	snprintf(path, sizeof path, "%s/%s", f->dir, sub);
	assert_non_null(realpath(path, real));
	cr_files_summary_release(&f->summary);
	cr_graph_free(f->g);
	assert_int_equal(cr_graph_new(&f->g, real), CR_OK);
	rc = cr_files_collect(&f->summary, f->g, f->ctx);
	if (rc != CR_OK)
		fail_msg("cr_files_collect: %s", cr_ctx_error(f->ctx));
	assert_int_equal(cr_graph_freeze(f->g), CR_OK);
	return f->g;
}

static cr_graph *collect_files(struct fixture *f)
{
	return collect_at(f, "");
}

static cr_node_id file_node(cr_graph *g, const char *path)
{
	cr_node_id id = cr_graph_find(g, "file", path);

	if (!id)
		fail_msg("no file node %s", path);
	return id;
}

static void assert_attr(cr_graph *g, const char *path, const char *key,
	const char *want)
{
	const char *got = cr_node_str(g, file_node(g, path), key, NULL);

	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: %s is %s, want %s", path, key, got ? got : "(none)",
			want);
}

static void assert_no_attr(cr_graph *g, const char *path, const char *key)
{
	if (cr_node_attr(g, file_node(g, path), key, NULL))
		fail_msg("%s: unexpected %s", path, key);
}

static cr_node_id repo_node(cr_graph *g)
{
	size_t n;
	const cr_node_id *ids = cr_graph_nodes(g, "repo", &n);

	assert_int_equal(n, 1);
	return ids[0];
}

/* File nodes come in byte order of their paths, and the repo node counts
 * them. */
static void assert_sorted_and_counted(cr_graph *g)
{
	size_t n;
	const cr_node_id *ids = cr_graph_nodes(g, "file", &n);
	int64_t bytes = 0;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(cr_node_path(g, ids[i - 1]),
			cr_node_path(g, ids[i])) >= 0)
			fail_msg("%s before %s", cr_node_path(g, ids[i - 1]),
				cr_node_path(g, ids[i]));
		if (strcmp(cr_node_str(g, ids[i], "type", ""), "file") == 0)
			bytes += cr_node_int(g, ids[i], "size", 0);
	}
	assert_int_equal(cr_node_int(g, repo_node(g), "files", -1), (int64_t)n);
	assert_int_equal(cr_node_int(g, repo_node(g), "bytes", -1), bytes);
}

static size_t file_count(cr_graph *g)
{
	size_t n;

	cr_graph_nodes(g, "file", &n);
	return n;
}

/* --- statuses ------------------------------------------------------------- */

static void tracked_untracked_ignored(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "hello\n");
	th_write(f->dir, "src/main.c", "int main(void) { return 0; }\n");
	th_write(f->dir, ".gitignore", "*.log\nbuild/\n");
	th_git_commit(f->dir, "initial", 0);
	th_write(f->dir, "new.txt", "new\n");
	th_write(f->dir, "debug.log", "log\n");
	th_write(f->dir, "build/out/x.o", "obj\n");
	th_write(f->dir, "build/y.o", "obj\n");
	th_write(f->dir, "fresh/one.py", "print(1)\n");
	th_write(f->dir, "fresh/deeper/two.log", "x\n");
	th_write(f->dir, "src/tmp.log", "x\n");
	g = collect_files(f);

	assert_attr(g, "a.txt", "status", "tracked");
	assert_attr(g, "a.txt", "type", "file");
	assert_int_equal(cr_node_int(g, file_node(g, "a.txt"), "size", -1), 6);
	assert_attr(g, "src/main.c", "status", "tracked");
	assert_attr(g, ".gitignore", "status", "tracked");
	assert_attr(g, "new.txt", "status", "untracked");
	assert_attr(g, "debug.log", "status", "ignored");
	assert_attr(g, "src/tmp.log", "status", "ignored");
	/* An ignored directory is one node, its content is not listed. */
	assert_attr(g, "build", "status", "ignored");
	assert_attr(g, "build", "type", "dir");
	assert_int_equal(cr_node_int(g, file_node(g, "build"), "mode", -1),
		040000);
	assert_int_equal(cr_graph_find(g, "file", "build/y.o"), 0);
	assert_int_equal(cr_graph_find(g, "file", "build/out/x.o"), 0);
	/* An untracked directory is walked, and its files are listed. */
	assert_int_equal(cr_graph_find(g, "file", "fresh"), 0);
	assert_attr(g, "fresh/one.py", "status", "untracked");
	assert_attr(g, "fresh/deeper/two.log", "status", "ignored");
	assert_int_equal(cr_graph_find(g, "file", ".git"), 0);
	assert_int_equal(file_count(g), 9);
	assert_true(cr_node_bool(g, repo_node(g), "is_git", false));
	assert_sorted_and_counted(g);
}

/* The rules git applies: nested .gitignore files override their parents,
 * negation, anchoring, "**", directory-only patterns, info/exclude. */
static void gitignore_rules(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, ".gitignore", "*.log\n!keep.log\n/only-root.txt\n"
		"docs/**/*.tmp\nbuild/\n# a comment\n\\#hash\n");
	th_write(f->dir, "sub/.gitignore", "*.txt\r\n!important.txt\r\n");
	th_write(f->dir, "tracked.c", "x\n");
	th_git_commit(f->dir, "initial", 0);
	th_write(f->dir, ".git/info/exclude", "secret.env\n");
	th_write(f->dir, "a.log", "x");
	th_write(f->dir, "keep.log", "x");
	th_write(f->dir, "only-root.txt", "x");
	th_write(f->dir, "other/only-root.txt", "x");
	th_write(f->dir, "docs/z.tmp", "x");
	th_write(f->dir, "docs/x/y/z.tmp", "x");
	th_write(f->dir, "docs/x/y/z.md", "x");
	th_write(f->dir, "sub/notes.txt", "x");
	th_write(f->dir, "sub/important.txt", "x");
	th_write(f->dir, "sub/deep/secret.env", "x");
	th_write(f->dir, "secret.env", "x");
	th_write(f->dir, "#hash", "x");
	th_write(f->dir, "lib/build", "a file, not a directory");
	th_write(f->dir, "build/out.o", "x");
	g = collect_files(f);

	assert_attr(g, "a.log", "status", "ignored");
	assert_attr(g, "keep.log", "status", "untracked");
	assert_attr(g, "only-root.txt", "status", "ignored");
	assert_attr(g, "other/only-root.txt", "status", "untracked");
	assert_attr(g, "docs/z.tmp", "status", "ignored");
	assert_attr(g, "docs/x/y/z.tmp", "status", "ignored");
	assert_attr(g, "docs/x/y/z.md", "status", "untracked");
	assert_attr(g, "sub/notes.txt", "status", "ignored");
	assert_attr(g, "sub/important.txt", "status", "untracked");
	assert_attr(g, "sub/deep/secret.env", "status", "ignored");
	assert_attr(g, "secret.env", "status", "ignored");
	assert_attr(g, "#hash", "status", "ignored");
	assert_attr(g, "lib/build", "status", "untracked");
	assert_attr(g, "build", "status", "ignored");
	assert_sorted_and_counted(g);

	/* From a subdirectory, the rules of the directories above apply. */
	th_write(f->dir, "sub/trace.log", "x");
	g = collect_at(f, "sub");
	assert_attr(g, "notes.txt", "status", "ignored");
	assert_attr(g, "important.txt", "status", "untracked");
	assert_attr(g, "trace.log", "status", "ignored");
	assert_attr(g, "deep/secret.env", "status", "ignored");
}

/* A root inside an ignored directory: everything untracked is ignored. */
static void root_inside_ignored_directory(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, ".gitignore", "gen/\n");
	th_write(f->dir, "gen/kept.c", "x\n");
	assert_int_equal(th_sh(f->dir, "git add .gitignore && "
		"git add -f gen/kept.c"), 0);
	th_git_commit(f->dir, "initial", 0);
	th_write(f->dir, "gen/.gitignore", "!*\n");
	th_write(f->dir, "gen/new.c", "x\n");
	th_write(f->dir, "gen/more/x.c", "x\n");
	g = collect_at(f, "gen");
	assert_attr(g, "kept.c", "status", "tracked");
	assert_attr(g, "new.c", "status", "ignored");
	assert_attr(g, ".gitignore", "status", "ignored");
	assert_attr(g, "more", "status", "ignored");
	assert_attr(g, "more", "type", "dir");
}

/* A directory ignored as a whole but holding a force-added file is
 * walked: its other content is ignored file by file. */
static void tracked_file_in_ignored_directory(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, ".gitignore", "vendor/\n");
	th_write(f->dir, "vendor/keep.txt", "k\n");
	assert_int_equal(th_sh(f->dir, "git add .gitignore && "
		"git add -f vendor/keep.txt"), 0);
	th_git_commit(f->dir, "initial", 0);
	th_write(f->dir, "vendor/junk.txt", "j\n");
	th_write(f->dir, "vendor/lib/x.js", "x\n");
	g = collect_files(f);
	assert_attr(g, "vendor/keep.txt", "status", "tracked");
	assert_attr(g, "vendor/junk.txt", "status", "ignored");
	assert_attr(g, "vendor/lib", "status", "ignored");
	assert_attr(g, "vendor/lib", "type", "dir");
	assert_int_equal(cr_graph_find(g, "file", "vendor"), 0);
	assert_int_equal(file_count(g), 4);
	assert_sorted_and_counted(g);
}

static void repo_node_attributes(void **state)
{
	struct fixture *f = *state;
	char real[PATH_MAX];
	cr_graph *g;
	cr_node_id r;

	th_write(f->dir, "a", "12345");
	th_write(f->dir, "b/c", "123");
	g = collect_files(f);
	r = repo_node(g);
	assert_non_null(realpath(f->dir, real));
	assert_string_equal(cr_node_path(g, r), ".");
	assert_string_equal(cr_node_str(g, r, "root", ""), real);
	assert_string_equal(cr_node_str(g, r, "name", ""), strrchr(real, '/') + 1);
	assert_false(cr_node_bool(g, r, "is_git", true));
	assert_int_equal(cr_node_int(g, r, "files", -1), 2);
	assert_int_equal(cr_node_int(g, r, "bytes", -1), 8);
}

static void non_git_directory(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "README.md", "# hi\n");
	th_write(f->dir, "lib/x/util.rb", "puts 1\n");
	th_write(f->dir, "vendor/.git/config", "not a repository\n");
	g = collect_files(f);
	assert_attr(g, "README.md", "status", "untracked");
	assert_attr(g, "lib/x/util.rb", "status", "untracked");
	assert_attr(g, "lib/x/util.rb", "language", "ruby");
	assert_int_equal(cr_graph_find(g, "file", "vendor/.git/config"), 0);
	assert_int_equal(file_count(g), 2);
	assert_sorted_and_counted(g);
}

static void subdirectory_root(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, ".gitignore", "*.log\n");
	th_write(f->dir, "src/a.c", "a\n");
	th_write(f->dir, "src/lib/b.c", "b\n");
	th_write(f->dir, "src.txt", "beside src\n");
	th_write(f->dir, "docs/x.md", "x\n");
	th_git_commit(f->dir, "initial", 0);
	th_write(f->dir, "src/new.h", "n\n");
	th_write(f->dir, "src/trace.log", "t\n");
	assert_int_equal(th_sh(f->dir, "rm src/lib/b.c"), 0);
	g = collect_at(f, "src");

	assert_attr(g, "a.c", "status", "tracked");
	assert_attr(g, "lib/b.c", "type", "missing");
	assert_attr(g, "new.h", "status", "untracked");
	assert_attr(g, "trace.log", "status", "ignored");
	assert_int_equal(cr_graph_find(g, "file", "docs/x.md"), 0);
	assert_int_equal(cr_graph_find(g, "file", "src.txt"), 0);
	assert_int_equal(file_count(g), 4);
	assert_true(cr_node_bool(g, repo_node(g), "is_git", false));
	assert_string_equal(cr_node_str(g, repo_node(g), "name", ""), "src");
	assert_sorted_and_counted(g);
}

/* The summary settles "dirty" only when the whole work tree was seen;
 * without one to fill, the inventory is the same. */
static void summary_knows_dirty(void **state)
{
	struct fixture *f = *state;
	char real[PATH_MAX];
	cr_graph *g;
	size_t files;

	th_write(f->dir, "src/a.c", "a\n");
	collect_files(f);
	assert_false(f->summary.dirty_known);
	th_git_init(f->dir);
	th_git_commit(f->dir, "initial", 0);
	files = file_count(collect_files(f));
	assert_true(f->summary.dirty_known);
	assert_false(f->summary.dirty);
	th_write(f->dir, "src/a.c", "changed\n");
	collect_files(f);
	assert_true(f->summary.dirty_known);
	assert_true(f->summary.dirty);
	collect_at(f, "src");
	assert_false(f->summary.dirty_known);
	assert_false(f->summary.dirty);

	assert_non_null(realpath(f->dir, real));
	assert_int_equal(cr_graph_new(&g, real), CR_OK);
	assert_int_equal(cr_files_collect(NULL, g, f->ctx), CR_OK);
	assert_int_equal(cr_graph_freeze(g), CR_OK);
	assert_int_equal(file_count(g), files);
	cr_graph_free(g);
}

static void missing_tracked_file(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id id;

	th_git_init(f->dir);
	th_write(f->dir, "keep.txt", "k\n");
	th_write(f->dir, "gone.sh", "#!/bin/sh\n");
	th_write(f->dir, "dir/gone.py", "x = 1\n");
	assert_int_equal(th_sh(f->dir, "chmod +x gone.sh"), 0);
	th_git_commit(f->dir, "initial", 0);
	assert_int_equal(th_sh(f->dir, "rm -r gone.sh dir"), 0);
	g = collect_files(f);

	id = file_node(g, "gone.sh");
	assert_attr(g, "gone.sh", "type", "missing");
	assert_attr(g, "gone.sh", "status", "tracked");
	assert_int_equal(cr_node_int(g, id, "size", -1), 0);
	assert_int_equal(cr_node_int(g, id, "mode", -1), 0100755);
	assert_true(cr_node_bool(g, id, "executable", false));
	assert_attr(g, "dir/gone.py", "type", "missing");
	assert_attr(g, "dir/gone.py", "language", "python");
	assert_attr(g, "keep.txt", "type", "file");
	assert_sorted_and_counted(g);
}

/* Paths whose byte order differs from a naive directory walk: '-' and
 * '.' sort before '/', '0' after it. */
static void byte_order_across_directories(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	size_t n;
	const cr_node_id *ids;
	const char *want[] = {"a-b", "a.b", "a/b", "a/c/d", "a0", "b"};

	th_git_init(f->dir);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		th_write(f->dir, want[i], "x");
	th_git_commit(f->dir, "initial", 0);
	assert_int_equal(th_sh(f->dir, "rm a.b"), 0);
	g = collect_files(f);
	ids = cr_graph_nodes(g, "file", &n);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(cr_node_path(g, ids[i]), want[i]);
	assert_attr(g, "a.b", "type", "missing");
	assert_sorted_and_counted(g);
}

static void file_became_directory(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, "x", "file\n");
	th_git_commit(f->dir, "initial", 0);
	assert_int_equal(th_sh(f->dir, "rm x && mkdir x && echo y > x/y"), 0);
	g = collect_files(f);
	assert_attr(g, "x", "type", "missing");
	assert_attr(g, "x", "status", "tracked");
	assert_attr(g, "x/y", "status", "untracked");
	assert_sorted_and_counted(g);
}

static void submodule_and_nested_repository(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "a\n");
	th_git_commit(f->dir, "initial", 0);
	/* A gitlink entry, as `git submodule add` leaves it. */
	assert_int_equal(th_sh(f->dir, "mkdir lib && git update-index --add "
		"--cacheinfo 160000,1111111111111111111111111111111111111111,lib"),
		0);
	th_write(f->dir, "lib/inside.c", "not listed\n");
	th_write(f->dir, "vendor/other/file.c", "x\n");
	assert_int_equal(th_sh(f->dir, "cd vendor/other && git init -q ."), 0);
	g = collect_files(f);

	assert_attr(g, "lib", "type", "submodule");
	assert_attr(g, "lib", "status", "tracked");
	assert_int_equal(cr_node_int(g, file_node(g, "lib"), "mode", -1), 0160000);
	assert_int_equal(cr_graph_find(g, "file", "lib/inside.c"), 0);
	assert_attr(g, "vendor/other", "type", "dir");
	assert_attr(g, "vendor/other", "status", "untracked");
	assert_int_equal(cr_graph_find(g, "file", "vendor/other/file.c"), 0);
	assert_sorted_and_counted(g);
}

/* The index parser reads every on-disk version the git CLI writes. */
static void index_versions(void **state)
{
	struct fixture *f = *state;
	const char *setups[] = {
		"git update-index --index-version 2",
		"git update-index --index-version 3 && git add -N later.txt",
		"git update-index --index-version 4",
		"git update-index --index-version 4 && git add -N later.txt",
	};

	th_git_init(f->dir);
	th_write(f->dir, "dir/one.c", "1\n");
	th_write(f->dir, "dir/one.h", "1\n");
	th_write(f->dir, "dir/sub/two.c", "2\n");
	th_write(f->dir, "top.md", "t\n");
	th_git_commit(f->dir, "initial", 0);
	th_write(f->dir, "later.txt", "l\n");
	for (size_t i = 0; i < sizeof setups / sizeof *setups; i++) {
		cr_graph *g;

		assert_int_equal(th_sh(f->dir, "git reset -q && %s", setups[i]), 0);
		g = collect_files(f);
		assert_attr(g, "dir/one.c", "status", "tracked");
		assert_attr(g, "dir/one.h", "status", "tracked");
		assert_attr(g, "dir/sub/two.c", "status", "tracked");
		assert_attr(g, "top.md", "status", "tracked");
		assert_attr(g, "later.txt", "status",
			strstr(setups[i], "-N") ? "tracked" : "untracked");
		assert_int_equal(file_count(g), 5);
		assert_sorted_and_counted(g);
	}
}

static void merge_conflict_is_one_node(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	th_write(f->dir, "c.txt", "base\n");
	th_git_commit(f->dir, "base", 0);
	assert_int_equal(th_sh(f->dir, "git checkout -q -b other && "
		"echo theirs > c.txt && git commit -qam theirs && "
		"git checkout -q main && echo ours > c.txt && "
		"git commit -qam ours"), 0);
	assert_int_not_equal(th_sh(f->dir, "git merge -q other"), 0);
	g = collect_files(f);
	assert_attr(g, "c.txt", "status", "tracked");
	assert_int_equal(file_count(g), 1);
}

/* Enough directories that several walker threads share the work. */
static void many_directories(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_git_init(f->dir);
	assert_int_equal(th_sh(f->dir, "for d in $(seq 1 60); do "
		"mkdir -p d$d/e; for i in 1 2 3 4 5; do echo $d$i > d$d/f$i.c; "
		"echo $i > d$d/e/g$i.txt; done; done"), 0);
	th_git_commit(f->dir, "many", 0);
	assert_int_equal(th_sh(f->dir, "echo u > d7/e/new.txt && rm d9/f2.c"), 0);
	g = collect_files(f);
	assert_int_equal(file_count(g), 601);
	assert_attr(g, "d7/e/new.txt", "status", "untracked");
	assert_attr(g, "d9/f2.c", "type", "missing");
	assert_attr(g, "d60/e/g5.txt", "status", "tracked");
	assert_sorted_and_counted(g);
}

/* --- symlinks, FIFOs, modes ----------------------------------------------- */

static void symlinks_are_never_followed(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	char *out = NULL;
	size_t len;
	bool binary = true;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "a\n");
	th_write(f->dir, "sub/file.txt", "s\n");
	assert_int_equal(th_sh(f->dir, "ln -s a.txt inside && "
		"ln -s ../a.txt sub/up && ln -s ../../outside sub/up2 && "
		"ln -s ../outside esc && ln -s /etc/passwd abs && "
		"ln -s /etc etcdir && ln -s sub dirlink && "
		"ln -s \"$PWD/a.txt\" selfabs"), 0);
	th_git_commit(f->dir, "links", 0);
	assert_int_equal(th_sh(f->dir, "ln -s /etc untracked_etc"), 0);
	g = collect_files(f);

	assert_attr(g, "inside", "type", "symlink");
	assert_attr(g, "inside", "target", "a.txt");
	assert_false(cr_node_bool(g, file_node(g, "inside"), "escapes", true));
	assert_int_equal(cr_node_int(g, file_node(g, "inside"), "mode", -1),
		0120000);
	assert_int_equal(cr_node_int(g, file_node(g, "inside"), "size", -1), 5);
	assert_false(cr_node_bool(g, file_node(g, "sub/up"), "escapes", true));
	assert_true(cr_node_bool(g, file_node(g, "sub/up2"), "escapes", false));
	assert_true(cr_node_bool(g, file_node(g, "esc"), "escapes", false));
	assert_true(cr_node_bool(g, file_node(g, "abs"), "escapes", false));
	assert_attr(g, "abs", "target", "/etc/passwd");
	assert_false(cr_node_bool(g, file_node(g, "selfabs"), "escapes", true));
	assert_attr(g, "etcdir", "type", "symlink");
	assert_attr(g, "untracked_etc", "type", "symlink");
	assert_attr(g, "untracked_etc", "status", "untracked");
	assert_int_equal(cr_graph_find(g, "file", "etcdir/passwd"), 0);
	assert_int_equal(cr_graph_find(g, "file", "untracked_etc/passwd"), 0);
	assert_int_equal(cr_graph_find(g, "file", "dirlink/file.txt"), 0);
	assert_no_attr(g, "a.txt", "target");
	assert_no_attr(g, "a.txt", "escapes");

	/* Readers refuse symlinks, at the end of the path or on the way. */
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g, "abs", 100),
		CR_EIO);
	assert_null(out);
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g, "inside", 100),
		CR_EIO);
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g,
		"dirlink/file.txt", 100), CR_EIO);
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g,
		"etcdir/passwd", 100), CR_EIO);
	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "abs"), CR_OK);
	assert_false(binary);
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g,
		"sub/file.txt", 100), CR_OK);
	assert_string_equal(out, "s\n");
	free(out);
	assert_sorted_and_counted(g);
}

static void fifos_are_skipped(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	char *out = NULL;
	size_t len;
	bool binary = true;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "a\n");
	th_write(f->dir, "pipe", "was a file\n");
	th_git_commit(f->dir, "initial", 0);
	/* A FIFO nobody writes to: opening it for reading would block. */
	assert_int_equal(th_sh(f->dir, "mkfifo fifo && mkdir d && mkfifo d/p "
		"&& rm pipe && mkfifo pipe"), 0);
	g = collect_files(f);
	assert_int_equal(cr_graph_find(g, "file", "fifo"), 0);
	assert_int_equal(cr_graph_find(g, "file", "d/p"), 0);
	assert_int_equal(cr_graph_find(g, "file", "pipe"), 0);
	assert_int_equal(file_count(g), 1);
	assert_int_equal(cr_node_int(g, repo_node(g), "files", -1), 1);
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g, "fifo", 10),
		CR_EIO);
	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "fifo"), CR_OK);
	assert_false(binary);

	/* The same without git. */
	assert_int_equal(th_sh(f->dir, "rm -rf .git"), 0);
	g = collect_files(f);
	assert_int_equal(file_count(g), 1);
	assert_attr(g, "a.txt", "status", "untracked");
}

static void executable_bit_and_mode(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "run", "#!/usr/bin/env python3\nprint(1)\n");
	th_write(f->dir, "tool", "#!/bin/bash\necho\n");
	th_write(f->dir, "data", "#!/bin/bash\nnot executable\n");
	th_write(f->dir, "plain.txt", "x\n");
	assert_int_equal(th_sh(f->dir, "chmod 755 run tool && chmod 644 data"),
		0);
	g = collect_files(f);
	assert_true(cr_node_bool(g, file_node(g, "run"), "executable", false));
	assert_int_equal(cr_node_int(g, file_node(g, "run"), "mode", -1),
		0100755);
	assert_attr(g, "run", "language", "python");
	assert_attr(g, "tool", "language", "shell");
	assert_false(cr_node_bool(g, file_node(g, "plain.txt"), "executable",
		true));
	assert_int_equal(cr_node_int(g, file_node(g, "plain.txt"), "mode", -1),
		0100644);
	/* Only executables are opened for their "#!" line. */
	assert_no_attr(g, "data", "language");
	assert_attr(g, "plain.txt", "language", "text");
}

/* --- languages and names ---------------------------------------------------- */

static void languages_and_extensions(void **state)
{
	struct fixture *f = *state;
	const char *files[][2] = {
		{"main.c", "c"}, {"x.PY", "python"}, {"app.ts", "typescript"},
		{"Makefile", "makefile"}, {"Dockerfile", "dockerfile"},
		{"Dockerfile.prod", "dockerfile"}, {"Jenkinsfile", "groovy"},
		{"CMakeLists.txt", "cmake"}, {"k8s/deploy.yaml", "yaml"},
		{"lib/x.go", "go"}, {"web/index.html", "html"},
	};
	cr_graph *g;

	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		th_write(f->dir, files[i][0], "x\n");
	th_write(f->dir, "notes.unknownext", "x\n");
	th_write(f->dir, ".gitignore", "x\n");
	th_write(f->dir, "archive.tar.GZ", "x\n");
	g = collect_files(f);
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		assert_attr(g, files[i][0], "language", files[i][1]);
	assert_no_attr(g, "notes.unknownext", "language");
	assert_attr(g, "archive.tar.GZ", "ext", "gz");
	assert_attr(g, "archive.tar.GZ", "name", "archive.tar.GZ");
	assert_attr(g, ".gitignore", "ext", "");
	assert_attr(g, "Makefile", "ext", "");
	assert_attr(g, "k8s/deploy.yaml", "name", "deploy.yaml");
	assert_attr(g, "k8s/deploy.yaml", "ext", "yaml");
}

static void language_functions(void **state)
{
	(void)state;
	assert_string_equal(cr_language_of_path("src/a.rs"), "rust");
	assert_string_equal(cr_language_of_path("A.JAVA"), "java");
	assert_string_equal(cr_language_of_path("deep/dir/Gemfile"), "ruby");
	assert_string_equal(cr_language_of_path("x/CMakeLists.txt"), "cmake");
	assert_null(cr_language_of_path("README"));
	assert_null(cr_language_of_path(".c"));
	assert_null(cr_language_of_path("x."));
#define SHEBANG(s) cr_language_of_shebang(s, strlen(s))
	assert_string_equal(SHEBANG("#!/bin/sh\n"), "shell");
	assert_string_equal(SHEBANG("#!/bin/bash -e\necho"), "shell");
	assert_string_equal(SHEBANG("#! /usr/bin/python3.11\n"), "python");
	assert_string_equal(SHEBANG("#!/usr/bin/env node\n"), "javascript");
	assert_string_equal(SHEBANG("#!/usr/bin/env -S node --flag\n"),
		"javascript");
	assert_string_equal(SHEBANG("#!/usr/bin/env LANG=C ruby\r\n"), "ruby");
	assert_string_equal(SHEBANG("#!/usr/local/bin/lua5.4"), "lua");
	assert_null(SHEBANG("#!/usr/bin/env\n"));
	assert_null(SHEBANG("#!/opt/bin/mystery\n"));
	assert_null(SHEBANG("echo hi\n"));
	assert_null(SHEBANG("#"));
#undef SHEBANG
}

/* --- readers ---------------------------------------------------------------- */

static void file_read_paths(void **state)
{
	struct fixture *f = *state;
	const char *bad[] = {"../x", "/etc/passwd", "a/../b", "./a", "a//b",
		"a/", "", ".."};
	cr_graph *g;
	char *out = NULL;
	size_t len = 99;
	bool truncated = true;

	th_write(f->dir, "a", "0123456789");
	th_write(f->dir, "d/e", "nested");
	g = collect_files(f);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g, bad[i],
			100), CR_EINVAL);
		assert_null(out);
	}
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g, "nope", 10),
		CR_ENOTFOUND);
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g, "a/x", 10),
		CR_ENOTFOUND);
	assert_int_equal(cr_file_read(&out, &len, NULL, f->ctx, g, "d", 10),
		CR_EIO);

	assert_int_equal(cr_file_read(&out, &len, &truncated, f->ctx, g, "a", 100),
		CR_OK);
	assert_string_equal(out, "0123456789");
	assert_int_equal(len, 10);
	assert_false(truncated);
	free(out);
	assert_int_equal(cr_file_read(&out, &len, &truncated, f->ctx, g, "a", 10),
		CR_OK);
	assert_int_equal(len, 10);
	assert_false(truncated);
	free(out);
	assert_int_equal(cr_file_read(&out, &len, &truncated, f->ctx, g, "a", 4),
		CR_OK);
	assert_string_equal(out, "0123");
	assert_int_equal(len, 4);
	assert_true(truncated);
	free(out);
	assert_int_equal(cr_file_read(&out, &len, &truncated, f->ctx, g, "a", 0),
		CR_OK);
	assert_string_equal(out, "");
	assert_true(truncated);
	free(out);
	assert_int_equal(cr_file_read(&out, NULL, NULL, f->ctx, g, "d/e", 100),
		CR_OK);
	assert_string_equal(out, "nested");
	free(out);
}

static void binary_detection(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	bool binary;
	FILE *fp;
	char path[PATH_MAX];

	th_write(f->dir, "text.txt", "just text\n");
	snprintf(path, sizeof path, "%s/blob.bin", f->dir);
	fp = fopen(path, "wb");
	fwrite("ab\0cd", 1, 5, fp);
	fclose(fp);
	/* A NUL past the first 8000 bytes does not count (git's rule). */
	snprintf(path, sizeof path, "%s/late.txt", f->dir);
	fp = fopen(path, "wb");
	for (int i = 0; i < 8000; i++)
		fputc('a', fp);
	fputc('\0', fp);
	fclose(fp);
	assert_int_equal(th_sh(f->dir, "ln -s blob.bin link"), 0);
	g = collect_files(f);

	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "blob.bin"), CR_OK);
	assert_true(binary);
	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "text.txt"), CR_OK);
	assert_false(binary);
	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "late.txt"), CR_OK);
	assert_false(binary);
	binary = true;
	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "link"), CR_OK);
	assert_false(binary);
	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "none"),
		CR_ENOTFOUND);
	assert_int_equal(cr_file_is_binary(&binary, f->ctx, g, "../x"),
		CR_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tracked_untracked_ignored, setup,
			teardown),
		cmocka_unit_test_setup_teardown(gitignore_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(root_inside_ignored_directory,
			setup, teardown),
		cmocka_unit_test_setup_teardown(tracked_file_in_ignored_directory,
			setup, teardown),
		cmocka_unit_test_setup_teardown(repo_node_attributes, setup,
			teardown),
		cmocka_unit_test_setup_teardown(non_git_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(subdirectory_root, setup, teardown),
		cmocka_unit_test_setup_teardown(summary_knows_dirty, setup,
			teardown),
		cmocka_unit_test_setup_teardown(missing_tracked_file, setup,
			teardown),
		cmocka_unit_test_setup_teardown(byte_order_across_directories,
			setup, teardown),
		cmocka_unit_test_setup_teardown(file_became_directory, setup,
			teardown),
		cmocka_unit_test_setup_teardown(submodule_and_nested_repository,
			setup, teardown),
		cmocka_unit_test_setup_teardown(index_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_conflict_is_one_node, setup,
			teardown),
		cmocka_unit_test_setup_teardown(many_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(symlinks_are_never_followed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(fifos_are_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(executable_bit_and_mode, setup,
			teardown),
		cmocka_unit_test_setup_teardown(languages_and_extensions, setup,
			teardown),
		cmocka_unit_test(language_functions),
		cmocka_unit_test_setup_teardown(file_read_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(binary_detection, setup, teardown),
	};
	int rc;

	cr_git_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cr_git_shutdown();
	return rc;
}
