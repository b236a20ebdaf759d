"""Notify: SMS and e-mail delivery through provider adapters, and the in-app inbox."""
