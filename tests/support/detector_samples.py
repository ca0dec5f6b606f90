"""Samples for every pattern alternative a detector declares (shared by the detector tests).

The fake generator (`bench/corpus/fakes.py`) has one template per format; `EXTRA` adds the
formats it has none for, in the same `{X:n}` syntax, and `PII` gives literal samples of the
opt-in personal-data formats (their value is the whole sample). `alternatives(detector)`
lists, per pattern and per anchor, a template of that type holding that anchor (a sibling
anchor swapped in where needed), which is how one declared prefix's sample becomes another's.
"""

from __future__ import annotations

import json
import random

from bench.corpus import fakes

from cctrace.redact import registry
from cctrace.redact.detectors import encoded
from cctrace.redact.detectors.base import Detector, Pattern
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

# Samples for the formats the fake generator has no template for (same `{X:n}` syntax).
EXTRA: dict[str, list[str]] = {
    "putty_private_key": [
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\n"
        "Public-Lines: 2\n{b:64}\n{b:20}\nPrivate-Lines: 1\n{b:44}\nPrivate-MAC: {h:64}"],
    "openshift_token": ["sha256~{w:43}"],
    "sourcegraph_token": ["sgp_{h:16}_{h:40}"],
    "tailscale_key": ["tskey-auth-{A:12}-{A:30}"],
    "onepassword_secret_key": ["A3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}"],
    "github_token_unverified": ["ghp_{A:36}"],
    "npm_token_unverified": ["npm_{A:36}"],
    "facebook_access_token": ["EAA{A:80}"],
    # `<app id>|<app secret>`: the 15 digits of the id are public (fields under 8 chars).
    "facebook_app_token": ["graph token 1049{d:7}0321|{A:28} ok"],
    "msteams_webhook": [
        "https://acme.webhook.office.com/webhookb2/{h:8}-{h:4}-{h:4}@{h:8}-{h:4}"
        "/IncomingWebhook/{h:32}/{h:8}-{h:4}-{h:4}"],
    "netrc_password": ["machine api.corp.internal\n  login deploy\n  password {A:20}\n"],
    "discord_bot_token": ["Authorization: Bot M{A:23}.{w:6}.{w:38}",
                          'client.run("M{A:23}.{w:6}.{w:38}")'],
    "jwt": ["@b64jwt"],
    "prose_password": ["the password is {A:14} for now", "then use password {A:14} to log in",
                       "use `{A:12}7!` as the password",
                       "seed phrase: abandon ability {l:8} absent absorb\n",
                       "so {A:12}!{d:3} is the admin password for staging.",
                       "veritabani sifresi: {A:14} ok"],
    "prose_secret": ["my token is {A:20} today", "der API-Schluessel lautet {A:20} ok",
                     "the api key is {A:20} today", "* **Token:** {A:24}\n",
                     "Use the key I gave you earlier: {A:24}",
                     # a secret replaced (prose_rotation)
                     "rotated the old token; the new one is {A:24}\n",
                     "rotate the api token\n\nold: {A:24}\n",
                     "I set the token to {A:24} now"],
    "prose_word_secret": ["then use token `{A:16}7` for the test run"],
    # Commands that assign by a blank (generic_assignment's `env ` and `set -` anchors),
    # which must start their line (the contexts planting a sample put text before it).
    "generic_secret": ["FROM alpine\nENV DB_PASSWORD {A:12}!{d:4}\n",
                       "\nset -gx DB_PASSWORD {A:12}!{d:4}\n",
                       "C:\\src> cd app\nC:\\src> setx DB_PASSWORD {A:12}!{d:4}\n",
                       "wp config set DB_PASSWORD {A:12}!{d:4}\n",
                       '[Environment]::SetEnvironmentVariable("API_TOKEN", "{A:24}", "User")',
                       # a NAME,VALUE table's row (delimited_rows)
                       "env:\nNAME,VALUE\nLOG_LEVEL,info\nAPI_TOKEN,{A:24}\n"],
    # a label string then its value (label_argument; first: it holds none of next_line's
    # keywords, and next_line's sample holds label_argument's), a value alone on the line
    # after a label naming it (next_line), a setter's argument (label_argument)
    "labelled_secret": ['console.log("token=", "{A:40}");',
                        "ok\nHere is the password:\n\n{A:12}!{d:4}\n",
                        'user.set_password("{A:12}!{d:4}")',
                        # a command's output line (command_output), a sed replacement
                        # (substitution), a plan's values (terraform_plan)
                        "$ heroku auth:token\n{A:40}\n",
                        "sed -i 's/__TOKEN__/{A:40}/g' config.yml",
                        '  + resource "aws_ssm_parameter" "k" {{\n      + name  = '
                        '"/prod/db_password"\n      + value = "{A:12}!{d:4}"\n    }}',
                        # both arrow anchors, so neither is swapped for the other
                        '  ~ password = "old" -> "{A:12}!{d:4}"\n'
                        '  ~ secret_data = \\"a\\" -> \\"{A:12}!{d:4}\\"\n'],
    # passwords by position (credential_lines): davfs2 secrets after the file's name, a URL
    # line, sasl_passwd with each mail port (each opening a line: a line before it)
    "file_password": ["# davfs2 secrets\n/mnt/dav alice {A:12}!{d:3}\n",
                      "$ cat f\nhttps://dav.acme.test/dav alice {A:12}!{d:3}\n",
                      "$ cat f\n[smtp.acme.test] alerts@acme.test:{A:12}!{d:3}\n",
                      "$ cat f\n[smtp.acme.test]\talerts@acme.test:{A:12}!{d:3}\n",
                      "$ cat f\nmail.acme.test:25 relay:{A:12}!{d:3}\n",
                      "$ cat f\nmail.acme.test:465 relay:{A:12}!{d:3}\n",
                      "$ cat f\nmail.acme.test:587 relay:{A:12}!{d:3}\n"],
    # a prompt on its line, answered on the next (console_login)
    "prompt_secret": ["ok\n\u25c6  Enter your API key\n\u2502  {A:24}\n\u2514"],
    # grouped app passwords after the phrase naming them (app_password)
    "app_password": ["@grouped:Your new app password: "],
    # backup, recovery and one-time codes (one_time_codes)
    "one_time_code": ["the backup code is {d:10} for now", "Your OTP is {d:8} now"],
    "prose_login": ["the login is deploy / {A:14} for staging",
                    "user admin pass {A:12}!{d:3}", "use admin:{A:12}!{d:3} to log in now"],
    "prose_pin": ["the card PIN is {d:8} today"],
    "cloudflare_global_api_key": ["CLOUDFLARE_API_KEY={h:37}"],
    # keyword-led forms the generator's sample does not hold
    "cli_password": [
                     # (first: the IMAP pattern's `login ` is in `docker login` below too)
                     "* OK IMAP4rev1 ready\na001 LOGIN ops@corp.test {A:12}!{d:3}\na001 OK",
                     "redis-cli -h cache -a {A:16} ping",
                     "sshpass -p {A:16} ssh root@host",
                     "curl -s -u deploy:{A:16} https://x.test/",
                     "$ printenv DB_PASSWORD\n{A:16}\n",
                     "sqlcmd -S db -U sa -P {A:16}",
                     "ssh-keygen -t ed25519 -N {A:16} -f key",
                     "ldapsearch -x -D cn=admin -w {A:16}",
                     "keytool -genkey -storepass {A:16} -alias a",
                     "openssl rsa -passin pass:{A:16} -in k.pem",
                     "gh secret set API_TOKEN --body {A:16}",
                     "htpasswd -b .htpasswd admin {A:16} && nginx -s reload",
                     "rabbitmqctl add_user admin {A:16}",
                     "smbclient //host/share -U admin%{A:16}",
                     # (after Samba's: `net ` is an anchor of its pattern too)
                     "net user svc_backup {A:12}!{d:3} /add",
                     "echo {A:16} | docker login -u me --password-stdin",
                     "echo '{A:16}' | sudo -u root -S apt-get update",
                     "sudo -S <<< '{A:16}' apt update",
                     # more tools' flags (probes-6)
                     "cqlsh cass01 9042 -u cassandra -p {A:16}",
                     "ipmitool -I lanplus -H 10.0.0.5 -U ADMIN -P {A:16} power status",
                     "openssl enc -aes-256-cbc -in db.sql -out db.enc -k {A:16}",
                     "influx query -o acme -t {A:40}",
                     # Windows command lines (windows_cli)
                     '$pw = ConvertTo-SecureString "{A:12}!{d:3}" -AsPlainText -Force',
                     "net use Z: \\\\srv\\share {A:12}!{d:3} /user:CORP\\bob",
                     "schtasks /Create /TN Nightly /RU CORP\\svc /RP {A:12}!{d:3}",
                     "xfreerdp /v:10.1.2.3 /u:admin /p:{A:12}!{d:3} /cert:ignore",
                     "rdesktop -u admin -p {A:12}!{d:3} jump01",
                     # consoles' logins by position (console_login)
                     "sqlplus scott/{A:12}!{d:3}@ORCLPDB1",
                     "Connected.\nSQL> CONNECT app/{A:12}!{d:3}@PDB2",
                     "$ redis-cli -h cache.internal\ncache.internal:6379> AUTH {A:12}!{d:3}\nOK",
                     "ftp> user deploy {A:12}!{d:3}\n331 Password required",
                     "lftp -u deploy,{A:12}!{d:3} sftp://files.example.test",
                     "mc alias set s3 https://minio.example.test AKIDEXAMPLE {A:24}",
                     # probes-7: Oracle's JDBC thin URL, IMAP LOGIN, SMTP AUTH PLAIN
                     "jdbc:oracle:thin:scott/{A:12}!{d:3}@//db.example.test:1521/ORCL",
                     "C: AUTH PLAIN AHVzZXIA{A:16}\nS: 235 2.7.0 Authentication successful",
                     # package and cloud tools by position, printf formats (cli_positional)
                     "printf 'DB_PASSWORD=%s\\n' '{A:12}!{d:3}' >> .env",
                     "cargo login {A:32}",
                     "poetry config http-basic.corp deploy {A:12}!{d:3}",
                     "composer config --global github-oauth.github.com {A:40}",
                     "pulumi config set --secret dbPassword {A:12}!{d:3}",
                     # more flags and stdin (cli_flags)
                     "twine upload -u __token__ -p {A:16} dist/*",
                     "aws secretsmanager put-secret-value --secret-id db --secret-string {A:16}",
                     "echo {A:16} | npx wrangler secret put API_TOKEN",
                     'spawn ssh deploy@h\nexpect "password:"\nsend "{A:12}!{d:3}\\r"\n',
                     "sshpass -f <(echo '{A:12}!{d:3}') ssh deploy@h",
                     "ok\n? Enter a secret value: \u203a {A:12}!{d:3}\n",
                     "lang en_US\nrootpw --plaintext {A:12}!{d:3}\n"],
    "basic_auth": ['r = requests.get(url, auth=("deploy", "{A:16}"))',
                   'curl_setopt($ch, CURLOPT_USERPWD, "api:{A:12}!{d:3}");',
                   'auth = {{:basic, "deploy", "{A:12}!{d:3}"}}'],
    # a key's body printed without its armour, one per DER start (private_key's anchors:
    # PKCS#8 RSA, P-256, P-384 SEC1 and PKCS#8, SEC1 P-256 and secp256k1, Ed25519, Ed448)
    "private_key": ["$ sed -n '2,4p' k.pem\nMIIEvQIBADANBgkqhkiG9w0BAQEF{b:36}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMIGHAgEAMBMGByqGSM49{b:44}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMIGkAgEBBDAA{b:52}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMIG2AgEAMBAGByqGSM49{b:44}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMHcCAQEEIAAA{b:52}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMHQCAQEEIAAA{b:52}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMC4CAQAwBQYDK2Vw{b:48}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMFECAQEwBQYDK2Vw{b:48}\n{b:64}\n",
                    "$ sed -n '2,4p' k.pem\nMEcCAQAwBQYDK2Vx{b:48}\n{b:64}\n"],
    "call_password": ['server.login("me@corp.test", "{A:12}!{d:3}")',
                      "$db = new PDO($dsn, 'root', '{A:12}!{d:3}');",
                      'my $dbh = DBI->connect($dsn, "app", "{A:12}!{d:3}");'],
    # ids and secrets of other lengths than the bare form's, so only the keyword finds them
    "telegram_bot_token": ["https://api.example.test/bot{d:7}:{w:35}/getMe",
                           "TELEGRAM_TOKEN={d:7}:{w:35}"],
    "salesforce_access_token": ["00D{A:12}!{A:96}"],
    # layouts of agent sessions (issue 13): SQL statements, cookies, a token as a URL's user
    "sql_password": ["CREATE USER app IDENTIFIED BY '{A:16}';",
                     "CREATE USER etl IDENTIFIED BY {l:4}{A:12} DEFAULT TABLESPACE users;"],
    # OAuth authorization codes (oauth_code), a Kubernetes Secret's values (k8s_secret)
    "oauth_code": ["GET /oauth/callback?code={A:24}&state=af0ifjsldkj HTTP/1.1"],
    "k8s_secret": ["kind: Secret\nmetadata:\n  name: app\ndata:\n  STRIPE_SK: {b:44}\n",
                   '{"data": {"relay": "{b:44}"}, "kind": "Secret"}'],
    "session_cookie": ["< Set-Cookie: session={A:24}; Path=/; HttpOnly",
                       "> Cookie: lang=en; sid={A:24}"],
    "url_password": ["url = https://{A:24}@git.example.test/team/app.git"],
    # provider shapes and layouts of the layouts benchmark's second round (issue 13)
    "asana_pat": ["2/{d:16}/{d:16}:{h:32}", "0/{h:32}"],
    "firebase_fcm_server_key": ["AAAA{w:7}:APA91b{w:134}"],
    "twitter_bearer_token": ["AAAAAAAAAAAAAAAAAAAAAA{A:18}%2F{A:50}"],
    "aws_session_token": ["IQoJb3JpZ2luX2VjE{b:300}", "FwoGZXIvYXdzE{b:300}",
                          "FQoGZXIvYXdzE{b:300}"],
    "newrelic_license_key": ["{h:36}NRAL"],
    "pgpass_password": ["$ cat ~/.pgpass\ndb.internal:5432:app:app:{A:16}\n"],
    "url_path_secret": ["> GET /v1/api-key/{A:24}/status HTTP/1.1"],
    # values with little or no context (issue 13): a table column, a sentence, a file
    # (4 dashes: each separator anchor swapped in for `-|` leaves a valid separator)
    # (first: a CSV header whose keyword each anchor of delimited_rows can stand in for)
    "table_secret": ["users.csv:\nuser,db_token\nalice,{A:24}\n",
                     "| service | password |\n|----|----|\n| db | {A:16} |\n",
                     # delimited rows: rows after a SELECT list, a ruled column table
                     # (before the INSERT: its `VALUES` is no header); a header starts
                     # its line, so each opens with a line of its own
                     "sqlite> select id, token from t;\n1|{A:24}\n",
                     "rows:\nname   token\n-----  -----\nci     {A:24}\n",
                     "INSERT INTO api_keys (name, key) VALUES ('prod', '{A:24}');"],
    "prose_secret_value": ["I set `DB_PASSWORD` with the value `{A:16}` now.",
                           "I set `DB_PASSWORD` to `{A:16}` now.",
                           "The staging password was reset to `{A:16}` today.",
                           "WARN login failed for admin: tried {A:12}!{d:3}\n",
                           "The DB password you gave me ({A:12}!{d:3}) fails."],
    "secret_file_content": ["$ cat secrets/db-password.txt\n{A:20}\n",
                            "--- /dev/null\n+++ b/deploy/key.pem\n@@ -0,0 +1 @@\n+{A:40}\n",
                            '$ echo "$API_SECRET" | base64\n{b:44}\n',
                            "$ terraform output -raw db_password\n{A:20}\n",
                            "$ kubectl get secret app -o jsonpath='{.data.api-token}'\n{b:44}\n"],
    # a drawn key as a URL path segment, nothing naming it
    "url_path_key": ["POST https://ingest.example.com/api/{A:32}/events -> 200"],
    # a pair's `value` under a `name` naming a secret (HAR, a Kubernetes env list)
    "name_value_pair": ['{{"name": "x-api-key", "value": "{A:24}"}}',
                        "        - name: DB_PASSWORD\n          value: {A:16}\n",
                        "<key>DB_PASSWORD</key>\n<string>{A:12}!{d:3}</string>\n"],
    # credential files (branch credfiles): stored password hashes, one per crypt format
    "password_hash": ["alice:$2b$12${A:53}\n",
                      "deploy:$5$rounds=5000${A:16}${A:43}:19600:0:99999:7:::\n",
                      "root:$6${A:16}${A:86}:19500:0:99999:7:::\n",
                      "admin:$apr1${A:8}${A:22}\n",
                      "me:$y$j9T${A:22}${A:43}:19700:0:99999:7:::\n",
                      "hash = '$argon2id$v=19$m=65536,t=3,p=4${b:22}${b:43}'",
                      "pbkdf2_sha256$600000${A:22}${b:44}",
                      "bob:{SSHA}{b:32}\n",
                      " app | SCRAM-SHA-256$4096:{b:24}${b:44}:{b:44}\n",
                      "SELECT user, authentication_string FROM mysql.user;\n| app | *{H:40} |\n",
                      "=# SELECT rolname, rolpassword FROM pg_authid;\n app | md5{h:32}\n"],
    "ci_masked_value": ["2024-05-01T10:00:00Z ::add-mask::{A:24}\n"],
    "php_secret_constant": ["define('AUTH_KEY', '{A:22}!#{A:22}');\n"],
    # a pre-signed URL's signature (signed_url)
    "url_signature": ["GET https://b.s3.amazonaws.com/k?X-Amz-Date=20250101T000000Z"
                      "&X-Amz-Signature={h:64}"],
    "config_password": ["bind 127.0.0.1\nrequirepass {A:16}\n",
                        'network={\n    ssid="Home"\n    psk="{A:16}"\n}\n',
                        "<master>{{b:44}=}</master>\n",
                        "r1:6379> CONFIG SET requirepass {A:16}\nOK\n",
                        'r1:6379> CONFIG GET requirepass\n1) "requirepass"\n2) "{A:16}"\n',
                        "r1:6379> ACL SETUSER app on >{A:16} ~* +@all\nOK\nr1:6379> ACL LIST\n"
                        '1) "user app on #{h:64} ~* +@all"\n2) "user ops off #{h:64} +info"\n',
                        "#cloud-config\nchpasswd:\n  list: |\n    root:{A:12}!{d:3}\n"],
    "openvpn_static_key": ["<tls-auth>\n-----BEGIN OpenVPN Static key V1-----\n"
                           "{h:32}\n{h:32}\n{h:32}\n{h:32}\n"
                           "-----END OpenVPN Static key V1-----\n</tls-auth>\n"],
    "terraform_sensitive": [
        '{"attributes": {"password": "{A:16}"}, '
        '"sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}',
        '{"values": {"password": "{A:16}"}, "sensitive_values": {"password": true}}',
        'variable "db_password" {\n  type    = string\n  default = "{A:12}!{d:3}"\n}\n'],
}
# Secrets inside base64: one sample per marker, byte alignment and alphabet, so each
# encoding the `encoded` detector declares as an anchor occurs in one (see fakes `@b64:`).
EXTRA["encoded_secret"] = [f"@b64:{lead}:{safe}:{marker}" for marker in encoded.MARKERS
                           for lead in range(3) for safe in (0, 1)]
# Anchors no sibling can be swapped for (base64 would no longer decode): the sample must
# hold the anchor itself.
NO_SWAP = {"encoded_secret", "private_key", "file_password"}

# Personal data (opt-in detectors): (sample text, the value that must be found in it).
PII: dict[str, list[tuple[str, str]]] = {
    "email": [("mail me: jane.doe@example.org now", "jane.doe@example.org")],
    "phone": [("call +44 20 7946 0958 now", "+44 20 7946 0958"),
              ("call (415) 555-2671 now", "(415) 555-2671")],
    "credit_card": [("card 4111 1111 1111 1111 ok", "4111 1111 1111 1111")],
    "iban": [("IBAN GB82 WEST 1234 5698 7654 32 ok", "GB82 WEST 1234 5698 7654 32")],
    "ipv4": [("from 192.168.10.20 port", "192.168.10.20")],
    "ipv6": [("addr 2001:db8::8a2e:370:7334 up", "2001:db8::8a2e:370:7334")],
    "us_ssn": [("ssn 123-45-6789 ok", "123-45-6789")],
}


def templates(typ: str) -> list[str]:
    """Every template of a secret type: the generator's and ours."""
    return fakes.TEMPLATES.get(typ, []) + EXTRA.get(typ, [])


def sample(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """A fake from `template` and its random fields."""
    return fakes.fake_fields(template, rng)


def with_anchor(text: str, anchor: str, siblings: tuple[str, ...]) -> str | None:
    """`text` holding `anchor`: as it is, or with a sibling anchor swapped for it (same
    case), which is how one declared prefix's sample becomes another's."""
    low = text.lower()
    if anchor in low:
        return text
    for other in siblings:
        at = low.find(other)
        if other != anchor and at >= 0:
            found = text[at:at + len(other)]
            repl = anchor.upper() if found.isupper() else anchor
            return text[:at] + repl + text[at + len(other):]
    return None


def alternatives(det: Detector) -> tuple[list[tuple[Pattern, str, str]], list[str]]:
    """(pattern, anchor, template) per declared alternative of `det`, and the alternatives
    without a sample. A prefix-led pattern has one alternative per anchor; a keyword-led one
    (`at_anchor`: any of its keywords starts the same regex) one in all, with a sample
    holding one of its keywords."""
    out, missing = [], []
    for pat in det.patterns:
        anchors = pat.anchors[:1] if pat.at_anchor or not pat.anchors else pat.anchors
        for anchor in anchors or ("",):
            for template in templates(pat.type):
                text, _ = sample(template, random.Random(7))
                if (any(a in text.lower() for a in pat.anchors) if pat.at_anchor
                        else anchor in text.lower() if pat.type in NO_SWAP
                        else with_anchor(text, anchor, pat.anchors) is not None):
                    out.append((pat, anchor, template))
                    break
            else:
                missing.append(f"{det.name}: {pat.type}"
                               + (f" ({anchor!r})" if len(anchors) > 1 else ""))
    return out, missing


def keyword_alone(text: str, anchor: str, siblings: tuple[str, ...]) -> str | None:
    """`text` with the word holding its first keyword (a sibling anchor, and the word
    characters around it: `AWS_SECRET_ACCESS_KEY`) replaced by `anchor` alone, or None when
    no sibling is in it. The text may still hold a sibling that `anchor` contains (`pw` in
    `pwd`): the caller decides."""
    low = text.lower()
    hits = [(low.find(a), a) for a in siblings if low.find(a) >= 0]
    if not hits:
        return None
    at, found = min(hits, key=lambda h: (h[0], -len(h[1])))
    start, end = at, at + len(found)
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "_-"):
        end += 1
    return text[:start] + anchor + text[end:]


def with_anchor_alone(text: str, anchor: str, siblings: tuple[str, ...]) -> str | None:
    """`text` with its first keyword (the first sibling anchor in it) swapped for `anchor`
    (same case), or None when it holds none."""
    low = text.lower()
    hits = [(low.find(a), a) for a in siblings if low.find(a) >= 0]
    if not hits:
        return None
    at, found = min(hits, key=lambda h: (h[0], -len(h[1])))
    word = text[at:at + len(found)]
    return text[:at] + (anchor.upper() if word.isupper() else anchor) + text[at + len(found):]


def check_as_stored(name: str, typ: str, text: str, value: str) -> None:
    """`check_alone` on `text` and on `text` inside a JSON string (a tool result as the
    transcript stores it, `value` escaped alike); with every detector and the sweep, no
    piece of the value is left in either."""
    for t, v in ((text, value), (json.dumps(text), json.dumps(value)[1:-1])):
        check_alone(name, typ, t, v)
        red = SecretRedactor(registry.detectors(), b"k" * 32)
        assert_absent(v, red.sweep(red.redact_text(t)))


def check_alone(name: str, typ: str, text: str, value: str | None) -> None:
    """Detector `name` alone finds exactly `value` in `text` as `typ`; or, for None, nothing
    (and the text comes back byte-identical)."""
    r = SecretRedactor([registry.load(name)], b"k" * 32)
    if value is None:
        assert r.explain(text) == [], text
        assert r.redact_text(text) == text
        return
    at = text.index(value)
    assert r.explain(text) == [Finding(typ, name, at, at + len(value))], text
