-- `curl | sh` runs whatever the server sends today; apt caches and
-- recommended packages bloat the image with code nobody asked for.

local common = require "common"

-- The problems of one RUN instruction: failures, then warnings.
local function problems(ins)
  local failures, warnings = {}, {}
  if ins.curl_pipe_shell then
    failures[#failures + 1] = "pipes a download into a shell"
  end
  if ins.apt_no_install_recommends == false then
    warnings[#warnings + 1] = "apt-get install without --no-install-recommends"
  end
  if ins.apt_cleanup == false then
    warnings[#warnings + 1] = "leaves /var/lib/apt/lists in the layer"
  end
  if #(ins.installs_without_yes or {}) > 0 then
    warnings[#warnings + 1] = "installs without -y (" ..
      table.concat(ins.installs_without_yes, ", ") .. ")"
  end
  return failures, warnings
end

local function report(ins, list, fn)
  if #list > 0 then
    fn{ message = "RUN " .. table.concat(list, "; "), path = ins.path,
      line = ins.line }
  end
end

return crucible.policy{
  id = "OPS-DOCKER-RUN-HYGIENE",
  title = "Image builds install safely",
  category = "operations",
  severity = "medium",
  weight = 2,
  needs = { "docker" },
  description = "RUN instructions should not pipe downloads into a " ..
    "shell, and apt installs should skip recommended packages, clean " ..
    "their lists and not wait for a prompt.",
  remediation = "Download to a file, verify its checksum, then run it; " ..
    "use `apt-get install -y --no-install-recommends ... && rm -rf " ..
    "/var/lib/apt/lists/*` in one RUN.",
  check = function(repo)
    local dockerfiles = common.project(repo:dockerfiles())
    if #dockerfiles == 0 then
      return skip("no Dockerfile")
    end
    local runs = 0
    for _, ins in ipairs(common.project(repo:docker_instructions{
        instruction = "RUN" })) do
      local failures, warnings = problems(ins)
      runs = runs + 1
      report(ins, failures, fail)
      report(ins, warnings, warn)
    end
    pass(common.plural(runs, "RUN instruction") .. " without problems")
  end,
}
