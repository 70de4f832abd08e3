"""The ECS product's error codes (spec §3, §4), named after the real codes.

Generic gateway and parameter errors (``MissingRegionId``, ``InvalidParameter``) are in
``mock_ecs.protocol.errors``.
"""

from __future__ import annotations

from mock_ecs.protocol.errors import ErrorSpec

INVALID_REGION_ID_NOT_FOUND = ErrorSpec(
    404, "InvalidRegionId.NotFound", "The specified RegionId does not exist."
)
# The service answers a missing InstanceId.N with this odd pair of code and status.
INSTANCE_ID_NULL = ErrorSpec(403, "InvalidInstanceId.NotFound", "InstanceId should not be null.")
TOO_MANY_INSTANCE_IDS = ErrorSpec(
    403, "InvalidParameter.TooManyInstanceIds", "Instance ids cannot be more than 100."
)
INSTANCE_IDS_MALFORMED = ErrorSpec(
    403, "Abs.InvalidInstanceIds.MalFormed", "The specified instanceIds is not valid."
)
INVALID_INSTANCE_ID_NOT_FOUND = ErrorSpec(
    404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist."
)
INSTANCE_LOCKED_FOR_SECURITY = ErrorSpec(
    403,
    "InstanceLockedForSecurity",
    "The specified operation is denied as your instance is locked for security reasons.",
)
INSTANCE_EXPIRED_OR_IN_ARREARS = ErrorSpec(
    403,
    "InstanceExpiredOrInArrears",
    "The specified operation is denied as your prepay instance is expired (prepay mode) "
    "or in arrears (afterpay mode).",
)
INSUFFICIENT_BALANCE = ErrorSpec(403, "InsufficientBalance", "Your account does not have enough balance.")
INSTANCE_NOT_READY = ErrorSpec(403, "InstanceNotReady", "The specified instance is not ready for use.")
INCORRECT_INSTANCE_STATUS = ErrorSpec(
    403, "IncorrectInstanceStatus", "The current status of the resource does not support this operation."
)
DRYRUN_SUCCESS = ErrorSpec(400, "DRYRUN.SUCCESS", "This request is a dryrun request with successful result.")
DRY_RUN_OPERATION = ErrorSpec(
    400, "DryRunOperation", "Request validation has been passed with DryRun flag set."
)

# -- DescribeInstances / DescribeInstanceStatus filters ------------------------------------
INVALID_ZONE_ID_NOT_FOUND = ErrorSpec(
    404, "InvalidZoneId.NotFound", "The ZoneId provided does not exist in our records."
)
INVALID_STATUS_NOT_FOUND = ErrorSpec(404, "InvalidStatus.NotFound", "The specified Status is not found")
INVALID_LOCK_REASON_NOT_FOUND = ErrorSpec(
    404, "InvalidLockReason.NotFound", "The specified LockReason is not found"
)
INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND = ErrorSpec(
    404, "InvalidInstanceChargeType.NotFound", "The InstanceChargeType does not exist in our records"
)
INVALID_INTERNET_CHARGE_TYPE = ErrorSpec(
    404, "InvalidInternetChargeType.ValueNotSupported", "The specified InternetChargeType is not valid"
)
INVALID_NETWORK_TYPE_NOT_FOUND = ErrorSpec(
    404, "InvalidNetworkType.NotFound", "The specified InstanceNetworkType is not found"
)
INVALID_TAG_MISMATCH = ErrorSpec(
    400, "InvalidTag.Mismatch", "The specified Tag.n.Key and Tag.n.Value are not match."
)
INVALID_TAG_COUNT = ErrorSpec(400, "InvalidTagCount", "The specified tags are beyond the permitted range.")
