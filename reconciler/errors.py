"""One error tree for the whole tool.

Every error a user can see carries a one-line summary, an optional detail, an
optional location and an optional hint. The command line prints them without a
traceback (``--debug`` shows one). Errors never hold the access token: the API
adapter scrubs it before raising.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a problem is: the rendered file and line, the path in the document,
    and, for templates, the template file and line it came from."""

    file: str | None = None
    line: int | None = None
    path: str | None = None
    template: str | None = None
    template_line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.template and (self.template != self.file or self.template_line != self.line):
            where += f" (template {self.template}"
            if self.template_line is not None:
                where += f":{self.template_line}"
            where += ")"
        if self.path:
            where += f": {self.path}"
        return where


@dataclass(frozen=True)
class Problem:
    """One broken rule in a manifest. ``rule`` is a short stable id."""

    location: Location
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.rule}: {self.message}"


class SmartplusError(Exception):
    """Base of every error the tool reports to a user. Exit code 1."""

    exit_code = 1

    def __init__(
        self,
        summary: str,
        detail: str | None = None,
        location: Location | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(summary)
        self.summary = summary
        self.detail = detail
        self.location = location
        self.hint = hint

    def render(self) -> str:
        head = f"Error: {self.summary}"
        if self.location is not None:
            head = f"Error: {self.location}: {self.summary}"
        lines = [head]
        if self.detail:
            lines.extend("  " + ln for ln in self.detail.splitlines())
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)


class ManifestError(SmartplusError):
    """Manifests that cannot be rendered, parsed or validated. Holds every problem found."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = problems
        n = len(problems)
        super().__init__(
            summary or f"{n} problem{'s' if n != 1 else ''} in the manifests",
            detail="\n".join(str(p) for p in problems),
        )

    def render(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"Error: {self.summary}")
        return "\n".join(lines)


class IdentityError(SmartplusError):
    """The manifests cannot be matched to live objects unambiguously."""


class PlanError(SmartplusError):
    """A saved plan cannot be read, or is refused (expired, stale, other manifests)."""


class ApplyError(SmartplusError):
    """Apply stopped: some changes were not made."""


@dataclass
class ApiErrorInfo:
    code: int
    message: str
    request_id: str | None = None
    endpoint: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


class ApiError(SmartplusError):
    """TikTok answered with a non-zero ``code`` (or the transport failed)."""

    def __init__(self, info: ApiErrorInfo, retryable: bool = False) -> None:
        self.info = info
        self.retryable = retryable
        where = f" on {info.endpoint}" if info.endpoint else ""
        rid = f" (request_id {info.request_id})" if info.request_id else ""
        super().__init__(f"TikTok API error {info.code}{where}: {info.message}{rid}")


class AuthError(ApiError):
    """The token is missing, wrong, expired, or lacks access (40001, 40102, 40104, 40105, 40118)."""


class TransportError(ApiError):
    """The request did not get an answer: timeout, dropped connection, HTTP 5xx."""
