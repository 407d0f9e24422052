/*
 * test_manifests_more.c - the Go, Cargo, Maven/Gradle, Ruby and PHP
 * manifest parsers (facts/manifests_{go,cargo,jvm,ruby,php}.c), through
 * the real collector: fixture files (tests/fixtures/manifests/<eco>/)
 * are copied into a temporary directory, cr_facts_collect() builds the
 * graph, and the tests read the manifest, dependency, lockfile and
 * parse_error nodes it holds.  One test runs `crucible facts`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "crucible/facts.h"
#include "crucible/git.h"
#include "tests/facts_fixture.h"
#include "tests/helpers.h"

/* Copy fixture files tests/fixtures/manifests/<eco>/<rel>... (a NULL-
 * terminated list) to the same relative paths in the fixture's dir. */
static void copy_fixtures(struct fixture *f, const char *eco,
	const char *const *rels)
{
	char path[4096];

	for (; *rels; rels++) {
		char *text;

		snprintf(path, sizeof path, "%s/manifests/%s/%s",
			CRUCIBLE_FIXTURES, eco, *rels);
		if (!(text = th_read(path)))
			fail_msg("cannot read fixture %s", path);
		th_write(f->dir, *rels, text);
		free(text);
	}
}

static cr_node_id manifest_at(cr_graph *g, const char *path)
{
	cr_node_id m = cr_graph_find(g, "manifest", path);

	if (!m)
		fail_msg("no manifest %s", path);
	return m;
}

/* The dependency `name` of the manifest at `path`, or 0. */
static cr_node_id find_dep(cr_graph *g, const char *path, const char *name)
{
	cr_node_id deps[512];
	size_t n = cr_node_edges(g, manifest_at(g, path), "dependencies", deps,
		512);

	assert_true(n <= 512);
	for (size_t i = 0; i < n; i++)
		if (strcmp(cr_node_str(g, deps[i], "name", ""), name) == 0)
			return deps[i];
	return 0;
}

static cr_node_id dep(cr_graph *g, const char *path, const char *name)
{
	cr_node_id d = find_dep(g, path, name);

	if (!d)
		fail_msg("%s: no dependency %s", path, name);
	return d;
}

static void assert_str(cr_graph *g, cr_node_id n, const char *key,
	const char *want)
{
	const char *got = cr_node_str(g, n, key, NULL);

	if (!got || strcmp(got, want) != 0)
		fail_msg("%s %s: %s is %s, want %s", cr_node_kind(g, n),
			cr_node_str(g, n, "name", cr_node_path(g, n)), key,
			got ? got : "(none)", want);
}

static void assert_no_attr(cr_graph *g, cr_node_id n, const char *key)
{
	if (cr_node_attr(g, n, key, NULL))
		fail_msg("%s %s: unexpected %s = %s", cr_node_kind(g, n),
			cr_node_str(g, n, "name", ""), key,
			cr_node_str(g, n, key, "(not a string)"));
}

/* name, constraint, resolved version (NULL: none), scope, direct. */
static void assert_dep(cr_graph *g, const char *path, const char *name,
	const char *constraint, const char *version, const char *scope,
	bool direct)
{
	cr_node_id d = dep(g, path, name);

	assert_str(g, d, "constraint", constraint);
	if (version)
		assert_str(g, d, "version", version);
	else
		assert_no_attr(g, d, "version");
	assert_str(g, d, "scope", scope);
	assert_str(g, d, "ecosystem", cr_node_str(g, manifest_at(g, path),
		"ecosystem", ""));
	if (cr_node_bool(g, d, "direct", !direct) != direct)
		fail_msg("%s: direct is not %d", name, direct);
}

/* The list attribute `key` holds `want` among its items. */
static void assert_listed(cr_graph *g, cr_node_id n, const char *key,
	const char *want)
{
	cr_value v;

	if (!cr_node_attr(g, n, key, &v) || v.type != CR_T_LIST)
		fail_msg("%s: no list %s", cr_node_kind(g, n), key);
	for (size_t i = 0; i < v.u.list.count; i++)
		if (strcmp(v.u.list.items[i], want) == 0)
			return;
	fail_msg("%s: %s does not list %s", cr_node_kind(g, n), key, want);
}

/* The one parse_error of `path`: its line and a word of its message. */
static void assert_parse_error(cr_graph *g, const char *path, uint32_t line,
	const char *words)
{
	cr_node_id e = cr_graph_find(g, "parse_error", path);

	if (!e)
		fail_msg("no parse error for %s", path);
	if (!strstr(cr_node_str(g, e, "message", ""), words))
		fail_msg("%s: message \"%s\" lacks \"%s\"", path,
			cr_node_str(g, e, "message", ""), words);
	assert_int_equal(cr_node_line(g, e), line);
}

static void assert_no_parse_error(cr_graph *g)
{
	size_t n;
	const cr_node_id *errs = cr_graph_nodes(g, "parse_error", &n);

	if (n)
		fail_msg("unexpected parse error in %s: %s",
			cr_node_path(g, errs[0]),
			cr_node_str(g, errs[0], "message", ""));
}

/* --- Go ------------------------------------------------------------------- */

static void test_go_module(void **state)
{
	static const char *const files[] = {"go.mod", "go.sum", NULL};
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id m, d, lock;

	copy_fixtures(f, "go", files);
	g = collect(f);
	assert_no_parse_error(g);
	m = manifest_at(g, "go.mod");
	assert_str(g, m, "ecosystem", "go");
	assert_str(g, m, "name", "k8s.io/kubernetes");
	assert_str(g, m, "language_version", "1.22.0");
	assert_str(g, m, "toolchain", "go1.22.4");
	assert_int_equal(list_len(g, m, "replace"), 3);
	assert_listed(g, m, "replace", "k8s.io/api => ./staging/src/k8s.io/api");
	assert_listed(g, m, "replace", "github.com/google/cadvisor v0.49.0 "
		"=> github.com/google/cadvisor v0.49.1");
	assert_listed(g, m, "exclude", "github.com/spf13/cobra v1.8.0");

	assert_dep(g, "go.mod", "github.com/spf13/cobra", "v1.8.1", "v1.8.1",
		"prod", true);
	assert_int_equal(cr_node_line(g, dep(g, "go.mod",
		"github.com/spf13/cobra")), 18);
	assert_dep(g, "go.mod", "github.com/quoted/module", "v1.2.3", NULL,
		"prod", true);
	/* go.mod lists indirect requirements itself */
	assert_dep(g, "go.mod", "gopkg.in/yaml.v3", "v3.0.1", "v3.0.1", "prod",
		false);
	d = dep(g, "go.mod", "gopkg.in/yaml.v3");
	assert_true(cr_node_bool(g, d, "indirect", false));
	assert_false(cr_node_bool(g, dep(g, "go.mod", "k8s.io/klog/v2"),
		"indirect", false));
	/* only in go.sum: transitive; a /go.mod-only line pins nothing */
	assert_dep(g, "go.mod", "github.com/pmezard/go-difflib", "", "v1.0.0",
		"prod", false);

	lock = cr_graph_find(g, "lockfile", "go.sum");
	assert_true(lock != 0);
	assert_str(g, lock, "format", "go.sum");
	assert_int_equal(cr_node_int(g, lock, "packages", -1), 8);
}

static void test_go_broken(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "a/go.mod", "module example.com/a\n\ngo 1.21\n\n"
		"require (\n\tgithub.com/x/y v1.0.0\n");
	th_write(f->dir, "b/go.mod", "module example.com/b\n"
		"require github.com/x/y\n");
	th_write(f->dir, "b/go.sum", "github.com/x/y v1.0.0\n");
	g = collect(f);
	assert_parse_error(g, "a/go.mod", 5, "not closed");
	assert_parse_error(g, "b/go.mod", 2, "version");
	assert_parse_error(g, "b/go.sum", 1, "hash");
	/* what was read before the error stays a fact */
	assert_str(g, manifest_at(g, "a/go.mod"), "language_version", "1.21");
}

/* --- Cargo ---------------------------------------------------------------- */

static void test_cargo_workspace(void **state)
{
	static const char *const files[] = {"Cargo.toml", "Cargo.lock",
		"crates/cli/Cargo.toml", "crates/core/Cargo.toml", NULL};
	static const char *cli = "crates/cli/Cargo.toml";
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id root, m, d;

	copy_fixtures(f, "cargo", files);
	g = collect(f);
	assert_no_parse_error(g);
	root = manifest_at(g, "Cargo.toml");
	assert_str(g, root, "ecosystem", "cargo");
	assert_no_attr(g, root, "name");
	assert_str(g, root, "language_version", "1.74");
	assert_listed(g, root, "workspaces", "crates/*");
	assert_listed(g, root, "workspaces", "!crates/experimental");
	d = dep(g, "Cargo.toml", "serde");
	assert_true(cr_node_bool(g, d, "managed", false));
	assert_str(g, d, "constraint", "1.0.203");

	m = manifest_at(g, cli);
	assert_str(g, m, "name", "ripgen");
	assert_no_attr(g, m, "version"); /* version.workspace = true */
	assert_false(cr_node_bool(g, m, "private", true));
	/* the root's Cargo.lock pins the members */
	assert_dep(g, cli, "clap", "4.5.7", "4.5.7", "prod", true);
	assert_int_equal(cr_node_line(g, dep(g, cli, "clap")), 16);
	assert_dep(g, cli, "openssl", "0.10", NULL, "optional", true);
	assert_dep(g, cli, "assert_cmd", "2.0.14", NULL, "dev", true);
	assert_dep(g, cli, "cc", "1.0.99", NULL, "build", true);
	assert_dep(g, cli, "nix", "0.29", NULL, "dev", true);
	assert_str(g, dep(g, cli, "windows-sys"), "target", "cfg(windows)");
	assert_no_attr(g, dep(g, cli, "clap"), "target");
	d = dep(g, cli, "serde_json");
	assert_str(g, d, "rename", "json");
	assert_str(g, dep(g, cli, "anyhow"), "source", "workspace");
	d = dep(g, cli, "tracing");
	assert_str(g, d, "source", "git");
	assert_str(g, d, "git", "https://github.com/tokio-rs/tracing");
	assert_str(g, d, "rev", "c4b2a56");

	m = manifest_at(g, "crates/core/Cargo.toml");
	assert_true(cr_node_bool(g, m, "private", false));
	assert_str(g, m, "language_version", "1.70");
	assert_str(g, m, "version", "0.8.2");
	assert_dep(g, "crates/core/Cargo.toml", "memchr", "2.7.4", "2.7.4",
		"prod", true);

	assert_str(g, cr_graph_find(g, "lockfile", "Cargo.lock"), "format",
		"cargo@3");
}

static void test_cargo_broken(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "Cargo.toml", "[package]\nname = \"x\"\n"
		"[dependencies]\nserde = \"1\"\nserde = \"2\"\n");
	th_write(f->dir, "Cargo.lock", "version = 3\n[[package]\n");
	g = collect(f);
	assert_parse_error(g, "Cargo.toml", 5, "serde");
	assert_parse_error(g, "Cargo.lock", 2, "");
	assert_int_equal(cr_graph_find(g, "manifest", "Cargo.toml"), 0);
}

/* --- Maven and Gradle ----------------------------------------------------- */

static void test_maven_multi_module(void **state)
{
	static const char *const files[] = {"pom.xml", "service/pom.xml",
		NULL};
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id m, d;

	copy_fixtures(f, "jvm", files);
	g = collect(f);
	assert_no_parse_error(g);
	m = manifest_at(g, "pom.xml");
	assert_str(g, m, "ecosystem", "maven");
	assert_str(g, m, "name", "com.example.orders:orders-parent");
	assert_str(g, m, "version", "2.4.0-SNAPSHOT"); /* ${revision} */
	assert_str(g, m, "packaging", "pom");
	/* the compiler plugin's <release> beats the java.version property */
	assert_str(g, m, "language_version", "17");
	assert_listed(g, m, "workspaces", "service");
	assert_listed(g, m, "workspaces", "client");
	assert_listed(g, m, "plugins", "dependency-check-maven");

	assert_dep(g, "pom.xml", "io.micrometer:micrometer-registry-prometheus",
		"1.12.5", NULL, "prod", true);
	assert_str(g, dep(g, "pom.xml",
		"io.micrometer:micrometer-registry-prometheus"), "maven_scope",
		"runtime");
	assert_int_equal(cr_node_line(g, dep(g, "pom.xml",
		"io.micrometer:micrometer-registry-prometheus")), 48);
	assert_dep(g, "pom.xml", "org.projectlombok:lombok", "1.18.32", NULL,
		"build", true);
	assert_dep(g, "pom.xml",
		"com.fasterxml.jackson.dataformat:jackson-dataformat-yaml", "",
		NULL, "optional", true);
	assert_dep(g, "pom.xml", "com.example.orders:orders-client",
		"2.4.0-SNAPSHOT", NULL, "prod", true);
	assert_dep(g, "pom.xml", "org.junit.jupiter:junit-jupiter", "", NULL,
		"test", true);
	assert_dep(g, "pom.xml", "com.example:undefined-prop",
		"${not.defined}", NULL, "prod", true);
	d = dep(g, "pom.xml", "com.google.guava:guava");
	assert_true(cr_node_bool(g, d, "managed", false));
	assert_str(g, d, "constraint", "33.2.0-jre"); /* CDATA */
	assert_false(cr_node_bool(g, dep(g, "pom.xml",
		"org.junit.jupiter:junit-jupiter"), "managed", false));

	m = manifest_at(g, "service/pom.xml");
	assert_str(g, m, "name", "com.example.orders:orders-service");
	assert_str(g, m, "version", "2.4.0-SNAPSHOT");
	assert_str(g, m, "language_version", "17");
	/* defined after use, and through another property */
	assert_dep(g, "service/pom.xml", "org.postgresql:postgresql", "42.7.3",
		NULL, "prod", true);
	/* a property defined by itself stays as written */
	assert_dep(g, "service/pom.xml", "com.example:loop", "${loop}", NULL,
		"prod", true);
}

static void test_maven_broken(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "a/pom.xml", "<project>\n  <groupId>x</groupId>\n"
		"  <dependencies>\n  </dependency>\n</project>\n");
	th_write(f->dir, "b/pom.xml", "<project>\n<!-- never closed\n");
	th_write(f->dir, "c/pom.xml", "<settings>\n  <a>1</a>\n</settings>\n");
	g = collect(f);
	assert_parse_error(g, "a/pom.xml", 4, "does not match");
	assert_parse_error(g, "b/pom.xml", 2, "comment");
	assert_parse_error(g, "c/pom.xml", 2, "not <project>");
}

static void test_gradle_kotlin_dsl(void **state)
{
	static const char *const files[] = {"app/build.gradle.kts", NULL};
	static const char *kts = "app/build.gradle.kts";
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id m, d;

	copy_fixtures(f, "jvm", files);
	g = collect(f);
	assert_no_parse_error(g);
	m = manifest_at(g, kts);
	assert_str(g, m, "ecosystem", "maven");
	assert_str(g, m, "version", "0.3.1");
	assert_str(g, m, "language_version", "21");
	assert_listed(g, m, "plugins", "org.springframework.boot");
	assert_listed(g, m, "plugins", "org.jetbrains.kotlin.plugin.spring");
	assert_listed(g, m, "plugins", "java-library");
	assert_listed(g, m, "plugins", "jacoco");
	assert_int_equal(list_len(g, m, "plugins"), 6);

	d = dep(g, kts, "org.springframework.cloud:spring-cloud-dependencies");
	assert_true(cr_node_bool(g, d, "platform", false));
	assert_str(g, d, "constraint", "2023.0.1");
	assert_dep(g, kts, "com.fasterxml.jackson.module:jackson-module-kotlin",
		"2.17.0", NULL, "prod", true);
	assert_int_equal(cr_node_line(g, dep(g, kts,
		"com.fasterxml.jackson.module:jackson-module-kotlin")), 28);
	assert_dep(g, kts, "org.jetbrains.kotlin:kotlin-reflect", "", NULL,
		"prod", true);
	assert_dep(g, kts, "io.github.resilience4j:resilience4j-spring-boot3",
		"2.2.0", NULL, "prod", true);
	assert_dep(g, kts, "org.projectlombok:lombok", "1.18.32", NULL, "build",
		true);
	assert_dep(g, kts, "org.springframework.boot:spring-boot-devtools", "",
		NULL, "dev", true);
	assert_dep(g, kts, "org.jetbrains.kotlin:kotlin-test", "1.9.23", NULL,
		"test", true);
	assert_dep(g, kts, "org.testcontainers:postgresql", "1.19.8", NULL,
		"test", true);
	assert_int_equal(find_dep(g, kts, "commented:out"), 0);
	assert_int_equal(find_dep(g, kts, "also:commented"), 0);
}

static void test_gradle_groovy(void **state)
{
	static const char *const files[] = {"build.gradle", NULL};
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id m;

	copy_fixtures(f, "jvm", files);
	g = collect(f);
	m = manifest_at(g, "build.gradle");
	assert_str(g, m, "language_version", "1.8");
	assert_str(g, m, "version", "1.4.2");
	assert_listed(g, m, "plugins", "java");
	assert_listed(g, m, "plugins", "org.owasp.dependencycheck");
	assert_listed(g, m, "plugins", "idea");
	assert_dep(g, "build.gradle",
		"com.google.protobuf:protobuf-gradle-plugin", "0.9.4", NULL,
		"build", true);
	assert_dep(g, "build.gradle", "org.slf4j:slf4j-api", "2.0.13", NULL,
		"prod", true);
	assert_dep(g, "build.gradle", "com.google.guava:guava",
		"${guavaVersion}", NULL, "prod", true);
	assert_dep(g, "build.gradle", "org.apache.commons:commons-lang3",
		"3.14.0", NULL, "prod", true);
	assert_dep(g, "build.gradle", "io.grpc:grpc-stub", "1.63.0", NULL,
		"prod", true);
	assert_dep(g, "build.gradle", "junit:junit", "4.13.2", NULL, "test",
		true);
	assert_dep(g, "build.gradle",
		"com.squareup.leakcanary:leakcanary-android", "2.14", NULL, "dev",
		true);
	assert_dep(g, "build.gradle", "com.google.dagger:dagger-compiler",
		"2.51", NULL, "test", true);
}

/* --- Ruby ----------------------------------------------------------------- */

static void test_bundler(void **state)
{
	static const char *const files[] = {"Gemfile", "Gemfile.lock", NULL};
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id m, lock;

	copy_fixtures(f, "ruby", files);
	g = collect(f);
	assert_no_parse_error(g);
	m = manifest_at(g, "Gemfile");
	assert_str(g, m, "ecosystem", "rubygems");
	assert_str(g, m, "language_version", "3.2.2");
	assert_dep(g, "Gemfile", "rails", "~> 7.1.3, >= 7.1.3.2", "7.1.3.2",
		"prod", true);
	assert_dep(g, "Gemfile", "pg", "~> 1.1", "1.5.6", "prod", true);
	assert_dep(g, "Gemfile", "rubocop", "", NULL, "dev", true);
	assert_dep(g, "Gemfile", "simplecov", "", NULL, "test", true);
	assert_dep(g, "Gemfile", "lograge", "0.14.0", NULL, "prod", true);
	assert_dep(g, "Gemfile", "debug", "", "1.9.2", "dev", true);
	assert_dep(g, "Gemfile", "rspec-rails", "~> 6.1.0", NULL, "dev", true);
	assert_int_equal(cr_node_line(g, dep(g, "Gemfile", "rspec-rails")), 23);
	assert_dep(g, "Gemfile", "rack-mini-profiler", "", NULL, "dev", true);
	assert_dep(g, "Gemfile", "capybara", "", NULL, "test", true);
	assert_dep(g, "Gemfile", "nokogiri", ">= 1.16.5", "1.16.5", "prod", true);
	assert_str(g, dep(g, "Gemfile", "sidekiq"), "source", "git");
	assert_str(g, dep(g, "Gemfile", "sidekiq"), "version", "7.2.4");
	assert_str(g, dep(g, "Gemfile", "internal_auth"), "source", "path");
	assert_dep(g, "Gemfile", "concurrent-ruby", "", "1.2.3", "prod", false);

	lock = cr_graph_find(g, "lockfile", "Gemfile.lock");
	assert_str(g, lock, "format", "bundler");
	assert_str(g, lock, "ruby_version", "3.2.2p53");
	assert_str(g, lock, "bundler_version", "2.5.9");
	assert_listed(g, lock, "platforms", "x86_64-linux");
}

static void test_bundler_broken(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "Gemfile", "source 'https://rubygems.org'\n"
		"group :test do gem 'minitest' end\n"
		"gem 'rack'\n");
	th_write(f->dir, "Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n"
		"  specs:\n    rack 3.0.0\n");
	g = collect(f);
	assert_parse_error(g, "Gemfile.lock", 4, "name (version)");
	assert_dep(g, "Gemfile", "rack", "", NULL, "prod", true);
}

/* --- PHP ------------------------------------------------------------------ */

static void test_composer(void **state)
{
	static const char *const files[] = {"composer.json", "composer.lock",
		NULL};
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id m;

	copy_fixtures(f, "php", files);
	g = collect(f);
	assert_no_parse_error(g);
	m = manifest_at(g, "composer.json");
	assert_str(g, m, "ecosystem", "composer");
	assert_str(g, m, "name", "acme/billing-api");
	assert_str(g, m, "type", "project");
	assert_str(g, m, "language_version", "^8.2");
	assert_int_equal(list_len(g, m, "extensions"), 2);
	assert_listed(g, m, "extensions", "ext-pdo_pgsql");
	assert_str(g, m, "scripts.post-autoload-dump",
		"Illuminate\\Foundation\\ComposerScripts::postAutoloadDump && "
		"@php artisan package:discover --ansi");
	assert_int_equal(find_dep(g, "composer.json", "php"), 0);
	assert_int_equal(find_dep(g, "composer.json", "ext-json"), 0);
	assert_int_equal(find_dep(g, "composer.json", "composer-runtime-api"), 0);

	assert_dep(g, "composer.json", "laravel/framework", "^11.0", "v11.9.2",
		"prod", true);
	assert_int_equal(cr_node_line(g, dep(g, "composer.json",
		"laravel/framework")), 12);
	assert_dep(g, "composer.json", "phpunit/phpunit", "^10.5", "10.5.20",
		"dev", true);
	assert_int_equal(cr_node_line(g, dep(g, "composer.json",
		"phpunit/phpunit")), 18);
	assert_dep(g, "composer.json", "psr/http-client", "", "1.0.3", "prod",
		false);
	assert_str(g, cr_graph_find(g, "lockfile", "composer.lock"), "format",
		"composer");
}

/* --- the binary ----------------------------------------------------------- */

/* The number of nodes of `kind` whose `attr` is `value` in the facts
 * JSON. */
static int count_nodes(const cJSON *doc, const char *kind, const char *attr,
	const char *value)
{
	const cJSON *n;
	int count = 0;

	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(doc, "nodes")) {
		const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(n,
			"attrs");
		const char *v = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(attrs, attr));

		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				n, "kind")) ?: "", kind) == 0 &&
		    v && strcmp(v, value) == 0)
			count++;
	}
	return count;
}

static void test_facts_cli(void **state)
{
	static const struct {
		const char *eco, *file;
	} files[] = {
		{"go", "go.mod"}, {"go", "go.sum"}, {"cargo", "Cargo.toml"},
		{"cargo", "Cargo.lock"}, {"jvm", "pom.xml"},
		{"jvm", "app/build.gradle.kts"}, {"ruby", "Gemfile"},
		{"ruby", "Gemfile.lock"}, {"php", "composer.json"},
		{"php", "composer.lock"},
	};
	static const char *const ecosystems[] = {"go", "cargo", "maven",
		"rubygems", "composer"};
	struct fixture *f = *state;
	const char *argv[] = {"facts", f->dir, NULL};
	th_run run;
	cJSON *doc;

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		const char *one[] = {files[i].file, NULL};

		copy_fixtures(f, files[i].eco, one);
	}
	run = th_crucible(NULL, argv);
	if (run.status != 0)
		fail_msg("crucible facts: exit %d: %s", run.status, run.err);
	doc = cJSON_Parse(run.out);
	assert_non_null(doc);
	for (size_t i = 0; i < sizeof ecosystems / sizeof ecosystems[0]; i++)
		if (count_nodes(doc, "manifest", "ecosystem", ecosystems[i]) == 0)
			fail_msg("no %s manifest in crucible facts",
				ecosystems[i]);
	assert_int_equal(count_nodes(doc, "manifest", "ecosystem", "maven"), 2);
	assert_int_equal(count_nodes(doc, "lockfile", "format", "go.sum"), 1);
	assert_int_equal(count_nodes(doc, "dependency", "name",
		"github.com/spf13/cobra"), 1);
	assert_int_equal(count_nodes(doc, "dependency", "name",
		"org.jetbrains.kotlin:kotlin-reflect"), 1);
	cJSON_Delete(doc);
	th_run_free(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_go_module, setup, teardown),
		cmocka_unit_test_setup_teardown(test_go_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cargo_workspace, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_cargo_broken, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_maven_multi_module, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_maven_broken, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_gradle_kotlin_dsl, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_gradle_groovy, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bundler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundler_broken, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_composer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_facts_cli, setup, teardown),
	};

	cr_git_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
