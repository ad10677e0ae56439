"""A small ASGI middleware in front of the Gradio app: Host allow-list, security headers, per-client
rate limit, no uploads, GET /healthz, and the structured error for the plain-HTTP API.

Gradio offers none of these as settings, and each is a few lines over the raw ASGI messages; a
library (e.g. Starlette's TrustedHostMiddleware) would cover only the first and answer in its own format.
"""
from __future__ import annotations

import json
import re
import threading
import time
from typing import Callable

from .api_types import AskArgs, CompareArgs, LookupArgs, defaults, parameters, required
from .errors import INTERNAL_MESSAGE, STATUS, ApiError, error_body

# Gradio's page runs inline scripts and styles and compiles components' js_on_load code at run time,
# hence 'unsafe-inline' and 'unsafe-eval'; everything else comes from this origin only.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
       "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
MAX_API_BODY = 256 * 1024  # a 2,000-character question is at most ~12 KB of JSON, even fully \u-escaped
API = {"ask": AskArgs, "lookup": LookupArgs, "compare": CompareArgs}
_API_PATH = re.compile(r"^/gradio_api/(run|api|call|call/v2)/(ask|lookup|compare)$")
_STATIC = re.compile(r"/(assets|static)/|\.(js|mjs|css|map|woff2?|ttf|svg|png|ico|jpg|webp)$")


def host_name(value: str) -> str:
    """The name in a Host header, without port, brackets or trailing dot, lower-cased."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def host_allowed(value: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether a Host header names this service (exact names; "*" allows any, "*.x.org" any subdomain)."""
    if "*" in allowed:
        return True
    if not value:
        return False
    name = host_name(value)
    return any(name == a or (a.startswith("*.") and name.endswith(a[1:])) for a in allowed)


class RateLimiter:
    """Per-client token buckets: `burst` requests at once, refilled at `rate` per second."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, time of last update)
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        """Take one token for this client; False when it has none left."""
        if self.rate <= 0:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, then = self._buckets.get(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            if len(self._buckets) > 10_000:
                self._forget_full(now)
        return allowed

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled completely says nothing a new bucket would not; dropping it bounds memory.
        full = self.burst / self.rate
        for client, (_, then) in list(self._buckets.items()):
            if now - then >= full:
                del self._buckets[client]


class Guard:
    """ASGI middleware wrapping the Gradio app (see the module docstring)."""

    def __init__(self, app, allowed_hosts: tuple[str, ...], limiter: RateLimiter, health: Callable[[], dict]):
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.limiter = limiter
        self.health = health

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if scope["type"] == "http":
            send = _with_security_headers(send)
        if not host_allowed(headers.get(b"host", b"").decode("latin-1"), self.allowed_hosts):
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await _error(send, ApiError("host_not_allowed", "this server does not answer for that Host header; "
                                                                   "add the name to TREATY_QA_ALLOWED_HOSTS to serve it"))
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)
        path = re.sub(r"/{2,}", "/", scope["path"]).rstrip("/") or "/"
        if path == "/healthz":
            body = self.health()
            return await _json(send, 200 if body.get("ready") else 503, json.dumps(body).encode())
        if path.rsplit("/", 1)[-1] == "upload":
            return await _error(send, ApiError("uploads_disabled", "uploads are disabled: nothing in this app takes a file"))
        if not _STATIC.search(path) and not self.limiter.allow(_client(scope)):
            return await _error(send, ApiError("rate_limited", f"too many requests from your address (at most "
                                               f"{self.limiter.rate:g} a second, {self.limiter.burst} at once); "
                                               "wait a few seconds and try again"), retry_after=max(1, round(1 / self.limiter.rate)))
        api = _API_PATH.match(path)
        if api and scope["method"] == "POST":
            return await self._api(scope, receive, send, api.group(1), API[api.group(2)])
        return await self.app(scope, receive, send)

    async def _api(self, scope, receive, send, route: str, model):
        """Check the request's shape, fill in defaults; on /run and /api turn errors into the structured form."""
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_API_BODY:
                return await _error(send, ApiError("too_large", f"the request body is over {MAX_API_BODY // 1024} KB; "
                                                                "send one question of at most 2,000 characters"))
        try:
            payload = _complete(json.loads(body), model)
        except ApiError as exc:
            return await _error(send, exc)
        except ValueError:  # not JSON, or not UTF-8
            return await _error(send, ApiError("invalid_request", 'the body is not JSON; send {"data": [...]} '
                                                                  "with Content-Type: application/json"))
        replay = json.dumps(payload).encode()
        sent = False

        async def replayed():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": replay, "more_body": False}
            return await receive()

        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"content-length"]
                 + [(b"content-length", str(len(replay)).encode())]}
        if route in ("run", "api"):
            send = _structured_errors(send)
        return await self.app(scope, replayed, send)


def _complete(payload, model) -> dict:
    """The request with every parameter present (defaults filled in); ApiError when its shape is wrong."""
    names = parameters(model)
    usage = f"({', '.join(names)})"
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise ApiError("invalid_request", f'the body must be a JSON object {{"data": [...]}} holding {usage}')
    data = payload["data"]
    if not required(model) <= len(data) <= len(names):
        want = f"{required(model)} to {len(names)}" if required(model) < len(names) else f"{len(names)}"
        raise ApiError("invalid_request", f"data holds {len(data)} values; send {want}: {usage}")
    return {**payload, "data": data + defaults(model)[len(data):]}


def _client(scope) -> str:
    # The peer address: behind a proxy that is the proxy (README, "Running it for others").
    client = scope.get("client")
    return client[0] if client else "unknown"


def _with_security_headers(send):
    async def sending(message):
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            message = {**message, "headers": [*message.get("headers", []),
                                              *[(k, v) for k, v in SECURITY_HEADERS if k not in present]]}
        await send(message)
    return sending


def _structured_errors(send):
    """Gradio answers every failed call with 500 {"error": message | null, "title": ...}; a user error carries
    its code as the title, so it becomes its 4xx; anything else is a fault: 500 with a fixed message."""
    start = None
    chunks = []

    async def sending(message):
        nonlocal start
        if message["type"] == "http.response.start" and message["status"] == 500:
            start = message
            return
        if start is None:
            return await send(message)
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        try:
            gradio = json.loads(b"".join(chunks))
        except ValueError:
            gradio = {}
        code = gradio.get("title") if isinstance(gradio, dict) else None
        if code in STATUS and isinstance(gradio.get("error"), str):
            error = ApiError(code, gradio["error"])
        else:
            error = ApiError("internal", INTERNAL_MESSAGE)
        body = error_body(error.code, error.message)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"content-type")]
        await send({**start, "status": error.status,
                    "headers": headers + [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body, "more_body": False})
    return sending


async def _json(send, status: int, body: bytes, extra: list | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(extra or [])]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _error(send, error: ApiError, retry_after: int | None = None) -> None:
    extra = [(b"retry-after", str(retry_after).encode())] if retry_after else []
    await _json(send, error.status, error_body(error.code, error.message), extra)
