/*
 * docs.c - documents and repository hygiene as facts: README and the
 * other well-known documents (with headings and, for licenses, an SPDX
 * guess), operational documents (runbooks, incident, on-call, rollback),
 * CODEOWNERS, .env.example variables, ignore files, tool configurations
 * (pre-commit, linters, formatters, coverage, test runners), test files
 * per language and benchmark directories.
 *
 * Most of it is decided from names alone, in one pass over the inventory;
 * only documents, CODEOWNERS, env examples and ignore files are read.
 * The tables below are the list of what is recognised.
 *
 *   doc            doc_type, title, headings, topics, root, spdx (license),
 *                  rules, owners, covers_all (codeowners)
 *   env_example    variables
 *   ignore_file    ignore_type (gitignore | dockerignore), patterns
 *   tool_config    category, tool
 *   test_suite     language, files, dirs, e2e, integration, smoke
 *   bench_dir      files
 */
#include "facts/docs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crucible/glob.h"

#define HEADINGS_MAX 200
#define LIST_MAX 1000

/* Well-known documents by the stem of their name, any case, with no
 * extension or a text one. */
static const struct { const char *stem, *type; } known_docs[] = {
	{ "readme", "readme" },
	{ "license", "license" }, { "licence", "license" },
	{ "copying", "license" }, { "unlicense", "license" },
	{ "security", "security" },
	{ "contributing", "contributing" },
	{ "changelog", "changelog" }, { "changes", "changelog" },
	{ "history", "changelog" }, { "releases", "changelog" },
	{ "code_of_conduct", "code_of_conduct" },
	{ "code-of-conduct", "code_of_conduct" },
	{ "support", "support" }, { "governance", "governance" },
	{ "codeowners", "codeowners" },
};

static const char *const text_exts[] = {
	"", "md", "markdown", "rst", "txt", "adoc", "org", NULL
};

/* Words that make a document operational, in its name or a heading. */
static const struct { const char *word, *topic; } topic_words[] = {
	{ "runbook", "runbook" }, { "playbook", "runbook" },
	{ "incident", "incident" }, { "on-call", "oncall" },
	{ "oncall", "oncall" }, { "on call", "oncall" },
	{ "on_call", "oncall" }, { "rollback", "rollback" },
	{ "roll back", "rollback" }, { "postmortem", "postmortem" },
	{ "post-mortem", "postmortem" }, { "disaster", "disaster_recovery" },
	{ "troubleshoot", "troubleshooting" }, { "deploy", "deployment" },
	{ "monitoring", "monitoring" }, { "alert", "alerting" },
	{ "escalation", "escalation" }, { "architecture", "architecture" },
	{ "environment variable", "configuration" },
	{ "configuration", "configuration" },
};

_Static_assert(sizeof topic_words / sizeof *topic_words <= 32,
	"topics are tracked in a 32-bit set");

/* Tool configurations by file name (globs on the basename). */
static const struct { const char *glob, *category, *tool; } tool_files[] = {
	{ ".pre-commit-config.yaml", "precommit", "pre-commit" },
	{ "lefthook.yml", "precommit", "lefthook" },
	{ ".lintstagedrc*", "precommit", "lint-staged" },
	{ ".editorconfig", "editorconfig", "editorconfig" },
	{ ".eslintrc*", "lint", "eslint" },
	{ "eslint.config.*", "lint", "eslint" },
	{ "biome.json", "lint", "biome" },
	{ "tslint.json", "lint", "tslint" },
	{ ".stylelintrc*", "lint", "stylelint" },
	{ ".markdownlint*", "lint", "markdownlint" },
	{ "ruff.toml", "lint", "ruff" }, { ".ruff.toml", "lint", "ruff" },
	{ ".flake8", "lint", "flake8" },
	{ ".pylintrc", "lint", "pylint" }, { "pylintrc", "lint", "pylint" },
	{ ".rubocop.yml", "lint", "rubocop" },
	{ ".golangci.y*ml", "lint", "golangci-lint" },
	{ ".golangci.toml", "lint", "golangci-lint" },
	{ "clippy.toml", "lint", "clippy" }, { ".clippy.toml", "lint", "clippy" },
	{ ".clang-tidy", "lint", "clang-tidy" },
	{ ".hadolint.y*ml", "lint", "hadolint" },
	{ ".shellcheckrc", "lint", "shellcheck" },
	{ "checkstyle*.xml", "lint", "checkstyle" },
	{ ".commitlintrc*", "lint", "commitlint" },
	{ "commitlint.config.*", "lint", "commitlint" },
	{ ".prettierrc*", "format", "prettier" },
	{ "prettier.config.*", "format", "prettier" },
	{ "rustfmt.toml", "format", "rustfmt" },
	{ ".rustfmt.toml", "format", "rustfmt" },
	{ ".clang-format", "format", "clang-format" },
	{ ".scalafmt.conf", "format", "scalafmt" },
	{ "mypy.ini", "typecheck", "mypy" }, { ".mypy.ini", "typecheck", "mypy" },
	{ "tsconfig.json", "typecheck", "typescript" },
	{ "pyrightconfig.json", "typecheck", "pyright" },
	{ "jest.config.*", "test", "jest" },
	{ "vitest.config.*", "test", "vitest" },
	{ "karma.conf.*", "test", "karma" },
	{ "cypress.config.*", "test", "cypress" },
	{ "playwright.config.*", "test", "playwright" },
	{ "pytest.ini", "test", "pytest" }, { "tox.ini", "test", "tox" },
	{ "phpunit.xml*", "test", "phpunit" },
	{ ".mocharc*", "test", "mocha" },
	{ ".nycrc*", "coverage", "nyc" }, { ".c8rc*", "coverage", "c8" },
	{ ".coveragerc", "coverage", "coverage.py" },
	{ "codecov.y*ml", "coverage", "codecov" },
	{ ".codecov.y*ml", "coverage", "codecov" },
	{ ".simplecov", "coverage", "simplecov" },
	{ "jacoco*.xml", "coverage", "jacoco" },
};

static const char *const env_example_names[] = {
	".env.example", ".env.sample", ".env.template", ".env.dist",
	"env.example", "example.env", ".env.defaults", NULL
};

/* Directory names whose files are tests, and file name globs of tests. */
static const char *const test_dirs[] = {
	"test", "tests", "__tests__", "spec", "specs", "e2e", "integration",
	"test-integration", "integration-tests", "cypress", NULL
};
/* Inside test directories, data the tests read rather than tests. */
static const char *const test_data_dirs[] = {
	"fixtures", "__fixtures__", "testdata", "test-data", "__snapshots__",
	"snapshots", "corpus", NULL
};
/* Languages of data and markup: their files are never tests. */
static const char *const data_languages[] = {
	"json", "yaml", "toml", "xml", "ini", "text", "markdown",
	"restructuredtext", "html", "css", "scss", "less", "csv", "sql",
	"dockerfile", "makefile", "cmake", "tex", "graphql", "protobuf",
	"jupyter", "hcl", "terraform", NULL
};
static const char *const test_globs[] = {
	"*_test.go", "test_*.py", "*_test.py", "*.test.*", "*.spec.*",
	"*Test.java", "*Tests.java", "*IT.java", "*Test.kt", "*Tests.kt",
	"*_spec.rb", "*_test.rb", "*Test.php", "*Tests.cs", "*Test.cs",
	"*_test.rs", "test_*.c", "*_test.c", "*_test.cc", "*_test.cpp",
	"*Spec.scala", "*Test.scala", "*_test.exs", NULL
};
static const char *const bench_dirs[] = {
	"bench", "benches", "benchmark", "benchmarks", "perf", NULL
};

/* Third-party trees say nothing about the repository's own hygiene. */
static const char *const vendored_dirs[] = {
	"node_modules", "vendor", "third_party", "third-party", ".git", NULL
};

/* Whether s[0, len) is a name of the list.  Asked of every directory of
 * every file: most names differ on their first byte, tested first. */
static bool in_names(const char *s, size_t len, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (len && list[i][0] == s[0] &&
		    strncmp(list[i], s, len) == 0 && !list[i][len])
			return true;
	return false;
}

/* Whether any directory of `path` is named in `list`; *at gets the
 * length of the path up to the end of the first such directory. */
static bool has_dir(const char *path, const char *const list[], size_t *at)
{
	for (const char *seg = path, *slash; (slash = strchr(seg, '/'));
	     seg = slash + 1)
		if (in_names(seg, (size_t)(slash - seg), list)) {
			if (at)
				*at = (size_t)(slash - path);
			return true;
		}
	return false;
}

/* The last answer of has_dir() for one list.  Files come in inventory
 * order, a directory's files one after another, so most files ask about
 * the directory the previous one did. */
struct dir_memo {
	const char *dir; /* the path asked about: its first len bytes */
	size_t len;
	bool found;
	size_t at;
};

static bool has_dir_memo(struct dir_memo *m, const cr_source_file *f,
	const char *const list[], size_t *at)
{
	size_t len = f->name > f->path ? (size_t)(f->name - f->path - 1) : 0;

	if (!m->dir || m->len != len || memcmp(m->dir, f->path, len) != 0) {
		*m = (struct dir_memo){ .dir = f->path, .len = len };
		m->found = has_dir(f->path, list, &m->at);
	}
	if (m->found && at)
		*at = m->at;
	return m->found;
}

static const char *ext_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && dot != name ? dot + 1 : "";
}

static bool is_text_doc(const char *name)
{
	const char *ext = ext_of(name);

	for (size_t i = 0; text_exts[i]; i++)
		if (strcasecmp(ext, text_exts[i]) == 0)
			return true;
	return false;
}

static const char *known_doc_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);

	if (!is_text_doc(name))
		return NULL;
	for (size_t i = 0; i < sizeof known_docs / sizeof *known_docs; i++)
		if (strlen(known_docs[i].stem) == stem &&
		    strncasecmp(known_docs[i].stem, name, stem) == 0)
			return known_docs[i].type;
	return NULL;
}

/* --- documents ----------------------------------------------------------- */

static bool contains_word(const char *text, size_t len, const char *word)
{
	size_t wlen = strlen(word);

	for (size_t i = 0; i + wlen <= len; i++)
		if (strncasecmp(text + i, word, wlen) == 0)
			return true;
	return false;
}

/* Add every topic whose word occurs in text (once per topic). */
static int add_topics(cr_collect *c, cr_node_id id, const char *text,
	size_t len, unsigned *seen)
{
	for (size_t i = 0; i < sizeof topic_words / sizeof *topic_words; i++) {
		unsigned bit = 1u << i;
		int rc;

		if ((*seen & bit) || !contains_word(text, len, topic_words[i].word))
			continue;
		/* Words of one topic share their bits. */
		for (size_t j = 0; j < sizeof topic_words / sizeof *topic_words; j++)
			if (strcmp(topic_words[j].topic, topic_words[i].topic) == 0)
				*seen |= 1u << j;
		if ((rc = cr_graph_list_push(c->g, id, "topics",
			     topic_words[i].topic)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* A Markdown heading: "# Title" (ATX) or a line underlined with === or
 * --- (setext).  Returns the title's span, trimmed. */
static bool heading_of(const char *line, size_t len, const char *next,
	size_t next_len, const char **title, size_t *tlen)
{
	size_t hashes = 0;

	while (hashes < len && line[hashes] == '#')
		hashes++;
	if (hashes >= 1 && hashes <= 6 && hashes < len && line[hashes] == ' ') {
		*title = line + hashes + 1;
		*tlen = len - hashes - 1;
	} else if (len && next_len >= 3 && !isspace((unsigned char)line[0]) &&
		   strspn(next, "=") >= next_len - (next[next_len - 1] == '\r')) {
		*title = line;
		*tlen = len;
	} else {
		return false;
	}
	while (*tlen && strchr("# \t\r", (*title)[*tlen - 1]))
		(*tlen)--;
	return *tlen > 0;
}

static size_t line_end(const char *buf, size_t len, size_t at)
{
	const char *nl = memchr(buf + at, '\n', len - at);

	return nl ? (size_t)(nl - buf) : len;
}

static int add_headings(cr_collect *c, cr_node_id id, const char *buf,
	size_t len, unsigned *topics)
{
	size_t at = 0, count = 0;
	bool fenced = false, titled = false;
	int rc = cr_graph_set_list(c->g, id, "headings");

	while (rc == CR_OK && at < len && count < HEADINGS_MAX) {
		size_t end = line_end(buf, len, at);
		size_t next = end < len ? end + 1 : len;
		size_t next_end = line_end(buf, len, next);
		const char *title;
		size_t tlen;

		if (strncmp(buf + at, "```", 3) == 0 || strncmp(buf + at, "~~~", 3) == 0)
			fenced = !fenced;
		else if (!fenced && heading_of(buf + at, end - at, buf + next,
				 next_end - next, &title, &tlen)) {
			char *h = strndup(title, tlen);

			if (!h)
				return CR_ENOMEM;
			rc = cr_graph_list_push(c->g, id, "headings", h);
			if (rc == CR_OK && !titled)
				rc = cr_graph_set_str(c->g, id, "title", h);
			if (rc == CR_OK)
				rc = add_topics(c, id, title, tlen, topics);
			free(h);
			titled = true;
			count++;
		}
		at = next;
	}
	return rc;
}

/* SPDX identifiers from the words every copy of a license carries. */
static const struct { const char *id, *must, *also, *not; } spdx_rules[] = {
	{ "AGPL-3.0", "GNU AFFERO GENERAL PUBLIC LICENSE", NULL, NULL },
	{ "LGPL-3.0", "GNU LESSER GENERAL PUBLIC LICENSE", "Version 3", NULL },
	{ "LGPL-2.1", "GNU LESSER GENERAL PUBLIC LICENSE", "Version 2.1", NULL },
	{ "GPL-3.0", "GNU GENERAL PUBLIC LICENSE", "Version 3", NULL },
	{ "GPL-2.0", "GNU GENERAL PUBLIC LICENSE", "Version 2", NULL },
	{ "Apache-2.0", "Apache License", "Version 2.0", NULL },
	{ "MPL-2.0", "Mozilla Public License", "2.0", NULL },
	{ "MIT", "Permission is hereby granted, free of charge", NULL, NULL },
	{ "BSD-3-Clause", "Redistribution and use in source and binary forms",
	  "Neither the name", NULL },
	{ "BSD-2-Clause", "Redistribution and use in source and binary forms",
	  NULL, "Neither the name" },
	{ "ISC", "Permission to use, copy, modify, and/or distribute", NULL, NULL },
	{ "Unlicense", "This is free and unencumbered software", NULL, NULL },
	{ "BSL-1.0", "Boost Software License", NULL, NULL },
	{ "EPL-2.0", "Eclipse Public License", "2.0", NULL },
	{ "CC0-1.0", "CC0 1.0 Universal", NULL, NULL },
};

static int set_spdx(cr_collect *c, cr_node_id id, const char *buf,
	size_t len)
{
	const char *tag = strstr(buf, "SPDX-License-Identifier:");

	if (tag) {
		tag += strlen("SPDX-License-Identifier:");
		tag += strspn(tag, " \t");
		return cr_graph_set_strn(c->g, id, "spdx", tag,
			strcspn(tag, " \t\r\n"));
	}
	for (size_t i = 0; i < sizeof spdx_rules / sizeof *spdx_rules; i++) {
		if (!contains_word(buf, len, spdx_rules[i].must) ||
		    (spdx_rules[i].also &&
		     !contains_word(buf, len, spdx_rules[i].also)) ||
		    (spdx_rules[i].not &&
		     contains_word(buf, len, spdx_rules[i].not)))
			continue;
		return cr_graph_set_str(c->g, id, "spdx", spdx_rules[i].id);
	}
	return CR_OK;
}

/* CODEOWNERS: "pattern owner..." lines. */
static int read_codeowners(cr_collect *c, cr_node_id id, const char *buf,
	size_t len)
{
	int64_t rules = 0;
	bool covers_all = false;
	int rc = cr_graph_set_list(c->g, id, "owners");

	for (size_t at = 0; rc == CR_OK && at < len;) {
		size_t end = line_end(buf, len, at);
		char *line = strndup(buf + at, end - at), *save = NULL;
		char *pattern = line ? strtok_r(line, " \t\r", &save) : NULL;

		if (!line)
			return CR_ENOMEM;
		if (pattern && pattern[0] != '#') {
			rules++;
			covers_all |= strcmp(pattern, "*") == 0 ||
				strcmp(pattern, "/*") == 0 ||
				strcmp(pattern, "**") == 0 ||
				strcmp(pattern, "/**") == 0;
			for (char *o = strtok_r(NULL, " \t\r", &save);
			     o && rc == CR_OK && o[0] != '#';
			     o = strtok_r(NULL, " \t\r", &save))
				rc = cr_graph_list_push(c->g, id, "owners", o);
		}
		free(line);
		at = end + 1;
	}
	if (rc == CR_OK)
		rc = cr_graph_set_int(c->g, id, "rules", rules);
	if (rc == CR_OK)
		rc = cr_graph_set_bool(c->g, id, "covers_all", covers_all);
	return rc;
}

static const char *topic_doc_type(const char *name)
{
	for (size_t i = 0; i < sizeof topic_words / sizeof *topic_words; i++)
		if (contains_word(name, strlen(name), topic_words[i].word))
			return topic_words[i].topic;
	return NULL;
}

/* Which documents are facts: well-known names anywhere, and text files
 * whose name carries a topic word or that live under a docs directory. */
static const char *doc_type_of(const cr_source_file *f)
{
	static const char *const doc_dirs[] = {
		"docs", "doc", "documentation", "runbooks", "runbook",
		"playbooks", "ops", ".github", NULL
	};
	const char *type = known_doc_type(f->name);

	if (type)
		return type;
	if (!is_text_doc(f->name) || !*ext_of(f->name) ||
	    strcasecmp(ext_of(f->name), "txt") == 0)
		return NULL;
	if ((type = topic_doc_type(f->name)))
		return type;
	return has_dir(f->path, doc_dirs, NULL) ? "doc" : NULL;
}

static int collect_doc(cr_collect *c, const cr_source_file *f,
	const char *type, const char *buf, size_t len)
{
	unsigned topics = 0;
	cr_node_id id;
	int rc;

	if ((rc = cr_collect_node(&id, c, "doc", f, f->path, 0)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "doc_type", type)) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, id, "root",
		    !strchr(f->path, '/'))) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "topics")) != CR_OK ||
	    (rc = add_topics(c, id, f->name, strlen(f->name), &topics)) != CR_OK)
		return rc;
	if (strcmp(type, "license") == 0)
		return set_spdx(c, id, buf, len);
	if (strcmp(type, "codeowners") == 0)
		return read_codeowners(c, id, buf, len);
	return add_headings(c, id, buf, len, &topics);
}

/* --- env examples and ignore files --------------------------------------- */

/* Each meaningful line of buf (cut in place): no comments, no blanks,
 * trimmed. */
static int each_line(cr_collect *c, int (*fn)(cr_collect *, cr_node_id, char *),
	cr_node_id id, char *buf, size_t len)
{
	int rc = CR_OK;

	for (size_t at = 0, n = 0; rc == CR_OK && at < len && n < LIST_MAX;) {
		size_t end = line_end(buf, len, at), next = end + 1;
		char *line = buf + at;

		buf[end] = '\0';
		while (end > at && isspace((unsigned char)buf[end - 1]))
			buf[--end] = '\0';
		line += strspn(line, " \t");
		if (*line && *line != '#') {
			rc = fn(c, id, line);
			n++;
		}
		at = next;
	}
	return rc;
}

static int push_variable(cr_collect *c, cr_node_id id, char *line)
{
	size_t n;

	if (strncmp(line, "export ", 7) == 0)
		line += 7 + strspn(line + 7, " ");
	n = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789_.");
	if (!n || (line[n] != '=' && line[n] != ':'))
		return CR_OK;
	line[n] = '\0';
	return cr_graph_list_push(c->g, id, "variables", line);
}

static int push_pattern(cr_collect *c, cr_node_id id, char *line)
{
	return cr_graph_list_push(c->g, id, "patterns", line);
}

static int collect_lines(cr_collect *c, const cr_source_file *f,
	const char *kind, const char *key, const char *attr, const char *value,
	int (*fn)(cr_collect *, cr_node_id, char *), char *buf, size_t len)
{
	cr_node_id id;
	int rc;

	if ((rc = cr_collect_node(&id, c, kind, f, f->path, 0)) != CR_OK ||
	    (attr && (rc = cr_graph_set_str(c->g, id, attr, value)) != CR_OK) ||
	    (rc = cr_graph_set_list(c->g, id, key)) != CR_OK)
		return rc;
	return each_line(c, fn, id, buf, len);
}

/* --- tests and benchmarks ------------------------------------------------ */

/* Per language: test files, and the test directories they live in. */
struct suite {
	const char *language;
	int64_t files;
	bool e2e, integration, smoke;
	char **dirs;
	size_t ndirs;
};

struct bench {
	char *dir;
	int64_t files;
};

struct layout {
	struct suite *suites;
	size_t nsuites;
	struct bench *benches;
	size_t nbenches;
	/* tool_files and test_globs, prepared once for the whole tree */
	cr_glob_set *tools, *tests;
	struct dir_memo vendored, tests_in, test_data_in, bench_in;
};

static bool is_test_file(struct layout *l, const cr_source_file *f,
	size_t *dir_len)
{
	*dir_len = 0;
	return has_dir_memo(&l->tests_in, f, test_dirs, dir_len) ||
		cr_glob_set_match(l->tests, f->name) >= 0;
}

static struct suite *suite_of(struct layout *l, const char *language)
{
	struct suite *s;

	for (size_t i = 0; i < l->nsuites; i++)
		if (strcmp(l->suites[i].language, language) == 0)
			return &l->suites[i];
	s = realloc(l->suites, (l->nsuites + 1) * sizeof *s);
	if (!s)
		return NULL;
	l->suites = s;
	s = &s[l->nsuites++];
	*s = (struct suite){ .language = language };
	return s;
}

static int add_dir(char ***dirs, size_t *n, const char *path, size_t len)
{
	char **d;

	for (size_t i = 0; i < *n; i++)
		if (strlen((*dirs)[i]) == len && strncmp((*dirs)[i], path, len) == 0)
			return CR_OK;
	if (*n == LIST_MAX)
		return CR_OK;
	if (!(d = realloc(*dirs, (*n + 1) * sizeof *d)) ||
	    !(d[*n] = strndup(path, len))) {
		if (d)
			*dirs = d;
		return CR_ENOMEM;
	}
	*dirs = d;
	(*n)++;
	return CR_OK;
}

static int note_test(struct layout *l, const cr_source_file *f)
{
	size_t dir_len;
	struct suite *s;

	if (!f->language ||
	    in_names(f->language, strlen(f->language), data_languages) ||
	    has_dir_memo(&l->test_data_in, f, test_data_dirs, NULL) ||
	    !is_test_file(l, f, &dir_len))
		return CR_OK;
	if (!(s = suite_of(l, f->language)))
		return CR_ENOMEM;
	s->files++;
	s->e2e |= strstr(f->path, "e2e") || strstr(f->path, "cypress") ||
		strstr(f->path, "playwright");
	s->integration |= strstr(f->path, "integration") != NULL;
	s->smoke |= strstr(f->path, "smoke") != NULL;
	return dir_len ? add_dir(&s->dirs, &s->ndirs, f->path, dir_len) : CR_OK;
}

static int note_bench(struct layout *l, const cr_source_file *f)
{
	struct bench *b;
	size_t at;

	if (!has_dir_memo(&l->bench_in, f, bench_dirs, &at))
		return CR_OK;
	for (size_t i = 0; i < l->nbenches; i++)
		if (strlen(l->benches[i].dir) == at &&
		    strncmp(l->benches[i].dir, f->path, at) == 0) {
			l->benches[i].files++;
			return CR_OK;
		}
	if (!(b = realloc(l->benches, (l->nbenches + 1) * sizeof *b)))
		return CR_ENOMEM;
	l->benches = b;
	b = &b[l->nbenches];
	if (!(b->dir = strndup(f->path, at)))
		return CR_ENOMEM;
	b->files = 1;
	l->nbenches++;
	return CR_OK;
}

static int add_layout(cr_collect *c, const struct layout *l)
{
	int rc = CR_OK;

	for (size_t i = 0; rc == CR_OK && i < l->nsuites; i++) {
		const struct suite *s = &l->suites[i];
		cr_node_id id;

		if ((rc = cr_collect_node(&id, c, "test_suite", NULL, NULL,
			     0)) != CR_OK ||
		    (rc = cr_graph_set_str(c->g, id, "language",
			     s->language)) != CR_OK ||
		    (rc = cr_graph_set_int(c->g, id, "files", s->files)) != CR_OK ||
		    (rc = cr_graph_set_bool(c->g, id, "e2e", s->e2e)) != CR_OK ||
		    (rc = cr_graph_set_bool(c->g, id, "integration",
			     s->integration)) != CR_OK ||
		    (rc = cr_graph_set_bool(c->g, id, "smoke", s->smoke)) != CR_OK ||
		    (rc = cr_graph_set_list(c->g, id, "dirs")) != CR_OK)
			break;
		for (size_t j = 0; rc == CR_OK && j < s->ndirs; j++)
			rc = cr_graph_list_push(c->g, id, "dirs", s->dirs[j]);
	}
	for (size_t i = 0; rc == CR_OK && i < l->nbenches; i++) {
		cr_node_id id;

		if ((rc = cr_collect_node(&id, c, "bench_dir", NULL,
			     l->benches[i].dir, 0)) == CR_OK)
			rc = cr_graph_set_int(c->g, id, "files",
				l->benches[i].files);
	}
	return rc;
}

static void layout_release(struct layout *l)
{
	for (size_t i = 0; i < l->nsuites; i++) {
		for (size_t j = 0; j < l->suites[i].ndirs; j++)
			free(l->suites[i].dirs[j]);
		free(l->suites[i].dirs);
	}
	for (size_t i = 0; i < l->nbenches; i++)
		free(l->benches[i].dir);
	free(l->suites);
	free(l->benches);
	cr_glob_set_free(l->tools);
	cr_glob_set_free(l->tests);
}

static int layout_init(struct layout *l)
{
	const char *tools[sizeof tool_files / sizeof *tool_files];

	for (size_t i = 0; i < sizeof tool_files / sizeof *tool_files; i++)
		tools[i] = tool_files[i].glob;
	if (cr_glob_set_new(&l->tools, tools,
		    sizeof tool_files / sizeof *tool_files) != CR_OK ||
	    cr_glob_set_new(&l->tests, test_globs,
		    sizeof test_globs / sizeof *test_globs - 1) != CR_OK)
		return CR_ENOMEM;
	return CR_OK;
}

/* --- tool configurations ------------------------------------------------- */

static int collect_tool(cr_collect *c, const struct layout *l,
	const cr_source_file *f)
{
	ptrdiff_t i = cr_glob_set_match(l->tools, f->name);
	cr_node_id id;
	int rc;

	if (i < 0)
		return CR_OK;
	if ((rc = cr_collect_node(&id, c, "tool_config", f, f->path,
		     0)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "category",
		     tool_files[i].category)) != CR_OK)
		return rc;
	return cr_graph_set_str(c->g, id, "tool", tool_files[i].tool);
}

/* --- the collector ------------------------------------------------------- */

static bool is_env_example(const cr_source_file *f)
{
	return in_names(f->name, strlen(f->name), env_example_names);
}

static bool is_ignore_file(const cr_source_file *f)
{
	return strcmp(f->name, ".gitignore") == 0 ||
		strcmp(f->name, ".dockerignore") == 0;
}

int cr_docs_parse(cr_collect *c, const cr_source_file *f, char *buf,
	size_t len)
{
	const char *type = doc_type_of(f);

	if (type)
		return collect_doc(c, f, type, buf, len);
	if (is_env_example(f))
		return collect_lines(c, f, "env_example", "variables", NULL, NULL,
			push_variable, buf, len);
	if (is_ignore_file(f))
		return collect_lines(c, f, "ignore_file", "patterns",
			"ignore_type", f->name + 1, push_pattern, buf, len);
	return CR_OK;
}

/* Documents, env examples and ignore files are read; everything else is
 * decided by name. */
static int collect_file(cr_collect *c, const cr_source_file *f,
	struct layout *l)
{
	char *buf;
	size_t len;
	int rc;

	if (doc_type_of(f) || is_env_example(f) || is_ignore_file(f)) {
		rc = cr_collect_read(&buf, &len, c, f, "docs");
		if (rc == CR_OK) {
			rc = cr_docs_parse(c, f, buf, len);
			free(buf);
		}
		if (rc != CR_OK && rc != CR_ENOTFOUND)
			return rc;
	}
	if ((rc = collect_tool(c, l, f)) != CR_OK ||
	    (rc = note_test(l, f)) != CR_OK)
		return rc;
	return note_bench(l, f);
}

int cr_docs_collect(cr_collect *c)
{
	struct layout l = {0};
	int rc = layout_init(&l);

	for (size_t i = 0; rc == CR_OK && i < c->nfiles; i++)
		if (!has_dir_memo(&l.vendored, &c->files[i], vendored_dirs, NULL))
			rc = collect_file(c, &c->files[i], &l);
	if (rc == CR_OK)
		rc = add_layout(c, &l);
	layout_release(&l);
	if (rc == CR_ENOMEM)
		return cr_error_set(c->ctx, rc, "out of memory");
	return rc;
}
