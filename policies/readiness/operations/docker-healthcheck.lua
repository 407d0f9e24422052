-- Without a HEALTHCHECK, Docker, Compose and Swarm see a hung process
-- as a healthy container.

local common = require "common"

-- Kubernetes ignores HEALTHCHECK: probes do that job there.
local function probed_by_kubernetes(repo)
  return #common.project(repo:containers{ liveness = true, limit = 1 }) > 0
end

return crucible.policy{
  id = "OPS-DOCKER-HEALTHCHECK",
  title = "Images declare a HEALTHCHECK",
  category = "operations",
  severity = "low",
  weight = 1,
  needs = { "docker", "k8s" },
  description = "The final stage of every Dockerfile should declare a " ..
    "HEALTHCHECK, so that plain Docker and Compose restart or stop " ..
    "routing to a hung container.  Repositories that deploy with " ..
    "Kubernetes liveness probes are exempt.",
  remediation = "Add `HEALTHCHECK CMD wget -qO- http://localhost:8080/health " ..
    "|| exit 1` (or the service's own check) to the final stage.",
  check = function(repo)
    local dockerfiles = common.project(repo:dockerfiles())
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    if probed_by_kubernetes(repo) then
      return skip("Kubernetes liveness probes check the containers")
    end
    common.rate(dockerfiles, function(df)
      if df.healthcheck then
        return nil
      end
      return df.path .. " has no HEALTHCHECK in its final stage"
    end, "Dockerfile", "with a HEALTHCHECK", warn)
  end,
}
