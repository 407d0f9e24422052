/*
 * secrets_scan.c - throughput of the secret scanner on one thread.
 *
 *   secrets_scan [-m MB] [-r RULES.yml] DIR...
 *
 * Reads up to MB megabytes (default 100) of text files found under the
 * directories into memory (files with a NUL byte in their first 8000
 * bytes count as binary and are left out, as the collector does), then
 * times three passes over the same buffers: a memchr() pass counting
 * newlines (the cost of touching the bytes at all), the keyword
 * prefilter alone, and the full cr_secret_scan() with the built-in rules
 * (or RULES.yml).  Each pass is the best of three; output is MB/s and the
 * number of matches, one line per pass.
 *
 * Build against a release libcrucible, e.g.:
 *   gcc -O2 -D_GNU_SOURCE -Iinclude -I. bench/secrets_scan.c \
 *     build-release/libcrucible.a build-release/libcrucible_core.a \
 *     $(pkg-config --libs lua5.4 yaml-0.1 libcjson libgit2 libpcre2-8 \
 *     libsodium) -lm -lpthread -o /tmp/secrets_scan
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facts/secrets_internal.h"

#define BINARY_PROBE 8000
#define PASSES 3

struct file {
	char *path;
	char *data;
	size_t len;
};

static struct file *files;
static size_t nfiles, cap, total, budget;

static int add_file(const char *path, const struct stat *st, int type,
	struct FTW *ftw)
{
	FILE *f;
	char *data;

	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode) || st->st_size == 0)
		return 0;
	if (total >= budget)
		return 1;
	if (!(f = fopen(path, "rb")))
		return 0;
	data = malloc((size_t)st->st_size);
	if (data && fread(data, 1, (size_t)st->st_size, f) ==
	    (size_t)st->st_size && !memchr(data, 0, (size_t)st->st_size <
		    BINARY_PROBE ? (size_t)st->st_size : BINARY_PROBE)) {
		if (nfiles == cap) {
			cap = cap ? cap * 2 : 1024;
			files = realloc(files, cap * sizeof *files);
			if (!files)
				abort();
		}
		files[nfiles++] = (struct file){strdup(path), data,
			(size_t)st->st_size};
		total += (size_t)st->st_size;
		data = NULL;
	}
	free(data);
	fclose(f);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum pass { MEMCHR, PREFILTER, SCAN };

static size_t run_pass(enum pass p, cr_secret_scanner *s,
	const cr_secret_rules *r, uint64_t *hits)
{
	size_t found = 0;

	for (size_t i = 0; i < nfiles; i++) {
		const char *d = files[i].data, *end = d + files[i].len;
		const cr_secret_match *m;
		size_t n;

		switch (p) {
		case MEMCHR:
			while ((d = memchr(d, '\n', (size_t)(end - d)))) {
				d++;
				found++;
			}
			break;
		case PREFILTER:
			cr_aho_scan(hits, r->prefilter, d, files[i].len);
			found += hits[0] != 0;
			break;
		case SCAN:
			cr_secret_scan(&m, &n, s, files[i].path, d,
				files[i].len);
			found += n;
			break;
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	static const char *const names[] = {"memchr", "prefilter", "scan"};
	const char *rules_file = NULL;
	cr_secret_scanner *s;
	cr_secret_rules *r;
	uint64_t *hits;
	cr_ctx *ctx;
	int opt;

	budget = 100;
	while ((opt = getopt(argc, argv, "m:r:")) != -1)
		if (opt == 'm')
			budget = (size_t)atol(optarg);
		else if (opt == 'r')
			rules_file = optarg;
	budget <<= 20;
	for (int i = optind; i < argc; i++)
		nftw(argv[i], add_file, 64, FTW_PHYS);
	if (cr_ctx_new(&ctx) != CR_OK)
		return 3;
	if (rules_file) {
		FILE *f = fopen(rules_file, "rb");
		static char text[1 << 22];
		size_t len = f ? fread(text, 1, sizeof text, f) : 0;

		if (!f || cr_secret_rules_load(&r, ctx, NULL, rules_file, text,
			    len) != CR_OK) {
			fprintf(stderr, "%s: %s\n", rules_file,
				cr_ctx_error(ctx));
			return 2;
		}
		fclose(f);
	} else if (cr_secret_rules_builtin(&r, ctx) != CR_OK) {
		fprintf(stderr, "%s\n", cr_ctx_error(ctx));
		return 3;
	}
	if (cr_secret_scanner_new(&s, ctx, r) != CR_OK ||
	    !(hits = calloc(cr_aho_words(r->prefilter), sizeof *hits)))
		return 3;
	printf("%zu files, %.1f MB, %zu rules\n", nfiles, total / 1048576.0,
		cr_secret_rules_count(r));
	for (enum pass p = MEMCHR; p <= SCAN; p++) {
		double best = 1e9;
		size_t found = 0;

		for (int k = 0; k < PASSES; k++) {
			double t0 = now();

			found = run_pass(p, s, r, hits);
			if (now() - t0 < best)
				best = now() - t0;
		}
		printf("%-9s %8.1f MB/s  %zu\n", names[p],
			total / 1048576.0 / best, found);
	}
	return 0;
}
