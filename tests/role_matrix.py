"""The web side of the permission matrices: the status each role gets from a page, and one request
to it as one role. Anonymous visitors are sent to sign in unless a page says otherwise."""

SIGN_IN = 302


def statuses(roles: list[str], allowed: dict[str, int], *, otherwise: int, anonymous: int = SIGN_IN) -> dict[str, int]:
    """Every role's status: ``allowed`` for those named, ``otherwise`` for the rest."""
    return {**dict.fromkeys(roles, otherwise), "anonymous": anonymous, **allowed}


def assert_role_gets(client, users: dict, role: str, method: str, path: str, expected: int, body=None) -> None:
    """The page answers this role with ``expected``; an anonymous visitor refused is sent to sign in."""
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(path) if method == "get" else client.post(path, body or {})
    assert response.status_code == expected, path
    if role == "anonymous" and expected == SIGN_IN:
        assert response["Location"].startswith("/accounts/login/")
