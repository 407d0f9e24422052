-- Without a committed lockfile every install resolves dependencies
-- anew: builds drift, and a compromised release walks straight in.

local common = require "common"
local manifests = require "manifests"

local function lock_problem(repo, m)
  local lock = manifests.lockfile(repo, m)
  if not lock then
    return "has no lockfile (expected " .. common.list(m.kind.locks, 3) .. ")"
  end
  if repo.is_git and lock.status ~= "tracked" then
    return "has a lockfile that is not committed (" .. lock.path .. ", " ..
      lock.status .. ")"
  end
  return nil
end

return crucible.policy{
  id = "DEP-LOCKFILE",
  title = "Dependencies locked",
  category = "dependencies",
  severity = "high",
  weight = 3,
  description = "Every dependency manifest (package.json, " ..
    "pyproject.toml, Pipfile, Cargo.toml, Gemfile, composer.json, " ..
    "go.mod, ...) should have its lockfile committed, so that builds " ..
    "install exactly the reviewed versions.",
  remediation = "Generate the lockfile with the package manager (npm " ..
    "install, poetry lock, cargo generate-lockfile, bundle lock, go mod " ..
    "tidy, ...), commit it, and install from it in CI (npm ci, " ..
    "--frozen-lockfile, --locked).",
  params = {
    exclude = manifests.EXCLUDE, -- globs of manifests to leave out
  },
  check = function(repo, params)
    local total, locked = 0, 0
    for _, m in ipairs(manifests.find(repo, params.exclude)) do
      if manifests.needs_lock(m) then
        local problem = lock_problem(repo, m)
        total = total + 1
        if problem then
          fail{ message = m.file.path .. " " .. problem, path = m.file.path }
        else
          locked = locked + 1
        end
      end
    end
    if total == 0 then
      return skip("no dependency manifest that declares dependencies")
    end
    score(locked / total, string.format("%d of %s locked", locked,
      common.plural(total, "manifest")))
  end,
}
