"""The port's answer while the index is built or loaded, before the Gradio app exists: GET /healthz says
{"ready": false, "state": "building"|"loading", ...} with 503, anything else a 503 "starting" error.

The stdlib server is enough: it answers a handful of requests for a minute or two, then gives the port
to the app (Gradio needs the loaded assistant to lay out its page, so it cannot start first).
"""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import health
from .errors import ApiError, error_body
from .guard import SECURITY_HEADERS, host_allowed


class StartingServer:
    """Serves the start-up state on host:port in a thread until stop()."""

    def __init__(self, host: str, port: int, allowed_hosts: tuple[str, ...]):
        self.stage, self.fraction, self.building = "loading the index", 0.0, False
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                if not host_allowed(self.headers.get("Host"), allowed_hosts):
                    error = ApiError("host_not_allowed", "this server does not answer for that Host header; "
                                                         "add the name to TREATY_QA_ALLOWED_HOSTS to serve it")
                    return self._send(error.status, error_body(error.code, error.message))
                if self.path.split("?")[0].rstrip("/") == "/healthz":
                    return self._send(503, json.dumps(health.starting(owner.stage, owner.fraction, owner.building)).encode())
                error = ApiError("starting", f"the app is starting ({owner.stage}); try again in a minute")
                self._send(error.status, error_body(error.code, error.message), retry=True)

            do_POST = do_HEAD = do_GET  # noqa: N815

            def _send(self, status: int, body: bytes, retry: bool = False):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if retry:
                    self.send_header("Retry-After", "30")
                for name, value in SECURITY_HEADERS:
                    self.send_header(name.decode(), value.decode())
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def log_message(self, *args):  # the console shows build progress, not every probe
                pass

        class Server(ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
            allow_reuse_address = True  # as uvicorn does, so the app can take the port straight after
            daemon_threads = True

        self.server = Server((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="starting-server", daemon=True)

    def start(self) -> "StartingServer":
        """Begin answering."""
        self.thread.start()
        return self

    def update(self, stage: str, fraction: float) -> None:
        """Record the latest progress line, shown by /healthz."""
        if stage.startswith("building the index"):
            self.building = True
        elif stage.startswith("index ready"):
            self.building = False
        self.stage, self.fraction = stage, fraction

    def stop(self) -> None:
        """Stop answering and free the port for the app."""
        self.server.shutdown()
        self.server.server_close()
