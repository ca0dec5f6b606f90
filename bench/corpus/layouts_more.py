"""Layouts, continued: the held-out set's worst places, each in several spellings.

Credential files (`.pgpass`, `.git-credentials`, gh `hosts.yml`, composer `auth.json`,
`.s3cfg`, `.yarnrc.yml`, maven `settings.xml`, `NuGet.Config`, docker `identitytoken`),
XML attributes other than `value=`, call arguments in several languages, URL path segments
and query keys, Makefile assignment forms, prose in more languages and values wrapped by the
tool that printed them (`fold`, table cells). Registered into `bench.corpus.layouts.LAYOUTS`
on import (see that module for the contract).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from bench.corpus.layouts import (
    camel,
    kebab,
    layout,
    pascal,
    snake,
    upper,
    urlq,
    userinfo,
    userq,
    xmlq,
    xq,
    yq,
)


# --- credential files --------------------------------------------------------------------------
@layout("pgpass", slot=True)
def _pgpass(rng, n, v):
    esc = v.replace("\\", "\\\\").replace(":", "\\:")
    return (f"$ cat ~/.pgpass\ndb.internal:5432:app:app:{esc}\n# replicas: peer auth\n"), \
        lambda f: (f.replace("\\", "\\\\").replace(":", "\\:"),)


@layout("git_credentials", slot=True)
def _git_credentials(rng, n, v):
    return (f"$ cat ~/.git-credentials\nhttps://deploy:{userinfo(v)}@github.com\n"
            "https://oauth2:@gitlab.example.com\n"), userq


@layout("gh_hosts_yml", slot=True)
def _gh_hosts(rng, n, v):
    return (f"$ cat ~/.config/gh/hosts.yml\ngithub.com:\n    user: dev\n"
            f"    oauth_token: {yq(v)}\n    git_protocol: https\n"), None


@layout("composer_auth_json", slot=True)
def _composer(rng, n, v):
    doc = {"http-basic": {"repo.example.com": {"username": "deploy", "password": v}}}
    return "$ cat auth.json\n" + json.dumps(doc, indent=4) + "\n", lambda f: (json.dumps(f)[1:-1],)


@layout("s3cfg", slot=True)
def _s3cfg(rng, n, v):
    return ("$ cat ~/.s3cfg\n[default]\naccess_key = AKIAIOSFODNN7EXAMPLE\nhost_base = "
            f"s3.amazonaws.com\nsecret_key = {v}\nuse_https = True\n"), None


@layout("yarnrc_yml", slot=True)
def _yarnrc(rng, n, v):
    return ("nodeLinker: node-modules\nnpmScopes:\n  acme:\n    npmRegistryServer: "
            f"\"https://npm.example.com\"\n    npmAuthToken: {yq(v)}\n"), None


@layout("maven_settings_xml", slot=True)
def _maven(rng, n, v):
    return ("<settings>\n  <servers>\n    <server>\n      <id>nexus-releases</id>\n"
            f"      <username>deploy</username>\n      <password>{xq(v)}</password>\n"
            "    </server>\n  </servers>\n</settings>\n"), xmlq


@layout("nuget_config_xml", slot=True)
def _nuget(rng, n, v):
    return ("<configuration>\n  <packageSourceCredentials>\n    <acme>\n"
            "      <add key=\"Username\" value=\"deploy\" />\n"
            f"      <add key=\"ClearTextPassword\" value=\"{xq(v)}\" />\n    </acme>\n"
            "  </packageSourceCredentials>\n</configuration>\n"), xmlq


@layout("docker_config_identitytoken", slot=True, runtime=True)
def _docker_identity(rng, n, v):
    doc = {"auths": {"acme.azurecr.io": {"auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAw"
                                                 "MDAwOg==", "identitytoken": v}}}
    return "$ cat ~/.docker/config.json\n" + json.dumps(doc, indent="\t") + "\n", None


# --- XML other than <add key= value=> ----------------------------------------------------------
@layout("xml_spring_property")
def _spring_bean(rng, n, v):
    return ("<bean id=\"client\" class=\"com.acme.ApiClient\">\n"
            f"  <property name=\"{camel(n)}\" value=\"{xq(v)}\"/>\n"
            "  <property name=\"timeout\" value=\"30\"/>\n</bean>\n"), xmlq


@layout("xml_attribute_single_quoted")
def _xml_single(rng, n, v):
    return (f"<endpoint url='https://api.example.com' {kebab(n)}='{xq(v)}' retries='3' />\n"), xmlq


@layout("xml_element_inline")
def _xml_inline(rng, n, v):
    return (f"<config><region>eu-west-1</region><{pascal(n)}>{xq(v)}</{pascal(n)}>"
            "<Debug>false</Debug></config>\n"), xmlq


# --- call arguments -----------------------------------------------------------------------------
@layout("call_setenv")
def _setenv(rng, n, v):
    return rng.choice([
        f'os.Setenv("{upper(n)}", "{v}")\n',
        f'std::env::set_var("{upper(n)}", "{v}");\n',
        f'ENV["{upper(n)}"] = "{v}"\n',
        f'process.env.{upper(n)} = "{v}";\n',
        f'os.environ.setdefault("{upper(n)}", "{v}")\n',
        f'Environment.SetEnvironmentVariable("{upper(n)}", "{v}");\n',
        f'putenv("{upper(n)}={v}");\n',
    ]), None


@layout("call_map_put")
def _map_put(rng, n, v):
    return rng.choice([
        f'props.put("{camel(n)}", "{v}");\n',
        f'config.set("{snake(n)}", "{v}")\n',
        f'headers.Add("{kebab(n)}", "{v}")\n',
        f'viper.Set("{dotted_name(n)}", "{v}")\n',
        f'cfg[:{snake(n)}] = "{v}"\n',
    ]), None


@layout("call_named_argument", takes_url=False)
def _named_arg(rng, n, v):
    return rng.choice([
        f'val client = ApiClient(baseUrl = "https://api.example.com", {camel(n)} = "{v}")\n',
        f'let client = Client(host: "api.example.com", {camel(n)}: "{v}")\n',
        f'client = Api::Client.new(host: "api.example.com", {snake(n)}: "{v}")\n',
        f'$client = new ApiClient(["{snake(n)}" => "{v}", "timeout" => 5]);\n',
    ]), None


@layout("call_cli_flag")
def _cli_flag(rng, n, v):
    return rng.choice([
        f"$ ./bin/server --{kebab(n)} {v} --port 8080\n",
        f"$ ./bin/server --{kebab(n)}={v} --port 8080\n",
        f"$ terraform apply -var '{snake(n)}={v}' -auto-approve\n",
        f"$ helm upgrade api ./chart --set env.{camel(n)}={v}\n",
    ]), None


# --- URLs ---------------------------------------------------------------------------------------
@layout("url_query_key", runtime=True, takes_url=False)
def _url_query(rng, n, v):
    q = quote(v, safe="")
    return (f"$ curl -s 'https://api.example.com/v2/report?{snake(n)}={q}&format=json'\n"
            "{\"rows\": 12}\n"), urlq


@layout("url_path_segment", runtime=True, takes_url=False)
def _url_path(rng, n, v):
    q = quote(v, safe="")
    return (f"> GET /v1/{kebab(n)}/{q}/status HTTP/1.1\n> Host: hooks.example.com\n"
            "< HTTP/1.1 204 No Content\n"), urlq


@layout("url_in_log_line", runtime=True, takes_url=False)
def _url_log(rng, n, v):
    q = quote(v, safe="")
    return (f"INFO  http.client: POST https://ingest.example.com/api/{q}/events -> 200 "
            "(31 ms)\n"), urlq


# --- Makefiles ----------------------------------------------------------------------------------
@layout("makefile_forms")
def _makefile_forms(rng, n, v):
    op = rng.choice(["export {N} := {V}", "export {N} ?= {V}", "override {N} = {V}",
                     "{N} ::= {V}", "{N} :::= {V}", "{N}={V}"])
    line = op.replace("{N}", upper(n)).replace("{V}", v)
    return f"{line}\n\n.PHONY: deploy\ndeploy:\n\t@./scripts/deploy.sh\n", None


@layout("makefile_recipe_flag")
def _makefile_recipe(rng, n, v):
    return (f"release:\n\t@curl -fsS -X POST -d '{snake(n)}={v}' "
            "https://ci.example.com/hook\n"), None


# --- prose ----------------------------------------------------------------------------------------
@layout("prose_more_languages", slot=True)
def _prose_more(rng, n, v):
    return rng.choice([
        f"la password del database di staging è {v}",
        f"het wachtwoord voor de server is {v}",
        f"hasło do bazy to {v}",
        f"пароль от базы: {v}",
        f"数据库密码是 {v}，别提交到仓库",
        f"비밀번호는 {v} 입니다",
        f"veritabanı şifresi {v}",
        f"mi token de API es {v}, úsalo para las pruebas",
        f"Der API-Schlüssel lautet {v}",
    ]), None


@layout("prose_names_the_secret", slot=True)
def _prose_named(rng, n, v):
    words = " ".join(n)
    return rng.choice([
        f"The {words} we use in prod is {v} - please don't log it.",
        f"I rotated the {words} this morning, new one: {v}",
        f"can you test with {words} {v} and tell me if the 401 goes away?",
    ]), None


# --- values wrapped by the tool that printed them --------------------------------------------
def _pieces(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)]


def _wrapped(value: str, width: int):
    """How a form (the value, or a part of it) reads once `value` is cut every `width`
    characters: its piece on each line; pieces under 12 characters of a longer form are
    below what counts as a leak, so not scored."""
    def segments(form: str) -> tuple[str, ...]:
        start = value.index(form)
        end = start + len(form)
        cut = [value[max(i, start):min(i + width, end)] for i in range(0, len(value), width)
               if max(i, start) < min(i + width, end)]
        return tuple(p for p in cut if len(p) >= 12 or len(form) < 12)
    return segments


@layout("fold_w64", takes_url=False)
def _fold(rng, n, v):
    parts = _pieces(v, 64)
    return (f"$ cat secrets/{kebab(n)} | fold -w 64\n" + "\n".join(parts) + "\n",
            _wrapped(v, 64))


@layout("wrapped_table_cell", takes_url=False)
def _table_cell(rng, n, v):
    width = 32
    parts = _pieces(v, width)
    name = upper(n)[:20]
    rows = [f"| {name:<20} | {parts[0]:<{width}} |"] + [
        f"| {'':<20} | {p:<{width}} |" for p in parts[1:]]
    rule = "+" + "-" * 22 + "+" + "-" * (width + 2) + "+"
    text = "\n".join([rule, f"| {'Name':<20} | {'Value':<{width}} |", rule, *rows, rule]) + "\n"
    return text, _wrapped(v, width)


def dotted_name(n: tuple[str, ...]) -> str:
    return ".".join(n)
