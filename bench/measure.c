/*
 * measure.c - run commands alternately, several times each, and report
 * the median wall time and the peak RSS of each, plus their ratio to the
 * first (the baseline).  Alternating keeps a noisy shared machine from
 * favouring whichever command happened to run during a quiet spell.
 *
 *   measure RUNS CWD -- CMD1 ARGS... -- CMD2 ARGS... [-- ...]
 *
 * Output, one line per command:
 *   <label> median_ms=<m> min_ms=<a> max_ms=<b> peak_rss_mb=<r> ratio=<m/m0>
 * The commands' own output goes to /dev/null.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_RUNS 101

struct cmd {
	char **argv;
	double ms[MAX_RUNS];
	double cpu[MAX_RUNS]; /* user + system time of the child */
	long peak_kb;
};

static double run_once(struct cmd *c, const char *cwd, double *cpu)
{
	struct timespec a, b;
	struct rusage ru;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (chdir(cwd) != 0)
			_exit(126);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	wait4(pid, &status, 0, &ru);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		fprintf(stderr, "measure: %s failed (status %d)\n", c->argv[0], status);
		exit(1);
	}
	*cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	if (ru.ru_maxrss > c->peak_kb)
		c->peak_kb = ru.ru_maxrss;
	return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	int runs, ncmds = 0;
	double base = 0, cpu_base = 0;

	if (argc < 5 || strcmp(argv[3], "--") != 0) {
		fprintf(stderr, "usage: measure RUNS CWD -- CMD... [-- CMD...]\n");
		return 2;
	}
	runs = atoi(argv[1]);
	if (runs < 1 || runs > MAX_RUNS)
		return 2;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--") != 0)
			continue;
		if (ncmds == MAX_CMDS)
			return 2;
		argv[i] = NULL;
		memset(&cmds[ncmds], 0, sizeof cmds[ncmds]);
		cmds[ncmds++].argv = &argv[i + 1];
	}
	for (int c = 0; c < ncmds; c++)
		run_once(&cmds[c], argv[2], &cmds[c].cpu[0]); /* warm the page cache */
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < ncmds; c++)
			cmds[c].ms[r] = run_once(&cmds[c], argv[2], &cmds[c].cpu[r]);
	for (int c = 0; c < ncmds; c++) {
		double median, cpu;

		qsort(cmds[c].ms, runs, sizeof(double), by_value);
		qsort(cmds[c].cpu, runs, sizeof(double), by_value);
		median = runs % 2 ? cmds[c].ms[runs / 2]
				  : (cmds[c].ms[runs / 2 - 1] + cmds[c].ms[runs / 2]) / 2;
		cpu = runs % 2 ? cmds[c].cpu[runs / 2]
			       : (cmds[c].cpu[runs / 2 - 1] + cmds[c].cpu[runs / 2]) / 2;
		if (c == 0) {
			base = median;
			cpu_base = cpu;
		}
		char label[64] = "";
		for (char **a = cmds[c].argv; *a; a++) {
			const char *base_name = strrchr(*a, '/');
			size_t used = strlen(label);
			snprintf(label + used, sizeof label - used, "%s%s",
				used ? " " : "", base_name && a == cmds[c].argv
							? base_name + 1 : *a);
		}
		printf("[%s] median_ms=%.1f min_ms=%.1f max_ms=%.1f peak_rss_mb=%.1f "
		       "ratio=%.2f cpu_ms=%.1f cpu_ratio=%.2f\n", label, median,
		       cmds[c].ms[0], cmds[c].ms[runs - 1], cmds[c].peak_kb / 1024.0,
		       base > 0 ? median / base : 0, cpu,
		       cpu_base > 0 ? cpu / cpu_base : 0);
	}
	return 0;
}
