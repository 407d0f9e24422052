-- In a system of services, a slow request is found by its trace.

local service = require "service"

return crucible.policy{
  id = "OBS-TRACING",
  title = "Distributed tracing",
  category = "observability",
  severity = "low",
  weight = 1,
  needs = { "signals", "manifests", "docker", "k8s" },
  description = "A deployed service should be instrumented for " ..
    "distributed tracing (OpenTelemetry, or a vendor's tracer), so that " ..
    "a request can be followed across services.",
  remediation = "Add the OpenTelemetry SDK and auto-instrumentation for " ..
    "your framework, and export to your tracing backend.",
  check = function(repo)
    service.require_signal(repo, "tracing",
      "no tracing library (OpenTelemetry or similar)", warn)
  end,
}
