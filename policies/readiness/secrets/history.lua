-- Secrets that were committed and later removed: every clone, fork and
-- backup still holds them, so deleting the file fixed nothing.  Each
-- finding names the commit that introduced the secret and the path it
-- had there.  Secrets still present are SEC-NO-SECRETS' findings.

local common = require "common"

local function scan_info(repo)
  return repo:nodes("secrets_scan")[1]
end

return crucible.policy{
  id = "SEC-HISTORY",
  title = "No secrets left in git history",
  category = "secrets",
  severity = "high",
  weight = 3,
  needs = { "secrets", "history" },
  description = "A secret removed from the working tree lives on in the " ..
    "commit that introduced it, readable by anyone who clones the " ..
    "repository.",
  remediation = "Rotate every credential listed (it must be treated as " ..
    "leaked), then rewrite the history without it (git filter-repo " ..
    "--replace-text) and have every clone re-fetched.",
  params = {
    allow = {}, -- globs of paths to accept
  },
  check = function(repo, params)
    if not repo.is_git then
      return skip("not a git repository")
    end
    local info = scan_info(repo)
    if not info or not info.history then
      return skip("the history was not scanned (--history=none)")
    end
    local found = 0
    for _, s in ipairs(repo:secrets{ at_head = false, in_history = true }) do
      if not common.matches_any(params.allow, s.path) then
        if not s.suppressed then
          found = found + 1
        end
        fail{
          message = string.format("%s %s introduced in %s (%s) at %s, " ..
            "deleted since", s.rule, s.redacted, s.commit:sub(1, 12),
            s.author_date, s.path),
          path = s.path,
          commit = s.commit,
          key = s.fingerprint,
          suppressed = s.suppressed and
            "crucible:allow-secret on the line" or nil,
        }
      end
    end
    if found == 0 then
      return pass(string.format("no secrets only in history (%s scanned)",
        common.plural(info.commits, "commit")))
    end
    score(0, string.format("%s only in git history",
      common.plural(found, "secret")))
  end,
}
