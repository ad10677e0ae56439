"""Load every available treaty text named by the catalog, verify its structure.

One bad file never stops the others: its problem is recorded as one line naming the
file, and the rest of the corpus loads.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from . import config
from .catalog import CatalogEntry, Expected, catalog_entry, load_catalog, un_pdf_headings
from .errors import CorpusError
from .laws_markdown import parse_laws_markdown
from .model import Document, Treaty
from .text_layout import read_text, read_text_blocks
from .un_pdf import Headings, parse_un_blocks, parse_un_pdf

SUPPORTED_SUFFIXES = {".pdf", ".md", ".txt"}


@dataclass
class Corpus:
    """The loaded treaties (one per id and language), their documents and what went wrong."""

    treaties: dict[tuple[str, str], Treaty] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)

    def get(self, treaty_id: str, language: str = "en") -> Treaty | None:
        """The treaty in that language, or None if it is not loaded."""
        return self.treaties.get((treaty_id, language))

    def languages(self, treaty_id: str) -> list[str]:
        """Loaded languages of a treaty, English first."""
        langs = [lang for (tid, lang) in self.treaties if tid == treaty_id]
        return sorted(langs, key=lambda lang: (lang != "en", lang))


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def registry_path(data_dir: Path | None = None) -> Path:
    """Where fetched and added files are registered."""
    return (data_dir or config.data_dir()) / "corpus" / "registry.json"


def read_registry(data_dir: Path | None = None) -> dict[str, dict]:
    """Registered user files: {"<treaty>/<lang>": {"file": ..., "sha256": ..., ...}}; {} when unusable."""
    return _registry(data_dir)[0]


def registry_problem(data_dir: Path | None = None) -> str | None:
    """One line saying why the registry is being ignored, or None when it is fine (or absent)."""
    return _registry(data_dir)[1]


def _registry(data_dir: Path | None) -> tuple[dict[str, dict], str | None]:
    path = registry_path(data_dir)
    fix = "registered files are ignored until you repair it, or delete it and register them again with `python -m index add`"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, f"{path}: cannot read the file ({exc.strerror}); {fix}"
    except UnicodeDecodeError:
        return {}, f"{path}: not UTF-8 text; {fix}"
    except ValueError:
        return {}, f"{path}: not valid JSON; {fix}"
    if not isinstance(data, dict):
        return {}, f"{path}: holds a JSON {type(data).__name__}, not an object of registered files; {fix}"
    # Entries we cannot use (hand-edited, or pointing outside the corpus folder) are skipped, not trusted.
    good = {k: v for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("file"), str)
            and v["file"] and "/" not in v["file"] and v["file"] not in (".", "..")}
    if len(good) != len(data):
        return good, f"{path}: {len(data) - len(good)} entries lack a plain file name and are ignored; {fix}"
    return good, None


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old or the whole new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_path(entry: CatalogEntry, language: str, corpus_dir: Path | None = None,
                data_dir: Path | None = None) -> Path | None:
    """The file holding this language version: shared corpus first, then registered files."""
    corpus_dir = corpus_dir or config.corpus_dir()
    if language in entry.sources and (corpus_dir / entry.sources[language]).exists():
        return corpus_dir / entry.sources[language]
    reg = read_registry(data_dir).get(f"{entry.id}/{language}")
    if reg:
        path = (data_dir or config.data_dir()) / "corpus" / reg["file"]
        if path.exists():
            return path
    return None


def parse_file(path: Path, entry: CatalogEntry, language: str) -> tuple[Treaty, Document | None]:
    """Parse any supported treaty file (PDF, laws-markdown, UN-layout text) for one entry."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(path, f"unsupported file type {suffix or '(none)'}; use .pdf, .md or .txt")
    key = (str(path), path.stat().st_mtime_ns, path.stat().st_size, entry.id, language, entry.short_title)
    return _parse_cached(key)


@lru_cache(maxsize=32)
def _parse_cached(key: tuple) -> tuple[Treaty, Document | None]:
    path_s, _, _, treaty_id, language, short_title = key
    path = Path(path_s)
    if path.suffix.lower() == ".pdf":
        headings = un_pdf_headings(language)
        if headings is None:
            raise CorpusError(path, f"headings of {language!r} UN PDFs are not supported; cannot verify its structure")
        result = parse_un_pdf(path, treaty_id=treaty_id, language=language, short_title=short_title, headings=headings)
        return result.treaty, result.resolution
    text = read_text(path)
    if re.search(r"^###\s*(Article|Artikel)\s+\d+\s*$", text, re.M):
        return parse_laws_markdown(path, treaty_id=treaty_id, language=language, short_title=short_title), None
    headings = un_pdf_headings(language) or Headings()
    result = parse_un_blocks(path, read_text_blocks(path), {}, lambda b, start=0: b.text(start), 0,
                             treaty_id=treaty_id, language=language, short_title=short_title, headings=headings)
    return result.treaty, result.resolution


def structure_problems(treaty: Treaty, expected: Expected) -> list[str]:
    """How a parsed treaty differs from the structure its catalog entry requires."""
    counts = treaty.counts()
    problems = []
    for key in ("articles", "chapters", "notes"):
        want = getattr(expected, key)
        if counts[key] != want:
            problems.append(f"{counts[key]} {key}, expected {want}")
    if expected.preamble and not treaty.preamble:
        problems.append("no preamble")
    return problems


def load_verified(path: Path, entry: CatalogEntry, language: str) -> tuple[Treaty, Document | None]:
    """Parse a file and check it against the catalog; CorpusError naming the file otherwise."""
    treaty, document = parse_file(path, entry, language)
    problems = structure_problems(treaty, entry.expected)
    if problems:
        raise CorpusError(path, f"does not match catalog entry {entry.id} ({language}): " + "; ".join(problems))
    return treaty, document


def load_corpus(corpus_dir: Path | None = None, data_dir: Path | None = None) -> Corpus:
    """Every catalog treaty and language that has a readable, well-formed source."""
    corpus = Corpus()
    problem = registry_problem(data_dir)
    if problem:
        corpus.problems.append(problem)
    for entry in load_catalog():
        for language in entry.languages:
            path = source_path(entry, language, corpus_dir, data_dir)
            if path is None:
                corpus.missing.append({"id": entry.id, "language": language, "how": _how_to_get(entry, language)})
                continue
            try:
                treaty, document = load_verified(path, entry, language)
            except CorpusError as exc:
                corpus.problems.append(str(exc))
                continue
            except OSError as exc:
                corpus.problems.append(f"{path}: cannot read the file ({exc.strerror})")
                continue
            corpus.treaties[(entry.id, language)] = treaty
            corpus.sources[(entry.id, language)] = path
            if document is not None:
                corpus.documents[document.id] = document
    return corpus


def _how_to_get(entry: CatalogEntry, language: str) -> str:
    if "pdf" in entry.official_urls:
        return f"python -m index fetch {entry.id} --lang {language}"
    return f"python -m index add FILE --treaty {entry.id} --lang {language}"


def register_file(src: Path, treaty_id: str, language: str, data_dir: Path | None = None,
                  origin: str = "added") -> tuple[Treaty, Path]:
    """Verify a user's file against the catalog, then copy it into the data dir and register it.

    Nothing is written unless the file parses to the catalog's structure.
    """
    entry = catalog_entry(treaty_id)
    if language not in entry.languages:
        raise CorpusError(src, f"{treaty_id} has no {language!r} version in the catalog (languages: {', '.join(entry.languages)})")
    if not src.exists() or not src.is_file():
        raise CorpusError(src, "no such file")
    treaty, _ = load_verified(src, entry, language)
    return treaty, store_file(src.read_bytes(), src.suffix, treaty_id, language, data_dir, origin=origin, verified=True)


def store_file(content: bytes, suffix: str, treaty_id: str, language: str, data_dir: Path | None = None, *,
               origin: str, verified: bool) -> Path:
    """Write a treaty file into the data dir and record it (with its sha256) in the registry."""
    data_dir = data_dir or config.data_dir()
    dest = data_dir / "corpus" / f"{treaty_id}-{language}{suffix.lower()}"
    write_atomic(dest, content)
    registry = read_registry(data_dir)
    registry[f"{treaty_id}/{language}"] = {
        "file": dest.name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "origin": origin,
        "verified": verified,
        "registered": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    write_atomic(registry_path(data_dir), json.dumps(registry, indent=2).encode())
    return dest
