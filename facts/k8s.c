/*
 * k8s.c - Kubernetes objects: which YAML files to read, every document
 * with apiVersion and kind as a "k8s_object", and the specialised facts
 * of the kinds policies ask about (services, ingresses, autoscalers,
 * disruption budgets, network policies, monitors, secrets, config maps,
 * RBAC).  Workloads are facts/k8s_workload.c's, relations between objects
 * facts/k8s_select.c's, Helm and Kustomize facts/helm.c's.
 *
 * A YAML file is only parsed when its text mentions both "apiVersion" and
 * "kind", so workflows, compose files and lockfiles cost a memmem each.
 * Files that carry template actions where YAML cannot hold them are
 * recorded as templated instead of failing to parse.
 */
#include "facts/k8s.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARSER "kubernetes"

/* --- emitting ---------------------------------------------------------------- */

static void keep(struct k8s_state *st, int rc)
{
	if (rc && !st->rc)
		st->rc = rc;
}

void k8s_str(struct k8s_state *st, cr_node_id n, const char *key,
	const char *v)
{
	if (!st->rc && v)
		keep(st, cr_graph_set_str(st->c->g, n, key, v));
}

void k8s_bool(struct k8s_state *st, cr_node_id n, const char *key, bool v)
{
	if (!st->rc)
		keep(st, cr_graph_set_bool(st->c->g, n, key, v));
}

void k8s_int(struct k8s_state *st, cr_node_id n, const char *key,
	int64_t v)
{
	if (!st->rc)
		keep(st, cr_graph_set_int(st->c->g, n, key, v));
}

bool k8s_int_of(int64_t *out, const cr_ynode *v)
{
	const char *text = cr_ynode_text(v);
	char *end;

	if (!text || !v->plain || !*text)
		return false;
	errno = 0;
	*out = strtoll(text, &end, 10);
	return !*end && !errno;
}

bool k8s_bool_of(bool *out, const cr_ynode *v)
{
	return v && cr_ynode_bool(out, v);
}

void k8s_scalar(struct k8s_state *st, cr_node_id n, const char *key,
	const cr_ynode *v)
{
	int64_t i;
	bool b;

	if (!cr_ynode_text(v) || cr_ynode_is_null(v))
		return;
	if (k8s_bool_of(&b, v))
		k8s_bool(st, n, key, b);
	else if (k8s_int_of(&i, v))
		k8s_int(st, n, key, i);
	else
		k8s_str(st, n, key, v->text);
}

bool k8s_key(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size;
}

void k8s_scalars(struct k8s_state *st, cr_node_id n, const char *prefix,
	const cr_ynode *map)
{
	char key[512];

	if (!map || map->kind != CR_YMAP)
		return;
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const char *k = map->kids[i]->text;
		const char *v = cr_ynode_text(map->kids[i + 1]);

		if (k && v && k8s_key(key, sizeof key, "%s.%s", prefix, k))
			k8s_str(st, n, key, v);
	}
}

void k8s_push(struct k8s_state *st, cr_node_id n, const char *key,
	const char *v)
{
	if (!st->rc && v)
		keep(st, cr_graph_list_push(st->c->g, n, key, v));
}

void k8s_empty_list(struct k8s_state *st, cr_node_id n, const char *key)
{
	if (!st->rc)
		keep(st, cr_graph_set_list(st->c->g, n, key));
}

void k8s_list(struct k8s_state *st, cr_node_id n, const char *key,
	const cr_ynode *seq)
{
	if (!seq)
		return;
	k8s_empty_list(st, n, key);
	for (size_t i = 0; i < k8s_seq_len(seq); i++)
		k8s_push(st, n, key, cr_ynode_text(seq->kids[i]));
}

void k8s_link(struct k8s_state *st, cr_node_id from, const char *label,
	cr_node_id to)
{
	if (!st->rc)
		keep(st, cr_graph_link(st->c->g, from, label, to));
}

size_t k8s_seq_len(const cr_ynode *seq)
{
	return seq && seq->kind == CR_YSEQ ? seq->count : 0;
}

static size_t map_len(const cr_ynode *map)
{
	return map && map->kind == CR_YMAP ? map->count / 2 : 0;
}

static const char *text_at(const cr_ynode *map, const char *key)
{
	return cr_ynode_text(cr_ymap_get(map, key));
}

static bool text_is(const char *text, const char *want)
{
	return text && strcmp(text, want) == 0;
}

static cr_node_id fact_at(struct k8s_state *st, const struct k8s_doc *d,
	const char *kind, const char *label, unsigned line)
{
	cr_node_id id = 0;

	if (st->rc)
		return 0;
	keep(st, cr_collect_node(&id, st->c, kind, d->file, d->path, line));
	k8s_str(st, id, "name", d->name);
	k8s_str(st, id, "namespace", text_at(cr_ymap_get(d->root, "metadata"),
		"namespace"));
	k8s_link(st, d->object, label, id);
	k8s_link(st, id, "object", d->object);
	return st->rc ? 0 : id;
}

cr_node_id k8s_fact(struct k8s_state *st, const struct k8s_doc *d,
	const char *kind)
{
	return fact_at(st, d, kind, kind, d->root->line);
}

/* The matchLabels of a selector as prefix.<k> (or its labels, for the
 * plain-map selectors of Services). */
static void selector_attrs(struct k8s_state *st, cr_node_id n,
	const char *prefix, const cr_ynode *sel)
{
	const cr_ynode *labels = cr_ymap_get(sel, "matchLabels");

	if (!labels && !cr_ymap_get(sel, "matchExpressions"))
		labels = sel;
	k8s_scalars(st, n, prefix, labels);
}

/* --- the kinds ----------------------------------------------------------------- */

static void service_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	const cr_ynode *spec = cr_ymap_get(d->root, "spec");
	const cr_ynode *sel = cr_ymap_get(spec, "selector");
	const cr_ynode *ports = cr_ymap_get(spec, "ports");
	const char *type = text_at(spec, "type");
	const char *ip = text_at(spec, "clusterIP");
	cr_node_id id = k8s_fact(st, d, "service");
	char port[128];

	if (!id)
		return;
	type = type ? type : "ClusterIP";
	k8s_str(st, id, "type", type);
	k8s_bool(st, id, "load_balancer", !strcmp(type, "LoadBalancer"));
	k8s_bool(st, id, "node_port", !strcmp(type, "NodePort"));
	k8s_bool(st, id, "headless", text_is(ip, "None"));
	k8s_str(st, id, "cluster_ip", ip);
	k8s_str(st, id, "external_name", text_at(spec, "externalName"));
	selector_attrs(st, id, "selector", sel);
	k8s_empty_list(st, id, "ports");
	k8s_empty_list(st, id, "node_ports");
	for (size_t i = 0; i < k8s_seq_len(ports); i++) {
		const cr_ynode *p = ports->kids[i];
		const char *proto = text_at(p, "protocol");

		if (text_at(p, "port") && k8s_key(port, sizeof port, "%s/%s",
			    text_at(p, "port"), proto ? proto : "TCP"))
			k8s_push(st, id, "ports", port);
		k8s_push(st, id, "node_ports", text_at(p, "nodePort"));
	}
	k8s_remember_named(st, K8S_SERVICES, id, d->ns, "Service", d->name,
		cr_ymap_get(cr_ymap_get(d->root, "metadata"), "labels"));
	k8s_remember_selecting(st, id, d->ns, K8S_WORKLOADS, sel, false,
		"selects", "services");
}

/* One backend of an Ingress, in networking.k8s.io/v1 or v1beta1 shape. */
static void ingress_backend(struct k8s_state *st, const struct k8s_doc *d,
	cr_node_id id, const cr_ynode *backend)
{
	const cr_ynode *svc = cr_ymap_get(backend, "service");
	const char *name = svc ? text_at(svc, "name") :
		text_at(backend, "serviceName");
	const cr_ynode *port = svc ? cr_ymap_get(svc, "port") :
		cr_ymap_get(backend, "servicePort");
	const char *number = cr_ynode_text(port);
	char text[512];

	if (!name)
		return;
	if (!number)
		number = text_at(port, "number") ? text_at(port, "number") :
			text_at(port, "name");
	if (k8s_key(text, sizeof text, "%s:%s", name, number ? number : ""))
		k8s_push(st, id, "backends", text);
	k8s_remember_ref(st, id, K8S_SERVICES, d->ns, "Service", name,
		"services", "ingresses");
}

static void ingress_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	const cr_ynode *spec = cr_ymap_get(d->root, "spec");
	const cr_ynode *rules = cr_ymap_get(spec, "rules");
	const cr_ynode *tls = cr_ymap_get(spec, "tls");
	const char *cls = text_at(spec, "ingressClassName");
	cr_node_id id = k8s_fact(st, d, "ingress");

	if (!id)
		return;
	if (!cls)
		cls = text_at(cr_ymap_get(cr_ymap_get(d->root, "metadata"),
			"annotations"), "kubernetes.io/ingress.class");
	k8s_str(st, id, "ingress_class", cls);
	k8s_empty_list(st, id, "hosts");
	k8s_empty_list(st, id, "paths");
	k8s_empty_list(st, id, "backends");
	k8s_empty_list(st, id, "tls_hosts");
	for (size_t i = 0; i < k8s_seq_len(rules); i++) {
		const cr_ynode *paths = cr_ymap_get(cr_ymap_get(rules->kids[i],
			"http"), "paths");

		k8s_push(st, id, "hosts", text_at(rules->kids[i], "host"));
		for (size_t j = 0; j < k8s_seq_len(paths); j++) {
			k8s_push(st, id, "paths", text_at(paths->kids[j], "path"));
			ingress_backend(st, d, id,
				cr_ymap_get(paths->kids[j], "backend"));
		}
	}
	ingress_backend(st, d, id, cr_ymap_get(spec, "defaultBackend"));
	ingress_backend(st, d, id, cr_ymap_get(spec, "backend"));
	k8s_bool(st, id, "tls", k8s_seq_len(tls) > 0);
	for (size_t i = 0; i < k8s_seq_len(tls); i++) {
		const cr_ynode *hosts = cr_ymap_get(tls->kids[i], "hosts");

		for (size_t j = 0; j < k8s_seq_len(hosts); j++)
			k8s_push(st, id, "tls_hosts",
				cr_ynode_text(hosts->kids[j]));
	}
}

/* "Resource:cpu", "Pods:requests_per_second", ...: what an HPA scales on. */
static void hpa_metrics(struct k8s_state *st, cr_node_id id,
	const cr_ynode *spec)
{
	const cr_ynode *metrics = cr_ymap_get(spec, "metrics");
	char text[512];

	k8s_empty_list(st, id, "metrics");
	if (cr_ymap_get(spec, "targetCPUUtilizationPercentage"))
		k8s_push(st, id, "metrics", "Resource:cpu");
	for (size_t i = 0; i < k8s_seq_len(metrics); i++) {
		const char *type = text_at(metrics->kids[i], "type");
		const cr_ynode *source;
		const char *name;
		char field[64];

		if (!type || !k8s_key(field, sizeof field, "%s", type))
			continue;
		field[0] = (char)(field[0] | 0x20); /* Pods -> pods */
		source = cr_ymap_get(metrics->kids[i], field);
		name = text_at(source, "name");
		if (!name)
			name = text_at(cr_ymap_get(source, "metric"), "name");
		if (k8s_key(text, sizeof text, "%s:%s", type, name ? name : ""))
			k8s_push(st, id, "metrics", text);
	}
}

static void hpa_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	const cr_ynode *spec = cr_ymap_get(d->root, "spec");
	const cr_ynode *target = cr_ymap_get(spec, "scaleTargetRef");
	cr_node_id id = k8s_fact(st, d, "hpa");
	int64_t n;

	if (!id)
		return;
	if (k8s_int_of(&n, cr_ymap_get(spec, "minReplicas")))
		k8s_int(st, id, "min_replicas", n);
	if (k8s_int_of(&n, cr_ymap_get(spec, "maxReplicas")))
		k8s_int(st, id, "max_replicas", n);
	k8s_str(st, id, "target_kind", text_at(target, "kind"));
	k8s_str(st, id, "target_name", text_at(target, "name"));
	k8s_str(st, id, "target_api_version", text_at(target, "apiVersion"));
	hpa_metrics(st, id, spec);
	if (text_at(target, "kind"))
		k8s_remember_ref(st, id, K8S_WORKLOADS, d->ns,
			text_at(target, "kind"), text_at(target, "name"),
			"targets", "hpas");
}

static void pdb_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	const cr_ynode *spec = cr_ymap_get(d->root, "spec");
	const cr_ynode *sel = cr_ymap_get(spec, "selector");
	cr_node_id id = k8s_fact(st, d, "pdb");

	if (!id)
		return;
	k8s_str(st, id, "min_available", text_at(spec, "minAvailable"));
	k8s_str(st, id, "max_unavailable", text_at(spec, "maxUnavailable"));
	selector_attrs(st, id, "selector", sel);
	k8s_remember_selecting(st, id, d->ns, K8S_WORKLOADS, sel, true,
		"selects", "pdbs");
}

static bool list_has(const cr_ynode *seq, const char *want)
{
	for (size_t i = 0; i < k8s_seq_len(seq); i++)
		if (text_is(cr_ynode_text(seq->kids[i]), want))
			return true;
	return false;
}

static void network_policy_fact(struct k8s_state *st,
	const struct k8s_doc *d)
{
	/* A policy without podSelector reads as {}: every pod. */
	static const cr_ynode every_pod = { .kind = CR_YMAP };
	const cr_ynode *spec = cr_ymap_get(d->root, "spec");
	const cr_ynode *sel = cr_ymap_get(spec, "podSelector");
	const cr_ynode *types = cr_ymap_get(spec, "policyTypes");
	const cr_ynode *egress = cr_ymap_get(spec, "egress");
	size_t in = k8s_seq_len(cr_ymap_get(spec, "ingress"));
	size_t out = k8s_seq_len(egress);
	bool has_in = types ? list_has(types, "Ingress") : true;
	bool has_out = types ? list_has(types, "Egress") : egress != NULL;
	cr_node_id id = k8s_fact(st, d, "network_policy");

	if (!id)
		return;
	sel = sel && sel->kind == CR_YMAP ? sel : &every_pod;
	selector_attrs(st, id, "pod_selector", sel);
	k8s_bool(st, id, "selects_all", map_len(sel) == 0);
	/* The types Kubernetes applies when policyTypes is not written. */
	k8s_empty_list(st, id, "policy_types");
	if (has_in)
		k8s_push(st, id, "policy_types", "Ingress");
	if (has_out)
		k8s_push(st, id, "policy_types", "Egress");
	k8s_int(st, id, "ingress_rules", (int64_t)in);
	k8s_int(st, id, "egress_rules", (int64_t)out);
	k8s_bool(st, id, "default_deny_ingress", has_in && in == 0);
	k8s_bool(st, id, "default_deny_egress", has_out && out == 0);
	k8s_remember_selecting(st, id, d->ns, K8S_WORKLOADS, sel, true,
		"selects", "network_policies");
}

/* ServiceMonitor (selects services) and PodMonitor (selects pods). */
static void monitor_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	bool pods = !strcmp(d->kind, "PodMonitor");
	const cr_ynode *spec = cr_ymap_get(d->root, "spec");
	const cr_ynode *sel = cr_ymap_get(spec, "selector");
	const cr_ynode *nsel = cr_ymap_get(spec, "namespaceSelector");
	const cr_ynode *names = cr_ymap_get(nsel, "matchNames");
	const char *ns = d->ns;
	bool any = false;
	cr_node_id id = k8s_fact(st, d, pods ? "pod_monitor" : "service_monitor");

	if (!id)
		return;
	selector_attrs(st, id, "selector", sel);
	k8s_int(st, id, "endpoints", (int64_t)k8s_seq_len(cr_ymap_get(spec,
		pods ? "podMetricsEndpoints" : "endpoints")));
	/* Several namespaces are approximated by all of them. */
	if ((k8s_bool_of(&any, cr_ymap_get(nsel, "any")) && any) ||
	    k8s_seq_len(names) > 1)
		ns = NULL;
	else if (k8s_seq_len(names) == 1 && cr_ynode_text(names->kids[0]))
		ns = names->kids[0]->text;
	k8s_bool(st, id, "all_namespaces", ns == NULL);
	k8s_remember_selecting(st, id, ns, pods ? K8S_WORKLOADS : K8S_SERVICES,
		sel, true, "selects", pods ? "pod_monitors" : "service_monitors");
}

/* Key names of a mapping appended to list `key`; values never stored. */
static size_t push_keys(struct k8s_state *st, cr_node_id id, const char *key,
	const cr_ynode *map)
{
	for (size_t i = 0; i < map_len(map); i++)
		k8s_push(st, id, key, map->kids[2 * i]->text);
	return map_len(map);
}

static void secret_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	const char *type = text_at(d->root, "type");
	cr_node_id id = k8s_fact(st, d, "k8s_secret");
	size_t data, strings;

	if (!id)
		return;
	k8s_str(st, id, "type", type ? type : "Opaque");
	k8s_empty_list(st, id, "data_keys");
	data = push_keys(st, id, "data_keys", cr_ymap_get(d->root, "data"));
	strings = push_keys(st, id, "data_keys",
		cr_ymap_get(d->root, "stringData"));
	k8s_bool(st, id, "inline_data", data + strings > 0);
	k8s_bool(st, id, "string_data", strings > 0);
}

static void configmap_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	cr_node_id id = k8s_fact(st, d, "configmap");

	if (!id)
		return;
	k8s_empty_list(st, id, "data_keys");
	push_keys(st, id, "data_keys", cr_ymap_get(d->root, "data"));
	push_keys(st, id, "data_keys", cr_ymap_get(d->root, "binaryData"));
}

static void service_account_fact(struct k8s_state *st,
	const struct k8s_doc *d)
{
	cr_node_id id = k8s_fact(st, d, "service_account");
	bool b;

	if (id && k8s_bool_of(&b, cr_ymap_get(d->root,
		    "automountServiceAccountToken")))
		k8s_bool(st, id, "automount_token", b);
}

/* Verbs that let a subject gain more than the role grants. */
static void dangerous_verbs(struct k8s_state *st, cr_node_id id,
	const cr_ynode *verbs)
{
	static const char *const dangerous[] = {
		"*", "escalate", "bind", "impersonate",
	};

	k8s_empty_list(st, id, "dangerous");
	for (size_t i = 0; i < sizeof dangerous / sizeof *dangerous; i++)
		if (list_has(verbs, dangerous[i]))
			k8s_push(st, id, "dangerous", dangerous[i]);
}

static void role_facts(struct k8s_state *st, const struct k8s_doc *d)
{
	static const char *const lists[][2] = {
		{"apiGroups", "api_groups"}, {"resources", "resources"},
		{"verbs", "verbs"}, {"resourceNames", "resource_names"},
		{"nonResourceURLs", "non_resource_urls"},
	};
	bool cluster = !strcmp(d->kind, "ClusterRole");
	const cr_ynode *rules = cr_ymap_get(d->root, "rules");

	for (size_t i = 0; !st->rc && i < k8s_seq_len(rules); i++) {
		const cr_ynode *r = rules->kids[i];
		cr_node_id id = fact_at(st, d, "rbac_rule", "rbac_rules",
			r->line);
		bool wild = false;

		if (!id)
			return;
		k8s_str(st, id, "role", d->name);
		k8s_bool(st, id, "cluster", cluster);
		for (size_t j = 0; j < sizeof lists / sizeof *lists; j++) {
			const cr_ynode *seq = cr_ymap_get(r, lists[j][0]);

			k8s_list(st, id, lists[j][1], seq);
			wild = wild || list_has(seq, "*");
		}
		k8s_bool(st, id, "wildcard", wild);
		dangerous_verbs(st, id, cr_ymap_get(r, "verbs"));
		k8s_remember_named(st, K8S_RULES, id, cluster ? "" : d->ns,
			d->kind, d->name, NULL);
	}
}

static void role_binding_fact(struct k8s_state *st, const struct k8s_doc *d)
{
	const cr_ynode *ref = cr_ymap_get(d->root, "roleRef");
	const cr_ynode *subjects = cr_ymap_get(d->root, "subjects");
	const char *ref_kind = text_at(ref, "kind");
	const char *ref_name = text_at(ref, "name");
	bool cluster_role = text_is(ref_kind, "ClusterRole");
	cr_node_id id = k8s_fact(st, d, "role_binding");
	char text[512];

	if (!id)
		return;
	k8s_bool(st, id, "cluster", !strcmp(d->kind, "ClusterRoleBinding"));
	k8s_str(st, id, "role_ref", ref_name);
	k8s_str(st, id, "role_ref_kind", ref_kind);
	k8s_bool(st, id, "cluster_admin", cluster_role &&
		text_is(ref_name, "cluster-admin"));
	k8s_empty_list(st, id, "subjects");
	for (size_t i = 0; i < k8s_seq_len(subjects); i++) {
		const cr_ynode *s = subjects->kids[i];
		const char *ns = text_at(s, "namespace");

		if (k8s_key(text, sizeof text, "%s:%s%s%s",
			    text_at(s, "kind") ? text_at(s, "kind") : "",
			    ns ? ns : "", ns ? "/" : "",
			    text_at(s, "name") ? text_at(s, "name") : ""))
			k8s_push(st, id, "subjects", text);
	}
	if (ref_kind)
		k8s_remember_ref(st, id, K8S_RULES, cluster_role ? "" : d->ns,
			ref_kind, ref_name, "rules", "bindings");
}

static const struct {
	const char *kind;
	void (*fact)(struct k8s_state *, const struct k8s_doc *);
} kinds[] = {
	{"Service", service_fact},
	{"Ingress", ingress_fact},
	{"HorizontalPodAutoscaler", hpa_fact},
	{"PodDisruptionBudget", pdb_fact},
	{"NetworkPolicy", network_policy_fact},
	{"ServiceMonitor", monitor_fact},
	{"PodMonitor", monitor_fact},
	{"Secret", secret_fact},
	{"ConfigMap", configmap_fact},
	{"ServiceAccount", service_account_fact},
	{"Role", role_facts},
	{"ClusterRole", role_facts},
	{"RoleBinding", role_binding_fact},
	{"ClusterRoleBinding", role_binding_fact},
};

/* --- documents ------------------------------------------------------------------ */

/* Annotations as written, except kubectl's copy of the whole object,
 * which would repeat a Secret's values. */
static void annotations(struct k8s_state *st, cr_node_id id,
	const cr_ynode *map)
{
	char key[512];

	for (size_t i = 0; i < map_len(map); i++) {
		const char *k = map->kids[2 * i]->text;
		const char *v = cr_ynode_text(map->kids[2 * i + 1]);

		if (k && v && strcmp(k, "kubectl.kubernetes.io/"
			    "last-applied-configuration") != 0 &&
		    k8s_key(key, sizeof key, "annotations.%s", k))
			k8s_str(st, id, key, v);
	}
}

static void object(struct k8s_state *st, const cr_source_file *f,
	const char *path, const cr_ynode *root, size_t doc, long item)
{
	const cr_ynode *meta = cr_ymap_get(root, "metadata");
	const char *ns = text_at(meta, "namespace");
	struct k8s_doc d = {
		.file = f, .path = path, .root = root,
		.kind = text_at(root, "kind"), .name = text_at(meta, "name"),
		.ns = ns ? ns : "default",
	};

	if (!d.kind || !text_at(root, "apiVersion"))
		return;
	if (st->rc || (st->rc = cr_collect_node(&d.object, st->c, "k8s_object",
			f, path, root->line)))
		return;
	k8s_str(st, d.object, "api_version", text_at(root, "apiVersion"));
	k8s_str(st, d.object, "k8s_kind", d.kind);
	k8s_str(st, d.object, "name", d.name);
	k8s_str(st, d.object, "namespace", ns);
	k8s_int(st, d.object, "doc", (int64_t)doc);
	if (item >= 0)
		k8s_int(st, d.object, "item", item);
	k8s_bool(st, d.object, "templated", false);
	k8s_scalars(st, d.object, "labels", cr_ymap_get(meta, "labels"));
	annotations(st, d.object, cr_ymap_get(meta, "annotations"));
	if (k8s_workload(st, &d))
		return;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i].kind, d.kind)) {
			kinds[i].fact(st, &d);
			return;
		}
}

/* One document: an object, or a List whose items are objects. */
static void document(struct k8s_state *st, const cr_source_file *f,
	const char *path, const cr_ynode *root, size_t doc)
{
	const char *kind = text_at(root, "kind");
	const cr_ynode *items = cr_ymap_get(root, "items");
	size_t len = kind ? strlen(kind) : 0;

	if (len >= 4 && !strcmp(kind + len - 4, "List") && items &&
	    items->kind == CR_YSEQ) {
		for (size_t i = 0; i < items->count; i++)
			object(st, f, path, items->kids[i], doc, (long)i);
		return;
	}
	object(st, f, path, root, doc, -1);
}

/* A block scalar (| or >, with optional indicators) opens on this line. */
static bool opens_block(const char *line, const char *end)
{
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
			      end[-1] == '\r'))
		end--;
	while (end > line && (end[-1] == '-' || end[-1] == '+' ||
			      (end[-1] >= '0' && end[-1] <= '9')))
		end--;
	return end > line && (end[-1] == '|' || end[-1] == '>') &&
		(end - 1 == line || end[-2] == ' ');
}

bool k8s_looks_templated(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	long block = -1; /* indentation of the line that opened a block */

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;

		eol = eol ? eol : end;
		while (s < eol && *s == ' ')
			s++;
		if (s == eol || (block >= 0 && s - p > block)) {
			p = eol + 1;
			continue;
		}
		block = -1;
		while (eol - s >= 2 && s[0] == '-' && s[1] == ' ')
			s += 2;
		if ((eol - s >= 2 && s[0] == '{' && s[1] == '{') ||
		    memmem(s, (size_t)(eol - s), ": {{", 4))
			return true;
		if (opens_block(s, eol))
			block = (long)(s - p);
		p = eol + 1;
	}
	return false;
}

int k8s_parse_problem(struct k8s_state *st, const char *path,
	const char *parser, const cr_problems *p)
{
	const char *text = p->text ? p->text : ":0: invalid YAML";
	char *end;
	unsigned long line = strtoul(text + 1, &end, 10);
	const char *msg = *end == ':' ? end + 1 : text;

	msg += strspn(msg, " ");
	return cr_collect_parse_error(st->c, path, (uint32_t)line, parser,
		"%.*s", (int)strcspn(msg, "\n"), msg);
}

int k8s_parse_yaml(struct k8s_state *st, const cr_source_file *f,
	const char *path, const char *buf, size_t len)
{
	cr_problems problems = { .file = "" };
	cr_ydocs docs;
	int rc;

	if (!memmem(buf, len, "apiVersion", 10) || !memmem(buf, len, "kind", 4))
		return CR_OK;
	if (k8s_looks_templated(buf, len))
		return k8s_helm_template(st, f, path, NULL);
	rc = cr_yaml_parse_all(&docs, &problems, buf, len, K8S_YAML_NODES_MAX);
	if (rc == CR_ENOMEM || problems.oom) {
		rc = cr_error_set(st->c->ctx, CR_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < docs.count && !st->rc; i++)
		if (docs.docs[i])
			document(st, f, path, docs.docs[i], i);
	if (st->rc) {
		rc = cr_error_set(st->c->ctx, st->rc, "cannot record the "
			"Kubernetes objects of %s", path);
		goto done;
	}
	rc = CR_OK;
	if (problems.count)
		rc = memmem(buf, len, "{{", 2) ?
			k8s_helm_template(st, f, path, NULL) :
			k8s_parse_problem(st, path, PARSER, &problems);
done:
	cr_ydocs_release(&docs);
	cr_problems_release(&problems);
	return rc;
}

/* --- the collector ---------------------------------------------------------------- */

void k8s_state_init(struct k8s_state *st, cr_collect *c)
{
	*st = (struct k8s_state){ .c = c };
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Third-party trees: their manifests are not the repository's. */
static bool vendored(const char *path)
{
	static const char *const dirs[] = { "node_modules/", "vendor/",
		".git/" };

	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		const char *hit = strstr(path, dirs[i]);

		if (hit && (hit == path || hit[-1] == '/'))
			return true;
	}
	return false;
}

static int collect_file(struct k8s_state *st, const cr_source_file *f)
{
	const struct k8s_chart *chart;
	bool helm = k8s_helm_file(f->name);
	char *buf = NULL;
	size_t len;
	int rc;

	if (vendored(f->path))
		return CR_OK;
	/* _helpers.tpl and NOTES.txt are templates of the chart too. */
	if ((chart = k8s_chart_of_template(st, f->path)))
		return k8s_helm_template(st, f, f->path, chart);
	if ((!helm && !has_suffix(f->name, ".yaml") &&
	     !has_suffix(f->name, ".yml")) || !strcmp(f->name, "Chart.yaml"))
		return CR_OK;
	rc = cr_collect_read(&buf, &len, st->c, f, PARSER);
	if (rc == CR_ENOTFOUND)
		return CR_OK;
	if (rc == CR_OK)
		rc = helm ? k8s_helm_parse(st, f, f->path, f->name, buf, len) :
			k8s_parse_yaml(st, f, f->path, buf, len);
	free(buf);
	return rc;
}

int cr_k8s_collect(cr_collect *c)
{
	struct k8s_state st;
	int rc;

	k8s_state_init(&st, c);
	if ((rc = k8s_helm_charts(&st)) != CR_OK)
		goto done;
	for (size_t i = 0; i < c->nfiles; i++)
		if ((rc = collect_file(&st, &c->files[i])) != CR_OK)
			goto done;
	rc = k8s_state_finish(&st);
done:
	k8s_state_release(&st);
	return rc;
}
