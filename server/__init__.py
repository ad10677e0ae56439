"""The HTTP side of the app: API argument types, the structured error, the request guard, health and start-up."""
