/*
 * json.c - the machine-readable report: the crucible.report/v1 schema of
 * DESIGN.md ("JSON report"), built with cJSON and printed indented.
 *
 * Consumers (CI gates, dashboards) rely on the schema, so keys are only
 * ever added, never renamed.  Added here: policies[].bundle, .module,
 * .description, .remediation, .duration_ms, .scored; findings[].kind,
 * .waiver (why it is waived) and .baseline; the top-level "fixed" (the
 * baseline's findings that are gone) and "warnings" lists;
 * categories[].scored; and a "summary" object with the tallies the text
 * report prints.  Scores are always numbers, as the schema promises: an
 * unscored category or a skipped or errored policy shows 0 with
 * "scored": false, which is what tells it apart from a real 0.  Absent
 * values are JSON null, never omitted: a location's line (0 in the model)
 * and commit, and every optional string.
 *
 * Builders return a new item or NULL when out of memory; put()/push()
 * take ownership of the item either way, and && chains stop building at
 * the first failure, so a failure anywhere unwinds by deleting the one
 * object under construction.
 */
#include "crucible/report.h"

#include <cjson/cJSON.h>

#include "report/report_private.h"

#define REPORT_SCHEMA "crucible.report/v1"

static bool put(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return false;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

static bool push(cJSON *arr, cJSON *item)
{
	if (!item)
		return false;
	if (!cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

/* The object if it was completed, else nothing (and no leak). */
static cJSON *finish(cJSON *item, bool ok)
{
	if (ok)
		return item;
	cJSON_Delete(item);
	return NULL;
}

static cJSON *string_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *tool_json(void)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "name", cJSON_CreateString("crucible")) &&
		put(o, "version", cJSON_CreateString(CRUCIBLE_VERSION));

	return finish(o, ok);
}

static cJSON *target_json(const cr_report *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "path", string_or_null(r->target_path)) &&
		put(o, "commit", string_or_null(r->commit)) &&
		put(o, "branch", string_or_null(r->branch));

	return finish(o, ok);
}

static cJSON *bundle_json(const cr_bundle_ref *b)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "name", string_or_null(b->name)) &&
		put(o, "version", string_or_null(b->version)) &&
		put(o, "digest", string_or_null(b->digest));

	return finish(o, ok);
}

static cJSON *score_json(const cr_report *r)
{
	const char grade[2] = { r->grade, '\0' };
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "value", cJSON_CreateNumber(r->score)) &&
		put(o, "grade", cJSON_CreateString(grade)) &&
		put(o, "verdict", string_or_null(r->verdict));

	return finish(o, ok);
}

static cJSON *policy_tally_json(const cr_report_tally *t)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "total", cJSON_CreateNumber((double)t->policies));

	for (int s = 0; ok && s < CR_STATUS_COUNT; s++)
		ok = put(o, cr_status_name((cr_status)s),
			cJSON_CreateNumber((double)t->by_status[s]));
	return finish(o, ok);
}

/* Per severity, only the findings that still count (not waived). */
static cJSON *finding_tally_json(const cr_report_tally *t)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "total", cJSON_CreateNumber((double)t->findings)) &&
		put(o, "waived", cJSON_CreateNumber((double)t->waived));

	for (int s = CR_SEVERITY_COUNT - 1; ok && s >= 0; s--)
		ok = put(o, cr_severity_name((cr_severity)s),
			cJSON_CreateNumber((double)t->active_by_severity[s]));
	return finish(o, ok);
}

static cJSON *summary_json(const cr_report *r)
{
	cJSON *o = cJSON_CreateObject();
	cr_report_tally t;
	bool ok;

	cr_report_tally_compute(&t, r);
	ok = put(o, "policies", policy_tally_json(&t)) &&
		put(o, "findings", finding_tally_json(&t));
	return finish(o, ok);
}

static cJSON *strings_json(char *const *items, size_t count)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < count; i++)
		ok = push(a, cJSON_CreateString(items[i]));
	return finish(a, ok);
}

static cJSON *category_json(const cr_category_result *c)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "id", cJSON_CreateString(c->id)) &&
		put(o, "title", string_or_null(c->title)) &&
		put(o, "score", cJSON_CreateNumber(c->scored ? c->score : 0)) &&
		put(o, "scored", cJSON_CreateBool(c->scored)) &&
		put(o, "weight", cJSON_CreateNumber(c->weight)) &&
		put(o, "policies", strings_json(c->policies, c->policy_count));

	return finish(o, ok);
}

static bool policy_scored(const cr_policy_result *p)
{
	return p->status != CR_STATUS_SKIP && p->status != CR_STATUS_ERROR;
}

static cJSON *policy_json(const cr_policy_result *p)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "id", cJSON_CreateString(p->id)) &&
		put(o, "title", string_or_null(p->title)) &&
		put(o, "category", cJSON_CreateString(p->category)) &&
		put(o, "severity", cJSON_CreateString(cr_severity_name(p->severity))) &&
		put(o, "status", cJSON_CreateString(cr_status_name(p->status))) &&
		put(o, "score", cJSON_CreateNumber(policy_scored(p) ? p->score : 0)) &&
		put(o, "scored", cJSON_CreateBool(policy_scored(p))) &&
		put(o, "weight", cJSON_CreateNumber(p->weight)) &&
		put(o, "message", string_or_null(p->message)) &&
		put(o, "bundle", string_or_null(p->bundle)) &&
		put(o, "module", string_or_null(p->module)) &&
		put(o, "description", string_or_null(p->description)) &&
		put(o, "remediation", string_or_null(p->remediation)) &&
		put(o, "duration_ms", cJSON_CreateNumber(p->duration_ms));

	return finish(o, ok);
}

static cJSON *location_json(const cr_location *l)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "path", cJSON_CreateString(l->path)) &&
		put(o, "line", l->line ? cJSON_CreateNumber(l->line) :
			cJSON_CreateNull()) &&
		put(o, "commit", string_or_null(l->commit));

	return finish(o, ok);
}

static cJSON *locations_json(const cr_finding *f)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < f->location_count; i++)
		ok = push(a, location_json(&f->locations[i]));
	return finish(a, ok);
}

static cJSON *finding_json(const cr_finding *f)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "policy", cJSON_CreateString(f->policy)) &&
		put(o, "severity", cJSON_CreateString(cr_severity_name(f->severity))) &&
		put(o, "kind", cJSON_CreateString(cr_status_name(f->kind))) &&
		put(o, "message", string_or_null(f->message)) &&
		put(o, "locations", locations_json(f)) &&
		put(o, "fingerprint", string_or_null(f->fingerprint)) &&
		put(o, "waived", cJSON_CreateBool(f->waived)) &&
		put(o, "waiver", string_or_null(f->waiver)) &&
		put(o, "baseline", cJSON_CreateBool(f->baseline));

	return finish(o, ok);
}

static cJSON *fixed_json(const cr_fixed_finding *f)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "policy", cJSON_CreateString(f->policy)) &&
		put(o, "path", string_or_null(f->path)) &&
		put(o, "fingerprint", cJSON_CreateString(f->fingerprint));

	return finish(o, ok);
}

/* With --baseline: the baseline's findings that are gone. */
static cJSON *fixed_list_json(const cr_report *r)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < r->fixed_count; i++)
		ok = push(a, fixed_json(&r->fixed[i]));
	return finish(a, ok);
}

static cJSON *warnings_json(const cr_report *r)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < r->warning_count; i++)
		ok = push(a, cJSON_CreateString(r->warnings[i]));
	return finish(a, ok);
}

static cJSON *stats_json(const cr_report *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "files", cJSON_CreateNumber((double)r->stats.files)) &&
		put(o, "bytes", cJSON_CreateNumber((double)r->stats.bytes)) &&
		put(o, "commits", cJSON_CreateNumber((double)r->stats.commits)) &&
		put(o, "duration_ms",
			cJSON_CreateNumber((double)r->stats.duration_ms));

	return finish(o, ok);
}

static cJSON *bundles_json(const cr_report *r)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < r->bundle_count; i++)
		ok = push(a, bundle_json(&r->bundles[i]));
	return finish(a, ok);
}

static cJSON *categories_json(const cr_report *r)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < r->category_count; i++)
		ok = push(a, category_json(&r->categories[i]));
	return finish(a, ok);
}

static cJSON *policies_json(const cr_report *r)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < r->policy_count; i++)
		ok = push(a, policy_json(&r->policies[i]));
	return finish(a, ok);
}

static cJSON *findings_json(const cr_report *r)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < r->finding_count; i++)
		ok = push(a, finding_json(&r->findings[i]));
	return finish(a, ok);
}

/* In the order of the schema in DESIGN.md, the summary after the score. */
static cJSON *report_json(const cr_report *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = put(o, "schema", cJSON_CreateString(REPORT_SCHEMA)) &&
		put(o, "tool", tool_json()) &&
		put(o, "target", target_json(r)) &&
		put(o, "bundles", bundles_json(r)) &&
		put(o, "score", score_json(r)) &&
		put(o, "summary", summary_json(r)) &&
		put(o, "categories", categories_json(r)) &&
		put(o, "policies", policies_json(r)) &&
		put(o, "findings", findings_json(r)) &&
		put(o, "fixed", fixed_list_json(r)) &&
		put(o, "warnings", warnings_json(r)) &&
		put(o, "stats", stats_json(r));

	return finish(o, ok);
}

int cr_report_render_json(const cr_report *r, FILE *f, cr_ctx *ctx)
{
	cJSON *doc = report_json(r);
	char *text = NULL;
	int err = CR_OK;

	if (!doc) {
		err = cr_error_set(ctx, CR_ENOMEM,
			"out of memory building the JSON report");
		goto done;
	}
	text = cJSON_Print(doc);
	if (!text) {
		err = cr_error_set(ctx, CR_ENOMEM,
			"out of memory printing the JSON report");
		goto done;
	}
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF || fflush(f) == EOF)
		err = cr_error_set(ctx, CR_EIO, "cannot write the JSON report");
done:
	cJSON_free(text);
	cJSON_Delete(doc);
	return err;
}
