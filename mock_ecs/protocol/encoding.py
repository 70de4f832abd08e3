"""Wire encodings of the RPC protocol (spec §1, §2).

SDKs disagree on the wire (py-tea writes a space as ``+``, the Node Tea SDKs leave
``*()!'`` bare), so a server decodes form-style and re-encodes canonically for signing;
it never signs the raw string it received (sdk-wire §2).
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from urllib.parse import quote, unquote

Pairs = list[tuple[str, str]]

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-_.~")
# ASCII text (nearly every name and value) is encoded by str.translate, several times
# faster than quote()'s byte-by-byte loop.
_ASCII_ENCODED = {code: chr(code) if chr(code) in _UNRESERVED else f"%{code:02X}" for code in range(128)}


def percent_encode(text: str) -> str:
    """RFC 3986 encoding of UTF-8: only ``A-Z a-z 0-9 - _ . ~`` stay as they are."""
    if text.isascii():
        return text.translate(_ASCII_ENCODED)
    return quote(text, safe="-_.~")


def decode_form(data: str | bytes) -> Pairs:
    """Decode a query string or a form body; ``+`` is a space, blank values are kept.

    As ``urllib.parse.parse_qsl(keep_blank_values=True, errors="replace")`` decodes it:
    fields split on ``&`` only, empty fields skipped, a field without ``=`` is a name with
    an empty value.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    pairs: Pairs = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return pairs


def _unquote_plus(text: str) -> str:
    if "%" not in text and "+" not in text:
        return text
    return unquote(text.replace("+", " "), encoding="utf-8", errors="replace")


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Pairs sorted by name, ``pe(name)=pe(value)`` joined by ``&`` (empty values sign as ``k=``)."""
    ordered = sorted(pairs, key=lambda pair: pair[0])
    return "&".join(f"{percent_encode(name)}={percent_encode(value)}" for name, value in ordered)
