"""Errors a user can cause with a treaty file: always name the file (and page/line)."""
from __future__ import annotations

from pathlib import Path


class CorpusError(Exception):
    """A treaty file that cannot be read or does not have the structure it should."""

    def __init__(self, path: Path | str, problem: str, *, page: int | None = None, line: int | None = None):
        self.path = Path(path)
        self.problem = problem
        self.page = page
        self.line = line
        where = str(self.path)
        if page is not None:
            where += f", page {page}"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")
