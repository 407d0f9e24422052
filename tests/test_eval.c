/*
 * test_eval.c - the isolated evaluator (vm/eval.c) and the policy
 * environment (vm/policy.c), through cr_eval_run with in-memory bundles:
 * the hostile-policy suite, metadata validation, params, fingerprints,
 * statuses, scores, messages, and the cost of a policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crucible/bundle.h"
#include "crucible/eval.h"
#include "crucible/graph.h"
#include "crucible/report.h"
#include "tests/helpers.h"

/* A policy module in the "security" category whose check is `body`. */
#define POLICY(id, body) \
	"return crucible.policy{id = '" id "', title = 'Title of " id "', " \
	"category = 'security', severity = 'high', " \
	"check = function(repo, params) " body " end}\n"

#define CATEGORIES \
	"categories:\n" \
	"  - {id: security, title: Security, weight: 2}\n" \
	"  - {id: operations, title: Operations, weight: 1}\n"

struct module {
	const char *path;
	const char *source;
};

static cr_graph *graph;

static int setup(void **state)
{
	(void)state;
	if (cr_graph_new(&graph, "/tmp/crucible-test-repo") != CR_OK ||
	    cr_graph_freeze(graph) != CR_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cr_graph_free(graph);
	return 0;
}

/* A bundle named `name` with `categories` (NULL: the two above),
 * `extra_yml` appended to bundle.yml, and the modules. */
static cr_bundle *bundle_with(const char *name, const char *categories,
	const char *extra_yml, const struct module *modules, size_t n)
{
	cr_bundle_file *files = calloc(n + 1, sizeof *files);
	cr_bundle *b = NULL;
	cr_ctx *ctx = NULL;
	char *yml = NULL;

	assert_non_null(files);
	assert_true(asprintf(&yml, "name: %s\nversion: 1.0.0\n%s%s", name,
		categories ? categories : CATEGORIES,
		extra_yml ? extra_yml : "") > 0);
	files[0] = (cr_bundle_file){ "bundle.yml", yml, strlen(yml) };
	for (size_t i = 0; i < n; i++)
		files[i + 1] = (cr_bundle_file){ modules[i].path,
			modules[i].source, strlen(modules[i].source) };
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	if (cr_bundle_load_files(&b, ctx, name, files, n + 1) != CR_OK)
		fail_msg("bundle %s: %s", name, cr_ctx_error(ctx));
	cr_ctx_free(ctx);
	free(yml);
	free(files);
	return b;
}

#define BUNDLE(name, yml, modules) \
	bundle_with(name, NULL, yml, modules, sizeof modules / sizeof *modules)

static cr_limits small_limits(void)
{
	cr_limits lim = {
		.memory_bytes = (size_t)16 << 20,
		.instructions = 5000000,
		.timeout_ms = 4000, /* generous: CI machines are shared and ASan is slow */
		.cpu_seconds = 10,
	};
	return lim;
}

static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Run the bundles; returns cr_eval_run's code, the report in *out. */
static int run_bundles(cr_report **out, cr_ctx *ctx, cr_bundle **bundles,
	size_t n, const cr_limits *lim)
{
	int rc;

	assert_int_equal(cr_report_new(out), CR_OK);
	rc = cr_eval_run(*out, ctx, graph, (const cr_bundle *const *)bundles,
		n, lim);
	assert_no_children();
	return rc;
}

/* Run one bundle that must evaluate cleanly, then free it. */
static cr_report *run_ok(cr_bundle *b, const cr_limits *lim)
{
	cr_report *r = NULL;
	cr_ctx *ctx = NULL;

	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	if (run_bundles(&r, ctx, &b, 1, lim) != CR_OK)
		fail_msg("cr_eval_run: %s", cr_ctx_error(ctx));
	cr_ctx_free(ctx);
	cr_bundle_free(b);
	return r;
}

static const cr_policy_result *policy(const cr_report *r, const char *id)
{
	for (size_t i = 0; i < r->policy_count; i++) {
		if (!strcmp(r->policies[i].id, id))
			return &r->policies[i];
	}
	fail_msg("no policy %s in the report", id);
	return NULL;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!haystack || !strstr(haystack, needle))
		fail_msg("\"%s\" does not contain \"%s\"",
			haystack ? haystack : "(null)", needle);
}

static void assert_error(const cr_report *r, const char *id,
	const char *message_part)
{
	const cr_policy_result *p = policy(r, id);

	if (p->status != CR_STATUS_ERROR)
		fail_msg("%s: status %s (%s), expected error", id,
			cr_status_name(p->status), p->message);
	assert_contains(p->message, message_part);
}

/* --- the hostile-policy suite ------------------------------------------- */

static int write_chunk(lua_State *L, const void *p, size_t sz, void *ud)
{
	(void)L;
	return fwrite(p, 1, sz, ud) == sz ? 0 : 1;
}

/* A policy module that loads a precompiled chunk, its bytes spelled out
 * as decimal escapes in a Lua string literal. */
static char *binary_chunk_policy(void)
{
	lua_State *L = luaL_newstate();
	char *bytes = NULL, *lit = NULL, *src = NULL;
	size_t len = 0, litlen = 0;
	FILE *f = open_memstream(&bytes, &len);

	assert_int_equal(luaL_loadstring(L, "return 'from bytecode'"), LUA_OK);
	assert_int_equal(lua_dump(L, write_chunk, f, 0), 0);
	fclose(f);
	lua_close(L);
	assert_memory_equal(bytes, "\033Lua", 4);
	f = open_memstream(&lit, &litlen);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "\\%u", (unsigned char)bytes[i]);
	fclose(f);
	assert_true(asprintf(&src, POLICY("H-BINARY",
		"local f = assert(load(\"%s\")) pass(f())"), lit) > 0);
	free(bytes);
	free(lit);
	return src;
}

/* Lua's matcher backtracks through every way 12 lazy items can split 40
 * characters, inside one C call: only the clock stops it. */
#define CATASTROPHIC_FIND \
	"string.find(string.rep('a', 40), string.rep('a-', 12) .. 'b')"

static void test_hostile_policies(void **state)
{
	char *binary = binary_chunk_policy();
	const struct module modules[] = {
		{ "a_good.lua", POLICY("A-GOOD",
			"assert(type(repo) == 'userdata') pass('all good')") },
		{ "h_binary.lua", binary },
		{ "h_cstack.lua", POLICY("H-CSTACK", "local t = setmetatable("
			"{}, {__index = function(t, k) return t[k] end}) "
			"return t.x") },
		{ "h_gc.lua", POLICY("H-GC", "setmetatable({}, {__gc = "
			"function() while true do end end})") },
		{ "h_io.lua", POLICY("H-IO", "io.open('/etc/passwd')") },
		{ "h_loop.lua", POLICY("H-LOOP", "while true do end") },
		{ "h_mem_rep.lua", POLICY("H-MEM-REP",
			"local s = string.rep('x', 1 << 30)") },
		{ "h_mem_string.lua", POLICY("H-MEM-STRING",
			"local s = 'x' while true do s = s .. s end") },
		{ "h_mem_table.lua", POLICY("H-MEM-TABLE", "local t = {} "
			"local i = 0 while true do i = i + 1 t[i] = {i} end") },
		{ "h_os.lua", POLICY("H-OS",
			"os.execute('touch /tmp/crucible-pwned')") },
		{ "h_pattern.lua", POLICY("H-PATTERN", CATASTROPHIC_FIND) },
		{ "h_pcall.lua", POLICY("H-PCALL", "while true do "
			"pcall(function() while true do end end) end") },
		{ "h_recursion.lua", POLICY("H-RECURSION", "local function "
			"f(n) return 1 + f(n + 1) end f(1)") },
		{ "h_toplevel_hang.lua", CATASTROPHIC_FIND "\n"
			POLICY("H-TOPLEVEL-HANG", "pass()") },
		{ "h_toplevel_loop.lua", "while true do end\n"
			POLICY("H-TOPLEVEL-LOOP", "pass()") },
		{ "h_tostring.lua", POLICY("H-TOSTRING", "error(setmetatable("
			"{}, {__tostring = function() error('nope') end}))") },
		{ "h_xpcall.lua", POLICY("H-XPCALL", "xpcall(function() "
			"while true do end end, function() while true do end "
			"end)") },
		{ "z_good.lua", POLICY("Z-GOOD", "fail{message = 'bad thing', "
			"path = 'src/a.c', line = 12, key = 'a'} warn('minor')") },
	};
	cr_limits lim = small_limits();
	const cr_finding *found[4];
	const cr_policy_result *p;
	cr_report *r;

	(void)state;
	unlink("/tmp/crucible-pwned");
	r = run_ok(BUNDLE("hostile", NULL, modules), &lim);
	assert_int_equal(r->policy_count, sizeof modules / sizeof *modules);

	p = policy(r, "A-GOOD");
	assert_int_equal(p->status, CR_STATUS_PASS);
	assert_string_equal(p->message, "all good");
	p = policy(r, "Z-GOOD");
	assert_int_equal(p->status, CR_STATUS_FAIL);
	assert_string_equal(p->message, "bad thing");
	assert_int_equal(cr_report_policy_findings(r, "Z-GOOD", found, 4), 2);
	assert_string_equal(found[0]->message, "bad thing");
	assert_int_equal(found[0]->location_count, 1);
	assert_string_equal(found[0]->locations[0].path, "src/a.c");
	assert_int_equal(found[0]->locations[0].line, 12);
	assert_int_equal(found[1]->kind, CR_STATUS_WARN);

	assert_error(r, "H-BINARY", "attempt to load a binary chunk");
	assert_error(r, "H-CSTACK", "stack overflow");
	assert_error(r, "H-GC", "__gc metamethods are not allowed");
	assert_error(r, "H-IO", "attempt to index a nil value (global 'io')");
	assert_error(r, "H-LOOP",
		"hostile/h_loop.lua:1: instruction budget of 5000000 exceeded");
	assert_error(r, "H-MEM-REP", "memory limit of 16 MiB exceeded");
	assert_error(r, "H-MEM-STRING", "memory limit of 16 MiB exceeded");
	assert_error(r, "H-MEM-TABLE", "memory limit of 16 MiB exceeded");
	assert_error(r, "H-OS", "attempt to index a nil value (global 'os')");
	assert_error(r, "H-PATTERN", "timed out after 4000 ms");
	assert_true(policy(r, "H-PATTERN")->duration_ms >= 4000);
	assert_error(r, "H-PCALL", "instruction budget of 5000000 exceeded");
	/* Lua's stack limit or the heap cap, whichever comes first. */
	assert_error(r, "H-RECURSION", strstr(policy(r, "H-RECURSION")->message,
		"stack overflow") ? "stack overflow" : "memory limit of 16 MiB");
	assert_error(r, "H-TOSTRING", "error object is a table");
	assert_error(r, "H-XPCALL", "instruction budget of 5000000 exceeded");
	/* Failed before declaring anything: named after the file. */
	assert_error(r, "h_toplevel_hang", "timed out after 4000 ms");
	assert_error(r, "h_toplevel_loop",
		"hostile/h_toplevel_loop.lua:1: instruction budget");
	p = policy(r, "h_toplevel_loop");
	assert_string_equal(p->category, "security");
	assert_int_equal(p->severity, CR_SEV_INFO);
	assert_true(p->weight == 1);
	assert_int_equal(access("/tmp/crucible-pwned", F_OK), -1);
	/* Errors prove nothing: no findings but Z-GOOD's. */
	assert_int_equal(r->finding_count, 2);
	cr_report_free(r);
	free(binary);
}

static void test_cpu_limit(void **state)
{
	const struct module modules[] = {
		{ "a_spin.lua", POLICY("A-SPIN", CATASTROPHIC_FIND) },
		{ "b_after.lua", POLICY("B-AFTER", "pass('still here')") },
	};
	cr_limits lim = small_limits();
	cr_report *r;

	(void)state;
	lim.cpu_seconds = 1;
	lim.timeout_ms = 20000;
	r = run_ok(BUNDLE("cpu", NULL, modules), &lim);
	/* The CPU limit, not the 20 s wall clock, ended it (on a loaded
	 * machine 1 s of CPU may take several seconds of wall time). */
	assert_error(r, "A-SPIN",
		"worker killed by signal SIGXCPU (CPU limit of 1 s)");
	assert_int_equal(policy(r, "B-AFTER")->status, CR_STATUS_PASS);
	assert_string_equal(policy(r, "B-AFTER")->message, "still here");
	cr_report_free(r);
}

/* print() goes to stderr: stdout may carry the report. */
static void test_print_stays_off_stdout(void **state)
{
	const struct module modules[] = {
		{ "p.lua", POLICY("P-PRINT", "print('noise') pass()") },
	};
	char path[] = "/tmp/crucible-stdout-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDOUT_FILENO);
	cr_limits lim = small_limits();
	struct stat st;
	cr_report *r;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	r = run_ok(BUNDLE("print", NULL, modules), &lim);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(policy(r, "P-PRINT")->status, CR_STATUS_PASS);
	cr_report_free(r);
}

/* --- metadata -------------------------------------------------------------- */

#define META(file, id, fields) \
	{ file, "-- " file "\nreturn crucible.policy{id = '" id "', " \
	  fields ", check = function() pass() end}\n" }
#define FIELDS(title, category, severity, weight) \
	"title = '" title "', category = '" category "', severity = '" \
	severity "', weight = " weight

static void test_metadata_validation(void **state)
{
	const struct module modules[] = {
		META("m/bad_category.lua", "M-CAT",
			FIELDS("T", "nope", "high", "1")),
		META("m/bad_id.lua", "has space",
			FIELDS("T", "security", "high", "1")),
		META("m/bad_severity.lua", "M-SEV",
			FIELDS("T", "security", "HIGH", "1")),
		META("m/bad_weight.lua", "M-WEIGHT",
			FIELDS("T", "security", "low", "0")),
		META("m/dup_a.lua", "M-DUP",
			FIELDS("T", "security", "low", "1")),
		META("m/dup_b.lua", "M-DUP",
			FIELDS("T", "operations", "low", "1")),
		META("m/empty_title.lua", "M-TITLE",
			FIELDS("", "security", "low", "1")),
		META("m/good.lua", "M-GOOD",
			FIELDS("T", "operations", "critical", "2.5")),
		{ "m/multiline.lua", "-- the line is where the call starts\n"
			"local unused = 1\n"
			"return crucible.policy{\n"
			"  id = 'M-MULTI',\n"
			"  title = 'T',\n"
			"  category = 'missing',\n"
			"  severity = 'low',\n"
			"  check = function()\n"
			"  end,\n"
			"}\n" },
	};
	cr_bundle *b = BUNDLE("meta", NULL, modules);
	cr_report *r = NULL;
	cr_ctx *ctx = NULL;
	const char *msg;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(run_bundles(&r, ctx, &b, 1, NULL), CR_EBUNDLE);
	msg = cr_ctx_error(ctx);
	assert_contains(msg, "meta/m/bad_category.lua:2: unknown category 'nope'");
	assert_contains(msg, "meta/m/bad_id.lua:2: invalid policy id 'has space'");
	assert_contains(msg, "meta/m/bad_severity.lua:2: severity 'HIGH' is not "
		"one of critical, high, medium, low, info");
	assert_contains(msg, "meta/m/bad_weight.lua:2: weight must be a positive "
		"number");
	assert_contains(msg, "meta/m/dup_b.lua:2: duplicate policy id "
		"'M-DUP' (first declared at meta/m/dup_a.lua:2)");
	assert_contains(msg, "meta/m/empty_title.lua:2: the title is empty");
	assert_contains(msg, "meta/m/multiline.lua:3: unknown category "
		"'missing'");
	assert_null(strstr(msg, "good.lua"));
	assert_null(strstr(msg, "dup_a.lua:2: duplicate"));
	/* One problem per line, seven of them. */
	for (int lines = 1;; msg++) {
		if (!*msg) {
			assert_int_equal(lines, 7);
			break;
		}
		lines += *msg == '\n';
	}
	assert_int_equal(policy(r, "M-GOOD")->status, CR_STATUS_PASS);
	assert_int_equal(policy(r, "M-GOOD")->severity, CR_SEV_CRITICAL);
	assert_true(policy(r, "M-GOOD")->weight == 2.5);
	cr_report_free(r);
	cr_bundle_free(b);
	cr_ctx_free(ctx);
}

static void test_duplicate_ids_across_bundles(void **state)
{
	const struct module first[] = {
		{ "x.lua", POLICY("SHARED", "pass()") },
	};
	const struct module second[] = {
		{ "y.lua", POLICY("SHARED", "pass()") },
	};
	cr_bundle *b[2] = {
		BUNDLE("one", NULL, first), BUNDLE("two", NULL, second)
	};
	cr_report *r = NULL;
	cr_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(run_bundles(&r, ctx, b, 2, NULL), CR_EBUNDLE);
	assert_string_equal(cr_ctx_error(ctx), "two/y.lua:1: duplicate policy "
		"id 'SHARED' (first declared at one/x.lua:1)");
	/* The categories of both bundles, each once. */
	assert_int_equal(r->category_count, 2);
	cr_report_free(r);
	cr_bundle_free(b[0]);
	cr_bundle_free(b[1]);
	cr_ctx_free(ctx);
}

static void test_categories_first_definition_wins(void **state)
{
	const struct module m1[] = { { "a.lua", POLICY("C-A", "pass()") } };
	const struct module m2[] = { { "b.lua",
		"return crucible.policy{id = 'C-B', title = 'B', category = "
		"'extra', severity = 'low', check = function() pass() end}" } };
	cr_bundle *b[2] = {
		BUNDLE("first", NULL, m1),
		bundle_with("second", "categories:\n"
			"  - {id: security, title: Other, weight: 9}\n"
			"  - {id: extra, title: Extra, weight: 3}\n", NULL, m2, 1),
	};
	cr_report *r = NULL;
	cr_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(run_bundles(&r, ctx, b, 2, NULL), CR_OK);
	assert_int_equal(r->category_count, 3);
	assert_string_equal(r->categories[0].id, "security");
	assert_string_equal(r->categories[0].title, "Security");
	assert_true(r->categories[0].weight == 2);
	assert_string_equal(r->categories[2].id, "extra");
	assert_string_equal(policy(r, "C-B")->bundle, "second");
	assert_string_equal(policy(r, "C-B")->module, "b.lua");
	cr_report_free(r);
	cr_bundle_free(b[0]);
	cr_bundle_free(b[1]);
	cr_ctx_free(ctx);
}

static void test_module_errors(void **state)
{
	const struct module modules[] = {
		{ "broken/boom.lua", "error('boom')\n" },
		{ "broken/nothing.lua", "return {id = 'X'}\n" },
		{ "broken/outside.lua", "pass()\n" },
		{ "broken/shape.lua", "\nreturn crucible.policy{id = 5, "
			"title = 'T', category = 'security', severity = 'low', "
			"check = function() end}\n" },
		{ "broken/check_error.lua", "return crucible.policy{"
			"id = 'E-CHECK', title = 'T', category = 'operations', "
			"severity = 'medium', description = 'D', "
			"remediation = 'R', check = function()\n"
			"fail('lost')\nerror('exploded')\nend}\n" },
	};
	cr_limits lim = small_limits();
	const cr_policy_result *p;
	cr_report *r;

	(void)state;
	r = run_ok(BUNDLE("broken", NULL, modules), &lim);
	assert_error(r, "boom", "broken/broken/boom.lua:1: boom");
	p = policy(r, "boom");
	assert_string_equal(p->title, "broken/boom.lua");
	assert_string_equal(p->category, "security");
	assert_error(r, "nothing", "broken/broken/nothing.lua: the module must "
		"return crucible.policy{...}");
	assert_error(r, "outside", "broken/broken/outside.lua:1: pass() may only be "
		"called inside check");
	assert_error(r, "shape", "broken/broken/shape.lua:2: crucible.policy: field "
		"'id' must be a string, not a number");
	assert_error(r, "E-CHECK", "broken/broken/check_error.lua:3: exploded");
	p = policy(r, "E-CHECK");
	assert_string_equal(p->category, "operations");
	assert_int_equal(p->severity, CR_SEV_MEDIUM);
	assert_string_equal(p->description, "D");
	assert_string_equal(p->remediation, "R");
	assert_int_equal(r->finding_count, 0);
	cr_report_free(r);
}

/* --- statuses, scores, messages ------------------------------------------ */

static void test_statuses_and_scores(void **state)
{
	const struct module modules[] = {
		{ "s/empty.lua", POLICY("S-EMPTY", "") },
		{ "s/fail_score.lua", POLICY("S-FAIL-SCORE",
			"fail('one bad') score(0.3)") },
		{ "s/partial.lua", POLICY("S-PARTIAL",
			"score(0.7, '7 of 10 hardened')") },
		{ "s/pass_then_warn.lua", POLICY("S-PASS-WARN",
			"pass('fine') warn('hmm')") },
		{ "s/skip.lua", POLICY("S-SKIP", "skip('not a node project')") },
		{ "s/skip_fail.lua", POLICY("S-SKIP-FAIL",
			"skip('n/a') fail('but broken')") },
		{ "s/warn.lua", POLICY("S-WARN", "warn{message = 'no timeout', "
			"path = 'ci.yml'}") },
		{ "s/warn_fail.lua", POLICY("S-WARN-FAIL",
			"warn('minor') fail('major')") },
		{ "s/bad_score.lua", POLICY("S-BAD-SCORE", "score(1.5)") },
		{ "s/bad_line.lua", POLICY("S-BAD-LINE",
			"fail{message = 'x', line = 0}") },
	};
	cr_limits lim = small_limits();
	const cr_policy_result *p;
	const cr_finding *f;
	cr_report *r;

	(void)state;
	r = run_ok(BUNDLE("statuses", NULL, modules), &lim);
	p = policy(r, "S-EMPTY");
	assert_int_equal(p->status, CR_STATUS_PASS);
	assert_true(p->score == 1);
	assert_string_equal(p->message, "passed");
	p = policy(r, "S-FAIL-SCORE");
	assert_int_equal(p->status, CR_STATUS_FAIL);
	assert_true(p->score == 0.3);
	assert_string_equal(p->message, "one bad");
	p = policy(r, "S-PARTIAL");
	assert_int_equal(p->status, CR_STATUS_PASS);
	assert_true(p->score == 0.7);
	assert_string_equal(p->message, "7 of 10 hardened");
	p = policy(r, "S-PASS-WARN");
	assert_int_equal(p->status, CR_STATUS_WARN);
	assert_true(p->score == 0.5);
	assert_string_equal(p->message, "hmm");
	p = policy(r, "S-SKIP");
	assert_int_equal(p->status, CR_STATUS_SKIP);
	assert_string_equal(p->message, "not a node project");
	assert_int_equal(policy(r, "S-SKIP-FAIL")->status, CR_STATUS_FAIL);
	p = policy(r, "S-WARN");
	assert_int_equal(p->status, CR_STATUS_WARN);
	assert_int_equal(cr_report_policy_findings(r, "S-WARN", &f, 1), 1);
	assert_int_equal(f->kind, CR_STATUS_WARN);
	assert_int_equal(f->severity, CR_SEV_HIGH);
	assert_string_equal(f->locations[0].path, "ci.yml");
	assert_int_equal(f->locations[0].line, 0);
	p = policy(r, "S-WARN-FAIL");
	assert_int_equal(p->status, CR_STATUS_FAIL);
	assert_string_equal(p->message, "major");
	assert_error(r, "S-BAD-SCORE", "score must be between 0 and 1");
	assert_error(r, "S-BAD-LINE", "field 'line' must be a positive integer");
	cr_report_free(r);
}

static void test_bounded_findings(void **state)
{
	const struct module modules[] = {
		{ "many.lua", POLICY("B-MANY",
			"for i = 1, 1005 do fail('f' .. i) end") },
		{ "late.lua", POLICY("B-LATE", "for i = 1, 1000 do warn('w') end "
			"fail('counted, not kept')") },
		{ "long.lua", POLICY("B-LONG",
			"fail(string.rep('x', 4095) .. '\\u{e9}tail')") },
	};
	cr_limits lim = small_limits();
	const cr_policy_result *p;
	const cr_finding *f;
	cr_report *r;

	(void)state;
	r = run_ok(BUNDLE("bounded", NULL, modules), &lim);
	p = policy(r, "B-MANY");
	assert_int_equal(p->status, CR_STATUS_FAIL);
	assert_string_equal(p->message, "f1 (5 more findings not shown)");
	assert_int_equal(cr_report_policy_findings(r, "B-MANY", NULL, 0), 1000);
	p = policy(r, "B-LATE");
	assert_int_equal(p->status, CR_STATUS_FAIL);
	assert_string_equal(p->message, "failed (1 more findings not shown)");
	assert_int_equal(cr_report_policy_findings(r, "B-LONG", &f, 1), 1);
	/* Cut at 4096 bytes, not inside the two-byte character. */
	assert_int_equal(strlen(f->message), 4095);
	assert_int_equal(strlen(policy(r, "B-LONG")->message), 4095);
	cr_report_free(r);
}

/* --- params, fingerprints, require ------------------------------------- */

static void test_params_overlay(void **state)
{
	const struct module modules[] = {
		{ "p.lua", "return crucible.policy{id = 'P-PARAMS', title = 'T', "
			"category = 'security', severity = 'low', "
			"params = {a = 1, b = 2, d = 'default'}, "
			"check = function(repo, params) fail(string.format("
			"'%s %s %s %d %s %s %s %s', params.a, params.b, "
			"params.c, #params.list, math.type(params.b), "
			"params.nested.x, params.d, tostring(params.gone))) "
			"end}" },
	};
	const char *yml = "params:\n"
		"  P-PARAMS:\n"
		"    b: 20\n"
		"    c: text\n"
		"    list: [1, 2, 3]\n"
		"    nested: {x: 1.5}\n"
		"  OTHER: {gone: true}\n";
	cr_limits lim = small_limits();
	cr_report *r;

	(void)state;
	r = run_ok(BUNDLE("params", yml, modules), &lim);
	assert_string_equal(policy(r, "P-PARAMS")->message,
		"1 20 text 3 integer 1.5 default nil");
	cr_report_free(r);
}

/* What the fingerprint must be, computed here independently. */
static void expected_fingerprint(char out[33], const char *id,
	const char *path, const char *evidence)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	fwrite(id, 1, strlen(id) + 1, f);
	fwrite(path, 1, strlen(path) + 1, f);
	fwrite(evidence, 1, strlen(evidence), f);
	fclose(f);
	crypto_hash_sha256(digest, (unsigned char *)buf, len);
	for (int i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", digest[i]);
	free(buf);
}

static cr_report *fingerprint_run(const char *count)
{
	const struct module modules[] = {
		{ "f.lua", "return crucible.policy{id = 'F-PRINT', title = 'T', "
			"category = 'security', severity = 'low', "
			"check = function(repo, params) "
			"fail{message = params.n .. ' secrets', path = 'a/b.env', "
			"line = params.n, key = 'a/b.env:token'} "
			"fail{message = 'no key'} end}" },
	};
	char *yml = NULL;
	cr_limits lim = small_limits();
	cr_report *r;

	assert_true(asprintf(&yml, "params:\n  F-PRINT: {n: %s}\n", count) > 0);
	r = run_ok(bundle_with("fp", NULL, yml, modules, 1), &lim);
	free(yml);
	return r;
}

static void test_fingerprints(void **state)
{
	cr_report *a = fingerprint_run("3"), *b = fingerprint_run("4");
	char keyed[33], unkeyed[33];

	(void)state;
	expected_fingerprint(keyed, "F-PRINT", "a/b.env", "a/b.env:token");
	expected_fingerprint(unkeyed, "F-PRINT", "", "no key");
	assert_int_equal(a->finding_count, 2);
	assert_string_equal(a->findings[0].message, "3 secrets");
	assert_string_equal(b->findings[0].message, "4 secrets");
	/* The key, not the message or line, identifies the finding. */
	assert_string_equal(a->findings[0].fingerprint, keyed);
	assert_string_equal(b->findings[0].fingerprint, keyed);
	assert_string_equal(a->findings[1].fingerprint, unkeyed);
	assert_int_equal(a->findings[1].location_count, 0);
	cr_report_free(a);
	cr_report_free(b);
}

static void test_require_and_crucible_table(void **state)
{
	const struct module modules[] = {
		{ "lib/helpers/text.lua",
			"return {shout = function(s) return s:upper() end}" },
		{ "r.lua", "local text = require('helpers.text')\n"
			"return crucible.policy{id = 'R-REQ', title = 'T', "
			"category = 'security', severity = 'low', "
			"check = function() pass(text.shout('ok') .. ' ' .. "
			"tostring(require('crucible') == crucible) .. ' ' .. "
			"crucible.version .. ' ' .. type(crucible.glob) .. ' ' .. "
			"type(crucible.match)) end}" },
	};
	cr_limits lim = small_limits();
	cr_report *r;

	(void)state;
	r = run_ok(BUNDLE("req", NULL, modules), &lim);
	assert_int_equal(r->policy_count, 1);
	assert_string_equal(policy(r, "R-REQ")->message,
		"OK true " CRUCIBLE_VERSION " function function");
	cr_report_free(r);
}

/* --- arguments, defaults, cost ------------------------------------------ */

static void test_arguments_and_defaults(void **state)
{
	const struct module modules[] = { { "a.lua", POLICY("A", "pass()") } };
	cr_bundle *b = BUNDLE("args", NULL, modules);
	cr_graph *open_graph = NULL;
	cr_report *r = NULL;
	cr_ctx *ctx = NULL;
	cr_limits lim;

	(void)state;
	cr_limits_default(&lim);
	assert_int_equal(lim.memory_bytes, 64 << 20);
	assert_int_equal(lim.instructions, 100000000);
	assert_int_equal(lim.timeout_ms, 10000);
	assert_int_equal(lim.cpu_seconds, 10);
	assert_int_equal(cr_ctx_new(&ctx), CR_OK);
	assert_int_equal(cr_report_new(&r), CR_OK);
	assert_int_equal(cr_graph_new(&open_graph, "/tmp"), CR_OK);
	assert_int_equal(cr_eval_run(r, ctx, open_graph,
		(const cr_bundle *const *)&b, 1, NULL), CR_EINVAL);
	assert_int_equal(r->policy_count, 0);
	cr_graph_free(open_graph);
	cr_report_free(r);
	cr_ctx_free(ctx);
	r = run_ok(b, NULL);
	assert_int_equal(policy(r, "A")->status, CR_STATUS_PASS);
	cr_report_free(r);
}

static cr_bundle *trivial_bundle(size_t n)
{
	struct module *modules = calloc(n, sizeof *modules);
	cr_bundle *b;

	assert_non_null(modules);
	for (size_t i = 0; i < n; i++) {
		char *path, *src;

		assert_true(asprintf(&path, "p%03zu.lua", i) > 0);
		assert_true(asprintf(&src, "return crucible.policy{id = 'T%zu', "
			"title = 'T', category = 'security', severity = 'low', "
			"check = function(repo) fail{message = 'x', "
			"path = 'f.txt', line = 1} end}", i) > 0);
		modules[i] = (struct module){ path, src };
	}
	b = bundle_with("many", NULL, NULL, modules, n);
	for (size_t i = 0; i < n; i++) {
		free((char *)modules[i].path);
		free((char *)modules[i].source);
	}
	free(modules);
	return b;
}

/* Many policies through one worker: each gets its own state and its own
 * result, in module order.  (What they cost is measured by bench/run.) */
static void test_many_policies(void **state)
{
	cr_report *r = run_ok(trivial_bundle(200), NULL); /* frees the bundle */
	char id[32];

	(void)state;
	assert_int_equal(r->policy_count, 200);
	assert_int_equal(r->finding_count, 200);
	for (size_t i = 0; i < r->policy_count; i++) {
		snprintf(id, sizeof id, "T%zu", i);
		assert_string_equal(r->policies[i].id, id);
		assert_int_equal(r->policies[i].status, CR_STATUS_FAIL);
		assert_string_equal(r->findings[i].policy, id);
	}
	cr_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_policies),
		cmocka_unit_test(test_cpu_limit),
		cmocka_unit_test(test_print_stays_off_stdout),
		cmocka_unit_test(test_metadata_validation),
		cmocka_unit_test(test_duplicate_ids_across_bundles),
		cmocka_unit_test(test_categories_first_definition_wins),
		cmocka_unit_test(test_module_errors),
		cmocka_unit_test(test_statuses_and_scores),
		cmocka_unit_test(test_bounded_findings),
		cmocka_unit_test(test_params_overlay),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_require_and_crucible_table),
		cmocka_unit_test(test_arguments_and_defaults),
		cmocka_unit_test(test_many_policies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
