/*
 * sarif.c - the report as SARIF 2.1.0 (OASIS), the format GitHub code
 * scanning's upload-sarif and other SARIF viewers read.
 *
 * One run.  Its driver has one rule per policy of the report, passing ones
 * included, so that every rule's metadata is there whatever the results;
 * a result's ruleIndex is its policy's index in the report.  A rule's help
 * is the policy's description followed by its remediation.
 *
 * Severities, for rules (defaultConfiguration.level and, from the policy's
 * severity, properties["security-severity"]) and for results (level, from
 * the finding's own severity):
 *
 *   severity  level    security-severity  GitHub shows
 *   critical  error    9.5                Critical (9.0 - 10.0)
 *   high      error    8.0                High     (7.0 - 8.9)
 *   medium    warning  5.5                Medium   (4.0 - 6.9)
 *   low       warning  3.0                Low      (0.1 - 3.9)
 *   info      note     (none)             Note
 *
 * A finding of kind warn is at most a "warning".  GitHub reads
 * security-severity only on rules tagged "security", so every rule that
 * has one carries that tag; an info rule has neither, because GitHub has
 * no security level below Low and an informational note is not one.
 *
 * Locations are repository-relative URIs (percent-encoded, so that any
 * file name is a valid URI reference) against the base %SRCROOT%, which
 * run.originalUriBaseIds binds to the evaluated directory.  GitHub uses
 * the first location of a result only, so a finding's first location is
 * the result's and the others are relatedLocations.  A region is given
 * only when the finding has a line: SARIF reads a location without one as
 * the whole file.  A finding about the repository as a whole (path ".")
 * points at "." - the root itself - because GitHub rejects a result
 * without a location or with an empty URI.
 *
 * Waived findings carry a suppression (kind "external", the waiver's
 * reason as justification).  When the report was compared with a baseline
 * (some finding is in it, or some baseline finding was fixed), every
 * result has a baselineState: "unchanged" or "new".  Policies that errored
 * or were skipped, and the report's warnings, are tool execution
 * notifications.  The score, grade, verdict, bundles, category scores and
 * tallies are in run.properties, with the commit and branch:
 * versionControlProvenance would need the repository's URI, which the
 * report does not know.
 *
 * Only the report goes in (no clock, no environment), so the output is as
 * deterministic as the report.  Every JSON node is attached to its parent
 * the moment it is made, so a failure at any depth only returns false and
 * the one root is deleted.
 */
#include "crucible/report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_private.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
	"errata01/os/schemas/sarif-schema-2.1.0.json"
#define SARIF_VERSION "2.1.0"
#define SRCROOT "%SRCROOT%"
#define FINGERPRINT_KEY "crucibleFingerprint/v1"
#define SECURITY_TAG "security"

typedef enum sarif_level {
	LEVEL_NOTE,
	LEVEL_WARNING,
	LEVEL_ERROR
} sarif_level;

static const char *const level_names[] = {
	[LEVEL_NOTE] = "note",
	[LEVEL_WARNING] = "warning",
	[LEVEL_ERROR] = "error",
};

static const struct {
	sarif_level level;
	const char *security_severity;  /* NULL: not a security level */
} severity_map[CR_SEVERITY_COUNT] = {
	[CR_SEV_INFO] = { LEVEL_NOTE, NULL },
	[CR_SEV_LOW] = { LEVEL_WARNING, "3.0" },
	[CR_SEV_MEDIUM] = { LEVEL_WARNING, "5.5" },
	[CR_SEV_HIGH] = { LEVEL_ERROR, "8.0" },
	[CR_SEV_CRITICAL] = { LEVEL_ERROR, "9.5" },
};

/* A severity the model does not know is treated as the least one. */
static cr_severity known_severity(cr_severity s)
{
	return (unsigned)s < CR_SEVERITY_COUNT ? s : CR_SEV_INFO;
}

static const char *severity_level(cr_severity s)
{
	return level_names[severity_map[known_severity(s)].level];
}

static const char *finding_level(const cr_finding *f)
{
	sarif_level level = severity_map[known_severity(f->severity)].level;

	if (f->kind == CR_STATUS_WARN && level > LEVEL_WARNING)
		level = LEVEL_WARNING;
	return level_names[level];
}

/* --- building blocks ---------------------------------------------- */

/* `item` (just made, NULL when that failed) at the end of `array`: the
 * item, or NULL and nothing leaked. */
static cJSON *append(cJSON *array, cJSON *item)
{
	if (item && !cJSON_AddItemToArray(array, item)) {
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

static cJSON *append_object(cJSON *array)
{
	return append(array, cJSON_CreateObject());
}

static bool add_string(cJSON *o, const char *key, const char *value)
{
	return cJSON_AddStringToObject(o, key, value) != NULL;
}

/* An optional string: absent, rather than null, when there is none. */
static bool add_optional(cJSON *o, const char *key, const char *value)
{
	return !value || add_string(o, key, value);
}

static bool add_number(cJSON *o, const char *key, double value)
{
	return cJSON_AddNumberToObject(o, key, value) != NULL;
}

/* A message or multiformatMessageString: {"text": text}. */
static bool add_text(cJSON *o, const char *key, const char *text)
{
	cJSON *m = cJSON_AddObjectToObject(o, key);

	return m && add_string(m, "text", text);
}

static bool append_string(cJSON *array, const char *s)
{
	return append(array, cJSON_CreateString(s)) != NULL;
}

/* Not isalnum(): that one follows the locale. */
static bool ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/* prefix, then `path` as a URI reference, then suffix: every byte of the
 * path but the unreserved ones and '/' percent-encoded, so spaces, '#',
 * '%', ':' (a scheme to a URI parser) and non-ASCII bytes cannot break
 * it.  NULL when out of memory. */
static char *uri_encode(const char *path, const char *prefix,
	const char *suffix)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path);
	char *out = malloc(strlen(prefix) + 3 * len + strlen(suffix) + 1);
	char *p;

	if (!out)
		return NULL;
	p = stpcpy(out, prefix);
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if (ascii_alnum(*s) || strchr("-._~/", *s)) {
			*p++ = (char)*s;
		} else {
			*p++ = '%';
			*p++ = hex[*s >> 4];
			*p++ = hex[*s & 0xf];
		}
	}
	strcpy(p, suffix);
	return out;
}

static bool add_uri(cJSON *o, const char *key, const char *path,
	const char *prefix, const char *suffix)
{
	char *uri = uri_encode(path, prefix, suffix);
	bool ok = uri && add_string(o, key, uri);

	free(uri);
	return ok;
}

/* --- rules --------------------------------------------------------- */

static const char *policy_title(const cr_policy_result *p)
{
	return p->title ? p->title : p->id;
}

static const char *policy_description(const cr_policy_result *p)
{
	return p->description ? p->description : policy_title(p);
}

/* SARIF wants a rule's name to be an identifier in Pascal case:
 * "CI-ACTIONS-PINNED" becomes "CiActionsPinned". */
static char *rule_name(const char *id)
{
	char *name = malloc(strlen(id) + 1);
	char *p = name;
	bool word_start = true;

	if (!name)
		return NULL;
	for (const char *s = id; *s; s++) {
		char c = *s;

		if (!ascii_alnum((unsigned char)c)) {
			word_start = true;
			continue;
		}
		if (word_start && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!word_start && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		*p++ = c;
		word_start = false;
	}
	*p = '\0';
	return name;
}

static bool add_rule_name(cJSON *rule, const char *id)
{
	char *name = rule_name(id);
	bool ok = name && add_string(rule, "name", *name ? name : id);

	free(name);
	return ok;
}

/* The description (or the title), then the remediation after `label`. */
static char *help_string(const cr_policy_result *p, const char *label)
{
	char *s;

	if (!p->remediation)
		return strdup(policy_description(p));
	if (asprintf(&s, "%s\n\n%s %s", policy_description(p), label,
		p->remediation) < 0)
		return NULL;
	return s;
}

static bool add_help(cJSON *rule, const cr_policy_result *p)
{
	char *text = help_string(p, "Remediation:");
	char *markdown = help_string(p, "**Remediation:**");
	cJSON *help = cJSON_AddObjectToObject(rule, "help");
	bool ok = text && markdown && help && add_string(help, "text", text) &&
		add_string(help, "markdown", markdown);

	free(text);
	free(markdown);
	return ok;
}

static bool add_rule_properties(cJSON *rule, const cr_policy_result *p)
{
	const char *security =
		severity_map[known_severity(p->severity)].security_severity;
	cJSON *props = cJSON_AddObjectToObject(rule, "properties");
	cJSON *tags = props ? cJSON_AddArrayToObject(props, "tags") : NULL;

	/* Tags must be unique: a category may itself be called "security". */
	if (!tags || !append_string(tags, p->category))
		return false;
	if (security && strcmp(p->category, SECURITY_TAG) != 0 &&
	    !append_string(tags, SECURITY_TAG))
		return false;
	return add_optional(props, "security-severity", security) &&
		add_string(props, "severity", cr_severity_name(p->severity)) &&
		add_string(props, "category", p->category) &&
		add_optional(props, "bundle", p->bundle) &&
		add_number(props, "weight", p->weight);
}

static bool add_rule(cJSON *rules, const cr_policy_result *p)
{
	cJSON *rule = append_object(rules);
	cJSON *config;

	if (!rule || !add_string(rule, "id", p->id) ||
	    !add_rule_name(rule, p->id) ||
	    !add_text(rule, "shortDescription", policy_title(p)) ||
	    !add_text(rule, "fullDescription", policy_description(p)) ||
	    !add_help(rule, p))
		return false;
	config = cJSON_AddObjectToObject(rule, "defaultConfiguration");
	return config && add_string(config, "level", severity_level(p->severity)) &&
		add_rule_properties(rule, p);
}

static bool add_tool(cJSON *run, const cr_report *r)
{
	cJSON *tool = cJSON_AddObjectToObject(run, "tool");
	cJSON *driver = tool ? cJSON_AddObjectToObject(tool, "driver") : NULL;
	cJSON *rules;

	if (!driver || !add_string(driver, "name", "crucible") ||
	    !add_string(driver, "version", CRUCIBLE_VERSION) ||
	    !add_string(driver, "semanticVersion", CRUCIBLE_VERSION))
		return false;
	rules = cJSON_AddArrayToObject(driver, "rules");
	if (!rules)
		return false;
	for (size_t i = 0; i < r->policy_count; i++) {
		if (!add_rule(rules, &r->policies[i]))
			return false;
	}
	return true;
}

/* --- results ------------------------------------------------------- */

/* The index of the policy, or -1 when the report does not have it. */
static long policy_index(const cr_report *r, const char *id)
{
	for (size_t i = 0; i < r->policy_count; i++) {
		if (strcmp(r->policies[i].id, id) == 0)
			return (long)i;
	}
	return -1;
}

static bool baseline_compared(const cr_report *r)
{
	if (r->fixed_count > 0)
		return true;
	for (size_t i = 0; i < r->finding_count; i++) {
		if (r->findings[i].baseline)
			return true;
	}
	return false;
}

static bool add_location(cJSON *locations, const cr_location *l)
{
	cJSON *loc = append_object(locations);
	cJSON *physical = loc ?
		cJSON_AddObjectToObject(loc, "physicalLocation") : NULL;
	cJSON *artifact = physical ?
		cJSON_AddObjectToObject(physical, "artifactLocation") : NULL;
	cJSON *region, *props;

	if (!artifact || !add_uri(artifact, "uri", l->path, "", "") ||
	    !add_string(artifact, "uriBaseId", SRCROOT))
		return false;
	if (l->line) {
		region = cJSON_AddObjectToObject(physical, "region");
		if (!region || !add_number(region, "startLine", l->line))
			return false;
	}
	if (!l->commit)
		return true;
	props = cJSON_AddObjectToObject(loc, "properties");
	return props && add_string(props, "commit", l->commit);
}

static bool add_locations(cJSON *result, const cr_finding *f)
{
	cJSON *locations = cJSON_AddArrayToObject(result, "locations");
	cJSON *related;

	if (!locations)
		return false;
	if (f->location_count == 0) {
		const cr_location root = { .path = "." };

		return add_location(locations, &root);
	}
	if (!add_location(locations, &f->locations[0]))
		return false;
	if (f->location_count == 1)
		return true;
	related = cJSON_AddArrayToObject(result, "relatedLocations");
	if (!related)
		return false;
	for (size_t i = 1; i < f->location_count; i++) {
		if (!add_location(related, &f->locations[i]))
			return false;
	}
	return true;
}

static bool add_suppression(cJSON *result, const cr_finding *f)
{
	cJSON *list = cJSON_AddArrayToObject(result, "suppressions");
	cJSON *s = list ? append_object(list) : NULL;

	return s && add_string(s, "kind", "external") &&
		add_string(s, "status", "accepted") &&
		add_optional(s, "justification", f->waiver);
}

static bool add_fingerprint(cJSON *result, const char *fingerprint)
{
	cJSON *fp = cJSON_AddObjectToObject(result, "partialFingerprints");

	return fp && add_string(fp, FINGERPRINT_KEY, fingerprint);
}

static const char *finding_text(const cr_report *r, const cr_finding *f,
	long rule)
{
	if (f->message)
		return f->message;
	return rule >= 0 ? policy_title(&r->policies[rule]) : f->policy;
}

static bool add_result(cJSON *results, const cr_report *r,
	const cr_finding *f, bool baseline)
{
	long rule = policy_index(r, f->policy);
	cJSON *result = append_object(results);
	cJSON *props;

	if (!result || !add_string(result, "ruleId", f->policy) ||
	    (rule >= 0 && !add_number(result, "ruleIndex", (double)rule)) ||
	    !add_string(result, "level", finding_level(f)) ||
	    !add_text(result, "message", finding_text(r, f, rule)) ||
	    !add_locations(result, f) ||
	    (f->fingerprint && !add_fingerprint(result, f->fingerprint)) ||
	    (f->waived && !add_suppression(result, f)) ||
	    (baseline && !add_string(result, "baselineState",
		f->baseline ? "unchanged" : "new")))
		return false;
	props = cJSON_AddObjectToObject(result, "properties");
	return props &&
		add_string(props, "severity", cr_severity_name(f->severity)) &&
		add_string(props, "kind", cr_status_name(f->kind));
}

static bool add_results(cJSON *run, const cr_report *r)
{
	cJSON *results = cJSON_AddArrayToObject(run, "results");
	bool baseline = baseline_compared(r);

	if (!results)
		return false;
	for (size_t i = 0; i < r->finding_count; i++) {
		if (!add_result(results, r, &r->findings[i], baseline))
			return false;
	}
	return true;
}

/* --- the run's invocation: what could not be evaluated ------------- */

/* A notification at the end of `list`, or NULL. */
static cJSON *append_notification(cJSON *list, const char *level,
	const char *text)
{
	cJSON *n = append_object(list);

	if (!n || !add_string(n, "level", level) || !add_text(n, "message", text))
		return NULL;
	return n;
}

static bool add_policy_notification(cJSON *list, const cr_policy_result *p,
	size_t index)
{
	bool errored = p->status == CR_STATUS_ERROR;
	cJSON *n, *rule;
	char *text;

	if (asprintf(&text, "%s %s: %s", p->id, errored ? "errored" : "skipped",
		p->message ? p->message : "no reason given") < 0)
		return false;
	n = append_notification(list, errored ? "error" : "note", text);
	free(text);
	rule = n ? cJSON_AddObjectToObject(n, "associatedRule") : NULL;
	return rule && add_string(rule, "id", p->id) &&
		add_number(rule, "index", (double)index);
}

/* The run completed, so executionSuccessful is true even when policies
 * errored: those are in the notifications, level "error". */
static bool add_invocation(cJSON *run, const cr_report *r)
{
	cJSON *list = cJSON_AddArrayToObject(run, "invocations");
	cJSON *inv = list ? append_object(list) : NULL;
	cJSON *notes;

	if (!inv || !cJSON_AddBoolToObject(inv, "executionSuccessful", true))
		return false;
	notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
	if (!notes)
		return false;
	for (size_t i = 0; i < r->policy_count; i++) {
		const cr_policy_result *p = &r->policies[i];

		if ((p->status == CR_STATUS_ERROR || p->status == CR_STATUS_SKIP) &&
		    !add_policy_notification(notes, p, i))
			return false;
	}
	for (size_t i = 0; i < r->warning_count; i++) {
		if (!append_notification(notes, "warning", r->warnings[i]))
			return false;
	}
	return true;
}

/* --- the run's properties: the score ------------------------------- */

static bool add_bundles(cJSON *props, const cr_report *r)
{
	cJSON *list = cJSON_AddArrayToObject(props, "bundles");

	if (!list)
		return false;
	for (size_t i = 0; i < r->bundle_count; i++) {
		const cr_bundle_ref *b = &r->bundles[i];
		cJSON *o = append_object(list);

		if (!o || !add_string(o, "name", b->name) ||
		    !add_optional(o, "version", b->version) ||
		    !add_optional(o, "digest", b->digest))
			return false;
	}
	return true;
}

/* As in the JSON report: an unscored category shows 0, scored false. */
static bool add_categories(cJSON *props, const cr_report *r)
{
	cJSON *list = cJSON_AddArrayToObject(props, "categories");

	if (!list)
		return false;
	for (size_t i = 0; i < r->category_count; i++) {
		const cr_category_result *c = &r->categories[i];
		cJSON *o = append_object(list);

		if (!o || !add_string(o, "id", c->id) ||
		    !add_optional(o, "title", c->title) ||
		    !add_number(o, "score", c->scored ? c->score : 0) ||
		    !cJSON_AddBoolToObject(o, "scored", c->scored) ||
		    !add_number(o, "weight", c->weight))
			return false;
	}
	return true;
}

static bool add_summary(cJSON *props, const cr_report *r)
{
	cJSON *summary = cJSON_AddObjectToObject(props, "summary");
	cJSON *policies = summary ?
		cJSON_AddObjectToObject(summary, "policies") : NULL;
	cJSON *findings = summary ?
		cJSON_AddObjectToObject(summary, "findings") : NULL;
	cr_report_tally t;

	cr_report_tally_compute(&t, r);
	if (!policies || !findings ||
	    !add_number(policies, "total", (double)t.policies) ||
	    !add_number(findings, "total", (double)t.findings) ||
	    !add_number(findings, "waived", (double)t.waived))
		return false;
	for (int s = 0; s < CR_STATUS_COUNT; s++) {
		if (!add_number(policies, cr_status_name((cr_status)s),
			(double)t.by_status[s]))
			return false;
	}
	for (int s = CR_SEVERITY_COUNT - 1; s >= 0; s--) {
		if (!add_number(findings, cr_severity_name((cr_severity)s),
			(double)t.active_by_severity[s]))
			return false;
	}
	return true;
}

static bool add_fixed(cJSON *props, const cr_report *r)
{
	cJSON *list = cJSON_AddArrayToObject(props, "fixed");

	if (!list)
		return false;
	for (size_t i = 0; i < r->fixed_count; i++) {
		const cr_fixed_finding *x = &r->fixed[i];
		cJSON *o = append_object(list);

		if (!o || !add_string(o, "policy", x->policy) ||
		    !add_optional(o, "path", x->path) ||
		    !add_optional(o, "fingerprint", x->fingerprint))
			return false;
	}
	return true;
}

static bool add_run_properties(cJSON *run, const cr_report *r)
{
	const char grade[2] = { r->grade, '\0' };
	cJSON *props = cJSON_AddObjectToObject(run, "properties");

	return props && add_number(props, "score", r->score) &&
		add_string(props, "grade", grade) &&
		add_optional(props, "verdict", r->verdict) &&
		add_optional(props, "commit", r->commit) &&
		add_optional(props, "branch", r->branch) &&
		add_bundles(props, r) && add_categories(props, r) &&
		add_summary(props, r) && add_fixed(props, r);
}

/* --- the log ------------------------------------------------------- */

/* %SRCROOT% is the evaluated directory; its URI only when the report has
 * an absolute path to make a file URI of (with the trailing slash that
 * SARIF requires of a base). */
static bool add_uri_base(cJSON *run, const cr_report *r)
{
	cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");
	cJSON *root = bases ? cJSON_AddObjectToObject(bases, SRCROOT) : NULL;
	const char *path = r->target_path;

	if (!root)
		return false;
	if (path && path[0] == '/' &&
	    !add_uri(root, "uri", path, "file://",
		path[strlen(path) - 1] == '/' ? "" : "/"))
		return false;
	return add_text(root, "description",
		"The root of the repository crucible evaluated");
}

static cJSON *sarif_log(const cr_report *r)
{
	cJSON *log = cJSON_CreateObject();
	cJSON *runs = NULL, *run = NULL;
	bool ok;

	if (log && add_string(log, "$schema", SARIF_SCHEMA) &&
	    add_string(log, "version", SARIF_VERSION))
		runs = cJSON_AddArrayToObject(log, "runs");
	run = runs ? append_object(runs) : NULL;
	ok = run && add_tool(run, r) && add_invocation(run, r) &&
		add_uri_base(run, r) && add_results(run, r) &&
		add_run_properties(run, r);

	if (ok)
		return log;
	cJSON_Delete(log);
	return NULL;
}

int cr_report_render_sarif(const cr_report *r, FILE *f, cr_ctx *ctx)
{
	cJSON *log = sarif_log(r);
	char *text = NULL;
	int err = CR_OK;

	if (!log) {
		err = cr_error_set(ctx, CR_ENOMEM,
			"out of memory building the SARIF report");
		goto done;
	}
	text = cJSON_Print(log);
	if (!text) {
		err = cr_error_set(ctx, CR_ENOMEM,
			"out of memory printing the SARIF report");
		goto done;
	}
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF || fflush(f) == EOF)
		err = cr_error_set(ctx, CR_EIO, "cannot write the SARIF report");
done:
	cJSON_free(text);
	cJSON_Delete(log);
	return err;
}
