"""OAuth for a device without a browser: the device flow, token refresh and sign-out.

Tokens live in a caller-supplied store: an object with ``load()`` (the token dict or None) and
``save(token_dict)``, which must replace the whole dict at once (both tokens together); ``save(None)``
means signed out. Expiry is ``created_at + expires_in`` as trakt advises, never a hard-coded lifetime.
"""
import collections
import threading
import time

from traktsync import logger
from traktsync.trakt import errors

DEVICE_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob'
# Refresh tokens are single-use: the sync and the scrobbler (two threads, two clients, one token file) must never
# refresh at the same time, or the second refresh spends a used token and signs the user out.
_REFRESH_LOCK = threading.Lock()
_DEVICE_POLL_STATUSES = (400, 404, 409, 410, 418, 429)
_DEVICE_STOP = {404: errors.DeviceCodeInvalid, 409: errors.DeviceCodeUsed, 418: errors.AuthorizationDenied}


class DeviceCode(collections.namedtuple('DeviceCode',
                                        'device_code user_code verification_url expires_in interval expires_at')):
    """What the UI shows: ``user_code`` to enter at ``verification_url`` before ``expires_at`` (a wall-clock time)."""

    def seconds_left(self, now=None):
        return max(0, int(self.expires_at - (time.time() if now is None else now)))

    def __repr__(self):
        return 'DeviceCode(user_code={!r}, verification_url={!r}, expires_in={})'.format(
            self.user_code, self.verification_url, self.expires_in)


def register_token_secrets(token):
    if isinstance(token, dict):
        logger.add_secret(token.get('access_token'))
        logger.add_secret(token.get('refresh_token'))


def token_expires_at(token):
    """Wall-clock expiry of ``token``, or None when trakt did not say."""
    try:
        return float(token['created_at']) + float(token['expires_in'])
    except (KeyError, TypeError, ValueError):
        return None


def token_lifetime(token):
    """Seconds the token was issued for (``expires_in``), or None when trakt did not say."""
    try:
        lifetime = float(token['expires_in'])
    except (KeyError, TypeError, ValueError):
        return None
    return lifetime if lifetime > 0 else None


class OAuth(object):
    """The OAuth half of the client; ``call`` is the client's request function (see TraktClient._call)."""

    def __init__(self, call, client_id, client_secret, store, wall_clock=time.time, sleep=time.sleep,
                 refresh_margin=86400.0):
        self._call = call
        self.client_id = client_id
        self.client_secret = client_secret
        self.store = store
        self._now = wall_clock
        self._sleep = sleep
        # Refresh a day early (at most half the token's lifetime): a sync that starts on an almost-expired token
        # must not fail half-way, yet a 24-hour token must not be refreshed before every request.
        self.refresh_margin = refresh_margin
        logger.add_secret(client_secret)

    # -- tokens -------------------------------------------------------------------------------------------------
    def token(self):
        token = self.store.load()
        if not token or not token.get('access_token'):
            raise errors.NotAuthorized()
        register_token_secrets(token)
        return token

    def is_authorized(self):
        token = self.store.load()
        return bool(token and token.get('access_token'))

    def margin_for(self, token):
        """How long before expiry ``token`` is refreshed: ``refresh_margin``, but at most half its lifetime."""
        lifetime = token_lifetime(token)
        if lifetime is None:
            return self.refresh_margin
        return min(self.refresh_margin, lifetime / 2.0)

    def access_token(self):
        """A usable access token, refreshed first when it expires within ``margin_for(token)``."""
        token = self.token()
        if self._expires_soon(token):
            token = self.refresh(stale=token['access_token'])
        return token['access_token']

    def _expires_soon(self, token):
        expires_at = token_expires_at(token)
        return expires_at is not None and expires_at - self._now() < self.margin_for(token)

    def refresh(self, stale=None):
        """A new token for the one whose access token is ``stale`` (trakt refused it, or it expires soon); when
        another thread refreshed it meanwhile, that token is used instead of spending the refresh token again."""
        with _REFRESH_LOCK:
            token = self.token()
            if stale is not None and token['access_token'] != stale and not self._expires_soon(token):
                return token
            return self._refresh(token)

    def _refresh(self, token):
        logger.info('refreshing the trakt access token')
        if not token.get('refresh_token'):
            raise errors.ReauthorizationRequired()
        body = {'refresh_token': token['refresh_token'], 'client_id': self.client_id,
                'client_secret': self.client_secret, 'redirect_uri': DEVICE_REDIRECT_URI,
                'grant_type': 'refresh_token'}
        # Refresh tokens are single-use, so a refresh whose answer is lost is never re-sent blindly.
        answer, response, _ = self._call('POST', '/oauth/token', body=body, oauth=True, auth=False,
                                         retry_transient=False, passthrough=(400, 401))
        if response.status_code in (400, 401):
            reason = answer.get('error') if isinstance(answer, dict) else None
            logger.warning('trakt refused the token refresh: {} ({})', reason, response.status_code)
            if reason == 'invalid_client':
                raise errors.InvalidClient(status=response.status_code)
            raise errors.ReauthorizationRequired(status=response.status_code)
        logger.info('trakt access token refreshed')
        return self._save(answer, user=token.get('user'))

    def _save(self, answer, user=None):
        if not isinstance(answer, dict) or not answer.get('access_token') or not answer.get('refresh_token'):
            raise errors.MalformedResponse('trakt sent a token answer without tokens')
        token = dict(answer)
        if not isinstance(token.get('created_at'), (int, float)):
            token['created_at'] = int(self._now())
        if user:   # a refreshed token belongs to the same account (see traktsync.account)
            token['user'] = user
        register_token_secrets(token)
        self.store.save(token)
        return token

    # -- device flow --------------------------------------------------------------------------------------------
    def start_device_auth(self):
        answer, _, _ = self._call('POST', '/oauth/device/code', body={'client_id': self.client_id},
                                  oauth=True, auth=False)
        try:
            code = DeviceCode(str(answer['device_code']), str(answer['user_code']), str(answer['verification_url']),
                              int(answer['expires_in']), max(0, int(answer['interval'])),
                              self._now() + int(answer['expires_in']))
        except (KeyError, TypeError, ValueError):
            raise errors.MalformedResponse('trakt sent an unreadable authorization code') from None
        logger.add_secret(code.device_code)
        logger.info('trakt device authorization started, code valid for {} s', code.expires_in)
        return code

    def poll_device_token(self, code, should_cancel=None, sleep=None):
        """Poll until the user approves (the token is stored and returned) or the flow ends with a typed error.

        ``should_cancel()`` is asked about twice a second; True ends with AuthorizationCancelled.
        DeviceCodeExpired (410, or the code's lifetime is over) means: start again with a new code.
        """
        sleep = sleep or self._sleep
        interval = code.interval
        while True:
            if code.expires_at - self._now() <= 0:
                raise errors.DeviceCodeExpired()
            self._wait(min(interval, max(0.0, code.expires_at - self._now())), should_cancel, sleep)
            body = {'code': code.device_code, 'client_id': self.client_id, 'client_secret': self.client_secret}
            try:
                answer, response, _ = self._call('POST', '/oauth/device/token', body=body, oauth=True, auth=False,
                                                 retry_transient=False, passthrough=_DEVICE_POLL_STATUSES)
            except (errors.ServerError, errors.RequestTimeout, errors.MalformedResponse) as exc:
                # Nothing is lost by asking again: the code stays valid until approved and exchanged.
                logger.debug('trakt device token poll failed ({}), polling on', exc.message)
                continue
            status = response.status_code
            if status == 200:
                logger.info('trakt authorization approved')
                return self._save(answer)
            if status == 400:
                continue
            if status in _DEVICE_STOP:
                raise _DEVICE_STOP[status](status=status)
            if status == 410:
                raise errors.DeviceCodeExpired(status=status)
            if status == 429:
                interval += 1
                logger.debug('trakt asked to slow down device polling, interval now {} s', interval)
                continue
            raise errors.DeviceAuthError('{} ({})'.format(errors.DeviceAuthError.message, status), status=status)

    def authorize_device(self, show_code, should_cancel=None, sleep=None, max_codes=3):
        """The whole flow: show each new code with ``show_code(code)``; a code that expires is replaced."""
        for attempt in range(max_codes):
            code = self.start_device_auth()
            show_code(code)
            try:
                return self.poll_device_token(code, should_cancel=should_cancel, sleep=sleep)
            except errors.DeviceCodeExpired:
                if attempt == max_codes - 1:
                    raise
                logger.info('trakt authorization code expired, requesting a new one')

    def _wait(self, seconds, should_cancel, sleep):
        deadline = self._now() + seconds
        while True:
            if should_cancel is not None and should_cancel():
                raise errors.AuthorizationCancelled()
            left = deadline - self._now()
            if left <= 0:
                return
            sleep(min(left, 0.5))

    # -- sign-out -----------------------------------------------------------------------------------------------
    def revoke(self):
        """Sign out: revoke the access token on trakt (best effort) and clear the store. True if trakt confirmed."""
        token = self.store.load()
        confirmed = False
        if token and token.get('access_token'):
            register_token_secrets(token)
            body = {'token': token['access_token'], 'client_id': self.client_id, 'client_secret': self.client_secret}
            try:
                self._call('POST', '/oauth/revoke', body=body, oauth=True, auth=False, retry_transient=False)
                confirmed = True
            except errors.TraktError as exc:
                logger.warning('trakt did not confirm the sign-out: {}', exc.message)
        self.store.save(None)
        return confirmed
