"""Layouts, stop 23: what CLIs, CI logs, errors and connection strings print in agent sessions.

`gh auth status -t`, `vercel env pull`, `docker inspect`, `aws configure get`, `terraform
output`, `git config -l`, `npm`/`pip config list`, a CI log, a Python `repr()` in a traceback,
Node's `util.inspect` of an error, a pytest failure diff, a HAR entry, a cookie, JDBC / ODBC /
SQLAlchemy / Mongo SRV / AMQP / Redis ACL URLs, a Kubernetes `env:` list. Names start with
`s23_` (`--layout s23_` scores only these). Registered into `bench.corpus.layouts.LAYOUTS`
on import (see that module for the contract).
"""

from __future__ import annotations

import json

from bench.corpus.layouts import (
    camel,
    dotted,
    kebab,
    layout,
    snake,
    upper,
    userinfo,
    userq,
)


# --- CLIs printing configuration ------------------------------------------------------------
@layout("s23_gh_auth_status", slot=True, takes_url=False)
def _gh_status(rng, n, v):
    return ("$ gh auth status -t\ngithub.com\n  \u2713 Logged in to github.com account octo "
            f"(keyring)\n  - Active account: true\n  - Git operations protocol: https\n"
            f"  - Token: {v}\n  - Token scopes: 'gist', 'read:org', 'repo'\n"), None


@layout("s23_vercel_env_pull")
def _vercel(rng, n, v):
    return ("$ vercel env pull .env.local && cat .env.local\n"
            "Downloading `development` Environment Variables for acme/web\n"
            "\u2705  Created .env.local file  [412ms]\n"
            '# Created by Vercel CLI\nNX_DAEMON="false"\n'
            f'{upper(n)}="{json.dumps(v)[1:-1]}"\nVERCEL_ENV="development"\n'), None


@layout("s23_docker_inspect_env")
def _docker_inspect(rng, n, v):
    return ('$ docker inspect api --format "{{json .Config.Env}}" | jq .\n[\n'
            '  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",\n'
            f'  {json.dumps(upper(n) + "=" + v)},\n  "LANG=C.UTF-8"\n]\n'), None


@layout("s23_aws_configure_get", takes_url=False, runtime=True)
def _aws_get(rng, n, v):
    return f"$ aws configure get {snake(n)} --profile prod\n{v}\n", None


@layout("s23_terraform_output_json")
def _tf_json(rng, n, v):
    body = json.dumps({snake(n): {"sensitive": True, "type": "string", "value": v},
                       "region": {"sensitive": False, "type": "string", "value": "eu-west-1"}},
                      indent=2)
    return f"$ terraform output -json\n{body}\n", None


@layout("s23_terraform_output_raw", takes_url=False, runtime=True)
def _tf_raw(rng, n, v):
    return f"$ terraform output -raw {snake(n)}\n{v}\n", None


@layout("s23_git_config_list")
def _git_config(rng, n, v):
    return ("$ git config -l\ncore.editor=vim\nuser.name=Dev\nuser.email=dev@example.com\n"
            f"{dotted(n)}={v}\ncore.autocrlf=input\n"), None


@layout("s23_npm_config_list")
def _npm_config(rng, n, v):
    return ('$ npm config list\n; "user" config from /home/dev/.npmrc\n\n'
            '//registry.npmjs.org/:_authToken = (protected)\n'
            f'{kebab(n)} = {json.dumps(v)}\nfund = false\n\n; node bin location = /usr/bin/node\n'
            ), None


@layout("s23_pip_config_list")
def _pip_config(rng, n, v):
    return (f"$ pip config list\nglobal.timeout='60'\nglobal.{kebab(n)}='{v}'\n"
            "install.trusted-host='pypi.internal'\n"), None


# --- CI logs ----------------------------------------------------------------------------------
@layout("s23_ci_env_block")
def _ci_env(rng, n, v):
    return ("2024-05-02T10:01:12.4Z ##[group]Run ./scripts/deploy.sh\n"
            "2024-05-02T10:01:12.4Z ./scripts/deploy.sh\n"
            "2024-05-02T10:01:12.4Z shell: /usr/bin/bash -e {0}\n"
            "2024-05-02T10:01:12.4Z env:\n"
            "2024-05-02T10:01:12.4Z   DEPLOY_KEY: ***\n"
            f"2024-05-02T10:01:12.4Z   {upper(n)}: {v}\n"
            "2024-05-02T10:01:12.4Z ##[endgroup]\n"), None


@layout("s23_ci_set_x", takes_url=False)
def _ci_set_x(rng, n, v):
    return (f"+ export {upper(n)}={v}\n+ ./deploy --env prod\nDeploying api@3f2a1c9 ...\n"), None


def _js_str(v: str) -> str:
    """A string as Node's `util.inspect` prints it: single quotes unless it holds one."""
    return json.dumps(v) if "'" in v else f"'{v}'"


# --- errors, reprs, test failures -------------------------------------------------------------
@layout("s23_python_repr_traceback")
def _py_repr(rng, n, v):
    return ("Traceback (most recent call last):\n"
            '  File "/app/main.py", line 12, in <module>\n    client.connect()\n'
            "ValueError: refused: Settings(host='db.internal', port=5432, "
            f"{snake(n)}={v!r}, timeout=30)\n"), None


@layout("s23_node_inspect_error")
def _node_inspect(rng, n, v):
    return ("AxiosError: Request failed with status code 401\n"
            "    at settle (/app/node_modules/axios/lib/core/settle.js:19:12) {\n"
            "  code: 'ERR_BAD_REQUEST',\n  config: {\n    timeout: 0,\n"
            f"    {camel(n)}: {_js_str(v)},\n"
            "    method: 'get'\n  }\n}\n"), None


@layout("s23_pytest_diff")
def _pytest(rng, n, v):
    return ("    def test_settings():\n>       assert load() == expected\n"
            f"E       AssertionError: assert {{'{snake(n)}': {v!r}, 'debug': False}} == "
            f"{{'{snake(n)}': 'test', 'debug': False}}\n"
            f"E         Differing items:\nE         {{'{snake(n)}': {v!r}}} != "
            f"{{'{snake(n)}': 'test'}}\n"), None


# --- HTTP -------------------------------------------------------------------------------------
@layout("s23_har_header", takes_url=False)
def _har(rng, n, v):
    return json.dumps({"request": {"method": "GET", "url": "https://api.example.com/v1/me",
                                   "headers": [{"name": "accept", "value": "*/*"},
                                               {"name": kebab(n), "value": v}]}},
                      indent=2) + "\n", None


@layout("s23_cookie_header", slot=True, takes_url=False)
def _cookie(rng, n, v):
    return ("> GET /dashboard HTTP/1.1\n> Host: app.example.com\n"
            f"> Cookie: theme=dark; session={v}; _ga=GA1.2.1\n>\n< HTTP/1.1 200 OK\n"), None


# --- connection strings -----------------------------------------------------------------------
@layout("s23_jdbc_password", slot=True, takes_url=False, runtime=True)
def _jdbc(rng, n, v):
    return ("spring.datasource.url=jdbc:postgresql://db.internal:5432/app?user=svc_app"
            f"&password={userinfo(v)}&ssl=true\n"), userq


@layout("s23_odbc_pwd", slot=True, takes_url=False, runtime=True)
def _odbc(rng, n, v):
    return ("Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql.internal,1433;"
            f"Database=app;Uid=svc_app;Pwd={{{v}}};Encrypt=yes;\n"), None


@layout("s23_sqlalchemy_url", slot=True, takes_url=False, runtime=True)
def _sqla(rng, n, v):
    return (f"sqlalchemy.url = mysql+pymysql://svc_app:{userinfo(v)}@db.internal:3306/app"
            "?charset=utf8mb4\n"), userq


@layout("s23_mongo_srv", slot=True, takes_url=False, runtime=True)
def _mongo(rng, n, v):
    return (f"MongoServerError: bad auth : Authentication failed. uri=mongodb+srv://app:"
            f"{userinfo(v)}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority\n"), userq


@layout("s23_amqp_url", slot=True, takes_url=False, runtime=True)
def _amqp(rng, n, v):
    return (f"celery@worker1 ready. broker: amqps://orders:{userinfo(v)}@mq.internal:5671/"
            "orders-vhost\n"), userq


@layout("s23_redis_acl_url", slot=True, takes_url=False, runtime=True)
def _redis(rng, n, v):
    return f"REDIS_URL=rediss://cache-user:{userinfo(v)}@redis.internal:6380/0\n", userq


# --- Kubernetes -------------------------------------------------------------------------------
@layout("s23_k8s_env_list")
def _k8s_env(rng, n, v):
    return ("    spec:\n      containers:\n      - name: api\n        env:\n"
            "        - name: LOG_LEVEL\n          value: info\n"
            f"        - name: {upper(n)}\n          value: {json.dumps(v)}\n"), None
