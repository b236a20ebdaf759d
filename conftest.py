"""Shared pytest setup for every test directory: real-infrastructure fixtures from devstack."""

pytest_plugins = ["devstack.pytest_plugin"]
