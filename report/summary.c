/*
 * summary.c - `crucible summary`: fold many crucible.report/v1 JSON
 * reports into one organisation-level view (see summary.h), and render it
 * as Markdown, a self-contained HTML page or CSV.
 *
 * Each report is parsed, fully validated, folded into the running totals
 * and its cJSON tree freed before the next one is read: what is kept per
 * report is one small cr_summary_repo, so the cost of thousands of reports
 * is their count, not their size.  Validation comes before folding so that
 * a rejected report leaves no trace.  While reports are added, the policy
 * and category tables stay sorted by id (found by binary search);
 * cr_summary_finish() re-sorts them for display.
 *
 * The renderers print only what the summary holds, in the orders finish
 * set, so the same reports always give the same bytes.  Every string that
 * came from a report is escaped for the format it lands in.
 */
#include "crucible/summary.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report_private.h"

#define REPORT_SCHEMA "crucible.report/v1"
#define SHORT_COMMIT 12

static const char *const verdict_names[CR_VERDICT_COUNT] = {
	[CR_VERDICT_READY] = "ready",
	[CR_VERDICT_AT_RISK] = "at-risk",
	[CR_VERDICT_NOT_READY] = "not-ready",
};

static const char *const verdict_labels[CR_VERDICT_COUNT] = {
	[CR_VERDICT_READY] = "ready",
	[CR_VERDICT_AT_RISK] = "at risk",
	[CR_VERDICT_NOT_READY] = "not ready",
};

int cr_summary_new(cr_summary **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? CR_OK : CR_ENOMEM;
}

void cr_summary_free(cr_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->repo_count; i++) {
		free(s->repos[i].name);
		free(s->repos[i].path);
		free(s->repos[i].commit);
		free(s->repos[i].source);
	}
	for (size_t i = 0; i < s->policy_count; i++) {
		free(s->policies[i].id);
		free(s->policies[i].title);
	}
	for (size_t i = 0; i < s->category_count; i++) {
		free(s->categories[i].id);
		free(s->categories[i].title);
	}
	free(s->repos);
	free(s->policies);
	free(s->categories);
	free(s);
}

/* --- growth and lookup --------------------------------------------- */

/* Open a zeroed slot at `at` in an array of *count elements. */
static void *insert_slot(void **items, size_t *count, size_t size, size_t at)
{
	char *grown = cr_report_reserve(*items, *count, size), *slot;

	if (!grown)
		return NULL;
	*items = grown;
	slot = grown + at * size;
	memmove(slot + size, slot, (*count - at) * size);
	memset(slot, 0, size);
	(*count)++;
	return slot;
}

/*
 * Index of `id` in an array of elements sorted by the id that starts each
 * of them (both cr_summary_policy and cr_summary_category do), or the
 * index where it belongs, with *found telling which.
 */
static size_t find_sorted(bool *found, const void *array, size_t count,
	size_t size, const char *id)
{
	size_t lo = 0, hi = count;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *mid_id = *(char *const *)((const char *)array +
			mid * size);
		int cmp = strcmp(id, mid_id);

		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* qsort() wants a non-NULL base even for no elements. */
static void sort(void *items, size_t count, size_t size,
	int (*compare)(const void *, const void *))
{
	if (count > 1)
		qsort(items, count, size, compare);
}

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return CR_ENOMEM;
	return CR_OK;
}

/* Several reports may title the same id differently (bundle versions):
 * keep the alphabetically first, so the result ignores input order. */
static int merge_title(char **title, const char *candidate)
{
	char *copy;

	if (!candidate || (*title && strcmp(*title, candidate) <= 0))
		return CR_OK;
	if (!(copy = strdup(candidate)))
		return CR_ENOMEM;
	free(*title);
	*title = copy;
	return CR_OK;
}

/* --- reading one report -------------------------------------------- */

/* What a report contributes, borrowed from its cJSON tree. */
struct report_view {
	const char *path;
	const char *commit;
	double score;
	char grade;
	int verdict;
	const cJSON *policies;
	const cJSON *categories;
};

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static bool is_string_or_null(const cJSON *item)
{
	return !item || cJSON_IsNull(item) || cJSON_IsString(item);
}

/* A string member, or NULL when absent or null (checked beforehand). */
static const char *string_of(const cJSON *obj, const char *key)
{
	const cJSON *item = member(obj, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static bool is_percent(const cJSON *item)
{
	return cJSON_IsNumber(item) && isfinite(item->valuedouble) &&
		item->valuedouble >= 0 && item->valuedouble <= 100;
}

static bool is_id(const cJSON *item)
{
	return cJSON_IsString(item) && item->valuestring[0] != '\0';
}

static int verdict_index(const char *name)
{
	for (int i = 0; i < CR_VERDICT_COUNT; i++)
		if (strcmp(name, verdict_names[i]) == 0)
			return i;
	return -1;
}

/* NULL when valid, else what is wrong with it. */
static const char *check_target(struct report_view *v, const cJSON *doc)
{
	const cJSON *target = member(doc, "target");

	if (!cJSON_IsObject(target))
		return "\"target\" is missing or not an object";
	if (!is_string_or_null(member(target, "path")) ||
	    !is_string_or_null(member(target, "commit")))
		return "\"target.path\" or \"target.commit\" is not a string";
	v->path = string_of(target, "path");
	v->commit = string_of(target, "commit");
	return NULL;
}

static const char *check_score(struct report_view *v, const cJSON *doc)
{
	const cJSON *score = member(doc, "score");
	const cJSON *value = member(score, "value");
	const cJSON *grade = member(score, "grade");
	const cJSON *verdict = member(score, "verdict");

	if (!cJSON_IsObject(score))
		return "\"score\" is missing or not an object";
	if (!is_percent(value))
		return "\"score.value\" is not a number from 0 to 100";
	if (!cJSON_IsString(grade) || grade->valuestring[0] < 'A' ||
	    grade->valuestring[0] > 'F' || grade->valuestring[1] != '\0')
		return "\"score.grade\" is not a letter from A to F";
	if (!cJSON_IsString(verdict) ||
	    (v->verdict = verdict_index(verdict->valuestring)) < 0)
		return "\"score.verdict\" is not ready, at-risk or not-ready";
	v->score = value->valuedouble;
	v->grade = grade->valuestring[0];
	return NULL;
}

static const char *check_policies(struct report_view *v, const cJSON *doc)
{
	const cJSON *policies = member(doc, "policies"), *p;
	cr_severity sev;
	cr_status status;

	if (!cJSON_IsArray(policies))
		return "\"policies\" is missing or not an array";
	cJSON_ArrayForEach(p, policies) {
		if (!is_id(member(p, "id")))
			return "a policy has no \"id\"";
		if (!is_string_or_null(member(p, "title")))
			return "a policy's \"title\" is not a string";
		if (cr_status_parse(&status, string_of(p, "status")) != CR_OK)
			return "a policy's \"status\" is missing or unknown";
		if (cr_severity_parse(&sev, string_of(p, "severity")) != CR_OK)
			return "a policy's \"severity\" is missing or unknown";
	}
	v->policies = policies;
	return NULL;
}

static const char *check_categories(struct report_view *v, const cJSON *doc)
{
	const cJSON *categories = member(doc, "categories"), *c, *scored;

	if (!cJSON_IsArray(categories))
		return "\"categories\" is missing or not an array";
	cJSON_ArrayForEach(c, categories) {
		scored = member(c, "scored");
		if (!is_id(member(c, "id")))
			return "a category has no \"id\"";
		if (!is_string_or_null(member(c, "title")))
			return "a category's \"title\" is not a string";
		if (!is_percent(member(c, "score")))
			return "a category's \"score\" is not a number from 0 to 100";
		if (scored && !cJSON_IsBool(scored))
			return "a category's \"scored\" is not a boolean";
	}
	v->categories = categories;
	return NULL;
}

/* Check everything the summary reads, before anything is folded in. */
static int view_report(struct report_view *v, cr_ctx *ctx, const cJSON *doc,
	const char *source)
{
	const char *schema = cJSON_IsObject(doc) ? string_of(doc, "schema") : NULL;
	const char *problem;

	if (!schema || strcmp(schema, REPORT_SCHEMA) != 0)
		return cr_error_set(ctx, CR_EPARSE,
			"%s: not a " REPORT_SCHEMA " report (\"schema\" is %s%s%s)",
			source, schema ? "\"" : "", schema ? schema : "missing",
			schema ? "\"" : "");
	if ((problem = check_target(v, doc)) ||
	    (problem = check_score(v, doc)) ||
	    (problem = check_policies(v, doc)) ||
	    (problem = check_categories(v, doc)))
		return cr_error_set(ctx, CR_EPARSE,
			"%s: invalid " REPORT_SCHEMA " report: %s", source, problem);
	return CR_OK;
}

/* --- folding a report in ------------------------------------------- */

static bool policy_failed(const cJSON *p)
{
	cr_status status;

	return cr_status_parse(&status, string_of(p, "status")) == CR_OK &&
		status == CR_STATUS_FAIL;
}

static bool category_scored(const cJSON *c)
{
	return !cJSON_IsFalse(member(c, "scored"));
}

/* An item of a report array and its position there. */
struct ranked_item {
	const cJSON *item;
	size_t pos;
};

static int by_id_then_pos(const void *a, const void *b)
{
	const struct ranked_item *x = a, *y = b;
	int cmp = strcmp(string_of(x->item, "id"), string_of(y->item, "id"));

	if (cmp != 0)
		return cmp;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * The items of `array` that `keep` accepts, one per id (the first in
 * report order), sorted by id, in a new array the caller frees: a report
 * that lists an id twice still counts once.
 */
static int unique_items(struct ranked_item **out, size_t *count,
	const cJSON *array, bool (*keep)(const cJSON *))
{
	struct ranked_item *items;
	const cJSON *item;
	size_t n = 0, kept = 0;

	*out = NULL;
	*count = 0;
	items = malloc(((size_t)cJSON_GetArraySize(array) + 1) * sizeof *items);
	if (!items)
		return CR_ENOMEM;
	cJSON_ArrayForEach(item, array) {
		if (!keep(item))
			continue;
		items[n].item = item;
		items[n].pos = n;
		n++;
	}
	sort(items, n, sizeof *items, by_id_then_pos);
	for (size_t i = 0; i < n; i++) {
		if (kept == 0 || strcmp(string_of(items[kept - 1].item, "id"),
			string_of(items[i].item, "id")) != 0)
			items[kept++] = items[i];
	}
	*out = items;
	*count = kept;
	return CR_OK;
}

static int add_repo(cr_summary *s, const struct report_view *v,
	const char *source, size_t failing, size_t critical)
{
	cr_summary_repo *grown, *r;

	if (!(grown = cr_report_reserve(s->repos, s->repo_count, sizeof *s->repos)))
		return CR_ENOMEM;
	s->repos = grown;
	r = &s->repos[s->repo_count];
	memset(r, 0, sizeof *r);
	if (dup_or_null(&r->path, v->path) != CR_OK ||
	    dup_or_null(&r->commit, v->commit) != CR_OK ||
	    dup_or_null(&r->source, source) != CR_OK) {
		free(r->path);
		free(r->commit);
		return CR_ENOMEM;
	}
	r->score = v->score;
	r->grade = v->grade;
	r->verdict = verdict_names[v->verdict];
	r->failing = failing;
	r->critical = critical;
	s->repo_count++;
	s->verdicts[v->verdict]++;
	s->score_sum += v->score;
	return CR_OK;
}

/*
 * The element of a sorted table whose id is `id`, inserted (zeroed but
 * for its id) when missing; NULL when out of memory.  The id is the first
 * member of both table types, which is what find_sorted() reads too.
 */
static void *find_or_insert(void **items, size_t *count, size_t size,
	const char *id)
{
	bool found;
	size_t at = find_sorted(&found, *items, *count, size, id);
	char *slot, *copy;

	if (found)
		return (char *)*items + at * size;
	if (!(copy = strdup(id)))
		return NULL;
	if (!(slot = insert_slot(items, count, size, at))) {
		free(copy);
		return NULL;
	}
	memcpy(slot, &copy, sizeof copy);
	return slot;
}

static_assert(offsetof(cr_summary_policy, id) == 0, "id leads the entry");
static_assert(offsetof(cr_summary_category, id) == 0, "id leads the entry");

static int fold_policy(cr_summary *s, const cJSON *p)
{
	void *items = s->policies;
	cr_summary_policy *entry = find_or_insert(&items, &s->policy_count,
		sizeof *entry, string_of(p, "id"));
	cr_severity sev = CR_SEV_INFO;

	s->policies = items;
	if (!entry)
		return CR_ENOMEM;
	cr_severity_parse(&sev, string_of(p, "severity"));
	if (sev > entry->severity)
		entry->severity = sev;
	entry->repos++;
	return merge_title(&entry->title, string_of(p, "title"));
}

static int fold_category(cr_summary *s, const cJSON *c)
{
	void *items = s->categories;
	cr_summary_category *entry = find_or_insert(&items, &s->category_count,
		sizeof *entry, string_of(c, "id"));

	s->categories = items;
	if (!entry)
		return CR_ENOMEM;
	if (category_scored(c)) {
		entry->score_sum += member(c, "score")->valuedouble;
		entry->repos++;
	}
	return merge_title(&entry->title, string_of(c, "title"));
}

static bool is_any(const cJSON *item)
{
	(void)item;
	return true;
}

static size_t count_critical(const struct ranked_item *failing, size_t n)
{
	size_t critical = 0;
	cr_severity sev;

	for (size_t i = 0; i < n; i++) {
		if (cr_severity_parse(&sev, string_of(failing[i].item,
			"severity")) == CR_OK && sev == CR_SEV_CRITICAL)
			critical++;
	}
	return critical;
}

static int fold_report(cr_summary *s, const struct report_view *v,
	const char *source)
{
	struct ranked_item *failing = NULL, *categories = NULL;
	size_t nfailing, ncategories;
	int rc;

	if ((rc = unique_items(&failing, &nfailing, v->policies,
		policy_failed)) != CR_OK ||
	    (rc = unique_items(&categories, &ncategories, v->categories,
		is_any)) != CR_OK ||
	    (rc = add_repo(s, v, source, nfailing,
		count_critical(failing, nfailing))) != CR_OK)
		goto done;
	for (size_t i = 0; rc == CR_OK && i < nfailing; i++)
		rc = fold_policy(s, failing[i].item);
	for (size_t i = 0; rc == CR_OK && i < ncategories; i++)
		rc = fold_category(s, categories[i].item);
done:
	free(failing);
	free(categories);
	return rc;
}

int cr_summary_add_json(cr_summary *s, cr_ctx *ctx, const char *json,
	size_t len, const char *source)
{
	struct report_view view = {0};
	cJSON *doc;
	int rc;

	if (s->finished)
		return cr_error_set(ctx, CR_EINVAL,
			"%s: the summary is already finished", source);
	if (!(doc = cJSON_ParseWithLength(json, len)))
		return cr_error_set(ctx, CR_EPARSE, "%s: not valid JSON", source);
	if ((rc = view_report(&view, ctx, doc, source)) == CR_OK &&
	    (rc = fold_report(s, &view, source)) != CR_OK)
		rc = cr_error_set(ctx, rc, "%s: out of memory", source);
	cJSON_Delete(doc);
	return rc;
}

static int read_fully(int fd, char *buf, size_t len, size_t *got)
{
	ssize_t n;

	*got = 0;
	while (*got < len) {
		n = read(fd, buf + *got, len - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* The whole file, refusing what cannot be a report (a directory, a FIFO,
 * something huge) before reading it. */
static int read_report(char **out, size_t *len, cr_ctx *ctx,
	const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int rc = CR_OK;

	*out = NULL;
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = cr_error_set(ctx, CR_EIO, "%s: cannot read: %s", path,
			strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = cr_error_set(ctx, CR_EIO, "%s: not a regular file", path);
		goto done;
	}
	if ((uintmax_t)st.st_size > CR_SUMMARY_MAX_REPORT_BYTES) {
		rc = cr_error_set(ctx, CR_EPARSE, "%s: larger than %u MiB, not "
			"a report", path, CR_SUMMARY_MAX_REPORT_BYTES >> 20);
		goto done;
	}
	if (!(*out = malloc((size_t)st.st_size + 1))) {
		rc = cr_error_set(ctx, CR_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	if (read_fully(fd, *out, (size_t)st.st_size, len) != 0) {
		rc = cr_error_set(ctx, CR_EIO, "%s: cannot read: %s", path,
			strerror(errno));
		free(*out);
		*out = NULL;
		goto done;
	}
	(*out)[*len] = '\0';
done:
	if (fd >= 0)
		close(fd);
	return rc;
}

int cr_summary_add_file(cr_summary *s, cr_ctx *ctx, const char *path)
{
	char *json;
	size_t len = 0;
	int rc;

	if ((rc = read_report(&json, &len, ctx, path)) != CR_OK)
		return rc;
	rc = cr_summary_add_json(s, ctx, json, len, path);
	free(json);
	return rc;
}

/* --- finishing: names and orders ----------------------------------- */

/* The last component of a path, ignoring trailing slashes; "" for "/". */
static void last_component(const char **start, size_t *len, const char *path)
{
	size_t end = strlen(path), begin;

	while (end > 0 && path[end - 1] == '/')
		end--;
	begin = end;
	while (begin > 0 && path[begin - 1] != '/')
		begin--;
	*start = path + begin;
	*len = end - begin;
}

/* The repository's directory name, or else its report file's name
 * without ".json". */
static char *base_name(const cr_summary_repo *r)
{
	const char *start = NULL;
	size_t len = 0;

	if (r->path)
		last_component(&start, &len, r->path);
	if (len == 0) {
		last_component(&start, &len, r->source);
		if (len > 5 && strncmp(start + len - 5, ".json", 5) == 0)
			len -= 5;
	}
	return strndup(start, len);
}

static int by_name(const void *a, const void *b)
{
	const cr_summary_repo *x = *(cr_summary_repo *const *)a;
	const cr_summary_repo *y = *(cr_summary_repo *const *)b;
	int cmp = strcmp(x->name, y->name);

	return cmp ? cmp : strcmp(x->source, y->source);
}

static bool commit_unique(cr_summary_repo *const *run, size_t n,
	const cr_summary_repo *r)
{
	size_t same = 0;

	if (!r->commit)
		return false;
	for (size_t i = 0; i < n; i++)
		same += run[i]->commit && strcmp(run[i]->commit, r->commit) == 0;
	return same == 1;
}

/* Reports that share a name: tell them apart by commit when that is
 * enough, else by the report file. */
static int disambiguate(cr_summary_repo *const *run, size_t n)
{
	char **names = calloc(n, sizeof *names);
	int rc = CR_OK, len;

	if (!names)
		return CR_ENOMEM;
	for (size_t i = 0; rc == CR_OK && i < n; i++) {
		const cr_summary_repo *r = run[i];

		if (commit_unique(run, n, r))
			len = asprintf(&names[i], "%s@%.*s", r->name,
				SHORT_COMMIT, r->commit);
		else
			len = asprintf(&names[i], "%s (%s)", r->name, r->source);
		if (len < 0) {
			names[i] = NULL;
			rc = CR_ENOMEM;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (rc == CR_OK) {
			free(run[i]->name);
			run[i]->name = names[i];
		} else {
			free(names[i]);
		}
	}
	free(names);
	return rc;
}

static int name_repos(cr_summary *s)
{
	cr_summary_repo **order;
	size_t i, j;
	int rc = CR_OK;

	for (i = 0; i < s->repo_count; i++)
		if (!(s->repos[i].name = base_name(&s->repos[i])))
			return CR_ENOMEM;
	if (!(order = malloc((s->repo_count + 1) * sizeof *order)))
		return CR_ENOMEM;
	for (i = 0; i < s->repo_count; i++)
		order[i] = &s->repos[i];
	sort(order, s->repo_count, sizeof *order, by_name);
	for (i = 0; rc == CR_OK && i < s->repo_count; i = j) {
		for (j = i + 1; j < s->repo_count; j++)
			if (strcmp(order[i]->name, order[j]->name) != 0)
				break;
		if (j - i > 1)
			rc = disambiguate(order + i, j - i);
	}
	free(order);
	return rc;
}

static int compare_double(double x, double y)
{
	return (x > y) - (x < y);
}

static int by_rank(const void *a, const void *b)
{
	const cr_summary_repo *x = a, *y = b;
	int cmp = compare_double(x->score, y->score);

	if (cmp == 0)
		cmp = strcmp(x->name, y->name);
	return cmp ? cmp : strcmp(x->source, y->source);
}

static int by_prevalence(const void *a, const void *b)
{
	const cr_summary_policy *x = a, *y = b;

	if (x->repos != y->repos)
		return x->repos < y->repos ? 1 : -1;
	if (x->severity != y->severity)
		return x->severity < y->severity ? 1 : -1;
	return strcmp(x->id, y->id);
}

double cr_summary_category_mean(const cr_summary_category *c)
{
	return c->repos ? c->score_sum / (double)c->repos : 0;
}

/* Scored categories first, weakest first; never-scored ones last. */
static int by_mean(const void *a, const void *b)
{
	const cr_summary_category *x = a, *y = b;
	int cmp = (x->repos == 0) - (y->repos == 0);

	if (cmp == 0)
		cmp = compare_double(cr_summary_category_mean(x),
			cr_summary_category_mean(y));
	return cmp ? cmp : strcmp(x->id, y->id);
}

int cr_summary_finish(cr_summary *s, cr_ctx *ctx)
{
	if (s->finished)
		return cr_error_set(ctx, CR_EINVAL, "summary already finished");
	if (name_repos(s) != CR_OK)
		return cr_error_set(ctx, CR_ENOMEM,
			"out of memory naming repositories");
	sort(s->repos, s->repo_count, sizeof *s->repos, by_rank);
	sort(s->policies, s->policy_count, sizeof *s->policies, by_prevalence);
	sort(s->categories, s->category_count, sizeof *s->categories, by_mean);
	s->finished = true;
	return CR_OK;
}

/* --- what every format shows --------------------------------------- */

static double mean_score(const cr_summary *s)
{
	return s->repo_count ? s->score_sum / (double)s->repo_count : 0;
}

static double percent(size_t part, size_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static size_t policies_shown(const cr_summary *s, const cr_summary_opts *o)
{
	size_t top = o ? o->top : 0;

	return top && top < s->policy_count ? top : s->policy_count;
}

static int check_finished(const cr_summary *s, cr_ctx *ctx)
{
	if (!s->finished)
		return cr_error_set(ctx, CR_EINVAL,
			"the summary must be finished before it is rendered");
	return CR_OK;
}

static int flush_output(FILE *f, cr_ctx *ctx, const char *format)
{
	if (ferror(f) || fflush(f) == EOF)
		return cr_error_set(ctx, CR_EIO, "cannot write the %s summary",
			format);
	return CR_OK;
}

/* --- Markdown ------------------------------------------------------ */

/*
 * Text from a report inside a table cell: a backslash before every
 * character Markdown could read as syntax (CommonMark allows it before any
 * ASCII punctuation), and line breaks, which would end the row, as spaces.
 */
static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			continue;
		else if (strchr("\\`*_[]<>|#!~&", *s))
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
	}
}

static void md_totals(const cr_summary *s, FILE *f)
{
	fprintf(f, "# crucible summary\n\n"
		"| Repositories | Ready | At risk | Not ready | Mean score |\n"
		"| ---: | ---: | ---: | ---: | ---: |\n"
		"| %zu | %zu | %zu | %zu | %.1f |\n", s->repo_count,
		s->verdicts[CR_VERDICT_READY], s->verdicts[CR_VERDICT_AT_RISK],
		s->verdicts[CR_VERDICT_NOT_READY], mean_score(s));
	if (s->skipped)
		fprintf(f, "\nReports skipped as unreadable or invalid: %zu.\n",
			s->skipped);
}

static void md_repos(const cr_summary *s, FILE *f)
{
	fprintf(f, "\n## Repositories, worst first\n\n"
		"| Rank | Repository | Score | Grade | Verdict | Failing policies "
		"| Critical failures |\n"
		"| ---: | --- | ---: | :---: | --- | ---: | ---: |\n");
	for (size_t i = 0; i < s->repo_count; i++) {
		const cr_summary_repo *r = &s->repos[i];

		fprintf(f, "| %zu | ", i + 1);
		md_text(f, r->name);
		fprintf(f, " | %.1f | %c | %s | %zu | %zu |\n", r->score,
			r->grade, r->verdict, r->failing, r->critical);
	}
}

static void md_policies(const cr_summary *s, const cr_summary_opts *o,
	FILE *f)
{
	size_t shown = policies_shown(s, o);

	fprintf(f, "\n## Most common failing policies\n\n");
	if (s->policy_count == 0) {
		fprintf(f, "No policy fails in any repository.\n");
		return;
	}
	if (shown < s->policy_count)
		fprintf(f, "The %zu most common of %zu failing policies.\n\n",
			shown, s->policy_count);
	fprintf(f, "| Policy | Title | Severity | Repositories failing | Share |\n"
		"| --- | --- | --- | ---: | ---: |\n");
	for (size_t i = 0; i < shown; i++) {
		const cr_summary_policy *p = &s->policies[i];

		fprintf(f, "| ");
		md_text(f, p->id);
		fprintf(f, " | ");
		md_text(f, p->title);
		fprintf(f, " | %s | %zu | %.1f%% |\n", cr_severity_name(p->severity),
			p->repos, percent(p->repos, s->repo_count));
	}
}

static void md_categories(const cr_summary *s, FILE *f)
{
	fprintf(f, "\n## Category averages\n\n"
		"| Category | Title | Mean score | Repositories scored |\n"
		"| --- | --- | ---: | ---: |\n");
	for (size_t i = 0; i < s->category_count; i++) {
		const cr_summary_category *c = &s->categories[i];

		fprintf(f, "| ");
		md_text(f, c->id);
		fprintf(f, " | ");
		md_text(f, c->title);
		if (c->repos)
			fprintf(f, " | %.1f | %zu |\n", cr_summary_category_mean(c),
				c->repos);
		else
			fprintf(f, " | n/a | 0 |\n");
	}
}

int cr_summary_render_markdown(const cr_summary *s,
	const cr_summary_opts *opts, FILE *f, cr_ctx *ctx)
{
	int rc;

	if ((rc = check_finished(s, ctx)) != CR_OK)
		return rc;
	md_totals(s, f);
	md_repos(s, f);
	md_policies(s, opts, f);
	md_categories(s, f);
	return flush_output(f, ctx, "Markdown");
}

/* --- HTML ---------------------------------------------------------- */

static void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 && *s != 0x7f)
				fputc(*s, f);
			else if (*s == '\n' || *s == '\t')
				fputc(' ', f);
		}
	}
}

/* Inline and nothing else: the CSP forbids every fetch, so the page shows
 * the same offline, from an artifact store or an e-mail attachment. */
static const char html_head[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	"'none'; style-src 'unsafe-inline'\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>crucible summary</title>\n"
	"<style>\n"
	"body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:72em;"
	"padding:0 1em;color:#1f2328}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0 2em}\n"
	"th,td{border-bottom:1px solid #d0d7de;padding:.3em .6em;text-align:left}\n"
	"th{background:#f6f8fa}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".totals{display:flex;flex-wrap:wrap;gap:1em;padding:0;list-style:none}\n"
	".totals li{border:1px solid #d0d7de;border-radius:6px;padding:.6em 1em}\n"
	".totals b{display:block;font-size:1.6em}\n"
	".ready{color:#1a7f37}.at-risk{color:#9a6700}.not-ready{color:#cf222e}\n"
	"meter{width:6em;vertical-align:middle}\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<h1>crucible summary</h1>\n";

static void html_card(FILE *f, const char *cls, const char *label,
	const char *value)
{
	fprintf(f, "<li%s%s%s><b>%s</b>%s</li>\n", cls ? " class=\"" : "",
		cls ? cls : "", cls ? "\"" : "", value, label);
}

static void html_totals(const cr_summary *s, FILE *f)
{
	char value[32];

	fprintf(f, "<ul class=\"totals\">\n");
	snprintf(value, sizeof value, "%zu", s->repo_count);
	html_card(f, NULL, "repositories", value);
	for (int v = 0; v < CR_VERDICT_COUNT; v++) {
		snprintf(value, sizeof value, "%zu", s->verdicts[v]);
		html_card(f, verdict_names[v], verdict_labels[v], value);
	}
	snprintf(value, sizeof value, "%.1f", mean_score(s));
	html_card(f, NULL, "mean score", value);
	if (s->skipped) {
		snprintf(value, sizeof value, "%zu", s->skipped);
		html_card(f, "not-ready", "reports skipped", value);
	}
	fprintf(f, "</ul>\n");
}

static void html_repos(const cr_summary *s, FILE *f)
{
	fprintf(f, "<h2>Repositories, worst first</h2>\n<table>\n"
		"<thead><tr><th class=\"n\">Rank</th><th>Repository</th>"
		"<th class=\"n\">Score</th><th>Grade</th><th>Verdict</th>"
		"<th class=\"n\">Failing policies</th>"
		"<th class=\"n\">Critical failures</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->repo_count; i++) {
		const cr_summary_repo *r = &s->repos[i];

		fprintf(f, "<tr><td class=\"n\">%zu</td><td title=\"", i + 1);
		html_text(f, r->path ? r->path : r->source);
		fprintf(f, "\">");
		html_text(f, r->name);
		fprintf(f, "</td><td class=\"n\"><meter min=\"0\" max=\"100\" "
			"low=\"60\" high=\"80\" optimum=\"100\" value=\"%.1f\">"
			"</meter> %.1f</td><td>%c</td><td class=\"%s\">%s</td>"
			"<td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
			r->score, r->score, r->grade, r->verdict, r->verdict,
			r->failing, r->critical);
	}
	fprintf(f, "</tbody>\n</table>\n");
}

static void html_policies(const cr_summary *s, const cr_summary_opts *o,
	FILE *f)
{
	size_t shown = policies_shown(s, o);

	fprintf(f, "<h2>Most common failing policies</h2>\n");
	if (s->policy_count == 0) {
		fprintf(f, "<p>No policy fails in any repository.</p>\n");
		return;
	}
	if (shown < s->policy_count)
		fprintf(f, "<p>The %zu most common of %zu failing policies.</p>\n",
			shown, s->policy_count);
	fprintf(f, "<table>\n<thead><tr><th>Policy</th><th>Title</th>"
		"<th>Severity</th><th class=\"n\">Repositories failing</th>"
		"<th class=\"n\">Share</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < shown; i++) {
		const cr_summary_policy *p = &s->policies[i];

		fprintf(f, "<tr><td><code>");
		html_text(f, p->id);
		fprintf(f, "</code></td><td>");
		html_text(f, p->title);
		fprintf(f, "</td><td>%s</td><td class=\"n\">%zu</td>"
			"<td class=\"n\">%.1f%%</td></tr>\n",
			cr_severity_name(p->severity), p->repos,
			percent(p->repos, s->repo_count));
	}
	fprintf(f, "</tbody>\n</table>\n");
}

static void html_categories(const cr_summary *s, FILE *f)
{
	fprintf(f, "<h2>Category averages</h2>\n<table>\n"
		"<thead><tr><th>Category</th><th>Title</th>"
		"<th class=\"n\">Mean score</th>"
		"<th class=\"n\">Repositories scored</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->category_count; i++) {
		const cr_summary_category *c = &s->categories[i];

		fprintf(f, "<tr><td><code>");
		html_text(f, c->id);
		fprintf(f, "</code></td><td>");
		html_text(f, c->title);
		if (c->repos)
			fprintf(f, "</td><td class=\"n\">%.1f</td>",
				cr_summary_category_mean(c));
		else
			fprintf(f, "</td><td class=\"n\">n/a</td>");
		fprintf(f, "<td class=\"n\">%zu</td></tr>\n", c->repos);
	}
	fprintf(f, "</tbody>\n</table>\n");
}

int cr_summary_render_html(const cr_summary *s, const cr_summary_opts *opts,
	FILE *f, cr_ctx *ctx)
{
	int rc;

	if ((rc = check_finished(s, ctx)) != CR_OK)
		return rc;
	fputs(html_head, f);
	html_totals(s, f);
	html_repos(s, f);
	html_policies(s, opts, f);
	html_categories(s, f);
	fputs("</body>\n</html>\n", f);
	return flush_output(f, ctx, "HTML");
}

/* --- CSV ----------------------------------------------------------- */

/* RFC 4180: a field holding a comma, a quote or a line break is quoted,
 * with its quotes doubled; an absent value is an empty field. */
static void csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int cr_summary_render_csv(const cr_summary *s, FILE *f, cr_ctx *ctx)
{
	int rc;

	if ((rc = check_finished(s, ctx)) != CR_OK)
		return rc;
	fputs("rank,repository,score,grade,verdict,failing_policies,"
		"critical_failures,commit,path,report\r\n", f);
	for (size_t i = 0; i < s->repo_count; i++) {
		const cr_summary_repo *r = &s->repos[i];

		fprintf(f, "%zu,", i + 1);
		csv_field(f, r->name);
		fprintf(f, ",%.1f,%c,%s,%zu,%zu,", r->score, r->grade,
			r->verdict, r->failing, r->critical);
		csv_field(f, r->commit);
		fputc(',', f);
		csv_field(f, r->path);
		fputc(',', f);
		csv_field(f, r->source);
		fputs("\r\n", f);
	}
	return flush_output(f, ctx, "CSV");
}
