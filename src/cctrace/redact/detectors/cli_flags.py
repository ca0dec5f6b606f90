"""Detector: secrets passed on command lines.

`--password x`, `--token=x`, `--api-key x`, `--passphrase x`; `mysql -pSECRET` / `-p
SECRET` and the like (`mysqldump`, `mariadb`, `sshpass -p`, `docker|az|oc login -p`,
`redis-cli -a`); the short flags other tools take a password by (`sqlcmd -P`, `ssh-keygen
-N`, `ldapsearch -w`, `keytool -storepass`, `openssl -passin pass:`, `openssl enc -k`,
`cqlsh -p`, `ipmitool -P`, `influx -password|-t`, `gh secret set --body`); passwords by
position (`htpasswd -b file user PW`, `rabbitmqctl add_user user PW`, `smbclient -U
user%PW`); a value echoed (or given as a `<<<` here-string) to a command that reads a
secret from its input (`--password-stdin`, `chpasswd`, `vncpasswd -f`, `sudo -S`, `gh auth
login --with-token`, `gpg --passphrase-fd 0`, `--data-file=-`, `secret put|set|create`,
`kubectl create secret ... /dev/stdin`); a literal a process substitution prints as the
file a password flag reads (`sshpass -f <(echo X)`, `--password-file <(printf %s X)`);
`curl -u user:password`; the value a command
prints for a secret-named variable (`$ printenv DB_PASSWORD` / `$ echo $API_TOKEN`, then
the value alone on the next line).
Placeholders (`$PASS`, `<password>`, `***`) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cctrace.redact.detectors.base import LINE_BREAK, STRUCTURAL, Detector, Pattern, line_start
from cctrace.redact.randomness import looks_random, reads_as_words
from cctrace.redact.stoplist import is_placeholder

_VALUE = r"(?P<q>\\{0,3}[\"']?)(?P<s>[^\s\"'\\]{3,256})"
# A quoted value runs to its quote, blanks included (`--passphrase 'correct horse ...'`).
_QUOTED_VALUE = r"(?P<q>\\{0,3}[\"'])?(?P<s>(?(q)[^\"'\r\n\\]{3,512}|[^\s\"'\\]{3,256}))"


# Words after a flag named in a sentence (`the --username and --password options`,
# `--token flag`, `Cannot specify --password with empty --username`): what the flag is,
# or the sentence going on, not its value.
_FLAG_WORDS = frozenset(
    """option options flag flags argument arguments parameter parameters switch switches
    with and or is are was were to for the in of on must may can cannot should will not
    also only""".split())


def _value_ok(value: str) -> bool:
    # `file://`, `fileb://`: the AWS CLI reads the value from that file (`--secret-string
    # file://s.json`).
    return (not value.startswith(("-", "file://", "fileb://")) and not is_placeholder(value)
            and value.rstrip(".,;:)").lower() not in _FLAG_WORDS)


# Long flags: `--password`, and a word before it naming whose (`--registry-password`,
# `--keystore-password`, `--dbpassword`); each spelling is an anchor of its own.
_WHOSE = ("db", "admin", "root", "client", "registry", "bind", "keystore", "truststore", "key",
          "store", "new", "old", "master", "user", "proxy", "repo", "smtp", "sasl", "ldap")
_LONG_WORDS = ("password", "passwd", "pass", "token", "secret", "api-key", "api_key",
               "apikey", "access-token", "auth-token", "client-secret", "secret-string")
_LONG_ANCHORS = tuple(dict.fromkeys(
    [f"--{w}" for w in _LONG_WORDS]
    # `--pass` is in every `--<whose>pass...`; the other words only with the usual words.
    + [f"--{p}{sep}{w}" for p in _WHOSE for sep in ("-", "") for w in _LONG_WORDS
       if w == "pass" or p in ("db", "admin", "root", "client")]))


# What a BuildKit `--secret` takes: a mount's spec (`id=npmrc,src=$HOME/.npmrc`), naming
# where the secret comes from.
_SECRET_SPEC = re.compile(r"(?i)(?:id|src|source|env|type|target|required|mode|uid|gid)=")


def _long_flag_ok(match: re.Match[str]) -> bool:
    """A password flag takes whatever was typed (`--password correct-horse-battery`);
    `--secret`, `--token`, `--api-key` also take a secret's name (`gcloud ... --secret=
    db-password`) or a mount's spec (`docker build --secret id=npmrc,src=...`): words
    joined into one name and specs are those; words with blanks are a phrase."""
    if match.group("w").lower().startswith("pass"):
        return True
    value = match.group("s")
    return _SECRET_SPEC.match(value) is None and not (" " not in value and reads_as_words(value))


def _htpasswd_ok(match: re.Match[str]) -> bool:
    """`-b` (the password on the command line) among the flags; with `-n` the words are
    user and password, else file, user and password: the value is the last word."""
    flags = match.group("f")  # `-` and letters only
    if "b" not in flags or not _value_ok(match.group("s")):
        return False
    words = len(match.group(0).split()) - 1 - len(match.group("f").split())
    return words == (2 if "n" in flags else 3)


# A value given to a command's input: single-quoted, double-quoted (the quotes JSON-escaped
# or not), or one word.
_GIVEN = (r"(?:'(?P<a>[^'\n]{3,256})'|\\{0,3}\"(?P<b>[^\"\n]{3,256}?)\\{0,3}\""
          r"|(?P<c>[^\s'\"|;&]{3,256}))")
# `echo pw | docker login -u me --password-stdin`, `echo "user:pw" | chpasswd`,
# `printf '%s' pw | passwd --stdin bob`: the value is echoed into the command that reads
# it, one pipe before it on its line.
_ECHOED = re.compile(
    r"(?<![\w.\-])(?:echo|printf|yes)(?:[ \t]{1,4}-[A-Za-z]{1,8}){0,3}"
    r"(?:[ \t]{1,4}['\"]?%s(?:\\{1,3}n)?['\"]?)?"
    r"[ \t]{1,4}" + _GIVEN + r"[ \t]{0,4}\|[^\n|;&]{0,200}\Z")
# Longer than any match of it (at most 530 characters): where the search starts, so a long
# line costs one bounded search per hit. No match crosses a line break.
_ECHO_REACH = 600


# `sudo -S <<< 'pw' apt update`, `docker login --password-stdin <<< "$PW"`: a here-string
# later on the command's line.
_HERE = re.compile(r"[^\n|;&<]{0,200}<<<[ \t]{0,4}" + _GIVEN)


# `cat <<EOF | docker login --password-stdin` or `docker login --password-stdin <<'EOF'`:
# a here-document opened on the command's line, its one line the value.
_HEREDOC = re.compile(r"(?<!<)<<(?!<)-?[ \t]{0,4}\\{0,3}['\"]?(?P<d>[A-Za-z_]\w{0,31})")
_LINE_END = re.compile(LINE_BREAK)
_HEREDOC_REACH = 300


def _heredoc_body(text: str, start: int, end: int) -> re.Match[str] | None:
    """The one line of a here-document opened on the line holding `start`..`end` and
    closed by its delimiter on the next line."""
    begin = line_start(text, start, max(0, start - _HEREDOC_REACH))
    stop = _LINE_END.search(text, end, end + _HEREDOC_REACH)
    if begin is None or stop is None:
        return None
    opened = _HEREDOC.search(text, begin, stop.start())
    if opened is None:
        return None
    body = re.compile(LINE_BREAK + r"[ \t]*(?P<c>[^\s\\]{3,256})[ \t]*" + LINE_BREAK
                      + r"[ \t]*" + re.escape(opened.group("d")) + r"(?!\w)")
    return body.match(text, stop.start())


def _echoed(match: re.Match[str]) -> list[tuple[int, int]]:
    """The span of the value given to a command that reads a secret from its input:
    echoed into it through one pipe on the same line, a here-string after it, or a
    one-line here-document; a placeholder (`$PW`) is left."""
    text, at = match.string, match.start()
    found = (_ECHOED.search(text, max(0, at - _ECHO_REACH), at)
             or _HERE.match(text, match.end()) or _heredoc_body(text, at, match.end()))
    if found is None:
        return []
    group = next(g for g, v in found.groupdict().items() if v is not None)
    return [found.span(group)] if _value_ok(found.group(group)) else []


# Commands that read a secret from their input: `docker|podman|helm login
# --password-stdin`, `chpasswd`, `passwd --stdin`, `vncpasswd -f`, `sudo -S` (any letter
# case: the pattern runs case-blind), `gh auth login --with-token`, `htpasswd -i`, `gpg
# --passphrase-fd 0`, `smbpasswd -s`, `gcloud secrets create|versions add --data-file=-`,
# and the CLIs that store a secret under a name (`wrangler secret put`, `gh secret set`,
# `docker secret create`, `vercel env add`, `kubectl create secret ... /dev/stdin`),
# `kinit` and openssl's `-pass|-passin|-passout stdin`. sudo's options before `-S` may take
# a value (`sudo -u root -S`).
_READS_SECRET = (
    r"--password-stdin|chpasswd\b|passwd[ \t]+--stdin|vncpasswd[ \t]+-f"
    r"|sudo(?:[ \t]+-[a-z]{1,4}(?:[ \t]+\w[\w.\-]{0,31})?){0,4}[ \t]+"
    r"(?:-[a-z]{0,3}s[a-z]{0,3}|--stdin)(?![\w-])"
    r"|--with-token\b|htpasswd[ \t]+-[a-z]{0,4}i|--passphrase-fd[ \t=]+0(?!\d)"
    r"|smbpasswd(?:[ \t]+-[a-z]{1,4}){0,4}[ \t]+-[a-z]{0,4}s(?![\w-])"
    r"|--data-file[ \t=]+-(?![\w-])|secrets?[ \t]+(?:put|set|create)\b|env[ \t]+add\b"
    r"|kinit\b|-pass(?:in|out)?[ \t]+stdin\b|create[ \t]+secret\b")
_READS_ANCHORS = ("--password-stdin", "chpasswd", "passwd --stdin", "vncpasswd -f", "sudo",
                  "--with-token", "htpasswd -", "--passphrase-fd", "smbpasswd", "--data-file",
                  "secret put", "secret set", "secret create", "secrets put", "secrets set",
                  "secrets create", "env add", "kinit", "-pass stdin", "-passin stdin",
                  "-passout stdin", "create secret")


def _user_pw_ok(match: re.Match[str]) -> bool:
    """A `user:password` word with a password that is not a placeholder (`$PASS`)."""
    word = match.group("s").replace('\\"', "").strip("\"'")
    if ":" not in word:
        return False
    user, _, pw = word.partition(":")
    secret = pw.strip("\"'") or user.strip("\"'")
    return len(secret) >= 3 and not is_placeholder(secret) and not secret.startswith("$")


# A variable named for a secret: the word, not inside another (`monkey`, `bypass`).
_SECRET_NAME = re.compile(
    r"(?i)(?:^|_)(?:pass(?:word|wd)?|pwd|secret|token|api_?key|auth|credentials?|private_key"
    r"|access_key|key)(?:_|$)")


def _printed_secret_ok(match: re.Match[str]) -> bool:
    """The printed value of a secret-named variable: anything that is not a placeholder
    after a prompt (`$ printenv DB_PASS`: the next line is the command's output). Without
    a prompt the lines are a script's, and the next one is usually the next command
    (`echo $API_TOKEN` then `./deploy.sh`, `whoami`): only a drawn token is taken there."""
    if _SECRET_NAME.search(match.group("n")) is None or not _value_ok(match.group("s")):
        return False
    return _after_prompt(match.string, match.start()) or looks_random(match.group("s"), 12)


# The end of a shell prompt (`$ `, `dev@box:~$ `, `PS C:\> `, `root# `, `% `, starship's
# arrow): its last character, then blanks, right before the command.
_PROMPT_CHARS = frozenset("$#%>\u276f")


def _after_prompt(text: str, start: int) -> bool:
    """Whether the command at `start` follows a prompt: a prompt character, then only
    blanks (a line break or any other word between means no prompt)."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i > 0 and text[i - 1] in _PROMPT_CHARS


# A process substitution printing a literal (`<(echo X)`, `<(printf %s X)`), and the flag
# it must follow: one naming a password, passphrase, token, secret or credential file,
# or sshpass's `-f` (its password file); openssl's `-passin file:<(...)` names the file.
_SUBSTITUTED = (r"<\([ \t]*(?:echo(?:[ \t]+-[neE]{1,3})?|printf(?:[ \t]+\\{0,3}[\"']?%s"
                r"(?:\\n)?\\{0,3}[\"']?)?)[ \t]+(?P<q>\\{0,3}[\"'])?"
                r"(?P<s>(?(q)[^\"'\r\n\\]{3,512}|[^\s\"'\\()]{3,256}))"
                r"(?P<qe>(?(q)\\{0,3}[\"']))[ \t]*\)")
_FILE_FLAG = re.compile(
    r"(?:(?<![\w\-])--?[\w\-]{0,30}(?:pass|token|secret|credential)[\w\-]{0,16}"
    r"|sshpass\b[^\n|;&]{0,80}?[ \t]-f)[ \t]*=?[ \t]*(?:file:)?\Z", re.IGNORECASE)


def _substituted_ok(match: re.Match[str]) -> bool:
    start = match.start()
    return (match.group("q") or "") == match.group("qe") and _FILE_FLAG.search(
        match.string, max(0, start - 120), start) is not None and _value_ok(match.group("s"))


# A database's name: what MySQL's clients read after `-p` and a blank (the blank makes
# `-p` prompt for the password, `mysql -u root -p app` names database `app`).
_DB_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")


def _mysql_ok(match: re.Match[str]) -> bool:
    """A value apart from `-p` that reads as a database's name is one."""
    apart = match.string[match.start("q") - 1].isspace()
    return not (apart and _DB_NAME.fullmatch(match.group("s")))


def _tool_flag(tools: str, flags: str, anchors: tuple[str, ...], glued: bool = True,
               check: Callable[[re.Match[str]], bool] | None = None) -> Pattern:
    """A password after one of `flags` of one of `tools`, later on the command's line (not
    past a pipe or `;`): the flag letters are case-sensitive (`-p` is a password where `-P`
    is a port); `glued`: the value may follow the flag with no blank (`mysql -pSECRET`)."""
    return Pattern(
        "cli_password",
        r"(?<![\w.\-])(?:" + tools + r")\b[^\n|;&]{0,200}?[ \t](?-i:" + flags + r")"
        + (r"[ \t]*" if glued else r"[ \t]+") + _VALUE,
        anchors=anchors,
        at_anchor=True,
        validate=_value_ok,
        check=check,
        priority=STRUCTURAL,
    )


DETECTOR = Detector(
    name="cli_flags",
    description="Secrets in command-line flags (--password, mysql -p, curl -u user:pass...).",
    patterns=(
        Pattern(
            "cli_password",
            r"--(?:(?:" + "|".join(_WHOSE) + r")-?)?"
            r"(?P<w>password|passwd|passphrase|pass|token|secret(?:-string)?"
            r"|api[_\-]?key|access[_\-]?token|auth[_\-]?token|client[_\-]?secret)"
            r"(?:=|[ \t]+)" + _QUOTED_VALUE,
            anchors=_LONG_ANCHORS,
            at_anchor=True,
            validate=_value_ok,
            check=_long_flag_ok,
            priority=STRUCTURAL,
        ),
        _tool_flag(
            r"sshpass|(?:docker|podman|nerdctl|az|oc|cf)\s+login"
            r"|mongo(?:sh|dump|restore|import|export|stat|top|files)?|7z[az]?|rar", "-p",
            ("sshpass", "docker login", "podman login", "nerdctl login",
             "az login", "oc login", "cf login", "mongo", "7z", "rar")),
        _tool_flag(r"mysql\w*|mariadb[\w\-]*|mysqlsh", "-p", ("mysql", "mariadb"),
                   check=_mysql_ok),
        _tool_flag("redis-cli", "-a|--pass", ("redis-cli",), glued=False),
        # twine's and conan's `-p` (`twine upload -u __token__ -p X`, `conan remote login
        # corp me -p X`).
        _tool_flag("twine|conan", "-p", ("twine", "conan"), glued=False),
        # `curl -u user:pw`, `--user "id":"pw"`, `-u kevin:'pw'`, `-u ":pw"`, lines continued
        # with `\`: the whole shell word after the flag (user included) is the credential.
        Pattern(
            "cli_password",
            r"(?:curl|wget|http)\b(?:[^\n|;]|\\\r?\n){0,300}?[ \t](?:-u|--user|--http-password)"
            r"(?:=|[ \t]+)(?P<s>(?:\\{0,3}\"[^\"\n]{0,256}\\{0,3}\"|'[^'\n]{0,256}'"
            r"|[^\s\"'|;&<>])+)",
            anchors=("curl", "wget"),
            at_anchor=True,
            check=_user_pw_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"(?:printenv[ \t]+|echo[ \t]+\\{0,3}\"?\$\{?)(?P<n>[A-Za-z_][A-Za-z0-9_]{0,64})"
            r"\}?(?:\\{0,3}\")?[ \t]*(?:\r?\n|\\{1,3}n)(?P<s>[^\s\\\"']{6,512})[ \t]*"
            r"(?:\r?\n|\\{1,3}n|$)",
            anchors=("printenv ", "echo $", 'echo "$', 'echo \\"$'),
            at_anchor=True,
            check=_printed_secret_ok,
            priority=STRUCTURAL,
        ),
        # `-P`, `-N`, `-w` of the tools where it takes a password or passphrase (elsewhere
        # `-P` is a port, `-w` a timeout or a width: the command decides).
        _tool_flag(r"sqlcmd|bcp|osql|zip|unzip|mosquitto_(?:pub|sub|rr)", "-P",
                   ("sqlcmd", "bcp", "osql", "zip", "unzip", "mosquitto_pub", "mosquitto_sub",
                    "mosquitto_rr")),
        _tool_flag("ssh-keygen", "-P|-N", ("ssh-keygen",)),
        # Cassandra's `cqlsh -p`, `ipmitool -P`, `openssl enc -k`, InfluxDB 1.x's
        # `influx -password` and 2.x's `-t` (its token).
        _tool_flag("cqlsh", "-p", ("cqlsh",)),
        _tool_flag("ipmitool", "-P", ("ipmitool",)),
        _tool_flag(r"openssl[ \t]+(?:enc|aes[\w\-]*|des[\w\-]*|bf[\w\-]*|camellia[\w\-]*)",
                   "-k", ("openssl enc", "openssl aes", "openssl des", "openssl bf",
                          "openssl camellia"), glued=False),
        _tool_flag("influx", "-password|-t", ("influx",), glued=False),
        _tool_flag(r"ldap(?:search|add|modify|delete|passwd|compare|modrdn|whoami|exop)|vsql",
                   "-w", ("ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldappasswd",
                          "ldapcompare", "ldapmodrdn", "ldapwhoami", "ldapexop", "vsql")),
        # keytool/jarsigner's `-storepass X`, `-keypass X` (`:env`/`:file` name a variable
        # or a file, not the password); openssl's `-passin pass:X`, `-passout`, `-pass`.
        Pattern(
            "cli_password",
            r"(?:(?<=[ \t]-)|(?<=[ \t]-src)|(?<=[ \t]-dest))"
            r"(?:storepass|keypass)[ \t]+" + _VALUE,
            anchors=("storepass", "keypass"),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"(?<=[ \t])-pass(?:in|out|word)?[ \t]+\\{0,3}[\"']?pass:(?P<s>[^\s\"'\\]{3,256})",
            anchors=("-pass",),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        # `gh secret set NAME --body VALUE`: the value of a repository's secret.
        Pattern(
            "cli_password",
            r"secret[ \t]+set\b[^\n|;&]{0,200}?[ \t](?:--body|-b)(?:=|[ \t]+)"
            r"(?P<q>\\{0,3}[\"'])?(?P<s>(?(q)[^\"'\r\n\\]{3,512}|[^\s\"'\\]{3,256}))",
            anchors=("secret set",),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        # A password given by position: `htpasswd -b[c|n] [file] user PASSWORD` (the last
        # word), `rabbitmqctl add_user|change_password user PASSWORD`, Samba's `-U
        # user%PASSWORD`. (htpasswd's flags and words are bounded: a line holding
        # `htpasswd -` many times was read to its end from each.)
        Pattern(
            "cli_password",
            r"htpasswd(?P<f>(?:[ \t]+-[A-Za-z]{1,8}){1,4})(?:[ \t]+[^\s|;&<>]{1,256}){1,2}[ \t]+"
            + _VALUE
            + r"\\{0,3}[\"']?[ \t]*(?=$|\r?\n|\\{1,3}n|[|;&)])",
            anchors=("htpasswd",),
            at_anchor=True,
            check=_htpasswd_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"rabbitmqctl[ \t]+(?:add_user|change_password)[ \t]+[^\s|;&]+[ \t]+" + _VALUE,
            anchors=("rabbitmqctl",),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"(?<![\w.\-])(?:smbclient|rpcclient|smbcacls|smbget|net)\b[^\n|;&]{0,200}?[ \t]"
            r"(?:-U[ \t]*|--user(?:name)?=)\\{0,3}[\"']?[^\s%\"'|;&]{1,128}%"
            r"(?P<s>[^\s\"'\\]{3,256})",
            anchors=("smbclient", "rpcclient", "smbcacls", "smbget", "net "),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            _SUBSTITUTED,
            anchors=("<(echo", "<( echo", "<(printf", "<( printf"),
            at_anchor=True,
            check=_substituted_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            _READS_SECRET,
            anchors=_READS_ANCHORS,
            at_anchor=True,
            expand=_echoed,
            priority=STRUCTURAL,
        ),
    ),
)
