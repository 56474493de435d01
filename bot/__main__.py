"""Entry point for `python -m bot`; everything is in `bot.faces.cli`."""

import sys

from bot.faces.cli import main

sys.exit(main())
