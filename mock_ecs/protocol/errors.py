"""Errors as data: one exception type, and a catalogue of the gateway's own codes.

    Exception
    ├── ApiError        an Alibaba error answer: HTTP status, Code, Message
    └── StateConflict   the stored state changed under a transaction; run it again

An :class:`ErrorSpec` is one catalogue entry; calling it with the placeholders of its code
and message makes the :class:`ApiError` to raise. Product errors (ECS) live in
``mock_ecs.ecs.errors``; both render through ``mock_ecs.protocol.render.render_error``.
Messages are the real service's, byte for byte (spec §2).
"""

from __future__ import annotations

from dataclasses import dataclass


class ApiError(Exception):
    def __init__(self, http_status: int, code: str, message: str) -> None:
        super().__init__(f"{http_status} {code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message


class StateConflict(Exception):
    """A check-and-set lost to a concurrent request: roll back and evaluate again."""


@dataclass(frozen=True)
class ErrorSpec:
    http_status: int
    code: str
    message: str

    def __call__(self, **fields: str) -> ApiError:
        return ApiError(self.http_status, self.code.format(**fields), self.message.format(**fields))


UNSUPPORTED_HTTP_METHOD = ErrorSpec(403, "UnsupportedHTTPMethod", "This HTTP method is not supported.")
INVALID_ACTION_NOT_FOUND = ErrorSpec(
    404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."
)
MISSING_PARAMETER = ErrorSpec(400, "Missing{name}", "{name} is mandatory for this action.")
INVALID_PARAMETER = ErrorSpec(400, "InvalidParameter", 'The specified parameter "{name}" is not valid.')
INVALID_PARAMETER_FORMAT = ErrorSpec(
    400, "InvalidParameter.Format", "Specified parameter format is not valid."
)
INCOMPLETE_SIGNATURE = ErrorSpec(
    400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."
)
INVALID_SIGNATURE_METHOD = ErrorSpec(
    400, "InvalidSignatureMethod", "Specified signature method is not valid."
)
INVALID_ACCESS_KEY_ID_NOT_FOUND = ErrorSpec(
    404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
)
INVALID_ACCESS_KEY_ID_INACTIVE = ErrorSpec(
    400, "InvalidAccessKeyId.Inactive", "Specified access key is disabled."
)
# The ':' before the string to sign matters: the classic Python SDK splits the message on it.
SIGNATURE_DOES_NOT_MATCH = ErrorSpec(
    400,
    "SignatureDoesNotMatch",
    "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}",
)
INVALID_TIMESTAMP_FORMAT = ErrorSpec(
    400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."
)
INVALID_TIMESTAMP_EXPIRED = ErrorSpec(
    400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
)
SIGNATURE_NONCE_USED = ErrorSpec(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
INVALID_SECURITY_TOKEN_EXPIRED = ErrorSpec(
    400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."
)
INVALID_SECURITY_TOKEN_MALFORMED = ErrorSpec(
    400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed."
)
INVALID_SECURITY_TOKEN_MISMATCH = ErrorSpec(
    400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."
)
# The gateway's flow-control family; a fault rule may inject any of them by code alone.
THROTTLING = ErrorSpec(400, "Throttling", "Request was denied due to request throttling.")
THROTTLING_USER = ErrorSpec(400, "Throttling.User", "Request was denied due to user flow control.")
THROTTLING_API = ErrorSpec(400, "Throttling.Api", "Request was denied due to api flow control.")
FORBIDDEN_RAM = ErrorSpec(
    403,
    "Forbidden.RAM",
    "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
)
INVALID_OPERATION_CONFLICT = ErrorSpec(
    409,
    "InvalidOperation.Conflict",
    "Request was denied due to conflict with a previous request, please try again later.",
)
SERVICE_UNAVAILABLE = ErrorSpec(
    503,
    "LimitedOperation.ServiceUnavailable",
    "The service is currently unavailable. Please try again later.",
)
# The gateway's own temporary failure (the ECS-specific one is LimitedOperation.ServiceUnavailable).
GATEWAY_SERVICE_UNAVAILABLE = ErrorSpec(
    503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."
)
INTERNAL_ERROR = ErrorSpec(
    500, "InternalError", "The request processing has failed due to some unknown error."
)
