"""OAuth as auth.trakt.tv answers it: device codes (doc §2), single-use refresh tokens, revocation.

Tokens live in the account dict so a demo keeps its authorization across emulator restarts;
device codes are short-lived and kept in memory only.
"""
import secrets
import string
import time

TOKEN_LIFETIME = 7 * 24 * 3600
_USER_CODE_ALPHABET = string.ascii_uppercase + string.digits


class DeviceCode(object):
    def __init__(self, expires_in, now):
        self.device_code = secrets.token_hex(32)
        self.user_code = ''.join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
        self.expires_at = now + expires_in
        self.state = 'pending'  # pending -> approved -> used, or denied
        self.username = None  # the account that approved it
        self.last_poll = None

    def approve(self, username):
        self.state = 'approved'
        self.username = username


class Auth(object):
    """Tokens of every account (each kept in its account dict) and the device codes that sign in to one."""

    def __init__(self, accounts, default_user, client_id, client_secret, device_interval=5, device_expires_in=600,
                 clock=time.time):
        self.accounts = accounts  # username -> account dict (shared with the emulator)
        self.default_user = default_user
        self.device_user = default_user  # the account an auto-approved device code signs in as
        self.client_id = client_id
        self.client_secret = client_secret
        self.device_interval = device_interval
        self.device_expires_in = device_expires_in
        self.clock = clock
        self.auto_approve = False
        self.codes = {}  # device_code -> DeviceCode

    # -- tokens ------------------------------------------------------------------------------
    def issue_token(self, expires_in=TOKEN_LIFETIME, created_at=None, username=None):
        data = self.accounts[username or self.default_user]
        token = {'access_token': secrets.token_hex(32), 'token_type': 'bearer', 'expires_in': int(expires_in),
                 'refresh_token': secrets.token_hex(32), 'scope': 'public',
                 'created_at': int(self.clock() if created_at is None else created_at)}
        data['tokens'][token['access_token']] = dict(token)
        data['refresh_tokens'][token['refresh_token']] = token['access_token']
        return token

    def user_of(self, access_token):
        """The username a valid access token belongs to, or None."""
        for username, data in self.accounts.items():
            token = data['tokens'].get(access_token)
            if token is not None:
                return username if self.clock() < token['created_at'] + token['expires_in'] else None
        return None

    def is_valid_access_token(self, access_token):
        return self.user_of(access_token) is not None

    def refresh(self, refresh_token):
        """A new token pair for the same account; the refresh token is spent even if the caller never sees it."""
        for username, data in self.accounts.items():
            access_token = data['refresh_tokens'].pop(refresh_token, None)
            if access_token is None:
                continue
            old = data['tokens'].get(access_token)
            if old is not None:
                old['refresh_token'] = None
            return self.issue_token(username=username)
        return None

    def revoke(self, access_token):
        for data in self.accounts.values():
            token = data['tokens'].pop(access_token, None)
            if token is not None:
                data['refresh_tokens'].pop(token.get('refresh_token'), None)
                return True
        return False

    def revoke_all(self):
        for data in self.accounts.values():
            data['tokens'].clear()
            data['refresh_tokens'].clear()

    def client_matches(self, body):
        return body.get('client_id') == self.client_id and body.get('client_secret') == self.client_secret

    # -- device flow ------------------------------------------------------------------------
    def new_device_code(self):
        code = DeviceCode(self.device_expires_in, self.clock())
        if self.auto_approve:
            code.approve(self.device_user)
        self.codes[code.device_code] = code
        return code

    def by_user_code(self, user_code):
        for code in self.codes.values():
            if code.user_code == user_code:
                return code
        raise KeyError('no device code with user code {!r}'.format(user_code))

    def poll(self, device_code):
        """``(status, body)`` for one poll of ``POST /oauth/device/token``."""
        code = self.codes.get(device_code)
        if code is None:
            return 404, {'error': 'invalid_grant', 'error_description': 'unknown device code'}
        if code.state == 'used':
            return 409, {'error': 'already_used', 'error_description': 'this code was already used'}
        now = self.clock()
        if now >= code.expires_at:
            return 410, {'error': 'expired_token', 'error_description': 'the device code expired'}
        if code.state == 'denied':
            return 418, {'error': 'access_denied', 'error_description': 'the user denied this code'}
        if code.last_poll is not None and now - code.last_poll < self.device_interval:
            return 429, {'error': 'slow_down', 'error_description': 'polled faster than the interval'}
        code.last_poll = now
        if code.state == 'approved':
            code.state = 'used'
            return 200, self.issue_token(username=code.username)
        return 400, {'error': 'authorization_pending', 'error_description': 'waiting for the user'}
