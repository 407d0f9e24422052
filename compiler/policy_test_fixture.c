/*
 * policy_test_fixture.c - turn a policy test case into a repository on
 * disk, for the real fact collectors to read.
 *
 * A case's fixture goes into a fresh directory under $TMPDIR: first its
 * commits, each made with libgit2 (no git binary needed) from the files
 * it writes and deletes, with a fixed author and date so that commit ids
 * and everything policies say about history are the same on every run;
 * then its working tree (the `files:` of a YAML case, or the tree of a
 * case directory minus expect.yml), which `git: true` commits as one.
 * Paths were checked when the case was read (no '..', no .git), and the
 * tree is copied without following symbolic links.
 */
#include "compiler/policy_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#define COPY_DEPTH_MAX 64

static int io_error(cr_ctx *ctx, const char *what, const char *path)
{
	return cr_error_set(ctx, CR_EIO, "cannot %s %s: %s", what, path,
		strerror(errno));
}

/* mkdir -p of the directories above root/rel. */
static int make_parents(cr_ctx *ctx, const char *path, size_t root_len)
{
	char *copy = strdup(path);
	int rc = CR_OK;

	if (!copy)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	for (char *s = copy + root_len + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			rc = io_error(ctx, "create", copy);
			break;
		}
		*s = '/';
	}
	free(copy);
	return rc;
}

static int write_file(cr_ctx *ctx, const char *root, const pt_file *f)
{
	char *path;
	FILE *out;
	int rc;

	if (asprintf(&path, "%s/%s", root, f->path) < 0)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	rc = make_parents(ctx, path, strlen(root));
	if (!rc) {
		out = fopen(path, "wb");
		if (!out || fwrite(f->data, 1, f->len, out) != f->len)
			rc = io_error(ctx, "write", path);
		if (out && fclose(out) != 0 && !rc)
			rc = io_error(ctx, "write", path);
	}
	free(path);
	return rc;
}

static int write_files(cr_ctx *ctx, const char *root, const pt_file *files,
	size_t count)
{
	int rc = CR_OK;

	for (size_t i = 0; i < count && !rc; i++)
		rc = write_file(ctx, root, &files[i]);
	return rc;
}

static int delete_files(cr_ctx *ctx, const char *root, char *const *paths,
	size_t count)
{
	char *path;
	int rc = CR_OK;

	for (size_t i = 0; i < count && !rc; i++) {
		if (asprintf(&path, "%s/%s", root, paths[i]) < 0)
			return cr_error_set(ctx, CR_ENOMEM, "out of memory");
		if (unlink(path) != 0)
			rc = io_error(ctx, "delete", path);
		free(path);
	}
	return rc;
}

/* --- copying a case directory ------------------------------------------- */

static int copy_tree(cr_ctx *ctx, const char *from, const char *to,
	bool top, unsigned depth);

static int copy_regular(cr_ctx *ctx, const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = -1, rc = CR_OK;
	ssize_t n;

	if (in < 0)
		return io_error(ctx, "read", from);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = io_error(ctx, "create", to);
		goto done;
	}
	while ((n = read(in, buf, sizeof buf)) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			rc = io_error(ctx, "write", to);
			goto done;
		}
	}
	if (n < 0)
		rc = io_error(ctx, "read", from);
done:
	close(in);
	if (out >= 0 && close(out) != 0 && !rc)
		rc = io_error(ctx, "write", to);
	return rc;
}

static int copy_link(cr_ctx *ctx, const char *from, const char *to)
{
	char target[4096];
	ssize_t n = readlink(from, target, sizeof target - 1);

	if (n < 0)
		return io_error(ctx, "read", from);
	target[n] = '\0';
	if (symlink(target, to) != 0)
		return io_error(ctx, "create", to);
	return CR_OK;
}

/* One entry of a tree: directories, files and symbolic links (as links);
 * anything else is no fixture material. */
static int copy_entry(cr_ctx *ctx, const char *from, const char *to,
	unsigned depth)
{
	struct stat st;

	if (lstat(from, &st) != 0)
		return io_error(ctx, "read", from);
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(to, 0755) != 0)
			return io_error(ctx, "create", to);
		return copy_tree(ctx, from, to, false, depth + 1);
	}
	if (S_ISREG(st.st_mode))
		return copy_regular(ctx, from, to);
	if (S_ISLNK(st.st_mode))
		return copy_link(ctx, from, to);
	return CR_OK;
}

/* Copy the directory `from` into the existing `to`; at the top, the
 * case's expect.yml stays behind. */
static int copy_tree(cr_ctx *ctx, const char *from, const char *to,
	bool top, unsigned depth)
{
	DIR *dir;
	struct dirent *e;
	char *src, *dst;
	int rc = CR_OK;

	if (depth > COPY_DEPTH_MAX)
		return cr_error_set(ctx, CR_EIO, "%s: nested more than %d deep",
			from, COPY_DEPTH_MAX);
	if (!(dir = opendir(from)))
		return io_error(ctx, "read", from);
	while (!rc && (e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (top && !strcmp(e->d_name, "expect.yml")))
			continue;
		if (asprintf(&src, "%s/%s", from, e->d_name) < 0)
			src = NULL;
		if (asprintf(&dst, "%s/%s", to, e->d_name) < 0)
			dst = NULL;
		rc = src && dst ? copy_entry(ctx, src, dst, depth) :
			cr_error_set(ctx, CR_ENOMEM, "out of memory");
		free(src);
		free(dst);
	}
	closedir(dir);
	return rc;
}

/* --- git ------------------------------------------------------------------ */

static int git_failed(cr_ctx *ctx, const char *what)
{
	const git_error *e = git_error_last();

	return cr_error_set(ctx, CR_EGIT, "fixture: cannot %s: %s", what,
		e && e->message ? e->message : "unknown libgit2 error");
}

static int init_repository(git_repository **out, cr_ctx *ctx,
	const char *root)
{
	git_repository_init_options o;

	git_repository_init_options_init(&o,
		GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_MKPATH;
	o.initial_head = "main";
	if (git_repository_init_ext(out, root, &o) < 0)
		return git_failed(ctx, "create a repository");
	return CR_OK;
}

/* `git add -A && git commit`: the index follows the work tree (ignored
 * files stay out), and the commit's parent is HEAD when there is one. */
static int commit_all(cr_ctx *ctx, git_repository *repo, const char *message,
	const char *name, const char *email, int64_t time)
{
	git_index *index = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_oid tree_id, commit_id;
	int rc = CR_OK;

	if (git_repository_index(&index, repo) < 0 ||
	    git_index_add_all(index, NULL, GIT_INDEX_ADD_DEFAULT, NULL,
		    NULL) < 0 ||
	    git_index_update_all(index, NULL, NULL, NULL) < 0 ||
	    git_index_write(index) < 0 ||
	    git_index_write_tree(&tree_id, index) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) < 0 ||
	    git_signature_new(&sig, name, email, (git_time_t)time, 0) < 0) {
		rc = git_failed(ctx, "stage the fixture");
		goto done;
	}
	if (git_revparse_single((git_object **)&parent, repo, "HEAD") < 0)
		parent = NULL;
	if (git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL,
		    message, tree, parent ? 1 : 0, parent) < 0)
		rc = git_failed(ctx, "commit");
done:
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(index);
	return rc;
}

static int make_commits(cr_ctx *ctx, git_repository *repo, const char *root,
	const pt_case *c)
{
	const pt_commit *k;
	int rc = CR_OK;

	for (size_t i = 0; i < c->commit_count && !rc; i++) {
		k = &c->commits[i];
		rc = write_files(ctx, root, k->files, k->file_count);
		if (!rc)
			rc = delete_files(ctx, root, k->deletes,
				k->delete_count);
		if (!rc)
			rc = commit_all(ctx, repo, k->message, k->author_name,
				k->author_email, k->time);
	}
	return rc;
}

/* --- the fixture ----------------------------------------------------------- */

static int write_tree(cr_ctx *ctx, const char *root, const pt_case *c)
{
	if (c->tree)
		return copy_tree(ctx, c->tree, root, true, 0);
	return write_files(ctx, root, c->files, c->file_count);
}

static int build(cr_ctx *ctx, const char *root, const pt_case *c)
{
	git_repository *repo = NULL;
	int rc;

	if (!c->git)
		return write_tree(ctx, root, c);
	rc = init_repository(&repo, ctx, root);
	if (!rc)
		rc = make_commits(ctx, repo, root, c);
	if (!rc)
		rc = write_tree(ctx, root, c);
	if (!rc && !c->commit_count)
		rc = commit_all(ctx, repo, "fixture", PT_AUTHOR_NAME,
			PT_AUTHOR_EMAIL, PT_EPOCH);
	git_repository_free(repo);
	return rc;
}

int pt_fixture_make(char **out, cr_ctx *ctx, const pt_case *c)
{
	const char *tmp = getenv("TMPDIR");
	char *root;
	int rc;

	*out = NULL;
	if (asprintf(&root, "%s/crucible-test-XXXXXX",
		    tmp && *tmp ? tmp : "/tmp") < 0)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	if (!mkdtemp(root)) {
		rc = io_error(ctx, "create", root);
		free(root);
		return rc;
	}
	rc = build(ctx, root, c);
	if (rc) {
		pt_fixture_remove(root);
		free(root);
		return rc;
	}
	*out = root;
	return CR_OK;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
	struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void pt_fixture_remove(const char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
