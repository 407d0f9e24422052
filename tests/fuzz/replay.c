/*
 * replay.c - run a libFuzzer harness (tests/fuzz/fuzz_*.c) over files
 * without libFuzzer: every file of each directory named on the command
 * line (or each file named), once.
 *
 * Linked with one harness, it makes the seed corpus and the regression
 * inputs a plain test that any compiler builds, so the suite replays them
 * in the normal and the sanitizer builds, where the fuzzer itself (clang
 * only) is not run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Run the harness on the file at `path`; returns 0 or an errno value. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	struct stat st;
	size_t len = 0;
	int err = 0;

	if (!f)
		return errno;
	if (fstat(fileno(f), &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	/* An exact-size copy, as libFuzzer gives: reading past it is caught
	 * by AddressSanitizer. */
	else if (!(data = malloc((len = (size_t)st.st_size) ? len : 1)))
		err = ENOMEM;
	else if (fread(data, 1, len, f) != len)
		err = EIO;
	else
		LLVMFuzzerTestOneInput(data, len);
	free(data);
	fclose(f);
	return err;
}

/* Replay every file of `dir` but dot files; returns how many, or -1
 * after saying what failed. */
static long replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	long n = 0;
	int err = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((err = replay_file(path)) != 0)
			fprintf(stderr, "replay: %s: %s\n", path, strerror(err));
		n++;
	}
	closedir(d);
	return err ? -1 : n;
}

int main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;
		int err;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			n = replay_dir(argv[i]);
		} else if ((err = replay_file(argv[i])) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(err));
			n = -1;
		} else {
			n = 1;
		}
		if (n < 0)
			return 1;
		total += n;
	}
	/* An empty corpus would make this test pass without testing. */
	if (total == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	printf("replayed %ld inputs\n", total);
	return 0;
}
