/*
 * lua_parse.c - a Lua 5.4 lexer and recursive-descent parser that
 * resolves names instead of generating code (see lua_parse.h).
 *
 * The grammar, the lexical rules and the scoping rules follow the Lua 5.4
 * reference manual, statement by statement, so that every chunk Lua
 * accepts parses here and every name resolves as Lua's compiler resolves
 * it: a local is visible from the statement after its declaration (from
 * its own body for `local function`), a `repeat` body's locals are
 * visible in its `until` condition, and a name no enclosing scope
 * declares is a field of _ENV, that is a global.  Only what code
 * generation would check (goto targets, register and upvalue limits) is
 * left to Lua's compiler, which the bundle compiler runs as well.
 *
 * Errors unwind with longjmp, as in Lua's own parser: every allocation
 * lives in the parser state, so lp_parse() frees it all in one place.
 * Nesting is bounded like Lua's (LP_DEPTH_MAX), so hostile input cannot
 * overflow the C stack.
 */
#include "compiler/lua_parse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EOZ (-1)
#define NEAR_MAX 40        /* bytes of a token quoted in an error */
#define UNARY_PRIORITY 12

/* Single-character tokens are their own character; the others follow. */
enum {
	TK_AND = 257, TK_BREAK, TK_DO, TK_ELSE, TK_ELSEIF, TK_END, TK_FALSE,
	TK_FOR, TK_FUNCTION, TK_GOTO, TK_IF, TK_IN, TK_LOCAL, TK_NIL, TK_NOT,
	TK_OR, TK_REPEAT, TK_RETURN, TK_THEN, TK_TRUE, TK_UNTIL, TK_WHILE,
	TK_IDIV, TK_CONCAT, TK_DOTS, TK_EQ, TK_GE, TK_LE, TK_NE, TK_SHL,
	TK_SHR, TK_DBCOLON, TK_EOS, TK_NUMBER, TK_NAME, TK_STRING
};

/* Spellings of TK_AND..TK_STRING, in enum order. */
static const char *const token_names[] = {
	"and", "break", "do", "else", "elseif", "end", "false", "for",
	"function", "goto", "if", "in", "local", "nil", "not", "or",
	"repeat", "return", "then", "true", "until", "while",
	"//", "..", "...", "==", ">=", "<=", "~=", "<<", ">>", "::",
	"<eof>", "<number>", "<name>", "<string>"
};

#define KEYWORD_COUNT (TK_WHILE - TK_AND + 1)

struct token {
	int type;
	const char *text;
	size_t len;
	uint32_t line;
	uint32_t column;
};

/* What an expression is, as far as names are concerned. */
enum exp_kind {
	EXP_VALUE,    /* anything that cannot be assigned or called */
	EXP_CALL,
	EXP_LOCAL,    /* ref: index into locals */
	EXP_GLOBAL,   /* ref: index into globals */
	EXP_ENV,      /* the chunk's own _ENV */
	EXP_INDEXED   /* t[k], t.k */
};

struct exp {
	enum exp_kind kind;
	size_t ref;
	lp_name name;   /* the name, for EXP_ENV */
};

/* A name declared by the statement being parsed, active only once the
 * statement's expressions are parsed. */
struct pending {
	lp_name name;
	bool attrib_const;
	bool attrib_close;
};

struct func_state {
	struct func_state *prev;
	bool vararg;
	unsigned loops;       /* enclosing loops, for `break` */
};

struct parser {
	const char *chunkname;
	const char *p;          /* next character */
	const char *end;
	const char *line_start;
	uint32_t line;
	struct token t;         /* current token */
	struct token ahead;     /* lookahead, when ahead.type != 0 */
	struct func_state *fs;
	unsigned depth;
	size_t *active;         /* visible locals, innermost last */
	size_t active_count, active_cap;
	struct pending *pending;
	size_t pending_count, pending_cap;
	size_t local_cap, global_cap, member_cap;
	lp_chunk out;
	cr_ctx *ctx;
	jmp_buf fail;
};

static void expr(struct parser *P, struct exp *e);
static void statlist(struct parser *P);

/* --- errors and memory --------------------------------------------------- */

static void __attribute__((noreturn)) out_of_memory(struct parser *P)
{
	cr_error_set(P->ctx, CR_ENOMEM, "out of memory");
	longjmp(P->fail, CR_ENOMEM);
}

/* `near` quoted, with bytes that would garble a terminal escaped as Lua
 * escapes them (<\200>). */
static void quote_near(char *buf, size_t size, const char *near, size_t len)
{
	size_t n = 0;

	if (len > NEAR_MAX)
		len = NEAR_MAX;
	n += (size_t)snprintf(buf + n, size - n, "'");
	for (size_t i = 0; i < len && n < size; i++) {
		unsigned char c = (unsigned char)near[i];

		if (c >= 0x20 && c < 0x7f)
			n += (size_t)snprintf(buf + n, size - n, "%c", c);
		else
			n += (size_t)snprintf(buf + n, size - n, "<\\%u>", c);
	}
	if (n < size)
		snprintf(buf + n, size - n, "'");
}

/* Raise "chunk:line: message near 'text'"; without near text for a
 * NULL `near`, and "near <eof>" for near == P->end. */
static void __attribute__((noreturn, format(printf, 5, 6)))
fail_at(struct parser *P, uint32_t line, const char *near, size_t near_len,
	const char *fmt, ...)
{
	char message[256], quoted[NEAR_MAX * 6 + 3];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if (!near)
		cr_error_set(P->ctx, CR_EPARSE, "%s:%u: %s", P->chunkname,
			line, message);
	else if (near == P->end)
		cr_error_set(P->ctx, CR_EPARSE, "%s:%u: %s near <eof>",
			P->chunkname, line, message);
	else {
		quote_near(quoted, sizeof quoted, near, near_len);
		cr_error_set(P->ctx, CR_EPARSE, "%s:%u: %s near %s",
			P->chunkname, line, message, quoted);
	}
	longjmp(P->fail, CR_EPARSE);
}

static void __attribute__((noreturn))
syntax_error(struct parser *P, const char *message)
{
	fail_at(P, P->t.line, P->t.text, P->t.len, "%s", message);
}

/* An error in the token being read, which started at `start`: quote it
 * up to the offending character, as Lua does. */
static void __attribute__((noreturn))
lex_error(struct parser *P, const char *start, const char *message)
{
	const char *end = P->p < P->end ? P->p + 1 : P->end;

	fail_at(P, P->line, start, (size_t)(end - start), "%s", message);
}

/* `array` (of *cap elements of `size` bytes) with room for `need`. */
static void *reserve(struct parser *P, void *array, size_t *cap, size_t need,
	size_t size)
{
	size_t grown = *cap ? *cap : 16;

	if (need <= *cap)
		return array;
	while (grown < need)
		grown *= 2;
	array = realloc(array, grown * size);
	if (!array)
		out_of_memory(P);
	*cap = grown;
	return array;
}

/* --- lexer --------------------------------------------------------------- */

static int current(const struct parser *P)
{
	return P->p < P->end ? (unsigned char)*P->p : EOZ;
}

static int peek_char(const struct parser *P, size_t offset)
{
	return (size_t)(P->end - P->p) > offset ?
		(unsigned char)P->p[offset] : EOZ;
}

static bool is_newline(int c)
{
	return c == '\n' || c == '\r';
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v' ||
		is_newline(c);
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Lua's letters: ASCII only (Lua is built without LUA_UCID). */
static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

/* Skip one line break: \n, \r, \r\n or \n\r. */
static void newline(struct parser *P)
{
	int first = current(P);

	P->p++;
	if (is_newline(current(P)) && current(P) != first)
		P->p++;
	P->line++;
	P->line_start = P->p;
}

/* After [==[ (level 2): up to and including the matching ]==]. */
static void read_long(struct parser *P, size_t level, const char *what)
{
	uint32_t line = P->line;

	if (is_newline(current(P)))
		newline(P);
	for (;;) {
		int c = current(P);

		if (c == EOZ) {
			fail_at(P, P->line, P->end, 0, "unfinished long %s "
				"(starting at line %u)", what, line);
		} else if (is_newline(c)) {
			newline(P);
		} else if (c == ']') {
			size_t n = 0;

			P->p++;
			while (current(P) == '=') {
				P->p++;
				n++;
			}
			if (n == level && current(P) == ']') {
				P->p++;
				return;
			}
		} else {
			P->p++;
		}
	}
}

/* At '[': the level of a long bracket [==[, -1 for a plain '[', or -2
 * for a malformed one ("[=" without its second '['). */
static long long_bracket_level(const struct parser *P)
{
	size_t n = 1;

	while (peek_char(P, n) == '=')
		n++;
	if (peek_char(P, n) == '[')
		return (long)n - 1;
	return n == 1 ? -1 : -2;
}

static void read_comment(struct parser *P)
{
	long level;

	P->p += 2;
	if (current(P) == '[' && (level = long_bracket_level(P)) >= 0) {
		P->p += (size_t)level + 2;
		read_long(P, (size_t)level, "comment");
		return;
	}
	while (current(P) != EOZ && !is_newline(current(P)))
		P->p++;
}

static void read_escape(struct parser *P, const char *start)
{
	int c;

	P->p++;
	c = current(P);
	if (c != EOZ && strchr("abfnrtv\\\"'", c)) {
		P->p++;
	} else if (is_newline(c)) {
		newline(P);
	} else if (c == 'x') {
		for (int i = 0; i < 2; i++) {
			P->p++;
			if (!is_xdigit(current(P)))
				lex_error(P, start,
					"hexadecimal digit expected");
		}
		P->p++;
	} else if (c == 'z') {
		P->p++;
		while (is_space(current(P))) {
			if (is_newline(current(P)))
				newline(P);
			else
				P->p++;
		}
	} else if (c == 'u') {
		unsigned long value = 0;

		P->p++;
		if (current(P) != '{')
			lex_error(P, start, "missing '{'");
		P->p++;
		if (!is_xdigit(current(P)))
			lex_error(P, start, "hexadecimal digit expected");
		while (is_xdigit(current(P))) {
			if (value > (0x7FFFFFFFul >> 4))
				lex_error(P, start, "UTF-8 value too large");
			c = current(P);
			value = value * 16 + (unsigned long)(is_digit(c) ?
				c - '0' : (c | 0x20) - 'a' + 10);
			P->p++;
		}
		if (current(P) != '}')
			lex_error(P, start, "missing '}'");
		P->p++;
	} else if (is_digit(c)) {
		int value = 0;

		for (int i = 0; i < 3 && is_digit(current(P)); i++) {
			value = value * 10 + current(P) - '0';
			P->p++;
		}
		if (value > 255)
			lex_error(P, start, "decimal escape too large");
	} else if (c != EOZ) {
		lex_error(P, start, "invalid escape sequence");
	}
}

static void read_string(struct parser *P)
{
	const char *start = P->p;
	int delimiter = current(P);

	P->p++;
	for (;;) {
		int c = current(P);

		if (c == EOZ)
			fail_at(P, P->line, P->end, 0, "unfinished string");
		if (is_newline(c))
			fail_at(P, P->line, start, (size_t)(P->p - start),
				"unfinished string");
		if (c == delimiter) {
			P->p++;
			return;
		}
		if (c == '\\')
			read_escape(P, start);
		else
			P->p++;
	}
}

static size_t skip_digits(const char *s, size_t i, size_t n, bool hex)
{
	while (i < n && (hex ? is_xdigit(s[i]) : is_digit(s[i])))
		i++;
	return i;
}

/* Whether Lua converts s[0..n) to a number: decimal or hexadecimal, with
 * an optional fraction and exponent (decimal digits after e or p). */
static bool numeral_valid(const char *s, size_t n)
{
	bool hex = n >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x';
	size_t i = hex ? 2 : 0, digits;

	i = skip_digits(s, i, n, hex);
	digits = i - (hex ? 2 : 0);
	if (i < n && s[i] == '.') {
		size_t frac = i + 1;

		i = skip_digits(s, frac, n, hex);
		digits += i - frac;
	}
	if (digits == 0)
		return false;
	if (i < n && (s[i] | 0x20) == (hex ? 'p' : 'e')) {
		size_t exp;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		exp = i;
		i = skip_digits(s, i, n, false);
		if (i == exp)
			return false;
	}
	return i == n;
}

/* Consume what Lua's lexer takes as one numeral, then validate it. */
static void read_number(struct parser *P)
{
	const char *start = P->p;
	char exponent = 'e';

	if (current(P) == '0' && (peek_char(P, 1) | 0x20) == 'x') {
		P->p += 2;
		exponent = 'p';
	}
	for (;;) {
		int c = current(P);

		if (c != EOZ && (c | 0x20) == exponent) {
			P->p++;
			if (current(P) == '+' || current(P) == '-')
				P->p++;
		} else if (is_xdigit(c) || c == '.') {
			P->p++;
		} else {
			break;
		}
	}
	if (is_alpha(current(P)))
		P->p++;
	if (!numeral_valid(start, (size_t)(P->p - start)))
		fail_at(P, P->line, start, (size_t)(P->p - start),
			"malformed number");
}

static int keyword(const char *s, size_t len)
{
	for (int i = 0; i < KEYWORD_COUNT; i++) {
		if (strlen(token_names[i]) == len &&
		    memcmp(token_names[i], s, len) == 0)
			return TK_AND + i;
	}
	return TK_NAME;
}

/* `second` after the current character makes token `two`, else `one`. */
static int one_or_two(struct parser *P, int second, int two, int one)
{
	P->p++;
	if (current(P) == second) {
		P->p++;
		return two;
	}
	return one;
}

/* Read one token at P->p (after whitespace and comments). */
static int scan(struct parser *P)
{
	int c = current(P);
	long level;

	switch (c) {
	case EOZ:
		return TK_EOS;
	case '[':
		level = long_bracket_level(P);
		if (level == -2) {
			P->p += 2;
			lex_error(P, P->p - 2, "invalid long string delimiter");
		}
		if (level == -1) {
			P->p++;
			return '[';
		}
		P->p += (size_t)level + 2;
		read_long(P, (size_t)level, "string");
		return TK_STRING;
	case '=':
		return one_or_two(P, '=', TK_EQ, '=');
	case '<':
		if (peek_char(P, 1) == '<')
			return one_or_two(P, '<', TK_SHL, '<');
		return one_or_two(P, '=', TK_LE, '<');
	case '>':
		if (peek_char(P, 1) == '>')
			return one_or_two(P, '>', TK_SHR, '>');
		return one_or_two(P, '=', TK_GE, '>');
	case '/':
		return one_or_two(P, '/', TK_IDIV, '/');
	case '~':
		return one_or_two(P, '=', TK_NE, '~');
	case ':':
		return one_or_two(P, ':', TK_DBCOLON, ':');
	case '"':
	case '\'':
		read_string(P);
		return TK_STRING;
	case '.':
		if (peek_char(P, 1) == '.') {
			P->p++;
			return one_or_two(P, '.', TK_DOTS, TK_CONCAT);
		}
		if (!is_digit(peek_char(P, 1))) {
			P->p++;
			return '.';
		}
		read_number(P);
		return TK_NUMBER;
	default:
		if (is_digit(c)) {
			read_number(P);
			return TK_NUMBER;
		}
		if (is_alpha(c)) {
			const char *start = P->p;

			while (is_alnum(current(P)))
				P->p++;
			return keyword(start, (size_t)(P->p - start));
		}
		P->p++;
		return c;
	}
}

static void skip_blanks(struct parser *P)
{
	for (;;) {
		int c = current(P);

		if (is_newline(c))
			newline(P);
		else if (is_space(c))
			P->p++;
		else if (c == '-' && peek_char(P, 1) == '-')
			read_comment(P);
		else
			return;
	}
}

static void lex(struct parser *P, struct token *t)
{
	skip_blanks(P);
	t->text = P->p;
	t->line = P->line;
	t->column = (uint32_t)(P->p - P->line_start) + 1;
	t->type = scan(P);
	t->len = (size_t)(P->p - t->text);
}

static void next(struct parser *P)
{
	if (P->ahead.type) {
		P->t = P->ahead;
		P->ahead.type = 0;
	} else {
		lex(P, &P->t);
	}
}

static int lookahead(struct parser *P)
{
	if (!P->ahead.type)
		lex(P, &P->ahead);
	return P->ahead.type;
}

/* --- token checks -------------------------------------------------------- */

static const char *token_spelling(int type, char buf[4])
{
	if (type >= TK_AND)
		return token_names[type - TK_AND];
	buf[0] = (char)type;
	buf[1] = '\0';
	return buf;
}

static void __attribute__((noreturn)) error_expected(struct parser *P,
	int type)
{
	char buf[4], message[64];
	const char *s = token_spelling(type, buf);

	if (type >= TK_EOS)
		snprintf(message, sizeof message, "%s expected", s);
	else
		snprintf(message, sizeof message, "'%s' expected", s);
	syntax_error(P, message);
}

static bool test_next(struct parser *P, int type)
{
	if (P->t.type != type)
		return false;
	next(P);
	return true;
}

static void check(struct parser *P, int type)
{
	if (P->t.type != type)
		error_expected(P, type);
}

static void check_next(struct parser *P, int type)
{
	check(P, type);
	next(P);
}

/* The `what` closing the `who` opened at `line`. */
static void check_match(struct parser *P, int what, int who, uint32_t line)
{
	char b1[4], b2[4], message[96];

	if (test_next(P, what))
		return;
	if (line == P->t.line)
		error_expected(P, what);
	snprintf(message, sizeof message,
		"'%s' expected (to close '%s' at line %u)",
		token_spelling(what, b1), token_spelling(who, b2), line);
	syntax_error(P, message);
}

static lp_name check_name(struct parser *P)
{
	lp_name name;

	check(P, TK_NAME);
	name.text = P->t.text;
	name.len = P->t.len;
	name.line = P->t.line;
	name.column = P->t.column;
	next(P);
	return name;
}

static void enter_level(struct parser *P)
{
	if (++P->depth > LP_DEPTH_MAX)
		fail_at(P, P->t.line, NULL, 0,
			"chunk has too many syntax levels (limit is %d)",
			LP_DEPTH_MAX);
}

static void leave_level(struct parser *P)
{
	P->depth--;
}

/* --- names --------------------------------------------------------------- */

static bool name_is(const lp_name *n, const char *s)
{
	return n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

static bool same_name(const lp_name *a, const lp_name *b)
{
	return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* The innermost visible local called `name`, or SIZE_MAX. */
static size_t find_local(const struct parser *P, const lp_name *name)
{
	for (size_t i = P->active_count; i-- > 0;) {
		if (same_name(&P->out.locals[P->active[i]].name, name))
			return P->active[i];
	}
	return SIZE_MAX;
}

static lp_local *declare(struct parser *P, lp_name name, lp_local_kind kind)
{
	lp_chunk *c = &P->out;
	lp_local *local;

	c->locals = reserve(P, c->locals, &P->local_cap, c->local_count + 1,
		sizeof *c->locals);
	P->active = reserve(P, P->active, &P->active_cap,
		P->active_count + 1, sizeof *P->active);
	local = &c->locals[c->local_count];
	memset(local, 0, sizeof *local);
	local->name = name;
	local->kind = kind;
	local->shadows = find_local(P, &name);
	P->active[P->active_count++] = c->local_count++;
	return local;
}

static void push_pending(struct parser *P, lp_name name)
{
	P->pending = reserve(P, P->pending, &P->pending_cap,
		P->pending_count + 1, sizeof *P->pending);
	memset(&P->pending[P->pending_count], 0, sizeof *P->pending);
	P->pending[P->pending_count++].name = name;
}

/* Declare the names pending since `base`, in order. */
static void declare_pending(struct parser *P, size_t base,
	lp_local_kind kind)
{
	for (size_t i = base; i < P->pending_count; i++) {
		struct pending pd = P->pending[i];
		lp_local *local = declare(P, pd.name, kind);

		local->attrib_const = pd.attrib_const;
		local->attrib_close = pd.attrib_close;
		local->first_param = kind == LP_PARAM && i == base;
	}
	P->pending_count = base;
}

static size_t add_global(struct parser *P, lp_name name)
{
	lp_chunk *c = &P->out;
	lp_global *g;

	c->globals = reserve(P, c->globals, &P->global_cap,
		c->global_count + 1, sizeof *c->globals);
	g = &c->globals[c->global_count];
	memset(g, 0, sizeof *g);
	g->name = name;
	return c->global_count++;
}

static void add_member(struct parser *P, lp_name name)
{
	lp_chunk *c = &P->out;

	c->members = reserve(P, c->members, &P->member_cap,
		c->member_count + 1, sizeof *c->members);
	c->members[c->member_count++] = name;
}

/* A name in an expression: a local, a field of a local _ENV, the chunk's
 * _ENV, or a global. */
static void single_var(struct parser *P, struct exp *e)
{
	static const lp_name env = { "_ENV", 4, 0, 0 };
	lp_name name = check_name(P);
	size_t local = find_local(P, &name);

	if (local != SIZE_MAX) {
		e->kind = EXP_LOCAL;
		e->ref = local;
	} else if ((local = find_local(P, &env)) != SIZE_MAX) {
		P->out.locals[local].read = true;
		e->kind = EXP_INDEXED;
	} else if (name_is(&name, "_ENV")) {
		e->kind = EXP_ENV;
		e->name = name;
	} else {
		e->kind = EXP_GLOBAL;
		e->ref = add_global(P, name);
	}
}

/* The value of e is read. */
static void use(struct parser *P, const struct exp *e)
{
	if (e->kind == EXP_LOCAL)
		P->out.locals[e->ref].read = true;
}

/* e is the target of an assignment. */
static void assign(struct parser *P, const struct exp *e)
{
	lp_local *local;
	size_t ref;

	switch (e->kind) {
	case EXP_LOCAL:
		local = &P->out.locals[e->ref];
		if (local->attrib_const || local->attrib_close)
			fail_at(P, P->t.line, NULL, 0,
				"attempt to assign to const variable '%.*s'",
				(int)local->name.len, local->name.text);
		local->written = true;
		break;
	case EXP_GLOBAL:
		P->out.globals[e->ref].write = true;
		break;
	case EXP_ENV:
		ref = add_global(P, e->name);
		P->out.globals[ref].write = true;
		break;
	case EXP_INDEXED:
		break;
	default:
		syntax_error(P, "syntax error");
	}
}

/* `.name` or `:name` applied to e. */
static void apply_field(struct parser *P, struct exp *e, lp_name field)
{
	use(P, e);
	if (e->kind == EXP_LOCAL && P->out.locals[e->ref].first_param)
		add_member(P, field);
	if (e->kind == EXP_ENV) {
		e->kind = EXP_GLOBAL;
		e->ref = add_global(P, field);
		return;
	}
	if (e->kind == EXP_GLOBAL)
		P->out.globals[e->ref].field = field;
	e->kind = EXP_INDEXED;
}

/* --- expressions --------------------------------------------------------- */

static void explist(struct parser *P)
{
	struct exp e;

	expr(P, &e);
	while (test_next(P, ','))
		expr(P, &e);
}

static void field_selector(struct parser *P, struct exp *e)
{
	next(P);
	apply_field(P, e, check_name(P));
}

static void constructor_field(struct parser *P)
{
	struct exp e;

	if (P->t.type == TK_NAME && lookahead(P) == '=') {
		next(P);
		next(P);
	} else if (test_next(P, '[')) {
		expr(P, &e);
		check_next(P, ']');
		check_next(P, '=');
	}
	expr(P, &e);
}

static void constructor(struct parser *P)
{
	uint32_t line = P->t.line;

	check_next(P, '{');
	do {
		if (P->t.type == '}')
			break;
		constructor_field(P);
	} while (test_next(P, ',') || test_next(P, ';'));
	check_match(P, '}', '{', line);
}

static void parameters(struct parser *P)
{
	size_t base = P->pending_count;
	bool vararg = false;

	if (P->t.type != ')') {
		do {
			if (P->t.type == TK_NAME) {
				push_pending(P, check_name(P));
			} else if (test_next(P, TK_DOTS)) {
				vararg = true;
			} else {
				syntax_error(P, "<name> or '...' expected");
			}
		} while (!vararg && test_next(P, ','));
	}
	declare_pending(P, base, LP_PARAM);
	P->fs->vararg = vararg;
}

/* A function body: parameters, then the block, in a new function scope.
 * A method's implicit `self` is declared at its ':' (`colon`, else NULL). */
static void body(struct parser *P, const lp_name *colon, uint32_t line)
{
	struct func_state fs = { .prev = P->fs };
	size_t active = P->active_count;

	P->fs = &fs;
	check_next(P, '(');
	if (colon) {
		lp_name name = *colon;

		name.text = "self";
		name.len = 4;
		declare(P, name, LP_SELF);
	}
	parameters(P);
	check_next(P, ')');
	statlist(P);
	check_match(P, TK_END, TK_FUNCTION, line);
	P->active_count = active;
	P->fs = fs.prev;
}

static void call_arguments(struct parser *P)
{
	uint32_t line = P->t.line;

	switch (P->t.type) {
	case '(':
		next(P);
		if (P->t.type != ')')
			explist(P);
		check_match(P, ')', '(', line);
		break;
	case '{':
		constructor(P);
		break;
	case TK_STRING:
		next(P);
		break;
	default:
		syntax_error(P, "function arguments expected");
	}
}

static void primary_exp(struct parser *P, struct exp *e)
{
	uint32_t line = P->t.line;

	if (P->t.type == TK_NAME) {
		single_var(P, e);
	} else if (P->t.type == '(') {
		next(P);
		expr(P, e);
		check_match(P, ')', '(', line);
		e->kind = EXP_VALUE;
	} else {
		syntax_error(P, "unexpected symbol");
	}
}

static void suffixed_exp(struct parser *P, struct exp *e)
{
	struct exp key;

	primary_exp(P, e);
	for (;;) {
		switch (P->t.type) {
		case '.':
			field_selector(P, e);
			break;
		case '[':
			use(P, e);
			next(P);
			expr(P, &key);
			check_next(P, ']');
			e->kind = EXP_INDEXED;
			break;
		case ':':
			field_selector(P, e);
			call_arguments(P);
			e->kind = EXP_CALL;
			break;
		case '(':
		case TK_STRING:
		case '{':
			use(P, e);
			call_arguments(P);
			e->kind = EXP_CALL;
			break;
		default:
			return;
		}
	}
}

static void simple_exp(struct parser *P, struct exp *e)
{
	e->kind = EXP_VALUE;
	switch (P->t.type) {
	case TK_NUMBER:
	case TK_STRING:
	case TK_NIL:
	case TK_TRUE:
	case TK_FALSE:
		next(P);
		break;
	case TK_DOTS:
		if (!P->fs->vararg)
			syntax_error(P,
				"cannot use '...' outside a vararg function");
		next(P);
		break;
	case '{':
		constructor(P);
		break;
	case TK_FUNCTION: {
		uint32_t line = P->t.line;

		next(P);
		body(P, NULL, line);
		break;
	}
	default:
		suffixed_exp(P, e);
		use(P, e);
	}
}

static bool is_unary(int type)
{
	return type == TK_NOT || type == '-' || type == '#' || type == '~';
}

/* Left and right priorities of a binary operator (Lua's table). */
static bool binary_priority(int type, int *left, int *right)
{
	switch (type) {
	case TK_OR: *left = *right = 1; break;
	case TK_AND: *left = *right = 2; break;
	case '<': case '>': case TK_LE: case TK_GE: case TK_EQ: case TK_NE:
		*left = *right = 3; break;
	case '|': *left = *right = 4; break;
	case '~': *left = *right = 5; break;
	case '&': *left = *right = 6; break;
	case TK_SHL: case TK_SHR: *left = *right = 7; break;
	case TK_CONCAT: *left = 9; *right = 8; break;
	case '+': case '-': *left = *right = 10; break;
	case '*': case '/': case TK_IDIV: case '%': *left = *right = 11; break;
	case '^': *left = 14; *right = 13; break;
	default: return false;
	}
	return true;
}

static void subexpr(struct parser *P, struct exp *e, int limit)
{
	int left, right;
	struct exp e2;

	enter_level(P);
	if (is_unary(P->t.type)) {
		next(P);
		subexpr(P, e, UNARY_PRIORITY);
		e->kind = EXP_VALUE;
	} else {
		simple_exp(P, e);
	}
	while (binary_priority(P->t.type, &left, &right) && left > limit) {
		next(P);
		subexpr(P, &e2, right);
		e->kind = EXP_VALUE;
	}
	leave_level(P);
}

static void expr(struct parser *P, struct exp *e)
{
	subexpr(P, e, 0);
}

/* --- statements ---------------------------------------------------------- */

static bool block_follow(int type, bool with_until)
{
	return type == TK_ELSE || type == TK_ELSEIF || type == TK_END ||
		type == TK_EOS || (with_until && type == TK_UNTIL);
}

static void block(struct parser *P)
{
	size_t active = P->active_count;

	statlist(P);
	P->active_count = active;
}

static void loop_block(struct parser *P)
{
	P->fs->loops++;
	block(P);
	P->fs->loops--;
}

static void test_then_block(struct parser *P)
{
	struct exp cond;

	next(P);
	expr(P, &cond);
	check_next(P, TK_THEN);
	block(P);
}

static void if_stat(struct parser *P, uint32_t line)
{
	test_then_block(P);
	while (P->t.type == TK_ELSEIF)
		test_then_block(P);
	if (test_next(P, TK_ELSE))
		block(P);
	check_match(P, TK_END, TK_IF, line);
}

static void while_stat(struct parser *P, uint32_t line)
{
	struct exp cond;

	next(P);
	expr(P, &cond);
	check_next(P, TK_DO);
	loop_block(P);
	check_match(P, TK_END, TK_WHILE, line);
}

static void repeat_stat(struct parser *P, uint32_t line)
{
	size_t active = P->active_count;
	struct exp cond;

	next(P);
	P->fs->loops++;
	statlist(P);
	check_match(P, TK_UNTIL, TK_REPEAT, line);
	expr(P, &cond);
	P->fs->loops--;
	P->active_count = active;
}

/* The loop variables pending since `base` are declared for the body. */
static void for_body(struct parser *P, size_t base)
{
	size_t active = P->active_count;

	check_next(P, TK_DO);
	declare_pending(P, base, LP_LOOP);
	loop_block(P);
	P->active_count = active;
}

static void for_stat(struct parser *P, uint32_t line)
{
	size_t base = P->pending_count;
	struct exp e;

	next(P);
	push_pending(P, check_name(P));
	if (test_next(P, '=')) {
		expr(P, &e);
		check_next(P, ',');
		expr(P, &e);
		if (test_next(P, ','))
			expr(P, &e);
	} else if (P->t.type == ',' || P->t.type == TK_IN) {
		while (test_next(P, ','))
			push_pending(P, check_name(P));
		check_next(P, TK_IN);
		explist(P);
	} else {
		syntax_error(P, "'=' or 'in' expected");
	}
	for_body(P, base);
	check_match(P, TK_END, TK_FOR, line);
}

/* function a.b.c:m() ... end */
static void function_stat(struct parser *P, uint32_t line)
{
	struct exp e;
	lp_name colon;

	next(P);
	single_var(P, &e);
	while (P->t.type == '.')
		field_selector(P, &e);
	if (P->t.type == ':') {
		colon = (lp_name){ P->t.text, 1, P->t.line, P->t.column };
		field_selector(P, &e);
		body(P, &colon, line);
	} else {
		body(P, NULL, line);
	}
	if (e.kind != EXP_INDEXED)
		assign(P, &e);
}

static void local_function(struct parser *P, uint32_t line)
{
	declare(P, check_name(P), LP_FUNCTION);
	body(P, NULL, line);
}

static void local_attrib(struct parser *P, struct pending *pd,
	bool *has_close)
{
	lp_name attrib;

	if (!test_next(P, '<'))
		return;
	attrib = check_name(P);
	check_next(P, '>');
	if (name_is(&attrib, "const")) {
		pd->attrib_const = true;
	} else if (name_is(&attrib, "close")) {
		if (*has_close)
			fail_at(P, P->t.line, NULL, 0, "multiple to-be-closed "
				"variables in local list");
		pd->attrib_close = *has_close = true;
	} else {
		fail_at(P, P->t.line, NULL, 0, "unknown attribute '%.*s'",
			(int)attrib.len, attrib.text);
	}
}

static void local_stat(struct parser *P)
{
	size_t base = P->pending_count;
	bool has_close = false;

	do {
		push_pending(P, check_name(P));
		local_attrib(P, &P->pending[P->pending_count - 1], &has_close);
	} while (test_next(P, ','));
	if (test_next(P, '='))
		explist(P);
	declare_pending(P, base, LP_LOCAL);
}

static void return_stat(struct parser *P)
{
	next(P);
	if (!block_follow(P->t.type, true) && P->t.type != ';')
		explist(P);
	test_next(P, ';');
}

static void expression_stat(struct parser *P)
{
	struct exp e;

	suffixed_exp(P, &e);
	if (P->t.type != '=' && P->t.type != ',') {
		if (e.kind != EXP_CALL)
			syntax_error(P, "syntax error");
		return;
	}
	assign(P, &e);
	while (test_next(P, ',')) {
		suffixed_exp(P, &e);
		assign(P, &e);
	}
	check_next(P, '=');
	explist(P);
}

static void statement(struct parser *P)
{
	uint32_t line = P->t.line;

	enter_level(P);
	switch (P->t.type) {
	case ';':
		next(P);
		break;
	case TK_IF:
		if_stat(P, line);
		break;
	case TK_WHILE:
		while_stat(P, line);
		break;
	case TK_DO:
		next(P);
		block(P);
		check_match(P, TK_END, TK_DO, line);
		break;
	case TK_FOR:
		for_stat(P, line);
		break;
	case TK_REPEAT:
		repeat_stat(P, line);
		break;
	case TK_FUNCTION:
		function_stat(P, line);
		break;
	case TK_LOCAL:
		next(P);
		if (test_next(P, TK_FUNCTION))
			local_function(P, line);
		else
			local_stat(P);
		break;
	case TK_DBCOLON:
		next(P);
		check_name(P);
		check_next(P, TK_DBCOLON);
		break;
	case TK_RETURN:
		return_stat(P);
		break;
	case TK_BREAK:
		if (!P->fs->loops)
			fail_at(P, line, NULL, 0,
				"break outside loop at line %u", line);
		next(P);
		break;
	case TK_GOTO:
		next(P);
		check_name(P);
		break;
	default:
		expression_stat(P);
	}
	leave_level(P);
}

static void statlist(struct parser *P)
{
	while (!block_follow(P->t.type, true)) {
		bool last = P->t.type == TK_RETURN; /* return ends a block */

		statement(P);
		if (last)
			return;
	}
}

/* --- entry points -------------------------------------------------------- */

static void parse_chunk(struct parser *P)
{
	struct func_state main_fs = { .vararg = true };

	P->fs = &main_fs;
	next(P);
	statlist(P);
	check(P, TK_EOS);
	P->fs = NULL;
}

void lp_chunk_release(lp_chunk *c)
{
	free(c->locals);
	free(c->globals);
	free(c->members);
	memset(c, 0, sizeof *c);
}

int lp_parse(lp_chunk *out, cr_ctx *ctx, const char *chunkname,
	const char *source, size_t len)
{
	struct parser *P;
	int rc;

	memset(out, 0, sizeof *out);
	P = calloc(1, sizeof *P);
	if (!P)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	P->chunkname = chunkname;
	if (*chunkname == '=' || *chunkname == '@')
		P->chunkname++;
	P->p = P->line_start = source;
	P->end = source + len;
	P->line = 1;
	P->ctx = ctx;
	rc = setjmp(P->fail);
	if (rc == 0) {
		parse_chunk(P);
		*out = P->out;
		memset(&P->out, 0, sizeof P->out);
	}
	lp_chunk_release(&P->out);
	free(P->active);
	free(P->pending);
	free(P);
	return rc;
}
