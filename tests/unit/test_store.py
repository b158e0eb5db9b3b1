"""The profile files: written whole or not at all, unreadable files kept aside, tokens private."""
import errno
import os
import stat
import threading

import pytest

from traktsync.store import JsonStore, StoreVerifyError, StoreWriteError, TokenStore


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


def _left_over(folder):
    return [name for name in os.listdir(str(folder)) if '.tmp' in name]


def test_short_writes_are_continued_until_every_byte_is_written(tmp_path, monkeypatch):
    store = JsonStore(str(tmp_path))
    store.save('baseline.json', {'version': 'old'})
    real_write = os.write
    monkeypatch.setattr(os, 'write', lambda handle, data: real_write(handle, bytes(data[:5])))
    data = {'version': 'new', 'watched': ['movie:imdb:tt{}'.format(i) for i in range(50)]}
    store.save('baseline.json', data)
    monkeypatch.undo()
    assert store.load('baseline.json') == data
    assert _left_over(tmp_path) == []


def test_a_full_disk_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, monkeypatch):
    store = JsonStore(str(tmp_path))
    store.save('baseline.json', {'version': 'old'})
    real_write = os.write
    calls = []

    def disk_fills_up(handle, data):
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, 'No space left on device')
        return real_write(handle, bytes(data[:10]))

    monkeypatch.setattr(os, 'write', disk_fills_up)
    with pytest.raises(StoreWriteError) as caught:
        store.save('baseline.json', {'version': 'new', 'padding': 'x' * 100})
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert isinstance(caught.value, OSError)
    assert str(caught.value) == ('cannot save baseline.json in the add-on profile folder: '
                                 'the disk is full (or the quota is used up)')
    assert store.load('baseline.json') == {'version': 'old'}
    assert _left_over(tmp_path) == []


def test_a_write_that_makes_no_progress_is_a_full_disk(tmp_path, monkeypatch):
    store = JsonStore(str(tmp_path))
    store.save('baseline.json', {'version': 'old'})
    real_write = os.write
    calls = []

    def stalls(handle, data):
        calls.append(1)
        return real_write(handle, bytes(data[:3])) if len(calls) == 1 else 0

    monkeypatch.setattr(os, 'write', stalls)
    with pytest.raises(StoreWriteError) as caught:
        store.save('baseline.json', {'version': 'new'})
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert store.load('baseline.json') == {'version': 'old'}
    assert _left_over(tmp_path) == []


def test_a_failed_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    store = JsonStore(str(tmp_path))
    store.save('baseline.json', {'version': 'old'})

    def refuse(*args):
        raise OSError(errno.EACCES, 'Permission denied')

    monkeypatch.setattr(os, 'replace', refuse)
    with pytest.raises(StoreWriteError):
        store.save('baseline.json', {'version': 'new'})
    monkeypatch.undo()
    assert store.load('baseline.json') == {'version': 'old'}
    assert _left_over(tmp_path) == []


def test_every_writer_gets_its_own_temporary_file(tmp_path, monkeypatch):
    # The service and the menu script run in Kodi's one process: the pid alone would make them share a name.
    store = JsonStore(str(tmp_path))
    real_replace = os.replace
    temporaries = []

    def recording(source, target):
        temporaries.append(source)
        return real_replace(source, target)

    monkeypatch.setattr(os, 'replace', recording)
    store.save('baseline.json', {'n': 1})
    store.save('baseline.json', {'n': 2})
    writer = threading.Thread(target=store.save, args=('baseline.json', {'n': 3}))
    writer.start()
    writer.join()
    monkeypatch.undo()
    assert len(temporaries) == 3 and len(set(temporaries)) == 3
    assert all(str(os.getpid()) in os.path.basename(name) for name in temporaries)


def test_save_verified_reads_the_file_back(tmp_path):
    store = JsonStore(str(tmp_path))
    store.save_verified('clean-backup.json', {'cleans': [{'items': [1, 2, 3]}]})
    assert store.load('clean-backup.json') == {'cleans': [{'items': [1, 2, 3]}]}
    assert _left_over(tmp_path) == []


def test_save_verified_raises_when_the_file_read_back_differs(tmp_path, monkeypatch):
    store = JsonStore(str(tmp_path))
    real_replace = os.replace

    def corrupting(source, target):
        real_replace(source, target)
        with open(target, 'wb') as handle:
            handle.write(b'{"cleans":[]}')

    monkeypatch.setattr(os, 'replace', corrupting)
    with pytest.raises(StoreVerifyError) as caught:
        store.save_verified('clean-backup.json', {'cleans': [{'items': [1]}]})
    monkeypatch.undo()
    assert str(caught.value) == ('cannot save clean-backup.json in the add-on profile folder: '
                                 'the file read back differs from what was written')
