"""Pure rules of the client: waits, pacing, batch sizing, the bulk body, credentials."""
import email.utils
import json

import pytest

from traktsync.trakt import errors
from traktsync.trakt.backoff import AdaptiveBatchSize, Pacer, backoff_delay, parse_retry_after
from traktsync.trakt.batching import BatchResult, InvalidItem, build_body, order_items, validate_items
from traktsync.trakt.credentials import load_app_credentials

SHOW_A = {'trakt': 1, 'tvdb': 11, 'imdb': 'tt01'}
SHOW_B = {'tvdb': 22}


def ep(show_ids, season, number, **extra):
    item = {'type': 'episode', 'show_ids': show_ids, 'season': season, 'number': number}
    item.update(extra)
    return item


class FakeClock(object):
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_backoff_doubles_within_jitter_and_is_capped():
    assert backoff_delay(0, base=1.0, rand=lambda: 1.0) == 1.0
    assert backoff_delay(3, base=1.0, rand=lambda: 1.0) == 8.0
    assert backoff_delay(3, base=1.0, rand=lambda: 0.0) == 4.0
    assert backoff_delay(20, base=1.0, cap=60.0, rand=lambda: 1.0) == 60.0


def test_retry_after_seconds_date_and_garbage():
    assert parse_retry_after('7') == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after('soon') is None
    date = email.utils.formatdate(1000030.0, usegmt=True)
    assert parse_retry_after(date, now=1000000.0) == pytest.approx(30.0)
    assert parse_retry_after(email.utils.formatdate(5.0, usegmt=True), now=1000.0) == 0.0


def test_pacer_counts_from_the_end_of_the_previous_post():
    clock = FakeClock()
    pacer = Pacer(1.0, clock=clock, sleep=clock.sleep)
    pacer.wait()
    assert clock.slept == []
    clock.now += 3.0  # a slow POST: the interval starts when it ends
    pacer.done()
    clock.now += 0.25
    pacer.wait()
    assert clock.slept == [pytest.approx(0.75)]
    pacer.done()
    clock.now += 1.5
    pacer.wait()
    assert clock.slept == [pytest.approx(0.75)]


def test_batch_size_grows_on_quick_answers_and_halves_on_failures():
    size = AdaptiveBatchSize(start=250, minimum=25, maximum=1000, quick_seconds=5.0)
    size.answered(1.0)
    assert size.size == 500
    size.answered(6.0)
    assert size.size == 500
    size.answered(0.1)
    size.answered(0.1)
    assert size.size == 1000
    for _ in range(10):
        size.failed()
    assert size.size == 25 and size.at_minimum
    with pytest.raises(ValueError):
        AdaptiveBatchSize(start=10, minimum=25)


def test_body_groups_episodes_under_show_and_season_keeping_repeated_plays():
    items = [ep(SHOW_A, 1, 1, watched_at='a'), {'type': 'movie', 'ids': {'imdb': 'tt9', 'tmdb': 9}, 'watched_at': 'm'},
             ep(SHOW_B, 2, 5, watched_at='b'), ep(SHOW_A, 2, 1, watched_at='c'), ep(SHOW_A, 1, 1, watched_at='d')]
    body = build_body(order_items(validate_items(items)))
    assert body['movies'] == [{'ids': {'imdb': 'tt9'}, 'watched_at': 'm'}]
    assert body['shows'] == [
        {'ids': {'trakt': 1}, 'seasons': [{'number': 1, 'episodes': [{'number': 1, 'watched_at': 'a'},
                                                                     {'number': 1, 'watched_at': 'd'}]},
                                          {'number': 2, 'episodes': [{'number': 1, 'watched_at': 'c'}]}]},
        {'ids': {'tvdb': 22}, 'seasons': [{'number': 2, 'episodes': [{'number': 5, 'watched_at': 'b'}]}]}]
    assert 'episodes' not in body


def test_order_keeps_each_show_together():
    items = [ep(SHOW_A, 1, 1), ep(SHOW_B, 1, 1), ep(SHOW_A, 1, 2), {'type': 'movie', 'ids': {'trakt': 5}}]
    ordered = order_items(items)
    assert [i.get('show_ids') for i in ordered] == [None, SHOW_A, SHOW_A, SHOW_B]


def test_metadata_and_loose_episodes_reach_the_body():
    items = [{'type': 'movie', 'ids': {'tmdb': 3}, 'collected_at': 'x', 'resolution': 'uhd_4k', '3d': False},
             {'type': 'episode', 'ids': {'tvdb': 77}, 'collected_at': 'y'}]
    body = build_body(validate_items(items))
    assert body['movies'] == [{'ids': {'tmdb': 3}, 'collected_at': 'x', 'resolution': 'uhd_4k', '3d': False}]
    assert body['episodes'] == [{'ids': {'tvdb': 77}, 'collected_at': 'y'}]


@pytest.mark.parametrize('item, words', [
    ({'type': 'movie', 'ids': {}}, 'movie without a usable id'),
    ({'type': 'show', 'ids': {'trakt': 1}}, "type must be"),
    (ep({'tvdb': 1}, '1', 2), 'integer season'),
    (ep({'nothing': 1}, 1, 2), 'show_ids has no usable id'),
    ({'type': 'episode', 'season': 1, 'number': 1}, 'without show_ids or own ids'),
    ('tt123', 'not a dict'),
])
def test_bad_items_are_named_before_anything_is_sent(item, words):
    with pytest.raises(InvalidItem) as info:
        validate_items([{'type': 'movie', 'ids': {'trakt': 1}}, item])
    assert 'item 1' in str(info.value) and words in str(info.value)


def test_batch_result_reads_counts_and_maps_not_found_back_to_items():
    items = [{'type': 'movie', 'ids': {'imdb': 'tt1'}}, {'type': 'movie', 'ids': {'imdb': 'tt2'}},
             ep(SHOW_B, 1, 1)]
    answer = {'added': {'movies': 1, 'episodes': 0}, 'not_found': {'movies': [{'ids': {'imdb': 'tt2'}}],
                                                                  'shows': [{'ids': {'tvdb': 22}}]}}
    result = BatchResult(items, answer, 201, 0.1)
    assert result.added == {'movies': 1, 'episodes': 0}
    assert result.deleted == {} and result.existing == {}
    assert result.not_found_items() == items[1:]


def test_account_limit_message_lists_the_limits():
    error = errors.AccountLimit(limits={'collection': {'item_count': 1000}, 'watchlist': {'item_count': 100}})
    assert 'collection: item count 1000' in error.message and error.not_processed


def test_credentials_override_wins_and_file_is_optional(tmp_path):
    path = tmp_path / 'app_credentials.json'
    assert load_app_credentials(path=str(path)) is None
    path.write_text(json.dumps({'client_id': 'file-id', 'client_secret': 'file-secret'}))
    assert load_app_credentials(path=str(path)) == ('file-id', 'file-secret')
    assert load_app_credentials(' own-id ', 'own-secret', path=str(path)) == ('own-id', 'own-secret')
    assert load_app_credentials('', 'ignored', path=str(path)) == ('file-id', 'file-secret')
    path.write_text('{"client_id": ')
    with pytest.raises(errors.CredentialsFileInvalid):
        load_app_credentials(path=str(path))
    path.write_text(json.dumps({'client_secret': 'only'}))
    assert load_app_credentials(path=str(path)) is None


def test_client_without_client_id_says_so():
    from traktsync.trakt import TraktClient
    with pytest.raises(errors.MissingClientId) as info:
        TraktClient('1.0', None, client_id='')
    assert 'client id' in info.value.message
