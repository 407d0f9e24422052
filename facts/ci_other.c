/*
 * ci_other.c - which files are CI configurations, and the systems other
 * than GitHub Actions: GitLab CI, CircleCI, Azure Pipelines, Bitbucket
 * Pipelines and Jenkinsfiles, plus the dependency update tools
 * (Dependabot, Renovate).  Each system's file becomes the shared
 * workflow / job / step shapes of facts/workflows.h, so that "a step runs
 * the tests" or "a job's image is pinned" read the same everywhere.
 */
#include "facts/workflows.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crucible/glob.h"

/* CI files by path glob.  Gitea and Forgejo run GitHub's syntax. */
static const struct { const char *glob, *system; } ci_files[] = {
	{ ".github/workflows/*.y*ml", "github" },
	{ ".gitea/workflows/*.y*ml", "github" },
	{ ".forgejo/workflows/*.y*ml", "github" },
	{ "/.gitlab-ci.yml", "gitlab" }, { "/.gitlab-ci.yaml", "gitlab" },
	{ ".gitlab/ci/*.y*ml", "gitlab" }, { "*.gitlab-ci.yml", "gitlab" },
	{ ".circleci/config.y*ml", "circleci" },
	{ "/azure-pipelines.y*ml", "azure" },
	{ ".azure-pipelines/*.y*ml", "azure" },
	{ "azure-pipelines/*.y*ml", "azure" },
	{ "/bitbucket-pipelines.yml", "bitbucket" },
	{ "Jenkinsfile", "jenkins" }, { "Jenkinsfile.*", "jenkins" },
	{ "*.jenkinsfile", "jenkins" },
	{ "/.travis.yml", "travis" }, { "/.drone.yml", "drone" },
	{ ".buildkite/pipeline.y*ml", "buildkite" },
	{ "/appveyor.yml", "appveyor" }, { "/.appveyor.yml", "appveyor" },
	{ "/.woodpecker.yml", "woodpecker" }, { ".woodpecker/*.y*ml", "woodpecker" },
	{ "/cloudbuild.y*ml", "cloudbuild" },
	{ "/.cirrus.yml", "cirrus" },
};

/* Dependency update tools by path glob. */
static const struct { const char *glob, *tool; } update_files[] = {
	{ "/.github/dependabot.y*ml", "dependabot" },
	{ "/renovate.json", "renovate" }, { "/renovate.json5", "renovate" },
	{ "/.renovaterc", "renovate" }, { "/.renovaterc.json", "renovate" },
	{ "/.renovaterc.json5", "renovate" },
	{ "/.github/renovate.json", "renovate" },
	{ "/.github/renovate.json5", "renovate" },
	{ "/.gitlab/renovate.json", "renovate" },
	{ "/.gitlab/renovate.json5", "renovate" },
	{ "/.scala-steward.conf", "scala-steward" },
};

/* GitLab's top-level keys that are not jobs. */
static const char *const gitlab_reserved[] = {
	"stages", "variables", "include", "default", "workflow", "image",
	"services", "before_script", "after_script", "cache", "types",
	"pages:deploy", NULL
};

static bool in_list(const char *s, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Every CI or update tool file is YAML, JSON, a .conf, a Jenkinsfile or
 * a .renovaterc: one look at the name spares most files the globs. */
static bool may_be_ci_file(const char *name)
{
	static const char *const exts[] = {
		".yml", ".yaml", ".json", ".json5", ".conf", ".jenkinsfile", NULL
	};
	const char *dot = strrchr(name, '.');

	if (strncmp(name, "Jenkinsfile", 11) == 0 ||
	    strncmp(name, ".renovaterc", 11) == 0)
		return true;
	return dot && in_list(dot, exts);
}

const char *cr_ci_system_of(const cr_source_file *f)
{
	if (!may_be_ci_file(f->name))
		return NULL;
	for (size_t i = 0; i < sizeof ci_files / sizeof *ci_files; i++)
		if (cr_glob_match(ci_files[i].glob, f->path))
			return ci_files[i].system;
	return NULL;
}

const char *cr_ci_update_tool_of(const cr_source_file *f)
{
	if (!may_be_ci_file(f->name))
		return NULL;
	for (size_t i = 0; i < sizeof update_files / sizeof *update_files; i++)
		if (cr_glob_match(update_files[i].glob, f->path))
			return update_files[i].tool;
	return NULL;
}

/* Steps from a script: a scalar or a sequence of command lines. */
static int script_steps(cr_collect *c, cr_node_id job, const char *path,
	const cr_ynode *script, int64_t *index)
{
	cr_node_id id;
	int rc;

	if (!script)
		return CR_OK;
	if (script->kind == CR_YSCALAR)
		return cr_ci_step(&id, c, job, path, (*index)++, script->text,
			script->line);
	for (size_t i = 0; script->kind == CR_YSEQ && i < script->count; i++) {
		const cr_ynode *line = script->kids[i];

		if (line->kind == CR_YSCALAR &&
		    (rc = cr_ci_step(&id, c, job, path, (*index)++, line->text,
			     line->line)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* image: "name" or { name: ... } */
static const cr_ynode *image_of(const cr_ynode *v)
{
	return v && v->kind == CR_YMAP ? cr_ymap_get(v, "name") : v;
}

/* --- GitLab CI ----------------------------------------------------------- */

static int gitlab_includes(cr_collect *c, cr_node_id id, const cr_ynode *inc)
{
	static const char *const keys[] = {
		"local", "remote", "template", "project", "component", NULL
	};
	int rc;

	if ((rc = cr_graph_set_list(c->g, id, "includes")) != CR_OK || !inc)
		return rc;
	if (inc->kind == CR_YSCALAR)
		return cr_graph_list_push(c->g, id, "includes", inc->text);
	for (size_t i = 0; inc->kind == CR_YSEQ && i < inc->count; i++) {
		const cr_ynode *item = inc->kids[i];

		if (item->kind == CR_YSCALAR) {
			rc = cr_graph_list_push(c->g, id, "includes", item->text);
		} else {
			for (size_t k = 0; keys[k] && rc == CR_OK; k++) {
				const char *t = cr_ynode_text(cr_ymap_get(item, keys[k]));

				if (t)
					rc = cr_graph_list_push(c->g, id, "includes", t);
			}
		}
		if (rc != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int gitlab_job(cr_collect *c, const char *path, cr_node_id workflow,
	const cr_ynode *key, const cr_ynode *job, const cr_ynode *dflt)
{
	const cr_ynode *image = cr_ymap_get(job, "image");
	const cr_ynode *env = cr_ymap_get(job, "environment");
	const cr_ynode *rules = cr_ymap_get(job, "rules");
	const cr_ynode *needs = cr_ymap_get(job, "needs");
	int64_t index = 0;
	cr_node_id id;
	int rc;

	if ((rc = cr_ci_job(&id, c, workflow, path, key->text, key->line)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "name", key->text)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "stage",
		    cr_ynode_text(cr_ymap_get(job, "stage")) ?
		    cr_ynode_text(cr_ymap_get(job, "stage")) : "test")) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "image",
		    image_of(image ? image : dflt))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "environment", env && env->kind == CR_YMAP ?
		    cr_ymap_get(env, "name") : env)) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "when", cr_ymap_get(job, "when"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "allow_failure",
		    cr_ymap_get(job, "allow_failure"))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "runs_on", cr_ymap_get(job, "tags"))) != CR_OK ||
	    (rc = cr_graph_set_int(c->g, id, "rules",
		    rules && rules->kind == CR_YSEQ ? (int64_t)rules->count : 0)) != CR_OK ||
	    (rc = cr_ci_set_map(c, id, "env", cr_ymap_get(job, "variables"))) != CR_OK)
		return rc;
	for (size_t i = 0; needs && needs->kind == CR_YSEQ && i < needs->count; i++) {
		const cr_ynode *n = needs->kids[i];
		const char *name = cr_ynode_text(n->kind == CR_YMAP ?
			cr_ymap_get(n, "job") : n);

		if (name && (rc = cr_graph_list_push(c->g, id, "needs", name)) != CR_OK)
			return rc;
	}
	if ((rc = script_steps(c, id, path, cr_ymap_get(job, "before_script"),
		    &index)) != CR_OK ||
	    (rc = script_steps(c, id, path, cr_ymap_get(job, "script"),
		    &index)) != CR_OK)
		return rc;
	return script_steps(c, id, path, cr_ymap_get(job, "after_script"), &index);
}

static int gitlab_doc(cr_collect *c, const cr_source_file *f,
	const cr_ynode *doc)
{
	const cr_ynode *dflt = cr_ymap_get(cr_ymap_get(doc, "default"), "image");
	cr_node_id id;
	int rc;

	if (!dflt)
		dflt = cr_ymap_get(doc, "image");
	if ((rc = cr_ci_workflow(&id, c, f, "gitlab", NULL)) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "stages")) != CR_OK ||
	    (rc = cr_ci_push_all(c, id, "stages", cr_ymap_get(doc, "stages"))) != CR_OK ||
	    (rc = gitlab_includes(c, id, cr_ymap_get(doc, "include"))) != CR_OK ||
	    (rc = cr_ci_set_map(c, id, "env", cr_ymap_get(doc, "variables"))) != CR_OK ||
	    (rc = cr_graph_list_push(c->g, id, "triggers", "push")) != CR_OK)
		return rc;
	for (size_t i = 0; i + 1 < doc->count; i += 2) {
		const cr_ynode *key = doc->kids[i], *job = doc->kids[i + 1];

		if (!key->text || key->text[0] == '.' ||
		    in_list(key->text, gitlab_reserved) || job->kind != CR_YMAP)
			continue;
		if ((rc = gitlab_job(c, f->path, id, key, job, dflt)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* --- CircleCI ------------------------------------------------------------ */

static int circleci_step(cr_collect *c, const char *path, cr_node_id job,
	int64_t index, const cr_ynode *s)
{
	const cr_ynode *run;
	cr_node_id id;
	int rc;

	if (s->kind == CR_YSCALAR) {
		if ((rc = cr_ci_step(&id, c, job, path, index, NULL,
			    s->line)) != CR_OK)
			return rc;
		return cr_graph_set_str(c->g, id, "uses", s->text);
	}
	if (s->kind != CR_YMAP || s->count < 2 || !s->kids[0]->text)
		return CR_OK;
	if (strcmp(s->kids[0]->text, "run") != 0) {
		if ((rc = cr_ci_step(&id, c, job, path, index, NULL,
			    s->line)) != CR_OK)
			return rc;
		return cr_graph_set_str(c->g, id, "uses", s->kids[0]->text);
	}
	run = s->kids[1];
	if ((rc = cr_ci_step(&id, c, job, path, index, cr_ynode_text(
		    run->kind == CR_YMAP ? cr_ymap_get(run, "command") : run),
		    s->line)) != CR_OK)
		return rc;
	return cr_ci_set_text(c, id, "name", cr_ymap_get(run, "name"));
}

static int circleci_doc(cr_collect *c, const cr_source_file *f,
	const cr_ynode *doc)
{
	const cr_ynode *orbs = cr_ymap_get(doc, "orbs");
	const cr_ynode *jobs = cr_ymap_get(doc, "jobs");
	char orb[512];
	cr_node_id id;
	int rc;

	if ((rc = cr_ci_workflow(&id, c, f, "circleci", NULL)) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "orbs")) != CR_OK ||
	    (rc = cr_graph_list_push(c->g, id, "triggers", "push")) != CR_OK)
		return rc;
	for (size_t i = 0; orbs && orbs->kind == CR_YMAP && i + 1 < orbs->count;
	     i += 2) {
		const char *name = cr_ynode_text(orbs->kids[i]);
		const char *ref = cr_ynode_text(orbs->kids[i + 1]);

		if (!name || !ref)
			continue;
		snprintf(orb, sizeof orb, "%s=%s", name, ref);
		if ((rc = cr_graph_list_push(c->g, id, "orbs", orb)) != CR_OK)
			return rc;
	}
	for (size_t i = 0; jobs && jobs->kind == CR_YMAP && i + 1 < jobs->count;
	     i += 2) {
		const cr_ynode *key = jobs->kids[i], *job = jobs->kids[i + 1];
		const cr_ynode *docker = cr_ymap_get(job, "docker");
		const cr_ynode *steps = cr_ymap_get(job, "steps");
		cr_node_id jid;

		if (!key->text || job->kind != CR_YMAP)
			continue;
		if ((rc = cr_ci_job(&jid, c, id, f->path, key->text,
			    key->line)) != CR_OK ||
		    (docker && docker->kind == CR_YSEQ && docker->count &&
		     (rc = cr_ci_set_text(c, jid, "image", cr_ymap_get(
			      docker->kids[0], "image"))) != CR_OK) ||
		    (rc = cr_ci_set_text(c, jid, "runs_on",
			    cr_ymap_get(job, "resource_class"))) != CR_OK)
			return rc;
		for (size_t s = 0; steps && steps->kind == CR_YSEQ &&
		     s < steps->count; s++)
			if ((rc = circleci_step(c, f->path, jid, (int64_t)s,
				     steps->kids[s])) != CR_OK)
				return rc;
	}
	return CR_OK;
}

/* --- Azure Pipelines ----------------------------------------------------- */

static int azure_steps(cr_collect *c, const char *path, cr_node_id job,
	const cr_ynode *steps)
{
	static const char *const scripts[] = {
		"script", "bash", "pwsh", "powershell", NULL
	};

	for (size_t i = 0; steps && steps->kind == CR_YSEQ && i < steps->count;
	     i++) {
		const cr_ynode *s = steps->kids[i];
		const char *run = NULL, *task;
		cr_node_id id;
		int rc;

		for (size_t k = 0; scripts[k] && !run; k++)
			run = cr_ynode_text(cr_ymap_get(s, scripts[k]));
		task = cr_ynode_text(cr_ymap_get(s, "task"));
		if (!task)
			task = cr_ynode_text(cr_ymap_get(s, "checkout")) ?
				"checkout" : NULL;
		if ((rc = cr_ci_step(&id, c, job, path, (int64_t)i, run,
			    s->line)) != CR_OK ||
		    (task && (rc = cr_graph_set_str(c->g, id, "uses",
			     task)) != CR_OK) ||
		    (rc = cr_ci_set_text(c, id, "name",
			     cr_ymap_get(s, "displayName"))) != CR_OK ||
		    (rc = cr_ci_set_map(c, id, "with", cr_ymap_get(s,
			     "inputs"))) != CR_OK ||
		    (rc = cr_ci_set_map(c, id, "env", cr_ymap_get(s, "env"))) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int azure_job(cr_collect *c, const char *path, cr_node_id workflow,
	const cr_ynode *job, const char *fallback_id)
{
	const char *name = cr_ynode_text(cr_ymap_get(job, "job"));
	const cr_ynode *pool = cr_ymap_get(job, "pool");
	const cr_ynode *container = cr_ymap_get(job, "container");
	cr_node_id id;
	int rc;

	if (!name)
		name = cr_ynode_text(cr_ymap_get(job, "deployment"));
	if ((rc = cr_ci_job(&id, c, workflow, path, name ? name : fallback_id,
		    job->line)) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "runs_on", pool && pool->kind == CR_YMAP ?
		    cr_ymap_get(pool, "vmImage") : pool)) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "image", image_of(container &&
		    container->kind == CR_YMAP ?
		    cr_ymap_get(container, "image") : container))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "environment",
		    cr_ymap_get(job, "environment"))) != CR_OK ||
	    (rc = cr_ci_push_all(c, id, "needs", cr_ymap_get(job,
		    "dependsOn"))) != CR_OK)
		return rc;
	return azure_steps(c, path, id, cr_ymap_get(job, "steps"));
}

static int azure_jobs(cr_collect *c, const char *path, cr_node_id workflow,
	const cr_ynode *jobs)
{
	char fallback[32];
	int rc;

	for (size_t i = 0; jobs && jobs->kind == CR_YSEQ && i < jobs->count; i++) {
		snprintf(fallback, sizeof fallback, "job%zu", i + 1);
		if (jobs->kids[i]->kind == CR_YMAP &&
		    (rc = azure_job(c, path, workflow, jobs->kids[i],
			     fallback)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int azure_doc(cr_collect *c, const cr_source_file *f,
	const cr_ynode *doc)
{
	const cr_ynode *stages = cr_ymap_get(doc, "stages");
	cr_node_id id;
	int rc;

	if ((rc = cr_ci_workflow(&id, c, f, "azure",
		    cr_ynode_text(cr_ymap_get(doc, "name")))) != CR_OK ||
	    (cr_ymap_get(doc, "trigger") &&
	     (rc = cr_graph_list_push(c->g, id, "triggers", "push")) != CR_OK) ||
	    (cr_ymap_get(doc, "pr") &&
	     (rc = cr_graph_list_push(c->g, id, "triggers",
		     "pull_request")) != CR_OK) ||
	    (cr_ymap_get(doc, "schedules") &&
	     (rc = cr_graph_list_push(c->g, id, "triggers", "schedule")) != CR_OK) ||
	    (rc = cr_ci_set_map(c, id, "env", cr_ymap_get(doc, "variables"))) != CR_OK)
		return rc;
	for (size_t i = 0; stages && stages->kind == CR_YSEQ && i < stages->count;
	     i++)
		if ((rc = azure_jobs(c, f->path, id, cr_ymap_get(stages->kids[i],
			     "jobs"))) != CR_OK)
			return rc;
	if ((rc = azure_jobs(c, f->path, id, cr_ymap_get(doc, "jobs"))) != CR_OK)
		return rc;
	if (cr_ymap_get(doc, "steps"))
		return azure_job(c, f->path, id, doc, "job");
	return CR_OK;
}

/* --- Bitbucket Pipelines ------------------------------------------------- */

static int bitbucket_step(cr_collect *c, const char *path, cr_node_id workflow,
	const cr_ynode *step, const cr_ynode *dflt, size_t *n)
{
	const cr_ynode *image = cr_ymap_get(step, "image");
	const char *name = cr_ynode_text(cr_ymap_get(step, "name"));
	char fallback[32];
	int64_t index = 0;
	cr_node_id id;
	int rc;

	snprintf(fallback, sizeof fallback, "step%zu", ++*n);
	if ((rc = cr_ci_job(&id, c, workflow, path, name ? name : fallback,
		    step->line)) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "image", image_of(image ? image :
		    dflt))) != CR_OK ||
	    (rc = cr_ci_set_text(c, id, "environment",
		    cr_ymap_get(step, "deployment"))) != CR_OK)
		return rc;
	return script_steps(c, id, path, cr_ymap_get(step, "script"), &index);
}

/* A pipeline is a list of {step: ...} and {parallel: [...]} items. */
static int bitbucket_pipeline(cr_collect *c, const char *path,
	cr_node_id workflow, const cr_ynode *items, const cr_ynode *dflt,
	size_t *n)
{
	for (size_t i = 0; items && items->kind == CR_YSEQ && i < items->count;
	     i++) {
		const cr_ynode *step = cr_ymap_get(items->kids[i], "step");
		const cr_ynode *parallel = cr_ymap_get(items->kids[i], "parallel");
		int rc;

		if (parallel && parallel->kind == CR_YMAP)
			parallel = cr_ymap_get(parallel, "steps");
		if ((step && (rc = bitbucket_step(c, path, workflow, step, dflt,
			     n)) != CR_OK) ||
		    (parallel && (rc = bitbucket_pipeline(c, path, workflow,
			     parallel, dflt, n)) != CR_OK))
			return rc;
	}
	return CR_OK;
}

static int bitbucket_doc(cr_collect *c, const cr_source_file *f,
	const cr_ynode *doc)
{
	const cr_ynode *pipelines = cr_ymap_get(doc, "pipelines");
	const cr_ynode *dflt = cr_ymap_get(doc, "image");
	size_t n = 0;
	cr_node_id id;
	int rc;

	if ((rc = cr_ci_workflow(&id, c, f, "bitbucket", NULL)) != CR_OK)
		return rc;
	for (size_t i = 0; pipelines && pipelines->kind == CR_YMAP &&
	     i + 1 < pipelines->count; i += 2) {
		const char *trigger = cr_ynode_text(pipelines->kids[i]);
		const cr_ynode *value = pipelines->kids[i + 1];

		if (!trigger)
			continue;
		if ((rc = cr_graph_list_push(c->g, id, "triggers", trigger)) != CR_OK)
			return rc;
		if (value->kind == CR_YSEQ) {
			rc = bitbucket_pipeline(c, f->path, id, value, dflt, &n);
		} else {
			for (size_t j = 0; rc == CR_OK && value->kind == CR_YMAP &&
			     j + 1 < value->count; j += 2)
				rc = bitbucket_pipeline(c, f->path, id,
					value->kids[j + 1], dflt, &n);
		}
		if (rc != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* --- Jenkinsfile --------------------------------------------------------- */

/* The quoted string starting at p ('x', "x" or '''x'''), into out. */
static const char *quoted(const char *p, char *out, size_t size)
{
	char q = *p;
	const char *end;
	bool triple;

	if (q != '\'' && q != '"')
		return NULL;
	triple = p[1] == q && p[2] == q;
	p += triple ? 3 : 1;
	end = triple ? strstr(p, q == '"' ? "\"\"\"" : "'''") : strchr(p, q);
	if (!end)
		return NULL;
	snprintf(out, size, "%.*s", (int)(end - p), p);
	return end + (triple ? 3 : 1);
}

static int jenkins_parse(cr_collect *c, const cr_source_file *f,
	const char *buf)
{
	char text[4096];
	cr_node_id id, job = 0;
	int64_t index = 0;
	int rc;

	if ((rc = cr_ci_workflow(&id, c, f, "jenkins", NULL)) != CR_OK ||
	    (rc = cr_graph_set_bool(c->g, id, "declarative",
		    strstr(buf, "pipeline {") || strstr(buf, "pipeline{"))) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "stages")) != CR_OK)
		return rc;
	for (const char *p = buf; *p; p++) {
		bool stage = strncmp(p, "stage(", 6) == 0 ||
			strncmp(p, "stage (", 7) == 0;
		bool sh = (strncmp(p, "sh ", 3) == 0 || strncmp(p, "bat ", 4) == 0 ||
			strncmp(p, "sh(", 3) == 0) && (p == buf ||
			strchr(" \t\n{;", p[-1]));
		const char *q;

		if (!stage && !sh)
			continue;
		q = strpbrk(p, "'\"");
		if (!q || q - p > 8 || !(q = quoted(q, text, sizeof text)))
			continue;
		if (stage) {
			if ((rc = cr_graph_list_push(c->g, id, "stages", text)) != CR_OK ||
			    (rc = cr_ci_job(&job, c, id, f->path, text,
				    cr_collect_line_of(buf, (size_t)(p - buf)))) != CR_OK)
				return rc;
			index = 0;
		} else if (job) {
			cr_node_id step;

			if ((rc = cr_ci_step(&step, c, job, f->path, index++, text,
				    cr_collect_line_of(buf, (size_t)(p - buf)))) != CR_OK)
				return rc;
		}
		p = q - 1;
	}
	return CR_OK;
}

/* --- dependency update tools --------------------------------------------- */

static int dependabot_doc(cr_collect *c, cr_node_id id, const cr_ynode *doc)
{
	const cr_ynode *updates = cr_ymap_get(doc, "updates");
	int rc;

	for (size_t i = 0; updates && updates->kind == CR_YSEQ &&
	     i < updates->count; i++) {
		const cr_ynode *u = updates->kids[i];
		const cr_ynode *dirs = cr_ymap_get(u, "directories");

		if ((rc = cr_ci_push_all(c, id, "ecosystems",
			    cr_ymap_get(u, "package-ecosystem"))) != CR_OK ||
		    (rc = cr_ci_push_all(c, id, "directories", dirs ? dirs :
			    cr_ymap_get(u, "directory"))) != CR_OK ||
		    (rc = cr_ci_push_all(c, id, "schedules", cr_ymap_get(
			    cr_ymap_get(u, "schedule"), "interval"))) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static int push_json_strings(cr_collect *c, cr_node_id id, const char *key,
	const cJSON *v)
{
	const cJSON *item;
	int rc;

	if (cJSON_IsString(v))
		return cr_graph_list_push(c->g, id, key, v->valuestring);
	cJSON_ArrayForEach(item, v)
		if (cJSON_IsString(item) &&
		    (rc = cr_graph_list_push(c->g, id, key, item->valuestring)) != CR_OK)
			return rc;
	return CR_OK;
}

/* renovate.json; JSON5 files that cJSON cannot read stay detected only. */
static int renovate_json(cr_collect *c, cr_node_id id, const char *buf,
	size_t len)
{
	cJSON *doc = cJSON_ParseWithLength(buf, len);
	const cJSON *enabled;
	int rc;

	if ((rc = cr_graph_set_bool(c->g, id, "parsed", doc != NULL)) != CR_OK ||
	    !doc)
		goto done;
	enabled = cJSON_GetObjectItemCaseSensitive(doc, "enabled");
	if ((rc = cr_graph_set_bool(c->g, id, "enabled",
		    !cJSON_IsFalse(enabled))) != CR_OK ||
	    (rc = push_json_strings(c, id, "extends",
		    cJSON_GetObjectItemCaseSensitive(doc, "extends"))) != CR_OK ||
	    (rc = push_json_strings(c, id, "schedules",
		    cJSON_GetObjectItemCaseSensitive(doc, "schedule"))) != CR_OK ||
	    (rc = push_json_strings(c, id, "ecosystems",
		    cJSON_GetObjectItemCaseSensitive(doc, "enabledManagers"))) != CR_OK)
		goto done;
done:
	cJSON_Delete(doc);
	return rc;
}

static int update_config(cr_collect *c, const cr_source_file *f,
	const char *tool, const char *buf, size_t len)
{
	cr_node_id id;
	cr_ydocs docs = {0};
	int rc;

	if ((rc = cr_collect_node(&id, c, "update_config", f, f->path, 1)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "tool", tool)) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "ecosystems")) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "directories")) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "schedules")) != CR_OK ||
	    (rc = cr_graph_set_list(c->g, id, "extends")) != CR_OK)
		return rc;
	if (strcmp(tool, "renovate") == 0)
		return renovate_json(c, id, buf, len);
	if (strcmp(tool, "dependabot") != 0)
		return CR_OK;
	rc = cr_ci_parse_yaml(&docs, c, f, "dependabot", buf, len);
	for (size_t i = 0; rc == CR_OK && i < docs.count; i++)
		rc = dependabot_doc(c, id, docs.docs[i]);
	cr_ydocs_release(&docs);
	return rc;
}

/* --- dispatch ------------------------------------------------------------ */

static int yaml_system(cr_collect *c, const cr_source_file *f,
	const char *system, const char *buf, size_t len)
{
	static const struct {
		const char *system;
		int (*parse)(cr_collect *, const cr_source_file *,
			const cr_ynode *);
	} parsers[] = {
		{ "gitlab", gitlab_doc }, { "circleci", circleci_doc },
		{ "azure", azure_doc }, { "bitbucket", bitbucket_doc },
	};
	cr_ydocs docs;
	int rc;

	for (size_t i = 0; i < sizeof parsers / sizeof *parsers; i++) {
		if (strcmp(parsers[i].system, system) != 0)
			continue;
		rc = cr_ci_parse_yaml(&docs, c, f, system, buf, len);
		for (size_t d = 0; rc == CR_OK && d < docs.count; d++)
			if (docs.docs[d] && docs.docs[d]->kind == CR_YMAP)
				rc = parsers[i].parse(c, f, docs.docs[d]);
		cr_ydocs_release(&docs);
		return rc;
	}
	return CR_OK;
}

int cr_ci_other_parse(cr_collect *c, const cr_source_file *f,
	const char *system, const char *buf, size_t len)
{
	if (strcmp(system, "jenkins") == 0)
		return jenkins_parse(c, f, buf);
	return yaml_system(c, f, system, buf, len);
}

int cr_ci_update_parse(cr_collect *c, const cr_source_file *f,
	const char *buf, size_t len)
{
	const char *tool = cr_ci_update_tool_of(f);

	return tool ? update_config(c, f, tool, buf, len) : CR_OK;
}
