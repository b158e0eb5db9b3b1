"""Typed failures of the trakt client.

Every error carries a one-line ``message`` a user understands (fit for a Kodi
notification) and ``not_processed``: True when trakt certainly did not act on
the request, so the caller may send it again without risking a duplicate.
"""


class TraktError(Exception):
    message = 'trakt request failed'
    not_processed = False

    def __init__(self, message=None, status=None, not_processed=None):
        self.message = message or self.message
        self.status = status
        if not_processed is not None:
            self.not_processed = not_processed
        super(TraktError, self).__init__(self.message)


class ConfigurationError(TraktError):
    message = 'the add-on is not configured for trakt'
    not_processed = True


class MissingClientId(ConfigurationError):
    message = 'no trakt client id configured: enter one in the add-on settings'


class InvalidClient(ConfigurationError):
    message = "trakt refused the app's client id or secret: check the add-on settings"


class CredentialsFileInvalid(ConfigurationError):
    message = 'the bundled trakt app credentials file is unreadable'


class InsecureAddress(ConfigurationError):
    """An API or OAuth address that is not https:// (only a loopback test server may use plain http)."""
    message = 'the trakt address must start with https://: check the add-on settings'

    def __init__(self, url=None, setting=None):
        self.url = url
        message = None
        if url is not None:
            message = 'the trakt {} must start with https:// (it is {}): check the add-on settings'.format(
                setting or 'address', url)
        super(InsecureAddress, self).__init__(message)


class Redirected(TraktError):
    """trakt (or something in between) answered with a redirect that is not followed: a write, or a request
    carrying the user's token to another host or to plain http. Nothing was sent to the new address."""
    message = 'trakt answered with a redirect that was not followed'
    not_processed = True

    def __init__(self, location=None, status=None):
        self.location = location
        message = None
        if location:
            message = 'trakt redirected the request to {}; it was not sent there'.format(location)
        super(Redirected, self).__init__(message, status)


class Unreachable(TraktError):
    message = 'cannot reach trakt: check the network connection'
    not_processed = True


class CertificateError(Unreachable):
    message = "cannot verify trakt's certificate: the secure connection was refused"


class RequestTimeout(TraktError):
    message = 'trakt did not answer in time'


class ServerError(TraktError):
    message = 'trakt is having problems (server error), try again later'


class MalformedResponse(TraktError):
    message = 'trakt sent an answer that could not be read'


class RequestRejected(TraktError):
    """A 4xx that none of the specific errors describes (400, 404, 412, 422, ...)."""
    message = 'trakt rejected the request'
    not_processed = True


class Blocked(TraktError):
    message = "blocked by trakt's firewall (HTML 403)"
    not_processed = True


class InvalidApiKey(TraktError):
    message = 'trakt refused the app (invalid API key or unapproved app)'
    not_processed = True


class AuthorizationExpired(TraktError):
    message = 'trakt authorization expired: authorize the add-on again'
    not_processed = True


class ReauthorizationRequired(AuthorizationExpired):
    """The refresh token was refused (``invalid_grant``), so only a new device authorization helps."""
    message = 'trakt no longer accepts the saved authorization: authorize the add-on again'


class NotAuthorized(AuthorizationExpired):
    message = 'the add-on is not authorized with trakt yet'


class AccountLimit(TraktError):
    message = 'trakt account limit reached (420): nothing more can be added on a free account'
    not_processed = True

    def __init__(self, message=None, status=420, limits=None):
        self.limits = limits
        if message is None and limits:
            message = '{} (limits: {})'.format(self.message, describe_limits(limits))
        super(AccountLimit, self).__init__(message, status)


class AccountLocked(TraktError):
    message = 'the trakt account is locked or deactivated: contact trakt support'
    not_processed = True


class VipOnly(TraktError):
    message = 'this trakt feature needs a VIP account'
    not_processed = True


class RateLimited(TraktError):
    message = 'trakt is rate-limiting this account; the sync will go on later'
    not_processed = True


class Aborted(TraktError):
    """Ended from another thread (Kodi is quitting, the user cancelled); a write may or may not have arrived."""
    message = 'the sync was stopped'


class OutcomeUnknown(TraktError):
    """A write whose answer was lost: trakt may or may not have stored it; re-read before sending again."""
    message = 'trakt did not confirm a write; it will be checked on the next sync'
    not_processed = False

    def __init__(self, message=None, status=None, items=None, remaining=None, cause=None):
        self.items = list(items or [])
        self.remaining = list(remaining or [])
        self.cause = cause
        super(OutcomeUnknown, self).__init__(message, status)


class DeviceAuthError(TraktError):
    message = 'trakt authorization failed'
    not_processed = True


class DeviceCodeInvalid(DeviceAuthError):
    message = 'trakt did not recognise the authorization code: start again'


class DeviceCodeUsed(DeviceAuthError):
    message = 'this authorization code was already used'


class DeviceCodeExpired(DeviceAuthError):
    message = 'the authorization code expired before it was entered: start again'


class AuthorizationDenied(DeviceAuthError):
    message = 'authorization was denied on trakt'


class AuthorizationCancelled(DeviceAuthError):
    message = 'authorization cancelled'


def describe_limits(limits):
    """``{'watchlist': {'item_count': 100}, 'collection': {'item_count': 1000}}`` -> a short readable summary."""
    parts = []
    for name in sorted(limits):
        value = limits[name]
        if isinstance(value, dict):
            counts = ', '.join('{} {}'.format(k.replace('_', ' '), v) for k, v in sorted(value.items()))
            parts.append('{}: {}'.format(name, counts))
        else:
            parts.append('{}: {}'.format(name, value))
    return '; '.join(parts)
