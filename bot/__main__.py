"""Entry point for `python -m bot`; everything is in `bot.cli`."""

import sys

from bot.cli import main

sys.exit(main())
