-- Dependencies rot: updates should arrive as reviewable pull requests
-- instead of in a yearly panic.

local common = require "common"

-- Renovate also reads its configuration from package.json, which the
-- manifest facts do not keep.
local function renovate_in_package_json(repo)
  local f = repo:file("package.json")
  return f ~= nil and f:find("^\\s*\"renovate\"\\s*:") ~= nil
end

return crucible.policy{
  id = "DEP-UPDATE-TOOL",
  title = "Automated dependency updates",
  category = "dependencies",
  severity = "medium",
  weight = 2,
  needs = { "manifests", "workflows" },
  description = "Dependabot or Renovate opens pull requests for " ..
    "dependency updates and security fixes, so that patches are " ..
    "applied in days, not months.",
  remediation = "Add .github/dependabot.yml (one entry per ecosystem) " ..
    "or a renovate.json, and merge its pull requests routinely.",
  references = {
    "https://docs.github.com/en/code-security/dependabot/dependabot-version-updates/configuration-options-for-the-dependabot.yml-file",
  },
  check = function(repo)
    if #common.project(repo:manifests()) == 0 then
      return skip("no dependency manifest")
    end
    local config = repo:update_configs()[1]
    if config then
      return pass(config.tool .. ": " .. config.path)
    end
    if renovate_in_package_json(repo) then
      return pass("Renovate configured in package.json")
    end
    fail{ message = "no Dependabot or Renovate configuration", path = "." }
  end,
}
