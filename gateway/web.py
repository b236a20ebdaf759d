"""The web cabinet's files: the single page's shell for every page address and its static assets (`web/`).

The cabinet is a client of the public API like any app: this module serves files and nothing else — no
business logic, no data. Page addresses (`/`, `/login`, `/auth/confirm`, `/accounts/…`) all answer the same
shell (`web/index.html`); the page's script reads the address and asks the API. Addresses under the API's
prefixes are never the shell: an unknown API path stays a problem+json 404.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory
from werkzeug.routing import PathConverter

WEB = Path(__file__).resolve().parent.parent / "web"
ASSETS = WEB / "assets"
ASSET_MAX_AGE = 300  # seconds; the files change with a deployment, and an ETag revalidates them after that


class PageConverter(PathConverter):
    """A page's address: not under the API's or the operations' prefixes, no dot (a file name) in it — so such
    a path never matches the shell, whatever its method (an unknown API path stays a problem+json 404)."""

    regex = r"(?!(?:api|staff|partners|dev|assets|healthz|readyz|metrics)(?:/|$))[^.]+"


bp = Blueprint("web", __name__)
bp.record_once(lambda state: state.app.url_map.converters.setdefault("page", PageConverter))


@bp.get("/")
@bp.get("/<page:page>")
def shell(page: str = ""):
    response = send_from_directory(WEB, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/assets/<path:name>")
def asset(name: str):
    response = send_from_directory(ASSETS, name, max_age=ASSET_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    if name.endswith(".js"):
        response.mimetype = "text/javascript"
    return response

