/*
 * config.c - read and validate .crucible.yml (the keys are in config.h
 * and docs/configuration.md).
 *
 * The file is parsed into a tree by compiler/yaml.c, the same reader as
 * bundle.yml, and every key is checked here in one pass that records each
 * problem with its line instead of stopping at the first: an unknown key,
 * a wrong type, a bad id, severity, date or output format.  The result is
 * plain data; applying it is the business of the CLI (bundles, params,
 * gates, outputs), the evaluator (disabled policies) and report/triage.c
 * (severities, excludes, waivers).
 */
#include "crucible/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/yaml.h"

#define CONFIG_SIZE_MAX (1024 * 1024)

static const char *const output_formats[] = {
	"text", "json", "sarif", "markdown", "junit", "html", NULL
};

/* What the field readers share: the config being filled and the
 * directory relative paths are resolved against. */
struct parse {
	cr_config *c;
	const char *dir;
};

/* --- values -------------------------------------------------------------- */

static bool is_id_char(int c, bool upper)
{
	return islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-' ||
		(upper && isupper(c));
}

/* Policy ids are [A-Za-z0-9._-]+, category ids [a-z0-9._-]+, as the
 * evaluator and bundle.yml require. */
static bool is_id(const char *s, bool upper)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_id_char((unsigned char)*s, upper))
			return false;
	return true;
}

static bool is_fingerprint(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == 32 && !s[n];
}

/* Severities are spelled as in policies: lower case. */
static bool parse_severity(cr_severity *out, const char *text)
{
	return cr_severity_parse(out, text) == CR_OK &&
		strcmp(cr_severity_name(*out), text) == 0;
}

static char *dup_or_oom(cr_problems *p, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		p->oom = true;
	return copy;
}

/* `rel` against `dir`; absolute paths and a NULL or "." dir keep it. */
static char *resolve(cr_problems *p, const char *dir, const char *rel)
{
	char *path;

	if (rel[0] == '/' || !dir || strcmp(dir, ".") == 0)
		return dup_or_oom(p, rel);
	if (asprintf(&path, "%s/%s", dir, rel) < 0) {
		p->oom = true;
		return NULL;
	}
	return path;
}

/* --- dates --------------------------------------------------------------- */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap years in [1, y]. */
static int leaps_through(int y)
{
	return y / 4 - y / 100 + y / 400;
}

static int two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int cr_config_parse_date(int32_t *out, const char *text)
{
	static const int month_days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int y, m, d, days;

	if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return CR_EINVAL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)text[i]))
			return CR_EINVAL;
	y = two_digits(text) * 100 + two_digits(text + 2);
	m = two_digits(text + 5);
	d = two_digits(text + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 ||
	    d > month_days[m - 1] + (m == 2 && is_leap(y)))
		return CR_EINVAL;
	days = 365 * (y - 1970) + leaps_through(y - 1) - leaps_through(1969);
	for (int i = 0; i < m - 1; i++)
		days += month_days[i] + (i == 1 && is_leap(y));
	*out = days + d - 1;
	return CR_OK;
}

/* --- lists of strings ---------------------------------------------------- */

/* Check one entry's text; record a problem and return false when bad. */
typedef bool (*entry_check)(cr_problems *p, const cr_ynode *v,
	const char *text);

static bool any_text(cr_problems *p, const cr_ynode *v, const char *text)
{
	(void)p;
	(void)v;
	(void)text;
	return true;
}

static bool policy_id_text(cr_problems *p, const cr_ynode *v,
	const char *text)
{
	if (is_id(text, true))
		return true;
	cr_problem_at(p, v->line, "policy id \"%s\" must match "
		"[A-Za-z0-9._-]+", text);
	return false;
}

static bool category_id_text(cr_problems *p, const cr_ynode *v,
	const char *text)
{
	if (is_id(text, false))
		return true;
	cr_problem_at(p, v->line, "category id \"%s\" must match "
		"[a-z0-9._-]+", text);
	return false;
}

static bool output_text(cr_problems *p, const cr_ynode *v, const char *text)
{
	size_t n = strcspn(text, "=");

	for (const char *const *f = output_formats; *f; f++)
		if (strlen(*f) == n && strncmp(*f, text, n) == 0) {
			if (text[n] != '=' || text[n + 1])
				return true;
			cr_problem_at(p, v->line, "output \"%s\" names no file "
				"after '='", text);
			return false;
		}
	cr_problem_at(p, v->line, "output format \"%.*s\" is not one of "
		"text, json, sarif, markdown, junit, html", (int)n, text);
	return false;
}

/* A list of non-empty strings into items[]; `what` names the key. */
static void read_entries(cr_config_item **items, size_t *count,
	cr_problems *p, const cr_ynode *v, const char *what, entry_check check)
{
	char entry[64];

	if (v->kind != CR_YSEQ) {
		cr_problem_at(p, v->line, "%s must be a list", what);
		return;
	}
	if (!(*items = calloc(v->count ? v->count : 1, sizeof **items))) {
		p->oom = true;
		return;
	}
	snprintf(entry, sizeof entry, "an entry of %s", what);
	for (size_t i = 0; i < v->count; i++) {
		const cr_ynode *e = v->kids[i];
		const char *text = cr_ynode_string(p, e, entry);

		if (!text || !check(p, e, text))
			continue;
		(*items)[*count].line = e->line;
		if (((*items)[*count].text = dup_or_oom(p, text)))
			(*count)++;
	}
}

/* Entries that are paths get resolved against the file's directory. */
static void resolve_entries(cr_config_item *items, size_t count,
	cr_problems *p, const char *dir)
{
	for (size_t i = 0; i < count; i++) {
		char *path = resolve(p, dir, items[i].text);

		if (path) {
			free(items[i].text);
			items[i].text = path;
		}
	}
}

/* --- keys ---------------------------------------------------------------- */

static void read_bundles(void *target, cr_problems *p, const cr_ynode *v)
{
	struct parse *ps = target;
	cr_config *c = ps->c;

	if (v->kind == CR_YSEQ && v->count == 0) {
		cr_problem_at(p, v->line, "bundles must not be empty (leave "
			"the key out to run the embedded bundle)");
		return;
	}
	read_entries(&c->bundles, &c->bundle_count, p, v, "bundles",
		any_text);
	resolve_entries(c->bundles, c->bundle_count, p, ps->dir);
}

static void read_exclude(void *target, cr_problems *p, const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	read_entries(&c->exclude, &c->exclude_count, p, v, "exclude",
		any_text);
}

static void read_output(void *target, cr_problems *p, const cr_ynode *v)
{
	struct parse *ps = target;
	cr_config *c = ps->c;

	bool stdout_taken = false;

	read_entries(&c->outputs, &c->output_count, p, v, "output",
		output_text);
	for (size_t i = 0; i < c->output_count; i++) {
		char *eq = strchr(c->outputs[i].text, '='), *file, *entry;

		if (!eq && stdout_taken)
			cr_problem_at(p, c->outputs[i].line, "only one output "
				"can go to standard output; give the others "
				"a file (FORMAT=FILE)");
		stdout_taken = stdout_taken || !eq;
		if (!eq || !(file = resolve(p, ps->dir, eq + 1)))
			continue;
		*eq = '\0';
		if (asprintf(&entry, "%s=%s", c->outputs[i].text, file) < 0) {
			*eq = '=';
			p->oom = true;
		} else {
			free(c->outputs[i].text);
			c->outputs[i].text = entry;
		}
		free(file);
	}
}

static void read_disabled_policies(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	read_entries(&c->disabled_policies, &c->disabled_policy_count, p, v,
		"disable.policies", policy_id_text);
}

static void read_disabled_categories(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	read_entries(&c->disabled_categories, &c->disabled_category_count, p,
		v, "disable.categories", category_id_text);
}

static const cr_yfield disable_fields[] = {
	{"policies", false, read_disabled_policies},
	{"categories", false, read_disabled_categories},
};

static void read_disable(void *target, cr_problems *p, const cr_ynode *v)
{
	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line, "disable must be a mapping of "
			"policies and categories");
		return;
	}
	cr_yaml_fields(target, p, v, "disable", disable_fields,
		sizeof disable_fields / sizeof *disable_fields);
}

static void read_fail_under(void *target, cr_problems *p, const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;
	double score;

	if (v->kind == CR_YSCALAR && v->plain &&
	    cr_yaml_number(&score, v->text) && score >= 0 && score <= 100) {
		c->has_fail_under = true;
		c->fail_under = score;
	} else {
		cr_problem_at(p, v->line,
			"gates.fail-under must be a number from 0 to 100");
	}
}

static void read_fail_on(void *target, cr_problems *p, const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	if (v->kind == CR_YSCALAR && parse_severity(&c->fail_on, v->text))
		c->has_fail_on = true;
	else
		cr_problem_at(p, v->line, "gates.fail-on must be one of "
			"critical, high, medium, low, info");
}

static const cr_yfield gate_fields[] = {
	{"fail-under", false, read_fail_under},
	{"fail-on", false, read_fail_on},
};

static void read_gates(void *target, cr_problems *p, const cr_ynode *v)
{
	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line, "gates must be a mapping of "
			"fail-under and fail-on");
		return;
	}
	cr_yaml_fields(target, p, v, "gates", gate_fields,
		sizeof gate_fields / sizeof *gate_fields);
}

static void read_inline_ignores(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	if (!cr_ynode_bool(&c->inline_ignores, v))
		cr_problem_at(p, v->line,
			"inline-ignores must be true or false");
}

/* --- maps keyed by policy id --------------------------------------------- */

/* The policy id of key node k of `map` (kids[i]), or NULL after a
 * problem: not a valid id, or already a key of the map. */
static const char *policy_key(cr_problems *p, const cr_ynode *map, size_t i,
	const char *what)
{
	const cr_ynode *k = map->kids[i];
	const char *id = cr_ynode_string(p, k, "a policy id");

	if (!id || !policy_id_text(p, k, id))
		return NULL;
	for (size_t j = 0; j < i; j += 2)
		if (map->kids[j]->kind == CR_YSCALAR &&
		    strcmp(map->kids[j]->text, id) == 0) {
			cr_problem_at(p, k->line, "%s: policy \"%s\" is listed "
				"twice", what, id);
			return NULL;
		}
	return id;
}

static void read_params(void *target, cr_problems *p, const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line,
			"params must be a mapping of policy id to params");
		return;
	}
	if (!(c->params = calloc(v->count / 2 + 1, sizeof *c->params))) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i + 1 < v->count; i += 2) {
		const char *id = policy_key(p, v, i, "params");
		const cr_ynode *val = v->kids[i + 1];
		cr_config_params *e = &c->params[c->params_count];

		if (!id)
			continue;
		if (val->kind != CR_YMAP) {
			cr_problem_at(p, val->line, "the params of %s must be "
				"a mapping", id);
			continue;
		}
		e->line = v->kids[i]->line;
		e->policy = dup_or_oom(p, id);
		e->params = cr_ynode_to_json(p, val);
		c->params_count++;
	}
}

static void read_severity(void *target, cr_problems *p, const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	if (v->kind != CR_YMAP) {
		cr_problem_at(p, v->line,
			"severity must be a mapping of policy id to severity");
		return;
	}
	if (!(c->severities = calloc(v->count / 2 + 1,
		      sizeof *c->severities))) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i + 1 < v->count; i += 2) {
		const char *id = policy_key(p, v, i, "severity");
		const cr_ynode *val = v->kids[i + 1];
		cr_config_severity *e = &c->severities[c->severity_count];

		if (!id)
			continue;
		if (val->kind != CR_YSCALAR ||
		    !parse_severity(&e->severity, val->text)) {
			cr_problem_at(p, val->line, "the severity of %s must "
				"be one of critical, high, medium, low, info",
				id);
			continue;
		}
		e->line = v->kids[i]->line;
		if ((e->policy = dup_or_oom(p, id)))
			c->severity_count++;
	}
}

/* --- waivers ------------------------------------------------------------- */

static void waiver_text(char **slot, cr_problems *p, const cr_ynode *v,
	const char *what)
{
	const char *text = cr_ynode_string(p, v, what);

	if (text)
		*slot = dup_or_oom(p, text);
}

static void read_waiver_policy(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_config_waiver *w = target;
	const char *id = cr_ynode_string(p, v, "waiver policy");

	if (id && policy_id_text(p, v, id))
		w->policy = dup_or_oom(p, id);
}

static void read_waiver_path(void *target, cr_problems *p,
	const cr_ynode *v)
{
	waiver_text(&((cr_config_waiver *)target)->path, p, v, "waiver path");
}

static void read_waiver_fingerprint(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_config_waiver *w = target;

	if (v->kind == CR_YSCALAR && is_fingerprint(v->text))
		w->fingerprint = dup_or_oom(p, v->text);
	else
		cr_problem_at(p, v->line, "waiver fingerprint must be the 32 "
			"hexadecimal digits of a finding's fingerprint");
}

static void read_waiver_reason(void *target, cr_problems *p,
	const cr_ynode *v)
{
	waiver_text(&((cr_config_waiver *)target)->reason, p, v,
		"waiver reason");
}

static void read_waiver_owner(void *target, cr_problems *p,
	const cr_ynode *v)
{
	waiver_text(&((cr_config_waiver *)target)->owner, p, v,
		"waiver owner");
}

static void read_waiver_expires(void *target, cr_problems *p,
	const cr_ynode *v)
{
	cr_config_waiver *w = target;

	if (v->kind == CR_YSCALAR &&
	    cr_config_parse_date(&w->expires_day, v->text) == CR_OK)
		w->expires = dup_or_oom(p, v->text);
	else
		cr_problem_at(p, v->line, "waiver expires must be a date "
			"YYYY-MM-DD");
}

static const cr_yfield waiver_fields[] = {
	{"policy", true, read_waiver_policy},
	{"path", false, read_waiver_path},
	{"fingerprint", false, read_waiver_fingerprint},
	{"reason", true, read_waiver_reason},
	{"owner", true, read_waiver_owner},
	{"expires", true, read_waiver_expires},
};

static void read_waivers(void *target, cr_problems *p, const cr_ynode *v)
{
	cr_config *c = ((struct parse *)target)->c;

	if (v->kind != CR_YSEQ) {
		cr_problem_at(p, v->line, "waivers must be a list");
		return;
	}
	if (!(c->waivers = calloc(v->count ? v->count : 1,
		      sizeof *c->waivers))) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i < v->count; i++) {
		const cr_ynode *item = v->kids[i];
		cr_config_waiver *w = &c->waivers[c->waiver_count++];

		w->line = item->line;
		if (item->kind != CR_YMAP)
			cr_problem_at(p, item->line, "a waiver must be a "
				"mapping of policy, reason, owner, expires, "
				"...");
		else
			cr_yaml_fields(w, p, item, "waiver", waiver_fields,
				sizeof waiver_fields / sizeof *waiver_fields);
	}
}

/* --- the document -------------------------------------------------------- */

static const cr_yfield config_fields[] = {
	{"bundles", false, read_bundles},
	{"params", false, read_params},
	{"disable", false, read_disable},
	{"severity", false, read_severity},
	{"exclude", false, read_exclude},
	{"gates", false, read_gates},
	{"output", false, read_output},
	{"inline-ignores", false, read_inline_ignores},
	{"waivers", false, read_waivers},
};

static void read_document(struct parse *ps, cr_problems *p,
	const cr_ynode *root)
{
	if (!root || cr_ynode_is_null(root))
		return;
	if (root->kind != CR_YMAP) {
		cr_problem_at(p, root->line, "the document must be a mapping "
			"of bundles, params, disable, severity, exclude, "
			"gates, output, inline-ignores, waivers");
		return;
	}
	cr_yaml_fields(ps, p, root, "the configuration", config_fields,
		sizeof config_fields / sizeof *config_fields);
}

int cr_config_parse(cr_config **out, cr_ctx *ctx, const char *file,
	const char *dir, const char *data, size_t len)
{
	cr_problems p = {.file = file};
	struct parse ps = {.dir = dir};
	cr_ynode *root = NULL;
	int err;

	*out = NULL;
	if (!(ps.c = calloc(1, sizeof *ps.c)) ||
	    !(ps.c->file = strdup(file))) {
		err = CR_ENOMEM;
		goto done;
	}
	ps.c->inline_ignores = true;
	err = cr_yaml_parse(&root, &p, data, len);
	if (!err)
		read_document(&ps, &p, root);
	if (err != CR_ENOMEM && p.oom)
		err = CR_ENOMEM;
	else if (err != CR_ENOMEM && p.count)
		err = cr_problems_report(&p, ctx, CR_EPARSE);
done:
	if (err == CR_ENOMEM)
		cr_error_set(ctx, err, "out of memory reading %s", file);
	if (err)
		cr_config_free(ps.c);
	else
		*out = ps.c;
	cr_ynode_free(root);
	cr_problems_release(&p);
	return err;
}

/* --- the file ------------------------------------------------------------ */

int cr_config_load(cr_config **out, cr_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *data = NULL, *dir = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = cr_user_file_read(&data, &len, ctx, path,
		    CONFIG_SIZE_MAX)) != CR_OK)
		return err;
	if (!slash)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		err = cr_error_set(ctx, CR_ENOMEM, "out of memory");
	else
		err = cr_config_parse(out, ctx, path, dir, data, len);
	free(dir);
	free(data);
	return err;
}

/* --- freeing ------------------------------------------------------------- */

static void items_free(cr_config_item *items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(items[i].text);
	free(items);
}

void cr_config_free(cr_config *c)
{
	if (!c)
		return;
	items_free(c->bundles, c->bundle_count);
	for (size_t i = 0; i < c->params_count; i++) {
		free(c->params[i].policy);
		cJSON_Delete(c->params[i].params);
	}
	free(c->params);
	items_free(c->disabled_policies, c->disabled_policy_count);
	items_free(c->disabled_categories, c->disabled_category_count);
	for (size_t i = 0; i < c->severity_count; i++)
		free(c->severities[i].policy);
	free(c->severities);
	items_free(c->exclude, c->exclude_count);
	items_free(c->outputs, c->output_count);
	for (size_t i = 0; i < c->waiver_count; i++) {
		cr_config_waiver *w = &c->waivers[i];

		free(w->policy);
		free(w->path);
		free(w->fingerprint);
		free(w->reason);
		free(w->owner);
		free(w->expires);
	}
	free(c->waivers);
	free(c->file);
	free(c);
}
