"""The monitoring module's screens, one module per screen family."""
