"""Optional login for shared deployments: `python -m bot serve --auth user:password` (or BOT_AUTH).

With auth on, every API route refuses a caller that has not logged in — raw HTTP and gradio_client
alike — and a wrong password is refused; with the right one, the chat answers. The flag and the variable
reach `serve`, and a malformed flag is a one-line usage error.
"""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client
from hostile import NORMAL

from bench.live_server import LiveServer
from bot.faces.cli import main

USER, PASSWORD = "alice", "correct horse:battery staple"  # a colon inside the password is allowed


@pytest.fixture(scope="module")
def auth_server(site):
    with LiveServer(site.docs, site.index, cwd=site.cwd, args=("--auth", f"{USER}:{PASSWORD}")) as live:
        yield live


@pytest.mark.slow
def test_unauthenticated_calls_are_refused(auth_server) -> None:
    with httpx.Client(base_url=auth_server.url, trust_env=False, timeout=30) as http:
        assert http.post("/gradio_api/call/chat", json={"data": [NORMAL]}).status_code == 401
        assert http.post("/gradio_api/queue/join", json={"data": [NORMAL], "fn_index": 0,
                                                         "session_hash": "x"}).status_code == 401
        for path in ("/config", "/gradio_api/info", "/gradio_api/openapi.json", "/gradio_api/file=/etc/passwd"):
            assert http.get(path).status_code == 401, path
        wrong = http.post("/login", data={"username": USER, "password": "guess"})
        assert wrong.status_code in (400, 401)
        assert http.post("/gradio_api/call/chat", json={"data": [NORMAL]}).status_code == 401
    with pytest.raises(ValueError):  # gradio_client cannot even read the API without logging in
        Client(auth_server.url, verbose=False)


@pytest.mark.slow
def test_the_right_login_gets_answers(auth_server) -> None:
    client = Client(auth_server.url, auth=(USER, PASSWORD), verbose=False)
    assert client.predict(NORMAL, api_name="/chat")["citations"]


@pytest.fixture
def served(monkeypatch, settings) -> list:
    import bot.faces.ui

    captured: list = []
    monkeypatch.setattr(bot.faces.ui, "serve", captured.append)
    return captured


def test_the_auth_flag_reaches_serve(served, settings) -> None:
    assert main(["serve", "--docs", str(settings.docs_dir), "--auth", "bob:pw:with:colons"]) == 0
    assert served[0].auth == "bob:pw:with:colons"


def test_bot_auth_reaches_serve(served, settings, monkeypatch) -> None:
    monkeypatch.setenv("BOT_AUTH", "carol:secret")
    assert main(["serve", "--docs", str(settings.docs_dir)]) == 0
    assert served[0].auth == "carol:secret"


@pytest.mark.parametrize("value", ["nocolon", ":nouser", "nopassword:"])
def test_a_malformed_auth_flag_is_a_usage_error(served, capsys, value) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--auth", value])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith("use the form user:password")
