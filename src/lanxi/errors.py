"""The exceptions Lanxi raises.

Validation collects every problem first and raises once, so a user sees the whole list of what to
fix in one go (the pattern of osmnx and of the monitoring issue's batch rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class LanxiError(Exception):
    """Base class of every error Lanxi raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input.

    Attributes
    ----------
    file : str
        The file (or table) the value came from.
    row : int | None
        1-based record or line number in that file; ``None`` for file-level problems.
    field : str | None
        Column or field name.
    message : str
        What is wrong and the expected form.
    value : object
        The offending value, when there is one.
    sheet : str | None
        Worksheet name, for Excel input.
    message_zh : str | None
        The same message in Chinese, shown to users of the Chinese interface; ``None`` where
        only the English text exists yet.
    """

    file: str
    row: int | None
    field: str | None
    message: str
    value: object = None
    sheet: str | None = None
    message_zh: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f" [sheet {self.sheet}]"
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (got {self.value!r})"
        return text


class ValidationError(LanxiError):
    """One or more problems in input data; nothing was written.

    Parameters
    ----------
    problems : Iterable[Problem]
        Every problem found (never empty).
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("ValidationError needs at least one problem")
        head = f"{len(self.problems)} problem(s) found; nothing was written:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class NotFoundError(LanxiError):
    """A named object (region, indicator, task, …) does not exist."""


class ConfigurationError(LanxiError):
    """Settings are missing or unsafe for the environment."""


class PermissionDenied(LanxiError):  # noqa: N818 - the name the issue and the API use
    """A user may not do what was asked; the message says which role or scope was missing.

    Parameters
    ----------
    reason : str
        Why the action was refused, and what would allow it.
    user : str, optional
        The user refused.
    action : str, optional
        The action refused.
    reason_zh : str, optional
        The reason in Chinese (the message of :attr:`message_zh`).
    """

    def __init__(
        self,
        reason: str,
        *,
        user: str | None = None,
        action: str | None = None,
        reason_zh: str | None = None,
    ) -> None:
        self.reason = reason
        self.reason_zh = reason_zh
        self.user = user
        self.action = action
        who = f"user '{user}'" if user else "this user"
        what = f" may not {action}" if action else " is refused"
        super().__init__(f"{who}{what}: {reason}")

    @property
    def message_zh(self) -> str | None:
        """The refusal in Chinese, when the reason has a Chinese text."""
        if self.reason_zh is None:
            return None
        who = f"用户“{self.user}”" if self.user else "此用户"
        return f"{who}无权操作：{self.reason_zh}"
