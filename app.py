"""Start Citebot's web UI: load (or build) the index of seeds/ — or BOT_DOCS_DIR — and serve the chat on
http://127.0.0.1:7860. Settings come from BOT_* environment variables (see README)."""

from bot.config import load_settings
from bot.errors import BotError

if __name__ == "__main__":
    import sys

    from bot.ui import serve

    try:
        serve(load_settings())
    except BotError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
