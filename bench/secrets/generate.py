#!/usr/bin/env python3
"""generate.py - inputs of the secrets benchmark (bench/run, section 3).

    generate.py tree DIR [FILES]      a git repository of FILES (default
                                      32,000) tracked files, one commit
    generate.py history DIR [COMMITS] a git repository of COMMITS (default
                                      10,000) commits, made by fast-import

The content imitates a monorepo of services: source in Python, TypeScript,
JavaScript, Go, Java, C, Ruby and Rust; YAML, JSON, .properties, XML and
.env configs; package-lock.json, yarn.lock and go.sum lockfiles; Markdown
docs with example keys; minified JavaScript; CSS with base64 data URIs;
public certificates; a few binary images.  The words secret scanners key on
(password, token, key, secret, auth) appear in code the way they do in real
code, and about one file in a thousand has a planted secret in a real
provider format (invented values), so that the scan does the work it does
on a real repository.  The history repository rewrites a few hundred files
over and over, plants secrets and removes them again in later commits.

Output is deterministic: a fixed seed, fixed dates.
"""
import base64
import os
import random
import string
import subprocess
import sys

ALNUM = string.ascii_letters + string.digits
WORDS = ("account order user invoice payment session cache queue worker "
         "report metric event handler client server config request response "
         "record batch stream schema login "
         "profile cart item price shipment inventory ledger audit export "
         "import notify email webhook retry limit window buffer index").split()


def ident(r, parts=2, sep="_"):
    return sep.join(r.choice(WORDS) for _ in range(parts))


def camel(r, parts=2):
    w = [r.choice(WORDS) for _ in range(parts)]
    return w[0] + "".join(x.capitalize() for x in w[1:])


def rand(r, n, alphabet=ALNUM):
    return "".join(r.choice(alphabet) for _ in range(n))


# --- planted secrets: invented values in real formats ------------------------

def secret_line(r):
    """One line holding a secret, as a config or source file would."""
    kind = r.randrange(10)
    if kind == 0:
        return ("aws_access_key_id = AKIA%s\naws_secret_access_key = %s"
                % (rand(r, 16, string.ascii_uppercase + "234567"),
                   rand(r, 40, ALNUM + "+/")))
    if kind == 1:
        return 'GITHUB_TOKEN=ghp_%s' % rand(r, 36)
    if kind == 2:
        return 'stripe.api_key = "sk_live_%s"' % rand(r, 24)
    if kind == 3:
        return ('SLACK_BOT_TOKEN=xoxb-%s-%s-%s'
                % (rand(r, 12, string.digits), rand(r, 12, string.digits),
                   rand(r, 24)))
    if kind == 4:
        return 'const sendgrid = "SG.%s.%s";' % (
            rand(r, 22, ALNUM + "_-"), rand(r, 43, ALNUM + "_-"))
    if kind == 5:
        return 'DATABASE_URL=postgres://app:%s@db.internal.%s.io:5432/app' % (
            rand(r, 16), ident(r, 1))
    if kind == 6:
        return 'db_password = "%s%s!"' % (rand(r, 14), rand(r, 3, string.digits))
    if kind == 7:
        return 'NPM_TOKEN=npm_%s' % rand(r, 36)
    if kind == 8:
        return 'google_api_key: AIza%s' % rand(r, 35, ALNUM + "_-")
    body = base64.b64encode(r.randbytes(1190)).decode()
    return ("-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----"
            % "\n".join(body[i:i + 64] for i in range(0, len(body), 64)))


# --- file kinds --------------------------------------------------------------

def py_file(r, n):
    out = ["import os", "import logging", "from typing import Optional", "",
           "log = logging.getLogger(__name__)", ""]
    while len(out) < n:
        name = ident(r)
        out += ["", "def %s(%s, timeout: int = %d) -> Optional[dict]:"
                % (name, ident(r, 1), r.randrange(1, 120)),
                '    """Return the %s for the %s."""' % (ident(r, 1), ident(r, 1)),
                '    token = os.environ.get("%s_TOKEN")' % ident(r, 1).upper(),
                "    if not token:",
                '        raise RuntimeError("missing token for %s")' % name,
                "    password = request.form['password']",
                "    key = cache.get(f\"%s:{%s}\")" % (ident(r, 1), ident(r, 1)),
                "    for i in range(%d):" % r.randrange(2, 50),
                "        log.debug(\"%s %%s\", i)" % ident(r, 3, " "),
                "    return {\"%s\": key, \"retries\": %d}"
                % (ident(r, 1), r.randrange(9))]
    return out


def ts_file(r, n):
    out = ["import { Injectable } from '@nestjs/common';",
           "import { ConfigService } from '@nestjs/config';", ""]
    while len(out) < n:
        name = camel(r)
        out += ["", "export async function %s(%s: string, opts: Options = {}) {"
                % (name, camel(r, 1)),
                "  const apiKey = this.config.get<string>('%s_API_KEY');"
                % ident(r, 1).upper(),
                "  const headers = { Authorization: `Bearer ${apiKey}` };",
                "  const res = await fetch(`${this.baseUrl}/%s/${id}`, { headers });"
                % ident(r, 1),
                "  if (!res.ok) throw new Error(`%s failed: ${res.status}`);" % name,
                "  const { %s, %s } = await res.json();" % (camel(r), camel(r)),
                "  return { %s, token: opts.token ?? null };" % camel(r), "}"]
    return out


def go_file(r, n):
    out = ["package %s" % ident(r, 1), "", "import (", '\t"context"',
           '\t"fmt"', '\t"os"', ")", ""]
    while len(out) < n:
        name = camel(r).capitalize()
        out += ["", "// %s loads the %s." % (name, ident(r, 2, " ")),
                "func %s(ctx context.Context, id string) (*%s, error) {"
                % (name, camel(r, 1).capitalize()),
                '\tsecret := os.Getenv("%s_SECRET")' % ident(r, 1).upper(),
                '\tif secret == "" {',
                '\t\treturn nil, fmt.Errorf("%s: no secret configured")' % name,
                "\t}",
                "\tkey := fmt.Sprintf(\"%s/%%s\", id)" % ident(r, 1),
                "\treturn s.store.Get(ctx, key, secret)", "}"]
    return out


def java_file(r, n):
    cls = camel(r).capitalize()
    out = ["package com.example.%s;" % ident(r, 1), "",
           "import java.util.Map;", "", "public class %s {" % cls]
    while len(out) < n:
        out += ["", "    private static final String %s_KEY = \"%s.%s\";"
                % (ident(r).upper(), ident(r, 1), ident(r, 1)),
                "    public Map<String, Object> %s(String password, String token) {"
                % camel(r),
                "        if (password == null || password.isEmpty()) {",
                "            throw new IllegalArgumentException(\"password required\");",
                "        }",
                "        return Map.of(\"%s\", token, \"count\", %d);"
                % (camel(r, 1), r.randrange(100)), "    }"]
    return out + ["}"]


def c_file(r, n):
    out = ["#include <stdio.h>", "#include <string.h>", ""]
    while len(out) < n:
        out += ["", "static int %s(const char *key, size_t len)" % ident(r), "{",
                "\tchar buf[%d];" % r.choice((64, 128, 256)), "",
                "\tif (len >= sizeof buf)", "\t\treturn -1;",
                "\tmemcpy(buf, key, len);",
                "\treturn lookup_%s(buf, len);" % ident(r, 1), "}"]
    return out


def rb_file(r, n):
    out = ["class %sController < ApplicationController" % camel(r).capitalize()]
    while len(out) < n:
        out += ["  def %s" % ident(r),
                "    @user = User.find_by(email: params[:email])",
                "    if @user&.authenticate(params[:password])",
                "      session[:token] = @user.%s_token" % ident(r, 1),
                "    end", "  end", ""]
    return out + ["end"]


def rs_file(r, n):
    out = ["use std::collections::HashMap;", ""]
    while len(out) < n:
        out += ["pub fn %s(key: &str, map: &HashMap<String, String>) -> Option<String> {"
                % ident(r),
                "    let secret = std::env::var(\"%s_SECRET\").ok()?;"
                % ident(r, 1).upper(),
                "    map.get(key).map(|v| format!(\"{}:{}\", v, secret.len()))", "}",
                ""]
    return out


def md_file(r, n):
    out = ["# %s" % ident(r, 3, " ").capitalize(), ""]
    while len(out) < n:
        out += ["The %s service reads its API key from `%s_API_KEY`; "
                "never commit it." % (ident(r, 1), ident(r, 1).upper()),
                "", "```bash",
                "export %s_TOKEN=<your-token-here>" % ident(r, 1).upper(),
                "curl -H \"Authorization: Bearer $%s_TOKEN\" https://api.example.com/v1/%s"
                % (ident(r, 1).upper(), ident(r, 1)),
                "```", "",
                "Example: `aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`",
                ""]
    return out


def yaml_file(r, n):
    out = ["apiVersion: apps/v1", "kind: Deployment", "metadata:",
           "  name: %s" % ident(r, 2, "-"), "spec:", "  template:", "    spec:",
           "      containers:", "        - name: app", "          env:"]
    while len(out) < n:
        name = ident(r).upper()
        out += ["            - name: %s" % name,
                "              valueFrom:", "                secretKeyRef:",
                "                  name: %s" % ident(r, 2, "-"),
                "                  key: %s" % ident(r, 1),
                "            - name: %s_TIMEOUT" % name,
                "              value: \"%d\"" % r.randrange(1000)]
    return out


def json_file(r, n):
    out = ["{"]
    while len(out) < n:
        out.append('  "%s": {"enabled": %s, "retries": %d, "token_ttl": %d, '
                   '"endpoint": "https://%s.internal/%s"},'
                   % (camel(r), r.choice(("true", "false")), r.randrange(9),
                      r.randrange(3600), ident(r, 1), ident(r, 1)))
    out.append('  "version": "%d.%d.%d"' % (r.randrange(9), r.randrange(20),
                                             r.randrange(40)))
    return out + ["}"]


def props_file(r, n):
    out = []
    while len(out) < n:
        out += ["%s.%s.url=jdbc:postgresql://db:5432/%s"
                % (ident(r, 1), ident(r, 1), ident(r, 1)),
                "%s.password=${DB_PASSWORD}" % ident(r, 1),
                "%s.pool.size=%d" % (ident(r, 1), r.randrange(64))]
    return out


def xml_file(r, n):
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<configuration>"]
    while len(out) < n:
        out += ['  <property name="%s" value="%s"/>' % (ident(r, 2, "."),
                                                       ident(r, 1)),
                '  <credential id="%s" password="${env.%s_PASSWORD}"/>'
                % (ident(r, 1), ident(r, 1).upper())]
    return out + ["</configuration>"]


def env_example(r, n):
    return ["%s=%s" % (ident(r).upper(), r.choice(
        ("changeme", "<secret>", "${VAULT_TOKEN}", "", "true", "8080",
         "your-api-key"))) for _ in range(n)]


def package_lock(r, n):
    out = ['{', '  "name": "%s",' % ident(r, 2, "-"), '  "lockfileVersion": 3,',
           '  "packages": {']
    while len(out) < n:
        pkg = ident(r, 2, "-")
        out += ['    "node_modules/%s": {' % pkg,
                '      "version": "%d.%d.%d",' % (r.randrange(9), r.randrange(30),
                                                 r.randrange(30)),
                '      "resolved": "https://registry.npmjs.org/%s/-/%s-1.0.0.tgz",'
                % (pkg, pkg),
                '      "integrity": "sha512-%s=="'
                % base64.b64encode(r.randbytes(64)).decode()[:86],
                '    },']
    return out + ['    "": {}', '  }', '}']


def yarn_lock(r, n):
    out = ["# yarn lockfile v1", ""]
    while len(out) < n:
        pkg = ident(r, 2, "-")
        out += ['%s@^1.0.0:' % pkg, '  version "1.%d.0"' % r.randrange(40),
                '  resolved "https://registry.yarnpkg.com/%s/-/%s-1.0.0.tgz#%s"'
                % (pkg, pkg, rand(r, 40, "0123456789abcdef")),
                '  integrity sha512-%s=='
                % base64.b64encode(r.randbytes(64)).decode()[:86], ""]
    return out


def go_sum(r, n):
    out = []
    while len(out) < n:
        mod = "github.com/%s/%s" % (ident(r, 1), ident(r, 2, "-"))
        out += ["%s v1.%d.0 h1:%s=" % (mod, r.randrange(30),
                                      base64.b64encode(r.randbytes(32)).decode()[:43]),
                "%s v1.%d.0/go.mod h1:%s=" % (mod, r.randrange(30),
                                             base64.b64encode(r.randbytes(32)).decode()[:43])]
    return out


def minified_js(r, n):
    parts = []
    for _ in range(n * 8):
        parts.append("function %s(e,t){var n=e.%s||t;return n&&n.token?n.key:"
                     "void 0}" % (rand(r, 2, string.ascii_letters), camel(r)))
    return [";".join(parts)]


def css_file(r, n):
    out = []
    while len(out) < n:
        out += [".%s{background:url(data:image/png;base64,%s)}"
                % (ident(r, 2, "-"), base64.b64encode(r.randbytes(300)).decode())]
    return out


def cert_file(r, n):
    body = base64.b64encode(r.randbytes(900)).decode()
    return (["-----BEGIN CERTIFICATE-----"] +
            [body[i:i + 64] for i in range(0, len(body), 64)] +
            ["-----END CERTIFICATE-----"])


# (extension or name, generator, weight, typical lines)
KINDS = [
    (".py", py_file, 20, 160), (".ts", ts_file, 16, 140), (".js", ts_file, 6, 120),
    (".go", go_file, 10, 150), (".java", java_file, 9, 170), (".c", c_file, 4, 200),
    (".rb", rb_file, 4, 90), (".rs", rs_file, 3, 120), (".md", md_file, 6, 60),
    (".yaml", yaml_file, 6, 60), (".json", json_file, 5, 50),
    (".properties", props_file, 2, 40), (".xml", xml_file, 2, 50),
    (".env.example", env_example, 1, 20), ("package-lock.json", package_lock, 1, 900),
    ("yarn.lock", yarn_lock, 1, 600), ("go.sum", go_sum, 1, 200),
    (".min.js", minified_js, 1, 40), (".css", css_file, 1, 30),
    (".crt", cert_file, 1, 1),
]
TOTAL_WEIGHT = sum(k[2] for k in KINDS)


def pick_kind(r):
    x = r.randrange(TOTAL_WEIGHT)
    for k in KINDS:
        x -= k[2]
        if x < 0:
            return k
    return KINDS[0]


def file_content(r, kind, plant):
    _, gen, _, lines = kind
    n = max(5, int(r.lognormvariate(0, 0.7) * lines))
    out = gen(r, n)
    if plant:
        out.insert(r.randrange(len(out) + 1), secret_line(r))
    return ("\n".join(out) + "\n").encode()


def file_name(r, kind, i):
    ext = kind[0]
    return ext if not ext.startswith(".") else "%s_%d%s" % (ident(r), i, ext)


def binary_file(r):
    return b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + r.randbytes(r.randrange(500, 20000))


# --- repositories --------------------------------------------------------------

def git(repo, *args, **kw):
    subprocess.run(["git", "-C", repo] + list(args), check=True, **kw)


def init(repo):
    os.makedirs(repo, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "user.name", "bench")


def tree(repo, count):
    r = random.Random(4)
    init(repo)
    for i in range(count):
        d = os.path.join(repo, "services", "svc%02d" % (i % 40),
                         r.choice(("src", "lib", "config", "docs", "test")),
                         "m%d" % (i // 400))
        os.makedirs(d, exist_ok=True)
        if r.randrange(100) == 0:
            data, name = binary_file(r), "img_%d.png" % i
        else:
            kind = pick_kind(r)
            data = file_content(r, kind, r.randrange(1000) == 0)
            name = file_name(r, kind, i)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "%d files" % count)


def edit(r, kind, lines):
    """A small change, as most commits make: a few lines replaced, a
    planted secret now and then, and planted secrets removed again."""
    lines[:] = [x for x in lines if not x.startswith("#planted ")
                or r.randrange(2)]
    at = r.randrange(len(lines) + 1)
    new = kind[1](r, r.randrange(1, 12))
    if r.randrange(150) == 0:
        new.append("#planted " + secret_line(r))
    lines[at:at + r.randrange(8)] = new


def history(repo, commits, files=3000):
    """fast-import: the first commit adds `files` files, each later one
    edits 1-4 of them."""
    r = random.Random(10)
    init(repo)
    paths, kinds, texts = [], [], []
    for i in range(files):
        kind = pick_kind(r)
        kinds.append(kind)
        paths.append("src/p%d/%s" % (i % 100, file_name(r, kind, i)))
        texts.append(file_content(r, kind, False).decode().split("\n"))
    p = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet"],
                         stdin=subprocess.PIPE)
    out = p.stdin
    when = 1500000000
    for c in range(commits):
        when += 3600
        touched = range(files) if c == 0 else [r.randrange(files)
                                                for _ in range(r.randrange(1, 5))]
        msg = b"change %d" % c
        out.write(b"commit refs/heads/main\n")
        out.write(b"author Bench <bench@example.com> %d +0000\n" % when)
        out.write(b"committer Bench <bench@example.com> %d +0000\n" % when)
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        for f in touched:
            if c:
                edit(r, kinds[f], texts[f])
            data = "\n".join(texts[f]).encode()
            out.write(b"M 100644 inline %s\ndata %d\n" % (paths[f].encode(),
                                                        len(data)))
            out.write(data + b"\n")
    out.close()
    if p.wait() != 0:
        sys.exit("git fast-import failed")
    git(repo, "checkout", "-q", "-f", "main")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("tree", "history"):
        sys.exit(__doc__)
    what, repo = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else None
    if what == "tree":
        tree(repo, n or 32000)
    else:
        history(repo, n or 10000)


if __name__ == "__main__":
    main()
