/*
 * manifests_php.c - PHP: composer.json (a manifest) and composer.lock
 * (its lockfile), for the manifests collector (manifests.h).
 *
 * Both are JSON, parsed with cJSON through cr_manifests_json(); lines
 * come from walking the text in step with cJSON's children
 * (cr_json_members).  In composer.json, "require" holds the production
 * dependencies and "require-dev" the development ones, except platform
 * requirements: "php" is the language version, and PHP extensions and
 * system libraries (ext-*, lib-*) are kept as the manifest's
 * `extensions` list, since no package manager installs them.
 */
#include "facts/manifests_util.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#define ECOSYSTEM "composer"

/* Requirements that name the platform rather than a package. */
static bool is_platform(const char *name)
{
	return strncmp(name, "ext-", 4) == 0 || strncmp(name, "lib-", 4) == 0;
}

static bool is_composer_api(const char *name)
{
	return strcmp(name, "composer") == 0 ||
		strcmp(name, "composer-plugin-api") == 0 ||
		strcmp(name, "composer-runtime-api") == 0;
}

/* "require" or "require-dev", whose object is at `obj` in the text. */
static int composer_requires(cr_manifests *ms, cr_node_id m,
	const cJSON *req, const char *scope, cr_text_lines *lines, size_t obj)
{
	cr_json_members it;
	int rc;

	cr_json_members_start(&it, lines, obj);
	for (const cJSON *r = req->child; r; r = r->next) {
		uint32_t line = cr_json_members_next(&it);
		const char *c = cJSON_GetStringValue(r);
		cr_node_id dep;

		if (!c || is_composer_api(r->string))
			continue;
		if (strcmp(r->string, "php") == 0)
			rc = strcmp(scope, "prod") == 0 ? cr_mu_set(ms, m,
				"language_version", c, strlen(c)) : CR_OK;
		else if (is_platform(r->string))
			rc = cr_mu_push(ms, m, "extensions", r->string,
				strlen(r->string));
		else
			rc = cr_manifest_dep(&dep, ms, m, r->string, c, scope,
				line);
		if (rc != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* "scripts": each a command or a list of them, as scripts.<name>. */
static int composer_scripts(cr_manifests *ms, cr_node_id m,
	const cJSON *scripts)
{
	char key[256], text[4096];
	int rc;

	for (const cJSON *s = scripts ? scripts->child : NULL; s; s = s->next) {
		size_t len = 0;

		if (cJSON_IsString(s))
			len = (size_t)snprintf(text, sizeof text, "%s",
				s->valuestring);
		for (const cJSON *c = cJSON_IsArray(s) ? s->child : NULL;
		     c && len < sizeof text; c = c->next)
			if (cJSON_IsString(c))
				len += (size_t)snprintf(text + len,
					sizeof text - len, "%s%s",
					len ? " && " : "", c->valuestring);
		if (len >= sizeof text)
			len = sizeof text - 1;
		snprintf(key, sizeof key, "scripts.%s", s->string);
		if (len && (rc = cr_mu_set(ms, m, key, text, len)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

int cr_parse_composer_json(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	static const char *const lists[] = {"extensions", NULL};
	static const char *const strings[][2] = {
		{"name", "name"}, {"version", "version"}, {"type", "type"},
		{"minimum-stability", "minimum_stability"},
	};
	cr_text_lines lines = {.buf = buf, .len = len};
	cJSON *doc = NULL;
	cr_json_members it;
	cr_node_id m;
	size_t root;
	int rc;

	if ((rc = cr_manifests_json(&doc, &root, ms, f, buf, len)) != CR_OK ||
	    !doc)
		return rc;
	if ((rc = cr_manifest_add(&m, ms, f, ECOSYSTEM)) != CR_OK ||
	    (rc = cr_mu_empty_lists(ms, m, lists)) != CR_OK)
		goto done;
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		const char *v = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(doc, strings[i][0]));

		if (v && (rc = cr_mu_set(ms, m, strings[i][1], v, strlen(v))) !=
		    CR_OK)
			goto done;
	}
	cr_json_members_start(&it, &lines, root);
	for (const cJSON *c = doc->child; c && rc == CR_OK; c = c->next) {
		bool prod = strcmp(c->string, "require") == 0;

		cr_json_members_next(&it);
		if (cJSON_IsObject(c) && (prod ||
					  strcmp(c->string, "require-dev") == 0))
			rc = composer_requires(ms, m, c, prod ? "prod" : "dev",
				&lines, it.value);
		else if (cJSON_IsObject(c) && strcmp(c->string, "scripts") == 0)
			rc = composer_scripts(ms, m, c);
	}
done:
	cJSON_Delete(doc);
	return rc;
}

static size_t skip_blank(const char *buf, size_t len, size_t i)
{
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
			   buf[i] == '\r'))
		i++;
	return i;
}

/* After the members walk of one array element ended at `pos`: the
 * offset of the next element, or CR_JSON_LOST. */
static size_t next_element(const char *buf, size_t len, size_t pos)
{
	if (pos == CR_JSON_LOST)
		return pos;
	pos = skip_blank(buf, len, pos);
	if (pos >= len || buf[pos] != '}')
		return CR_JSON_LOST;
	pos = skip_blank(buf, len, pos + 1);
	if (pos >= len || buf[pos] != ',')
		return CR_JSON_LOST;
	return skip_blank(buf, len, pos + 1);
}

/* "packages" or "packages-dev", an array at `arr` in the text. */
static int lock_packages(cr_manifests *ms, cr_node_id lock,
	const cJSON *packages, const char *scope, cr_text_lines *lines,
	size_t arr)
{
	size_t at = arr >= lines->len || lines->buf[arr] != '[' ?
		CR_JSON_LOST : skip_blank(lines->buf, lines->len, arr + 1);
	int rc;

	for (const cJSON *p = packages->child; p; p = p->next) {
		const char *name = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(p, "name"));
		const char *version = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(p, "version"));
		uint32_t line = 0;
		cr_json_members it;

		if (at < lines->len && lines->buf[at] == '{') {
			line = cr_text_line(lines, at);
			cr_json_members_start(&it, lines, at);
			for (const cJSON *m = p->child; m; m = m->next)
				cr_json_members_next(&it);
			at = next_element(lines->buf, lines->len, it.pos);
		} else {
			at = CR_JSON_LOST;
		}
		if (name && version && (rc = cr_lockfile_package(ms, lock, name,
				version, scope, line)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

int cr_parse_composer_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	cr_text_lines lines = {.buf = buf, .len = len};
	cJSON *doc = NULL;
	cr_json_members it;
	cr_node_id lock;
	size_t root;
	int rc;

	if ((rc = cr_manifests_json(&doc, &root, ms, f, buf, len)) != CR_OK ||
	    !doc)
		return rc;
	if ((rc = cr_lockfile_add(&lock, ms, f, ECOSYSTEM, "composer")) !=
	    CR_OK)
		goto done;
	cr_json_members_start(&it, &lines, root);
	for (const cJSON *c = doc->child; c && rc == CR_OK; c = c->next) {
		bool prod = strcmp(c->string, "packages") == 0;

		cr_json_members_next(&it);
		if (cJSON_IsArray(c) && (prod ||
					 strcmp(c->string, "packages-dev") == 0))
			rc = lock_packages(ms, lock, c, prod ? "prod" : "dev",
				&lines, it.value);
	}
done:
	cJSON_Delete(doc);
	return rc;
}
