"""Percent-encoding and form decoding as the signatures need them (spec §1, §2)."""

from __future__ import annotations

import pytest

from mock_ecs.protocol.encoding import canonical_query, decode_form, percent_encode


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("a b", "a%20b"),
        ("a*b", "a%2Ab"),
        ("a~b", "a~b"),
        ("AZaz09-_.", "AZaz09-_."),
        ("/+=&%", "%2F%2B%3D%26%25"),
        ("'()!", "%27%28%29%21"),
    ],
    ids=[
        "space-is-%20",
        "star-is-%2A",
        "tilde-kept",
        "unreserved-kept",
        "reserved-encoded",
        "sub-delims-encoded",
    ],
)
def test_percent_encode_is_rfc3986(text: str, encoded: str) -> None:
    assert percent_encode(text) == encoded


def test_percent_encode_encodes_utf8_bytes() -> None:
    assert percent_encode("é中") == "%C3%A9%E4%B8%AD"


def test_decode_form_reads_plus_as_a_space() -> None:
    assert decode_form("InstanceId.1=i-a+b") == [("InstanceId.1", "i-a b")]


def test_decode_form_reads_an_encoded_plus_as_a_plus() -> None:
    assert decode_form("a=%2B") == [("a", "+")]


def test_decode_form_keeps_blank_values() -> None:
    assert decode_form("SignatureType=&a=1") == [("SignatureType", ""), ("a", "1")]


def test_decode_form_keeps_wire_order_and_repeated_names() -> None:
    assert decode_form("b=1&a=2&b=3") == [("b", "1"), ("a", "2"), ("b", "3")]


def test_decode_form_decodes_percent_escapes_as_utf8() -> None:
    assert decode_form(b"a=%C3%A9&b=\xc3\xa9") == [("a", "é"), ("b", "é")]


def test_decode_form_replaces_invalid_utf8_instead_of_failing() -> None:
    assert decode_form(b"a=%FF&b=\xff") == [("a", "\ufffd"), ("b", "\ufffd")]


def test_canonical_query_sorts_by_raw_name() -> None:
    pairs = [("b", "2"), ("InstanceId.2", "y"), ("a", "1"), ("InstanceId.10", "x"), ("Z", "0")]
    names = [pair.split("=")[0] for pair in canonical_query(pairs).split("&")]
    # A plain string sort (what the SDKs do), not the numeric order of list parameters.
    assert names == sorted(name for name, _ in pairs) == ["InstanceId.10", "InstanceId.2", "Z", "a", "b"]


def test_canonical_query_encodes_names_and_values() -> None:
    assert canonical_query([("a b", "c*d/é")]) == "a%20b=c%2Ad%2F%C3%A9"


def test_canonical_query_signs_an_empty_value_as_name_equals() -> None:
    assert canonical_query([("SignatureType", ""), ("Action", "RebootInstances")]) == (
        "Action=RebootInstances&SignatureType="
    )
