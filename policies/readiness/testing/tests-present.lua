-- Code without tests cannot be changed safely.  The docs collector
-- groups test files per language (test directories and the names each
-- ecosystem's runner expects), so every main language of the code
-- should have a suite.

local common = require "common"

-- Languages of application code, and the family whose tests cover them
-- (TypeScript code is often tested from JavaScript and back).
local FAMILY = {
  c = "c", cpp = "c", csharp = "csharp", go = "go", java = "jvm",
  kotlin = "jvm", scala = "jvm", groovy = "jvm", javascript = "js",
  typescript = "js", php = "php", python = "python", ruby = "ruby",
  rust = "rust", swift = "swift", elixir = "elixir", dart = "dart",
}

local LANGUAGES = {}
for language in pairs(FAMILY) do
  LANGUAGES[#LANGUAGES + 1] = language
end
table.sort(LANGUAGES)

-- The languages with at least `min_files` files of code, largest first.
local function main_languages(repo, min_files)
  local out = {}
  for _, language in ipairs(LANGUAGES) do
    local n = repo:count{ language = language, type = "file" }
    if n >= min_files then
      out[#out + 1] = { language = language, files = n }
    end
  end
  table.sort(out, function(a, b) return a.files > b.files end)
  return out
end

return crucible.policy{
  id = "TEST-PRESENT",
  title = "Automated tests present",
  category = "testing",
  severity = "high",
  weight = 3,
  needs = { "docs" },
  description = "A repository with source code should carry automated " ..
    "tests, in the layout its test runner expects (tests/, __tests__/, " ..
    "*_test.go, test_*.py, *.spec.ts, ...), for each of its main " ..
    "languages.",
  remediation = "Add unit tests for the core logic and an end-to-end " ..
    "smoke test, and run them in CI.",
  params = {
    min_files = { type = "integer", default = 10,
      description = "files of code that make a language a main one" },
  },
  check = function(repo, params)
    if not common.has_source(repo) then
      return skip("no source code")
    end
    local suites = repo:test_suites()
    local tested, total = {}, 0
    for _, suite in ipairs(suites) do
      tested[FAMILY[suite.language] or suite.language] = true
      total = total + suite.files
    end
    if total == 0 then
      return fail{ message = "no test files or test directories found",
        path = "." }
    end
    for _, main in ipairs(main_languages(repo, params.min_files)) do
      if not tested[FAMILY[main.language]] then
        warn{ message = string.format("no %s tests for %d %s files",
          main.language, main.files, main.language), path = ".",
          key = main.language }
      end
    end
    pass(common.plural(total, "test file") .. " in " ..
      common.plural(#suites, "language"))
  end,
}
