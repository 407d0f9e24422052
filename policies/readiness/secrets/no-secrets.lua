-- Secrets in the files of the working tree: API keys, tokens, private
-- keys, passwords in connection strings, found by the secret rules
-- (docs/secrets.md).  Messages carry the redacted form only.  A secret
-- whose line says `crucible:allow-secret` is reported as waived: the
-- repository itself accepts it, and the report shows that it did.

local common = require "common"

local function describe(s)
  local text = string.format("%s:%d: %s %s", s.path, s.line, s.rule,
    s.redacted)
  if s.in_history then
    text = text .. " (committed in " .. s.commit:sub(1, 12) .. ")"
  end
  return text
end

return crucible.policy{
  id = "SEC-NO-SECRETS",
  title = "No secrets in the working tree",
  category = "secrets",
  severity = "critical",
  weight = 5,
  description = "Credentials in source, configuration or documentation " ..
    "reach everyone who can read the repository and every clone of it.",
  remediation = "Revoke and rotate each credential, remove it from the " ..
    "file, and load it from a secret manager or the environment at run " ..
    "time. A test fixture that only looks like a secret can say so with " ..
    "a `crucible:allow-secret` comment on its line.",
  references = {
    "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  params = {
    allow = {}, -- globs of files to accept, e.g. test fixtures
  },
  check = function(repo, params)
    local found = {}
    for _, s in ipairs(repo:secrets{ at_head = true }) do
      if not common.matches_any(params.allow, s.path) then
        fail{
          message = describe(s),
          path = s.path,
          line = s.line,
          key = s.fingerprint,
          suppressed = s.suppressed and
            "crucible:allow-secret on the line" or nil,
        }
        if not s.suppressed then
          found[#found + 1] = s
        end
      end
    end
    if #found == 0 then
      return pass("no secrets in the working tree")
    end
    score(0, string.format("%s in the working tree: %s",
      common.plural(#found, "secret"),
      common.group_summary(found, function(s)
        return common.dir_label(s.path)
      end)))
  end,
}
