"""Layouts: how a secret shows up in what a coding agent reads, runs and writes.

Each layout renders one value under one name into a piece of tool output, a prompt or model
text (`cat .env`, `env`, a docker `config.json`, `curl -v`, a kubeconfig, a stack trace, a
diff, a Read tool result with line numbers, prose, ...). It returns the text and, when the
layout transforms the value (base64 in a Kubernetes secret, URL-encoding, a line soft-wrapped
at 80 columns), the transformed forms to score; otherwise None (the kind's forms stand).
`slot` layouts put the value where only a secret goes (`Bearer ...`, `user:pass@`, "the
password is"): they take secrets, references and placeholders, never neutral look-alikes.
"""

from __future__ import annotations

import base64
import json
import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

# A layout returns its text and how a planted form reads in it (None: verbatim).
Encode = Callable[[str], tuple[str, ...]]
Render = Callable[[random.Random, tuple[str, ...], str], "tuple[str, Encode | None]"]


@dataclass(frozen=True)
class Layout:
    name: str
    render: Render
    slot: bool = False  # the value sits in an implicit secret slot
    multiline: bool = False  # accepts a value spanning lines (PEM)
    takes_url: bool = True  # accepts a whole DSN as the value
    # Values were resolved before they got here (a request on the wire, a log line, a
    # response, base64 of real credentials): references and placeholders do not occur.
    runtime: bool = False
    kinds: tuple[str, ...] = ()  # only these secret kinds (empty: all that fit)


LAYOUTS: list[Layout] = []


def layout(name: str, slot: bool = False, multiline: bool = False,
           takes_url: bool | None = None, runtime: bool = False, kinds: tuple[str, ...] = ()):
    def deco(fn: Render) -> Render:
        LAYOUTS.append(Layout(name, fn, slot, multiline, not slot if takes_url is None
                              else takes_url, runtime, kinds))
        return fn
    return deco


# --- name spellings ----------------------------------------------------------------------
def upper(n: tuple[str, ...]) -> str:
    return "_".join(w.upper() for w in n)


def snake(n: tuple[str, ...]) -> str:
    return "_".join(n)


def camel(n: tuple[str, ...]) -> str:
    return n[0] + "".join(w.capitalize() for w in n[1:])


def pascal(n: tuple[str, ...]) -> str:
    return "".join(w.capitalize() for w in n)


def dotted(n: tuple[str, ...]) -> str:
    return ".".join(n)


def kebab(n: tuple[str, ...]) -> str:
    return "-".join(n)


def xq(v: str) -> str:
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def userinfo(v: str) -> str:
    """A value as written into a URL's user:password part: what must be encoded is; a
    `${VAR}` reference is written as it is (URL sub-delimiters may stay, RFC 3986)."""
    return quote(v, safe="!$&'()*+,;={}")


def urlq(form: str) -> tuple[str, ...]:
    return (quote(form, safe=""),)


def userq(form: str) -> tuple[str, ...]:
    return (userinfo(form),)


def xmlq(form: str) -> tuple[str, ...]:
    return (xq(form),)


def yq(v: str) -> str:
    """A YAML scalar as a developer writes it: quoted only when YAML needs it."""
    if any(c in v for c in ":#&*!%@`'\"{}[],|>") or v[:1] in "-?" or "\n" in v:
        return json.dumps(v)
    return v


def jq(v: str) -> str:
    return json.dumps(v)


def go_escape(v: str) -> str:
    """JSON as Go's encoder writes it: `&`, `<`, `>` as \\u escapes."""
    return (json.dumps(v)[1:-1].replace("&", "\\u0026").replace("<", "\\u003c")
            .replace(">", "\\u003e"))


def unquoted(v: str) -> str:
    return v.replace("\n", "\\n")


def _lines(v: str) -> list[str]:
    return v.split("\n")


# --- files shown with cat / Read ----------------------------------------------------------
@layout("dotenv_plain")
def _dotenv_plain(rng, n, v):
    return (f"$ cat .env\n# local development\nNODE_ENV=development\nPORT=3000\n"
            f"{upper(n)}={unquoted(v)}\nLOG_LEVEL=debug\n"), None


@layout("dotenv_export_quoted", multiline=True)
def _dotenv_export(rng, n, v):
    return (f"$ cat .envrc\nexport AWS_REGION=eu-west-1\nexport {upper(n)}=\"{v}\"\n"
            f"export DEBUG=0\n"), None


@layout("dotenv_single_quote_comment")
def _dotenv_comment(rng, n, v):
    return f"APP_NAME=billing\n{upper(n)}='{v}'  # prod, rotated 2024-03\nREGION=us-east-1\n", None


@layout("dotenv_unquoted_comment")
def _dotenv_unq_comment(rng, n, v):
    return f"# staging\n{upper(n)}={v} # do not commit\nFEATURE_X=true\n", None


@layout("env_output")
def _env_output(rng, n, v):
    return ("$ env | sort\nHOME=/home/dev\nHOSTNAME=devbox\nLANG=C.UTF-8\n"
            f"PATH=/usr/local/bin:/usr/bin:/bin\nPWD=/workspace/api\n{upper(n)}={v}\n"
            "SHELL=/bin/bash\nTERM=xterm-256color\n"), None


@layout("printenv_value_alone")
def _printenv(rng, n, v):
    return f"$ printenv {upper(n)}\n{v}\n", None


@layout("docker_config_auths", slot=True, runtime=True)
def _docker_config(rng, n, v):
    auth = base64.b64encode(f"deploy:{v}".encode()).decode()
    doc = {"auths": {"ghcr.io": {"auth": auth}, "https://index.docker.io/v1/": {}},
           "credsStore": "desktop"}
    return "$ cat ~/.docker/config.json\n" + json.dumps(doc, indent=2) + "\n", lambda f: (auth,)


@layout("netrc", slot=True)
def _netrc(rng, n, v):
    if rng.random() < 0.5:
        return f"$ cat ~/.netrc\nmachine api.heroku.com login dev@example.com password {v}\n", None
    return (f"$ cat ~/.netrc\nmachine git.example.com\n  login deploy\n  password {v}\n"
            "machine ftp.example.org\n  login anonymous\n"), None


@layout("npmrc_authtoken", slot=True)
def _npmrc(rng, n, v):
    return (f"$ cat .npmrc\nregistry=https://npm.example.com/\n"
            f"//npm.example.com/:_authToken={v}\nalways-auth=true\n"), None


@layout("pypirc", slot=True)
def _pypirc(rng, n, v):
    return (f"[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\n"
            f"password = {v}\n"), None


@layout("pip_conf_index_url", slot=True)
def _pip_conf(rng, n, v):
    q = userinfo(v)
    return (f"[global]\nindex-url = https://deploy:{q}@pkgs.example.com/simple/\n"
            f"timeout = 60\n"), userq


@layout("aws_credentials", slot=True)
def _aws_credentials(rng, n, v):
    return ("$ cat ~/.aws/credentials\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
            f"aws_secret_access_key = {v}\nregion = us-east-1\n"), None


@layout("kubeconfig_token", slot=True)
def _kubeconfig(rng, n, v):
    return ("apiVersion: v1\nkind: Config\nusers:\n- name: admin@prod\n  user:\n"
            f"    token: {v}\ncontexts:\n- context:\n    cluster: prod\n    user: admin@prod\n"
            "  name: prod\n"), None


@layout("kubeconfig_client_key_data", slot=True, multiline=True, runtime=True,
        kinds=("private_key_pem", "private_key_openssh"))
def _kube_client_key(rng, n, v):
    # Scored without its first 16 characters: they encode `-----BEGIN `, the same in every
    # PEM (the certificate's data beside it starts with them too).
    b = base64.b64encode(v.encode()).decode()
    return ("users:\n- name: kind-dev\n  user:\n    client-certificate-data: LS0tLS1CRUdJTi"
            f"BDRVJUSUZJQ0FURS0tLS0tCk1JSUM=\n    client-key-data: {b}\n"), lambda f: (b[16:],)


@layout("kubectl_secret_yaml", multiline=True, runtime=True)
def _kubectl_secret(rng, n, v):
    b = base64.b64encode(v.encode()).decode()
    return (f"$ kubectl get secret app-secrets -o yaml\napiVersion: v1\ndata:\n"
            f"  {snake(n)}: {b}\n  region: ZXUtd2VzdC0x\nkind: Secret\nmetadata:\n"
            "  name: app-secrets\n  namespace: prod\ntype: Opaque\n"), lambda f: (b,)


@layout("git_remote_v", slot=True, runtime=True)
def _git_remote(rng, n, v):
    q = userinfo(v)
    user = rng.choice(["x-access-token", "oauth2", "deploy", "git"])
    url = f"https://{user}:{q}@github.com/acme/api.git"
    return f"$ git remote -v\norigin\t{url} (fetch)\norigin\t{url} (push)\n", userq


@layout("git_config_url", slot=True)
def _git_config(rng, n, v):
    q = userinfo(v)
    return (f"$ cat .git/config\n[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n"
            f"\turl = https://{q}@gitlab.example.com/team/app.git\n"
            "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"), userq


# --- commands and their output -------------------------------------------------------------
@layout("curl_v_bearer", slot=True, runtime=True)
def _curl_bearer(rng, n, v):
    return ("*   Trying 10.0.0.5:443...\n* Connected to api.example.com\n> GET /v1/me HTTP/2\n"
            f"> Host: api.example.com\n> user-agent: curl/8.5.0\n> accept: */*\n"
            f"> authorization: Bearer {v}\n>\n< HTTP/2 200\n"
            "< content-type: application/json\n"), None


@layout("curl_header_apikey", slot=True)
def _curl_header(rng, n, v):
    hdr = rng.choice(["X-Api-Key", "X-Auth-Token", "PRIVATE-TOKEN", "api-key"])
    return f"$ curl -s -H {shlex.quote(hdr + ': ' + v)} https://api.example.com/v2/projects\n", None


@layout("curl_user_pass", slot=True)
def _curl_u(rng, n, v):
    cred = shlex.quote("deploy:" + v)
    return f"$ curl -sS -u {cred} https://artifacts.example.com/api/repos\n", None


@layout("http_token_response", slot=True, runtime=True)
def _token_response(rng, n, v):
    doc = {"access_token": v, "token_type": "bearer", "expires_in": 3600, "scope": "read write"}
    return "< HTTP/1.1 200 OK\n< Content-Type: application/json\n\n" + json.dumps(doc) + "\n", None


@layout("http_refresh_token_response", slot=True, runtime=True)
def _refresh_response(rng, n, v):
    doc = {"token_type": "Bearer", "expires_in": 7200, "refresh_token": v, "id": 42}
    return json.dumps(doc, indent=2) + "\n", None


@layout("set_cookie", slot=True, runtime=True)
def _set_cookie(rng, n, v):
    q = quote(v, safe="")
    return (f"< HTTP/1.1 302 Found\n< Location: /dashboard\n"
            f"< Set-Cookie: session={q}; Path=/; HttpOnly; Secure; SameSite=Lax\n"), urlq


@layout("stacktrace_dsn", slot=True, runtime=True)
def _stacktrace(rng, n, v):
    q = quote(v, safe="")
    return ("Traceback (most recent call last):\n  File \"/app/db.py\", line 14, in connect\n"
            "    engine = create_engine(settings.DATABASE_URL)\n"
            "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect: "
            f"postgresql://app:{q}@db.internal:5432/app\n"), urlq


@layout("log_query_password", slot=True, runtime=True)
def _log_query(rng, n, v):
    q = quote(v, safe="")
    return (f"127.0.0.1 - - [12/Mar/2024:10:01:44 +0000] \"GET /api/login?user=admin&password={q}"
            "&next=%2Fhome HTTP/1.1\" 302 0\n"), urlq


@layout("log_debug_kv")
def _log_kv(rng, n, v):
    return (f"2024-05-01T12:00:01.123Z [DEBUG] loaded config from env\n"
            f"2024-05-01T12:00:01.124Z [DEBUG] Using {upper(n)}={v}\n"
            "2024-05-01T12:00:01.130Z [INFO] listening on :8080\n"), None


@layout("docker_run_env")
def _docker_run(rng, n, v):
    env = shlex.quote(upper(n) + "=" + v)
    return f"$ docker run --rm -e {env} -p 8080:8080 acme/api:1.4\n", None


@layout("sql_create_user", slot=True)
def _sql_user(rng, n, v):
    if rng.random() < 0.5:
        return (f"CREATE USER 'app'@'%' IDENTIFIED BY '{v}';\n"
                f"GRANT ALL ON app.* TO 'app'@'%';\n"), None
    return (f"CREATE ROLE app WITH LOGIN PASSWORD '{v}';\n"
            f"GRANT CONNECT ON DATABASE app TO app;\n"), None


@layout("mysql_p_flag", slot=True)
def _mysql_p(rng, n, v):
    return f"$ mysql -h db.internal -u root -p{shlex.quote(v)} app -e 'show tables'\n", None


@layout("pgpassword", slot=True)
def _pgpassword(rng, n, v):
    return f"$ PGPASSWORD={shlex.quote(v)} psql -h db.internal -U app -d app -c '\\dt'\n", None


# --- configuration files --------------------------------------------------------------------
@layout("terraform_tfstate", multiline=True)
def _tfstate(rng, n, v):
    doc = {"version": 4, "resources": [{"type": "aws_db_instance", "name": "main", "instances": [
        {"attributes": {"engine": "postgres", snake(n): v, "username": "app"}}]}]}
    return json.dumps(doc, indent=2) + "\n", None


@layout("terraform_tfvars")
def _tfvars(rng, n, v):
    return f'region = "eu-west-1"\n{snake(n)} = "{v}"\ninstance_type = "t3.micro"\n', None


@layout("helm_values")
def _helm(rng, n, v):
    return (f"replicaCount: 2\nimage:\n  repository: acme/api\nenv:\n  config:\n"
            f"    {camel(n)}: {yq(v)}\n    logLevel: info\n"), None


@layout("github_actions_env")
def _gha(rng, n, v):
    return ("name: deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n"
            f"      {upper(n)}: {yq(v)}\n    steps:\n      - uses: actions/checkout@v4\n"), None


@layout("compose_env_list")
def _compose(rng, n, v):
    return ("services:\n  api:\n    image: acme/api\n    environment:\n"
            "      - NODE_ENV=production\n"
            f"      - {upper(n)}={v}\n    ports:\n      - \"8080:8080\"\n"), None


@layout("systemd_environment")
def _systemd(rng, n, v):
    return (f"[Service]\nUser=app\nEnvironment=\"{upper(n)}={v}\"\n"
            "ExecStart=/usr/local/bin/api --port 8080\n"), None


@layout("java_properties")
def _properties(rng, n, v):
    return (f"spring.application.name=billing\nspring.datasource.url=jdbc:postgresql://db/app\n"
            f"app.{dotted(n)}={v}\nserver.port=8080\n"), None


@layout("xml_appsettings_attr")
def _xml_add(rng, n, v):
    return ("<appSettings>\n  <add key=\"Environment\" value=\"Production\" />\n"
            f"  <add key=\"{pascal(n)}\" value=\"{xq(v)}\" />\n</appSettings>\n"), xmlq


@layout("xml_attribute")
def _xml_attr(rng, n, v):
    return (f"<connection host=\"db.internal\" port=\"5432\" {camel(n)}=\"{xq(v)}\""
            " pool=\"10\"/>\n"), xmlq


@layout("xml_element_multiline")
def _xml_elem(rng, n, v):
    return (f"<settings>\n  <server>smtp.example.com</server>\n  <{camel(n)}>\n    {xq(v)}\n"
            f"  </{camel(n)}>\n</settings>\n"), xmlq


@layout("ini_section")
def _ini(rng, n, v):
    return f"[database]\nhost = db.internal\nport = 5432\n{snake(n)} = {v}\n", None


@layout("toml_table")
def _toml(rng, n, v):
    return f'[service.billing]\nendpoint = "https://billing.internal"\n{snake(n)} = "{v}"\n', None


@layout("json_config")
def _json_config(rng, n, v):
    return json.dumps({"name": "api", "port": 8080, "auth": {camel(n): v}}, indent=2) + "\n", None


@layout("makefile_assign")
def _makefile(rng, n, v):
    op = rng.choice(["?=", ":=", "="])
    return f"{upper(n)} {op} {v}\n\ndeploy:\n\t./deploy.sh --env prod\n", None


@layout("dockerfile_env")
def _dockerfile(rng, n, v):
    return f"FROM python:3.12-slim\nENV {upper(n)}={shlex.quote(v)}\nCOPY . /app\n", None


@layout("heroku_config_columns")
def _heroku(rng, n, v):
    return (f"=== acme-api Config Vars\nLOG_LEVEL:        info\n{upper(n)}:  {v}\n"
            f"WEB_CONCURRENCY:  2\n"), None


# The rest of the layouts register themselves on import.
from bench.corpus import layouts_agent  # noqa: E402, F401

# The 76 layouts the benchmark started with (`--layouts base` scores only these).
BASE_LAYOUTS: tuple[str, ...] = tuple(x.name for x in LAYOUTS)

from bench.corpus import layouts_more  # noqa: E402, F401, I001

# The 101 layouts before stop 23 (`--layouts stop22`).
STOP22_LAYOUTS: tuple[str, ...] = tuple(x.name for x in LAYOUTS)

from bench.corpus import layouts_sessions  # noqa: E402, F401

# The 124 layouts before stop 24 (`--layouts stop23`).
STOP23_LAYOUTS: tuple[str, ...] = tuple(x.name for x in LAYOUTS)

from bench.corpus import layouts_families  # noqa: E402, F401, I001
