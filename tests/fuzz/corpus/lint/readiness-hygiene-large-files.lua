-- Large blobs stay in every clone forever, even after they are deleted.

local common = require "common"

-- Globs that .gitattributes sends through Git LFS: those files are
-- large in the work tree by design.
local function lfs_globs(repo)
  local globs = {}
  local attributes = repo:file(".gitattributes")
  if not attributes then
    return globs
  end
  for _, line in attributes:lines() do
    local glob = line:match("^%s*(%S+).-filter=lfs")
    if glob and glob:sub(1, 1) ~= "#" then
      globs[#globs + 1] = glob
    end
  end
  return globs
end

local function mib(bytes)
  return string.format("%.1f MiB", bytes / 1048576)
end

return crucible.policy{
  id = "GIT-NO-LARGE-FILES",
  title = "No large files committed",
  category = "hygiene",
  severity = "medium",
  weight = 2,
  description = "Files over a few MiB (datasets, archives, media, " ..
    "build outputs) bloat every clone and CI checkout for good; they " ..
    "belong in Git LFS or an artifact store.",
  remediation = "Remove them from the history (git filter-repo) and " ..
    "track such files with Git LFS or fetch them at build time.",
  params = {
    max_bytes = 5 * 1024 * 1024,
  },
  check = function(repo, params)
    local lfs = lfs_globs(repo)
    local large = 0
    local over = repo:files{ min_size = math.floor(params.max_bytes) + 1,
      status = common.committed(repo), type = "file" }
    for _, f in ipairs(over) do
      if not common.matches_any(lfs, f.path) then
        large = large + 1
        warn{ message = string.format("%s is %s (limit %s)", f.path,
          mib(f.size), mib(params.max_bytes)), path = f.path, key = f.path }
      end
    end
    if large == 0 then
      return pass("no file over " .. mib(params.max_bytes))
    end
    score(0.5, string.format("%s over %s %s", common.plural(large, "file"),
      mib(params.max_bytes), common.committed_word(repo)))
  end,
}
