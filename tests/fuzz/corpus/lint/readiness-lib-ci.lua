-- ci.lua - CI/CD configuration files of the mainstream services.

local common = require "common"

local ci = {}

ci.WORKFLOW_GLOBS = { "/.github/workflows/*.yml", "/.github/workflows/*.yaml" }

-- Services configured in one file at a fixed path.
local PATHS = {
  ".gitlab-ci.yml", "Jenkinsfile", ".circleci/config.yml",
  "azure-pipelines.yml", "bitbucket-pipelines.yml", ".travis.yml",
  ".drone.yml", ".buildkite/pipeline.yml", "cloudbuild.yaml",
  "cloudbuild.yml", ".woodpecker.yml", "buildspec.yml",
}

-- Services configured in a directory of files.
local GLOBS = {
  ci.WORKFLOW_GLOBS[1], ci.WORKFLOW_GLOBS[2], "/.gitlab-ci/*.yml", "/Jenkinsfile.*", "/.azure-pipelines/*.yml",
  "/.woodpecker/*.yml", "/.tekton/*.yaml",
}

-- Every CI configuration file.
function ci.files(repo)
  local files = common.files(repo, GLOBS)
  for _, path in ipairs(PATHS) do
    local f = repo:file(path)
    if f and f.type == "file" then
      files[#files + 1] = f
    end
  end
  return files
end

-- The first line of `files` that matches a regex, as
-- { path =, line =, text =, match = }, or nil.
function ci.find(files, regex)
  for _, f in ipairs(files) do
    local line, text = f:find(regex)
    if line then
      return { path = f.path, line = line, text = text,
        match = crucible.match(regex, text) }
    end
  end
  return nil
end

return ci
