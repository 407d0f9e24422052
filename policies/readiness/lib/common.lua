-- common.lua - small helpers shared by the readiness policies.
--
-- Cost model (docs/policy-api.md, "Performance"): repo:files and
-- repo:count test every file of the inventory in C, which is cheap; a
-- file object costs far more, and reading its fields in Lua more still.
-- So every policy selects its few candidates with options (name, ext,
-- min_size, globs, preferably ones with a plain name in them) and only
-- then looks at them in Lua; none walks all the files.

local common = {}

-- The status filter for "committed" files: tracked ones in a git
-- repository; outside git nothing is committed, but everything in the
-- tree ships with it, so every file counts.
function common.committed(repo)
  if repo.is_git then
    return "tracked"
  end
  return nil
end

-- What "committed" means in messages, matching common.committed().
function common.committed_word(repo)
  if repo.is_git then
    return "committed"
  end
  return "present"
end

function common.dirname(path)
  return path:match("^(.*)/[^/]*$") or ""
end

-- The directory of a path as a prefix for sibling paths: "" or "a/b/".
function common.dir_prefix(path)
  local dir = common.dirname(path)
  if dir == "" then
    return ""
  end
  return dir .. "/"
end

-- The directory of a path for messages: "a/b/", or "./" at the root.
function common.dir_label(path)
  local prefix = common.dir_prefix(path)
  if prefix == "" then
    return "./"
  end
  return prefix
end

-- Regular files matching any of `globs` (repo:files options may be added).
function common.files(repo, globs, opts)
  local query = { glob = globs, type = "file" }
  for k, v in pairs(opts or {}) do
    query[k] = v
  end
  return repo:files(query)
end

-- The first regular file matching any of `globs`, or nil.
function common.first(repo, globs, opts)
  local query = { limit = 1 }
  for k, v in pairs(opts or {}) do
    query[k] = v
  end
  return common.files(repo, globs, query)[1]
end

-- Regular files directly in one of `dirs` ("" is the root, else
-- "docs/") whose lower-case name satisfies accept(name), `dirs` in
-- order, then inventory order.  One query lists all the directories.
function common.named_files(repo, dirs, accept)
  local globs, rank, by_dir = {}, {}, {}
  for i, dir in ipairs(dirs) do
    globs[i] = "/" .. dir .. "*"
    rank[dir] = i
    by_dir[i] = {}
  end
  for _, f in ipairs(common.files(repo, globs)) do
    if accept(f.name:lower()) then
      local found = by_dir[rank[common.dir_prefix(f.path)]]
      found[#found + 1] = f
    end
  end
  local out = {}
  for _, found in ipairs(by_dir) do
    for _, f in ipairs(found) do
      out[#out + 1] = f
    end
  end
  return out
end

local DOC_EXT = {
  adoc = true, html = true, markdown = true, md = true, org = true,
  rst = true, txt = true,
}

-- An accept() for named_files: a document called one of `names`, bare,
-- with a document extension or with a "-" suffix: README, README.md,
-- LICENSE-MIT, CHANGELOG.rst (but not history.py).
function common.document_named(names)
  local set = {}
  for _, name in ipairs(names) do
    set[name] = true
  end
  return function(name)
    local base, sep, rest = name:match("^([^.-]+)([.-]?)(.*)$")
    if not base or not set[base] then
      return false
    end
    return sep ~= "." or DOC_EXT[rest] == true
  end
end

-- Paths that hold someone else's code, test fixtures or samples: their
-- manifests, Dockerfiles and Kubernetes files describe no deployment of
-- this project, so the fact-based policies leave them out.
common.EXCLUDE = {
  "**/node_modules/**", "**/vendor/**", "**/third_party/**",
  "**/testdata/**", "**/fixtures/**", "**/examples/**", "**/corpus/**",
}

-- The nodes of `nodes` that belong to the project: those without a path
-- (a test suite) or whose path `exclude` (default common.EXCLUDE) does
-- not match.
function common.project(nodes, exclude)
  local out = {}
  for _, n in ipairs(nodes) do
    if not n.path or not common.matches_any(exclude or common.EXCLUDE, n.path) then
      out[#out + 1] = n
    end
  end
  return out
end

-- Judge every item with problem(item), which returns nil when the item
-- is fine or a message saying what is wrong; report (fail by default, or
-- warn) each problem at the item's path and line, and score the share
-- of good items: "3 of 4 containers running as non-root".  `noun` is a
-- word, or { singular, plural } for an irregular one.  `items` must not
-- be empty.
function common.rate(items, problem, noun, outcome, report)
  local good = 0
  for _, item in ipairs(items) do
    local message = problem(item)
    if message then
      (report or fail){ message = message, path = item.path, line = item.line }
    else
      good = good + 1
    end
  end
  score(good / #items, string.format("%d of %s %s", good,
    common.plural(#items, table.unpack(type(noun) == "table" and noun or
      { noun })), outcome))
end

-- The strings of `list` without repeats, in their first order.
function common.unique(list)
  local out, seen = {}, {}
  for _, item in ipairs(list) do
    if not seen[item] then
      seen[item] = true
      out[#out + 1] = item
    end
  end
  return out
end

-- True when the array `list` (nil reads as empty) holds `value`.
function common.contains(list, value)
  for _, item in ipairs(list or {}) do
    if item == value then
      return true
    end
  end
  return false
end

function common.matches_any(globs, path)
  for _, glob in ipairs(globs or {}) do
    if crucible.glob(glob, path) then
      return true
    end
  end
  return false
end

-- Git attributes such as commits and authors may be counts or lists.
function common.count(value)
  if type(value) == "number" then
    return value
  end
  if type(value) == "table" then
    return #value
  end
  return 0
end

function common.plural(n, word, words)
  if n == 1 then
    return "1 " .. word
  end
  return n .. " " .. (words or word .. "s")
end

-- "a, b, c and 4 more"
function common.list(items, max)
  max = max or 5
  local shown = {}
  for i = 1, math.min(#items, max) do
    shown[i] = tostring(items[i])
  end
  local text = table.concat(shown, ", ")
  if #items > max then
    text = text .. " and " .. (#items - max) .. " more"
  end
  return text
end

-- Paths of file objects.
function common.paths(files)
  local out = {}
  for i, f in ipairs(files) do
    out[i] = f.path
  end
  return out
end

-- Count items per group and describe the groups, largest first:
-- "493 files under secrets/, 2 files under config/".
function common.group_summary(items, group_of, max)
  local counts, groups = {}, {}
  for _, item in ipairs(items) do
    local group = group_of(item)
    if not counts[group] then
      counts[group] = 0
      groups[#groups + 1] = group
    end
    counts[group] = counts[group] + 1
  end
  table.sort(groups, function(a, b)
    if counts[a] ~= counts[b] then
      return counts[a] > counts[b]
    end
    return a < b
  end)
  local parts = {}
  for i, group in ipairs(groups) do
    parts[i] = common.plural(counts[group], "file") .. " under " .. group
  end
  return common.list(parts, max or 5)
end

-- Extensions of source code in some mainstream language, for policies
-- that only make sense when there is code.
common.SOURCE_EXT = {
  "c", "cc", "cpp", "cs", "go", "java", "js", "jsx", "kt", "mjs", "php",
  "py", "rb", "rs", "scala", "swift", "ts", "tsx", "ex", "exs", "dart",
  "lua",
}

function common.has_source(repo)
  return repo:count{ ext = common.SOURCE_EXT, type = "file", limit = 1 } > 0
end

-- The union of lists of file objects, without duplicates, in inventory
-- order (paths compare byte-wise, as the inventory sorts them).
function common.merge(...)
  local out, seen = {}, {}
  for _, files in ipairs{ ... } do
    for _, f in ipairs(files) do
      if not seen[f.path] then
        seen[f.path] = true
        out[#out + 1] = f
      end
    end
  end
  table.sort(out, function(a, b) return a.path < b.path end)
  return out
end

-- .env.example and friends document variables; they hold no secrets.
local ENV_TEMPLATE_SUFFIXES = {
  example = true, sample = true, template = true, dist = true,
  defaults = true, schema = true, tmpl = true, tpl = true,
}

function common.is_env_template(name)
  local suffix = name:match("%.env%.([%w_-]+)$")
  return suffix ~= nil and ENV_TEMPLATE_SUFFIXES[suffix:lower()] == true
end

return common
