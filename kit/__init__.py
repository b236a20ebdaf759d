"""The shared infrastructure kit: settings, logging, database, outbox, consumers, gRPC.

Holds no domain code. Every service and the gateway build on it; nothing here
connects to anything at import time.
"""
