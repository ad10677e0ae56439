"""Plain words for the page: languages by name, never by code, and answer text without the engine's scores."""
from __future__ import annotations

import re

LANGUAGES = {"en": "English", "nl": "Dutch", "fr": "French", "es": "Spanish", "ru": "Russian", "zh": "Chinese", "ar": "Arabic"}
# The engine spells its scores into the abstention line for the CLI; the page shows them under "Details".
_SCORE = re.compile(r"\s*\(best match -?[\d.]+, below the [\d.]+ needed to answer\)")
_CODE = re.compile(r"'(" + "|".join(LANGUAGES) + r")'")
_AVAILABLE = re.compile(r"\(available: ([a-z, ]+)\)")
_COMMAND = re.compile(r"\s*\(run `[^`]*`\)")  # "(run `python -m index inspect`)": for administrators, not readers


def language_name(code: str) -> str:
    """A language in words ("Dutch"), never its code."""
    return LANGUAGES.get(code, code)


def without_scores(text: str) -> str:
    """Answer text without "(best match 0.10, below the 0.42 needed to answer)"."""
    return _SCORE.sub("", text)


def plain(line: str) -> str:
    """An engine notice in words: language codes such as 'nl' become "Dutch", commands are left out."""
    line = _COMMAND.sub("", line)
    line = _AVAILABLE.sub(lambda m: "(available in " + ", ".join(language_name(c.strip()) for c in m.group(1).split(",")) + ")", line)
    return _CODE.sub(lambda m: language_name(m.group(1)), line).strip()
