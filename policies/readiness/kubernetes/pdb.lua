-- Without a PodDisruptionBudget a node drain may evict every replica at
-- once: the service is down during a routine cluster upgrade.

local k8s = require "k8s"

local REPLICATED = { Deployment = true, StatefulSet = true,
  ReplicaSet = true, Rollout = true }

-- The replicas a workload runs with: its own count, or its autoscaler's
-- floor.
local function replicas(w)
  local n = w.replicas or 1
  for _, hpa in ipairs(w:hpas()) do
    n = math.max(n, hpa.min_replicas or 1)
  end
  return n
end

return crucible.policy{
  id = "K8S-PDB",
  title = "Replicated workloads have a PodDisruptionBudget",
  category = "kubernetes",
  severity = "medium",
  weight = 2,
  needs = { "k8s" },
  description = "Workloads that run more than one replica should be " ..
    "selected by a PodDisruptionBudget that still allows an eviction, " ..
    "so that voluntary disruptions keep enough of them serving.",
  remediation = "Add a policy/v1 PodDisruptionBudget selecting the pod " ..
    "labels with `maxUnavailable: 1` (or a `minAvailable` below the " ..
    "replica count).",
  check = function(repo)
    local replicated = {}
    for _, w in ipairs(k8s.workloads(repo)) do
      if REPLICATED[w.k8s_kind] and replicas(w) > 1 then
        replicated[#replicated + 1] = w
      end
    end
    k8s.rate_workloads(repo, replicated, function(w)
      local pdb = w:pdbs()[1]
      if not pdb then
        return k8s.describe(w) .. " runs " .. replicas(w) ..
          " replicas without a PodDisruptionBudget"
      end
      if pdb.max_unavailable == "0" or pdb.max_unavailable == "0%" or
          pdb.min_available == "100%" then
        return "the PodDisruptionBudget of " .. k8s.describe(w) ..
          " allows no eviction, which blocks node drains"
      end
      return nil
    end, "with a disruption budget")
  end,
}
