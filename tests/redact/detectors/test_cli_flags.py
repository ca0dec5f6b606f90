"""`detectors/cli_flags.py`: which flag values are secrets, and what `curl -u` words are
credentials (the password, else the user, 3+ chars, no placeholder, no `$VAR`), quotes
and JSON-escaped quotes included."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.cli_flags import _after_prompt, _user_pw_ok
from cctrace.redact.engine import Finding, SecretRedactor
from cctrace.redact.stoplist import is_placeholder


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("cli_flags")], b"k" * 32)


@pytest.mark.parametrize("text,secret", [
    ("curl -u deploy:S3cr3tPw https://x", "deploy:S3cr3tPw"),
    ('curl -u ":S3cr3tPw" https://x', '":S3cr3tPw"'),
    ('curl -u "deploy:S3cr3tPw" https://x', '"deploy:S3cr3tPw"'),
    ("curl -u kevin:'S3cr3tPw' https://x", "kevin:'S3cr3tPw'"),
    ('curl -u \\"kevin:S3cr3tPw\\" https://x', '\\"kevin:S3cr3tPw\\"'),
    ("curl -u deploy:q7Z https://x", "deploy:q7Z"),        # 3 chars: enough
    ("curl -u q7Z: https://x", "q7Z:"),                     # no password: the user
    ("curl -u Xq7: https://x", "Xq7:"),
    ("curl -u deploy:q7X https://x", "deploy:q7X"),
    ('curl -u "deploy:Xq7" https://x', '"deploy:Xq7"'),
    ('curl -u "deploy:q7X" https://x', '"deploy:q7X"'),    # 3 chars with the X
    ("curl -u deploy:'q7X' https://x", "deploy:'q7X'"),
    ("curl -u deploy: https://x", "deploy:"),
    ("wget --user=deploy:S3cr3tPw https://x", "deploy:S3cr3tPw"),
    ("tool --password S3cr3t", "S3cr3t"),
    ("tool --password=S3cr3t", "S3cr3t"),
    ("mysql -u root -pS3cr3t app", "S3cr3t"),
    ("redis-cli -h cache -a S3cr3t ping", "S3cr3t"),
    # redis-cli's flags take the password after a blank only: `--password` is the long
    # flag's, not `--pass` glued to `word`
    ("redis-cli -h cache --password S3cr3t ping", "S3cr3t"),
])
def test_found_exactly(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + len(secret))]


@pytest.mark.parametrize("text", [
    "curl -u deploy https://x",            # no colon: a user name only
    "curl -u deploy:q7 https://x",         # 2 chars
    "curl -u q7: https://x",
    "curl -u deploy:$PASS https://x",      # a variable
    "curl -u deploy:abc https://x",        # a placeholder
    'curl -u \\"deploy:q7\\" https://x',   # escaped quotes are not part of the password
    'curl -u \\"deploy:$PASS\\" https://x',
    "tool --password -x",                  # the next flag
    "tool --password --verbose",
    "curl -u deploy:$1pw https://x",       # a shell parameter, not a placeholder word
    "tool --password $PW",
    "tool --password <password>",
])
def test_left_alone(text: str) -> None:
    r = _alone()
    assert r.explain(text) == []
    assert r.redact_text(text) == text


def test_the_samples_are_not_placeholders() -> None:
    assert not is_placeholder("q7Z") and is_placeholder("abc")
    assert not any(is_placeholder(v) for v in ("q7X", "Xq7", "$1pw", "--verbose"))


def test_user_pw_on_the_word() -> None:
    import re
    rx = re.compile(r"(?P<s>\S+)")
    assert _user_pw_ok(rx.match("'deploy':'q7Z'")) is True
    assert _user_pw_ok(rx.match("'deploy':'q7'")) is False
    assert _user_pw_ok(rx.match("\"q7Z\":")) is True
    assert _user_pw_ok(rx.match("\"q7\":")) is False


# --- the value a command prints for a secret-named variable (issue 13's layouts) --------
@pytest.mark.parametrize("text,secret", [
    ("$ printenv PRIVATE_TOKEN\n02d72acfb0a60a11a2a907a500dc27d4\n",
     "02d72acfb0a60a11a2a907a500dc27d4"),
    ("$ printenv ADMIN_PASSWORD\nL3m0n445#\n", "L3m0n445#"),
    ("$ echo $DB_PASS\nhunter22\n$ ls\n", "hunter22"),
    ('$ echo "${API_KEY}"\r\nKq8Zr2Lk9Vb4\r\n', "Kq8Zr2Lk9Vb4"),
    ("$ echo ${auth}\nKq8Zr2Lk9Vb4", "Kq8Zr2Lk9Vb4"),                     # end of text
    ('{"out": "$ printenv SECRET_KEY\\nKq8Zr2Lk9Vb4\\n"}', "Kq8Zr2Lk9Vb4"),  # JSON
    ('"$ echo \\"$X_TOKEN\\"\\\\nKq8Zr2Lk9Vb4\\\\n"', "Kq8Zr2Lk9Vb4"),     # JSON in JSON
    ("$ printenv credentials\nQz9!ab\n", "Qz9!ab"),                       # 6 chars
    ("$ printenv KEY\nKq8Zr2Lk9Vb4  \n", "Kq8Zr2Lk9Vb4"),
])
def test_printed_secret(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at,
                                              at + len(secret))], text


@pytest.mark.parametrize("text", [
    "$ printenv HOME\n/home/dev\n",                          # not a secret name
    "$ printenv MONKEY_NAME\nbubbles-the-monkey\n",           # `key` inside a word
    "$ printenv KEYBOARD\nKq8Zr2Lk9Vb4\n",
    "$ printenv DB_PASSWORD\nabcde\n",                        # 5 chars
    "$ printenv DB_PASSWORD\n${DB_PASSWORD}\n",               # a placeholder
    "$ printenv DB_PASSWORD\nKq8Zr2 Lk9Vb4\n",                # not one word
    "$ printenv DB_PASSWORD\n\nKq8Zr2Lk9Vb4\n",               # an empty line between
    "$ echo DB_PASSWORD\nKq8Zr2Lk9Vb4\n",                     # not a variable
    "$ printenvDB_PASSWORD\nKq8Zr2Lk9Vb4\n",
])
def test_printed_values_that_are_not_secrets(text: str) -> None:
    assert _alone().explain(text) == []


# A script, not a terminal: without a prompt before `echo`/`printenv`, the next line is
# the script's next command, and only a drawn token there is taken for a printed value.
@pytest.mark.parametrize("text", [
    "echo $API_TOKEN\nwhoami\n",
    "#!/bin/sh\nprintenv DB_PASSWORD\n./deploy.sh\n",
    "echo \"$API_TOKEN\"\nnpm_run_build\n",
    "echo ${GITHUB_TOKEN}\ndocker-compose\n",
    'steps:\n  - run: |\n      echo $DB_PASS\n      hunter22\n',   # a chosen word: a command here
    '{"command": "echo $API_TOKEN\\nrun_deploy.sh"}',              # JSON-escaped lines
])
def test_the_next_line_of_a_script_is_not_a_printed_value(text: str) -> None:
    assert _alone().explain(text) == []


@pytest.mark.parametrize("text,secret", [
    ("echo $API_TOKEN\nKq8Zr2Lk9Vb4\n", "Kq8Zr2Lk9Vb4"),            # drawn: still taken
    ("dev@box:~/app$ printenv DB_PASS\nhunter22\n", "hunter22"),     # a prompt with a path
    ("root# echo $DB_PASS\nhunter22\n", "hunter22"),
    ("% echo $DB_PASS\nhunter22\n", "hunter22"),                     # zsh
    ("PS C:\\app> echo $DB_PASS\nhunter22\n", "hunter22"),         # PowerShell
    ("\u276f printenv DB_PASS\nhunter22\n", "hunter22"),            # starship
    ("$\tprintenv DB_PASS\nhunter22\n", "hunter22"),
    ("ls\n$ echo $DB_PASS\nhunter22\n./deploy.sh\n", "hunter22"),  # the value line only
    ('{"out": "ls\\n$ echo $DB_PASS\\nhunter22\\n"}', "hunter22"),
])
def test_the_value_after_a_prompt(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at,
                                              at + len(secret))], text


@pytest.mark.parametrize("text,start,prompt", [
    ("$ echo", 2, True),
    ("$echo", 1, True),
    ("x$ echo", 3, True),
    ("$ x echo", 4, False),           # a word between the prompt and the command
    ("ls\necho", 3, False),
    ("$ ls\necho", 5, False),         # the prompt is the previous line's
    ("$ ls\\necho", 6, False),       # ... also behind a JSON-escaped line break
    ("\\n$ echo", 4, True),
    ("$ ls\n\\n$ echo", 9, True),
    ("$ a\\nb\necho", 7, False),     # the real line break is the later one
    ("$ a\nb\\necho", 7, False),     # the escaped one is
    ("echo", 0, False),
    ("echo $", 0, False),             # nothing before the text's start (no wrap-around)
    ("$ \t echo", 4, True),           # blanks and tabs
    ("#\techo", 2, True),
    ("%  echo", 3, True),
    ("PS C:\\> echo", 8, True),
    ("\u276f echo", 2, True),
    ("$\n echo", 3, False),           # a line break is no blank
    ("a echo", 2, False),
    ("$X echo", 3, False),            # an upper-case word too
    (" echo", 1, False),              # blanks back to the text's start: no prompt
])
def test_after_prompt(text: str, start: int, prompt: bool) -> None:
    assert text[start:].startswith("echo")
    assert _after_prompt(text, start) is prompt


@pytest.mark.parametrize(("text", "secret"), [
    ("  the --username and --password options instead of the URL.", None),
    ("  pass the --token flag.", None),
    ("  the --api-key Argument is required", None),
    ("  --password parameters, --secret switches", None),
    ("  mysql --password optionsX9 -h db", "optionsX9"),
    ("  --token flags42x", "flags42x"),
    ("  --token flagX", "flagX"),                 # only sentence punctuation comes off
    ("  --token flag.", None),
])
def test_a_flag_named_in_a_sentence(text: str, secret: str | None) -> None:
    found = _alone().explain(text)
    if secret is None:
        assert found == [], text
        return
    at = text.index(secret)
    assert found == [Finding("cli_password", "cli_flags", at, at + len(secret))]


# --- tools that take a password or passphrase by their own flag or by position ------------
@pytest.mark.parametrize("text,secret", [
    ("gpg --batch --passphrase S3cr3tPw -d f.gpg", "S3cr3tPw"),
    ("tool --registry-password=S3cr3tPw", "S3cr3tPw"),
    ("ldapsearch --bind-password S3cr3tPw", "S3cr3tPw"),
    ("tool --keystore-pass S3cr3tPw", "S3cr3tPw"),
    ("tool --adminpassword S3cr3tPw", "S3cr3tPw"),
    ("tool --db-token S3cr3tPw", "S3cr3tPw"),          # the usual whose-words take every word
    ("tool --dbsecret=S3cr3tPw", "S3cr3tPw"),
    ("tool --admin-api-key S3cr3tPw", "S3cr3tPw"),
    ("tool --root-secret S3cr3tPw", "S3cr3tPw"),
    ("tool --client-token S3cr3tPw", "S3cr3tPw"),
    ("tool --proxypass=S3cr3tPw", "S3cr3tPw"),
    ("az login -u me@corp.com -p S3cr3tPw", "S3cr3tPw"),
    ("oc login -u dev -p S3cr3tPw https://api", "S3cr3tPw"),
    ("cf login -u me -p S3cr3tPw", "S3cr3tPw"),
    ("mongosh -u app -p S3cr3tPw", "S3cr3tPw"),
    ("mongodump -u app -pS3cr3tPw", "S3cr3tPw"),
    ("7z a -pS3cr3tPw archive.7z dir", "S3cr3tPw"),
    ("rar a -pS3cr3tPw x.rar dir", "S3cr3tPw"),
    ("sqlcmd -S db -U sa -P S3cr3tPw", "S3cr3tPw"),
    ("zip -P S3cr3tPw secret.zip file", "S3cr3tPw"),
    ("unzip -P S3cr3tPw secret.zip", "S3cr3tPw"),
    ("mosquitto_pub -u dev -P S3cr3tPw -t x", "S3cr3tPw"),
    ("ssh-keygen -t ed25519 -N 'S3cr3tPw' -f key", "S3cr3tPw"),
    ("ssh-keygen -p -P S3cr3tPw -N n3wS3cr3t -f key", "S3cr3tPw"),
    ("ldapsearch -x -D cn=admin -w S3cr3tPw", "S3cr3tPw"),
    ("vsql -U dbadmin -w S3cr3tPw", "S3cr3tPw"),
    ("keytool -genkey -storepass S3cr3tPw -alias a", "S3cr3tPw"),
    ("keytool -importkeystore -srcstorepass S3cr3tPw", "S3cr3tPw"),
    ("jarsigner -keystore k.jks -keypass S3cr3tPw app.jar", "S3cr3tPw"),
    ("openssl pkcs12 -export -passout pass:S3cr3tPw -out a.p12", "S3cr3tPw"),
    ("openssl enc -aes-256-cbc -pass pass:S3cr3tPw -in a", "S3cr3tPw"),
    ('openssl rsa -passin "pass:S3cr3tPw" -in k.pem', "S3cr3tPw"),
    ('gh secret set API_TOKEN --body "S3cr3t Pw"', "S3cr3t Pw"),
    ("gh secret set API_TOKEN -b S3cr3tPw", "S3cr3tPw"),
    ("htpasswd -b .htpasswd admin S3cr3tPw", "S3cr3tPw"),
    ("htpasswd -bc /etc/nginx/.htpasswd admin S3cr3tPw && nginx -s reload", "S3cr3tPw"),
    ("htpasswd -nb admin S3cr3tPw", "S3cr3tPw"),
    ("htpasswd -B -b .htpasswd admin S3cr3tPw", "S3cr3tPw"),
    ("rabbitmqctl add_user admin S3cr3tPw", "S3cr3tPw"),
    ("rabbitmqctl change_password admin S3cr3tPw", "S3cr3tPw"),
    ("smbclient //host/share -U admin%S3cr3tPw", "S3cr3tPw"),
    ("net rpc user -U 'DOM\\admin%S3cr3tPw' -S dc", "S3cr3tPw"),
    ("smbclient //h/s --user=admin%S3cr3tPw", "S3cr3tPw"),
])
def test_tool_passwords(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + len(secret))]
    assert secret not in _alone().redact_text(text)


@pytest.mark.parametrize("text", [
    "ssh-keygen -t ed25519 -w libsk.so -f key",    # `-w`: a provider library
    "zip -w S3cr3tPw x.zip",                       # not a password flag of zip
    "sqlcmd -S db -w S3cr3tPw",                    # `-w`: a screen width
    "ldapsearch -x -P S3cr3tPw",                   # `-P`: a protocol version
    "ssh -p 2222 S3cr3tPw@host",                   # `-p` of a command not listed
    "gzip -P S3cr3tPw",                            # `zip` inside a word
    "mongod -p S3cr3tPw",                          # not a client
    "library -pS3cr3tPw",
    "keytool -storepass:env STORE_PASS -alias a",  # a variable's name
    "keytool -storepass $STORE_PASS",
    "openssl rsa -passin env:KEY_PASS -in k.pem",  # not `pass:`
    "openssl rsa -passin file:pw.txt -in k.pem",
    "gh secret set API_TOKEN --body \"$TOKEN\"",
    "gh secret set API_TOKEN < token.txt",
    "htpasswd .htpasswd admin",                    # prompts for it
    "htpasswd -c .htpasswd admin",
    "htpasswd -b .htpasswd admin",                 # -b without a password: a user
    "htpasswd -nb admin",
    "htpasswd -B .htpasswd admin S3cr3tPw",        # no `-b`: it prompts (a stray word)
    "rabbitmqctl add_user admin",
    "rabbitmqctl list_users S3cr3tPw",
    "smbclient //host/share -U admin",
    "smbclient //host/share -U admin%",
    "dotnet -U admin%S3cr3tPw",                    # `net` inside a word
    "the net -U admin%$PASS",
])
def test_tool_flags_that_are_not_passwords(text: str) -> None:
    r = _alone()
    assert r.explain(text) == [], text
    assert r.redact_text(text) == text


# --- a password echoed into the command that reads it ---------------------------------------
@pytest.mark.parametrize("text,secret", [
    ("echo 'S3cr3tPw' | docker login -u me --password-stdin", "S3cr3tPw"),
    ('echo -n "S3cr3t Pw" | podman login -u me --password-stdin quay.io', "S3cr3t Pw"),
    ("echo S3cr3tPw | docker login -u me --password-stdin registry.io", "S3cr3tPw"),
    ('echo "admin:S3cr3tPw" | chpasswd', "admin:S3cr3tPw"),
    ("printf '%s' S3cr3tPw | passwd --stdin bob", "S3cr3tPw"),
    ("printf '%s\\n' S3cr3tPw | passwd --stdin bob", "S3cr3tPw"),
    ("x\necho S3cr3tPw | CHPASSWD", "S3cr3tPw"),             # any case
])
def test_a_password_echoed_into_its_reader(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + len(secret))]


@pytest.mark.parametrize("text", [
    "echo $PW | docker login -u me --password-stdin",              # a variable
    'echo "$DOCKER_PASSWORD" | docker login --password-stdin',
    "cat pw.txt | docker login --password-stdin",                  # not echoed
    "echo hi; docker login --password-stdin",                      # no pipe to it
    "docker login --password-stdin < pw.txt",
    "echo S3cr3tPw\ndocker login --password-stdin",                # another line
    "echo S3cr3tPw | tee f | docker login --password-stdin",        # two pipes
    "echo ab | chpasswd",                                          # too short
    "becho S3cr3tPw | chpasswd",                                   # not the command
    "echo -- | chpasswd",
])
def test_other_inputs_of_those_readers_stay(text: str) -> None:
    r = _alone()
    assert r.explain(text) == [], text
    assert r.redact_text(text) == text


# -- more readers of a secret on their input, and here-strings -----------------------------
@pytest.mark.parametrize("text,secret", [
    ("echo 'S3cr3tPw' | sudo -S apt-get update", "S3cr3tPw"),
    ('echo "S3cr3tPw" | sudo -kS whoami', "S3cr3tPw"),
    ("echo S3cr3tPw | sudo -u root -S id", "S3cr3tPw"),
    ("echo S3cr3tPw | sudo --stdin id", "S3cr3tPw"),
    ('echo "S3cr3tPw" | gh auth login --with-token', "S3cr3tPw"),
    ("echo S3cr3tPw | htpasswd -ci .htpasswd admin", "S3cr3tPw"),
    ("echo 'S3cr3tPw' | gpg --batch --passphrase-fd 0 -d s.gpg", "S3cr3tPw"),
    ("echo 'S3cr3tPw' | gpg --batch --passphrase-fd=0 -d s.gpg", "S3cr3tPw"),
    ('echo -e "S3cr3tPw" | smbpasswd -a -s bob', "S3cr3tPw"),
    ("echo -n S3cr3tPw | gcloud secrets create db --data-file=-", "S3cr3tPw"),
    ("echo -n S3cr3tPw | gcloud secrets versions add db --data-file -", "S3cr3tPw"),
    ('echo "S3cr3tPw" | npx wrangler secret put API_KEY', "S3cr3tPw"),
    ("echo S3cr3tPw | gh secret set API_KEY", "S3cr3tPw"),
    ('printf %s "S3cr3tPw" | docker secret create api_key -', "S3cr3tPw"),
    ('printf "%s" S3cr3tPw | fly secrets set', "S3cr3tPw"),
    ("echo -n S3cr3tPw | vercel env add API_KEY production", "S3cr3tPw"),
    ("printf '%s\\\\n' S3cr3tPw | chpasswd", "S3cr3tPw"),     # JSON-escaped twice
    ("sudo -S <<< 'S3cr3tPw' apt update", "S3cr3tPw"),
    ('docker login -u me --password-stdin <<< "S3cr3tPw"', "S3cr3tPw"),
    ("sudo -S <<<S3cr3tPw id", "S3cr3tPw"),
    # inside a JSON string (a Bash tool call in a transcript line), once and twice
    ('echo \\"S3cr3tPw\\" | docker login -u me --password-stdin', "S3cr3tPw"),
    ('echo \\\\\\"S3cr3tPw\\\\\\" | sudo -S id', "S3cr3tPw"),
    ('sudo -S <<< \\"S3cr3tPw\\" id', "S3cr3tPw"),
    ("yes 'S3cr3tPw' | sudo -S true", "S3cr3tPw"),
    ("echo 'S3cr3tPw' | kinit admin@EXAMPLE.COM", "S3cr3tPw"),
    ("echo -n S3cr3tPw | openssl enc -aes-256-cbc -pass stdin -in f", "S3cr3tPw"),
    ("echo S3cr3tPw | openssl pkcs12 -export -passout stdin -in c.pem", "S3cr3tPw"),
    # a one-line here-document, opened before or after the reader on its line
    ("cat <<EOF | docker login --password-stdin\nS3cr3tPw\nEOF\n", "S3cr3tPw"),
    ("docker login -u me --password-stdin <<'EOF'\n  S3cr3tPw\nEOF", "S3cr3tPw"),
    ("sudo -S id <<-END\nS3cr3tPw\n\tEND\n", "S3cr3tPw"),
    ("cat <<EOF | docker login --password-stdin\\nS3cr3tPw\\nEOF", "S3cr3tPw"),  # escaped
])
def test_a_secret_given_to_a_command_reading_its_input(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + len(secret))]


@pytest.mark.parametrize("text", [
    "echo 'S3cr3tPw' | sudo tee /etc/motd",            # sudo without -S
    "echo 'S3cr3tPw' | sudo -u postgres psql",
    "echo 'S3cr3tPw' | sudo -i",                       # not the flag
    "echo 'S3cr3tPw' | sudo -u stdin id",
    "echo 'S3cr3tPw' | pseudo -S x",                   # not sudo
    "echo 'S3cr3tPw' | htpasswd -c .htpasswd admin",   # no -i
    "echo 'S3cr3tPw' | gpg --passphrase-fd 01",        # another descriptor
    "echo 'S3cr3tPw' | gcloud x --data-file=-x",
    "echo 'S3cr3tPw' | gcloud x --data-file=path",
    "echo 'S3cr3tPw' | smbpasswd -a bob",              # no -s
    "echo 'S3cr3tPw' | smbpasswd -sx bob",
    'docker login -u me --password-stdin <<< "$CR_PAT"',
    "sudo -S <<< $PW id",
    "sudo -S < pw.txt id; cat <<< 'S3cr3tPw'",          # the here-string after `;`
    "echo 'S3cr3tPw' | environment add x",             # `env add` inside a word
    "echo $PW | kinit admin", "kinit -k -t app.keytab app@EXAMPLE.COM",
    "echo S3cr3tPw | openssl enc -pass file:pw.txt",
    "echo S3cr3tPw | openssl enc -pass stdinx",
    # here-documents: more than one line, another delimiter, no reader, too far
    "cat <<EOF | docker login --password-stdin\nS3cr3tPw\nmore\nEOF\n",
    "cat <<EOF | docker login --password-stdin\nS3cr3tPw\nEND\n",
    "cat <<EOF | docker login --password-stdin\nS3cr3tPw\nEOFX\n",
    "cat <<EOF > notes.txt\nS3cr3tPw\nEOF\n",
    "cat <<EOF\nx\nEOF\ndocker login --password-stdin\nS3cr3tPw\nEOF",
    "sudo -S id <<< $PW",
    "docker login --password-stdin <<EOF\n$CR_PAT\nEOF",
])
def test_other_commands_and_inputs_stay(text: str) -> None:
    r = _alone()
    assert r.explain(text) == [], text
    assert r.redact_text(text) == text


# -- probes-6: more tools' flags, a quoted value with blanks ------------------------------
@pytest.mark.parametrize("text,secret", [
    ("cqlsh cass01 9042 -u cassandra -p Rock3t!Fuel8", "Rock3t!Fuel8"),
    ("ipmitool -I lanplus -H 10.0.0.50 -U ADMIN -P Rust!Bucket12 chassis status",
     "Rust!Bucket12"),
    # glued to the flag, as their option parsers take it (argparse, getopt)
    ("cqlsh cass01 9042 -u cassandra -pRock3t!Fuel8", "Rock3t!Fuel8"),
    ("ipmitool -I lanplus -H 10.0.0.50 -U ADMIN -PRust!Bucket12 chassis status",
     "Rust!Bucket12"),
    ("openssl enc -aes-256-cbc -salt -in db.sql -out db.enc -k Zenith#Top90", "Zenith#Top90"),
    ("openssl aes-256-cbc -d -in x.enc -k Zenith#Top90", "Zenith#Top90"),
    ("influx -host influx.local -username telegraf -password Sil^erMoon33", "Sil^erMoon33"),
    ("influx query 'from(bucket:\"x\")' -o acme -t tA0RVnZu2aTNJf3LtodAt_M_01itIug",
     "tA0RVnZu2aTNJf3LtodAt_M_01itIug"),
    ("echo 'Saffron*Rice8' | vncpasswd -f > ~/.vnc/passwd", "Saffron*Rice8"),
    ("gpg --batch --passphrase 'correct horse battery staple' -c notes.txt",
     "correct horse battery staple"),
    ('tool --password "two words!" --verbose', "two words!"),
    ('tool --token=\\"abc def ghi\\"', "abc def ghi"),
])
def test_more_tools_found_exactly(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + len(secret))]


@pytest.mark.parametrize("text", [
    "ssh -p 2222 host",                             # `-p` of another tool: a port
    "cqlsh cass01 9042 -u cassandra -P 9042x",      # `-P` is not cqlsh's password
    "ipmitool -I lanplus -H h -U ADMIN -E power status",
    "openssl rsa -in k.pem -k notapassword12",      # not an encryption command
    "openssl enc -d -aes-256-cbc -in x.enc -kfile pw.txt",
    "influx -t",
    "influx -type flux -execute 'buckets()'",     # `-t` glued is another flag
    "vncpasswd ~/.vnc/passwd",
    "echo hunter2Secret | vncpasswd",               # asks: no `-f`
    "gpg --batch --passphrase-fd 0 -d vault.gpg",
    "tool --password '$PW'",
])
def test_more_tools_left_alone(text: str) -> None:
    r = _alone()
    assert r.explain(text) == [], text
    assert r.redact_text(text) == text


# -- probes-7: into a secret store from stdin, twine/conan -p, --secret-string ------------
@pytest.mark.parametrize("text,secret", [
    ("echo -n 'S3cr3t!Pw' | vercel env add STRIPE_KEY production", "S3cr3t!Pw"),
    ("echo 'S3cr3t!Pw' | npx wrangler secret put OPENAI_KEY", "S3cr3t!Pw"),
    ("printf 'S3cr3t!Pw' | docker secret create db_password -", "S3cr3t!Pw"),
    ("echo -n 'S3cr3t!Pw' | gcloud secrets versions add db-pass --data-file=-", "S3cr3t!Pw"),
    ("echo -n 'S3cr3t!Pw' | gcloud secrets create db-pass --data-file=-", "S3cr3t!Pw"),
    ("echo -n S3cr3t!Pw | kubectl create secret generic x --from-file=password=/dev/stdin",
     "S3cr3t!Pw"),
    ("twine upload -u __token__ -p S3cr3t!Pw dist/*", "S3cr3t!Pw"),
    ("conan remote login corp deploy -p S3cr3t!Pw", "S3cr3t!Pw"),
    ("aws secretsmanager put-secret-value --secret-id prod/db --secret-string 'S3cr3t!Pw'",
     "S3cr3t!Pw"),
    ("aws secretsmanager create-secret --name x --secret-string=S3cr3t!Pw", "S3cr3t!Pw"),
])
def test_probes7_found_exactly(text: str, secret: str) -> None:
    at = text.index(secret)
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + len(secret))]


@pytest.mark.parametrize("text", [
    "echo $KEY | vercel env add STRIPE_KEY production",             # a variable
    "vercel env add STRIPE_KEY production",                         # asks for it
    "cat key.txt | npx wrangler secret put OPENAI_KEY",             # not echoed
    "echo done; wrangler secret put API_TOKEN",
    "twine upload -p $TWINE_PASSWORD dist/*",
    "twine upload --repository-url https://x -P 8080 dist/*",       # -P is not -p
    "conan remote login corp deploy",
    # conan's `-pr` names a profile: `-p` takes no glued value (mutation-8)
    "conan install . -pr:b=default -pr:h=armv8-gcc12",
    "conan install . -pr=linux-gcc12-release",
    "aws secretsmanager put-secret-value --secret-id x --secret-string file://s.json",
    "aws secretsmanager put-secret-value --secret-id x --secret-string fileb://s.bin",
])
def test_probes7_left_alone(text: str) -> None:
    r = _alone()
    assert r.explain(text) == [], text
    assert r.redact_text(text) == text


# htpasswd's flags and words are read to a bound (a line holding `htpasswd -` many times
# was read to its end from each hit): four flags of up to eight letters, words of 256.
@pytest.mark.parametrize(("text", "is_found"), [
    ("htpasswd -b -c -B -m .htpasswd admin S3cr3tPw", True),
    ("htpasswd -b -c -B -d -m .htpasswd admin S3cr3tPw", False),   # five flags
    ("htpasswd -bcBmdsDv .htpasswd admin S3cr3tPw", True),
    ("htpasswd -bcBmdsDvx .htpasswd admin S3cr3tPw", False),       # nine letters
    (f"htpasswd -bc {'d' * 256} admin S3cr3tPw", True),
    (f"htpasswd -bc {'d' * 257} admin S3cr3tPw", False),
])
def test_htpasswd_reads_to_a_bound(text: str, is_found: bool) -> None:
    found = _alone().explain(text)
    at = text.index("S3cr3tPw")
    assert found == ([Finding("cli_password", "cli_flags", at, at + 8)] if is_found else [])


# A here-document's opener is looked for on the reader's line up to 300 characters before
# the reader (and the line's end up to 300 after it).
@pytest.mark.parametrize(("pad", "is_found"), [(0, True), (1, False)])
def test_a_here_documents_line_is_read_to_a_bound(pad: int, is_found: bool) -> None:
    head = "cat <<EOF | "
    text = head + "x" * (300 - len(head) - 1 + pad) + " --password-stdin\nS3cr3tPw\nEOF\n"
    assert text.index("--password-stdin") == 300 + pad
    found = _alone().explain(text)
    at = text.index("S3cr3tPw")
    assert found == ([Finding("cli_password", "cli_flags", at, at + 8)] if is_found else [])


@pytest.mark.parametrize(("pad", "is_found"), [(0, True), (1, False)])
def test_a_here_documents_line_end_is_read_to_a_bound(pad: int, is_found: bool) -> None:
    text = "docker login --password-stdin <<EOF " + "y" * (292 + pad) + "\nS3cr3tPw\nEOF"
    assert text.index("\n") == len("docker login --password-stdin") + 299 + pad
    found = _alone().explain(text)
    at = text.index("S3cr3tPw")
    assert found == ([Finding("cli_password", "cli_flags", at, at + 8)] if is_found else [])


# `--secret`, `--token`, `--api-key` also take a secret's name or a mount's spec; a
# password flag takes whatever was typed.
@pytest.mark.parametrize(("text", "secret"), [
    ("docker build --secret id=npmrc,src=$HOME/.npmrc .", None),
    ("docker buildx build --secret=src=.env,id=dotenv .", None),
    ("gcloud secrets versions access latest --secret=db-password", None),
    ("vault token create --token=ci_deploy_token", None),
    ("mytool --api-key prod-api-key", None),
    ("mytool --secret=Zq8XvT3mWk9PbR4n", "Zq8XvT3mWk9PbR4n"),
    ('mytool --secret "correct horse battery"', "correct horse battery"),   # a phrase
    ("mytool --password=correct-horse-battery", "correct-horse-battery"),
    ("mytool --db-pass=summer-holiday", "summer-holiday"),
    ("mytool --passphrase=db-password", "db-password"),
])
def test_a_secret_flag_may_take_a_name(text: str, secret: str | None) -> None:
    found = _alone().explain(text)
    if secret is None:
        assert found == []
    else:
        at = text.index(secret)
        assert found == [Finding("cli_password", "cli_flags", at, at + len(secret))]


# -- a process substitution as a password file (probes-8) ------------------------------------

@pytest.mark.parametrize("text", [
    "sshpass -f <(echo 'Kestrel#Dive42') ssh deploy@10.0.0.4",
    "sshpass -v -f<(echo Kestrel#Dive42) ssh h",
    "vault-cli login --password-file <(printf %s Kestrel#Dive42) --user ops",
    "tool --token-file=<(echo -n Kestrel#Dive42)",
    "tool --passphrase-file <( printf '%s\\n' \"Kestrel#Dive42\" )",
    "tool --client-secret-file <(echo -e Kestrel#Dive42)",
    "tool --credentials <(echo Kestrel#Dive42)",
    '"sshpass -f <(echo \\"Kestrel#Dive42\\") ssh"',
])
def test_a_literal_substituted_for_a_password_file(text: str) -> None:
    at = text.index("Kestrel#Dive42")
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + 14)]


@pytest.mark.parametrize("text", [
    "diff <(echo abc) <(echo Kestrel#Dive42)",        # no password flag
    "tool --config <(echo Kestrel#Dive42)",
    "sshpass -f <(echo $PASS) ssh h",                  # a placeholder
    "sshpass -f <(echo --help) ssh h",                 # a flag
    "sshpass -f <(cat pw.txt) ssh h",                  # a file, not a literal
    "sshpass -f <(echo 'Kestrel#Dive42\") ssh h",      # quotes do not match
    "sshpass -f <(echo Kestrel#Dive42 ssh h",          # not closed
    "sshpass -p x ; other -f <(echo Kestrel#Dive42)",  # another command's -f
])
def test_substitutions_that_are_no_password(text: str) -> None:
    assert _alone().explain(text) == []


def test_openssl_passin_file_substitution() -> None:
    text = "openssl rsa -in k.pem -passin file:<(echo Kestrel#Dive42)"
    at = text.index("Kestrel#Dive42")
    assert _alone().explain(text) == [Finding("cli_password", "cli_flags", at, at + 14)]
    assert _alone().explain("openssl rsa -in k.pem -in file:<(echo Kestrel#Dive42)") == []


def test_the_flag_is_looked_for_120_characters_back() -> None:
    for blanks, found in ((110, True), (111, False)):
        text = "sshpass -f" + " " * blanks + "<(echo Kestrel#Dive42)"
        assert bool(_alone().explain(text)) is found


@pytest.mark.parametrize("text", [
    "mysql -h db -u root -p app < dump.sql",       # `-p` and a blank prompt; `app` is the db
    "mariadb -u root -p wordpress",
    "mysqldump -u backup -p shop_prod > shop.sql",
])
def test_mysql_p_then_a_blank_then_a_database_name_is_kept(text: str) -> None:
    assert _alone().explain(text) == []


@pytest.mark.parametrize("text,secret", [
    ("mysql -h db -u root -pshop_prod app", "shop_prod"),   # glued: the password
    ("mysql -u root -p S3cr3t!x app", "S3cr3t!x"),          # apart, but no database name
    ("mysql -u root -p Prod_db app", "Prod_db"),            # upper case: no name of ours
    ("sshpass -p hunter22 ssh root@h", "hunter22"),         # other tools take it apart
])
def test_mysql_p_glued_or_not_a_name_is_a_password(text: str, secret: str) -> None:
    at = text.index(secret)
    assert [(f.start, f.end) for f in _alone().explain(text)] == [(at, at + len(secret))]
