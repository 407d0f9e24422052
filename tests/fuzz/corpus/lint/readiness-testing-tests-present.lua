-- Code without tests cannot be changed safely.  Found by the layout and
-- file names each ecosystem's test runner expects: test directories and
-- test file names by glob, so that only the test files themselves
-- become objects.

local common = require "common"

local TEST_DIR_GLOBS = {
  "**/test/**", "**/tests/**", "**/__tests__/**", "**/spec/**",
}

-- Test file names by extension, as Lua patterns: only files of these
-- extensions need a pattern match at all.
local JS = { "%.test%.[^.]+$", "%.spec%.[^.]+$" }
local TEST_NAMES = {
  go = { "_test%.go$" },
  py = { "^test_", "_test%.py$" },
  js = JS, jsx = JS, mjs = JS, cjs = JS, ts = JS, tsx = JS, mts = JS, cts = JS,
  java = { "Tests?%.java$", "IT%.java$" },
  kt = { "Tests?%.kt$" },
  cs = { "Tests?%.cs$" },
  rb = { "_spec%.rb$", "_test%.rb$" },
  php = { "Test%.php$" },
  exs = { "_test%.exs$" },
  swift = { "Tests%.swift$" },
  dart = { "_test%.dart$" },
  c = { "^test_", "_test%.c$" },
  cc = { "_test%.cc$" },
  cpp = { "_test%.cpp$" },
}

-- Basename globs that match every name TEST_NAMES accepts (and some
-- more): they pick the candidates in C, is_test_name() decides.
local TEST_NAME_GLOBS = {
  "test_*", "*_test.*", "*.test.*", "*.spec.*", "*Test.*", "*Tests.*",
  "*IT.java", "*_spec.rb",
}

local function is_test_name(name, ext)
  for _, pattern in ipairs(TEST_NAMES[ext] or {}) do
    if name:find(pattern) then
      return true
    end
  end
  return false
end

return crucible.policy{
  id = "TEST-PRESENT",
  title = "Automated tests present",
  category = "testing",
  severity = "high",
  weight = 3,
  description = "A repository with source code should carry automated " ..
    "tests in the layout its test runner expects (tests/, __tests__/, " ..
    "*_test.go, test_*.py, *.spec.ts, ...).",
  remediation = "Add unit tests for the core logic and an end-to-end " ..
    "smoke test, and run them in CI.",
  check = function(repo)
    if not common.has_source(repo) then
      return skip("no source code")
    end
    local first = common.first(repo, TEST_DIR_GLOBS)
    local count = first and
      repo:count{ glob = TEST_DIR_GLOBS, type = "file" } or 0
    for _, f in ipairs(common.files(repo, TEST_NAME_GLOBS)) do
      if is_test_name(f.name, f.ext) and
          not common.matches_any(TEST_DIR_GLOBS, f.path) then
        count = count + 1
        first = first or f
      end
    end
    if count == 0 then
      return fail{ message = "no test files or test directories found",
        path = "." }
    end
    pass(common.plural(count, "test file") .. ", e.g. " .. first.path)
  end,
}
