/*
 * parse_baseline.c - the yardstick of the fact collection benchmark: read
 * every file of a repository once and parse it bare with the parsers the
 * collectors use, building no facts.
 *
 *   parse_baseline DIR
 *
 * JSON goes through cJSON_Parse, YAML through libyaml's event loop (no
 * tree), TOML through cr_toml_parse, Dockerfiles through
 * cr_dockerfile_parse; every other file (go.mod, go.sum,
 * requirements.txt, pom.xml, README.md) is read line by line.  .git is
 * skipped.  bench/run times this against `crucible facts` and
 * bench/facts/collect, which do the same parsing and then build the fact
 * graph: the ratio is what the graph and the collectors add.  Prints the
 * number of files and of YAML documents, so that a broken walk shows.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "crucible/toml.h"
#include "facts/dockerfile_parse.h"

static cr_ctx *ctx;
static size_t files, yaml_documents, failures;

static char *read_all(const char *path, size_t size)
{
	char *buf = malloc(size + 1);
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return buf;
}

static bool yaml_events(const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool ok = true, end = false;

	if (!yaml_parser_initialize(&parser))
		return false;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!end) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ok = false;
			break;
		}
		yaml_documents += ev.type == YAML_DOCUMENT_START_EVENT;
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok;
}

static bool json(const char *buf, size_t len)
{
	cJSON *doc = cJSON_ParseWithLength(buf, len);

	cJSON_Delete(doc);
	return doc != NULL;
}

static bool toml(const char *buf, size_t len)
{
	cr_toml *doc = NULL;
	int rc = cr_toml_parse(&doc, ctx, buf, len, "bench");

	cr_toml_free(doc);
	return rc == CR_OK;
}

static bool dockerfile(const char *buf, size_t len)
{
	cr_dockerfile *df = NULL;
	int rc = cr_dockerfile_parse(&df, buf, len);

	cr_dockerfile_free(df);
	return rc == CR_OK;
}

/* The line scanners of go.mod and requirements.txt look at each line
 * once; this is that much work and no more. */
static bool lines(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		p = eol ? eol + 1 : end;
		n++;
	}
	return n > 0 || len == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int visit(const char *path, const struct stat *st, int type,
	struct FTW *ftw)
{
	const char *name = path + ftw->base;
	bool (*parse)(const char *, size_t) = lines;
	char *buf;

	if (type == FTW_D && strcmp(name, ".git") == 0)
		return FTW_SKIP_SUBTREE;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return FTW_CONTINUE;
	if (ends_with(name, ".json"))
		parse = json;
	else if (ends_with(name, ".yaml") || ends_with(name, ".yml"))
		parse = yaml_events;
	else if (ends_with(name, ".toml"))
		parse = toml;
	else if (strcmp(name, "Dockerfile") == 0)
		parse = dockerfile;
	if (!(buf = read_all(path, (size_t)st->st_size))) {
		perror(path);
		return FTW_STOP;
	}
	if (!parse(buf, (size_t)st->st_size)) {
		fprintf(stderr, "parse_baseline: %s does not parse\n", path);
		failures++;
	}
	files++;
	free(buf);
	return FTW_CONTINUE;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: parse_baseline DIR\n");
		return 2;
	}
	if (cr_ctx_new(&ctx) != CR_OK)
		return 3;
	rc = nftw(argv[1], visit, 64, FTW_PHYS | FTW_ACTIONRETVAL);
	cr_ctx_free(ctx);
	printf("files=%zu yaml_documents=%zu parse_failures=%zu\n", files,
		yaml_documents, failures);
	return rc == 0 && failures == 0 ? 0 : 3;
}
