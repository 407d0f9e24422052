-- k8s.lua - the Kubernetes facts (docs/facts/kubernetes.md) as the
-- kubernetes/ policies ask for them: the project's workloads and their
-- containers, with the name a finding shows ("api/web" for container
-- web of workload api).

local common = require "common"

local k8s = {}

-- Kinds that run to completion (or are a bare pod): they need no
-- probes, autoscaler or disruption budget.
local BATCH = { Job = true, CronJob = true, Pod = true, PodTemplate = true }

function k8s.workloads(repo)
  return common.project(repo:workloads())
end

-- Workloads that run until they are stopped: Deployments, StatefulSets,
-- DaemonSets, ReplicaSets, Argo Rollouts...
function k8s.long_running(repo)
  local out = {}
  for _, w in ipairs(k8s.workloads(repo)) do
    if not BATCH[w.k8s_kind] then
      out[#out + 1] = w
    end
  end
  return out
end

-- The containers of `workloads` (init containers only when with_init).
function k8s.containers(workloads, with_init)
  local out = {}
  for _, w in ipairs(workloads) do
    for _, c in ipairs(w:containers()) do
      if with_init or not c.init then
        out[#out + 1] = c
      end
    end
  end
  return out
end

function k8s.name(c)
  local w = c:workload()
  return (w and w.name or "?") .. "/" .. c.name
end

-- "Deployment api"
function k8s.describe(w)
  return w.k8s_kind .. " " .. w.name
end

-- The check of a policy that judges every container of the project's
-- workloads: skip when there is none, else common.rate() them.
function k8s.rate_containers(repo, problem, outcome, opts)
  opts = opts or {}
  local workloads = opts.long_running and k8s.long_running(repo) or
    k8s.workloads(repo)
  local containers = k8s.containers(workloads, opts.with_init)
  if #containers == 0 then
    return skip(opts.long_running and "no long-running Kubernetes workload" or
      "no Kubernetes workload")
  end
  common.rate(containers, problem, "container", outcome, opts.report)
end

-- The same for workloads.
function k8s.rate_workloads(repo, workloads, problem, outcome, report)
  if #workloads == 0 then
    return skip("no Kubernetes workload it applies to")
  end
  common.rate(workloads, problem, "workload", outcome, report)
end

return k8s
