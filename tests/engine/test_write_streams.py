"""Issue 12: the trakt writes run while the Kodi writes do, instead of after them. Cancelling, or Kodi failing,
still stops both; an error of either is reported as before; the progress dialog shows one bar for both."""
import threading

from tests.engine.world import EngineWorld, ListLibrary, kodi_movie
from traktsync.engine import SyncCancelled
from traktsync.kodi.jsonrpc import JsonRpcError

FILMS = 12
SMALL_BATCHES = {'batch_start': 2, 'batch_min': 2, 'batch_max': 2}
WAIT = 10.0   # seconds a test waits for something that should happen at once


class BlockingLibrary(ListLibrary):
    """Kodi whose watched writes wait, each, until ``go(call_number)`` says so; ``then(call_number)`` runs after."""

    def __init__(self, movies, go=lambda call: True, then=lambda call: None):
        ListLibrary.__init__(self, movies)
        self.writes = 0
        self.written = []
        self._go = go
        self._then = then

    def apply_watched(self, changes):
        self.calls_made += 1
        self.writes += 1
        assert self._go(self.writes), 'the Kodi write waited in vain'
        self.written.extend(change.key for change in changes)
        self._then(self.writes)
        return []


def wait_for(condition, timeout=WAIT):
    """Wait (on an event that is never set: a bounded wait) until ``condition()``; its last value."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        pause.wait(0.01)
    return condition()


def world_with(tmp_path, library_factory):
    """Films 0-9 watched in Kodi only (plays for trakt), films 10 and 11 watched on trakt only (Kodi writes)."""
    world = EngineWorld(tmp_path, movies=FILMS)
    catalog = world.catalog['movies']
    movies = [kodi_movie(catalog[i], i + 1, playcount=1 if i < 10 else 0) for i in range(FILMS)]
    for index in (10, 11):
        world.emu.add_play('movie', catalog[index]['ids']['trakt'], '2024-05-01T20:00:00.000Z')
    world.library = library_factory(movies)
    return world


def test_plays_go_to_trakt_while_kodi_is_still_being_written(tmp_path):
    holder = {}

    def go(call):   # the Kodi write goes on only once trakt has some of the plays
        return wait_for(lambda: holder['world'].posts('/sync/history'))

    world = world_with(tmp_path, lambda movies: BlockingLibrary(movies, go=go))
    holder['world'] = world

    result = world.engine(client_options=SMALL_BATCHES).sync()

    assert result.status == 'ok', result.error
    assert result.applied['kodi_movies'] == 2 and result.applied['history_add_movies'] == 10


def held_trakt(released, cancelled=None):
    """Client options under which each POST after the first waits for trakt's pacing until ``released`` is set,
    and a wait ends with the sync cancelled when ``cancelled`` is set (traktsync.cancel.cancellable_sleep)."""
    def sleep(seconds):
        assert released.wait(WAIT), 'the pacing wait was never released'
        if cancelled is not None and cancelled.is_set():
            raise SyncCancelled()
    return dict(SMALL_BATCHES, post_interval=1.0, sleep=sleep)


def test_cancelling_while_kodi_is_written_stops_the_trakt_writes_too(tmp_path):
    cancelled, released = threading.Event(), threading.Event()
    holder = {}

    def go(call):   # trakt took the first plays and waits for its pacing; the user cancels
        return wait_for(lambda: holder['world'].posts('/sync/history'))

    def then(call):
        cancelled.set()
        released.set()

    world = world_with(tmp_path, lambda movies: BlockingLibrary(movies, go=go, then=then))
    holder['world'] = world

    result = world.engine(client_options=held_trakt(released, cancelled), is_cancelled=cancelled.is_set).sync()

    assert result.status == 'cancelled'
    assert len(world.posts('/sync/history')) == 1 and not world.posts('/sync/collection')
    assert len(world.emu.plays('movie')) == 2 + 2


def test_kodi_failing_stops_the_trakt_writes_and_is_the_error_reported(tmp_path):
    released = threading.Event()
    holder = {}

    def go(call):
        wait_for(lambda: holder['world'].posts('/sync/history'))
        engine = holder['engine']
        # trakt waits for its pacing; it goes on once the sync has told the trakt writes to stop
        threading.Thread(target=lambda: wait_for(lambda: engine._stop_writes) and released.set()).start()
        raise JsonRpcError('VideoLibrary.SetMovieDetails', 'Kodi went away')

    world = world_with(tmp_path, lambda movies: BlockingLibrary(movies, go=go))
    holder['world'] = world
    engine = holder['engine'] = world.engine(client_options=held_trakt(released))

    result = engine.sync()

    assert result.status == 'error' and 'Kodi went away' in result.error
    assert len(world.posts('/sync/history')) <= 2 and not world.posts('/sync/collection')
    # what trakt confirmed is kept: the next sync sends the rest, nothing twice
    world.library = ListLibrary(world.library.movies)
    assert world.sync().status == 'ok'
    plays = world.emu.plays('movie')
    assert len(plays) == FILMS and len(set(p['trakt_id'] for p in plays)) == FILMS


def test_a_trakt_error_while_kodi_is_written_is_reported_once_kodi_is_done(tmp_path):
    world = world_with(tmp_path, BlockingLibrary)
    world.emu.inject('status:423', count=1, method='POST', path_prefix='/sync/history')

    result = world.sync()

    assert result.status == 'error' and result.permanent and 'contact trakt support' in result.error
    assert sorted(world.library.written) == sorted(
        'movie:imdb:' + world.catalog['movies'][i]['ids']['imdb'] for i in (10, 11))
    assert result.applied == {'kodi_movies': 2}


def test_the_progress_dialog_shows_one_bar_for_both_streams(tmp_path):
    seen = []
    world = world_with(tmp_path, BlockingLibrary)

    world.engine(client_options=SMALL_BATCHES,
                 progress=lambda stage, done, total: seen.append((stage, done, total,
                                                                   threading.current_thread().name))).sync()

    writing = [entry for entry in seen if entry[0] == 'writing']
    assert {entry[0] for entry in seen} == {'trakt', 'kodi', 'writing'}   # no stage of either stream alone
    assert {entry[3] for entry in seen} == {threading.current_thread().name}   # Kodi's dialogs: the sync's thread
    assert [done for _stage, done, _total, _thread in writing] == sorted(done for _s, done, _t, _th in writing)
    assert writing[-1][1:3] == (2 + 10 + FILMS, 2 + 10 + FILMS)   # Kodi writes, plays, collection: all done


def test_five_hundred_watched_changes_are_one_kodi_write(tmp_path):
    # Issue 12: Kodi refreshes its home screen after each call, so fewer, larger calls make a first sync faster.
    world = EngineWorld(tmp_path, movies=501)
    catalog = world.catalog['movies']
    world.library = BlockingLibrary([kodi_movie(catalog[i], i + 1) for i in range(501)])
    for movie in catalog:
        world.emu.add_play('movie', movie['ids']['trakt'], '2024-05-01T20:00:00.000Z')

    result = world.sync()

    assert result.applied['kodi_movies'] == 501
    assert world.library.writes == 2


def test_a_sync_after_one_that_kodi_stopped_runs_normally(tmp_path):
    failing = {'on': True}

    def go(call):
        if failing['on']:
            failing['on'] = False
            raise JsonRpcError('VideoLibrary.SetMovieDetails', 'Kodi went away')
        return True

    world = world_with(tmp_path, lambda movies: BlockingLibrary(movies, go=go))
    engine = world.engine()
    assert engine.sync().status == 'error'

    second = engine.sync()

    assert second.status == 'ok', second.error
    assert second.applied.get('kodi_movies') == 2


class ReadingLibrary(ListLibrary):
    """Kodi whose library read lets trakt's list read go on only once it has begun, then waits for that read."""

    def __init__(self, movies, trakt_read):
        ListLibrary.__init__(self, movies)
        self.reading = threading.Event()
        self.trakt_read = trakt_read
        self.saw_trakt_read = None

    def read_snapshot(self, with_metadata=False, probe_sources=True):
        self.reading.set()
        self.saw_trakt_read = self.trakt_read.wait(WAIT)
        return ListLibrary.read_snapshot(self, with_metadata, probe_sources)


def test_trakts_lists_are_read_while_the_kodi_library_is(tmp_path):
    trakt_read = threading.Event()
    world = EngineWorld(tmp_path, movies=FILMS)
    library = world.library = ReadingLibrary([kodi_movie(world.catalog['movies'][0], 1, playcount=1)], trakt_read)
    engine = world.engine()
    read_watched = engine.trakt.watched_movies
    waited = []

    def watched_movies():
        waited.append(library.reading.wait(WAIT))   # read one after the other, each would wait for the other
        items = read_watched()
        trakt_read.set()
        return items
    engine.trakt.watched_movies = watched_movies

    result = engine.sync()

    assert result.status == 'ok', result.error
    assert waited == [True] and library.saw_trakt_read is True
    assert result.applied == {'history_add_movies': 1, 'collection_add_movies': 1}


def test_a_trakt_error_while_kodi_is_read_ends_the_sync_with_trakts_message(tmp_path):
    world = EngineWorld(tmp_path, movies=FILMS)
    world.library.movies = [kodi_movie(world.catalog['movies'][0], 1, playcount=1)]
    world.emu.inject('status:500', count=20, method='GET', path_prefix='/sync/watched/movies')

    result = world.sync()

    assert result.status == 'error' and 'trakt' in result.error.lower(), result.error
    assert world.library.reads, 'the Kodi library was read meanwhile'
    assert not [r for r in world.emu.requests if r['method'] == 'POST']
