/*
 * collect.c - the secrets collector alone, in process: what the secrets
 * benchmark (bench/run, section 3) times against `git ls-files | xargs
 * cat` and `git log --all -p`.  `crucible facts` runs every collector;
 * this runs the file inventory and git facts (which always run) plus
 * only the secrets collector, as `crucible eval --only secrets` does.
 *
 *   collect [-H] [-n] [-c DIR] [-C] [-s SINCE] PATH
 *
 *   -H        the history too (CR_FACTS_HISTORY)
 *   -n        no cache (--no-cache)
 *   -c DIR    the cache lives under DIR (XDG_CACHE_HOME)
 *   -C        empty DIR/crucible/secrets first: a cold-cache run
 *   -s SINCE  history bound, as --since
 *
 * Prints the secrets_scan node's counters and the number of secrets, so
 * that a run can be checked as well as timed.  Exit status 0, or 3 on an
 * error.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crucible/facts.h"

static const char *const counters[] = {
	"files_scanned", "files_cached", "bytes_scanned", "skipped_binary",
	"skipped_large", "commits", "blobs_scanned", "blobs_cached",
	"blobs_binary", "blobs_large",
};

/* Remove the cache files under dir/crucible/secrets. */
static void empty_cache(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof path, "%s/crucible/secrets", dir);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static void print_counts(const cr_graph *g)
{
	size_t n, secrets;
	const cr_node_id *scan = cr_graph_nodes(g, "secrets_scan", &n);

	cr_graph_nodes(g, "secret", &secrets);
	printf("secrets=%zu", secrets);
	for (size_t i = 0; n && i < sizeof counters / sizeof *counters; i++)
		printf(" %s=%lld", counters[i],
			(long long)cr_node_int(g, scan[0], counters[i], -1));
	putchar('\n');
}

int main(int argc, char **argv)
{
	cr_facts_options o;
	const char *cache_dir = NULL;
	bool cold = false;
	cr_graph *g = NULL;
	cr_ctx *ctx = NULL;
	int opt, rc;

	cr_facts_options_default(&o);
	o.collectors = CR_FACTS_SECRETS;
	while ((opt = getopt(argc, argv, "HnCc:s:")) != -1) {
		switch (opt) {
		case 'H':
			o.collectors |= CR_FACTS_HISTORY;
			break;
		case 'n':
			o.cache = false;
			break;
		case 'c':
			cache_dir = optarg;
			break;
		case 'C':
			cold = true;
			break;
		case 's':
			o.since = optarg;
			break;
		default:
			fprintf(stderr, "usage: collect [-H] [-n] [-c DIR] [-C] "
				"[-s SINCE] PATH\n");
			return 2;
		}
	}
	if (optind + 1 != argc)
		return 2;
	if (cache_dir && setenv("XDG_CACHE_HOME", cache_dir, 1) != 0)
		return 3;
	if (cache_dir && cold)
		empty_cache(cache_dir);
	if (cr_ctx_new(&ctx) != CR_OK)
		return 3;
	rc = cr_facts_collect_with(&g, ctx, argv[optind], &o);
	if (rc == CR_OK)
		print_counts(g);
	else
		fprintf(stderr, "collect: %s\n", cr_ctx_error(ctx));
	cr_graph_free(g);
	cr_ctx_free(ctx);
	return rc == CR_OK ? 0 : 3;
}
