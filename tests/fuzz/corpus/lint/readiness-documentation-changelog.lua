-- Release notes tell operators what changed before they deploy it.

local common = require "common"

local is_changelog = common.document_named{
  "changelog", "changes", "history", "news", "releases",
}

return crucible.policy{
  id = "DOC-CHANGELOG",
  title = "Changelog maintained",
  category = "documentation",
  severity = "low",
  weight = 1,
  description = "A changelog lets whoever deploys or upgrades the " ..
    "project see what changed, what broke and what to migrate.",
  remediation = "Keep a CHANGELOG.md (https://keepachangelog.com) and " ..
    "add an entry with every release.",
  references = { "https://keepachangelog.com/" },
  check = function(repo)
    local changelog = common.named_files(repo, { "", "docs/" },
      is_changelog)[1]
    if not changelog then
      return warn{ message = "no CHANGELOG (or CHANGES, NEWS, HISTORY)",
        path = "." }
    end
    pass(changelog.path)
  end,
}
