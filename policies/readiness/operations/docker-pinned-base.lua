-- `FROM node` builds today's node; a rebuild next month ships another.

local common = require "common"

-- Is the stage's image pulled from a registry?  Not scratch, not an
-- earlier stage, not decided by a build argument without default.
local function is_pulled(stage)
  return not (stage.scratch or stage.from_stage or stage.dynamic)
end

-- What is wrong with how a pulled image is pinned, or nil.
local function pin_problem(stage, require_digest)
  if stage.pinned then
    return nil
  end
  if not stage.tag then
    return "has no tag, so it means :latest"
  end
  if stage.latest then
    return "uses the moving :latest tag"
  end
  if require_digest then
    return "is not pinned to a digest (@sha256:...)"
  end
  return nil
end

return crucible.policy{
  id = "OPS-DOCKER-PINNED-BASE",
  title = "Base images pinned",
  category = "operations",
  severity = "medium",
  weight = 2,
  needs = { "docker" },
  description = "Base images referenced without a version (or as " ..
    ":latest) change under the build: rebuilds are not reproducible " ..
    "and a bad upstream push reaches production unreviewed.",
  remediation = "Pin every FROM to a version tag, better to a digest " ..
    "(`node:20.11-alpine@sha256:...`), and let Dependabot or Renovate " ..
    "propose updates.",
  params = {
    require_digest = false, -- true: a version tag alone is not enough
  },
  check = function(repo, params)
    local dockerfiles = common.project(repo:dockerfiles())
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    local total, pinned = 0, 0
    for _, stage in ipairs(common.project(repo:docker_stages())) do
      if is_pulled(stage) then
        local problem = pin_problem(stage, params.require_digest)
        total = total + 1
        if problem then
          fail{ message = string.format("%s:%d: FROM %s %s", stage.path,
            stage.line, stage.image, problem), path = stage.path,
            line = stage.line }
        else
          pinned = pinned + 1
        end
      end
    end
    if total == 0 then
      return pass("no base image is pulled from a registry")
    end
    score(pinned / total, string.format("%d of %s pinned", pinned,
      common.plural(total, "base image")))
  end,
}
