"""A bare HTTP server on 127.0.0.1 that answers every GET with one fixed JSON body and no pagination headers.

It stands for the endpoints the 2026 contract declares unpaginated, which the emulator always paginates.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PlainJsonServer(object):
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

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:{}'.format(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
