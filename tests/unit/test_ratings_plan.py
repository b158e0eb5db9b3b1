"""The ratings merge (lib/traktsync/ratings_plan.py): a change on one side since the last sync goes to the other,
both changed -> the later wins, nothing removed unless the user removed it, first sync -> trakt's where both."""
import pytest

from tests.unit.stream_helpers import NOW, at, episode, items, movie, stamp, trakt_episode, trakt_movie
from traktsync.model import Baseline
from traktsync.ratings_plan import decide, make_plan

KEY = 'movie:imdb:tt0000001'


def _plan(kodi_rating=0, trakt_rating=0, base=None, rated_at=at(20)):
    trakt = [trakt_movie(rating=trakt_rating, rated_at=stamp(rated_at))] if trakt_rating else []
    baseline = Baseline(ratings={KEY: list(base)}) if base is not None else Baseline()
    return make_plan(items([movie(userrating=kodi_rating)], trakt=trakt), baseline, NOW)


@pytest.mark.parametrize('kodi,trakt,expected', [
    (0, 7, (7, 7)),     # trakt's where Kodi has none
    (6, 0, (6, 6)),     # Kodi's where trakt has none
    (6, 9, (9, 9)),     # both, different: trakt's wins
    (8, 8, (8, 8)),
    (0, 0, (0, 0)),
])
def test_first_sync(kodi, trakt, expected):
    assert decide(kodi, trakt, None) == expected


@pytest.mark.parametrize('kodi,trakt,base,expected', [
    (9, 7, (7, 7), (9, 9)),      # changed in Kodi: to trakt
    (7, 4, (7, 7), (4, 4)),      # changed on trakt: to Kodi
    (0, 7, (7, 7), (0, 0)),      # removed in Kodi since the last sync: removed on trakt
    (7, 0, (7, 7), (0, 0)),      # removed on trakt since the last sync: removed in Kodi
    (7, 7, (7, 7), (7, 7)),
    (0, 5, (0, 0), (5, 5)),      # rated on trakt after the last sync
    (3, 0, (3, 3), (0, 0)),
    (0, 9, (7, 7), (9, 9)),      # removed in Kodi, re-rated on trakt: the rating stays
    (9, 0, (7, 7), (9, 9)),
    (6, 6, (7, 7), (6, 6)),      # both changed to the same
])
def test_changes_since_the_last_sync_go_to_the_other_side(kodi, trakt, base, expected):
    assert decide(kodi, trakt, base) == expected


def test_both_changed_the_later_rating_wins():
    assert decide(9, 4, (7, 7), trakt_rated_at=at(21), kodi_seen_at=at(20)) == (4, 4)
    assert decide(9, 4, (7, 7), trakt_rated_at=at(19), kodi_seen_at=at(20)) == (9, 9)


def test_a_first_sync_sends_kodis_rating_and_takes_trakts():
    plan = make_plan(items([movie(1, 'tt0000001', userrating=8), movie(2, 'tt0000002')],
                           trakt=[trakt_movie('tt0000002', rating=6, rated_at=stamp(at(3)))]), Baseline(), NOW)
    assert [(c.title, c.rating) for c in plan.to_trakt] == [('Film tt0000001', 8)]
    assert [(c.kodi_ids, c.rating) for c in plan.to_kodi] == [((2,), 6)]
    assert not plan.to_trakt_remove
    assert plan.counts()['ratings_add_movies'] == 1 and plan.counts()['kodi_ratings_movies'] == 1


def test_nothing_is_removed_without_a_removal_since_the_last_sync():
    plan = _plan(kodi_rating=0, trakt_rating=7)       # no baseline entry: a first sync
    assert not plan.to_trakt_remove and [c.rating for c in plan.to_kodi] == [7]
    plan = _plan(kodi_rating=0, trakt_rating=7, base=(7, 7))
    assert [c.title for c in plan.to_trakt_remove] == ['Film tt0000001'] and not plan.to_kodi


def test_recording_a_confirmed_change_makes_the_next_plan_empty():
    baseline = Baseline()
    plan = make_plan(items([movie(userrating=8)]), baseline, NOW)
    for change in plan.to_trakt + plan.settled:
        baseline.record(change)
    again = make_plan(items([movie(userrating=8)], trakt=[trakt_movie(rating=8, rated_at=stamp(NOW))]), baseline,
                      NOW)
    assert not (again.to_kodi or again.to_trakt or again.to_trakt_remove)


def test_episodes_match_through_their_show_and_every_copy_gets_the_rating():
    plan = make_plan(items(episodes=[episode(10), episode(11)],
                           trakt=[trakt_episode(rating=10, rated_at=stamp(at(3)))]), Baseline(), NOW)
    assert [(c.kind, c.kodi_ids, c.rating) for c in plan.to_kodi] == [('episode', (10, 11), 10)]


def test_a_rating_removed_in_kodi_is_removed_on_trakt_when_the_last_sync_kept_it_under_another_id():
    # The last sync knew the film by its trakt id; now its imdb id is the canonical key.
    removed = make_plan(items([movie(userrating=0)], trakt=[trakt_movie(rating=7, rated_at=stamp(at(3)))]),
                        Baseline(ratings={'movie:trakt:7': [7, 7]}), NOW)
    assert [c.title for c in removed.to_trakt_remove] == ['Film tt0000001']
    assert not removed.to_kodi
    episode_removed = make_plan(items(episodes=[episode(userrating=0)],
                                      trakt=[trakt_episode(rating=6, rated_at=stamp(at(3)))]),
                                Baseline(ratings={'episode:trakt:5:1:2': [6, 6]}), NOW)
    assert len(episode_removed.to_trakt_remove) == 1 and not episode_removed.to_kodi
