"""Citebot: ask a folder of documents, get answers made of their own sentences with numbered citations.

The package is a one-way pipeline (documents → chunking → embedding → store → retrieval → answer) with
two faces on top (`cli`, `ui`). Importing `bot` imports none of torch, faiss or gradio; each is loaded
by the one module that needs it, when it is first needed.
"""

__version__ = "0.1.0"
