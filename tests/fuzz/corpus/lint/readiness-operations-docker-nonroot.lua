-- A container running as root turns a code execution bug into root on
-- the node's kernel interface.

local common = require "common"
local docker = require "docker"

local function is_root_user(spec)
  local user = spec:match("^([^:%s]+)") or ""
  return user == "root" or user == "0"
end

-- nil when the final stage runs as a non-root user, else the finding.
local function root_finding(f)
  local stages = docker.stages(docker.instructions(f))
  local final = stages[#stages]
  if not final then
    return nil -- no FROM: not a buildable Dockerfile
  end
  local user
  for _, ins in ipairs(final.body) do
    if ins.cmd == "USER" then
      user = ins
    end
  end
  if user and not is_root_user(user.args) then
    return nil
  end
  if not user and final.image:match(":nonroot") then
    return nil -- e.g. distroless :nonroot images set a non-root user
  end
  if user then
    return { message = f.path .. ": the final stage switches to USER " ..
      user.args, path = f.path, line = user.line }
  end
  return { message = f.path .. ": the final stage has no USER " ..
    "instruction, so it runs as root", path = f.path, line = final.from.line }
end

return crucible.policy{
  id = "OPS-DOCKER-NONROOT",
  title = "Containers run as a non-root user",
  category = "operations",
  severity = "high",
  weight = 3,
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
    local dockerfiles = docker.files(repo)
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    local good = 0
    for _, f in ipairs(dockerfiles) do
      local finding = root_finding(f)
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
