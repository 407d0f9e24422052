/*
 * toml.c - the strict TOML 1.0 reader of toml.h.
 *
 * One pass over the buffer builds the tree.  Keys are resolved (and their
 * tables created) before their value is read, so every redefinition is
 * reported at the key that causes it.  The spec's rules on who may extend
 * a table are kept as flags on each table:
 *   - `header`: opened by [t] or [[t]]; no second [t], no dotted keys;
 *   - `dotted`: created by dotted keys in section `section`; only keys of
 *     that same section (or inline table) may extend it, never a header;
 *   - `frozen`: an inline table, complete once written.
 * Arrays written as values are static; only [[t]] appends to its own.
 * Recursion (arrays, inline tables, freeing) is bounded by the depth of
 * each value, capped at CR_TOML_MAX_DEPTH; tables keep a hash index so
 * that huge tables stay linear.
 */
#include "crucible/toml.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char *key;
	size_t key_len;
	cr_toml_value *value;
};

struct table {
	struct entry *entries;
	size_t count, cap;
	uint32_t *index; /* open addressing, entry number + 1; 0 is empty */
	size_t index_cap;
	unsigned section;
	bool header, dotted, frozen;
};

struct array {
	cr_toml_value **items;
	size_t count, cap;
	bool of_tables; /* made by [[t]] */
};

struct cr_toml_value {
	cr_toml_type type;
	unsigned line;
	unsigned depth;
	union {
		struct {
			char *text;
			size_t len;
		} str;
		int64_t integer;
		double real;
		bool boolean;
		struct array array;
		struct table table;
	} u;
};

struct cr_toml {
	cr_toml_value *root;
};

struct key_part {
	char *text;
	size_t len;
	const char *at;
};

struct buf {
	char *data;
	size_t len, cap;
};

struct parser {
	cr_ctx *ctx;
	const char *name;
	const char *data, *p, *end;
	uint32_t *line_starts; /* offsets: the size limit fits 32 bits */
	size_t line_count;
	cr_toml_value *root, *current;
	unsigned section, sections;
	struct key_part *keys;
	size_t key_count, key_cap;
	struct buf buf;
};

/* -- errors and positions ----------------------------------------------- */

static size_t line_index(const struct parser *ps, const char *at)
{
	size_t off = (size_t)(at - ps->data), lo = 0, hi = ps->line_count;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ps->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static unsigned line_of(const struct parser *ps, const char *at)
{
	return (unsigned)line_index(ps, at) + 1;
}

/* Columns count characters, not bytes. */
static unsigned column_of(const struct parser *ps, const char *at)
{
	const char *s = ps->data + ps->line_starts[line_index(ps, at)];
	unsigned col = 1;

	for (; s < at; s++)
		col += ((unsigned char)*s & 0xC0) != 0x80;
	return col;
}

static int fail(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return cr_error_set(ps->ctx, CR_EPARSE, "%s:%u:%u: %s", ps->name,
		line_of(ps, at), column_of(ps, at), msg);
}

static int oom(struct parser *ps)
{
	return cr_error_set(ps->ctx, CR_ENOMEM, "%s: out of memory", ps->name);
}

/* Keys are quoted in messages up to a length, with bytes kept printable. */
static const char *shown(const struct key_part *k, char out[64])
{
	size_t n = 0;

	for (size_t i = 0; i < k->len && n < 60; i++) {
		unsigned char c = (unsigned char)k->text[i];

		out[n++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	out[n] = '\0';
	return out;
}

/* -- values ------------------------------------------------------------- */

static void value_free(cr_toml_value *v)
{
	if (!v)
		return;
	switch (v->type) {
	case CR_TOML_ARRAY:
		for (size_t i = 0; i < v->u.array.count; i++)
			value_free(v->u.array.items[i]);
		free(v->u.array.items);
		break;
	case CR_TOML_TABLE:
		for (size_t i = 0; i < v->u.table.count; i++) {
			free(v->u.table.entries[i].key);
			value_free(v->u.table.entries[i].value);
		}
		free(v->u.table.entries);
		free(v->u.table.index);
		break;
	case CR_TOML_INTEGER:
	case CR_TOML_FLOAT:
	case CR_TOML_BOOLEAN:
		break;
	default:
		free(v->u.str.text);
		break;
	}
	free(v);
}

static cr_toml_value *value_new(struct parser *ps, cr_toml_type type,
	const char *at, unsigned depth)
{
	cr_toml_value *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	v->type = type;
	v->line = line_of(ps, at);
	v->depth = depth;
	return v;
}

static uint32_t hash_key(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct entry *table_find(const struct table *t, const char *key,
	size_t len)
{
	size_t mask = t->index_cap - 1;

	if (!t->index_cap)
		return NULL;
	for (size_t i = hash_key(key, len) & mask; t->index[i];
	     i = (i + 1) & mask) {
		struct entry *e = &t->entries[t->index[i] - 1];

		if (e->key_len == len && !memcmp(e->key, key, len))
			return e;
	}
	return NULL;
}

static void index_put(struct table *t, size_t n)
{
	size_t mask = t->index_cap - 1;
	size_t i = hash_key(t->entries[n].key, t->entries[n].key_len) & mask;

	while (t->index[i])
		i = (i + 1) & mask;
	t->index[i] = (uint32_t)(n + 1);
}

static int table_grow(struct table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4;
	struct entry *entries = realloc(t->entries, cap * sizeof *entries);
	uint32_t *index;

	if (!entries)
		return -1;
	t->entries = entries;
	if (!(index = calloc(cap * 2, sizeof *index)))
		return -1;
	free(t->index);
	t->index = index;
	t->index_cap = cap * 2;
	t->cap = cap;
	for (size_t i = 0; i < t->count; i++)
		index_put(t, i);
	return 0;
}

/* Takes over key and value, even on failure. */
static int table_add(struct table *t, char *key, size_t len,
	cr_toml_value *value)
{
	if (t->count == t->cap && table_grow(t) < 0) {
		free(key);
		value_free(value);
		return -1;
	}
	t->entries[t->count] = (struct entry){key, len, value};
	index_put(t, t->count++);
	return 0;
}

/* Takes over value, even on failure. */
static int array_add(struct array *a, cr_toml_value *value)
{
	if (a->count == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4;
		cr_toml_value **items = realloc(a->items, cap * sizeof *items);

		if (!items) {
			value_free(value);
			return -1;
		}
		a->items = items;
		a->cap = cap;
	}
	a->items[a->count++] = value;
	return 0;
}

/* -- lexing ------------------------------------------------------------- */

static bool at_end(const struct parser *ps)
{
	return ps->p >= ps->end;
}

static int peek(const struct parser *ps)
{
	return at_end(ps) ? -1 : (unsigned char)*ps->p;
}

static bool looking_at(const struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, s, n);
}

static void skip_ws(struct parser *ps)
{
	while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7F;
}

static bool at_newline(const struct parser *ps)
{
	return peek(ps) == '\n' || looking_at(ps, "\r\n");
}

/* A comment, if one starts here, up to (not including) its newline. */
static int skip_comment(struct parser *ps)
{
	if (peek(ps) != '#')
		return 0;
	for (ps->p++; !at_end(ps) && !at_newline(ps); ps->p++) {
		if (is_control((unsigned char)*ps->p))
			return fail(ps, ps->p, "control character in comment");
	}
	return 0;
}

/* Whitespace, comments and newlines, as inside arrays. */
static int skip_blank(struct parser *ps)
{
	int err;

	for (;;) {
		skip_ws(ps);
		if ((err = skip_comment(ps)) < 0)
			return err;
		if (peek(ps) == '\n')
			ps->p++;
		else if (looking_at(ps, "\r\n"))
			ps->p += 2;
		else
			return 0;
	}
}

/* The end of an expression: whitespace, a comment, a newline or EOF. */
static int end_of_line(struct parser *ps)
{
	int err;

	skip_ws(ps);
	if ((err = skip_comment(ps)) < 0)
		return err;
	if (at_end(ps))
		return 0;
	if (*ps->p == '\n') {
		ps->p++;
		return 0;
	}
	if (looking_at(ps, "\r\n")) {
		ps->p += 2;
		return 0;
	}
	return fail(ps, ps->p, "expected a newline after the expression");
}

/* The whole document must be UTF-8 without overlongs or surrogates. */
static int check_utf8(struct parser *ps)
{
	const unsigned char *s = (const unsigned char *)ps->data;
	const unsigned char *end = (const unsigned char *)ps->end;

	while (s < end) {
		unsigned c = *s, need, min;
		uint32_t cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, min = 0x80, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, min = 0x800, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			goto bad;
		if ((size_t)(end - s) <= need)
			goto bad;
		for (unsigned i = 1; i <= need; i++) {
			if ((s[i] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		s += need + 1;
	}
	return 0;
bad:
	return fail(ps, (const char *)s, "invalid UTF-8");
}

static int index_lines(struct parser *ps)
{
	size_t n = 1;

	for (const char *s = ps->data; s < ps->end; s++)
		n += *s == '\n';
	if (!(ps->line_starts = malloc(n * sizeof *ps->line_starts)))
		return oom(ps);
	ps->line_starts[0] = 0;
	ps->line_count = 1;
	for (const char *s = ps->data; s < ps->end; s++) {
		if (*s == '\n')
			ps->line_starts[ps->line_count++] =
				(uint32_t)(s + 1 - ps->data);
	}
	return 0;
}

/* -- strings ------------------------------------------------------------ */

static int buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *data;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(data = realloc(b->data, cap)))
			return -1;
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static int buf_put_utf8(struct buf *b, uint32_t cp)
{
	char out[4];
	size_t n;

	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_put(b, out, n);
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX or \UXXXXXXXX, the 'u' or 'U' at ps->p. */
static int unicode_escape(struct parser *ps, const char *esc)
{
	size_t digits = *ps->p == 'u' ? 4 : 8;
	uint32_t cp = 0;

	ps->p++;
	for (size_t i = 0; i < digits; i++) {
		int h = hex_value(peek(ps));

		if (h < 0)
			return fail(ps, esc, "invalid unicode escape");
		cp = cp * 16 + (uint32_t)h;
		ps->p++;
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return fail(ps, esc, "escape is not a unicode scalar value");
	return buf_put_utf8(&ps->buf, cp) < 0 ? oom(ps) : 0;
}

/* After a line-ending backslash: all whitespace and newlines. */
static int trim_after_backslash(struct parser *ps, const char *esc)
{
	skip_ws(ps);
	if (!at_newline(ps))
		return fail(ps, esc, "invalid escape sequence");
	while (!at_end(ps)) {
		if (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n')
			ps->p++;
		else if (looking_at(ps, "\r\n"))
			ps->p += 2;
		else
			break;
	}
	return 0;
}

static int escape(struct parser *ps, bool multiline)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *esc = ps->p++, *hit;
	int c = peek(ps);

	if (c == 'u' || c == 'U')
		return unicode_escape(ps, esc);
	if (multiline && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
		return trim_after_backslash(ps, esc);
	if (c <= 0 || !(hit = strchr(from, c)))
		return fail(ps, esc, "invalid escape sequence");
	ps->p++;
	return buf_put(&ps->buf, &to[hit - from], 1) < 0 ? oom(ps) : 0;
}

/* A newline inside a multi-line string, kept as "\n". */
static bool string_newline(struct parser *ps)
{
	if (peek(ps) == '\n') {
		ps->p++;
		return true;
	}
	if (looking_at(ps, "\r\n")) {
		ps->p += 2;
		return true;
	}
	return false;
}

/* Up to two quotes just before a closing delimiter belong to the string. */
static size_t closing_quotes(const struct parser *ps, char q)
{
	size_t n = 3;

	while (n < 5 && ps->p + n < ps->end && ps->p[n] == q)
		n++;
	return n - 3;
}

/* A string at ps->p (its opening quote), decoded into ps->buf. */
static int read_string(struct parser *ps, bool allow_multiline)
{
	const char *start = ps->p;
	char q = *ps->p;
	bool literal = q == '\'', multi = false;
	const char delim[4] = {q, q, q, '\0'};
	int err;

	ps->buf.len = 0;
	if (buf_put(&ps->buf, "", 0) < 0)
		return oom(ps);
	if (allow_multiline && looking_at(ps, delim)) {
		multi = true;
		ps->p += 3;
		string_newline(ps);
	} else {
		ps->p++;
	}
	for (;;) {
		unsigned char c;

		if (at_end(ps))
			return fail(ps, start, "unterminated string");
		c = (unsigned char)*ps->p;
		if (multi && looking_at(ps, delim)) {
			size_t extra = closing_quotes(ps, q);

			if (buf_put(&ps->buf, ps->p, extra) < 0)
				return oom(ps);
			ps->p += 3 + extra;
			return 0;
		}
		if (!multi && c == (unsigned char)q) {
			ps->p++;
			return 0;
		}
		if (multi && string_newline(ps)) {
			if (buf_put(&ps->buf, "\n", 1) < 0)
				return oom(ps);
			continue;
		}
		if (c == '\\' && !literal) {
			if ((err = escape(ps, multi)) < 0)
				return err;
			continue;
		}
		if (is_control(c))
			return fail(ps, ps->p, c == '\n' || c == '\r' ?
				"newline in a single-line string" :
				"control character in string");
		if (buf_put(&ps->buf, ps->p, 1) < 0)
			return oom(ps);
		ps->p++;
	}
}

/* -- keys --------------------------------------------------------------- */

static bool is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void keys_clear(struct parser *ps)
{
	for (size_t i = 0; i < ps->key_count; i++)
		free(ps->keys[i].text);
	ps->key_count = 0;
}

static int key_push(struct parser *ps, const char *s, size_t len,
	const char *at)
{
	char *text;

	if (ps->key_count == CR_TOML_MAX_DEPTH)
		return fail(ps, at, "key nested too deep");
	if (ps->key_count == ps->key_cap) {
		size_t cap = ps->key_cap ? ps->key_cap * 2 : 8;
		struct key_part *keys = realloc(ps->keys, cap * sizeof *keys);

		if (!keys)
			return oom(ps);
		ps->keys = keys;
		ps->key_cap = cap;
	}
	if (!(text = malloc(len + 1)))
		return oom(ps);
	memcpy(text, s, len);
	text[len] = '\0';
	ps->keys[ps->key_count++] = (struct key_part){text, len, at};
	return 0;
}

/* A dotted key into ps->keys. */
static int read_key(struct parser *ps)
{
	int err;

	keys_clear(ps);
	for (;;) {
		const char *at = ps->p;
		int c = peek(ps);

		if (c == '"' || c == '\'') {
			err = read_string(ps, false);
			if (!err)
				err = key_push(ps, ps->buf.data, ps->buf.len,
					at);
		} else if (is_bare(c)) {
			while (is_bare(peek(ps)))
				ps->p++;
			err = key_push(ps, at, (size_t)(ps->p - at), at);
		} else {
			err = fail(ps, at, "expected a key");
		}
		if (err < 0)
			return err;
		skip_ws(ps);
		if (peek(ps) != '.')
			return 0;
		ps->p++;
		skip_ws(ps);
	}
}

/* -- numbers and dates -------------------------------------------------- */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Digits of `base` with single underscores between them, from s; the
 * value into *out (saturating flag in *overflow), the end returned, or
 * NULL when malformed. */
static const char *digits(const char *s, const char *end, int base,
	uint64_t *out, bool *overflow)
{
	bool prev_digit = false;

	*out = 0;
	for (; s < end; s++) {
		int d = hex_value((unsigned char)*s);

		if (*s == '_') {
			if (!prev_digit)
				return NULL;
			prev_digit = false;
			continue;
		}
		if (d < 0 || d >= base)
			break;
		if (*out > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			*overflow = true;
		*out = *out * (uint64_t)base + (uint64_t)d;
		prev_digit = true;
	}
	return prev_digit ? s : NULL;
}

static bool is_number_char(int c)
{
	return is_bare(c) || c == '+' || c == '.';
}

static bool has_radix(const char *s, const char *end)
{
	return end - s >= 2 && s[0] == '0' &&
		(s[1] == 'x' || s[1] == 'o' || s[1] == 'b');
}

static int read_integer(struct parser *ps, const char *start,
	const char *end, cr_toml_value *v)
{
	const char *s = start;
	bool neg = false, overflow = false;
	int base = 10;
	uint64_t mag;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (has_radix(s, end) && end - s > 2) {
		if (s != start)
			return fail(ps, start, "sign on a non-decimal integer");
		base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		s += 2;
	} else if (end - s > 1 && s[0] == '0') {
		return fail(ps, start, "leading zero in a number");
	}
	if (digits(s, end, base, &mag, &overflow) != end)
		return fail(ps, start, "invalid number");
	if (overflow || mag > (uint64_t)INT64_MAX + neg)
		return fail(ps, start, "integer out of range");
	v->type = CR_TOML_INTEGER;
	v->u.integer = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

/* Decimal floats: int [. frac] [e exp], underscores checked then dropped. */
static int read_float(struct parser *ps, const char *start, const char *end,
	cr_toml_value *v)
{
	const char *s = start, *t;
	char *text;
	size_t n = 0;
	uint64_t ignored;
	bool overflow = false;

	if (*s == '+' || *s == '-')
		s++;
	if (end - s == 3 && (!memcmp(s, "inf", 3) || !memcmp(s, "nan", 3))) {
		v->type = CR_TOML_FLOAT;
		v->u.real = s[0] == 'i' ? INFINITY : NAN;
		if (*start == '-')
			v->u.real = -v->u.real;
		return 0;
	}
	if (!(t = digits(s, end, 10, &ignored, &overflow)))
		return fail(ps, start, "invalid number");
	if (s[0] == '0' && t != s + 1)
		return fail(ps, start, "leading zero in a number");
	if (t < end && *t == '.' &&
	    !(t = digits(t + 1, end, 10, &ignored, &overflow)))
		return fail(ps, start, "invalid float");
	if (t < end && (*t == 'e' || *t == 'E')) {
		t++;
		if (t < end && (*t == '+' || *t == '-'))
			t++;
		if (!(t = digits(t, end, 10, &ignored, &overflow)))
			return fail(ps, start, "invalid float exponent");
	}
	if (t != end)
		return fail(ps, start, "invalid number");
	if (!(text = malloc((size_t)(end - start) + 1)))
		return oom(ps);
	for (s = start; s < end; s++) {
		if (*s != '_')
			text[n++] = *s;
	}
	text[n] = '\0';
	v->type = CR_TOML_FLOAT;
	v->u.real = strtod(text, NULL);
	free(text);
	return 0;
}

static int read_number(struct parser *ps, cr_toml_value *v)
{
	const char *start = ps->p, *s;
	bool is_float = false;

	while (is_number_char(peek(ps)))
		ps->p++;
	s = start + (*start == '+' || *start == '-');
	if (ps->p == s)
		return fail(ps, start, "expected a value");
	for (const char *c = s; c < ps->p && !has_radix(s, ps->p); c++)
		is_float |= *c == '.' || *c == 'e' || *c == 'E';
	if (ps->p - s == 3 && (!memcmp(s, "inf", 3) || !memcmp(s, "nan", 3)))
		is_float = true;
	return is_float ? read_float(ps, start, ps->p, v) :
		read_integer(ps, start, ps->p, v);
}

static bool digit_at(const struct parser *ps, const char *s)
{
	return s < ps->end && is_digit((unsigned char)*s);
}

/* n decimal digits at s into *out, or false. */
static bool fixed_digits(const char *s, const char *end, int n, int *out)
{
	*out = 0;
	if (end - s < n)
		return false;
	for (int i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* HH:MM:SS[.frac] at ps->p. */
static int read_time(struct parser *ps, const char *start)
{
	int h, m, s;
	const char *p = ps->p;

	if (!fixed_digits(p, ps->end, 2, &h) || p + 2 >= ps->end ||
	    p[2] != ':' || !fixed_digits(p + 3, ps->end, 2, &m) ||
	    p + 5 >= ps->end ||
	    p[5] != ':' || !fixed_digits(p + 6, ps->end, 2, &s))
		return fail(ps, start, "invalid time");
	if (h > 23 || m > 59 || s > 60)
		return fail(ps, start, "time field out of range");
	ps->p = p + 8;
	if (peek(ps) == '.') {
		ps->p++;
		if (!is_digit(peek(ps)))
			return fail(ps, start, "invalid time fraction");
		while (is_digit(peek(ps)))
			ps->p++;
	}
	return 0;
}

static int read_offset(struct parser *ps, const char *start)
{
	int h, m;
	const char *p = ps->p;

	if (peek(ps) == 'Z' || peek(ps) == 'z') {
		ps->p++;
		return 1;
	}
	if (peek(ps) != '+' && peek(ps) != '-')
		return 0;
	if (!fixed_digits(p + 1, ps->end, 2, &h) || p + 3 >= ps->end ||
	    p[3] != ':' || !fixed_digits(p + 4, ps->end, 2, &m))
		return fail(ps, start, "invalid time offset");
	if (h > 23 || m > 59)
		return fail(ps, start, "time offset out of range");
	ps->p += 6;
	return 1;
}

static int read_datetime(struct parser *ps, cr_toml_value *v)
{
	const char *start = ps->p;
	int y, mo, d, err;

	if (start + 2 < ps->end && start[2] == ':') {
		if ((err = read_time(ps, start)) < 0)
			return err;
		v->type = CR_TOML_LOCAL_TIME;
		goto text;
	}
	if (!fixed_digits(start, ps->end, 4, &y) || start[4] != '-' ||
	    !fixed_digits(start + 5, ps->end, 2, &mo) || start + 7 >= ps->end ||
	    start[7] != '-' || !fixed_digits(start + 8, ps->end, 2, &d))
		return fail(ps, start, "invalid date");
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return fail(ps, start, "date field out of range");
	ps->p = start + 10;
	v->type = CR_TOML_LOCAL_DATE;
	if (!(peek(ps) == 'T' || peek(ps) == 't' ||
	      (peek(ps) == ' ' && digit_at(ps, ps->p + 1))))
		goto text;
	ps->p++;
	if ((err = read_time(ps, start)) < 0 ||
	    (err = read_offset(ps, start)) < 0)
		return err;
	v->type = err ? CR_TOML_OFFSET_DATETIME : CR_TOML_LOCAL_DATETIME;
text:
	if (is_number_char(peek(ps)) || peek(ps) == '-' || peek(ps) == ':')
		return fail(ps, start, "invalid date or time");
	v->u.str.len = (size_t)(ps->p - start);
	if (!(v->u.str.text = strndup(start, v->u.str.len)))
		return oom(ps);
	return 0;
}

static bool looks_like_datetime(const struct parser *ps)
{
	const char *s = ps->p;

	if (digit_at(ps, s) && digit_at(ps, s + 1) && digit_at(ps, s + 2) &&
	    digit_at(ps, s + 3) && s + 4 < ps->end && s[4] == '-')
		return true;
	return digit_at(ps, s) && digit_at(ps, s + 1) && s + 2 < ps->end &&
		s[2] == ':';
}

/* -- values ------------------------------------------------------------- */

static int read_value(struct parser *ps, cr_toml_value **out, unsigned depth);
static int read_keyval(struct parser *ps, cr_toml_value *table);

static int read_array(struct parser *ps, cr_toml_value *v)
{
	int err;

	ps->p++;
	for (;;) {
		cr_toml_value *item;

		if ((err = skip_blank(ps)) < 0)
			return err;
		if (peek(ps) == ']')
			break;
		if ((err = read_value(ps, &item, v->depth + 1)) < 0)
			return err;
		if (array_add(&v->u.array, item) < 0)
			return oom(ps);
		if ((err = skip_blank(ps)) < 0)
			return err;
		if (peek(ps) == ',') {
			ps->p++;
			continue;
		}
		if (peek(ps) != ']')
			return fail(ps, ps->p, "expected ',' or ']' in array");
		break;
	}
	ps->p++;
	return 0;
}

/* Inline tables are a section of their own: their dotted keys may extend
 * each other, nothing after them may. */
static int read_inline_table(struct parser *ps, cr_toml_value *v)
{
	unsigned outer = ps->section;
	int err = 0;

	ps->section = ++ps->sections;
	ps->p++;
	skip_ws(ps);
	if (peek(ps) == '}')
		goto close;
	for (;;) {
		skip_ws(ps);
		if ((err = read_keyval(ps, v)) < 0)
			goto done;
		skip_ws(ps);
		if (peek(ps) == ',') {
			ps->p++;
			continue;
		}
		if (peek(ps) != '}') {
			err = fail(ps, ps->p,
				"expected ',' or '}' in inline table");
			goto done;
		}
		break;
	}
close:
	ps->p++;
	v->u.table.frozen = true;
done:
	ps->section = outer;
	return err;
}

/* `word` not followed by more of a bare word ("trueish" is no boolean). */
static bool looking_at_word(const struct parser *ps, const char *word)
{
	const char *after = ps->p + strlen(word);

	return looking_at(ps, word) &&
		(after == ps->end || !is_bare((unsigned char)*after));
}

static int read_value(struct parser *ps, cr_toml_value **out, unsigned depth)
{
	cr_toml_value *v;
	int c = peek(ps), err;

	*out = NULL;
	if (depth > CR_TOML_MAX_DEPTH)
		return fail(ps, ps->p, "nested too deep");
	if (!(v = value_new(ps, CR_TOML_STRING, ps->p, depth)))
		return oom(ps);
	if (c == '"' || c == '\'') {
		if ((err = read_string(ps, true)) == 0) {
			v->u.str.len = ps->buf.len;
			v->u.str.text = ps->buf.data;
			ps->buf = (struct buf){0};
		}
	} else if (c == '[') {
		v->type = CR_TOML_ARRAY;
		err = read_array(ps, v);
	} else if (c == '{') {
		v->type = CR_TOML_TABLE;
		err = read_inline_table(ps, v);
	} else if (looking_at_word(ps, "true") ||
		   looking_at_word(ps, "false")) {
		v->type = CR_TOML_BOOLEAN;
		v->u.boolean = *ps->p == 't';
		ps->p += v->u.boolean ? 4 : 5;
		err = 0;
	} else if (looks_like_datetime(ps)) {
		err = read_datetime(ps, v);
	} else if (c >= 0 && (is_number_char(c) || c == '-')) {
		v->type = CR_TOML_INTEGER;
		err = read_number(ps, v);
	} else {
		err = fail(ps, ps->p, "expected a value");
	}
	if (err < 0) {
		value_free(v);
		return err;
	}
	*out = v;
	return 0;
}

/* -- tables ------------------------------------------------------------- */

/* Keys may hold NUL bytes (from "\u0000"). */
static char *key_dup(const struct key_part *k)
{
	char *key = malloc(k->len + 1);

	if (key) {
		memcpy(key, k->text, k->len);
		key[k->len] = '\0';
	}
	return key;
}

/* A new table as `v` under `parent`, or NULL when out of memory or too
 * deep (the caller tells them apart by depth). */
static cr_toml_value *add_to_table(struct parser *ps, struct table *parent,
	const struct key_part *k, cr_toml_type type, unsigned depth)
{
	cr_toml_value *v;
	char *key;

	if (depth > CR_TOML_MAX_DEPTH)
		return NULL;
	if (!(v = value_new(ps, type, k->at, depth)))
		return NULL;
	if (!(key = key_dup(k))) {
		free(v);
		return NULL;
	}
	if (table_add(parent, key, k->len, v) < 0)
		return NULL;
	return v;
}

static cr_toml_value *new_table(struct parser *ps, struct table *parent,
	const struct key_part *k, unsigned depth)
{
	return add_to_table(ps, parent, k, CR_TOML_TABLE, depth);
}

static bool dotted_may_extend(const struct parser *ps,
	const cr_toml_value *v)
{
	const struct table *t = &v->u.table;

	return v->type == CR_TOML_TABLE && !t->frozen && !t->header &&
		(!t->dotted || t->section == ps->section);
}

/* Keys of a key/value pair but the last, from `table`: tables created or
 * extended by dotted keys of this section. */
static int dotted_parent(struct parser *ps, cr_toml_value **table)
{
	char shown_key[64];

	for (size_t i = 0; i + 1 < ps->key_count; i++) {
		const struct key_part *k = &ps->keys[i];
		struct table *t = &(*table)->u.table;
		struct entry *e = table_find(t, k->text, k->len);
		cr_toml_value *next;

		if (!e) {
			if ((*table)->depth + 1 > CR_TOML_MAX_DEPTH)
				return fail(ps, k->at, "nested too deep");
			if (!(next = new_table(ps, t, k, (*table)->depth + 1)))
				return oom(ps);
		} else {
			next = e->value;
			if (!dotted_may_extend(ps, next))
				return fail(ps, k->at,
					"cannot extend '%s' with dotted keys",
					shown(k, shown_key));
		}
		next->u.table.dotted = true;
		next->u.table.section = ps->section;
		*table = next;
	}
	return 0;
}

static int read_keyval(struct parser *ps, cr_toml_value *table)
{
	const struct key_part *last;
	cr_toml_value *value;
	char shown_key[64], *key;
	size_t key_len;
	int err;

	if ((err = read_key(ps)) < 0 || (err = dotted_parent(ps, &table)) < 0)
		return err;
	last = &ps->keys[ps->key_count - 1];
	if (table_find(&table->u.table, last->text, last->len))
		return fail(ps, last->at, "duplicate key '%s'",
			shown(last, shown_key));
	key = last->text;
	key_len = last->len;
	ps->key_count--;
	if (peek(ps) != '=') {
		free(key);
		return fail(ps, ps->p, "expected '=' after a key");
	}
	ps->p++;
	skip_ws(ps);
	if ((err = read_value(ps, &value, table->depth + 1)) < 0) {
		free(key);
		return err;
	}
	if (table_add(&table->u.table, key, key_len, value) < 0)
		return oom(ps);
	return 0;
}

/* Why new_table() failed. */
static int no_table(struct parser *ps, const cr_toml_value *parent,
	const struct key_part *k)
{
	if (parent->depth + 1 > CR_TOML_MAX_DEPTH)
		return fail(ps, k->at, "nested too deep");
	return oom(ps);
}

/* Headers go through an array of tables into its last table. */
static cr_toml_value *last_if_tables(cr_toml_value *v)
{
	if (v->type == CR_TOML_ARRAY && v->u.array.of_tables)
		return v->u.array.items[v->u.array.count - 1];
	return v;
}

/* Walk a header's keys but the last from the root: into tables not
 * written inline, and into the last table of arrays of tables. */
static int header_parent(struct parser *ps, cr_toml_value **table)
{
	char shown_key[64];

	*table = ps->root;
	for (size_t i = 0; i + 1 < ps->key_count; i++) {
		const struct key_part *k = &ps->keys[i];
		struct table *t = &(*table)->u.table;
		struct entry *e = table_find(t, k->text, k->len);
		cr_toml_value *next;

		if (!e) {
			if (!(next = new_table(ps, t, k, (*table)->depth + 1)))
				return no_table(ps, *table, k);
		} else {
			next = last_if_tables(e->value);
			if (next->type != CR_TOML_TABLE || next->u.table.frozen)
				return fail(ps, k->at, "cannot extend '%s'",
					shown(k, shown_key));
		}
		*table = next;
	}
	return 0;
}

static int open_table(struct parser *ps, cr_toml_value *parent,
	const struct key_part *k)
{
	struct entry *e = table_find(&parent->u.table, k->text, k->len);
	char shown_key[64];
	cr_toml_value *t;

	if (e) {
		t = e->value;
		if (t->type != CR_TOML_TABLE || t->u.table.frozen ||
		    t->u.table.header || t->u.table.dotted)
			return fail(ps, k->at, "table '%s' defined twice",
				shown(k, shown_key));
		t->line = line_of(ps, k->at);
	} else if (!(t = new_table(ps, &parent->u.table, k,
			parent->depth + 1))) {
		return no_table(ps, parent, k);
	}
	t->u.table.header = true;
	ps->current = t;
	return 0;
}

static int append_table(struct parser *ps, cr_toml_value *parent,
	const struct key_part *k)
{
	struct entry *e = table_find(&parent->u.table, k->text, k->len);
	char shown_key[64];
	cr_toml_value *array, *t;

	if (parent->depth + 2 > CR_TOML_MAX_DEPTH)
		return fail(ps, k->at, "nested too deep");
	if (e) {
		array = e->value;
		if (array->type != CR_TOML_ARRAY || !array->u.array.of_tables)
			return fail(ps, k->at, "'%s' is not an array of tables",
				shown(k, shown_key));
	} else {
		if (!(array = add_to_table(ps, &parent->u.table, k,
				CR_TOML_ARRAY, parent->depth + 1)))
			return oom(ps);
		array->u.array.of_tables = true;
	}
	if (!(t = value_new(ps, CR_TOML_TABLE, k->at, array->depth + 1)))
		return oom(ps);
	t->u.table.header = true;
	if (array_add(&array->u.array, t) < 0)
		return oom(ps);
	ps->current = t;
	return 0;
}

static int read_header(struct parser *ps)
{
	bool aot = looking_at(ps, "[[");
	cr_toml_value *parent;
	int err;

	ps->p += aot ? 2 : 1;
	skip_ws(ps);
	if ((err = read_key(ps)) < 0)
		return err;
	if (aot ? !looking_at(ps, "]]") : peek(ps) != ']')
		return fail(ps, ps->p, aot ? "expected ']]'" : "expected ']'");
	ps->p += aot ? 2 : 1;
	ps->section = ++ps->sections;
	if ((err = header_parent(ps, &parent)) < 0)
		return err;
	return aot ? append_table(ps, parent, &ps->keys[ps->key_count - 1]) :
		open_table(ps, parent, &ps->keys[ps->key_count - 1]);
}

static int read_document(struct parser *ps)
{
	int err;

	for (;;) {
		if ((err = skip_blank(ps)) < 0)
			return err;
		if (at_end(ps))
			return 0;
		if (peek(ps) == '[')
			err = read_header(ps);
		else
			err = read_keyval(ps, ps->current);
		if (err < 0 || (err = end_of_line(ps)) < 0)
			return err;
	}
}

/* -- public API --------------------------------------------------------- */

int cr_toml_parse(cr_toml **out, cr_ctx *ctx, const char *data, size_t len,
	const char *name)
{
	struct parser ps = {.ctx = ctx, .name = name ? name : "<toml>"};
	cr_toml *doc = NULL;
	int err;

	if (!out || (!data && len))
		return cr_error_set(ctx, CR_EINVAL,
			"cr_toml_parse: bad arguments");
	*out = NULL;
	if (len > CR_TOML_MAX_SIZE)
		return cr_error_set(ctx, CR_ELIMIT,
			"%s: TOML document larger than %u bytes", ps.name,
			CR_TOML_MAX_SIZE);
	ps.data = ps.p = data ? data : "";
	ps.end = ps.data + len;
	if ((err = index_lines(&ps)) < 0 || (err = check_utf8(&ps)) < 0)
		goto done;
	if (!(doc = calloc(1, sizeof *doc)) ||
	    !(doc->root = value_new(&ps, CR_TOML_TABLE, ps.data, 0))) {
		err = oom(&ps);
		goto done;
	}
	ps.root = ps.current = doc->root;
	if ((err = read_document(&ps)) < 0)
		goto done;
	*out = doc;
	doc = NULL;
done:
	keys_clear(&ps);
	free(ps.keys);
	free(ps.buf.data);
	free(ps.line_starts);
	cr_toml_free(doc);
	return err;
}

void cr_toml_free(cr_toml *doc)
{
	if (!doc)
		return;
	value_free(doc->root);
	free(doc);
}

const cr_toml_value *cr_toml_root(const cr_toml *doc)
{
	return doc ? doc->root : NULL;
}

cr_toml_type cr_toml_type_of(const cr_toml_value *v)
{
	return v->type;
}

unsigned cr_toml_line(const cr_toml_value *v)
{
	return v ? v->line : 0;
}

const char *cr_toml_string(const cr_toml_value *v, size_t *len)
{
	if (!v || v->type == CR_TOML_INTEGER || v->type == CR_TOML_FLOAT ||
	    v->type == CR_TOML_BOOLEAN || v->type == CR_TOML_ARRAY ||
	    v->type == CR_TOML_TABLE)
		return NULL;
	if (len)
		*len = v->u.str.len;
	return v->u.str.text;
}

int64_t cr_toml_integer(const cr_toml_value *v)
{
	return v && v->type == CR_TOML_INTEGER ? v->u.integer : 0;
}

double cr_toml_float(const cr_toml_value *v)
{
	return v && v->type == CR_TOML_FLOAT ? v->u.real : 0.0;
}

bool cr_toml_boolean(const cr_toml_value *v)
{
	return v && v->type == CR_TOML_BOOLEAN && v->u.boolean;
}

size_t cr_toml_table_count(const cr_toml_value *table)
{
	return table && table->type == CR_TOML_TABLE ? table->u.table.count : 0;
}

const cr_toml_value *cr_toml_table_get(const cr_toml_value *table,
	const char *key)
{
	const struct entry *e;

	if (!table || table->type != CR_TOML_TABLE || !key)
		return NULL;
	e = table_find(&table->u.table, key, strlen(key));
	return e ? e->value : NULL;
}

const cr_toml_value *cr_toml_table_at(const cr_toml_value *table, size_t i,
	const char **key, size_t *key_len)
{
	const struct entry *e;

	if (!table || table->type != CR_TOML_TABLE || i >= table->u.table.count)
		return NULL;
	e = &table->u.table.entries[i];
	if (key)
		*key = e->key;
	if (key_len)
		*key_len = e->key_len;
	return e->value;
}

size_t cr_toml_array_len(const cr_toml_value *array)
{
	return array && array->type == CR_TOML_ARRAY ? array->u.array.count : 0;
}

const cr_toml_value *cr_toml_array_at(const cr_toml_value *array, size_t i)
{
	if (!array || array->type != CR_TOML_ARRAY || i >= array->u.array.count)
		return NULL;
	return array->u.array.items[i];
}
