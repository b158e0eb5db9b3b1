"""The logging helper: add-on id prefix, lazy formatting, levels and no secrets in the log."""
import pytest

from traktsync import logger


@pytest.fixture
def lines():
    captured = []
    logger.set_sink(lambda level, text: captured.append((level, text)), logger.INFO)
    yield captured
    logger.forget_secrets()
    logger.set_sink(logger._stdlib_sink, logger.INFO)


def test_messages_carry_the_addon_id_and_are_formatted(lines):
    logger.info('synced {} movies in {:.1f} s', 3, 1.25)
    assert lines == [(logger.INFO, '[service.traktsync] synced 3 movies in 1.2 s')]


def test_debug_is_dropped_without_formatting_when_disabled(lines):
    class Exploding(object):
        def __format__(self, spec):
            raise AssertionError('formatted although the level is off')

    logger.debug('expensive {}', Exploding())
    assert lines == []
    logger.set_level(logger.DEBUG)
    logger.debug('now {}', 'shown')
    assert lines == [(logger.DEBUG, '[service.traktsync] now shown')]


@pytest.mark.parametrize('message', [
    'POST /oauth/token {"refresh_token": "r3fr3sh-t0ken-value", "client_secret": "s3cr3t-value"}',
    'headers: {"Authorization": "Bearer abcdef123456"}',
    'GET /x?access_token=abcdef123456&page=2',
])
def test_tokens_in_bodies_headers_and_urls_are_redacted(lines, message):
    logger.warning(message)
    text = lines[0][1]
    for secret in ('r3fr3sh-t0ken-value', 's3cr3t-value', 'abcdef123456'):
        assert secret not in text
    assert '<redacted>' in text


def test_a_registered_secret_is_masked_anywhere(lines):
    logger.add_secret('my-client-secret-42')
    logger.error('request failed: invalid client my-client-secret-42 for user')
    assert 'my-client-secret-42' not in lines[0][1]
    assert lines[0][1].endswith('invalid client <redacted> for user')
