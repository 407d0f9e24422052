/*
 * language.c - guess a file's language from its name or its "#!" line.
 *
 * The file inventory calls cr_language_of_path() for every file, so the
 * tables are sorted and searched with bsearch(); the shebang is only
 * consulted for extension-less executables.  Names are the lower-case
 * identifiers policies filter on (`repo:files{language = "python"}`).
 */
#include "crucible/files.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct lang_key {
	const char *key;
	const char *language;
};

/* Lower-case extensions without the dot, in strcmp order. */
static const struct lang_key by_extension[] = {
	{"asm", "assembly"},
	{"bash", "shell"},
	{"bat", "batch"},
	{"bzl", "starlark"},
	{"c", "c"},
	{"c++", "cpp"},
	{"cc", "cpp"},
	{"cjs", "javascript"},
	{"clj", "clojure"},
	{"cljc", "clojure"},
	{"cljs", "clojure"},
	{"cmake", "cmake"},
	{"cmd", "batch"},
	{"cpp", "cpp"},
	{"cs", "csharp"},
	{"css", "css"},
	{"cts", "typescript"},
	{"cu", "cuda"},
	{"cxx", "cpp"},
	{"dart", "dart"},
	{"dockerfile", "dockerfile"},
	{"el", "emacs-lisp"},
	{"erl", "erlang"},
	{"ex", "elixir"},
	{"exs", "elixir"},
	{"f90", "fortran"},
	{"f95", "fortran"},
	{"fish", "fish"},
	{"fs", "fsharp"},
	{"fsx", "fsharp"},
	{"go", "go"},
	{"gql", "graphql"},
	{"gradle", "groovy"},
	{"graphql", "graphql"},
	{"groovy", "groovy"},
	{"h", "c"},
	{"h++", "cpp"},
	{"hcl", "hcl"},
	{"hh", "cpp"},
	{"hpp", "cpp"},
	{"hrl", "erlang"},
	{"hs", "haskell"},
	{"htm", "html"},
	{"html", "html"},
	{"hxx", "cpp"},
	{"ini", "ini"},
	{"ipynb", "jupyter"},
	{"java", "java"},
	{"jl", "julia"},
	{"js", "javascript"},
	{"json", "json"},
	{"jsonnet", "jsonnet"},
	{"jsx", "javascript"},
	{"ksh", "shell"},
	{"kt", "kotlin"},
	{"kts", "kotlin"},
	{"less", "less"},
	{"libsonnet", "jsonnet"},
	{"lua", "lua"},
	{"m", "objective-c"},
	{"mak", "makefile"},
	{"markdown", "markdown"},
	{"md", "markdown"},
	{"mjs", "javascript"},
	{"mk", "makefile"},
	{"ml", "ocaml"},
	{"mli", "ocaml"},
	{"mm", "objective-cpp"},
	{"mts", "typescript"},
	{"nim", "nim"},
	{"nix", "nix"},
	{"php", "php"},
	{"pl", "perl"},
	{"pm", "perl"},
	{"proto", "protobuf"},
	{"ps1", "powershell"},
	{"psm1", "powershell"},
	{"py", "python"},
	{"pyi", "python"},
	{"pyw", "python"},
	{"r", "r"},
	{"rake", "ruby"},
	{"rb", "ruby"},
	{"rs", "rust"},
	{"rst", "restructuredtext"},
	{"s", "assembly"},
	{"sass", "scss"},
	{"scala", "scala"},
	{"scss", "scss"},
	{"sh", "shell"},
	{"sol", "solidity"},
	{"sql", "sql"},
	{"svelte", "svelte"},
	{"swift", "swift"},
	{"tex", "tex"},
	{"tf", "terraform"},
	{"tfvars", "terraform"},
	{"toml", "toml"},
	{"ts", "typescript"},
	{"tsx", "typescript"},
	{"txt", "text"},
	{"vb", "visual-basic"},
	{"vim", "vim"},
	{"vue", "vue"},
	{"xml", "xml"},
	{"yaml", "yaml"},
	{"yml", "yaml"},
	{"zig", "zig"},
	{"zsh", "shell"},
};

/* Exact file names that say more than their extension, in strcmp order. */
static const struct lang_key by_name[] = {
	{".bash_profile", "shell"},
	{".bashrc", "shell"},
	{".profile", "shell"},
	{".zshrc", "shell"},
	{"BUILD", "starlark"},
	{"BUILD.bazel", "starlark"},
	{"Brewfile", "ruby"},
	{"CMakeLists.txt", "cmake"},
	{"Containerfile", "dockerfile"},
	{"Dockerfile", "dockerfile"},
	{"GNUmakefile", "makefile"},
	{"Gemfile", "ruby"},
	{"Guardfile", "ruby"},
	{"Jenkinsfile", "groovy"},
	{"Makefile", "makefile"},
	{"Podfile", "ruby"},
	{"Rakefile", "ruby"},
	{"Tiltfile", "starlark"},
	{"Vagrantfile", "ruby"},
	{"WORKSPACE", "starlark"},
	{"WORKSPACE.bazel", "starlark"},
	{"justfile", "just"},
	{"makefile", "makefile"},
	{"meson.build", "meson"},
};

/* Interpreters named on a "#!" line, version suffix removed. */
static const struct lang_key by_interpreter[] = {
	{"ash", "shell"},
	{"awk", "awk"},
	{"bash", "shell"},
	{"bun", "javascript"},
	{"dash", "shell"},
	{"deno", "javascript"},
	{"escript", "erlang"},
	{"fish", "fish"},
	{"gawk", "awk"},
	{"groovy", "groovy"},
	{"julia", "julia"},
	{"ksh", "shell"},
	{"lua", "lua"},
	{"luajit", "lua"},
	{"make", "makefile"},
	{"mksh", "shell"},
	{"node", "javascript"},
	{"nodejs", "javascript"},
	{"perl", "perl"},
	{"php", "php"},
	{"pwsh", "powershell"},
	{"pypy", "python"},
	{"python", "python"},
	{"rscript", "r"},
	{"ruby", "ruby"},
	{"sh", "shell"},
	{"tclsh", "tcl"},
	{"ts-node", "typescript"},
	{"zsh", "shell"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int compare_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct lang_key *)elem)->key);
}

static const char *lookup(const struct lang_key *table, size_t n,
	const char *key)
{
	const struct lang_key *hit = bsearch(key, table, n, sizeof *table,
		compare_key);

	return hit ? hit->language : NULL;
}

/* Copy `s` (length len) lower-cased into buf; false when it does not fit. */
static bool lower_copy(char *buf, size_t size, const char *s, size_t len)
{
	if (len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[len] = '\0';
	return true;
}

const char *cr_language_of_path(const char *path)
{
	const char *name = strrchr(path, '/');
	const char *dot, *lang;
	char ext[32];

	name = name ? name + 1 : path;
	if ((lang = lookup(by_name, COUNT(by_name), name)))
		return lang;
	/* Dockerfile.prod, Dockerfile.dev: one image per variant. */
	if (strncmp(name, "Dockerfile.", 11) == 0)
		return "dockerfile";
	dot = strrchr(name, '.');
	if (!dot || dot == name || !lower_copy(ext, sizeof ext, dot + 1,
		strlen(dot + 1)))
		return NULL;
	return lookup(by_extension, COUNT(by_extension), ext);
}

/* The next blank-separated word of [*p, end), or false at the end. */
static bool next_word(const char **p, const char *end, const char **word,
	size_t *len)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*word = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*len = (size_t)(s - *word);
	*p = s;
	return *len > 0;
}

static const char *interpreter_language(const char *word, size_t len)
{
	const char *base = memrchr(word, '/', len);
	char name[32];
	size_t n;

	if (base) {
		len -= (size_t)(base + 1 - word);
		word = base + 1;
	}
	/* python3.11 -> python, lua5.4 -> lua */
	for (n = len; n > 0 && (isdigit((unsigned char)word[n - 1]) ||
		word[n - 1] == '.'); n--)
		;
	if (n == 0 || !lower_copy(name, sizeof name, word, n))
		return NULL;
	return lookup(by_interpreter, COUNT(by_interpreter), name);
}

static bool is_env(const char *word, size_t len)
{
	return (len == 3 && memcmp(word, "env", 3) == 0) ||
	       (len > 4 && memcmp(word + len - 4, "/env", 4) == 0);
}

const char *cr_language_of_shebang(const char *head, size_t len)
{
	const char *end, *p, *word;
	size_t wlen;

	if (len < 2 || head[0] != '#' || head[1] != '!')
		return NULL;
	end = memchr(head, '\n', len);
	end = end ? end : head + len;
	if (end > head && end[-1] == '\r')
		end--;
	p = head + 2;
	if (!next_word(&p, end, &word, &wlen))
		return NULL;
	if (!is_env(word, wlen))
		return interpreter_language(word, wlen);
	/* "#!/usr/bin/env -S node --flag": skip env's own options. */
	while (next_word(&p, end, &word, &wlen)) {
		if (word[0] != '-' && !memchr(word, '=', wlen))
			return interpreter_language(word, wlen);
	}
	return NULL;
}
