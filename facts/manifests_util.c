/*
 * manifests_util.c - the line iterator, the tokenizer and the span
 * helpers of manifests_util.h.
 *
 * Build scripts are programs: the parsers that read them only look for a
 * few statement shapes in the token stream.  So the tokenizer never
 * rejects anything; it only has to get strings and comments right, so
 * that a quote or a brace inside one never shifts what follows.
 */
#include "facts/manifests_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cr_lines_init(cr_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->next_line = 1;
}

bool cr_lines_next(cr_lines *it, cr_line *out)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	out->s = it->p;
	out->n = (size_t)((nl ? nl : it->end) - it->p);
	out->line = it->next_line++;
	if (out->n && out->s[out->n - 1] == '\r')
		out->n--;
	it->p = nl ? nl + 1 : it->end;
	return true;
}

void cr_mlex_init(cr_mlex *lx, const char *buf, size_t len,
	cr_mlex_syntax syntax)
{
	lx->p = buf;
	lx->end = buf + len;
	lx->line = 1;
	lx->syntax = syntax;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '.';
}

static bool at(const cr_mlex *lx, const char *text)
{
	size_t n = strlen(text);

	return (size_t)(lx->end - lx->p) >= n && memcmp(lx->p, text, n) == 0;
}

/* Advance to `stop` (a NUL-terminated needle) or the end, counting
 * lines; the needle is consumed. */
static void skip_past(cr_mlex *lx, const char *stop)
{
	size_t n = strlen(stop);

	while (lx->p < lx->end) {
		if (at(lx, stop)) {
			lx->p += n;
			return;
		}
		if (*lx->p++ == '\n')
			lx->line++;
	}
}

/* Skip blanks and comments; stops at a newline when newlines are
 * tokens. */
static void skip_blanks(cr_mlex *lx)
{
	bool nl_tokens = lx->syntax == CR_MLEX_RUBY;

	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '\n' && nl_tokens)
			return;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\n') {
			lx->line += c == '\n';
			lx->p++;
		} else if ((lx->syntax == CR_MLEX_RUBY && c == '#') ||
			   (lx->syntax == CR_MLEX_GRADLE && at(lx, "//"))) {
			/* the newline stays, for the next token */
			const char *nl = memchr(lx->p, '\n',
				(size_t)(lx->end - lx->p));

			lx->p = nl ? nl : lx->end;
		} else if (lx->syntax == CR_MLEX_GRADLE && at(lx, "/*")) {
			lx->p += 2;
			skip_past(lx, "*/");
		} else {
			return;
		}
	}
}

/* The body of a string whose opening quote (1 or 3 characters, `open`)
 * was just consumed; backslash escapes are skipped over, not decoded. */
static void lex_string(cr_mlex *lx, cr_mtok *t, const char *open)
{
	size_t n = strlen(open);

	t->kind = CR_MTOK_STR;
	t->quote = open[0];
	t->s = lx->p;
	while (lx->p < lx->end) {
		if (at(lx, open)) {
			t->n = (size_t)(lx->p - t->s);
			lx->p += n;
			return;
		}
		if (*lx->p == '\\' && lx->p + 1 < lx->end && open[0] != '`')
			lx->p++;
		if (*lx->p++ == '\n')
			lx->line++;
	}
	t->n = (size_t)(lx->p - t->s);
}

cr_mtok cr_mlex_next(cr_mlex *lx)
{
	cr_mtok t = {0};
	char c;

	skip_blanks(lx);
	t.line = lx->line;
	if (lx->p >= lx->end)
		return t;
	t.s = lx->p;
	c = *lx->p;
	if (c == '\n') {
		t.kind = CR_MTOK_NL;
		t.n = 1;
		lx->p++;
		lx->line++;
	} else if (is_word_char(c)) {
		while (lx->p < lx->end && is_word_char(*lx->p))
			lx->p++;
		t.kind = CR_MTOK_WORD;
		t.n = (size_t)(lx->p - t.s);
	} else if (at(lx, "\"\"\"") || at(lx, "'''")) {
		char open[4] = {c, c, c, 0};

		lx->p += 3;
		lex_string(lx, &t, open);
	} else if (c == '"' || c == '\'' || c == '`') {
		char open[2] = {c, 0};

		lx->p++;
		lex_string(lx, &t, open);
	} else {
		t.kind = CR_MTOK_PUNCT;
		t.n = at(lx, "=>") ? 2 : 1;
		lx->p += t.n;
	}
	return t;
}

bool cr_mtok_is(const cr_mtok *t, cr_mtok_kind kind, const char *text)
{
	return t->kind == kind && strlen(text) == t->n &&
		memcmp(t->s, text, t->n) == 0;
}

char *cr_span_dup(const char *s, size_t n)
{
	char *copy = malloc(n + 1);

	if (copy) {
		memcpy(copy, s, n);
		copy[n] = '\0';
	}
	return copy;
}

void cr_span_trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Span helpers: the graph wants C strings, the parsers hold spans of the
 * file.  Copies are short-lived, so one malloc each is cheap next to the
 * graph's own interning. */

static int graph_failed(cr_manifests *ms, int rc, const char *what)
{
	return cr_error_set(cr_manifests_collector(ms)->ctx, rc,
		"cannot record %s", what);
}

int cr_mu_dep(cr_node_id *out, bool *fresh, cr_manifests *ms,
	cr_node_id manifest, const char *name, size_t name_len, const char *c,
	size_t c_len, const char *scope, uint32_t line)
{
	/* Ids grow: a node above the count before the call was just made. */
	size_t before = cr_graph_count(cr_manifests_collector(ms)->g);
	char *n = cr_span_dup(name, name_len);
	char *v = c ? cr_span_dup(c, c_len) : NULL;
	int rc;

	if (!n || (c && !v))
		rc = graph_failed(ms, CR_ENOMEM, "a dependency");
	else
		rc = cr_manifest_dep(out, ms, manifest, n, v, scope, line);
	if (fresh)
		*fresh = rc == CR_OK && *out > before;
	free(n);
	free(v);
	return rc;
}

int cr_mu_package(cr_manifests *ms, cr_node_id lockfile,
	const char *name, size_t name_len, const char *version,
	size_t version_len, const char *scope, uint32_t line)
{
	char *n = cr_span_dup(name, name_len);
	char *v = cr_span_dup(version, version_len);
	int rc;

	if (!n || !v)
		rc = graph_failed(ms, CR_ENOMEM, "a locked package");
	else
		rc = cr_lockfile_package(ms, lockfile, n, v, scope, line);
	free(n);
	free(v);
	return rc;
}

int cr_mu_set(cr_manifests *ms, cr_node_id n, const char *key,
	const char *s, size_t len)
{
	int rc = cr_graph_set_strn(cr_manifests_collector(ms)->g, n, key, s,
		len);

	return rc == CR_OK ? rc : graph_failed(ms, rc, key);
}

int cr_mu_push(cr_manifests *ms, cr_node_id n, const char *key,
	const char *s, size_t len)
{
	char *v = cr_span_dup(s, len);
	int rc = v ? cr_graph_list_push(cr_manifests_collector(ms)->g, n, key,
		v) : CR_ENOMEM;

	free(v);
	return rc == CR_OK ? rc : graph_failed(ms, rc, key);
}

int cr_mu_set_bool(cr_manifests *ms, cr_node_id n, const char *key, bool v)
{
	int rc = cr_graph_set_bool(cr_manifests_collector(ms)->g, n, key, v);

	return rc == CR_OK ? rc : graph_failed(ms, rc, key);
}

int cr_mu_empty_lists(cr_manifests *ms, cr_node_id n, const char *const *keys)
{
	int rc;

	for (; *keys; keys++)
		if ((rc = cr_graph_set_list(cr_manifests_collector(ms)->g, n,
				*keys)) != CR_OK)
			return graph_failed(ms, rc, *keys);
	return CR_OK;
}

int cr_mu_syntax(cr_manifests *ms, const cr_source_file *f, uint32_t line,
	const char *parser, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	rc = cr_collect_parse_error(cr_manifests_collector(ms), f->path, line,
		parser, "%s", message);
	return rc == CR_OK ? CR_EPARSE : rc;
}
