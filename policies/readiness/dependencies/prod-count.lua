-- Every production dependency is code that ships, an update to track
-- and a way in for a compromised maintainer account.

local common = require "common"

return crucible.policy{
  id = "DEP-PROD-COUNT",
  title = "Direct production dependencies kept in check",
  category = "dependencies",
  severity = "low",
  weight = 1,
  needs = { "manifests" },
  description = "A manifest that declares more direct production " ..
    "dependencies than the threshold carries a large attack surface and " ..
    "upkeep; the audit behind crucible found 169 in one service.",
  remediation = "Remove unused dependencies (depcheck, deptry, cargo " ..
    "machete), move build and test tools to dev dependencies, and prefer " ..
    "the standard library for small helpers.",
  params = {
    max = { type = "integer", default = 150,
      description = "most direct production dependencies per manifest" },
  },
  check = function(repo, params)
    local manifests = common.project(repo:manifests())
    if #manifests == 0 then
      return skip("no dependency manifest")
    end
    local largest = 0
    for _, m in ipairs(manifests) do
      local n = #repo:dependencies{ manifest_path = m.path, direct = true,
        scope = "prod" }
      largest = math.max(largest, n)
      if n > params.max then
        warn{ message = string.format("%s declares %d direct production " ..
          "dependencies (at most %d)", m.path, n, params.max),
          path = m.path, line = m.line, key = "too-many" }
      end
    end
    pass(string.format("at most %d direct production dependencies per " ..
      "manifest (limit %d)", largest, params.max))
  end,
}
