-- Files that hold credentials by their very name or place: private keys,
-- keystores, env files, kubeconfigs, Terraform state, registry and cloud
-- credentials, anything in a secrets/ directory.  The secrets collector
-- decides which files these are (the table in facts/secrets_files.c,
-- repeated in docs/secrets.md), in the working tree and in history:
-- a file committed and deleted since is still in every clone.

local common = require "common"

-- Only committed files count at HEAD: an untracked .env is
-- SEC-ENV-IGNORED's business.
local function committed(repo, f)
  if not f.at_head or not repo.is_git then
    return true
  end
  local file = repo:file(f.path)
  return file ~= nil and file.status == "tracked"
end

local CATEGORY_WORDS = {
  private_key = "private key", keystore = "keystore",
  env_file = "environment file", kubeconfig = "kubeconfig",
  terraform_state = "Terraform state", credentials_file = "credentials",
  cloud_credentials = "cloud credentials", npmrc = "npm token",
  pypirc = "PyPI password", docker_config = "registry credentials",
  secrets_dir = "in a secrets directory",
}

local function describe(repo, f)
  local why = CATEGORY_WORDS[f.category] or f.category
  if f.at_head then
    return string.format("%s %s (%s)", f.path, common.committed_word(repo),
      why)
  end
  return string.format("%s (%s) was added in %s (%s) and deleted since; " ..
    "it is still in the history", f.path, why, f.commit:sub(1, 12),
    f.author_date)
end

local function group_of(f)
  return f.dir or common.dir_label(f.path)
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
    local found, deleted = {}, 0
    for _, f in ipairs(repo:sensitive_files{}) do
      if committed(repo, f) and not common.matches_any(params.allow, f.path)
      then
        found[#found + 1] = f
        deleted = deleted + (f.at_head and 0 or 1)
        fail{
          message = describe(repo, f),
          path = f.path,
          commit = not f.at_head and f.commit or nil,
          key = f.path,
        }
      end
    end
    if #found == 0 then
      return pass("no secret files " .. common.committed_word(repo))
    end
    local text = string.format("%s %s: %s",
      common.plural(#found, "secret file"), common.committed_word(repo),
      common.group_summary(found, group_of))
    if deleted > 0 then
      text = text .. string.format(" (%d deleted but still in history)",
        deleted)
    end
    score(0, text)
  end,
}
