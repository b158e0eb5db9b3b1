from tests.trakt import conftest


def test_contract_check_is_available():
    """The emulator tests validate every body against trakt's OpenAPI file; say so when they cannot."""
    import pytest
    if conftest.openapi_contract is None:
        pytest.skip('tests/openapi_contract.py is missing, so request/response bodies were not validated')
    if not conftest.openapi_contract.spec_available():
        pytest.skip(conftest.openapi_contract.SKIP_REASON)
    conftest.openapi_contract.validate_request('POST', '/sync/history', {'movies': [{'ids': {'trakt': 1}}]})
