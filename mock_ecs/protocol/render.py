"""Handlers return data; this module alone turns it into bytes (spec §5).

A body is a mapping in the documented key order. A documented list is :class:`Items`: JSON
renders it as a wrapper object holding an array (always an array, even of one), XML as the
wrapper element repeating the singular element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import orjson
from lxml import etree

from mock_ecs.protocol.errors import ApiError
from mock_ecs.protocol.request import Format

Scalar: TypeAlias = str | int | float | bool | None
Value: TypeAlias = "Scalar | Mapping[str, Value] | Items"
Body: TypeAlias = Mapping[str, Value]

CONTENT_TYPES = {
    Format.JSON: "application/json;charset=utf-8",
    Format.XML: "text/xml;charset=utf-8",
}
XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>"
# Characters XML 1.0 cannot carry (lxml refuses them). Echoed input such as the Host header
# may hold them, and an answer must still render, so they become U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(slots=True)  # not frozen: a page of instances makes hundreds, and frozen ones cost 3x
class Items:
    """A documented list: ``{"InstanceResponses": Items("InstanceResponse", [...])}``."""

    item: str
    values: Sequence[Value]


def render(root: str, body: Body, fmt: Format) -> bytes:
    """Render a body under its root element (``RebootInstancesResponse``, ``Error``)."""
    if fmt is Format.JSON:
        return _json(body)
    element = etree.Element(root)
    _fill(element, body)
    return XML_DECLARATION + etree.tostring(element, encoding="UTF-8")


def success_body(request_id: str, body: Body) -> Body:
    return {"RequestId": request_id, **body}


def error_body(error: ApiError, request_id: str, host_id: str, product: str) -> Body:
    recommend = f"https://api.aliyun.com/troubleshoot?q={error.code}&product={product}&requestId={request_id}"
    return {
        "RequestId": request_id,
        "HostId": host_id,
        "Code": error.code,
        "Message": error.message,
        "Recommend": _CData(recommend),
    }


class _CData(str):
    """Text that XML wraps in CDATA (the envelope's ``Recommend``); plain text in JSON."""


# Scalars are told apart by concrete type first: an ABC check per value made large answers
# (100 instances of DescribeInstances) spend most of their time rendering.
_SCALARS = (str, int, float, bool, type(None))


def _json(body: Body) -> bytes:
    """Compact UTF-8 JSON, as ``json.dumps(ensure_ascii=False, separators=(",", ":"))`` writes it.

    orjson writes the same bytes several times faster (a page of DescribeInstances is some
    thousand values). It walks dicts, lists and strings (``_CData`` too) itself and asks
    ``_json_default`` only for Items and other mappings. What it refuses (an integer beyond
    64 bits, a lone surrogate) the standard encoder still writes.
    """
    try:
        return orjson.dumps(body, default=_json_default, option=orjson.OPT_PASSTHROUGH_DATACLASS)
    except orjson.JSONEncodeError:
        return json.dumps(body, default=_json_default, ensure_ascii=False, separators=(",", ":")).encode()


def _json_default(value: object) -> object:
    if isinstance(value, Items):
        return {value.item: list(value.values)}
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot render {type(value).__name__}")


def _fill(element: etree._Element, value: Value) -> None:
    if isinstance(value, _SCALARS):
        element.text = _text(value)
    elif isinstance(value, Items):
        for entry in value.values:
            _fill(etree.SubElement(element, value.item), entry)
    else:
        for name, entry in value.items():
            _fill(etree.SubElement(element, name), entry)
    if len(element) == 0 and element.text is None:
        element.text = ""  # an empty list or object is <A></A> too, never <A/>


def _text(value: Scalar) -> str | etree.CDATA:
    if isinstance(value, _CData):
        return etree.CDATA(str(value))
    if value is None:
        return ""  # an empty element is written <A></A>, as the service does
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))
