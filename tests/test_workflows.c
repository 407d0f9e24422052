/*
 * test_workflows.c - CI configurations as facts (facts/workflows.c,
 * facts/ci_other.c): GitHub workflows and composite actions, GitLab CI
 * with anchors and merge keys, CircleCI, Azure Pipelines, Bitbucket
 * Pipelines, Jenkinsfiles, Dependabot and Renovate.  The fixtures under
 * tests/fixtures/ci/ are placed where each system expects them in a
 * temporary directory, and the real collectors build the graph.
 */
#include "tests/helpers.h"

#include "tests/facts_fixture.h"

static void place(const char *dir, const char *fixture, const char *dest)
{
	char path[4096];
	char *text;

	snprintf(path, sizeof path, "%s/ci/%s", CRUCIBLE_FIXTURES, fixture);
	text = th_read(path);
	assert_non_null(text);
	th_write(dir, dest, text);
	free(text);
}

static int setup_ci(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	place(f->dir, "github/ci.yml", ".github/workflows/ci.yml");
	place(f->dir, "github/action.yml", ".github/actions/local/action.yml");
	place(f->dir, "gitlab/.gitlab-ci.yml", ".gitlab-ci.yml");
	place(f->dir, "other/config.yml", ".circleci/config.yml");
	place(f->dir, "other/azure-pipelines.yml", "azure-pipelines.yml");
	place(f->dir, "other/bitbucket-pipelines.yml", "bitbucket-pipelines.yml");
	place(f->dir, "other/Jenkinsfile", "Jenkinsfile");
	place(f->dir, "other/dependabot.yml", ".github/dependabot.yml");
	place(f->dir, "other/renovate.json", "renovate.json");
	th_write(f->dir, ".github/workflows/broken.yml", "on: [push\njobs: {}\n");
	th_write(f->dir, ".github/workflows/notes.txt", "not a workflow\n");
	collect(f);
	return 0;
}

/* The node of `kind` with attribute key = value (at `path`, when given). */
static cr_node_id find_by(const cr_graph *g, const char *kind,
	const char *key, const char *value, const char *path)
{
	size_t n;
	const cr_node_id *ids = cr_graph_nodes(g, kind, &n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(cr_node_str(g, ids[i], key, ""), value) == 0 &&
		    (!path || strcmp(cr_node_path(g, ids[i]), path) == 0))
			return ids[i];
	fail_msg("no %s with %s=%s", kind, key, value);
	return 0;
}

static cr_node_id step_at(const cr_graph *g, cr_node_id job, size_t i)
{
	cr_node_id steps[16];
	size_t n = cr_node_edges(g, job, "steps", steps, 16);

	assert_true(i < n);
	return steps[i];
}

static void test_github_workflow(void **state)
{
	struct fixture *f = *state;
	const cr_graph *g = f->g;
	const char *path = ".github/workflows/ci.yml";
	cr_node_id wf = find_by(g, "workflow", "name", "CI", path);
	cr_node_id test, deploy, build, s;
	cr_node_id to;

	assert_string_equal(cr_node_str(g, wf, "system", ""), "github");
	assert_true(list_has(g, wf, "triggers", "pull_request_target"));
	assert_int_equal(list_len(g, wf, "triggers"), 3);
	assert_true(cr_node_bool(g, wf, "dispatch_inputs", false));
	assert_string_equal(cr_node_str(g, wf, "permissions.contents", ""), "read");
	assert_string_equal(cr_node_str(g, wf, "env.NODE_ENV", ""), "test");
	assert_int_equal(cr_node_edges(g, wf, "jobs", NULL, 0), 3);

	test = find_by(g, "job", "id", "test", path);
	assert_int_equal(cr_node_line(g, test), 16);
	assert_string_equal(cr_node_str(g, test, "runs_on", ""), "self-hosted, linux");
	assert_string_equal(cr_node_str(g, test, "permissions.pull-requests", ""),
		"write");
	assert_string_equal(cr_node_str(g, test, "timeout_minutes", ""), "15");
	assert_int_equal(cr_node_edges(g, test, "workflow", &to, 1), 1);
	assert_int_equal(to, wf);

	s = step_at(g, test, 0);
	assert_string_equal(cr_node_str(g, s, "uses_owner", ""), "actions");
	assert_string_equal(cr_node_str(g, s, "uses_repo", ""), "checkout");
	assert_true(cr_node_bool(g, s, "pinned", false));
	assert_string_equal(cr_node_str(g, s, "with.persist-credentials", ""), "false");
	s = step_at(g, test, 1);
	assert_string_equal(cr_node_str(g, s, "uses_ref", ""), "v4");
	assert_false(cr_node_bool(g, s, "pinned", true));
	s = step_at(g, test, 2);
	assert_string_equal(cr_node_str(g, s, "name", ""), "Greet");
	assert_int_equal(list_len(g, s, "untrusted"), 2);
	assert_true(list_has(g, s, "untrusted", "github.event.pull_request.title"));
	assert_true(list_has(g, s, "untrusted", "github.head_ref"));
	assert_true(list_has(g, s, "secrets", "DEPLOY_TOKEN"));
	s = step_at(g, test, 3);
	assert_string_equal(cr_node_str(g, s, "run", ""), "npm ci && npm test");
	assert_true(list_has(g, s, "secrets", "NPM_TOKEN"));
	assert_int_equal(list_len(g, s, "untrusted"), 0);
	s = step_at(g, test, 4);
	assert_string_equal(cr_node_str(g, s, "uses_kind", ""), "docker");
	assert_true(cr_node_bool(g, s, "pinned", false));
	s = step_at(g, test, 5);
	assert_string_equal(cr_node_str(g, s, "uses_kind", ""), "local");
	s = step_at(g, test, 6);
	assert_string_equal(cr_node_str(g, s, "uses_repo", ""), "codeql-action");
	assert_string_equal(cr_node_str(g, s, "uses_path", ""), "analyze");
	s = step_at(g, test, 7);
	assert_true(list_has(g, s, "untrusted", "github.event.issue.body"));
	assert_int_equal(cr_node_int(g, s, "index", -1), 7);

	deploy = find_by(g, "job", "id", "deploy", path);
	assert_string_equal(cr_node_str(g, deploy, "environment", ""), "production");
	assert_true(cr_node_bool(g, deploy, "secrets_inherit", false));
	assert_true(list_has(g, deploy, "needs", "test"));
	build = find_by(g, "job", "id", "build", path);
	assert_string_equal(cr_node_str(g, build, "container", ""), "node:20@sha256:aaaa");
	assert_true(list_has(g, build, "services", "postgres:16"));
	assert_true(cr_node_bool(g, build, "matrix", false));
}

static void test_composite_action(void **state)
{
	struct fixture *f = *state;
	const cr_graph *g = f->g;
	const char *path = ".github/actions/local/action.yml";
	cr_node_id wf = find_by(g, "workflow", "name", "Local composite", path);
	cr_node_id job, s;

	assert_true(cr_node_bool(g, wf, "composite", false));
	assert_int_equal(cr_node_edges(g, wf, "jobs", &job, 1), 1);
	s = step_at(g, job, 0);
	assert_true(list_has(g, s, "untrusted", "github.event.head_commit.message"));
	assert_string_equal(cr_node_str(g, step_at(g, job, 1), "uses_repo", ""),
		"cache");
}

static void test_broken_and_unrelated_files(void **state)
{
	struct fixture *f = *state;
	const cr_graph *g = f->g;
	cr_node_id err = cr_graph_find(g, "parse_error",
		".github/workflows/broken.yml");

	assert_true(err != 0);
	assert_string_equal(cr_node_str(g, err, "parser", ""), "github-actions");
	assert_true(cr_node_line(g, err) >= 1);
	assert_true(cr_graph_find(g, "ci_config", ".github/workflows/broken.yml") != 0);
	assert_int_equal(cr_graph_find(g, "ci_config",
		".github/workflows/notes.txt"), 0);
}

static void test_gitlab(void **state)
{
	struct fixture *f = *state;
	const cr_graph *g = f->g;
	cr_node_id wf = find_by(g, "workflow", "system", "gitlab", NULL);
	cr_node_id build, rspec, deploy;

	assert_int_equal(list_len(g, wf, "stages"), 3);
	assert_int_equal(list_len(g, wf, "includes"), 3);
	assert_true(list_has(g, wf, "includes", "group/shared"));
	assert_string_equal(cr_node_str(g, wf, "env.DOCKER_DRIVER", ""), "overlay2");
	/* Hidden .defaults is a template, not a job. */
	assert_int_equal(cr_node_edges(g, wf, "jobs", NULL, 0), 3);

	build = find_by(g, "job", "id", "build", ".gitlab-ci.yml");
	assert_string_equal(cr_node_str(g, build, "stage", ""), "build");
	assert_string_equal(cr_node_str(g, build, "image", ""), "ruby:3.2");
	assert_string_equal(cr_node_str(g, build, "runs_on", ""), "docker");
	assert_int_equal(cr_node_edges(g, build, "steps", NULL, 0), 2);
	assert_string_equal(cr_node_str(g, step_at(g, build, 0), "run", ""),
		"bundle install");
	rspec = find_by(g, "job", "id", "rspec", ".gitlab-ci.yml");
	assert_string_equal(cr_node_str(g, rspec, "stage", ""), "test");
	assert_int_equal(cr_node_int(g, rspec, "rules", 0), 2);
	assert_string_equal(cr_node_str(g, step_at(g, rspec, 1), "run", ""),
		"bundle exec rspec");
	deploy = find_by(g, "job", "id", "deploy", ".gitlab-ci.yml");
	assert_string_equal(cr_node_str(g, deploy, "image", ""), "alpine:3.19");
	assert_string_equal(cr_node_str(g, deploy, "environment", ""), "production");
	assert_true(list_has(g, deploy, "needs", "rspec"));
	assert_string_equal(cr_node_str(g, deploy, "when", ""), "manual");
}

static void test_other_systems(void **state)
{
	struct fixture *f = *state;
	const cr_graph *g = f->g;
	cr_node_id circle = find_by(g, "workflow", "system", "circleci", NULL);
	cr_node_id azure = find_by(g, "workflow", "system", "azure", NULL);
	cr_node_id bb = find_by(g, "workflow", "system", "bitbucket", NULL);
	cr_node_id jenkins = find_by(g, "workflow", "system", "jenkins", NULL);
	cr_node_id job;

	assert_true(list_has(g, circle, "orbs", "risky=someone/tool@dev:alpha"));
	job = find_by(g, "job", "id", "test", ".circleci/config.yml");
	assert_string_equal(cr_node_str(g, job, "image", ""), "cimg/node:20.10");
	assert_int_equal(cr_node_edges(g, job, "steps", NULL, 0), 4);
	assert_string_equal(cr_node_str(g, step_at(g, job, 0), "uses", ""), "checkout");
	assert_string_equal(cr_node_str(g, step_at(g, job, 2), "run", ""),
		"npm run lint");
	assert_string_equal(cr_node_str(g, step_at(g, job, 3), "uses", ""),
		"node/install-packages");

	assert_true(list_has(g, azure, "triggers", "pull_request"));
	job = find_by(g, "job", "id", "Compile", "azure-pipelines.yml");
	assert_string_equal(cr_node_str(g, job, "image", ""),
		"mcr.microsoft.com/dotnet/sdk:8.0");
	assert_string_equal(cr_node_str(g, step_at(g, job, 1), "run", ""),
		"dotnet test");
	assert_string_equal(cr_node_str(g, step_at(g, job, 2), "uses", ""),
		"Docker@2");
	assert_string_equal(cr_node_str(g, step_at(g, job, 2), "with.command", ""),
		"buildAndPush");

	assert_true(list_has(g, bb, "triggers", "branches"));
	assert_int_equal(cr_node_edges(g, bb, "jobs", NULL, 0), 3);
	job = find_by(g, "job", "id", "Lint", "bitbucket-pipelines.yml");
	assert_string_equal(cr_node_str(g, job, "image", ""), "python:3.12-slim");
	job = find_by(g, "job", "id", "Deploy", "bitbucket-pipelines.yml");
	assert_string_equal(cr_node_str(g, job, "environment", ""), "production");
	assert_string_equal(cr_node_str(g, step_at(g, job, 0), "run", ""),
		"./deploy.sh");

	assert_true(cr_node_bool(g, jenkins, "declarative", false));
	assert_int_equal(list_len(g, jenkins, "stages"), 2);
	job = find_by(g, "job", "id", "Test", "Jenkinsfile");
	assert_non_null(strstr(cr_node_str(g, step_at(g, job, 0), "run", ""),
		"mvn test"));
	assert_int_equal(cr_node_line(g, job), 9);
}

static void test_update_tools(void **state)
{
	struct fixture *f = *state;
	const cr_graph *g = f->g;
	cr_node_id dep = find_by(g, "update_config", "tool", "dependabot", NULL);
	cr_node_id ren = find_by(g, "update_config", "tool", "renovate", NULL);

	assert_true(list_has(g, dep, "ecosystems", "docker"));
	assert_int_equal(list_len(g, dep, "directories"), 3);
	assert_true(list_has(g, dep, "schedules", "daily"));
	assert_true(cr_node_bool(g, ren, "parsed", false));
	assert_true(list_has(g, ren, "extends", "config:recommended"));
	assert_true(list_has(g, ren, "ecosystems", "dockerfile"));
	assert_int_equal(cr_graph_find(g, "ci_config", "renovate.json"), 0);
	assert_true(cr_graph_find(g, "ci_config", "Jenkinsfile") != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_github_workflow),
		cmocka_unit_test(test_composite_action),
		cmocka_unit_test(test_broken_and_unrelated_files),
		cmocka_unit_test(test_gitlab),
		cmocka_unit_test(test_other_systems),
		cmocka_unit_test(test_update_tools),
	};

	return cmocka_run_group_tests(tests, setup_ci, teardown);
}
