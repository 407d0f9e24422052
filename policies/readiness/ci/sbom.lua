-- An SBOM answers "are we affected?" the day the next log4shell lands.

local ci = require "ci"

local SBOM = "(?i)\\b(?:sbom|syft|cyclonedx|spdx|anchore/sbom-action|" ..
  "attest-sbom)\\b"

return crucible.policy{
  id = "CI-SBOM",
  title = "Releases come with an SBOM",
  category = "ci",
  severity = "low",
  weight = 1,
  needs = { "workflows", "docker" },
  description = "When CI builds images or publishes releases, it should " ..
    "produce a software bill of materials (Syft, CycloneDX, Trivy, " ..
    "`docker buildx --sbom`) and keep it with the artifact.",
  remediation = "Add anchore/sbom-action (or `syft IMAGE -o " ..
    "spdx-json`) to the release job and attach or attest the SBOM.",
  references = { "https://www.cisa.gov/sbom" },
  check = function(repo)
    ci.require_release_step(repo, SBOM,
      "CI releases artifacts without producing an SBOM", warn)
  end,
}
