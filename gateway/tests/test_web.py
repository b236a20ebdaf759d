"""The web cabinet's files: every page address answers the shell, assets are files, and nothing under the
API's prefixes is ever a page."""

from __future__ import annotations


def test_page_addresses_answer_the_shell(app):
    client = app.test_client()
    for path in ("/", "/login", "/auth/confirm", "/accounts/0b1c/readings"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html" and b'<main id="main"' in response.data
        assert response.headers["Cache-Control"] == "no-cache"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_assets_are_files_and_cached_briefly(app):
    client = app.test_client()
    script = client.get("/assets/js/app.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert script.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/assets/js/no-such.js").status_code == 404
    assert client.get("/assets/../gateway/app.py").status_code == 404


def test_api_paths_are_never_pages(app):
    client = app.test_client()
    for method, path in (("GET", "/api/v1/no-such"), ("POST", "/api/v1/no-such"), ("GET", "/staff/v1/x"),
                         ("GET", "/favicon.ico")):
        response = client.open(path, method=method)
        assert response.status_code == 404, (method, path)
        assert response.mimetype == "application/problem+json"


def test_the_cabinets_files_are_compressed_and_the_apis_json_is_not(app):
    client = app.test_client()
    plain = client.get("/assets/js/routes.js")
    for encoding in ("br", "gzip"):
        packed = client.get("/assets/js/routes.js", headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding and "Accept-Encoding" in packed.headers["Vary"]
        assert len(packed.data) < len(plain.data) / 2
        again = client.get("/assets/js/routes.js", headers={"Accept-Encoding": encoding})
        assert again.data == packed.data  # compressed once, then from the cache
    shell = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert shell.headers["Content-Encoding"] == "gzip"
    spec = client.get("/openapi.json", headers={"Accept-Encoding": "gzip, br"})
    assert spec.status_code == 200 and "Content-Encoding" not in spec.headers
    etag = plain.headers["ETag"]
    assert client.get("/assets/js/routes.js", headers={"If-None-Match": etag}).status_code == 304


def test_an_empty_answer_of_the_api_is_never_compressed_nor_the_shell_spoiled_by_it(app):
    """A 204 (a sign-out) has no Content-Length and Flask's default mimetype, text/html: compressing it gave a
    one-byte body under the shell's cache key, and every page after it was blank."""
    client = app.test_client()
    for method, path in (("POST", "/api/v1/auth/logout"), ("OPTIONS", "/api/v1/me"), ("GET", "/healthz")):
        answer = client.open(path, method=method, headers={"Accept-Encoding": "br, gzip"})
        assert "Content-Encoding" not in answer.headers, (method, path, answer.status_code)
    for encoding in ("br", "gzip"):
        shell = client.get("/login", headers={"Accept-Encoding": encoding})
        plain = client.get("/login")
        assert shell.headers["Content-Encoding"] == encoding and b'<main id="main"' in plain.data
        assert len(shell.data) > 100
