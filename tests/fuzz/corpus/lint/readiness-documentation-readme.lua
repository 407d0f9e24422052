-- A README is the front door: what the project is, how to run it.

local common = require "common"

local is_readme = common.document_named{ "readme" }

return crucible.policy{
  id = "DOC-README",
  title = "README present",
  category = "documentation",
  severity = "medium",
  weight = 3,
  description = "A README at the repository root tells a newcomer, an " ..
    "on-call engineer or an auditor what the project does and how to " ..
    "build, run and deploy it.",
  remediation = "Add README.md at the root: purpose, how to build and " ..
    "run it, configuration, how to deploy, and who owns it.",
  params = {
    min_bytes = 200, -- below this a README says next to nothing
  },
  check = function(repo, params)
    local readmes = common.named_files(repo, { "" }, is_readme)
    if #readmes == 0 then
      return fail{ message = "no README at the repository root", path = "." }
    end
    table.sort(readmes, function(a, b) return a.size > b.size end)
    local readme = readmes[1]
    if readme.size < params.min_bytes then
      return warn{
        message = string.format("%s is only %d bytes (expected at least %d)",
          readme.path, readme.size, params.min_bytes),
        path = readme.path,
      }
    end
    pass(string.format("%s (%d bytes)", readme.path, readme.size))
  end,
}
