---@meta crucible

-- LuaLS annotations of the crucible policy API, so that an editor
-- completes and checks policy modules.  Nothing here runs: crucible
-- provides these globals itself.  docs/policy-api.md is the reference and
-- docs/facts/ describes every fact kind; this file follows them.
--
-- Use it from a bundle directory with a .luarc.json such as
--
--   {
--     "runtime.version": "Lua 5.4",
--     "workspace.library": ["/path/to/crucible/contrib/luals"]
--   }
--
-- tests/test_luals.c checks that every repo method and every edge method
-- of vm/lua_facts.c is annotated here.

--- How much a failure of the policy matters, worst first.
---@alias Severity "critical"|"high"|"medium"|"low"|"info"

--- The fact families a policy reads (`needs`): the collectors crucible runs.
---@alias Need "manifests"|"workflows"|"docker"|"k8s"|"docs"|"signals"|"secrets"|"history"

--- The type of a declared param.
---@alias ParamType "string"|"integer"|"number"|"boolean"|"list"

---@alias FileStatus "tracked"|"untracked"|"ignored"
---@alias FileType "file"|"symlink"|"dir"|"submodule"|"missing"

--- Every kind the collectors add; repo:nodes() accepts any string.
---@alias NodeKind "file"|"repo"|"git"|"manifest"|"lockfile"|"dependency"|"workflow"|"job"|"step"|"ci_config"|"update_config"|"dockerfile"|"docker_stage"|"docker_instruction"|"compose_file"|"compose_service"|"k8s_object"|"workload"|"container"|"service"|"ingress"|"hpa"|"pdb"|"network_policy"|"service_monitor"|"pod_monitor"|"k8s_secret"|"configmap"|"service_account"|"rbac_rule"|"role_binding"|"helm_chart"|"helm_template"|"kustomization"|"doc"|"env_example"|"ignore_file"|"tool_config"|"test_suite"|"bench_dir"|"signal"|"secret"|"sensitive_file"|"sensitive_dir"|"secrets_scan"|"parse_error"

--- A filter value: equality, or membership for list attributes.
---@alias FilterValue string|boolean|integer

-- ---------------------------------------------------------------------------
-- Policies

--- A declared param: a table with a string `type` is a declaration.
---@class ParamDecl
---@field type ParamType
---@field default any must fit `type`
---@field description? string

--- The table given to crucible.policy{...}.
---@class PolicySpec
---@field id string `[A-Za-z0-9._-]+`, unique across every bundle of the run
---@field title string one line, shown in reports
---@field category string the id of a category of bundle.yml
---@field severity Severity
---@field weight? number positive; the weight in its category (default 1)
---@field description? string why the policy matters
---@field remediation? string how to fix a failure
---@field references? string[] links
---@field params? table<string, ParamDecl|string|number|boolean|table> declarations, or plain defaults
---@field needs? Need[] the fact families `check` reads
---@field check fun(repo: Repo, params: table<string, any>)

--- The table form of fail{...} and warn{...}.
---@class FindingSpec
---@field message string what is wrong, one line
---@field path? string repository-relative, `/`-separated; "." for the repository
---@field line? integer 1-based line in `path`
---@field key? string stable evidence for the fingerprint (else the message)
---@field commit? string full object id of the commit the finding is about
---@field suppressed? string why the finding is accepted: reported as waived, fails nothing

---@class Crucible
---@field version string the version of crucible running the policy
crucible = {}

--- Check the shape of a policy and return it; the module returns the result.
---@param spec PolicySpec
---@return PolicySpec
function crucible.policy(spec) end

--- Whether the repository-relative `path` matches the glob `pattern`.
---@param pattern string
---@param path string
---@return boolean
function crucible.glob(pattern, path) end

--- Search `subject` for a PCRE2 regex: nil, or the whole match and one
--- value per capture group (nil for a group that did not take part).
---@param regex string
---@param subject string
---@return string|nil match
---@return string|nil ... the captures
function crucible.match(regex, subject) end

--- The policy passes unless it also reports a failure or a warning.
---@param message? string
function pass(message) end

--- One failing finding.
---@param finding string|FindingSpec
function fail(finding) end

--- One warning finding.
---@param finding string|FindingSpec
function warn(finding) end

--- The policy does not apply to this repository.
---@param reason string
function skip(reason) end

--- A partial score from 0 to 1; the last call wins.
---@param x number
---@param message? string
function score(x, message) end

-- ---------------------------------------------------------------------------
-- The repo object

--- Options of repo:files and repo:count (combined with "and").
---@class FilesOptions
---@field glob? string|string[] paths matching at least one glob
---@field name? string|string[] exact basenames
---@field ext? string|string[] lower-case extensions without the dot ("" for none)
---@field min_size? integer at least that many bytes
---@field status? FileStatus without it, every status but "ignored"
---@field type? FileType
---@field language? string "python", "shell", "c", ...
---@field limit? integer at most that many

--- Options of repo:grep.
---@class GrepOptions
---@field glob? string|string[]
---@field status? FileStatus
---@field max? integer the most matches returned (default 1000)

---@class GrepMatch
---@field path string
---@field line integer 1-based
---@field text string the line, cut to 200 bytes
---@field match string the whole match

--- Node filters: `attribute = value` (or a list of values: any of them),
--- `["dotted.name"] = value`, `path = "glob"`, `limit = n`.
---@class Filters
---@field path? string a glob on the provenance path
---@field limit? integer at most that many nodes
---@field [string] FilterValue|FilterValue[]

---@class RepoStats
---@field files integer entries of the file inventory
---@field bytes integer total size of its regular files

---@class GitFacts
---@field head? string full object id of HEAD
---@field branch? string nil when detached
---@field detached boolean
---@field tags string[]
---@field commits integer commits reachable from HEAD
---@field authors string[] distinct author emails
---@field first_commit_date string ISO 8601 UTC
---@field last_commit_date string ISO 8601 UTC
---@field dirty boolean
---@field remote_url? string the origin remote

--- check's first argument: a read-only view of the fact graph.
---@class Repo
---@field name string basename of the repository root
---@field is_git boolean
---@field stats RepoStats a new table on every read
---@field git? GitFacts nil outside a git repository
local Repo = {}

--- The file objects that satisfy every option, in path order.
---@param opts? FilesOptions
---@return File[]
function Repo:files(opts) end

--- How many files repo:files(opts) would return, without objects.
---@param opts? FilesOptions
---@return integer
function Repo:count(opts) end

--- The file at exactly that repository-relative path, or nil.
---@param path string
---@return File?
function Repo:file(path) end

--- Lines of the regular text files that match a PCRE2 regex.
---@param regex string
---@param opts? GrepOptions
---@return GrepMatch[]
function Repo:grep(regex, opts) end

--- The nodes of one kind, filtered in C; an unknown kind gives {}.
---@param kind NodeKind|string
---@param filters? Filters
---@return Node[]
---@overload fun(self: Repo, kind: "file", filters?: Filters): File[]
---@overload fun(self: Repo, kind: "repo", filters?: Filters): RepoNode[]
---@overload fun(self: Repo, kind: "git", filters?: Filters): GitNode[]
---@overload fun(self: Repo, kind: "service", filters?: Filters): Service[]
---@overload fun(self: Repo, kind: "ingress", filters?: Filters): Ingress[]
---@overload fun(self: Repo, kind: "hpa", filters?: Filters): Hpa[]
---@overload fun(self: Repo, kind: "pdb", filters?: Filters): Pdb[]
---@overload fun(self: Repo, kind: "network_policy", filters?: Filters): NetworkPolicy[]
---@overload fun(self: Repo, kind: "service_monitor", filters?: Filters): ServiceMonitor[]
---@overload fun(self: Repo, kind: "pod_monitor", filters?: Filters): PodMonitor[]
---@overload fun(self: Repo, kind: "k8s_secret", filters?: Filters): K8sSecret[]
---@overload fun(self: Repo, kind: "configmap", filters?: Filters): ConfigMap[]
---@overload fun(self: Repo, kind: "service_account", filters?: Filters): ServiceAccount[]
---@overload fun(self: Repo, kind: "role_binding", filters?: Filters): RoleBinding[]
---@overload fun(self: Repo, kind: "helm_template", filters?: Filters): HelmTemplate[]
---@overload fun(self: Repo, kind: "kustomization", filters?: Filters): Kustomization[]
---@overload fun(self: Repo, kind: "sensitive_dir", filters?: Filters): SensitiveDir[]
---@overload fun(self: Repo, kind: "secrets_scan", filters?: Filters): SecretsScan[]
function Repo:nodes(kind, filters) end

-- Typed facts: repo:<plural>(filters) is repo:nodes(<kind>, filters).

---@param filters? Filters
---@return Manifest[]
function Repo:manifests(filters) end

---@param filters? Filters
---@return Lockfile[]
function Repo:lockfiles(filters) end

---@param filters? Filters
---@return Dependency[]
function Repo:dependencies(filters) end

---@param filters? Filters
---@return Workflow[]
function Repo:workflows(filters) end

---@param filters? Filters
---@return Job[]
function Repo:jobs(filters) end

---@param filters? Filters
---@return Step[]
function Repo:steps(filters) end

---@param filters? Filters
---@return CiConfig[]
function Repo:ci_configs(filters) end

---@param filters? Filters
---@return UpdateConfig[]
function Repo:update_configs(filters) end

---@param filters? Filters
---@return Dockerfile[]
function Repo:dockerfiles(filters) end

---@param filters? Filters
---@return DockerStage[]
function Repo:docker_stages(filters) end

---@param filters? Filters
---@return DockerInstruction[]
function Repo:docker_instructions(filters) end

---@param filters? Filters
---@return ComposeFile[]
function Repo:compose_files(filters) end

---@param filters? Filters
---@return ComposeService[]
function Repo:compose_services(filters) end

---@param filters? Filters
---@return K8sObject[]
function Repo:k8s_objects(filters) end

---@param filters? Filters
---@return Workload[]
function Repo:workloads(filters) end

---@param filters? Filters
---@return Container[]
function Repo:containers(filters) end

---@param filters? Filters
---@return RbacRule[]
function Repo:rbac_rules(filters) end

---@param filters? Filters
---@return HelmChart[]
function Repo:helm_charts(filters) end

---@param filters? Filters
---@return Doc[]
function Repo:docs(filters) end

---@param filters? Filters
---@return EnvExample[]
function Repo:env_examples(filters) end

---@param filters? Filters
---@return IgnoreFile[]
function Repo:ignore_files(filters) end

---@param filters? Filters
---@return ToolConfig[]
function Repo:tool_configs(filters) end

---@param filters? Filters
---@return TestSuite[]
function Repo:test_suites(filters) end

---@param filters? Filters
---@return BenchDir[]
function Repo:bench_dirs(filters) end

---@param filters? Filters
---@return Signal[]
function Repo:signals(filters) end

---@param filters? Filters
---@return Secret[]
function Repo:secrets(filters) end

---@param filters? Filters
---@return SensitiveFile[]
function Repo:sensitive_files(filters) end

---@param filters? Filters
---@return ParseError[]
function Repo:parse_errors(filters) end

-- ---------------------------------------------------------------------------
-- Nodes and files

--- A fact: a kind, a provenance and attributes.  A dotted attribute
--- (`security.runAsNonRoot`) reads as a nested view (`n.security.runAsNonRoot`),
--- nil when the node has none under that prefix.  An attribute of the same
--- name shadows an edge method: n:edges(label) always works.
---@class Node
---@field kind string
---@field path? string repository-relative path the node comes from
---@field line? integer 1-based line in `path`
local Node = {}

--- The nodes this node links to, with `label` only those of that label.
---@param label? string
---@return Node[]
function Node:edges(label) end

---@class File: Node
---@field kind "file"
---@field path string repository-relative, `/`-separated
---@field name string basename
---@field ext string lower case without the dot; "" when none
---@field type FileType
---@field size integer bytes
---@field mode integer permission and type bits as git records them
---@field executable boolean
---@field target? string symlink target
---@field escapes? boolean the symlink points outside the repository
---@field status FileStatus
---@field language? string
---@field binary boolean a NUL in the first 8,000 bytes (reads the file)
---@field parse_error? string why a collector could not parse the file
local File = {}

--- Iterate over (line number, text) of the file.
---@return fun(): integer?, string?
function File:lines() end

--- The whole content, or nil (binary, not a regular file, over 16 MiB).
---@return string?
function File:text() end

--- The line number and text of the first line matching a PCRE2 regex.
---@param regex string
---@return integer? line
---@return string? text
function File:find(regex) end

--- The facts read from this file.
---@return Node[]
function File:describes() end

--- Why this file failed to parse, if it did.
---@return ParseError[]
function File:parse_errors() end

--- The single "repo" node.
---@class RepoNode: Node
---@field kind "repo"
---@field root string
---@field name string
---@field is_git boolean
---@field files integer
---@field bytes integer

--- The single "git" node (absent outside git): the attributes of repo.git.
---@class GitNode: Node, GitFacts
---@field kind "git"

---@class ParseError: Node
---@field kind "parse_error"
---@field parser string "dockerfile", "compose", "kubernetes", ...
---@field message string

-- ---------------------------------------------------------------------------
-- Manifests and dependencies (docs/facts/manifests.md, manifests-more.md)

---@class Manifest: Node
---@field kind "manifest"
---@field ecosystem string npm, python, go, cargo, maven, rubygems, composer
---@field file string basename
---@field name? string
---@field version? string
---@field private? boolean
---@field language_version? string engines.node, requires-python, go, rust-version, ...
---@field scripts? table<string, string> npm and composer scripts
---@field engines? table<string, string> npm engines
---@field workspaces? string[]
---@field lockfile_path? string
---@field license? string
---@field package_manager? string
---@field module_type? string
---@field index_url? string
---@field extra_index_urls? string[]
---@field build_backend? string
---@field toolchain? string Go
---@field replace? string[] Go
---@field exclude? string[] Go
---@field retract? string[] Go
---@field tools? string[] Go
---@field edition? string Cargo
---@field packaging? string Maven
---@field plugins? string[] Maven, Gradle
---@field group? string Gradle
---@field gemspec? boolean Ruby
---@field type? string Composer
---@field minimum_stability? string Composer
---@field extensions? string[] Composer platform requirements
local Manifest = {}

--- Every dependency of the manifest, direct and transitive.
---@return Dependency[]
function Manifest:dependencies() end

---@return Lockfile?
function Manifest:lockfile() end

---@class Lockfile: Node
---@field kind "lockfile"
---@field ecosystem string
---@field format string "package-lock@3", "yarn@1", "poetry", "go.sum", ...
---@field file string
---@field packages? integer
---@field ruby_version? string
---@field bundler_version? string
---@field platforms? string[]
local Lockfile = {}

---@return Manifest[]
function Lockfile:manifests() end

---@alias DependencyScope "prod"|"dev"|"optional"|"peer"|"build"|"test"

---@class Dependency: Node
---@field kind "dependency"
---@field ecosystem string
---@field name string
---@field constraint string as written; "" when none
---@field version? string resolved version
---@field scope DependencyScope
---@field direct boolean
---@field indirect? boolean Go `// indirect`
---@field manifest_path string
---@field source? string git, path, url, workspace, alias, vcs, editable, registry
---@field url? string
---@field git? string
---@field rev? string
---@field registry? string
---@field markers? string
---@field extras? string[]
---@field hashes? integer
---@field hashed? boolean
---@field group? string
---@field target? string Cargo `cfg(..)`
---@field managed? boolean workspace or dependencyManagement entry
---@field rename? string
---@field maven_scope? string
---@field platform? boolean Gradle platform(...)
local Dependency = {}

---@return Manifest?
function Dependency:manifest() end

---@return Lockfile?
function Dependency:lockfile() end

-- ---------------------------------------------------------------------------
-- CI (docs/facts/ci.md)

---@class CiConfig: Node
---@field kind "ci_config"
---@field system string

---@class Workflow: Node
---@field kind "workflow"
---@field system string github, gitlab, circleci, azure, bitbucket, jenkins
---@field name string
---@field named? boolean
---@field triggers? string[]
---@field dispatch_inputs? boolean
---@field permissions? string|table<string, string> scalar form, or a view of the map form
---@field env? table<string, string>
---@field concurrency? boolean
---@field composite? boolean
---@field action_using? string
---@field stages? string[]
---@field includes? string[]
---@field orbs? string[]
---@field declarative? boolean
local Workflow = {}

---@return Job[]
function Workflow:jobs() end

---@class Job: Node
---@field kind "job"
---@field id string
---@field name? string
---@field runs_on? string
---@field environment? string
---@field needs? string[]
---@field permissions? string|table<string, string>
---@field ["if"]? string
---@field timeout_minutes? string
---@field container? string
---@field services? string[] service images
---@field image? string
---@field stage? string
---@field when? string
---@field allow_failure? boolean
---@field rules? integer
---@field matrix? boolean
---@field uses? string
---@field secrets_inherit? boolean
---@field secrets? string[]
---@field env? table<string, string>
local Job = {}

---@return Step[]
function Job:steps() end

---@return Workflow?
function Job:workflow() end

---@class Step: Node
---@field kind "step"
---@field index integer 0-based
---@field name? string
---@field id? string
---@field ["if"]? string
---@field shell? string
---@field continue_on_error? string
---@field run? string
---@field uses? string
---@field uses_kind? "action"|"reusable"|"docker"|"local"
---@field uses_owner? string
---@field uses_repo? string
---@field uses_path? string
---@field uses_ref? string
---@field pinned? boolean
---@field with? table<string, string>
---@field env? table<string, string>
---@field secrets? string[]
---@field untrusted? string[] attacker-controlled expressions expanded in `run`
local Step = {}

---@return Job?
function Step:job() end

---@class UpdateConfig: Node
---@field kind "update_config"
---@field tool "dependabot"|"renovate"|"scala-steward"
---@field ecosystems? string[]
---@field directories? string[]
---@field schedules? string[]
---@field extends? string[]
---@field parsed? boolean
---@field enabled? boolean

-- ---------------------------------------------------------------------------
-- Containers (docs/facts/docker.md)

---@class DockerDirectives
---@field syntax? string
---@field escape? string
---@field check? string

---@class Dockerfile: Node
---@field kind "dockerfile"
---@field name string
---@field stage_count integer number of FROM
---@field instruction_count integer number of instructions
---@field final_user? string
---@field runs_as_root? boolean
---@field healthcheck boolean
---@field exposed string[]
---@field base_images string[]
---@field directives? DockerDirectives
local Dockerfile = {}

--- The last stage, the one `docker build` builds.
---@return DockerStage?
function Dockerfile:final_stage() end

---@return DockerStage[]
function Dockerfile:stages() end

---@return DockerInstruction[]
function Dockerfile:instructions() end

---@class DockerStage: Node
---@field kind "docker_stage"
---@field index integer 0-based
---@field name string the AS alias, "" when none
---@field image string
---@field registry? string
---@field repository? string
---@field tag? string
---@field digest? string
---@field pinned boolean
---@field latest boolean
---@field from_stage boolean
---@field scratch boolean
---@field dynamic boolean
---@field platform? string
---@field user? string
---@field workdir? string
---@field healthcheck? boolean
local DockerStage = {}

---@return Dockerfile?
function DockerStage:dockerfile() end

--- The stage's instructions, its FROM first.
---@return DockerInstruction[]
function DockerStage:instructions() end

--- The earlier stage that FROM names.
---@return DockerStage?
function DockerStage:base_stage() end

---@class DockerInstruction: Node
---@field kind "docker_instruction"
---@field instruction string upper case
---@field arguments string
---@field heredoc boolean
---@field flags? table<string, string|boolean> `--name=value` or bare `--name`
---@field form? "exec"|"shell"
---@field argv? string[]
---@field shell? string RUN
---@field mounts? string[]
---@field commands? string[]
---@field programs? string[]
---@field packages_installed? string[] "manager:spec"
---@field unpinned_packages? string[]
---@field installs_without_yes? string[]
---@field curl_pipe_shell? boolean
---@field sudo? boolean
---@field uses_cd? boolean
---@field pipes? boolean
---@field apt_no_install_recommends? boolean
---@field apt_cleanup? boolean
---@field package_cache_cleaned? table<string, boolean> by package manager
---@field names? string[] ENV, ARG
---@field values? table<string, string> ENV, ARG; "<redacted>" when secret-like
---@field secret_like? string[]
---@field sources? string[] COPY, ADD
---@field destination? string
---@field chown? string
---@field remote? boolean ADD
---@field archive? boolean ADD
---@field ports? string[] EXPOSE
---@field trigger? string ONBUILD
local DockerInstruction = {}

---@return DockerStage?
function DockerInstruction:stage() end

--- The earlier stage COPY --from names.
---@return DockerStage?
function DockerInstruction:copy_from() end

---@class ComposeFile: Node
---@field kind "compose_file"
---@field service_count integer
---@field version? string
---@field name? string
local ComposeFile = {}

---@return ComposeService[]
function ComposeFile:services() end

---@class ComposeResources
---@field limits? table<string, string>

---@class ComposeDeploy
---@field resources? ComposeResources

---@class ComposeService: Node
---@field kind "compose_service"
---@field name string
---@field image? string
---@field registry? string
---@field repository? string
---@field tag? string
---@field digest? string
---@field pinned? boolean
---@field latest? boolean
---@field build? string
---@field build_dockerfile? string
---@field privileged boolean
---@field read_only boolean
---@field healthcheck? boolean
---@field user? string
---@field network_mode? string
---@field pid? string
---@field ipc? string
---@field restart? string
---@field container_name? string
---@field platform? string
---@field ports? string[]
---@field volumes? string[]
---@field host_volumes string[]
---@field environment? table<string, string> "<redacted>" when secret-like
---@field secret_like string[]
---@field env_file? string[]
---@field cap_add? string[]
---@field cap_drop? string[]
---@field security_opt? string[]
---@field depends_on? string[]
---@field devices? string[]
---@field deploy? ComposeDeploy
local ComposeService = {}

---@return ComposeFile?
function ComposeService:file() end

-- ---------------------------------------------------------------------------
-- Kubernetes, Helm, Kustomize (docs/facts/kubernetes.md)

---@class K8sObject: Node
---@field kind "k8s_object"
---@field api_version string
---@field k8s_kind string
---@field name string
---@field namespace? string
---@field doc integer 0-based document index
---@field item? integer index within a List
---@field labels? table<string, string>
---@field annotations? table<string, string>
---@field templated boolean
local K8sObject = {}

---@return Workload?
function K8sObject:workload() end
---@return Service?
function K8sObject:service() end
---@return Ingress?
function K8sObject:ingress() end
---@return Hpa?
function K8sObject:hpa() end
---@return Pdb?
function K8sObject:pdb() end
---@return NetworkPolicy?
function K8sObject:network_policy() end
---@return ServiceMonitor?
function K8sObject:service_monitor() end
---@return PodMonitor?
function K8sObject:pod_monitor() end
---@return K8sSecret?
function K8sObject:k8s_secret() end
---@return ConfigMap?
function K8sObject:configmap() end
---@return ServiceAccount?
function K8sObject:service_account() end
---@return RoleBinding?
function K8sObject:role_binding() end
--- The rules of a Role or ClusterRole.
---@return RbacRule[]
function K8sObject:rbac_rules() end

--- What every specialised Kubernetes fact has.
---@class K8sFact: Node
---@field name? string
---@field namespace? string
local K8sFact = {}

--- The object the fact was read from.
---@return K8sObject?
function K8sFact:object() end

--- The pod-level securityContext.
---@class PodSecurity
---@field runAsNonRoot? boolean
---@field runAsUser? integer
---@field runAsGroup? integer
---@field fsGroup? integer
---@field fsGroupChangePolicy? string
---@field seccompProfile? { type?: string }
---@field seLinuxOptions? { type?: string }
---@field appArmorProfile? { type?: string }
---@field windowsOptions? { hostProcess?: boolean }
---@field supplementalGroups? string[]
---@field sysctls? string[]

---@class Workload: K8sFact
---@field kind "workload"
---@field k8s_kind string
---@field replicas? integer
---@field selector? table<string, string>
---@field selector_matches_template? boolean
---@field pod_labels? table<string, string>
---@field pod_annotations? table<string, string>
---@field host_network boolean
---@field host_pid boolean
---@field host_ipc boolean
---@field host_users? boolean
---@field service_account? string
---@field automount_token? boolean
---@field volumes string[]
---@field host_path_volumes string[]
---@field node_selector? table<string, string>
---@field has_affinity? boolean
---@field pod_anti_affinity? boolean
---@field topology_spread? boolean
---@field tolerations? integer
---@field priority_class? string
---@field security_context? boolean
---@field security? PodSecurity nil when the pod sets none
---@field restart_policy? string
---@field termination_grace_period? integer
---@field strategy? string
---@field service_name? string
---@field schedule? string
---@field starting_deadline? integer
---@field concurrency_policy? string
local Workload = {}

--- Init containers first.
---@return Container[]
function Workload:containers() end
---@return Service[]
function Workload:services() end
---@return Pdb[]
function Workload:pdbs() end
---@return NetworkPolicy[]
function Workload:network_policies() end
---@return Hpa[]
function Workload:hpas() end
---@return PodMonitor[]
function Workload:pod_monitors() end

---@class Capabilities
---@field add? string[]
---@field drop? string[]

--- The effective securityContext of a container.
---@class ContainerSecurity
---@field runAsNonRoot? boolean
---@field runAsUser? integer
---@field runAsGroup? integer
---@field seccompProfile? { type?: string, localhostProfile?: string }
---@field appArmorProfile? { type?: string }
---@field seLinuxOptions? { type?: string, level?: string }
---@field windowsOptions? { hostProcess?: boolean, runAsUserName?: string }
---@field readOnlyRootFilesystem? boolean
---@field allowPrivilegeEscalation? boolean
---@field privileged? boolean
---@field procMount? string
---@field capabilities? Capabilities

---@class ContainerResources
---@field requests? table<string, string> cpu, memory, ephemeral-storage, ...
---@field limits? table<string, string>

---@class Probe
---@field type? "httpGet"|"tcpSocket"|"exec"|"grpc"
---@field path? string
---@field port? string|integer
---@field command? string
---@field initialDelaySeconds? integer
---@field periodSeconds? integer
---@field timeoutSeconds? integer
---@field failureThreshold? integer
---@field successThreshold? integer

---@class ContainerProbes
---@field liveness? Probe
---@field readiness? Probe
---@field startup? Probe

---@class Container: Node
---@field kind "container"
---@field name string
---@field init boolean
---@field image string
---@field image_registry? string
---@field image_repository? string
---@field image_tag? string
---@field image_digest? string
---@field image_latest boolean
---@field pull_policy? string
---@field security_context? boolean
---@field security? ContainerSecurity nil when nothing is set
---@field resources? ContainerResources nil when nothing is set
---@field liveness boolean
---@field readiness boolean
---@field startup boolean
---@field probes? ContainerProbes
---@field ports string[]
---@field port_names string[]
---@field host_ports string[]
---@field env string[]
---@field env_literal string[]
---@field secret_env string[]
---@field env_from string[]
---@field command boolean
---@field args boolean
---@field executable? string
---@field flags string[]
---@field apparmor? string
local Container = {}

---@return Workload?
function Container:workload() end

---@class Service: K8sFact
---@field kind "service"
---@field type string
---@field selector? table<string, string>
---@field ports string[]
---@field node_ports? string[]
---@field cluster_ip? string
---@field external_name? string
---@field load_balancer? boolean
---@field node_port? boolean
---@field headless? boolean
local Service = {}

--- The workloads whose pod labels match, in the same namespace.
---@return Workload[]
function Service:selects() end
---@return ServiceMonitor[]
function Service:service_monitors() end
---@return Ingress[]
function Service:ingresses() end

---@class Ingress: K8sFact
---@field kind "ingress"
---@field hosts string[]
---@field paths string[]
---@field backends string[]
---@field tls boolean
---@field tls_hosts string[]
---@field ingress_class? string
local Ingress = {}

--- The backend Services found in the repository.
---@return Service[]
function Ingress:services() end

---@class Hpa: K8sFact
---@field kind "hpa"
---@field min_replicas? integer
---@field max_replicas? integer
---@field target_kind? string
---@field target_name? string
---@field target_api_version? string
---@field metrics string[]
local Hpa = {}

--- The workload scaleTargetRef names.
---@return Workload[]
function Hpa:targets() end

---@class Pdb: K8sFact
---@field kind "pdb"
---@field min_available? string
---@field max_unavailable? string
---@field selector? table<string, string>
local Pdb = {}

---@return Workload[]
function Pdb:selects() end

---@class NetworkPolicy: K8sFact
---@field kind "network_policy"
---@field pod_selector? table<string, string>
---@field selects_all boolean
---@field policy_types string[]
---@field ingress_rules integer
---@field egress_rules integer
---@field default_deny_ingress boolean
---@field default_deny_egress boolean
local NetworkPolicy = {}

---@return Workload[]
function NetworkPolicy:selects() end

---@class ServiceMonitor: K8sFact
---@field kind "service_monitor"
---@field selector? table<string, string>
---@field endpoints integer
---@field all_namespaces boolean
local ServiceMonitor = {}

---@return Service[]
function ServiceMonitor:selects() end

---@class PodMonitor: K8sFact
---@field kind "pod_monitor"
---@field selector? table<string, string>
---@field endpoints integer
---@field all_namespaces boolean
local PodMonitor = {}

---@return Workload[]
function PodMonitor:selects() end

---@class K8sSecret: K8sFact
---@field kind "k8s_secret"
---@field type string
---@field data_keys string[]
---@field inline_data boolean
---@field string_data boolean

---@class ConfigMap: K8sFact
---@field kind "configmap"
---@field data_keys string[]

---@class ServiceAccount: K8sFact
---@field kind "service_account"
---@field automount_token? boolean

---@class RbacRule: K8sFact
---@field kind "rbac_rule"
---@field role string
---@field cluster boolean
---@field api_groups string[]
---@field resources string[]
---@field verbs string[]
---@field resource_names? string[]
---@field non_resource_urls? string[]
---@field wildcard boolean
---@field dangerous string[]
local RbacRule = {}

---@return RoleBinding[]
function RbacRule:bindings() end

---@class RoleBinding: K8sFact
---@field kind "role_binding"
---@field role_ref string
---@field role_ref_kind string
---@field cluster boolean
---@field cluster_admin boolean
---@field subjects string[]
local RoleBinding = {}

--- The rules of the referenced role, when the repository defines it.
---@return RbacRule[]
function RoleBinding:rules() end

---@class HelmChart: Node
---@field kind "helm_chart"
---@field name string
---@field version? string
---@field app_version? string
---@field api_version? string
---@field type? string
---@field kube_version? string
---@field dependencies? string[] "name@version"
---@field values? table<string, any> scalars of values.yaml, up to depth 3
---@field values_resources? boolean
---@field values_security_context? boolean
local HelmChart = {}

---@return HelmTemplate[]
function HelmChart:templates() end

---@class HelmTemplate: Node
---@field kind "helm_template"
---@field templated boolean
---@field chart? string
local HelmTemplate = {}

---@return HelmChart?
function HelmTemplate:helm_chart() end

---@class Kustomization: Node
---@field kind "kustomization"
---@field resources? string[]
---@field bases? string[]
---@field components? string[]
---@field images? string[]
---@field patches? integer
---@field namespace? string
---@field name_prefix? string
---@field name_suffix? string
---@field config_map_generators? integer
---@field secret_generators? integer
---@field secret_literals? boolean

-- ---------------------------------------------------------------------------
-- Documents, hygiene and code signals (docs/facts/docs.md)

---@class Doc: Node
---@field kind "doc"
---@field doc_type string readme, license, security, ..., runbook, ..., doc
---@field root boolean
---@field title? string
---@field headings string[]
---@field topics string[]
---@field spdx? string licenses
---@field rules? integer CODEOWNERS
---@field owners? string[] CODEOWNERS
---@field covers_all? boolean CODEOWNERS

---@class EnvExample: Node
---@field kind "env_example"
---@field variables string[]

---@class IgnoreFile: Node
---@field kind "ignore_file"
---@field ignore_type "gitignore"|"dockerignore"
---@field patterns string[]

---@class ToolConfig: Node
---@field kind "tool_config"
---@field category "precommit"|"editorconfig"|"lint"|"format"|"typecheck"|"test"|"coverage"
---@field tool string

--- One per language with tests; no path.
---@class TestSuite: Node
---@field kind "test_suite"
---@field language string
---@field files integer
---@field dirs string[]
---@field e2e boolean
---@field integration boolean
---@field smoke boolean

---@class BenchDir: Node
---@field kind "bench_dir"
---@field files integer

---@alias SignalType "logging"|"metrics"|"tracing"|"error_tracking"|"health_endpoint"|"readiness_endpoint"|"liveness_endpoint"|"metrics_endpoint"

---@class Signal: Node
---@field kind "signal"
---@field signal_type SignalType
---@field name string the library or the route
---@field via "dependency"|"code"
---@field ecosystem? string
---@field language? string
local Signal = {}

--- The dependency a library signal comes from.
---@return Dependency?
function Signal:dependency() end

-- ---------------------------------------------------------------------------
-- Secrets (docs/facts/secrets.md)

---@class Secret: Node
---@field kind "secret"
---@field rule string
---@field description string
---@field severity Severity
---@field column integer 1-based, in bytes
---@field redacted string
---@field length integer
---@field hash string SHA-256 of the secret
---@field fingerprint string
---@field entropy number bits per byte
---@field suppressed boolean a crucible:allow-secret marker
---@field at_head boolean
---@field in_history boolean
---@field commit? string the commit that introduced it
---@field author_date? string
---@field value? string only with --no-redact

---@alias SensitiveCategory "env_file"|"private_key"|"keystore"|"kubeconfig"|"terraform_state"|"cloud_credentials"|"credentials_file"|"npmrc"|"pypirc"|"docker_config"|"secrets_dir"

---@class SensitiveFile: Node
---@field kind "sensitive_file"
---@field category SensitiveCategory
---@field at_head boolean
---@field in_history boolean
---@field dir? string the secrets directory it is under
---@field commit? string the commit that added it
---@field author_date? string

--- A secrets/ or credentials/ directory; `path` ends with "/".
---@class SensitiveDir: Node
---@field kind "sensitive_dir"
---@field files integer at HEAD
---@field deleted_files integer only in history

---@class SecretsScan: Node
---@field kind "secrets_scan"
---@field files_scanned integer
---@field files_cached integer
---@field bytes_scanned integer
---@field skipped_binary integer
---@field skipped_large integer
---@field blobs_scanned integer
---@field blobs_cached integer
---@field blobs_binary integer
---@field blobs_large integer
---@field commits integer
---@field rules integer
---@field rules_digest string
---@field history boolean
---@field cache boolean

return crucible
