"""Wire encodings of the RPC protocol (spec §1, §2).

SDKs disagree on the wire (py-tea writes a space as ``+``, the Node Tea SDKs leave
``*()!'`` bare), so a server decodes form-style and re-encodes canonically for signing;
it never signs the raw string it received (sdk-wire §2).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, quote

Pairs = list[tuple[str, str]]


def percent_encode(text: str) -> str:
    """RFC 3986 encoding of UTF-8: only ``A-Z a-z 0-9 - _ . ~`` stay as they are."""
    return quote(text, safe="-_.~")


def decode_form(data: str | bytes) -> Pairs:
    """Decode a query string or a form body; ``+`` is a space, blank values are kept."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace")


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Pairs sorted by name, ``pe(name)=pe(value)`` joined by ``&`` (empty values sign as ``k=``)."""
    ordered = sorted(pairs, key=lambda pair: pair[0])
    return "&".join(f"{percent_encode(name)}={percent_encode(value)}" for name, value in ordered)
