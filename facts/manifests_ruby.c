/*
 * manifests_ruby.c - Ruby: Gemfile (or gems.rb), a manifest, and
 * Gemfile.lock, its lockfile, for the manifests collector (manifests.h).
 *
 * A Gemfile is Ruby: it is read as a token stream (manifests_util.h), one
 * statement per line (a line ending in a comma or an open bracket goes
 * on), for `gem`, `ruby` and the `group ... do ... end` blocks that give
 * gems their scope; other blocks are only counted so that their `end`
 * closes the right one.  Gemfile.lock is Bundler's indented text: the
 * gems of its GEM and GIT sections are the locked packages (PATH gems are
 * the project's own), and its RUBY VERSION, BUNDLED WITH and PLATFORMS
 * sections become attributes of the lockfile.
 */
#include "facts/manifests_util.h"

#include <stdlib.h>
#include <string.h>

#define GEMFILE_MAX_BLOCKS 64

/* A statement: tokens [0, n) of one logical line. */
struct stmt {
	cr_mtok t[64];
	size_t n;
	bool truncated; /* longer than t[]: the rest was dropped */
};

/* Whether t is one of the punctuation characters of `set`. */
static bool punct_in(const cr_mtok *t, const char *set)
{
	return t->kind == CR_MTOK_PUNCT && *t->s && strchr(set, *t->s);
}

/* Read the next statement; false at the end of the file. */
static bool next_stmt(cr_mlex *lx, struct stmt *st)
{
	int brackets = 0;
	cr_mtok t;

	st->n = 0;
	st->truncated = false;
	for (;;) {
		t = cr_mlex_next(lx);
		if (t.kind == CR_MTOK_EOF)
			return st->n > 0;
		if (punct_in(&t, "([{"))
			brackets++;
		if (punct_in(&t, ")]}") && brackets)
			brackets--;
		if (t.kind == CR_MTOK_NL || cr_mtok_is(&t, CR_MTOK_PUNCT, ";")) {
			const cr_mtok *last = st->n ? &st->t[st->n - 1] : NULL;

			if (!last)
				continue;
			if (brackets || punct_in(last, ",\\=>"))
				continue;
			return true;
		}
		if (st->n < sizeof st->t / sizeof st->t[0])
			st->t[st->n++] = t;
		else
			st->truncated = true;
	}
}

static bool stmt_word(const struct stmt *st, size_t i, const char *w)
{
	return i < st->n && cr_mtok_is(&st->t[i], CR_MTOK_WORD, w);
}

static bool stmt_punct(const struct stmt *st, size_t i, const char *p)
{
	return i < st->n && cr_mtok_is(&st->t[i], CR_MTOK_PUNCT, p);
}

/* Where the option `key` (key: value, :key => value) of a statement
 * starts its value, or 0 when it has none. */
static size_t option_at(const struct stmt *st, const char *key)
{
	for (size_t i = 1; i + 1 < st->n; i++) {
		if (stmt_word(st, i, key) && stmt_punct(st, i + 1, ":") &&
		    !stmt_punct(st, i - 1, ":"))
			return i + 2;
		if (stmt_punct(st, i - 1, ":") && stmt_word(st, i, key) &&
		    stmt_punct(st, i + 1, "=>"))
			return i + 2;
	}
	return 0;
}

/* The scope of a list of group names (symbols or strings) starting at
 * token i and running to the end of the value: prod when any group is
 * neither for development nor for tests. */
static const char *groups_scope(const struct stmt *st, size_t i)
{
	bool dev = false, test = false, prod = false;

	for (; i < st->n && !stmt_word(st, i, "do"); i++) {
		const cr_mtok *t = &st->t[i];

		if (punct_in(t, ":[]%("))
			continue;
		if (t->kind != CR_MTOK_WORD && t->kind != CR_MTOK_STR)
			break;
		/* `optional: true` and other options end the names */
		if (stmt_punct(st, i + 1, ":") && !stmt_punct(st, i - 1, ":"))
			break;
		if (memmem(t->s, t->n, "test", 4))
			test = true;
		else if (memmem(t->s, t->n, "dev", 3))
			dev = true;
		else if (!(t->n == 1 && (*t->s == 'i' || *t->s == 'w')))
			prod = true; /* %i[...] and %w[...] are not names */
	}
	return prod || (!dev && !test) ? "prod" : dev ? "dev" : "test";
}

struct gemfile {
	cr_manifests *ms;
	const cr_source_file *f;
	cr_node_id m;
	/* open blocks: the scope a group gives its gems, NULL for others */
	const char *blocks[GEMFILE_MAX_BLOCKS];
	size_t depth;
};

/* The innermost group's scope, prod outside groups. */
static const char *block_scope(const struct gemfile *gf)
{
	for (size_t i = gf->depth; i > 0; i--)
		if (gf->blocks[i - 1])
			return gf->blocks[i - 1];
	return "prod";
}

static int gemfile_gem(struct gemfile *gf, const struct stmt *st)
{
	static const char *const sources[][2] = {
		{"git", "git"}, {"github", "git"}, {"path", "path"},
	};
	size_t i = 1 + stmt_punct(st, 1, "(");
	const cr_mtok *name = i < st->n ? &st->t[i] : NULL;
	char constraint[512];
	size_t len = 0, g;
	const char *scope = block_scope(gf);
	cr_node_id dep;
	bool fresh;
	int rc;

	if (!name || name->kind != CR_MTOK_STR)
		return CR_OK;
	/* "~> 7.1", ">= 1.2": the version arguments, joined */
	for (i++; i + 1 < st->n && stmt_punct(st, i, ",") &&
	     st->t[i + 1].kind == CR_MTOK_STR; i += 2) {
		const cr_mtok *c = &st->t[i + 1];

		if (len + c->n + 2 >= sizeof constraint)
			break;
		if (len) {
			memcpy(constraint + len, ", ", 2);
			len += 2;
		}
		memcpy(constraint + len, c->s, c->n);
		len += c->n;
	}
	if ((g = option_at(st, "group")) || (g = option_at(st, "groups")))
		scope = groups_scope(st, g);
	if ((rc = cr_mu_dep(&dep, &fresh, gf->ms, gf->m, name->s, name->n,
			constraint, len, scope, name->line)) != CR_OK || !fresh)
		return rc;
	for (size_t k = 0; k < sizeof sources / sizeof sources[0]; k++) {
		size_t at = option_at(st, sources[k][0]);

		if (at && at < st->n && st->t[at].kind == CR_MTOK_STR)
			return cr_mu_set(gf->ms, dep, "source", sources[k][1],
				strlen(sources[k][1]));
	}
	return CR_OK;
}

/* Words that open a block closed by `end` when they start a statement;
 * a block closed on the same line ("group :test do gem 'x' end") does
 * not stay open. */
static bool opens_block(const struct stmt *st)
{
	static const char *const words[] = {
		"if", "unless", "case", "while", "until", "begin", "def",
		"class", "module",
	};

	if (stmt_word(st, st->n - 1, "end"))
		return false;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (stmt_word(st, 0, words[i]))
			return true;
	for (size_t i = 1; i < st->n; i++)
		if (stmt_word(st, i, "do"))
			return true;
	return false;
}

static int gemfile_stmt(struct gemfile *gf, const struct stmt *st)
{
	size_t arg = 1 + stmt_punct(st, 1, "(");

	if (stmt_word(st, 0, "end")) {
		gf->depth -= gf->depth > 0;
		return CR_OK;
	}
	if (opens_block(st)) {
		if (gf->depth == GEMFILE_MAX_BLOCKS)
			return cr_mu_syntax(gf->ms, gf->f, st->t[0].line,
				"Gemfile", "blocks nested too deep");
		gf->blocks[gf->depth++] = stmt_word(st, 0, "group") ?
			groups_scope(st, 1) : NULL;
		return CR_OK;
	}
	if (stmt_word(st, 0, "gem"))
		return gemfile_gem(gf, st);
	if (stmt_word(st, 0, "ruby") && arg < st->n &&
	    st->t[arg].kind == CR_MTOK_STR)
		return cr_mu_set(gf->ms, gf->m, "language_version", st->t[arg].s,
			st->t[arg].n);
	if (stmt_word(st, 0, "gemspec"))
		return cr_mu_set_bool(gf->ms, gf->m, "gemspec", true);
	return CR_OK;
}

int cr_parse_gemfile(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	struct gemfile gf = {.ms = ms, .f = f};
	struct stmt *st = malloc(sizeof *st);
	cr_mlex lx;
	int rc;

	if (!st)
		return cr_error_set(cr_manifests_collector(ms)->ctx, CR_ENOMEM,
			"out of memory");
	cr_mlex_init(&lx, buf, len, CR_MLEX_RUBY);
	rc = cr_manifest_add(&gf.m, ms, f, "rubygems");
	while (rc == CR_OK && next_stmt(&lx, st))
		rc = gemfile_stmt(&gf, st);
	free(st);
	return rc == CR_EPARSE ? CR_OK : rc;
}

/* --- Gemfile.lock ----------------------------------------------------------- */

/* The section a Gemfile.lock line belongs to. */
enum lock_section {
	SEC_OTHER,
	SEC_GEMS,      /* GEM, GIT: their specs are locked packages */
	SEC_PATH,      /* the project's own gems */
	SEC_PLATFORMS,
	SEC_RUBY,
	SEC_BUNDLER
};

static enum lock_section section_of(const cr_line *l)
{
	static const struct {
		const char *name;
		enum lock_section section;
	} names[] = {
		{"GEM", SEC_GEMS}, {"GIT", SEC_GEMS}, {"PATH", SEC_PATH},
		{"PLATFORMS", SEC_PLATFORMS}, {"RUBY VERSION", SEC_RUBY},
		{"BUNDLED WITH", SEC_BUNDLER},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (l->n == strlen(names[i].name) &&
		    memcmp(l->s, names[i].name, l->n) == 0)
			return names[i].section;
	return SEC_OTHER;
}

static size_t indent_of(const cr_line *l)
{
	size_t i = 0;

	while (i < l->n && l->s[i] == ' ')
		i++;
	return i;
}

/* "    name (version[-platform])" in a GEM or GIT section. */
static int lock_spec(cr_manifests *ms, const cr_source_file *f,
	cr_node_id lock, const cr_line *l)
{
	const char *name = l->s + 4, *end = l->s + l->n;
	const char *open = memchr(name, '(', (size_t)(end - name));
	const char *v, *v_end;

	if (!open || open < name + 2 || open[-1] != ' ' || end[-1] != ')')
		return cr_mu_syntax(ms, f, l->line, "Gemfile.lock",
			"expected \"name (version)\"");
	v = open + 1;
	/* a platform gem: "1.16.5-x86_64-linux" (gem versions have no '-') */
	v_end = memchr(v, '-', (size_t)(end - 1 - v));
	if (!v_end)
		v_end = end - 1;
	return cr_mu_package(ms, lock, name, (size_t)(open - 1 - name), v,
		(size_t)(v_end - v), NULL, l->line);
}

static int lock_line(cr_manifests *ms, const cr_source_file *f,
	cr_node_id lock, enum lock_section sec, const cr_line *l)
{
	size_t indent = indent_of(l);
	const char *s = l->s + indent;
	size_t n = l->n - indent;

	switch (sec) {
	case SEC_GEMS:
		return indent == 4 ? lock_spec(ms, f, lock, l) : CR_OK;
	case SEC_PLATFORMS:
		return cr_mu_push(ms, lock, "platforms", s, n);
	case SEC_RUBY:
		if (n > 5 && memcmp(s, "ruby ", 5) == 0)
			return cr_mu_set(ms, lock, "ruby_version", s + 5, n - 5);
		return CR_OK;
	case SEC_BUNDLER:
		return cr_mu_set(ms, lock, "bundler_version", s, n);
	default:
		return CR_OK;
	}
}

int cr_parse_gemfile_lock(cr_manifests *ms, const cr_source_file *f,
	const char *buf, size_t len)
{
	static const char *const lists[] = {"platforms", NULL};
	enum lock_section sec = SEC_OTHER;
	cr_node_id lock;
	cr_lines it;
	cr_line l;
	int rc;

	if ((rc = cr_lockfile_add(&lock, ms, f, "rubygems", "bundler")) !=
	    CR_OK || (rc = cr_mu_empty_lists(ms, lock, lists)) != CR_OK)
		return rc;
	cr_lines_init(&it, buf, len);
	while (rc == CR_OK && cr_lines_next(&it, &l)) {
		if (l.n == 0)
			continue;
		if (l.s[0] != ' ')
			sec = section_of(&l);
		else
			rc = lock_line(ms, f, lock, sec, &l);
	}
	return rc == CR_EPARSE ? CR_OK : rc;
}
