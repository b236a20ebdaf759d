"""Shared pytest setup for every test directory: real-infrastructure fixtures from devstack, and a temporary
directory of each session's own.

pytest's default keeps the three newest `/tmp/pytest-of-<user>/pytest-N` directories and deletes older ones when
a session starts — so a second session started on the same machine deletes the files of a long one still
running (its PostgreSQL's data directory among them). Each session without `--basetemp` therefore gets a fresh
directory of its own, removed at the end when everything passed (kept for a look when something failed).
"""

from __future__ import annotations

import shutil
import tempfile

import pytest

pytest_plugins = ["devstack.pytest_plugin"]

_OWN_BASETEMP: list[str] = []


def pytest_configure(config) -> None:
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        config.option.basetemp = tempfile.mkdtemp(prefix="kabinet-pytest-")
        _OWN_BASETEMP.append(config.option.basetemp)


def pytest_unconfigure(config) -> None:
    if _OWN_BASETEMP and getattr(config, "_kabinet_passed", False):
        shutil.rmtree(_OWN_BASETEMP.pop(), ignore_errors=True)


def pytest_sessionfinish(session, exitstatus) -> None:
    session.config._kabinet_passed = exitstatus == 0


_WORKER_SUMMARIES: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """pytest-xdist: what a worker's conftest files left for the summary (tests/e2e/conftest.py: the OpenAPI
    check), printed by the controller, which collects no tests and so loads none of them."""
    lines = getattr(node, "workeroutput", {}).get("summary", [])
    _WORKER_SUMMARIES.extend(f"{line} [{node.gateway.id}]" for line in lines)


def pytest_terminal_summary(terminalreporter) -> None:
    for line in _WORKER_SUMMARIES:
        terminalreporter.write_line(line)
