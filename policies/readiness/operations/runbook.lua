-- At 3 am the on-call engineer needs the steps, not the author.

local service = require "service"

return crucible.policy{
  id = "OPS-RUNBOOK",
  title = "Runbook for the service",
  category = "operations",
  severity = "medium",
  weight = 2,
  needs = { "docs", "docker", "k8s", "signals" },
  description = "A deployed service should have a runbook or " ..
    "troubleshooting guide: how to check its health, restart, scale " ..
    "and debug it, and what each alert means.",
  remediation = "Add docs/runbook.md with sections for health checks, " ..
    "common alerts and their fixes, scaling, restarts and escalation.",
  check = function(repo)
    service.require_doc(repo, { "runbook", "troubleshooting" },
      "no runbook or troubleshooting guide", fail)
  end,
}
