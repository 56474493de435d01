"""Stage 5, faces: how people and programs reach the bot — the CLI, `bot eval`, the web UI and its `/chat` API.

Takes a `Citebot` (`bot.assistant`); gives terminal output, JSON (`schema`, the `--json`/API contract) and
HTML (`render`, `docview`, and `pageview` for the cited page of a PDF or image). The web UI (`ui`) is the
only module importing gradio; `uploads` checks and indexes files a user drops in. Nothing below this
package imports it.
"""
