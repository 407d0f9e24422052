/*
 * policy_test.h - policy test cases as read from a bundle directory, and
 * their fixtures on disk (private to compiler/).
 *
 * compiler/policy_test_cases.c reads the cases of every policy module
 * (MODULE.test.yml and MODULE.test/<case>/expect.yml, docs/
 * testing-policies.md); compiler/policy_test_fixture.c turns one case
 * into a directory, with a git repository when it asks for one;
 * compiler/policy_test.c runs them (include/crucible/policy_test.h).
 */
#ifndef CRUCIBLE_COMPILER_POLICY_TEST_H
#define CRUCIBLE_COMPILER_POLICY_TEST_H

#include <cjson/cJSON.h>

#include "crucible/bundle.h"
#include "crucible/report.h"

/* Commits carry this author unless a case names one, and are a day apart
 * from 2024-01-01T00:00:00Z unless dated, so that commit ids, and what
 * policies say about history, are the same on every run. */
#define PT_AUTHOR_NAME "Crucible Test"
#define PT_AUTHOR_EMAIL "test@crucible.invalid"
#define PT_EPOCH 1704067200
#define PT_DAY 86400

typedef struct pt_file {
	char *path;          /* relative, '/' separated, checked clean */
	char *data;
	size_t len;
} pt_file;

typedef struct pt_commit {
	char *message;
	char *author_name;
	char *author_email;
	int64_t time;        /* seconds since the epoch, UTC */
	pt_file *files;
	size_t file_count;
	char **deletes;
	size_t delete_count;
} pt_commit;

typedef struct pt_expected_finding {
	char *path;          /* or NULL: any */
	uint32_t line;       /* 0: any */
	char *message;       /* a substring, "/regex/", or NULL: any */
} pt_expected_finding;

typedef struct pt_expect {
	bool has_status;
	cr_status status;
	bool has_score;
	double score;
	bool has_findings;   /* `findings:` given: they must match exactly */
	pt_expected_finding *findings;
	size_t finding_count;
	bool has_count;
	size_t findings_count;
} pt_expect;

typedef struct pt_case {
	size_t module;       /* index of the policy module in the bundle */
	char *name;
	char *where;         /* "ci/x.test.yml:12", "ci/x.test/name/" */
	char *tree;          /* directory form: the case directory, else NULL */
	pt_file *files;      /* YAML form: the working tree */
	size_t file_count;
	bool git;            /* make a repository */
	pt_commit *commits;  /* made in order, before the working tree is
				written; none with `git: true`, which
				commits the working tree itself */
	size_t commit_count;
	cJSON *params;       /* overlay on the policy's params, or NULL */
	pt_expect expect;
} pt_case;

typedef struct pt_suite {
	pt_case *cases;      /* by module, then as written */
	size_t count;
	bool *tested;        /* per policy module: has at least one case */
} pt_suite;

/* Read the cases of every policy module of b, which was loaded from the
 * directory `dir`.  Every problem is reported at once (CR_EBUNDLE, one
 * "file:line: message" a line); CR_ENOMEM.  Release the suite with
 * pt_suite_release() in every case. */
int pt_suite_load(pt_suite *out, cr_ctx *ctx, const char *dir,
	const cr_bundle *b);
void pt_suite_release(pt_suite *s);

/* Build the case's fixture in a new directory under $TMPDIR (or /tmp);
 * *out is its path, which the caller removes with pt_fixture_remove()
 * and frees.  Errors: CR_EIO, CR_EGIT, CR_ENOMEM. */
int pt_fixture_make(char **out, cr_ctx *ctx, const pt_case *c);
void pt_fixture_remove(const char *dir);

#endif
