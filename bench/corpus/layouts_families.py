"""Layouts, stop 24: the six families issue 13's last note lists as still leaking.

Each family in several spellings, as real commands print them or an agent reads them, with
look-alikes beside the value (hash and UUID columns, %-encoded non-secret queries, base64
of text, `key` as an ordinary word) so the negative pass of the same layout scores them:

- `s24_wrap_*`: a value wrapped by a terminal or `fold` where it starts late on its line,
  so its first fragment is a few plain characters (`ps auxww`, a journal line, a
  `kubectl logs` line, `fold -w 80` of a one-line JSON file);
- `s24_table_*`: cells of tables whose header is not a secret word, or that have no
  markdown separator (psql with `|` columns, MySQL's ASCII box, `aws ... --output table`,
  `column -t` and tab-separated text, `docker inspect`-like key/value columns);
- `s24_pct_*`: a connection string %-encoded into a URL's query (`?dsn=postgres%3A%2F%2F`);
- `s24_token_slot_*`: any value, chosen passwords included, in a slot only tokens go
  (`--token`, `"token": ...`, `X-Auth-Token`, `docker login -p`);
- `s24_prose_word_*`: prose naming the value with one word (`use key ...`, `the secret:`),
  beside `key` used as an ordinary word;
- `s24_b64_*`: base64 of the value written to a config or printed by `base64`.

Names start with `s24_` (`--layout s24_` scores only these; `--layout s24_table` one
family). Registered into `bench.corpus.layouts.LAYOUTS` on import.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

from bench.corpus.layouts import camel, kebab, layout, pascal, snake, upper, userinfo


def _wrap(line: str, width: int):
    """`line` cut every `width` characters, and how a form reads in it: its piece on each
    physical line (a piece under 12 characters of a longer form is below a leak, so not
    scored)."""
    parts = [line[i:i + width] for i in range(0, len(line), width)]

    def segments(form: str) -> tuple[str, ...]:
        start = line.index(form)
        end = start + len(form)
        cut = [line[max(i, start):min(i + width, end)]
               for i in range(0, len(line), width) if max(i, start) < min(i + width, end)]
        return tuple(p for p in cut if len(p) >= 12 or len(form) < 12)
    return "\n".join(parts), segments


def _pad_to(head: str, column: int) -> str:
    """`head` padded with blanks so what follows starts at `column` (or right after it)."""
    return head + " " * max(0, column - len(head))


def _late(head: str, width: int, back: int) -> str:
    """`head` padded so what follows starts `back` columns before a physical line's end."""
    lines = -(-(len(head) + back) // width)
    return _pad_to(head, lines * width - back)


# --- wrapped values whose first fragment is a few plain characters ------------------------
@layout("s24_wrap_ps_auxww", takes_url=False, runtime=True)
def _ps(rng, n, v):
    width = rng.choice((80, 120))
    flag = f"--{kebab(n)}="
    head = ("dev       48213  2.1  1.4 1184220 231044 pts/3  Sl+  10:02   0:04 node "
            "dist/server.js --port 8080 --max-old-space-size=4096 --enable-source-maps"
            + " --trace-warnings" * rng.randint(0, 3) + " ")
    head = _late(head, width, rng.randint(2, 6) + len(flag)) + flag
    body, seg = _wrap(head + v + " --log-level info", width)
    return ("$ ps auxww | grep server.js\n" + body +
            "\ndev       48377  0.0  0.0   6432   720 pts/4  S+   10:03   0:00 grep server.js\n",
            seg)


@layout("s24_wrap_journal_line", takes_url=False, runtime=True)
def _journal(rng, n, v):
    width = rng.choice((80, 100, 120))
    head = "May 02 10:01:12 api-3 api[912]: level=debug msg=\"loaded settings\" "
    head = _late(head, width, rng.randint(1, 5) + len(snake(n)) + 1) + f"{snake(n)}="
    body, seg = _wrap(head + v + " source=env", width)
    return ("$ journalctl -u api --since today | tail -2\n"
            "May 02 10:01:11 api-3 systemd[1]: Started api.service.\n" + body + "\n"), seg


@layout("s24_wrap_kubectl_logs", takes_url=False, runtime=True)
def _kubectl_logs(rng, n, v):
    key = f"{upper(n)} -> "
    head = "2024-05-02T10:01:12.431Z INFO  [config] resolved secret api-env: "
    head = _late(head, 80, rng.randint(2, 8) + len(key)) + key
    body, seg = _wrap(head + v + " (mounted)", 80)
    return ("$ kubectl logs deploy/api --tail 3\n"
            "2024-05-02T10:01:12.402Z INFO  [boot] node v20.12.2\n" + body + "\n"
            "2024-05-02T10:01:12.500Z INFO  [http] listening on :8080\n"), seg


@layout("s24_wrap_fold_json", takes_url=False)
def _fold_json(rng, n, v):
    doc = json.dumps({"region": "eu-west-1", "bucket": "acme-artifacts", "retries": 3,
                      "endpoint": "https://s3.eu-west-1.amazonaws.com", camel(n): v})
    body, seg = _wrap(doc, 80)
    return f"$ fold -w 80 config/{kebab(n)}.json\n{body}\n", seg


# --- table cells ----------------------------------------------------------------------------
def _hex(rng, k: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(k))


@layout("s24_table_psql_settings", takes_url=False)
def _psql(rng, n, v):
    rows = [("cache_key", _hex(rng, 40)), ("build_sha", _hex(rng, 40)), (snake(n), v),
            ("region", "eu-west-1")]
    w1 = max(len(a) for a, _ in rows)
    w2 = max(len(b) for _, b in rows)
    lines = [f" {'name':<{w1}} | {'value':<{w2}}", f"-{'-' * w1}-+-{'-' * w2}-"]
    lines += [f" {a:<{w1}} | {b:<{w2}}" for a, b in rows]
    return ("$ psql -h db.internal -U app -c 'select name, value from settings'\n"
            + "\n".join(lines) + f"\n({len(rows)} rows)\n\n"), None


@layout("s24_table_mysql_box", takes_url=False)
def _mysql(rng, n, v):
    rows = [("1", "ci", _hex(rng, 32)), ("2", kebab(n), v), ("3", "webhook-id", _hex(rng, 24))]
    w = [max(len(r[k]) for r in rows + [("id", "name", "value")]) for k in range(3)]
    rule = "+" + "+".join("-" * (x + 2) for x in w) + "+"

    def row(r):
        return "|" + "|".join(f" {c:<{w[k]}} " for k, c in enumerate(r)) + "|"
    return ("mysql> SELECT id, name, value FROM integrations;\n"
            + "\n".join([rule, row(("id", "name", "value")), rule, *map(row, rows), rule])
            + "\n3 rows in set (0.00 sec)\n"), None


@layout("s24_table_aws_output", takes_url=False)
def _aws_table(rng, n, v):
    name = f"/prod/api/{snake(n)}"
    width = max(len(name), len(v), 36) + 2
    rule = "+" + "-" * (width + 2) + "+" + "-" * 10 + "+"
    return ("$ aws ssm get-parameter --name " + name + " --with-decryption --output table\n"
            + "-" * (width + 15) + "\n|" + "GetParameter".center(width + 13) + "|\n"
            + rule + "\n" + f"|  {'Name':<{width}}| {'Version':<9}|\n" + rule + "\n"
            + f"|  {name:<{width}}| {'4':<9}|\n" + rule + "\n"
            + f"|  {'Value':<{width}}| {'Type':<9}|\n" + rule + "\n"
            + f"|  {v:<{width}}| {'Secure':<9}|\n" + rule + "\n"), None


@layout("s24_table_ssm_text", takes_url=False)
def _ssm_text(rng, n, v):
    return ("$ aws ssm get-parameters-by-path --path /prod/api --with-decryption "
            "--query 'Parameters[*].[Name,Value]' --output text\n"
            f"/prod/api/build_sha\t{_hex(rng, 40)}\n/prod/api/{snake(n)}\t{v}\n"
            "/prod/api/log_level\tinfo\n"), None


@layout("s24_table_column_t", takes_url=False)
def _column_t(rng, n, v):
    rows = [("KEY", "VALUE"), ("REQUEST_ID", "7f3e2c1a-5b6d-4e8f-9a0b-1c2d3e4f5a6b"),
            (upper(n), v), ("GIT_COMMIT", _hex(rng, 40))]
    w = max(len(a) for a, _ in rows) + 2
    return ("$ column -t -s= .env.staging\n"
            + "".join(f"{a:<{w}}{b}\n" for a, b in rows)), None


@layout("s24_table_docker_inspect_kv", takes_url=False)
def _docker_kv(rng, n, v):
    w = max(len(upper(n)), 12) + 2  # `column -t`: two blanks after the widest
    return ("$ docker inspect api --format '{{range .Config.Env}}{{println .}}{{end}}' "
            "| column -t -s=\n"
            f"{'PATH':<{w}}/usr/local/bin:/usr/bin:/bin\n{upper(n):<{w}}{v}\n"
            f"{'IMAGE_DIGEST':<{w}}sha256:{_hex(rng, 64)}\n"), None


@layout("s24_table_markdown_plain_header")
def _md_plain(rng, n, v):
    return ("| Variable | Value | Where |\n|---|---|---|\n"
            f"| `GIT_SHA` | `{_hex(rng, 40)}` | CI |\n"
            f"| `{upper(n)}` | `{v}` | vault |\n"
            "| `REGION` | `eu-west-1` | tfvars |\n"), None


# --- connection strings %-encoded into a URL ---------------------------------------------------
def _dsn_in(v: str, scheme: str, host: str):
    """A DSN holding `v` (a whole DSN already, or its password), and the encoder of a form
    once the DSN is %-encoded into a URL query value."""
    if "://" in v:
        return v, lambda f: (quote(f, safe=""),)
    return (f"{scheme}://app:{userinfo(v)}@{host}/app",
            lambda f: (quote(userinfo(f), safe=""),))


@layout("s24_pct_dsn_query", slot=True, takes_url=True)
def _pct_query(rng, n, v):
    dsn, enc = _dsn_in(v, "postgres", "db.internal:5432")
    return ("127.0.0.1 - - [02/May/2024:10:01:44 +0000] \"GET /admin/db/test?next=%2Fadmin"
            f"%2Fsettings&dsn={quote(dsn, safe='')}&q=select%201 HTTP/1.1\" 200 17\n"), enc


@layout("s24_pct_grafana_proxy", slot=True, takes_url=True)
def _pct_grafana(rng, n, v):
    dsn, enc = _dsn_in(v, "mysql", "mysql.internal:3306")
    return ("> POST /api/datasources/test?orgId=1&redirect=%2Fdatasources%2Fedit%2F3"
            f"&url={quote(dsn, safe='')} HTTP/1.1\n> Host: grafana.internal\n< HTTP/1.1 400\n"), enc


@layout("s24_pct_json_field", slot=True, takes_url=True)
def _pct_json(rng, n, v):
    dsn, enc = _dsn_in(v, "mongodb", "mongo.internal:27017")
    link = (f"https://console.example.com/connect?source={quote(dsn, safe='')}"
            "&utm_source=cli&return_to=%2Fprojects%2Fapi")
    return json.dumps({"status": "pending", "open": link}, indent=2) + "\n", enc


@layout("s24_pct_plain_query", kinds=("(negatives only)",))
def _pct_plain(rng, n, v):
    # Look-alikes only: %-encoded queries that hold no credential (a redirect, a search).
    q = quote(v, safe="")
    return ("127.0.0.1 - - [02/May/2024:10:02:01 +0000] \"GET /oauth/authorize?client_id=web"
            "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback%3Fnext%3D%252Fhome"
            f"&state={q}&scope=openid%20profile HTTP/1.1\" 302 0\n"
            f"GET /search?q=postgres%3A%2F%2Fdocs%20{snake(n)}%3D{q} 200\n"), None


# --- any value in a slot only tokens go -------------------------------------------------------
@layout("s24_token_slot_flag", slot=True)
def _token_flag(rng, n, v):
    return rng.choice([
        f"$ ./scripts/deploy --env staging --token {v}\n",
        f"$ vault login -method=token token={v}\n",
        f"$ docker login registry.example.com -u deploy -p {v}\n",
        f"$ npx wrangler deploy --api-token {v}\n",
    ]), None


@layout("s24_token_slot_json", slot=True)
def _token_json(rng, n, v):
    return rng.choice([
        json.dumps({"username": "admin", "token": v}) + "\n",
        "$ curl -s -X POST https://api.example.com/v1/login -d '"
        + json.dumps({"user": "ci", "apiToken": v}).replace("'", "'\\''") + "'\n",
        "[auth]\ntoken = " + json.dumps(v) + "\n",
    ]), None


@layout("s24_token_slot_header", slot=True, runtime=True)
def _token_header(rng, n, v):
    hdr = rng.choice(["X-Auth-Token", "X-Access-Token", "Authorization: Token",
                      "Authorization: Bearer"])
    head = hdr if ":" in hdr else hdr + ":"
    return (f"> GET /v2/status HTTP/1.1\n> Host: api.example.com\n> {head} {v}\n>\n"
            "< HTTP/1.1 200 OK\n"), None


# --- prose naming the value with one word -------------------------------------------------------
@layout("s24_prose_word_use", takes_url=False)
def _prose_use(rng, n, v):
    word = n[-1]
    return rng.choice([
        f"Press any key to continue. For the staging bucket use {word} {v} instead.",
        f"ok, the primary key is fine now. the {word}: {v} (from the vault)",
        f"Switched the sort key to created_at; {word} {v} still works for the test run.",
        f"Try again with {word} `{v}` - the old one was revoked.",
    ]), None


@layout("s24_prose_word_model", takes_url=False)
def _prose_model(rng, n, v):
    word = n[-1]
    return (f"I checked the config: the cache uses a composite key (tenant, path). The {word} "
            f"it loads is {v}, which matches what you pasted earlier."), None


# --- base64 of the value ------------------------------------------------------------------------
def _b64(v: str) -> str:
    return base64.b64encode(v.encode()).decode()


@layout("s24_b64_echo", takes_url=False, runtime=True)
def _b64_echo(rng, n, v):
    b = _b64(v)
    return f"$ echo -n \"${upper(n)}\" | base64\n{b}\n", lambda f: (b,)


@layout("s24_b64_config", takes_url=False, runtime=True)
def _b64_config(rng, n, v):
    b = _b64(v)
    return rng.choice([
        f"{upper(n)}_B64={b}\nBANNER_B64={_b64('Welcome to staging')}\n",
        json.dumps({"Logging": {"Level": "Information"},
                    "Auth": {f"{pascal(n)}Base64": b}}, indent=2) + "\n",
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  {kebab(n)}: {b}\n"
        f"  motd: {_b64('hello from the api team')}\n",
    ]), lambda f: (b,)


@layout("s24_b64_basic_auth", slot=True, runtime=True, takes_url=False)
def _b64_basic(rng, n, v):
    b = _b64("deploy:" + v)
    return (f"$ grep -r Authorization ~/.config/acme\n/home/dev/.config/acme/http.conf:"
            f"header = \"Authorization: Basic {b}\"\n"), lambda f: (b,)
