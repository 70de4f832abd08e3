"""What the pytest plugin raises.

MockEcsError
 ├── ControlPlaneError   the control plane answered with an error (its status, name, message)
 └── SdkNotInstalled     a client was asked for whose official SDK is not installed
"""

from __future__ import annotations


class MockEcsError(Exception):
    pass


class ControlPlaneError(MockEcsError):
    def __init__(self, method: str, path: str, status: int, error: str, message: str) -> None:
        super().__init__(f"{method} {path}: {status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message


class SdkNotInstalled(MockEcsError, ImportError):
    def __init__(self, what: str, package: str) -> None:
        super().__init__(f"{what} needs the {package!r} package: pip install {package}")
        self.package = package
