-- A Secret manifest with data in it is a secret committed to git:
-- base64 is an encoding, not encryption.

local common = require "common"

return crucible.policy{
  id = "K8S-SECRETS-INLINE",
  title = "No Secret values in manifests",
  category = "kubernetes",
  severity = "high",
  weight = 3,
  needs = { "k8s" },
  description = "Kubernetes Secrets should not be committed with " ..
    "`data` or `stringData`, nor Kustomize secretGenerators with " ..
    "literals: the values are readable by anyone with the repository.",
  remediation = "Remove the values, rotate them, and deliver secrets " ..
    "with External Secrets, Sealed Secrets, SOPS or the cloud's secret " ..
    "manager.",
  check = function(repo)
    local secrets = common.project(repo:nodes("k8s_secret"))
    local generators = common.project(repo:nodes("kustomization",
      { secret_literals = true }))
    if #secrets == 0 and #generators == 0 then
      return skip("no Kubernetes Secret")
    end
    for _, s in ipairs(secrets) do
      if s.inline_data then
        fail{ message = "Secret " .. s.name .. " is committed with " ..
          common.list(s.data_keys or {}, 3), path = s.path, line = s.line }
      end
    end
    for _, k in ipairs(generators) do
      fail{ message = k.path .. " generates a Secret from literals",
        path = k.path, line = k.line }
    end
    pass("no Secret carries values")
  end,
}
