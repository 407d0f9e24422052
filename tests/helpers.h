/*
 * helpers.h - what every test executable needs: temporary directories,
 * files, real git repositories made with the git CLI, and running the real
 * crucible binary with its output captured.
 *
 * Every helper aborts the test (cmocka fail) on an unexpected OS error, so
 * tests read as a list of steps.
 */
#ifndef CRUCIBLE_TESTS_HELPERS_H
#define CRUCIBLE_TESTS_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh directory under $TMPDIR; the caller removes it with
 * th_rmtree() and frees the string. */
char *th_tempdir(void);
void th_rmtree(const char *dir);

/* Write `content` to dir/rel, creating parent directories. */
void th_write(const char *dir, const char *rel, const char *content);
/* Read a whole file (NUL-terminated, caller frees), or NULL. */
char *th_read(const char *path);

/* Run a shell command line built from fmt in `dir`; returns its exit
 * status (or -1 if it did not exit normally). */
int th_sh(const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* `git init` with a fixed identity and initial branch "main". */
void th_git_init(const char *dir);
/* `git add -A && git commit -m msg` with a fixed date offset (seconds
 * after 2024-01-01T00:00:00Z), so history is reproducible. */
void th_git_commit(const char *dir, const char *msg, long date_offset);

typedef struct th_run {
	int status;   /* exit code, or 128+signal */
	char *out;    /* captured stdout (NUL-terminated) */
	char *err;    /* captured stderr */
} th_run;

/* Run the crucible binary with argv (NULL-terminated, argv[0] excluded)
 * in directory `cwd` (may be NULL). */
th_run th_crucible(const char *cwd, const char *const *argv);
void th_run_free(th_run *r);

#endif
