"""The CLI's state file: ``{"catalog": …, "account": …}``, replaced atomically on every change.

``account`` is the default account; accounts added later (``Emulator.add_account``) are kept in a list under
``other_accounts``, present only when there are any.
"""
import json
import os
import tempfile


def load(path):
    with open(path, 'r', encoding='utf-8') as handle:
        state = json.load(handle)
    if not isinstance(state, dict) or 'catalog' not in state:
        raise ValueError('{} is not an emulator state file (no "catalog")'.format(path))
    return state


def save(path, catalog, account, other_accounts=None):
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix='.emulator-state-', suffix='.json', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            state = {'catalog': catalog, 'account': account}
            if other_accounts:
                state['other_accounts'] = other_accounts
            json.dump(state, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
