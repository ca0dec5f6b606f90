"""`detectors/php_define.py`: keys and salts of PHP `define()` constants (wp-config.php) are
found over exactly the value; WordPress's sample phrase, a cache key's name and references
stay byte-identical."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support.detector_samples import check_as_stored

# The shapes WordPress's key generator writes: 64 of letters, digits and symbols.
SALTS = [
    "x<Zq8|Lm2$Vb+4Nk3Rt6Wy1H]s5Jd0Fg;Qp7@Xc9~Ae2Mn4Kz6Pw8Tq]3Lm9#Vb5*",
    "Jk7+Lm3=Vb9{Nk1Rt5Wy2}Hs8[Jd4Fg6Qp9Xc1Ae7Mn3Kz0Pw5Yb2Gh2&Lm8^Vb4(",
]

# Bounds of the drawn reading, each holding a `{field}` (a template to `is_placeholder`), so
# only that reading takes it: 40 characters of four classes (entropy 5.27), and 64 whose
# entropy is exactly 4.5 bits (16 characters once, 12 four times: 6 - 96/64).
AT_40 = "Zq8|{field}Lm2$Vb+4Nk3Rt6Wy1H]s5Jd0Fg;Qp"
AT_4_5 = "{abc}XYZ789!@%^&" + "DEFGHJ2345mn" * 4
# Three classes only (no upper case), 43 characters: a template, whatever its length.
THREE = "ab{field}cdkq7m2x9v4z8r1p5w3n6t0y-h_j.qqqqq"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("php_define")], b"k" * 32)


@pytest.mark.parametrize("text,value", [
    (f"define('AUTH_KEY',         '{SALTS[0]}');\n", SALTS[0]),
    (f"define( 'NONCE_SALT', '{SALTS[1]}' );\n", SALTS[1]),  # `{...}` inside: no template
    (f'define("SECURE_AUTH_KEY", "{SALTS[0]}");\n', SALTS[0]),
    ("define('STRIPE_KEY', 'k8Zq2Lm9Vx4Rt7Wn3Yb1');\n", "k8Zq2Lm9Vx4Rt7Wn3Yb1"),
    ("define('STRIPE_KEY', 'k8Zq2Lm9Vx4Rt7Wn');\n", "k8Zq2Lm9Vx4Rt7Wn"),  # 16: the least
    (f"define('LOGGED_IN_KEY', '{AT_40}');\n", AT_40),
    (f"define('LOGGED_IN_SALT', '{AT_4_5}');\n", AT_4_5),
])
def test_key_is_found_exactly(text: str, value: str) -> None:
    check_as_stored("php_define", "php_secret_constant", text, value)


@pytest.mark.parametrize("text", [
    "define( 'AUTH_KEY', 'put your unique phrase here' );\n",  # the sample's phrase
    "define('CACHE_KEY', 'user_profile_cache_v2');\n",  # a name
    "define('WP_CACHE_KEY_SALT', 'example.com_');\n",
    "define('AUTH_KEY', getenv('WP_AUTH_KEY'));\n",  # a call
    "define('API_KEY', '${WP_API_KEY_VALUE_FROM_THE_ENVIRONMENT}');\n",  # a reference
    f"define('DB_HOST', '{SALTS[0]}');\n",  # not a key or salt
    f"define('AUTH_SALT', '{THREE}');\n",  # a template of three classes
    f"define('AUTH_SALT', '{AT_40[:-1]}');\n",  # a template under 40 characters
    f"redefine('AUTH_KEY', '{SALTS[0]}');\n",  # another function
    "define('app/key', ['dep'], function () {});\n",  # an AMD module
])
def test_look_alikes_are_kept(text: str) -> None:
    assert _alone().redact_text(text) == text
