"""A refusal of the control plane with an error name of its own (``UnknownAction``)."""

from __future__ import annotations


class Refusal(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
