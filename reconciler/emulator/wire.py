"""Wire format of the TikTok Business API v1.3, as the emulator speaks it.

No I/O. The envelope is `{code, message, request_id, data}`; business errors are HTTP 200 with a
non-zero code and `data: {}` (api-behavior.md section 1). GET parameters that are arrays or objects
arrive as JSON strings in the query (the official SDK's `parameters_to_tuples`); a plain value where an
array is expected is answered `40002 "<name>: Field must be set to array"`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

JSON = dict[str, Any]

# Codes from the SDK's tiktok_code.py; messages only where a real one was observed (api-behavior.md 2).
OK = 0
PERMISSION_ERROR = 40001
PARAM_ERROR = 40002
DUPLICATED_REQUEST = 40050
REQUEST_TOO_FREQUENT = 40100
REQUEST_FREQUENCY_LIMITED = 40132
TOO_MANY_REQUESTS_BL = 61000
EMPTY_ACCESS_TOKEN = 40104
INVALID_ACCESS_TOKEN = 40105
NOT_IN_WHITELIST = 40118
ROUTE_NOT_FOUND = 40400
INTERFACE_OFFLINE = 41001
SYS_ERROR = 50000
SYS_TIMEOUT = 50002

MSG_TOO_MANY = "Too many requests. Please retry in some time."
MSG_BAD_TOKEN = "Access token is incorrect or has been revoked."
MSG_SYS_ERROR = "System error."
# Observed in a third-party client, likely 50002 (api-behavior.md 2: "not confirmed").
MSG_SYS_TIMEOUT = "Internal service timed out. Please retry in sometime."

TIME_FMT = "%Y-%m-%d %H:%M:%S"
_UTC8 = dt.timezone(dt.timedelta(hours=8))


class ApiError(Exception):
    """A business error: answered as HTTP 200 with this code and message and `data: {}`."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


def param_error(path: str, reason: str) -> ApiError:
    """40002 with TikTok's observed message pattern `<json.path>: <reason>`."""
    return ApiError(PARAM_ERROR, f"{path}: {reason}")


def new_request_id(now_utc: dt.datetime | None = None) -> str:
    """14-digit UTC+8 timestamp + 20 uppercase hex characters, as observed on real answers."""
    moment = now_utc or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_UTC8).strftime("%Y%m%d%H%M%S") + secrets.token_hex(10).upper()


def envelope(code: int, message: str, data: Any, request_id: str | None = None) -> JSON:
    return {
        "code": code,
        "message": message,
        "request_id": request_id or new_request_id(),
        "data": data if data is not None else {},
    }


def drop_nulls(value: Any) -> Any:
    """`x-open-settings.pop_resp_nullvalue: true` on every smart_plus operation: nulls are dropped."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value if v is not None]
    return value


def format_time(moment: dt.datetime) -> str:
    return moment.strftime(TIME_FMT)


def parse_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, TIME_FMT)
    except ValueError:
        return None


class Query:
    """Typed access to GET query parameters, with TikTok's JSON-in-query encoding."""

    def __init__(self, params: dict[str, str]) -> None:
        self.params = params

    def has(self, name: str) -> bool:
        return name in self.params

    def keys(self) -> list[str]:
        return list(self.params)

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise param_error(name, "value is required but missing")
            return None
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise param_error(name, "Not a valid integer.") from None

    def array(self, name: str, *, required: bool = False) -> list[Any] | None:
        value = self._json(name, required, list, "array")
        return None if value is None else list(value)

    def object(self, name: str, *, required: bool = False) -> JSON | None:
        value = self._json(name, required, dict, "object")
        return None if value is None else dict(value)

    def _json(self, name: str, required: bool, kind: type, word: str) -> Any:
        """A JSON-encoded query parameter of one kind; TikTok's message when it is not."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            if required:
                raise param_error(name, "value is required but missing")
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise param_error(name, f"Field must be set to {word}") from None
        if not isinstance(value, kind):
            raise param_error(name, f"Field must be set to {word}")
        return value

    def paging(self, max_page_size: int, default_page_size: int = 10) -> tuple[int, int]:
        page = self.integer("page", 1)
        page_size = self.integer("page_size", default_page_size)
        assert page is not None and page_size is not None
        if page < 1:
            raise param_error("page", "Must be greater than or equal to 1.")
        if not 1 <= page_size <= max_page_size:
            raise param_error("page_size", f"Must be between 1 and {max_page_size}.")
        return page, page_size


def page_info(page: int, page_size: int, total: int) -> JSON:
    return {
        "page": page,
        "page_size": page_size,
        "total_number": total,
        "total_page": (total + page_size - 1) // page_size,
    }
