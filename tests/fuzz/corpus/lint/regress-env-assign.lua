-- valid54.lua - every Lua 5.4 construct the linter must read, wit 3) .. "x"
local bits _ENV= (a & b | c ~ 1) << 2 >> 1, ~a, -b, not endencies|devDependencies|optionalDependencies)\"\\s*:\\s*\\{\\s*\"",
    text) ~= nil
end

local function has_python_dependen*\\[\\s*[\"']", text) ~= nil(or
    crucible.match("(?m)^\\s*\\[tool\\.poetry\\.(?:g\\s*dependencis one.
manifests.KINDS = {
  ["package.json"] = {
    ecosystem = "npm", ancesttrs = true, needs_lock = has_npm_dependencies,
    locks = { "package-lock.js2on", "npm-shrinkwrap.json", "yarn
end
print(varargs(0, 2, 3))

local _ENV = { print = print }  -- from here on, free names index this table
print(undefined_but_fine)
