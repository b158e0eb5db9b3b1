"""Helpers shared by the emulator tests."""


def inprocess_session(emu, token=None):
    """A requests session to an InProcessEmulator with the headers trakt wants (and ``token``'s bearer)."""
    session = emu.session()
    session.headers.update({'User-Agent': 'Tests/1', 'trakt-api-key': emu.client_id, 'trakt-api-version': '2'})
    if token:
        session.headers['Authorization'] = 'Bearer ' + token['access_token']
    return session
