-- Untested code is invisible until coverage is measured.

local ci = require "ci"
local common = require "common"

local COVERAGE_COMMAND = "(?i)--cov\\b|--coverage|-coverprofile|" ..
  "\\bcoverage\\s+(?:run|report|xml)|\\bnyc\\b|\\bc8\\b|tarpaulin|" ..
  "llvm-cov|grcov|gcovr|\\blcov\\b|jacoco|simplecov|codecov|coveralls"

return crucible.policy{
  id = "TEST-COVERAGE",
  title = "Test coverage measured",
  category = "testing",
  severity = "low",
  weight = 1,
  needs = { "docs", "workflows" },
  description = "Test coverage should be measured, by a coverage tool's " ..
    "configuration (.nycrc, .coveragerc, codecov.yml, jacoco, ...) or a " ..
    "CI step that collects it, so that untested code shows up in review.",
  remediation = "Run the tests with coverage in CI (pytest --cov, jest " ..
    "--coverage, go test -coverprofile, cargo llvm-cov) and publish or " ..
    "gate on the report.",
  check = function(repo)
    if #repo:test_suites() == 0 then
      return skip("no tests")
    end
    local config = common.project(repo:tool_configs{ category = "coverage" })[1]
    if config then
      return pass(config.tool .. ": " .. config.path)
    end
    local step, match = ci.find_step(ci.steps(repo), COVERAGE_COMMAND)
    if step then
      return pass(ci.describe(step, match))
    end
    warn{ message = "no coverage configuration or coverage step in CI",
      path = "." }
  end,
}
