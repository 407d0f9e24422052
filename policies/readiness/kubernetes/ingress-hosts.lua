-- A host name written into the base manifests ties them to one
-- environment: staging ends up answering for the production domain, or
-- every environment needs a fork of the manifests.

local common = require "common"

return crucible.policy{
  id = "K8S-INGRESS-HOSTS",
  title = "Ingress hosts are not hard-coded",
  category = "kubernetes",
  severity = "low",
  weight = 1,
  needs = { "k8s" },
  description = "Ingress host names belong in per-environment " ..
    "configuration (Helm values, Kustomize overlays), not in the base " ..
    "manifests.",
  remediation = "Move the hosts to Helm values or to a Kustomize " ..
    "overlay per environment, or list the overlay directories in the " ..
    "`allow` param.",
  params = {
    allow = { type = "list", default = { "**/overlays/**", "**/envs/**",
      "**/environments/**" },
      description = "globs of per-environment manifests where hosts belong" },
  },
  check = function(repo, params)
    local ingresses = common.project(repo:nodes("ingress"))
    if #ingresses == 0 then
      return skip("no Ingress")
    end
    local hard_coded = 0
    for _, ingress in ipairs(ingresses) do
      local hosts = ingress.hosts or {}
      if #hosts > 0 and not common.matches_any(params.allow, ingress.path) then
        hard_coded = hard_coded + 1
        warn{ message = "Ingress " .. ingress.name .. " hard-codes " ..
          common.list(hosts, 3), path = ingress.path, line = ingress.line }
      end
    end
    if hard_coded == 0 then
      pass(common.plural(#ingresses, "Ingress", "Ingresses") ..
        " without hard-coded hosts")
    end
  end,
}
