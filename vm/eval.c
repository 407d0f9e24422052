/*
 * eval.c - the isolated evaluator: a worker process runs the policies, the
 * parent keeps the clock and the report.
 *
 * The parent forks one worker once the graph is frozen (it inherits the
 * graph copy-on-write) and asks it for one policy at a time over a
 * socketpair: a request is (bundle index, module index); the worker
 * answers with length-prefixed JSON, first the policy's metadata once the
 * module has loaded, then the final outcome.  The early metadata lets a
 * policy whose check hangs or kills the worker still be reported under
 * its own id.
 *
 * Limits, from the inside out: the sandbox's memory cap and instruction
 * budget (vm/sandbox.c); RLIMIT_AS on the worker, set once; RLIMIT_CPU,
 * re-armed before each policy; and the parent's wall-clock deadline per
 * policy.  When the worker misses a deadline or dies, the parent kills and
 * reaps it, records that one policy as an error and forks a fresh worker
 * for the next one.  Metadata is validated here, in the parent, where ids
 * from every bundle meet, by the schema of vm/validate.c.
 */
#include "crucible/eval.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vm/coverage.h"
#include "vm/policy.h"
#include "vm/validate.h"

#if defined(__SANITIZE_ADDRESS__)
#define CR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CR_ASAN 1
#endif
#endif

/* Beyond any honest result (1000 findings of a few KiB each). */
#define MESSAGE_MAX ((uint32_t)64 << 20)
/* Address space for what the worker allocates outside the Lua heap:
 * result buffers, PCRE2 JIT code, the stack. */
#define AS_HEADROOM ((rlim_t)256 << 20)

void cr_limits_default(cr_limits *out)
{
	out->memory_bytes = (size_t)64 << 20;
	out->instructions = 100000000;
	out->timeout_ms = 10000;
	out->cpu_seconds = 10;
}

struct evaluator {
	cr_report *report;
	const cr_graph *graph;
	const cr_bundle *const *bundles;
	size_t bundle_count;
	cr_limits limits;
	const cr_eval_selection *selection; /* or NULL */
	const cr_module *only; /* the one module to run, or NULL: all */
	cr_lines *hits;        /* coverage of `only`, or NULL: none */
	pid_t pid;             /* the worker, 0 when there is none */
	int fd;                /* our end of its socket, -1 when none */
	cr_validator *validator; /* the policy ids seen so far */
	cr_problems problems;  /* metadata problems, one per line */
};

/* --- time ---------------------------------------------------------------- */

static struct timespec now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
		(double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static double ms_since(const struct timespec *t)
{
	struct timespec n = now();

	return ms_between(t, &n);
}

static struct timespec deadline_after(uint32_t ms)
{
	struct timespec t = now();

	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* --- framing --------------------------------------------------------------- */

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return CR_EIO;
		p += n;
		len -= (size_t)n;
	}
	return CR_OK;
}

/* Wait until fd is readable: CR_ELIMIT once the deadline has passed. */
static int wait_readable(int fd, const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double left;
	int r;

	for (;;) {
		left = -ms_since(deadline);
		if (left <= 0)
			return CR_ELIMIT;
		r = poll(&pfd, 1, (int)ceil(left));
		if (r > 0)
			return CR_OK;
		if (r < 0 && errno != EINTR)
			return CR_EIO;
	}
}

/* Read exactly len bytes.  CR_EIO at end of file or on error, CR_ELIMIT
 * when the deadline (NULL: none) passes first. */
static int read_all(int fd, void *buf, size_t len,
	const struct timespec *deadline)
{
	char *p = buf;
	ssize_t n;
	int rc;

	while (len) {
		if (deadline && (rc = wait_readable(fd, deadline)) != CR_OK)
			return rc;
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return CR_EIO;
		p += n;
		len -= (size_t)n;
	}
	return CR_OK;
}

static int send_message(int fd, const char *text)
{
	uint32_t len = (uint32_t)strlen(text);
	int rc = write_all(fd, &len, sizeof len);

	return rc ? rc : write_all(fd, text, len);
}

/* A NUL-terminated message the caller frees. */
static int receive_message(char **out, int fd,
	const struct timespec *deadline)
{
	uint32_t len;
	char *text;
	int rc;

	*out = NULL;
	if ((rc = read_all(fd, &len, sizeof len, deadline)) != CR_OK)
		return rc;
	if (len > MESSAGE_MAX || !(text = malloc((size_t)len + 1)))
		return CR_EPARSE;
	if ((rc = read_all(fd, text, len, deadline)) != CR_OK) {
		free(text);
		return rc;
	}
	text[len] = '\0';
	*out = text;
	return CR_OK;
}

/* --- the outcome as JSON ------------------------------------------------- */

/* The string fields of cr_policy_meta, as named on the wire. */
static const struct {
	const char *name;
	size_t offset;
} meta_texts[] = {
	{ "id", offsetof(cr_policy_meta, id) },
	{ "title", offsetof(cr_policy_meta, title) },
	{ "category", offsetof(cr_policy_meta, category) },
	{ "severity", offsetof(cr_policy_meta, severity) },
	{ "description", offsetof(cr_policy_meta, description) },
	{ "remediation", offsetof(cr_policy_meta, remediation) },
	{ "params_problem", offsetof(cr_policy_meta, params_problem) },
};

/* The JSON fields of cr_policy_meta, travelling as they are. */
static const struct {
	const char *name;
	size_t offset;
} meta_trees[] = {
	{ "params", offsetof(cr_policy_meta, params) },
	{ "needs", offsetof(cr_policy_meta, needs) },
};

#define META_TREE_COUNT (sizeof meta_trees / sizeof *meta_trees)

static cJSON **meta_tree(const cr_policy_meta *m, size_t i)
{
	return (cJSON **)((const char *)m + meta_trees[i].offset);
}

#define META_TEXT_COUNT (sizeof meta_texts / sizeof *meta_texts)

static char **meta_text(const cr_policy_meta *m, size_t i)
{
	return (char **)((const char *)m + meta_texts[i].offset);
}

static cJSON *meta_to_json(const cr_policy_meta *m)
{
	cJSON *j = cJSON_CreateObject();

	for (size_t i = 0; i < META_TEXT_COUNT; i++) {
		if (*meta_text(m, i))
			cJSON_AddStringToObject(j, meta_texts[i].name,
				*meta_text(m, i));
	}
	for (size_t i = 0; i < META_TREE_COUNT; i++) {
		if (*meta_tree(m, i))
			cJSON_AddItemToObject(j, meta_trees[i].name,
				cJSON_Duplicate(*meta_tree(m, i), true));
	}
	cJSON_AddNumberToObject(j, "weight", m->weight);
	cJSON_AddNumberToObject(j, "line", m->line);
	return j;
}

static cJSON *finding_to_json(const cr_policy_finding *f)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "kind", cr_status_name(f->kind));
	cJSON_AddStringToObject(j, "message", f->message);
	if (f->path)
		cJSON_AddStringToObject(j, "path", f->path);
	if (f->commit)
		cJSON_AddStringToObject(j, "commit", f->commit);
	if (f->suppressed)
		cJSON_AddStringToObject(j, "suppressed", f->suppressed);
	cJSON_AddNumberToObject(j, "line", f->line);
	cJSON_AddStringToObject(j, "fingerprint", f->fingerprint);
	return j;
}

static cJSON *lines_to_json(const cr_lines *lines)
{
	cJSON *arr = cJSON_CreateArray();

	for (uint32_t line = 1; arr && line < lines->limit; line++) {
		if (cr_lines_has(lines, line))
			cJSON_AddItemToArray(arr, cJSON_CreateNumber(line));
	}
	return arr;
}

static bool lines_from_json(cr_lines *lines, const cJSON *arr)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, arr) {
		if (cJSON_IsNumber(item) && item->valuedouble >= 1 &&
		    item->valuedouble <= UINT32_MAX &&
		    !cr_lines_add(lines, (uint32_t)item->valuedouble))
			return false;
	}
	return true;
}

/* NULL when out of memory: the worker then exits, and the parent reports
 * the policy as an error.  `lines` (the coverage, or NULL) go with the
 * final outcome. */
static char *outcome_to_json(const cr_policy_outcome *o,
	const cr_lines *lines)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *findings;
	char *text;

	if (o->has_meta)
		cJSON_AddItemToObject(j, "meta", meta_to_json(&o->meta));
	if (o->done) {
		cJSON_AddStringToObject(j, "status", cr_status_name(o->status));
		cJSON_AddNumberToObject(j, "score", o->score);
		cJSON_AddStringToObject(j, "message",
			o->message ? o->message : "");
		cJSON_AddNumberToObject(j, "duration_ms", o->duration_ms);
		findings = cJSON_AddArrayToObject(j, "findings");
		for (size_t i = 0; i < o->finding_count; i++)
			cJSON_AddItemToArray(findings,
				finding_to_json(&o->findings[i]));
		if (lines)
			cJSON_AddItemToObject(j, "lines", lines_to_json(lines));
	}
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return text;
}

/* Copy the string member `name` of j into *slot (left NULL when absent);
 * false when out of memory. */
static bool json_text(char **slot, const cJSON *j, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

	*slot = NULL;
	if (!cJSON_IsString(v))
		return true;
	*slot = strdup(v->valuestring);
	return *slot != NULL;
}

static double json_number(const cJSON *j, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static uint32_t json_line(const cJSON *j)
{
	double line = json_number(j, "line");

	return line >= 1 && line <= UINT32_MAX ? (uint32_t)line : 0;
}

static bool meta_from_json(cr_policy_meta *m, const cJSON *j)
{
	for (size_t i = 0; i < META_TEXT_COUNT; i++) {
		if (!json_text(meta_text(m, i), j, meta_texts[i].name))
			return false;
	}
	for (size_t i = 0; i < META_TREE_COUNT; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j,
			meta_trees[i].name);

		if (v && !(*meta_tree(m, i) = cJSON_Duplicate(v, true)))
			return false;
	}
	m->weight = json_number(j, "weight");
	m->line = json_line(j);
	return true;
}

static bool findings_from_json(cr_policy_outcome *o, const cJSON *arr)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);
	const cJSON *item;
	cr_policy_finding *f;
	const cJSON *fp;

	if (!n)
		return true;
	if (!(o->findings = calloc(n, sizeof *o->findings)))
		return false;
	cJSON_ArrayForEach(item, arr) {
		f = &o->findings[o->finding_count++];
		if (cr_status_parse(&f->kind, cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(item, "kind"))))
			f->kind = CR_STATUS_FAIL;
		f->line = json_line(item);
		fp = cJSON_GetObjectItemCaseSensitive(item, "fingerprint");
		if (cJSON_IsString(fp))
			snprintf(f->fingerprint, sizeof f->fingerprint, "%s",
				fp->valuestring);
		if (!json_text(&f->message, item, "message") ||
		    !json_text(&f->path, item, "path") ||
		    !json_text(&f->commit, item, "commit") ||
		    !json_text(&f->suppressed, item, "suppressed"))
			return false;
		if (!f->message && !(f->message = strdup("")))
			return false;
	}
	return true;
}

/* Parse a message of the worker into o (which must be empty), and its
 * coverage into hits when that is not NULL. */
static int outcome_from_json(cr_policy_outcome *o, const char *text,
	cr_lines *hits)
{
	cJSON *j = cJSON_Parse(text);
	const cJSON *meta, *status;
	bool ok = true;

	if (!j)
		return CR_EPARSE;
	meta = cJSON_GetObjectItemCaseSensitive(j, "meta");
	if (cJSON_IsObject(meta)) {
		o->has_meta = true;
		ok = meta_from_json(&o->meta, meta);
	}
	status = cJSON_GetObjectItemCaseSensitive(j, "status");
	if (ok && cJSON_IsString(status)) {
		o->done = cr_status_parse(&o->status,
			status->valuestring) == CR_OK;
		o->score = json_number(j, "score");
		o->duration_ms = json_number(j, "duration_ms");
		ok = json_text(&o->message, j, "message") &&
			findings_from_json(o, cJSON_GetObjectItemCaseSensitive(
				j, "findings"));
		if (ok && hits)
			ok = lines_from_json(hits,
				cJSON_GetObjectItemCaseSensitive(j, "lines"));
	}
	cJSON_Delete(j);
	return ok ? CR_OK : CR_EPARSE;
}

/* --- the worker ------------------------------------------------------------ */

#ifdef CR_ASAN
/* ASan reserves terabytes of shadow memory, so an address-space limit
 * would stop everything; the Lua allocator's cap is the bound. */
static void worker_limit_address_space(size_t memory_bytes)
{
	(void)memory_bytes;
}
#else
static rlim_t address_space_used(void)
{
	char buf[64];
	ssize_t n;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (rlim_t)strtoull(buf, NULL, 10) * (rlim_t)sysconf(_SC_PAGESIZE);
}

static void worker_limit_address_space(size_t memory_bytes)
{
	rlim_t used = address_space_used();
	struct rlimit rl;
	rlim_t want;

	if (!used || getrlimit(RLIMIT_AS, &rl) != 0)
		return;
	want = used + (rlim_t)memory_bytes + AS_HEADROOM;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= want)
		return;
	rl.rlim_cur = want;
	setrlimit(RLIMIT_AS, &rl);
}
#endif

/* Soft RLIMIT_CPU at what the worker has used so far plus the policy's
 * allowance: a policy stuck inside C code gets SIGXCPU. */
static void worker_limit_cpu(uint32_t seconds)
{
	struct rusage ru;
	struct rlimit rl;
	rlim_t want;

	if (getrusage(RUSAGE_SELF, &ru) != 0 ||
	    getrlimit(RLIMIT_CPU, &rl) != 0)
		return;
	want = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1 + seconds;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	setrlimit(RLIMIT_CPU, &rl);
}

static void worker_setup(pid_t parent, const cr_limits *limits)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	signal(SIGXCPU, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* print() must not end up in a report written to stdout. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	setrlimit(RLIMIT_CORE, &no_core);
	worker_limit_address_space(limits->memory_bytes);
}

static void worker_send(int fd, const cr_policy_outcome *o,
	const cr_lines *lines)
{
	char *text = outcome_to_json(o, lines);

	if (!text || send_message(fd, text) != CR_OK)
		_exit(1);
	free(text);
}

static bool listed(const char *const *names, size_t count, const char *name)
{
	for (size_t i = 0; name && i < count; i++) {
		if (!strcmp(names[i], name))
			return true;
	}
	return false;
}

static bool disabled(const struct evaluator *ev, const cr_policy_meta *meta)
{
	const cr_eval_selection *sel = ev->selection;

	return sel && (listed(sel->disabled_policies,
			       sel->disabled_policy_count, meta->id) ||
		listed(sel->disabled_categories,
			sel->disabled_category_count, meta->category));
}

static void skip_disabled(cr_policy_outcome *o, const char *reason)
{
	free(o->message);
	o->message = strdup(reason ? reason : "disabled");
	o->status = CR_STATUS_SKIP;
	o->score = 0;
	o->done = true;
}

/* Closing the state is part of the policy's run: if that is where the
 * worker dies, this policy is the one to blame. */
static void worker_run(const struct evaluator *ev, int fd, uint32_t bi,
	uint32_t mi)
{
	const cr_bundle *b = ev->bundles[bi];
	struct timespec start = now();
	cr_policy_outcome out = { 0 };
	cr_lines lines = { 0 };
	cr_policy_run *run;

	if (cr_policy_open_covered(&run, &out, b, cr_bundle_policy(b, mi),
		    &ev->limits, ev->hits ? &lines : NULL) == CR_OK) {
		worker_send(fd, &out, NULL);
		if (disabled(ev, &out.meta))
			skip_disabled(&out, ev->selection->reason);
		else
			cr_policy_check(run, ev->graph);
		cr_policy_close(run);
	}
	fflush(stdout);
	out.duration_ms = ms_since(&start);
	worker_send(fd, &out, ev->hits ? &lines : NULL);
	cr_policy_outcome_release(&out);
	cr_lines_release(&lines);
}

static __attribute__((noreturn)) void worker_main(const struct evaluator *ev,
	pid_t parent, int fd)
{
	uint32_t req[2];

	worker_setup(parent, &ev->limits);
	while (read_all(fd, req, sizeof req, NULL) == CR_OK) {
		if (req[0] >= ev->bundle_count ||
		    req[1] >= cr_bundle_policy_count(ev->bundles[req[0]]))
			_exit(2);
		worker_limit_cpu(ev->limits.cpu_seconds);
		worker_run(ev, fd, req[0], req[1]);
	}
	_exit(0);
}

static int worker_start(struct evaluator *ev, cr_ctx *ctx)
{
	pid_t parent = getpid();
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return cr_error_set(ctx, CR_EINTERNAL,
			"cannot start the policy worker: %s", strerror(errno));
	/* Buffered output would otherwise be written twice. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return cr_error_set(ctx, CR_EINTERNAL,
			"cannot start the policy worker: %s", strerror(errno));
	}
	if (pid == 0) {
		close(sv[0]);
		worker_main(ev, parent, sv[1]);
	}
	close(sv[1]);
	ev->pid = pid;
	ev->fd = sv[0];
	return CR_OK;
}

/* Kill and reap the worker; its wait status.  A worker that already died
 * keeps the status it died with. */
static int worker_stop(struct evaluator *ev)
{
	int status = 0;

	if (!ev->pid)
		return 0;
	kill(ev->pid, SIGKILL);
	while (waitpid(ev->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(ev->fd);
	ev->pid = 0;
	ev->fd = -1;
	return status;
}

static void describe_death(char *buf, size_t size, int status,
	const cr_limits *limits)
{
	const char *name;

	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
		snprintf(buf, size, "worker killed by signal SIGXCPU "
			"(CPU limit of %u s)", limits->cpu_seconds);
	} else if (WIFSIGNALED(status)) {
		name = sigabbrev_np(WTERMSIG(status));
		snprintf(buf, size, "worker killed by signal SIG%s",
			name ? name : "?");
	} else {
		snprintf(buf, size, "worker exited with status %d",
			WEXITSTATUS(status));
	}
}

/* The worker missed its deadline (rc CR_ELIMIT), died (CR_EIO) or sent
 * garbage (CR_EPARSE): replace it, and the policy is an error. */
static void worker_failed(struct evaluator *ev, cr_policy_outcome *o, int rc,
	double elapsed_ms)
{
	int status = worker_stop(ev);
	char why[128];

	if (rc == CR_ELIMIT)
		snprintf(why, sizeof why, "timed out after %u ms",
			ev->limits.timeout_ms);
	else if (rc == CR_EPARSE)
		snprintf(why, sizeof why, "unreadable result from the worker");
	else
		describe_death(why, sizeof why, status, &ev->limits);
	cr_policy_outcome_fail(o, why);
	o->duration_ms = elapsed_ms;
}

/* Run module mi of bundle bi in the worker; *o is done afterwards unless
 * no worker could be started. */
static int evaluate(struct evaluator *ev, cr_ctx *ctx, cr_policy_outcome *o,
	uint32_t bi, uint32_t mi)
{
	uint32_t req[2] = { bi, mi };
	struct timespec start, deadline;
	char *text;
	int rc;

	if (!ev->pid && (rc = worker_start(ev, ctx)) != CR_OK)
		return rc;
	start = now();
	deadline = deadline_after(ev->limits.timeout_ms);
	rc = write_all(ev->fd, req, sizeof req);
	while (rc == CR_OK && !o->done) {
		rc = receive_message(&text, ev->fd, &deadline);
		if (rc != CR_OK)
			break;
		cr_policy_outcome_release(o);
		rc = outcome_from_json(o, text, ev->hits);
		free(text);
	}
	if (rc != CR_OK)
		worker_failed(ev, o, rc, ms_since(&start));
	return CR_OK;
}

/* --- the report ------------------------------------------------------------ */

static int add_categories(struct evaluator *ev)
{
	const cr_report *r = ev->report;
	const cr_category_def *c;
	bool known;
	int rc;

	for (size_t b = 0; b < ev->bundle_count; b++) {
		for (size_t i = 0; i < cr_bundle_category_count(ev->bundles[b]); i++) {
			c = cr_bundle_category(ev->bundles[b], i);
			known = false;
			for (size_t k = 0; k < r->category_count && !known; k++)
				known = !strcmp(r->categories[k].id, c->id);
			if (!known && (rc = cr_report_add_category(ev->report,
					       NULL, c->id, c->title,
					       c->weight)) != CR_OK)
				return rc;
		}
	}
	return CR_OK;
}

static int add_findings(struct evaluator *ev, const cr_policy_result *p,
	const cr_policy_outcome *o)
{
	const cr_policy_finding *f;
	cr_location loc;
	cr_finding rf;
	int rc;

	for (size_t i = 0; i < o->finding_count; i++) {
		f = &o->findings[i];
		loc = (cr_location){ .path = f->path, .line = f->line,
			.commit = f->commit };
		rf = (cr_finding){
			.policy = p->id,
			.severity = p->severity,
			.kind = f->kind,
			.message = f->message,
			.locations = f->path ? &loc : NULL,
			.location_count = f->path ? 1 : 0,
			.fingerprint = (char *)f->fingerprint,
			.waived = f->suppressed != NULL,
			.waiver = f->suppressed,
		};
		if ((rc = cr_report_add_finding(ev->report, NULL, &rf)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

/* p holds what the policy is; the outcome adds how it went. */
static int add_result(struct evaluator *ev, cr_policy_result *p,
	const cr_bundle *b, const cr_module *m, const cr_policy_outcome *o)
{
	int rc;

	p->bundle = (char *)cr_bundle_name(b);
	p->module = (char *)m->path;
	p->status = o->status;
	p->score = o->score;
	p->message = o->message ? o->message : "";
	p->duration_ms = o->duration_ms;
	if ((rc = cr_report_add_policy(ev->report, NULL, p)) != CR_OK)
		return rc;
	return add_findings(ev, p, o);
}

static int record_declared(struct evaluator *ev, const cr_bundle *b,
	const cr_module *m, const cr_policy_outcome *o)
{
	const cr_policy_meta *meta = &o->meta;
	cr_policy_result p = { 0 };
	cr_severity sev;

	if (!cr_validate_policy(ev->validator, &ev->problems, b, m, meta,
		    &sev))
		return ev->problems.oom ? CR_ENOMEM : CR_OK;
	p.id = meta->id;
	p.title = meta->title;
	p.category = meta->category;
	p.description = meta->description;
	p.remediation = meta->remediation;
	p.severity = sev;
	p.weight = meta->weight;
	return add_result(ev, &p, b, m, o);
}

/* A module that failed before declaring its policy: named after its
 * file ("checks/foo.lua" -> "foo") and filed under the bundle's first
 * category, so the report stays consistent. */
static int record_undeclared(struct evaluator *ev, const cr_bundle *b,
	const cr_module *m, const cr_policy_outcome *o)
{
	const char *base = strrchr(m->path, '/');
	const cr_category_def *first = cr_bundle_category_count(b) ?
		cr_bundle_category(b, 0) : NULL;
	cr_policy_result p = { 0 };
	size_t len;
	int rc;

	base = base ? base + 1 : m->path;
	len = strlen(base);
	if (len > 4 && !strcmp(base + len - 4, ".lua"))
		len -= 4;
	if (!(p.id = strndup(base, len)))
		return CR_ENOMEM;
	p.title = (char *)m->path;
	p.category = (char *)(first ? first->id : "");
	p.severity = CR_SEV_INFO;
	p.weight = 1;
	rc = add_result(ev, &p, b, m, o);
	free(p.id);
	return rc;
}

static int run_all(struct evaluator *ev, cr_ctx *ctx)
{
	cr_policy_outcome o = { 0 };
	const cr_bundle *b;
	const cr_module *m;
	int rc = CR_OK;

	for (size_t bi = 0; bi < ev->bundle_count && !rc; bi++) {
		b = ev->bundles[bi];
		for (size_t mi = 0; mi < cr_bundle_policy_count(b) && !rc; mi++) {
			m = cr_bundle_policy(b, mi);
			if (ev->only && m != ev->only)
				continue;
			rc = evaluate(ev, ctx, &o, (uint32_t)bi, (uint32_t)mi);
			if (rc)
				break;
			rc = o.has_meta ? record_declared(ev, b, m, &o) :
				record_undeclared(ev, b, m, &o);
			cr_policy_outcome_release(&o);
			if (rc)
				rc = cr_error_set(ctx, rc, "cannot record the "
					"result of %s: out of memory", m->path);
		}
	}
	cr_policy_outcome_release(&o);
	return rc;
}

int cr_eval_run(cr_report *report, cr_ctx *ctx, const cr_graph *g,
	const cr_bundle *const *bundles, size_t bundle_count,
	const cr_limits *limits)
{
	return cr_eval_run_selected(report, ctx, g, bundles, bundle_count,
		limits, NULL);
}

/* Everything but what to run is set in ev. */
static int run_evaluator(struct evaluator *ev, cr_ctx *ctx,
	const cr_limits *limits)
{
	int rc;

	if (!ev->report || !ev->graph || (ev->bundle_count && !ev->bundles))
		return cr_error_set(ctx, CR_EINVAL, "cr_eval_run: bad argument");
	if (!cr_graph_frozen(ev->graph))
		return cr_error_set(ctx, CR_EINVAL,
			"cr_eval_run: the fact graph is not frozen");
	if (limits)
		ev->limits = *limits;
	else
		cr_limits_default(&ev->limits);
	if (cr_validator_new(&ev->validator) != CR_OK)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	rc = add_categories(ev);
	if (rc)
		rc = cr_error_set(ctx, rc, "out of memory");
	else
		rc = run_all(ev, ctx);
	worker_stop(ev);
	if (rc == CR_OK && ev->problems.oom)
		rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
	else if (rc == CR_OK && ev->problems.count)
		rc = cr_problems_report(&ev->problems, ctx, CR_EBUNDLE);
	cr_validator_free(ev->validator);
	cr_problems_release(&ev->problems);
	return rc;
}

int cr_eval_run_selected(cr_report *report, cr_ctx *ctx, const cr_graph *g,
	const cr_bundle *const *bundles, size_t bundle_count,
	const cr_limits *limits, const cr_eval_selection *selection)
{
	struct evaluator ev = {
		.report = report,
		.graph = g,
		.bundles = bundles,
		.bundle_count = bundle_count,
		.selection = selection,
		.fd = -1,
	};

	return run_evaluator(&ev, ctx, limits);
}

int cr_eval_run_module(cr_report *report, cr_ctx *ctx, const cr_graph *g,
	const cr_bundle *b, size_t index, const cr_limits *limits,
	cr_lines *hits)
{
	struct evaluator ev = {
		.report = report,
		.graph = g,
		.bundles = &b,
		.bundle_count = 1,
		.hits = hits,
		.fd = -1,
	};

	if (!b || index >= cr_bundle_policy_count(b))
		return cr_error_set(ctx, CR_EINVAL,
			"cr_eval_run_module: bad argument");
	ev.only = cr_bundle_policy(b, index);
	return run_evaluator(&ev, ctx, limits);
}
