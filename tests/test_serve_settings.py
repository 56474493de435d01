"""The launch settings `serve` hands Gradio, pinned: the security-relevant ones must not drift silently.

`gr.Blocks.launch` and `queue` are replaced by recorders, so this runs without a server (the live-server
tests in tests/web/ check what the settings do).
"""

from __future__ import annotations

import os

import gradio as gr
import pytest

from bot.config import Settings
from bot.faces import ui as ui


@pytest.fixture
def launched(monkeypatch, settings: Settings) -> dict:
    calls: dict = {}

    def queue(self, **kwargs):
        calls["queue"] = kwargs
        return self

    def launch(self, **kwargs):
        calls["launch"] = kwargs

    monkeypatch.setattr(gr.Blocks, "queue", queue)
    monkeypatch.setattr(gr.Blocks, "launch", launch)
    for name in ("GRADIO_ANALYTICS_ENABLED", "GRADIO_SERVER_NAME"):
        monkeypatch.setenv(name, "")  # recorded first, so the test's own changes are undone afterwards
        monkeypatch.delenv(name)
    return calls


def test_gradio_is_new_enough() -> None:
    assert tuple(int(p) for p in gr.__version__.split(".")[:2]) >= (6, 20)


def test_launch_settings(launched, settings) -> None:
    ui.serve(settings.with_(auth="alice:pw:x"))
    kwargs = launched["launch"]
    assert launched["queue"] == {"default_concurrency_limit": 4, "max_size": 64}
    assert kwargs["ssr_mode"] is False and kwargs["show_error"] is False
    assert kwargs["max_file_size"] == "50mb"
    assert kwargs["server_name"] == "127.0.0.1"
    assert kwargs["auth"] == ("alice", "pw:x")
    assert kwargs["run_history"] is False and kwargs["enable_monitoring"] is False
    assert kwargs["state_session_capacity"] == 1000
    assert str(settings.index_dir.resolve()) in kwargs["blocked_paths"]
    assert str(settings.docs_dir.resolve()) in kwargs["blocked_paths"]
    assert not kwargs.get("share") and not kwargs.get("allowed_paths")
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_no_auth_by_default(launched, settings) -> None:
    ui.serve(settings)
    assert launched["launch"]["auth"] is None
