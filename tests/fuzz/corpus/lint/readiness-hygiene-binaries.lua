-- Compiled artifacts in git cannot be reviewed, go stale against the
-- source, and are a classic place to hide a backdoor.

local common = require "common"

local ARTIFACT_EXT = {
  "exe", "dll", "so", "dylib", "a", "lib", "o", "obj", "class", "jar",
  "war", "ear", "pyc", "pyo", "whl", "egg", "apk", "aab", "ipa", "msi",
  "dmg", "deb", "rpm", "nupkg",
}

-- Versioned shared libraries: libfoo.so.1.2.
local VERSIONED_SO = "*.so.[0-9]*"

-- Committed artifacts, in inventory order.
local function artifacts(repo)
  local status = common.committed(repo)
  return common.merge(
    repo:files{ ext = ARTIFACT_EXT, status = status, type = "file" },
    repo:files{ glob = VERSIONED_SO, status = status, type = "file" })
end

return crucible.policy{
  id = "GIT-NO-BINARIES",
  title = "No build artifacts committed",
  category = "hygiene",
  severity = "medium",
  weight = 2,
  description = "Executables, libraries, class files, archives and " ..
    "packages should be built from source by CI, not committed.",
  remediation = "Remove the artifacts, add their patterns to " ..
    ".gitignore, and publish releases to an artifact registry.",
  params = {
    -- wrappers that the build tools expect in the repository
    allow = { "**/gradle-wrapper.jar", "**/maven-wrapper.jar" },
  },
  check = function(repo, params)
    local found = {}
    for _, f in ipairs(artifacts(repo)) do
      if not common.matches_any(params.allow, f.path) then
        found[#found + 1] = f
        fail{ message = f.path .. " is a build artifact", path = f.path,
          key = f.path }
      end
    end
    if #found == 0 then
      return pass("no build artifacts " .. common.committed_word(repo))
    end
    score(0, string.format("%s %s: %s",
      common.plural(#found, "build artifact"), common.committed_word(repo),
      common.group_summary(found, function(f)
        return common.dir_label(f.path)
      end)))
  end,
}
