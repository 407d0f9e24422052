-- Known-vulnerable code and dependencies are found by scanners, not by
-- reviewers.

local ci = require "ci"

local SCANNER = "(?i)\\b(?:codeql|snyk|trivy|grype|semgrep|gitleaks|" ..
  "trufflehog|dependency-review|osv-scanner|bandit|gosec|govulncheck|" ..
  "brakeman|npm audit|yarn audit|pnpm audit|pip-audit|safety check|" ..
  "cargo audit|cargo deny|sonar\\w*|checkov|tfsec|kics|anchore|zizmor|" ..
  "scorecard|owasp dependency-check|dependency-check)\\b"

return crucible.policy{
  id = "CI-SECURITY-SCAN",
  title = "Security scanning in CI",
  category = "ci",
  severity = "medium",
  weight = 2,
  description = "CI should run at least one security scanner: static " ..
    "analysis (CodeQL, Semgrep), dependency audit (npm audit, " ..
    "pip-audit, govulncheck, Snyk), image scanning (Trivy, Grype) or " ..
    "secret scanning (gitleaks).",
  remediation = "Add a scanning job, e.g. github/codeql-action or " ..
    "aquasecurity/trivy-action, that runs on pull requests and on a " ..
    "schedule.",
  check = function(repo)
    local files = ci.files(repo)
    if #files == 0 then
      return skip("no CI configuration")
    end
    local hit = ci.find(files, SCANNER)
    if not hit then
      return fail{ message = "no security scanner found in the CI " ..
        "configuration", path = files[1].path }
    end
    pass(string.format("%s:%d runs %s", hit.path, hit.line, hit.match))
  end,
}
