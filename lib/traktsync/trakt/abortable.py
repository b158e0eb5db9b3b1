"""A requests adapter whose in-flight requests another thread can end at once.

A thread blocked reading trakt's answer does not look at any flag, and Kodi's shutdown waits for it: for as long
as trakt takes to answer, up to the read timeout. Shutting the connection's socket down wakes that thread.
The connections a request has taken from urllib3's pools are tracked for that; urllib3 1.26 (Kodi's) and 2.x
both hand connections out through ``_get_conn``/``_put_conn``. Where that is missing, ``abort`` ends nothing
in flight and the caller still stops before its next request.
"""
import socket
import threading
import weakref

from requests.adapters import HTTPAdapter


class AbortableAdapter(HTTPAdapter):

    def __init__(self, *args, **kwargs):
        # HTTPAdapter.__init__ builds the pool manager, which needs these.
        self._in_use = weakref.WeakSet()
        self._guard = threading.Lock()
        super(AbortableAdapter, self).__init__(*args, **kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super(AbortableAdapter, self).init_poolmanager(*args, **kwargs)
        classes = getattr(self.poolmanager, 'pool_classes_by_scheme', None)
        if isinstance(classes, dict):
            self.poolmanager.pool_classes_by_scheme = {
                scheme: _tracking_pool(pool_class, self) for scheme, pool_class in classes.items()}

    def _taken(self, connection):
        with self._guard:
            self._in_use.add(connection)

    def _returned(self, connection):
        with self._guard:
            self._in_use.discard(connection)

    def abort(self):
        """Shut down the socket of every connection a request is using; returns how many were shut."""
        with self._guard:
            connections = list(self._in_use)
        shut = 0
        for connection in connections:
            sock = getattr(connection, 'sock', None)
            if sock is None:
                continue
            try:
                # socket.socket's own shutdown: ssl.SSLSocket's would also drop the TLS object under the
                # thread that is reading with it.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
                shut += 1
            except (OSError, TypeError):
                pass   # already closed
        return shut


def _tracking_pool(pool_class, adapter):

    class TrackingPool(pool_class):
        def _get_conn(self, *args, **kwargs):
            connection = super(TrackingPool, self)._get_conn(*args, **kwargs)
            if connection is not None:
                adapter._taken(connection)
            return connection

        def _put_conn(self, connection):
            if connection is not None:
                adapter._returned(connection)
            super(TrackingPool, self)._put_conn(connection)

    TrackingPool.__name__ = 'Tracking' + pool_class.__name__
    return TrackingPool
