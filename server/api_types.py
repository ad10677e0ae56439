"""The API's arguments, declared once (pydantic, which Gradio brings): types, ranges, defaults, and the
one-line message for a value that does not fit."""
from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ApiError

MAX_K = 50


class AskArgs(BaseModel):
    """`/ask`: question, treaties, language, k, chapter (JSON types only: no "5" for 5, no 1.5)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    question: str
    treaties: list[str] | None = None
    language: str = "en"
    k: int = Field(5, ge=1, le=MAX_K)
    chapter: str | None = None


class LookupArgs(BaseModel):
    """`/lookup`: reference."""

    model_config = ConfigDict(strict=True, extra="forbid")
    reference: str


class CompareArgs(BaseModel):
    """`/compare`: reference (an article), with_treaty (a treaty id)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    reference: str
    with_treaty: str


# What each parameter must be, in words a caller can act on.
EXPECTED = {
    "question": "a string (your question)",
    "treaties": "a list of treaty ids (strings), or null for every treaty",
    "language": "a language code string such as \"en\" or \"nl\"",
    "k": f"a whole number from 1 to {MAX_K}",
    "chapter": "a chapter number as a string such as \"IV\", or null",
    "reference": "a string (a citation such as \"Art. 41(3)(e)\")",
    "with_treaty": "a treaty id string such as \"coe-budapest-2001\"",
}


def parameters(model: type[BaseModel]) -> list[str]:
    """The model's parameters in API order."""
    return list(model.model_fields)


def required(model: type[BaseModel]) -> int:
    """How many leading parameters have no default."""
    return sum(1 for f in model.model_fields.values() if f.is_required())


def defaults(model: type[BaseModel]) -> list:
    """The default of each parameter (None for a required one), as JSON values."""
    return [None if f.is_required() else f.default for f in model.model_fields.values()]


def parse(model: type[BaseModel], values: dict):
    """The validated arguments; ApiError("invalid_value") naming the first parameter that does not fit."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "arguments"
        value = values.get(name)
        raise ApiError("invalid_value", f"{name} = {_short(value)} is not valid: {name} must be "
                                        f"{EXPECTED.get(name, 'as documented')}") from None


def _short(value) -> str:
    # ASCII JSON, so a lone surrogate or control character shows as an escape, and cut to keep one short line.
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
