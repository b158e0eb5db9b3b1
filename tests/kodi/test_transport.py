"""The TCP transport's framing: Kodi writes JSON values back to back, split anywhere by TCP."""
import socket
import threading

from traktsync.jsonutil import dumps, json
from traktsync.kodi.jsonrpc import JsonRpc, TcpTransport


def connected_transport(chunks):
    """A transport whose Kodi end sends ``chunks`` (bytes) one by one once a request arrived."""
    ours, kodis = socket.socketpair()
    transport = TcpTransport()
    transport._sock = ours

    def kodi():
        kodis.recv(65536)
        for chunk in chunks:
            kodis.sendall(chunk)
        kodis.close()

    threading.Thread(target=kodi, daemon=True).start()
    return transport


def test_values_split_anywhere_even_inside_a_character_are_read_whole_and_notifications_kept_aside():
    notification = {'jsonrpc': '2.0', 'method': 'VideoLibrary.OnUpdate', 'params': {'data': {'item': {'id': 1}}}}
    answer = {'jsonrpc': '2.0', 'id': 1, 'result': {'movies': [{'title': 'Échappée Straße {}'.format(i)}
                                                               for i in range(2000)]}}
    # Kodi sends non-ASCII characters as UTF-8, not as \\u escapes.
    raw = (json.dumps(notification, ensure_ascii=False) + '\n' + json.dumps(answer, ensure_ascii=False)).encode('utf-8')
    cut = raw.index('Straße'.encode('utf-8')) + 4          # between the two bytes of "ß"
    chunks = [raw[:7], raw[7:cut], raw[cut:cut + 1]] + [raw[i:i + 999] for i in range(cut + 1, len(raw), 999)]
    rpc = JsonRpc(connected_transport(chunks))

    result = rpc.call('VideoLibrary.GetMovies')

    assert result == answer['result']
    assert rpc.transport.notifications == [notification]


def test_two_values_in_one_chunk_are_returned_one_after_the_other():
    first, second = {'id': 1, 'result': 'OK'}, {'id': 2, 'result': [1, 2]}
    transport = connected_transport([(dumps(first) + dumps(second) + '  ').encode('utf-8')])
    transport._sock.sendall(b'{}')

    assert transport.read_value() == first
    assert transport.read_value() == second
