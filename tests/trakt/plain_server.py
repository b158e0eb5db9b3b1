"""Bare HTTP servers on 127.0.0.1 for what the emulator does not do: answers without (or with wrong) headers."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _LoopbackServer(object):
    """A ThreadingHTTPServer on a free port of 127.0.0.1, serving while the ``with`` block runs."""

    def _listen(self, handler):
        self._server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.port = self._server.server_address[1]
        self.url = 'http://127.0.0.1:{}'.format(self.port)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()


class PlainJsonServer(_LoopbackServer):
    """Answers every GET with one fixed JSON body and no pagination headers.

    It stands for the endpoints the 2026 contract declares unpaginated, which the emulator always paginates.
    """

    def __init__(self, payload):
        self.payload = json.dumps(payload).encode('utf-8')
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append({'path': self.path, 'headers': dict(self.headers.items())})
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(server.payload)))
                self.end_headers()
                self.wfile.write(server.payload)

            def log_message(self, *args):
                pass

        self._listen(Handler)


class PagedJsonServer(_LoopbackServer):
    """Serves ``items`` page by page (``page``/``limit`` from the query) with X-Pagination-* headers that a proxy
    stripped or a broken server got wrong.

    ``headers``: 'all' (true headers), 'no-page-count' (X-Pagination-Page-Count removed), 'none' (every
    X-Pagination-* header removed), 'absurd' (a page count of 100,000, the true item count) or 'absurd-only'
    (a page count of 100,000, no item count). ``past_end``: what a page after the last one holds, 'empty' or
    'repeat' (the last page again). ``clamp`` caps the page size as trakt may. After ``guard`` requests every
    answer is a 400, so a client that does not stop fails instead of running on.
    """

    def __init__(self, items, headers='all', past_end='empty', clamp=None, guard=40):
        from urllib.parse import parse_qs, urlsplit
        self.items = list(items)
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                page, limit = int(query['page'][0]), int(query['limit'][0])
                server.requests.append({'page': page, 'limit': limit})
                if len(server.requests) > guard:
                    return self._answer(400, {'error': 'too many pages requested'}, {})
                if clamp:
                    limit = min(limit, clamp)
                page_count = max(1, -(-len(server.items) // limit))
                start = (page - 1) * limit
                body = server.items[start:start + limit]
                if not body and page > page_count and past_end == 'repeat':
                    body = server.items[(page_count - 1) * limit:]
                all_headers = {'X-Pagination-Page': str(page), 'X-Pagination-Limit': str(limit),
                               'X-Pagination-Page-Count': str(page_count),
                               'X-Pagination-Item-Count': str(len(server.items))}
                if headers == 'no-page-count':
                    del all_headers['X-Pagination-Page-Count']
                elif headers == 'none':
                    all_headers = {}
                elif headers == 'absurd':
                    all_headers['X-Pagination-Page-Count'] = '100000'
                elif headers == 'absurd-only':
                    all_headers = {'X-Pagination-Page-Count': '100000'}
                self._answer(200, body, all_headers)

            def _answer(self, status, payload, extra):
                data = json.dumps(payload).encode('utf-8')
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._listen(Handler)

    @property
    def pages(self):
        return [r['page'] for r in self.requests]


class RedirectServer(_LoopbackServer):
    """Answers ``redirects`` (``{(method, path): (status, location)}``) with that redirect and every other request
    with ``payload`` (200, JSON); logs each request's method, path and Authorization header."""

    def __init__(self, redirects, payload=None):
        self.redirects = dict(redirects)
        self.payload = json.dumps([] if payload is None else payload).encode('utf-8')
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split('?', 1)[0]
                server.requests.append((self.command, path, self.headers.get('Authorization')))
                redirect = server.redirects.get((self.command, path))
                if redirect is not None:
                    self.send_response(redirect[0])
                    self.send_header('Location', redirect[1])
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(server.payload)))
                self.end_headers()
                self.wfile.write(server.payload)

            do_GET = do_POST = do_DELETE = _handle

            def log_message(self, *args):
                pass

        self._listen(Handler)
