-- service.lua - does the repository deploy a running service?  Runbooks,
-- health endpoints, metrics and documented configuration matter for a
-- service, not for a library or a command-line tool, so the policies
-- about them skip a repository that shows no sign of being deployed.

local common = require "common"

local service = {}

-- Files by which platforms run a service.
local PLATFORM_FILES = {
  "Procfile", "app.yaml", "app.yml", "fly.toml", "render.yaml",
  "serverless.yml", "serverless.yaml", "vercel.json", "netlify.toml",
  "Chart.yaml", "skaffold.yaml", "docker-compose.yml", "compose.yaml",
}

-- The path of the first sign that the project is a deployed service (a
-- Dockerfile, a compose service, a Kubernetes workload, a platform file,
-- a health or readiness route in the code), or nil.
function service.evidence(repo)
  for _, nodes in ipairs{
    repo:dockerfiles(), repo:workloads(), repo:compose_services(),
    repo:signals{ signal_type = { "health_endpoint", "readiness_endpoint",
      "liveness_endpoint" } },
  } do
    local first = common.project(nodes)[1]
    if first then
      return first.path
    end
  end
  local platform = common.project(repo:files{ name = PLATFORM_FILES,
    type = "file" })[1]
  return platform and platform.path
end

-- Call at the top of check: the skip reason when the repository is no
-- service, else nil.
function service.skip_reason(repo)
  if service.evidence(repo) then
    return nil
  end
  return "no deployed service (no Dockerfile, Kubernetes workload, " ..
    "compose file, platform file or health route)"
end

-- The check of a policy that wants an operational document of a
-- service: skip when the repository is no service, pass on the first
-- document (docs/facts/docs.md) with one of `topics` in its name or
-- headings, else report (fail or warn) `missing`.
function service.require_doc(repo, topics, missing, report)
  local reason = service.skip_reason(repo)
  if reason then
    return skip(reason)
  end
  local doc = common.project(repo:docs{ topics = topics })[1]
  if doc then
    return pass(doc.path .. (doc.title and " (" .. doc.title .. ")" or ""))
  end
  report{ message = missing, path = "." }
end

-- The project's code signals (docs/facts/docs.md) of `types`.
function service.signals(repo, types)
  return common.project(repo:signals{ signal_type = types })
end

-- The names of `signals`, each once, for messages.
function service.names(signals)
  local names = {}
  for i, s in ipairs(signals) do
    names[i] = s.name
  end
  return common.list(common.unique(names), 3)
end

-- The check of a policy that wants a library or route of `types` in a
-- service: skip when the repository is no service, pass naming what
-- was found, else report (fail or warn) `missing`.
function service.require_signal(repo, types, missing, report)
  local reason = service.skip_reason(repo)
  if reason then
    return skip(reason)
  end
  local found = service.signals(repo, types)
  if #found > 0 then
    return pass(service.names(found))
  end
  report{ message = missing, path = "." }
end

return service
