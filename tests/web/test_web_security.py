"""Nothing but the app's own files can be read through the running server's file routes.

Targets: the index (CURRENT, manifest, chunks), a document, a private file beside the documents folder,
the `.env` in the server's working directory, the bot's source, /etc/passwd and /proc/self/environ.
Each is requested through every file route (/gradio_api/file=, /file=, /gradio_api/file/, /static/,
/assets/ …) as an absolute path, relative to the working directory, behind ../ runs, and URL-encoded,
double-encoded, backslashed and mixed; every answer must be 403 or 404 and hold no secret. Positive
controls prove the routes and the requests themselves work; the launch settings that turn off the
monitoring dashboard and the run-history bucket sync are checked too.
"""

from __future__ import annotations

import http.client
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import SECRETS

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

ROUTES = ("/gradio_api/file=", "/file=", "/gradio_api/file/", "/file/", "/static/", "/assets/", "/gradio_api/static/",
          "/gradio_api/assets/", "/svelte/", "/custom_component/x/client/y/")


def get(server, path: str, method: str = "GET") -> tuple[int, bytes]:
    """One request with the path sent byte for byte (http.client does not normalise ../ away)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def targets(site) -> dict[str, Path]:
    version = json.loads((site.index / "CURRENT").read_text())["version"]
    return {"index CURRENT": site.index / "CURRENT", "index manifest": site.index / version / "manifest.json",
            "index chunks": site.index / version / "chunks.jsonl",
            "a document": next(site.docs.iterdir()), "private file beside the documents": site.private,
            ".env in the working directory": site.env_file, "bot source": PROJECT_ROOT / "bot" / "config.py",
            "/etc/passwd": Path("/etc/passwd"), "/proc/self/environ": Path("/proc/self/environ")}


def variants(target: Path, cwd: Path) -> dict[str, str]:
    absolute = str(target)
    relative = str(Path("..") / target.relative_to(cwd.parent)) if target.is_relative_to(cwd.parent) else None
    climb = "../" * 12 + absolute.lstrip("/")
    out = {"absolute": absolute, "../ run": climb,
           "encoded ../": "%2e%2e%2f" * 12 + absolute.lstrip("/"), "encoded slashes": absolute.replace("/", "%2F"),
           "double-encoded": "%252e%252e%252f" * 12 + absolute.lstrip("/"), "backslashes": "..\\" * 12 +
           absolute.lstrip("/").replace("/", "\\"), "....//": "....//" * 12 + absolute.lstrip("/"),
           "dot segments": "./" + "/./".join(["..", "..", ".."] * 4) + absolute, "overlong UTF-8":
           "%c0%ae%c0%ae%c0%af" * 12 + absolute.lstrip("/"), "NUL suffix": absolute + "%00.png"}
    if relative:
        out["relative to the working directory"] = relative
    if target.name == ".env":
        out["bare name"] = ".env"
    return out


REFUSED = {"GET": {403, 404}, "HEAD": {403, 404, 405}}  # 405: a route that has no HEAD at all


def test_no_file_outside_the_app_is_readable(server, site) -> None:
    statuses: Counter[tuple[str, int]] = Counter()
    leaks = []
    for name, target in targets(site).items():
        for how, path in variants(target, site.cwd).items():
            for route in ROUTES:
                for method in ("GET", "HEAD"):
                    status, body = get(server, route + path, method)
                    statuses[method, status] += 1
                    if status not in REFUSED[method] or any(s.encode() in body for s in SECRETS):
                        leaks.append(f"{method} {route}{path} ({name}, {how}) → {status}: {body[:80]!r}")
    print(f"\n{sum(statuses.values())} traversal requests → {dict(sorted(statuses.items()))}")
    assert leaks == []


def test_server_to_server_fetches_of_loopback_are_refused(server) -> None:
    for url in (f"http://127.0.0.1:{server.port}/config", f"http://localhost:{server.port}/config",
                "http://[::1]/", "http://0.0.0.0/", "file:///etc/passwd"):
        status, _ = get(server, f"/gradio_api/file={url}")
        assert status == 403, url


def test_the_app_itself_is_served(server) -> None:
    for path in ("/", "/config", "/gradio_api/info", "/favicon.ico"):
        assert get(server, path)[0] == 200, path


def test_monitoring_and_run_history_are_off(server) -> None:
    assert get(server, "/monitoring")[0] == 403
    assert get(server, "/monitoring/summary")[0] == 403
    assert get(server, "/gradio_api/runs")[0] == 404
    assert get(server, "/gradio_api/run-history/buckets")[0] in (404, 405)
    assert get(server, "/gradio_api/run-history/connect", "POST")[0] in (404, 405)


def test_startup_says_where_it_runs_and_does_not_suggest_a_public_link(server) -> None:
    """Citebot is local and offline: the start-up output keeps Gradio's local URL line and drops its hint to
    set `share=True` (which would tunnel the app through Gradio's servers)."""
    log = server.log()
    assert f"* Running on local URL:  http://127.0.0.1:{server.port}" in log.splitlines()
    assert "share=True" not in log


def test_the_blocked_paths_cover_the_index_and_the_documents(site) -> None:
    from bot.config import Settings
    from bot.faces.ui import blocked_paths

    blocked = blocked_paths(Settings(docs_dir=site.docs, index_dir=site.index))
    for folder in (site.index, site.docs, site.docs.parent, PROJECT_ROOT):
        assert str(folder.resolve()) in blocked
    assert "/" not in blocked and not any(Path("/tmp/gradio").is_relative_to(p) for p in blocked)


def test_an_upload_over_the_size_limit_is_refused(server) -> None:
    import httpx

    limit = 50 * 1024 * 1024  # Settings.max_upload_mb's default, passed to launch(max_file_size=…)
    with httpx.Client(base_url=server.url, trust_env=False, timeout=120) as http:
        reply = http.post("/gradio_api/upload", files={"files": ("big.txt", b"a" * (limit + 1), "text/plain")})
    assert reply.status_code == 413 and "maximum allowed size" in reply.text
