-- Without a committed lockfile every install resolves dependencies
-- anew: builds drift, and a compromised release walks straight in.

local common = require "common"

-- Ecosystems whose tools write no lockfile (Maven, Gradle).
local NO_LOCKFILE = { maven = true }

local function declares_dependencies(repo, m)
  return #repo:dependencies{ manifest_path = m.path, direct = true,
    limit = 1 } > 0
end

-- A manifest that pins every dependency to one version needs no
-- lockfile (a requirements.txt of `name==1.2.3` lines).
local function pins_itself(repo, m)
  for _, d in ipairs(repo:dependencies{ manifest_path = m.path,
      direct = true }) do
    if not d.version then
      return false
    end
  end
  return true
end

-- What is wrong with how manifest m is locked, or nil.
local function lock_problem(repo, m)
  local lock = m:lockfile()
  if not lock then
    if pins_itself(repo, m) then
      return nil
    end
    return m.path .. " has no lockfile"
  end
  local file = repo:file(lock.path)
  if repo.is_git and file and file.status ~= "tracked" then
    return m.path .. " has a lockfile that is not committed (" ..
      lock.path .. ", " .. file.status .. ")"
  end
  return nil
end

return crucible.policy{
  id = "DEP-LOCKFILE",
  title = "Dependencies locked",
  category = "dependencies",
  severity = "high",
  weight = 3,
  needs = { "manifests" },
  description = "Every dependency manifest (package.json, " ..
    "pyproject.toml, Pipfile, Cargo.toml, Gemfile, composer.json, " ..
    "go.mod, ...) should have its lockfile committed, so that builds " ..
    "install exactly the reviewed versions.",
  remediation = "Generate the lockfile with the package manager (npm " ..
    "install, poetry lock, cargo generate-lockfile, bundle lock, go mod " ..
    "tidy, ...), commit it, and install from it in CI (npm ci, " ..
    "--frozen-lockfile, --locked).",
  params = {
    exclude = { type = "list", default = common.EXCLUDE,
      description = "globs of manifests to leave out" },
  },
  check = function(repo, params)
    local manifests = {}
    for _, m in ipairs(common.project(repo:manifests(), params.exclude)) do
      if not NO_LOCKFILE[m.ecosystem] and declares_dependencies(repo, m) then
        manifests[#manifests + 1] = m
      end
    end
    if #manifests == 0 then
      return skip("no dependency manifest that declares dependencies")
    end
    common.rate(manifests, function(m)
      return lock_problem(repo, m)
    end, "manifest", "locked")
  end,
}
