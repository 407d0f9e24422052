-- manifests.lua - dependency manifests and the lockfiles that pin them.

local common = require "common"

local manifests = {}

local function has_npm_dependencies(f)
  local text = f:text()
  return text ~= nil and crucible.match(
    "\"(?:dependencies|devDependencies|optionalDependencies)\"\\s*:\\s*\\{\\s*\"",
    text) ~= nil
end

local function has_python_dependencies(f)
  local text = f:text()
  return text ~= nil and (
    crucible.match("(?m)^\\s*dependencies\\s*=\\s*\\[\\s*[\"']", text) ~= nil or
    crucible.match("(?m)^\\s*\\[tool\\.poetry\\.(?:group\\.\\w+\\.)?dependencies\\]",
      text) ~= nil)
end

local function has_go_requires(f)
  return f:find("^\\s*require\\b") ~= nil
end

-- Manifest file name -> what pins it.  `ancestors`: a workspace keeps
-- the lockfile in a parent directory.  `needs_lock`: when absent, every
-- manifest of the kind needs one.
manifests.KINDS = {
  ["package.json"] = {
    ecosystem = "npm", ancestors = true, needs_lock = has_npm_dependencies,
    locks = { "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
      "pnpm-lock.yaml", "bun.lock", "bun.lockb" },
  },
  ["pyproject.toml"] = {
    ecosystem = "python", needs_lock = has_python_dependencies,
    locks = { "poetry.lock", "uv.lock", "pdm.lock", "pylock.toml",
      "requirements.lock" },
  },
  ["Pipfile"] = { ecosystem = "python", locks = { "Pipfile.lock" } },
  ["Cargo.toml"] = { ecosystem = "cargo", ancestors = true,
    locks = { "Cargo.lock" } },
  ["Gemfile"] = { ecosystem = "bundler", locks = { "Gemfile.lock" } },
  ["composer.json"] = { ecosystem = "composer", locks = { "composer.lock" } },
  ["go.mod"] = { ecosystem = "go", needs_lock = has_go_requires,
    locks = { "go.sum" } },
  ["mix.exs"] = { ecosystem = "hex", locks = { "mix.lock" } },
  ["pubspec.yaml"] = { ecosystem = "pub", locks = { "pubspec.lock" } },
}

-- Vendored and sample code carries manifests that are not the project's.
manifests.EXCLUDE = {
  "**/node_modules/**", "**/vendor/**", "**/third_party/**",
  "**/testdata/**", "**/fixtures/**", "**/examples/**",
}

-- The manifest file names, for repo:files{ name = ... }.
local NAMES = {}
for name in pairs(manifests.KINDS) do
  NAMES[#NAMES + 1] = name
end
table.sort(NAMES)

-- Manifests of the project: { file =, kind = } in inventory order.
function manifests.find(repo, exclude)
  local out = {}
  for _, f in ipairs(common.files(repo, nil, { name = NAMES })) do
    if not common.matches_any(exclude or manifests.EXCLUDE, f.path) then
      out[#out + 1] = { file = f, kind = manifests.KINDS[f.name] }
    end
  end
  return out
end

-- Directories where the lockfile of a manifest may live, nearest first.
local function lock_dirs(path, ancestors)
  local dirs, dir = {}, common.dirname(path)
  while true do
    dirs[#dirs + 1] = dir == "" and "" or dir .. "/"
    if not ancestors or dir == "" then
      return dirs
    end
    dir = common.dirname(dir)
  end
end

-- The lockfile object pinning manifest m, or nil.
function manifests.lockfile(repo, m)
  for _, dir in ipairs(lock_dirs(m.file.path, m.kind.ancestors)) do
    for _, name in ipairs(m.kind.locks) do
      local lock = repo:file(dir .. name)
      if lock and lock.type == "file" then
        return lock
      end
    end
  end
  return nil
end

function manifests.needs_lock(m)
  return m.kind.needs_lock == nil or m.kind.needs_lock(m.file)
end

return manifests
