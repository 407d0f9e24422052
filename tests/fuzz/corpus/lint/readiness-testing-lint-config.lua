-- Linters and formatters catch whole classes of bugs before review.

local common = require "common"

-- Configuration files at the root, by exact lower-case name.
local CONFIG_NAMES = {}
for _, name in ipairs{
  ".editorconfig", ".eslintrc", "biome.json", "biome.jsonc",
  ".golangci.yml", ".golangci.yaml", ".golangci.toml", "ruff.toml",
  ".ruff.toml", ".flake8", ".pylintrc", "pylintrc", "mypy.ini",
  ".rubocop.yml", ".clang-format", ".clang-tidy", "rustfmt.toml",
  ".rustfmt.toml", "clippy.toml", "checkstyle.xml",
  ".pre-commit-config.yaml", ".swiftlint.yml", "detekt.yml",
  ".scalafmt.conf", "tslint.json", ".luacheckrc", ".prettierrc",
  ".stylelintrc", ".markdownlint.json", ".markdownlint.yaml",
} do
  CONFIG_NAMES[name] = true
end

-- ... and by prefix, for tools with many spellings (.eslintrc.json,
-- eslint.config.mjs, .prettierrc.yaml, phpcs.xml.dist, ...).
local CONFIG_PREFIXES = {
  ".eslintrc.", "eslint.config.", ".prettierrc.", "prettier.config.",
  ".stylelintrc.", "stylelint.config.", "phpcs.xml", ".php-cs-fixer",
  "phpstan.neon", ".markdownlint",
}

local function is_config(name)
  if CONFIG_NAMES[name] then
    return true
  end
  for _, prefix in ipairs(CONFIG_PREFIXES) do
    if name:sub(1, #prefix) == prefix then
      return true
    end
  end
  return false
end

-- Tools configured inside a shared manifest: { file, section regex }.
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
  description = "A committed linter, formatter or .editorconfig " ..
    "configuration makes style and common mistakes checkable by " ..
    "machines, in the editor and in CI.",
  remediation = "Commit the configuration of your language's linter " ..
    "(ESLint, Ruff, golangci-lint, RuboCop, clippy, ...) and run it in CI.",
  check = function(repo)
    if not common.has_source(repo) then
      return skip("no source code")
    end
    local config = common.named_files(repo, { "" }, is_config)[1]
    if config then
      return pass(config.path)
    end
    local embedded = embedded_config(repo)
    if embedded then
      return pass("configured in " .. embedded)
    end
    fail{ message = "no linter, formatter or .editorconfig configuration " ..
      "at the repository root", path = "." }
  end,
}
