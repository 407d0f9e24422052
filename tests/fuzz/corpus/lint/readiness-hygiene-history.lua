-- A repository with a handful of commits by one person is a prototype,
-- or an export that lost its history; either way nobody else knows it.

local common = require "common"

return crucible.policy{
  id = "GIT-HISTORY",
  title = "Shared version history",
  category = "hygiene",
  severity = "info",
  weight = 1,
  description = "The history should show the project being developed " ..
    "over time by more than one person: a single author is a bus " ..
    "factor of one.  (Shallow CI clones show one commit: evaluate " ..
    "with full history, e.g. fetch-depth: 0.)",
  remediation = "Develop through reviewed pull requests by several " ..
    "maintainers; import the full history when migrating repositories.",
  params = {
    min_commits = 10,
    min_authors = 2,
  },
  check = function(repo, params)
    local git = repo.git
    if not git then
      return skip("not a git repository")
    end
    local commits = common.count(git.commits)
    local authors = common.count(git.authors)
    if commits == 0 then
      return fail{ message = "the repository has no commits", path = "." }
    end
    if commits < params.min_commits then
      warn{ message = string.format("only %s (expected at least %d)",
        common.plural(commits, "commit"), params.min_commits), path = "." }
    end
    if authors < params.min_authors then
      warn{ message = string.format("only %s (expected at least %d)",
        common.plural(authors, "author"), params.min_authors), path = "." }
    end
    if commits >= params.min_commits and authors >= params.min_authors then
      pass(string.format("%s by %s", common.plural(commits, "commit"),
        common.plural(authors, "author")))
    end
  end,
}
