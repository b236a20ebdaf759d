"""Fixtures for the integration and end-to-end tests.

`infra`, `stack`, `database_url_factory` and `nats_url` live in
`devstack.pytest_plugin`, which the root conftest.py loads for every test
directory (services/*/tests too). Importing them here again would start a
second copy of each session fixture.
"""
