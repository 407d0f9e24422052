/*
 * fuzz_gitignore.c - libFuzzer harness for the gitignore rules
 * (facts/gitignore.c): arbitrary bytes as a .gitignore file's content,
 * then paths matched against them.
 *
 * Patterns come from the scanned repository and are matched against
 * every untracked path, so neither parsing nor matching may read out of
 * bounds, recurse without limit or take long.  The rules are read twice,
 * as the root's .gitignore and, folding case, as the one of "dir/"
 * chained below it, the way the walk chains directories.  The paths are
 * a few fixed ones and the input's own first lines, which lets the
 * fuzzer steer a pattern and a path that nearly match.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/gitignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_PATHS 4
#define PATH_LEN 256

static const char *const fixed_paths[] = {
	"dir/a", "dir/build", "dir/build/x.o", "dir/sub/deep/file.c",
	"dir/.env", "dir/README.md", "dir/x/y/z/trace.log", "dir/Foo.TXT",
	"dir/[abc]", "dir/#hash", "dir/!bang", "dir/sp ace ",
	"dir/a/b/a/b/a/b/a/b/a/b/a/b/a/b/a/b/c",
};

/* The rules, owned by *owned, or NULL when out of memory. */
static const struct cr_ignore *rules_from(struct cr_ignore **owned,
	const struct cr_ignore *parent, const char *base, const uint8_t *data,
	size_t size, bool fold)
{
	char *text = malloc(size + 1);

	if (!text)
		return NULL;
	memcpy(text, data, size);
	if (cr_ignore_parse(owned, parent, base, text, size, fold) != CR_OK)
		return NULL;
	return *owned;
}

static void match_everywhere(const struct cr_ignore *rules, const char *path)
{
	cr_ignore_match(rules, path, false);
	cr_ignore_match(rules, path, true);
}

/* "dir/" and the i-th line of the input, cut to PATH_LEN bytes. */
static bool input_path(char *out, const uint8_t *data, size_t size,
	size_t line)
{
	const uint8_t *p = data, *end = data + size, *nl;
	size_t len;

	for (; line > 0 && p < end; line--) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			return false;
		p = nl + 1;
	}
	if (p >= end)
		return false;
	nl = memchr(p, '\n', (size_t)(end - p));
	len = (size_t)((nl ? nl : end) - p);
	if (len > PATH_LEN || memchr(p, '\0', len))
		return false;
	memcpy(out, "dir/", 4);
	memcpy(out + 4, p, len);
	out[4 + len] = '\0';
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_ignore *owned = NULL;
	const struct cr_ignore *root, *dir;
	char path[4 + PATH_LEN + 1];

	if (!(root = rules_from(&owned, NULL, "", data, size, false)) ||
	    !(dir = rules_from(&owned, root, "dir/", data, size, true)))
		goto done;
	for (size_t i = 0; i < sizeof fixed_paths / sizeof *fixed_paths; i++)
		match_everywhere(dir, fixed_paths[i]);
	for (size_t i = 0; i < INPUT_PATHS; i++) {
		if (input_path(path, data, size, i))
			match_everywhere(dir, path);
	}
done:
	cr_ignore_free(owned);
	return 0;
}
