"""trakt's OpenAPI description is part of the repository, so the contract checks always run."""
import hashlib
import re
from pathlib import Path

from tests import openapi_contract
from tests.trakt import conftest

REPOSITORY = Path(__file__).resolve().parent.parent.parent


def test_the_contract_is_part_of_the_repository():
    spec = openapi_contract.SPEC_PATH
    assert spec.is_file(), openapi_contract.MISSING_REASON
    assert spec.parent == REPOSITORY / 'tests' / 'contract'
    assert conftest.contract_available()


def test_the_contract_is_the_file_its_readme_describes():
    readme = (REPOSITORY / 'tests' / 'contract' / 'README.md').read_text(encoding='utf-8')
    declared = re.search(r'SHA-256:\*\* `([0-9a-f]{64})`', readme).group(1)
    assert hashlib.sha256(openapi_contract.SPEC_PATH.read_bytes()).hexdigest() == declared
    assert re.search(r'\*\*Taken:\*\* \d{4}-\d{2}-\d{2}', readme)


def test_the_contract_check_works():
    openapi_contract.validate_request('POST', '/sync/history', {'movies': [{'ids': {'trakt': 1}}]})
    template, _ = openapi_contract.find_operation('GET', '/sync/watched/shows?extended=progress')
    assert template == '/sync/watched/{type}'


def test_a_missing_contract_fails_instead_of_skipping(monkeypatch, tmp_path):
    import pytest
    monkeypatch.setattr(openapi_contract, 'SPEC_PATH', tmp_path / 'openapi.json')
    monkeypatch.setattr(openapi_contract, '_cache', {})
    with pytest.raises(AssertionError) as info:
        openapi_contract.validate_request('POST', '/sync/history', {'movies': []})
    assert 'tests/contract/openapi.json' in str(info.value)
