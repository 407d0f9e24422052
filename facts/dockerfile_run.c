/*
 * dockerfile_run.c - what a RUN script does, read as a shell would read
 * it: simple commands separated by ; && || | & and newlines, quotes
 * removed, redirections and here-documents set aside.
 *
 * It is not a shell: it expands nothing and knows no control flow, which
 * is enough for the questions readiness checks ask (hadolint's DL3000
 * series, Scorecard's pinned dependencies): which package managers
 * install what, with or without a version, whether their caches are
 * cleaned in the same layer, whether a download is piped into a shell,
 * and whether sudo or cd are used.  Each package manager is one row of
 * a table, so that adding one is adding a row.
 */
#include "facts/dockerfile_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How one package manager is driven.  Option lists are space-separated
 * words with a space at both ends, so that strstr() finds whole words. */
struct manager {
	const char *name;
	const char *programs;     /* argv[0] basenames */
	const char *installs;     /* sub-commands installing named packages */
	const char *valued;       /* options whose value is the next word */
	const char *pin_all;      /* options that pin every package */
	const char *no_cache;     /* install option that keeps no cache */
	const char *cleans;       /* "sub" or "sub:word" commands cleaning */
	const char *cache_dir;    /* `rm` of a path holding this cleans */
	bool prompts;             /* install asks for confirmation without -y */
	bool (*pinned)(const char *spec);
};

static bool has_any(const char *s, const char *chars)
{
	return strpbrk(s, chars) != NULL;
}

static bool pin_equals(const char *spec)
{
	return has_any(spec, "=");
}

static bool pin_apk(const char *spec)
{
	return has_any(spec, "=~<>");
}

/* yum/dnf: name-version, a '-' followed by a digit or a variable; a
 * @group or @module:stream is left to the distribution. */
static bool pin_rpm(const char *spec)
{
	if (spec[0] == '@')
		return true;
	for (const char *p = strchr(spec, '-'); p; p = strchr(p + 1, '-'))
		if (isdigit((unsigned char)p[1]) || p[1] == '$')
			return true;
	return has_any(spec, "=<>");
}

static bool pin_zypper(const char *spec)
{
	return has_any(spec, "=<>");
}

static bool pin_pip(const char *spec)
{
	size_t len = strlen(spec);

	return has_any(spec, "=<>~!@") ||
		(len > 4 && !strcmp(spec + len - 4, ".whl"));
}

/* npm, yarn, pnpm: name@version, the name possibly @scope/name. */
static bool pin_at(const char *spec)
{
	return strchr(spec + 1, '@') != NULL;
}

static bool pin_gem(const char *spec)
{
	return strchr(spec, ':') != NULL;
}

static bool pin_go(const char *spec)
{
	const char *at = strrchr(spec, '@');

	return at && strcmp(at, "@latest");
}

static const struct manager managers[CR_PKG_COUNT] = {
	[CR_PKG_APT] = { "apt", " apt-get apt aptitude ", " install ",
		" -o -t -c --target-release --config-file ", "", NULL, "",
		"/var/lib/apt/lists", true, pin_equals },
	[CR_PKG_APK] = { "apk", " apk ", " add ",
		" -X -p -t --repository --root --virtual --arch --keys-dir "
		"--cache-dir --repositories-file ", "", "--no-cache", "",
		"/var/cache/apk", false, pin_apk },
	[CR_PKG_YUM] = { "yum", " yum ", " install ",
		" -c -x --exclude --enablerepo --disablerepo --releasever "
		"--installroot --setopt ", "", NULL, " clean ", "/var/cache/yum",
		true, pin_rpm },
	[CR_PKG_DNF] = { "dnf", " dnf microdnf tdnf ", " install ",
		" -c -x --exclude --enablerepo --disablerepo --releasever "
		"--installroot --setopt --repo ", "", NULL, " clean ",
		"/var/cache/dnf", true, pin_rpm },
	[CR_PKG_ZYPPER] = { "zypper", " zypper ", " install in ",
		" -r -t --from --repo --type ", "", NULL, " clean cc ",
		"/var/cache/zypp", true, pin_zypper },
	[CR_PKG_PIP] = { "pip", " pip pip2 pip3 ", " install ",
		" -r -c -e -i -f -t --requirement --constraint --editable "
		"--index-url --extra-index-url --find-links --target --prefix "
		"--root --trusted-host --platform --python-version --src "
		"--cache-dir --log --proxy --retries --timeout ",
		" -r --requirement -c --constraint ", "--no-cache-dir",
		" cache:purge ", ".cache/pip", false, pin_pip },
	[CR_PKG_NPM] = { "npm", " npm ", " install i add isntall ",
		" --prefix --registry --cache -w --workspace ", "", NULL,
		" cache:clean ", ".npm", false, pin_at },
	[CR_PKG_YARN] = { "yarn", " yarn ", " add ",
		" --cwd --registry --cache-folder ", "", NULL, " cache:clean ",
		".cache/yarn", false, pin_at },
	[CR_PKG_PNPM] = { "pnpm", " pnpm ", " add ",
		" --dir -C --registry --store-dir ", "", NULL, " store:prune ",
		"pnpm/store", false, pin_at },
	[CR_PKG_GEM] = { "gem", " gem ", " install ",
		" -v --version -s --source -i --install-dir -n --bindir "
		"--platform ", " -v --version ", NULL, "", "", false, pin_gem },
	[CR_PKG_GO] = { "go", " go ", " install get ",
		" -o -C -ldflags -gcflags -asmflags -tags -mod -modfile -p "
		"-pkgdir ", "", NULL, " clean ", "", false, pin_go },
};

const char *cr_pkg_name(unsigned manager)
{
	return manager < CR_PKG_COUNT ? managers[manager].name : NULL;
}

/* Is `word` one of the space-separated words of `list`? */
static bool listed(const char *list, const char *word)
{
	size_t len = strlen(word);

	if (!list || !len || strchr(word, ' '))
		return false;
	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if (p > list && p[-1] == ' ' && p[len] == ' ')
			return true;
	return false;
}

/* --- per-command analysis ---------------------------------------------------- */

struct analysis {
	cr_run_facts *out;
	bool in_download_pipe;   /* an earlier command of this pipeline
				  * was curl or wget */
	int rc;
};

static void note(struct analysis *a, int rc)
{
	if (a->rc == CR_OK)
		a->rc = rc;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static bool is_assignment(const char *w)
{
	const char *p = w;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return *p == '=';
}

static bool is_option(const char *w)
{
	return w[0] == '-' && w[1];
}

/* A short-option cluster or long option answering "yes" to prompts. */
static bool says_yes(const char *w)
{
	if (listed(" --yes --assume-yes --non-interactive --no-confirm -qq ", w))
		return true;
	if (w[0] != '-' || w[1] == '-' || strchr(w, '='))
		return false;
	return strchr(w, 'y') || !strcmp(w, "-n");
}

bool cr_run_shell(const char *prog)
{
	return listed(" sh bash dash zsh ash ksh ", prog);
}

static bool is_download(const char *prog)
{
	return !strcmp(prog, "curl") || !strcmp(prog, "wget");
}

static bool is_local_spec(const char *spec)
{
	return spec[0] == '.' || spec[0] == '/' || spec[0] == '~' ||
		spec[0] == '$' || strstr(spec, "://") != NULL;
}

static void add_unique(struct analysis *a, cr_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return;
	note(a, cr_strv_push(sv, s));
}

static void add_package(struct analysis *a, unsigned m, const char *spec,
	bool pinned)
{
	size_t len = strlen(managers[m].name) + 1 + strlen(spec) + 1;
	char *entry = malloc(len);

	if (!entry) {
		note(a, CR_ENOMEM);
		return;
	}
	snprintf(entry, len, "%s:%s", managers[m].name, spec);
	note(a, cr_strv_push(&a->out->packages, entry));
	if (!pinned)
		note(a, cr_strv_push(&a->out->unpinned, entry));
	free(entry);
}

static int manager_of(const char *prog)
{
	for (unsigned m = 0; m < CR_PKG_COUNT; m++)
		if (listed(managers[m].programs, prog))
			return (int)m;
	return -1;
}

/* The positional words of a package manager command, options and their
 * values left out: w[0..n) after the program name. */
static size_t positionals(const char **pos, size_t cap,
	const struct manager *m, char *const *w, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < cap; i++) {
		if (!is_option(w[i]))
			pos[k++] = w[i];
		else if (listed(m->valued, w[i]) && i + 1 < n)
			i++;
	}
	return k;
}

static bool cleans(const struct manager *m, const char **pos, size_t npos)
{
	char both[64];

	if (!npos)
		return false;
	if (listed(m->cleans, pos[0]))
		return true;
	snprintf(both, sizeof both, "%s:%s", pos[0], npos > 1 ? pos[1] : "");
	return listed(m->cleans, both);
}

static void install(struct analysis *a, unsigned mi, const char *prog,
	char *const *w, size_t n, const char **pos, size_t npos)
{
	const struct manager *m = &managers[mi];
	bool yes = false, pin_all = false, no_cache = false, recommends = true;

	for (size_t i = 0; i < n; i++) {
		yes |= says_yes(w[i]);
		pin_all |= listed(m->pin_all, w[i]);
		no_cache |= m->no_cache && !strcmp(w[i], m->no_cache);
		if (!strcmp(w[i], "--no-install-recommends") ||
		    !strcmp(w[i], "APT::Install-Recommends=false"))
			recommends = false;
	}
	a->out->installed |= 1u << mi;
	if (no_cache)
		a->out->cleaned |= 1u << mi;
	if (mi == CR_PKG_APT) {
		a->out->apt_installs++;
		a->out->apt_installs_lean += !recommends;
	}
	if (m->prompts && !yes && strcmp(prog, "microdnf"))
		add_unique(a, &a->out->unattended, m->name);
	for (size_t i = 0; i < npos; i++) {
		const char *spec = pos[i];

		if (spec[0] == '$')
			continue; /* a list in a variable: unknown */
		add_package(a, mi, spec, pin_all || is_local_spec(spec) ||
			m->pinned(spec));
	}
}

static void package_command(struct analysis *a, unsigned mi,
	const char *prog, char *const *w, size_t n)
{
	const struct manager *m = &managers[mi];
	const char *pos[256];
	size_t npos = positionals(pos, 256, m, w, n), first = 0;

	/* yarn global add, pnpm -g add */
	if (npos && !strcmp(pos[0], "global"))
		first = 1;
	if (npos > first && listed(m->installs, pos[first]))
		install(a, mi, prog, w, n, pos + first + 1, npos - first - 1);
	else if (cleans(m, pos + first, npos - first))
		a->out->cleaned |= 1u << mi;
}

/* `rm -rf /var/lib/apt/lists` and the like. */
static void removal(struct analysis *a, char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned m = 0; m < CR_PKG_COUNT; m++)
			if (*managers[m].cache_dir &&
			    strstr(w[i], managers[m].cache_dir))
				a->out->cleaned |= 1u << m;
}

/* Skip what runs the real command: sudo, env, exec, ... and their
 * options; returns the index of the command word. */
static size_t skip_wrappers(struct analysis *a, char *const *w, size_t n)
{
	size_t i = 0;

	for (;;) {
		while (i < n && (is_assignment(w[i]) ||
			listed(" ! { } ( ) if then else elif fi do done while "
				"until time ", w[i])))
			i++;
		if (i == n || !listed(" sudo env exec command nohup nice "
				"doas ", base_name(w[i])))
			return i;
		a->out->sudo |= !strcmp(base_name(w[i]), "sudo") ||
			!strcmp(base_name(w[i]), "doas");
		for (i++; i < n && is_option(w[i]); i++)
			if (listed(" -u -g -n --user --group ", w[i]))
				i++;
	}
}

static bool mentions_download(char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(w[i], "curl ") || strstr(w[i], "wget "))
			return true;
	return false;
}

static void add_command(struct analysis *a, char *const *w, size_t n)
{
	char *text = cr_words_join((const char *const *)w, n);

	if (!text) {
		note(a, CR_ENOMEM);
		return;
	}
	note(a, cr_strv_push(&a->out->commands, text));
	free(text);
}

static void command(struct analysis *a, char *const *w, size_t n,
	bool piped)
{
	size_t i = skip_wrappers(a, w, n);
	const char *prog;
	int mi;

	if (i == n)
		return;
	prog = base_name(w[i]);
	add_command(a, w, n);
	add_unique(a, &a->out->programs, prog);
	a->out->cd |= !strcmp(prog, "cd");
	if (cr_run_shell(prog) && (a->in_download_pipe ||
			       mentions_download(w + i + 1, n - i - 1)))
		a->out->curl_pipe_shell = true;
	a->in_download_pipe = piped && (a->in_download_pipe ||
		is_download(prog));
	a->out->pipes |= piped;
	if (!strcmp(prog, "rm"))
		removal(a, w + i + 1, n - i - 1);
	if (listed(" python python2 python3 ", prog) && n - i > 2 &&
	    !strcmp(w[i + 1], "-m") && !strcmp(w[i + 2], "pip")) {
		package_command(a, CR_PKG_PIP, "pip", w + i + 3, n - i - 3);
		return;
	}
	if ((mi = manager_of(prog)) >= 0)
		package_command(a, (unsigned)mi, prog, w + i + 1, n - i - 1);
}

/* --- the lexer ---------------------------------------------------------------- */

struct lexer {
	const char *s, *end;
	struct analysis *a;
	cr_strv words;            /* of the command being read */
	char *word;
	size_t len, cap;
	bool in_word;
	bool skip_word;           /* the next word is a redirection target */
	bool heredoc_word;        /* ... and a here-document delimiter */
	char heredoc[64];         /* pending delimiter: skip its body */
	bool heredoc_tabs;
};

static void put(struct lexer *l, const char *s, size_t len)
{
	if (l->len + len + 1 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char *p;

		while (cap < l->len + len + 1)
			cap *= 2;
		if (!(p = realloc(l->word, cap))) {
			note(l->a, CR_ENOMEM);
			return;
		}
		l->word = p;
		l->cap = cap;
	}
	memcpy(l->word + l->len, s, len);
	l->len += len;
	l->word[l->len] = '\0';
	l->in_word = true;
}

static void end_word(struct lexer *l)
{
	if (!l->in_word)
		return;
	if (l->heredoc_word)
		snprintf(l->heredoc, sizeof l->heredoc, "%.*s", (int)l->len,
			l->word ? l->word : "");
	if (!l->skip_word)
		note(l->a, cr_strv_pushn(&l->words, l->word ? l->word : "",
			l->len));
	l->skip_word = l->heredoc_word = false;
	l->len = 0;
	l->in_word = false;
}

static void end_command(struct lexer *l, bool piped)
{
	end_word(l);
	if (l->words.n)
		command(l->a, l->words.v, l->words.n, piped);
	else if (!piped)
		l->a->in_download_pipe = false;
	for (size_t i = 0; i < l->words.n; i++)
		free(l->words.v[i]);
	l->words.n = 0;
}

/* From an opening bracket at s, the end of the balanced span ($(...),
 * ${...}, <(...)), quotes inside honoured. */
static const char *balanced(const char *s, const char *end, char open,
	char close)
{
	int depth = 0;
	char quote = 0;

	for (; s < end; s++) {
		if (quote) {
			if (*s == '\\' && quote == '"' && s + 1 < end)
				s++;
			else if (*s == quote)
				quote = 0;
		} else if (*s == '\\' && s + 1 < end) {
			s++;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
		} else if (*s == open) {
			depth++;
		} else if (*s == close && --depth == 0) {
			return s + 1;
		}
	}
	return end;
}

/* After a newline: skip the body of a pending here-document. */
static void skip_heredoc_body(struct lexer *l)
{
	size_t dlen = strlen(l->heredoc);

	while (l->s < l->end) {
		const char *nl = memchr(l->s, '\n', (size_t)(l->end - l->s));
		const char *line = l->s, *stop = nl ? nl : l->end;

		l->s = nl ? nl + 1 : l->end;
		if (l->heredoc_tabs)
			while (line < stop && *line == '\t')
				line++;
		if ((size_t)(stop - line) == dlen && !memcmp(line, l->heredoc, dlen))
			break;
	}
	l->heredoc[0] = '\0';
}

static void single_quoted(struct lexer *l)
{
	const char *close = memchr(l->s + 1, '\'', (size_t)(l->end - l->s - 1));
	const char *stop = close ? close : l->end;

	put(l, l->s + 1, (size_t)(stop - l->s - 1));
	l->s = close ? close + 1 : l->end;
}

static void double_quoted(struct lexer *l)
{
	put(l, "", 0);
	for (l->s++; l->s < l->end && *l->s != '"'; l->s++) {
		if (*l->s == '\\' && l->s + 1 < l->end &&
		    strchr("\"\\$`\n", l->s[1])) {
			l->s++;
			if (*l->s == '\n')
				continue;
		} else if (*l->s == '$' && l->s + 1 < l->end && l->s[1] == '(') {
			const char *e = balanced(l->s + 1, l->end, '(', ')');

			put(l, l->s, (size_t)(e - l->s));
			l->s = e - 1;
			continue;
		}
		put(l, l->s, 1);
	}
	if (l->s < l->end)
		l->s++;
}

/* A redirection operator at l->s: drop a file-descriptor number before
 * it, skip the operator and mark its target. */
static void redirection(struct lexer *l)
{
	bool digits = l->in_word && l->len;
	const char *s = l->s;

	for (size_t i = 0; digits && i < l->len; i++)
		digits = isdigit((unsigned char)l->word[i]);
	if (digits) {
		l->len = 0;
		l->in_word = false;
	}
	end_word(l);
	if (s + 2 < l->end && s[0] == '<' && s[1] == '<' && s[2] != '<') {
		l->heredoc_tabs = s[2] == '-';
		l->heredoc_word = true;
		s += 2 + l->heredoc_tabs;
	} else {
		while (s < l->end && *s && strchr("<>&|", *s))
			s++;
	}
	l->skip_word = true;
	l->s = s;
}

static void lex_char(struct lexer *l)
{
	const char *s = l->s;
	char c = *s, next = s + 1 < l->end ? s[1] : '\0';

	if (c == ' ' || c == '\t' || c == '\r') {
		end_word(l);
		l->s++;
	} else if (c == '\\') {
		if (next != '\n' && next)
			put(l, s + 1, 1);
		l->s += 1 + (next != '\0');
	} else if (c == '\n') {
		end_command(l, false);
		l->s++;
		if (l->heredoc[0])
			skip_heredoc_body(l);
	} else if (c == '#' && !l->in_word) {
		const char *nl = memchr(s, '\n', (size_t)(l->end - s));

		l->s = nl ? nl : l->end;
	} else if (c == '\'') {
		single_quoted(l);
	} else if (c == '"') {
		double_quoted(l);
	} else if ((c == '$' && (next == '(' || next == '{')) ||
		   ((c == '<' || c == '>') && next == '(')) {
		const char *e = balanced(s + 1, l->end, next,
			next == '(' ? ')' : '}');

		put(l, s, (size_t)(e - s));
		l->s = e;
	} else if (c == '`') {
		const char *close = memchr(s + 1, '`', (size_t)(l->end - s - 1));
		const char *e = close ? close + 1 : l->end;

		put(l, s, (size_t)(e - s));
		l->s = e;
	} else if (c == '<' || c == '>' || (c == '&' && next == '>')) {
		redirection(l);
	} else if (strchr(";&|()", c)) {
		bool piped = c == '|' && next != '|';

		end_command(l, piped);
		l->s += 1 + (next == c || (c == '|' && next == '&'));
	} else {
		put(l, s, 1);
		l->s++;
	}
}

int cr_run_analyze(cr_run_facts *out, const char *script, size_t len)
{
	struct analysis a = { .out = out };
	struct lexer l = { .s = script, .end = script + len, .a = &a };

	while (l.s < l.end && a.rc == CR_OK)
		lex_char(&l);
	end_command(&l, false);
	cr_strv_release(&l.words);
	free(l.word);
	return a.rc;
}

void cr_run_facts_release(cr_run_facts *r)
{
	cr_strv_release(&r->commands);
	cr_strv_release(&r->programs);
	cr_strv_release(&r->packages);
	cr_strv_release(&r->unpinned);
	cr_strv_release(&r->unattended);
}
