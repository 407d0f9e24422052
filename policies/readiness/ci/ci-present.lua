-- Changes should be built and checked by a machine before they merge.

local common = require "common"
local ci = require "ci"

return crucible.policy{
  id = "CI-PRESENT",
  title = "Continuous integration configured",
  category = "ci",
  severity = "high",
  weight = 3,
  needs = { "workflows" },
  description = "A CI pipeline (GitHub Actions, GitLab CI, Jenkins, " ..
    "CircleCI, Azure Pipelines, Bitbucket Pipelines, ...) builds and " ..
    "checks every change the same way.",
  remediation = "Add a pipeline that builds, lints and tests every push " ..
    "and pull request, e.g. .github/workflows/ci.yml.",
  check = function(repo)
    local configs = ci.configs(repo)
    if #configs == 0 then
      return fail{ message = "no CI configuration found", path = "." }
    end
    pass(common.list(common.paths(configs), 3))
  end,
}
