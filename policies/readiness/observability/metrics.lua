-- What is not measured cannot be alerted on: without metrics an outage
-- is reported by customers.

local common = require "common"
local service = require "service"

return crucible.policy{
  id = "OBS-METRICS",
  title = "Metrics exposed",
  category = "observability",
  severity = "medium",
  weight = 2,
  needs = { "signals", "manifests", "docker", "k8s" },
  description = "A deployed service should expose metrics: a metrics " ..
    "library (Prometheus client, Micrometer, OpenTelemetry metrics, " ..
    "StatsD) or a /metrics route, or be scraped by a ServiceMonitor or " ..
    "PodMonitor.",
  remediation = "Add your platform's Prometheus client, expose /metrics " ..
    "with request rate, errors and latency, and scrape it.",
  check = function(repo)
    local monitor = common.project(repo:nodes("service_monitor"))[1] or
      common.project(repo:nodes("pod_monitor"))[1]
    if monitor and not service.skip_reason(repo) then
      return pass(monitor.kind .. " " .. monitor.name .. " in " .. monitor.path)
    end
    service.require_signal(repo, { "metrics", "metrics_endpoint" },
      "no metrics library or /metrics route", fail)
  end,
}
