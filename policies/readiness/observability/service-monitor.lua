-- A /metrics endpoint nobody scrapes is as good as none.

local common = require "common"

local function scraped(svc)
  if #svc:service_monitors() > 0 then
    return true
  end
  for _, w in ipairs(svc:selects()) do
    if #w:pod_monitors() > 0 or
        w["pod_annotations.prometheus.io/scrape"] == "true" then
      return true
    end
  end
  return false
end

return crucible.policy{
  id = "K8S-SERVICE-MONITOR",
  title = "Services are scraped for metrics",
  category = "observability",
  severity = "low",
  weight = 1,
  needs = { "k8s" },
  description = "Every Kubernetes Service in front of workloads should " ..
    "be scraped by Prometheus: a ServiceMonitor selecting it, a " ..
    "PodMonitor selecting its pods, or the prometheus.io/scrape " ..
    "annotation.",
  remediation = "Add a monitoring.coreos.com/v1 ServiceMonitor that " ..
    "selects the Service's labels and names its metrics port.",
  check = function(repo)
    local services = {}
    for _, svc in ipairs(common.project(repo:nodes("service"))) do
      if #svc:selects() > 0 then
        services[#services + 1] = svc
      end
    end
    if #services == 0 then
      return skip("no Kubernetes Service in front of a workload")
    end
    common.rate(services, function(svc)
      if scraped(svc) then
        return nil
      end
      return "Service " .. svc.name .. " is not scraped (no " ..
        "ServiceMonitor, PodMonitor or prometheus.io/scrape)"
    end, "Service", "scraped", warn)
  end,
}
