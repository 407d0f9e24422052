-- A signature lets the cluster refuse an image that CI did not build.

local ci = require "ci"

local SIGNING = "(?i)\\b(?:cosign|sigstore|notation\\s+sign|" ..
  "slsa-github-generator|attest-build-provenance|gpg\\s+.*--detach-sign|" ..
  "docker\\s+trust\\s+sign)\\b"

return crucible.policy{
  id = "CI-IMAGE-SIGNING",
  title = "Released artifacts are signed",
  category = "ci",
  severity = "medium",
  weight = 2,
  needs = { "workflows", "docker" },
  description = "When CI builds images or publishes releases, it should " ..
    "sign them (cosign, Notation) or attest their provenance (SLSA), so " ..
    "that deployments can verify where an artifact comes from.",
  remediation = "Sign the pushed image by digest with keyless cosign " ..
    "(sigstore/cosign-installer, then `cosign sign --yes IMAGE@DIGEST`) " ..
    "or add actions/attest-build-provenance, and verify signatures at " ..
    "admission.",
  references = { "https://docs.sigstore.dev/cosign/signing/signing_with_containers/" },
  check = function(repo)
    ci.require_release_step(repo, SIGNING,
      "CI releases artifacts without signing them (no cosign, " ..
      "Notation or provenance attestation step)", fail)
  end,
}
