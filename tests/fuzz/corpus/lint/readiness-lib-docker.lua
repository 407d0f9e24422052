-- docker.lua - Dockerfiles of the repository and their instructions.

local common = require "common"

local docker = {}

-- Dockerfile, Containerfile, Dockerfile.prod, api.Dockerfile, ...
local function is_dockerfile(f)
  local name = f.name
  if name == "Dockerfile" or name == "Containerfile" or
      f.ext == "dockerfile" then
    return true
  end
  -- Dockerfile.dockerignore is an ignore file, not a Dockerfile.
  return (name:find("^Dockerfile%.") ~= nil or
    name:find("^Containerfile%.") ~= nil) and f.ext ~= "dockerignore"
end

-- Every Dockerfile, in inventory order: the candidates come by
-- extension and by name prefix, is_dockerfile() has the last word.
function docker.files(repo)
  local out = {}
  local candidates = common.merge(
    common.files(repo, nil, { ext = "dockerfile" }),
    common.files(repo, { "Dockerfile*", "Containerfile*" }))
  for _, f in ipairs(candidates) do
    if is_dockerfile(f) then
      out[#out + 1] = f
    end
  end
  return out
end

local function trim(s)
  return s:match("^%s*(.-)%s*$")
end

local function add_instruction(out, text, line)
  local cmd, args = text:match("^(%S+)%s*(.*)$")
  if cmd then
    out[#out + 1] = { line = line, cmd = cmd:upper(), args = args }
  end
end

-- The instructions of a Dockerfile as { line = n, cmd = "FROM", args = "..." },
-- with backslash continuations joined and comments dropped.
function docker.instructions(f)
  local out, pending, start = {}, nil, nil
  for n, text in f:lines() do
    local line = trim(text)
    if line:sub(1, 1) == "#" then
      line = "" -- comments may sit inside a continued instruction too
    end
    if pending then
      pending = pending .. " " .. line
    elseif line ~= "" then
      pending, start = line, n
    end
    if pending and pending:sub(-1) == "\\" then
      pending = pending:sub(1, -2)
    elseif pending then
      add_instruction(out, pending, start)
      pending = nil
    end
  end
  if pending then
    add_instruction(out, pending, start)
  end
  return out
end

-- Split FROM's arguments: "[--platform=...] image [AS name]".
function docker.parse_from(args)
  local words = {}
  for word in args:gmatch("%S+") do
    if not word:match("^%-%-") then
      words[#words + 1] = word
    end
  end
  local name
  if words[2] and words[2]:lower() == "as" then
    name = words[3]
  end
  return words[1] or "", name
end

-- The build stages: { from = instruction, image =, name =, body = {...} }.
function docker.stages(instructions)
  local stages = {}
  for _, ins in ipairs(instructions) do
    if ins.cmd == "FROM" then
      local image, name = docker.parse_from(ins.args)
      stages[#stages + 1] = { from = ins, image = image, name = name, body = {} }
    elseif #stages > 0 then
      local body = stages[#stages].body
      body[#body + 1] = ins
    end
  end
  return stages
end

return docker
