-- `"left-pad": "*"` takes whatever is published next, major versions
-- and compromised releases included, the first time the lockfile is
-- regenerated.

local common = require "common"

local UNBOUNDED = { [""] = true, ["*"] = true, latest = true, x = true }

return crucible.policy{
  id = "DEP-VERSION-CONSTRAINTS",
  title = "Dependencies declare a version",
  category = "dependencies",
  severity = "low",
  weight = 1,
  needs = { "manifests" },
  description = "Direct production dependencies from a registry should " ..
    "declare a version range (`^4.18`, `>=2.31,<3`), not `*`, `latest` " ..
    "or nothing.",
  remediation = "Give each dependency the range of versions it is " ..
    "tested with, e.g. `npm install name@^x.y` or `name>=x.y,<x+1`.",
  params = {
    ecosystems = { type = "list", default = { "npm", "python", "composer",
      "cargo" }, description = "ecosystems where a range is customary" },
  },
  check = function(repo, params)
    local deps = {}
    for _, d in ipairs(common.project(repo:dependencies{ direct = true,
        scope = "prod", ecosystem = params.ecosystems })) do
      if not d.source then
        deps[#deps + 1] = d
      end
    end
    if #deps == 0 then
      return skip("no direct production dependency from a registry")
    end
    common.rate(deps, function(d)
      if not UNBOUNDED[d.constraint or ""] then
        return nil
      end
      return string.format("%s in %s has no version constraint%s", d.name,
        d.manifest_path, d.constraint ~= "" and " (" .. d.constraint .. ")" or "")
    end, { "dependency", "dependencies" }, "constrained", warn)
  end,
}
