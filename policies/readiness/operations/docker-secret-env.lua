-- An ENV or ARG value is baked into the image's layers and history:
-- anyone who can pull the image can read it.

local common = require "common"

return crucible.policy{
  id = "OPS-DOCKER-SECRET-ENV",
  title = "No secrets in image ENV, ARG or compose environment",
  category = "operations",
  severity = "high",
  weight = 3,
  needs = { "docker" },
  description = "Dockerfile ENV and ARG instructions and compose " ..
    "`environment` entries should not give secret-looking variables " ..
    "(PASSWORD, TOKEN, API_KEY, ...) literal values.",
  remediation = "Pass secrets at run time (orchestrator secrets, env " ..
    "files kept out of git) or at build time with `RUN --mount=type=" ..
    "secret`, and rotate any value that was committed.",
  check = function(repo)
    local dockerfiles = common.project(repo:dockerfiles())
    local services = common.project(repo:compose_services())
    if #dockerfiles == 0 and #services == 0 then
      return skip("no Dockerfile or compose file")
    end
    local found = 0
    for _, ins in ipairs(common.project(repo:docker_instructions{
        instruction = { "ENV", "ARG" } })) do
      for _, name in ipairs(ins.secret_like or {}) do
        found = found + 1
        fail{ message = ins.instruction .. " " .. name .. " has a literal " ..
          "value", path = ins.path, line = ins.line }
      end
    end
    for _, s in ipairs(services) do
      for _, name in ipairs(s.secret_like or {}) do
        found = found + 1
        fail{ message = "service " .. s.name .. " sets " .. name ..
          " to a literal value", path = s.path, line = s.line }
      end
    end
    if found == 0 then
      pass("no secret-like variable has a literal value")
    end
  end,
}
