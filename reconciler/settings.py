"""Connection settings from the environment. The token is never printed.

``TIKTOK_ACCESS_TOKEN`` (never a flag, never written anywhere) and
``TIKTOK_API_BASE_URL`` (default: TikTok production). ``Secret`` hides the
token from ``repr``/``str`` so it cannot leak through a log line, an error
message or a traceback's locals by accident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# The garbage collector's thresholds for a plan-sized process (pipeline.tune_gc says why; the CLI
# sets them before it imports a short-lived command's modules).
GC_THRESHOLDS = (1_000_000, 50, 1000)

DEFAULT_BASE_URL = "https://business-api.tiktok.com/open_api/v1.3/"
EMULATOR_BASE_URL = "http://emulator/open_api/v1.3/"
DEFAULT_RATE_LIMIT = 10.0
# Where --emulator keeps its state. Here (not only in adapters.connect) so that the command
# line can show it in --help without importing the HTTP client.
DEFAULT_EMULATOR_DB = ".smartplus/emulator.db"
DEMO_TOKEN = "demo-token"  # the emulator's seeded token: not a secret


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def scrub(self, text: str) -> str:
        return text.replace(self._value, "***") if self._value else text

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Settings:
    base_url: str
    token: Secret
    rate_limit: float = DEFAULT_RATE_LIMIT
    timeout: float = 30.0

    @classmethod
    def from_env(cls, *, rate_limit: float | None = None, emulator: bool = False) -> Settings:
        token = os.environ.get("TIKTOK_ACCESS_TOKEN", "")
        if emulator:
            return cls(
                base_url=EMULATOR_BASE_URL,
                token=Secret(token or DEMO_TOKEN),
                rate_limit=rate_limit or DEFAULT_RATE_LIMIT,
            )
        # An empty value (GitHub sets unset variables to "") means the default.
        base = os.environ.get("TIKTOK_API_BASE_URL") or DEFAULT_BASE_URL
        if not base.endswith("/"):
            base += "/"
        return cls(base_url=base, token=Secret(token), rate_limit=rate_limit or DEFAULT_RATE_LIMIT)
