"""Paging parameters, and the opaque ``NextToken`` of keyset paging.

A page by number (``PageNumber``/``PageSize``) skips the pages before it; a ``NextToken``
names the last instance already seen, so the next page starts right after it however deep
it is (instances are listed in creation order). The token also carries the page's number, so
answers in either style say which page they are.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass

from mock_ecs.protocol import errors
from mock_ecs.protocol.errors import ErrorSpec
from mock_ecs.protocol.params import Params

# Codes the ECS API answers for bad keyset paging values (as its other NextToken APIs do).
INVALID_NEXT_TOKEN = ErrorSpec(
    400, "InvalidParameter.NextToken", "The specified parameter NextToken is not valid."
)
INVALID_MAX_RESULTS = ErrorSpec(
    400, "InvalidParameter.MaxResults", "The specified parameter MaxResults is not valid."
)

# The largest creation number the database holds (a signed 64-bit BIGINT everywhere).
MAX_SEQ = 2**63 - 1
_NUMBER = re.compile(r"[0-9]{1,10}", re.ASCII)  # up to 2**31 - 1; the range check bounds it
_TOKEN = struct.Struct(">QI")  # seq of the last instance seen, number of the page it ended
_CHECK_BYTES = 4
_TOKEN_SALT = b"mock-ecs/next-token/1"
# Masked so that the token reads as opaque as the service's: clients must not build them.
_MASK = hashlib.sha256(_TOKEN_SALT + b"/mask").digest()[: _TOKEN.size]


def integer(
    params: Params, name: str, default: int, low: int, high: int, error: ErrorSpec | None = None
) -> int:
    """A whole number in ``low..high``; anything else answers ``error`` (by default the
    generic ``InvalidParameter`` naming the parameter)."""
    value = params.get(name, "")
    if value == "":
        return default
    if _NUMBER.fullmatch(value) is None or not low <= int(value) <= high:
        raise error() if error is not None else errors.INVALID_PARAMETER(name=name)
    return int(value)


@dataclass(frozen=True)
class Cursor:
    after_seq: int
    page_number: int  # of the page that ended at ``after_seq``


def encode_token(cursor: Cursor) -> str:
    """32 hex digits, like the service's tokens; a checksum makes edited tokens fail."""
    body = _TOKEN.pack(cursor.after_seq, cursor.page_number)
    return (_masked(body) + _check(body)).hex()


def decode_token(token: str) -> Cursor:
    try:
        raw = bytes.fromhex(token)
    except ValueError:
        raise INVALID_NEXT_TOKEN() from None
    body, check = _masked(raw[: _TOKEN.size]), raw[_TOKEN.size :]
    if len(body) != _TOKEN.size or check != _check(body):
        raise INVALID_NEXT_TOKEN()
    after_seq, page_number = _TOKEN.unpack(body)
    if after_seq > MAX_SEQ:  # well formed, but no instance has such a number: forged
        raise INVALID_NEXT_TOKEN()
    return Cursor(after_seq, page_number)


def _masked(data: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, _MASK, strict=False))


def _check(body: bytes) -> bytes:
    return hashlib.sha256(_TOKEN_SALT + body).digest()[:_CHECK_BYTES]
