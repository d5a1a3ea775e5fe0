"""Check many files: from the content cache where it can, over the machine's cores where it pays."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from compiler.cache import ContentCache, pack, unpack
from compiler.checkfile import LoadedFile, check_document
from compiler.diagnostics import Diagnostic
from compiler.discover import SourceFile

PARALLEL_FROM = 400  # below this, starting workers costs more than it saves
Checked = tuple[LoadedFile, list[Diagnostic]]


def _check_chunk(chunk: list[tuple[SourceFile, bytes]]) -> list[Checked]:
    return [check_document(source, raw) for source, raw in chunk]


def _check_packed(chunk: list[tuple[SourceFile, bytes]]) -> list[bytes]:
    """In a worker: results as marshal blobs (far cheaper to send back than pickled objects)."""
    return [pack(*check_document(source, raw)) for source, raw in chunk]


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _check(todo: Sequence[tuple[SourceFile, bytes]]) -> list[tuple[Checked, bytes | None]]:
    workers = _workers()
    methods = multiprocessing.get_all_start_methods()
    if len(todo) < PARALLEL_FROM or workers < 2 or "fork" not in methods:
        return [(checked, None) for checked in _check_chunk(list(todo))]
    size = -(-len(todo) // (workers * 4))
    chunks = [list(todo[i : i + size]) for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        blobs = [blob for chunk in pool.map(_check_packed, chunks) for blob in chunk]
    return [(unpack(source, raw, blob), blob) for (source, raw), blob in zip(todo, blobs, strict=True)]


def check_files(pairs: Sequence[tuple[SourceFile, bytes]], cache: ContentCache | None) -> list[Checked]:
    """`check_document` for every pair, in order; cached results reused, new ones stored."""
    results: list[Checked | None] = [cache.get(s, raw) if cache else None for s, raw in pairs]
    missing = [i for i, found in enumerate(results) if found is None]
    for i, (checked, blob) in zip(missing, _check([pairs[i] for i in missing]), strict=True):
        results[i] = checked
        if cache is not None:
            cache.put(*checked, blob=blob)
    return [r for r in results if r is not None]
