-- A container running as root turns a code execution bug into root on
-- the node's kernel interface.

local common = require "common"

-- The stages whose image configuration the final stage inherits: the
-- final stage itself, then each earlier stage its FROM names.
local function stage_chain(final)
  local chain, stage = {}, final
  while stage do
    chain[#chain + 1] = stage
    stage = stage:base_stage()
  end
  return chain
end

-- The USER instruction in effect in the final stage, or nil.
local function user_instruction(chain)
  for _, stage in ipairs(chain) do
    local user
    for _, ins in ipairs(stage:instructions()) do
      if ins.instruction == "USER" then
        user = ins
      end
    end
    if user then
      return user
    end
  end
  return nil
end

-- nil when the final stage runs as a non-root user, else the finding.
local function root_finding(df)
  local final = df:final_stage()
  if not final or not df.runs_as_root then
    return nil -- no FROM (not a buildable Dockerfile), or not root
  end
  local chain = stage_chain(final)
  local user = user_instruction(chain)
  if not user and chain[#chain].image:match(":nonroot") then
    return nil -- e.g. distroless :nonroot images set a non-root user
  end
  if user then
    return { message = df.path .. ": the final stage switches to USER " ..
      user.arguments, path = df.path, line = user.line }
  end
  return { message = df.path .. ": the final stage has no USER " ..
    "instruction, so it runs as root", path = df.path, line = final.line }
end

return crucible.policy{
  id = "OPS-DOCKER-NONROOT",
  title = "Containers run as a non-root user",
  category = "operations",
  severity = "high",
  weight = 3,
  needs = { "docker" },
  description = "The final stage of every Dockerfile should switch to " ..
    "an unprivileged USER, so that a compromised process is not root " ..
    "inside the container.",
  remediation = "Create a user in the final stage (or use the image's " ..
    "own, e.g. `node`) and add `USER <name>` (or a numeric UID) after " ..
    "the steps that need root.",
  references = {
    "https://docs.docker.com/build/building/best-practices/#user",
  },
  check = function(repo)
    local dockerfiles = common.project(repo:dockerfiles())
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    local good = 0
    for _, df in ipairs(dockerfiles) do
      local finding = root_finding(df)
      if finding then
        fail(finding)
      else
        good = good + 1
      end
    end
    score(good / #dockerfiles, string.format("%d of %s run as non-root",
      good, common.plural(#dockerfiles, "Dockerfile")))
  end,
}
