-- A build context without .dockerignore ships .git, .env and
-- node_modules into the image builder, and often into the image.

local common = require "common"

local function ignore_file(repo, dockerfile)
  local candidates = {
    dockerfile.path .. ".dockerignore", -- BuildKit: per-Dockerfile
    common.dir_prefix(dockerfile.path) .. ".dockerignore",
    ".dockerignore",
  }
  for _, path in ipairs(candidates) do
    if repo:file(path) then
      return path
    end
  end
  return nil
end

return crucible.policy{
  id = "OPS-DOCKERIGNORE",
  title = "Docker build context restricted",
  category = "operations",
  severity = "medium",
  weight = 1,
  needs = { "docker" },
  description = "Without a .dockerignore, `docker build` sends the " ..
    "whole directory (.git, .env files, local dependencies) to the " ..
    "builder, where a broad COPY bakes them into the image.",
  remediation = "Add a .dockerignore next to the Dockerfile (or at the " ..
    "root) that excludes .git, .env*, secrets and build outputs.",
  check = function(repo)
    local dockerfiles = common.project(repo:dockerfiles())
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    local covered = 0
    for _, f in ipairs(dockerfiles) do
      if ignore_file(repo, f) then
        covered = covered + 1
      else
        fail{ message = f.path .. " has no .dockerignore beside it or " ..
          "at the root", path = f.path }
      end
    end
    score(covered / #dockerfiles, string.format(
      "%d of %s covered by a .dockerignore", covered,
      common.plural(#dockerfiles, "Dockerfile")))
  end,
}
