-- A third-party action referenced by tag runs whatever the tag points
-- to today, with the workflow's secrets.

local common = require "common"
local ci = require "ci"

-- Steps and reusable-workflow calls that take code from elsewhere, from
-- owners other than the trusted ones.
local function third_party(repo, trusted)
  local out = {}
  for _, step in ipairs(ci.steps(repo)) do
    local kind = step.uses_kind
    if (kind == "action" or kind == "reusable" or kind == "docker") and
        not common.contains(trusted, step.uses_owner) then
      out[#out + 1] = step
    end
  end
  return out
end

return crucible.policy{
  id = "CI-ACTIONS-PINNED",
  title = "Third-party actions pinned to a commit",
  category = "ci",
  severity = "low",
  weight = 1,
  needs = { "workflows" },
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
    trusted_owners = { type = "list", default = { "actions", "github" },
      description = "owners whose actions may be referenced by tag" },
  },
  check = function(repo, params)
    local steps = third_party(repo, params.trusted_owners)
    if #steps == 0 then
      return skip("no third-party GitHub Actions")
    end
    common.rate(steps, function(step)
      if step.pinned then
        return nil
      end
      return step.uses .. " is not pinned to a commit SHA"
    end, "third-party action", "pinned")
  end,
}
