"""The profile files: written whole or not at all, unreadable files kept aside, tokens private."""
import os
import stat

from traktsync.store import JsonStore, TokenStore


def test_save_then_load_round_trips_and_leaves_no_temporary_file(tmp_path):
    store = JsonStore(str(tmp_path / 'profile'))
    store.save('baseline.json', {'schema': 1, 'watched': {'movie:imdb:tt1': [1, 1, None]}})
    assert store.load('baseline.json') == {'schema': 1, 'watched': {'movie:imdb:tt1': [1, 1, None]}}
    assert os.listdir(str(tmp_path / 'profile')) == ['baseline.json']


def test_a_missing_file_is_the_default(tmp_path):
    assert JsonStore(str(tmp_path)).load('nothing.json', default={'a': 1}) == {'a': 1}


def test_an_unreadable_file_is_kept_aside_and_treated_as_absent(tmp_path):
    (tmp_path / 'clean-backup.json').write_bytes(b'{"items": [')
    store = JsonStore(str(tmp_path))
    assert store.load('clean-backup.json') is None
    kept = [name for name in os.listdir(str(tmp_path)) if name.startswith('clean-backup.json.unreadable-')]
    assert len(kept) == 1
    assert (tmp_path / kept[0]).read_bytes() == b'{"items": ['


def test_an_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch):
    store = JsonStore(str(tmp_path))
    store.save('baseline.json', {'version': 'old'})

    def crash(*args):
        raise OSError('disk full')

    monkeypatch.setattr(os, 'replace', crash)
    try:
        store.save('baseline.json', {'version': 'new'})
    except OSError:
        pass
    monkeypatch.undo()
    assert store.load('baseline.json') == {'version': 'old'}


def test_the_token_file_is_readable_by_its_owner_only(tmp_path):
    tokens = TokenStore(JsonStore(str(tmp_path)))
    tokens.save({'access_token': 'a', 'refresh_token': 'r'})
    mode = stat.S_IMODE(os.stat(str(tmp_path / 'token.json')).st_mode)
    assert mode == 0o600
    assert tokens.load() == {'access_token': 'a', 'refresh_token': 'r'}
    tokens.clear()
    assert tokens.load() is None
