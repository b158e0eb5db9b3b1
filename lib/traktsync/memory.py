"""Giving the memory of a sync back to the system once it is over (issue 12).

A sync builds and drops tens of MiB of Python objects for a large library. CPython returns its own small-object
arenas to the system when they empty, but everything larger (the JSON text of each library page and trakt list, the
tables of big dicts and lists) comes from the C library's malloc, which keeps freed memory for later use. Kodi runs
each "Sync now" in a new thread, and glibc serves threads from several arenas, so what one sync freed was often not
where the next one allocated: Kodi's resident memory grew with every manual sync. ``malloc_trim`` hands the free
pages of every arena back; where there is no glibc (Android, Windows, macOS) this does nothing.
"""
import gc

from traktsync import logger


def give_back(collect=True):
    """Collect the garbage of the sync (unless ``collect`` is False), then return free heap pages to the system
    (glibc only)."""
    if collect:
        gc.collect()   # objects in reference cycles would otherwise wait for a collection that may never come
    try:
        import ctypes
        trim = ctypes.CDLL('libc.so.6').malloc_trim
    except (ImportError, OSError, AttributeError):
        return False
    try:
        trim(0)
    except Exception as exc:   # a C library that is not quite glibc: keep the memory, never fail the sync
        logger.debug('malloc_trim failed: {}', exc)
        return False
    return True
