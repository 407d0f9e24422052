-- Without a readiness probe traffic reaches pods that are not ready;
-- without a liveness probe a hung process is never restarted.

local k8s = require "k8s"

return crucible.policy{
  id = "K8S-PROBES",
  title = "Liveness and readiness probes defined",
  category = "kubernetes",
  severity = "medium",
  weight = 2,
  needs = { "k8s" },
  description = "Every container of a long-running workload should " ..
    "have a readiness probe (when to send it traffic) and a liveness " ..
    "probe (when to restart it), and they should not be identical.",
  remediation = "Add `readinessProbe` on a /ready endpoint that checks " ..
    "dependencies and `livenessProbe` on a cheap /health endpoint.",
  check = function(repo)
    k8s.rate_containers(repo, function(c)
      local missing = {}
      if not c.readiness then
        missing[#missing + 1] = "readiness"
      end
      if not c.liveness then
        missing[#missing + 1] = "liveness"
      end
      if #missing > 0 then
        return k8s.name(c) .. " has no " .. table.concat(missing, " or ") ..
          " probe"
      end
      local path = c["probes.liveness.path"]
      if path and path == c["probes.readiness.path"] and
          c["probes.liveness.port"] == c["probes.readiness.port"] then
        return k8s.name(c) .. ": liveness and readiness probe the same " ..
          "endpoint (" .. path .. ")"
      end
      return nil
    end, "with both probes", { long_running = true })
  end,
}
