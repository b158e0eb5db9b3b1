"""The baseline's ratings and resume points (schema 3): kept, stored and read back; malformed ones refused."""
import pytest

from traktsync.model import Baseline, BaselineError


def test_ratings_and_resume_points_survive_a_save_and_an_item_on_neither_side_needs_no_entry():
    baseline = Baseline()
    baseline.record_rating('movie:imdb:tt1', 8, 8)
    baseline.record_rating('movie:imdb:tt2', 0, 0)
    baseline.record_resume('episode:tvdb:5:1:2', 1234.56, 40.0)
    baseline.record_resume('movie:imdb:tt3', 0, 0)
    read = Baseline.from_json(baseline.to_json())
    assert read.ratings == {'movie:imdb:tt1': [8, 8]}
    assert read.resume == {'episode:tvdb:5:1:2': [1234.6, 40.0]}
    assert read.find_rating(['movie:tmdb:9', 'movie:imdb:tt1']) == ('movie:imdb:tt1', [8, 8])
    assert read.find_resume(['movie:imdb:tt9']) == (None, None)


def test_an_entry_recorded_under_a_new_key_replaces_its_old_key():
    baseline = Baseline(ratings={'movie:tmdb:5': [7, 7]}, resume={'movie:tmdb:5': [60, 10.0]})
    baseline.record_rating('movie:imdb:tt5', 9, 9, replaces='movie:tmdb:5')
    baseline.record_resume('movie:imdb:tt5', 0, 0, replaces='movie:tmdb:5')
    assert baseline.ratings == {'movie:imdb:tt5': [9, 9]} and baseline.resume == {}


@pytest.mark.parametrize('section,entry', [
    ('ratings', [8]), ('ratings', [8, -1]), ('ratings', [8.5, 8]), ('ratings', 'eight'),
    ('resume', [1, 2, 3]), ('resume', [True, 2]), ('resume', [-5, 2])])
def test_a_malformed_ratings_or_resume_entry_makes_the_baseline_unusable(section, entry):
    with pytest.raises(BaselineError):
        Baseline.from_json({'schema': 3, 'watched': {}, 'collected': [], section: {'movie:imdb:tt1': entry}})
