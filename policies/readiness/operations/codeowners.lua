-- Every path should have someone who reviews changes to it.

local common = require "common"

-- Where GitHub and GitLab look for the file.
local PATHS = {
  ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS",
}

local function codeowners(repo)
  local found = {}
  for _, doc in ipairs(repo:docs{ doc_type = "codeowners" }) do
    found[doc.path] = doc
  end
  for _, path in ipairs(PATHS) do
    if found[path] then
      return found[path]
    end
  end
  return nil
end

return crucible.policy{
  id = "OPS-CODEOWNERS",
  title = "Code owners defined",
  category = "operations",
  severity = "low",
  weight = 1,
  needs = { "docs" },
  description = "A CODEOWNERS file names who must review changes to " ..
    "each part of the code, and whom to page when it breaks.",
  remediation = "Add .github/CODEOWNERS with at least a default rule " ..
    "(`* @org/team`) and rules for sensitive paths.",
  references = {
    "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
  },
  check = function(repo)
    local owners = codeowners(repo)
    if not owners then
      return fail{ message = "no CODEOWNERS file", path = "." }
    end
    if (owners.rules or 0) == 0 then
      return warn{ message = owners.path .. " has no ownership rules",
        path = owners.path }
    end
    if not owners.covers_all then
      return pass(owners.path .. ": " .. common.plural(owners.rules, "rule") ..
        ", no default (*) rule")
    end
    pass(owners.path .. ": " .. common.plural(owners.rules, "rule"))
  end,
}
