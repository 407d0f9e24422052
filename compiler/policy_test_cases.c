/*
 * policy_test_cases.c - read the test cases of a bundle's policies.
 *
 * Beside a policy module `ci/pinned.lua` its cases live in
 * `ci/pinned.test.yml` (a list of cases, each with its files inline) and
 * in `ci/pinned.test/<case>/` (a fixture tree plus expect.yml); the
 * bundle loader skips both (compiler/bundle.c).  Like every reader of a
 * user's file, this one reports every problem of every test file at once,
 * "file:line: message", so that an author fixes them in one round trip.
 * The format is docs/testing-policies.md.
 */
#include "compiler/policy_test.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "compiler/yaml.h"

#define TEST_FILE_MAX ((size_t)4 << 20)

static char *format_text(cr_problems *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *format_text(cr_problems *p, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n >= 0)
		return s;
	p->oom = true;
	return NULL;
}

static char *dup_text(cr_problems *p, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		p->oom = true;
	return copy;
}

/* Grow *items (count elements of size) by one zeroed element; NULL (and
 * p->oom) when out of memory. */
static void *push(cr_problems *p, void *items_ptr, size_t *count, size_t size)
{
	void **items = items_ptr;
	char *grown = realloc(*items, (*count + 1) * size);

	if (!grown) {
		p->oom = true;
		return NULL;
	}
	*items = grown;
	memset(grown + *count * size, 0, size);
	return grown + (*count)++ * size;
}

/* Relative, '/'-separated, no empty, "." or ".." component, and nothing
 * inside .git: a fixture path must stay inside its directory. */
static bool fixture_path_ok(const char *path)
{
	const char *seg = path;

	if (!*path)
		return false;
	for (const char *s = path;; s++) {
		if (*s == '/' || !*s) {
			size_t n = (size_t)(s - seg);

			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && !memcmp(seg, "..", 2)) ||
			    (n == 4 && !memcmp(seg, ".git", 4)))
				return false;
			if (!*s)
				return true;
			seg = s + 1;
		}
	}
}

static bool mapping(cr_problems *p, const cr_ynode *v, const char *what)
{
	if (v->kind == CR_YMAP)
		return true;
	cr_problem_at(p, v->line, "%s must be a mapping", what);
	return false;
}

static bool sequence(cr_problems *p, const cr_ynode *v, const char *what)
{
	if (v->kind == CR_YSEQ)
		return true;
	cr_problem_at(p, v->line, "%s must be a list", what);
	return false;
}

/* --- files ------------------------------------------------------------------ */

static void read_files(pt_file **items, size_t *count, cr_problems *p,
	const cr_ynode *v)
{
	pt_file *f;

	if (!mapping(p, v, "files"))
		return;
	for (size_t i = 0; i + 1 < v->count; i += 2) {
		const cr_ynode *key = v->kids[i], *val = v->kids[i + 1];
		const char *text = cr_ynode_is_null(val) ? "" : val->text;

		if (key->kind != CR_YSCALAR || !fixture_path_ok(key->text)) {
			cr_problem_at(p, key->line, "a file path must be "
				"relative, without '.', '..' or .git");
			continue;
		}
		if (val->kind != CR_YSCALAR) {
			cr_problem_at(p, val->line, "the content of %s must "
				"be a string", key->text);
			continue;
		}
		if (!(f = push(p, items, count, sizeof *f)))
			return;
		f->path = dup_text(p, key->text);
		f->data = dup_text(p, text);
		f->len = strlen(text);
	}
}

/* --- git ---------------------------------------------------------------------- */

static void commit_message(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_commit *c = target;
	const char *s = cr_ynode_string(p, v, "message");

	if (s) {
		free(c->message);
		c->message = dup_text(p, s);
	}
}

static void commit_files(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_commit *c = target;

	read_files(&c->files, &c->file_count, p, v);
}

static void commit_delete(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_commit *c = target;
	char **slot;

	if (!sequence(p, v, "delete"))
		return;
	for (size_t i = 0; i < v->count; i++) {
		const char *path = cr_ynode_text(v->kids[i]);

		if (!path || !fixture_path_ok(path)) {
			cr_problem_at(p, v->kids[i]->line, "delete: a path must "
				"be relative, without '.', '..' or .git");
			continue;
		}
		if (!(slot = push(p, &c->deletes, &c->delete_count,
			      sizeof *slot)))
			return;
		*slot = dup_text(p, path);
	}
}

/* "Name <email>" */
static void commit_author(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_commit *c = target;
	const char *s = cr_ynode_string(p, v, "author");
	const char *lt = s ? strchr(s, '<') : NULL;
	const char *gt = lt ? strchr(lt, '>') : NULL;
	size_t name_len;

	if (!s)
		return;
	if (!lt || !gt || gt[1] || lt == s) {
		cr_problem_at(p, v->line, "author must read \"Name <email>\"");
		return;
	}
	name_len = (size_t)(lt - s);
	while (name_len && s[name_len - 1] == ' ')
		name_len--;
	free(c->author_name);
	free(c->author_email);
	c->author_name = strndup(s, name_len);
	c->author_email = strndup(lt + 1, (size_t)(gt - lt - 1));
	if (!c->author_name || !c->author_email)
		p->oom = true;
}

/* YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC. */
static void commit_date(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_commit *c = target;
	const char *s = cr_ynode_text(v);
	struct tm tm = { 0 };
	char *end = NULL;

	if (s)
		end = strptime(s, "%Y-%m-%d", &tm);
	if (end && *end)
		end = strptime(end, "T%H:%M:%SZ", &tm);
	if (!end || *end) {
		cr_problem_at(p, v->line, "date must read YYYY-MM-DD or "
			"YYYY-MM-DDTHH:MM:SSZ");
		return;
	}
	c->time = (int64_t)timegm(&tm);
}

static const cr_yfield commit_fields[] = {
	{"message", false, commit_message},
	{"files", false, commit_files},
	{"delete", false, commit_delete},
	{"author", false, commit_author},
	{"date", false, commit_date},
};

static void read_commit(pt_commit *c, cr_problems *p, const cr_ynode *v,
	size_t index)
{
	c->time = PT_EPOCH + (int64_t)index * PT_DAY;
	c->message = format_text(p, "commit %zu", index + 1);
	c->author_name = dup_text(p, PT_AUTHOR_NAME);
	c->author_email = dup_text(p, PT_AUTHOR_EMAIL);
	if (mapping(p, v, "a commit"))
		cr_yaml_fields(c, p, v, "a commit", commit_fields,
			sizeof commit_fields / sizeof *commit_fields);
}

static void case_git(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_case *c = target;
	pt_commit *commit;

	if (cr_ynode_bool(&c->git, v))
		return;
	if (v->kind != CR_YSEQ || !v->count) {
		cr_problem_at(p, v->line, "git must be true, false or a "
			"non-empty list of commits");
		return;
	}
	c->git = true;
	for (size_t i = 0; i < v->count; i++) {
		if (!(commit = push(p, &c->commits, &c->commit_count,
			      sizeof *commit)))
			return;
		read_commit(commit, p, v->kids[i], i);
	}
}

/* --- expect --------------------------------------------------------------------- */

static void expect_status(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_expect *e = target;
	const char *s = cr_ynode_text(v);

	if (!s || cr_status_parse(&e->status, s) != CR_OK ||
	    strcmp(cr_status_name(e->status), s) != 0) {
		cr_problem_at(p, v->line, "status must be one of pass, fail, "
			"warn, skip, error");
		return;
	}
	e->has_status = true;
}

static void expect_score(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_expect *e = target;
	const char *s = cr_ynode_text(v);

	if (!s || !v->plain || !cr_yaml_number(&e->score, s) ||
	    e->score < 0 || e->score > 1) {
		cr_problem_at(p, v->line, "score must be a number from 0 to 1");
		return;
	}
	e->has_score = true;
}

/* A non-negative integer written plain. */
static bool count_value(size_t *out, const cr_ynode *v)
{
	const char *s = cr_ynode_text(v);
	double d;

	if (!s || !v->plain || !cr_yaml_number(&d, s) || d < 0 ||
	    d > 1e9 || d != (double)(size_t)d)
		return false;
	*out = (size_t)d;
	return true;
}

static void finding_path(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_expected_finding *f = target;
	const char *s = cr_ynode_string(p, v, "path");

	if (s)
		f->path = dup_text(p, s);
}

static void finding_line(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_expected_finding *f = target;
	size_t line;

	if (!count_value(&line, v) || line < 1 || line > UINT32_MAX)
		cr_problem_at(p, v->line, "line must be a positive integer");
	else
		f->line = (uint32_t)line;
}

static void finding_message(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_expected_finding *f = target;
	const char *s = cr_ynode_string(p, v, "message");

	if (s)
		f->message = dup_text(p, s);
}

static const cr_yfield finding_fields[] = {
	{"path", false, finding_path},
	{"line", false, finding_line},
	{"message", false, finding_message},
};

static void expect_findings(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_expect *e = target;
	pt_expected_finding *f;

	if (!sequence(p, v, "findings"))
		return;
	e->has_findings = true;
	for (size_t i = 0; i < v->count; i++) {
		if (!mapping(p, v->kids[i], "a finding") ||
		    !(f = push(p, &e->findings, &e->finding_count, sizeof *f)))
			continue;
		cr_yaml_fields(f, p, v->kids[i], "a finding", finding_fields,
			sizeof finding_fields / sizeof *finding_fields);
	}
}

static void expect_count(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_expect *e = target;

	if (!count_value(&e->findings_count, v))
		cr_problem_at(p, v->line,
			"findings_count must be a non-negative integer");
	else
		e->has_count = true;
}

static const cr_yfield expect_fields[] = {
	{"status", false, expect_status},
	{"score", false, expect_score},
	{"findings", false, expect_findings},
	{"findings_count", false, expect_count},
};

static void case_expect(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_case *c = target;
	pt_expect *e = &c->expect;

	if (!mapping(p, v, "expect"))
		return;
	if (!v->count)
		cr_problem_at(p, v->line, "expect must give a status, score, "
			"findings or findings_count");
	cr_yaml_fields(e, p, v, "expect", expect_fields,
		sizeof expect_fields / sizeof *expect_fields);
}

/* --- a case ------------------------------------------------------------------------ */

static void case_name(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_case *c = target;
	const char *s = cr_ynode_string(p, v, "name");

	if (s)
		c->name = dup_text(p, s);
}

static void case_files(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_case *c = target;

	read_files(&c->files, &c->file_count, p, v);
}

static void case_params(void *target, cr_problems *p, const cr_ynode *v)
{
	pt_case *c = target;

	if (mapping(p, v, "params"))
		c->params = cr_ynode_to_json(p, v);
}

static const cr_yfield yaml_case_fields[] = {
	{"name", true, case_name},
	{"files", false, case_files},
	{"git", false, case_git},
	{"params", false, case_params},
	{"expect", true, case_expect},
};

/* In a case directory the tree is the fixture and the name is the
 * directory's. */
static const cr_yfield dir_case_fields[] = {
	{"git", false, case_git},
	{"params", false, case_params},
	{"expect", true, case_expect},
};

/* --- the suite ---------------------------------------------------------------------- */

static void release_files(pt_file *files, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
}

static void release_case(pt_case *c)
{
	for (size_t i = 0; i < c->commit_count; i++) {
		pt_commit *k = &c->commits[i];

		free(k->message);
		free(k->author_name);
		free(k->author_email);
		release_files(k->files, k->file_count);
		for (size_t j = 0; j < k->delete_count; j++)
			free(k->deletes[j]);
		free(k->deletes);
	}
	free(c->commits);
	release_files(c->files, c->file_count);
	for (size_t i = 0; i < c->expect.finding_count; i++) {
		free(c->expect.findings[i].path);
		free(c->expect.findings[i].message);
	}
	free(c->expect.findings);
	cJSON_Delete(c->params);
	free(c->name);
	free(c->where);
	free(c->tree);
}

void pt_suite_release(pt_suite *s)
{
	for (size_t i = 0; i < s->count; i++)
		release_case(&s->cases[i]);
	free(s->cases);
	free(s->tested);
	memset(s, 0, sizeof *s);
}

struct loader {
	pt_suite *suite;
	cr_problems *p;
	const char *dir;     /* the bundle directory */
	size_t module;
	size_t first;        /* the module's first case */
};

static pt_case *new_case(struct loader *ld)
{
	pt_case *c = push(ld->p, &ld->suite->cases, &ld->suite->count,
		sizeof *c);

	if (c)
		c->module = ld->module;
	return c;
}

/* A case is named once per module, so that --run and reports can tell
 * cases apart. */
static void check_unique(struct loader *ld, const pt_case *c, unsigned line)
{
	for (size_t i = ld->first; c->name && &ld->suite->cases[i] != c; i++) {
		if (ld->suite->cases[i].name &&
		    !strcmp(ld->suite->cases[i].name, c->name))
			cr_problem_at(ld->p, line, "a second case named \"%s\"",
				c->name);
	}
}

/* Parse the file at dir/rel into *root (NULL unless it holds a
 * document); CR_ENOTFOUND when there is no such file. */
static int read_yaml(struct loader *ld, cr_ynode **root, const char *rel,
	cr_ctx *ctx)
{
	char *path = format_text(ld->p, "%s/%s", ld->dir, rel);
	char *data = NULL;
	size_t len;
	int rc;

	*root = NULL;
	if (!path)
		return CR_ENOMEM;
	rc = cr_user_file_read(&data, &len, ctx, path, TEST_FILE_MAX);
	if (rc == CR_ENOMEM)
		ld->p->oom = true;
	else if (rc && rc != CR_ENOTFOUND)
		cr_problem(ld->p, "%s", cr_ctx_error(ctx));
	else if (!rc && cr_yaml_parse(root, ld->p, data, len) == CR_ENOMEM)
		ld->p->oom = true;
	free(path);
	free(data);
	return rc;
}


static void load_yaml_cases(struct loader *ld, const char *rel, cr_ctx *ctx)
{
	cr_ynode *root;
	pt_case *c;

	ld->p->file = rel;
	if (read_yaml(ld, &root, rel, ctx) || !root)
		return;
	if (sequence(ld->p, root, "a test file")) {
		for (size_t i = 0; i < root->count; i++) {
			const cr_ynode *v = root->kids[i];

			if (!mapping(ld->p, v, "a test case") ||
			    !(c = new_case(ld)))
				continue;
			c->where = format_text(ld->p, "%s:%u", rel, v->line);
			cr_yaml_fields(c, ld->p, v, "a test case",
				yaml_case_fields, sizeof yaml_case_fields /
				sizeof *yaml_case_fields);
			check_unique(ld, c, v->line);
		}
	}
	cr_ynode_free(root);
}

static void load_dir_case(struct loader *ld, const char *rel,
	const char *name, cr_ctx *ctx)
{
	char *expect = format_text(ld->p, "%s/%s/expect.yml", rel, name);
	cr_ynode *root;
	pt_case *c;

	if (!expect)
		return;
	ld->p->file = expect;
	if (read_yaml(ld, &root, expect, ctx) == CR_ENOTFOUND)
		cr_problem(ld->p, "%s: missing (every case directory needs "
			"one)", expect);
	if (root && mapping(ld->p, root, "expect.yml") && (c = new_case(ld))) {
		c->name = dup_text(ld->p, name);
		c->where = format_text(ld->p, "%s/%s/", rel, name);
		c->tree = format_text(ld->p, "%s/%s/%s", ld->dir, rel, name);
		cr_yaml_fields(c, ld->p, root, "expect.yml", dir_case_fields,
			sizeof dir_case_fields / sizeof *dir_case_fields);
		check_unique(ld, c, root->line);
	}
	cr_ynode_free(root);
	ld->p->file = NULL;
	free(expect);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int visible_dir(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Every non-hidden subdirectory of dir/rel is a case, in name order. */
static void load_dir_cases(struct loader *ld, const char *rel, cr_ctx *ctx)
{
	struct dirent **names = NULL;
	struct stat st;
	char *path = format_text(ld->p, "%s/%s", ld->dir, rel);
	int n;

	if (!path)
		return;
	n = scandir(path, &names, visible_dir, by_name);
	for (int i = 0; i < n; i++) {
		char *sub = format_text(ld->p, "%s/%s", path,
			names[i]->d_name);

		if (sub) {
			if (!lstat(sub, &st) && S_ISDIR(st.st_mode))
				load_dir_case(ld, rel, names[i]->d_name, ctx);
			free(sub);
		}
		free(names[i]);
	}
	if (n < 0 && errno != ENOENT && errno != ENOTDIR)
		cr_problem(ld->p, "%s: %s", rel, strerror(errno));
	free(names);
	free(path);
}

static void load_module_cases(struct loader *ld, const cr_module *m,
	cr_ctx *ctx)
{
	size_t stem = strlen(m->path) - strlen(".lua");
	char *rel = format_text(ld->p, "%.*s.test.yml", (int)stem, m->path);

	ld->first = ld->suite->count;
	if (!rel)
		return;
	load_yaml_cases(ld, rel, ctx);
	rel[stem + strlen(".test")] = '\0';
	load_dir_cases(ld, rel, ctx);
	free(rel);
	ld->p->file = NULL;
	ld->suite->tested[ld->module] = ld->suite->count > ld->first;
}

int pt_suite_load(pt_suite *out, cr_ctx *ctx, const char *dir,
	const cr_bundle *b)
{
	cr_problems p = { 0 };
	struct loader ld = { .suite = out, .p = &p, .dir = dir };
	size_t n = cr_bundle_policy_count(b);
	int rc = CR_OK;

	memset(out, 0, sizeof *out);
	if (!(out->tested = calloc(n ? n : 1, sizeof *out->tested)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	for (ld.module = 0; ld.module < n && !p.oom; ld.module++)
		load_module_cases(&ld, cr_bundle_policy(b, ld.module), ctx);
	if (p.oom)
		rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
	else if (p.count)
		rc = cr_problems_report(&p, ctx, CR_EBUNDLE);
	cr_problems_release(&p);
	return rc;
}
