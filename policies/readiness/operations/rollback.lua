-- A deployment that cannot be undone quickly turns a bad release into
-- an outage.

local ci = require "ci"
local service = require "service"

local ROLLBACK = "(?i)\\brollback\\b|\\bhelm\\s+rollback\\b|" ..
  "\\bkubectl\\s+(?:argo\\s+)?rollouts?\\s+undo\\b|\\brollout\\s+undo\\b"

return crucible.policy{
  id = "OPS-ROLLBACK",
  title = "Rollback procedure exists",
  category = "operations",
  severity = "medium",
  weight = 2,
  needs = { "docs", "workflows", "docker", "k8s", "signals" },
  description = "A deployed service should say how to roll a release " ..
    "back, in a document (a rollback section of the runbook) or as an " ..
    "automated CI job.",
  remediation = "Document the rollback (helm rollback, kubectl rollout " ..
    "undo, redeploying the previous image tag) and the data migrations " ..
    "it must respect, or add a rollback workflow.",
  check = function(repo)
    local step, match = ci.find_step(ci.steps(repo), ROLLBACK)
    if step and not service.skip_reason(repo) then
      return pass(ci.describe(step, match))
    end
    service.require_doc(repo, { "rollback", "disaster_recovery" },
      "no rollback procedure (no document and no CI step)", fail)
  end,
}
