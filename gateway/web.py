"""The web cabinet's files: the single page's shell for every page address and its static assets (`web/`).

The cabinet is a client of the public API like any app: this module serves files and nothing else — no
business logic, no data. Page addresses (`/`, `/login`, `/auth/confirm`, `/accounts/…`) all answer the same
shell (`web/index.html`); the page's script reads the address and asks the API. Addresses under the API's
prefixes are never the shell: an unknown API path stays a problem+json 404.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, send_from_directory
from flask_compress import Compress
from werkzeug.routing import PathConverter

WEB = Path(__file__).resolve().parent.parent / "web"
ASSETS = WEB / "assets"
ASSET_MAX_AGE = 300  # seconds; the files change with a deployment, and an ETag revalidates them after that


class PageConverter(PathConverter):
    """A page's address: not under the API's or the operations' prefixes, no dot (a file name) in it — so such
    a path never matches the shell, whatever its method (an unknown API path stays a problem+json 404)."""

    regex = r"(?!(?:api|staff|partners|dev|assets|healthz|readyz|metrics)(?:/|$))[^.]+"


# Only the cabinet's own files are compressed: the API's JSON is small and on the hot path (its CPU matters more)
COMPRESSED = ["text/html", "text/css", "text/javascript", "image/svg+xml"]


class _Compressed(dict):
    """The compressed files, each compressed once: keys are the algorithm, the file and its modification time
    (a file edited in development is compressed again), so a path that is not a file adds nothing."""

    def set(self, key, value) -> None:
        self[key] = value


def _cache_key(request) -> str:
    name = request.path.removeprefix("/assets/") if request.path.startswith("/assets/") else None
    path = ASSETS / name if name else WEB / "index.html"
    try:
        return f"{path.relative_to(WEB)}@{path.stat().st_mtime_ns}"
    except (OSError, ValueError):
        return "none"


# Only the cabinet's two views are compressed, by decorator (COMPRESS_REGISTER off): registered for every
# response, flask-compress also "compressed" the API's empty 204s (Flask's default mimetype is text/html, and a
# 204 has no Content-Length) — and cached that one byte under the shell's key, so after the first sign-out every
# page a worker served was blank.
compress = Compress()


def _setup(app: Flask) -> None:
    app.url_map.converters.setdefault("page", PageConverter)
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    app.config.setdefault("COMPRESS_CACHE_BACKEND", _Compressed)
    app.config.setdefault("COMPRESS_CACHE_KEY", _cache_key)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_STREAMS", False)  # the files are read whole (_whole), so they can be cached
    compress.init_app(app)


bp = Blueprint("web", __name__)
bp.record_once(lambda state: _setup(state.app))


@bp.get("/")
@bp.get("/<page:page>")
@compress.compressed()
def shell(page: str = ""):
    response = _whole(send_from_directory(WEB, "index.html", max_age=0))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/assets/<path:name>")
@compress.compressed()
def asset(name: str):
    response = _whole(send_from_directory(ASSETS, name, max_age=ASSET_MAX_AGE))
    response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    if name.endswith(".js"):
        response.mimetype = "text/javascript"
    return response


def _whole(response):
    """The file read into the response (the cabinet's files are small), so that its compressed form is cached."""
    if response.status_code == 200:
        response.direct_passthrough = False
        response.make_sequence()
    return response
