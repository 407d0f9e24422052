-- A third-party action referenced by tag runs whatever the tag points
-- to today, with the workflow's secrets.

local common = require "common"
local ci = require "ci"

local USES = "^\\s*(?:-\\s*)?uses:\\s*[\"']?([^\"'\\s#]+)"

-- Is this a reference the policy judges?  Local actions and the
-- trusted owners' actions are not.
local function is_third_party(ref, trusted)
  if ref:sub(1, 2) == "./" then
    return false
  end
  if ref:sub(1, 9) == "docker://" then
    return true
  end
  local owner = ref:match("^([^/@]+)")
  for _, name in ipairs(trusted) do
    if owner == name then
      return false
    end
  end
  return true
end

local function is_pinned(ref)
  if ref:sub(1, 9) == "docker://" then
    return ref:find("@sha256:", 1, true) ~= nil
  end
  local version = ref:match("@([^@]+)$")
  return version ~= nil and #version == 40 and
    version:match("^%x+$") ~= nil
end

return crucible.policy{
  id = "CI-ACTIONS-PINNED",
  title = "Third-party actions pinned to a commit",
  category = "ci",
  severity = "low",
  weight = 1,
  description = "GitHub Actions from third parties should be pinned to " ..
    "a full commit SHA: tags and branches can be moved to malicious " ..
    "code that then runs with the workflow's secrets.",
  remediation = "Replace `uses: owner/action@v3` with " ..
    "`uses: owner/action@<40-hex SHA> # v3` and let Dependabot keep " ..
    "the SHAs current.",
  references = {
    "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
  },
  params = {
    trusted_owners = { "actions", "github" },
  },
  check = function(repo, params)
    local total, pinned = 0, 0
    for _, f in ipairs(common.files(repo, ci.WORKFLOW_GLOBS)) do
      for n, text in f:lines() do
        local _, ref = crucible.match(USES, text)
        if ref and is_third_party(ref, params.trusted_owners) then
          total = total + 1
          if is_pinned(ref) then
            pinned = pinned + 1
          else
            fail{ message = string.format("%s:%d: %s is not pinned to a " ..
              "commit SHA", f.path, n, ref), path = f.path, line = n,
              key = ref }
          end
        end
      end
    end
    if total == 0 then
      return skip("no third-party GitHub Actions")
    end
    score(pinned / total, string.format("%d of %s pinned", pinned,
      common.plural(total, "third-party action")))
  end,
}
