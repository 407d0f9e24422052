/*
 * test_docker.c - the Dockerfile facts (facts/docker.c, the parser in
 * facts/dockerfile_parse.c and the RUN analysis in facts/dockerfile_run.c):
 * the fixture Dockerfiles under tests/fixtures/docker/ collected by the
 * real collector, small inline files for the parser's corners, the RUN
 * analysis on its own, and one run of `crucible facts` through the binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "crucible/facts.h"
#include "crucible/git.h"
#include "facts/dockerfile_parse.h"
#include "tests/facts_fixture.h"
#include "tests/helpers.h"

#define FIXTURE CRUCIBLE_FIXTURES "/docker"

static cr_graph *collect_fixture(struct fixture *f, const char *name)
{
	assert_int_equal(th_sh(f->dir, "cp '%s/%s' .", FIXTURE, name), 0);
	return collect(f);
}

static cr_graph *collect_inline(struct fixture *f, const char *rel,
	const char *text)
{
	th_write(f->dir, rel, text);
	return collect(f);
}

static cr_node_id edge(cr_graph *g, cr_node_id n, const char *label)
{
	cr_node_id to = 0;

	cr_node_edges(g, n, label, &to, 1);
	return to;
}

static cr_node_id dockerfile(cr_graph *g, const char *path)
{
	cr_node_id n = cr_graph_find(g, "dockerfile", path);

	if (!n)
		fail_msg("no dockerfile node for %s", path);
	return n;
}

static cr_node_id stage(cr_graph *g, cr_node_id df, size_t index)
{
	cr_node_id stages[16];
	size_t n = cr_node_edges(g, df, "stages", stages, 16);

	if (index >= n)
		fail_msg("no stage %zu (%zu stages)", index, n);
	return stages[index];
}

/* The instruction of `path` on `line`. */
static cr_node_id instr_at(cr_graph *g, const char *path, uint32_t line)
{
	size_t n;
	const cr_node_id *ids = cr_graph_nodes(g, "docker_instruction", &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(cr_node_path(g, ids[i]), path) &&
		    cr_node_line(g, ids[i]) == line)
			return ids[i];
	fail_msg("no instruction at %s:%u", path, line);
	return 0;
}

/* No attribute of any node contains `needle` (secret values). */
static void assert_nowhere(cr_graph *g, const char *needle)
{
	for (cr_node_id id = 1; id <= cr_graph_count(g); id++)
		for (size_t i = 0; i < cr_node_attr_count(g, id); i++) {
			cr_value v;
			const char *key = cr_node_attr_at(g, id, i, &v);

			if (v.type == CR_T_STR && strstr(v.u.s.ptr, needle))
				fail_msg("%s of node %u holds %s", key, id, needle);
			for (size_t j = 0; v.type == CR_T_LIST &&
			     j < v.u.list.count; j++)
				if (strstr(v.u.list.items[j], needle))
					fail_msg("%s holds %s", key, needle);
		}
}

/* The message of the parse error on path:line, or NULL. */
static const char *parse_error_at(cr_graph *g, const char *path,
	uint32_t line)
{
	size_t n;
	const cr_node_id *ids = cr_graph_nodes(g, "parse_error", &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(cr_node_path(g, ids[i]), path) &&
		    cr_node_line(g, ids[i]) == line)
			return cr_node_str(g, ids[i], "message", "");
	return NULL;
}

/* --- the fixtures ---------------------------------------------------------- */

static void test_multistage_stages(void **state)
{
	struct fixture *f = *state;
	const char *path = "node-multistage.Dockerfile";
	cr_graph *g = collect_fixture(f, path);
	cr_node_id df = dockerfile(g, path), deps, build, runtime;

	assert_int_equal(cr_node_int(g, df, "stage_count", 0), 3);
	assert_string_equal(cr_node_str(g, df, "directives.syntax", ""),
		"docker/dockerfile:1.7");
	assert_string_equal(cr_node_str(g, df, "directives.check", ""),
		"error=true");
	/* the heredoc bodies are not instructions */
	assert_int_equal(cr_node_int(g, df, "instruction_count", 0), 22);
	assert_int_equal(count_of(g, "parse_error"), 0);

	deps = stage(g, df, 0);
	assert_string_equal(cr_node_str(g, deps, "name", ""), "deps");
	assert_int_equal(cr_node_line(g, deps), 8);
	/* ARG BASE_IMAGE=node:${NODE_VERSION}-bookworm-slim */
	assert_string_equal(cr_node_str(g, deps, "image", ""),
		"node:20.11.1-bookworm-slim");
	assert_string_equal(cr_node_str(g, deps, "registry", ""), "docker.io");
	assert_string_equal(cr_node_str(g, deps, "repository", ""), "node");
	assert_string_equal(cr_node_str(g, deps, "tag", ""),
		"20.11.1-bookworm-slim");
	assert_string_equal(cr_node_str(g, deps, "platform", ""),
		"$BUILDPLATFORM");
	assert_false(cr_node_bool(g, deps, "pinned", true));
	assert_false(cr_node_bool(g, deps, "latest", true));
	assert_string_equal(cr_node_str(g, deps, "workdir", ""), "/app");

	build = stage(g, df, 1);
	assert_true(cr_node_bool(g, build, "from_stage", false));
	assert_int_equal(edge(g, build, "base_stage"), deps);
	assert_int_equal(edge(g, build, "dockerfile"), df);

	runtime = stage(g, df, 2);
	assert_int_equal(edge(g, df, "final_stage"), runtime);
	assert_int_equal(cr_node_int(g, runtime, "index", -1), 2);
	assert_true(cr_node_bool(g, runtime, "pinned", false));
	assert_string_equal(cr_node_str(g, runtime, "registry", ""), "gcr.io");
	assert_string_equal(cr_node_str(g, runtime, "repository", ""),
		"distroless/nodejs20-debian12");
	assert_non_null(strstr(cr_node_str(g, runtime, "digest", ""),
		"sha256:8f3bd1c7"));
	assert_string_equal(cr_node_str(g, runtime, "user", ""), "65532:65532");
	assert_string_equal(cr_node_str(g, df, "final_user", ""), "65532:65532");
	assert_false(cr_node_bool(g, df, "runs_as_root", true));
	assert_true(cr_node_bool(g, df, "healthcheck", false));
	assert_string_equal(list_of(g, df, "exposed"), "8080/tcp");
	assert_string_equal(list_of(g, df, "base_images"),
		"node:20.11.1-bookworm-slim,gcr.io/distroless/nodejs20-debian12"
		"@sha256:8f3bd1c7b3c8a9b5e1d1f9e7a0a7d6e5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9");
}

static void test_multistage_instructions(void **state)
{
	struct fixture *f = *state;
	const char *path = "node-multistage.Dockerfile";
	cr_graph *g = collect_fixture(f, path);
	cr_node_id df = dockerfile(g, path), n;

	/* a RUN continued over comment lines, with two cache mounts */
	n = instr_at(g, path, 10);
	assert_string_equal(cr_node_str(g, n, "instruction", ""), "RUN");
	assert_string_equal(list_of(g, n, "mounts"),
		"type=cache,target=/var/cache/apt,sharing=locked,"
		"type=cache,target=/var/lib/apt,sharing=locked");
	assert_string_equal(list_of(g, n, "packages_installed"),
		"apt:python3=3.11.2-1+b1,apt:make,apt:g++");
	assert_string_equal(list_of(g, n, "unpinned_packages"),
		"apt:make,apt:g++");
	assert_true(cr_node_bool(g, n, "apt_no_install_recommends", false));
	assert_true(cr_node_bool(g, n, "apt_cleanup", false));
	assert_string_equal(list_of(g, n, "installs_without_yes"), "");
	assert_int_equal(edge(g, n, "stage"), stage(g, df, 0));

	/* RUN <<EOF: the heredoc is the script */
	n = instr_at(g, path, 24);
	assert_true(cr_node_bool(g, n, "heredoc", false));
	assert_string_equal(list_of(g, n, "commands"),
		"set -eux,npm ci,npm run build,npm prune --omit=dev");

	/* COPY <<-'CONF' with a tab-indented body */
	n = instr_at(g, path, 30);
	assert_string_equal(cr_node_str(g, n, "instruction", ""), "COPY");
	assert_string_equal(cr_node_str(g, n, "destination", ""), "/app/.npmrc");
	assert_int_equal(cr_node_line(g, instr_at(g, path, 35)), 35);

	n = instr_at(g, path, 23);
	assert_true(cr_node_bool(g, n, "flags.link", false));

	n = instr_at(g, path, 39);
	assert_string_equal(cr_node_str(g, n, "flags.from", ""), "build");
	assert_string_equal(cr_node_str(g, n, "chown", ""), "65532:65532");
	assert_int_equal(edge(g, n, "copy_from"), stage(g, df, 1));

	n = instr_at(g, path, 43);
	assert_string_equal(cr_node_str(g, n, "form", ""), "exec");
	assert_string_equal(cr_node_str(g, n, "flags.interval", ""), "30s");
	n = instr_at(g, path, 44);
	assert_string_equal(cr_node_str(g, n, "form", ""), "exec");
	assert_string_equal(list_of(g, n, "argv"), "/nodejs/bin/node");
	/* multi-line ENV: both variables */
	assert_string_equal(list_of(g, instr_at(g, path, 36), "names"),
		"NODE_ENV,PORT");
}

static void test_windows_escape(void **state)
{
	struct fixture *f = *state;
	const char *path = "windows.Dockerfile";
	cr_graph *g = collect_fixture(f, path);
	cr_node_id df = dockerfile(g, path), n;

	assert_string_equal(cr_node_str(g, df, "directives.escape", ""), "`");
	assert_int_equal(cr_node_int(g, df, "instruction_count", 0), 7);
	assert_int_equal(count_of(g, "parse_error"), 0);
	/* the backtick continues the line; backslashes are path separators */
	n = instr_at(g, path, 7);
	assert_non_null(strstr(cr_node_str(g, n, "arguments", ""),
		"-Path C:\\app | Out-Null;"));
	assert_non_null(strstr(cr_node_str(g, n, "arguments", ""),
		"Invoke-WebRequest"));
	/* PowerShell scripts are not read as POSIX shell */
	assert_non_null(strstr(cr_node_str(g, n, "shell", ""), "powershell"));
	assert_string_equal(list_of(g, n, "commands"), "");
	assert_string_equal(cr_node_str(g, stage(g, df, 0), "workdir", ""),
		"C:\\app");
	assert_string_equal(cr_node_str(g, stage(g, df, 0), "repository", ""),
		"windows/servercore");
	n = instr_at(g, path, 12);
	assert_true(cr_node_bool(g, n, "remote", false));
	assert_false(cr_node_bool(g, n, "archive", true));
}

static void test_legacy_findings(void **state)
{
	struct fixture *f = *state;
	const char *path = "Dockerfile.legacy";
	cr_graph *g = collect_fixture(f, path);
	cr_node_id df = dockerfile(g, path), n;

	assert_true(cr_node_bool(g, df, "runs_as_root", false));
	assert_string_equal(cr_node_str(g, df, "final_user", ""), "root");
	assert_false(cr_node_bool(g, df, "healthcheck", true));
	assert_string_equal(list_of(g, df, "exposed"), "22,80,443");
	assert_true(cr_node_bool(g, stage(g, df, 0), "latest", false));
	assert_string_equal(cr_node_str(g, instr_at(g, path, 2), "instruction",
		""), "MAINTAINER");

	/* secrets: named like one with a literal value, or a token format */
	assert_string_equal(list_of(g, instr_at(g, path, 4), "secret_like"),
		"DB_PASSWORD");
	assert_string_equal(list_of(g, instr_at(g, path, 5), "secret_like"), "");
	assert_string_equal(list_of(g, instr_at(g, path, 6), "secret_like"),
		"NPM_TOKEN");
	assert_string_equal(cr_node_str(g, instr_at(g, path, 3),
		"values.DEBIAN_FRONTEND", ""), "noninteractive");
	assert_nowhere(g, "hunter2");
	assert_nowhere(g, "npm_0123456789abcdef");

	n = instr_at(g, path, 7);
	assert_string_equal(list_of(g, n, "installs_without_yes"), "apt");
	assert_false(cr_node_bool(g, n, "apt_no_install_recommends", true));
	assert_false(cr_node_bool(g, n, "apt_cleanup", true));
	n = instr_at(g, path, 8);
	assert_true(cr_node_bool(g, n, "curl_pipe_shell", false));
	assert_true(cr_node_bool(g, n, "sudo", false));
	n = instr_at(g, path, 10);
	assert_true(cr_node_bool(g, n, "curl_pipe_shell", false));
	assert_true(cr_node_bool(g, n, "uses_cd", false));
	assert_true(cr_node_bool(g, n, "pipes", false));
	n = instr_at(g, path, 11);
	assert_string_equal(list_of(g, n, "unpinned_packages"), "npm:typescript");
	assert_false(cr_node_bool(g, n, "package_cache_cleaned.pip", true));
	n = instr_at(g, path, 12);
	assert_string_equal(list_of(g, n, "unpinned_packages"), "apk:curl");
	assert_true(cr_node_bool(g, n, "package_cache_cleaned.apk", false));
	n = instr_at(g, path, 13);
	assert_string_equal(list_of(g, n, "unpinned_packages"), "yum:mod_ssl");
	assert_true(cr_node_bool(g, n, "package_cache_cleaned.yum", false));
	n = instr_at(g, path, 14);
	assert_true(cr_node_bool(g, n, "archive", false));
	n = instr_at(g, path, 18);
	assert_string_equal(cr_node_str(g, n, "form", ""), "shell");
}

/* --- the parser's corners -------------------------------------------------- */

static void test_file_selection(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "Dockerfile.md", "# Dockerfile notes\n\nHow we build.\n");
	th_write(f->dir, "Dockerfile.dockerignore", "node_modules\n.git\n");
	th_write(f->dir, "docker/Dockerfile.prod", "# prod\nFROM nginx:1.25\n");
	th_write(f->dir, "api.dockerfile", "FROM golang:1.22 AS build\n");
	th_write(f->dir, "Containerfile", "from alpine:3.19\nuser 1000\n");
	g = collect(f);
	assert_int_equal(count_of(g, "dockerfile"), 3);
	dockerfile(g, "docker/Dockerfile.prod");
	dockerfile(g, "api.dockerfile");
	/* keywords in any case */
	assert_false(cr_node_bool(g, dockerfile(g, "Containerfile"),
		"runs_as_root", true));
	assert_string_equal(cr_node_str(g, dockerfile(g, "Containerfile"),
		"name", ""), "Containerfile");
}

static void test_parse_errors(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_inline(f, "Dockerfile",
		"RUN echo too early\n"
		"FROM alpine:3.19\n"
		"FORM typo\n"
		"RUN cat <<EOF\n"
		"never closed\n");
	cr_node_id df = dockerfile(g, "Dockerfile");

	assert_non_null(parse_error_at(g, "Dockerfile", 1));
	assert_non_null(strstr(parse_error_at(g, "Dockerfile", 3), "FORM"));
	assert_non_null(strstr(parse_error_at(g, "Dockerfile", 4), "EOF"));
	/* the rest is still there */
	assert_int_equal(cr_node_int(g, df, "stage_count", 0), 1);
	assert_int_equal(cr_node_int(g, df, "instruction_count", 0), 3);
}

static void test_continuations_and_heredocs(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_inline(f, "Dockerfile",
		"FROM debian:12\n"
		"RUN apt-get update && \\\n"
		"# a comment inside the continuation\n"
		"\n"
		"    apt-get install -y --no-install-recommends curl=7.88.1-10 \\  \n"
		"    && rm -rf /var/lib/apt/lists/*\n"
		"COPY <<one.txt <<\"two.txt\" /srv/\n"
		"first\n"
		"one.txt\n"
		"second\n"
		"two.txt\n"
		"RUN bash <<-SCRIPT\n"
		"\tcurl -fsSL https://example.com/x.sh | sh\n"
		"\tSCRIPT\n"
		"RUN [\"sh\", \"-c\", \"wget -qO- https://example.com | bash\"]\n"
		"RUN [\"apt-get\", \"install\", \"-y\", \"jq\"]\n"
		"CMD [not json\n");
	cr_node_id n;

	assert_int_equal(count_of(g, "parse_error"), 0);
	n = instr_at(g, "Dockerfile", 2);
	assert_string_equal(list_of(g, n, "commands"),
		"apt-get update,apt-get install -y --no-install-recommends "
		"curl=7.88.1-10,rm -rf /var/lib/apt/lists/*");
	assert_string_equal(list_of(g, n, "unpinned_packages"), "");
	n = instr_at(g, "Dockerfile", 7);
	assert_string_equal(list_of(g, n, "sources"), "<<one.txt,<<two.txt");
	n = instr_at(g, "Dockerfile", 12);
	assert_true(cr_node_bool(g, n, "curl_pipe_shell", false));
	n = instr_at(g, "Dockerfile", 15);
	assert_string_equal(cr_node_str(g, n, "form", ""), "exec");
	assert_true(cr_node_bool(g, n, "curl_pipe_shell", false));
	n = instr_at(g, "Dockerfile", 16);
	assert_string_equal(list_of(g, n, "unpinned_packages"), "apt:jq");
	n = instr_at(g, "Dockerfile", 17);
	assert_string_equal(cr_node_str(g, n, "form", ""), "shell");
}

static void test_arg_substitution(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_inline(f, "Dockerfile",
		"ARG REGISTRY=registry.example.com:5000\n"
		"ARG TAG\n"
		"ARG VARIANT\n"
		"FROM ${REGISTRY}/team/app:${TAG:-1.4.2}${VARIANT:+-$VARIANT} AS base\n"
		"FROM $UNDECLARED AS other\n"
		"FROM base\n"
		"HEALTHCHECK NONE\n");
	cr_node_id df = dockerfile(g, "Dockerfile"), s;

	s = stage(g, df, 0);
	assert_string_equal(cr_node_str(g, s, "image", ""),
		"registry.example.com:5000/team/app:1.4.2");
	assert_string_equal(cr_node_str(g, s, "registry", ""),
		"registry.example.com:5000");
	assert_string_equal(cr_node_str(g, s, "repository", ""), "team/app");
	assert_string_equal(cr_node_str(g, s, "tag", ""), "1.4.2");
	assert_false(cr_node_bool(g, s, "dynamic", true));
	s = stage(g, df, 1);
	assert_true(cr_node_bool(g, s, "dynamic", false));
	assert_string_equal(cr_node_str(g, s, "image", ""), "$UNDECLARED");
	assert_false(cr_node_bool(g, s, "latest", true));
	s = stage(g, df, 2);
	assert_int_equal(edge(g, s, "base_stage"), stage(g, df, 0));
	assert_false(cr_node_bool(g, df, "healthcheck", true));
}

static void test_user_inherited(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_inline(f, "Dockerfile",
		"FROM python:3.12-slim AS base\n"
		"RUN useradd -l -u 10001 app\n"
		"USER app\n"
		"HEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
		"EXPOSE 8000\n"
		"FROM base AS final\n"
		"COPY --chown=app . /srv\n"
		"EXPOSE 9000\n");
	cr_node_id df = dockerfile(g, "Dockerfile");

	assert_string_equal(cr_node_str(g, df, "final_user", ""), "app");
	assert_false(cr_node_bool(g, df, "runs_as_root", true));
	assert_true(cr_node_bool(g, df, "healthcheck", false));
	assert_string_equal(list_of(g, df, "exposed"), "9000,8000");
	/* the final stage's own USER is its own */
	assert_string_equal(cr_node_str(g, stage(g, df, 1), "user", "(none)"),
		"(none)");
	assert_string_equal(list_of(g, df, "base_images"), "python:3.12-slim");
}

/* --- the RUN analysis ------------------------------------------------------ */

static cr_run_facts analyze(const char *script)
{
	cr_run_facts r = {0};

	assert_int_equal(cr_run_analyze(&r, script, strlen(script)), CR_OK);
	return r;
}

static const char *joined(const cr_strv *sv)
{
	static char buf[1024];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sv->n; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s",
			i ? "," : "", sv->v[i]);
	return buf;
}

static void test_run_package_managers(void **state)
{
	cr_run_facts r;

	(void)state;
	r = analyze("apt-get -qy install -o Dpkg::Options::=--force-confnew "
		"nginx=1.22.1-9 'libssl3=3.0.*' ./local.deb $EXTRA "
		"&& apt-get clean");
	assert_string_equal(joined(&r.unpinned), "");
	assert_string_equal(joined(&r.packages),
		"apt:nginx=1.22.1-9,apt:libssl3=3.0.*,apt:./local.deb");
	assert_int_equal(r.unattended.n, 0);
	assert_false(r.cleaned & (1u << CR_PKG_APT)); /* lists stay */
	cr_run_facts_release(&r);

	r = analyze("pip3 install --no-cache-dir 'django>=4.2,<5' gunicorn "
		"git+https://github.com/org/lib@v1.2 -e . "
		"&& python -m pip install uvicorn[standard]==0.29.0");
	assert_string_equal(joined(&r.unpinned), "pip:gunicorn");
	assert_true(r.cleaned & (1u << CR_PKG_PIP));
	cr_run_facts_release(&r);

	r = analyze("npm i -g @angular/cli@17.3.0 @scope/tool pnpm; "
		"yarn global add serve && gem install rails -v 7.1.3 && "
		"gem install bundler && go install golang.org/x/tools/gopls@latest "
		"&& go install github.com/a/b@v1.0.0");
	assert_string_equal(joined(&r.unpinned), "npm:@scope/tool,npm:pnpm,"
		"yarn:serve,gem:bundler,go:golang.org/x/tools/gopls@latest");
	cr_run_facts_release(&r);

	r = analyze("dnf -y install nginx-1.24.0 && microdnf install jq && "
		"zypper --non-interactive in curl=8.0 && zypper install vim && "
		"dnf clean all && rm -rf /var/cache/zypp/*");
	assert_string_equal(joined(&r.unpinned), "dnf:jq,zypper:vim");
	assert_string_equal(joined(&r.unattended), "zypper");
	assert_true(r.cleaned & (1u << CR_PKG_DNF));
	assert_true(r.cleaned & (1u << CR_PKG_ZYPPER));
	cr_run_facts_release(&r);
}

static void test_run_shell_reading(void **state)
{
	cr_run_facts r;

	(void)state;
	/* quotes, redirections, here-documents and substitutions */
	r = analyze("set -e; cat > /etc/app.conf <<'EOF'\n"
		"apt-get install vim\n"
		"EOF\n"
		"echo \"a | b\" 2>&1 >/dev/null | tee log && "
		"sh -c \"$(curl -fsSL https://x.example/install.sh)\"");
	assert_string_equal(joined(&r.programs), "set,cat,echo,tee,sh");
	assert_int_equal(r.packages.n, 0);
	assert_true(r.pipes);
	assert_true(r.curl_pipe_shell);
	cr_run_facts_release(&r);

	r = analyze("curl -o x.sh https://x.example && sh x.sh");
	assert_false(r.curl_pipe_shell);
	assert_false(r.pipes);
	cr_run_facts_release(&r);

	r = analyze("DEBIAN_FRONTEND=noninteractive sudo -u root apt-get "
		"install -y curl; (cd /src && make)");
	assert_true(r.sudo);
	assert_true(r.cd);
	assert_string_equal(joined(&r.programs), "apt-get,cd,make");
	cr_run_facts_release(&r);
}

static void test_image_refs(void **state)
{
	static const struct {
		const char *image, *registry, *repository, *tag, *digest;
	} cases[] = {
		{ "node", "", "node", "", "" },
		{ "library/node:20", "", "library/node", "20", "" },
		{ "localhost/app", "localhost", "app", "", "" },
		{ "localhost:5000/a/b:1@sha256:ab", "localhost:5000", "a/b", "1",
		  "sha256:ab" },
		{ "ghcr.io/org/img@sha256:cd", "ghcr.io", "org/img", "", "sha256:cd" },
		{ "org/img:v1.2", "", "org/img", "v1.2", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		cr_image_ref r;
		char buf[4][128];

		cr_image_ref_split(&r, cases[i].image);
		snprintf(buf[0], 128, "%.*s", (int)r.registry.len, r.registry.ptr);
		snprintf(buf[1], 128, "%.*s", (int)r.repository.len,
			r.repository.ptr);
		snprintf(buf[2], 128, "%.*s", (int)r.tag.len, r.tag.ptr);
		snprintf(buf[3], 128, "%.*s", (int)r.digest.len, r.digest.ptr);
		assert_string_equal(buf[0], cases[i].registry);
		assert_string_equal(buf[1], cases[i].repository);
		assert_string_equal(buf[2], cases[i].tag);
		assert_string_equal(buf[3], cases[i].digest);
	}
}

/* --- through the binary ------------------------------------------------------ */

static void test_facts_command(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "facts", f->dir, NULL };
	cJSON *doc, *kinds;
	th_run run;

	assert_int_equal(th_sh(f->dir, "cp '%s'/* .", FIXTURE), 0);
	run = th_crucible(NULL, argv);
	assert_int_equal(run.status, 0);
	doc = cJSON_Parse(run.out);
	assert_non_null(doc);
	kinds = cJSON_GetObjectItem(doc, "kinds");
	assert_int_equal(cJSON_GetObjectItem(kinds, "dockerfile")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(kinds, "docker_stage")->valueint, 5);
	assert_non_null(cJSON_GetObjectItem(kinds, "docker_instruction"));
	assert_int_equal(cJSON_GetObjectItem(kinds, "compose_file")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(kinds, "compose_service")->valueint,
		3);
	assert_null(strstr(run.out, "hunter2"));
	cJSON_Delete(doc);
	th_run_free(&run);
}

/* The readiness policies that read these facts, through `crucible eval`. */
static const cJSON *policy(const cJSON *doc, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "policies"))
		if (!strcmp(cJSON_GetObjectItem(p, "id")->valuestring, id))
			return p;
	fail_msg("no policy %s", id);
	return NULL;
}

static const char *status_of(struct fixture *f, const char *id)
{
	static char status[16];
	const char *argv[] = { "eval", f->dir, "--format", "json", NULL };
	th_run run = th_crucible(NULL, argv);
	cJSON *doc = cJSON_Parse(run.out);

	if (!doc)
		fail_msg("not JSON: %.500s %.500s", run.out, run.err);
	snprintf(status, sizeof status, "%s", cJSON_GetObjectItem(policy(doc,
		id), "status")->valuestring);
	cJSON_Delete(doc);
	th_run_free(&run);
	return status;
}

static void test_policies(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(status_of(f, "OPS-DOCKER-NONROOT"), "skip");
	/* USER inherited from the stage FROM names; distroless :nonroot */
	th_write(f->dir, "Dockerfile", "FROM node:20.11-slim AS base\n"
		"USER node\nFROM base\nCMD [\"node\", \"app.js\"]\n");
	th_write(f->dir, "api/Dockerfile",
		"ARG BASE=gcr.io/distroless/static-debian12:nonroot\nFROM $BASE\n");
	th_write(f->dir, "Dockerfile.md", "# FROM alpine\nnotes\n");
	assert_string_equal(status_of(f, "OPS-DOCKER-NONROOT"), "pass");
	assert_string_equal(status_of(f, "OPS-DOCKER-PINNED-BASE"), "pass");
	th_write(f->dir, "worker/Containerfile", "FROM alpine\nUSER 0:0\n");
	assert_string_equal(status_of(f, "OPS-DOCKER-NONROOT"), "fail");
	assert_string_equal(status_of(f, "OPS-DOCKER-PINNED-BASE"), "fail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_multistage_stages, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_multistage_instructions,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_windows_escape, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_legacy_findings, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_file_selection, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_continuations_and_heredocs,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_arg_substitution, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_user_inherited, setup,
			teardown),
		cmocka_unit_test(test_run_package_managers),
		cmocka_unit_test(test_run_shell_reading),
		cmocka_unit_test(test_image_refs),
		cmocka_unit_test_setup_teardown(test_facts_command, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_policies, setup, teardown),
	};

	cr_git_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
