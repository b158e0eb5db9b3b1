"""Benchmark of the Kodi side against real Kodi: reading a big library, and writing watched state.

    python -m tools.bench.library_io --movies 10000 --episodes 50000

Generates a media tree of that size, lets a fresh Kodi scan it (this is the slow part: minutes), then reads the
library with each ``--page-sizes`` value and writes watched state with each ``--write-batches`` value. For every
read it prints the JSON-RPC round trips, the wall time and the peak Python memory of the reading process
(tracemalloc, measured in a second run so that tracing does not distort the time). The numbers chose
``library.PAGE_SIZE`` and ``library.WRITE_BATCH``. Not part of ``make test``; ``make bench`` (``python -m
tools.bench``) measures the whole sync.
"""
import argparse
import glob
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import namedtuple
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'lib'))

from tools import catalog, kodi_harness, media_tree  # noqa: E402 - needs lib/ on the path
from tools.kodi_harness import QuietTransport  # noqa: E402
from traktsync.kodi.jsonrpc import JsonRpc  # noqa: E402
from traktsync.kodi.library import KodiLibrary  # noqa: E402
from traktsync.settings import Settings  # noqa: E402

EPISODES_PER_SHOW = 100    # 4 seasons of 25
VIDEO_DB = os.path.join('home', '.kodi', 'userdata', 'Database', 'MyVideos*.db')
Change = namedtuple('Change', 'kind kodi_ids playcount lastplayed')


def say(text):
    print(text, flush=True)


def write_media(root, movies, episodes):
    shows = max(1, -(-episodes // EPISODES_PER_SHOW)) if episodes else 0
    data = catalog.make_catalog(movies=movies, shows=shows, seasons=4, episodes_per_season=25)
    kept = 0
    for show in data['shows']:          # trim the last show to the exact episode count
        for season in show['seasons']:
            season['episodes'] = season['episodes'][:max(0, episodes - kept)]
            kept += len(season['episodes'])
    started = time.monotonic()
    os.makedirs(os.path.join(root, 'movies'), exist_ok=True)
    os.makedirs(os.path.join(root, 'tv'), exist_ok=True)
    for index, movie in enumerate(data['movies']):
        media_tree.write_movie(root, movie)
        if index % 2000 == 1999:
            say('  {} movies written'.format(index + 1))
    written = set()
    for index, (show, season, episode) in enumerate(catalog.iter_episodes(data)):
        if show['ids']['trakt'] not in written:
            media_tree.write_show(root, show)
            written.add(show['ids']['trakt'])
        media_tree.write_episode(root, show, season, episode)
        if index % 10000 == 9999:
            say('  {} episodes written'.format(index + 1))
    say('media tree: {} movies, {} shows, {} episodes in {:.1f} s'.format(
        movies, len(data['shows']), kept, time.monotonic() - started))


def measure_read(kodi, page_size, with_metadata):
    library = KodiLibrary(JsonRpc(QuietTransport(port=kodi.tcp_port, timeout=600)), Settings(), page_size=page_size)
    started = time.perf_counter()
    snapshot = library.read_snapshot(with_metadata=with_metadata)
    seconds = time.perf_counter() - started
    calls = library.rpc.calls_made
    del snapshot
    library = KodiLibrary(JsonRpc(QuietTransport(port=kodi.tcp_port, timeout=600)), Settings(), page_size=page_size)
    tracemalloc.start()
    snapshot = library.read_snapshot(with_metadata=with_metadata)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return calls, seconds, peak, len(snapshot.movies), len(snapshot.episodes), snapshot


def measure_writes(kodi, snapshot, count, batch):
    library = KodiLibrary(JsonRpc(QuietTransport(port=kodi.tcp_port, timeout=600)), Settings(), write_batch=batch)
    items = [('movie', m) for m in snapshot.movies] + [('episode', e) for e in snapshot.episodes]
    base = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(days=batch)
    changes = [Change(kind, (item.kodi_id,), 1 + i % 3, base + timedelta(minutes=i))
               for i, (kind, item) in enumerate(items[:count])]
    started = time.perf_counter()
    failures = library.apply_watched(changes)
    return library.rpc.calls_made, time.perf_counter() - started, len(failures)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--movies', type=int, default=10000)
    parser.add_argument('--episodes', type=int, default=50000)
    parser.add_argument('--page-sizes', default='500,1000,2500,5000,10000,100000',
                        help='comma-separated page sizes to read with (default: %(default)s)')
    parser.add_argument('--write-batches', default='50,100,250,500,1000',
                        help='comma-separated Set*Details batch sizes (default: %(default)s)')
    parser.add_argument('--writes', type=int, default=2000, help='watched changes written per batch size')
    parser.add_argument('--workdir', help='keep the media tree and Kodi home here (default: a temporary folder)')
    parser.add_argument('--reuse', action='store_true',
                        help='with --workdir: keep the media tree and video database of the last run (no new scan)')
    args = parser.parse_args(argv)

    missing = kodi_harness.missing_parts()
    if missing:
        parser.error('real Kodi cannot run here (missing: {})'.format(missing))
    workdir = args.workdir or tempfile.mkdtemp(prefix='traktsync-bench-')
    media = os.path.join(workdir, 'media')
    home = os.path.join(workdir, 'kodi')
    saved = os.path.join(workdir, 'saved-db')      # the video database of the last scan, under its own name
    if args.reuse and not os.path.isdir(saved) and glob.glob(os.path.join(home, VIDEO_DB)):
        os.makedirs(saved)
        shutil.copy(sorted(glob.glob(os.path.join(home, VIDEO_DB)))[-1], saved)
    reuse = args.reuse and args.workdir and os.path.isdir(saved)
    if os.path.exists(home):
        shutil.rmtree(home)
    os.makedirs(home)
    kodi = None
    try:
        if not reuse:
            say('writing the media tree under {}'.format(media))
            if os.path.exists(media):
                shutil.rmtree(media)
            write_media(media, args.movies, args.episodes)
        kodi = kodi_harness.Kodi(home, module_addon_cache=os.path.join(ROOT, 'build', 'module-addons'))
        kodi._prepare_home()
        kodi.write_sources(media)
        if reuse:
            say('reusing the media tree and video database of the last run')
            shutil.copytree(saved, os.path.join(kodi.userdata, 'Database'), dirs_exist_ok=True)
        kodi.start()
        if not reuse:
            say('scanning (this takes a while)')
            started = time.monotonic()
            kodi.scan_media(media, timeout=4 * 3600)
            say('scan: {:.0f} s'.format(time.monotonic() - started))
            if args.workdir:
                shutil.rmtree(saved, ignore_errors=True)
                os.makedirs(saved)
                shutil.copy(kodi.video_db(), saved)

        say('\nread (TCP transport)        calls   seconds   peak MiB   movies   episodes')
        snapshot = None
        for with_metadata in (False, True):
            for page_size in [int(p) for p in args.page_sizes.split(',')]:
                calls, seconds, peak, movies, episodes, snapshot = measure_read(kodi, page_size, with_metadata)
                say('page {:>6}{:<14} {:>7} {:>9.2f} {:>10.1f} {:>8} {:>10}'.format(
                    page_size, ' +streamdetails' if with_metadata else '', calls, seconds, peak / 2.0 ** 20,
                    movies, episodes))

        say('\nwrite {} watched changes     calls   seconds   refused'.format(args.writes))
        for batch in [int(b) for b in args.write_batches.split(',')]:
            calls, seconds, refused = measure_writes(kodi, snapshot, args.writes, batch)
            say('batch {:>5}                  {:>7} {:>9.2f} {:>9}'.format(batch, calls, seconds, refused))
        say('Kodi RSS after the run: {} MiB'.format(_rss_mib(kodi.process.pid)))
    finally:
        if kodi is not None:
            kodi.close()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _rss_mib(pid):
    try:
        with open('/proc/{}/status'.format(pid)) as handle:
            for line in handle:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return '?'


if __name__ == '__main__':
    sys.exit(main())
