/*
 * test_integrations.c - the files that plug crucible into other tools:
 * action.yml (GitHub Action), .pre-commit-hooks.yaml, the man page and the
 * bash and zsh completions.
 *
 * The YAML files are loaded with libyaml and their shape checked.  The
 * documentation is checked against the real binary: every command that
 * `crucible help` lists and every long option that `crucible <command>
 * --help` prints must appear in the man page and the zsh completion, and
 * the bash completion must offer it when run for real under bash.  So a
 * new option fails here until it is documented, whoever adds it.  Only
 * bash is needed, never man, groff or zsh.
 */
#include "tests/helpers.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml.h>

#define MAX_WORDS 16

static char *source_file(const char *rel)
{
	char *path, *text;

	if (asprintf(&path, "%s/%s", CRUCIBLE_SOURCE_DIR, rel) < 0)
		fail_msg("asprintf");
	text = th_read(path);
	if (!text)
		fail_msg("cannot read %s", path);
	free(path);
	return text;
}

/* --- YAML ------------------------------------------------------------ */

static void yaml_load(yaml_document_t *doc, const char *rel)
{
	char *text = source_file(rel);
	yaml_parser_t parser;
	bool ok;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
		strlen(text));
	ok = yaml_parser_load(&parser, doc);
	if (!ok)
		fail_msg("%s:%zu: %s", rel, parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "YAML error");
	yaml_parser_delete(&parser);
	free(text);
	if (!yaml_document_get_root_node(doc))
		fail_msg("%s is empty", rel);
}

static const char *yaml_str(yaml_node_t *node, const char *what)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		fail_msg("%s is not a string", what);
	return (const char *)node->data.scalar.value;
}

/* The value under `key` of a mapping, or NULL. */
static yaml_node_t *yaml_get(yaml_document_t *doc, yaml_node_t *map,
	const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		fail_msg("looking up '%s' in a node that is not a mapping",
			key);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static yaml_node_t *yaml_need(yaml_document_t *doc, yaml_node_t *map,
	const char *key)
{
	yaml_node_t *v = yaml_get(doc, map, key);

	if (!v)
		fail_msg("missing key '%s'", key);
	return v;
}

static yaml_node_t *yaml_item(yaml_document_t *doc, yaml_node_t *seq,
	size_t i)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		fail_msg("not a sequence");
	if (seq->data.sequence.items.start + i >= seq->data.sequence.items.top)
		return NULL;
	return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

/* --- running things --------------------------------------------------- */

/* stdout of argv[0] found on PATH (stderr passes through); asserts it
 * exits 0. */
static char *capture(const char *const *argv)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	do {
		if (len + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			if (!(buf = realloc(buf, cap)))
				fail_msg("realloc");
		}
		n = read(fds[0], buf + len, 4096);
		if (n > 0)
			len += (size_t)n;
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fds[0]);
	buf[len] = '\0';
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s exited with status %d:\n%s", argv[0], status, buf);
	return buf;
}

/* What the bash completion offers for the command line `words` (the last
 * word is the one being completed), one candidate per line. */
static char *bash_complete(const char *const *words)
{
	static const char script[] =
		"source \"$1\" || exit 99\n"
		"shift\n"
		"COMP_WORDS=(\"$@\")\n"
		"COMP_CWORD=$(($# - 1))\n"
		"COMP_LINE=\"$*\"\n"
		"COMP_POINT=${#COMP_LINE}\n"
		"_crucible crucible \"${COMP_WORDS[COMP_CWORD]}\" "
		"\"${COMP_WORDS[COMP_CWORD - 1]}\" || exit 98\n"
		"printf '%s\\n' \"${COMPREPLY[@]}\"\n";
	const char *argv[MAX_WORDS + 8] = {
		"bash", "--norc", "--noprofile", "-c", script, "bash",
		CRUCIBLE_SOURCE_DIR "/contrib/completions/crucible.bash",
	};
	size_t n = 7;
	char *out;

	for (size_t i = 0; words[i]; i++) {
		if (n == sizeof argv / sizeof *argv - 1)
			fail_msg("too many words");
		argv[n++] = words[i];
	}
	argv[n] = NULL;
	out = capture(argv);
	/* printf of an empty COMPREPLY still prints one empty line */
	if (strcmp(out, "\n") == 0)
		out[0] = '\0';
	return out;
}

static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; *p; p++) {
		if (strncmp(p, line, len) == 0 && (p[len] == '\n' || !p[len]))
			return true;
		if (!(p = strchr(p, '\n')))
			break;
	}
	return false;
}

static void assert_offers(const char *const *words, const char *want)
{
	char *out = bash_complete(words);

	if (!has_line(out, want))
		fail_msg("bash completion of '%s %s ...' does not offer '%s':\n%s",
			words[0], words[1], want, out);
	free(out);
}

/* --- the CLI as the binary describes it ------------------------------- */

static bool option_char(char c)
{
	return islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-';
}

/* `--name` as a whole option in text: not the prefix of a longer one. */
static bool mentions_option(const char *text, const char *opt)
{
	size_t len = strlen(opt);

	for (const char *p = strstr(text, opt); p; p = strstr(p + 1, opt)) {
		bool starts = p == text || !option_char(p[-1]);

		if (starts && !option_char(p[len]))
			return true;
	}
	return false;
}

/* Every distinct long option (--name) in text; returns how many. */
static size_t long_options(char **out, size_t max, const char *text)
{
	size_t n = 0;

	for (const char *p = strstr(text, "--"); p; p = strstr(p + 1, "--")) {
		size_t len = 2;
		char *opt;
		bool seen = false;

		if (p > text && option_char(p[-1]))
			continue;
		if (!islower((unsigned char)p[2]))
			continue;
		while (option_char(p[len]))
			len++;
		while (p[len - 1] == '-')
			len--;
		opt = strndup(p, len);
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(out[i], opt) == 0;
		if (seen) {
			free(opt);
			continue;
		}
		assert_true(n < max);
		out[n++] = opt;
	}
	return n;
}

/* The command names `crucible help` lists: the first word of each
 * indented line after "commands:". */
static size_t cli_commands(char **out, size_t max)
{
	const char *const argv[] = {"help", NULL};
	th_run run = th_crucible(NULL, argv);
	const char *p = strstr(run.out, "commands:");
	size_t n = 0;

	assert_int_equal(run.status, 0);
	assert_non_null(p);
	for (p = strchr(p, '\n'); p && p[1] == ' '; p = strchr(p + 1, '\n')) {
		const char *name = p + 1 + strspn(p + 1, " ");
		size_t len = strcspn(name, " \n");

		assert_true(n < max);
		out[n++] = strndup(name, len);
	}
	th_run_free(&run);
	assert_true(n > 0);
	return n;
}

/* The command words a usage line starts with, up to the first
 * placeholder ("usage: crucible config check [PATH]" gives "config
 * check"), or just `cmd` when the help has no usage line. */
static char *usage_words(const char *help, const char *cmd)
{
	static const char lead[] = "usage: crucible ";
	const char *p = strcasestr(help, lead);
	char *line, *word, *save, *words;
	size_t len = 0;

	if (!p)
		return strdup(cmd);
	p += strlen(lead);
	line = strndup(p, strcspn(p, "\n"));
	words = calloc(1, strlen(line) + 1);
	assert_non_null(words);
	for (word = strtok_r(line, " ", &save);
	     word && islower((unsigned char)*word);
	     word = strtok_r(NULL, " ", &save))
		len += (size_t)sprintf(words + len, "%s%s", len ? " " : "", word);
	free(line);
	if (!len)
		fail_msg("no command in the usage line of '%s --help'", cmd);
	return words;
}

/* The man page as text: escapes and font changes gone, so "\-\-bundle"
 * reads "--bundle". */
static char *roff_plain(const char *roff)
{
	char *out = malloc(strlen(roff) + 1), *q = out;

	assert_non_null(out);
	for (const char *p = roff; *p; p++) {
		if (p[0] == '\\' && p[1] == 'f' && p[2]) {
			p += 2;
		} else if (p[0] == '\\' && p[1] && strchr("-&%", p[1])) {
			if (p[1] == '-')
				*q++ = '-';
			p++;
		} else {
			*q++ = *p;
		}
	}
	*q = '\0';
	return out;
}

struct docs {
	char *man;   /* roff_plain() of docs/crucible.1 */
	char *zsh;   /* contrib/completions/_crucible */
};

static void docs_load(struct docs *d)
{
	char *roff = source_file("docs/crucible.1");

	d->man = roff_plain(roff);
	d->zsh = source_file("contrib/completions/_crucible");
	free(roff);
}

static void docs_free(struct docs *d)
{
	free(d->man);
	free(d->zsh);
}

/* Split "config check" into words[] followed by extra (then NULL). */
static void command_line(const char **words, char *cmdline, const char *extra)
{
	size_t n = 0;
	char *save;

	words[n++] = "crucible";
	for (char *w = strtok_r(cmdline, " ", &save); w;
	     w = strtok_r(NULL, " ", &save)) {
		assert_true(n < MAX_WORDS - 2);
		words[n++] = w;
	}
	words[n++] = extra;
	words[n] = NULL;
}

/* One command's options, from its --help, in every piece of docs. */
static void check_command_docs(const struct docs *d, const char *cmd)
{
	const char *const argv[] = {cmd, "--help", NULL};
	th_run run = th_crucible(NULL, argv);
	const char *words[MAX_WORDS];
	char *opts[64], *cmdline, *entry, *offered;
	size_t nopts;

	if (run.status != 0)
		fail_msg("crucible %s --help: exit %d\n%s", cmd, run.status,
			run.err);
	nopts = long_options(opts, 64, run.out);
	cmdline = usage_words(run.out, cmd);
	if (asprintf(&entry, "\n.B %s\n", cmdline) < 0)
		fail_msg("asprintf");
	if (!strstr(d->man, entry))
		fail_msg("docs/crucible.1: no COMMANDS entry '.B %s'", cmdline);
	command_line(words, cmdline, "--");
	offered = bash_complete(words);
	for (size_t i = 0; i < nopts; i++) {
		if (!mentions_option(d->man, opts[i]))
			fail_msg("docs/crucible.1 does not document %s %s",
				cmdline, opts[i]);
		if (!mentions_option(d->zsh, opts[i]))
			fail_msg("contrib/completions/_crucible lacks %s %s",
				cmdline, opts[i]);
		if (!has_line(offered, opts[i]))
			fail_msg("bash completion of 'crucible %s --' lacks %s",
				cmdline, opts[i]);
		free(opts[i]);
	}
	free(offered);
	free(entry);
	free(cmdline);
	th_run_free(&run);
}

/* --- tests ------------------------------------------------------------ */

/* The step the outputs come from runs crucible once for every format the
 * later steps need. */
static void check_evaluate_step(yaml_document_t *doc, yaml_node_t *steps)
{
	static const char *const args[] = {
		"--output \"sarif=", "--output \"json=", "--output \"markdown=",
		"--summary", "exit-code=", "score=",
	};
	yaml_node_t *step, *id;
	const char *script;

	for (size_t i = 0; (step = yaml_item(doc, steps, i)); i++) {
		id = yaml_get(doc, step, "id");
		if (id && strcmp(yaml_str(id, "id"), "run") == 0)
			break;
	}
	if (!step)
		fail_msg("action.yml: no step with id 'run'");
	yaml_need(doc, step, "env");
	script = yaml_str(yaml_need(doc, step, "run"), "run");
	for (size_t i = 0; i < sizeof args / sizeof *args; i++)
		if (!strstr(script, args[i]))
			fail_msg("the 'run' step does not use %s", args[i]);
}

static void test_action_metadata(void **state)
{
	static const char *const inputs[] = {
		"path", "bundle", "fail-under", "fail-on", "config", "sarif-file",
		"upload-sarif", "comment", "version",
	};
	static const char *const outputs[] = {"score", "grade", "verdict"};
	yaml_document_t doc;
	yaml_node_t *root, *in, *out, *value, *runs, *steps;

	(void)state;
	yaml_load(&doc, "action.yml");
	root = yaml_document_get_root_node(&doc);
	yaml_str(yaml_need(&doc, root, "name"), "name");
	yaml_str(yaml_need(&doc, root, "description"), "description");
	in = yaml_need(&doc, root, "inputs");
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
		yaml_str(yaml_need(&doc, yaml_need(&doc, in, inputs[i]),
			"description"), inputs[i]);
	assert_string_equal(yaml_str(yaml_need(&doc, yaml_need(&doc, in,
		"sarif-file"), "default"), "default"), "crucible.sarif");
	out = yaml_need(&doc, root, "outputs");
	for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
		value = yaml_need(&doc, yaml_need(&doc, out, outputs[i]), "value");
		assert_non_null(strstr(yaml_str(value, outputs[i]),
			"steps.run.outputs."));
	}
	runs = yaml_need(&doc, root, "runs");
	assert_string_equal(yaml_str(yaml_need(&doc, runs, "using"), "using"),
		"composite");
	steps = yaml_need(&doc, runs, "steps");
	check_evaluate_step(&doc, steps);
	yaml_document_delete(&doc);
}

/* Inputs reach scripts through env: no ${{ }} inside a run, or a crafted
 * input (a branch name, a PR title) could run commands on the runner. */
static void test_action_scripts_take_no_expressions(void **state)
{
	yaml_document_t doc;
	yaml_node_t *steps, *step, *with;
	bool uploads = false;

	(void)state;
	yaml_load(&doc, "action.yml");
	steps = yaml_need(&doc, yaml_need(&doc,
		yaml_document_get_root_node(&doc), "runs"), "steps");
	for (size_t i = 0; (step = yaml_item(&doc, steps, i)); i++) {
		yaml_node_t *run = yaml_get(&doc, step, "run");
		yaml_node_t *uses = yaml_get(&doc, step, "uses");

		if (run) {
			const char *script = yaml_str(run, "run");

			if (strstr(script, "${{"))
				fail_msg("step %zu interpolates an expression into "
					"its script:\n%s", i, script);
			yaml_str(yaml_need(&doc, step, "shell"), "shell");
		}
		if (uses && strstr(yaml_str(uses, "uses"),
			"github/codeql-action/upload-sarif@")) {
			with = yaml_need(&doc, step, "with");
			yaml_str(yaml_need(&doc, with, "sarif_file"), "sarif_file");
			uploads = true;
		}
	}
	assert_true(uploads);
	yaml_document_delete(&doc);
}

static void test_pre_commit_hooks(void **state)
{
	static const struct {
		const char *id, *gate;
	} want[] = {
		{"crucible", "--fail-under"},   /* in its default args */
		{"crucible-secrets", "--only secrets"},
	};
	yaml_document_t doc;
	yaml_node_t *hooks, *hook, *args;
	const char *entry;

	(void)state;
	yaml_load(&doc, ".pre-commit-hooks.yaml");
	hooks = yaml_document_get_root_node(&doc);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		for (size_t j = 0; (hook = yaml_item(&doc, hooks, j)); j++)
			if (strcmp(yaml_str(yaml_need(&doc, hook, "id"), "id"),
				want[i].id) == 0)
				break;
		if (!hook)
			fail_msg("no hook '%s'", want[i].id);
		yaml_str(yaml_need(&doc, hook, "name"), "name");
		assert_string_equal(yaml_str(yaml_need(&doc, hook, "language"),
			"language"), "system");
		assert_string_equal(yaml_str(yaml_need(&doc, hook,
			"pass_filenames"), "pass_filenames"), "false");
		entry = yaml_str(yaml_need(&doc, hook, "entry"), "entry");
		assert_true(strncmp(entry, "crucible eval ", 14) == 0);
		args = yaml_get(&doc, hook, "args");
		if (!strstr(entry, want[i].gate) && !(args &&
		    strcmp(yaml_str(yaml_item(&doc, args, 0), "args"),
			want[i].gate) == 0))
			fail_msg("hook '%s' has no %s", want[i].id, want[i].gate);
	}
	yaml_document_delete(&doc);
}

static void test_man_page_sections(void **state)
{
	static const char *const sections[] = {
		".TH CRUCIBLE 1 ", ".SH NAME\n", ".SH SYNOPSIS\n",
		".SH DESCRIPTION\n", ".SH COMMANDS\n", ".SH OPTIONS\n",
		".SH \"EXIT STATUS\"\n", ".SH ENVIRONMENT\n", ".SH FILES\n",
		".SH EXAMPLES\n", ".SH \"SEE ALSO\"\n",
	};
	char *roff = source_file("docs/crucible.1");

	(void)state;
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
		if (!strstr(roff, sections[i]))
			fail_msg("docs/crucible.1 has no %s", sections[i]);
	for (const char *code = "0123"; *code; code++) {
		char item[8];

		snprintf(item, sizeof item, ".B %c\n", *code);
		assert_non_null(strstr(roff, item));
	}
	assert_non_null(strstr(roff, "NO_COLOR"));
	assert_non_null(strstr(roff, ".crucible.yml"));
	free(roff);
}

/* Every command and option the binary knows is documented and completed. */
static void test_docs_follow_the_cli(void **state)
{
	const char *const top[] = {"crucible", "", NULL};
	char *commands[32], *offered;
	size_t ncommands = cli_commands(commands, 32);
	struct docs d;
	char *zentry;

	(void)state;
	docs_load(&d);
	offered = bash_complete(top);
	for (size_t i = 0; i < ncommands; i++) {
		if (!has_line(offered, commands[i]))
			fail_msg("bash completion lacks %s", commands[i]);
		if (asprintf(&zentry, "'%s:", commands[i]) < 0)
			fail_msg("asprintf");
		if (!strstr(d.zsh, zentry))
			fail_msg("zsh completion lacks %s", commands[i]);
		free(zentry);
		if (strcmp(commands[i], "help") != 0)
			check_command_docs(&d, commands[i]);
		free(commands[i]);
	}
	free(offered);
	docs_free(&d);
}

static void test_bash_completes_values(void **state)
{
	const char *const eval_format[] = {
		"crucible", "eval", "--format", "", NULL};
	const char *const eval_format_eq[] = {
		"crucible", "eval", "--format", "=", "sa", NULL};
	const char *const summary_format[] = {
		"crucible", "summary", "--format", "", NULL};
	const char *const fail_on[] = {
		"crucible", "eval", "--fail-on", "h", NULL};
	const char *const config[] = {"crucible", "config", "", NULL};
	const char *const output_prefix[] = {
		"crucible", "eval", "--output", "ma", NULL};
	char *out;

	(void)state;
	assert_offers(eval_format, "json");
	assert_offers(eval_format, "sarif");
	assert_offers(eval_format, "html");
	assert_offers(eval_format_eq, "sarif");
	assert_offers(summary_format, "csv");
	out = bash_complete(summary_format);
	assert_false(has_line(out, "sarif"));
	free(out);
	out = bash_complete(fail_on);
	assert_string_equal(out, "high\n");
	free(out);
	assert_offers(config, "check");
	assert_offers(output_prefix, "markdown=");
}

static void test_bash_completes_paths(void **state)
{
	char *dir = th_tempdir(), *prefix, *want_dir, *want_file, *out;
	const char *bundle[] = {"crucible", "eval", "--bundle", NULL, NULL};
	const char *output[] = {"crucible", "eval", "--output", "sarif", "=",
		NULL, NULL};
	const char *positional[] = {"crucible", "eval", "--quiet", NULL, NULL};

	(void)state;
	th_write(dir, "policies/bundle.yml", "name: x\n");
	th_write(dir, "plain.txt", "x\n");
	if (asprintf(&prefix, "%s/p", dir) < 0 ||
	    asprintf(&want_dir, "%s/policies", dir) < 0 ||
	    asprintf(&want_file, "%s/plain.txt", dir) < 0)
		fail_msg("asprintf");
	bundle[3] = output[5] = positional[3] = prefix;

	out = bash_complete(bundle);
	assert_true(has_line(out, want_dir));
	assert_false(has_line(out, want_file));
	free(out);
	out = bash_complete(positional);
	assert_true(has_line(out, want_dir));
	assert_false(has_line(out, want_file));
	free(out);
	out = bash_complete(output);
	assert_true(has_line(out, want_dir));
	assert_true(has_line(out, want_file));
	free(out);

	th_rmtree(dir);
	free(dir);
	free(prefix);
	free(want_dir);
	free(want_file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_metadata),
		cmocka_unit_test(test_action_scripts_take_no_expressions),
		cmocka_unit_test(test_pre_commit_hooks),
		cmocka_unit_test(test_man_page_sections),
		cmocka_unit_test(test_docs_follow_the_cli),
		cmocka_unit_test(test_bash_completes_values),
		cmocka_unit_test(test_bash_completes_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
