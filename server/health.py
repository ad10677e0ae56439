"""What GET /healthz reports: whether the app answers, which index build and model, and the counts."""
from __future__ import annotations

import time


def ready(qa, started: float) -> dict:
    """The health of an app serving an assistant (ready: true)."""
    manifest = qa.index.manifest
    return {
        "ready": True,
        "state": "ready",
        "build": qa.index.path.name,
        "built": manifest.get("built"),
        "model": manifest["model"]["id"],
        "counts": {
            "chunks": len(qa.index.chunks),
            "texts": len(qa.corpus.treaties),
            "treaties": len({tid for tid, _ in qa.corpus.treaties}),
            "articles": sum(len(t.articles) for t in qa.corpus.treaties.values()),
            "languages": sorted({lang for _, lang in qa.corpus.treaties}),
        },
        "uptime_seconds": round(time.monotonic() - started, 1),
    }


def starting(stage: str, fraction: float, building: bool) -> dict:
    """The health of an app still building or loading its index (ready: false)."""
    return {"ready": False, "state": "building" if building else "loading", "stage": stage, "progress": round(fraction, 3)}
