-- pull_request_target and workflow_run run with the base repository's
-- secrets and a write token; checking out the pull request's head there
-- runs a stranger's code (its build scripts, its tests) with them.

local common = require "common"
local ci = require "ci"

local PRIVILEGED = { "pull_request_target", "workflow_run" }

-- A ref that names the untrusted head.
local HEAD_REF = "(?i)github\\.event\\.pull_request\\.head|github\\.head_ref|" ..
  "workflow_run\\.head_|refs/pull/"

-- A script that fetches the head itself.
local HEAD_FETCH = "(?i)\\bgh\\s+pr\\s+checkout\\b|\\bgit\\s+(?:fetch|checkout)" ..
  "\\b.*(?:head_ref|pull_request\\.head|refs/pull/)"

local function is_privileged(wf)
  for _, trigger in ipairs(PRIVILEGED) do
    if common.contains(wf.triggers, trigger) then
      return true
    end
  end
  return false
end

local function checks_out_head(step)
  if step.uses_owner == "actions" and step.uses_repo == "checkout" then
    local ref = step["with.ref"] or step["with.repository"]
    return ref ~= nil and crucible.match(HEAD_REF, ref) ~= nil
  end
  return step.run ~= nil and crucible.match(HEAD_FETCH, step.run) ~= nil
end

return crucible.policy{
  id = "CI-PR-TARGET-CHECKOUT",
  title = "Privileged workflows do not run pull request code",
  category = "ci",
  severity = "critical",
  weight = 3,
  needs = { "workflows" },
  description = "A workflow triggered by pull_request_target or " ..
    "workflow_run must not check out the pull request's head: that code " ..
    "then runs with the repository's secrets and write token.",
  remediation = "Use the pull_request trigger for building untrusted " ..
    "code; keep pull_request_target for labelling or commenting, " ..
    "without checking out the head.",
  references = {
    "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
  },
  check = function(repo)
    local workflows = ci.github_workflows(repo)
    if #workflows == 0 then
      return skip("no GitHub Actions workflow")
    end
    local privileged = 0
    for _, wf in ipairs(workflows) do
      if is_privileged(wf) then
        privileged = privileged + 1
        for _, job in ipairs(wf:jobs()) do
          for _, step in ipairs(job:steps()) do
            if checks_out_head(step) then
              fail{ message = wf.path .. ": job " .. job.id ..
                " checks out the pull request head in a privileged workflow",
                path = step.path, line = step.line }
            end
          end
        end
      end
    end
    if privileged == 0 then
      return pass("no workflow runs on pull_request_target or workflow_run")
    end
    pass(common.plural(privileged, "privileged workflow") ..
      ", none runs pull request code")
  end,
}
