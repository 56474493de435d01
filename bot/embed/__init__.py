"""Stage 2, embed: text → unit-length float32 vectors, (n, dim), one per text.

Takes sentences (strings); gives vectors. Holds the `Embedder` protocol (`base`), the sentence-transformers
backend (`sbert`, the only module importing sentence-transformers), the int8 ONNX export and runtime
(`onnx_export`, `onnx_runtime`), the hashing fake for tests (`fake`) and the backend choice (`choose`).
Leaves to others: what is embedded (chunking) and where vectors are kept (`bot.store`).
"""
