"""The ``GET /users/settings`` body: every field the contract requires, plus ``limits``."""


def default_limits():
    # "limits" as the contract lists it, plus the 2026 library (collection) and history caps (doc §5).
    return {'list': {'count': 2, 'item_count': 100}, 'watchlist': {'item_count': 100},
            'favorites': {'item_count': 50}, 'collection': {'item_count': 1000}, 'history': {'item_count': 100000}}


def user_uuid(user_id):
    return '00000000-0000-4000-8000-{:012d}'.format(user_id)


def user_settings(username, joined_at, limits, user_id=1):
    return {
        'user': {'username': username, 'private': False, 'name': 'Emulated User', 'vip': False, 'vip_ep': False,
                 'director': False,
                 'ids': {'slug': username, 'trakt': user_id, 'uuid': user_uuid(user_id)},
                 'joined_at': joined_at, 'location': None, 'about': None, 'gender': None, 'age': None,
                 'images': {'avatar': {'full': 'https://walter-r2.trakt.tv/images/users/placeholder.png'}},
                 'vip_og': False, 'vip_years': 0},
        'permissions': {'commenting': True, 'liking': True, 'following': True},
        'account': {'timezone': 'UTC', 'date_format': 'dmy', 'time_24hr': True, 'cover_image': None},
        'connections': {},
        'sharing_text': {'watching': 'I\'m watching [item]', 'watched': 'I just watched [item]', 'rated': None},
        'limits': limits,
    }
