-- A writable root filesystem lets an intruder drop tools and persist
-- changes for the life of the container.

local k8s = require "k8s"

return crucible.policy{
  id = "K8S-READ-ONLY-ROOT",
  title = "Root filesystems are read-only",
  category = "kubernetes",
  severity = "medium",
  weight = 2,
  needs = { "k8s" },
  description = "Containers should set `readOnlyRootFilesystem: true` " ..
    "and write only to the volumes (emptyDir, tmpfs) they declare.",
  remediation = "Add `readOnlyRootFilesystem: true` to each container's " ..
    "securityContext and mount an emptyDir where the application writes " ..
    "(/tmp, caches).",
  check = function(repo)
    k8s.rate_containers(repo, function(c)
      if c["security.readOnlyRootFilesystem"] == true then
        return nil
      end
      return k8s.name(c) .. " has a writable root filesystem"
    end, "with a read-only root filesystem", { with_init = true })
  end,
}
