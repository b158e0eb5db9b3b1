"""Kodi JSON-RPC: one call interface, two transports.

Inside Kodi the add-on calls ``xbmc.executeJSONRPC``; outside Kodi (tests, the
benchmark, the demo) the same code talks to Kodi's TCP JSON-RPC port. Both
take JSON-RPC batch arrays, so many calls cost one round trip.
"""
import codecs
import itertools
import re
import socket

from traktsync import logger
from traktsync.jsonutil import dumps, json

_WHITESPACE = re.compile(r'\s*')


class JsonRpcError(Exception):
    """Kodi answered a call with an error, or could not be reached."""

    def __init__(self, method, message, code=None, data=None):
        super(JsonRpcError, self).__init__('{}: {}'.format(method, message))
        self.method = method
        self.message = message
        self.code = code
        self.data = data


class InKodiTransport(object):
    """Calls Kodi from inside an add-on."""

    def __init__(self):
        from kodi_six import xbmc
        self._execute = xbmc.executeJSONRPC

    def exchange(self, request_text):
        return self._execute(request_text)


class TcpTransport(object):
    """Calls Kodi over its TCP JSON-RPC port (9090 by default, loopback only).

    Kodi writes JSON values back to back with no separator and interleaves
    notifications with answers, so the reader decodes value by value and keeps
    notifications aside for whoever waits on them.
    """

    def __init__(self, host='127.0.0.1', port=9090, timeout=60.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self._sock = None
        self._reset_buffer()
        self._decoder = json.JSONDecoder()
        self.notifications = []

    def _connect(self):
        if self._sock is None:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            except OSError as exc:
                raise JsonRpcError('connect', 'cannot reach Kodi at {}:{} ({})'.format(self.host, self.port, exc)) \
                    from exc
        return self._sock

    def close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None
            self._reset_buffer()

    def _reset_buffer(self):
        self._buffer = ''
        self._pos = 0
        self._parts = []
        self._complete = False
        self._utf8 = codecs.getincrementaldecoder('utf-8')()

    def read_value(self):
        """Return the next JSON value Kodi sends (an answer or a notification)."""
        sock = self._connect()
        while True:
            if self._parts:
                self._buffer = self._buffer[self._pos:] + ''.join(self._parts)
                self._pos = 0
                self._parts = []
            # Kodi writes whole values, so a buffer that does not end with } or ] holds an unfinished one: parsing
            # it again after every chunk would make a large answer cost quadratic time.
            if self._complete:
                start = _WHITESPACE.match(self._buffer, self._pos).end()
                if start < len(self._buffer):
                    try:
                        value, end = self._decoder.raw_decode(self._buffer, start)
                    except ValueError:
                        pass
                    else:
                        self._pos = end
                        return value
                self._complete = False
            chunk = sock.recv(1 << 20)
            if not chunk:
                self.close()
                raise JsonRpcError('read', 'Kodi closed the JSON-RPC connection')
            text = self._utf8.decode(chunk)   # keeps a multi-byte character split across reads for the next one
            if text:
                self._parts.append(text)
                self._complete = text.rstrip()[-1:] in ('}', ']')

    def exchange(self, request_text):
        sock = self._connect()
        try:
            sock.sendall(request_text.encode('utf-8'))
            while True:
                value = self.read_value()
                if isinstance(value, dict) and 'method' in value and 'id' not in value:
                    self.notifications.append(value)
                    continue
                return value
        except socket.timeout as exc:
            self.close()
            raise JsonRpcError('read', 'Kodi did not answer within {} s'.format(self.timeout)) from exc


class JsonRpc(object):
    """Makes JSON-RPC calls through a transport and turns errors into ``JsonRpcError``."""

    def __init__(self, transport):
        self.transport = transport
        self._ids = itertools.count(1)
        self.calls_made = 0   # round trips, for the benchmark and the call-count tests

    def _send(self, payload):
        self.calls_made += 1
        answer = self.transport.exchange(dumps(payload))
        return json.loads(answer) if isinstance(answer, str) else answer

    def call(self, method, params=None):
        request = {'jsonrpc': '2.0', 'id': next(self._ids), 'method': method}
        if params:
            request['params'] = params
        answer = self._send(request)
        return self._result(method, answer)

    def batch(self, calls):
        """Send ``[(method, params), …]`` as one batch; return results in order, a ``JsonRpcError`` for failures."""
        if not calls:
            return []
        requests = []
        for method, params in calls:
            request = {'jsonrpc': '2.0', 'id': next(self._ids), 'method': method}
            if params:
                request['params'] = params
            requests.append(request)
        answers = self._send(requests)
        if isinstance(answers, dict):  # Kodi answers a whole broken batch with one error object
            error = self._error(calls[0][0], answers)
            return [error for _ in calls]
        by_id = {answer.get('id'): answer for answer in answers}
        results = []
        for request in requests:
            answer = by_id.get(request['id'])
            if answer is None:
                results.append(JsonRpcError(request['method'], 'no answer in the batch'))
            elif 'error' in answer:
                results.append(self._error(request['method'], answer))
            else:
                results.append(answer.get('result'))
        return results

    @staticmethod
    def _error(method, answer):
        error = answer.get('error') or {}
        message = error.get('message', 'unknown error')
        data = error.get('data')
        if isinstance(data, dict) and data.get('stack', {}).get('message'):
            message = '{} ({})'.format(message, data['stack']['message'])
        logger.debug('JSON-RPC {} failed: {}', method, message)
        return JsonRpcError(method, message, error.get('code'), data)

    def _result(self, method, answer):
        if 'error' in answer:
            raise self._error(method, answer)
        return answer.get('result')
