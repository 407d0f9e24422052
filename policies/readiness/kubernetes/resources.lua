-- Without requests the scheduler packs pods blindly; without limits one
-- leaking pod starves its neighbours or gets the node OOM-killed.

local k8s = require "k8s"

local REQUIRED = {
  "resources.requests.cpu", "resources.requests.memory",
  "resources.limits.memory",
}

return crucible.policy{
  id = "K8S-RESOURCES",
  title = "Resource requests and limits set",
  category = "kubernetes",
  severity = "medium",
  weight = 2,
  needs = { "k8s" },
  description = "Every container should request CPU and memory and " ..
    "limit its memory (and its CPU, unless the `cpu_limit` param is " ..
    "false), so that scheduling, autoscaling and eviction work.",
  remediation = "Add `resources: {requests: {cpu: 100m, memory: " ..
    "128Mi}, limits: {cpu: 500m, memory: 256Mi}}` sized from observed " ..
    "usage.",
  params = {
    cpu_limit = { type = "boolean", default = true,
      description = "require a CPU limit too" },
  },
  check = function(repo, params)
    local required = { table.unpack(REQUIRED) }
    if params.cpu_limit then
      required[#required + 1] = "resources.limits.cpu"
    end
    k8s.rate_containers(repo, function(c)
      local missing = {}
      for _, key in ipairs(required) do
        if not c[key] then
          missing[#missing + 1] = key:sub(#"resources." + 1)
        end
      end
      if #missing == 0 then
        return nil
      end
      return k8s.name(c) .. " has no " .. table.concat(missing, ", ")
    end, "with requests and limits")
  end,
}
