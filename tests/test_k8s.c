/*
 * test_k8s.c - the Kubernetes, Helm and Kustomize facts (facts/k8s*.c,
 * facts/helm.c), collected by the real collector from the fixture trees
 * under tests/fixtures/k8s/ and from small inline manifests, plus one run
 * of `crucible facts` through the binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "crucible/facts.h"
#include "crucible/git.h"
#include "tests/facts_fixture.h"
#include "tests/helpers.h"

#define FIXTURE CRUCIBLE_FIXTURES "/k8s"

/* Copy fixture subtree `sub` into the temp dir and collect it. */
static cr_graph *collect_fixture(struct fixture *f, const char *sub)
{
	assert_int_equal(th_sh(f->dir, "cp -R '%s/%s'/. .", FIXTURE, sub), 0);
	return collect(f);
}

static cr_graph *collect_inline(struct fixture *f, const char *rel,
	const char *yaml)
{
	th_write(f->dir, rel, yaml);
	return collect(f);
}

/* The node of `kind` whose `name` attribute is `name`. */
static cr_node_id named(cr_graph *g, const char *kind, const char *name)
{
	return node_where(g, kind, "name", name);
}

static size_t edges(cr_graph *g, cr_node_id n, const char *label)
{
	return cr_node_edges(g, n, label, NULL, 0);
}

static cr_node_id edge(cr_graph *g, cr_node_id n, const char *label)
{
	cr_node_id to = 0;

	cr_node_edges(g, n, label, &to, 1);
	return to;
}

static cr_node_id container_of(cr_graph *g, cr_node_id w, const char *name)
{
	cr_node_id kids[16];
	size_t n = cr_node_edges(g, w, "containers", kids, 16);

	for (size_t i = 0; i < n && i < 16; i++)
		if (!strcmp(cr_node_str(g, kids[i], "name", ""), name))
			return kids[i];
	fail_msg("no container %s", name);
	return 0;
}

/* No attribute of any node contains `needle` (secret values). */
static void assert_nowhere(cr_graph *g, const char *needle)
{
	for (cr_node_id id = 1; id <= cr_graph_count(g); id++)
		for (size_t i = 0; i < cr_node_attr_count(g, id); i++) {
			cr_value v;
			const char *key = cr_node_attr_at(g, id, i, &v);

			if (v.type == CR_T_STR && strstr(v.u.s.ptr, needle))
				fail_msg("%s of node %u holds %s", key, id, needle);
			for (size_t j = 0; v.type == CR_T_LIST &&
			     j < v.u.list.count; j++)
				if (strstr(v.u.list.items[j], needle))
					fail_msg("%s holds %s", key, needle);
		}
}

/* --- the application ------------------------------------------------------ */

static void test_objects(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_fixture(f, "app");
	cr_node_id o, w;

	/* 4 + 4 + 5 + 2 documents, and a CronJob plus a List of two. */
	assert_int_equal(count_of(g, "k8s_object"), 18);
	o = named(g, "k8s_object", "api");
	assert_string_equal(cr_node_path(g, o), "deployment.yaml");
	assert_int_equal(cr_node_line(g, o), 2);
	assert_string_equal(cr_node_str(g, o, "k8s_kind", ""), "Deployment");
	assert_string_equal(cr_node_str(g, o, "api_version", ""), "apps/v1");
	assert_string_equal(cr_node_str(g, o, "namespace", ""), "shop");
	assert_int_equal(cr_node_int(g, o, "doc", -1), 0);
	assert_false(cr_node_bool(g, o, "templated", true));
	assert_string_equal(cr_node_str(g, o,
		"labels.app.kubernetes.io/instance", ""), "api");
	w = edge(g, o, "workload");
	assert_int_not_equal(w, 0);
	assert_int_equal(edge(g, w, "object"), o);
	/* The Service is the second document of the same file. */
	o = edge(g, named(g, "service", "api"), "object");
	assert_int_equal(cr_node_int(g, o, "doc", -1), 1);
	assert_int_equal(cr_node_line(g, o), 112);
	/* A List's items share their document. */
	o = edge(g, named(g, "workload", "node-agent"), "object");
	assert_int_equal(cr_node_int(g, o, "doc", -1), 1);
	assert_int_equal(cr_node_int(g, o, "item", -1), 0);
	assert_null(cr_node_str(g, named(g, "k8s_object", "debug"),
		"namespace", NULL));
}

static void test_workload(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_fixture(f, "app");
	cr_node_id w = named(g, "workload", "api"), c;

	assert_string_equal(cr_node_str(g, w, "k8s_kind", ""), "Deployment");
	assert_int_equal(cr_node_int(g, w, "replicas", 0), 3);
	assert_string_equal(cr_node_str(g, w, "selector.app", ""), "api");
	assert_string_equal(cr_node_str(g, w, "pod_labels.tier", ""),
		"backend");
	assert_true(cr_node_bool(g, w, "selector_matches_template", false));
	assert_string_equal(cr_node_str(g, w, "service_account", ""), "api");
	assert_false(cr_node_bool(g, w, "automount_token", true));
	assert_false(cr_node_bool(g, w, "host_network", true));
	assert_true(cr_node_bool(g, w, "pod_anti_affinity", false));
	assert_true(cr_node_bool(g, w, "topology_spread", false));
	assert_int_equal(cr_node_int(g, w, "security.runAsUser", 0), 10001);
	assert_int_equal(cr_node_int(g, w, "security.fsGroup", 0), 10001);
	assert_string_equal(cr_node_str(g, w, "strategy", ""), "RollingUpdate");
	assert_int_equal(edges(g, w, "containers"), 3);

	/* Container settings override the pod's; unset ones inherit. */
	c = container_of(g, w, "api");
	assert_int_equal(edge(g, c, "workload"), w);
	assert_false(cr_node_bool(g, c, "init", true));
	assert_int_equal(cr_node_line(g, c), 57);
	assert_true(cr_node_bool(g, c, "security.runAsNonRoot", false));
	assert_int_equal(cr_node_int(g, c, "security.runAsUser", 0), 10001);
	assert_true(cr_node_bool(g, c, "security.readOnlyRootFilesystem",
		false));
	assert_false(cr_node_bool(g, c, "security.allowPrivilegeEscalation",
		true));
	assert_string_equal(cr_node_str(g, c, "security.seccompProfile.type",
		""), "RuntimeDefault");
	assert_string_equal(list_of(g, c, "security.capabilities.drop"), "ALL");
	assert_string_equal(list_of(g, c, "security.capabilities.add"),
		"(absent)");
	assert_null(cr_node_str(g, c, "security.fsGroup", NULL));
	assert_string_equal(cr_node_str(g, c, "image_registry", ""), "ghcr.io");
	assert_string_equal(cr_node_str(g, c, "image_repository", ""),
		"acme/shop-api");
	assert_string_equal(cr_node_str(g, c, "image_tag", ""), "2.3.1");
	assert_non_null(strstr(cr_node_str(g, c, "image_digest", ""),
		"sha256:9f86d0"));
	assert_false(cr_node_bool(g, c, "image_latest", true));
	assert_string_equal(cr_node_str(g, c, "pull_policy", ""), "Always");
	assert_string_equal(cr_node_str(g, c, "resources.requests.cpu", ""),
		"250m");
	assert_string_equal(cr_node_str(g, c, "resources.limits.cpu", ""), "1");
	assert_null(cr_node_str(g, c, "resources.limits.ephemeral-storage",
		NULL));
	assert_true(cr_node_bool(g, c, "liveness", false));
	assert_false(cr_node_bool(g, c, "startup", true));
	assert_string_equal(cr_node_str(g, c, "probes.liveness.type", ""),
		"httpGet");
	assert_string_equal(cr_node_str(g, c, "probes.liveness.path", ""),
		"/health");
	assert_string_equal(cr_node_str(g, c, "probes.liveness.port", ""),
		"http");
	assert_int_equal(cr_node_int(g, c, "probes.readiness.port", 0), 8080);
	assert_string_equal(list_of(g, c, "ports"), "8080/TCP,9090/TCP");
	assert_string_equal(list_of(g, c, "host_ports"), "");
	assert_string_equal(list_of(g, c, "env"), "NODE_ENV,DATABASE_PASSWORD");
	assert_string_equal(list_of(g, c, "env_literal"), "NODE_ENV");
	assert_string_equal(list_of(g, c, "secret_env"), "DATABASE_PASSWORD");
	assert_string_equal(list_of(g, c, "env_from"),
		"configmap:api-config,secret:api-keys");

	c = container_of(g, w, "migrate");
	assert_true(cr_node_bool(g, c, "init", false));
	assert_false(cr_node_bool(g, c, "security.runAsNonRoot", true));
	assert_int_equal(cr_node_int(g, c, "security.runAsUser", -1), 0);
	assert_string_equal(cr_node_str(g, c, "image_registry", ""),
		"registry.example.com:5000");
	assert_string_equal(cr_node_str(g, c, "image_repository", ""),
		"shop/api-migrate");
	assert_string_equal(cr_node_str(g, c, "executable", ""), "/app/migrate");
	assert_string_equal(list_of(g, c, "flags"), "--database-url,--wait");
	assert_false(cr_node_bool(g, c, "liveness", true));

	/* Docker Hub image without a tag; identical exec probes. */
	c = container_of(g, w, "sidecar");
	assert_string_equal(cr_node_str(g, c, "image_registry", ""),
		"docker.io");
	assert_null(cr_node_str(g, c, "image_tag", NULL));
	assert_true(cr_node_bool(g, c, "image_latest", false));
	assert_string_equal(list_of(g, c, "host_ports"), "8081");
	assert_string_equal(cr_node_str(g, c, "probes.liveness.command", "x"),
		cr_node_str(g, c, "probes.readiness.command", "y"));
	assert_string_equal(cr_node_str(g, c, "probes.liveness.command", ""),
		"cat /tmp/healthy");
	assert_nowhere(g, "postgres://");
}

static void test_other_workloads(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_fixture(f, "app");
	cr_node_id w = named(g, "workload", "nightly-report"), c;

	assert_string_equal(cr_node_str(g, w, "schedule", ""), "0 3 * * *");
	assert_int_equal(cr_node_int(g, w, "starting_deadline", 0), 300);
	/* Set through a `<<` merge of an anchored mapping. */
	assert_string_equal(cr_node_str(g, w, "restart_policy", ""),
		"OnFailure");
	c = container_of(g, w, "report");
	assert_string_equal(cr_node_str(g, c, "image_tag", ""), "latest");
	assert_true(cr_node_bool(g, c, "image_latest", false));

	w = named(g, "workload", "node-agent");
	assert_string_equal(cr_node_str(g, w, "k8s_kind", ""), "DaemonSet");
	assert_true(cr_node_bool(g, w, "host_network", false));
	assert_true(cr_node_bool(g, w, "host_pid", false));
	assert_false(cr_node_bool(g, w, "host_ipc", true));
	assert_string_equal(list_of(g, w, "volumes"), "docker,tmp");
	assert_string_equal(list_of(g, w, "host_path_volumes"),
		"/var/run/docker.sock");
	c = container_of(g, w, "agent");
	assert_true(cr_node_bool(g, c, "security.privileged", false));
	assert_string_equal(list_of(g, c, "security.capabilities.add"),
		"SYS_ADMIN,NET_ADMIN");
	assert_string_equal(cr_node_str(g, c, "image_registry", ""), "quay.io");

	w = named(g, "workload", "debug");
	assert_string_equal(cr_node_str(g, w, "k8s_kind", ""), "Pod");
	assert_null(cr_node_str(g, w, "namespace", NULL));
	assert_int_equal(count_of(g, "workload"), 4);
}

static void test_relations(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_fixture(f, "app");
	cr_node_id w = named(g, "workload", "api");
	cr_node_id svc = named(g, "service", "api");
	cr_node_id deny = named(g, "network_policy", "default-deny");
	cr_node_id allow = named(g, "network_policy", "api-ingress");
	cr_node_id ing = named(g, "ingress", "api");

	assert_int_equal(edge(g, svc, "selects"), w);
	assert_int_equal(edge(g, w, "services"), svc);
	assert_int_equal(edge(g, named(g, "hpa", "api"), "targets"), w);
	assert_int_equal(edges(g, w, "hpas"), 1);
	/* matchExpressions In and Exists. */
	assert_int_equal(edge(g, named(g, "pdb", "api"), "selects"), w);
	assert_int_equal(edges(g, w, "pdbs"), 1);
	/* {} selects every workload of its namespace, and only those. */
	assert_int_equal(edges(g, w, "network_policies"), 2);
	assert_int_equal(edges(g, deny, "selects"), 1);
	assert_int_equal(edges(g, named(g, "workload", "node-agent"),
		"network_policies"), 0);
	assert_int_equal(edge(g, named(g, "service_monitor", "api"),
		"selects"), svc);
	assert_int_equal(edges(g, svc, "service_monitors"), 1);
	/* Ingress backends that exist; "admin" does not. */
	assert_int_equal(edges(g, ing, "services"), 1);
	assert_int_equal(edge(g, ing, "services"), svc);
	assert_int_equal(edges(g, w, "pod_monitors"), 0);

	assert_true(cr_node_bool(g, deny, "selects_all", false));
	assert_true(cr_node_bool(g, deny, "default_deny_ingress", false));
	assert_true(cr_node_bool(g, deny, "default_deny_egress", false));
	assert_string_equal(list_of(g, allow, "policy_types"), "Ingress");
	assert_int_equal(cr_node_int(g, allow, "ingress_rules", 0), 1);
	assert_false(cr_node_bool(g, allow, "default_deny_ingress", true));
	assert_string_equal(cr_node_str(g, allow, "pod_selector.app", ""),
		"api");
}

static void test_services_and_config(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_fixture(f, "app");
	cr_node_id n = named(g, "service", "api");

	assert_string_equal(cr_node_str(g, n, "type", ""), "ClusterIP");
	assert_false(cr_node_bool(g, n, "load_balancer", true));
	assert_string_equal(list_of(g, n, "ports"), "80/TCP,9090/TCP");
	n = named(g, "ingress", "api");
	assert_string_equal(list_of(g, n, "hosts"),
		"api.shop.example.com,admin.shop.example.com");
	assert_string_equal(list_of(g, n, "tls_hosts"), "api.shop.example.com");
	assert_true(cr_node_bool(g, n, "tls", false));
	assert_string_equal(cr_node_str(g, n, "ingress_class", ""), "nginx");
	assert_string_equal(list_of(g, n, "paths"), "/,/admin");
	assert_string_equal(list_of(g, n, "backends"), "api:80,admin:http");
	n = named(g, "hpa", "api");
	assert_int_equal(cr_node_int(g, n, "min_replicas", 0), 2);
	assert_int_equal(cr_node_int(g, n, "max_replicas", 0), 10);
	assert_string_equal(list_of(g, n, "metrics"),
		"Resource:cpu,Pods:http_requests_per_second");
	n = named(g, "pdb", "api");
	assert_string_equal(cr_node_str(g, n, "min_available", ""), "1");
	assert_null(cr_node_str(g, n, "max_unavailable", NULL));
	assert_int_equal(cr_node_int(g, named(g, "service_monitor", "api"),
		"endpoints", 0), 1);

	n = named(g, "k8s_secret", "api-keys");
	assert_true(cr_node_bool(g, n, "inline_data", false));
	assert_true(cr_node_bool(g, n, "string_data", false));
	assert_string_equal(list_of(g, n, "data_keys"),
		"STRIPE_KEY,SESSION_SECRET");
	assert_nowhere(g, "hunter2");
	assert_nowhere(g, "c2tfbGl2ZV9ub3RyZWFsbHk");
	assert_string_equal(list_of(g, named(g, "configmap", "api-config"),
		"data_keys"), "LOG_LEVEL,FEATURE_FLAGS");
	assert_false(cr_node_bool(g, named(g, "service_account", "api"),
		"automount_token", true));
}

static void test_rbac(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_fixture(f, "app");
	size_t n;
	const cr_node_id *rules = cr_graph_nodes(g, "rbac_rule", &n);
	cr_node_id b, o;

	assert_int_equal(n, 3);
	assert_string_equal(cr_node_str(g, rules[0], "role", ""), "api-reader");
	assert_false(cr_node_bool(g, rules[0], "wildcard", true));
	assert_string_equal(list_of(g, rules[0], "verbs"), "get,list,watch");
	assert_string_equal(list_of(g, rules[0], "dangerous"), "");
	assert_string_equal(list_of(g, rules[1], "dangerous"), "bind");
	assert_int_equal(cr_node_line(g, rules[1]), 17);
	assert_true(cr_node_bool(g, rules[2], "wildcard", false));
	assert_true(cr_node_bool(g, rules[2], "cluster", false));
	assert_string_equal(list_of(g, rules[2], "dangerous"), "*");
	o = edge(g, rules[0], "object");
	assert_int_equal(edges(g, o, "rbac_rules"), 2);

	b = named(g, "role_binding", "api-reader");
	assert_string_equal(list_of(g, b, "subjects"), "ServiceAccount:shop/api");
	assert_int_equal(edges(g, b, "rules"), 2);
	assert_int_equal(edge(g, rules[0], "bindings"), b);
	assert_false(cr_node_bool(g, b, "cluster_admin", true));
	b = named(g, "role_binding", "ops-admin");
	assert_true(cr_node_bool(g, b, "cluster_admin", false));
	assert_true(cr_node_bool(g, b, "cluster", false));
	assert_string_equal(list_of(g, b, "subjects"), "Group:ops");
	/* cluster-admin is built in, not in the repository. */
	assert_int_equal(edges(g, b, "rules"), 0);
}

/* --- selectors -------------------------------------------------------------- */

static const char selectors_yaml[] =
	"apiVersion: apps/v1\nkind: Deployment\n"
	"metadata: {name: a, namespace: one}\n"
	"spec:\n  selector: {matchLabels: {app: a}}\n"
	"  template:\n    metadata: {labels: {app: a, track: stable}}\n"
	"    spec: {containers: [{name: a, image: a:1}]}\n"
	"---\napiVersion: apps/v1\nkind: StatefulSet\n"
	"metadata: {name: b, namespace: one}\n"
	"spec:\n  selector: {matchLabels: {app: b}}\n"
	"  template:\n    metadata: {labels: {app: a}}\n"
	"    spec: {containers: [{name: b, image: b:1}]}\n"
	"---\napiVersion: apps/v1\nkind: Deployment\n"
	"metadata: {name: a, namespace: two}\n"
	"spec:\n  template:\n    metadata: {labels: {app: a}}\n"
	"    spec: {containers: [{name: a, image: a:1}]}\n"
	"---\napiVersion: policy/v1\nkind: PodDisruptionBudget\n"
	"metadata: {name: not-stable, namespace: one}\n"
	"spec:\n  selector:\n    matchExpressions:\n"
	"      - {key: track, operator: NotIn, values: [stable]}\n"
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
	"metadata: {name: untracked, namespace: one}\n"
	"spec:\n  podSelector:\n    matchExpressions:\n"
	"      - {key: track, operator: DoesNotExist}\n"
	"---\napiVersion: v1\nkind: Service\n"
	"metadata: {name: external, namespace: one}\n"
	"spec: {type: ExternalName, externalName: db.example.com}\n"
	"---\napiVersion: v1\nkind: Service\n"
	"metadata: {name: lb, namespace: one}\n"
	"spec: {type: LoadBalancer, selector: {app: a, track: stable}}\n"
	"---\napiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\n"
	"metadata: {name: a, namespace: one}\n"
	"spec:\n  scaleTargetRef: {kind: StatefulSet, name: b}\n"
	"  maxReplicas: 4\n  targetCPUUtilizationPercentage: 80\n";

static void test_selectors(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_inline(f, "deploy/all.yaml", selectors_yaml);
	size_t n;
	const cr_node_id *w = cr_graph_nodes(g, "workload", &n);
	cr_node_id pdb = named(g, "pdb", "not-stable");
	cr_node_id np = named(g, "network_policy", "untracked");
	cr_node_id to[4];

	assert_int_equal(n, 3);
	/* b's selector misses its own template. */
	assert_true(cr_node_bool(g, w[0], "selector_matches_template", false));
	assert_false(cr_node_bool(g, w[1], "selector_matches_template", true));
	/* NotIn matches pods without the label; only namespace one. */
	assert_int_equal(cr_node_edges(g, pdb, "selects", to, 4), 1);
	assert_int_equal(to[0], w[1]);
	assert_int_equal(cr_node_edges(g, np, "selects", to, 4), 1);
	assert_int_equal(to[0], w[1]);
	assert_int_equal(edges(g, named(g, "service", "external"), "selects"), 0);
	assert_string_equal(cr_node_str(g, named(g, "service", "external"),
		"external_name", ""), "db.example.com");
	assert_int_equal(cr_node_edges(g, named(g, "service", "lb"),
		"selects", to, 4), 1);
	assert_int_equal(to[0], w[0]);
	assert_true(cr_node_bool(g, named(g, "service", "lb"), "load_balancer",
		false));
	assert_int_equal(edge(g, named(g, "hpa", "a"), "targets"), w[1]);
	assert_null(cr_node_str(g, named(g, "hpa", "a"), "min_replicas", NULL));
	assert_string_equal(list_of(g, named(g, "hpa", "a"), "metrics"),
		"Resource:cpu");
}

/* --- Helm, Kustomize, templated and broken files ---------------------------- */

static void test_helm(void **state)
{
	struct fixture *f = *state;
	cr_graph *g = collect_fixture(f, "chart");
	cr_node_id chart = named(g, "helm_chart", "web"), t;
	cr_node_id kids[4];

	assert_string_equal(cr_node_path(g, chart), "web/Chart.yaml");
	assert_string_equal(cr_node_str(g, chart, "version", ""), "0.7.3");
	assert_string_equal(cr_node_str(g, chart, "app_version", ""), "2.3.1");
	assert_string_equal(cr_node_str(g, chart, "api_version", ""), "v2");
	assert_string_equal(list_of(g, chart, "dependencies"), "redis@18.1.0");
	assert_int_equal(cr_node_int(g, chart, "values.replicaCount", 0), 2);
	assert_string_equal(cr_node_str(g, chart, "values.image.tag", "x"), "");
	assert_string_equal(cr_node_str(g, chart, "values.image.pullPolicy",
		""), "IfNotPresent");
	assert_true(cr_node_bool(g, chart, "values.ingress.enabled", false));
	assert_false(cr_node_bool(g, chart, "values_resources", true));
	assert_true(cr_node_bool(g, chart, "values_security_context", false));
	assert_nowhere(g, "do-not-store-me");

	/* Templates are recorded, never parsed. */
	assert_int_equal(cr_node_edges(g, chart, "templates", kids, 4), 2);
	t = cr_graph_find(g, "helm_template", "web/templates/deployment.yaml");
	assert_int_not_equal(t, 0);
	assert_true(cr_node_bool(g, t, "templated", false));
	assert_string_equal(cr_node_str(g, t, "chart", ""), "web");
	assert_int_equal(edge(g, t, "helm_chart"), chart);
	assert_int_equal(count_of(g, "k8s_object"), 0);
	assert_int_equal(count_of(g, "parse_error"), 0);
}

static void test_kustomize_and_templated(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	size_t n;
	const cr_node_id *k;
	cr_node_id t;

	assert_int_equal(th_sh(f->dir, "cp -R '%s/raw' .", FIXTURE), 0);
	g = collect_fixture(f, "kustomize");
	k = cr_graph_nodes(g, "kustomization", &n);
	assert_int_equal(n, 1);
	assert_string_equal(cr_node_path(g, k[0]),
		"overlays/prod/kustomization.yaml");
	assert_string_equal(list_of(g, k[0], "resources"),
		"../../base,ingress.yaml");
	assert_string_equal(list_of(g, k[0], "images"),
		"ghcr.io/acme/shop-api:2.3.1,nginx@sha256:0123456789abcdef");
	assert_int_equal(cr_node_int(g, k[0], "patches", 0), 2);
	assert_string_equal(cr_node_str(g, k[0], "namespace", ""), "shop-prod");
	assert_true(cr_node_bool(g, k[0], "secret_literals", false));
	assert_nowhere(g, "sk_test_x");
	/* Not a k8s_object: the kustomization is its own fact. */
	assert_int_equal(count_of(g, "k8s_object"), 0);

	/* Template actions outside a chart: templated, not an error. */
	t = cr_graph_find(g, "helm_template", "raw/templated.yaml");
	assert_int_not_equal(t, 0);
	assert_null(cr_node_str(g, t, "chart", NULL));
	assert_int_equal(count_of(g, "parse_error"), 0);
}

static void test_parse_errors(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;
	cr_node_id e;

	assert_int_equal(th_sh(f->dir, "cp -R '%s/bomb' '%s/raw' .", FIXTURE,
		FIXTURE), 0);
	g = collect_fixture(f, "broken");
	e = cr_graph_find(g, "parse_error", "bad.yaml");
	assert_int_not_equal(e, 0);
	assert_string_equal(cr_node_str(g, e, "parser", ""), "kubernetes");
	assert_true(cr_node_line(g, e) >= 6);
	/* The alias bomb stops at the node budget. */
	e = cr_graph_find(g, "parse_error", "bomb/laughs.yaml");
	assert_int_not_equal(e, 0);
	assert_non_null(strstr(cr_node_str(g, e, "message", ""),
		"too many nodes"));
	assert_int_equal(count_of(g, "parse_error"), 2);
	assert_int_equal(count_of(g, "k8s_object"), 0);
	assert_non_null(cr_node_str(g, cr_graph_find(g, "file", "bad.yaml"),
		"parse_error", NULL));
}

static void test_skipped_files(void **state)
{
	struct fixture *f = *state;
	cr_graph *g;

	th_write(f->dir, "node_modules/pkg/deploy.yaml",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: vendored}\n");
	th_write(f->dir, ".github/workflows/ci.yml",
		"on: push\njobs: {build: {runs-on: ubuntu-latest}}\n");
	th_write(f->dir, "config/app.yaml",
		"description: a kind of apiVersion mention\nlist: [1, 2]\n");
	th_write(f->dir, "config/prometheus.yaml",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prom}\n"
		"data:\n  rules.yml: |\n    summary: {{ $labels.instance }}\n"
		"    description: down\n");
	g = collect_inline(f, "k8s/pod.yml",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: real}\n"
		"spec: {containers: [{name: c, image: c:1}]}\n");
	assert_int_equal(count_of(g, "k8s_object"), 2);
	named(g, "workload", "real");
	/* "{{" inside a block scalar is data, not a template action. */
	assert_string_equal(list_of(g, named(g, "configmap", "prom"),
		"data_keys"), "rules.yml");
	assert_int_equal(count_of(g, "helm_template"), 0);
	assert_int_equal(count_of(g, "parse_error"), 0);
}

/* --- the binary ---------------------------------------------------------------- */

static void test_facts_command(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = {"facts", f->dir, NULL};
	bool workload = false, container = false;
	cJSON *doc, *node;
	th_run run;

	assert_int_equal(th_sh(f->dir, "cp -R '%s/app/.' .", FIXTURE), 0);
	run = th_crucible(NULL, argv);
	assert_int_equal(run.status, 0);
	doc = cJSON_Parse(run.out);
	assert_non_null(doc);
	cJSON_ArrayForEach(node, cJSON_GetObjectItem(doc, "nodes")) {
		const char *kind = cJSON_GetStringValue(
			cJSON_GetObjectItem(node, "kind"));

		workload = workload || !strcmp(kind, "workload");
		container = container || !strcmp(kind, "container");
	}
	assert_true(workload);
	assert_true(container);
	assert_null(strstr(run.out, "hunter2"));
	cJSON_Delete(doc);
	th_run_free(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_workloads, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_relations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_services_and_config, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_rbac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_helm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kustomize_and_templated,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_skipped_files, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_facts_command, setup,
			teardown),
	};

	cr_git_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
