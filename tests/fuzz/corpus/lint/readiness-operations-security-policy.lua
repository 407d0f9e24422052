-- Where to report a vulnerability, before someone has to ask in public.

local common = require "common"

local is_security_policy = common.document_named{ "security" }

return crucible.policy{
  id = "OPS-SECURITY-POLICY",
  title = "Security policy published",
  category = "operations",
  severity = "medium",
  weight = 2,
  description = "A SECURITY.md tells reporters where to send a " ..
    "vulnerability privately and what response to expect.",
  remediation = "Add SECURITY.md (at the root, in .github/ or docs/) " ..
    "with a private reporting channel and the supported versions.",
  references = {
    "https://docs.github.com/en/code-security/getting-started/adding-a-security-policy-to-your-repository",
  },
  check = function(repo)
    local policy = common.named_files(repo, { "", ".github/", "docs/" },
      is_security_policy)[1]
    if not policy then
      return fail{ message = "no SECURITY.md in the root, .github/ or docs/",
        path = "." }
    end
    pass(policy.path)
  end,
}
