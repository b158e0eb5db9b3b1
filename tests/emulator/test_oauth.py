"""Device flow codes (doc §2 table), single-use refresh tokens, revocation."""
import time

import pytest

from tests import openapi_contract as contract


def _credentials(emulator):
    return {'client_id': emulator.client_id, 'client_secret': emulator.client_secret}


def _new_code(api):
    answer = api.post('/oauth/device/code', {'client_id': api.emulator.client_id})
    assert answer.status_code == 200
    contract.validate_response('POST', '/oauth/device/code', 200, answer.json())
    return answer.json()


def _poll(api, code):
    return api.post('/oauth/device/token', dict(_credentials(api.emulator), code=code['device_code']))


def test_device_flow_pending_then_approved_then_used(emulator, anonymous):
    code = _new_code(anonymous)
    assert len(code['user_code']) == 8 and code['interval'] == 1  # 0.2 s enforced, integer advertised
    assert _poll(anonymous, code).status_code == 400
    assert _poll(anonymous, code).status_code == 429  # faster than the interval
    emulator.approve(code['user_code'])
    time.sleep(0.25)
    answer = _poll(anonymous, code)
    assert answer.status_code == 200
    token = answer.json()
    contract.validate_response('POST', '/oauth/device/token', 200, token)
    time.sleep(0.25)
    assert _poll(anonymous, code).status_code == 409
    anonymous.session.headers['Authorization'] = 'Bearer ' + token['access_token']
    assert anonymous.get('/users/settings').status_code == 200


@pytest.mark.parametrize('action, status', [('deny', 418), ('expire_device_code', 410)])
def test_device_flow_denied_and_expired(emulator, anonymous, action, status):
    code = _new_code(anonymous)
    getattr(emulator, action)(code['user_code'])
    assert _poll(anonymous, code).status_code == status


def test_device_flow_unknown_code_and_wrong_secret(emulator, anonymous):
    assert _poll(anonymous, {'device_code': 'nope'}).status_code == 404
    code = _new_code(anonymous)
    body = dict(_credentials(emulator), code=code['device_code'], client_secret='wrong')
    assert anonymous.post('/oauth/device/token', body).status_code == 401


def test_refresh_tokens_are_single_use(emulator, anonymous):
    token = emulator.issue_token()
    body = dict(_credentials(emulator), refresh_token=token['refresh_token'], grant_type='refresh_token',
                redirect_uri='urn:ietf:wg:oauth:2.0:oob')
    first = anonymous.post('/oauth/token', body)
    assert first.status_code == 200
    assert first.json()['refresh_token'] != token['refresh_token']
    again = anonymous.post('/oauth/token', body)
    assert again.status_code == 400 and again.json()['error'] == 'invalid_grant'
    contract.validate_response('POST', '/oauth/token', 200, first.json())
    contract.validate_response('POST', '/oauth/token', 400, again.json())
    newer = anonymous.post('/oauth/token', dict(body, refresh_token=first.json()['refresh_token']))
    assert newer.status_code == 200


def test_expired_revoked_and_unknown_tokens_get_401(emulator, anonymous):
    expired = emulator.issue_token(expires_in=60, created_at=time.time() - 120)
    anonymous.session.headers['Authorization'] = 'Bearer ' + expired['access_token']
    assert anonymous.get('/sync/last_activities').status_code == 401
    valid = emulator.issue_token()
    anonymous.session.headers['Authorization'] = 'Bearer ' + valid['access_token']
    assert anonymous.get('/sync/last_activities').status_code == 200
    revoke = anonymous.post('/oauth/revoke', dict(_credentials(emulator), token=valid['access_token']))
    assert revoke.status_code == 200
    assert anonymous.get('/sync/last_activities').status_code == 401
    other = emulator.issue_token()
    anonymous.session.headers['Authorization'] = 'Bearer ' + other['access_token']
    emulator.revoke_all_tokens()
    assert anonymous.get('/sync/last_activities').status_code == 401


def test_auto_approve_hands_out_a_token_on_the_first_poll(emulator, anonymous):
    emulator.auto_approve = True
    assert _poll(anonymous, _new_code(anonymous)).status_code == 200
