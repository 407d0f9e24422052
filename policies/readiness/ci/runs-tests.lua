-- A pipeline that does not run the tests only proves the code compiles.

local ci = require "ci"

local TEST_COMMAND = "(?i)\\b(?:npm (?:run )?test|yarn test|pnpm test|" ..
  "npx (?:jest|vitest|mocha)|jest|vitest|mocha|pytest|tox|nox|go test|" ..
  "cargo (?:test|nextest)|ctest|make (?:test|check|ci)|" ..
  "mvn\\b.*\\b(?:test|verify)|gradlew?\\b.*\\b(?:test|check|build)|rspec|" ..
  "phpunit|dotnet test|mix test|swift test|rake(?: test| spec)?|" ..
  "bazel test|just test|task test)\\b" ..
  -- or the project's own test or CI script: .ci/run, scripts/test.sh, ...
  "|(?:\\.\\.?/)?\\.?\\b(?:ci|scripts?|bin|tools)/[\\w.-]*" ..
  "(?:test|check|ci|run)[\\w.-]*"

return crucible.policy{
  id = "CI-RUNS-TESTS",
  title = "CI runs the tests",
  category = "ci",
  severity = "medium",
  weight = 2,
  needs = { "workflows" },
  description = "The CI configuration should invoke the test suite " ..
    "(npm test, pytest, go test, cargo test, mvn verify, a project's " ..
    "own scripts/test or .ci/run, ...), so that " ..
    "no change merges with failing tests.",
  remediation = "Add a test step to the pipeline that runs on every " ..
    "pull request and blocks the merge when it fails.",
  check = function(repo)
    local configs = ci.configs(repo)
    if #configs == 0 then
      return skip("no CI configuration")
    end
    local step, match = ci.find_step(ci.steps(repo), TEST_COMMAND)
    if not step then
      return warn{ message = "no CI step runs a test command",
        path = configs[1].path }
    end
    pass(ci.describe(step, "`" .. match .. "`"))
  end,
}
