"""Errors a user can cause; their message is one line that says what to do."""


class UserError(ValueError):
    """Bad question, bad citation, unknown treaty or language: shown as one line, exit code 2."""
