-- Without a license nobody else may lawfully use, change or ship the code.

local common = require "common"

local is_license = common.document_named{
  "license", "licence", "copying", "unlicense",
}

-- REUSE-style LICENSES/ directories hold one text per license.
local LICENSE_DIRS = { "/LICENSES/*", "/licenses/*" }

return crucible.policy{
  id = "DOC-LICENSE",
  title = "License declared",
  category = "documentation",
  severity = "low",
  weight = 1,
  description = "A LICENSE file states who may use, modify and " ..
    "redistribute the code.  Internal code benefits too: it records " ..
    "the owner's terms when code is shared or open-sourced later.",
  remediation = "Add a LICENSE file at the root (an SPDX license text, " ..
    "or your organisation's proprietary notice).",
  references = { "https://spdx.org/licenses/" },
  check = function(repo)
    local license = common.named_files(repo, { "" }, is_license)[1] or
      common.first(repo, LICENSE_DIRS)
    if not license then
      return fail{ message = "no LICENSE file at the repository root",
        path = "." }
    end
    pass(license.path)
  end,
}
