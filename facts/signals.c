/*
 * signals.c - code signals of operational readiness: which logging,
 * metrics, tracing and error-tracking libraries the code depends on, and
 * which routes look like health, readiness, liveness or metrics
 * endpoints.
 *
 * Libraries come from the dependencies the manifests collector declared
 * (cr_collect_note_dep), matched against the table below.  Endpoints come
 * from one regex over the source files of web-serving languages: each file
 * is read once, by a pool of threads (each with its own compiled regex and
 * error context, since neither is shared safely), and the matches are
 * added to the graph afterwards in inventory order, so the facts do not
 * depend on thread timing.
 *
 *   signal   signal_type (logging | metrics | tracing | error_tracking |
 *            health_endpoint | readiness_endpoint | liveness_endpoint |
 *            metrics_endpoint), name (library or route), via (dependency |
 *            code), ecosystem (dependency) or language (code);
 *            edge signal -dependency-> dependency
 */
#include "facts/collector.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdlib/regex.h"

#define THREADS_MAX 16
#define SOURCE_MAX (1u << 20) /* larger sources are generated or bundled */

/* Libraries by name; a trailing '*' matches any suffix (scoped packages,
 * module paths). */
static const struct { const char *name, *type; } libraries[] = {
	/* logging */
	{ "winston", "logging" }, { "pino", "logging" }, { "bunyan", "logging" },
	{ "log4js", "logging" }, { "loglevel", "logging" },
	{ "structlog", "logging" }, { "loguru", "logging" },
	{ "python-json-logger", "logging" },
	{ "github.com/sirupsen/logrus", "logging" },
	{ "go.uber.org/zap", "logging" }, { "github.com/rs/zerolog", "logging" },
	{ "github.com/go-kit/log", "logging" },
	{ "org.slf4j:*", "logging" }, { "ch.qos.logback:*", "logging" },
	{ "org.apache.logging.log4j:*", "logging" },
	{ "net.logstash.logback:*", "logging" },
	{ "tracing-subscriber", "logging" }, { "log", "logging" },
	{ "env_logger", "logging" }, { "slog", "logging" },
	{ "lograge", "logging" }, { "semantic_logger", "logging" },
	{ "monolog/monolog", "logging" }, { "Serilog*", "logging" },
	{ "NLog", "logging" },
	/* metrics */
	{ "prom-client", "metrics" }, { "prometheus-client", "metrics" },
	{ "prometheus_client", "metrics" }, { "prometheus-flask-exporter", "metrics" },
	{ "github.com/prometheus/client_golang", "metrics" },
	{ "io.micrometer:*", "metrics" }, { "io.prometheus:*", "metrics" },
	{ "prometheus", "metrics" }, { "metrics", "metrics" },
	{ "hot-shots", "metrics" }, { "statsd", "metrics" },
	{ "node-statsd", "metrics" }, { "datadog", "metrics" },
	{ "prometheus-client-mmap", "metrics" }, { "yabeda*", "metrics" },
	{ "promphp/prometheus_client_php", "metrics" },
	{ "prometheus-net*", "metrics" },
	/* tracing */
	{ "@opentelemetry/*", "tracing" }, { "opentelemetry-*", "tracing" },
	{ "opentelemetry*", "tracing" }, { "go.opentelemetry.io/*", "tracing" },
	{ "io.opentelemetry:*", "tracing" }, { "dd-trace", "tracing" },
	{ "ddtrace", "tracing" }, { "jaeger-client", "tracing" },
	{ "elastic-apm-node", "tracing" }, { "newrelic", "tracing" },
	{ "tracing", "tracing" }, { "OpenTelemetry*", "tracing" },
	/* error tracking */
	{ "@sentry/*", "error_tracking" }, { "sentry-sdk", "error_tracking" },
	{ "sentry-ruby", "error_tracking" }, { "sentry", "error_tracking" },
	{ "github.com/getsentry/sentry-go", "error_tracking" },
	{ "io.sentry:*", "error_tracking" }, { "@bugsnag/*", "error_tracking" },
	{ "bugsnag", "error_tracking" }, { "rollbar", "error_tracking" },
	{ "honeybadger", "error_tracking" },
};

/* A quoted route path ending in a health-like segment. */
static const char endpoint_regex[] =
	"[\"'`](/(?:[A-Za-z0-9_.{}:-]+/)*"
	"(?:healthz?|health[-_]?check|healthy|readyz?|readiness|livez?|"
	"liveness|ping|status|metrics))/?[\"'`]";

/* Languages whose code serves HTTP routes. */
static const char *const web_languages[] = {
	"javascript", "typescript", "python", "go", "java", "kotlin", "ruby",
	"php", "rust", "csharp", "scala", "elixir", "svelte", "vue", NULL
};

/* --- libraries ----------------------------------------------------------- */

static const char *library_type(const char *name)
{
	for (size_t i = 0; i < sizeof libraries / sizeof *libraries; i++) {
		const char *lib = libraries[i].name;
		size_t n;

		/* Every name in the table starts with a literal byte. */
		if (lib[0] != name[0])
			continue;
		n = strlen(lib);
		if (lib[n - 1] == '*' ? strncmp(name, lib, n - 1) == 0 :
		    strcmp(name, lib) == 0)
			return libraries[i].type;
	}
	return NULL;
}

static int add_signal(cr_node_id *out, cr_collect *c, const char *path,
	uint32_t line, const char *type, const char *name, const char *via)
{
	int rc;

	if ((rc = cr_collect_node(out, c, "signal", NULL, path, line)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, *out, "signal_type", type)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, *out, "name", name)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, *out, "via", via)) != CR_OK)
		return rc;
	return CR_OK;
}

/* One signal per library and manifest, however many times a lockfile
 * lists it: `emitted` is an open-addressing set of the dependencies
 * already reported, keyed by name, ecosystem and manifest path, so that
 * a monorepo's hundred thousand dependencies are not compared pairwise. */
struct emitted {
	const cr_collect *c;
	size_t *slots;    /* index in c->deps + 1; 0 is empty */
	size_t mask;
};

static uint64_t mix_string(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

static uint64_t dep_hash(const cr_collect *c, const cr_collect_dep *d)
{
	uint64_t h = mix_string(0xcbf29ce484222325ull, d->name);

	h = mix_string(h, d->ecosystem);
	h = mix_string(h, cr_node_path(c->g, d->node));
	return h ^ h >> 32; /* FNV's low bits, which pick the slot, mix poorly */
}

static bool same_library(const cr_collect *c, const cr_collect_dep *d,
	const cr_collect_dep *e)
{
	const char *path = cr_node_path(c->g, d->node);
	const char *other = cr_node_path(c->g, e->node);

	return strcmp(e->name, d->name) == 0 &&
		strcmp(e->ecosystem, d->ecosystem) == 0 &&
		((!path && !other) || (path && other && strcmp(path, other) == 0));
}

/* Add deps[i] unless an equal dependency is in the set already: true
 * when it was added.  The set holds at most ndeps entries in twice as
 * many slots, so probing ends. */
static bool emit_once(struct emitted *set, size_t i)
{
	const cr_collect_dep *d = &set->c->deps[i];
	size_t j;

	for (j = dep_hash(set->c, d) & set->mask; set->slots[j];
	     j = (j + 1) & set->mask)
		if (same_library(set->c, d, &set->c->deps[set->slots[j] - 1]))
			return false;
	set->slots[j] = i + 1;
	return true;
}

static int collect_libraries(cr_collect *c)
{
	struct emitted set = { .c = c, .mask = 15 };
	int rc = CR_OK;

	while (set.mask < c->ndeps * 2)
		set.mask = set.mask * 2 + 1;
	if (!(set.slots = calloc(set.mask + 1, sizeof *set.slots)))
		return CR_ENOMEM;
	for (size_t i = 0; rc == CR_OK && i < c->ndeps; i++) {
		const cr_collect_dep *d = &c->deps[i];
		const char *type = library_type(d->name);
		cr_node_id id;

		if (!type || !emit_once(&set, i))
			continue;
		if ((rc = add_signal(&id, c, cr_node_path(c->g, d->node),
			     cr_node_line(c->g, d->node), type, d->name,
			     "dependency")) == CR_OK &&
		    (rc = cr_graph_set_str(c->g, id, "ecosystem",
			     d->ecosystem)) == CR_OK)
			rc = cr_graph_link(c->g, id, "dependency", d->node);
	}
	free(set.slots);
	return rc;
}

/* --- endpoints in code --------------------------------------------------- */

struct endpoint {
	size_t file;      /* index in c->files */
	uint32_t line;
	char *route;
};

struct scan_share {
	const cr_collect *c;
	size_t *todo;     /* indexes of the files to scan */
	size_t ntodo;
	size_t next;      /* the next todo entry to take */
	pthread_mutex_t lock;
};

struct scanner {
	struct scan_share *share;
	struct endpoint *found;
	size_t nfound, cap;
	int rc;
};

static bool take(struct scan_share *s, size_t *file)
{
	bool more;

	pthread_mutex_lock(&s->lock);
	more = s->next < s->ntodo;
	if (more)
		*file = s->todo[s->next++];
	pthread_mutex_unlock(&s->lock);
	return more;
}

static int keep(struct scanner *sc, size_t file, uint32_t line,
	const char *route, size_t len)
{
	struct endpoint *e;

	if (sc->nfound == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 16;

		if (!(e = realloc(sc->found, cap * sizeof *e)))
			return CR_ENOMEM;
		sc->found = e;
		sc->cap = cap;
	}
	e = &sc->found[sc->nfound];
	if (!(e->route = strndup(route, len)))
		return CR_ENOMEM;
	e->file = file;
	e->line = line;
	sc->nfound++;
	return CR_OK;
}

static int scan_buffer(struct scanner *sc, cr_regex *re, cr_ctx *ctx,
	size_t file, const char *buf, size_t len)
{
	size_t at = 0;

	while (at < len) {
		size_t start, end;
		int m = cr_regex_exec(re, ctx, buf + at, len - at);

		/* A pathological file stops its own scan, nothing else. */
		if (m == 0 || m == CR_ELIMIT)
			return CR_OK;
		if (m < 0)
			return m;
		cr_regex_group(re, 1, &start, &end);
		if (keep(sc, file, cr_collect_line_of(buf, at + start),
			    buf + at + start, end - start) != CR_OK)
			return CR_ENOMEM;
		cr_regex_group(re, 0, &start, &end);
		at += end > start ? end : start + 1;
	}
	return CR_OK;
}

static void *scan_thread(void *arg)
{
	struct scanner *sc = arg;
	const cr_collect *c = sc->share->c;
	cr_regex *re = NULL;
	cr_ctx *ctx = NULL;
	size_t file;

	if (cr_ctx_new(&ctx) != CR_OK ||
	    cr_regex_compile(&re, ctx, endpoint_regex,
		    sizeof endpoint_regex - 1) != CR_OK) {
		sc->rc = CR_ENOMEM;
		goto done;
	}
	while (sc->rc == CR_OK && take(sc->share, &file)) {
		char *buf = NULL;
		size_t len;

		/* A file that vanished or changed kind since the inventory
		 * has no routes to report. */
		if (cr_file_read(&buf, &len, NULL, ctx, c->g, c->files[file].path,
			    SOURCE_MAX) == CR_OK)
			sc->rc = scan_buffer(sc, re, ctx, file, buf, len);
		free(buf);
	}
done:
	cr_regex_free(re);
	cr_ctx_free(ctx);
	return NULL;
}

static bool is_web_source(const cr_source_file *f)
{
	if (!f->language || f->size > SOURCE_MAX)
		return false;
	for (size_t i = 0; web_languages[i]; i++)
		if (strcmp(f->language, web_languages[i]) == 0)
			return !strstr(f->path, "node_modules/") &&
				!strstr(f->path, "vendor/") &&
				!strstr(f->name, ".min.");
	return false;
}

static const char *endpoint_type(const char *route)
{
	const char *last = strrchr(route, '/');

	last = last && last[1] ? last + 1 : route;
	if (strstr(route, "ready") || strstr(route, "readiness"))
		return "readiness_endpoint";
	if (strstr(last, "live"))
		return "liveness_endpoint";
	if (strstr(last, "metrics"))
		return "metrics_endpoint";
	return "health_endpoint";
}

static int by_file_then_line(const void *a, const void *b)
{
	const struct endpoint *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int add_endpoints(cr_collect *c, struct endpoint *all, size_t n)
{
	qsort(all, n, sizeof *all, by_file_then_line);
	for (size_t i = 0; i < n; i++) {
		const cr_source_file *f = &c->files[all[i].file];
		cr_node_id id;
		int rc;

		if ((rc = add_signal(&id, c, f->path, all[i].line,
			     endpoint_type(all[i].route), all[i].route,
			     "code")) != CR_OK ||
		    (rc = cr_graph_set_str(c->g, id, "language",
			     f->language)) != CR_OK ||
		    (rc = cr_graph_link(c->g, f->node, "describes", id)) != CR_OK)
			return rc;
	}
	return CR_OK;
}

static size_t thread_count(size_t files)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > 0 ? (size_t)cpus : 1;

	if (n > THREADS_MAX)
		n = THREADS_MAX;
	/* Threads only pay off with enough files to share. */
	return files < 64 ? 1 : n;
}

static int collect_endpoints(cr_collect *c)
{
	struct scan_share share = { .c = c };
	struct scanner sc[THREADS_MAX] = {0};
	pthread_t threads[THREADS_MAX];
	bool running[THREADS_MAX] = {0};
	struct endpoint *all = NULL;
	size_t nthreads, total = 0;
	int rc = CR_OK;

	if (!(share.todo = malloc((c->nfiles ? c->nfiles : 1) * sizeof *share.todo)))
		return CR_ENOMEM;
	for (size_t i = 0; i < c->nfiles; i++)
		if (is_web_source(&c->files[i]))
			share.todo[share.ntodo++] = i;
	pthread_mutex_init(&share.lock, NULL);
	nthreads = thread_count(share.ntodo);
	/* The calling thread scans too; a thread that cannot be started
	 * leaves its share to the others. */
	for (size_t i = 0; i < nthreads; i++)
		sc[i].share = &share;
	for (size_t i = 1; i < nthreads; i++)
		running[i] = pthread_create(&threads[i], NULL, scan_thread,
			&sc[i]) == 0;
	scan_thread(&sc[0]);
	for (size_t i = 1; i < nthreads; i++)
		if (running[i])
			pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&share.lock);
	for (size_t i = 0; i < nthreads; i++) {
		if (sc[i].rc != CR_OK)
			rc = sc[i].rc;
		total += sc[i].nfound;
	}
	if (rc == CR_OK && total && !(all = malloc(total * sizeof *all)))
		rc = CR_ENOMEM;
	total = 0;
	for (size_t i = 0; i < nthreads; i++) {
		if (all)
			memcpy(all + total, sc[i].found,
				sc[i].nfound * sizeof *all);
		else
			for (size_t j = 0; j < sc[i].nfound; j++)
				free(sc[i].found[j].route);
		total += sc[i].nfound;
		free(sc[i].found);
	}
	if (rc == CR_OK && all)
		rc = add_endpoints(c, all, total);
	for (size_t i = 0; all && i < total; i++)
		free(all[i].route);
	free(all);
	free(share.todo);
	return rc;
}

int cr_signals_collect(cr_collect *c)
{
	int rc;

	if ((rc = collect_libraries(c)) != CR_OK ||
	    (rc = collect_endpoints(c)) != CR_OK)
		return rc == CR_ENOMEM ? cr_error_set(c->ctx, rc,
			"out of memory") : rc;
	return CR_OK;
}
