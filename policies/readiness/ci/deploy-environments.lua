-- A deployment job without an environment deploys on every push, with
-- no approval, no environment-scoped secrets and no deployment history.

local common = require "common"
local ci = require "ci"

local DEPLOY_NAME = "(?i)deploy|release|rollout|promote|publish"

local DEPLOY_COMMAND = "(?i)\\b(?:kubectl\\s+(?:apply|set\\s+image|rollout)|" ..
  "helm\\s+(?:upgrade|install)|helmfile\\s+(?:apply|sync)|" ..
  "terraform\\s+apply|pulumi\\s+up|argocd\\s+app\\s+sync|" ..
  "serverless\\s+deploy|sls\\s+deploy|flyctl\\s+deploy|fly\\s+deploy|" ..
  "gcloud\\s+(?:run|app|functions)\\s+deploy|aws\\s+ecs\\s+update-service|" ..
  "eb\\s+deploy|cdk\\s+deploy|vercel\\s+--prod|netlify\\s+deploy|" ..
  "azure/webapps-deploy|azure/k8s-deploy|aws-actions/amazon-ecs-deploy)"

local function deploys(job)
  if crucible.match(DEPLOY_NAME, job.id .. " " .. (job.name or "")) then
    return true
  end
  return ci.find_step(job:steps(), DEPLOY_COMMAND) ~= nil
end

return crucible.policy{
  id = "CI-DEPLOY-ENVIRONMENTS",
  title = "Deployments go through environments",
  category = "ci",
  severity = "medium",
  weight = 2,
  needs = { "workflows" },
  description = "Jobs that deploy (kubectl apply, helm upgrade, terraform " ..
    "apply, a job named deploy or release, ...) should name a deployment " ..
    "environment, which brings required reviewers, environment secrets " ..
    "and a deployment history to roll back from.",
  remediation = "Add `environment: production` (GitHub, GitLab, Azure) " ..
    "or `deployment: production` (Bitbucket) to each deploying job and " ..
    "protect the environment with reviewers.",
  references = {
    "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment",
  },
  check = function(repo)
    local jobs = {}
    for _, job in ipairs(common.project(repo:jobs())) do
      if deploys(job) then
        jobs[#jobs + 1] = job
      end
    end
    if #jobs == 0 then
      return skip("no CI job deploys")
    end
    common.rate(jobs, function(job)
      if job.environment then
        return nil
      end
      return "job " .. job.id .. " deploys without an environment"
    end, "deploying job", "using an environment")
  end,
}
