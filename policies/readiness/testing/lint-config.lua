-- Linters and formatters catch whole classes of bugs before review.

local common = require "common"

local CATEGORIES = { "lint", "format", "editorconfig", "typecheck",
  "precommit" }

-- Tools configured inside a shared manifest, which the tool_config
-- facts (found by file name) do not see: { file, section regex }.
local EMBEDDED = {
  { "pyproject.toml", "^\\s*\\[tool\\.(?:ruff|black|pylint|flake8|isort|mypy)" },
  { "setup.cfg", "^\\s*\\[(?:flake8|pylint|mypy|isort)" },
  { "package.json", "\"(?:eslintConfig|prettier|stylelint)\"\\s*:" },
}

local function embedded_config(repo)
  for _, where in ipairs(EMBEDDED) do
    local f = repo:file(where[1])
    if f and f:find(where[2]) then
      return where[1]
    end
  end
  return nil
end

return crucible.policy{
  id = "TEST-LINT-CONFIG",
  title = "Linter or formatter configured",
  category = "testing",
  severity = "low",
  weight = 1,
  needs = { "docs" },
  description = "A committed linter, formatter, type checker or " ..
    ".editorconfig configuration makes style and common mistakes " ..
    "checkable by machines, in the editor and in CI.",
  remediation = "Commit the configuration of your language's linter " ..
    "(ESLint, Ruff, golangci-lint, RuboCop, clippy, ...) and run it in CI.",
  check = function(repo)
    if not common.has_source(repo) then
      return skip("no source code")
    end
    local configs = common.project(repo:tool_configs{ category = CATEGORIES })
    if #configs > 0 then
      return pass(common.list(common.paths(configs), 3))
    end
    local embedded = embedded_config(repo)
    if embedded then
      return pass("configured in " .. embedded)
    end
    fail{ message = "no linter, formatter or .editorconfig configuration",
      path = "." }
  end,
}
