"""Download another official language version of a UN treaty PDF and register it."""
from __future__ import annotations

import hashlib
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from . import config
from .catalog import catalog_entry, un_pdf_headings
from .corpus import register_file, store_file
from .errors import CorpusError


class FetchError(Exception):
    """The download could not be made or did not give a usable PDF."""


def official_pdf_url(treaty_id: str, language: str) -> str:
    """The official PDF address of a catalog treaty in a language."""
    entry = catalog_entry(treaty_id)
    template = entry.official_urls.get("pdf")
    if not template:
        raise FetchError(f"{treaty_id} has no downloadable official PDF in the catalog; use `python -m index add`")
    if language not in entry.languages:
        raise FetchError(f"{treaty_id} has no {language!r} version (languages: {', '.join(entry.languages)})")
    return template.format(lang=language)


def download(url: str, timeout: float) -> bytes:
    """GET a URL within `timeout` seconds; FetchError with one line on any failure."""
    request = urllib.request.Request(url, headers={"User-Agent": "treaty-qa/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot download {url}: {reason} (offline? the file can also be added with `python -m index add FILE`)") from exc


def fetch(treaty_id: str, language: str, data_dir: Path | None = None, timeout: float | None = None) -> str:
    """Download, verify and register a language version; returns a one-line summary."""
    url = official_pdf_url(treaty_id, language)
    content = download(url, config.fetch_timeout() if timeout is None else timeout)
    if not content.startswith(b"%PDF"):
        raise FetchError(f"{url} did not return a PDF")
    sha = hashlib.sha256(content).hexdigest()
    if un_pdf_headings(language) is None:
        # Structure cannot be checked for this script; keep the file with its checksum, unverified.
        dest = store_file(content, ".pdf", treaty_id, language, data_dir, origin=url, verified=False)
        return f"stored {dest} (sha256 {sha}); structure NOT verified: {language} headings are not supported"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{treaty_id}-{language}.pdf"
        path.write_bytes(content)
        try:
            treaty, dest = register_file(path, treaty_id, language, data_dir, origin=url)
        except CorpusError as exc:
            raise FetchError(f"downloaded {url} but it does not verify: {exc.problem}") from exc
    counts = treaty.counts()
    return f"stored {dest} (sha256 {sha}): {counts['articles']} articles, {counts['chapters']} chapters verified"
