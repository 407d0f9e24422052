-- valid54.lua - every Lua 5.4 construct the linter must read, with no
-- free name but those of the sandbox.  tests/test_lint.c checks that it
-- lints with no error and that Lua compiles it.

local a, b <const>, c = 1, 2, 3
local s1 = 'single \'quoted\' \x41\65\u{7FFFFFFF}\u{48}\z
            continued'
local s2 = "double \"quoted\" \a\b\f\n\r\t\v\\ \0 \255 \
newline"
local s3 = [[long
string with ]] .. [==[ level ]] ]=] two ]==] .. [=[
]=]
--[[ a long
comment ]] --[==[ another
]] ]==] -- a short one
--[= not long: a short comment
local n1, n2, n3, n4, n5 = 0x1F, 0xA.8p1, 3e-2, .5, 1E+10
local n6, n7, n8, n9 = 0x.1P4, 3., 0XFFFFFFFFFFFFFFFF, 1e308
local ops = (a + b - c * 2 / 3 // 1 % 2 ^ 3) .. "x"
local bits = (a & b | c ~ 1) << 2 >> 1, ~a, -b, not c, #s1
local cmp = a < b and b <= c or a > c and a >= b or a == b or a ~= c

local function fact(n)
  if n <= 1 then return 1 end
  return n * fact(n - 1)  -- recursion sees the local function
end

local t = {
  1, 2; 3,
  x = 1, ["y"] = 2, [a + 1] = function(...) return select("#", ...) end,
  nested = { deep = { deeper = {} } },
}

function t.method(self, ...)
  local packed = table.pack(...)
  return self, packed.n
end

function t.nested.deep:call(x)
  return self.deeper, x
end

local obj = setmetatable({}, { __index = t, __metatable = false })
obj:method(1, 2)
t.nested.deep:call "str"
t.nested.deep:call { 1 }
print(#t, t[1], t["x"], t.x)

do
  local scoped <close> = nil
  local k <const> = 42
  print(k, scoped)
end

for i = 10, 1, -1 do
  if i % 2 == 0 then
    goto continue
  elseif i == 3 then
    break
  else
    print(i)
  end
  ::continue::
end

for key, value in pairs(t) do
  print(key, value)
end

local count = 0
while count < 3 do
  count = count + 1
end

repeat
  local done = count >= 3
  count = count - 1
until done  -- the block's local is visible here

local x = 1
do
  local x = x + 1  -- the outer x on the right-hand side
  print(x)
end

local g = function() return print end
local swap1, swap2 = 1, 2
swap1, swap2 = swap2, swap1
local ok, err = pcall(error, { code = 1 })
print(ok, err, fact(5), obj, s2, s3, n1, n2, n3, n4, n5, n6, n7, n8, n9)
print(ops, bits, cmp, g, swap1, swap2, _VERSION, utf8.char(72), math.pi)
print(string.format("%q", s1), string.rep("ab", 3, ","), ("x"):rep(2))
print(tostring(nil), tonumber("10", 16), type(print), rawlen({}), rawequal(a, a))
print(rawget(t, 1), rawset({}, 1, 2), next({}), ipairs({}), select(2, "a", "b"))
print(getmetatable(""), assert(true), xpcall(print, print), load("return 1"))
print(utf8.charpattern, math.maxinteger // 2, math.tointeger(3.0), math.ult(1, 2))

local function varargs(...)
  local first, second = ...
  local all = { ... }
  return first, second, #all, ...
end
print(varargs(1, 2, 3))

local _ENV = { print = print }  -- from here on, free names index this table
print(undefined_but_fine)
