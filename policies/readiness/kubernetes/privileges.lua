-- Privileged containers, added capabilities and the host's namespaces
-- each hand a compromised process a piece of the node.

local common = require "common"
local k8s = require "k8s"

-- Capabilities that amount to root on the node.
local DANGEROUS = { "ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE",
  "SYS_MODULE", "DAC_READ_SEARCH", "BPF" }

local function host_namespaces(w)
  local shared = {}
  for _, ns in ipairs{ "network", "pid", "ipc" } do
    if w["host_" .. ns] then
      shared[#shared + 1] = "host " .. ns
    end
  end
  return shared
end

-- Everything a container may do beyond an unprivileged process.
local function excess(c)
  local found = {}
  if c["security.privileged"] == true then
    found[#found + 1] = "privileged"
  end
  if c["security.allowPrivilegeEscalation"] ~= false then
    found[#found + 1] = "privilege escalation not disabled"
  end
  local drop = c["security.capabilities.drop"]
  if not (common.contains(drop, "ALL") or common.contains(drop, "all")) then
    found[#found + 1] = "capabilities not dropped (drop: [ALL])"
  end
  for _, cap in ipairs(c["security.capabilities.add"] or {}) do
    if common.contains(DANGEROUS, (cap:upper():gsub("^CAP_", ""))) then
      found[#found + 1] = "adds " .. cap
    end
  end
  local w = c:workload()
  for _, ns in ipairs(w and host_namespaces(w) or {}) do
    found[#found + 1] = ns
  end
  return found
end

return crucible.policy{
  id = "K8S-PRIVILEGES",
  title = "Containers drop privileges",
  category = "kubernetes",
  severity = "high",
  weight = 3,
  needs = { "k8s" },
  description = "Containers should not be privileged, should set " ..
    "`allowPrivilegeEscalation: false`, drop all capabilities (adding " ..
    "back only harmless ones such as NET_BIND_SERVICE) and not share the " ..
    "host's network, PID or IPC namespaces.",
  remediation = "Give each container `securityContext: {privileged: " ..
    "false, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}` " ..
    "and remove hostNetwork, hostPID and hostIPC.",
  references = { "https://kubernetes.io/docs/concepts/security/pod-security-standards/" },
  check = function(repo)
    k8s.rate_containers(repo, function(c)
      local found = excess(c)
      if #found == 0 then
        return nil
      end
      return k8s.name(c) .. ": " .. table.concat(found, ", ")
    end, "without excess privileges", { with_init = true })
  end,
}
