-- A container running as root turns a code execution bug into root on
-- the node's kernel interface, one escape away from the node.

local k8s = require "k8s"

local function runs_as_non_root(c)
  local s = c.security
  if not s then
    return false
  end
  return s.runAsNonRoot == true or (tonumber(s.runAsUser) or 0) > 0
end

return crucible.policy{
  id = "K8S-NON-ROOT",
  title = "Pods run as non-root",
  category = "kubernetes",
  severity = "high",
  weight = 3,
  needs = { "k8s" },
  description = "Every container should be required to run as a " ..
    "non-root user: `runAsNonRoot: true` or a non-zero `runAsUser` in " ..
    "its (or its pod's) securityContext.",
  remediation = "Set `securityContext: {runAsNonRoot: true, runAsUser: " ..
    "10001}` on the pod and build the image with a matching USER.",
  references = { "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted" },
  check = function(repo)
    k8s.rate_containers(repo, function(c)
      if runs_as_non_root(c) then
        return nil
      end
      return k8s.name(c) .. " may run as root (no runAsNonRoot or " ..
        "non-zero runAsUser)"
    end, "running as non-root", { with_init = true })
  end,
}
