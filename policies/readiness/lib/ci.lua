-- ci.lua - the CI facts (docs/facts/ci.md) as the ci/ policies ask for
-- them.  Every CI system (GitHub Actions, GitLab CI, Jenkins, CircleCI,
-- Azure Pipelines, Bitbucket) becomes workflows, jobs and steps, so the
-- policies search steps and never read a CI file themselves.

local common = require "common"

local ci = {}

-- The project's CI configuration files (fixtures and samples left out).
function ci.configs(repo)
  return common.project(repo:ci_configs())
end

-- An action.yml outside .github/ is an action the repository ships,
-- not a part of its own CI.
local function shipped_action(path)
  local name = path:match("[^/]*$")
  return (name == "action.yml" or name == "action.yaml") and
    path:sub(1, 8) ~= ".github/"
end

-- The steps of the project's own CI, in the order the collectors found
-- them.
function ci.steps(repo)
  local out = {}
  for _, step in ipairs(common.project(repo:steps())) do
    if not shipped_action(step.path) then
      out[#out + 1] = step
    end
  end
  return out
end

-- What a step does, as one string to search: its script, else the
-- action, orb or task it uses.
function ci.step_text(step)
  return step.run or step.uses
end

-- The first of `steps` whose script or action matches the regex, and the
-- match; nil when none does.
function ci.find_step(steps, regex)
  for _, step in ipairs(steps) do
    local text = ci.step_text(step)
    local match = text and crucible.match(regex, text)
    if match then
      return step, match
    end
  end
  return nil
end

-- "path:line runs `match`", for pass messages.
function ci.describe(step, match)
  return string.format("%s:%d runs %s", step.path, step.line or 1, match)
end

-- GitHub workflows of the project, without action.yml files (an action
-- has no triggers, token or jobs of its own).
function ci.github_workflows(repo)
  local out = {}
  for _, wf in ipairs(common.project(repo:workflows{ system = "github" })) do
    if not wf.action_using then
      out[#out + 1] = wf
    end
  end
  return out
end

-- Jobs of the project's GitHub workflows that run steps themselves (not
-- calls of reusable workflows).
function ci.github_jobs(repo)
  local out = {}
  for _, wf in ipairs(ci.github_workflows(repo)) do
    for _, job in ipairs(wf:jobs()) do
      if not job.uses then
        out[#out + 1] = job
      end
    end
  end
  return out
end

-- A step that builds or publishes a release artifact: a container
-- image, a package, a binary release.
local PUBLISH = "(?i)\\b(?:docker(?:\\s+buildx)?\\s+(?:build|push)|" ..
  "build-push-action|buildah|kaniko|ko\\s+build|jib|goreleaser|" ..
  "npm\\s+publish|yarn\\s+publish|pnpm\\s+publish|twine\\s+upload|" ..
  "pypi-publish|poetry\\s+publish|cargo\\s+publish|gem\\s+push|" ..
  "mvn\\b.*\\bdeploy|gradlew?\\b.*\\bpublish|gh\\s+release\\s+create|" ..
  "action-gh-release|helm\\s+push)\\b"

-- The check of a policy that wants a supply-chain step (signing, an
-- SBOM) wherever CI releases something: skip without CI or when
-- nothing is released (no publishing step, no Dockerfile), pass on the
-- first step that matches `regex`, else report (fail or warn) `missing`
-- at the publishing step or the Dockerfile.
function ci.require_release_step(repo, regex, missing, report)
  if #ci.configs(repo) == 0 then
    return skip("no CI configuration")
  end
  local steps = ci.steps(repo)
  local release = ci.find_step(steps, PUBLISH) or
    common.project(repo:dockerfiles())[1]
  if not release then
    return skip("nothing is released: no publishing step and no Dockerfile")
  end
  local step, match = ci.find_step(steps, regex)
  if step then
    return pass(ci.describe(step, match))
  end
  report{ message = missing, path = release.path, line = release.line }
end

return ci
