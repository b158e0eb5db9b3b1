"""traktsync.id_resolution without HTTP: who is looked up, what trakt's answer does to the plan, what is kept."""
from datetime import datetime, timezone

from traktsync import id_resolution
from traktsync.id_resolution import FORGET_NOTHING_AFTER, plan_with_id_resolution
from traktsync.model import Ids, KodiEpisode, KodiMovie, KodiSnapshot, TraktSnapshot
from traktsync.plan import PlanOptions
from traktsync.store import JsonStore
from traktsync.trakt import errors as trakt_errors

SEEN = datetime(2024, 3, 1, 20, 0, tzinfo=timezone.utc)
ADDED = datetime(2024, 1, 1, tzinfo=timezone.utc)


class FakeTrakt(object):
    """``search_id`` answering from ``{(id_type, value): [answer entries]}``; ``fail`` raises instead."""

    def __init__(self, answers=None, fail=False):
        self.answers = answers or {}
        self.fail = fail
        self.asked = []

    def search_id(self, id_type, value, kind=None):
        self.asked.append((id_type, value, kind))
        if self.fail:
            raise trakt_errors.RequestTimeout()
        return self.answers.get((id_type, value), [])


class Clock(object):
    def __init__(self):
        self.now = 1.7e9

    def __call__(self):
        return self.now


def movie_answer(trakt_id, imdb):
    return [{'type': 'movie', 'score': 1000, 'movie': {'title': 'T', 'ids': {'trakt': trakt_id, 'imdb': imdb}}}]


def kodi_film(title='Glass Orbit', year=2001, playcount=1, kodi_id=1, **ids):
    return KodiMovie(kodi_id, Ids(**ids), title, year, playcount, SEEN if playcount else None, ADDED,
                     '/m/{}.mkv'.format(kodi_id))


def trakt_films(*entries):
    """``(title, year, ids, plays)`` -> a snapshot where each is collected and watched ``plays`` times."""
    watched = [{'plays': plays, 'last_watched_at': '2024-03-01T20:00:00.000Z',
                'movie': {'title': title, 'year': year, 'ids': ids}} for title, year, ids, plays in entries if plays]
    collected = [{'collected_at': '2024-01-01T00:00:00.000Z', 'movie': {'title': title, 'year': year, 'ids': ids}}
                 for title, year, ids, _plays in entries]
    return TraktSnapshot.from_lists(watched, [], collected, [])


def plan(tmp_path, kodi, trakt_snapshot, trakt, clock=None):
    return plan_with_id_resolution(kodi, trakt_snapshot, None, PlanOptions(), frozenset(), trakt,
                                   JsonStore(str(tmp_path)), clock or Clock())


FILM = ('Glass Orbit', 2001, {'trakt': 7, 'slug': 'glass-orbit', 'imdb': 'tt0000007', 'tmdb': None}, 1)


def test_a_film_trakt_names_is_one_item_and_nothing_is_written(tmp_path):
    trakt = FakeTrakt({('tmdb', 70): movie_answer(7, 'tt0000007')})
    result = plan(tmp_path, KodiSnapshot(movies=[kodi_film(tmdb=70)]), trakt_films(FILM), trakt)
    assert trakt.asked == [('tmdb', 70, 'movie')]
    assert result.is_empty() and result.clean_candidates == [] and result.pending == []


def test_titles_that_differ_are_not_looked_up_and_the_plan_is_todays(tmp_path):
    trakt = FakeTrakt()
    result = plan(tmp_path, KodiSnapshot(movies=[kodi_film(title='Another Film', tmdb=70)]), trakt_films(FILM),
                  trakt)
    assert trakt.asked == []
    assert [c.title for c in result.clean_candidates] == ['Glass Orbit (2001)']
    assert [a.title for a in result.to_trakt_history_add] == ['Another Film (2001)']


def test_an_item_sharing_an_id_is_never_looked_up(tmp_path):
    trakt = FakeTrakt()
    kodi = KodiSnapshot(movies=[kodi_film(imdb='tt0000007', tmdb=70)])
    assert plan(tmp_path, kodi, trakt_films(FILM), trakt).is_empty() and trakt.asked == []


def test_an_answer_that_names_nothing_is_kept_a_week_and_the_trakt_entry_is_never_cleaned(tmp_path):
    trakt, clock = FakeTrakt(), Clock()
    kodi = KodiSnapshot(movies=[kodi_film(tmdb=70)])
    first = plan(tmp_path, kodi, trakt_films(FILM), trakt, clock)
    assert first.clean_candidates == []
    assert [a.title for a in first.to_trakt_history_add] == ['Glass Orbit (2001)']   # trakt says: another film
    plan(tmp_path, kodi, trakt_films(FILM), trakt, clock)
    assert len(trakt.asked) == 1
    clock.now += FORGET_NOTHING_AFTER + 1
    plan(tmp_path, kodi, trakt_films(FILM), trakt, clock)
    assert len(trakt.asked) == 2


def test_an_answer_naming_another_trakt_item_leaves_the_same_titled_entry_unresolved(tmp_path):
    trakt = FakeTrakt({('tmdb', 70): movie_answer(99, 'tt0000099')})
    result = plan(tmp_path, KodiSnapshot(movies=[kodi_film(tmdb=70)]), trakt_films(FILM), trakt)
    assert result.clean_candidates == []
    assert [(a.ids.tmdb, a.ids.trakt) for a in result.collection_add] == [(70, 99)]


def test_a_failed_look_up_is_not_kept_and_its_item_waits(tmp_path):
    trakt = FakeTrakt(fail=True)
    kodi = KodiSnapshot(movies=[kodi_film(tmdb=70), kodi_film(title='Other', kodi_id=2, tmdb=71)])
    other = ('Other', 2001, {'trakt': 8, 'slug': 'other', 'imdb': 'tt0000008'}, 0)
    result = plan(tmp_path, kodi, trakt_films(FILM, other), trakt)
    assert len(trakt.asked) == 1                      # the first failure ends this sync's look-ups
    assert result.clean_candidates == [] and result.to_trakt_history_add == [] and result.collection_add == []
    assert sorted(p.title for p in result.pending) == ['Glass Orbit (2001)', 'Other (2001)']
    trakt.fail = False
    plan(tmp_path, kodi, trakt_films(FILM, other), trakt)
    assert len(trakt.asked) == 3


def test_at_most_max_lookups_per_sync(tmp_path, monkeypatch):
    monkeypatch.setattr(id_resolution, 'MAX_LOOKUPS', 1)
    trakt = FakeTrakt()
    kodi = KodiSnapshot(movies=[kodi_film(tmdb=70), kodi_film(title='Other', kodi_id=2, tmdb=71)])
    other = ('Other', 2001, {'trakt': 8, 'slug': 'other', 'imdb': 'tt0000008'}, 0)
    result = plan(tmp_path, kodi, trakt_films(FILM, other), trakt)
    assert len(trakt.asked) == 1 and result.clean_candidates == [] and len(result.collection_add) == 1
    plan(tmp_path, kodi, trakt_films(FILM, other), trakt)
    assert len(trakt.asked) == 2


def test_a_show_known_by_tvdb_in_kodi_and_without_it_on_trakt_is_looked_up_by_tvdb(tmp_path):
    show_ids = {'trakt': 5, 'slug': 'tide', 'imdb': 'tt0000500', 'tmdb': 501, 'tvdb': None}
    watched = [{'plays': 1, 'show': {'title': 'Tide', 'year': 2010, 'ids': show_ids}, 'seasons': [
        {'number': 1, 'episodes': [{'number': 1, 'plays': 1, 'last_watched_at': '2024-03-01T20:00:00.000Z'}]}]}]
    collected = [{'show': {'title': 'Tide', 'year': 2010, 'ids': show_ids}, 'seasons': [
        {'number': 1, 'episodes': [{'number': 1, 'collected_at': '2024-01-01T00:00:00.000Z'}]}]}]
    kodi_show = Ids(tvdb=300)
    episode = KodiEpisode(1, kodi_show, 'Tide', 1, 1, Ids(), 'Pilot', 1, SEEN, ADDED, '/t/1.mkv')
    trakt = FakeTrakt({('tvdb', 300): [{'type': 'show', 'score': 1000,
                                        'show': {'title': 'Tide', 'ids': dict(show_ids, tvdb=None)}}]})
    result = plan(tmp_path, KodiSnapshot(episodes=[episode]), TraktSnapshot.from_lists([], watched, [], collected),
                  trakt)
    assert trakt.asked == [('tvdb', 300, 'show')]
    assert result.is_empty() and result.clean_candidates == []
