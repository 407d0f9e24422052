/*
 * test_git.c - the git facts collector (cr_git_collect) on real
 * repositories made with the git CLI.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/files.h"
#include "crucible/git.h"
#include "tests/facts_fixture.h"
#include "tests/helpers.h"

/* Collect dir/sub into a frozen graph: the file inventory first when
 * `with_files` (as `crucible eval` does), its summary handed to the git
 * facts.  Returns the git node, or 0 when there is none. */
static cr_node_id collect_at(struct fixture *f, const char *sub,
	bool with_files)
{
	char path[PATH_MAX], real[PATH_MAX];
	const cr_node_id *ids;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", f->dir, sub);
	assert_non_null(realpath(path, real));
	cr_files_summary_release(&f->summary);
	cr_graph_free(f->g);
	assert_int_equal(cr_graph_new(&f->g, real), CR_OK);
	if (with_files && cr_files_collect(&f->summary, f->g, f->ctx) != CR_OK)
		fail_msg("cr_files_collect: %s", cr_ctx_error(f->ctx));
	if (cr_git_collect(f->g, f->ctx, with_files ? &f->summary : NULL) !=
		CR_OK)
		fail_msg("cr_git_collect: %s", cr_ctx_error(f->ctx));
	assert_int_equal(cr_graph_freeze(f->g), CR_OK);
	ids = cr_graph_nodes(f->g, "git", &n);
	assert_true(n <= 1);
	return n ? ids[0] : 0;
}

static cr_node_id collect_git(struct fixture *f)
{
	return collect_at(f, "", true);
}

/* Both ways of deciding "dirty" (the inventory's answer in its summary,
 * and the git collector alone) must agree. */
static bool dirty(struct fixture *f)
{
	cr_node_id id = collect_git(f);
	bool with_files, alone;

	assert_true(cr_node_attr(f->g, id, "dirty", NULL));
	with_files = cr_node_bool(f->g, id, "dirty", false);
	assert_true(f->summary.dirty_known);
	assert_int_equal(f->summary.dirty, with_files);
	id = collect_at(f, "", false);
	alone = cr_node_bool(f->g, id, "dirty", !with_files);
	assert_int_equal(with_files, alone);
	return with_files;
}

/* The first line of a git command's output. */
static char *git_out(struct fixture *f, const char *cmd)
{
	char path[PATH_MAX];
	char *out;

	snprintf(path, sizeof path, "%s/.git/test-out", f->dir);
	assert_int_equal(th_sh(f->dir, "%s > .git/test-out", cmd), 0);
	out = th_read(path);
	assert_non_null(out);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static void assert_list(cr_graph *g, cr_node_id id, const char *key,
	const char *const *want, size_t n)
{
	cr_value v;

	assert_true(cr_node_attr(g, id, key, &v));
	assert_int_equal(v.type, CR_T_LIST);
	assert_int_equal(v.u.list.count, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v.u.list.items[i], want[i]);
}

static void history_facts(void **state)
{
	struct fixture *f = *state;
	const char *authors[] = {"other@example.com", "test@example.com"};
	const char *tags[] = {"v1.0", "v2.0"};
	cr_node_id id;
	char *head;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "a\n");
	th_git_commit(f->dir, "first", 0);
	th_write(f->dir, "b.txt", "b\n");
	assert_int_equal(th_sh(f->dir, "git config user.email other@example.com"),
		0);
	th_git_commit(f->dir, "second", 86400);
	assert_int_equal(th_sh(f->dir, "git config user.email test@example.com"),
		0);
	th_write(f->dir, "c.txt", "c\n");
	th_git_commit(f->dir, "third", 3600);
	assert_int_equal(th_sh(f->dir, "git tag v1.0 HEAD~1 && "
		"git tag -a v2.0 -m release"), 0);
	id = collect_git(f);
	assert_int_not_equal(id, 0);

	head = git_out(f, "git rev-parse HEAD");
	assert_string_equal(cr_node_str(f->g, id, "head", ""), head);
	free(head);
	assert_string_equal(cr_node_str(f->g, id, "branch", ""), "main");
	assert_false(cr_node_bool(f->g, id, "detached", true));
	assert_int_equal(cr_node_int(f->g, id, "commits", -1), 3);
	assert_list(f->g, id, "authors", authors, 2);
	assert_list(f->g, id, "tags", tags, 2);
	/* Oldest author date, and HEAD's (older than its parent's here). */
	assert_string_equal(cr_node_str(f->g, id, "first_commit_date", ""),
		"2024-01-01T00:00:00Z");
	assert_string_equal(cr_node_str(f->g, id, "last_commit_date", ""),
		"2024-01-01T01:00:00Z");
	assert_false(cr_node_bool(f->g, id, "dirty", true));
	assert_false(cr_node_attr(f->g, id, "remote_url", NULL));
	assert_string_equal(cr_node_path(f->g, id), ".");
}

static void merge_commits_counted_once(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;

	th_git_init(f->dir);
	th_write(f->dir, "a", "a\n");
	th_git_commit(f->dir, "base", 0);
	assert_int_equal(th_sh(f->dir, "git checkout -q -b side && "
		"echo s > s && git add s && git commit -qm side && "
		"git checkout -q main && echo m > m && git add m && "
		"git commit -qm main && git merge -q --no-edit side"), 0);
	id = collect_git(f);
	assert_int_equal(cr_node_int(f->g, id, "commits", -1), 4);
}

static void detached_head(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;
	char *first;

	th_git_init(f->dir);
	th_write(f->dir, "a", "1\n");
	th_git_commit(f->dir, "one", 0);
	th_write(f->dir, "a", "2\n");
	th_git_commit(f->dir, "two", 60);
	first = git_out(f, "git rev-parse HEAD~1");
	assert_int_equal(th_sh(f->dir, "git checkout -q --detach HEAD~1"), 0);
	id = collect_git(f);
	assert_true(cr_node_bool(f->g, id, "detached", false));
	assert_false(cr_node_attr(f->g, id, "branch", NULL));
	assert_string_equal(cr_node_str(f->g, id, "head", ""), first);
	assert_int_equal(cr_node_int(f->g, id, "commits", -1), 1);
	assert_string_equal(cr_node_str(f->g, id, "last_commit_date", ""),
		"2024-01-01T00:00:00Z");
	free(first);
}

static void dirty_and_clean(void **state)
{
	struct fixture *f = *state;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "aaaa\n");
	th_write(f->dir, "dir/b.txt", "bbbb\n");
	th_git_commit(f->dir, "initial", 0);
	assert_false(dirty(f));

	/* Same size, written in the same second as the index: only the
	 * content can tell. */
	th_write(f->dir, "a.txt", "AAAA\n");
	assert_true(dirty(f));
	th_git_commit(f->dir, "edit", 60);
	assert_false(dirty(f));

	/* Touched but unchanged is clean. */
	assert_int_equal(th_sh(f->dir, "sleep 1 && touch dir/b.txt"), 0);
	assert_false(dirty(f));

	/* Staged only. */
	th_write(f->dir, "dir/b.txt", "changed and staged\n");
	assert_int_equal(th_sh(f->dir, "git add dir/b.txt"), 0);
	assert_true(dirty(f));
	/* Staged back to what HEAD has: the cache tree is gone, the tree
	 * walk must find the index equal to HEAD. */
	th_write(f->dir, "dir/b.txt", "bbbb\n");
	assert_int_equal(th_sh(f->dir, "git add dir/b.txt"), 0);
	assert_false(dirty(f));

	/* Deleted, and an executable bit. */
	assert_int_equal(th_sh(f->dir, "rm a.txt"), 0);
	assert_true(dirty(f));
	assert_int_equal(th_sh(f->dir, "git checkout -q a.txt"), 0);
	assert_false(dirty(f));
	assert_int_equal(th_sh(f->dir, "chmod +x a.txt"), 0);
	assert_true(dirty(f));
	assert_int_equal(th_sh(f->dir, "chmod -x a.txt"), 0);
	assert_false(dirty(f));

	/* Untracked and ignored files do not make a repository dirty. */
	th_write(f->dir, "untracked.txt", "u\n");
	assert_false(dirty(f));
}

/* "dirty" of the git node of f->dir collected alone, given `files`. */
static bool dirty_given(struct fixture *f, const cr_files_summary *files)
{
	char real[PATH_MAX];
	const cr_node_id *ids;
	size_t n;

	assert_non_null(realpath(f->dir, real));
	cr_graph_free(f->g);
	assert_int_equal(cr_graph_new(&f->g, real), CR_OK);
	if (cr_git_collect(f->g, f->ctx, files) != CR_OK)
		fail_msg("cr_git_collect: %s", cr_ctx_error(f->ctx));
	assert_int_equal(cr_graph_freeze(f->g), CR_OK);
	ids = cr_graph_nodes(f->g, "git", &n);
	assert_int_equal(n, 1);
	assert_true(cr_node_attr(f->g, ids[0], "dirty", NULL));
	return cr_node_bool(f->g, ids[0], "dirty", false);
}

/* The collector takes "dirty" from a summary that knows it, and works
 * it out itself from one that does not. */
static void dirty_from_the_summary(void **state)
{
	struct fixture *f = *state;
	cr_files_summary known_dirty = {.dirty_known = true, .dirty = true};
	cr_files_summary known_clean = {.dirty_known = true, .dirty = false};
	cr_files_summary unknown = {.dirty_known = false, .dirty = true};

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "a\n");
	th_git_commit(f->dir, "initial", 0);
	assert_true(dirty_given(f, &known_dirty));
	assert_false(dirty_given(f, &unknown));
	th_write(f->dir, "a.txt", "changed\n");
	assert_false(dirty_given(f, &known_clean));
	assert_true(dirty_given(f, &unknown));
	assert_true(dirty_given(f, NULL));
}

static void dirty_from_a_subdirectory(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;

	th_git_init(f->dir);
	th_write(f->dir, "src/a.c", "a\n");
	th_write(f->dir, "docs/x.md", "x\n");
	th_git_commit(f->dir, "initial", 0);
	id = collect_at(f, "src", true);
	assert_false(cr_node_bool(f->g, id, "dirty", true));
	/* A change outside the root still makes the repository dirty. */
	th_write(f->dir, "docs/x.md", "changed\n");
	id = collect_at(f, "src", true);
	assert_true(cr_node_bool(f->g, id, "dirty", false));
	assert_int_equal(cr_node_int(f->g, id, "commits", -1), 1);
}

static void merge_conflict_is_dirty(void **state)
{
	struct fixture *f = *state;

	th_git_init(f->dir);
	th_write(f->dir, "c.txt", "base\n");
	th_git_commit(f->dir, "base", 0);
	assert_int_equal(th_sh(f->dir, "git checkout -q -b other && "
		"echo theirs > c.txt && git commit -qam theirs && "
		"git checkout -q main && echo ours > c.txt && "
		"git commit -qam ours"), 0);
	assert_int_not_equal(th_sh(f->dir, "git merge -q other"), 0);
	assert_true(dirty(f));
}

static void unborn_repository(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;

	th_git_init(f->dir);
	th_write(f->dir, "a.txt", "a\n");
	id = collect_git(f);
	assert_int_not_equal(id, 0);
	assert_false(cr_node_attr(f->g, id, "head", NULL));
	assert_int_equal(cr_node_int(f->g, id, "commits", -1), 0);
	assert_false(cr_node_attr(f->g, id, "first_commit_date", NULL));
	assert_false(cr_node_attr(f->g, id, "authors", NULL));
	assert_string_equal(cr_node_str(f->g, id, "branch", ""), "main");
	assert_false(cr_node_bool(f->g, id, "detached", true));
	assert_false(dirty(f));
	assert_int_equal(th_sh(f->dir, "git add a.txt"), 0);
	assert_true(dirty(f));
}

static void not_a_repository(void **state)
{
	struct fixture *f = *state;

	th_write(f->dir, "a.txt", "a\n");
	assert_int_equal(collect_git(f), 0);
	assert_int_equal(collect_at(f, "", false), 0);
	/* A bare repository has no work tree to describe. */
	assert_int_equal(th_sh(f->dir, "git init -q --bare bare.git"), 0);
	assert_int_equal(collect_at(f, "bare.git", true), 0);
	/* Neither has the inside of .git. */
	th_git_init(f->dir);
	assert_int_equal(collect_at(f, ".git", true), 0);
}

static void remote_without_credentials(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;

	th_git_init(f->dir);
	th_git_commit(f->dir, "empty", 0);
	assert_int_equal(th_sh(f->dir, "git remote add origin "
		"https://user:s3cr3t@example.com/team/app.git"), 0);
	id = collect_git(f);
	assert_string_equal(cr_node_str(f->g, id, "remote_url", ""),
		"https://example.com/team/app.git");
	assert_int_equal(th_sh(f->dir, "git remote set-url origin "
		"git@example.com:team/app.git"), 0);
	id = collect_git(f);
	assert_string_equal(cr_node_str(f->g, id, "remote_url", ""),
		"git@example.com:team/app.git");
}

static void shallow_clone(void **state)
{
	struct fixture *f = *state;
	cr_node_id id;

	th_git_init(f->dir);
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof name, "f%d", i);
		th_write(f->dir, name, name);
		th_git_commit(f->dir, name, i * 60L);
	}
	assert_int_equal(th_sh(f->dir, "git clone -q --depth 1 \"file://$PWD\" "
		"shallow"), 0);
	id = collect_at(f, "shallow", true);
	assert_int_equal(cr_node_int(f->g, id, "commits", -1), 1);
	assert_string_equal(cr_node_str(f->g, id, "first_commit_date", ""),
		"2024-01-01T00:02:00Z");
	assert_false(cr_node_bool(f->g, id, "dirty", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(history_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_commits_counted_once, setup,
			teardown),
		cmocka_unit_test_setup_teardown(detached_head, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_and_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_from_the_summary, setup,
			teardown),
		cmocka_unit_test_setup_teardown(dirty_from_a_subdirectory, setup,
			teardown),
		cmocka_unit_test_setup_teardown(merge_conflict_is_dirty, setup,
			teardown),
		cmocka_unit_test_setup_teardown(unborn_repository, setup, teardown),
		cmocka_unit_test_setup_teardown(not_a_repository, setup, teardown),
		cmocka_unit_test_setup_teardown(remote_without_credentials, setup,
			teardown),
		cmocka_unit_test_setup_teardown(shallow_clone, setup, teardown),
	};
	int rc;

	cr_git_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cr_git_shutdown();
	return rc;
}
