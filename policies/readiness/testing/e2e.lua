-- Unit tests prove the parts; only an end-to-end or integration test
-- proves the service starts, talks to its dependencies and answers.

local common = require "common"

-- Browser end-to-end tools, found by their configuration.
local E2E_TOOLS = { "cypress", "playwright" }

return crucible.policy{
  id = "TEST-E2E",
  title = "End-to-end or integration tests present",
  category = "testing",
  severity = "medium",
  weight = 2,
  needs = { "docs" },
  description = "Beyond unit and smoke tests, the repository should " ..
    "carry integration or end-to-end tests (e2e/, integration/, " ..
    "Cypress, Playwright) that exercise the assembled service.",
  remediation = "Add a suite under e2e/ or tests/integration/ that " ..
    "starts the service with its real dependencies (containers) and " ..
    "drives its API or UI, and run it in CI.",
  check = function(repo)
    local suites = repo:test_suites()
    if #suites == 0 then
      return skip("no tests")
    end
    local smoke = false
    for _, suite in ipairs(suites) do
      if suite.e2e or suite.integration then
        return pass(suite.language .. " tests in " ..
          common.list(suite.dirs or {}, 3))
      end
      smoke = smoke or suite.smoke
    end
    local tool = common.project(repo:tool_configs{ tool = E2E_TOOLS })[1]
    if tool then
      return pass(tool.tool .. ": " .. tool.path)
    end
    warn{ message = smoke and "only smoke tests, no integration or " ..
      "end-to-end tests" or "no integration or end-to-end tests",
      path = "." }
  end,
}
