-- A wildcard rule or a cluster-admin binding gives a service account
-- the cluster: one stolen token is a full compromise.

local common = require "common"

return crucible.policy{
  id = "K8S-RBAC",
  title = "RBAC grants no wildcards or cluster-admin",
  category = "kubernetes",
  severity = "high",
  weight = 2,
  needs = { "k8s" },
  description = "Roles should name the API groups, resources and verbs " ..
    "they need (no `*`, no escalate, bind or impersonate), and nothing " ..
    "should be bound to cluster-admin.",
  remediation = "Replace wildcards with the exact resources and verbs, " ..
    "and bind a narrow Role instead of cluster-admin.",
  check = function(repo)
    local rules = common.project(repo:rbac_rules())
    local bindings = common.project(repo:nodes("role_binding"))
    if #rules == 0 and #bindings == 0 then
      return skip("no RBAC roles or bindings")
    end
    for _, r in ipairs(rules) do
      if r.wildcard then
        fail{ message = "role " .. r.role .. " grants a wildcard",
          path = r.path, line = r.line }
      end
      for _, verb in ipairs(r.dangerous or {}) do
        if verb ~= "*" then
          fail{ message = "role " .. r.role .. " grants " .. verb,
            path = r.path, line = r.line }
        end
      end
    end
    for _, b in ipairs(bindings) do
      if b.cluster_admin then
        fail{ message = b.name .. " binds cluster-admin to " ..
          common.list(b.subjects or {}, 3), path = b.path, line = b.line }
      end
    end
    pass(common.plural(#rules, "rule") .. " and " ..
      common.plural(#bindings, "binding") .. " without excess")
  end,
}
