#!/usr/bin/env python3
"""corpus.py - writes tests/fixtures/secrets-corpus/, the labelled corpus of
tests/test_secrets_corpus.c, and its LABELS file.

    bench/secrets/corpus.py tests/fixtures/secrets-corpus

Realistic files of a service repository: configs (.env, YAML, properties,
JSON, XML, tfvars, .npmrc, docker config.json), source in Python,
JavaScript, TypeScript, Go, Java, Ruby and shell, lockfiles
(package-lock.json with integrity hashes, go.sum, yarn.lock), minified
JavaScript, base64 images and data URIs, public certificates, and docs
quoting example keys.  Secrets are planted on known lines (invented
values in the real formats of their providers) next to the things that
look like secrets and are not: placeholders, templates, vault
references, environment lookups, hashes, UUIDs, lockfile digests.

Each planted secret becomes a LABELS line "PATH LINE RULE", RULE being the
rule expected to report it or "*" when more than one would be right.  The
seed is fixed, so the output is the same on every run: regenerate after
editing, and commit both.
"""
import base64
import os
import random
import string
import sys

r = random.Random(2024)
A = string.ascii_letters + string.digits
def rs(n, al=A): return "".join(r.choice(al) for _ in range(n))
HEX = "0123456789abcdef"
out = sys.argv[1]
labels = []
files = {}
def F(path, lines):
    # lines: str or (str, rule) for a planted secret on that line
    text, n = [], 0
    for item in lines:
        if isinstance(item, tuple):
            s, rule = item
            # a PEM block's secret starts on the line after its BEGIN
            body = 1 if s.startswith("-----BEGIN") else 0
            labels.append((path, n + 1 + body, rule))
        else:
            s = item
        text.append(s)
        n += s.count("\n") + 1
    files[path] = "\n".join(text) + "\n"

def pem(kind, nbytes, esc=False):
    body = base64.b64encode(r.randbytes(nbytes)).decode()
    rows = [body[i:i+64] for i in range(0, len(body), 64)]
    sep = "\\n" if esc else "\n"
    return "-----BEGIN %s-----%s%s%s-----END %s-----" % (kind, sep, sep.join(rows), sep, kind)

akid = "AKIA" + rs(16, string.ascii_uppercase + "234567")
aksec = rs(40, A + "+/")
# --- configs -------------------------------------------------------------------
F("config/.env", [
    "# local settings",
    "NODE_ENV=production",
    "PORT=8080",
    ("AWS_ACCESS_KEY_ID=" + akid, "aws-access-key-id"),
    ("AWS_SECRET_ACCESS_KEY=" + aksec, "aws-secret-access-key"),
    ("DATABASE_URL=postgres://orders:" + rs(18) + "@orders-db.prod.internal:5432/orders", "*"),
    ("STRIPE_SECRET_KEY=sk_live_" + rs(24), "stripe-secret-key"),
    "REDIS_URL=redis://localhost:6379/0",
    ("SENDGRID_API_KEY=SG." + rs(22, A + "_-") + "." + rs(43, A + "_-"), "sendgrid-api-key"),
    "LOG_LEVEL=info",
    ("SESSION_SECRET=" + rs(12) + "-" + rs(20), "*"),
    "FEATURE_FLAGS=checkout,search",
])
F("config/.env.example", [
    "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX",
    "AWS_SECRET_ACCESS_KEY=<your-secret-access-key>",
    "DATABASE_URL=postgres://user:password@localhost:5432/app",
    "STRIPE_SECRET_KEY=sk_live_your_key_here",
    "SESSION_SECRET=changeme",
    "API_TOKEN=${API_TOKEN}",
])
F("deploy/values.yaml", [
    "replicaCount: 3",
    "image:",
    "  repository: registry.example.com/orders",
    "  tag: 1.4.2",
    "env:",
    "  - name: DB_PASSWORD",
    "    valueFrom:",
    "      secretKeyRef: {name: orders-db, key: password}",
    "  - name: API_TOKEN",
    "    value: \"{{ .Values.apiToken }}\"",
    "database:",
    "  host: orders-db",
    ("  password: \"" + rs(10) + "!" + rs(5, string.digits) + "\"", "generic-password"),
    "  passwordSecretName: orders-db",
    "slack:",
    ("  webhook: https://hooks.slack.com/services/T" + rs(8, string.ascii_uppercase + string.digits) + "/B" + rs(8, string.ascii_uppercase + string.digits) + "/" + rs(24), "slack-webhook-url"),
    "github:",
    "  token: ${{ secrets.GITHUB_TOKEN }}",
    "checksum: sha256:" + rs(64, HEX),
])
F("deploy/ci.yml", [
    "name: ci",
    "on: [push]",
    "jobs:",
    "  build:",
    "    runs-on: ubuntu-latest",
    "    env:",
    "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
    ("      GITLAB_TOKEN: glpat-" + rs(20, A + "_-"), "gitlab-pat"),
    "    steps:",
    "      - uses: actions/checkout@v4",
    "      - run: npm ci",
])
F("src/main/resources/application.properties", [
    "spring.datasource.url=jdbc:postgresql://db:5432/orders",
    "spring.datasource.username=orders",
    ("spring.datasource.password=" + rs(9) + "#" + rs(6), "generic-password"),
    "spring.datasource.hikari.maximum-pool-size=16",
    "management.endpoints.web.exposure.include=health,info",
    "app.jwt.expiration-ms=3600000",
    "app.password.min-length=12",
    "app.datasource.password=${DB_PASSWORD}",
])
F("config/settings.json", [
    "{",
    '  "service": "billing",',
    '  "retries": 3,',
    ('  "openai_api_key": "sk-' + rs(20) + 'T3BlbkFJ' + rs(20) + '",', "openai-api-key"),
    '  "requestId": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",',
    '  "tokenLimit": 4096,',
    '  "passwordPolicy": {"minLength": 12, "requireDigit": true},',
    ('  "anthropic": {"apiKey": "sk-ant-api03-' + rs(93, A + "_-") + 'AA"},', "anthropic-api-key"),
    '  "build": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"',
    "}",
])
F("config/web.config", [
    '<?xml version="1.0" encoding="utf-8"?>',
    "<configuration>",
    "  <connectionStrings>",
    ('    <add name="Main" connectionString="Server=sql01.corp;Database=Sales;User Id=sales_app;Password=' + rs(14) + '9!;" />', "*"),
    ('    <add name="Blob" connectionString="DefaultEndpointsProtocol=https;AccountName=salesfiles;AccountKey=' + base64.b64encode(r.randbytes(64)).decode() + ';EndpointSuffix=core.windows.net" />', "*"),
    "  </connectionStrings>",
    "  <appSettings>",
    '    <add key="PageSize" value="50" />',
    '    <add key="ApiTokenHeader" value="X-Api-Token" />',
    "  </appSettings>",
    "</configuration>",
])
npm_tok = "npm_" + rs(36)
F(".npmrc", [
    "registry=https://registry.npmjs.org/",
    ("//registry.npmjs.org/:_authToken=" + npm_tok, "*"),
    "save-exact=true",
])
F("docker/config.json", [
    "{",
    '  "auths": {',
    '    "registry.example.com": {',
    ('      "auth": "' + base64.b64encode(("deploy:" + rs(20)).encode()).decode() + '"', "docker-config-auth"),
    "    }",
    "  }",
    "}",
])
# --- source ----------------------------------------------------------------------
F("src/app/payments.py", [
    "import os",
    "import stripe",
    "",
    "stripe.api_key = os.environ[\"STRIPE_SECRET_KEY\"]",
    "",
    "def charge(customer, amount, token):",
    "    \"\"\"Charge a card token; the token is single-use.\"\"\"",
    "    password = request.form['password']",
    "    return stripe.Charge.create(customer=customer, amount=amount, source=token)",
    "",
    ("GITHUB_TOKEN = \"ghp_" + rs(36) + "\"", "github-pat"),
    "",
    "def hash_password(password: str, salt: bytes) -> str:",
    "    return hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 100_000).hex()",
    "",
    ("API_KEY = \"" + rs(32) + "\"", "generic-api-key"),
    "TOKEN_TTL = 3600",
    "next_token = response.get('nextToken')",
])
F("src/app/notify.js", [
    "'use strict';",
    "const axios = require('axios');",
    "",
    ("const SLACK_BOT_TOKEN = 'xoxb-" + rs(12, string.digits) + "-" + rs(13, string.digits) + "-" + rs(24) + "';", "slack-bot-token"),
    "const apiKey = process.env.NOTIFY_API_KEY;",
    "",
    "async function send(channel, text) {",
    "  const headers = { Authorization: `Bearer ${apiKey}` };",
    "  return axios.post('https://slack.com/api/chat.postMessage', { channel, text }, { headers });",
    "}",
    "",
    ("const discordHook = 'https://discord.com/api/webhooks/" + rs(18, string.digits) + "/" + rs(68, A + "_-") + "';", "discord-webhook-url"),
    ("const serviceAccountKey = \"" + pem("PRIVATE KEY", 1190, esc=True) + "\";", "private-key-pkcs8"),
    "module.exports = { send };",
])
F("src/app/client.go", [
    "package app",
    "",
    "import (",
    '\t"net/http"',
    '\t"os"',
    ")",
    "",
    "// Token is read from the environment; never hard-code it.",
    'var token = os.Getenv("SERVICE_TOKEN")',
    "",
    ('const telegramBot = "' + rs(10, string.digits) + ':AA' + rs(33, A + "_-") + '"', "telegram-bot-token"),
    "",
    "func newRequest(url string) (*http.Request, error) {",
    '\treq, err := http.NewRequest("GET", url, nil)',
    "\tif err != nil {",
    "\t\treturn nil, err",
    "\t}",
    '\treq.Header.Set("Authorization", "Bearer "+token)',
    "\treturn req, nil",
    "}",
    ('const googleMapsKey = "AIza' + rs(35, A + "_-") + '"', "gcp-api-key"),
])
F("src/main/java/com/acme/Config.java", [
    "package com.acme;",
    "",
    "public final class Config {",
    '    public static final String PASSWORD_FIELD = "password";',
    '    public static final String TOKEN_HEADER = "X-Auth-Token";',
    ('    private static final String DB_PASSWORD = "' + rs(8) + "_" + rs(8) + '";', "generic-password"),
    ('    private static final String SHOPIFY_TOKEN = "shpat_' + rs(32, HEX) + '";', "shopify-access-token"),
    "    private Config() {}",
    "}",
])
F("src/lib/mailer.rb", [
    "class Mailer",
    ("  MAILGUN_KEY = 'key-" + rs(32, HEX) + "'", "mailgun-api-key"),
    "  def deliver(to, body)",
    "    token = ENV.fetch('MAILER_TOKEN')",
    "    client.send(to: to, body: body, token: token)",
    "  end",
    "end",
])
F("src/lib/auth.ts", [
    "import jwt from 'jsonwebtoken';",
    "",
    ("export const serviceJwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + rs(60, A + "_-") + "." + rs(43, A + "_-") + "';", "jwt"),
    "export function verify(token: string, secret: string) {",
    "  return jwt.verify(token, secret, { algorithms: ['HS256'] });",
    "}",
    "export const secretName = 'prod/orders/db';",
    "const passwordRegex = /^(?=.*[A-Z])(?=.*\\d).{12,}$/;",
])
F("scripts/deploy.sh", [
    "#!/bin/sh",
    "set -eu",
    ("export PYPI_TOKEN=pypi-AgEIcHlwaS5vcmc" + rs(70, A + "_-"), "pypi-token"),
    "curl -fsS -H \"Authorization: Bearer ${DEPLOY_TOKEN}\" https://deploy.example.com/hooks/orders",
    ("mysql -u admin -p'" + rs(12) + "3' orders < schema.sql", "*"),
    "docker login -u ci --password-stdin < /run/secrets/registry",
])
F("keys/deploy_key.txt", [
    "deploy key for the staging bastion:",
    (pem("RSA PRIVATE KEY", 1190), "private-key-rsa"),
    "rotate every 90 days",
])
F("keys/id_ed25519.txt", [
    (pem("OPENSSH PRIVATE KEY", 300), "private-key-openssh"),
])
# --- tricky non-secrets --------------------------------------------------------------
lock = ["{", '  "name": "orders",', '  "lockfileVersion": 3,', '  "packages": {']
for i in range(40):
    lock += ['    "node_modules/pkg-%d": {' % i, '      "version": "1.%d.0",' % i,
             '      "resolved": "https://registry.npmjs.org/pkg-%d/-/pkg-%d-1.%d.0.tgz",' % (i, i, i),
             '      "integrity": "sha512-%s=="' % base64.b64encode(r.randbytes(64)).decode()[:86], "    },"]
lock += ['    "": {}', "  }", "}"]
F("package-lock.json", lock)
F("go.sum", ["github.com/acme/mod%d v1.%d.0 h1:%s=" % (i, i, base64.b64encode(r.randbytes(32)).decode()[:43]) for i in range(30)])
F("yarn.lock", sum([["pkg-%d@^1.0.0:" % i, '  version "1.%d.0"' % i,
                     '  resolved "https://registry.yarnpkg.com/pkg-%d/-/pkg-%d-1.0.0.tgz#%s"' % (i, i, rs(40, HEX)),
                     "  integrity sha512-%s==" % base64.b64encode(r.randbytes(64)).decode()[:86], ""] for i in range(20)], []))
mini = ";".join("function %s(e,t){var n=e.token||t.apiKey;return n?{key:e.%s,secret:t.k%d}:void 0}" % (rs(2, string.ascii_letters), rs(6, string.ascii_lowercase), i) for i in range(200))
F("web/static/app.min.js", [mini + ';var c="' + base64.b64encode(r.randbytes(600)).decode() + '";'])
F("web/styles.css", [".logo{background:url(data:image/png;base64,%s)}" % base64.b64encode(r.randbytes(900)).decode(),
                     ".icon{background:url(data:image/svg+xml;base64,%s)}" % base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'>" + r.randbytes(200) + b"</svg>").decode()])
F("web/logo.svg", ['<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,%s"/></svg>' % base64.b64encode(r.randbytes(1200)).decode()])
F("certs/ca.crt", [pem("CERTIFICATE", 900)])
F("certs/server-chain.pem", [pem("CERTIFICATE", 900), pem("CERTIFICATE", 700)])
F("docs/SETUP.md", [
    "# Setup",
    "",
    "Put your keys in `.env` (see `.env.example`):",
    "",
    "```",
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "STRIPE_SECRET_KEY=sk_test_<your-test-key>",
    "DATABASE_URL=postgres://user:password@localhost/app",
    "```",
    "",
    "The service signs tokens with `JWT_SECRET`; generate one with `openssl rand -hex 32`.",
    "Example request: `curl -H 'Authorization: Bearer <token>' http://localhost:8080/v1/orders`.",
    "OAuth example from RFC 6749: access_token=2YotnFZFEjr1zCsicMWpAA",
])
F("src/app/ids.py", [
    "# identifiers, digests and encoded data that are not secrets",
    "ORDER_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'",
    "GIT_SHA = 'e83c5163316f89bfbde7d9ab23ca2e25604af290'",
    "SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'",
    "PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='",
    "token_type = 'bearer'",
    "password_hash = '$2b$12$' + salt",
    "secret_key_name = 'orders-signing-key'",
    "api_key_header = 'X-Api-Key'",
    "csrf_token = request.cookies.get('csrftoken')",
])
F("infra/terraform.tfvars", [
    'region = "eu-west-1"',
    ('access_key = "AKIA' + rs(16, string.ascii_uppercase + "234567") + '"', "aws-access-key-id"),
    ('secret_key = "' + rs(40, A + "+/") + '"', "*"),
    'instance_type = "t3.medium"',
    'db_password = var.db_password',
])
F("config/services.env", [
    ("HEROKU_API_KEY=" + "-".join(rs(n, HEX) for n in (8, 4, 4, 4, 12)), "heroku-api-key"),
    ("DD_API_KEY=" + rs(32, HEX), "datadog-api-key"),
    ("TWILIO_AUTH_TOKEN=" + rs(32, HEX), "*"),
    "PASSWORD_RESET_URL=https://accounts.example.com/reset",
    "TOKEN_ISSUER=https://auth.example.com/",
    "SECRET_NAME=orders/prod",
])
F("src/app/db.py", [
    "from sqlalchemy import create_engine",
    ('engine = create_engine("mysql+pymysql://reporting:' + rs(16) + '@reports-db.internal/reports")', "*"),
    "password = None",
    'password = ""',
    "token = get_token(scope='read')",
    'secret = os.getenv("APP_SECRET")',
    'config = {"password": "{{ vault_db_password }}", "user": "app"}',
    ('settings = {"password": "Tr0ub4dor&3-' + rs(6) + '", "user": "admin"}', "generic-password"),
    "PASSWORD_MIN_LENGTH = 12",
    "def rotate(secret_id, token_id): pass",
])
F("ansible/group_vars/all.yml", [
    "db_user: app",
    "db_password: !vault |",
    "  $ANSIBLE_VAULT;1.1;AES256",
    "  " + rs(64, HEX),
    "  " + rs(64, HEX),
    "api_token: \"{{ lookup('env', 'API_TOKEN') }}\"",
])
os.makedirs(out, exist_ok=True)
for path, text in files.items():
    full = os.path.join(out, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)
with open(os.path.join(out, "LABELS"), "w") as f:
    f.write("# Every secret planted in this corpus: PATH LINE RULE (* = any rule).\n"
            "# Written by bench/secrets/corpus.py; every value is invented.\n")
    for p, n, rule in sorted(labels):
        f.write("%s %d %s\n" % (p, n, rule))
print(len(labels), "labels,", len(files), "files")
