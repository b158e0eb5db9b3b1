"""The three-way merge (traktsync.plan), one test per rule, asserting what the user sees on each side.

The builders and the simulator here (``apply_plan``: what the engine does with a plan) are shared with
test_plan_properties.py.
"""
from datetime import datetime, timedelta, timezone

import tools.catalog as catalog
from traktsync.model import (
    EPISODE,
    MOVIE,
    SHOW,
    Baseline,
    Ids,
    KodiEpisode,
    KodiMovie,
    KodiSnapshot,
    TraktEpisode,
    TraktMovie,
    TraktShow,
    TraktSnapshot,
    Unmatched,
    format_utc,
    later,
    to_minute,
)
from traktsync.plan import PlanOptions, make_plan


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


DAY1 = utc(2024, 1, 1, 20, 15, 42)
DAY2 = utc(2024, 1, 2, 21, 30, 10)
ADDED = utc(2023, 12, 24, 9, 0, 0)


# --- builders --------------------------------------------------------------------------------------------------

def movie_kodi_ids(index, tmdb_only=False):
    ids = catalog.movie(index)['ids']
    if tmdb_only:
        return Ids.from_kodi_uniqueid({'tmdb': str(ids['tmdb'])})
    return Ids.from_kodi_uniqueid({'imdb': ids['imdb'], 'tmdb': str(ids['tmdb'])})


def kodi_movie(index, playcount=0, lastplayed=None, kodi_id=None, ids=None, dateadded=ADDED, metadata=None):
    data = catalog.movie(index)
    ids = ids if ids is not None else movie_kodi_ids(index)
    return KodiMovie(kodi_id if kodi_id is not None else index + 1, ids, data['title'], data['year'], playcount,
                     lastplayed, dateadded, 'movies/{}.mkv'.format(index), metadata)


_SHOW_IDS = {}


def show_kodi_ids(index):
    if index not in _SHOW_IDS:
        ids = catalog.show(index)['ids']
        _SHOW_IDS[index] = Ids.from_kodi_uniqueid({'tvdb': str(ids['tvdb']), 'tmdb': str(ids['tmdb']),
                                                   'imdb': ids['imdb']})
    return _SHOW_IDS[index]


def kodi_episode(show, season, number, playcount=0, lastplayed=None, kodi_id=None, dateadded=ADDED, metadata=None):
    data = catalog.show(show)
    episode = data['seasons'][season - 1]['episodes'][number - 1]
    return KodiEpisode(kodi_id if kodi_id is not None else 10000 + show * 1000 + season * 100 + number,
                       show_kodi_ids(show), data['title'], season, number,
                       Ids.from_kodi_uniqueid({'tvdb': str(episode['ids']['tvdb'])}), episode['title'], playcount,
                       lastplayed, dateadded, 'shows/{}/{}x{}.mkv'.format(show, season, number), metadata)


def kodi(movies=(), episodes=(), **extra):
    return KodiSnapshot(movies=list(movies), episodes=list(episodes), **extra)


def trakt_lists(movies=(), episodes=(), collected_movies=(), collected_episodes=(), reset_at=None):
    """Raw trakt lists. movies: (index, plays, last_watched_at); episodes: (show, season, number, plays, last);
    collected_movies: index or (index, collected_at, metadata); collected_episodes: (show, season, number)."""
    watched_movies = [{'plays': plays, 'last_watched_at': format_utc(last), 'movie': catalog.movie(index)}
                      for index, plays, last in movies]
    shows = {}
    for show, season, number, plays, last in episodes:
        entry = shows.setdefault(show, {'plays': 0, 'reset_at': format_utc((reset_at or {}).get(show)),
                                        'show': _show_object(show), 'seasons': []})
        entry['plays'] += plays
        _season(entry, season).append({'number': number, 'plays': plays, 'last_watched_at': format_utc(last)})
    collection_movies = []
    for item in collected_movies:
        index, at, metadata = item if isinstance(item, tuple) else (item, ADDED, None)
        collection_movies.append({'collected_at': format_utc(at), 'movie': catalog.movie(index),
                                  'metadata': metadata})
    collection_shows = {}
    for show, season, number in collected_episodes:
        entry = collection_shows.setdefault(show, {'show': _show_object(show), 'seasons': []})
        _season(entry, season).append({'number': number, 'collected_at': format_utc(ADDED)})
    return dict(watched_movies=watched_movies, watched_shows=list(shows.values()),
                collection_movies=collection_movies, collection_shows=list(collection_shows.values()))


def _show_object(index):
    data = catalog.show(index)
    return {'title': data['title'], 'year': data['year'], 'ids': data['ids']}


def _season(entry, number):
    for season in entry['seasons']:
        if season['number'] == number:
            return season['episodes']
    entry['seasons'].append({'number': number, 'episodes': []})
    return entry['seasons'][-1]['episodes']


def trakt(**kwargs):
    return TraktSnapshot.from_lists(**trakt_lists(**kwargs))


def only_movie(snapshot):
    assert len(snapshot.movies) == 1
    return snapshot.movies[0]


# --- the simulator: what the engine does with a plan -----------------------------------------------------------

def _shares_id(a, b, kind):
    return bool(set(a.tokens(kind)) & set(b.tokens(kind)))


def _trakt_item(trakt_snapshot, action):
    """The trakt item an action addresses, created the way trakt would on a first play or collection add."""
    if action.kind == MOVIE:
        for item in trakt_snapshot.movies:
            if _shares_id(item.ids, action.ids, MOVIE):
                return item
        item = TraktMovie(action.ids, action.title)
        trakt_snapshot.movies.append(item)
        return item
    show = None
    for item in trakt_snapshot.episodes:
        if _shares_id(item.show.ids, action.show_ids, SHOW):
            show = item.show
            if (item.season, item.number) == (action.season, action.number):
                return item
    item = TraktEpisode(show or TraktShow(action.show_ids, action.title), action.season, action.number)
    trakt_snapshot.episodes.append(item)
    return item


def apply_plan(plan, kodi_snapshot, trakt_snapshot, baseline, clean=False):
    """Apply every action to both snapshots and record it in the baseline, as the engine will."""
    baseline.record_settled(plan)
    kodi_items = {(MOVIE, m.kodi_id): m for m in kodi_snapshot.movies}
    kodi_items.update({(EPISODE, e.kodi_id): e for e in kodi_snapshot.episodes})
    for action in plan.to_trakt_history_add:
        item = _trakt_item(trakt_snapshot, action)
        item.plays += len(action.watched_at)
        for watched_at in action.watched_at:
            item.last_watched_at = later(item.last_watched_at, watched_at)
        baseline.record(action)
    for action in plan.to_trakt_history_remove:
        item = _trakt_item(trakt_snapshot, action)
        item.plays, item.last_watched_at = 0, None
        baseline.record(action)
    for action in plan.to_kodi:
        for kodi_id in action.kodi_ids:
            item = kodi_items[action.kind, kodi_id]
            item.playcount, item.lastplayed = action.playcount, action.lastplayed
        baseline.record(action)
    for action in plan.collection_add:
        item = _trakt_item(trakt_snapshot, action)
        item.collected, item.collected_at = True, action.collected_at
        item.metadata = action.metadata or item.metadata
        baseline.record(action)
    if clean:
        for action in plan.clean_candidates:
            item = _trakt_item(trakt_snapshot, action)
            item.collected, item.collected_at, item.metadata = False, None, None
            baseline.record(action)


def trakt_plays(trakt_snapshot, index):
    return sum(m.plays for m in trakt_snapshot.movies if m.ids.imdb == catalog.movie(index)['ids']['imdb'])


NO_COLLECTION = PlanOptions(collection_add=False)


# --- first sync: the union, no plays invented ------------------------------------------------------------------

def test_first_sync_sends_one_play_for_an_item_watched_only_in_kodi():
    # Kodi's playcount 3 is one viewing trakt can date (lastplayed); two more at made-up minutes would be invented.
    plan = make_plan(kodi([kodi_movie(0, playcount=3, lastplayed=DAY1)]), trakt(), None, NO_COLLECTION)
    [add] = plan.to_trakt_history_add
    assert add.watched_at == (utc(2024, 1, 1, 20, 15),)
    assert add.ids.to_trakt(MOVIE) == {'imdb': catalog.movie(0)['ids']['imdb'], 'tmdb': catalog.movie(0)['ids']['tmdb']}
    assert plan.to_kodi == [] and 'not on trakt' in add.reason


def test_several_new_viewings_since_the_last_sync_are_each_one_play_at_distinct_minutes():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 3, DAY2
    [add] = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).to_trakt_history_add
    assert add.watched_at == (to_minute(DAY2) - timedelta(minutes=1), to_minute(DAY2))


def test_first_sync_gives_kodi_the_trakt_play_count_and_latest_date():
    plan = make_plan(kodi([kodi_movie(0, playcount=1, lastplayed=DAY1)]), trakt(movies=[(0, 3, DAY2)]), None,
                     NO_COLLECTION)
    assert plan.to_trakt_history_add == []
    [update] = plan.to_kodi
    assert (update.kodi_ids, update.playcount, update.lastplayed) == ((1,), 3, DAY2)


def test_first_sync_with_both_sides_watched_sends_nothing_to_trakt():
    # Kodi 2 / trakt 1: the trakt play may be one of Kodi's viewings; a duplicate on trakt would be forever.
    kodi_side = kodi([kodi_movie(0, playcount=2, lastplayed=DAY1)])
    trakt_side = trakt(movies=[(0, 1, DAY1)])
    baseline = Baseline()
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert plan.is_empty()
    apply_plan(plan, kodi_side, trakt_side, baseline)
    assert (kodi_side.movies[0].playcount, trakt_plays(trakt_side, 0)) == (2, 1)
    again = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert again.is_empty() and again.settled == []


def test_first_sync_of_unwatched_items_writes_nothing_but_remembers_their_rows():
    kodi_side, trakt_side, baseline = kodi([kodi_movie(0)]), trakt(), Baseline()
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert plan.is_empty() and [s.rows for s in plan.settled] == [{'1@2023-12-24T09:00:00.000Z': 0}]
    apply_plan(plan, kodi_side, trakt_side, baseline)
    # Later, one viewing recorded by a scrobbler on both sides and one more in Kodi: two viewings, one more play.
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 2, DAY2
    trakt_side = trakt(movies=[(0, 1, DAY1)])
    [add] = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).to_trakt_history_add
    assert len(add.watched_at) == 1


def test_a_library_rebuilt_over_the_same_files_is_not_an_unwatch():
    # A fresh database scanned anew: the rows get their old ids and (Kodi dates rows by file time) their old dates.
    movies = [kodi_movie(i, playcount=1, lastplayed=DAY1) for i in range(3)]
    kodi_side, trakt_side, baseline = synced(movies, {'movies': [(i, 1, DAY1) for i in range(3)]})
    for movie in kodi_side.movies:
        movie.playcount, movie.lastplayed = 0, None
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert plan.library_rebuilt and plan.to_trakt_history_remove == []
    assert sorted(u.playcount for u in plan.to_kodi) == [1, 1, 1]
    # one film un-watched by the user, the others still watched: an un-watch
    kodi_side, trakt_side, baseline = synced([kodi_movie(i, playcount=1, lastplayed=DAY1) for i in range(3)],
                                             {'movies': [(i, 1, DAY1) for i in range(3)]})
    kodi_side.movies[0].playcount = 0
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert not plan.library_rebuilt and len(plan.to_trakt_history_remove) == 1


# --- changed in Kodi only --------------------------------------------------------------------------------------

def synced(kodi_movies, trakt_kwargs, options=NO_COLLECTION):
    """Both sides after a first sync, with the baseline it left."""
    kodi_side = kodi(kodi_movies)
    trakt_side = trakt(**trakt_kwargs)
    baseline = Baseline()
    apply_plan(make_plan(kodi_side, trakt_side, baseline, options), kodi_side, trakt_side, baseline)
    return kodi_side, trakt_side, baseline


def test_a_new_kodi_play_becomes_one_new_trakt_play_at_its_lastplayed():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 2, DAY2
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    [add] = plan.to_trakt_history_add
    assert add.watched_at == (utc(2024, 1, 2, 21, 30),)
    apply_plan(plan, kodi_side, trakt_side, baseline)
    assert trakt_plays(trakt_side, 0) == 2
    assert make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).is_empty()


def test_kodi_unwatch_is_not_sent_by_default_and_not_rewatched_from_trakt():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount = 0
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert plan.is_empty()
    assert 'send unwatched' in plan.settled[0].reason
    apply_plan(plan, kodi_side, trakt_side, baseline)
    again = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert again.to_kodi == [] and trakt_plays(trakt_side, 0) == 1


def test_kodi_unwatch_removes_the_trakt_history_with_send_unwatched():
    options = PlanOptions(collection_add=False, send_unwatched=True)
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 3, DAY1)]})
    kodi_side.movies[0].playcount = 0
    plan = make_plan(kodi_side, trakt_side, baseline, options)
    [remove] = plan.to_trakt_history_remove
    assert remove.reason == 'unwatched in Kodi'
    apply_plan(plan, kodi_side, trakt_side, baseline)
    assert trakt_plays(trakt_side, 0) == 0
    assert make_plan(kodi_side, trakt_side, baseline, options).is_empty()


def test_fewer_kodi_plays_never_remove_trakt_plays():
    options = PlanOptions(collection_add=False, send_unwatched=True)
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=3, lastplayed=DAY1)], {'movies': [(0, 3, DAY1)]})
    kodi_side.movies[0].playcount = 1
    assert make_plan(kodi_side, trakt_side, baseline, options).is_empty()


# --- changed on trakt only -------------------------------------------------------------------------------------

def test_a_new_trakt_play_raises_the_kodi_playcount_and_lastplayed():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    trakt_side.movies[0].plays, trakt_side.movies[0].last_watched_at = 2, DAY2
    [update] = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).to_kodi
    assert (update.playcount, update.lastplayed) == (2, DAY2)


def test_trakt_unwatch_only_reaches_kodi_with_take_unwatched():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    trakt_side.movies[0].plays = 0
    assert make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).is_empty()
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, take_unwatched=True))
    [update] = plan.to_kodi
    assert (update.playcount, update.lastplayed) == (0, None)


# --- changed on both sides -------------------------------------------------------------------------------------

def test_changed_on_both_sides_ends_at_the_larger_play_count():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 3, DAY2
    trakt_side.movies[0].plays = 2
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    [add] = plan.to_trakt_history_add
    assert len(add.watched_at) == 1 and plan.to_kodi == []
    apply_plan(plan, kodi_side, trakt_side, baseline)
    assert (kodi_side.movies[0].playcount, trakt_plays(trakt_side, 0)) == (3, 3)


def test_watched_wins_over_an_unwatch_on_the_other_side():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount = 0
    trakt_side.movies[0].plays, trakt_side.movies[0].last_watched_at = 2, DAY2
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert plan.to_trakt_history_remove == []
    [update] = plan.to_kodi
    assert (update.playcount, update.lastplayed) == (1, DAY2)   # the one new viewing


def test_an_unwatch_in_kodi_does_not_remove_a_newer_play_trakt_has_with_the_count_as_it_was():
    """Plays removed on trakt and a newer one added since the last sync (a check-in, or another box sending a
    viewing): trakt's count is what it was, its newest play later. "Send unwatched" must not delete that viewing."""
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount = 0
    trakt_side.movies[0].last_watched_at = DAY2
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert plan.to_trakt_history_remove == [] and plan.to_kodi == []
    [settled] = plan.settled
    assert 'nothing removed' in settled.reason
    trakt_side.movies[0].last_watched_at = DAY1   # the same plays as at the last sync: the un-watch is sent
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert len(plan.to_trakt_history_remove) == 1


def test_a_play_sent_without_a_time_leaves_trakts_newest_play_unknown_until_read():
    """trakt dates a play sent without ``watched_at`` itself; the record must not claim an older newest play, or
    the next sync would take trakt's own date for a newer play and keep an un-watch from being sent."""
    kodi_side = kodi([kodi_movie(0, playcount=1, lastplayed=None)])
    baseline = Baseline()
    plan = make_plan(kodi_side, trakt(), baseline, NO_COLLECTION)
    [sent] = plan.to_trakt_history_add
    assert sent.watched_at == (None,)
    baseline.record(sent)
    assert baseline.trakt_newest(sent.key) is None


def test_an_entry_kept_before_trakts_newest_play_was_reads_no_viewing_from_it_and_learns_it():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    [key] = baseline.watched
    baseline.watched[key] = baseline.watched[key][:4]   # as an older version wrote it
    trakt_side.movies[0].last_watched_at = DAY2
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert plan.is_empty()
    baseline.record_settled(plan)
    assert baseline.trakt_newest(key) == to_minute(DAY2)


# --- reset_at (re-watching a show) -----------------------------------------------------------------------------

RESET = utc(2024, 3, 1, 12, 0)


def test_episode_seen_before_a_reset_does_not_mark_the_kodi_episode_watched():
    kodi_side = kodi(episodes=[kodi_episode(0, 1, 1), kodi_episode(0, 1, 2)])
    trakt_side = trakt(episodes=[(0, 1, 1, 1, DAY1), (0, 1, 2, 1, utc(2024, 3, 2))], reset_at={0: RESET})
    plan = make_plan(kodi_side, trakt_side, None, NO_COLLECTION)
    assert [(u.number, u.playcount) for u in plan.to_kodi] == [(2, 1)]   # only the re-watched episode


def test_a_reset_never_lowers_kodi_plays_and_a_rewatch_is_one_more_play():
    options = PlanOptions(collection_add=False, take_unwatched=True)
    kodi_side = kodi(episodes=[kodi_episode(0, 1, 1, playcount=1, lastplayed=DAY1)])
    trakt_side = trakt(episodes=[(0, 1, 1, 1, DAY1)], reset_at={0: RESET})
    baseline = Baseline()
    plan = make_plan(kodi_side, trakt_side, baseline, options)
    assert plan.is_empty()
    apply_plan(plan, kodi_side, trakt_side, baseline)
    kodi_side.episodes[0].playcount, kodi_side.episodes[0].lastplayed = 2, utc(2024, 3, 5, 20)
    [add] = make_plan(kodi_side, trakt_side, baseline, options).to_trakt_history_add
    assert (add.show_ids.tvdb, add.season, add.number, add.watched_at) == (
        catalog.show(0)['ids']['tvdb'], 1, 1, (utc(2024, 3, 5, 20),))


# --- switched-off directions keep changes pending --------------------------------------------------------------

def test_a_switched_off_direction_writes_nothing_and_loses_nothing():
    off = PlanOptions(collection_add=False, movies_to_trakt=False)
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 2, DAY2
    plan = make_plan(kodi_side, trakt_side, baseline, off)
    assert plan.is_empty() and len(plan.pending) == 1 and 'off' in plan.pending[0].reason
    apply_plan(plan, kodi_side, trakt_side, baseline)
    assert make_plan(kodi_side, trakt_side, baseline, off).pending      # still waiting next time
    [add] = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).to_trakt_history_add
    assert len(add.watched_at) == 1


def test_episodes_from_trakt_wait_while_taking_episodes_is_off():
    off = PlanOptions(collection_add=False, episodes_to_kodi=False)
    kodi_side = kodi(episodes=[kodi_episode(0, 1, 1)], movies=[kodi_movie(0)])
    trakt_side = trakt(episodes=[(0, 1, 1, 2, DAY1)], movies=[(0, 1, DAY1)])
    plan = make_plan(kodi_side, trakt_side, None, off)
    assert [u.kind for u in plan.to_kodi] == [MOVIE]
    assert [p.kind for p in plan.pending] == [EPISODE]


# --- collection ------------------------------------------------------------------------------------------------

def test_library_items_missing_from_the_trakt_collection_are_added_with_their_date_added():
    hd = {'resolution': 'hd_1080p', 'audio': 'aac', 'audio_channels': '2.0'}
    kodi_side = kodi([kodi_movie(0, metadata=hd), kodi_movie(1)], [kodi_episode(0, 1, 1)])
    trakt_side = trakt(collected_movies=[1])
    plan = make_plan(kodi_side, trakt_side, None, PlanOptions(metadata=True))
    assert [(a.kind, a.title, a.collected_at, a.metadata) for a in plan.collection_add] == [
        (EPISODE, catalog.show(0)['title'] + ' S01E01', ADDED, None),
        (MOVIE, '{} ({})'.format(catalog.movie(0)['title'], catalog.movie(0)['year']), ADDED, hd)]
    assert [a.metadata for a in make_plan(kodi_side, trakt_side, None, PlanOptions()).collection_add] == [None, None]


def test_changed_media_info_is_resent_with_trakts_own_collected_date():
    collected_at = utc(2020, 5, 5, 5, 5)
    kodi_side = kodi([kodi_movie(0, metadata={'resolution': 'uhd_4k', 'hdr': None})])
    trakt_side = trakt(collected_movies=[(0, collected_at, {'resolution': 'hd_1080p', 'hdr': None})])
    [add] = make_plan(kodi_side, trakt_side, None, PlanOptions(metadata=True)).collection_add
    assert (add.collected_at, add.metadata['resolution']) == (collected_at, 'uhd_4k')
    assert 'hd_1080p -> uhd_4k' in add.reason
    assert make_plan(kodi_side, trakt_side, None, PlanOptions(metadata=False)).collection_add == []


# --- clean candidates ------------------------------------------------------------------------------------------

def test_clean_candidates_are_collected_items_not_in_the_library():
    kodi_side = kodi([kodi_movie(0)], [kodi_episode(0, 1, 1)])
    trakt_side = trakt(collected_movies=[0, 1], collected_episodes=[(0, 1, 1), (0, 1, 2)])
    plan = make_plan(kodi_side, trakt_side, None, PlanOptions())
    assert sorted((c.kind, c.title) for c in plan.clean_candidates) == [
        (EPISODE, catalog.show(0)['title'] + ' S01E02'),
        (MOVIE, '{} ({})'.format(catalog.movie(1)['title'], catalog.movie(1)['year']))]
    assert plan.clean_candidates[0].collected_at == ADDED


def test_no_clean_candidates_when_the_library_read_is_incomplete():
    kodi_side = kodi([kodi_movie(0)], complete=False, incomplete_reason='source nas://films is unreachable')
    plan = make_plan(kodi_side, trakt(collected_movies=[1]), None, PlanOptions())
    assert plan.clean_candidates == []
    assert 'nas://films' in plan.clean_blocked_reason


def test_a_local_unmatched_or_excluded_item_of_the_same_title_protects_it_from_clean():
    one, two, three = catalog.movie(1), catalog.movie(2), catalog.movie(3)
    kodi_side = kodi([kodi_movie(0)], unmatched=[Unmatched(MOVIE, one['title'].upper(), 'a.mkv', 'no ids')],
                     excluded=[Unmatched(MOVIE, two['title'], 'b.mkv', 'excluded path', two['year']),
                               Unmatched(MOVIE, three['title'], 'c.mkv', 'excluded path', three['year'] + 1)])
    plan = make_plan(kodi_side, trakt(collected_movies=[1, 2, 3]), None, PlanOptions())
    assert [c.ids.imdb for c in plan.clean_candidates] == [three['ids']['imdb']]   # other year: not the same


# --- matching --------------------------------------------------------------------------------------------------

def test_copies_of_one_movie_in_kodi_are_one_item_on_trakt():
    kodi_side = kodi([kodi_movie(0, playcount=1, lastplayed=DAY1, kodi_id=7),
                      kodi_movie(0, playcount=2, lastplayed=DAY2, kodi_id=3)])
    plan = make_plan(kodi_side, trakt(movies=[(0, 4, DAY2)]), None, NO_COLLECTION)
    [update] = plan.to_kodi
    assert (update.kodi_ids, update.playcount) == ((3, 7), 4)
    plan = make_plan(kodi_side, trakt(), None, NO_COLLECTION)
    assert [a.watched_at for a in plan.to_trakt_history_add] == [(to_minute(DAY2),)]   # one item, one play


def test_an_item_that_gains_an_id_keeps_its_baseline_and_is_not_sent_twice():
    kodi_side = kodi([kodi_movie(0, playcount=1, lastplayed=DAY1, ids=movie_kodi_ids(0, tmdb_only=True))])
    trakt_side = trakt()
    baseline = Baseline()
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    apply_plan(plan, kodi_side, trakt_side, baseline)
    old_key = plan.to_trakt_history_add[0].key
    assert old_key == 'movie:tmdb:{}'.format(catalog.movie(0)['ids']['tmdb'])
    # trakt now lists the movie with all its ids: the canonical key becomes the imdb one
    trakt_side = trakt(movies=[(0, 1, DAY1)])
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert plan.is_empty()
    [settled] = plan.settled
    assert (settled.key, settled.replaces) == ('movie:imdb:' + catalog.movie(0)['ids']['imdb'], old_key)
    baseline.record_settled(plan)
    assert list(baseline.watched) == [settled.key]


def test_an_item_that_lost_the_id_it_is_stored_under_is_found_by_its_row_when_trakt_no_longer_lists_it():
    """Soak life 8501143: the film's entry is stored under its imdb key (trakt listed it with all its ids), Kodi's
    refresh has only its tmdb id, and the film was un-watched on trakt: no key of this sync names the entry. Its
    library row does, so the un-watch on trakt is an un-watch (not taken), never a first sync sending a play."""
    tmdb_only = kodi([kodi_movie(0, playcount=1, lastplayed=DAY1, ids=movie_kodi_ids(0, tmdb_only=True))])
    baseline = Baseline()
    baseline.record_watched('movie:imdb:' + catalog.movie(0)['ids']['imdb'], 1, 1, DAY1, rows={'1@' + format_utc(
        ADDED): 1})
    plan = make_plan(tmdb_only, trakt(), baseline, NO_COLLECTION)
    assert plan.to_trakt_history_add == []
    [settled] = plan.settled
    assert (settled.key, settled.replaces) == ('movie:tmdb:{}'.format(catalog.movie(0)['ids']['tmdb']),
                                               'movie:imdb:' + catalog.movie(0)['ids']['imdb'])
    assert 'unwatched on trakt' in settled.reason


def test_a_row_matched_to_another_film_is_that_films_first_sync_while_the_old_film_is_on_trakt():
    """The same library row, now another film (the user corrected a wrong match): the old film still on trakt
    keeps its entry, and the row's viewing goes to the new film as its first sync."""
    baseline = Baseline()
    baseline.record_watched('movie:imdb:' + catalog.movie(0)['ids']['imdb'], 1, 1, DAY1, rows={'1@' + format_utc(
        ADDED): 1})
    rematched = kodi([kodi_movie(1, playcount=1, lastplayed=DAY1, kodi_id=1, ids=movie_kodi_ids(1, tmdb_only=True))])
    plan = make_plan(rematched, trakt(movies=[(0, 1, DAY1)]), baseline, NO_COLLECTION)
    [sent] = plan.to_trakt_history_add
    assert sent.key == 'movie:tmdb:{}'.format(catalog.movie(1)['ids']['tmdb']) and sent.replaces is None


def test_library_items_without_ids_are_reported_not_guessed():
    kodi_side = kodi([kodi_movie(0, playcount=1, ids=Ids())])
    plan = make_plan(kodi_side, trakt(movies=[(0, 0, None)]), None, PlanOptions())
    assert plan.is_empty()
    assert [(u.kind, u.reason) for u in plan.unmatched] == [(MOVIE, 'no usable ids')]


def test_items_gone_from_a_complete_library_are_forgotten_but_kept_after_a_partial_read():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    assert make_plan(kodi(complete=False), trakt_side, baseline, NO_COLLECTION).forget == []
    key = 'movie:imdb:' + catalog.movie(0)['ids']['imdb']
    assert make_plan(kodi(), trakt_side, baseline, NO_COLLECTION).forget == [key]


def test_counts_and_summary_describe_the_plan():
    kodi_side = kodi([kodi_movie(0, playcount=2, lastplayed=DAY1)], [kodi_episode(0, 1, 1)])
    plan = make_plan(kodi_side, trakt(episodes=[(0, 1, 1, 1, DAY1)], collected_movies=[5]), None, PlanOptions())
    counts = plan.counts()
    assert (counts['history_add_movies'], counts['kodi_episodes'], counts['collection_add_movies'],
            counts['collection_add_episodes'], counts['clean_movies']) == (1, 1, 1, 1, 1)
    assert 'trakt: 1 movie plays to add' in plan.summary()
    assert all(action.reason for action in plan.to_trakt_history_add + plan.to_kodi + plan.collection_add
               + plan.clean_candidates)


def test_a_large_first_sync_plans_every_item_once():
    """3,000 films and 800 episodes, half of the films watched on trakt: every film is offered to the collection
    once, and each film watched only in Kodi gets exactly one play. (How long planning takes is `make bench`'s.)"""
    movies = [kodi_movie(i, playcount=i % 3, lastplayed=DAY1 + timedelta(minutes=i)) for i in range(3000)]
    episodes = [kodi_episode(s, season, n, playcount=n % 2, lastplayed=DAY1)
                for s in range(40) for season in (1, 2) for n in range(1, 11)]
    trakt_side = trakt(movies=[(i, 1, DAY1) for i in range(0, 3000, 2)],
                       episodes=[(s, 1, n, 1, DAY1) for s in range(40) for n in range(1, 11)])
    plan = make_plan(kodi(movies, episodes), trakt_side, None, PlanOptions())
    assert plan.counts()['collection_add_movies'] == 3000
    sent = [a for a in plan.to_trakt_history_add if a.kind == 'movie']
    assert len(sent) == len([i for i in range(3000) if i % 2 and i % 3])
    assert all(len(a.watched_at) == 1 for a in sent)


# --- changes, not totals (a scrobbler, a check-in, a second Kodi box) -------------------------------------------

def test_one_viewing_recorded_on_both_sides_is_one_play():
    # First sync: Kodi 3, trakt 1 -> nothing sent (the union), baseline 3/1. Then one viewing lands on both sides.
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=3, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    assert baseline.find_watched(['movie:imdb:' + catalog.movie(0)['ids']['imdb']])[1:3] == (3, 1)
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 4, DAY2
    trakt_side.movies[0].plays, trakt_side.movies[0].last_watched_at = 2, DAY2
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert plan.to_trakt_history_add == [] and plan.to_kodi == []


def test_the_side_that_saw_more_new_viewings_gives_the_difference():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=3, lastplayed=DAY1)], {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 6, DAY2     # +3 in Kodi
    trakt_side.movies[0].plays = 2                                             # +1 on trakt (one of them)
    [add] = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).to_trakt_history_add
    assert len(add.watched_at) == 2
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 3, DAY1    # +0 in Kodi
    trakt_side.movies[0].plays, trakt_side.movies[0].last_watched_at = 3, DAY2  # +2 on trakt
    [update] = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION).to_kodi
    assert (update.playcount, update.lastplayed) == (5, DAY2)


# --- library rows: removed and added again is not an unwatch ---------------------------------------------------

def test_a_row_the_baseline_never_saw_takes_trakts_watched_state_and_is_not_an_unwatch():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=2, lastplayed=DAY1, kodi_id=1)],
                                             {'movies': [(0, 2, DAY1)]})
    # "Clean library" + rescan (or the file moved): a new row, playcount 0
    kodi_side.movies[:] = [kodi_movie(0, kodi_id=9, dateadded=DAY2)]
    for options in (PlanOptions(collection_add=False, send_unwatched=True), NO_COLLECTION):
        plan = make_plan(kodi_side, trakt_side, baseline, options)
        assert plan.to_trakt_history_remove == []
        [update] = plan.to_kodi
        assert (update.kodi_ids, update.playcount, update.lastplayed) == ((9,), 2, DAY1)
        assert 'did not see' in update.reason


def test_a_rebuilt_database_that_reuses_a_row_id_is_a_new_row_by_its_date_added():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1, kodi_id=1)],
                                             {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[:] = [kodi_movie(0, kodi_id=1, dateadded=DAY2)]
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert plan.to_trakt_history_remove == [] and [u.playcount for u in plan.to_kodi] == [1]


def test_the_same_row_unwatched_by_the_user_is_still_an_unwatch():
    kodi_side, trakt_side, baseline = synced([kodi_movie(0, playcount=1, lastplayed=DAY1, kodi_id=1)],
                                             {'movies': [(0, 1, DAY1)]})
    kodi_side.movies[0].playcount, kodi_side.movies[0].lastplayed = 0, None
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert len(plan.to_trakt_history_remove) == 1 and plan.to_kodi == []


def test_deleting_the_watched_one_of_two_copies_keeps_the_film_watched():
    watched, spare = kodi_movie(0, playcount=1, lastplayed=DAY1, kodi_id=1), kodi_movie(0, kodi_id=2)
    kodi_side, trakt_side, baseline = synced([watched, spare], {'movies': []})
    assert trakt_plays(trakt_side, 0) == 1
    # While the watched copy is there the film is watched: the spare copy is left as it is.
    plan = make_plan(kodi_side, trakt_side, baseline, NO_COLLECTION)
    assert plan.to_kodi == []
    kodi_side.movies.remove(watched)            # before that sync ran, the user deleted the watched copy
    plan = make_plan(kodi_side, trakt_side, baseline, PlanOptions(collection_add=False, send_unwatched=True))
    assert plan.to_trakt_history_remove == []
    assert [(u.kodi_ids, u.playcount) for u in plan.to_kodi] == [((2,), 1)]


def test_an_item_whose_answer_was_lost_is_held_back_not_sent_again():
    kodi_side = kodi([kodi_movie(0, playcount=1, lastplayed=DAY1)])
    key = 'movie:imdb:' + catalog.movie(0)['ids']['imdb']
    plan = make_plan(kodi_side, trakt(), None, NO_COLLECTION, hold_history={key})
    assert plan.to_trakt_history_add == [] and [p.key for p in plan.pending] == [key]
    assert 'answer was lost' in plan.pending[0].reason


def test_a_schema_1_baseline_is_migrated_with_its_plays():
    key = 'movie:imdb:' + catalog.movie(0)['ids']['imdb']
    baseline = Baseline.from_json({'schema': 1, 'watched': {key: [2, 2, None]}, 'collected': []})
    kodi_side = kodi([kodi_movie(0, playcount=3, lastplayed=DAY2)])
    [add] = make_plan(kodi_side, trakt(movies=[(0, 2, DAY1)]), baseline, NO_COLLECTION).to_trakt_history_add
    assert len(add.watched_at) == 1
    apply_plan(make_plan(kodi_side, trakt(movies=[(0, 2, DAY1)]), baseline, NO_COLLECTION), kodi_side,
               trakt(movies=[(0, 2, DAY1)]), baseline)
    assert baseline.to_json()['schema'] == Baseline.SCHEMA and baseline.watched[key][3] is not None
