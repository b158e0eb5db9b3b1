"""The add-on's own memory in a sync, outside Kodi: ``python -m tools.bench.memory --size M``.

Issue 12 counts Kodi's resident memory, of which the add-on's Python objects are one part. This runs the real
engine and the real library reader (``KodiLibrary`` over a JSON-RPC transport that answers like Kodi 20.1, text
in and text out as ``xbmc.executeJSONRPC``) against the trakt emulator (in a process of its own, so its memory is
not counted) on a benchmark data set, and prints per sync (a first sync, then a no-op one) the peak of Python's
allocations (tracemalloc) above the start and the growth of the process's peak RSS. ``--top N`` lists where the
memory was at the moment of the peak (tracemalloc snapshots taken at the engine's progress steps and around the
library read; the largest is shown).
"""
import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'lib'))

from tools import catalog as catalogs  # noqa: E402
from tools.bench import datasets  # noqa: E402
from traktsync import app, store  # noqa: E402
from traktsync.kodi.jsonrpc import JsonRpc  # noqa: E402
from traktsync.settings import Settings  # noqa: E402

_EMULATOR = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + '/lib')
from tools.bench import datasets
from tools.bench.session import LIMITS
from tools.trakt_emulator import Emulator
dataset = datasets.get(sys.argv[2])
emu = Emulator(catalog=dataset.catalog, latency=0.0, post_interval=0.0, limits=LIMITS)
dataset.seed_trakt(emu)
emu.start()
print(json.dumps({'url': emu.url, 'token': emu.issue_token(), 'client_id': emu.client_id,
                  'client_secret': emu.client_secret}), flush=True)
sys.stdin.read()
emu.stop()
'''

STREAMDETAILS = {'audio': [], 'subtitle': [], 'video': []}


class FakeKodi(object):
    """A Kodi video library behind ``exchange(text) -> text``: the Get* calls the reader makes (with ``limits``),
    Set*Details, and the filtered reads of the ratings and resume streams."""

    def __init__(self, dataset):
        self.movies, self.shows, self.episodes = [], [], []
        for index, movie in enumerate(dataset.library['movies']):
            ids = movie['ids']
            self.movies.append({
                'movieid': index + 1, 'label': movie['title'], 'title': movie['title'], 'year': movie['year'],
                'uniqueid': {'imdb': ids['imdb'], 'tmdb': str(ids['tmdb'])}, 'imdbnumber': ids['imdb'],
                'playcount': movie.get('playcount', 0), 'lastplayed': movie.get('lastplayed', ''),
                'dateadded': '2024-01-01 12:00:00', 'file': '/media/movies/{}.mkv'.format(ids['slug']),
                'streamdetails': STREAMDETAILS, 'userrating': 0, 'resume': {'position': 0.0, 'total': 0.0},
                'runtime': 0})
        for index, show in enumerate(dataset.library['shows']):
            ids = show['ids']
            self.shows.append({'tvshowid': index + 1, 'label': show['title'], 'title': show['title'],
                               'year': show['year'], 'imdbnumber': str(ids['tvdb']),
                               'uniqueid': {'tvdb': str(ids['tvdb']), 'tmdb': str(ids['tmdb']), 'imdb': ids['imdb']}})
        shows = {id(show): index + 1 for index, show in enumerate(dataset.library['shows'])}
        for show, season, episode in catalogs.iter_episodes(dataset.library):
            self.episodes.append({
                'episodeid': len(self.episodes) + 1, 'label': episode['title'], 'tvshowid': shows[id(show)],
                'season': season, 'episode': episode['number'], 'title': episode['title'],
                'uniqueid': {'tvdb': str(episode['ids']['tvdb'])}, 'playcount': episode.get('playcount', 0),
                'lastplayed': episode.get('lastplayed', ''), 'dateadded': '2024-01-01 12:00:00',
                'file': '/media/shows/{}/{}.mkv'.format(show['ids']['slug'], episode['ids']['tvdb']),
                'streamdetails': STREAMDETAILS, 'userrating': 0, 'resume': {'position': 0.0, 'total': 0.0},
                'runtime': 0})
        self.tables = {'VideoLibrary.GetMovies': ('movies', self.movies, 'movieid'),
                       'VideoLibrary.GetTVShows': ('tvshows', self.shows, 'tvshowid'),
                       'VideoLibrary.GetEpisodes': ('episodes', self.episodes, 'episodeid')}

    def exchange(self, text):
        request = json.loads(text)
        if isinstance(request, list):
            return json.dumps([self._answer(one) for one in request])
        return json.dumps(self._answer(request))

    def _answer(self, request):
        method, params = request['method'], request.get('params') or {}
        if method == 'Files.GetSources':
            result = {'sources': [{'file': '/media/', 'label': 'media'}], 'limits': {'start': 0, 'end': 1, 'total': 1}}
        elif method in self.tables:
            key, rows, id_name = self.tables[method]
            if 'filter' in params:
                rows = []   # no rated or in-progress items in the data sets
            limits = params.get('limits') or {}
            start, end = limits.get('start', 0), limits.get('end', len(rows))
            wanted = set(params.get('properties') or ()) | {id_name, 'label'}
            page = [{name: value for name, value in row.items() if name in wanted} for row in rows[start:end]]
            result = {key: page, 'limits': {'start': start, 'end': start + len(page), 'total': len(rows)}}
        elif method in ('VideoLibrary.SetMovieDetails', 'VideoLibrary.SetEpisodeDetails'):
            rows, id_name = (self.movies, 'movieid') if 'movieid' in params else (self.episodes, 'episodeid')
            rows[params[id_name] - 1].update(playcount=params['playcount'], lastplayed=params['lastplayed'])
            result = 'OK'
        else:
            return {'jsonrpc': '2.0', 'id': request.get('id'),
                    'error': {'code': -32601, 'message': 'Method not found.'}}
        return {'jsonrpc': '2.0', 'id': request.get('id'), 'result': result}


def _rss_peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Peaks(object):
    """Snapshots at the engine's progress steps; keeps the one with the most memory traced."""

    def __init__(self, keep, frames):
        self.keep = keep
        self.frames = frames
        self.best = (0, None, None)

    def report(self):
        size, where, snapshot = self.best
        self.best = (0, None, None)
        if snapshot is None:
            return
        print('largest snapshot: {:.1f} MiB traced at "{}"'.format(size / 2 ** 20, where))
        for stat in snapshot.statistics('traceback' if self.frames > 1 else 'lineno')[:self.keep]:
            print('{:8.1f} KiB {:8d} blocks  {}'.format(stat.size / 1024.0, stat.count,
                                                        ' <- '.join(str(f) for f in stat.traceback)))

    def sample(self, where):
        if not self.keep:
            return
        current = tracemalloc.get_traced_memory()[0]
        if current > self.best[0] + (512 << 10 if where is None else 0):
            self.best = (current, where or self._where(), tracemalloc.take_snapshot())

    @staticmethod
    def _where():
        frame = sys._getframe(3)
        return '{}:{} {}'.format(os.path.basename(frame.f_code.co_filename), frame.f_lineno, frame.f_code.co_name)

    def hook(self):
        """Check at every return of a Python function (slow, but finds the peak wherever it is)."""
        def profile(_frame, event, _arg):
            if event == 'return':
                self.sample(None)
        sys.setprofile(profile)
        threading.setprofile(profile)


def one_sync(engine, peaks, label):
    gc.collect()
    if hasattr(tracemalloc, 'reset_peak'):   # Python 3.9+
        tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    started = time.time()
    result = engine.sync()
    seconds = time.time() - started
    peak = tracemalloc.get_traced_memory()[1]
    status = result.status
    del result, engine
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    print('{:6s} {:6.1f} s  {}  traced peak +{:.1f} MiB  kept after +{:.1f} MiB  process peak RSS {:.1f} MiB'
          .format(label, seconds, status, (peak - start) / 2 ** 20, (after - start) / 2 ** 20,
                  _rss_peak_mib()), flush=True)
    peaks.report()


def _sample_file_io(peaks):
    """Sample when a profile file is parsed (its text and the result both alive) or written (its JSON text)."""
    loads, write = store.loads, store.JsonStore._write

    def sampled_loads(text, *args, **kwargs):
        value = loads(text, *args, **kwargs)
        peaks.sample('parsed a file of {:.1f} MiB'.format(len(text) / 2 ** 20))
        return value

    def sampled_write(self, name, payload, private):
        peaks.sample('writing {} ({:.1f} MiB)'.format(name, len(payload) / 2 ** 20))
        return write(self, name, payload, private)
    store.loads, store.JsonStore._write = sampled_loads, sampled_write


def _engine(settings, profile, kodi, peaks):
    engine = app.make_engine(settings, profile, JsonRpc(kodi), progress=lambda stage, done, total: peaks.sample(stage))
    original = engine.library.read_snapshot

    def read_snapshot(*args, **kwargs):
        snapshot = original(*args, **kwargs)
        peaks.sample('library read')
        return snapshot
    engine.library.read_snapshot = read_snapshot
    return engine


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--size', default='M')
    parser.add_argument('--top', type=int, default=0, help='list the N largest places at the peak')
    parser.add_argument('--frames', type=int, default=1)
    parser.add_argument('--exact', action='store_true', help='with --top: look for the peak at every function '
                        'return (slow) instead of at the progress steps and file reads and writes')
    parser.add_argument('--no-trace', action='store_true', help='peak RSS only (tracemalloc costs time and memory)')
    args = parser.parse_args(argv)
    emulator = subprocess.Popen([sys.executable, '-c', _EMULATOR, ROOT, args.size], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)
    try:
        info = json.loads(emulator.stdout.readline())
        dataset = datasets.get(args.size)
        kodi = FakeKodi(dataset)
        del dataset
        profile = tempfile.mkdtemp(prefix='traktsync-memory-')
        with open(os.path.join(profile, 'token.json'), 'w') as handle:
            json.dump(info['token'], handle)
        settings = Settings(api_url=info['url'], oauth_url=info['url'], client_id=info['client_id'],
                            client_secret=info['client_secret'])
        peaks = Peaks(args.top, args.frames)
        gc.collect()
        print('{}: process RSS peak before the syncs {:.1f} MiB'.format(args.size, _rss_peak_mib()), flush=True)
        if not args.no_trace:
            tracemalloc.start(args.frames)
        _sample_file_io(peaks)
        if args.exact and args.top:
            peaks.hook()
        # A new engine per sync, as each "Sync now" makes its own in a new interpreter.
        one_sync(_engine(settings, profile, kodi, peaks), peaks, 'first')
        one_sync(_engine(settings, profile, kodi, peaks), peaks, 'noop')
    finally:
        emulator.stdin.close()
        emulator.wait(30)


if __name__ == '__main__':
    main()
