"""End-to-end tests check every JSON reply of the gateway against its OpenAPI document.

The document is fetched once per session from the running gateway (GET /openapi.json); the check itself
is `tests.e2e.client.Contract`, a response hook of every `Customer` and, here, of the bare
`requests.request/get/post/...` calls some tests make. KABINET_OPENAPI_CHECK=report lists the mismatches
at the end of the run instead of failing the tests; =off turns the check off.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
import requests
import requests.api

from tests.e2e.client import Contract, check_response


def with_check(request):
    @functools.wraps(request)
    def checked(method, url, **kwargs):
        hooks = dict(kwargs.pop("hooks", None) or {})
        response_hooks = hooks.get("response", [])
        response_hooks = [response_hooks] if callable(response_hooks) else list(response_hooks)
        hooks["response"] = [*response_hooks, check_response]
        return request(method, url, hooks=hooks, **kwargs)

    return checked


@pytest.fixture(scope="session", autouse=True)
def openapi_contract(stack) -> Iterator[Contract]:
    contract = Contract.start(stack.gateway_url)
    with pytest.MonkeyPatch.context() as patch:
        # requests.get/post/... call requests.api.request; `requests.request` is the same function, imported.
        patch.setattr(requests.api, "request", with_check(requests.api.request))
        patch.setattr(requests, "request", requests.api.request)
        yield contract
    Contract.stop()


def summary() -> list[str]:
    """What the session checked, and the mismatches in report mode."""
    lines = [f"OpenAPI: {Contract.checked} gateway responses checked against the document"] if Contract.checked else []
    if Contract.mismatches:
        lines.append(f"OpenAPI mismatches ({len(Contract.mismatches)}, KABINET_OPENAPI_CHECK=report):")
        lines += [f"{m} (seen {m.count}x)"
                  for m in sorted(Contract.mismatches.values(), key=lambda m: (m.path, m.method, m.status))]
    return lines


def pytest_sessionfinish(session) -> None:
    worker = getattr(session.config, "workeroutput", None)
    if worker is not None:  # a pytest-xdist worker: the controller prints it (the root conftest.py)
        worker.setdefault("summary", []).extend(summary())


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for line in summary():
        terminalreporter.write_line(line)
