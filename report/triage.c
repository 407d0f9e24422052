/*
 * triage.c - apply a repository's decisions about its findings to an
 * evaluated report: severities, excluded paths, waivers, inline
 * `crucible:ignore` markers and a baseline (the order and the rules are in
 * triage.h); read and write baseline files.
 *
 * It sits between the evaluator and the scorer and only edits the report:
 * findings are marked (waived, baseline) rather than removed, so every
 * renderer can still show them, except excluded ones, which are not part
 * of the audit.  Policies whose findings were all accepted are turned into
 * passes here, so that scoring and the gates need no notion of waivers.
 */
#include "crucible/triage.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "compiler/yaml.h"
#include "crucible/files.h"
#include "crucible/glob.h"

#define BASELINE_SCHEMA "crucible.baseline/v1"
#define BASELINE_SIZE_MAX ((size_t)64 << 20)
/* Inline markers are looked for in the first 16 MiB of a file. */
#define INLINE_FILE_MAX ((size_t)16 << 20)
#define MARKER "crucible:ignore"

/* --- baselines ----------------------------------------------------------- */

struct baseline_entry {
	char *policy;
	char *path;        /* or NULL */
	char *fingerprint;
};

struct cr_baseline {
	struct baseline_entry *entries;  /* sorted by policy, fingerprint */
	size_t count;
};

void cr_baseline_free(cr_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->count; i++) {
		free(b->entries[i].policy);
		free(b->entries[i].path);
		free(b->entries[i].fingerprint);
	}
	free(b->entries);
	free(b);
}

size_t cr_baseline_count(const cr_baseline *b)
{
	return b ? b->count : 0;
}

static int entry_key_cmp(const char *policy, const char *fingerprint,
	const struct baseline_entry *e)
{
	int c = strcmp(policy, e->policy);

	return c ? c : strcmp(fingerprint, e->fingerprint);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct baseline_entry *x = a;

	return entry_key_cmp(x->policy, x->fingerprint, b);
}

static const struct baseline_entry *baseline_find(const cr_baseline *b,
	const char *policy, const char *fingerprint)
{
	size_t lo = 0, hi = b->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_key_cmp(policy, fingerprint, &b->entries[mid]);

		if (c == 0)
			return &b->entries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Sort for lookups and drop repeated (policy, fingerprint) pairs, so
 * that one finding accounts for its entry completely. */
static void baseline_index(cr_baseline *b)
{
	size_t kept = 0;

	qsort(b->entries, b->count, sizeof *b->entries, entry_cmp);
	for (size_t i = 0; i < b->count; i++) {
		struct baseline_entry *e = &b->entries[i];

		if (kept && entry_cmp(&b->entries[kept - 1], e) == 0) {
			free(e->policy);
			free(e->path);
			free(e->fingerprint);
			continue;
		}
		b->entries[kept++] = *e;
	}
	b->count = kept;
}

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* One entry of "findings"; a message (static) when it is not valid. */
static const char *baseline_entry_read(struct baseline_entry *e,
	const cJSON *item)
{
	const cJSON *path;
	const char *policy, *fingerprint;

	if (!cJSON_IsObject(item))
		return "is not an object";
	path = cJSON_GetObjectItemCaseSensitive(item, "path");
	policy = json_string(item, "policy");
	fingerprint = json_string(item, "fingerprint");
	if (!policy || !fingerprint)
		return "needs a policy and a fingerprint (non-empty strings)";
	if (path && !cJSON_IsNull(path) && !cJSON_IsString(path))
		return "has a path that is neither a string nor null";
	e->policy = strdup(policy);
	e->fingerprint = strdup(fingerprint);
	e->path = cJSON_IsString(path) ? strdup(path->valuestring) : NULL;
	if (!e->policy || !e->fingerprint ||
	    (cJSON_IsString(path) && !e->path))
		return "";
	return NULL;
}

static int baseline_read(cr_baseline *b, cr_ctx *ctx, const char *name,
	const cJSON *root)
{
	const cJSON *findings = cJSON_GetObjectItemCaseSensitive(root,
		"findings");
	const char *schema = json_string(root, "schema");
	const cJSON *item;

	if (!schema || strcmp(schema, BASELINE_SCHEMA) != 0)
		return cr_error_set(ctx, CR_EPARSE, "%s: not a crucible "
			"baseline (\"schema\" is not \"%s\")", name,
			BASELINE_SCHEMA);
	if (!cJSON_IsArray(findings))
		return cr_error_set(ctx, CR_EPARSE, "%s: \"findings\" must be "
			"an array", name);
	b->entries = calloc((size_t)cJSON_GetArraySize(findings) + 1,
		sizeof *b->entries);
	if (!b->entries)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	cJSON_ArrayForEach(item, findings) {
		const char *why = baseline_entry_read(&b->entries[b->count++],
			item);

		if (why && !*why)
			return cr_error_set(ctx, CR_ENOMEM, "out of memory");
		if (why)
			return cr_error_set(ctx, CR_EPARSE, "%s: findings[%zu] "
				"%s", name, b->count - 1, why);
	}
	baseline_index(b);
	return CR_OK;
}

int cr_baseline_parse(cr_baseline **out, cr_ctx *ctx, const char *name,
	const char *data, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(data, len);
	cr_baseline *b = calloc(1, sizeof *b);
	int err;

	*out = NULL;
	if (!b)
		err = cr_error_set(ctx, CR_ENOMEM, "out of memory");
	else if (!cJSON_IsObject(root))
		err = cr_error_set(ctx, CR_EPARSE, "%s: not a crucible "
			"baseline (not a JSON object)", name);
	else
		err = baseline_read(b, ctx, name, root);
	cJSON_Delete(root);
	if (err)
		cr_baseline_free(b);
	else
		*out = b;
	return err;
}

int cr_baseline_load(cr_baseline **out, cr_ctx *ctx, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	err = cr_user_file_read(&data, &len, ctx, path, BASELINE_SIZE_MAX);
	if (!err)
		err = cr_baseline_parse(out, ctx, path, data, len);
	free(data);
	return err;
}

/* Entries of a written baseline: borrowed from the report. */
static int written_cmp(const void *a, const void *b)
{
	const struct baseline_entry *x = a, *y = b;
	int c = strcmp(x->policy, y->policy);

	if (c)
		return c;
	c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
	return c ? c : strcmp(x->fingerprint, y->fingerprint);
}

/* What a baseline records: findings that count now.  Expired waivers are
 * left out: they must fail every run until the waiver is dealt with. */
static bool baseline_worthy(const cr_finding *f)
{
	return !f->waived && f->fingerprint &&
		strcmp(f->policy, CR_WAIVER_EXPIRED_POLICY) != 0;
}

static int write_entries(FILE *f, const struct baseline_entry *e, size_t n)
{
	int err = CR_OK;

	fprintf(f, "{\n  \"schema\": \"%s\",\n  \"findings\": [",
		BASELINE_SCHEMA);
	for (size_t i = 0; i < n && !err; i++) {
		cJSON *o = cJSON_CreateObject();
		char *text = NULL;

		if (o && cJSON_AddStringToObject(o, "policy", e[i].policy) &&
		    (e[i].path ? cJSON_AddStringToObject(o, "path", e[i].path) :
				 cJSON_AddNullToObject(o, "path")) &&
		    cJSON_AddStringToObject(o, "fingerprint", e[i].fingerprint))
			text = cJSON_PrintUnformatted(o);
		if (text)
			fprintf(f, "%s\n    %s", i ? "," : "", text);
		else
			err = CR_ENOMEM;
		cJSON_free(text);
		cJSON_Delete(o);
	}
	fprintf(f, "%s]\n}\n", n ? "\n  " : "");
	return err;
}

int cr_baseline_write(const cr_report *r, FILE *f, cr_ctx *ctx)
{
	struct baseline_entry *entries = calloc(r->finding_count + 1,
		sizeof *entries);
	size_t n = 0, kept = 0;
	int err;

	if (!entries)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->finding_count; i++) {
		const cr_finding *fd = &r->findings[i];

		if (!baseline_worthy(fd))
			continue;
		entries[n].policy = fd->policy;
		entries[n].path = fd->location_count ? fd->locations[0].path :
			NULL;
		entries[n++].fingerprint = fd->fingerprint;
	}
	qsort(entries, n, sizeof *entries, written_cmp);
	for (size_t i = 0; i < n; i++)
		if (!kept || written_cmp(&entries[kept - 1], &entries[i]) != 0)
			entries[kept++] = entries[i];
	err = write_entries(f, entries, kept);
	free(entries);
	if (err)
		return cr_error_set(ctx, err, "out of memory");
	if (ferror(f))
		return cr_error_set(ctx, CR_EIO,
			"cannot write the baseline: %s", strerror(errno));
	return CR_OK;
}

/* --- triage state -------------------------------------------------------- */

/* How a policy's findings were accepted. */
struct tally {
	size_t total;       /* before anything was dropped */
	size_t excluded;
	size_t waived;
	size_t suppressed;
	size_t baseline;
};

struct triage {
	cr_report *r;
	const cr_triage_opts *o;
	const cr_config *c;       /* or NULL */
	cr_triage_summary *sum;
	struct tally *tallies;    /* one per policy of the report, and a
				     spare for findings of no policy */
	size_t policy_count;      /* before CRUCIBLE-WAIVER-EXPIRED */
	size_t last;              /* tally_of()'s last answer */
};

static size_t policy_index(const cr_report *r, const char *id)
{
	for (size_t i = 0; i < r->policy_count; i++)
		if (strcmp(r->policies[i].id, id) == 0)
			return i;
	return SIZE_MAX;
}

static bool category_known(const cr_report *r, const char *id)
{
	for (size_t i = 0; i < r->category_count; i++)
		if (strcmp(r->categories[i].id, id) == 0)
			return true;
	return false;
}

/* The tally of f's policy.  Findings of one policy are contiguous, so the
 * last answer is usually right.  A finding of no known policy gets the
 * spare tally past the policies' own. */
static struct tally *tally_of(struct triage *t, const cr_finding *f)
{
	size_t i;

	if (t->last < t->policy_count &&
	    strcmp(t->r->policies[t->last].id, f->policy) == 0)
		return &t->tallies[t->last];
	i = policy_index(t->r, f->policy);
	if (i >= t->policy_count)
		return &t->tallies[t->policy_count];
	t->last = i;
	return &t->tallies[i];
}

static const char *config_file(const struct triage *t)
{
	return t->o->config_path ? t->o->config_path : t->c->file;
}

static int warn_unknown_policy(struct triage *t, const char *key,
	const char *policy, uint32_t line)
{
	if (policy_index(t->r, policy) != SIZE_MAX)
		return CR_OK;
	return cr_report_add_warning(t->r, "%s:%u: %s names policy %s, which "
		"this run did not evaluate", t->c->file, line, key, policy);
}

/* Ids of the configuration that match nothing are most likely typos. */
static int check_references(struct triage *t)
{
	const cr_config *c = t->c;
	int err = CR_OK;

	for (size_t i = 0; i < c->params_count && !err; i++)
		err = warn_unknown_policy(t, "params", c->params[i].policy,
			c->params[i].line);
	for (size_t i = 0; i < c->disabled_policy_count && !err; i++)
		err = warn_unknown_policy(t, "disable.policies",
			c->disabled_policies[i].text,
			c->disabled_policies[i].line);
	for (size_t i = 0; i < c->disabled_category_count && !err; i++)
		if (!category_known(t->r, c->disabled_categories[i].text))
			err = cr_report_add_warning(t->r, "%s:%u: "
				"disable.categories names category %s, which "
				"no bundle of this run has", c->file,
				c->disabled_categories[i].line,
				c->disabled_categories[i].text);
	return err;
}

/* --- severity ------------------------------------------------------------ */

static int apply_severities(struct triage *t)
{
	int err = CR_OK;

	for (size_t i = 0; i < t->c->severity_count && !err; i++) {
		const cr_config_severity *s = &t->c->severities[i];
		size_t p = policy_index(t->r, s->policy);

		if (p == SIZE_MAX) {
			err = warn_unknown_policy(t, "severity", s->policy,
				s->line);
			continue;
		}
		t->r->policies[p].severity = s->severity;
		for (size_t k = 0; k < t->r->finding_count; k++)
			if (strcmp(t->r->findings[k].policy, s->policy) == 0)
				t->r->findings[k].severity = s->severity;
	}
	return err;
}

/* --- exclude ------------------------------------------------------------- */

static bool path_excluded(const cr_config *c, const char *path)
{
	for (size_t i = 0; path && i < c->exclude_count; i++)
		if (cr_glob_match(c->exclude[i].text, path))
			return true;
	return false;
}

static bool finding_excluded(const cr_config *c, const cr_finding *f)
{
	if (!f->location_count)
		return false;
	for (size_t i = 0; i < f->location_count; i++)
		if (!path_excluded(c, f->locations[i].path))
			return false;
	return true;
}

/* The report model only appends, so dropped findings are handed to a
 * scratch report whose cr_report_free() releases them the one way the
 * model knows. */
static int apply_exclude(struct triage *t)
{
	cr_report *r = t->r, *trash;
	size_t kept = 0;

	if (!t->c->exclude_count || !r->finding_count)
		return CR_OK;
	if (cr_report_new(&trash) != CR_OK ||
	    !(trash->findings = calloc(r->finding_count,
		      sizeof *trash->findings))) {
		cr_report_free(trash);
		return CR_ENOMEM;
	}
	for (size_t i = 0; i < r->finding_count; i++) {
		cr_finding *f = &r->findings[i];

		if (finding_excluded(t->c, f)) {
			tally_of(t, f)->excluded++;
			trash->findings[trash->finding_count++] = *f;
		} else {
			r->findings[kept++] = *f;
		}
	}
	t->sum->excluded = trash->finding_count;
	r->finding_count = kept;
	cr_report_free(trash);
	return CR_OK;
}

/* --- waivers ------------------------------------------------------------- */

static bool waiver_expired(const struct triage *t, const cr_config_waiver *w)
{
	return t->o->today > w->expires_day;
}

static bool waiver_matches(const cr_config_waiver *w, const cr_finding *f)
{
	if (strcmp(w->policy, f->policy) != 0)
		return false;
	if (w->fingerprint && (!f->fingerprint ||
				      strcmp(w->fingerprint, f->fingerprint)))
		return false;
	if (!w->path)
		return true;
	for (size_t i = 0; i < f->location_count; i++)
		if (cr_glob_match(w->path, f->locations[i].path))
			return true;
	return false;
}

static int waive(cr_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int waive(cr_finding *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&f->waiver, fmt, ap);
	va_end(ap);
	if (n < 0) {
		f->waiver = NULL;
		return CR_ENOMEM;
	}
	f->waived = true;
	return CR_OK;
}

/* Waive what w matches; a finding another waiver took still counts as a
 * match, so that overlapping waivers are not reported as unused. */
static int apply_waiver(struct triage *t, const cr_config_waiver *w,
	size_t *matched)
{
	int err = CR_OK;

	for (size_t i = 0; i < t->r->finding_count && !err; i++) {
		cr_finding *f = &t->r->findings[i];

		if (!waiver_matches(w, f))
			continue;
		(*matched)++;
		if (f->waived)
			continue;
		err = waive(f, "%s (owner: %s, expires %s)", w->reason,
			w->owner, w->expires);
		tally_of(t, f)->waived++;
		t->sum->waived++;
	}
	return err;
}

static int apply_waivers(struct triage *t)
{
	int err = CR_OK;

	for (size_t i = 0; i < t->c->waiver_count && !err; i++) {
		const cr_config_waiver *w = &t->c->waivers[i];
		size_t matched = 0;

		if (waiver_expired(t, w)) {
			t->sum->expired++;
			continue;
		}
		err = apply_waiver(t, w, &matched);
		if (!err && !matched)
			err = cr_report_add_warning(t->r, "%s:%u: the waiver "
				"of %s matched no finding; remove it if the "
				"finding was fixed", t->c->file, w->line,
				w->policy);
	}
	return err;
}

/* --- inline markers ------------------------------------------------------ */

struct marker {
	const char *policy;
	size_t policy_len;
	const char *reason;   /* trimmed, comment closers removed */
	size_t reason_len;
};

static bool is_policy_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* A reason ends where the comment does: "*" "/" and "-->" are dropped. */
static size_t trim_reason(const char *s, size_t len)
{
	for (;;) {
		while (len && is_blank(s[len - 1]))
			len--;
		if (ends_with(s, len, "*/"))
			len -= 2;
		else if (ends_with(s, len, "-->"))
			len -= 3;
		else
			return len;
	}
}

/* The next marker in [*cursor, end), advancing *cursor past it.  A
 * marker is the text "crucible:ignore", blanks, a policy id; the reason
 * runs to the next marker or the end of the line. */
static bool next_marker(struct marker *m, const char **cursor,
	const char *end)
{
	size_t mlen = sizeof MARKER - 1;

	for (;;) {
		const char *s = memmem(*cursor, (size_t)(end - *cursor), MARKER,
			mlen), *next;

		if (!s)
			return false;
		s += mlen;
		*cursor = s;
		if (s == end || !is_blank(*s))
			continue;
		while (s < end && is_blank(*s))
			s++;
		m->policy = s;
		while (s < end && is_policy_char(*s))
			s++;
		m->policy_len = (size_t)(s - m->policy);
		if (!m->policy_len)
			continue;
		while (s < end && is_blank(*s))
			s++;
		next = memmem(s, (size_t)(end - s), MARKER, mlen);
		if (!next)
			next = end;
		m->reason = s;
		m->reason_len = trim_reason(s, (size_t)(next - s));
		*cursor = next;
		return true;
	}
}

/* The marker for `policy` in [cursor, end), if there is one. */
static bool find_marker(struct marker *out, const char *cursor,
	const char *end, const char *policy)
{
	size_t plen = strlen(policy);

	while (next_marker(out, &cursor, end))
		if (out->policy_len == plen &&
		    memcmp(out->policy, policy, plen) == 0)
			return true;
	return false;
}

/* A forward walk over a file's lines: line n is [cur, cur_end), the one
 * above it [prev, prev_end) (prev is NULL on line 1).  Findings come
 * sorted by line, so one pass reads the whole file. */
struct line_walk {
	const char *end;
	uint32_t n;
	const char *cur, *cur_end;
	const char *prev, *prev_end;
};

static const char *line_end(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));

	return nl ? nl : end;
}

static void walk_start(struct line_walk *w, const char *text, size_t len)
{
	*w = (struct line_walk){ .end = text + len, .n = 1, .cur = text };
	w->cur_end = line_end(text, w->end);
}

/* Move forward to line n; false when the file is shorter. */
static bool walk_to(struct line_walk *w, uint32_t n)
{
	while (w->n < n) {
		if (w->cur_end == w->end)
			return false;
		w->prev = w->cur;
		w->prev_end = w->cur_end;
		w->cur = w->cur_end + 1;
		w->cur_end = line_end(w->cur, w->end);
		w->n++;
	}
	return true;
}

/* Markers of the current file already warned about, so that one marker
 * covering several findings is reported once. */
struct warned {
	struct {
		uint32_t line;
		const char *policy;
	} *items;
	size_t count;
	size_t cap;
};

static int warn_no_reason(struct triage *t, struct warned *w,
	const char *path, uint32_t line, const char *policy)
{
	for (size_t i = 0; i < w->count; i++)
		if (w->items[i].line == line &&
		    strcmp(w->items[i].policy, policy) == 0)
			return CR_OK;
	if (w->count == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		void *items = realloc(w->items, cap * sizeof *w->items);

		if (!items)
			return CR_ENOMEM;
		w->items = items;
		w->cap = cap;
	}
	w->items[w->count].line = line;
	w->items[w->count++].policy = policy;
	return cr_report_add_warning(t->r, "%s:%u: crucible:ignore %s has no "
		"reason; say why the finding is accepted", path, line, policy);
}

static int suppress_inline(struct triage *t, cr_finding *f,
	struct line_walk *lw, struct warned *w)
{
	struct marker m;
	uint32_t at;
	int err;

	if (!walk_to(lw, f->locations[0].line))
		return CR_OK;
	if (find_marker(&m, lw->cur, lw->cur_end, f->policy))
		at = lw->n;
	else if (lw->prev && find_marker(&m, lw->prev, lw->prev_end,
				     f->policy))
		at = lw->n - 1;
	else
		return CR_OK;
	if (m.reason_len)
		err = waive(f, "inline: %.*s", (int)m.reason_len, m.reason);
	else
		err = waive(f, "inline: (no reason given)");
	if (!err && !m.reason_len)
		err = warn_no_reason(t, w, f->locations[0].path, at, f->policy);
	tally_of(t, f)->suppressed++;
	t->sum->suppressed++;
	return err;
}

static bool inline_candidate(const cr_finding *f)
{
	return !f->waived && f->location_count && f->locations[0].line > 0;
}

static int by_path(const cr_finding *x, const cr_finding *y)
{
	return strcmp(x->locations[0].path, y->locations[0].path);
}

static int by_path_and_line(const void *a, const void *b)
{
	const cr_finding *x = *(const cr_finding *const *)a;
	const cr_finding *y = *(const cr_finding *const *)b;
	int c = by_path(x, y);

	if (c)
		return c;
	return (x->locations[0].line > y->locations[0].line) -
		(x->locations[0].line < y->locations[0].line);
}

/* The findings group[0..n) share a path and come by line: read the file
 * once.  A file that cannot be read (gone, a symlink, a FIFO) simply has
 * no markers. */
static int suppress_in_file(struct triage *t, cr_finding **group, size_t n)
{
	struct warned w = {0};
	struct line_walk lw;
	char *text;
	size_t len;
	int err = CR_OK;

	if (cr_file_read(&text, &len, NULL, NULL, t->o->graph,
		    group[0]->locations[0].path, INLINE_FILE_MAX) != CR_OK)
		return CR_OK;
	walk_start(&lw, text, len);
	for (size_t i = 0; i < n && !err; i++)
		err = suppress_inline(t, group[i], &lw, &w);
	free(text);
	free(w.items);
	return err;
}

static int apply_inline(struct triage *t)
{
	cr_report *r = t->r;
	cr_finding **cand;
	size_t n = 0;
	int err = CR_OK;

	if (!t->o->inline_ignores || !t->o->graph || !r->finding_count)
		return CR_OK;
	if (!(cand = calloc(r->finding_count, sizeof *cand)))
		return CR_ENOMEM;
	for (size_t i = 0; i < r->finding_count; i++)
		if (inline_candidate(&r->findings[i]))
			cand[n++] = &r->findings[i];
	qsort(cand, n, sizeof *cand, by_path_and_line);
	for (size_t i = 0, j; i < n && !err; i = j) {
		for (j = i + 1; j < n && by_path(cand[i], cand[j]) == 0; j++)
			;
		err = suppress_in_file(t, cand + i, j - i);
	}
	free(cand);
	return err;
}

/* --- baseline ------------------------------------------------------------ */

/* A policy that ran to a verdict: its silence about a baseline entry
 * means the finding is gone (not so for a skip or an error). */
static bool policy_concluded(const cr_report *r, const char *id)
{
	size_t i = policy_index(r, id);

	return i != SIZE_MAX && (r->policies[i].status == CR_STATUS_PASS ||
		r->policies[i].status == CR_STATUS_FAIL ||
		r->policies[i].status == CR_STATUS_WARN);
}

static int report_fixed(struct triage *t, const bool *seen)
{
	const cr_baseline *b = t->o->baseline;
	int err = CR_OK;

	for (size_t i = 0; i < b->count && !err; i++) {
		const struct baseline_entry *e = &b->entries[i];

		if (seen[i] || !policy_concluded(t->r, e->policy) ||
		    (t->c && path_excluded(t->c, e->path)))
			continue;
		err = cr_report_add_fixed(t->r, e->policy, e->path,
			e->fingerprint);
	}
	return err;
}

static int apply_baseline(struct triage *t)
{
	const cr_baseline *b = t->o->baseline;
	bool *seen;
	int err;

	if (!b)
		return CR_OK;
	if (!(seen = calloc(b->count + 1, sizeof *seen)))
		return CR_ENOMEM;
	for (size_t i = 0; i < t->r->finding_count; i++) {
		cr_finding *f = &t->r->findings[i];
		const struct baseline_entry *e = f->fingerprint ?
			baseline_find(b, f->policy, f->fingerprint) : NULL;

		if (!e)
			continue;
		seen[e - b->entries] = true;
		f->baseline = true;
		if (f->waived)
			continue;
		tally_of(t, f)->baseline++;
		t->sum->baseline++;
	}
	err = report_fixed(t, seen);
	free(seen);
	return err;
}

/* --- policies whose findings were all accepted --------------------------- */

static void describe_part(FILE *m, bool *first, size_t n, const char *what)
{
	if (!n)
		return;
	fprintf(m, "%s%zu%s %s", *first ? "" : ", ", n,
		!*first ? "" : n == 1 ? " finding" : " findings", what);
	*first = false;
}

static int accept_policy(cr_policy_result *p, const struct tally *tl)
{
	char *text = NULL;
	size_t len = 0;
	bool first = true;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return CR_ENOMEM;
	describe_part(m, &first, tl->waived, "waived");
	describe_part(m, &first, tl->suppressed, "suppressed inline");
	describe_part(m, &first, tl->baseline, "unchanged from the baseline");
	describe_part(m, &first, tl->excluded, "in excluded paths");
	if (fclose(m) != 0) {
		free(text);
		return CR_ENOMEM;
	}
	free(p->message);
	p->message = text;
	p->status = CR_STATUS_PASS;
	p->score = 1;
	return CR_OK;
}

static int restatus(struct triage *t)
{
	int err = CR_OK;

	for (size_t i = 0; i < t->policy_count && !err; i++) {
		cr_policy_result *p = &t->r->policies[i];
		const struct tally *tl = &t->tallies[i];
		bool failing = p->status == CR_STATUS_FAIL ||
			p->status == CR_STATUS_WARN;

		if (failing && tl->total > 0 && tl->excluded + tl->waived +
		    tl->suppressed + tl->baseline == tl->total)
			err = accept_policy(p, tl);
	}
	return err;
}

/* --- expired waivers ----------------------------------------------------- */

static void expired_fingerprint(char out[33], const char *file,
	const cr_config_waiver *w)
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	const char *parts[] = {
		CR_WAIVER_EXPIRED_POLICY, file, w->policy,
		w->path ? w->path : "", w->fingerprint ? w->fingerprint : "",
		w->expires,
	};

	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		crypto_hash_sha256_update(&st, (const unsigned char *)parts[i],
			strlen(parts[i]) + 1);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, 33, digest, 16);
}

static int add_expired_finding(struct triage *t, const cr_config_waiver *w)
{
	char fp[33], *message;
	cr_location loc = {
		.path = (char *)config_file(t),
		.line = w->line,
	};
	cr_finding f = {
		.policy = CR_WAIVER_EXPIRED_POLICY,
		.severity = CR_SEV_HIGH,
		.kind = CR_STATUS_FAIL,
		.locations = &loc,
		.location_count = 1,
		.fingerprint = fp,
	};
	int err;

	expired_fingerprint(fp, config_file(t), w);
	if (asprintf(&message, "the waiver of %s%s%s expired on %s (owner: "
		    "%s): %s", w->policy, w->path ? " for " : "",
		    w->path ? w->path : "", w->expires, w->owner,
		    w->reason) < 0)
		return CR_ENOMEM;
	f.message = message;
	err = cr_report_add_finding(t->r, NULL, &f);
	free(message);
	return err;
}

static int add_expired_policy(struct triage *t)
{
	char message[64];
	cr_policy_result p = {
		.id = CR_WAIVER_EXPIRED_POLICY,
		.title = "Waivers are within their expiry date",
		.category = CR_TRIAGE_CATEGORY,
		.description = "A waiver accepts findings until the end of its "
			"expiry day (UTC); past it, it accepts nothing and "
			"fails the run until it is renewed or removed.",
		.remediation = "Fix the findings the waiver covered and remove "
			"it, or renew it with a new expiry date and a reason "
			"that still holds.",
		.bundle = "crucible",
		.module = (char *)config_file(t),
		.severity = CR_SEV_HIGH,
		.weight = 1,
		.status = CR_STATUS_FAIL,
		.score = 0,
		.message = message,
	};
	int err = CR_OK;

	snprintf(message, sizeof message, "%zu waiver%s expired",
		t->sum->expired, t->sum->expired == 1 ? "" : "s");
	if (!category_known(t->r, CR_TRIAGE_CATEGORY))
		err = cr_report_add_category(t->r, NULL, CR_TRIAGE_CATEGORY,
			"Crucible configuration", 0);
	if (!err)
		err = cr_report_add_policy(t->r, NULL, &p);
	for (size_t i = 0; i < t->c->waiver_count && !err; i++)
		if (waiver_expired(t, &t->c->waivers[i]))
			err = add_expired_finding(t, &t->c->waivers[i]);
	return err;
}

/* --- entry point --------------------------------------------------------- */

static int apply_config(struct triage *t)
{
	int err;

	if ((err = check_references(t)) != CR_OK ||
	    (err = apply_severities(t)) != CR_OK ||
	    (err = apply_exclude(t)) != CR_OK)
		return err;
	return apply_waivers(t);
}

int cr_triage_apply(cr_triage_summary *out, cr_report *r, cr_ctx *ctx,
	const cr_triage_opts *opts)
{
	struct triage t = {
		.r = r,
		.o = opts,
		.c = opts ? opts->config : NULL,
		.sum = out,
		.policy_count = r ? r->policy_count : 0,
	};
	int err;

	if (!out || !r || !opts)
		return cr_error_set(ctx, CR_EINVAL, "cr_triage_apply: bad "
			"argument");
	memset(out, 0, sizeof *out);
	if (!(t.tallies = calloc(r->policy_count + 1, sizeof *t.tallies)))
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->finding_count; i++)
		tally_of(&t, &r->findings[i])->total++;
	err = t.c ? apply_config(&t) : CR_OK;
	if (!err)
		err = apply_inline(&t);
	if (!err)
		err = apply_baseline(&t);
	if (!err)
		err = restatus(&t);
	if (!err && out->expired)
		err = add_expired_policy(&t);
	free(t.tallies);
	if (err)
		return cr_error_set(ctx, err, "out of memory while applying "
			"waivers and the baseline");
	return CR_OK;
}
