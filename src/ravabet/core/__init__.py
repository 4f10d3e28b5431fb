"""The shared kernel: organisations, people and roles, scoping, audit, security events,
notifications with their outbox, and background jobs. Imports no domain app."""
