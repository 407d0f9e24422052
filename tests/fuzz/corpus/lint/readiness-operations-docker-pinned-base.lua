-- `FROM node` builds today's node; a rebuild next month ships another.

local common = require "common"
local docker = require "docker"

-- The tag of an image reference, or nil: "a:1", "host:5000/a:1" -> "1".
local function image_tag(image)
  local last = image:match("([^/]*)$")
  return last:match(":(.+)$")
end

-- Is the image pulled from a registry?  Not scratch, not an earlier
-- stage (`stages` holds the names seen so far), not decided by a build arg.
local function is_pulled(image, stages)
  local lower = image:lower()
  return lower ~= "scratch" and not stages[lower] and
    not image:find("$", 1, true)
end

-- What is wrong with how a pulled image is pinned, or nil.
local function pin_problem(image, require_digest)
  if image:find("@sha256:", 1, true) then
    return nil
  end
  local tag = image_tag(image)
  if not tag then
    return "has no tag, so it means :latest"
  end
  if tag == "latest" then
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
    local dockerfiles = docker.files(repo)
    local total, pinned = 0, 0
    for _, f in ipairs(dockerfiles) do
      local stages = {}
      for _, stage in ipairs(docker.stages(docker.instructions(f))) do
        if is_pulled(stage.image, stages) then
          local problem = pin_problem(stage.image, params.require_digest)
          total = total + 1
          if problem then
            fail{ message = string.format("%s:%d: FROM %s %s", f.path,
              stage.from.line, stage.image, problem), path = f.path,
              line = stage.from.line }
          else
            pinned = pinned + 1
          end
        end
        if stage.name then
          stages[stage.name:lower()] = true
        end
      end
    end
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    if total == 0 then
      return pass("no base image is pulled from a registry")
    end
    score(pinned / total, string.format("%d of %s pinned", pinned,
      common.plural(total, "base image")))
  end,
}
