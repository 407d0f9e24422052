/*
 * gen_repo.c - write the repository the fact collection benchmark runs
 * on: 500 services, each with four manifest files (2,000 in all: npm
 * package.json with a package-lock.json v3 of a few hundred packages,
 * go.mod and go.sum, pyproject.toml, requirements.txt, Cargo.toml,
 * pom.xml, composer.json), two Kubernetes files of five documents each
 * (5,000 documents: Deployment, Service, HorizontalPodAutoscaler,
 * ConfigMap, PodDisruptionBudget), a multi-stage Dockerfile, and a GitHub
 * workflow with several jobs and steps (500 of each).
 *
 *   gen_repo DIR [SEED]
 *
 * The output depends only on SEED (default 1): a fixed xorshift generator
 * picks names, versions and sizes, so every run measures the same files.
 * DIR must not exist; it is not made a git repository here (bench/run
 * does that).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SERVICES 500
#define PACKAGE_POOL 1500

static uint64_t rng_state;

static uint32_t rnd(uint32_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % bound);
}

static void die(const char *what)
{
	fprintf(stderr, "gen_repo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void make_dirs(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			die(buf);
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		die(buf);
}

static FILE *create(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static FILE *create(const char *fmt, ...)
{
	char path[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if (!(f = fopen(path, "w")))
		die(path);
	return f;
}

static void finish(FILE *f)
{
	if (ferror(f) || fclose(f) != 0)
		die("write");
}

/* Package names: a few well-known ones (code signals look for them),
 * then generated ones. */
static const char *const known_npm[] = {
	"express", "winston", "pino", "prom-client", "@opentelemetry/api",
	"helmet", "cors", "dotenv", "axios", "lodash", "jest", "eslint",
	"typescript", "mocha", "supertest", "zod",
};
#define NKNOWN (sizeof known_npm / sizeof *known_npm)

static const char *pkg_name(uint32_t i)
{
	static char buf[8][48];
	static unsigned slot;
	char *b = buf[slot++ % 8];

	if (i < NKNOWN)
		return known_npm[i];
	snprintf(b, 48, "%s-%s%u", (const char *[]){"fast", "tiny", "node",
		"util", "core", "micro"}[i % 6], (const char *[]){"json", "parse",
		"stream", "glob", "cache", "hash", "log"}[i % 7], i);
	return b;
}

/* Names for the ecosystems other than npm, whose syntax has no room for
 * npm's scopes. */
static const char *other_name(void)
{
	return pkg_name(NKNOWN + rnd(PACKAGE_POOL - NKNOWN));
}

static void version(char *out, size_t size)
{
	snprintf(out, size, "%u.%u.%u", rnd(12), rnd(30), rnd(20));
}

static void hex(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = "0123456789abcdef"[rnd(16)];
	out[n] = '\0';
}

/* --- npm ----------------------------------------------------------------- */

static void gen_npm(const char *dir, unsigned svc)
{
	uint32_t direct[24], dev[8];
	size_t ndirect = 8 + rnd(16), ndev = 3 + rnd(5);
	size_t npkgs = 150 + rnd(300);
	FILE *f;

	for (size_t i = 0; i < ndirect; i++)
		direct[i] = i < 4 ? (uint32_t)i : (uint32_t)(16 + svc * 7 + i * 31) % PACKAGE_POOL;
	for (size_t i = 0; i < ndev; i++)
		dev[i] = 10 + (uint32_t)i % 6;
	f = create("%s/package.json", dir);
	fprintf(f, "{\n  \"name\": \"svc-%u\",\n  \"version\": \"1.%u.0\",\n"
		"  \"private\": true,\n  \"scripts\": {\n"
		"    \"build\": \"tsc -p .\",\n    \"test\": \"jest --ci\",\n"
		"    \"lint\": \"eslint .\",\n    \"start\": \"node dist/index.js\"\n"
		"  },\n  \"engines\": {\"node\": \">=20\"},\n", svc, svc % 10);
	fprintf(f, "  \"dependencies\": {\n");
	for (size_t i = 0; i < ndirect; i++)
		fprintf(f, "    \"%s\": \"^%u.%u.0\",\n", pkg_name(direct[i]),
			direct[i] % 9, direct[i] % 13);
	fprintf(f, "    \"left-pad\": \"1.3.0\"\n  },\n  \"devDependencies\": {\n");
	for (size_t i = 0; i < ndev; i++)
		fprintf(f, "    \"%s\": \"^%zu.0.0\"%s\n", pkg_name(dev[i]), i + 1,
			i + 1 < ndev ? "," : "");
	fprintf(f, "  }\n}\n");
	finish(f);

	f = create("%s/package-lock.json", dir);
	fprintf(f, "{\n  \"name\": \"svc-%u\",\n  \"version\": \"1.%u.0\",\n"
		"  \"lockfileVersion\": 3,\n  \"requires\": true,\n"
		"  \"packages\": {\n    \"\": {\n      \"name\": \"svc-%u\",\n"
		"      \"version\": \"1.%u.0\",\n      \"dependencies\": {\n",
		svc, svc % 10, svc, svc % 10);
	for (size_t i = 0; i < ndirect; i++)
		fprintf(f, "        \"%s\": \"^%u.%u.0\",\n", pkg_name(direct[i]),
			direct[i] % 9, direct[i] % 13);
	fprintf(f, "        \"left-pad\": \"1.3.0\"\n      }\n    },\n");
	for (size_t i = 0; i < npkgs; i++) {
		uint32_t id = i < ndirect ? direct[i] :
			(uint32_t)(16 + svc * 13 + i * 17) % PACKAGE_POOL;
		const char *name = pkg_name(id);
		char v[32], integrity[89];

		version(v, sizeof v);
		hex(integrity, 88);
		fprintf(f, "    \"node_modules/%s%s\": {\n"
			"      \"version\": \"%s\",\n"
			"      \"resolved\": \"https://registry.npmjs.org/%s/-/%s-%s.tgz\",\n"
			"      \"integrity\": \"sha512-%s\",\n",
			i >= ndirect && rnd(8) == 0 ? "node_modules/nested/node_modules/" : "",
			name, v, name, name, v, integrity);
		if (rnd(3) == 0)
			fprintf(f, "      \"dependencies\": {\n"
				"        \"%s\": \"^1.0.0\",\n        \"%s\": \"~2.1.0\"\n"
				"      },\n", pkg_name(rnd(PACKAGE_POOL)),
				pkg_name(rnd(PACKAGE_POOL)));
		if (i >= ndirect && rnd(4) == 0)
			fprintf(f, "      \"dev\": true,\n");
		fprintf(f, "      \"license\": \"MIT\"\n    },\n");
	}
	fprintf(f, "    \"node_modules/left-pad\": {\n      \"version\": \"1.3.0\"\n"
		"    }\n  }\n}\n");
	finish(f);
}

/* --- other ecosystems ---------------------------------------------------- */

static void gen_gomod(const char *dir, unsigned svc)
{
	size_t n = 10 + rnd(30);
	FILE *mod = create("%s/go.mod", dir), *sum = create("%s/go.sum", dir);

	fprintf(mod, "module github.com/example/svc-%u\n\ngo 1.2%u\n\n"
		"require (\n", svc, svc % 3);
	for (size_t i = 0; i < n; i++) {
		char v[32], h1[45], h2[45];

		version(v, sizeof v);
		hex(h1, 44);
		hex(h2, 44);
		fprintf(mod, "\tgithub.com/%s/%s v%s%s\n", other_name(),
			other_name(), v, i > n / 2 ? " // indirect" : "");
		fprintf(sum, "github.com/x%zu/m%u v%s h1:%s=\n"
			"github.com/x%zu/m%u v%s/go.mod h1:%s=\n",
			i, svc, v, h1, i, svc, v, h2);
	}
	fprintf(mod, ")\n\nreplace github.com/example/shared => ../shared\n");
	finish(mod);
	finish(sum);
}

static void gen_pyproject(const char *dir, unsigned svc)
{
	size_t n = 5 + rnd(20);
	FILE *f = create("%s/pyproject.toml", dir);

	fprintf(f, "[build-system]\nrequires = [\"setuptools>=68\", \"wheel\"]\n"
		"build-backend = \"setuptools.build_meta\"\n\n[project]\n"
		"name = \"svc-%u\"\nversion = \"0.%u.0\"\n"
		"description = \"Service %u\"\nrequires-python = \">=3.11\"\n"
		"dependencies = [\n  \"structlog>=23\",\n  \"prometheus-client~=0.19\",\n",
		svc, svc % 20, svc);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  \"py-%s>=%u.%u\",\n", other_name(),
			rnd(5), rnd(20));
	fprintf(f, "]\n\n[project.optional-dependencies]\n"
		"test = [\"pytest>=7\", \"pytest-cov\", \"hypothesis\"]\n"
		"dev = [\"ruff\", \"mypy>=1.5\"]\n\n"
		"[tool.ruff]\nline-length = 100\nselect = [\"E\", \"F\", \"I\"]\n\n"
		"[tool.pytest.ini_options]\naddopts = \"-q --cov\"\n"
		"testpaths = [\"tests\"]\n");
	finish(f);
}

static void gen_requirements(const char *dir)
{
	size_t n = 10 + rnd(40);
	FILE *f = create("%s/requirements.txt", dir);

	fprintf(f, "# pinned by pip-compile\nflask==3.0.0\ngunicorn==21.2.0\n");
	for (size_t i = 0; i < n; i++) {
		char v[32];

		version(v, sizeof v);
		fprintf(f, "py-%s==%s%s\n", other_name(), v,
			i % 7 == 0 ? " ; python_version >= \"3.8\"" : "");
	}
	finish(f);
}

static void gen_cargo(const char *dir, unsigned svc)
{
	size_t n = 5 + rnd(15);
	FILE *f = create("%s/Cargo.toml", dir);

	fprintf(f, "[package]\nname = \"svc-%u\"\nversion = \"0.1.%u\"\n"
		"edition = \"2021\"\nrust-version = \"1.74\"\n\n[dependencies]\n"
		"serde = { version = \"1\", features = [\"derive\"] }\n"
		"tokio = { version = \"1.35\", features = [\"full\"] }\n"
		"tracing = \"0.1\"\n", svc, svc % 9);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "rs-%s-%zu = \"%u.%u\"\n", other_name(), i,
			rnd(4), rnd(30));
	fprintf(f, "\n[dev-dependencies]\nproptest = \"1\"\n"
		"criterion = { version = \"0.5\", optional = true }\n\n"
		"[profile.release]\nlto = true\n");
	finish(f);
}

static void gen_pom(const char *dir, unsigned svc)
{
	size_t n = 5 + rnd(15);
	FILE *f = create("%s/pom.xml", dir);

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
		"  <modelVersion>4.0.0</modelVersion>\n"
		"  <groupId>com.example</groupId>\n"
		"  <artifactId>svc-%u</artifactId>\n  <version>1.0.%u</version>\n"
		"  <properties>\n    <java.version>17</java.version>\n"
		"  </properties>\n  <dependencies>\n", svc, svc % 10);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "    <dependency>\n      <groupId>org.%s</groupId>\n"
			"      <artifactId>%s</artifactId>\n"
			"      <version>%u.%u.%u</version>\n%s    </dependency>\n",
			other_name(), other_name(),
			rnd(6), rnd(20), rnd(10),
			i % 4 == 0 ? "      <scope>test</scope>\n" : "");
	fprintf(f, "  </dependencies>\n</project>\n");
	finish(f);
}

static void gen_composer(const char *dir, unsigned svc)
{
	size_t n = 4 + rnd(12);
	FILE *f = create("%s/composer.json", dir);

	fprintf(f, "{\n  \"name\": \"example/svc-%u\",\n  \"type\": \"project\",\n"
		"  \"require\": {\n    \"php\": \">=8.1\",\n", svc);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "    \"vendor%zu/%s\": \"^%u.%u\",\n", i,
			other_name(), rnd(6), rnd(10));
	fprintf(f, "    \"monolog/monolog\": \"^3.0\"\n  },\n"
		"  \"require-dev\": {\n    \"phpunit/phpunit\": \"^10.0\"\n  }\n}\n");
	finish(f);
}

/* Four manifest files per service, in four mixes. */
static void gen_manifests(const char *dir, unsigned svc)
{
	switch (svc % 4) {
	case 0:
		gen_npm(dir, svc);
		gen_composer(dir, svc);
		gen_requirements(dir);
		break;
	case 1:
		gen_gomod(dir, svc);
		gen_cargo(dir, svc);
		gen_pyproject(dir, svc);
		break;
	case 2:
		gen_npm(dir, svc);
		gen_pom(dir, svc);
		gen_requirements(dir);
		break;
	default:
		gen_pyproject(dir, svc);
		gen_gomod(dir, svc);
		gen_cargo(dir, svc);
		break;
	}
}

/* --- Kubernetes ---------------------------------------------------------- */

static void gen_k8s(const char *dir, unsigned svc, unsigned part)
{
	FILE *f = create("%s/deploy/k8s-%u.yaml", dir, part);
	unsigned port = 8000 + rnd(1000);
	const char *name = part ? "worker" : "api";
	char digest[65];

	hex(digest, 64);
	fprintf(f,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		"  name: svc-%u-%s\n  namespace: team-%u\n  labels:\n"
		"    app: svc-%u-%s\n    tier: backend\nspec:\n  replicas: %u\n"
		"  selector:\n    matchLabels:\n      app: svc-%u-%s\n  template:\n"
		"    metadata:\n      labels:\n        app: svc-%u-%s\n"
		"        tier: backend\n      annotations:\n"
		"        prometheus.io/scrape: \"true\"\n    spec:\n"
		"      serviceAccountName: svc-%u\n"
		"      automountServiceAccountToken: false\n"
		"      securityContext:\n        runAsNonRoot: true\n"
		"        runAsUser: 10001\n        seccompProfile:\n"
		"          type: RuntimeDefault\n      initContainers:\n"
		"        - name: migrate\n"
		"          image: registry.example.com/svc-%u/migrate:1.%u.0\n"
		"          command: [\"/app/migrate\", \"--up\"]\n      containers:\n"
		"        - name: %s\n"
		"          image: registry.example.com/svc-%u/%s@sha256:%s\n"
		"          args: [\"--port=%u\", \"--log-format=json\"]\n"
		"          ports:\n            - name: http\n"
		"              containerPort: %u\n          env:\n"
		"            - name: LOG_LEVEL\n              value: info\n"
		"            - name: DB_PASSWORD\n              valueFrom:\n"
		"                secretKeyRef:\n                  name: svc-%u-db\n"
		"                  key: password\n"
		"          securityContext:\n"
		"            allowPrivilegeEscalation: false\n"
		"            readOnlyRootFilesystem: true\n"
		"            capabilities:\n              drop: [\"ALL\"]\n"
		"          resources:\n            requests:\n"
		"              cpu: %um\n              memory: %uMi\n"
		"            limits:\n              cpu: \"1\"\n"
		"              memory: %uMi\n"
		"          livenessProbe:\n            httpGet:\n"
		"              path: /healthz\n              port: http\n"
		"            periodSeconds: 10\n"
		"          readinessProbe:\n            httpGet:\n"
		"              path: /ready\n              port: http\n"
		"          volumeMounts:\n            - name: tmp\n"
		"              mountPath: /tmp\n      volumes:\n"
		"        - name: tmp\n          emptyDir: {}\n",
		svc, name, svc % 20, svc, name, 2 + rnd(4), svc, name, svc, name,
		svc, svc, svc % 9, name, svc, name, digest, port, port, svc,
		100 + rnd(400), 128 + rnd(512), 512 + rnd(1024));
	fprintf(f,
		"---\napiVersion: v1\nkind: Service\nmetadata:\n"
		"  name: svc-%u-%s\n  namespace: team-%u\nspec:\n"
		"  type: ClusterIP\n  selector:\n    app: svc-%u-%s\n  ports:\n"
		"    - name: http\n      port: 80\n      targetPort: %u\n",
		svc, name, svc % 20, svc, name, port);
	fprintf(f,
		"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
		"metadata:\n  name: svc-%u-%s\n  namespace: team-%u\nspec:\n"
		"  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
		"    name: svc-%u-%s\n  minReplicas: 2\n  maxReplicas: %u\n"
		"  metrics:\n    - type: Resource\n      resource:\n"
		"        name: cpu\n        target:\n          type: Utilization\n"
		"          averageUtilization: %u\n",
		svc, name, svc % 20, svc, name, 6 + rnd(10), 60 + rnd(25));
	fprintf(f,
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
		"  name: svc-%u-%s-config\n  namespace: team-%u\ndata:\n"
		"  LOG_FORMAT: json\n  FEATURE_FLAGS: \"a,b,c\"\n"
		"  UPSTREAM_URL: http://svc-%u.team-%u.svc.cluster.local\n"
		"  app.yaml: |\n    server:\n      port: %u\n"
		"      timeout: 30s\n    cache:\n      ttl: 60\n",
		svc, name, svc % 20, (svc + 1) % SERVICES, (svc + 1) % 20, port);
	fprintf(f,
		"---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n"
		"  name: svc-%u-%s\n  namespace: team-%u\nspec:\n"
		"  minAvailable: 1\n  selector:\n    matchLabels:\n"
		"      app: svc-%u-%s\n",
		svc, name, svc % 20, svc, name);
	finish(f);
}

/* --- Dockerfile ---------------------------------------------------------- */

static void gen_dockerfile(const char *dir, unsigned svc)
{
	FILE *f = create("%s/Dockerfile", dir);
	char digest[65];

	hex(digest, 64);
	fprintf(f,
		"# syntax=docker/dockerfile:1.6\n"
		"ARG NODE_VERSION=20.%u\n"
		"ARG BASE=registry.example.com/base\n\n"
		"FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-alpine AS deps\n"
		"WORKDIR /app\nCOPY package.json package-lock.json ./\n"
		"RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev\n\n"
		"FROM node:${NODE_VERSION}-alpine AS build\nWORKDIR /app\n"
		"COPY --from=deps /app/node_modules ./node_modules\nCOPY . .\n"
		"RUN apk add --no-cache python3=3.11.%u-r0 make g++ \\\n"
		"    && npm run build \\\n    && npm prune --production\n"
		"RUN <<EOF\nset -eux\necho building svc-%u\nnpm test -- --ci\nEOF\n\n"
		"FROM ${BASE}/node@sha256:%s AS runtime\n"
		"LABEL org.opencontainers.image.source=\"https://github.com/example/svc-%u\"\n"
		"ENV NODE_ENV=production PORT=%u\n"
		"RUN apt-get update && apt-get install -y --no-install-recommends \\\n"
		"      ca-certificates curl=7.88.1-10 tini \\\n"
		"    && rm -rf /var/lib/apt/lists/*\n"
		"WORKDIR /app\n"
		"COPY --chown=10001:10001 --from=build /app/dist ./dist\n"
		"COPY --from=build /app/node_modules ./node_modules\n"
		"USER 10001\nEXPOSE %u\n"
		"HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:%u/healthz || exit 1\n"
		"ENTRYPOINT [\"/usr/bin/tini\", \"--\"]\n"
		"CMD [\"node\", \"dist/index.js\"]\n",
		svc % 3, svc % 9, svc, digest, svc, 8000 + svc, 8000 + svc,
		8000 + svc);
	finish(f);
}

/* --- GitHub workflow ----------------------------------------------------- */

static void gen_workflow(const char *root, unsigned svc)
{
	FILE *f = create("%s/.github/workflows/svc-%u.yml", root, svc);
	char sha[41];

	hex(sha, 40);
	fprintf(f,
		"name: svc-%u\n"
		"on:\n  push:\n    branches: [main]\n    paths: ['svc/s%u/**']\n"
		"  pull_request:\n    paths: ['svc/s%u/**']\n"
		"  workflow_dispatch: {}\n"
		"permissions:\n  contents: read\n"
		"concurrency:\n  group: svc-%u-${{ github.ref }}\n"
		"  cancel-in-progress: true\n"
		"env:\n  SERVICE: svc-%u\n  REGISTRY: registry.example.com\n"
		"jobs:\n"
		"  lint:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n"
		"    steps:\n"
		"      - uses: actions/checkout@%s\n"
		"      - uses: actions/setup-node@v4\n        with:\n"
		"          node-version: 20\n          cache: npm\n"
		"      - run: npm ci\n        working-directory: svc/s%u\n"
		"      - run: npm run lint\n        working-directory: svc/s%u\n"
		"  test:\n    needs: lint\n    runs-on: ubuntu-latest\n"
		"    strategy:\n      matrix:\n        node: [18, 20, 22]\n"
		"    steps:\n"
		"      - uses: actions/checkout@v4\n"
		"      - uses: actions/setup-node@v4\n        with:\n"
		"          node-version: ${{ matrix.node }}\n"
		"      - name: Test\n        run: |\n          npm ci\n"
		"          npm test -- --coverage\n"
		"        env:\n          CI: true\n"
		"      - uses: codecov/codecov-action@v4\n        with:\n"
		"          token: ${{ secrets.CODECOV_TOKEN }}\n"
		"  build:\n    needs: [lint, test]\n    runs-on: ubuntu-latest\n"
		"    permissions:\n      contents: read\n      packages: write\n"
		"      id-token: write\n"
		"    steps:\n"
		"      - uses: actions/checkout@v4\n"
		"      - uses: docker/setup-buildx-action@v3\n"
		"      - uses: docker/login-action@v3\n        with:\n"
		"          registry: ${{ env.REGISTRY }}\n"
		"          username: ${{ github.actor }}\n"
		"          password: ${{ secrets.REGISTRY_TOKEN }}\n"
		"      - uses: docker/build-push-action@v5\n        with:\n"
		"          context: svc/s%u\n          push: ${{ github.event_name == 'push' }}\n"
		"          tags: ${{ env.REGISTRY }}/svc-%u:${{ github.sha }}\n"
		"      - uses: aquasecurity/trivy-action@0.16.0\n        with:\n"
		"          image-ref: ${{ env.REGISTRY }}/svc-%u:${{ github.sha }}\n"
		"      - uses: sigstore/cosign-installer@v3\n"
		"      - run: cosign sign --yes ${{ env.REGISTRY }}/svc-%u:${{ github.sha }}\n"
		"  deploy:\n    needs: build\n    if: github.ref == 'refs/heads/main'\n"
		"    runs-on: ubuntu-latest\n    environment: production\n"
		"    steps:\n"
		"      - uses: actions/checkout@v4\n"
		"      - name: Deploy\n        run: |\n"
		"          echo \"deploying ${{ github.event.head_commit.message }}\"\n"
		"          kubectl apply -f svc/s%u/deploy/\n"
		"          kubectl rollout status deployment/svc-%u-api\n"
		"        env:\n          KUBECONFIG_DATA: ${{ secrets.KUBECONFIG }}\n",
		svc, svc, svc, svc, svc, sha, svc, svc, svc, svc, svc, svc, svc,
		svc);
	finish(f);
}

int main(int argc, char **argv)
{
	char dir[512];
	FILE *f;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gen_repo DIR [SEED]\n");
		return 2;
	}
	rng_state = 0x9e3779b97f4a7c15ull ^ (argc == 3 ? strtoull(argv[2], NULL, 10) : 1);
	if (mkdir(argv[1], 0777) != 0)
		die(argv[1]);
	snprintf(dir, sizeof dir, "%s/.github/workflows", argv[1]);
	make_dirs(dir);
	for (unsigned svc = 0; svc < SERVICES; svc++) {
		snprintf(dir, sizeof dir, "%s/svc/s%u/deploy", argv[1], svc);
		make_dirs(dir);
		snprintf(dir, sizeof dir, "%s/svc/s%u", argv[1], svc);
		gen_manifests(dir, svc);
		gen_k8s(dir, svc, 0);
		gen_k8s(dir, svc, 1);
		gen_dockerfile(dir, svc);
		gen_workflow(argv[1], svc);
	}
	f = create("%s/README.md", argv[1]);
	fprintf(f, "# Generated benchmark repository\n\n## Runbook\n\nSee svc/.\n");
	finish(f);
	return 0;
}
