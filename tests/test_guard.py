"""The guard in front of the app, over real HTTP: Host allow-list, security headers, no uploads, /healthz,
the rate limit (on its own app instance with a low limit), and the start-up server's readiness state."""
from __future__ import annotations

import socket
import time

import httpx
import pytest

from server.guard import RateLimiter, host_allowed, host_name
from server.starting import StartingServer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("header, allowed", [
    ("127.0.0.1:7860", True), ("localhost", True), ("LOCALHOST.:80", True), ("[::1]:7860", True),
    ("evil.example", False), ("evil.example:7860", False), ("127.0.0.1.evil.example", False), ("", False),
    ("localhost@evil.example", False),
])
def test_host_allow_list_by_name(header, allowed):
    assert host_allowed(header, ("127.0.0.1", "localhost", "::1")) is allowed
    assert host_allowed(header, ("*",)) is True
    assert host_name("[::1]:80") == "::1" and host_allowed("a.example.org", ("*.example.org",))


def test_rate_limiter_buckets():
    limiter = RateLimiter(rate=2, burst=3)
    assert [limiter.allow("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0.0)  # per client
    assert limiter.allow("a", now=0.5) and not limiter.allow("a", now=0.5)  # 2 a second refill
    assert all(RateLimiter(rate=0, burst=1).allow("a", now=0.0) for _ in range(100))  # 0: no limit


@pytest.mark.parametrize("host", ["evil.example", "evil.example:7860", "127.0.0.1.nip.io"])
@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/config"), ("POST", "/gradio_api/run/lookup")])
def test_foreign_host_headers_are_refused(app_url, host, method, path):
    response = httpx.request(method, app_url.rstrip("/") + path, headers={"Host": host}, json={"data": ["Art. 35"]})
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "host_not_allowed", "message":
                               "this server does not answer for that Host header; add the name to TREATY_QA_ALLOWED_HOSTS to serve it"}}


def test_security_headers_on_the_page_and_the_api(app_url):
    for response in (httpx.get(app_url), httpx.post(f"{app_url}gradio_api/run/lookup", json={"data": ["Art. 35"]}),
                     httpx.get(f"{app_url}healthz")):
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/gradio_api/upload/", "//gradio_api//upload", "/upload",
                                  "/gradio_api/upload?upload_id=x"])
def test_uploads_are_refused(app_url, path):
    response = httpx.post(app_url.rstrip("/") + path, files={"files": ("big.bin", b"\0" * 1_000_000)})
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "uploads_disabled",
                                        "message": "uploads are disabled: nothing in this app takes a file"}


def test_healthz_reports_build_model_and_counts(app_url, qa):
    response = httpx.get(f"{app_url}healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True and body["state"] == "ready"
    assert body["build"] == qa.index.path.name and body["model"].startswith("multilingual-e5-small")
    assert body["counts"]["chunks"] == len(qa.index.chunks) > 0
    assert body["counts"]["texts"] == 7 and body["counts"]["treaties"] == 4 and body["counts"]["languages"] == ["en", "nl"]


def test_the_rate_limit_answers_429_with_a_clear_line(qa):
    from app import serve

    port = _free_port()
    page = serve(qa, "127.0.0.1", port, block=False, rate=1, burst=3)
    try:
        url = f"http://127.0.0.1:{port}/gradio_api/run/lookup"
        # Gradio's own start-up check may have taken a token or two of the burst of 3.
        codes = [httpx.post(url, json={"data": ["Art. 35"]}).status_code for _ in range(6)]
        answered = codes.count(200)
        assert 1 <= answered <= 3 and codes == [200] * answered + [429] * (6 - answered), codes
        refused = httpx.post(url, json={"data": ["Art. 35"]})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        assert refused.json()["error"] == {"code": "rate_limited", "message": "too many requests from your address "
                                           "(at most 1 a second, 3 at once); wait a few seconds and try again"}
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200  # health checks are not limited
        time.sleep(1.1)  # one token back after a second
        assert httpx.post(url, json={"data": ["Art. 35"]}).status_code == 200
    finally:
        page.close()


def test_the_starting_server_says_building_then_gives_the_port_back():
    port = _free_port()
    starting = StartingServer("127.0.0.1", port, ("127.0.0.1",)).start()
    try:
        starting.update("building the index (corrupt: index pointer CURRENT is not UTF-8 text)", 0.0)
        starting.update("embedding chunks 64/934", 0.12)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 503
        assert health.json() == {"ready": False, "state": "building", "stage": "embedding chunks 64/934", "progress": 0.12}
        page = httpx.post(f"http://127.0.0.1:{port}/gradio_api/run/ask", json={"data": ["x"]})
        assert page.status_code == 503 and page.headers["retry-after"] == "30"
        assert page.json()["error"]["code"] == "starting" and "try again in a minute" in page.json()["error"]["message"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": "evil.example"}).status_code == 400
        starting.update("index ready: 934 chunks", 1.0)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json()["state"] == "loading"
    finally:
        starting.stop()
    with socket.socket() as again:  # the port is free for the app (which binds with SO_REUSEADDR, as uvicorn does)
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()
