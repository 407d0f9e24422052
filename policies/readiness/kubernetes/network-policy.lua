-- Without a NetworkPolicy every pod of the cluster can reach this one,
-- and it can reach everything: one compromise spreads freely.

local k8s = require "k8s"

return crucible.policy{
  id = "K8S-NETWORK-POLICY",
  title = "Workloads are covered by a NetworkPolicy",
  category = "kubernetes",
  severity = "medium",
  weight = 2,
  needs = { "k8s" },
  description = "Every long-running workload should be selected by a " ..
    "NetworkPolicy (a default-deny policy of its namespace counts), so " ..
    "that only the traffic it needs reaches it.",
  remediation = "Add a default-deny NetworkPolicy per namespace and " ..
    "policies that allow each workload's ingress (and egress) " ..
    "explicitly.",
  check = function(repo)
    k8s.rate_workloads(repo, k8s.long_running(repo), function(w)
      if #w:network_policies() > 0 then
        return nil
      end
      return k8s.describe(w) .. " is not selected by any NetworkPolicy"
    end, "covered by a NetworkPolicy")
  end,
}
