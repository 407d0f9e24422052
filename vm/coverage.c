/*
 * coverage.c - which lines of a policy module hold code, and line sets.
 *
 * Lua's C API tells the lines of one function (lua_getinfo with ">L")
 * but not the functions nested in it, and a policy's check and helpers
 * are nested functions that do not exist until the chunk runs.  So the
 * chunk is compiled in a throwaway state and dumped with its debug
 * information (lua_dump), and the dump is read: it holds every function
 * prototype, nested ones included, with the line of each instruction.
 * The lines are computed the way Lua's activelines and line hook compute
 * them (a delta per instruction, absolute entries every so often), so
 * that the hook's hits and these lines agree.  Instructions that never
 * run do not make a line count: the VARARGPREP of a vararg function, the
 * RETURN Lua emits after every tail call, and a function's final implicit
 * return when it is alone on its line (the `end` of a function that
 * returns before).  The reader is bounded by the dump's
 * length and refuses anything but the Lua 5.4 format.
 */
#include "vm/coverage.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

/* The header of a Lua 5.4 dump, as lundump.c checks it. */
#define DUMP_VERSION 0x54
#define DUMP_FORMAT 0
#define DUMP_DATA "\x19\x93\r\n\x1a\n"
#define DUMP_HEADER_LEN (4 + 1 + 1 + 6 + 3 + 8 + 8)
/* lineinfo entry that says "see abslineinfo" (ABSLINEINFO in ldebug.h) */
#define ABS_LINE_MARK (-0x80)
/* Constant tags of the dump (makevariant in lobject.h). */
#define TAG_NUMINT 0x03
#define TAG_NUMFLT 0x13
#define TAG_SHRSTR 0x04
#define TAG_LNGSTR 0x14
/* Opcodes of Lua 5.4 (lopcodes.h), the low 7 bits of an instruction. */
#define OP_TAILCALL 69
#define OP_RETURN 70
/* Lua refuses deeper nesting (LUAI_MAXCCALLS); so does the reader. */
#define NESTING_MAX 200

/* --- line sets ------------------------------------------------------------- */

bool cr_lines_add(cr_lines *s, uint32_t line)
{
	uint32_t limit;
	uint8_t *grown;

	if (line >= s->limit) {
		limit = (line / 1024 + 1) * 1024;
		grown = realloc(s->bits, limit / 8);
		if (!grown)
			return false;
		memset(grown + s->limit / 8, 0, (limit - s->limit) / 8);
		s->bits = grown;
		s->limit = limit;
	}
	s->bits[line / 8] |= (uint8_t)(1u << (line % 8));
	return true;
}

bool cr_lines_has(const cr_lines *s, uint32_t line)
{
	return line < s->limit && (s->bits[line / 8] & (1u << (line % 8)));
}

bool cr_lines_merge(cr_lines *into, const cr_lines *from)
{
	for (uint32_t line = 1; line < from->limit; line++) {
		if (cr_lines_has(from, line) && !cr_lines_add(into, line))
			return false;
	}
	return true;
}

void cr_lines_release(cr_lines *s)
{
	free(s->bits);
	s->bits = NULL;
	s->limit = 0;
}

/* --- the dump ---------------------------------------------------------------- */

struct dump {
	const unsigned char *p;
	const unsigned char *end;
	bool bad;            /* truncated or not what 5.4 writes */
	bool oom;
};

struct dump_buffer {
	unsigned char *data;
	size_t len;
	size_t cap;
};

static int dump_writer(lua_State *L, const void *p, size_t size, void *ud)
{
	struct dump_buffer *b = ud;
	unsigned char *grown;
	size_t cap;

	(void)L;
	if (size > b->cap - b->len) {
		cap = b->cap ? b->cap : 4096;
		while (cap - b->len < size)
			cap *= 2;
		if (!(grown = realloc(b->data, cap)))
			return 1;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, size);
	b->len += size;
	return 0;
}

static bool dump_take(struct dump *d, size_t n, const unsigned char **out)
{
	if (d->bad || (size_t)(d->end - d->p) < n) {
		d->bad = true;
		return false;
	}
	if (out)
		*out = d->p;
	d->p += n;
	return true;
}

static unsigned dump_byte(struct dump *d)
{
	const unsigned char *b;

	return dump_take(d, 1, &b) ? *b : 0;
}

/* dumpSize: 7 bits a byte, most significant first, the last byte
 * flagged with 0x80. */
static size_t dump_size(struct dump *d)
{
	size_t x = 0;
	unsigned b;

	do {
		if (x > SIZE_MAX >> 7) {
			d->bad = true;
			return 0;
		}
		b = dump_byte(d);
		x = (x << 7) | (b & 0x7f);
	} while (!d->bad && !(b & 0x80));
	return x;
}

/* An int (dumpInt); counts are also bounded by what is left to read. */
static int dump_int(struct dump *d)
{
	size_t x = dump_size(d);

	if (x > INT32_MAX)
		d->bad = true;
	return d->bad ? 0 : (int)x;
}

static void dump_skip_string(struct dump *d)
{
	size_t size = dump_size(d);

	if (size)
		dump_take(d, size - 1, NULL);
}

static void dump_skip_constants(struct dump *d)
{
	int n = dump_int(d);

	for (int i = 0; i < n && !d->bad; i++) {
		switch (dump_byte(d)) {
		case TAG_NUMINT:
		case TAG_NUMFLT:
			dump_take(d, 8, NULL);
			break;
		case TAG_SHRSTR:
		case TAG_LNGSTR:
			dump_skip_string(d);
			break;
		default:
			break;
		}
	}
}

static void dump_skip_debug_names(struct dump *d)
{
	int n = dump_int(d);

	for (int i = 0; i < n && !d->bad; i++) {
		dump_skip_string(d);
		dump_int(d);
		dump_int(d);
	}
	n = dump_int(d);
	for (int i = 0; i < n && !d->bad; i++)
		dump_skip_string(d);
}

static void add_line(struct dump *d, cr_lines *out, int line)
{
	if (line > 0 && !cr_lines_add(out, (uint32_t)line))
		d->oom = true;
}

static unsigned opcode(const unsigned char *code, int pc)
{
	return code[(size_t)pc * 4] & 0x7f;  /* little-endian, checked */
}

/* Can instruction pc (not the last) ever run? */
static bool runs(const unsigned char *code, int pc, bool vararg)
{
	if (pc == 0)
		return !vararg;
	return !(opcode(code, pc) == OP_RETURN &&
		opcode(code, pc - 1) == OP_TAILCALL);
}

/* The line of each instruction, from the deltas and absolute entries;
 * into out as described above. */
static void add_function_lines(struct dump *d, cr_lines *out, int defined,
	bool vararg, const unsigned char *code, int code_count)
{
	int n = dump_int(d), abs_count, line = defined;
	const unsigned char *deltas;
	int *lines = NULL;
	bool any = false, shared = false;
	int k = 0;

	if (n != code_count || !dump_take(d, (size_t)n, &deltas))
		goto done;
	abs_count = dump_int(d);
	if (n && !(lines = malloc((size_t)n * sizeof *lines))) {
		d->oom = true;
		goto done;
	}
	for (int pc = 0; pc < n && !d->bad; pc++) {
		if ((signed char)deltas[pc] != ABS_LINE_MARK) {
			line += (signed char)deltas[pc];
		} else if (k++ < abs_count) {
			dump_int(d);
			line = dump_int(d);
		} else {
			d->bad = true;
		}
		lines[pc] = line;
	}
	for (; k < abs_count && !d->bad; k++) {
		dump_int(d);
		dump_int(d);
	}
	if (d->bad || !n)
		goto done;
	/* The last instruction is the implicit return: alone on its line,
	 * that line is the closing `end`, unless it is all there is. */
	for (int pc = 0; pc < n - 1; pc++) {
		if (!runs(code, pc, vararg))
			continue;
		add_line(d, out, lines[pc]);
		any = true;
		shared = shared || lines[pc] == lines[n - 1];
	}
	if (shared || !any)
		add_line(d, out, lines[n - 1]);
done:
	free(lines);
}

static void read_function(struct dump *d, cr_lines *out, int depth)
{
	const unsigned char *code = NULL;
	int defined, code_count, n;
	bool vararg;

	if (depth > NESTING_MAX) {
		d->bad = true;
		return;
	}
	dump_skip_string(d);            /* source */
	defined = dump_int(d);
	dump_int(d);                    /* lastlinedefined */
	dump_byte(d);                   /* numparams */
	vararg = dump_byte(d) != 0;
	dump_byte(d);                   /* maxstacksize */
	code_count = dump_int(d);
	dump_take(d, (size_t)code_count * 4, &code);
	dump_skip_constants(d);
	n = dump_int(d);                /* upvalues: instack, idx, kind */
	dump_take(d, (size_t)n * 3, NULL);
	n = dump_int(d);
	for (int i = 0; i < n && !d->bad && !d->oom; i++)
		read_function(d, out, depth + 1);
	if (!d->bad)
		add_function_lines(d, out, defined, vararg, code, code_count);
	dump_skip_debug_names(d);
}

static bool header_ok(struct dump *d)
{
	const unsigned char *h;

	if (!dump_take(d, DUMP_HEADER_LEN, &h))
		return false;
	return !memcmp(h, LUA_SIGNATURE, 4) && h[4] == DUMP_VERSION &&
		h[5] == DUMP_FORMAT && !memcmp(h + 6, DUMP_DATA, 6) &&
		h[12] == 4 && h[13] == 8 && h[14] == 8 &&
		h[15] == 0x78 && h[16] == 0x56;  /* LUAC_INT: little-endian */
}

static int read_dump(cr_lines *out, cr_ctx *ctx, const struct dump_buffer *b,
	const char *chunkname)
{
	struct dump d = { .p = b->data, .end = b->data + b->len };

	if (header_ok(&d)) {
		dump_byte(&d);          /* upvalues of the main function */
		read_function(&d, out, 0);
	} else {
		d.bad = true;
	}
	if (d.oom)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	if (d.bad || d.p != d.end)
		return cr_error_set(ctx, CR_EINTERNAL, "%s: cannot read the "
			"line information of the compiled chunk (not Lua 5.4?)",
			chunkname);
	return CR_OK;
}

int cr_coverage_executable(cr_lines *out, cr_ctx *ctx, const char *chunkname,
	const char *source, size_t len)
{
	struct dump_buffer b = { 0 };
	lua_State *L = luaL_newstate();
	int rc;

	*out = (cr_lines){ 0 };
	if (!L)
		return cr_error_set(ctx, CR_ENOMEM, "out of memory");
	if (luaL_loadbufferx(L, source, len, chunkname, "t") != LUA_OK) {
		rc = cr_error_set(ctx, CR_EPARSE, "%s", lua_tostring(L, -1));
		goto done;
	}
	if (lua_dump(L, dump_writer, &b, 0) != 0) {
		rc = cr_error_set(ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	rc = read_dump(out, ctx, &b, chunkname);
done:
	if (rc)
		cr_lines_release(out);
	free(b.data);
	lua_close(L);
	return rc;
}
