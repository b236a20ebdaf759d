"""The gateway: a thin Flask app that authenticates, validates, calls services over gRPC and composes."""
