-- `image: api:latest` runs whatever was pushed last, and two pods of
-- one Deployment may run different code.

local k8s = require "k8s"

return crucible.policy{
  id = "K8S-IMAGE-PINNED",
  title = "Container images are pinned",
  category = "kubernetes",
  severity = "medium",
  weight = 2,
  needs = { "k8s" },
  description = "Every container image should carry a version tag " ..
    "other than latest, or better a digest, so that a rollout deploys " ..
    "exactly what was tested and a rollback returns to it.",
  remediation = "Reference images as `registry/app:1.4.2` or " ..
    "`registry/app@sha256:...`, set by the release pipeline.",
  params = {
    require_digest = { type = "boolean", default = false,
      description = "true: a tag alone is not enough, a digest is required" },
  },
  check = function(repo, params)
    k8s.rate_containers(repo, function(c)
      if c.image_latest then
        return k8s.name(c) .. " runs " .. (c.image or "?") ..
          " without a version (latest)"
      end
      if params.require_digest and not c.image_digest then
        return k8s.name(c) .. " runs " .. c.image .. " without a digest"
      end
      return nil
    end, "pinned", { with_init = true })
  end,
}
