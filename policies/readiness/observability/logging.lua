-- printf debugging does not survive production: logs must be machine-
-- readable to be searched, correlated and alerted on.

local service = require "service"

return crucible.policy{
  id = "OBS-LOGGING",
  title = "Structured logging library",
  category = "observability",
  severity = "medium",
  weight = 2,
  needs = { "signals", "manifests", "docker", "k8s" },
  description = "A deployed service should log through a structured " ..
    "logging library (pino, winston, zap, zerolog, structlog, slog, " ..
    "logback with a JSON encoder, ...) rather than print statements.",
  remediation = "Adopt your platform's structured logger, log JSON with " ..
    "a request or trace id on every line, and ship the logs to your " ..
    "log store.",
  check = function(repo)
    service.require_signal(repo, "logging",
      "no structured logging library among the dependencies", fail)
  end,
}
