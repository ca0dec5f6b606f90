"""Layouts, continued: source code, what the agent's tools print, prompts and model text.

Registered into `bench.corpus.layouts.LAYOUTS` on import (see that module for the contract).
"""

from __future__ import annotations

import base64
import json
import textwrap
from urllib.parse import quote

from bench.corpus.layouts import (
    _lines,
    camel,
    dotted,
    go_escape,
    kebab,
    layout,
    pascal,
    snake,
    upper,
    urlq,
    yq,
)


# --- source code ----------------------------------------------------------------------------
@layout("csharp_const")
def _csharp(rng, n, v):
    return (f'public static class Settings\n{{\n'
            f'    private const string {pascal(n)} = "{v}";\n}}\n'), None


@layout("java_static_final")
def _java(rng, n, v):
    return (f'public class Config {{\n'
            f'    private static final String {upper(n)} = "{v}";\n}}\n'), None


@layout("java_setproperty")
def _java_setprop(rng, n, v):
    return f'System.setProperty("{dotted(n)}", "{v}");\n', None


@layout("go_assign")
def _go(rng, n, v):
    if rng.random() < 0.5:
        return f'\t{camel(n)} := "{v}"\n\tclient := api.New({camel(n)})\n', None
    return f'var {camel(n)} string = "{v}"\n', None


@layout("python_assign")
def _python(rng, n, v):
    return f'import os\n\n{upper(n)} = "{v}"\nTIMEOUT = 30\n', None


@layout("python_call_kwarg", takes_url=False)
def _python_call(rng, n, v):
    return (f'client = Client(\n    base_url="https://api.example.com",\n'
            f'    {snake(n)}="{v}",\n)\n'), None


@layout("python_call_positional", slot=True)
def _python_pos(rng, n, v):
    return f'resp = requests.get(url, auth=("deploy", "{v}"), timeout=10)\n', None


@layout("js_const")
def _js(rng, n, v):
    return f"const {camel(n)} = '{v}';\nmodule.exports = {{ {camel(n)} }};\n", None


@layout("js_call_header", slot=True)
def _js_header(rng, n, v):
    return f"req.setHeader('Authorization', `Bearer {v}`);\n", None


@layout("js_object_arg", takes_url=False)
def _js_obj(rng, n, v):
    return f"const client = new ApiClient({{ {camel(n)}: \"{v}\", retries: 3 }});\n", None


@layout("ruby_assign")
def _ruby(rng, n, v):
    return f"Rails.application.configure do\n  config.{snake(n)} = '{v}'\nend\n", None


@layout("php_assign")
def _php(rng, n, v):
    if rng.random() < 0.5:
        return f"<?php\ndefine('{upper(n)}', '{v}');\n", None
    return f"<?php\n${camel(n)} = '{v}';\n", None


@layout("jupyter_cell", multiline=True)
def _jupyter(rng, n, v):
    cell = {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [],
            "source": ["import os\n", f"os.environ[\"{upper(n)}\"] = {json.dumps(v)}\n"]}
    return json.dumps({"cells": [cell], "nbformat": 4}, indent=1) + "\n", None


# --- what the agent's tools print --------------------------------------------------------------
@layout("grep_match_line")
def _grep(rng, n, v):
    return (f"src/config/settings.py:11:import os\nsrc/config/settings.py:12:{upper(n)} = '{v}'\n"
            "tests/test_settings.py:4:from config import settings\n"), None


@layout("grep_context_line")
def _grep_ctx(rng, n, v):
    return (f"deploy/values.yaml-12-  image: acme/api\ndeploy/values.yaml:13:  secrets:\n"
            f"deploy/values.yaml-14-    {snake(n)}: {yq(v)}\n--\n"), None


@layout("read_tool_cat_n", multiline=True)
def _read_cat_n(rng, n, v):
    lines = ["# settings", f"{upper(n)}=\"{v}\"", "DEBUG=false"]
    body = "\n".join(lines).split("\n")
    return "".join(f"{i:>6}\t{line}\n" for i, line in enumerate(body, 10)), None


@layout("read_tool_arrow", multiline=True)
def _read_arrow(rng, n, v):
    body = ["server:", "  port: 8080", f"  {snake(n)}: {yq(v)}", "  workers: 4"]
    return "".join(f"{i:>6}→{line}\n" for i, line in enumerate(body, 1)), None


@layout("diff_patch", multiline=True)
def _diff(rng, n, v):
    plus = "".join(f"+{line}\n" for line in f"{upper(n)}={json.dumps(v)[1:-1]}".split("\n"))
    return (f"diff --git a/.env.example b/.env.example\nindex 3b18e51..a9c2f0d 100644\n"
            f"--- a/.env.example\n+++ b/.env.example\n@@ -1,3 +1,4 @@\n PORT=3000\n{plus}"
            " LOG_LEVEL=info\n"), None


@layout("diff_patch_pem", multiline=True, takes_url=False)
def _diff_pem(rng, n, v):
    plus = "".join(f"+{line}\n" for line in v.split("\n"))
    return f"--- /dev/null\n+++ b/deploy/key.pem\n@@ -0,0 +1,{len(_lines(v))} @@\n{plus}", None


@layout("cat_file_raw", multiline=True, takes_url=False)
def _cat_raw(rng, n, v):
    return f"$ cat secrets/{kebab(n)}.txt\n{v}\n", None


@layout("json_in_string", multiline=True)
def _json_in_string(rng, n, v):
    inner = json.dumps({"env": {upper(n): v}, "cmd": "start"})
    return json.dumps({"type": "tool_result", "content": inner}) + "\n", None


@layout("json_go_escaped")
def _json_go(rng, n, v):
    esc = go_escape(v)
    return f'{{"level":"debug","msg":"config","{camel(n)}":"{esc}"}}\n', lambda f: (go_escape(f),)


@layout("url_encoded_form", slot=True, runtime=True)
def _urlencoded(rng, n, v):
    q = quote(v, safe="")
    return ("> POST /oauth/token HTTP/1.1\n> Content-Type: application/x-www-form-urlencoded\n>\n"
            f"grant_type=client_credentials&client_id=web-app&client_secret={q}\n"), urlq


@layout("base64_wrapped_76", multiline=True)
def _b64_wrapped(rng, n, v):
    b = base64.b64encode(v.encode()).decode()
    parts = textwrap.wrap(b, 76)
    text = f"$ echo \"${upper(n)}\" | base64\n" + "\n".join(parts) + "\n"
    return text, lambda f: tuple(p for p in parts if len(p) >= 12)


@layout("soft_wrapped_80")
def _soft_wrap(rng, n, v):
    # A terminal 80 columns wide: the value starts late on its line and wraps.
    head = f"    Environment:  {upper(n)}="
    line = " " * max(0, rng.randint(50, 70) - len(head)) + head + v + " (from deploy pipeline)"
    parts = [line[i:i + 80] for i in range(0, len(line), 80)]

    def segments(form: str) -> tuple[str, ...]:
        # The form's piece on each physical line; a piece under 12 characters of a longer
        # form is below what counts as a leak (every 12-character piece), so not scored.
        start = line.index(form)
        end = start + len(form)
        cut = [line[max(i, start):min(i + 80, end)]
               for i in range(0, len(line), 80) if max(i, start) < min(i + 80, end)]
        return tuple(p for p in cut if len(p) >= 12 or len(form) < 12)
    return "$ kubectl describe pod api-7d9f\n" + "\n".join(parts) + "\n", segments


# --- prompts and model text ----------------------------------------------------------------------
@layout("prose_password_is", slot=True)
def _prose(rng, n, v):
    return rng.choice([
        f"the prod db password is {v} - can you check why the migration fails?",
        f"Use login admin / {v} for the staging dashboard.",
        f"FYI the password for the build box is {v}, rotate it after the demo.",
    ]), None


@layout("prose_other_languages", slot=True)
def _prose_i18n(rng, n, v):
    return rng.choice([
        f"Das Passwort für die Staging-Datenbank ist {v}",
        f"le mot de passe de la base est {v}, merci de ne pas le partager",
        f"la contraseña del servidor es {v}",
        f"a senha do banco é {v}",
        f"パスワードは {v} です",
    ]), None


@layout("prose_token_in_prompt", slot=True)
def _prose_token(rng, n, v):
    return f"here's my API token: {v}\ncan you wire it into the client and run the tests?", None


@layout("model_text_backticks")
def _model_text(rng, n, v):
    return (f"I've added `{upper(n)}` to your `.env` with the value `{v}` and restarted the dev "
            "server. The tests pass now."), None


@layout("markdown_table", slot=True)
def _md_table(rng, n, v):
    return ("| service | user | password |\n|---|---|---|\n"
            f"| postgres | app | {v} |\n| redis | default | n/a |\n"), None
