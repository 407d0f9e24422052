-- The final stage of every Dockerfile switches to a user other than root:
-- a process that escapes as root owns the node.

return crucible.policy{
  id = "ACME-DOCKER-NON-ROOT",
  title = "Images do not run as root",
  category = "containers",
  severity = "high",
  weight = 2,
  remediation = "Add `USER <name>` (not root, not 0) to the final stage.",
  needs = { "docker" },
  check = function(repo)
    local dockerfiles = repo:dockerfiles()
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    for _, d in ipairs(dockerfiles) do
      if d.runs_as_root then
        fail{ message = d.path .. " runs as root (no USER in its final stage)",
          path = d.path }
      end
    end
  end,
}
