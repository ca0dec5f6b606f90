"""`detectors/daemon_config.py`: Redis, keepalived and HAProxy password directives, Wi-Fi
`psk=`, Maven's master password and OpenVPN static keys are found over exactly the value;
prose naming a directive, references and other keys stay byte-identical."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support.detector_samples import check_as_stored

PW = "R3disReq!pass"
HEX = "e5d6fb28730e36ae3daf59ecee1797a2"
OVPN = ("-----BEGIN OpenVPN Static key V1-----\n" + "\n".join(
    HEX[i:] + HEX[:i] for i in range(16)) + "\n-----END OpenVPN Static key V1-----")


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("daemon_config")], b"k" * 32)


@pytest.mark.parametrize("text,value,typ", [
    (f"bind 127.0.0.1\nrequirepass {PW}\n", PW, "config_password"),
    (f"masterauth {PW}  # the primary's\n", PW, "config_password"),
    ("masterauth M4sterAuth#x\n", "M4sterAuth#x", "config_password"),  # `#` inside
    ("requirepass 'Qu0ted!pw'\n", "Qu0ted!pw", "config_password"),
    ("requirepass redis.pass.word\n", "redis.pass.word", "config_password"),  # as typed
    ('psk="wifi.pass.word"\n', "wifi.pass.word", "config_password"),
    (f"  authentication {{\n    auth_type PASS\n    auth_pass {PW}\n  }}", PW, "config_password"),
    (f"userlist admins\n  user ops insecure-password {PW}\n".replace("  user ops ", ""), PW,
     "config_password"),
    (f'network={{\n    ssid="Home"\n    psk="{PW} x"\n}}\n', f"{PW} x", "config_password"),
    (f"[wifi-security]\nkey-mgmt=wpa-psk\npsk={HEX}{HEX}\n", HEX + HEX, "config_password"),
    ("<settingsSecurity>\n  <master>{jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u+9EF1iFQyJQ=}</master>",
     "{jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u+9EF1iFQyJQ=}", "config_password"),
    (f"<tls-auth>\n{OVPN}\n</tls-auth>\n", OVPN, "openvpn_static_key"),
])
def test_value_is_found_exactly(text: str, value: str, typ: str) -> None:
    check_as_stored("daemon_config", typ, text, value)


@pytest.mark.parametrize("text", [
    "set requirepass in redis.conf and restart\n",  # prose: not at a line's start
    "requirepass ${REDIS_PASSWORD}\n",  # a reference
    "requirepass <password>\n",
    "masterauth /run/secrets/redis-master\n",  # a path
    "# requirepass foobared\n",  # commented out
    "requirepass\n",  # no value
    'psk="short"\n',  # under 8: no WPA passphrase
    f"psk={HEX}\n",  # 32 hex digits: no derived key
    f"psk={HEX}{HEX}ab\n",  # nor 66
    "PSK_FILE=/etc/psk\n",
    "<master>{short}</master>\n",
    "-----BEGIN OpenVPN Static key V1-----\nabc\n-----END OpenVPN Static key V1-----\n",
])
def test_look_alikes_are_kept(text: str) -> None:
    assert _alone().redact_text(text) == text


# -- cloud-init's chpasswd list (probes-9) ---------------------------------------------------
@pytest.mark.parametrize("text", [
    f"#cloud-config\nchpasswd:\n  list: |\n    root:{PW}\n  expire: false\n",
    f"chpasswd:\n  expire: false\n  list:\n    - root:{PW}\n",
    f"chpasswd:\n  list: |-\n    ubuntu:RANDOM\n    root:{PW}",
])
def test_cloud_init_chpasswd(text: str) -> None:
    check_as_stored("daemon_config", "config_password", text, PW)


def test_cloud_init_chpasswd_every_line() -> None:
    other = "0ther#Pass9"
    text = f"chpasswd:\n  list: |\n    root:{PW}\n    ops:{other}\n"
    found = [text[f.start:f.end] for f in _alone().explain(text)]
    assert found == [PW, other]


@pytest.mark.parametrize("text", [
    "chpasswd:\n  list: |\n    root:RANDOM\n    ops:R\n",       # cloud-init draws them
    "chpasswd:\n  list: |\n    root:${ROOT_PASSWORD}\n",         # a reference
    "chpasswd:\n  expire: false\n",                              # no list
    f"chpasswd:\n  list: |\n    root: {PW}\n",                   # a YAML map, not a line
    f"chpasswd:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n  list: |\n    root:{PW}\n",  # 5 keys
])
def test_cloud_init_chpasswd_kept(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_cloud_init_chpasswd_takes_the_password_as_typed() -> None:
    text = "chpasswd:\n  list: |\n    root:pa(ss)word1\n"
    assert [text[f.start:f.end] for f in _alone().explain(text)] == ["pa(ss)word1"]
