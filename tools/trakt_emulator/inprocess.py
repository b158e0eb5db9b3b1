"""The emulator without a socket: a ``requests`` adapter hands every request straight to :meth:`Emulator.handle`.

    with InProcessEmulator(catalog=catalog, post_interval=0) as emu:
        client = TraktClient(..., api_url=emu.url, oauth_url=emu.url, session=emu.session())

The pipeline is the one the HTTP server runs (faults, WAF, 412, routing, auth, POST pacing, request log); only
the transport differs: an injected ``timeout`` raises ``requests.exceptions.ReadTimeout`` at once instead of
holding a connection, and nothing is slept unless ``latency`` is set.
"""
import io
from http.client import responses as reasons
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from tools.trakt_emulator.emulator import Emulator


class InProcessAdapter(BaseAdapter):
    """A transport adapter answering from an :class:`Emulator` in the same process."""

    def __init__(self, emulator):
        BaseAdapter.__init__(self)
        self.emulator = emulator

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        path_and_query = (parts.path or '/') + ('?' + parts.query if parts.query else '')
        answer = self.emulator.handle(request.method, path_and_query, request.headers, _body_bytes(request.body))
        if answer.no_answer:
            raise requests.exceptions.ReadTimeout('the trakt emulator gave no answer (injected timeout)',
                                                  request=request)
        return self.build_response(request, answer)

    def build_response(self, request, answer):
        response = requests.Response()
        response.status_code = answer.status
        response.reason = reasons.get(answer.status, '')
        headers = CaseInsensitiveDict(answer.headers)
        headers['Content-Length'] = str(len(answer.body))
        response.headers = headers
        response._content = answer.body
        response._content_consumed = True
        response.raw = io.BytesIO(answer.body)
        response.encoding = get_encoding_from_headers(headers)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


def _body_bytes(body):
    if body is None:
        return b''
    if isinstance(body, str):
        return body.encode('utf-8')
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, 'read'):
        return body.read()
    return b''.join(part.encode('utf-8') if isinstance(part, str) else part for part in body)


class InProcessEmulator(Emulator):
    """An :class:`Emulator` reached through :meth:`session` instead of a socket; ``start``/``stop`` do nothing."""

    url = 'https://trakt.emulator.invalid'

    def __init__(self, *args, **kwargs):
        Emulator.__init__(self, *args, **kwargs)
        self.url = InProcessEmulator.url

    def start(self):
        return self

    def stop(self):
        pass

    def session(self):
        """A new ``requests.Session`` whose requests to :attr:`url` are answered by this emulator."""
        session = requests.Session()
        session.mount(self.url + '/', InProcessAdapter(self))
        return session
