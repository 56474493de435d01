"""Start Citebot's web UI: load (or build) the index of seeds/ — or BOT_DOCS_DIR — and serve the chat on
http://127.0.0.1:7860. Settings come from BOT_* environment variables (see README). The same as
`python -m bot serve`, whose error handling and notices (e.g. the one-time ONNX export) it shares."""

import sys

from bot.faces.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve"]))
