-- A hung GitHub job holds its runner for six hours before GitHub kills
-- it, and a hung test run blocks every merge behind it.

local common = require "common"
local ci = require "ci"

return crucible.policy{
  id = "CI-JOB-TIMEOUTS",
  title = "CI jobs have timeouts",
  category = "ci",
  severity = "low",
  weight = 1,
  needs = { "workflows" },
  description = "Each GitHub Actions job should set timeout-minutes to a " ..
    "few times its usual duration instead of the default 360 minutes.",
  remediation = "Add `timeout-minutes: 15` (or what fits) to every job.",
  check = function(repo)
    local jobs = ci.github_jobs(repo)
    if #jobs == 0 then
      return skip("no GitHub Actions job")
    end
    common.rate(jobs, function(job)
      if job.timeout_minutes then
        return nil
      end
      return "job " .. job.id .. " has no timeout-minutes"
    end, "job", "with a timeout", warn)
  end,
}
