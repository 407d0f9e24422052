/*
 * plan.c - the fact plan: which collectors a run needs.
 *
 * Collecting Kubernetes objects or scanning every commit for secrets is
 * wasted work when no policy of the run reads them.  A policy may declare
 * `needs = {"k8s", ...}`; the linter lists the repo members its module
 * uses, and vm/lua_facts.c says which kind each member needs.  The
 * compiler refuses a policy that calls a member its declaration does not
 * cover (compiler/build.c); a policy without a declaration gets what its
 * members may read.  `crucible eval` collects the union over the policies
 * that will run.
 *
 * Learning a policy's declaration and its id means running the module's
 * top level.  The evaluator does that in a worker process because C code
 * inside Lua calls (a hostile regex) escapes the sandbox's budgets; the
 * plan is made before collection, so it gets its own short-lived child,
 * and when that child fails the run simply collects everything.
 */
#include "facts/plan.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crucible/eval.h"
#include "crucible/lint.h"
#include "vm/policy.h"

/* The CR_FACTS_* names, bit i at index i: the one list of kind names. */
static const char *const kind_names[CR_FACTS_KIND_COUNT] = {
	"manifests", "workflows", "docker", "k8s", "docs", "signals",
	"secrets", "history",
};

const char *cr_facts_kind_name(unsigned i)
{
	return i < CR_FACTS_KIND_COUNT ? kind_names[i] : NULL;
}

unsigned cr_facts_kind_bit(const char *name)
{
	for (unsigned i = 0; i < CR_FACTS_KIND_COUNT; i++)
		if (strcmp(kind_names[i], name) == 0)
			return 1u << i;
	return 0;
}

cJSON *cr_facts_kinds_json(unsigned kinds)
{
	cJSON *arr = cJSON_CreateArray();

	for (unsigned i = 0; arr && i < CR_FACTS_KIND_COUNT; i++)
		if ((kinds & (1u << i)) && !cJSON_AddItemToArray(arr,
			    cJSON_CreateString(kind_names[i]))) {
			cJSON_Delete(arr);
			return NULL;
		}
	return arr;
}

/* --- one policy ----------------------------------------------------------- */

void cr_member_needs_add(cr_member_needs *acc, char *const *members,
	size_t count)
{
	unsigned required, conservative;

	for (size_t i = 0; i < count; i++) {
		cr_facts_member_needs(&required, &conservative, members[i]);
		acc->required |= required;
		acc->conservative |= conservative;
	}
}

/* The kinds named by a `needs` list; unknown names are problems. */
static unsigned declared_kinds(cr_problems *p, const char *where,
	const cJSON *declared)
{
	const cJSON *name;
	unsigned kinds = 0, bit;

	cJSON_ArrayForEach(name, declared) {
		const char *s = cJSON_GetStringValue(name);

		if (s && (bit = cr_facts_kind_bit(s)))
			kinds |= bit;
		else if (p)
			cr_problem(p, "%s: needs lists '%s', which is not a "
				"fact kind (manifests, workflows, docker, k8s, "
				"docs, signals, secrets, history)", where,
				s ? s : "?");
	}
	return kinds;
}

static const char *first_kind_name(unsigned kinds)
{
	for (unsigned i = 0; i < CR_FACTS_KIND_COUNT; i++)
		if (kinds & (1u << i))
			return kind_names[i];
	return "?";
}

unsigned cr_policy_needs(cr_problems *p, const char *where,
	const cJSON *declared, char *const *members, size_t count,
	const cr_member_needs *libraries)
{
	cr_member_needs own = { 0 };
	unsigned kinds, required, conservative;

	cr_member_needs_add(&own, members, count);
	if (!declared || !declared->child)
		return own.conservative | libraries->conservative;
	kinds = declared_kinds(p, where, declared);
	for (size_t i = 0; p && i < count; i++) {
		cr_facts_member_needs(&required, &conservative, members[i]);
		if (required & ~kinds)
			cr_problem(p, "%s: calls repo:%s() but needs does not "
				"list %s", where, members[i],
				first_kind_name(required & ~kinds));
	}
	return kinds | own.required | libraries->required;
}

/* The members module m uses (none when it does not parse: the loader has
 * refused such a bundle already). */
static void lint_members(cr_lint_result *r, cr_ctx *ctx, const cr_bundle *b,
	const cr_module *m)
{
	char *chunk;

	*r = (cr_lint_result){ 0 };
	if (asprintf(&chunk, "%s/%s", cr_bundle_name(b), m->path) < 0)
		return;
	if (cr_lint_module(r, ctx, chunk, m->source, m->len) != CR_OK)
		*r = (cr_lint_result){ 0 };
	free(chunk);
}

/* --- libraries ------------------------------------------------------------ */

struct cr_library_plan {
	const cr_bundle *bundle;
	size_t count;
	cr_member_needs *own;   /* what library i itself uses */
	bool *requires;         /* [i * count + k]: library i requires k */
	bool *dynamic;          /* library i calls require other than "x" */
};

static bool is_name_char(int c)
{
	return isalnum(c) || c == '_';
}

/* The index of the library `name` (len bytes), or count when none. */
static size_t library_index(const cr_library_plan *lp, const char *name,
	size_t len)
{
	char *copy = strndup(name, len);
	const cr_module *m = copy ? cr_bundle_library(lp->bundle, copy) : NULL;
	size_t i = 0;

	free(copy);
	while (i < lp->count && cr_bundle_library_at(lp->bundle, i) != m)
		i++;
	return i;
}

/* Mark in wanted[] the libraries `require "x"` calls in source name;
 * false when require is called any other way (or out of memory). */
static bool scan_requires(const cr_library_plan *lp, bool *wanted,
	const char *source)
{
	static const char word[] = "require";
	const char *s = source, *name, *end;
	size_t i;

	while ((s = strstr(s, word))) {
		bool alone = (s == source || (!is_name_char((unsigned char)s[-1])
			&& s[-1] != '.' && s[-1] != ':')) &&
			!is_name_char((unsigned char)s[sizeof word - 1]);

		s += sizeof word - 1;
		if (!alone)
			continue;
		name = s + strspn(s, " \t");
		if (*name == '(')
			name += 1 + strspn(name + 1, " \t");
		if (*name != '"' && *name != '\'')
			return false;
		if (!(end = strchr(name + 1, *name)))
			return false;
		i = library_index(lp, name + 1, (size_t)(end - name - 1));
		if (i < lp->count)
			wanted[i] = true;
	}
	return true;
}

int cr_library_plan_new(cr_library_plan **out, cr_ctx *ctx,
	const cr_bundle *b)
{
	cr_library_plan *lp = calloc(1, sizeof *lp);
	size_t n = cr_bundle_library_count(b);
	cr_lint_result r;

	*out = NULL;
	if (!lp || !(lp->own = calloc(n + 1, sizeof *lp->own)) ||
	    !(lp->requires = calloc(n * n + 1, sizeof *lp->requires)) ||
	    !(lp->dynamic = calloc(n + 1, sizeof *lp->dynamic))) {
		cr_library_plan_free(lp);
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	}
	lp->bundle = b;
	lp->count = n;
	for (size_t i = 0; i < n; i++) {
		const cr_module *m = cr_bundle_library_at(b, i);

		lint_members(&r, ctx, b, m);
		cr_member_needs_add(&lp->own[i], r.members, r.member_count);
		cr_lint_result_release(&r);
		lp->dynamic[i] = !scan_requires(lp, &lp->requires[i * n],
			m->source);
	}
	*out = lp;
	return CR_OK;
}

/* Add library i and what it requires to *acc, once (seen[]). */
static void add_library(const cr_library_plan *lp, bool *seen, size_t i,
	cr_member_needs *acc)
{
	if (seen[i])
		return;
	seen[i] = true;
	acc->required |= lp->own[i].required;
	acc->conservative |= lp->own[i].conservative;
	for (size_t k = 0; k < lp->count; k++)
		if (lp->dynamic[i] || lp->requires[i * lp->count + k])
			add_library(lp, seen, k, acc);
}

cr_member_needs cr_library_plan_needs(const cr_library_plan *lp,
	const cr_module *m)
{
	cr_member_needs acc = { CR_FACTS_ALL, CR_FACTS_ALL };
	bool *wanted = calloc(lp->count + 1, sizeof *wanted);
	bool *seen = calloc(lp->count + 1, sizeof *seen);
	bool all;

	if (wanted && seen) {
		acc = (cr_member_needs){ 0 };
		all = !scan_requires(lp, wanted, m->source);
		for (size_t i = 0; i < lp->count; i++)
			if (all || wanted[i])
				add_library(lp, seen, i, &acc);
	}
	free(wanted);
	free(seen);
	return acc;
}

void cr_library_plan_free(cr_library_plan *lp)
{
	if (!lp)
		return;
	free(lp->own);
	free(lp->requires);
	free(lp->dynamic);
	free(lp);
}

/* --- a run ---------------------------------------------------------------- */

static bool listed(const char *const *names, size_t count, const char *name)
{
	for (size_t i = 0; name && i < count; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static bool disabled(const cr_eval_selection *sel, const cr_policy_meta *m)
{
	return sel && (listed(sel->disabled_policies,
			       sel->disabled_policy_count, m->id) ||
		       listed(sel->disabled_categories,
			       sel->disabled_category_count, m->category));
}

/* What the policy m that will run needs; 0 when it does not load (it is
 * an error at eval time, reading nothing) or will not run. */
static unsigned policy_plan(cr_ctx *ctx, const cr_bundle *b,
	const cr_module *m, const cr_library_plan *lp,
	const cr_eval_selection *sel, const cr_limits *limits)
{
	cr_policy_outcome o = { 0 };
	cr_policy_run *run = NULL;
	cr_member_needs libraries;
	cr_lint_result r;
	unsigned kinds = 0;

	if (cr_policy_open(&run, &o, b, m, limits) == CR_OK &&
	    !disabled(sel, &o.meta)) {
		lint_members(&r, ctx, b, m);
		libraries = cr_library_plan_needs(lp, m);
		kinds = cr_policy_needs(NULL, NULL, o.meta.needs, r.members,
			r.member_count, &libraries);
		cr_lint_result_release(&r);
	}
	cr_policy_close(run);
	cr_policy_outcome_release(&o);
	return kinds;
}

static unsigned plan_all(const cr_bundle *const *bundles, size_t count,
	const cr_eval_selection *sel, const cr_limits *limits)
{
	cr_library_plan *lp;
	unsigned kinds = 0;
	cr_ctx *ctx;

	if (cr_ctx_new(&ctx) != CR_OK)
		return CR_FACTS_ALL;
	for (size_t i = 0; i < count; i++) {
		if (cr_library_plan_new(&lp, ctx, bundles[i]) != CR_OK) {
			kinds = CR_FACTS_ALL;
			break;
		}
		for (size_t k = 0; k < cr_bundle_policy_count(bundles[i]); k++)
			kinds |= policy_plan(ctx, bundles[i],
				cr_bundle_policy(bundles[i], k), lp, sel, limits);
		cr_library_plan_free(lp);
	}
	cr_ctx_free(ctx);
	return kinds;
}

static __attribute__((noreturn)) void child_main(int fd,
	const cr_bundle *const *bundles, size_t count,
	const cr_eval_selection *sel, const cr_limits *limits)
{
	struct rlimit cpu = { limits->cpu_seconds, limits->cpu_seconds };
	unsigned kinds;

	setrlimit(RLIMIT_CPU, &cpu);
	kinds = plan_all(bundles, count, sel, limits);
	_exit(write(fd, &kinds, sizeof kinds) == sizeof kinds ? 0 : 1);
}

/* The child's answer within limits->timeout_ms, or false. */
static bool child_answer(unsigned *kinds, int fd, uint32_t timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ready;

	do
		ready = poll(&pfd, 1, (int)timeout_ms);
	while (ready < 0 && errno == EINTR);
	if (ready <= 0)
		return false;
	do
		n = read(fd, kinds, sizeof *kinds);
	while (n < 0 && errno == EINTR);
	return n == sizeof *kinds;
}

unsigned cr_facts_plan_bundles(const cr_bundle *const *bundles, size_t count,
	const cr_eval_selection *selection, const cr_limits *limits)
{
	unsigned kinds = CR_FACTS_ALL;
	bool answered;
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return CR_FACTS_ALL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_main(fds[1], bundles, count, selection, limits);
	}
	close(fds[1]);
	answered = pid > 0 && child_answer(&kinds, fds[0], limits->timeout_ms);
	close(fds[0]);
	if (pid > 0) {
		if (!answered)
			kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	return answered ? kinds : CR_FACTS_ALL;
}
