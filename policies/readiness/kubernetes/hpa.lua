-- A Deployment with a fixed replica count cannot absorb a traffic spike.

local k8s = require "k8s"

return crucible.policy{
  id = "K8S-HPA",
  title = "Deployments autoscale",
  category = "kubernetes",
  severity = "low",
  weight = 1,
  needs = { "k8s" },
  description = "Every Deployment should be the target of a " ..
    "HorizontalPodAutoscaler (or another autoscaler) with minReplicas " ..
    "of 2 or more, so that capacity follows load.",
  remediation = "Add an autoscaling/v2 HorizontalPodAutoscaler whose " ..
    "scaleTargetRef names the Deployment, with minReplicas: 2 and a CPU " ..
    "or custom metric target.",
  check = function(repo)
    local deployments = {}
    for _, w in ipairs(k8s.workloads(repo)) do
      if w.k8s_kind == "Deployment" then
        deployments[#deployments + 1] = w
      end
    end
    k8s.rate_workloads(repo, deployments, function(w)
      local hpa = w:hpas()[1]
      if not hpa then
        return k8s.describe(w) .. " has no HorizontalPodAutoscaler"
      end
      if (hpa.min_replicas or 1) < 2 then
        return "the autoscaler of " .. k8s.describe(w) ..
          " allows a single replica (minReplicas < 2)"
      end
      return nil
    end, "autoscaled", warn)
  end,
}
