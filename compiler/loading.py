"""Check many files: from the content cache where it can, over the machine's cores where it pays."""

from __future__ import annotations

import os
from collections.abc import Sequence

from compiler.cache import ContentCache, pack, unpack
from compiler.checkfile import LoadedFile, check_document, held, unreadable
from compiler.diagnostics import Diagnostic
from compiler.discover import SourceFile
from compiler.tree import Tree

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


def _forkable() -> bool:
    import multiprocessing  # ~7 ms: only for runs large enough to spread

    return "fork" in multiprocessing.get_all_start_methods()


def _check(todo: Sequence[tuple[SourceFile, bytes]]) -> list[tuple[Checked, bytes | None]]:
    workers = _workers()
    if len(todo) < PARALLEL_FROM or workers < 2 or not _forkable():
        return [(checked, None) for checked in _check_chunk(list(todo))]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(todo) // (workers * 4))
    chunks = [list(todo[i : i + size]) for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        blobs = [blob for chunk in pool.map(_check_packed, chunks) for blob in chunk]
    return [(unpack(source, held(raw), blob), blob) for (source, raw), blob in zip(todo, blobs, strict=True)]


def check_files(
    tree: Tree, sources: Sequence[SourceFile], cache: ContentCache | None
) -> tuple[list[Checked], list[Diagnostic]]:
    """`check_document` for every source file, in order, and BG004 for those that can't be read.
    Cached results are reused (an unchanged file isn't even read), new ones stored."""
    results: list[Checked | None] = []
    todo: list[tuple[int, SourceFile, bytes]] = []
    problems: list[Diagnostic] = []
    for source in sources:
        try:
            found = cache.get(tree, source) if cache is not None else None
            if found is None:
                todo.append((len(results), source, tree.read(source.path)))
        except OSError as err:
            problems.append(unreadable(source.path, err))
            continue
        results.append(found)
    checked = _check([(source, raw) for _, source, raw in todo])
    for (i, _, _), (result, blob) in zip(todo, checked, strict=True):
        results[i] = result
        if cache is not None:
            cache.put(tree, *result, blob=blob)
    return [r for r in results if r is not None], problems
