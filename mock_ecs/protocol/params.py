"""Reading typed API parameters, with the service's errors for bad values (spec §1)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mock_ecs.protocol import errors

Params = Mapping[str, str]

_BOOLEANS = {"true": True, "false": False}


def required(params: Params, name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise errors.MISSING_PARAMETER(name=name)
    return value


def boolean(params: Params, name: str, default: bool = False) -> bool:
    """``true``/``false`` in any case (Python SDKs send ``True``, Node ``true``)."""
    if name not in params:
        return default
    value = _BOOLEANS.get(params[name].lower())
    if value is None:
        raise errors.INVALID_PARAMETER(name=name)
    return value


def choice(params: Params, name: str, choices: Sequence[str], default: str) -> str:
    value = params.get(name, default)
    if value not in choices:
        raise errors.INVALID_PARAMETER(name=name)
    return value


def repeated(params: Params, name: str) -> list[str]:
    """``Name.1 … Name.N`` in the order of N as a number (``.10`` follows ``.9``).

    Other keys are unknown parameters, ignored like any other: ``Name.x``, non-ASCII digits,
    and numbers too long for any real list (``int`` refuses past 4,300 digits).
    """
    pattern = re.compile(rf"{re.escape(name)}\.([0-9]{{1,9}})", re.ASCII)
    numbered: list[tuple[int, str]] = []
    for key, value in params.items():
        match = pattern.fullmatch(key)
        if match is not None:
            numbered.append((int(match.group(1)), value))
    return [value for _, value in sorted(numbered, key=lambda entry: entry[0])]
