/*
 * k8s_workload.c - workloads normalised to one pod spec shape.
 *
 * A Deployment, a CronJob and a bare Pod keep their pod spec at different
 * depths; policies should not care.  Each becomes a "workload" node with
 * the pod-level facts, and each of its containers (init containers too) a
 * "container" node whose security.* attributes hold the EFFECTIVE
 * securityContext: the container's value when it sets one, else the
 * pod's for the fields Kubernetes inherits, so that a policy reads
 * `c.security.runAsNonRoot` once instead of merging two levels itself.
 */
#include "facts/k8s.h"

#include <stdio.h>
#include <string.h>

/* Controllers whose pod template sits at spec.template. */
static const char *const controllers[] = {
	"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
	"ReplicationController",
};

struct pod {
	const cr_ynode *meta;     /* the pod template's metadata */
	const cr_ynode *spec;     /* the pod spec */
	const cr_ynode *selector; /* the controller's selector, if any */
	const cr_ynode *owner;    /* the controller's spec */
};

static const cr_ynode *path_get(const cr_ynode *n, const char *const *keys,
	size_t count)
{
	for (size_t i = 0; n && i < count; i++)
		n = cr_ymap_get(n, keys[i]);
	return n;
}

#define PATH(n, ...) path_get((n), (const char *const[]){__VA_ARGS__}, \
	sizeof (const char *const[]){__VA_ARGS__} / sizeof(const char *))

static bool known_controller(const char *kind)
{
	for (size_t i = 0; i < sizeof controllers / sizeof *controllers; i++)
		if (!strcmp(kind, controllers[i]))
			return true;
	return false;
}

static bool pod_of(struct pod *p, const struct k8s_doc *d)
{
	const cr_ynode *spec = cr_ymap_get(d->root, "spec");
	const cr_ynode *tmpl;

	*p = (struct pod){ .owner = spec };
	if (!strcmp(d->kind, "Pod")) {
		p->meta = cr_ymap_get(d->root, "metadata");
		p->spec = spec;
		return spec != NULL;
	}
	if (!strcmp(d->kind, "CronJob")) {
		spec = PATH(spec, "jobTemplate", "spec");
		tmpl = cr_ymap_get(spec, "template");
	} else if (!strcmp(d->kind, "PodTemplate")) {
		tmpl = cr_ymap_get(d->root, "template");
	} else {
		tmpl = cr_ymap_get(spec, "template");
		/* Rollouts and other controllers shaped like a Deployment. */
		if (!known_controller(d->kind) &&
		    k8s_seq_len(PATH(tmpl, "spec", "containers")) == 0)
			return false;
	}
	p->meta = cr_ymap_get(tmpl, "metadata");
	p->spec = cr_ymap_get(tmpl, "spec");
	p->selector = cr_ymap_get(spec, "selector");
	return p->spec != NULL;
}

/* --- security contexts ---------------------------------------------------- */

struct sc_field {
	const char *path;  /* dotted, below securityContext */
	bool pod;          /* settable at pod level */
	bool container;    /* settable at container level */
};

static const struct sc_field sc_fields[] = {
	{"runAsNonRoot", true, true},
	{"runAsUser", true, true},
	{"runAsGroup", true, true},
	{"readOnlyRootFilesystem", false, true},
	{"allowPrivilegeEscalation", false, true},
	{"privileged", false, true},
	{"procMount", false, true},
	{"seccompProfile.type", true, true},
	{"seccompProfile.localhostProfile", true, true},
	{"appArmorProfile.type", true, true},
	{"seLinuxOptions.type", true, true},
	{"seLinuxOptions.level", true, true},
	{"windowsOptions.hostProcess", true, true},
	{"windowsOptions.runAsUserName", true, true},
	{"fsGroup", true, false},
	{"fsGroupChangePolicy", true, false},
};

static const cr_ynode *dotted_get(const cr_ynode *map, const char *path)
{
	char part[64];

	while (map && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof part)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		map = cr_ymap_get(map, part);
		path += n + (path[n] == '.');
	}
	return map;
}

static void pod_security(struct k8s_state *st, cr_node_id id,
	const cr_ynode *sc)
{
	const cr_ynode *sysctls = cr_ymap_get(sc, "sysctls");
	char key[128];

	k8s_bool(st, id, "security_context", sc && sc->kind == CR_YMAP &&
		sc->count > 0);
	for (size_t i = 0; i < sizeof sc_fields / sizeof *sc_fields; i++)
		if (sc_fields[i].pod &&
		    k8s_key(key, sizeof key, "security.%s", sc_fields[i].path))
			k8s_scalar(st, id, key, dotted_get(sc,
				sc_fields[i].path));
	k8s_list(st, id, "security.supplementalGroups",
		cr_ymap_get(sc, "supplementalGroups"));
	if (sysctls)
		k8s_empty_list(st, id, "security.sysctls");
	for (size_t i = 0; i < k8s_seq_len(sysctls); i++)
		k8s_push(st, id, "security.sysctls",
			cr_ynode_text(cr_ymap_get(sysctls->kids[i], "name")));
}

static void container_security(struct k8s_state *st, cr_node_id id,
	const cr_ynode *sc, const cr_ynode *pod_sc)
{
	const cr_ynode *caps = cr_ymap_get(sc, "capabilities");
	char key[128];

	k8s_bool(st, id, "security_context", sc && sc->kind == CR_YMAP &&
		sc->count > 0);
	for (size_t i = 0; i < sizeof sc_fields / sizeof *sc_fields; i++) {
		const struct sc_field *f = &sc_fields[i];
		const cr_ynode *v = f->container ? dotted_get(sc, f->path) : NULL;

		if (!v && f->pod && f->container)
			v = dotted_get(pod_sc, f->path);
		if (v && k8s_key(key, sizeof key, "security.%s", f->path))
			k8s_scalar(st, id, key, v);
	}
	k8s_list(st, id, "security.capabilities.add", cr_ymap_get(caps, "add"));
	k8s_list(st, id, "security.capabilities.drop",
		cr_ymap_get(caps, "drop"));
}

/* --- images ------------------------------------------------------------------- */

/* registry/repository[:tag][@digest], with Docker Hub's implied registry
 * made explicit so that allow-lists compare like with like. */
static void image_facts(struct k8s_state *st, cr_node_id id,
	const char *image)
{
	char buf[1024], *at, *slash, *colon, *repo = buf;

	if (!image || !k8s_key(buf, sizeof buf, "%s", image))
		return;
	k8s_str(st, id, "image", image);
	if ((at = strchr(buf, '@'))) {
		*at = '\0';
		k8s_str(st, id, "image_digest", at + 1);
	}
	slash = strchr(buf, '/');
	if (slash && (memchr(buf, '.', (size_t)(slash - buf)) ||
		      memchr(buf, ':', (size_t)(slash - buf)) ||
		      !strncmp(buf, "localhost/", 10))) {
		*slash = '\0';
		k8s_str(st, id, "image_registry", buf);
		repo = slash + 1;
	} else {
		k8s_str(st, id, "image_registry", "docker.io");
	}
	slash = strrchr(repo, '/');
	if ((colon = strchr(slash ? slash : repo, ':'))) {
		*colon = '\0';
		k8s_str(st, id, "image_tag", colon + 1);
	}
	k8s_str(st, id, "image_repository", repo);
	k8s_bool(st, id, "image_latest", (!colon && !at) ||
		(colon && !strcmp(colon + 1, "latest")));
}

/* --- probes, ports, environment ------------------------------------------------ */

static void probe_facts(struct k8s_state *st, cr_node_id id,
	const char *which, const cr_ynode *probe)
{
	static const char *const handlers[] = {
		"httpGet", "tcpSocket", "exec", "grpc",
	};
	static const char *const timing[] = {
		"initialDelaySeconds", "periodSeconds", "timeoutSeconds",
		"failureThreshold", "successThreshold",
	};
	const cr_ynode *cmd;
	char key[128], line[1024];
	size_t used = 0;

	k8s_bool(st, id, which, probe != NULL);
	if (!probe)
		return;
	for (size_t i = 0; i < sizeof handlers / sizeof *handlers; i++) {
		const cr_ynode *h = cr_ymap_get(probe, handlers[i]);

		if (!h)
			continue;
		if (k8s_key(key, sizeof key, "probes.%s.type", which))
			k8s_str(st, id, key, handlers[i]);
		if (k8s_key(key, sizeof key, "probes.%s.path", which))
			k8s_str(st, id, key, cr_ynode_text(cr_ymap_get(h, "path")));
		if (k8s_key(key, sizeof key, "probes.%s.port", which))
			k8s_scalar(st, id, key, cr_ymap_get(h, "port"));
	}
	/* The exec command as one string, to compare probes. */
	cmd = cr_ymap_get(cr_ymap_get(probe, "exec"), "command");
	line[0] = '\0';
	for (size_t i = 0; i < k8s_seq_len(cmd) && used < sizeof line; i++) {
		const char *arg = cr_ynode_text(cmd->kids[i]);
		int n = snprintf(line + used, sizeof line - used, "%s%s",
			i ? " " : "", arg ? arg : "");

		used += n > 0 ? (size_t)n : 0;
	}
	if (cmd && k8s_key(key, sizeof key, "probes.%s.command", which))
		k8s_str(st, id, key, line);
	for (size_t i = 0; i < sizeof timing / sizeof *timing; i++)
		if (k8s_key(key, sizeof key, "probes.%s.%s", which, timing[i]))
			k8s_scalar(st, id, key, cr_ymap_get(probe, timing[i]));
}

static void port_facts(struct k8s_state *st, cr_node_id id,
	const cr_ynode *ports)
{
	char text[128];

	k8s_empty_list(st, id, "ports");
	k8s_empty_list(st, id, "host_ports");
	k8s_empty_list(st, id, "port_names");
	for (size_t i = 0; i < k8s_seq_len(ports); i++) {
		const cr_ynode *p = ports->kids[i];
		const char *port = cr_ynode_text(cr_ymap_get(p, "containerPort"));
		const char *proto = cr_ynode_text(cr_ymap_get(p, "protocol"));

		if (port && k8s_key(text, sizeof text, "%s/%s", port,
			    proto ? proto : "TCP"))
			k8s_push(st, id, "ports", text);
		k8s_push(st, id, "host_ports",
			cr_ynode_text(cr_ymap_get(p, "hostPort")));
		k8s_push(st, id, "port_names",
			cr_ynode_text(cr_ymap_get(p, "name")));
	}
}

/* Names only: an environment's values may be secrets. */
static void env_facts(struct k8s_state *st, cr_node_id id,
	const cr_ynode *c)
{
	const cr_ynode *env = cr_ymap_get(c, "env");
	const cr_ynode *from = cr_ymap_get(c, "envFrom");
	char text[512];

	k8s_empty_list(st, id, "env");
	k8s_empty_list(st, id, "env_literal");
	k8s_empty_list(st, id, "secret_env");
	k8s_empty_list(st, id, "env_from");
	for (size_t i = 0; i < k8s_seq_len(env); i++) {
		const cr_ynode *e = env->kids[i];
		const char *name = cr_ynode_text(cr_ymap_get(e, "name"));

		k8s_push(st, id, "env", name);
		if (cr_ymap_get(e, "value"))
			k8s_push(st, id, "env_literal", name);
		if (PATH(e, "valueFrom", "secretKeyRef"))
			k8s_push(st, id, "secret_env", name);
	}
	for (size_t i = 0; i < k8s_seq_len(from); i++) {
		const cr_ynode *secret = cr_ymap_get(from->kids[i], "secretRef");
		const cr_ynode *cm = cr_ymap_get(from->kids[i], "configMapRef");
		const char *name = cr_ynode_text(cr_ymap_get(secret ? secret : cm,
			"name"));

		if ((secret || cm) && k8s_key(text, sizeof text, "%s:%s",
			    secret ? "secret" : "configmap", name ? name : ""))
			k8s_push(st, id, "env_from", text);
	}
}

/* The executable and the flag names of command and args (never the
 * flags' values, which may be credentials). */
static void command_facts(struct k8s_state *st, cr_node_id id,
	const cr_ynode *c)
{
	static const char *const parts[] = { "command", "args" };
	char flag[256];

	k8s_empty_list(st, id, "flags");
	for (size_t p = 0; p < 2; p++) {
		const cr_ynode *seq = cr_ymap_get(c, parts[p]);

		k8s_bool(st, id, parts[p], seq != NULL);
		for (size_t i = 0; i < k8s_seq_len(seq); i++) {
			const char *arg = cr_ynode_text(seq->kids[i]);

			if (!p && !i)
				k8s_str(st, id, "executable", arg);
			if (arg && !strncmp(arg, "--", 2) && arg[2] &&
			    k8s_key(flag, sizeof flag, "%.*s",
				    (int)strcspn(arg, "="), arg))
				k8s_push(st, id, "flags", flag);
		}
	}
}

static void container(struct k8s_state *st, const struct k8s_doc *d,
	cr_node_id workload, const struct pod *pod, const cr_ynode *c,
	bool init)
{
	const cr_ynode *res = cr_ymap_get(c, "resources");
	const char *name = cr_ynode_text(cr_ymap_get(c, "name"));
	cr_node_id id = 0;
	char key[512];

	if (st->rc || (st->rc = cr_collect_node(&id, st->c, "container",
			d->file, d->path, c->line)))
		return;
	k8s_link(st, workload, "containers", id);
	k8s_link(st, id, "workload", workload);
	k8s_str(st, id, "name", name);
	k8s_bool(st, id, "init", init);
	image_facts(st, id, cr_ynode_text(cr_ymap_get(c, "image")));
	k8s_str(st, id, "pull_policy",
		cr_ynode_text(cr_ymap_get(c, "imagePullPolicy")));
	container_security(st, id, cr_ymap_get(c, "securityContext"),
		cr_ymap_get(pod->spec, "securityContext"));
	if (name && k8s_key(key, sizeof key,
		    "container.apparmor.security.beta.kubernetes.io/%s", name))
		k8s_str(st, id, "apparmor", cr_ynode_text(cr_ymap_get(
			cr_ymap_get(pod->meta, "annotations"), key)));
	k8s_scalars(st, id, "resources.requests", cr_ymap_get(res, "requests"));
	k8s_scalars(st, id, "resources.limits", cr_ymap_get(res, "limits"));
	probe_facts(st, id, "liveness", cr_ymap_get(c, "livenessProbe"));
	probe_facts(st, id, "readiness", cr_ymap_get(c, "readinessProbe"));
	probe_facts(st, id, "startup", cr_ymap_get(c, "startupProbe"));
	port_facts(st, id, cr_ymap_get(c, "ports"));
	env_facts(st, id, c);
	command_facts(st, id, c);
}

/* --- the workload --------------------------------------------------------------- */

static void volume_facts(struct k8s_state *st, cr_node_id id,
	const cr_ynode *volumes)
{
	k8s_empty_list(st, id, "volumes");
	k8s_empty_list(st, id, "host_path_volumes");
	for (size_t i = 0; i < k8s_seq_len(volumes); i++) {
		const cr_ynode *v = volumes->kids[i];

		k8s_push(st, id, "volumes", cr_ynode_text(cr_ymap_get(v, "name")));
		k8s_push(st, id, "host_path_volumes",
			cr_ynode_text(PATH(v, "hostPath", "path")));
	}
}

static bool flag_of(const cr_ynode *map, const char *key)
{
	bool b = false;

	return k8s_bool_of(&b, cr_ymap_get(map, key)) && b;
}

static void scheduling_facts(struct k8s_state *st, cr_node_id id,
	const struct pod *pod)
{
	const cr_ynode *affinity = cr_ymap_get(pod->spec, "affinity");
	const cr_ynode *anti = cr_ymap_get(affinity, "podAntiAffinity");

	k8s_scalars(st, id, "node_selector",
		cr_ymap_get(pod->spec, "nodeSelector"));
	k8s_bool(st, id, "has_affinity", affinity != NULL);
	k8s_bool(st, id, "pod_anti_affinity", anti != NULL &&
		(cr_ymap_get(anti, "requiredDuringSchedulingIgnoredDuringExecution") ||
		 cr_ymap_get(anti, "preferredDuringSchedulingIgnoredDuringExecution")));
	k8s_bool(st, id, "topology_spread", k8s_seq_len(cr_ymap_get(pod->spec,
		"topologySpreadConstraints")) > 0);
	k8s_str(st, id, "priority_class", cr_ynode_text(cr_ymap_get(pod->spec,
		"priorityClassName")));
	k8s_int(st, id, "tolerations", (int64_t)k8s_seq_len(
		cr_ymap_get(pod->spec, "tolerations")));
}

/* Controller-level facts: scaling, rollout, schedule. */
static void owner_facts(struct k8s_state *st, cr_node_id id,
	const struct k8s_doc *d, const struct pod *pod)
{
	const cr_ynode *spec = pod->owner;
	int64_t n;

	if (k8s_int_of(&n, cr_ymap_get(spec, "replicas")))
		k8s_int(st, id, "replicas", n);
	k8s_str(st, id, "strategy", cr_ynode_text(PATH(spec, "strategy",
		"type")));
	if (!strcmp(d->kind, "StatefulSet"))
		k8s_str(st, id, "service_name",
			cr_ynode_text(cr_ymap_get(spec, "serviceName")));
	if (!strcmp(d->kind, "CronJob")) {
		k8s_str(st, id, "schedule",
			cr_ynode_text(cr_ymap_get(spec, "schedule")));
		k8s_scalar(st, id, "starting_deadline",
			cr_ymap_get(spec, "startingDeadlineSeconds"));
		k8s_str(st, id, "concurrency_policy",
			cr_ynode_text(cr_ymap_get(spec, "concurrencyPolicy")));
	}
}

/* The pod template's labels against the controller's own selector
 * (a selector that misses its pods is a broken controller). */
static void selector_check(struct k8s_state *st, cr_node_id id,
	const struct pod *pod)
{
	const struct k8s_named *self;
	struct k8s_selector sel;

	if (!pod->selector || st->rc)
		return;
	k8s_scalars(st, id, "selector", cr_ymap_get(pod->selector,
		"matchLabels") ? cr_ymap_get(pod->selector, "matchLabels") :
		pod->selector);
	self = &st->named[K8S_WORKLOADS][st->nnamed[K8S_WORKLOADS] - 1];
	k8s_selector_parse(st, &sel, pod->selector);
	if (!st->rc)
		k8s_bool(st, id, "selector_matches_template",
			!sel.empty && k8s_selector_matches(&sel, &self->labels));
}

bool k8s_workload(struct k8s_state *st, const struct k8s_doc *d)
{
	const cr_ynode *spec, *kids;
	const char *sa;
	struct pod pod;
	cr_node_id id;
	bool b;

	if (!pod_of(&pod, d) || !(id = k8s_fact(st, d, "workload")))
		return pod.spec != NULL;
	spec = pod.spec;
	k8s_str(st, id, "k8s_kind", d->kind);
	k8s_scalars(st, id, "pod_labels", cr_ymap_get(pod.meta, "labels"));
	k8s_scalars(st, id, "pod_annotations",
		cr_ymap_get(pod.meta, "annotations"));
	k8s_bool(st, id, "host_network", flag_of(spec, "hostNetwork"));
	k8s_bool(st, id, "host_pid", flag_of(spec, "hostPID"));
	k8s_bool(st, id, "host_ipc", flag_of(spec, "hostIPC"));
	if (k8s_bool_of(&b, cr_ymap_get(spec, "hostUsers")))
		k8s_bool(st, id, "host_users", b);
	sa = cr_ynode_text(cr_ymap_get(spec, "serviceAccountName"));
	k8s_str(st, id, "service_account", sa ? sa :
		cr_ynode_text(cr_ymap_get(spec, "serviceAccount")));
	if (k8s_bool_of(&b, cr_ymap_get(spec, "automountServiceAccountToken")))
		k8s_bool(st, id, "automount_token", b);
	k8s_str(st, id, "restart_policy",
		cr_ynode_text(cr_ymap_get(spec, "restartPolicy")));
	k8s_scalar(st, id, "termination_grace_period",
		cr_ymap_get(spec, "terminationGracePeriodSeconds"));
	volume_facts(st, id, cr_ymap_get(spec, "volumes"));
	scheduling_facts(st, id, &pod);
	pod_security(st, id, cr_ymap_get(spec, "securityContext"));
	owner_facts(st, id, d, &pod);
	k8s_remember_named(st, K8S_WORKLOADS, id, d->ns, d->kind, d->name,
		cr_ymap_get(pod.meta, "labels"));
	selector_check(st, id, &pod);
	kids = cr_ymap_get(spec, "initContainers");
	for (size_t i = 0; i < k8s_seq_len(kids); i++)
		container(st, d, id, &pod, kids->kids[i], true);
	kids = cr_ymap_get(spec, "containers");
	for (size_t i = 0; i < k8s_seq_len(kids); i++)
		container(st, d, id, &pod, kids->kids[i], false);
	return true;
}
