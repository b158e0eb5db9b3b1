"""Optional measurements of one sync, for the benchmark (tools/bench); both off unless Kodi runs with them set.

* ``TRAKTSYNC_PROFILE`` set to a folder: a cProfile of each sync, left there as ``<name>-<time>.pstats``.
* ``TRAKTSYNC_MEMORY`` set (to anything): the sync runs under tracemalloc, and the log gets Python's traced peak
  beside the process's resident memory (VmRSS, VmHWM from /proc where there is one) before and after it, so
  Kodi's growth can be split into the add-on's Python objects and the rest (issue 12).
"""
import os
import time

from traktsync import logger

ENV = 'TRAKTSYNC_PROFILE'
MEMORY_ENV = 'TRAKTSYNC_MEMORY'


def run(name, function):
    if os.environ.get(MEMORY_ENV):
        return _with_memory(name, lambda: _profiled(name, function))
    return _profiled(name, function)


def _profiled(name, function):
    folder = os.environ.get(ENV)
    if not folder:
        return function()
    import cProfile
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(function)
    finally:
        profiler.dump_stats(os.path.join(folder, '{}-{:.0f}.pstats'.format(name, time.time() * 1000)))


def _process_memory():
    """``{'VmRSS': kB, 'VmHWM': kB}`` of this process, empty where /proc is not there."""
    values = {}
    try:
        with open('/proc/self/status') as handle:
            for line in handle:
                key, _, value = line.partition(':')
                if key in ('VmRSS', 'VmHWM'):
                    values[key] = int(value.split()[0])
    except (IOError, OSError, ValueError):
        pass
    return values


def _with_memory(name, function):
    import gc
    import tracemalloc
    before = _process_memory()
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    traced_before = tracemalloc.get_traced_memory()[0]
    try:
        return function()
    finally:
        traced, peak = tracemalloc.get_traced_memory()
        after = _process_memory()
        gc.collect()
        collected = tracemalloc.get_traced_memory()[0]
        after_gc = _process_memory()
        if started:
            tracemalloc.stop()
        logger.info('memory of {}: traced peak +{:.1f} MiB, traced after +{:.1f} MiB (+{:.1f} after gc); RSS '
                    '{:.1f} -> {:.1f} MiB ({:.1f} after gc), peak RSS {:.1f} -> {:.1f} MiB', name,
                    (peak - traced_before) / 2 ** 20, (traced - traced_before) / 2 ** 20,
                    (collected - traced_before) / 2 ** 20, before.get('VmRSS', 0) / 1024.0,
                    after.get('VmRSS', 0) / 1024.0, after_gc.get('VmRSS', 0) / 1024.0,
                    before.get('VmHWM', 0) / 1024.0, after.get('VmHWM', 0) / 1024.0)
