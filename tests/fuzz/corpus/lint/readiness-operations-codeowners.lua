-- Every path should have someone who reviews changes to it.

local common = require "common"

local PATHS = {
  ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS",
}

return crucible.policy{
  id = "OPS-CODEOWNERS",
  title = "Code owners defined",
  category = "operations",
  severity = "low",
  weight = 1,
  description = "A CODEOWNERS file names who must review changes to " ..
    "each part of the code, and whom to page when it breaks.",
  remediation = "Add .github/CODEOWNERS with at least a default rule " ..
    "(`* @org/team`) and rules for sensitive paths.",
  references = {
    "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
  },
  check = function(repo)
    local owners = common.first_path(repo, PATHS)
    if not owners then
      return fail{ message = "no CODEOWNERS file", path = "." }
    end
    if not owners:find("^\\s*[^#\\s]") then
      return warn{ message = owners.path .. " has no ownership rules",
        path = owners.path }
    end
    pass(owners.path)
  end,
}
