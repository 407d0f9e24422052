/*
 * report_fixture.h - reports built by hand for the tests of the
 * renderers (test_markdown.c, test_junit.c): every status and severity,
 * waived, baseline and fixed findings, notes, and strings hostile to
 * Markdown and XML.  Header-only (static inline) so that each test
 * executable takes what it uses.
 */
#ifndef CRUCIBLE_TESTS_REPORT_FIXTURE_H
#define CRUCIBLE_TESTS_REPORT_FIXTURE_H

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"

#include "crucible/report.h"

#define FX_COMMIT "0a90ed1588619a8b553761b35750b242c4f2f178"
#define FX_DIGEST "sha256:" \
	"1bee4bab1b80f4ffa6d2fda765b076a318862a49ad12c5219b0fffe149125b5b"

/* Every string an attacker controls in a report, at once: Markdown
 * syntax, raw HTML, XML metacharacters, a line break that would start a
 * heading, control bytes, bytes that are not UTF-8 (0xff, an overlong
 * "/", a surrogate, a value past U+10FFFF) and U+FFFE, next to valid
 * multi-byte characters. */
#define FX_HOSTILE "<script>alert(1)</script> | **bold** _em_ `tick` " \
	"[link](javascript:alert(1)) &amp; \"q\" 'a'\n# injected\x01\x1b[31m" \
	"\xff\xc0\xaf\xed\xa0\x80\xef\xbf\xbe\xf4\x90\x80\x80 caf\xc3\xa9 " \
	"\xf0\x9f\x9a\x80"

typedef struct fx_policy_spec {
	const char *id;
	const char *category;
	cr_severity severity;
	cr_status status;
	const char *title;
	const char *message;
	const char *remediation;
	double duration_ms;
} fx_policy_spec;

static inline void fx_policy(cr_report *r, const fx_policy_spec *spec)
{
	cr_policy_result p = {
		.id = (char *)spec->id,
		.title = (char *)spec->title,
		.category = (char *)spec->category,
		.remediation = (char *)spec->remediation,
		.message = (char *)spec->message,
		.severity = spec->severity,
		.status = spec->status,
		.weight = 1,
		.score = spec->status == CR_STATUS_PASS ? 1 : 0,
		.duration_ms = spec->duration_ms,
	};

	assert_int_equal(cr_report_add_policy(r, NULL, &p), CR_OK);
}

typedef struct fx_finding_spec {
	const char *policy;
	cr_severity severity;
	cr_status kind;
	const char *message;
	const char *path;      /* NULL: no location */
	uint32_t line;
	const char *waiver;    /* non-NULL: waived with this reason ("" none) */
	bool baseline;
} fx_finding_spec;

static inline void fx_finding(cr_report *r, const fx_finding_spec *spec)
{
	cr_location loc = { .path = (char *)spec->path, .line = spec->line };
	cr_finding f = {
		.policy = (char *)spec->policy,
		.severity = spec->severity,
		.kind = spec->kind,
		.message = (char *)spec->message,
		.locations = spec->path ? &loc : NULL,
		.location_count = spec->path ? 1 : 0,
		.fingerprint = "fp",
		.waived = spec->waiver != NULL,
		.waiver = spec->waiver && *spec->waiver ? (char *)spec->waiver : NULL,
		.baseline = spec->baseline,
	};

	assert_int_equal(cr_report_add_finding(r, NULL, &f), CR_OK);
}

/* A negative score: not scored. */
static inline void fx_category(cr_report *r, const char *id,
	const char *title, double weight, double score)
{
	cr_category_result *c;

	assert_int_equal(cr_report_add_category(r, &c, id, title, weight), CR_OK);
	c->score = score;
	c->scored = score >= 0;
}

static inline cr_report *fx_empty_report(const char *path)
{
	cr_report *r;

	assert_int_equal(cr_report_new(&r), CR_OK);
	r->target_path = strdup(path);
	r->commit = strdup(FX_COMMIT);
	r->branch = strdup("main");
	assert_non_null(r->target_path);
	r->score = 35.0;
	r->grade = 'F';
	r->verdict = "not-ready";
	r->stats.files = 120;
	r->stats.commits = 42;
	r->stats.duration_ms = 250;
	assert_int_equal(cr_report_add_bundle(r, "readiness", "0.1.0", FX_DIGEST),
		CR_OK);
	return r;
}

#define FX_EVIDENCE_FINDINGS 25

/*
 * Four categories: secrets (a critical and a high failure), operations (a
 * high warning, a medium failure with 25 findings, a low failure without
 * findings, a pass), documentation (passes, one with a waived finding) and
 * supply chain (a skip and an error: not scored).
 */
static inline cr_report *fx_sample_report(void)
{
	static const fx_policy_spec policies[] = {
		{ "DOC-README", "docs", CR_SEV_MEDIUM, CR_STATUS_PASS,
			"README present", "README.md", NULL, 1.0 },
		{ "DOC-LICENSE", "docs", CR_SEV_INFO, CR_STATUS_PASS,
			"License declared", "LICENSE accepted", NULL, 1.0 },
		{ "OPS-SECURITY-POLICY", "ops", CR_SEV_LOW, CR_STATUS_PASS,
			"Security policy published", "SECURITY.md", NULL, 2.0 },
		{ "OPS-CODEOWNERS", "ops", CR_SEV_LOW, CR_STATUS_FAIL,
			"Code owners defined", "no CODEOWNERS file",
			"Add a CODEOWNERS file.", 3.0 },
		{ "OPS-PROBES", "ops", CR_SEV_MEDIUM, CR_STATUS_FAIL,
			"Probes on every workload", "workloads without probes",
			"Add readiness and liveness probes.", 4.0 },
		{ "OPS-DOCKER-NONROOT", "ops", CR_SEV_HIGH, CR_STATUS_WARN,
			"Containers run as non-root", "USER not set",
			"Add a USER instruction.", 5.0 },
		{ "SEC-ENV-IGNORED", "secrets", CR_SEV_HIGH, CR_STATUS_FAIL,
			".env files ignored", ".env not in .gitignore",
			"Add .env to .gitignore.", 6.0 },
		{ "SEC-TRACKED-SECRET-FILES", "secrets", CR_SEV_CRITICAL,
			CR_STATUS_FAIL, "No secret files tracked in git",
			"secret files are tracked",
			"Remove them and rotate the credentials.", 1500.0 },
		{ "SUP-SBOM", "supply", CR_SEV_MEDIUM, CR_STATUS_SKIP,
			"SBOM published", "no container images", NULL, 0.25 },
		{ "SUP-SIGNING", "supply", CR_SEV_HIGH, CR_STATUS_ERROR,
			"Images signed", "instruction budget exhausted", NULL, 10.0 },
	};
	static const fx_finding_spec findings[] = {
		{ "SEC-TRACKED-SECRET-FILES", CR_SEV_CRITICAL, CR_STATUS_FAIL,
			"AWS access key", "config/prod.env", 3, NULL, false },
		{ "SEC-TRACKED-SECRET-FILES", CR_SEV_CRITICAL, CR_STATUS_FAIL,
			"private key", "deploy/key.pem", 0, NULL, true },
		{ "SEC-TRACKED-SECRET-FILES", CR_SEV_CRITICAL, CR_STATUS_FAIL,
			"test fixture key", "tests/fixture.pem", 1,
			"fake key used by the tests", false },
		{ "SEC-ENV-IGNORED", CR_SEV_HIGH, CR_STATUS_FAIL,
			".env not in .gitignore", ".gitignore", 0, NULL, false },
		{ "OPS-DOCKER-NONROOT", CR_SEV_HIGH, CR_STATUS_WARN,
			"no USER instruction", "Dockerfile", 1, NULL, false },
		{ "DOC-LICENSE", CR_SEV_INFO, CR_STATUS_FAIL,
			"no LICENSE file", NULL, 0, "", false },
	};
	cr_report *r = fx_empty_report("/home/ci/work/shop-api/");

	fx_category(r, "secrets", "Secret management", 25, 0);
	fx_category(r, "ops", "Operational readiness", 20, 62.5);
	fx_category(r, "docs", "Documentation", 10, 100);
	fx_category(r, "supply", "Supply chain", 5, -1);
	for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
		fx_policy(r, &policies[i]);
	for (size_t i = 0; i < sizeof findings / sizeof findings[0]; i++)
		fx_finding(r, &findings[i]);
	for (int i = 0; i < FX_EVIDENCE_FINDINGS; i++) {
		char path[64];
		fx_finding_spec f = {
			"OPS-PROBES", CR_SEV_MEDIUM, CR_STATUS_FAIL,
			"no readinessProbe", path, (uint32_t)i + 1, NULL, false
		};

		snprintf(path, sizeof path, "k8s/deploy-%02d.yaml", i);
		fx_finding(r, &f);
	}
	assert_int_equal(cr_report_add_fixed(r, "SEC-ENV-IGNORED", "old/.env",
		"fp-old"), CR_OK);
	assert_int_equal(cr_report_add_warning(r,
		"inline suppression without a reason at src/app.js:12"), CR_OK);
	return r;
}

/* One category and one failing policy whose every string is FX_HOSTILE,
 * plus a skip and an error carrying it as their reasons. */
static inline cr_report *fx_hostile_report(void)
{
	const fx_policy_spec policies[] = {
		{ "EVIL-*ID*", "evil<&>", CR_SEV_CRITICAL, CR_STATUS_FAIL,
			FX_HOSTILE, FX_HOSTILE, FX_HOSTILE, 1.0 },
		{ "EVIL-SKIP", "evil<&>", CR_SEV_LOW, CR_STATUS_SKIP,
			"skipped", FX_HOSTILE, NULL, 1.0 },
		{ "EVIL-ERROR", "evil<&>", CR_SEV_LOW, CR_STATUS_ERROR,
			"errored", FX_HOSTILE, NULL, 1.0 },
	};
	const fx_finding_spec findings[] = {
		{ "EVIL-*ID*", CR_SEV_CRITICAL, CR_STATUS_FAIL, FX_HOSTILE,
			"we`ird``path|x.txt", 7, NULL, false },
		{ "EVIL-*ID*", CR_SEV_CRITICAL, CR_STATUS_FAIL,
			"1. not a list", "`edge`", 0, NULL, false },
		{ "EVIL-*ID*", CR_SEV_CRITICAL, CR_STATUS_FAIL, "- not an item",
			"x\n# injected-path", 0, FX_HOSTILE, false },
		{ "EVIL-*ID*", CR_SEV_CRITICAL, CR_STATUS_FAIL, "+ not an item",
			NULL, 0, NULL, false },
	};
	cr_report *r = fx_empty_report("/srv/" FX_HOSTILE);

	fx_category(r, "evil<&>", "Evil | title <b>" FX_HOSTILE, 1, 0);
	for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
		fx_policy(r, &policies[i]);
	for (size_t i = 0; i < sizeof findings / sizeof findings[0]; i++)
		fx_finding(r, &findings[i]);
	assert_int_equal(cr_report_add_warning(r, "%s", FX_HOSTILE), CR_OK);
	return r;
}

static inline void fx_assert_valid_utf8(const char *text)
{
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_true(mbstowcs(NULL, text, 0) != (size_t)-1);
	setlocale(LC_CTYPE, "C");
}

/* Render into a string (NUL-terminated, caller frees).  Not inlined:
 * gcc -O2 then mistakes the result for a pointer to the local that
 * open_memstream() filled in (-Wdangling-pointer). */
typedef int (*fx_render_fn)(const cr_report *r, FILE *f, void *arg);

__attribute__((noinline, unused)) static char *fx_render(const cr_report *r, fx_render_fn render,
	void *arg, size_t *len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	assert_int_equal(render(r, f, arg), CR_OK);
	assert_int_equal(fclose(f), 0);
	if (len)
		*len = size;
	return text;
}

#endif
