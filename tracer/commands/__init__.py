"""CLI commands, one module per room; each exposes `register(app)`."""
