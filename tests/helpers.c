/*
 * helpers.c - see helpers.h.  Uses only POSIX and the git CLI, never the
 * code under test, so a bug in crucible cannot hide itself here.
 */
#include "tests/helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *th_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/crucible-test-XXXXXX", base) < 0)
		fail_msg("asprintf");
	if (!mkdtemp(path))
		fail_msg("mkdtemp %s: %s", path, strerror(errno));
	return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
	struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

void th_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
}

static void mkparents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

void th_write(const char *dir, const char *rel, const char *content)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		fail_msg("asprintf");
	mkparents(path);
	f = fopen(path, "wb");
	if (!f)
		fail_msg("fopen %s: %s", path, strerror(errno));
	fwrite(content, 1, strlen(content), f);
	fclose(f);
	free(path);
}

char *th_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				fail_msg("realloc");
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int th_sh(const char *dir, const char *fmt, ...)
{
	char *cmd, *full;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		fail_msg("vasprintf");
	va_end(ap);
	if (asprintf(&full, "cd '%s' && { %s; } >/dev/null 2>&1", dir, cmd) < 0)
		fail_msg("asprintf");
	rc = system(full);
	free(cmd);
	free(full);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void th_git_init(const char *dir)
{
	assert_int_equal(th_sh(dir, "git init -q -b main . && "
		"git config user.name 'Test Author' && "
		"git config user.email test@example.com && "
		"git config commit.gpgsign false"), 0);
}

void th_git_commit(const char *dir, const char *msg, long date_offset)
{
	long when = 1704067200L + date_offset;

	assert_int_equal(th_sh(dir, "git add -A && "
		"GIT_AUTHOR_DATE='@%ld +0000' GIT_COMMITTER_DATE='@%ld +0000' "
		"git commit -q --allow-empty -m '%s'", when, when, msg), 0);
}

/* Drain both pipes at once so a child that writes a lot to one of them
 * never blocks on the other. */
static void drain(int outfd, int errfd, char **out, char **err)
{
	struct pollfd fds[2] = {{outfd, POLLIN, 0}, {errfd, POLLIN, 0}};
	char **bufs[2] = {out, err};
	size_t lens[2] = {0, 0}, caps[2] = {0, 0};
	int open_count = 2;

	*out = *err = NULL;
	while (open_count > 0) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail_msg("poll: %s", strerror(errno));
		}
		for (int i = 0; i < 2; i++) {
			char chunk[8192];
			ssize_t n;

			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(fds[i].fd, chunk, sizeof chunk);
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_count--;
				continue;
			}
			if (lens[i] + (size_t)n + 1 > caps[i]) {
				caps[i] = (lens[i] + (size_t)n + 1) * 2;
				*bufs[i] = realloc(*bufs[i], caps[i]);
				if (!*bufs[i])
					fail_msg("realloc");
			}
			memcpy(*bufs[i] + lens[i], chunk, (size_t)n);
			lens[i] += (size_t)n;
		}
	}
	for (int i = 0; i < 2; i++) {
		if (!*bufs[i])
			*bufs[i] = calloc(1, 1);
		else
			(*bufs[i])[lens[i]] = '\0';
	}
}

th_run th_crucible(const char *cwd, const char *const *argv)
{
	int outp[2], errp[2], status;
	size_t argc = 0;
	const char **args;
	th_run r;
	pid_t pid;

	while (argv[argc])
		argc++;
	args = calloc(argc + 2, sizeof *args);
	args[0] = CRUCIBLE_BIN;
	memcpy(args + 1, argv, argc * sizeof *args);
	if (pipe(outp) || pipe(errp))
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		close(outp[0]);
		close(errp[0]);
		if (cwd && chdir(cwd) != 0)
			_exit(126);
		execv(CRUCIBLE_BIN, (char *const *)args);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	drain(outp[0], errp[0], &r.out, &r.err);
	waitpid(pid, &status, 0);
	r.status = WIFEXITED(status) ? WEXITSTATUS(status)
				     : 128 + WTERMSIG(status);
	free(args);
	return r;
}

void th_run_free(th_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
