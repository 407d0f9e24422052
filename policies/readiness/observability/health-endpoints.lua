-- Orchestrators and load balancers decide where traffic goes by
-- asking the service; a service that cannot answer gets traffic while
-- it starts and after it hangs.

local common = require "common"
local service = require "service"

-- Routes of `types` in the code, else the paths Kubernetes probes of
-- `probe` ask for.
local function endpoints(repo, types, probe)
  local names = {}
  for _, s in ipairs(service.signals(repo, types)) do
    names[#names + 1] = s.name
  end
  for _, c in ipairs(common.project(repo:containers{ [probe] = true })) do
    names[#names + 1] = c["probes." .. probe .. ".path"] or
      (c["probes." .. probe .. ".type"] or "a") .. " probe"
  end
  return common.unique(names)
end

return crucible.policy{
  id = "OBS-HEALTH-ENDPOINTS",
  title = "Health and readiness endpoints",
  category = "observability",
  severity = "medium",
  weight = 2,
  needs = { "signals", "k8s", "docker" },
  description = "A deployed service should answer a liveness check " ..
    "(/health, /healthz, /livez) and a readiness check (/ready, " ..
    "/readyz) that also tests its dependencies.",
  remediation = "Add /health (the process is alive) and /ready (it can " ..
    "serve: database and queues reachable) routes, and point the " ..
    "probes at them.",
  check = function(repo)
    local reason = service.skip_reason(repo)
    if reason then
      return skip(reason)
    end
    local health = endpoints(repo, { "health_endpoint", "liveness_endpoint" },
      "liveness")
    local ready = endpoints(repo, { "readiness_endpoint" }, "readiness")
    if #health == 0 and #ready == 0 then
      return fail{ message = "no health or readiness endpoint", path = "." }
    end
    if #ready == 0 then
      warn{ message = "no readiness endpoint (health: " ..
        common.list(health, 3) .. ")", path = "." }
    elseif #health == 0 then
      warn{ message = "no health endpoint (readiness: " ..
        common.list(ready, 3) .. ")", path = "." }
    end
    pass("health: " .. common.list(health, 3) .. "; readiness: " ..
      common.list(ready, 3))
  end,
}
