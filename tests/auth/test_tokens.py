from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from graphmill.auth.tokens import Principal, TokenIssuer, decode_account, load_or_create_secret
from graphmill.errors import BadRequest, SessionExpired, Unauthorized


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_both_account_encodings() -> None:
    """user:password and ["user","password"] both decode (the docs' examples)."""
    assert decode_account("Bearer cm9vdDoxMjM=") == ("root", "123")
    assert decode_account("Bearer WyJyb290IiwiMTIzIl0=") == ("root", "123")
    assert decode_account(f"Bearer {b64('u:pa:ss')}") == ("u", "pa:ss")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic cm9vdDoxMjM=",
        "Bearer",
        "Bearer !!!",
        f"Bearer {b64('nocolon')}",
        f"Bearer {b64('[1,2]')}",
        "Bearer " + b64('["a"'),
    ],
)
def test_bad_authorization_headers(header: str | None) -> None:
    """Anything that is not Bearer base64 of an account is a bad request."""
    with pytest.raises(BadRequest):
        decode_account(header)


def test_secret_is_created_once_with_private_mode(tmp_path: Path) -> None:
    """The signing key is made on first start, kept 0600, and reused."""
    path = tmp_path / "d" / "secret.key"
    first = load_or_create_secret(path)
    assert len(first) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_secret(path) == first


def test_token_roundtrip_expiry_and_tampering() -> None:
    """A token verifies until it expires; a changed or foreign token is refused."""
    issuer = TokenIssuer(b"k" * 32, max_age_s=100)
    token = issuer.issue(Principal("root", "127.0.0.1:9669"))
    assert issuer.verify(token) == Principal("root", "127.0.0.1:9669")
    old = issuer.issue(Principal("root", "a:1"), now_s=1_000_000)
    with pytest.raises(SessionExpired):
        issuer.verify(old)
    with pytest.raises(Unauthorized):
        issuer.verify(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    with pytest.raises(Unauthorized):
        TokenIssuer(b"x" * 32, 100).verify(token)
    with pytest.raises(Unauthorized):
        issuer.verify(None)


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked tokens are remembered, but a remembered one is refused once its exp has passed."""
    import time

    issuer = TokenIssuer(b"k" * 32, max_age_s=60)
    start = float(int(time.time()))
    token = issuer.issue(Principal("root", "127.0.0.1:9669", epoch=3), now_s=start)
    first = issuer.verify(token)
    assert issuer.verify(token) == first == Principal("root", "127.0.0.1:9669", epoch=3)
    monkeypatch.setattr(time, "time", lambda: start + 59.5)
    assert issuer.verify(token) == first
    monkeypatch.setattr(time, "time", lambda: start + 61)
    with pytest.raises(SessionExpired):
        issuer.verify(token)
    other = TokenIssuer(b"x" * 32, max_age_s=60)  # remembered per issuer (per secret), not globally
    with pytest.raises(Unauthorized):
        other.verify(token)
