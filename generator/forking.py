"""How many processes may share a large job: validation, open data, record pages, the site scan.

Work is shared by forking, so that the workers read the loaded corpus without copying it. A fork
is refused (1 process) where it is not safe: without fork, with other threads running (`portal
serve` watches files in threads, and a fork copies the locks they hold but not the threads), or
in a daemon process, which may not start any.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import Any


def processors() -> int:
    """The processors this process may use, or 1 where it cannot fork safely."""
    if ("fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1
            or multiprocessing.current_process().daemon):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Job:
    """``fn(*args)`` in a forked process while this one goes on, or here and now where a fork is
    not safe (`processors`); `result()` waits for its value either way.

    The child inherits `fn` and its arguments (they are never pickled, and this process keeps no
    reference to them once the child runs). The value comes back pickled through a pipe, so it
    should be small (what was written, not the bytes). An exception in the child is raised again
    by `result()`, with the child's traceback.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, fork: bool = True):
        global _job
        self._value: Any = None
        self._error: BaseException | None = None
        self._process: Any = None
        if not fork or processors() < 2:
            try:
                self._value = fn(*args)
            except Exception as exc:  # raised by result(), as from a child
                self._error = exc
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run_job, args=(send,), daemon=False)
        _job = (fn, args)
        try:
            self._process.start()
        finally:
            _job = None
        send.close()

    @property
    def sentinel(self) -> int | None:
        """A file descriptor that becomes readable once the child has ended (however it ended), for
        processes forked after it to wait on; None when the job ran here."""
        return self._process.sentinel if self._process is not None else None

    def result(self) -> Any:
        """The value of ``fn(*args)``; its exception if it raised one."""
        if self._process is not None:
            try:
                outcome, value = self._receive.recv()
            except EOFError:  # the child died without answering (killed, out of memory)
                outcome, value = "died", None
            self._process.join()
            self._receive.close()
            code, self._process = self._process.exitcode, None
            if outcome == "ok":
                self._value = value
            elif outcome == "error":
                self._error = RuntimeError(f"后台任务出错：\n{value}")
            else:
                self._error = RuntimeError(f"后台任务异常退出（退出码 {code}）")
        if self._error is not None:
            raise self._error
        return self._value

    def cancel(self) -> None:
        """Stop the child, if one still runs (the build stopped before it asked for the value)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._receive.close()
            self._process = None


# The function and arguments of the job being forked: inherited by the child, never pickled.
_job: tuple[Callable[..., Any], tuple] | None = None


def _run_job(send: Any) -> None:
    import gc
    import traceback

    assert _job is not None
    fn, args = _job
    # What the child inherited is only read: a collection walking it would copy it page by page.
    gc.freeze()
    try:
        answer = ("ok", fn(*args))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent
        answer = ("error", traceback.format_exc())
    send.send(answer)
    send.close()
