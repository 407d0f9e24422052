/*
 * secrets_files.c - paths that hold credentials whatever their content
 * looks like to the secret rules: private keys, keystores, env files,
 * cluster and cloud state, registry and login credentials.  The secrets
 * collector asks about every file of the working tree and every path
 * that ever held a blob in the history.
 *
 * The table below is the whole policy (docs/secrets.md repeats it):
 *
 *   pattern                                     category
 *   .env, .env.* (not .example/.sample/...)     env_file
 *   *.pem (not certificates only), *.key,       private_key
 *   *.ppk, id_rsa, id_dsa, id_ecdsa, id_ed25519
 *   *.p12, *.pfx, *.jks, *.keystore             keystore
 *   kubeconfig, *.kubeconfig, .kube/config      kubeconfig
 *   *.tfstate, *.tfstate.backup                 terraform_state
 *   .aws/credentials, service-account *.json    cloud_credentials
 *   .netrc, _netrc, .git-credentials,           credentials_file
 *   .htpasswd, .pgpass
 *   .npmrc with _authToken/_auth/_password      npmrc
 *   .pypirc with a password                     pypirc
 *   docker config.json with an "auth"           docker_config
 *   anything else under secrets/ or             secrets_dir
 *   credentials/ (not code, docs, placeholders)
 *
 * Some entries only count when the content holds a credential (a value,
 * not a ${VARIABLE} reference): those come with a content check, which
 * the scan runs while the file is in memory anyway.
 */
#include "facts/secrets_facts.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum match { BY_NAME, BY_EXT, BY_NAME_PREFIX, BY_PATH_SUFFIX };

static const struct sensitive_entry {
	enum match how;
	const char *pattern;
	const char *category;
	unsigned check;
} table[] = {
	{ BY_NAME, ".env", "env_file", 0 },
	{ BY_NAME_PREFIX, ".env.", "env_file", 0 },
	{ BY_EXT, "pem", "private_key", CR_SCHECK_PEM },
	{ BY_EXT, "key", "private_key", 0 },
	{ BY_EXT, "ppk", "private_key", 0 },
	{ BY_NAME, "id_rsa", "private_key", 0 },
	{ BY_NAME, "id_dsa", "private_key", 0 },
	{ BY_NAME, "id_ecdsa", "private_key", 0 },
	{ BY_NAME, "id_ed25519", "private_key", 0 },
	{ BY_EXT, "p12", "keystore", 0 },
	{ BY_EXT, "pfx", "keystore", 0 },
	{ BY_EXT, "jks", "keystore", 0 },
	{ BY_EXT, "keystore", "keystore", 0 },
	{ BY_NAME, "kubeconfig", "kubeconfig", 0 },
	{ BY_EXT, "kubeconfig", "kubeconfig", 0 },
	{ BY_PATH_SUFFIX, ".kube/config", "kubeconfig", 0 },
	{ BY_EXT, "tfstate", "terraform_state", 0 },
	{ BY_PATH_SUFFIX, ".tfstate.backup", "terraform_state", 0 },
	{ BY_PATH_SUFFIX, ".aws/credentials", "cloud_credentials", 0 },
	{ BY_EXT, "json", "cloud_credentials", CR_SCHECK_GCLOUD },
	{ BY_NAME, ".netrc", "credentials_file", CR_SCHECK_NETRC },
	{ BY_NAME, "_netrc", "credentials_file", CR_SCHECK_NETRC },
	{ BY_NAME, ".git-credentials", "credentials_file", 0 },
	{ BY_NAME, ".htpasswd", "credentials_file", 0 },
	{ BY_NAME, ".pgpass", "credentials_file", 0 },
	{ BY_NAME, ".npmrc", "npmrc", CR_SCHECK_NPMRC },
	{ BY_NAME, ".pypirc", "pypirc", CR_SCHECK_PYPIRC },
};

/* config.json counts as docker's only in a docker directory. */
static const char *const docker_config_paths[] = {
	".docker/config.json", "docker/config.json",
};

/* Templates and documentation of env files. */
static const char *const env_template_suffixes[] = {
	".example", ".sample", ".template", ".dist", ".defaults", ".tpl",
};

/* Inside a secrets/ directory, what handles secrets without being one. */
static const char *const not_secret_exts[] = {
	"bash", "c", "cc", "cpp", "cs", "css", "go", "h", "hpp", "html",
	"java", "js", "jsx", "kt", "lua", "md", "mjs", "php", "pl", "ps1",
	"py", "rb", "rs", "rst", "scala", "sh", "swift", "ts", "tsx", "vue", "zsh",
};

static const char *const placeholder_names[] = {
	".gitkeep", ".keep", ".gitignore", "README", "README.md",
};

static const char *const secret_dirs[] = { "secrets/", "credentials/" };

#define COUNT(a) (sizeof(a) / sizeof *(a))

static bool listed(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* A path suffix that starts at a component boundary. */
static bool path_ends_with(const char *path, const char *suffix)
{
	size_t len = strlen(path), n = strlen(suffix);

	return ends_with(path, len, suffix) &&
	       (len == n || path[len - n - 1] == '/' || suffix[0] == '.');
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool is_env_template(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < COUNT(env_template_suffixes); i++)
		if (ends_with(name, len, env_template_suffixes[i]))
			return true;
	return false;
}

static bool entry_matches(const struct sensitive_entry *e, const char *path,
	const char *name, const char *ext)
{
	switch (e->how) {
	case BY_NAME:
		return strcmp(name, e->pattern) == 0;
	case BY_EXT:
		return ext && strcasecmp(ext, e->pattern) == 0;
	case BY_NAME_PREFIX:
		return strncmp(name, e->pattern, strlen(e->pattern)) == 0;
	case BY_PATH_SUFFIX:
		return path_ends_with(path, e->pattern);
	}
	return false;
}

static bool is_code_or_placeholder(const char *name, const char *ext)
{
	return listed(placeholder_names, COUNT(placeholder_names), name) ||
	       (ext && listed(not_secret_exts, COUNT(not_secret_exts), ext));
}

cr_sensitive cr_sensitive_of_path(const char *path)
{
	const char *name = basename_of(path);
	const char *dot = strrchr(name, '.');
	const char *ext = dot && dot != name ? dot + 1 : NULL;
	bool in_secrets_dir = cr_sensitive_dir_of(NULL, 0, path) &&
		!is_code_or_placeholder(name, ext);

	if (is_env_template(name) || (ext && strcmp(ext, "pub") == 0))
		return (cr_sensitive){ NULL, 0 };
	for (size_t i = 0; i < COUNT(docker_config_paths); i++)
		if (path_ends_with(path, docker_config_paths[i]))
			return (cr_sensitive){ "docker_config", CR_SCHECK_DOCKER };
	for (size_t i = 0; i < COUNT(table); i++) {
		if (!entry_matches(&table[i], path, name, ext))
			continue;
		/* In a secrets directory the content need not prove it. */
		if (!table[i].check || !in_secrets_dir)
			return (cr_sensitive){ table[i].category,
				table[i].check };
		break;
	}
	if (in_secrets_dir)
		return (cr_sensitive){ "secrets_dir", 0 };
	return (cr_sensitive){ NULL, 0 };
}

bool cr_sensitive_dir_of(char *out, size_t size, const char *path)
{
	const char *best = NULL, *best_dir = NULL;

	for (size_t i = 0; i < COUNT(secret_dirs); i++) {
		for (const char *p = path; (p = strstr(p, secret_dirs[i]));
		     p++) {
			if (p != path && p[-1] != '/')
				continue;
			if (!best || p < best) {
				best = p;
				best_dir = secret_dirs[i];
			}
			break;
		}
	}
	if (!best)
		return false;
	if (size)
		snprintf(out, size, "%.*s", (int)(best - path +
			(ptrdiff_t)strlen(best_dir)), path);
	return true;
}

/* --- content checks ------------------------------------------------------ */

static const char *find(const char *buf, size_t len, const char *needle)
{
	return memmem(buf, len, needle, strlen(needle));
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* A literal value starts at p: not empty, not a ${VAR} or $VAR. */
static bool literal_at(const char *p, const char *end)
{
	return p < end && !isspace((unsigned char)*p) && *p != '$' &&
	       *p != '"' && *p != '\'';
}

/* Some occurrence of `key`, then blanks, one of `seps` (with no seps:
 * at least one blank), blanks, and a literal value (quoted when
 * `quoted`). */
static bool assigned(const char *buf, size_t len, const char *key,
	const char *seps, bool quoted)
{
	const char *end = buf + len, *p = buf;

	while ((p = find(p, (size_t)(end - p), key))) {
		const char *after = p + strlen(key);
		const char *v = skip_blanks(after, end);

		p++;
		if (!*seps) {
			if (v == after)
				continue;
		} else if (v >= end || !memchr(seps, *v, strlen(seps))) {
			continue;
		} else {
			v = skip_blanks(v + 1, end);
		}
		if (quoted) {
			if (v + 1 < end && *v == '"' && literal_at(v + 1, end))
				return true;
		} else if (literal_at(v, end)) {
			return true;
		}
	}
	return false;
}

static bool npmrc_has_token(const char *buf, size_t len)
{
	return assigned(buf, len, "_authToken", "=", false) ||
	       assigned(buf, len, "_auth", "=", false) ||
	       assigned(buf, len, "_password", "=", false);
}

static bool gcloud_key(const char *buf, size_t len)
{
	return assigned(buf, len, "\"type\"", ":", true) &&
	       find(buf, len, "\"service_account\"") &&
	       assigned(buf, len, "\"private_key\"", ":", true);
}

static bool pem_private(const char *buf, size_t len)
{
	return find(buf, len, "PRIVATE KEY") ||
	       !find(buf, len, "BEGIN CERTIFICATE");
}

unsigned cr_sensitive_check(unsigned checks, const char *buf, size_t len)
{
	unsigned hits = 0;

	if ((checks & CR_SCHECK_NPMRC) && npmrc_has_token(buf, len))
		hits |= CR_SCHECK_NPMRC;
	if ((checks & CR_SCHECK_PYPIRC) &&
	    (assigned(buf, len, "password", "=:", false)))
		hits |= CR_SCHECK_PYPIRC;
	if ((checks & CR_SCHECK_DOCKER) &&
	    (assigned(buf, len, "\"auth\"", ":", true) ||
	     assigned(buf, len, "\"identitytoken\"", ":", true)))
		hits |= CR_SCHECK_DOCKER;
	if ((checks & CR_SCHECK_NETRC) &&
	    assigned(buf, len, "password", "", false))
		hits |= CR_SCHECK_NETRC;
	if ((checks & CR_SCHECK_GCLOUD) && gcloud_key(buf, len))
		hits |= CR_SCHECK_GCLOUD;
	if ((checks & CR_SCHECK_PEM) && pem_private(buf, len))
		hits |= CR_SCHECK_PEM;
	return hits;
}
