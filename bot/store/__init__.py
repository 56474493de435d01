"""Stage 3, store: passages and their sentence vectors → a searchable, crash-safe index on disk.

Takes `Document`s and their chunks (from `bot.ingest`) and an `Embedder`; gives a `Store` (protocol in
`base`) that answers dense sentence search and BM25 passage search. Holds the FAISS backend (`faiss_store`,
the only module importing faiss), crash-safe file habits (`durable`), BM25 and the shared tokenizer
(`lexical`), the title index for links between documents (`links`), rebuild decisions (`indexer`) and the
incremental folder sync (`sync`). Leaves to others: ranking, answers and everything shown to users.
"""
