"""Does a string read like an identifier or like random bytes? The gate of the generic rules.

A key name says *where* a secret may be; this module says whether the value there was
typed or drawn. Identifiers (`get_user_name`, `MAX_RETRIES`, `sha256Digest`, `v2.3.1`) are
made of dictionary words joined by case or separators, with digits at the ends of words;
random tokens (`cb5c79005d8b2bba7c50eb8d5a4d2fd5`, `KxBBC3ooKFjOEb10Vc8Nt01SRNqISbjMEDR4iEw_`)
switch between letters and digits inside runs, use their alphabet evenly (entropy close to
the most a string of that length and alphabet can have) and contain few long words. Case
and underscores say nothing either way: hex keys are all lower-case, base64url has `_`.
Pure functions, no state.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from cctrace.redact.detectors.base import shannon_entropy

# Common English and programming words (4+ letters). A run made mostly of these is a name.
_WORDS = frozenset(
    """
    able about above access account action active actor adapter add added address admin
    after again agent alert alias align all allow alpha already also amount analysis anchor
    and another answer any api app append apple application apply archive area args array
    arrow asset assert async attach attr attribute audio auth author auto available back
    backend background backup bad balance bank base basic batch before begin being below best
    beta between binary bind black blob block blue board body bool boolean boot border both
    bottom bound box branch break bridge browser buffer build builder bundle business button
    byte bytes cache call callback camel cancel canvas capture card case cast catch category
    cell center chain change channel char character chart chat check checkbox child choice
    chunk city class clean clear click client clock clone close cloud cluster code codec
    collect collection color column command comment commit common company compare compile
    complete component compute config configure connect connection console const constant
    contact container content context control controller convert cookie copy core count
    counter country cover create credential credit cross crypto current cursor custom
    customer cycle daemon dark dash data database date debug decimal decode default define
    delay delete delta demo depth desc describe description design detail detect device dialog
    diff digest digit direct direction directory disable disk display dist document domain
    done double down download draft draw drive driver drop dump duration dynamic each easy
    edge edit editor effect element else email empty enable encode encoder encrypt end engine
    enter entity entry enum environment equal error escape event every example except
    exception exec execute exist exit expand expect expire export express extend extension
    external extra factory fail false fast feature fetch field figure file filter final find
    finish first flag flat float flow flush focus folder font footer force form format forward
    frame free from front full func function gateway general generate generic get github
    global google graph green grid group guard handle handler hash have head header health
    height hello help helper hidden hide high history hold home hook host hour html http
    icon image import index info init inner input insert inside instance int integer
    internal interval into item iterator java job join json just keep kernel key keys kind
    label lambda language last later layer layout lazy left legacy length level library life
    light like limit line link list listen listener load loader local locale lock log logger
    login long lookup loop lower machine main make manager manual map mark mask master match
    math matrix max media member memory menu merge message meta method metric middle min
    minute mirror missing mock mode model module money month more mount mouse move multi
    must name native navigation need network never next node none normal note null number
    object offset okay old only open operation option order origin other output outer over
    owner package page panel param parameter parent parse parser part partial pass password
    patch path pattern payload peer pending person phone pick pipe pipeline pixel place plain
    plan platform play player plugin point pointer policy pool port position post power
    prefix prepare press preview previous price primary print private process product profile
    program project promise prompt property protocol provider proxy public publish pull push
    query queue quick random range rate read reader ready real reason receive record red redis
    reduce ref refresh region register registry regular release reload remote remove render
    replace reply report repo request require reset resolve resource response rest result
    return reverse review right role root route router row rule run runner runtime safe same
    sample save scale scan schema scope score screen script search second secret section
    secure select selector self send sender sequence serial server service session set
    setting settings setup shadow shape share shell short show side sign signal signature
    simple single site size skip slice slot small socket sort source space span spec split
    sql stack stage standard start state static status step stop storage store stream string
    struct style sub subject submit success suffix summary super support switch symbol sync
    system table tag target task team temp template term test text theme thread time timeout
    timer title today token tool top topic total trace track transaction transform tree
    trigger true type unique unit update upload upper user usage valid validate value
    variable vector version video view virtual visible wait warning watch web week when
    while white width window with word work worker wrapper write writer year zone
    """.split()
)
_NO_DIGITS = str.maketrans("", "", "0123456789")
_DIGITS = frozenset("0123456789")
_LOWERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_UPPERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUM = _DIGITS | _LOWERS | _UPPERS
_NON_LETTERS = re.compile(r"[^A-Za-z]+")
_RUN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_SEG = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_CONSONANTS = re.compile(r"[bcdfghjklmnpqrstvwxz]{4}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _alphabet(value: str) -> int:
    """Size of the smallest usual alphabet holding `value` (hex, base36, base62, base64+)."""
    if _HEX.fullmatch(value):
        return 16
    if value.isascii():
        chars = set(value)
        size = (10 * (not chars.isdisjoint(_DIGITS)) + 26 * (not chars.isdisjoint(_LOWERS))
                + 26 * (not chars.isdisjoint(_UPPERS)))
        return max(size + len(chars - _ALNUM), 2)
    lower = any(c.islower() for c in value)
    upper = any(c.isupper() for c in value)
    size = 10 * any(c.isdigit() for c in value) + 26 * lower + 26 * upper
    other = len({c for c in value if not c.isalnum()})
    return max(size + other, 2)


def dictionary_word(word: str) -> bool:
    """`word` (any case) is in the dictionary of words code and docs use."""
    return word.lower() in _WORDS


def _wordlike(seg: str) -> bool:
    """A lower-case letter run that reads like a word: in the dictionary, or pronounceable
    (a third vowels or more, never four consonants in a row)."""
    if seg in _WORDS:
        return True
    vowels = sum(c in "aeiouy" for c in seg)
    return len(seg) >= 6 and vowels * 10 >= len(seg) * 3 and _CONSONANTS.search(seg) is None


def _segments(value: str) -> list[str]:
    """Letter runs split at case changes (`getHTTPResponse` -> get, HTTP, Response)."""
    return _SEG.findall(value)


def word_share(value: str) -> float:
    """Share of the letters of `value` inside word-like runs of 4+ letters."""
    letters = (len(_NON_LETTERS.sub("", value)) if value.isascii()
               else sum(c.isalpha() for c in value))
    if not letters:
        return 0.0
    covered = sum(len(s) for s in _segments(value) if len(s) >= 4 and _wordlike(s.lower()))
    return covered / letters


# ASCII characters mapped to their kind (d, u, l, o); runs of one kind collapsed, the
# transitions are the adjacent pairs of two non-`o` kinds.
_KINDS = str.maketrans(
    {**{c: "d" for c in "0123456789"},
     **{c: "u" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
     **{c: "l" for c in "abcdefghijklmnopqrstuvwxyz"}}
)
_NOT_KIND = re.compile(r"[^dul]")
_RUNS = re.compile(r"(.)\1+")
_PAIR = re.compile(r"[dul](?=[dul])")


def transitions(value: str) -> int:
    """Changes between letter and digit, and lower to upper inside a run (`a3F9k`)."""
    if value.isascii():
        kinds = _NOT_KIND.sub("o", value.translate(_KINDS))
        return len(_PAIR.findall(_RUNS.sub(r"\1", kinds)))
    count = 0
    prev = ""
    for c in value:
        kind = "d" if c.isdigit() else "u" if c.isupper() else "l" if c.islower() else "o"
        if prev and kind != prev and "o" not in (kind, prev):
            count += 1
        prev = kind
    return count


@lru_cache(maxsize=4096)
def looks_random(value: str, min_len: int = 16) -> bool:
    """True when `value` reads as drawn rather than typed: long enough, its alphabet used
    evenly, short letter runs (case and digits switch inside them) and few word-like runs."""
    n = len(value)
    if n < min_len or n > 1024:
        return False
    body = value.strip("=")
    alpha = _alphabet(body)
    ent = shannon_entropy(body)
    # 2.8 first: a value of padding only (`"===="`) leaves an empty body, whose log2(0)
    # raised ValueError, and the stage then withheld the whole text around it.
    if ent < 2.8 or ent < 0.72 * math.log2(min(len(body), alpha)):
        return False
    segs = _segments(body)
    letters = sum(len(s) for s in segs)
    if not letters:
        return len(body) >= 20  # long digit strings: ids more often than keys, but long
    digits = sum(c.isdigit() for c in body) if not body.isascii() else (
        len(body) - len(body.translate(_NO_DIGITS)))
    mixed = (body.lower() != body and body.upper() != body) if body.isascii() else (
        any(c.isupper() for c in body) and any(c.islower() for c in body))
    if not mixed:
        # One case: hex, base36, upper-case keys. Digits must break the letter runs.
        return digits >= 2 and transitions(body) >= 3 and word_share(body) <= 0.6
    if word_share(body) > 0.45:
        return False
    mean = letters / len(segs)
    if digits >= 2:
        return mean <= 5.0 and transitions(body) >= 3
    # Letters only (and symbols): random ones switch case every couple of characters.
    return mean <= 2.6


def looks_like_identifier(value: str) -> bool:
    """A name a programmer typed: words joined by case or `_-.`, digits at word ends."""
    if not re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$.\-]*", value):
        return False
    runs = _RUN.findall(value)
    if not runs:
        return True
    if word_share(value) >= 0.6:
        return True
    return not looks_random(value, min_len=8) and transitions(value) <= max(2, len(value) // 8)


_TYPE_BODY = re.compile(r"_*[A-Z][A-Za-z0-9]*")
_CAP_PART = re.compile(r"[A-Z][a-z]+")
_DIGIT_LOWER = re.compile(r"[0-9][a-z]")


def type_name(value: str) -> bool:
    """A CamelCase type or class name (`PrivateKeyTypes`, `ShrinkPass`, `_DSAPrivateKey`,
    `MLKEM768PublicKey`, `PKCS12PrivateKeyTypes`): Capitalized parts, acronyms and digits,
    no lower-case run right after a digit, every Capitalized part one that can be said (a
    vowel, never four consonants in a row), half their letters in parts of 4+. A drawn
    token starts lower-case runs after digits (`Xk9mQ2`) and cuts its Capitalized parts
    short (`Xk`, `Lp`): `looks_random` calls a type name drawn for its case switches.
    Still, about 1 in 300 random 16-character base62 strings passes (1 in 14,000 at 32):
    callers ask it only where the syntax says "type" (an annotation followed by `,` `)`
    `|` `=`, a part of a dotted path), never of a value alone."""
    if _TYPE_BODY.fullmatch(value) is None or _DIGIT_LOWER.search(value):
        return False
    if any(len(run) > 5 for run in _ACRONYM.findall(value)):
        return False  # `ZGIUNBS`: acronyms are short
    parts = [p.lower() for p in _CAP_PART.findall(value)]
    if not all(_sayable(p) for p in parts):
        return False  # `NhJqPb5U4I7D0QUkuomMicmX`: `Nh`, `Jq` are no word's parts
    letters = sum(len(p) for p in parts)
    said = sum(len(p) for p in parts if len(p) >= 4)
    return said > 0 and 2 * said >= letters


_ACRONYM = re.compile(r"[A-Z]+(?![a-z])|[A-Z]+(?=[A-Z][a-z])")


def _sayable(part: str) -> bool:
    """A Capitalized part of a name: a word, or a vowel and never four consonants in a
    row."""
    return part in _WORDS or (any(c in "aeiouy" for c in part)
                              and _CONSONANTS.search(part) is None)


# A digest labelled by its algorithm: a wheel RECORD's `sha256=<base64url>`, SRI's
# `sha512-<base64>`, go.sum's `h1:<base64>`, `sha256:<hex>` (image digests, pip hashes).
_LABELLED = re.compile(
    r"(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b|h1)[:=\-][A-Za-z0-9+/_\-]{16,}={0,2}")
# An upper-case constant of three or more parts (`V4L2_COLORSPACE_OPRGB`): a name in C
# and shell, never an issued key (upper-case-only alphabets, base32, have no `_`).
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,}")


def constant_name(value: str) -> bool:
    """An UPPER_SNAKE constant name of three or more parts (see `_CONSTANT`)."""
    return _CONSTANT.fullmatch(value) is not None


def is_digest(value: str) -> bool:
    """Strings that are random but public: git SHAs, content digests, UUIDs."""
    v = value.lower()
    if _UUID.fullmatch(v) or _LABELLED.fullmatch(v):
        return True
    if ":" in v:
        algo, _, rest = v.partition(":")
        algos = ("sha1", "sha256", "sha384", "sha512", "md5", "blake2b")
        if algo in algos and _HEX.fullmatch(rest):
            return True
    # git SHA-1/SHA-256 object names and content digests (40, 64, 128 lower-case hex);
    # 32 hex is left out: it is as often an API key as an MD5.
    return _HEX.fullmatch(v) is not None and len(v) in (40, 64, 128) and v == value


# --- the shape of an issued token ----------------------------------------------------
# Every alphabet services issue keys in (hex, base32/36/62, base64 and base64url, with
# `.`/`:`-joined parts) is made of letters, digits and `_-+/=.:`. A string holding any
# of these beside or inside it was typed or mangled, not issued (`kxbj4b6u?6b3oz0j`,
# `...d7679d%d0d4...`); a password may hold them, a token never does.
TOKEN_FOREIGN = frozenset("?!%^*$#~|\\@&")
_ALPHA_SEQ = "abcdefghijklmnopqrstuvwxyz"
_DIGIT_SEQ = "01234567890"


def token_shaped(value: str) -> bool:
    """Whether `value` (already cut out as a run of token characters) can be an issued
    token by its shape alone: hex only in whole bytes (an odd number of hex digits encodes
    no key). `=` inside is allowed: documented formats put it in their bodies (OnePageCRM,
    PlanetScale), and refusing it removed 2 false positives for 3 secrets."""
    body = value.rstrip("=")
    return not (_HEX.fullmatch(body) and len(body) % 2 and len(body) >= 16)


# In a value given to a token/key-named slot: characters no issued key holds. Not `%`
# (Twitter's bearer tokens are URL-encoded), nor `&` (the value may be a query string;
# only its first parameter is the key's), nor `\\` (JSON escapes are the quoting's).
_SLOT_FOREIGN = re.compile(r"[?!^*$#~|@\[\] \t]")


def token_value(value: str) -> bool:
    """Whether a value given to a token- or key-named slot can be an issued token: no
    character outside every token alphabet. Password slots do not ask this: a password
    may hold anything. (Padding inside the value and fillers are not refused here: the
    key name is stronger evidence than a service name, and documented formats allow `=`
    in their bodies.)"""
    return _SLOT_FOREIGN.search(value.partition("&")[0].strip()) is None


# Where a match ends. A token ends where its alphabet does. A match whose last part was
# replaced by a masking run (`xoxp-5723...-1188-####################`) is a masked sample,
# and one followed by `?` and 8+ more token characters (`tskey-...gmxH?oARkj0Cq...`) was
# cut out of a longer, mangled string: no service issues a token holding `?`
# (TOKEN_FOREIGN). A query string is not a continuation: `/groups/<key>?api_key=...` and
# `?raw&x=1` end the key at the `?`. A whole token followed by `####` is still redacted.
_MASK_AFTER = re.compile(r"[#*•]{4}")
_QUERY_AFTER = re.compile(r"\?(?![\w.\-\[\]]*[=&])[A-Za-z0-9][\w\-]{7}")


def runs_on(text: str, end: int) -> bool:
    """Whether a token matched up to `end` runs on into a masked last part or a
    `?`-joined rest (see above)."""
    if _QUERY_AFTER.match(text, end):
        return True
    return text[end - 1 : end] in ("-", "_", ".", ":", "/") and bool(_MASK_AFTER.match(text, end))


def has_sequence(value: str, n: int = 8) -> bool:
    """A run of `n` consecutive alphabet letters or digits (`abcdefgh`, `12345678`): a
    hand-made filler (`AIzaSyabcdefghijklmnop...`); a drawn token holds one with
    negligible probability (about 36 * 36**-n per position)."""
    low = value.lower()
    for i in range(len(low) - n + 1):
        chunk = low[i : i + n]
        if chunk in _ALPHA_SEQ or chunk in _DIGIT_SEQ:
            return True
    return False


# Letter rows of a QWERTY keyboard, each read both ways: `asdf`, `qwer`, `lkjh`, `zxcv`.
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Every run of 4 keys along a row, forwards and backwards, found at each offset (the
# lookahead lets runs overlap) by one C-speed scan of the value.
_KEY_RUN = re.compile("(?=(" + "|".join(sorted(
    {r[i : i + 4] for row in _KEY_ROWS for r in (row, row[::-1]) for i in range(len(r) - 3)}
)) + "))")


def keyboard_run(value: str) -> bool:
    """Letters typed along keyboard rows (runs of 4+ keys of one row) for 80 % of 12 or
    more letters: a hand-made filler (`asdf1234qwer5678zxcv...`). A drawn token holds one
    4-key run with probability about 1e-4 per position, so most of its letters never are."""
    low = value.lower()
    starts = [m.start() for m in _KEY_RUN.finditer(low)]
    if len(starts) < 3:
        return False  # two runs cover 8 letters at most: under 80 % of 12
    letters = sum(c in _LOWERS for c in low)
    if letters < 12:
        return False
    covered = set()
    for i in starts:
        covered.update(range(i, i + 4))
    return len(covered) * 5 >= letters * 4


_PHRASE = re.compile(r"[A-Za-z]+(?:[-_. ][A-Za-z]+)+")
_PHRASE_SEP = re.compile(r"[-_. ]")
_PART_CASE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+")


def reads_as_words(value: str) -> bool:
    """Letters only, in two or more parts joined by `-`, `_`, `.` or a blank, each part in
    one case or Capitalized and a word (dictionary or pronounceable) or an abbreviation of
    up to 3 letters: an HTTP header name (`Content-Type`, `X-Api-Key`), a phrase
    (`sk-lf-invalid`, `not-a-real-token`). Issued tokens mix digits in, or switch case
    inside their runs (`aBcDeF`); a phrase does neither."""
    if not _PHRASE.fullmatch(value):
        return False
    return all(_PART_CASE.fullmatch(p) is not None and (
        len(p) <= 3 or _wordlike(p.lower()) or _wordlike_short(p.lower()))
        for p in _PHRASE_SEP.split(value))


def mostly_words(value: str) -> bool:
    """Three or more Capitalized word-like runs of 4+ letters (dictionary or pronounceable)
    holding 85 % of the letters or more: a type or field name glued in CamelCase
    (`clm11463:AgencyIdentificationCodeContentType`). A drawn token switches case inside
    short runs. Lower-case runs and runs of hex letters only are left out: `Abcdef` of a
    hex filler (`1234567890Abcdef...`, a sample the scanners call a key) is pronounceable."""
    words = [s for s in _CAP_WORD.findall(value)
             if _HEX.fullmatch(s) is None and _wordlike(s.lower())]
    return len(words) >= 3 and word_share(value) >= 0.85


# A Capitalized run of 4+ letters: the segments `_SEG` cuts such a run into (its lower-case
# part is as long as it goes), found in one C-speed scan.
_CAP_WORD = re.compile(r"[A-Z][a-z]{3,}")


def _wordlike_short(part: str) -> bool:
    """4-5 letter parts: a vowel and no three consonants in a row (`type`, `mode`)."""
    return len(part) <= 5 and any(c in "aeiouy" for c in part) and re.search(
        r"[bcdfghjklmnpqrstvwxz]{3}", part) is None
