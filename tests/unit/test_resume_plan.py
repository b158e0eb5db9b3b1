"""The resume-point merge (lib/traktsync/resume_plan.py): trakt's point becomes Kodi's and Kodi's goes to trakt,
the newer wins, and an item finished since is not given a resume point again."""
from tests.unit.stream_helpers import at, episode, items, movie, stamp, trakt_episode, trakt_movie
from traktsync.model import Baseline
from traktsync.resume_plan import make_plan

KEY = 'movie:imdb:tt0000001'


def _trakt(progress, paused_at, playback_id=31):
    return trakt_movie(progress=progress, paused_at=stamp(paused_at), id=playback_id)


def _plan(kodi_rows, trakt=(), base=None, trakt_played=None):
    baseline = Baseline(resume={KEY: list(base)}) if base is not None else Baseline()
    return make_plan(items(kodi_rows, trakt=trakt), baseline, lambda item: trakt_played)


def test_a_point_saved_on_trakt_becomes_kodis_in_seconds():
    plan = _plan([movie(runtime=6000)], [_trakt(40.0, at(20))])
    [change] = plan.to_kodi
    assert change.positions == ((1, 2400, 6000.0),) and change.percent == 40.0
    assert not plan.to_trakt and not plan.to_trakt_remove


def test_kodis_point_goes_to_trakt_as_a_percentage():
    plan = _plan([movie(resume=(1500, 6000), lastplayed=at(20))])
    [change] = plan.to_trakt
    assert change.percent == 25.0 and not plan.to_kodi


def test_both_changed_the_newer_point_wins():
    kodi_newer = _plan([movie(resume=(1500, 6000), lastplayed=at(21))], [_trakt(60.0, at(20))])
    assert [c.percent for c in kodi_newer.to_trakt] == [25.0] and not kodi_newer.to_kodi
    trakt_newer = _plan([movie(resume=(1500, 6000), lastplayed=at(20))], [_trakt(60.0, at(21))])
    assert [c.percent for c in trakt_newer.to_kodi] == [60.0] and not trakt_newer.to_trakt


def test_the_same_point_on_both_sides_is_settled_not_sent():
    plan = _plan([movie(resume=(2402, 6000), lastplayed=at(20))], [_trakt(40.0, at(20))])
    assert not (plan.to_kodi or plan.to_trakt or plan.to_trakt_remove)
    assert len(plan.settled) == 1


def test_an_item_finished_in_kodi_after_trakts_point_is_not_given_it_again():
    plan = _plan([movie(playcount=1, lastplayed=at(22))], [_trakt(40.0, at(20))])
    assert not plan.to_kodi
    assert [c.playback_id for c in plan.to_trakt_remove] == [31]     # the newer state (finished) wins


def test_an_item_played_on_trakt_after_kodis_point_loses_the_point_in_kodi():
    plan = _plan([movie(resume=(1500, 6000), lastplayed=at(20))], trakt_played=at(21))
    assert not plan.to_trakt
    assert [(c.percent, c.positions) for c in plan.to_kodi] == [(0.0, ((1, 0, 6000.0),))]


def test_a_point_removed_on_one_side_since_the_last_sync_is_removed_on_the_other():
    removed_in_kodi = _plan([movie()], [_trakt(40.0, at(20))], base=(2400, 40.0))
    assert [c.playback_id for c in removed_in_kodi.to_trakt_remove] == [31]
    removed_on_trakt = _plan([movie(resume=(2400, 6000), lastplayed=at(20))], base=(2400, 40.0))
    assert [c.percent for c in removed_on_trakt.to_kodi] == [0.0]


def test_an_unchanged_point_is_not_written_again():
    plan = _plan([movie(resume=(2400, 6000), lastplayed=at(20))], [_trakt(40.0, at(20))], base=(2400, 40.0))
    assert not (plan.to_kodi or plan.to_trakt or plan.to_trakt_remove or plan.settled)


def test_a_point_trakt_would_refuse_or_count_as_a_play_is_not_sent():
    assert not _plan([movie(resume=(30, 6000), lastplayed=at(20))]).to_trakt       # 0.5 %
    assert not _plan([movie(resume=(5000, 6000), lastplayed=at(20))]).to_trakt     # 83 %


def test_without_a_length_in_kodi_trakts_percentage_cannot_be_converted():
    assert not _plan([movie(runtime=0)], [_trakt(40.0, at(20))]).to_kodi


def test_episodes_and_the_record_of_a_change():
    plan = make_plan(items(episodes=[episode(runtime=1800)],
                           trakt=[trakt_episode(progress=50.0, paused_at=stamp(at(20)), id=4)]), Baseline())
    [change] = plan.to_kodi
    assert change.kind == 'episode' and change.positions == ((10, 900, 1800.0),)
    baseline = Baseline()
    baseline.record(change)
    assert list(baseline.resume.values()) == [[900.0, 50.0]]


def test_kodis_stamp_of_the_stop_the_scrobbler_saved_is_not_a_later_viewing():
    """Stopped at 40 % in the first minutes: Kodi keeps no point of its own, only lastplayed of that stop."""
    plan = _plan([movie(lastplayed=at(20).replace(second=30))], [_trakt(40.0, at(20))])
    assert [c.percent for c in plan.to_kodi] == [40.0] and not plan.to_trakt_remove


def test_a_point_older_than_trakts_last_play_is_stale_on_both_sides():
    """Paused on the phone at 30 %, stopped in Kodi at 50 %, then finished on the phone: no point anywhere."""
    plan = _plan([movie(resume=(3000, 6000), lastplayed=at(21))], [_trakt(30.0, at(20))], trakt_played=at(22))
    assert not plan.to_trakt
    assert [(c.percent, c.positions) for c in plan.to_kodi] == [(0.0, ((1, 0, 6000.0),))]


def test_one_stop_seen_by_kodi_and_the_scrobbler_keeps_kodis_exact_point():
    """A skip and a stop within a second: the scrobbler's last reading is behind Kodi's own point of that stop."""
    plan = _plan([movie(resume=(3000, 6000), lastplayed=at(20))], [_trakt(40.0, at(20).replace(second=3))])
    assert [c.percent for c in plan.to_trakt] == [50.0] and not plan.to_kodi


def test_a_point_removed_in_kodi_is_removed_on_trakt_when_the_last_sync_kept_it_under_another_id():
    # The last sync knew the film by its trakt id; now its imdb id is the canonical key.
    plan = make_plan(items([movie()], trakt=[_trakt(40.0, at(20))]),
                     Baseline(resume={'movie:trakt:7': [2400, 40.0]}))
    assert [c.playback_id for c in plan.to_trakt_remove] == [31]
    assert not plan.to_kodi
