"""Extraction workers that never outlive the build that started them."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time


def start_worker(parent_pid: int) -> None:
    """Pool initializer: the cycle collector on (a build pauses the parent's, see graph.collector), and
    the worker ends with `parent_pid`."""
    gc.enable()
    die_with_parent(parent_pid)


def die_with_parent(parent_pid: int) -> None:
    """End this worker when `parent_pid` dies, even by SIGKILL.

    Linux: the kernel sends SIGKILL at the parent's death (prctl PR_SET_PDEATHSIG). Elsewhere a
    daemon thread checks twice a second that the parent is still there."""
    if sys.platform.startswith("linux") and _pdeathsig(signal.SIGKILL):
        if os.getppid() != parent_pid:  # the parent died before the signal was armed
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(parent_pid,), daemon=True, name="die-with-parent").start()


def _pdeathsig(sig: int) -> bool:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(sig), 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)
