"""Commands that print a secret store's or an encrypted file's plaintext.

`gpg -d secrets.gpg`, `sops -d secrets.enc.yaml`, `age -d -i key.txt s.age`,
`ansible-vault view vault.yml`, `openssl enc -d -in x.enc`: the file they read is
ciphertext under a name no deny pattern has reason to list, and what they print is the
secret in clear, with no name beside it for a detector. `kubectl get secret x -o yaml`
(or `-o jsonpath='{.data.password}'`, piped to `base64 -d`) and `heroku config` print a
deployment's secrets the same way. `decrypts` tells such a simple command by its words;
`policy.bash` then treats it like the other secret printers (its output withheld, what
it writes a copy). Pure: words in, a yes or no out.
"""

from __future__ import annotations

from collections.abc import Sequence

# Tools whose `-d` / `--decrypt` flag prints the plaintext of what they read.
_DECRYPT_FLAG = frozenset({"gpg", "gpg2", "sops", "age", "rage"})
# Subcommands that decrypt (`sops decrypt`, `ansible-vault view`, `openssl smime ...`).
_DECRYPT_SUBCOMMANDS = {
    "sops": frozenset({"decrypt"}),
    "ansible-vault": frozenset({"view", "decrypt"}),
}
_OPENSSL_DECRYPT = {"enc": "-d", "smime": "-decrypt", "cms": "-decrypt",
                    "pkeyutl": "-decrypt", "rsautl": "-decrypt"}


def decrypts(name: str, args: Sequence[str]) -> bool:
    """Whether the command `name args...` prints a decrypted secret or a store's secrets."""
    if name in _DECRYPT_FLAG and any(a in ("-d", "--decrypt") for a in args):
        return True
    if args and args[0] in _DECRYPT_SUBCOMMANDS.get(name, ()):
        return True
    if name == "openssl" and args and _OPENSSL_DECRYPT.get(args[0]) in args[1:]:
        return True
    if name == "kubectl" and "get" in args:
        rest = args[args.index("get") + 1:]
        # `secret x`, `secrets`, `secret/x`; `-o yaml`, `-ojsonpath=...`, `--output=json`
        return bool(rest) and rest[0].split("/")[0] in ("secret", "secrets") and any(
            a.startswith(("-o", "--output")) for a in rest[1:])
    return name == "heroku" and bool(args) and args[0] in ("config", "config:get")
