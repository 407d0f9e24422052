-- Every container of a Kubernetes workload declares a memory limit: without
-- one, a leak in one pod can take the whole node down with it.

return crucible.policy{
  id = "ACME-K8S-MEMORY-LIMITS",
  title = "Containers have a memory limit",
  category = "kubernetes",
  severity = "high",
  weight = 3,
  description = "A container without resources.limits.memory can use all " ..
    "the memory of its node.",
  remediation = "Set resources.limits.memory on every container.",
  params = {
    allow = { type = "list", default = {},
      description = "container names that may go without (sidecars " ..
        "injected with their own limits)" },
  },
  needs = { "k8s" },
  check = function(repo, params)
    local allowed = {}
    for _, name in ipairs(params.allow) do
      allowed[name] = true
    end
    local containers = repo:containers{ init = false }
    if #containers == 0 then
      return skip("no Kubernetes containers")
    end
    for _, c in ipairs(containers) do
      if c["resources.limits.memory"] == nil and not allowed[c.name] then
        fail{ message = string.format("%s %s, container %s has no memory " ..
          "limit", c:workload().k8s_kind, c:workload().name, c.name),
          path = c.path, line = c.line }
      end
    end
  end,
}
