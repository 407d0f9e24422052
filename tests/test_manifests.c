/*
 * test_manifests.c - the manifests collector (facts/manifests.c) with its
 * npm and Python parsers: fixture projects (tests/fixtures/manifests/npm
 * and python) are copied into a temporary directory, cr_facts_collect()
 * builds the graph, and the tests read its manifest, lockfile,
 * dependency and parse_error nodes: resolved versions, transitive
 * packages, workspace pairing, includes, and broken files.  Generated
 * monorepos check pairing at scale, and one test runs `crucible facts`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/facts.h"
#include "crucible/git.h"
#include "tests/facts_fixture.h"
#include "tests/helpers.h"

/* Copy the fixture project tests/fixtures/manifests/<rel> into the
 * fixture's directory. */
static void copy_project(struct fixture *f, const char *rel)
{
	assert_int_equal(th_sh(f->dir, "cp -R '%s/manifests/%s/.' .",
		CRUCIBLE_FIXTURES, rel), 0);
}

static cr_node_id manifest_at(cr_graph *g, const char *path)
{
	cr_node_id m = cr_graph_find(g, "manifest", path);

	if (!m)
		fail_msg("no manifest %s", path);
	return m;
}

/* The dependency `name` (at `version` when not NULL) of the manifest at
 * `path`, or 0; fails when it is reported twice. */
static cr_node_id find_dep(cr_graph *g, const char *path, const char *name,
	const char *version)
{
	cr_node_id deps[1024], found = 0;
	size_t n = cr_node_edges(g, manifest_at(g, path), "dependencies", deps,
		1024);

	assert_true(n <= 1024);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cr_node_str(g, deps[i], "name", ""), name) != 0 ||
		    (version && strcmp(cr_node_str(g, deps[i], "version", ""),
			    version) != 0))
			continue;
		if (found)
			fail_msg("%s: %s reported twice", path, name);
		found = deps[i];
	}
	return found;
}

static cr_node_id dep(cr_graph *g, const char *path, const char *name,
	const char *version)
{
	cr_node_id d = find_dep(g, path, name, version);

	if (!d)
		fail_msg("%s: no dependency %s@%s", path, name,
			version ? version : "*");
	return d;
}

static void assert_attr(cr_graph *g, cr_node_id n, const char *key,
	const char *want)
{
	const char *got = cr_node_str(g, n, key, NULL);

	if (!want) {
		if (got)
			fail_msg("%s: unexpected %s", key, got);
		return;
	}
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: want \"%s\", got \"%s\"", key, want,
			got ? got : "(none)");
}

/* A dependency's resolved version, scope, directness and provenance. */
static void assert_dep(cr_graph *g, cr_node_id d, const char *version,
	const char *scope, bool direct, const char *path, uint32_t line)
{
	cr_node_id to;

	assert_attr(g, d, "version", version);
	assert_attr(g, d, "scope", scope);
	assert_int_equal(cr_node_bool(g, d, "direct", !direct), direct);
	assert_string_equal(cr_node_path(g, d), path);
	assert_int_equal(cr_node_line(g, d), line);
	/* The edge back to the declaring manifest, and its path. */
	assert_int_equal(cr_node_edges(g, d, "manifest", &to, 1), 1);
	assert_string_equal(cr_node_str(g, d, "manifest_path", ""),
		cr_node_path(g, to));
}

static size_t count_kind(cr_graph *g, const char *kind)
{
	size_t n;

	cr_graph_nodes(g, kind, &n);
	return n;
}

/* The lockfile a manifest is paired with, or NULL. */
static const char *lockfile_of(cr_graph *g, const char *manifest)
{
	cr_node_id m = manifest_at(g, manifest), l;

	if (cr_node_edges(g, m, "lockfile", &l, 1) != 1)
		return NULL;
	assert_string_equal(cr_node_str(g, m, "lockfile_path", ""),
		cr_node_path(g, l));
	return cr_node_path(g, l);
}

/* --- npm ----------------------------------------------------------------- */

static void npm_workspace(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id m, l;

	copy_project(f, "npm/workspace");
	g = collect(f);
	assert_int_equal(count_kind(g, "manifest"), 3);
	l = cr_graph_find(g, "lockfile", "package-lock.json");
	assert_attr(g, l, "format", "package-lock@3");
	assert_int_equal(cr_node_edges(g, l, "manifests", NULL, 0), 3);
	assert_string_equal(lockfile_of(g, "packages/api/package.json"),
		"package-lock.json");

	m = manifest_at(g, "package.json");
	assert_attr(g, m, "name", "acme-monorepo");
	assert_attr(g, m, "language_version", ">=18.0.0");
	assert_attr(g, m, "scripts.test", "jest --coverage");
	assert_attr(g, m, "engines.npm", ">=9");
	assert_true(cr_node_bool(g, m, "private", false));

	/* Hoisted to the root, resolved for the member. */
	assert_dep(g, dep(g, "packages/api/package.json", "express", NULL),
		"4.18.2", "prod", true, "packages/api/package.json", 10);
	assert_attr(g, dep(g, "packages/api/package.json", "express", NULL),
		"constraint", "^4.18.2");
	assert_dep(g, dep(g, "packages/api/package.json", "supertest", NULL),
		"6.3.3", "dev", true, "packages/api/package.json", 14);
	/* The member's own nested copy wins over the root's. */
	assert_dep(g, dep(g, "packages/shared/package.json", "lodash", NULL),
		"3.10.1", "prod", true, "packages/shared/package.json", 5);
	assert_dep(g, dep(g, "packages/shared/package.json", "typescript",
		NULL), "5.3.3", "peer", true, "packages/shared/package.json", 8);
	/* A workspace link is no registry package. */
	assert_attr(g, dep(g, "packages/api/package.json", "@acme/shared",
		NULL), "version", NULL);

	/* Transitive: the root's, each name@version once, nested included,
	 * what a member declares left to that member. */
	assert_dep(g, dep(g, "package.json", "accepts", NULL), "1.3.8", "prod",
		false, "package-lock.json", 29);
	assert_dep(g, dep(g, "package.json", "debug", "2.6.9"), "2.6.9", "prod",
		false, "package-lock.json", 54);
	assert_dep(g, dep(g, "package.json", "debug", "4.3.4"), "4.3.4", "dev",
		false, "package-lock.json", 41);
	assert_int_equal(find_dep(g, "package.json", "express", NULL), 0);
	assert_int_equal(find_dep(g, "packages/api/package.json", "accepts",
		NULL), 0);
	assert_int_equal(cr_node_edges(g, manifest_at(g,
		"packages/shared/package.json"), "dependencies", NULL, 0), 2);
}

static void npm_yarn_classic(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id d;

	copy_project(f, "npm/yarn-classic");
	g = collect(f);
	assert_attr(g, cr_graph_find(g, "lockfile", "yarn.lock"), "format",
		"yarn@1");
	/* Two versions of chalk: the one locked for "^4.1.2". */
	assert_dep(g, dep(g, "package.json", "chalk", "4.1.2"), "4.1.2",
		"prod", true, "package.json", 6);
	assert_dep(g, dep(g, "package.json", "chalk", "2.4.2"), "2.4.2",
		"prod", false, "yarn.lock", 20);
	assert_dep(g, dep(g, "package.json", "@babel/code-frame", NULL),
		"7.22.13", "dev", true, "package.json", 11);
	assert_dep(g, dep(g, "package.json", "js-tokens", NULL), "4.0.0",
		"prod", false, "yarn.lock", 28);
	d = dep(g, "package.json", "left-pad", NULL);
	assert_attr(g, d, "source", "git");
	assert_int_equal(cr_node_int(g, cr_graph_find(g, "lockfile",
		"yarn.lock"), "packages", 0), 8);
}

static void npm_yarn_berry(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	copy_project(f, "npm/yarn-berry");
	g = collect(f);
	assert_attr(g, cr_graph_find(g, "lockfile", "yarn.lock"), "format",
		"yarn-berry");
	assert_string_equal(lockfile_of(g, "packages/app/package.json"),
		"yarn.lock");
	assert_dep(g, dep(g, "packages/app/package.json", "react", NULL),
		"18.2.0", "prod", true, "packages/app/package.json", 5);
	assert_dep(g, dep(g, "package.json", "prettier", NULL), "3.1.1", "dev",
		true, "package.json", 9);
	assert_dep(g, dep(g, "package.json", "loose-envify", NULL), "1.4.0",
		"prod", false, "yarn.lock", 31);
	/* The member's package, not the root's; workspaces are no packages. */
	assert_int_equal(find_dep(g, "package.json", "react", NULL), 0);
	assert_int_equal(find_dep(g, "package.json", "app", NULL), 0);
	assert_attr(g, manifest_at(g, "package.json"), "package_manager",
		"yarn@4.0.2");
}

static void npm_pnpm(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id d;

	copy_project(f, "npm/pnpm");
	g = collect(f);
	assert_attr(g, cr_graph_find(g, "lockfile", "pnpm-lock.yaml"), "format",
		"pnpm@9");
	/* Paired through "importers", without any workspaces pattern. */
	assert_string_equal(lockfile_of(g, "packages/ui/package.json"),
		"pnpm-lock.yaml");
	assert_dep(g, dep(g, "packages/web/package.json", "next", NULL),
		"14.0.4", "prod", true, "packages/web/package.json", 10);
	assert_dep(g, dep(g, "package.json", "typescript", NULL), "5.3.3",
		"dev", true, "package.json", 5);
	d = dep(g, "packages/web/package.json", "@acme/ui", NULL);
	assert_attr(g, d, "source", "workspace");
	assert_attr(g, d, "version", NULL);
	assert_dep(g, dep(g, "package.json", "@next/env", NULL), "14.0.4",
		"prod", false, "pnpm-lock.yaml", 31);
	assert_int_equal(find_dep(g, "package.json", "next", NULL), 0);
}

static void npm_lock_v1(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id d;

	copy_project(f, "npm/lock-v1");
	g = collect(f);
	assert_attr(g, cr_graph_find(g, "lockfile", "package-lock.json"),
		"format", "package-lock@1");
	assert_dep(g, dep(g, "package.json", "body-parser", NULL), "1.19.0",
		"prod", true, "package.json", 5);
	assert_dep(g, dep(g, "package.json", "bufferutil", NULL), "4.0.1",
		"optional", true, "package.json", 9);
	/* The nested copy and the top one are two packages. */
	assert_dep(g, dep(g, "package.json", "bytes", "3.1.0"), "3.1.0",
		"prod", false, "package-lock.json", 16);
	assert_dep(g, dep(g, "package.json", "bytes", "3.0.0"), "3.0.0",
		"prod", false, "package-lock.json", 26);
	/* Credentials in a git URL never reach the facts. */
	d = dep(g, "package.json", "left-pad", NULL);
	assert_attr(g, d, "source", "git");
	assert_null(strstr(cr_node_str(g, d, "constraint", ""), "ghp_"));
	assert_non_null(strstr(cr_node_str(g, d, "constraint", ""),
		"github.com/acme/left-pad.git"));
}

/* --- Python -------------------------------------------------------------- */

static void python_requirements(void **state)
{
	struct fixture *f = *state;
	const char *top = "requirements.txt";
	cr_graph *g;
	cr_node_id m, d, e;
	cr_value v;

	copy_project(f, "python/requirements");
	g = collect(f);
	m = manifest_at(g, top);
	assert_attr(g, m, "ecosystem", "python");
	assert_attr(g, m, "index_url",
		"https://***@pypi.internal.example.com/simple");

	/* From the -r include, with its own provenance, pinned. */
	assert_dep(g, dep(g, top, "urllib3", NULL), "2.1.0", "prod", true,
		"requirements/base.txt", 1);
	/* Pinned by the -c file, declared elsewhere; names normalized. */
	assert_dep(g, dep(g, top, "certifi", NULL), "2023.11.17", "prod", true,
		"requirements/base.txt", 2);
	d = dep(g, top, "django", NULL);
	assert_dep(g, d, "4.2.7", "prod", true, top, 7);
	assert_attr(g, d, "constraint", ">=4.2,<5.0");
	assert_int_equal(find_dep(g, top, "notdeclared", NULL), 0);

	d = dep(g, top, "requests", NULL);
	assert_dep(g, d, "2.31.0", "prod", true, top, 8);
	assert_int_equal(cr_node_int(g, d, "hashes", 0), 2);
	assert_true(cr_node_bool(g, d, "hashed", false));
	assert_true(cr_node_attr(g, d, "extras", &v));
	assert_int_equal(v.u.list.count, 2);
	assert_string_equal(v.u.list.items[1], "socks");
	assert_false(cr_node_bool(g, dep(g, top, "gunicorn", NULL), "hashed",
		true));
	assert_attr(g, dep(g, top, "pywin32", NULL), "markers",
		"sys_platform == \"win32\"");

	e = dep(g, top, "acme-utils", NULL);
	assert_attr(g, e, "source", "editable");
	assert_attr(g, dep(g, top, "celery", NULL), "source", "url");
	assert_attr(g, dep(g, top, "localpkg", NULL), "source", "path");

	/* Each file is a manifest of its own; the dev file's scope is dev;
	 * the cycle back through base.txt is read once. */
	assert_dep(g, dep(g, "requirements-dev.txt", "requests", NULL),
		"2.31.0", "dev", true, top, 8);
	assert_dep(g, dep(g, "requirements-dev.txt", "pytest", NULL), "7.4.3",
		"dev", true, "requirements-dev.txt", 2);
	assert_dep(g, dep(g, "requirements/base.txt", "django", NULL), "4.2.7",
		"prod", true, top, 7);
	assert_int_equal(count_kind(g, "manifest"), 3);

	/* A missing include is a parse error of the including file. */
	assert_int_equal(cr_graph_find(g, "parse_error",
		"requirements-dev.txt") != 0, true);
	assert_int_equal(cr_node_line(g, cr_graph_find(g, "parse_error",
		"requirements-dev.txt")), 4);
}

static void python_poetry(void **state)
{
	struct fixture *f = *state;
	const char *py = "pyproject.toml";
	cr_graph *g;
	cr_node_id m, d;

	copy_project(f, "python/poetry");
	g = collect(f);
	m = manifest_at(g, py);
	assert_attr(g, m, "name", "billing-worker");
	assert_attr(g, m, "language_version", "^3.11");
	assert_string_equal(lockfile_of(g, py), "poetry.lock");
	assert_dep(g, dep(g, py, "fastapi", NULL), "0.104.1", "prod", true, py,
		9);
	assert_dep(g, dep(g, py, "sqlalchemy", NULL), "2.0.23", "prod", true,
		py, 10);
	assert_dep(g, dep(g, py, "uvloop", NULL), "0.19.0", "optional", true,
		py, 11);
	assert_dep(g, dep(g, py, "ruff", NULL), "0.1.6", "dev", true, py, 15);
	assert_dep(g, dep(g, py, "pytest", NULL), "7.4.3", "test", true, py,
		18);
	assert_dep(g, dep(g, py, "poetry-core", NULL), NULL, "build", true, py,
		21);
	d = dep(g, py, "internal-sdk", NULL);
	assert_attr(g, d, "source", "git");
	assert_dep(g, dep(g, py, "anyio", NULL), "3.7.1", "prod", false,
		"poetry.lock", 3);
	assert_int_equal(find_dep(g, py, "python", NULL), 0);
}

static void python_pep621(void **state)
{
	struct fixture *f = *state;
	const char *py = "pyproject.toml";
	cr_graph *g;

	copy_project(f, "python/pep621");
	g = collect(f);
	assert_attr(g, manifest_at(g, py), "language_version", ">=3.10");
	assert_null(lockfile_of(g, py));
	assert_attr(g, dep(g, py, "shapely", NULL), "constraint", ">=2.0,<3");
	assert_attr(g, dep(g, py, "pyproj", NULL), "markers",
		"python_version >= '3.10'");
	assert_dep(g, dep(g, py, "matplotlib", NULL), NULL, "optional", true,
		py, 16);
	assert_attr(g, dep(g, py, "matplotlib", NULL), "group", "plot");
	assert_dep(g, dep(g, py, "hypothesis", NULL), NULL, "test", true, py,
		19);
	assert_dep(g, dep(g, py, "ruff", NULL), NULL, "dev", true, py, 20);
	assert_dep(g, dep(g, py, "hatchling", NULL), NULL, "build", true, py,
		2);
}

static void python_pipenv(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	copy_project(f, "python/pipenv");
	g = collect(f);
	assert_attr(g, manifest_at(g, "Pipfile"), "language_version", "3.12");
	assert_string_equal(lockfile_of(g, "Pipfile"), "Pipfile.lock");
	assert_dep(g, dep(g, "Pipfile", "gunicorn", NULL), "21.2.0", "prod",
		true, "Pipfile", 8);
	assert_dep(g, dep(g, "Pipfile", "pytest", NULL), "7.4.3", "dev", true,
		"Pipfile", 12);
	assert_dep(g, dep(g, "Pipfile", "werkzeug", NULL), "3.0.1", "prod",
		false, "Pipfile.lock", 33);
	assert_dep(g, dep(g, "Pipfile", "pluggy", NULL), "1.3.0", "dev", false,
		"Pipfile.lock", 41);
}

/* --- broken, vendored, many ---------------------------------------------- */

static void parse_error_at(cr_graph *g, const char *path, uint32_t line)
{
	cr_node_id e = cr_graph_find(g, "parse_error", path);

	if (!e)
		fail_msg("no parse error for %s", path);
	if (line)
		assert_int_equal(cr_node_line(g, e), line);
	assert_true(strlen(cr_node_str(g, e, "message", "")) > 0);
}

static void broken_files(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "a/package.json", "{\n  \"name\": \"a\",\n  \"x\": }\n");
	th_write(f->dir, "b/pnpm-lock.yaml", "lockfileVersion: '9.0'\n"
		"importers:\n  .: [\n");
	th_write(f->dir, "c/pyproject.toml", "[project]\nname = \"c\"\n"
		"dependencies = [\"x\"\n");
	th_write(f->dir, "d/yarn.lock", "# yarn lockfile v1\n\nleft-pad@^1:\n"
		"  version \"1.3.0\"\nnot an entry\n");
	th_write(f->dir, "e/Pipfile.lock", "[1, 2]\n");
	th_write(f->dir, "f/package.json", "{\"dependencies\": {\"ok\": \"1\"}}");
	th_write(f->dir, "g/requirements.txt", "flask==3.0\nthis is prose\n"
		"requests\nmore prose\n");
	g = collect(f);
	parse_error_at(g, "a/package.json", 3);
	parse_error_at(g, "b/pnpm-lock.yaml", 0);
	parse_error_at(g, "c/pyproject.toml", 0);
	parse_error_at(g, "d/yarn.lock", 5);
	parse_error_at(g, "e/Pipfile.lock", 1);
	parse_error_at(g, "g/requirements.txt", 2);
	/* The rest is still collected, and broken manifests add nothing. */
	dep(g, "f/package.json", "ok", NULL);
	dep(g, "g/requirements.txt", "requests", NULL);
	assert_int_equal(cr_graph_find(g, "manifest", "a/package.json"), 0);
	assert_int_equal(count_kind(g, "manifest"), 2);
	assert_int_equal(count_kind(g, "parse_error"), 6);
}

static void vendored_skipped(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "package.json", "{\"name\": \"app\"}");
	th_write(f->dir, "node_modules/lodash/package.json",
		"{\"name\": \"lodash\"}");
	th_write(f->dir, "vendor/x/requirements.txt", "flask\n");
	th_write(f->dir, "web/node_modules/y/package.json", "{}");
	th_write(f->dir, "my_vendor/requirements.txt", "flask\n");
	g = collect(f);
	assert_int_equal(count_kind(g, "manifest"), 2);
	manifest_at(g, "my_vendor/requirements.txt");
}

/* A workspace of many members under one package-lock v3, beside
 * independent Python projects: every member is paired, resolved, and
 * nothing is reported twice. */
static void monorepo_many(void **state)
{
	struct fixture *f = *state;
	enum { MEMBERS = 150, PROJECTS = 60 };
	size_t cap = 64 * MEMBERS + 256, used = 0;
	char *lock = malloc(cap), path[128], text[512], name[64];
	cr_graph *g;

	assert_non_null(lock);
	used += (size_t)snprintf(lock + used, cap - used,
		"{\"lockfileVersion\": 3, \"packages\": {\n"
		"\"\": {\"name\": \"root\"},\n"
		"\"node_modules/left-pad\": {\"version\": \"1.3.0\"}");
	th_write(f->dir, "package.json",
		"{\"name\": \"root\", \"workspaces\": [\"apps/*\", \"libs/*\","
		" \"!libs/excluded\"]}");
	for (int i = 0; i < MEMBERS; i++) {
		const char *group = i % 2 ? "apps" : "libs";

		snprintf(path, sizeof path, "%s/m%d/package.json", group, i);
		snprintf(text, sizeof text, "{\"name\": \"m%d\", \"dependencies\":"
			" {\"left-pad\": \"^1.0.0\", \"only-%d\": \"^2\"}}", i, i);
		th_write(f->dir, path, text);
		used += (size_t)snprintf(lock + used, cap - used,
			",\n\"%s/m%d/node_modules/only-%d\": {\"version\": \"2.0.%d\"}",
			group, i, i, i);
		assert_true(used < cap);
	}
	snprintf(lock + used, cap - used, "\n}}\n");
	th_write(f->dir, "package-lock.json", lock);
	th_write(f->dir, "libs/excluded/package.json",
		"{\"dependencies\": {\"left-pad\": \"^1\"}}");
	for (int i = 0; i < PROJECTS; i++) {
		snprintf(path, sizeof path, "services/s%d/Pipfile", i);
		th_write(f->dir, path, "[packages]\nflask = \"*\"\n");
		snprintf(path, sizeof path, "services/s%d/Pipfile.lock", i);
		snprintf(text, sizeof text, "{\"default\": {\"flask\": "
			"{\"version\": \"==3.0.%d\"}}}", i);
		th_write(f->dir, path, text);
	}
	g = collect(f);
	assert_int_equal(count_kind(g, "manifest"), 1 + MEMBERS + 1 + PROJECTS);
	assert_int_equal(cr_node_edges(g, cr_graph_find(g, "lockfile",
		"package-lock.json"), "manifests", NULL, 0), 1 + MEMBERS);
	for (int i = 0; i < MEMBERS; i++) {
		snprintf(path, sizeof path, "%s/m%d/package.json",
			i % 2 ? "apps" : "libs", i);
		snprintf(name, sizeof name, "only-%d", i);
		snprintf(text, sizeof text, "2.0.%d", i);
		assert_attr(g, dep(g, path, name, NULL), "version", text);
		assert_attr(g, dep(g, path, "left-pad", NULL), "version", "1.3.0");
	}
	assert_null(lockfile_of(g, "libs/excluded/package.json"));
	assert_attr(g, dep(g, "libs/excluded/package.json", "left-pad", NULL),
		"version", NULL);
	for (int i = 0; i < PROJECTS; i++) {
		snprintf(path, sizeof path, "services/s%d/Pipfile", i);
		snprintf(text, sizeof text, "3.0.%d", i);
		assert_attr(g, dep(g, path, "flask", NULL), "version", text);
	}
	free(lock);
}

/* `crucible facts` shows the kinds and their provenance. */
static void facts_binary(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "facts", f->dir, NULL };
	th_run run;

	copy_project(f, "npm/yarn-classic");
	run = th_crucible(NULL, argv);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "\"manifest\""));
	assert_non_null(strstr(run.out, "\"lockfile\""));
	assert_non_null(strstr(run.out, "\"dependency\""));
	assert_non_null(strstr(run.out, "\"yarn@1\""));
	assert_non_null(strstr(run.out, "\"loose-envify\""));
	th_run_free(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(npm_workspace, setup, teardown),
		cmocka_unit_test_setup_teardown(npm_yarn_classic, setup, teardown),
		cmocka_unit_test_setup_teardown(npm_yarn_berry, setup, teardown),
		cmocka_unit_test_setup_teardown(npm_pnpm, setup, teardown),
		cmocka_unit_test_setup_teardown(npm_lock_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(python_requirements, setup,
			teardown),
		cmocka_unit_test_setup_teardown(python_poetry, setup, teardown),
		cmocka_unit_test_setup_teardown(python_pep621, setup, teardown),
		cmocka_unit_test_setup_teardown(python_pipenv, setup, teardown),
		cmocka_unit_test_setup_teardown(broken_files, setup, teardown),
		cmocka_unit_test_setup_teardown(vendored_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(monorepo_many, setup, teardown),
		cmocka_unit_test_setup_teardown(facts_binary, setup, teardown),
	};

	cr_git_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
