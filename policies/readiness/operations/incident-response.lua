-- Who is paged, who decides, who talks to customers: settled before
-- the incident, not during it.

local service = require "service"

return crucible.policy{
  id = "OPS-INCIDENT-RESPONSE",
  title = "Incident response documented",
  category = "operations",
  severity = "medium",
  weight = 2,
  needs = { "docs", "docker", "k8s", "signals" },
  description = "A deployed service should document its incident " ..
    "response: on-call rotation, escalation path, severity levels and " ..
    "postmortems.",
  remediation = "Add docs/incident-response.md (or an on-call section " ..
    "in the runbook): who is on call, how to escalate, how incidents are " ..
    "declared, communicated and reviewed.",
  check = function(repo)
    service.require_doc(repo, { "incident", "oncall", "escalation",
      "postmortem" }, "no incident response, on-call or escalation " ..
      "document", fail)
  end,
}
