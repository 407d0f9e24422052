-- Installed packages belong in the package manager's cache, not in git.

local common = require "common"

local GLOBS = {
  "**/node_modules/**", "**/bower_components/**", "**/jspm_packages/**",
  "**/site-packages/**",
}

local DIR_NAMES = { "node_modules", "bower_components", "jspm_packages",
  "site-packages" }

-- The installed-packages directory a path lies under: "web/node_modules/".
local function package_dir(path)
  local slashed = "/" .. path
  for _, name in ipairs(DIR_NAMES) do
    local _, stop = slashed:find("/" .. name .. "/", 1, true)
    if stop then
      return slashed:sub(2, stop)
    end
  end
  return "./"
end

return crucible.policy{
  id = "DEP-NO-VENDORED-MODULES",
  title = "No installed packages committed",
  category = "dependencies",
  severity = "medium",
  weight = 1,
  description = "Committed node_modules/ or site-packages/ directories " ..
    "hide what is really installed, bypass lockfile review and bloat " ..
    "every clone.",
  remediation = "Remove the directory from git (git rm -r --cached), add " ..
    "it to .gitignore and install from the lockfile in CI.",
  params = {
    count_limit = 1000, -- stop counting files here
  },
  check = function(repo, params)
    if not repo.is_git then
      return skip("not a git repository")
    end
    local files = common.files(repo, GLOBS,
      { status = "tracked", limit = params.count_limit })
    if #files == 0 then
      return pass("no installed packages committed")
    end
    local seen = {}
    for _, f in ipairs(files) do
      local dir = package_dir(f.path)
      if not seen[dir] then
        seen[dir] = true
        fail{ message = dir .. " is committed", path = dir:sub(1, -2) }
      end
    end
    local summary = "installed packages committed: " ..
      common.group_summary(files, function(f) return package_dir(f.path) end)
    if #files >= params.count_limit then
      summary = summary .. " (counting stopped at " .. params.count_limit .. ")"
    end
    score(0, summary)
  end,
}
