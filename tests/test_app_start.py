"""`python app.py --data-dir ...` as an operator starts it: the port says "loading" (503) until the app is ready."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import httpx

from index import store
from index.config import PROJECT_ROOT


def test_app_reports_loading_then_ready_on_healthz(index_data_dir, corpus_dir, tmp_path):
    shutil.copytree(index_data_dir / "index", tmp_path / "data" / "index")  # with its caches: a start, not a first start
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TREATY_QA_")}
    app = subprocess.Popen([sys.executable, "app.py", "--data-dir", str(tmp_path / "data"), "--corpus-dir", str(corpus_dir),
                            "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    seen = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and app.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except httpx.TransportError:  # not listening yet, or the port passing from start-up server to app
                time.sleep(0.05)
                continue
            seen.append((response.status_code, response.json()))
            if response.status_code == 200:
                break
            time.sleep(0.05)
    finally:
        app.terminate()
        out, err = app.communicate(timeout=30)
    assert seen and seen[-1][0] == 200, (seen[-3:], err[-2000:])
    loading = [body for code, body in seen if code == 503]
    assert loading and loading[0]["ready"] is False and loading[0]["state"] == "loading"
    ready = seen[-1][1]
    assert ready["ready"] is True and ready["build"] == store.current_path(index_data_dir).name
    assert "Traceback" not in err
