"""The loader pauses CPython's cyclic collector while it runs and always gives it back: after a
good load, a refused file, concurrent loads, and when it was off to begin with."""

from __future__ import annotations

import gc
import threading

from perfeval_core import load_bytes, load_path

from .conftest import ROOT

SAMPLE = ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx"


def test_collector_is_paused_during_a_load_and_restored_after(monkeypatch):
    seen: list[bool] = []
    from perfeval_core.io import loader

    real = loader._load

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "_load", spy)
    assert gc.isenabled()
    assert load_path(SAMPLE).ok
    assert seen == [False] and gc.isenabled()
    assert not load_bytes(b"not a workbook", "x.xlsx").ok  # refused inside the pause
    assert gc.isenabled()


def test_collector_left_off_when_it_was_off():
    gc.disable()
    try:
        assert load_path(SAMPLE).ok
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_concurrent_loads_restore_the_collector_once_all_are_done():
    data = SAMPLE.read_bytes()
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(load_bytes(data, SAMPLE.name).ok)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 4
    assert gc.isenabled()
