"""Read a plain-text or markdown treaty file into printed blocks (blank-line separated)."""
from __future__ import annotations

import re
from pathlib import Path

from .errors import CorpusError
from .pdf_layout import Block, Line


def read_text(path: Path) -> str:
    """The file's text; CorpusError for unreadable, empty, binary or non-UTF-8 files."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(path, f"cannot read the file ({exc.strerror})") from exc
    if not raw.strip():
        raise CorpusError(path, "the file is empty")
    if b"\x00" in raw[:4096]:
        raise CorpusError(path, "binary data, not a text treaty file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"not UTF-8 text (byte {exc.start})") from exc


def read_text_blocks(path: Path) -> list[Block]:
    """Blank-line separated blocks; markdown heading marks and emphasis are dropped."""
    blocks: list[Block] = []
    current: list[Line] = []
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        line = re.sub(r"^#+\s*", "", raw.strip()).replace("**", "")
        if not line:
            if current:
                blocks.append(Block(current, indented=None))  # type: ignore[arg-type]
                current = []
            continue
        current.append(Line(0, 0.0, 0.0, 0.0, False, line, source_line=number))
    if current:
        blocks.append(Block(current, indented=None))  # type: ignore[arg-type]
    return blocks
