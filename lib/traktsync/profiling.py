"""An optional cProfile of one sync, for the benchmark (tools/bench): off unless Kodi runs with
``TRAKTSYNC_PROFILE`` set to a folder, where each profiled sync leaves ``<name>-<time>.pstats``."""
import os
import time

ENV = 'TRAKTSYNC_PROFILE'


def run(name, function):
    folder = os.environ.get(ENV)
    if not folder:
        return function()
    import cProfile
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(function)
    finally:
        profiler.dump_stats(os.path.join(folder, '{}-{:.0f}.pstats'.format(name, time.time() * 1000)))
