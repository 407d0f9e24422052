-- Files that hold credentials by their very name or place: private keys,
-- keystores, env files, cluster and cloud state.  Found by name: the
-- candidates come from repo:files queries on exact names, extensions
-- and name prefixes (cheap on any repository), then table lookups
-- decide; the few files whose name alone says nothing (.npmrc, .pypirc,
-- .netrc, *.pem) are opened to look for a credential.

local common = require "common"

-- Directories whose whole content is secret.
local SECRET_DIR_GLOBS = { "**/secrets/**", "**/credentials/**" }

local function pem_reason(f)
  if f:find("PRIVATE KEY") or not f:find("BEGIN CERTIFICATE") then
    return "private key"
  end
  return nil -- certificates only: public material
end

local function tfstate_backup_reason(f)
  return f.name:find("%.tfstate%.backup$") and "Terraform state" or nil
end

-- Exact file names.
local BY_NAME = {
  [".env"] = "environment file",
  ["kubeconfig"] = "kubeconfig",
  [".git-credentials"] = "git credential store",
  [".htpasswd"] = "password file",
}

-- Extensions (lower case, as file objects give them); a function
-- decides from the file.
local BY_EXT = {
  key = "private key",
  ppk = "PuTTY private key",
  p12 = "PKCS#12 keystore",
  pfx = "PKCS#12 keystore",
  jks = "Java keystore",
  keystore = "keystore",
  env = "environment file",
  kubeconfig = "kubeconfig",
  tfstate = "Terraform state",
  pem = pem_reason,
  backup = tfstate_backup_reason,
}

-- Name prefixes, as anchored Lua patterns and as globs.
local BY_PREFIX = {
  { "^%.env%.", ".env.*", "environment file" },
  { "^id_rsa", "id_rsa*", "SSH private key" },
  { "^id_dsa", "id_dsa*", "SSH private key" },
  { "^id_ecdsa", "id_ecdsa*", "SSH private key" },
  { "^id_ed25519", "id_ed25519*", "SSH private key" },
}

-- Files that are only secret when they hold a credential (a value, not
-- a ${VARIABLE} reference).
local BY_CONTENT = {
  [".npmrc"] = { "_(?:authToken|auth|password)\\s*=\\s*(?!\\$\\{)\\S", "npm token" },
  [".pypirc"] = { "^\\s*password\\s*[=:]\\s*(?!\\$\\{)\\S", "PyPI password" },
  [".netrc"] = { "\\bpassword\\s+\\S", "netrc password" },
  ["_netrc"] = { "\\bpassword\\s+\\S", "netrc password" },
}

-- Inside a secrets/ directory, code and docs that handle secrets are
-- not secrets themselves.
local NOT_SECRET_EXT = {
  bash = true, c = true, cc = true, clj = true, cpp = true, cs = true,
  css = true, dart = true, erl = true, ex = true, exs = true, go = true,
  h = true, hpp = true, hs = true, html = true, java = true, js = true,
  jsx = true, kt = true, lua = true, md = true, mjs = true, ml = true,
  php = true, pl = true, ps1 = true, py = true, r = true, rb = true,
  rs = true, rst = true, scala = true, sh = true, svelte = true,
  swift = true, ts = true, tsx = true, vue = true, zsh = true,
}

-- The secrets/ or credentials/ directory a path lies under, or nil.
local function secret_dir(path)
  local slashed, best = "/" .. path, nil
  for _, needle in ipairs{ "/secrets/", "/credentials/" } do
    local _, stop = slashed:find(needle, 1, true)
    if stop and (not best or stop < best) then
      best = stop
    end
  end
  return best and slashed:sub(2, best)
end

local function is_placeholder(name)
  return name == ".gitkeep" or name == ".keep" or name == ".gitignore" or
    name:match("^README") ~= nil
end

-- Public halves and templates share names with secrets.
local function is_public(name)
  return common.is_env_template(name) or name:find("%.pub$") ~= nil
end

local function name_reason(f, name)
  local rule = BY_NAME[name] or BY_EXT[f.ext]
  if not rule then
    for _, prefix in ipairs(BY_PREFIX) do
      if name:find(prefix[1]) then
        rule = prefix[3]
        break
      end
    end
  end
  if not rule or is_public(name) then
    return nil
  end
  if type(rule) == "function" then
    return rule(f)
  end
  return rule
end

-- Why a file under a secrets directory is secret: all of it is, but
-- the code and docs that handle secrets.
local function dir_reason(f)
  if is_placeholder(f.name) or NOT_SECRET_EXT[f.ext] then
    return nil
  end
  return "in a secrets directory"
end

-- Why any other file is secret, by name or content, or nil.
local function file_reason(f)
  local name = f.name
  local content = BY_CONTENT[name]
  if content then
    return f:find(content[1]) and content[2] or nil
  end
  return name_reason(f, name)
end

local function keys(t)
  local out = {}
  for k in pairs(t) do
    out[#out + 1] = k
  end
  table.sort(out)
  return out
end

local NAMES = keys(BY_NAME)
for _, name in ipairs(keys(BY_CONTENT)) do
  NAMES[#NAMES + 1] = name
end
local EXTS = keys(BY_EXT)
local PREFIX_GLOBS = {}
for i, prefix in ipairs(BY_PREFIX) do
  PREFIX_GLOBS[i] = prefix[2]
end

-- Every file that file_reason() may find secret, in inventory order.
local function candidates(repo)
  local status = common.committed(repo)
  return common.merge(
    repo:files{ name = NAMES, status = status, type = "file" },
    repo:files{ ext = EXTS, status = status, type = "file" },
    repo:files{ glob = PREFIX_GLOBS, status = status, type = "file" })
end

local function group_of(f)
  return secret_dir(f.path) or common.dir_label(f.path)
end

return crucible.policy{
  id = "SEC-TRACKED-SECRET-FILES",
  title = "No secret files committed",
  category = "secrets",
  severity = "critical",
  weight = 5,
  description = "Private keys, keystores, .env files, kubeconfigs, " ..
    "Terraform state and registry credentials must never be committed: " ..
    "everyone with read access to the repository, and every clone and " ..
    "fork of it, holds them forever.",
  remediation = "Remove the files from the repository and from its " ..
    "history (git filter-repo), rotate every credential they held, add " ..
    "them to .gitignore and load secrets from a secret manager or the " ..
    "environment at run time.",
  references = {
    "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  params = {
    allow = {}, -- globs of files to accept, e.g. test fixtures with fake keys
  },
  check = function(repo, params)
    local found = {}
    local function report(f, why)
      if not why or common.matches_any(params.allow, f.path) then
        return
      end
      found[#found + 1] = f
      fail{
        message = string.format("%s %s (%s)", f.path,
          common.committed_word(repo), why),
        path = f.path,
        key = f.path,
      }
    end
    local in_dirs = common.files(repo, SECRET_DIR_GLOBS,
      { status = common.committed(repo) })
    local seen = {}
    for _, f in ipairs(in_dirs) do
      seen[f.path] = true
      report(f, dir_reason(f))
    end
    for _, f in ipairs(candidates(repo)) do
      local why = not seen[f.path] and file_reason(f)
      if why then
        report(f, why)
      end
    end
    if #found == 0 then
      return pass("no secret files " .. common.committed_word(repo))
    end
    score(0, string.format("%s %s: %s",
      common.plural(#found, "secret file"), common.committed_word(repo),
      common.group_summary(found, group_of)))
  end,
}
