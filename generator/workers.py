"""The worker processes a build starts (slip rendering, workbooks): how each one begins, and
how a Ctrl-C of the command reaches the main process around them.

Here, not in a stage folder: the outputs start workers and the publish stage owns the pools,
and neither may import the other (``site_tests/test_structure.py``)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time


def worker_started(build: int) -> None:
    """In a worker process of the build (``build``: its process id, passed by the pool): ignore
    Ctrl-C (the build stops its pools itself, so an interrupt gives one line, not a traceback
    per worker) and end as soon as the build is gone, even after ``kill -9`` of it, so no
    worker is left behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the parent as this process sees it (the build, or a fork server that ends with it)
    parent = os.getppid()
    if parent == 1 and build != 1:
        os._exit(1)  # the build was killed before this worker started: it has been re-parented
    threading.Thread(target=_watch_parent, args=(parent,), name="guides-watch-parent", daemon=True).start()


def _watch_parent(parent: int, interval: float = 0.2) -> None:
    """End this worker when the process that started it has gone (it is re-parented)."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(interval)


@contextlib.contextmanager
def interrupts_deferred():
    """Hold back Ctrl-C (and a SIGTERM the preview turns into one) while the build's main
    thread starts worker processes, and raise it after.

    Why: forking runs ``logging``'s at-fork hooks in the forking thread; a KeyboardInterrupt
    raised inside one is printed as "Exception ignored" and lost, and can leave the logging
    lock held. The build then ran to the end and exited 0, or hung at its next log line
    (``test_ctrl_c_of_a_build…``, about 1 run in 6 on a loaded machine)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers run in the main thread only
        return
    caught: list[int] = []
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(number)
        if callable(handler):
            previous[number] = handler
            signal.signal(number, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in caught[:1]:
            previous[number](number, None)


# Set when a KeyboardInterrupt was swallowed by a finaliser (see keep_lost_interrupts)
_LOST = threading.Event()


def keep_lost_interrupts() -> None:
    """Make a Ctrl-C that Python swallows count: called once at the start of each command.

    Why: a Ctrl-C raises KeyboardInterrupt wherever the main thread is, and when that is a
    finaliser (an object's ``__del__``, a weak reference's callback, an at-fork hook: the
    process pools leave many behind them) Python prints "Exception ignored in …" with a
    traceback and carries on. ``guides check`` of 800 matters then printed that, went on to
    "检查通过" and exited 0 (``test_ctrl_c_is_one_line_and_130``, once in a full test run).
    Here such a KeyboardInterrupt is not printed but remembered, and
    :func:`raise_lost_interrupt` raises it again at the next stage of the command."""
    _LOST.clear()
    if not isinstance(sys.unraisablehook, _KeepInterrupts):
        sys.unraisablehook = _KeepInterrupts(sys.unraisablehook)


class _KeepInterrupts:
    """``sys.unraisablehook`` that remembers a swallowed KeyboardInterrupt and passes on the rest."""

    def __init__(self, previous):
        self.previous = previous

    def __call__(self, unraisable) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            _LOST.set()
            return
        self.previous(unraisable)


def raise_lost_interrupt() -> None:
    """Raise KeyboardInterrupt if a Ctrl-C was swallowed since the command began (in the main
    thread only, where Ctrl-C is delivered; called between stages and between progress steps)."""
    if _LOST.is_set() and threading.current_thread() is threading.main_thread():
        _LOST.clear()
        raise KeyboardInterrupt
