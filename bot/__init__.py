"""Citebot: ask a folder of documents, get answers made of their own sentences with numbered citations.

The package is a one-way pipeline, one sub-package per stage: `ingest` (files → documents → passages) →
`embed` (text → vectors) → `store` (the index) → `answer` (retrieval → cited answer or abstention), tied
together by `assistant.Citebot`, with the CLI and web UI in `faces`. Importing `bot` imports none of
torch, faiss or gradio; each is loaded by the one module that needs it, when it is first needed.
"""

__version__ = "0.1.0"
