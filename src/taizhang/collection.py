"""Python's cyclic garbage collector kept to young objects while a large write runs.

A full collection walks every object the process holds: Django's, the ledger document's, the
caches'. While an import writes a ledger batch by batch, the rows of each batch live long
enough to reach the oldest generation, so the collector runs a full collection every time
they grow it by a quarter: three of them, about 0.25 s, in the import of a 5,000-task
ledger, finding next to nothing (what the import drops, its reference counts free). With
`full_collections_paused()` the young generations are still collected as usual; the oldest
is collected at the next full collection after the block, as it would have been."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Full collections wait while this many gen-1 collections have not yet passed (the third
# threshold, 10 by default): never, in practice, within a block.
_NEVER = 2**31 - 1
_lock = threading.Lock()
_depth = 0  # blocks running, in any thread
_saved = 10  # the third threshold before the first of them


@contextmanager
def full_collections_paused() -> Iterator[None]:
    """Within the block, the collector leaves out full collections (its third threshold set
    out of reach), then it is as it was: thresholds restored when the last block running,
    in any thread, ends."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()[2]
            first, second, _ = gc.get_threshold()
            gc.set_threshold(first, second, _NEVER)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                first, second, _ = gc.get_threshold()
                gc.set_threshold(first, second, _saved)
