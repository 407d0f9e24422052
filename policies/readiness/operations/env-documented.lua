-- A service whose configuration lives in someone's shell history cannot
-- be deployed by anybody else.

local common = require "common"
local service = require "service"

return crucible.policy{
  id = "OPS-ENV-DOCUMENTED",
  title = "Configuration documented",
  category = "operations",
  severity = "low",
  weight = 1,
  needs = { "docs", "docker", "k8s", "signals" },
  description = "A deployed service should document the environment it " ..
    "reads: a .env.example listing every variable, or a configuration " ..
    "document.",
  remediation = "Commit a .env.example with every variable the service " ..
    "reads (no real values) and describe each in the README or " ..
    "docs/configuration.md.",
  check = function(repo)
    local reason = service.skip_reason(repo)
    if reason then
      return skip(reason)
    end
    for _, example in ipairs(common.project(repo:env_examples())) do
      if #(example.variables or {}) > 0 then
        return pass(example.path .. " lists " ..
          common.plural(#example.variables, "variable"))
      end
    end
    service.require_doc(repo, { "configuration" },
      "no .env.example and no configuration document", warn)
  end,
}
