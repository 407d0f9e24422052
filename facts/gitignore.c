/*
 * gitignore.c - git's ignore rules (see gitignore.h): reading .gitignore
 * files, info/exclude and core.excludesFile, and matching paths.
 *
 * The file inventory asks about every untracked entry of the work tree,
 * from several threads.  libgit2's per-path lookups stat every .gitignore
 * up the tree each time, so the rules are read once per directory, as the
 * walk enters it, into a chain each directory's task carries, and matched
 * here.  Patterns come from the repository, so matching is bounded: every
 * byte a match looks at counts against a budget, and its recursion is
 * capped, whatever a hostile pattern holds (tests/fuzz/fuzz_gitignore.c).
 */
#include "facts/gitignore.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts/files_internal.h"

/* Matching steps (bytes of the pattern or the path looked at) one
 * pattern may take against one path: bounds the backtracking of patterns
 * like "*a*a*a*a*b" from a hostile repository. */
#define GLOB_BUDGET 20000

/* Runs of stars one match may nest: each is a level of recursion, on a
 * walker thread's stack.  Hundreds of them mean a hostile pattern. */
#define GLOB_DEPTH 256

struct cr_ignore_rule {
	const char *pattern; /* NUL-terminated, inside cr_ignore.text */
	bool negate;         /* "!pattern" */
	bool dir_only;       /* "pattern/" */
	bool basename_only;  /* no '/' inside: matches a name at any depth */
};

struct glob {
	const char *start; /* of the pattern: "**" must start a component */
	int budget;
	int depth;         /* runs of stars being matched */
	bool fold;
};

static bool same_char(const struct glob *g, unsigned char a, unsigned char b)
{
	return a == b || (g->fold && tolower(a) == tolower(b));
}

static bool in_class(const char *name, size_t len, unsigned char c)
{
	static const struct {
		const char *name;
		int (*test)(int);
	} classes[] = {
		{"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank},
		{"cntrl", iscntrl}, {"digit", isdigit}, {"graph", isgraph},
		{"lower", islower}, {"print", isprint}, {"punct", ispunct},
		{"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit},
	};

	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
		if (strlen(classes[i].name) == len &&
		    memcmp(classes[i].name, name, len) == 0)
			return classes[i].test(c) != 0;
	}
	return false;
}

static bool in_range(const struct glob *g, unsigned char lo, unsigned char hi,
	unsigned char c)
{
	if (lo <= c && c <= hi)
		return true;
	return g->fold && ((lo <= tolower(c) && tolower(c) <= hi) ||
			   (lo <= toupper(c) && toupper(c) <= hi));
}

/* strstr(p, ":]"), a step per byte: a pattern of many "[:" would
 * otherwise scan the rest of itself at each.  NULL when not found or out
 * of steps. */
static const char *class_end(struct glob *g, const char *p)
{
	for (; *p; p++) {
		if (--g->budget < 0)
			return NULL;
		if (p[0] == ':' && p[1] == ']')
			return p;
	}
	return NULL;
}

/* A bracket expression at p ("[...]") against c, a step per byte.
 * Returns false when it is not terminated or the steps run out; else
 * *matched, and *end just past the ']'. */
static bool bracket(struct glob *g, const char *p, unsigned char c,
	bool *matched, const char **end)
{
	bool negate = false, found = false;

	if (*++p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	for (bool first = true; *p && (first || *p != ']'); first = false) {
		unsigned char lo, hi;

		if (--g->budget < 0)
			return false;
		if (p[0] == '[' && p[1] == ':') {
			const char *close = class_end(g, p + 2);

			if (close) {
				found |= in_class(p + 2,
					(size_t)(close - p - 2), c);
				p = close + 2;
				continue;
			}
			if (g->budget < 0)
				return false;
		}
		if (*p == '\\' && !*++p)
			return false;
		lo = (unsigned char)*p++;
		hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && !*++p)
				return false;
			hi = (unsigned char)*p++;
		}
		found |= in_range(g, lo, hi, c);
	}
	if (*p != ']')
		return false;
	*matched = found != negate;
	*end = p + 1;
	return true;
}

/* Past the "**" component at p (two stars or more, then '/' or the end),
 * or p when there is none there. */
static const char *skip_double_star(const char *p)
{
	const char *q = p;

	while (*q == '*')
		q++;
	return q - p >= 2 && (*q == '/' || *q == '\0') ? q : p;
}

static bool glob_here(struct glob *g, const char *p, const char *t);

/* A run of stars at p.  "**" as a whole path component crosses
 * directories ("**" + "/" matches zero or more of them); any other run
 * stays within one component. */
static bool glob_star(struct glob *g, const char *p, const char *t)
{
	const char *run = p;

	while (*p == '*')
		p++;
	g->budget -= (int)(p - run - 1); /* a step per star, as elsewhere */
	if (p - run >= 2 && (run == g->start || run[-1] == '/') &&
	    (*p == '\0' || *p == '/')) {
		/* "**" components in a row match what one does; taking them
		 * as one also keeps a long row from nesting deep. */
		for (const char *next; *p == '/' &&
		     (next = skip_double_star(p + 1)) != p + 1; p = next)
			g->budget -= (int)(next - p);
		if (*p == '\0')
			return true;
		if (glob_here(g, p + 1, t))
			return true;
		for (; *t && --g->budget >= 0; t++) {
			if (*t == '/' && glob_here(g, p + 1, t + 1))
				return true;
		}
		return false;
	}
	if (*p == '\0')
		return !strchr(t, '/');
	for (;; t++) {
		if (glob_here(g, p, t))
			return true;
		if (!*t || *t == '/')
			return false;
	}
}

/* Does the pattern from p match all of the text from t?  '*', '?' and
 * brackets never match a '/'. */
static bool glob_here(struct glob *g, const char *p, const char *t)
{
	for (; *p; p++, t++) {
		bool matched;
		const char *end;

		if (--g->budget < 0)
			return false;
		switch (*p) {
		case '*':
			if (g->depth == GLOB_DEPTH)
				return false;
			g->depth++;
			matched = glob_star(g, p, t);
			g->depth--;
			return matched;
		case '?':
			if (!*t || *t == '/')
				return false;
			break;
		case '[':
			if (!*t || *t == '/' || !bracket(g, p, (unsigned char)*t,
				&matched, &end) || !matched)
				return false;
			p = end - 1;
			break;
		case '\\':
			/* The escaped character is literal. */
			if (!*++p || !same_char(g, (unsigned char)*p,
				(unsigned char)*t))
				return false;
			break;
		default:
			if (!same_char(g, (unsigned char)*p, (unsigned char)*t))
				return false;
		}
	}
	return !*t;
}

static bool glob_match(const char *pattern, const char *text, bool fold)
{
	struct glob g = {.start = pattern, .budget = GLOB_BUDGET, .fold = fold};

	return glob_here(&g, pattern, text);
}

/* Drop trailing blanks, unless escaped with a backslash. */
static size_t trim_blanks(const char *line, size_t len)
{
	while (len > 0 && line[len - 1] == ' ' &&
	       !(len > 1 && line[len - 2] == '\\'))
		len--;
	return len;
}

/* One line of a gitignore file, cut in place; false when it holds no
 * pattern (blank, a comment). */
static bool parse_rule(struct cr_ignore_rule *r, char *line, size_t len)
{
	len = trim_blanks(line, len);
	if (len == 0 || line[0] == '#')
		return false;
	*r = (struct cr_ignore_rule){0};
	if (line[0] == '!') {
		r->negate = true;
		line++;
		len--;
	}
	if (len > 0 && line[len - 1] == '/') {
		r->dir_only = true;
		len--;
	}
	line[len] = '\0';
	r->basename_only = !memchr(line, '/', len);
	if (line[0] == '/')
		line++;
	r->pattern = line;
	return *line != '\0';
}

int cr_ignore_parse(struct cr_ignore **owned, const struct cr_ignore *parent,
	const char *base, char *text, size_t len, bool fold)
{
	size_t base_len = strlen(base), lines = 1;
	struct cr_ignore *l = malloc(sizeof *l + base_len + 1);

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (!l || !(l->rules = malloc(lines * sizeof *l->rules))) {
		free(l);
		free(text);
		return CR_ENOMEM;
	}
	l->parent = parent;
	l->text = text;
	l->count = 0;
	l->base_len = base_len;
	l->fold = fold;
	memcpy(l->base, base, base_len + 1);
	for (size_t at = 0; at < len;) {
		char *line = text + at, *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;

		at += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (parse_rule(&l->rules[l->count], line, n))
			l->count++;
	}
	l->next_owned = *owned;
	*owned = l;
	return CR_OK;
}

bool cr_ignore_match(const struct cr_ignore *rules, const char *path,
	bool is_dir)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	for (const struct cr_ignore *l = rules; l; l = l->parent) {
		for (size_t i = l->count; i-- > 0;) {
			const struct cr_ignore_rule *r = &l->rules[i];

			if (r->dir_only && !is_dir)
				continue;
			if (glob_match(r->pattern, r->basename_only ? name :
				path + l->base_len, l->fold))
				return !r->negate;
		}
	}
	return false;
}

void cr_ignore_free(struct cr_ignore *owned)
{
	while (owned) {
		struct cr_ignore *next = owned->next_owned;

		free(owned->rules);
		free(owned->text);
		free(owned);
		owned = next;
	}
}

/* Push the rules of the file open at `fd` (closed here; < 0 when it could
 * not be opened) on *owned, on top of *rules.  A file that is not
 * regular, too large or unreadable is skipped, as git does. */
static int push_rules_file(struct cr_ignore **owned,
	const struct cr_ignore **rules, int fd, const char *base, bool fold)
{
	struct stat st;
	char *text;
	ssize_t n;
	int rc = CR_OK;

	if (fd < 0)
		return CR_OK;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > CR_IGNORE_FILE_MAX)
		goto done;
	if (!(text = malloc((size_t)st.st_size + 1))) {
		rc = CR_ENOMEM;
		goto done;
	}
	n = cr_read_full(fd, text, (size_t)st.st_size);
	if (n < 0) {
		free(text);
		goto done;
	}
	if ((rc = cr_ignore_parse(owned, *rules, base, text, (size_t)n, fold)) ==
		CR_OK)
		*rules = *owned;
done:
	close(fd);
	return rc;
}

int cr_ignore_read(struct cr_ignore **owned, const struct cr_ignore **rules,
	int dirfd, const char *base, bool fold)
{
	return push_rules_file(owned, rules, openat(dirfd, ".gitignore",
		O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC),
		base, fold);
}

/* core.excludesFile, by default $XDG_CONFIG_HOME/git/ignore or
 * ~/.config/git/ignore. */
static char *excludes_file_path(git_config *cfg)
{
	git_buf buf = {0};
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = NULL;

	if (cfg && git_config_get_path(&buf, cfg, "core.excludesfile") == 0) {
		path = strdup(buf.ptr);
		git_buf_dispose(&buf);
		return path;
	}
	if (xdg && *xdg && asprintf(&path, "%s/git/ignore", xdg) < 0)
		path = NULL;
	else if ((!xdg || !*xdg) && home &&
		 asprintf(&path, "%s/.config/git/ignore", home) < 0)
		path = NULL;
	return path;
}

/* These files are configuration outside the work tree: a symlinked
 * ~/.config/git/ignore is fine. */
static int push_config_rules(struct cr_ignore **owned,
	const struct cr_ignore **top, const char *path, bool fold)
{
	if (!path)
		return CR_OK;
	return push_rules_file(owned, top, open(path, O_RDONLY | O_NONBLOCK |
		O_NOCTTY | O_CLOEXEC), "", fold);
}

int cr_ignore_repo(struct cr_ignore **owned, const struct cr_ignore **top,
	bool *fold, cr_ctx *ctx, git_repository *repo)
{
	git_config *cfg = NULL;
	char *global = NULL, *exclude = NULL;
	int rc;

	*top = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		cfg = NULL;
	*fold = cr_git_config_bool(cfg, "core.ignorecase", false);
	global = excludes_file_path(cfg);
	git_config_free(cfg);
	if (asprintf(&exclude, "%sinfo/exclude",
		git_repository_commondir(repo)) < 0)
		exclude = NULL;
	if ((rc = push_config_rules(owned, top, global, *fold)) == CR_OK)
		rc = push_config_rules(owned, top, exclude, *fold);
	free(global);
	free(exclude);
	return rc == CR_OK ? CR_OK : cr_error_set(ctx, rc, "out of memory");
}
