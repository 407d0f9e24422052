-- A .gitignore rule for .env keeps local secrets out of the next
-- `git add -A`.  Only asked of projects that use env files at all.

local common = require "common"

local ENV_GLOBS = { ".env", ".env.*" }

-- ".env", "/.env", "**/.env", ".env*", ".env.*", "*.env"
local IGNORE_RULE = "^\\s*(?:\\*\\*/|/)?\\*?\\.env(?:\\*|\\.\\*)?\\s*$"

local function split_templates(files)
  local secrets, templates = {}, {}
  for _, f in ipairs(files) do
    if common.is_env_template(f.name) then
      templates[#templates + 1] = f
    else
      secrets[#secrets + 1] = f
    end
  end
  return secrets, templates
end

return crucible.policy{
  id = "SEC-ENV-IGNORED",
  title = ".env files are ignored by git",
  category = "secrets",
  severity = "high",
  weight = 2,
  description = "Projects configured through .env files keep real " ..
    "values in them.  Unless .gitignore excludes .env, the first " ..
    "`git add -A` commits them.",
  remediation = "Add `.env` and `.env.*` (with `!.env.example`) to the " ..
    ".gitignore at the repository root.",
  check = function(repo)
    if not repo.is_git then
      return skip("not a git repository")
    end
    local gitignore = repo:file(".gitignore")
    if gitignore and gitignore:find(IGNORE_RULE) then
      return pass(".env is listed in .gitignore")
    end
    local secrets, templates = split_templates(
      common.files(repo, ENV_GLOBS))
    for _, f in ipairs(secrets) do
      fail{
        message = f.path .. " is not ignored by git (" .. f.status .. ")",
        path = f.path,
      }
    end
    if #secrets > 0 then
      return
    end
    if common.first(repo, ENV_GLOBS, { status = "ignored" }) then
      return pass(".env files are ignored (by an exclude file other " ..
        "than the root .gitignore)")
    end
    if #templates > 0 then
      return fail{
        message = ".gitignore has no rule for .env, although " ..
          templates[1].path .. " shows the project uses env files",
        path = gitignore and ".gitignore" or ".",
      }
    end
    skip("the project uses no .env files")
  end,
}
