-- Known-vulnerable code and dependencies are found by scanners, not by
-- reviewers.

local common = require "common"
local ci = require "ci"

local SCANNER = "(?i)\\b(?:codeql(?!-action/upload-sarif)|snyk|trivy|grype|semgrep|gitleaks|" ..
  "trufflehog|dependency-review|osv-scanner|bandit|gosec|govulncheck|" ..
  "brakeman|npm audit|yarn audit|pnpm audit|pip-audit|safety check|" ..
  "cargo audit|cargo deny|sonar\\w*|checkov|tfsec|kics|anchore|zizmor|" ..
  "scorecard|owasp dependency-check|dependency-check)\\b"

-- GitLab's own scanners come as included templates
-- (template:Security/SAST.gitlab-ci.yml, ...).
local GITLAB_TEMPLATE = "(?i)Security/|SAST|Dependency-Scanning|" ..
  "Container-Scanning|Secret-Detection"

local function gitlab_scan(repo)
  for _, wf in ipairs(common.project(repo:workflows{ system = "gitlab" })) do
    for _, include in ipairs(wf.includes or {}) do
      if crucible.match(GITLAB_TEMPLATE, include) then
        return wf.path .. " includes " .. include
      end
    end
  end
  return nil
end

return crucible.policy{
  id = "CI-SECURITY-SCAN",
  title = "Security scanning in CI",
  category = "ci",
  severity = "medium",
  weight = 2,
  needs = { "workflows" },
  description = "CI should run at least one security scanner: static " ..
    "analysis (CodeQL, Semgrep), dependency audit (npm audit, " ..
    "pip-audit, govulncheck, Snyk), image scanning (Trivy, Grype) or " ..
    "secret scanning (gitleaks).",
  remediation = "Add a scanning job, e.g. github/codeql-action or " ..
    "aquasecurity/trivy-action, that runs on pull requests and on a " ..
    "schedule.",
  check = function(repo)
    local configs = ci.configs(repo)
    if #configs == 0 then
      return skip("no CI configuration")
    end
    local step, match = ci.find_step(ci.steps(repo), SCANNER)
    if step then
      return pass(ci.describe(step, match))
    end
    local template = gitlab_scan(repo)
    if template then
      return pass(template)
    end
    fail{ message = "no security scanner found in the CI configuration",
      path = configs[1].path }
  end,
}
