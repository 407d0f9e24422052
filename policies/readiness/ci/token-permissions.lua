-- Without a permissions block the GITHUB_TOKEN gets the repository's
-- default, which on older repositories is write access to everything: a
-- compromised step can then push code or publish releases.

local common = require "common"
local ci = require "ci"

-- What is wrong with the token of a workflow, or nil.
local function problem(wf)
  if wf.permissions == "write-all" then
    return wf.path .. " grants the GITHUB_TOKEN write-all"
  end
  local undeclared = {}
  for _, job in ipairs(wf:jobs()) do
    if job.permissions == "write-all" then
      return wf.path .. ": job " .. job.id .. " grants write-all"
    end
    if not job.permissions and not job.uses then
      undeclared[#undeclared + 1] = job.id
    end
  end
  if wf.permissions or #undeclared == 0 then
    return nil
  end
  return wf.path .. " declares no permissions (jobs " ..
    common.list(undeclared, 3) .. " get the default token)"
end

return crucible.policy{
  id = "CI-TOKEN-PERMISSIONS",
  title = "Workflow token permissions are least privilege",
  category = "ci",
  severity = "high",
  weight = 2,
  needs = { "workflows" },
  description = "Every GitHub workflow should declare `permissions:` " ..
    "(at the top, or on each job) and never `write-all`, so that the " ..
    "GITHUB_TOKEN can do only what the job needs.",
  remediation = "Add `permissions: contents: read` at the top of each " ..
    "workflow and grant writes (packages: write, id-token: write, ...) " ..
    "only on the jobs that need them.",
  references = {
    "https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token",
  },
  check = function(repo)
    local workflows = ci.github_workflows(repo)
    if #workflows == 0 then
      return skip("no GitHub Actions workflow")
    end
    common.rate(workflows, problem, "workflow", "restricting the token")
  end,
}
