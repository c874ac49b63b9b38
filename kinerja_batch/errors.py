"""Exceptions that stop a command. Problems in the data are findings, not exceptions.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations


class KinerjaError(Exception):
    """A problem that stops the command; the message is Indonesian and says how to fix it."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class SettingsError(KinerjaError):
    """kinerja.toml is missing or holds a value that is not allowed."""


class WorkspaceError(KinerjaError):
    """The folder is not a workspace, or init would overwrite one."""


class MasterError(KinerjaError):
    """master_indikator.xlsx cannot be used; ``details`` lists every error."""


class RunLockedError(KinerjaError):
    """Another run holds the workspace lock."""
