"""Ids, keys, the trakt snapshot parser and the baseline (traktsync.model)."""
import time
from datetime import datetime, timedelta, timezone

import pytest

import tools.catalog as catalog
from traktsync.jsonutil import dumps, loads
from traktsync.kodi.dates import implausible_play, kodi_to_utc
from traktsync.model import (
    EPISODE,
    MOVIE,
    SHOW,
    Baseline,
    BaselineError,
    Ids,
    ItemIndex,
    KodiMovie,
    TraktDataError,
    TraktSnapshot,
    format_utc,
    parse_utc,
    to_minute,
)


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


# --- Ids from Kodi ---------------------------------------------------------------------------------------------

def test_kodi_uniqueid_keeps_imdb_tmdb_tvdb_and_ignores_other_keys():
    ids = Ids.from_kodi_uniqueid({'imdb': 'tt0133093', 'tmdb': '603', 'tvdb': '81189', 'unknown': 'tt999',
                                  'anidb': '12'})
    assert ids == Ids(imdb='tt0133093', tmdb=603, tvdb=81189)


@pytest.mark.parametrize('uniqueid, imdbnumber, expected', [
    ({'imdb': '0133093'}, None, Ids()),                              # bare digits are not an imdb id
    ({'imdb': 'nm0000206'}, None, Ids()),                            # a person id is not a title id
    ({'tmdb': 'tt0133093'}, None, Ids()),                            # no guessing which id a value "really" is
    ({'tmdb': ' 603 ', 'tvdb': 'abc'}, None, Ids(tmdb=603)),
    ({}, 'tt0133093', Ids(imdb='tt0133093')),                        # imdbnumber as a tt fallback
    ({}, '81189', Ids()),                                            # digits in imdbnumber: tvdb? tmdb? unknown
    ({'imdb': 'tt0000001'}, 'tt0133093', Ids(imdb='tt0000001')),     # uniqueid wins over imdbnumber
    (None, None, Ids()),
])
def test_kodi_uniqueid_rules(uniqueid, imdbnumber, expected):
    assert Ids.from_kodi_uniqueid(uniqueid, imdbnumber) == expected


def test_ids_without_matchable_values_are_falsy():
    assert not Ids()
    assert not Ids(slug='the-matrix-1999')
    assert Ids(tvdb=1)


# --- Ids from and to trakt -------------------------------------------------------------------------------------

def test_trakt_ids_drop_null_and_malformed_values():
    ids = Ids.from_trakt({'trakt': 12601, 'slug': 'the-matrix-1999', 'imdb': 'tt0133093', 'tmdb': 603,
                          'tvdb': None, 'tvrage': 5})
    assert ids == Ids(imdb='tt0133093', tmdb=603, trakt=12601, slug='the-matrix-1999')
    assert Ids.from_trakt({'imdb': '', 'tmdb': 0, 'trakt': True}) == Ids()


def test_to_trakt_sends_ids_trakt_accepts_best_first():
    ids = Ids(imdb='tt1', tmdb=2, tvdb=3, trakt=4, slug='s')
    assert list(ids.to_trakt(MOVIE).items()) == [('imdb', 'tt1'), ('tmdb', 2), ('trakt', 4), ('slug', 's')]
    assert list(ids.to_trakt(SHOW).items()) == [('imdb', 'tt1'), ('tvdb', 3), ('tmdb', 2), ('trakt', 4),
                                                ('slug', 's')]
    assert list(ids.to_trakt(EPISODE).items()) == [('tvdb', 3), ('trakt', 4)]
    assert Ids(tmdb=2).to_trakt(EPISODE) == {}


# --- keys ------------------------------------------------------------------------------------------------------

def test_kodi_movie_with_only_tmdb_and_trakt_movie_with_imdb_share_one_key():
    index = ItemIndex()
    kodi_ids = Ids(tmdb=603)
    trakt_ids = Ids(imdb='tt0133093', tmdb=603, trakt=481)
    index.add_movie(kodi_ids)
    index.add_movie(trakt_ids)
    kodi_group = index.group_of_movie(kodi_ids)
    assert kodi_group == index.group_of_movie(trakt_ids)
    assert index.movie_key(kodi_group) == 'movie:imdb:tt0133093'
    assert index.movie_aliases(kodi_group) == ['movie:imdb:tt0133093', 'movie:tmdb:603', 'movie:trakt:481']


def test_keys_do_not_depend_on_the_order_items_were_added():
    items = [Ids(tmdb=1), Ids(tmdb=1, trakt=9), Ids(trakt=9, imdb='tt5'), Ids(imdb='tt3', tmdb=1)]
    keys = set()
    for order in (items, items[::-1], items[1:] + items[:1]):
        index = ItemIndex()
        for ids in order:
            index.add_movie(ids)
        keys.add(tuple(index.movie_key(index.group_of_movie(ids)) for ids in items))
    assert keys == {('movie:imdb:tt3',) * 4}


def test_episode_key_uses_the_shows_best_id_and_show_ids_are_not_movie_ids():
    index = ItemIndex()
    index.add_show(Ids(imdb='tt0903747', tmdb=1396, tvdb=81189))
    index.add_movie(Ids(tmdb=1396))
    show = index.group_of_show(Ids(tmdb=1396))
    assert index.episode_key(show, 1, 2) == 'episode:tvdb:81189:1:2'
    assert index.movie_key(index.group_of_movie(Ids(tmdb=1396))) == 'movie:tmdb:1396'
    assert index.group_of_show(Ids(tmdb=5)) is None


# --- times -----------------------------------------------------------------------------------------------------

def test_trakt_times_parse_to_utc_and_compare_at_minute_precision():
    assert parse_utc('2014-10-11T17:00:54.000Z') == utc(2014, 10, 11, 17, 0, 54)
    assert parse_utc('2014-10-11T19:00:54+02:00') == utc(2014, 10, 11, 17, 0, 54)
    assert parse_utc('2014-10-11T17:00:54.12345Z') == utc(2014, 10, 11, 17, 0, 54, 123450)
    # What Python 3.11+ (Kodi 20, 21) parses by itself and 3.9 (Kodi 19) does not:
    assert parse_utc('2014-10-11T19:00:54+0200') == utc(2014, 10, 11, 17, 0, 54)
    assert parse_utc('2014-10-11T17:00:54.123456789-0030') == utc(2014, 10, 11, 17, 30, 54, 123456)
    assert parse_utc(None) is None
    assert format_utc(utc(2014, 10, 11, 17, 0, 54)) == '2014-10-11T17:00:54.000Z'
    assert to_minute(parse_utc('2014-10-11T17:00:54Z')) == to_minute(parse_utc('2014-10-11T17:00:01Z'))
    with pytest.raises(ValueError, match='not an ISO-8601'):
        parse_utc('yesterday')


# --- the trakt snapshot ----------------------------------------------------------------------------------------

def _show_entry(show, seasons, **extra):
    entry = {'show': {'title': show['title'], 'year': show['year'], 'ids': show['ids']}, 'seasons': seasons}
    entry.update(extra)
    return entry


def test_snapshot_joins_watched_and_collected_lists_per_item():
    movie = catalog.movie(0)
    show = catalog.show(0)
    snapshot = TraktSnapshot.from_lists(
        watched_movies=[{'plays': 2, 'last_watched_at': '2024-01-02T20:00:00.000Z', 'movie': movie}],
        watched_shows=[_show_entry(show, [{'number': 1, 'episodes': [
            {'number': 1, 'plays': 3, 'last_watched_at': '2024-02-01T20:00:00.000Z'}]}],
            plays=3, reset_at='2024-03-01T00:00:00.000Z')],
        collection_movies=[{'collected_at': '2023-05-05T10:00:00.000Z', 'movie': movie,
                            'metadata': {'resolution': 'hd_1080p'}}],
        collection_shows=[_show_entry(show, [{'number': 1, 'episodes': [
            {'number': 1, 'collected_at': '2023-06-06T10:00:00.000Z'}, {'number': 2, 'collected_at': None}]}])],
    )
    assert len(snapshot.movies) == 1
    m = snapshot.movies[0]
    assert (m.plays, m.last_watched_at, m.collected, m.collected_at, m.metadata) == (
        2, utc(2024, 1, 2, 20), True, utc(2023, 5, 5, 10), {'resolution': 'hd_1080p'})
    assert m.ids.imdb == movie['ids']['imdb']
    by_number = {(e.season, e.number): e for e in snapshot.episodes}
    assert set(by_number) == {(1, 1), (1, 2)}
    first = by_number[1, 1]
    assert (first.plays, first.collected, first.show.reset_at) == (3, True, utc(2024, 3, 1))
    assert first.watched_before_reset()
    assert (by_number[1, 2].plays, by_number[1, 2].collected) == (0, True)
    assert by_number[1, 2].show is first.show


def test_episode_watched_in_the_reset_minute_counts_as_rewatched():
    show = catalog.show(1)
    snapshot = TraktSnapshot.from_lists(watched_shows=[_show_entry(show, [{'number': 1, 'episodes': [
        {'number': 1, 'plays': 1, 'last_watched_at': '2024-03-01T10:00:59.000Z'}]}],
        reset_at='2024-03-01T10:00:05.000Z')])
    assert not snapshot.episodes[0].watched_before_reset()


def test_watched_show_without_seasons_is_an_error_not_an_empty_history():
    show = catalog.show(0)
    with pytest.raises(TraktDataError, match='extended=progress'):
        TraktSnapshot.from_lists(watched_shows=[{'plays': 5, 'show': show}])


@pytest.mark.parametrize('lists, message', [
    ({'watched_movies': [{'plays': 1}]}, 'watched movie #0'),
    ({'watched_movies': [{'plays': 1, 'movie': {'title': 'x', 'ids': {'slug': 'x'}}}]}, 'no usable ids'),
    ({'watched_movies': [{'plays': -1, 'movie': catalog.movie(0)}]}, 'plays'),
    ({'collection_shows': [{'show': catalog.show(0), 'seasons': [{'number': 'one', 'episodes': []}]}]}, 'season'),
])
def test_malformed_trakt_lists_give_a_clear_error(lists, message):
    with pytest.raises(TraktDataError, match=message):
        TraktSnapshot.from_lists(**lists)


# --- baseline --------------------------------------------------------------------------------------------------

def test_baseline_round_trips_through_json_text():
    baseline = Baseline()
    baseline.record_history_added('movie:imdb:tt1', kodi_plays=2, trakt_plays=2, lastplayed=utc(2024, 1, 1, 10),
                                  trakt_newest=utc(2024, 1, 1, 10, 0, 42))
    baseline.record_watched('episode:tvdb:5:1:1', 0, 1)
    baseline.record_collected('movie:imdb:tt1')
    restored = Baseline.from_json(loads(dumps(baseline.to_json())))
    assert restored.to_json() == baseline.to_json()
    assert restored.find_watched(['movie:tmdb:9', 'movie:imdb:tt1']) == ('movie:imdb:tt1', 2, 2, None)
    assert restored.find_watched(['episode:tvdb:5:1:1']) == ('episode:tvdb:5:1:1', 0, 1, None)
    assert restored.was_collected(['movie:imdb:tt1'])
    assert restored.trakt_newest('movie:imdb:tt1') == utc(2024, 1, 1, 10)   # to the minute
    assert restored.trakt_newest('episode:tvdb:5:1:1') is None
    assert restored.to_json()['schema'] == Baseline.SCHEMA


def test_baseline_drops_items_unwatched_on_both_sides_and_replaced_keys():
    baseline = Baseline()
    baseline.record_watched('movie:tmdb:1', 1, 1)
    baseline.record_watched('movie:imdb:tt1', 2, 2, replaces='movie:tmdb:1')
    assert set(baseline.watched) == {'movie:imdb:tt1'}
    baseline.record_history_removed('movie:imdb:tt1', kodi_plays=0)
    assert baseline.watched == {}


@pytest.mark.parametrize('data, message', [
    ([], 'not an object'),
    ({'schema': 99}, 'schema'),
    ({'schema': 1, 'watched': {'movie:imdb:tt1': [1, -1, None]}}, 'malformed'),
    ({'schema': 1, 'watched': {'movie:imdb:tt1': [1]}}, 'malformed'),
    ({'schema': 1, 'watched': [], 'collected': []}, 'must be an object'),
])
def test_unreadable_baseline_is_rejected_with_a_reason(data, message):
    with pytest.raises(BaselineError, match=message):
        Baseline.from_json(data)


def test_kodi_items_use_slots_to_stay_small():
    movie = KodiMovie(1, Ids(imdb='tt1'), 'x', 2000, 0, None, None, 'f.mkv')
    with pytest.raises(AttributeError):
        movie.extra = 1


def test_format_utc_never_raises_on_year_1_and_writes_four_digit_years():
    east = timezone(timedelta(hours=1))
    assert format_utc(datetime(1, 1, 1, 0, 30, tzinfo=east)) is None          # no UTC form: OverflowError inside
    assert format_utc(datetime(999, 5, 1, 10, 0, tzinfo=timezone.utc)) == '0999-05-01T10:00:00.000Z'
    assert format_utc(datetime(1, 1, 1, tzinfo=timezone.utc)) == '0001-01-01T00:00:00.000Z'


def test_kodi_dates_before_1900_or_after_tomorrow_are_not_viewings():
    now = time.mktime((2026, 11, 29, 12, 0, 0, 0, 0, -1))
    for text, expected in (('0001-01-01 00:00:00', 'before 1900'), ('0999-05-01 10:00:00', 'before 1900'),
                           ('1899-12-31 23:00:00', 'before 1900'), ('1900-01-02 00:00:00', None),
                           ('2026-11-29 20:00:00', None), ('2026-12-01 20:00:00', 'in the future'),
                           ('', None), ('0000-00-00 00:00:00', None)):
        assert implausible_play(text, kodi_to_utc(text), now) == expected, text
