/*
 * config.h - .crucible.yml: what a repository asks of `crucible eval`.
 *
 * The file (docs/configuration.md has every key and a full example):
 *
 *   bundles         bundle directories, relative to the file's directory
 *   params          policy id -> params overlaid on the bundle's
 *   disable         policies: [ids], categories: [ids] (reported as skip)
 *   severity        policy id -> severity
 *   exclude         path globs; findings located there are dropped
 *   gates           fail-under: 0..100, fail-on: severity
 *   output          FORMAT or FORMAT=FILE entries
 *   inline-ignores  false turns `crucible:ignore` comments off
 *   waivers         {policy, path, fingerprint, reason, owner, expires}
 *
 * Loading validates everything it can without the bundles: unknown keys,
 * wrong types, bad ids, severities, dates and formats are all reported at
 * once as "file:line: message" lines (CR_EPARSE).  Whether the ids name
 * real policies is only known after evaluation: triage.h warns about it.
 * Every string of a cr_config is owned by it and freed by
 * cr_config_free().
 */
#ifndef CRUCIBLE_CONFIG_H
#define CRUCIBLE_CONFIG_H

#include <cjson/cJSON.h>

#include "crucible/common.h"
#include "crucible/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default file name, looked up at the root of the evaluated tree. */
#define CR_CONFIG_FILE ".crucible.yml"

/* A value of the file and the line it was written on. */
typedef struct cr_config_item {
	char *text;
	uint32_t line;
} cr_config_item;

typedef struct cr_config_params {
	char *policy;
	cJSON *params;        /* a JSON object */
	uint32_t line;
} cr_config_params;

typedef struct cr_config_severity {
	char *policy;
	cr_severity severity;
	uint32_t line;
} cr_config_severity;

typedef struct cr_config_waiver {
	char *policy;
	char *path;           /* a glob (glob.h), or NULL: any location */
	char *fingerprint;    /* 32 hex digits, or NULL: any finding */
	char *reason;
	char *owner;
	char *expires;        /* "YYYY-MM-DD", as written */
	int32_t expires_day;  /* the same day, in days since 1970-01-01 */
	uint32_t line;        /* of the waiver's entry */
} cr_config_waiver;

typedef struct cr_config {
	char *file;           /* the path it was read from, for messages */

	/* Directories; relative ones are resolved against the directory
	 * of the file.  None: the embedded bundle. */
	cr_config_item *bundles;
	size_t bundle_count;
	cr_config_params *params;
	size_t params_count;
	cr_config_item *disabled_policies;
	size_t disabled_policy_count;
	cr_config_item *disabled_categories;
	size_t disabled_category_count;
	cr_config_severity *severities;
	size_t severity_count;
	cr_config_item *exclude;  /* globs matched against report paths */
	size_t exclude_count;

	bool has_fail_under;
	double fail_under;    /* 0..100 */
	bool has_fail_on;
	cr_severity fail_on;

	/* "FORMAT" or "FORMAT=FILE" with FORMAT one of text, json, sarif,
	 * markdown, junit, html; a relative FILE is resolved against the
	 * directory of the file. */
	cr_config_item *outputs;
	size_t output_count;

	bool inline_ignores;  /* true unless the file says false */

	cr_config_waiver *waivers;
	size_t waiver_count;
} cr_config;

/* Read and validate the file at `path` (symbolic links are followed: the
 * caller decides whether a path may be one).  Errors: CR_ENOTFOUND (no
 * such file), CR_EIO (unreadable, not a regular file, over 1 MiB),
 * CR_EPARSE (invalid; the message lists every problem as file:line). */
int cr_config_load(cr_config **out, cr_ctx *ctx, const char *path);

/* Same from memory: `file` names the document in messages, `dir` is what
 * relative paths are resolved against (NULL: left as written). */
int cr_config_parse(cr_config **out, cr_ctx *ctx, const char *file,
	const char *dir, const char *data, size_t len);

void cr_config_free(cr_config *c);

/* "YYYY-MM-DD" (a real calendar day, years 1970-9999) to days since
 * 1970-01-01.  Errors: CR_EINVAL. */
int cr_config_parse_date(int32_t *out, const char *text);

#ifdef __cplusplus
}
#endif
#endif
