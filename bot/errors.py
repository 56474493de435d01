"""The one error type users see.

A `BotError` is a problem the user can fix (no documents, empty question, an index built with another
model); its message is shown to them as it is, so it says what happened and what to do, and never
holds a traceback, an exception name or an absolute path. Programming mistakes stay ordinary
exceptions (`ValueError` for bad settings given in code) and are not caught to be prettified; a bad
`BOT_*` variable is the user's to fix, so it is a `SettingsError`.
"""


class BotError(Exception):
    """A user-fixable problem; `str(err)` is the whole message shown to the user."""


class IndexError_(BotError):
    """The index on disk is missing, damaged or was built with other settings."""


class DocumentError(BotError):
    """A document could not be read; the rest of the library is unaffected."""


class QuestionError(BotError):
    """The question cannot be answered as asked (empty, too long, not text)."""


class SettingsError(BotError):
    """A `BOT_*` environment variable holds a value the bot cannot use."""


class WriterUnavailable(BotError):
    """The language model endpoint did not answer in time or answered with an error; the bot then gives the
    extractive answer and says so. The message never holds the API key or the endpoint's reply."""
