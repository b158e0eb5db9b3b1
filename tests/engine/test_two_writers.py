"""Two Kodi boxes on one shared library and one trakt account, in process: the real SyncEngine and TraktClient over
an in-memory library and the in-process emulator, with the two syncs interleaved exactly where the race is
(docs/design.md, "Several writers"): one viewing must end as one play on trakt, whatever the timing.

Each interleaving runs box B's whole sync at one chosen point of box A's sync, so every order is reproduced
deterministically instead of hoped for.
"""
import threading

import pytest

from tools import catalog as catalogs
from tools.soak.clock import VirtualClock
from tools.soak.library import MemoryLibrary
from tools.trakt_emulator.inprocess import InProcessEmulator
from traktsync.engine import SyncEngine
from traktsync.settings import Settings
from traktsync.store import JsonStore, TokenStore
from traktsync.trakt import TraktClient

CLIENT_ID = 'two-writers-client'
CLIENT_SECRET = 'two-writers-secret'


@pytest.fixture
def catalog():
    return catalogs.make_catalog(movies=3, shows=1, seasons=1, episodes_per_season=2)


@pytest.fixture
def emu(catalog):
    with InProcessEmulator(catalog=catalog, post_interval=0, client_id=CLIENT_ID,
                           client_secret=CLIENT_SECRET) as emulator:
        yield emulator


class Box(object):
    """One Kodi box: its own add-on profile (token, baseline) over the shared ``library``. ``hooks`` maps a
    client method name to a function run once, right before that method's first call in this box."""

    def __init__(self, name, emu, library, tmp_path, shared=True):
        self.name = name
        self.emu = emu
        self.library = library
        self.shared = shared
        self.store = JsonStore(str(tmp_path / name))
        TokenStore(self.store).save(emu.issue_token())
        self.hooks = {}
        self.sleeps = []

    def _sleep(self, seconds):
        self.sleeps.append(seconds)
        hook = self.hooks.pop('sleep', None)
        if hook is not None:
            hook()

    def sync(self):
        client = TraktClient('1.0', TokenStore(self.store), CLIENT_ID, CLIENT_SECRET, api_url=self.emu.url,
                             oauth_url=self.emu.url, post_interval=0, backoff_base=0.01, sleep=self._sleep,
                             session=self.emu.session())
        for name in ('add_history', 'history'):
            self._hook(client, name)
        settings = Settings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, api_url=self.emu.url,
                            oauth_url=self.emu.url, collection_metadata=False)
        self.library.shared_database = self.shared
        clock = VirtualClock()
        engine = SyncEngine(self.library, client, self.store, settings, sleep=clock.sleep, clock=clock.wall)
        try:
            return engine.sync()
        finally:
            client.close()

    def _hook(self, client, name):
        original = getattr(client, name)

        def hooked(*args, **kwargs):
            hook = self.hooks.pop(name, None)
            if hook is not None:
                hook()
            return original(*args, **kwargs)
        setattr(client, name, hooked)


def boxes(emu, catalog, tmp_path, shared=True):
    """Box A and box B over one library with three films and two episodes, each synced once (nothing watched)."""
    library = MemoryLibrary(catalog, VirtualClock())
    for item in ('m0', 'm1', 'm2', 'e0.1.1', 'e0.1.2'):
        library.add_copy(item)
    box_a = Box('a', emu, library, tmp_path, shared)
    box_b = Box('b', emu, library, tmp_path, shared)
    for box in (box_a, box_b):
        assert box.sync().status == 'ok'
    return box_a, box_b


def watch(library, item):
    library.watch(library.rows_of(item)[0])


def history_requests(emu, method='GET'):
    return [r for r in emu.requests if r['method'] == method and r['path'].startswith('/sync/history')
            and (method == 'POST' or r['path'] != '/sync/history')]


def plays(emu, catalog):
    return sorted((p['type'], p['trakt_id']) for p in emu.plays())


def only(catalog, *items):
    movies, episodes = catalog['movies'], catalog['shows'][0]['seasons'][0]['episodes']
    return sorted(('movie', movies[int(i[1:])]['ids']['trakt']) if i.startswith('m')
                  else ('episode', episodes[int(i.split('.')[2]) - 1]['ids']['trakt']) for i in items)


class Background(object):
    """Box B's sync in a thread that stops right after B sent its plays, before B reads trakt's history."""

    def __init__(self, box):
        self.box = box
        self.sent = threading.Event()
        self.go_on = threading.Event()
        self.results = []
        box.hooks['history'] = self._pause
        self.thread = threading.Thread(target=lambda: self.results.append(box.sync()))

    def _pause(self):
        self.sent.set()
        assert self.go_on.wait(30)

    def start_and_wait_until_sent(self):
        self.thread.start()
        assert self.sent.wait(30)

    def finish(self):
        self.go_on.set()
        self.thread.join(30)
        return self.results[0]


@pytest.mark.parametrize('order', ['B-whole-sync-before-A-sends', 'both-send-then-A-checks-first',
                                   'both-send-then-B-checks-first'])
def test_both_boxes_plan_before_either_sends_one_play_remains(emu, catalog, tmp_path, order):
    """Both boxes read trakt (and check its stamps) before either sent; then they send and check in every order.
    Each sent the viewings, and one play remains for each."""
    box_a, box_b = boxes(emu, catalog, tmp_path)
    watch(box_a.library, 'm1')
    watch(box_a.library, 'e0.1.2')
    results = []
    if order == 'B-whole-sync-before-A-sends':
        box_a.hooks['add_history'] = lambda: results.append(box_b.sync())
        result_a = box_a.sync()
    else:
        background = Background(box_b)
        box_a.hooks['add_history'] = background.start_and_wait_until_sent
        if order == 'both-send-then-B-checks-first':
            box_a.hooks['history'] = lambda: results.append(background.finish())
        result_a = box_a.sync()
        if order == 'both-send-then-A-checks-first':
            results.append(background.finish())

    assert [r.status for r in results + [result_a]] == ['ok', 'ok']
    for result in results + [result_a]:
        assert result.applied == {'history_add_movies': 1, 'history_add_episodes': 1}
    assert plays(emu, catalog) == only(catalog, 'm1', 'e0.1.2')
    # The box that checked first after both sent saw both plays of each viewing and removed the newer ones; a
    # box that checked later found nothing doubled.
    removals = [r['body']['ids'] for r in history_requests(emu, 'POST') if r['path'] == '/sync/history/remove']
    assert len(removals) == 1 and len(removals[0]) == 2
    # The next syncs of both boxes agree with trakt: nothing more is sent or un-watched.
    before = len(emu.plays())
    for box in (box_a, box_b):
        assert box.sync().applied == {}
    assert len(emu.plays()) == before
    assert box_a.library.rows_of('m1')[0].playcount == 1


def test_without_the_check_the_same_interleaving_doubles_the_play(emu, catalog, tmp_path):
    """What the check is for: on a library the add-on does not know to be shared, the same race leaves two plays
    (and costs no request more)."""
    box_a, box_b = boxes(emu, catalog, tmp_path, shared=False)
    watch(box_a.library, 'm1')
    box_a.hooks['add_history'] = box_b.sync

    assert box_a.sync().status == 'ok'

    assert plays(emu, catalog) == only(catalog, 'm1', 'm1')
    assert history_requests(emu) == []


def test_a_single_box_pays_no_request_for_the_check(emu, catalog, tmp_path):
    box_a, _ = boxes(emu, catalog, tmp_path, shared=False)
    watch(box_a.library, 'm2')
    mark = len(emu.requests)

    result = box_a.sync()

    assert result.applied == {'history_add_movies': 1}
    assert plays(emu, catalog) == only(catalog, 'm2')
    assert history_requests(emu) == []
    assert [r for r in emu.requests[mark:] if r['method'] == 'POST'] == [
        r for r in emu.requests[mark:] if r['path'] == '/sync/history' and r['method'] == 'POST']


def test_a_shared_box_pays_one_history_read_per_kind_sent(emu, catalog, tmp_path):
    box_a, _ = boxes(emu, catalog, tmp_path)
    watch(box_a.library, 'm2')
    mark = len(emu.requests)

    box_a.sync()

    reads = history_requests(emu)
    assert [r['path'] for r in emu.requests[mark:] if r in reads] == ['/sync/history/movies']
    assert reads[0]['query']['start_at'] < reads[0]['query']['end_at']
    assert not [r for r in emu.requests if r['path'] == '/sync/history/remove']


def test_a_rate_limit_wait_checks_trakt_again_before_resending(emu, catalog, tmp_path):
    """A's play meets a 429; while A waits, B sends the same viewing. A reads trakt's stamps again before
    resending, plans again and sends nothing: one play, and no removal needed."""
    box_a, box_b = boxes(emu, catalog, tmp_path, shared=False)
    watch(box_a.library, 'm0')
    emu.inject('429', method='POST', path_prefix='/sync/history', retry_after=3)
    results = []
    box_a.hooks['sleep'] = lambda: results.append(box_b.sync())

    result_a = box_a.sync()

    assert results[0].applied == {'history_add_movies': 1}
    assert result_a.status == 'ok' and not result_a.applied.get('history_add_movies')
    assert plays(emu, catalog) == only(catalog, 'm0')
    posts = [r for r in emu.requests if r['method'] == 'POST' and r['path'] == '/sync/history']
    assert [r['status'] for r in posts] == [429, 201]     # A's rate-limited one, B's


def test_the_second_box_removes_the_double_when_the_first_checked_too_early(emu, catalog, tmp_path):
    """A sends and checks before B sends (A sees one play); B sends the same viewing and its own check removes
    B's double."""
    box_a, box_b = boxes(emu, catalog, tmp_path)
    watch(box_a.library, 'm1')
    # B plans (reads trakt) before A sends, and sends after A finished: run A inside B's last moment.
    box_b.hooks['add_history'] = box_a.sync

    assert box_b.sync().status == 'ok'

    assert plays(emu, catalog) == only(catalog, 'm1')
    removals = [r for r in emu.requests if r['path'] == '/sync/history/remove']
    assert len(removals) == 1


# -- the client's parts of it --------------------------------------------------------------------------------------

def client_for(emu, sleep=None):
    return TraktClient('1.0', MemoryTokens(emu.issue_token()), CLIENT_ID, CLIENT_SECRET, api_url=emu.url,
                       oauth_url=emu.url, post_interval=0, backoff_base=0.01, sleep=sleep or (lambda s: None),
                       session=emu.session(), history_page_limit=2)


class MemoryTokens(object):
    def __init__(self, token):
        self.token = token

    def load(self):
        return self.token

    def save(self, token):
        self.token = token


def test_the_client_reads_every_page_of_a_history_window_and_removes_plays_by_id(emu, catalog):
    movie = catalog['movies'][0]['ids']['trakt']
    ids = [emu.add_play('movie', movie, '2026-11-{:02d}T20:00:00Z'.format(day)) for day in (1, 10, 11, 12, 20)]
    client = client_for(emu)

    history = client.history('movies', '2026-11-10', '2026-11-12')

    assert [entry['id'] for entry in history] == [ids[3], ids[2], ids[1]]     # two pages of 2
    assert client.remove_history_ids([ids[2], 999999])['deleted'] == {'movies': 1, 'episodes': 0}
    assert [p['id'] for p in emu.plays()] == [ids[0], ids[1], ids[3], ids[4]]


def test_before_resend_runs_after_each_rate_limit_wait_and_may_stop_the_resend(emu, catalog):
    waits = []
    client = client_for(emu, sleep=waits.append)
    item = {'type': 'movie', 'ids': {'trakt': catalog['movies'][1]['ids']['trakt']},
            'watched_at': '2026-11-24T21:15:00.000Z'}
    calls = []
    emu.inject('429', count=2, method='POST', path_prefix='/sync/history', retry_after=2)
    assert len(list(client.add_history([item], before_resend=lambda: calls.append(len(waits))))) == 1
    assert calls == [1, 2] and waits == [2.0, 2.0]

    class Moved(Exception):
        pass

    def moved():
        raise Moved()
    emu.inject('429', count=1, method='POST', path_prefix='/sync/history', retry_after=1)
    with pytest.raises(Moved):
        list(client.add_history([item], before_resend=moved))
    assert len(emu.plays()) == 1          # the first call's play; the stopped one was never sent again
