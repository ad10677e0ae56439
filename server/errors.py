"""One mapping of the errors a caller can cause to an HTTP status and a JSON body ``{"error": {"code", "message"}}``."""
from __future__ import annotations

import json

# code -> HTTP status. The code travels as a gr.Error's title, so gradio_client callers get the same message.
STATUS = {
    "invalid_request": 400,   # the body is not {"data": [...]} or holds the wrong number of values
    "invalid_value": 422,     # a value of the wrong JSON type or out of range
    "bad_input": 400,         # well-typed but unusable: empty question, unknown treaty, not a citation, ...
    "host_not_allowed": 400,  # Host header outside the allow-list (DNS rebinding)
    "uploads_disabled": 403,  # nothing in this app takes a file
    "too_large": 413,         # request body over the limit
    "rate_limited": 429,
    "starting": 503,          # the index is still being built or loaded
    "internal": 500,          # a fault of ours; the traceback is in the server log
}
INTERNAL_MESSAGE = "something went wrong on the server (see its log); try again, or rephrase the question"


class ApiError(Exception):
    """An error a caller caused: a code from STATUS and one line saying what to do."""

    def __init__(self, code: str, message: str):
        if code not in STATUS:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        """The HTTP status of this error."""
        return STATUS[self.code]


def error_body(code: str, message: str) -> bytes:
    """The JSON body of an error response (ASCII only, so any character in a message survives)."""
    return json.dumps({"error": {"code": code, "message": message}}).encode()
