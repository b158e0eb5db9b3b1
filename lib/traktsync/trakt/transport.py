"""One ``requests.Session`` with trakt's headers; turns transport failures and status codes into typed errors."""
import ipaddress
import threading
import time
from urllib.parse import urljoin, urlsplit

import requests

from traktsync import logger
from traktsync.jsonutil import dumps, loads
from traktsync.trakt import errors
from traktsync.trakt.abortable import AbortableAdapter

# Cloudflare answers these like 5xx: the origin is unreachable or overloaded.
_CLOUDFLARE_STATUSES = frozenset([520, 521, 522])
_MAX_REDIRECTS = 5


def is_loopback_host(host):
    host = (host or '').strip('[]').lower()
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_secure_url(url):
    """https://, or plain http:// to this machine (the emulator and test servers)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return bool(parts.hostname) and (scheme == 'https' or (scheme == 'http' and is_loopback_host(parts.hostname)))


def check_url(url, setting):
    """``url`` if it is safe to send the user's token to; else InsecureAddress naming ``setting``."""
    if not is_secure_url(url):
        raise errors.InsecureAddress(url, setting)
    return url


def _origin(url):
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or '').lower(), parts.port


def user_agent(version):
    # A specific User-Agent matters: Cloudflare blocks generic ones with an HTML 403.
    return 'TraktLibrarySync/{} (Kodi)'.format(version)


class Transport(object):
    def __init__(self, client_id, version, timeout=(10.0, 60.0), session=None, clock=time.monotonic):
        self._adapter = None
        if session is None:
            session = requests.Session()
            self._adapter = AbortableAdapter()
            session.mount('https://', self._adapter)
            session.mount('http://', self._adapter)
        self.session = session
        self._aborted = threading.Event()
        self.session.headers.update({
            'Content-Type': 'application/json',
            'trakt-api-version': '2',
            'trakt-api-key': client_id,
            'User-Agent': user_agent(version),
        })
        self.timeout = timeout
        self._clock = clock
        self.requests_made = 0   # for the sync summary and the "a no-op sync costs one request" check

    def send(self, method, url, params=None, body=None, token=None):
        """``(response, seconds)``; raises Unreachable, RequestTimeout or MalformedResponse for transport failures,
        Aborted after ``abort``."""
        if self._aborted.is_set():
            raise errors.Aborted()
        headers = {'Authorization': 'Bearer ' + token} if token else None
        data = dumps(body).encode('utf-8') if body is not None else None
        path = requests.utils.urlparse(url).path
        started = self._clock()
        self.requests_made += 1
        response = self._request(method, url, params, data, headers, path, started)
        hops = 0
        # Redirects are judged here, never followed by requests: a 301/302 turns a POST into a GET, whose list
        # answer would pass for a confirmed write, and a redirect may lead the token to another host.
        while _is_redirect(response):
            location = response.headers.get('Location')
            target = urljoin(response.url or url, location) if location else None
            if (method != 'GET' or target is None or hops >= _MAX_REDIRECTS or not is_secure_url(target)
                    or (token and _origin(target) != _origin(url))):
                logger.warning('{} {} answered {} to {}; not followed', method, path, response.status_code,
                               target)
                response.close()
                raise errors.Redirected(target, status=response.status_code)
            response.close()
            hops += 1
            self.requests_made += 1
            response = self._request(method, target, None, None, headers, urlsplit(target).path, started)
        seconds = self._log(method, path, response.status_code, started)
        return response, seconds

    def _request(self, method, url, params, data, headers, path, started):
        try:
            # verify=True explicitly: an environment variable or a session default must never turn TLS checks off.
            return self.session.request(method, url, params=params, data=data, headers=headers,
                                        timeout=self.timeout, verify=True, allow_redirects=False)
        except requests.exceptions.RequestException as exc:
            self._log(method, path, 'aborted' if self._aborted.is_set() else type(exc).__name__, started)
            raise self._failure(exc) from None

    def abort(self):
        """End the request in flight (from another thread) and refuse further ones: raises Aborted in both."""
        self._aborted.set()
        if self._adapter is not None and self._adapter.abort():
            logger.debug('trakt request in flight ended')

    def _failure(self, exc):
        """The typed error for a failed request."""
        if self._aborted.is_set():
            return errors.Aborted()
        if isinstance(exc, requests.exceptions.SSLError):
            return errors.CertificateError()   # the handshake failed, so no request went out
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return errors.Unreachable()
        if isinstance(exc, requests.exceptions.Timeout):
            return errors.RequestTimeout()
        if isinstance(exc, requests.exceptions.ConnectionError):
            if _never_connected(exc):
                return errors.Unreachable()
            # The connection broke after the request went out: trakt may have processed it.
            return errors.RequestTimeout('the connection to trakt broke before it answered')
        return errors.MalformedResponse()

    def _log(self, method, path, outcome, started):
        seconds = self._clock() - started
        logger.debug('{} {} -> {} in {:.0f} ms', method, path, outcome, seconds * 1000)
        return seconds

    def close(self):
        self.session.close()


def _never_connected(exc):
    text = repr(exc)
    return any(marker in text for marker in ('NewConnectionError', 'NameResolutionError', 'Failed to resolve',
                                             'Connection refused', 'Errno 111', 'gaierror'))


def _is_redirect(response):
    return 300 <= response.status_code < 400 and response.status_code != 304


def is_html(response):
    content_type = response.headers.get('Content-Type', '')
    return 'html' in content_type.lower() or response.content.lstrip()[:1] == b'<'


def error_for(response):
    """The typed error for a non-2xx answer, or None for success."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    if status == 401:
        return errors.AuthorizationExpired(status=status)
    if status == 403:
        return errors.Blocked(status=status) if is_html(response) else errors.InvalidApiKey(status=status)
    if status == 420:
        return errors.AccountLimit()
    if status == 423:
        return errors.AccountLocked(status=status)
    if status == 426:
        upgrade = response.headers.get('X-Upgrade-URL')
        message = '{} ({})'.format(errors.VipOnly.message, upgrade) if upgrade else None
        return errors.VipOnly(message, status=status)
    if status == 429:
        return errors.RateLimited(status=status)
    if status >= 500 or status in _CLOUDFLARE_STATUSES:
        return errors.ServerError('{} ({})'.format(errors.ServerError.message, status), status=status)
    return errors.RequestRejected('{} ({})'.format(errors.RequestRejected.message, status), status=status)


def parse_json(response):
    """The decoded body; None for an empty body; MalformedResponse when it is not JSON."""
    if not response.content or not response.content.strip():
        return None
    try:
        return loads(response.content.decode('utf-8'))
    except (ValueError, UnicodeDecodeError):
        raise errors.MalformedResponse(status=response.status_code) from None


def page_count(response):
    return _count_header(response, 'X-Pagination-Page-Count')


def page_limit(response):
    """The page size trakt applied (it may clamp the ``limit`` asked for), or None."""
    number = _count_header(response, 'X-Pagination-Limit')
    return number or None


def item_count(response):
    return _count_header(response, 'X-Pagination-Item-Count')


def _count_header(response, name):
    """A non-negative integer header, or None when it is absent or garbled."""
    value = response.headers.get(name)
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number >= 0 else None
