"""Derived tables recomputed inside the writer's transaction, once per key.

Receivers (metrics/receivers.py) call `refresh(function, keys)` after each write of a school
record. Outside `batched()` the function runs at once. Inside, the keys collect and each function
runs once, with all of them, when the outermost batch ends: still inside the writer's transaction,
after every write of the batch. Soft-deleting a course cascades to thousands of rows; batched,
each derived row is recomputed once instead of once per cascaded row.

A batch left by an exception recomputes nothing: the transaction it belongs to rolls back. A key
left over from a rolled-back savepoint is recomputed anyway, which is harmless: a refresh reads the
records as they are and writes the same row again.
"""

import threading
from contextlib import contextmanager

_state = threading.local()  # Django's connections are per thread, and so are their transactions


def refresh(function, keys):
    """Run function(keys) now, or at the end of the current batch."""
    keys = set(keys)
    if not keys:
        return
    pending = getattr(_state, "pending", None)
    if pending is None:
        function(keys)
    else:
        pending.setdefault(function, set()).update(keys)


@contextmanager
def batched():
    """Collect refreshes until the outermost batch ends, then run each function once."""
    if getattr(_state, "pending", None) is not None:
        yield  # the outer batch runs them
        return
    _state.pending = {}
    try:
        yield
        while _state.pending:
            pending, _state.pending = _state.pending, {}
            # A fixed order of tables (and of keys, in each function) keeps two writers from
            # locking the same rows in opposite orders.
            for function in sorted(pending, key=lambda f: (f.__module__, f.__qualname__)):
                function(pending[function])
    finally:
        _state.pending = None
