/*
 * dockerfile_parse.h - the Dockerfile parser and the shell analysis of
 * RUN instructions (private to facts/).
 *
 * cr_dockerfile_parse() turns a Dockerfile into a list of instructions
 * the way BuildKit reads it: parser directives, the escape character,
 * line continuations (with comments and empty lines inside them),
 * heredocs, flags and the JSON exec form.  It never fails on content:
 * what BuildKit would reject is listed in `errors` and parsing goes on,
 * so that a half-broken Dockerfile still yields its facts.
 *
 * cr_run_analyze() (dockerfile_run.c) reads a shell script (a RUN's
 * text or heredoc) as simple commands and reports what readiness checks
 * ask about: package installs and their pinning, cache cleanup, curl
 * piped to a shell, sudo.
 *
 * docker.c turns both into graph nodes; compose.c shares the image
 * reference split and the secret-name test.  The collectors' entry points
 * from a buffer are declared at the end for the fuzz harnesses.
 */
#ifndef CRUCIBLE_FACTS_DOCKERFILE_PARSE_H
#define CRUCIBLE_FACTS_DOCKERFILE_PARSE_H

#include "facts/collector.h"

/* A growable list of owned strings. */
typedef struct cr_strv {
	char **v;
	size_t n, cap;
} cr_strv;

/* Append a copy of s[0..len) (s NULL: a NULL entry); CR_ENOMEM on
 * failure. */
int cr_strv_pushn(cr_strv *sv, const char *s, size_t len);
int cr_strv_push(cr_strv *sv, const char *s); /* s not NULL */
void cr_strv_release(cr_strv *sv);
/* v[0..n) joined by single spaces, or NULL when out of memory; the
 * caller frees it. */
char *cr_words_join(const char *const *v, size_t n);

/* --- the parser ----------------------------------------------------------- */

typedef struct cr_df_flag {
	const char *name;       /* without the leading "--" */
	const char *value;      /* NULL for a bare --name */
} cr_df_flag;

typedef struct cr_df_heredoc {
	const char *delimiter;
	const char *body;       /* the lines up to the delimiter line */
} cr_df_heredoc;

typedef struct cr_df_instr {
	const char *keyword;    /* upper case as written */
	const char *args;       /* after the keyword, continuations joined */
	const char *rest;       /* args after the leading --flags */
	uint32_t line;
	const cr_df_flag *flags;
	size_t nflags;
	const cr_df_heredoc *heredocs;
	size_t nheredocs;
	bool exec_form;         /* rest is a JSON array of strings: argv */
	const char *const *argv;
	size_t argc;
} cr_df_instr;

typedef struct cr_df_error {
	uint32_t line;
	const char *message;
} cr_df_error;

typedef struct cr_df_arena cr_df_arena;

/* Every string and array belongs to the cr_dockerfile. */
typedef struct cr_dockerfile {
	char escape;            /* '\\' or '`' */
	const char *syntax;     /* parser directives, NULL when absent */
	const char *escape_directive;
	const char *check;
	cr_df_instr *instrs;
	size_t count;
	cr_df_error *errors;
	size_t nerrors;
	cr_df_arena *arena;
} cr_dockerfile;

/* Parse buf[0..len) (need not be NUL-terminated).  Returns CR_OK or
 * CR_ENOMEM; the caller frees *out with cr_dockerfile_free(). */
int cr_dockerfile_parse(cr_dockerfile **out, const char *buf, size_t len);
void cr_dockerfile_free(cr_dockerfile *df);

/* Is `word` an instruction keyword (any case)? */
bool cr_df_keyword(const char *word, size_t len);

/* Split instruction arguments into words the way BuildKit does: blanks
 * separate, quotes group and are removed, `escape` escapes. */
int cr_df_words(cr_strv *out, const char *s, char escape);

/* Expand $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:+alt}
 * in s with the build arguments names[i] = values[i] (values[i] NULL: an
 * ARG without default).  *unresolved tells whether a variable had no
 * value.  The caller frees *out. */
int cr_df_expand(char **out, bool *unresolved, const char *s,
	const cr_strv *names, const cr_strv *values);

/* --- RUN scripts ------------------------------------------------------------ */

/* The package managers cr_run_analyze() knows, by index in bit masks. */
enum {
	CR_PKG_APT, CR_PKG_APK, CR_PKG_YUM, CR_PKG_DNF, CR_PKG_ZYPPER,
	CR_PKG_PIP, CR_PKG_NPM, CR_PKG_YARN, CR_PKG_PNPM, CR_PKG_GEM,
	CR_PKG_GO, CR_PKG_COUNT
};
const char *cr_pkg_name(unsigned manager);

typedef struct cr_run_facts {
	cr_strv commands;       /* each simple command, words joined by ' ' */
	cr_strv programs;       /* distinct command names, first use order */
	cr_strv packages;       /* "manager:spec" of every named install */
	cr_strv unpinned;       /* the subset without a version */
	cr_strv unattended;     /* managers whose install would prompt: no -y */
	unsigned installed;     /* bit per manager that installed something */
	unsigned cleaned;       /* bit per manager whose cache was cleaned */
	bool curl_pipe_shell;   /* curl/wget output run by a shell */
	bool sudo;
	bool cd;
	bool pipes;             /* a pipeline `a | b` */
	unsigned apt_installs;  /* apt-get install commands ... */
	unsigned apt_installs_lean; /* ... of which --no-install-recommends */
} cr_run_facts;

/* Analyse script[0..len) and add what it does to *out, which the caller
 * zeroes before the first script of a RUN.  Returns CR_OK or CR_ENOMEM;
 * release *out with cr_run_facts_release() in both cases. */
int cr_run_analyze(cr_run_facts *out, const char *script, size_t len);
void cr_run_facts_release(cr_run_facts *r);

/* Is prog (a basename) a POSIX-like shell: sh, bash, dash, ...? */
bool cr_run_shell(const char *prog);

/* --- shared by docker.c and compose.c ---------------------------------------- */

/* An image reference "[registry/]repository[:tag][@digest]" split into
 * spans of `image`; an empty registry means Docker Hub. */
typedef struct cr_span {
	const char *ptr;
	size_t len;
} cr_span;

typedef struct cr_image_ref {
	cr_span registry, repository, tag, digest;
} cr_image_ref;

void cr_image_ref_split(cr_image_ref *out, const char *image);

/* Set image, registry, repository, tag, digest, pinned and latest on n
 * (see docs/facts/docker.md for the normal form). */
int cr_docker_set_image(cr_collect *c, cr_node_id n, const char *image);

/* Does NAME=value look like a secret: a credential-like name with a
 * literal (non-empty, not a $reference) value, or a value of a known
 * token format? */
bool cr_docker_secret_like(const char *name, const char *value);

/* The collectors on one file's contents (buf NUL-terminated at len); `f`
 * may be NULL (fuzzing).  Errors: CR_ENOMEM and graph errors only. */
int cr_dockerfile_collect_buffer(cr_collect *c, const cr_source_file *f,
	const char *path, const char *buf, size_t len);
int cr_compose_collect_buffer(cr_collect *c, const cr_source_file *f,
	const char *path, const char *buf, size_t len);

/* Is `name` a compose file name (compose.yaml, docker-compose.prod.yml)? */
bool cr_compose_file_name(const char *name);

#endif
