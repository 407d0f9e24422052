/*
 * checklist.c - compile a declarative checklist into Lua policy modules.
 *
 * Most readiness checks are "this file must exist", "that dependency must
 * not", "every Deployment's containers must run as non-root".  A team
 * should not need Lua for those: a checklist lists items, each with the
 * metadata of a policy and one check of a fixed set of kinds, and each
 * item becomes the Lua module a policy author would have written.  The
 * module is generated as readable text and then treated like any other
 * (linted, validated, digested, stored with its source), so a checklist
 * gets the same reports, scores and guarantees, and `crucible inspect`
 * or the bundle file show exactly what runs.
 *
 * Checks are driven by the table `kinds` below: each kind validates its
 * value (every problem with the checklist's file:line), writes the
 * module's constants, and gives the body of check(repo).
 */
#include "compiler/checklist.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/regex.h"

#define SUFFIX ".checklist.yml"
#define BASENAME "checklist.yml"

bool cr_checklist_is_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n, m = strlen(SUFFIX);

	base = base ? base + 1 : path;
	n = strlen(base);
	return strcmp(base, BASENAME) == 0 ||
		(n > m && strcmp(base + n - m, SUFFIX) == 0);
}

/* --- Lua text ------------------------------------------------------------- */

/* s as a Lua string literal: printable ASCII as is, the rest escaped. */
static void lua_string(FILE *lua, const char *s)
{
	fputc('"', lua);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(lua, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", lua);
		else if (c < 0x20 || c == 0x7f)
			fprintf(lua, "\\%03u", c);
		else
			fputc(c, lua);
	}
	fputc('"', lua);
}

/* A plain YAML scalar as the Lua value it reads as: booleans, numbers and
 * null typed, everything else a string. */
static void lua_scalar(FILE *lua, const cr_ynode *v)
{
	double number;
	bool b;

	if (cr_ynode_is_null(v))
		fputs("nil", lua);
	else if (cr_ynode_bool(&b, v))
		fputs(b ? "true" : "false", lua);
	else if (v->plain && cr_yaml_number(&number, v->text))
		fprintf(lua, "%.17g", number);
	else
		lua_string(lua, v->text);
}

/* A scalar or a sequence of scalars as a Lua array of strings. */
static void lua_list(FILE *lua, const cr_ynode *v)
{
	fputs("{ ", lua);
	if (v->kind == CR_YSCALAR) {
		lua_string(lua, v->text);
	} else {
		for (size_t i = 0; i < v->count; i++) {
			lua_string(lua, v->kids[i]->text);
			fputs(i + 1 < v->count ? ", " : "", lua);
		}
	}
	fputs(" }", lua);
}

static void lua_local(FILE *lua, const char *name, const char *value)
{
	fprintf(lua, "local %s = ", name);
	lua_string(lua, value);
	fputc('\n', lua);
}

/* --- values --------------------------------------------------------------- */

static bool is_text(const cr_ynode *v)
{
	return v && v->kind == CR_YSCALAR && !cr_ynode_is_null(v) && *v->text;
}

/* A non-empty string, or a non-empty list of them. */
static bool want_list(cr_problems *p, const cr_ynode *v, const char *what)
{
	bool ok = v && (is_text(v) || (v->kind == CR_YSEQ && v->count > 0));

	for (size_t i = 0; ok && v->kind == CR_YSEQ && i < v->count; i++)
		ok = is_text(v->kids[i]);
	if (!ok)
		cr_problem_at(p, v ? v->line : 0, "%s must be a string or a "
			"non-empty list of strings", what);
	return ok;
}

static bool want_text(cr_problems *p, const cr_ynode *v, unsigned line,
	const char *what)
{
	if (is_text(v))
		return true;
	cr_problem_at(p, v ? v->line : line, "%s must be a non-empty string",
		what);
	return false;
}

/* Keys of a mapping value other than `known`: each one is a problem. */
static bool only_keys(cr_problems *p, const cr_ynode *map, const char *what,
	const char *const *known)
{
	bool ok = true;

	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const char *key = cr_ynode_text(map->kids[i]);
		size_t k = 0;

		while (known[k] && (!key || strcmp(known[k], key) != 0))
			k++;
		if (!known[k]) {
			cr_problem_at(p, map->kids[i]->line, "unknown key \"%s\" "
				"in %s", key ? key : "?", what);
			ok = false;
		}
	}
	return ok;
}

static bool want_map(cr_problems *p, const cr_ynode *v, const char *what,
	const char *const *known)
{
	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line, "%s must be a mapping", what);
		return false;
	}
	return only_keys(p, v, what, known);
}

/* --- kinds ---------------------------------------------------------------- */

/* Each validates its value, writes the module's constants and returns the
 * body of check(repo), or NULL after recording problems. */
typedef const char *(*kind_emit)(FILE *lua, cr_problems *p,
	const cr_ynode *v);

static const char *emit_require_file(FILE *lua, cr_problems *p,
	const cr_ynode *v)
{
	static const char *const keys[] = { "any", NULL };

	if (v->kind == CR_YMAP) {
		if (!want_map(p, v, "require_file", keys))
			return NULL;
		v = cr_ymap_get(v, "any");
	}
	if (!want_list(p, v, "require_file (or its `any`)"))
		return NULL;
	fputs("local PATHS = ", lua);
	lua_list(lua, v);
	fputc('\n', lua);
	return
	"    for _, path in ipairs(PATHS) do\n"
	"      local f = repo:file(path)\n"
	"      if f and f.type == \"file\" then\n"
	"        return pass(path .. \" is present\")\n"
	"      end\n"
	"    end\n"
	"    fail{ message = \"missing: \" .. table.concat(PATHS, \" or \"), "
	"path = \".\" }\n";
}

static bool emit_globs(FILE *lua, cr_problems *p, const cr_ynode *v,
	const char *what)
{
	if (!want_list(p, v, what))
		return false;
	fputs("local GLOBS = ", lua);
	lua_list(lua, v);
	fputc('\n', lua);
	return true;
}

static const char *emit_require_path(FILE *lua, cr_problems *p,
	const cr_ynode *v)
{
	if (!emit_globs(lua, p, v, "require_path"))
		return NULL;
	return
	"    local found = repo:files{ glob = GLOBS, limit = 1 }[1]\n"
	"    if found then\n"
	"      return pass(found.path .. \" is present\")\n"
	"    end\n"
	"    fail{ message = \"no file matches \" .. "
	"table.concat(GLOBS, \" or \"), path = \".\" }\n";
}

static const char *emit_forbid_paths(FILE *lua, cr_problems *p,
	const cr_ynode *v)
{
	if (!emit_globs(lua, p, v, "forbid_paths"))
		return NULL;
	return
	"    -- In git, what is committed; outside it, what would ship.\n"
	"    local status = nil\n"
	"    if repo.is_git then\n"
	"      status = \"tracked\"\n"
	"    end\n"
	"    for _, f in ipairs(repo:files{ glob = GLOBS, status = status }) do\n"
	"      fail{ message = f.path .. \" is a forbidden path (\" ..\n"
	"        table.concat(GLOBS, \", \") .. \")\", path = f.path }\n"
	"    end\n";
}

/* WANTED (the dependency filter) and LABEL (its name in messages). */
static bool emit_dependency(FILE *lua, cr_problems *p, const cr_ynode *v,
	const char *what)
{
	static const char *const keys[] = { "name", "ecosystem", "direct",
		NULL };
	const cr_ynode *name = v, *ecosystem = NULL, *direct = NULL;
	bool ok = true, b;
	char *label;

	if (v->kind == CR_YMAP) {
		ok = want_map(p, v, what, keys);
		name = cr_ymap_get(v, "name");
		ecosystem = cr_ymap_get(v, "ecosystem");
		direct = cr_ymap_get(v, "direct");
	}
	ok = want_text(p, name, v->line, "the dependency's name") && ok;
	if (ecosystem)
		ok = want_text(p, ecosystem, v->line, "ecosystem") && ok;
	if (direct && !cr_ynode_bool(&b, direct)) {
		cr_problem_at(p, direct->line, "direct must be true or false");
		ok = false;
	}
	if (!ok)
		return false;
	fputs("local WANTED = { name = ", lua);
	lua_string(lua, name->text);
	if (ecosystem) {
		fputs(", ecosystem = ", lua);
		lua_string(lua, ecosystem->text);
	}
	if (direct)
		fprintf(lua, ", direct = %s", b ? "true" : "false");
	fputs(" }\n", lua);
	if (asprintf(&label, "%s%s%s", ecosystem ? ecosystem->text : "",
		    ecosystem ? " package " : "", name->text) < 0) {
		p->oom = true;
		return false;
	}
	lua_local(lua, "LABEL", label);
	free(label);
	return true;
}

static const char *emit_require_dependency(FILE *lua, cr_problems *p,
	const cr_ynode *v)
{
	if (!emit_dependency(lua, p, v, "require_dependency"))
		return NULL;
	return
	"    local found = repo:dependencies(WANTED)[1]\n"
	"    if found then\n"
	"      return pass(LABEL .. \" is a dependency of \" .. "
	"found.manifest_path)\n"
	"    end\n"
	"    fail{ message = LABEL .. \" is not a dependency\", path = \".\" }\n";
}

static const char *emit_forbid_dependency(FILE *lua, cr_problems *p,
	const cr_ynode *v)
{
	if (!emit_dependency(lua, p, v, "forbid_dependency"))
		return NULL;
	return
	"    for _, d in ipairs(repo:dependencies(WANTED)) do\n"
	"      fail{ message = d.manifest_path .. \" depends on \" .. LABEL,\n"
	"        path = d.path, line = d.line }\n"
	"    end\n";
}

/* require_k8s checks a dotted attribute of containers (the default), of
 * workloads or of any object of the given kinds. */
static const char *const k8s_bodies[][2] = {
	{ "container",
	"    local workloads = repo:workloads{ k8s_kind = KINDS }\n"
	"    if #workloads == 0 then\n"
	"      return skip(\"no \" .. table.concat(KINDS, \" or \") .. "
	"\" workload\")\n"
	"    end\n"
	"    for _, w in ipairs(workloads) do\n"
	"      for _, c in ipairs(w:containers()) do\n"
	"        local value = c[FIELD]\n"
	"        if not holds(value) then\n"
	"          fail{ message = string.format(\"%s %s, container %s: %s is "
	"%s, want %s\",\n"
	"            w.k8s_kind, tostring(w.name), tostring(c.name), FIELD,\n"
	"            tostring(value), WANT), path = c.path, line = c.line }\n"
	"        end\n"
	"      end\n"
	"    end\n" },
	{ "workload",
	"    local workloads = repo:workloads{ k8s_kind = KINDS }\n"
	"    if #workloads == 0 then\n"
	"      return skip(\"no \" .. table.concat(KINDS, \" or \") .. "
	"\" workload\")\n"
	"    end\n"
	"    for _, w in ipairs(workloads) do\n"
	"      local value = w[FIELD]\n"
	"      if not holds(value) then\n"
	"        fail{ message = string.format(\"%s %s: %s is %s, want %s\",\n"
	"          w.k8s_kind, tostring(w.name), FIELD, tostring(value), WANT),\n"
	"          path = w.path, line = w.line }\n"
	"      end\n"
	"    end\n" },
	{ "object",
	"    local objects = repo:k8s_objects{ k8s_kind = KINDS }\n"
	"    if #objects == 0 then\n"
	"      return skip(\"no \" .. table.concat(KINDS, \" or \") .. "
	"\" object\")\n"
	"    end\n"
	"    for _, o in ipairs(objects) do\n"
	"      local value = o[FIELD]\n"
	"      if not holds(value) then\n"
	"        fail{ message = string.format(\"%s %s: %s is %s, want %s\",\n"
	"          o.k8s_kind, tostring(o.name), FIELD, tostring(value), WANT),\n"
	"          path = o.path, line = o.line }\n"
	"      end\n"
	"    end\n" },
};

static const char *k8s_body(cr_problems *p, const cr_ynode *on)
{
	const char *name = on ? cr_ynode_text(on) : "container";

	for (size_t i = 0; name && i < sizeof k8s_bodies / sizeof *k8s_bodies;
	     i++)
		if (strcmp(k8s_bodies[i][0], name) == 0)
			return k8s_bodies[i][1];
	cr_problem_at(p, on->line, "on must be container, workload or object");
	return NULL;
}

static const char *emit_require_k8s(FILE *lua, cr_problems *p,
	const cr_ynode *v)
{
	static const char *const keys[] = { "kind", "field", "equals",
		"exists", "on", NULL };
	const cr_ynode *kind, *field, *equals, *exists, *on;
	const char *body;
	bool ok, b = false;

	if (!want_map(p, v, "require_k8s", keys))
		return NULL;
	kind = cr_ymap_get(v, "kind");
	field = cr_ymap_get(v, "field");
	equals = cr_ymap_get(v, "equals");
	exists = cr_ymap_get(v, "exists");
	on = cr_ymap_get(v, "on");
	ok = want_list(p, kind ? kind : v, "require_k8s's kind");
	ok = want_text(p, field, v->line, "require_k8s's field") && ok;
	if (!equals == !exists) {
		cr_problem_at(p, v->line, "require_k8s needs one of equals "
			"(a value) and exists (true)");
		ok = false;
	} else if (exists && !(cr_ynode_bool(&b, exists) && b)) {
		cr_problem_at(p, exists->line, "exists must be true");
		ok = false;
	} else if (equals && equals->kind != CR_YSCALAR) {
		cr_problem_at(p, equals->line, "equals must be a scalar");
		ok = false;
	}
	body = k8s_body(p, on);
	if (!ok || !body)
		return NULL;
	fputs("local KINDS = ", lua);
	lua_list(lua, kind);
	fputc('\n', lua);
	lua_local(lua, "FIELD", field->text);
	if (equals) {
		fputs("local EXPECTED = ", lua);
		lua_scalar(lua, equals);
		fputs("\nlocal WANT = tostring(EXPECTED)\n\n"
		      "local function holds(value)\n"
		      "  return value == EXPECTED\n"
		      "end\n", lua);
	} else {
		fputs("local WANT = \"set\"\n\n"
		      "local function holds(value)\n"
		      "  return value ~= nil\n"
		      "end\n", lua);
	}
	return body;
}

static bool is_instruction(const char *s)
{
	for (; *s; s++)
		if (!isalpha((unsigned char)*s))
			return false;
	return true;
}

static const char *emit_require_dockerfile_instruction(FILE *lua,
	cr_problems *p, const cr_ynode *v)
{
	char *upper;

	if (!want_text(p, v, v->line, "require_dockerfile_instruction"))
		return NULL;
	if (!is_instruction(v->text)) {
		cr_problem_at(p, v->line, "\"%s\" is not a Dockerfile "
			"instruction", v->text);
		return NULL;
	}
	if (!(upper = strdup(v->text))) {
		p->oom = true;
		return NULL;
	}
	for (char *c = upper; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	lua_local(lua, "INSTRUCTION", upper);
	free(upper);
	return
	"    local dockerfiles = repo:dockerfiles()\n"
	"    if #dockerfiles == 0 then\n"
	"      return skip(\"no Dockerfile\")\n"
	"    end\n"
	"    for _, d in ipairs(dockerfiles) do\n"
	"      local stage = d:final_stage()\n"
	"      local found = false\n"
	"      for _, ins in ipairs(stage and stage:instructions() or {}) do\n"
	"        found = found or ins.instruction == INSTRUCTION\n"
	"      end\n"
	"      if not found then\n"
	"        fail{ message = d.path .. \": no \" .. INSTRUCTION ..\n"
	"          \" in the final stage\", path = d.path }\n"
	"      end\n"
	"    end\n";
}

static bool valid_regex(cr_problems *p, const cr_ynode *v)
{
	cr_regex *re = NULL;
	cr_ctx *ctx = NULL;
	int rc;

	if (cr_ctx_new(&ctx) != CR_OK) {
		p->oom = true;
		return false;
	}
	rc = cr_regex_compile(&re, ctx, v->text, strlen(v->text));
	if (rc == CR_ENOMEM)
		p->oom = true;
	else if (rc != CR_OK)
		cr_problem_at(p, v->line, "run: %s", cr_ctx_error(ctx));
	cr_regex_free(re);
	cr_ctx_free(ctx);
	return rc == CR_OK;
}

static const char *emit_require_workflow_step(FILE *lua, cr_problems *p,
	const cr_ynode *v)
{
	static const char *const keys[] = { "uses", "run", NULL };
	const cr_ynode *uses, *run;
	bool ok;

	if (!want_map(p, v, "require_workflow_step", keys))
		return NULL;
	uses = cr_ymap_get(v, "uses");
	run = cr_ymap_get(v, "run");
	ok = uses || run;
	if (!ok)
		cr_problem_at(p, v->line, "require_workflow_step needs uses "
			"(an action) or run (a regex), or both");
	if (uses)
		ok = want_text(p, uses, v->line, "uses") && ok;
	if (run)
		ok = want_text(p, run, v->line, "run") && valid_regex(p, run) &&
			ok;
	if (!ok)
		return NULL;
	if (uses)
		lua_local(lua, "USES", uses->text);
	if (run)
		lua_local(lua, "RUN", run->text);
	fprintf(lua, "local WANT = %s%s%s\n\nlocal function matches(step)\n",
		uses ? "\"using \" .. USES" : "",
		uses && run ? " .. \" and \" .. " : "",
		run ? "\"running /\" .. RUN .. \"/\"" : "");
	if (uses)
		fputs("  local uses = step.uses\n"
		      "  if not (uses and (uses == USES or\n"
		      "      uses:sub(1, #USES + 1) == USES .. \"@\")) then\n"
		      "    return false\n"
		      "  end\n", lua);
	if (run)
		fputs("  local run = step.run\n"
		      "  if not (run and crucible.match(RUN, run)) then\n"
		      "    return false\n"
		      "  end\n", lua);
	fputs("  return true\nend\n", lua);
	return
	"    for _, step in ipairs(repo:steps()) do\n"
	"      if matches(step) then\n"
	"        return pass(step.path .. \" has a step \" .. WANT)\n"
	"      end\n"
	"    end\n"
	"    fail{ message = \"no workflow step \" .. WANT, path = \".\" }\n";
}

static const struct kind {
	const char *key;
	const char *needs;   /* the module's `needs`, or NULL */
	kind_emit emit;
} kinds[] = {
	{ "require_file", NULL, emit_require_file },
	{ "require_path", NULL, emit_require_path },
	{ "forbid_paths", NULL, emit_forbid_paths },
	{ "require_dependency", "manifests", emit_require_dependency },
	{ "forbid_dependency", "manifests", emit_forbid_dependency },
	{ "require_k8s", "k8s", emit_require_k8s },
	{ "require_dockerfile_instruction", "docker",
		emit_require_dockerfile_instruction },
	{ "require_workflow_step", "workflows", emit_require_workflow_step },
};

#define KIND_COUNT (sizeof kinds / sizeof *kinds)

/* --- items ---------------------------------------------------------------- */

struct item {
	const cr_ynode *node;
	unsigned line;
	const char *id, *title, *category, *severity, *description;
	const char *remediation;
	double weight;             /* 0: not given */
	const struct kind *kind;   /* the last check given */
	const cr_ynode *check;
	unsigned checks;           /* how many were given */
};

static void read_text(const char **slot, cr_problems *p, const cr_ynode *v,
	const char *what)
{
	*slot = cr_ynode_string(p, v, what);
}

static void read_id(void *t, cr_problems *p, const cr_ynode *v)
{
	read_text(&((struct item *)t)->id, p, v, "id");
}

static void read_title(void *t, cr_problems *p, const cr_ynode *v)
{
	read_text(&((struct item *)t)->title, p, v, "title");
}

static void read_category(void *t, cr_problems *p, const cr_ynode *v)
{
	read_text(&((struct item *)t)->category, p, v, "category");
}

static void read_severity(void *t, cr_problems *p, const cr_ynode *v)
{
	read_text(&((struct item *)t)->severity, p, v, "severity");
}

static void read_description(void *t, cr_problems *p, const cr_ynode *v)
{
	read_text(&((struct item *)t)->description, p, v, "description");
}

static void read_remediation(void *t, cr_problems *p, const cr_ynode *v)
{
	read_text(&((struct item *)t)->remediation, p, v, "remediation");
}

static void read_weight(void *t, cr_problems *p, const cr_ynode *v)
{
	double w;

	if (v->kind == CR_YSCALAR && v->plain && cr_yaml_number(&w, v->text) &&
	    w > 0)
		((struct item *)t)->weight = w;
	else
		cr_problem_at(p, v->line, "weight must be a number greater "
			"than 0");
}

/* Every check kind has this reader: it finds which key it was given by
 * the value's place in the item's mapping. */
static void read_check(void *t, cr_problems *p, const cr_ynode *v)
{
	struct item *it = t;
	const char *key = NULL;

	(void)p;
	for (size_t i = 0; i + 1 < it->node->count; i += 2)
		if (it->node->kids[i + 1] == v)
			key = cr_ynode_text(it->node->kids[i]);
	for (size_t k = 0; key && k < KIND_COUNT; k++)
		if (strcmp(kinds[k].key, key) == 0)
			it->kind = &kinds[k];
	it->check = v;
	it->checks++;
}

static const cr_yfield item_fields[] = {
	{ "id", true, read_id },
	{ "title", true, read_title },
	{ "category", true, read_category },
	{ "severity", true, read_severity },
	{ "weight", false, read_weight },
	{ "description", false, read_description },
	{ "remediation", true, read_remediation },
	{ "require_file", false, read_check },
	{ "require_path", false, read_check },
	{ "forbid_paths", false, read_check },
	{ "require_dependency", false, read_check },
	{ "forbid_dependency", false, read_check },
	{ "require_k8s", false, read_check },
	{ "require_dockerfile_instruction", false, read_check },
	{ "require_workflow_step", false, read_check },
};

static bool is_policy_id(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

static bool is_severity(const char *s)
{
	static const char *const names[] = { "critical", "high", "medium",
		"low", "info" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

static bool id_taken(const struct item *items, size_t before, const char *id)
{
	for (size_t i = 0; i < before; i++)
		if (items[i].id && strcmp(items[i].id, id) == 0)
			return true;
	return false;
}

/* Everything but the check's own value. */
static void check_item(cr_problems *p, const struct item *items, size_t i,
	const cr_bundle *b)
{
	const struct item *it = &items[i];

	if (it->id && (!is_policy_id(it->id) || id_taken(items, i, it->id)))
		cr_problem_at(p, it->line, "id \"%s\" %s", it->id,
			is_policy_id(it->id) ? "is used by an earlier item" :
			"must match [A-Za-z0-9._-]+");
	if (it->severity && !is_severity(it->severity))
		cr_problem_at(p, it->line, "severity \"%s\" is not one of "
			"critical, high, medium, low, info", it->severity);
	if (it->category && b && cr_bundle_category_count(b) &&
	    !cr_bundle_find_category(b, it->category))
		cr_problem_at(p, it->line, "unknown category \"%s\" (bundle.yml "
			"does not declare it)", it->category);
	if (it->checks != 1)
		cr_problem_at(p, it->line, "item %s needs exactly one check "
			"(require_file, require_path, forbid_paths, "
			"require_dependency, forbid_dependency, require_k8s, "
			"require_dockerfile_instruction or "
			"require_workflow_step), not %u", it->id ? it->id : "",
			it->checks);
}

/* --- modules -------------------------------------------------------------- */

static void emit_field(FILE *lua, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(lua, "  %s = ", name);
	lua_string(lua, value);
	fputs(",\n", lua);
}

/* The module of one valid item, into *source (malloc'ed), or NULL in it
 * after recording the check's problems. */
static int item_module(char **source, size_t *len, cr_problems *p,
	const char *file, const struct item *it)
{
	FILE *lua = open_memstream(source, len);
	const char *body;

	if (!lua)
		return CR_ENOMEM;
	fprintf(lua, "-- %s, generated by crucible from %s:%u (%s).\n"
		"-- Edit the checklist, not this file.\n\n",
		it->id ? it->id : "", file, it->line, it->kind->key);
	if ((body = it->kind->emit(lua, p, it->check))) {
		fputs("\nreturn crucible.policy{\n", lua);
		emit_field(lua, "id", it->id);
		emit_field(lua, "title", it->title);
		emit_field(lua, "category", it->category);
		emit_field(lua, "severity", it->severity);
		if (it->weight > 0)
			fprintf(lua, "  weight = %.17g,\n", it->weight);
		emit_field(lua, "description", it->description);
		emit_field(lua, "remediation", it->remediation);
		if (it->kind->needs)
			fprintf(lua, "  needs = { \"%s\" },\n", it->kind->needs);
		fprintf(lua, "  check = function(repo)\n%s  end,\n}\n", body);
	}
	if (fclose(lua) != 0)
		return CR_ENOMEM;
	if (!body) {
		free(*source);
		*source = NULL;
	}
	return CR_OK;
}

/* "dir/name.checklist.yml" -> "dir/name.checklist/<id>.lua". */
static char *module_path(const char *file, const char *id)
{
	char *path;

	if (asprintf(&path, "%.*s/%s.lua", (int)(strlen(file) - 4), file,
		    id) < 0)
		return NULL;
	return path;
}

static int push_module(cr_bundle_file **files, size_t *count,
	const char *file, const char *id, char *source, size_t len)
{
	cr_bundle_file *grown = realloc(*files, (*count + 1) * sizeof *grown);
	char *path = module_path(file, id);

	if (grown)
		*files = grown;
	if (!grown || !path) {
		free(path);
		free(source);
		return CR_ENOMEM;
	}
	(*files)[(*count)++] = (cr_bundle_file){ path, source, len };
	return CR_OK;
}

/* The modules of the items, each check's value judged even when others
 * have problems (since `before` problems, made before the items), so that
 * the author sees them all; with any problem, no module is kept. */
static int emit_items(cr_bundle_file **files, size_t *count, cr_problems *p,
	const char *file, const struct item *items, size_t n, size_t before)
{
	size_t first = *count;
	char *source;
	size_t len;
	int rc = CR_OK;

	for (size_t i = 0; !rc && i < n; i++) {
		if (items[i].checks != 1)
			continue;
		rc = item_module(&source, &len, p, file, &items[i]);
		if (!rc && source && p->count > before)
			free(source);
		else if (!rc && source)
			rc = push_module(files, count, file, items[i].id, source,
				len);
	}
	if (rc || p->count > before) {
		for (size_t i = first; i < *count; i++) {
			free((char *)(*files)[i].path);
			free((char *)(*files)[i].data);
		}
		*count = first;
	}
	return rc;
}

/* --- the file ------------------------------------------------------------- */

static int read_items(cr_bundle_file **files, size_t *count, cr_problems *p,
	const char *file, const cr_ynode *list, const cr_bundle *b)
{
	struct item *items;
	size_t before = p->count;
	int rc;

	if (!list || list->kind != CR_YSEQ || list->count == 0) {
		cr_problem_at(p, list ? list->line : 1, "items must be a "
			"non-empty list of checklist items");
		return CR_OK;
	}
	if (list->count > CR_CHECKLIST_ITEMS_MAX) {
		cr_problem_at(p, list->line, "more than %d items",
			CR_CHECKLIST_ITEMS_MAX);
		return CR_OK;
	}
	if (!(items = calloc(list->count, sizeof *items)))
		return CR_ENOMEM;
	for (size_t i = 0; i < list->count; i++) {
		const cr_ynode *node = list->kids[i];

		items[i].node = node;
		items[i].line = node->line;
		if (node->kind != CR_YMAP) {
			cr_problem_at(p, node->line, "an item must be a mapping "
				"of id, title, category, severity, ... and "
				"one check");
			continue;
		}
		cr_yaml_fields(&items[i], p, node, "a checklist item",
			item_fields, sizeof item_fields / sizeof *item_fields);
		check_item(p, items, i, b);
	}
	rc = emit_items(files, count, p, file, items, list->count, before);
	free(items);
	return rc;
}

int cr_checklist_generate(cr_bundle_file **files, size_t *count,
	cr_problems *p, const cr_bundle_file *f, const cr_bundle *b)
{
	static const char *const keys[] = { "items", NULL };
	const char *saved = p->file;
	cr_ynode *root = NULL;
	int rc;

	p->file = f->path;
	rc = cr_yaml_parse(&root, p, f->data, f->len);
	if (rc == CR_OK && (!root || root->kind != CR_YMAP))
		cr_problem_at(p, root ? root->line : 1, "a checklist is a "
			"mapping with a list of items");
	else if (rc == CR_OK && only_keys(p, root, "a checklist", keys))
		rc = read_items(files, count, p, f->path,
			cr_ymap_get(root, "items"), b);
	cr_ynode_free(root);
	p->file = saved;
	return rc == CR_ENOMEM ? CR_ENOMEM : CR_OK;
}
