"""Parse untrusted files in a child process with hard limits.

Reading a workbook runs code we do not control (calamine's Rust, zlib, the XML parsers) on
bytes we do not control. A file that makes that code abort, allocate without end or loop must
cost one child process, never the server every session shares. ``load_bytes`` / ``load_path``
here are the loader's functions run in a child that has

* a resident-memory cap of ``memory_mb`` plus ``memory_mb_per_mb`` for every MB of input,
  watched by the parent every 10 ms, with an address-space cap (``RLIMIT_AS``) behind it for
  allocations faster than the watch;
* a CPU-time cap and a wall-clock deadline, both ``seconds`` plus ``seconds_per_mb`` for every
  MB of input (a big honest workbook needs longer than a small hostile one is allowed);
* an output cap: the pickled ``LoadResult`` sent back may be at most ``output_mb`` plus
  ``output_mb_per_mb`` for every MB of input;
* no core dumps and no files written (``RLIMIT_FSIZE`` 0).

At most ``workers`` children parse at once in one process (others wait their turn, up to
``queue_seconds``), so parallel uploads cannot multiply the memory cap without bound. A child
that dies, overruns or sends too much gives a ``LoadResult`` whose report says so in one
located sentence (``parse_limit``), and the caller carries on.

Children come from a fork server that has imported the loader once (``forkserver``), so a
parse costs a fork, not an interpreter start, and never forks a multi-threaded server; a
single-threaded caller (the CLI) forks directly. The limits are read from the environment
(``PERFEVAL_PARSE_*``, see ``Limits.from_env``) and listed in docs/security.md.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.spawn
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from perfeval_core.io.loader import LoadResult
from perfeval_core.model.report import ValidationReport

__all__ = ["Limits", "load_bytes", "load_path"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 600  # resident memory of a child, for any input...
    memory_mb_per_mb: int = 24  # ...plus this for every MB of input
    max_memory_mb: int = 8192
    seconds: float = 6.0  # CPU and wall time of a child, for any input...
    seconds_per_mb: float = 1.0  # ...plus this for every MB of input
    max_seconds: float = 300.0
    output_mb: int = 256  # the pickled result sent back, for any input...
    output_mb_per_mb: int = 32  # ...plus this for every MB of input
    workers: int = 2  # children parsing at once in this process
    queue_seconds: float = 120.0  # how long a parse waits for a free worker

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, overridden by PERFEVAL_PARSE_<FIELD> (e.g. PERFEVAL_PARSE_MEMORY_MB=900;
        values that are not positive numbers are ignored)."""
        base = cls()
        values: dict[str, Any] = {}
        for name, default in vars(base).items():
            raw = os.environ.get(f"PERFEVAL_PARSE_{name.upper()}")
            try:
                value = type(default)(raw) if raw else default
            except ValueError:
                value = default
            values[name] = value if value > 0 else default
        return cls(**values)

    def output_for(self, size: int) -> int:
        """Bytes the pickled result of reading ``size`` bytes may have."""
        return (self.output_mb + self.output_mb_per_mb * size // _MB) * _MB

    def memory_for(self, size: int) -> int:
        """Resident bytes a child reading ``size`` bytes may use."""
        return min(self.max_memory_mb, self.memory_mb + self.memory_mb_per_mb * size // _MB) * _MB

    def time_for(self, size: int) -> float:
        return min(self.max_seconds, self.seconds + self.seconds_per_mb * size / _MB)


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _slot(workers: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        if workers not in _slots:
            _slots[workers] = threading.BoundedSemaphore(workers)
        return _slots[workers]


def load_bytes(data: bytes, filename: str = "", limits: Limits | None = None) -> LoadResult:
    """``perfeval_core.io.loader.load_bytes`` in a child process with ``limits``. Never raises."""
    return _run("bytes", (bytes(data), filename), len(data), limits, filename)


def load_path(path: str | Path, limits: Limits | None = None) -> LoadResult:
    """``perfeval_core.io.loader.load_path`` (a file, or a folder of forms) in a child process."""
    path = Path(path)
    try:
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size
    except OSError:
        size = 0
    return _run("path", (str(path),), size, limits, path.name)


def _refused(key: str, **params: Any) -> LoadResult:
    report = ValidationReport()
    report.error(key, **params)
    report.finish()
    return LoadResult(None, report)


def _limit(what: str, limits: Limits, size: int, name: str) -> LoadResult:
    memory = limits.memory_for(size) // _MB
    details = {"memory": (f"内存超过 {memory} MB", f"more than {memory} MB of memory"),
               "time": (f"处理超过 {limits.time_for(size):.0f} 秒", f"more than {limits.time_for(size):.0f} s"),
               "output": (f"结果超过 {limits.output_for(size) // _MB} MB", f"a result above {limits.output_for(size) // _MB} MB"),
               "crash": ("读取程序异常退出", "the reader stopped abnormally")}
    zh, en = details[what]
    return _refused("parse_limit", file=name, detail=zh, detail_en=en)


_prep_lock = threading.Lock()


def _without_main(name: str) -> dict[str, Any]:
    """multiprocessing's preparation data minus the main module: a child runs only the loader.
    (Under Streamlit the "main module" of a script thread is the app script: a child importing
    it would run the app.)"""
    data = _get_preparation_data(name)
    for key in ("init_main_from_path", "init_main_from_name"):
        data.pop(key, None)
    return data


_get_preparation_data = multiprocessing.spawn.get_preparation_data


def _start(process: Any) -> None:
    with _prep_lock:
        multiprocessing.spawn.get_preparation_data = _without_main
        try:
            process.start()
        finally:
            multiprocessing.spawn.get_preparation_data = _get_preparation_data


def _context() -> Any:
    # forking a process with other threads running (a server) can copy a lock held by one of
    # them; the fork server is a clean single-threaded process that has imported the loader
    if threading.active_count() > 1:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["perfeval_core.io.loader", "perfeval_core.io.sandbox", "perfeval_core.io.sandbox_warmup"])
        return ctx
    return multiprocessing.get_context("fork")


def _run(kind: str, args: tuple[Any, ...], size: int, limits: Limits | None, name: str) -> LoadResult:
    limits = limits or Limits.from_env()
    slot = _slot(limits.workers)
    if not slot.acquire(timeout=limits.queue_seconds):
        return _refused("parse_busy")
    try:
        return _supervise(kind, args, size, limits, name or "—")
    finally:
        slot.release()


def _supervise(kind: str, args: tuple[Any, ...], size: int, limits: Limits, name: str) -> LoadResult:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    seconds = limits.time_for(size)
    process = ctx.Process(target=_child, args=(sender, kind, args, limits, seconds, size), daemon=True)
    for attempt in (1, 2):  # a fork server that was killed is started again on the second try
        try:
            _start(process)
            break
        except OSError as exc:
            if attempt == 2:  # no process could be made (fork refused): say so, do not parse here
                receiver.close()
                sender.close()
                return _refused("read_failed", detail=f"无法启动读取进程 / cannot start the reader ({exc})")
            process = ctx.Process(target=_child, args=(sender, kind, args, limits, seconds, size), daemon=True)
    sender.close()
    deadline = time.monotonic() + seconds  # the child's CPU limit (a second more) is the backstop
    memory = limits.memory_for(size) + _resident(process.pid)  # what a forked child shares is not its own
    payload: bytes | None = None
    outcome = "crash"
    try:
        while True:
            if receiver.poll(_POLL_SECONDS):
                try:
                    payload = receiver.recv_bytes(maxlength=limits.output_for(size))
                except EOFError:
                    payload = None
                except OSError:  # longer than output_mb
                    outcome = "output"
                break
            if _resident(process.pid) > memory:
                outcome = "memory"
                break
            if time.monotonic() > deadline:
                outcome = "time"
                break
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if payload is not None:
        try:
            result = pickle.loads(payload)
        except Exception:
            result = None
        if isinstance(result, LoadResult):
            return result
        if isinstance(result, str) and result in ("memory", "output"):
            return _limit(result, limits, size, name)
    if outcome == "crash":  # the pipe closed without a result: why did the child end?
        code = process.exitcode
        if code == -signal.SIGXCPU:
            outcome = "time"
        elif code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
            # not killed by this watch (it says why itself): the kernel's out-of-memory killer,
            # or Rust aborting on a failed allocation, or an allocator faulting
            outcome = "memory"
    return _limit(outcome, limits, size, name)


_POLL_SECONDS = 0.01
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _resident(pid: int | None) -> int:
    """Resident bytes of a process (0 when it is gone or /proc is not there)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _cap(resource_module: Any, which: int, value: int) -> None:
    try:
        _, hard = resource_module.getrlimit(which)
        if hard != resource_module.RLIM_INFINITY:
            value = min(value, hard)
        resource_module.setrlimit(which, (value, value if hard == resource_module.RLIM_INFINITY else hard))
    except (ValueError, OSError):
        pass


def _address_space() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _child(sender: Connection, kind: str, args: tuple[Any, ...], limits: Limits, seconds: float, size: int) -> None:
    import resource

    _cap(resource, resource.RLIMIT_CORE, 0)
    _cap(resource, resource.RLIMIT_FSIZE, 0)
    cpu = int(seconds) + 1
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        used = int(time.process_time())
        resource.setrlimit(resource.RLIMIT_CPU, (used + cpu, used + cpu + 1 if hard == resource.RLIM_INFINITY
                                                 else min(hard, used + cpu + 1)))
    except (ValueError, OSError):
        pass
    # the parent watches resident memory; the address-space cap is the backstop for an allocation
    # faster than its watch (thread stacks and arenas reserve far more than they use, hence the room)
    _cap(resource, resource.RLIMIT_AS, _address_space() + 4 * limits.memory_for(size) + 2048 * _MB)
    from perfeval_core.io import loader

    try:
        if kind == "bytes":
            result: Any = loader.load_bytes(*args)
        else:
            result = loader.load_path(*args)
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > limits.output_for(size):
            payload = pickle.dumps("output")
    except MemoryError:
        payload = pickle.dumps("memory")
    try:
        sender.send_bytes(payload)
    except MemoryError:
        sender.send_bytes(pickle.dumps("memory"))
    finally:
        sender.close()
