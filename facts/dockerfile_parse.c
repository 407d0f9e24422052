/*
 * dockerfile_parse.c - the Dockerfile reader: directives, continuations,
 * heredocs, flags, exec form, word splitting and ARG expansion in FROM.
 *
 * It follows BuildKit's reading of a file so that the facts match what
 * `docker build` does: parser directives only before anything else, the
 * escape character of the `escape` directive, comment and empty lines
 * dropped even inside a continued instruction, heredoc bodies after the
 * line that opens them.  Everything is allocated from one arena freed
 * with the cr_dockerfile.  The shell analysis of RUN scripts lives in
 * dockerfile_run.c, the graph nodes in docker.c.
 */
#include "facts/dockerfile_parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define ERRORS_MAX 32 /* per file: the rest add nothing */
#define CHUNK_MIN (16u << 10)

/* --- string vectors -------------------------------------------------------- */

int cr_strv_pushn(cr_strv *sv, const char *s, size_t len)
{
	char *copy;

	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof *v);

		if (!v)
			return CR_ENOMEM;
		sv->v = v;
		sv->cap = cap;
	}
	if (s && !(copy = strndup(s, len)))
		return CR_ENOMEM;
	if (!s)
		copy = NULL;
	sv->v[sv->n++] = copy;
	return CR_OK;
}

int cr_strv_push(cr_strv *sv, const char *s)
{
	return cr_strv_pushn(sv, s, strlen(s));
}

void cr_strv_release(cr_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (cr_strv){0};
}

char *cr_words_join(const char *const *v, size_t n)
{
	size_t len = 1, at = 0;
	char *out;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	if (!(out = malloc(len)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t vlen = strlen(v[i]);

		if (i)
			out[at++] = ' ';
		memcpy(out + at, v[i], vlen);
		at += vlen;
	}
	out[at] = '\0';
	return out;
}

/* --- the arena ------------------------------------------------------------- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct cr_df_arena {
	struct chunk *head;
};

static void *arena_alloc(cr_df_arena *a, size_t size)
{
	struct chunk *c = a->head;
	size_t align = sizeof(max_align_t);

	size = (size + align - 1) / align * align;
	if (!c || c->cap - c->used < size) {
		size_t cap = size > CHUNK_MIN ? size : CHUNK_MIN;

		if (!(c = malloc(sizeof *c + cap)))
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	c->used += size;
	return (char *)c->data + c->used - size;
}

static char *arena_strndup(cr_df_arena *a, const char *s, size_t len)
{
	char *copy = arena_alloc(a, len + 1);

	if (copy) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

static void arena_free(cr_df_arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* --- a growable text buffer ------------------------------------------------ */

struct text {
	char *p;
	size_t len, cap;
};

static int text_add(struct text *t, const char *s, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *p;

		while (cap < t->len + len + 1)
			cap *= 2;
		if (!(p = realloc(t->p, cap)))
			return CR_ENOMEM;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, len);
	t->len += len;
	t->p[t->len] = '\0';
	return CR_OK;
}

/* --- keywords ---------------------------------------------------------------- */

static const char *const keywords[] = {
	"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
	"HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
	"STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
};

static const char *keyword_of(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
		if (strlen(keywords[i]) == len &&
		    strncasecmp(keywords[i], word, len) == 0)
			return keywords[i];
	return NULL;
}

bool cr_df_keyword(const char *word, size_t len)
{
	return keyword_of(word, len) != NULL;
}

static bool keyword_is(const char *kw, const char *a, const char *b,
	const char *c)
{
	return !strcmp(kw, a) || (b && !strcmp(kw, b)) || (c && !strcmp(kw, c));
}

/* --- the parser state -------------------------------------------------------- */

struct parser {
	const char *buf;
	size_t len, pos;
	uint32_t next_line;       /* line number of buf[pos] */
	cr_dockerfile *df;
	size_t instrs_cap;
	struct text text;         /* the logical line being assembled */
	bool seen_from;
	bool oom;
};

/* The next physical line (without its newline or a trailing CR), or
 * false at the end of the buffer. */
static bool next_line(struct parser *p, const char **start, size_t *len,
	uint32_t *line)
{
	const char *s = p->buf + p->pos, *nl;
	size_t rest = p->len - p->pos;

	if (p->pos >= p->len)
		return false;
	nl = memchr(s, '\n', rest);
	*start = s;
	*len = nl ? (size_t)(nl - s) : rest;
	p->pos += *len + (nl != NULL);
	*line = p->next_line++;
	if (*len && s[*len - 1] == '\r')
		(*len)--;
	return true;
}

static void unread_line(struct parser *p, const char *start)
{
	p->pos = (size_t)(start - p->buf);
	p->next_line--;
}

static void add_error(struct parser *p, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_error(struct parser *p, uint32_t line, const char *fmt, ...)
{
	cr_dockerfile *df = p->df;
	char message[160];
	cr_df_error *e;
	va_list ap;

	if (df->nerrors == ERRORS_MAX)
		return;
	if (!df->errors && !(df->errors = arena_alloc(df->arena,
			ERRORS_MAX * sizeof *df->errors))) {
		p->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	e = &df->errors[df->nerrors];
	e->line = line;
	if (!(e->message = arena_strndup(df->arena, message, strlen(message))))
		p->oom = true;
	else
		df->nerrors++;
}

static size_t skip_blanks(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t trim_end(const char *s, size_t len)
{
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return len;
}

/* --- parser directives ----------------------------------------------------- */

/* "# name=value" with a known name seen for the first time: record it. */
static bool directive(struct parser *p, const char *s, size_t len,
	uint32_t line)
{
	static const char *const names[] = { "syntax", "escape", "check" };
	cr_dockerfile *df = p->df;
	const char **slots[] = { &df->syntax, &df->escape_directive, &df->check };
	size_t i = skip_blanks(s, 0, len), name, name_len, value;
	const char *v;

	if (i == len || s[i] != '#')
		return false;
	i = skip_blanks(s, i + 1, len);
	for (name = i; i < len && isalnum((unsigned char)s[i]); i++)
		;
	name_len = i - name;
	i = skip_blanks(s, i, len);
	if (i == len || s[i] != '=')
		return false;
	value = skip_blanks(s, i + 1, len);
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		if (strlen(names[k]) != name_len ||
		    strncasecmp(names[k], s + name, name_len) || *slots[k])
			continue;
		v = arena_strndup(df->arena, s + value,
			trim_end(s + value, len - value));
		if (!v) {
			p->oom = true;
			return false;
		}
		*slots[k] = v;
		if (k == 1 && strcmp(v, "\\") && strcmp(v, "`"))
			add_error(p, line, "invalid escape directive '%s'", v);
		else if (k == 1)
			df->escape = v[0];
		return true;
	}
	return false;
}

static void read_directives(struct parser *p)
{
	const char *s;
	size_t len;
	uint32_t line;

	while (!p->oom && next_line(p, &s, &len, &line)) {
		if (!directive(p, s, len, line)) {
			unread_line(p, s);
			return;
		}
	}
}

/* --- logical lines --------------------------------------------------------- */

/* Does the line end with the escape character (blanks after it allowed)?
 * Then *len becomes the length before it. */
static bool continues(const struct parser *p, const char *s, size_t *len)
{
	size_t n = *len;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || s[n - 1] != p->df->escape)
		return false;
	*len = n - 1;
	return true;
}

static bool blank_or_comment(const char *s, size_t len)
{
	size_t i = skip_blanks(s, 0, len);

	return i == len || s[i] == '#';
}

/* Assemble one instruction into p->text from its first line on. */
static void read_logical(struct parser *p, const char *s, size_t len)
{
	uint32_t line;
	bool more;

	p->text.len = 0;
	for (;;) {
		more = continues(p, s, &len);
		if (text_add(&p->text, s, len) != CR_OK) {
			p->oom = true;
			return;
		}
		if (!more)
			return;
		do {
			if (!next_line(p, &s, &len, &line))
				return;
		} while (blank_or_comment(s, len));
	}
}

/* --- heredocs ---------------------------------------------------------------- */

struct heredoc_mark {
	const char *name;
	size_t len;
	bool strip_tabs;
};

static bool delimiter_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("<>;|&()'\"", c);
}

/* Find the heredoc markers (<<EOF, <<-EOF, <<"EOF") among the words of s
 * outside quotes; returns how many were stored (at most cap). */
static size_t find_heredocs(struct heredoc_mark *marks, size_t cap,
	const char *s, char escape)
{
	size_t n = 0;
	char quote = 0;

	for (size_t i = 0; s[i] && n < cap; i++) {
		char c = s[i];

		if (quote) {
			if (c == escape && quote == '"' && s[i + 1])
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == escape && s[i + 1]) {
			i++;
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			continue;
		}
		if (c != '<' || s[i + 1] != '<' || s[i + 2] == '<' ||
		    (i && s[i - 1] == '<'))
			continue;
		size_t j = i + 2;
		struct heredoc_mark m = { .strip_tabs = s[j] == '-' };
		char q = 0;

		j += m.strip_tabs;
		if (s[j] == '\'' || s[j] == '"')
			q = s[j++];
		m.name = s + j;
		while (s[j] && (q ? s[j] != q : delimiter_char(s[j])))
			j++;
		m.len = (size_t)(s + j - m.name);
		if (q && s[j] == q)
			j++;
		if (m.len)
			marks[n++] = m;
		i = j - 1;
	}
	return n;
}

static bool is_delimiter(const struct heredoc_mark *m, const char *s,
	size_t len)
{
	if (m->strip_tabs)
		while (len && *s == '\t')
			s++, len--;
	return len == m->len && !memcmp(s, m->name, len);
}

/* Read the bodies of the heredocs the instruction at `line` opened. */
static int read_heredocs(struct parser *p, cr_df_instr *in, uint32_t line)
{
	struct heredoc_mark marks[8];
	size_t n = find_heredocs(marks, 8, in->args, p->df->escape);
	cr_df_heredoc *docs;
	struct text body = {0};
	int rc = CR_OK;

	if (!n)
		return CR_OK;
	if (!(docs = arena_alloc(p->df->arena, n * sizeof *docs)))
		return CR_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		const char *s;
		size_t len;
		uint32_t at;
		bool closed = false;

		body.len = 0;
		if ((rc = text_add(&body, "", 0)) != CR_OK)
			goto done;
		while (next_line(p, &s, &len, &at)) {
			if ((closed = is_delimiter(&marks[k], s, len)))
				break;
			if (marks[k].strip_tabs)
				for (; len && *s == '\t'; s++, len--)
					;
			if ((rc = text_add(&body, s, len)) != CR_OK ||
			    (rc = text_add(&body, "\n", 1)) != CR_OK)
				goto done;
		}
		docs[k].delimiter = arena_strndup(p->df->arena, marks[k].name,
			marks[k].len);
		docs[k].body = arena_strndup(p->df->arena, body.p, body.len);
		if (!docs[k].delimiter || !docs[k].body) {
			rc = CR_ENOMEM;
			goto done;
		}
		if (!closed)
			add_error(p, line, "unterminated heredoc <<%s",
				docs[k].delimiter);
	}
	in->heredocs = docs;
	in->nheredocs = n;
done:
	free(body.p);
	return rc;
}

/* --- flags and exec form ----------------------------------------------------- */

static bool takes_flags(const char *kw)
{
	return keyword_is(kw, "FROM", "RUN", "COPY") ||
		keyword_is(kw, "ADD", "HEALTHCHECK", NULL);
}

/* Leading --name[=value] words of in->args; sets in->rest after them. */
static int parse_flags(cr_df_arena *a, cr_df_instr *in)
{
	const char *s = in->args;
	size_t n = 0;
	cr_df_flag *flags;

	for (const char *w = s; w[0] == '-' && w[1] == '-';) {
		n++;
		w += strcspn(w, " \t");
		w += strspn(w, " \t");
	}
	in->rest = s;
	if (!n)
		return CR_OK;
	if (!(flags = arena_alloc(a, n * sizeof *flags)))
		return CR_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		size_t wlen = strcspn(s + 2, " \t");
		const char *eq = memchr(s + 2, '=', wlen);
		size_t name_len = eq ? (size_t)(eq - s - 2) : wlen;

		flags[k].name = arena_strndup(a, s + 2, name_len);
		flags[k].value = eq ? arena_strndup(a, eq + 1,
			wlen - name_len - 1) : NULL;
		if (!flags[k].name || (eq && !flags[k].value))
			return CR_ENOMEM;
		s += 2 + wlen;
		s += strspn(s, " \t");
	}
	in->flags = flags;
	in->nflags = n;
	in->rest = s;
	return CR_OK;
}

/* A JSON array of strings: the exec form.  Anything else is shell form,
 * as BuildKit decides. */
static int parse_exec(cr_df_arena *a, cr_df_instr *in, const char *s)
{
	cJSON *doc, *item;
	const char **argv;
	size_t n = 0;
	int rc = CR_OK;

	if (*s != '[' || !(doc = cJSON_ParseWithLength(s, strlen(s))))
		return CR_OK;
	if (!cJSON_IsArray(doc))
		goto done;
	cJSON_ArrayForEach(item, doc) {
		if (!cJSON_IsString(item))
			goto done;
		n++;
	}
	if (!(argv = arena_alloc(a, (n + 1) * sizeof *argv))) {
		rc = CR_ENOMEM;
		goto done;
	}
	n = 0;
	cJSON_ArrayForEach(item, doc) {
		const char *v = item->valuestring;

		if (!(argv[n++] = arena_strndup(a, v, strlen(v)))) {
			rc = CR_ENOMEM;
			goto done;
		}
	}
	argv[n] = NULL;
	in->exec_form = true;
	in->argv = argv;
	in->argc = n;
done:
	cJSON_Delete(doc);
	return rc;
}

/* Where a form is decided: RUN, CMD, ENTRYPOINT, SHELL, and the command
 * of HEALTHCHECK CMD. */
static const char *form_text(const cr_df_instr *in)
{
	const char *s = in->rest;

	if (keyword_is(in->keyword, "RUN", "CMD", "ENTRYPOINT") ||
	    !strcmp(in->keyword, "SHELL"))
		return s;
	if (!strcmp(in->keyword, "HEALTHCHECK") && !strncasecmp(s, "CMD", 3) &&
	    (s[3] == ' ' || s[3] == '\t' || s[3] == '['))
		return s + 3 + strspn(s + 3, " \t");
	return NULL;
}

/* --- instructions ------------------------------------------------------------ */

static cr_df_instr *new_instr(struct parser *p)
{
	cr_dockerfile *df = p->df;

	if (df->count == p->instrs_cap) {
		size_t cap = p->instrs_cap ? p->instrs_cap * 2 : 32;
		cr_df_instr *v = realloc(df->instrs, cap * sizeof *v);

		if (!v)
			return NULL;
		df->instrs = v;
		p->instrs_cap = cap;
	}
	df->instrs[df->count] = (cr_df_instr){0};
	return &df->instrs[df->count];
}

/* Turn the logical line in p->text (first line `line`) into an
 * instruction. */
static int add_instr(struct parser *p, uint32_t line)
{
	const char *s = p->text.p, *kw, *form;
	size_t i = skip_blanks(s, 0, p->text.len), w = i, end;
	cr_df_instr *in;
	int rc;

	while (i < p->text.len && !isspace((unsigned char)s[i]))
		i++;
	if (!(kw = keyword_of(s + w, i - w))) {
		add_error(p, line, "unknown instruction '%.*s'",
			(int)(i - w > 32 ? 32 : i - w), s + w);
		return CR_OK;
	}
	if (!p->seen_from && strcmp(kw, "ARG") && strcmp(kw, "FROM"))
		add_error(p, line, "%s before the first FROM", kw);
	p->seen_from |= !strcmp(kw, "FROM");
	if (!(in = new_instr(p)))
		return CR_ENOMEM;
	i = skip_blanks(s, i, p->text.len);
	end = trim_end(s, p->text.len);
	in->keyword = kw;
	in->line = line;
	if (!(in->args = arena_strndup(p->df->arena, s + i,
			end > i ? end - i : 0)))
		return CR_ENOMEM;
	in->rest = in->args;
	if (takes_flags(kw) && (rc = parse_flags(p->df->arena, in)) != CR_OK)
		return rc;
	if ((form = form_text(in)) &&
	    (rc = parse_exec(p->df->arena, in, form)) != CR_OK)
		return rc;
	if (keyword_is(kw, "RUN", "COPY", "ADD") &&
	    (rc = read_heredocs(p, in, line)) != CR_OK)
		return rc;
	if (!strcmp(kw, "FROM") && !*in->rest)
		add_error(p, line, "%s without an image", kw);
	p->df->count++;
	return CR_OK;
}

int cr_dockerfile_parse(cr_dockerfile **out, const char *buf, size_t len)
{
	struct parser p = { .buf = buf, .len = len, .next_line = 1 };
	const char *s;
	size_t n;
	uint32_t line;
	int rc = CR_OK;

	*out = NULL;
	if (!(p.df = calloc(1, sizeof *p.df)) ||
	    !(p.df->arena = calloc(1, sizeof *p.df->arena))) {
		rc = CR_ENOMEM;
		goto done;
	}
	p.df->escape = '\\';
	read_directives(&p);
	while (!p.oom && next_line(&p, &s, &n, &line)) {
		if (blank_or_comment(s, n))
			continue;
		read_logical(&p, s, n);
		if (!p.oom && (rc = add_instr(&p, line)) != CR_OK)
			goto done;
	}
	if (p.oom)
		rc = CR_ENOMEM;
done:
	free(p.text.p);
	if (rc == CR_OK)
		*out = p.df;
	else
		cr_dockerfile_free(p.df);
	return rc;
}

void cr_dockerfile_free(cr_dockerfile *df)
{
	if (!df)
		return;
	free(df->instrs);
	arena_free(df->arena);
	free(df);
}

/* --- words and variables ----------------------------------------------------- */

int cr_df_words(cr_strv *out, const char *s, char escape)
{
	struct text w = {0};
	int rc = CR_OK;

	while (*s) {
		char quote = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		w.len = 0;
		if ((rc = text_add(&w, "", 0)) != CR_OK)
			goto done;
		for (; *s && (quote || !isspace((unsigned char)*s)); s++) {
			if (*s == escape && s[1] && quote != '\'') {
				s++;
			} else if (quote && *s == quote) {
				quote = 0;
				continue;
			} else if (!quote && (*s == '"' || *s == '\'')) {
				quote = *s;
				continue;
			}
			if ((rc = text_add(&w, s, 1)) != CR_OK)
				goto done;
		}
		if ((rc = cr_strv_pushn(out, w.p, w.len)) != CR_OK)
			goto done;
	}
done:
	free(w.p);
	return rc;
}

static const char *arg_value(const cr_strv *names, const cr_strv *values,
	const char *name, size_t len, bool *known)
{
	/* the last definition wins, as with repeated ARGs */
	for (size_t i = names->n; i-- > 0;) {
		if (strlen(names->v[i]) == len && !memcmp(names->v[i], name, len)) {
			*known = true;
			return values->v[i];
		}
	}
	*known = false;
	return NULL;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* One ${...} or $NAME at s (s[0] == '$'): append its value to t and
 * return the length consumed. */
static size_t expand_one(struct text *t, bool *unresolved, int *rc,
	const char *s, const cr_strv *names, const cr_strv *values)
{
	bool braces = s[1] == '{', known;
	const char *name = s + 1 + braces, *op, *word = "", *v;
	size_t len = 0, consumed, word_len = 0;

	while (name_char(name[len]))
		len++;
	if (!len) {
		*rc = text_add(t, s, 1);
		return 1;
	}
	op = name + len;
	consumed = (size_t)(op - s);
	if (braces) {
		const char *close = strchr(op, '}');

		if (!close) {
			*rc = text_add(t, s, strlen(s));
			return strlen(s);
		}
		consumed = (size_t)(close + 1 - s);
		if (*op == ':')
			op++;
		word = op + (op < close);
		word_len = close > word ? (size_t)(close - word) : 0;
	}
	v = arg_value(names, values, name, len, &known);
	if (braces && *op == '+') {
		*rc = text_add(t, word, v && *v ? word_len : 0);
	} else if ((!v || (!*v && op[-1] == ':')) && braces && *op == '-') {
		*rc = text_add(t, word, word_len);
	} else if (v) {
		*rc = text_add(t, v, strlen(v));
	} else {
		*unresolved = true;
		*rc = CR_OK;
	}
	return consumed;
}

int cr_df_expand(char **out, bool *unresolved, const char *s,
	const cr_strv *names, const cr_strv *values)
{
	struct text t = {0};
	int rc = text_add(&t, "", 0);

	*unresolved = false;
	*out = NULL;
	while (rc == CR_OK && *s) {
		size_t plain = strcspn(s, "$");

		if ((rc = text_add(&t, s, plain)) != CR_OK)
			break;
		s += plain;
		if (*s)
			s += expand_one(&t, unresolved, &rc, s, names, values);
	}
	if (rc != CR_OK) {
		free(t.p);
		return rc;
	}
	*out = t.p;
	return CR_OK;
}

/* --- image references -------------------------------------------------------- */

void cr_image_ref_split(cr_image_ref *out, const char *image)
{
	const char *at = strchr(image, '@'), *end, *slash, *colon;
	cr_span name = { image, at ? (size_t)(at - image) : strlen(image) };

	*out = (cr_image_ref){0};
	if (at)
		out->digest = (cr_span){ at + 1, strlen(at + 1) };
	end = name.ptr + name.len;
	slash = memchr(name.ptr, '/', name.len);
	/* a first component with '.' or ':', or localhost, is a registry */
	if (slash && (memchr(name.ptr, '.', (size_t)(slash - name.ptr)) ||
		      memchr(name.ptr, ':', (size_t)(slash - name.ptr)) ||
		      (slash - name.ptr == 9 && !memcmp(name.ptr, "localhost", 9)))) {
		out->registry = (cr_span){ name.ptr, (size_t)(slash - name.ptr) };
		name.ptr = slash + 1;
		name.len = (size_t)(end - name.ptr);
	}
	slash = name.ptr;
	for (const char *p = name.ptr; p < end; p++)
		if (*p == '/')
			slash = p + 1;
	colon = memchr(slash, ':', (size_t)(end - slash));
	if (colon) {
		out->tag = (cr_span){ colon + 1, (size_t)(end - colon - 1) };
		name.len = (size_t)(colon - name.ptr);
	}
	out->repository = name;
}
