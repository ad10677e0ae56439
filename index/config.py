"""All configuration in one place: environment variables, each overridable by a CLI flag.

| variable                  | default                         | meaning                                   |
|---------------------------|---------------------------------|-------------------------------------------|
| TREATY_QA_CORPUS_DIR      | <project>/../shared/corpus      | read-only treaty texts shipped beside us  |
| TREATY_QA_DATA_DIR        | <project>/data                  | fetched/added treaty files, built index   |
| TREATY_QA_FETCH_TIMEOUT   | 10                              | seconds before `index fetch` gives up     |
| TREATY_QA_HOST            | 127.0.0.1                       | interface the app listens on (--host)     |
| TREATY_QA_PORT            | 7860                            | port of the app (--port)                  |
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG_PATH = Path(__file__).resolve().parent / "catalog.json"


def corpus_dir() -> Path:
    """Directory of the shared, read-only treaty texts."""
    return Path(os.environ.get("TREATY_QA_CORPUS_DIR", PROJECT_ROOT.parent / "shared" / "corpus"))


def data_dir() -> Path:
    """Directory for files the product writes (fetched/added texts, the index)."""
    return Path(os.environ.get("TREATY_QA_DATA_DIR", PROJECT_ROOT / "data"))


def fetch_timeout() -> float:
    """Network timeout for `index fetch`, in seconds."""
    return float(os.environ.get("TREATY_QA_FETCH_TIMEOUT", "10"))


def app_host() -> str:
    """Interface the app listens on (env TREATY_QA_HOST); loopback unless asked otherwise."""
    return os.environ.get("TREATY_QA_HOST", "127.0.0.1")


def app_port() -> int:
    """Port of the app (env TREATY_QA_PORT)."""
    return int(os.environ.get("TREATY_QA_PORT", "7860"))
