"""The ``explorer_token``: a signed JWT naming the account and the graph address.

The HMAC secret is generated on first start and kept in the data dir (mode 0600),
so tokens survive a restart and no two installations share a key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import jwt

from graphmill.errors import BadRequest, SessionExpired, Unauthorized

ALGORITHM = "HS256"


def load_or_create_secret(path: Path) -> bytes:
    if path.exists():
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secret)
    os.replace(tmp, path)
    return secret


#: How many checked tokens ``TokenIssuer.verify`` remembers.
_VERIFIED_TOKENS = 4096


@dataclass(frozen=True, slots=True)
class Principal:
    user: str
    address: str
    #: The account's token epoch when the token was issued (claim ``ep``); 0 = none.
    epoch: int = 0
    #: The account's role, filled in by the service from the account (never from the token).
    role: str = "user"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class TokenIssuer:
    def __init__(self, secret: bytes, max_age_s: int) -> None:
        self._secret = secret
        self.max_age_s = max_age_s
        #: Tokens whose signature was checked, with their expiry: every request carries the
        #: same token, and checking the HMAC and claims again cost a fifth of a small GET.
        self._verified: dict[str, tuple[Principal, float]] = {}

    def issue(self, principal: Principal, *, now_s: float | None = None) -> str:
        now = int(time.time() if now_s is None else now_s)
        claims = {
            "sub": principal.user,
            "addr": principal.address,
            "ep": principal.epoch,
            "iat": now,
            "exp": now + self.max_age_s,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str | None) -> Principal:
        if not token:
            raise Unauthorized("missing explorer_token: log in with POST /api-open/v1/connect")
        known = self._verified.get(token)
        if known is not None:
            principal, expires = known
            if expires > time.time():  # PyJWT's rule: expired once exp <= now
                return principal
            self._verified.pop(token, None)
            raise SessionExpired("the session has expired: log in again")
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "addr"]}
            )
        except jwt.ExpiredSignatureError:
            raise SessionExpired("the session has expired: log in again") from None
        except jwt.InvalidTokenError:
            raise Unauthorized("invalid explorer_token") from None
        epoch = claims.get("ep", 0)
        principal = Principal(str(claims["sub"]), str(claims["addr"]), epoch if isinstance(epoch, int) else 0)
        if len(self._verified) >= _VERIFIED_TOKENS:
            self._verified.clear()  # a crude bound: refilling costs one check per live token
        self._verified[token] = (principal, float(claims["exp"]))
        return principal


def decode_account(authorization: str | None) -> tuple[str, str]:
    """The (user, password) in ``Authorization: Bearer <b64>``.

    Both encodings Explorer's docs use are accepted: ``user:password`` and the JSON
    array ``["user","password"]``.
    """
    if not authorization:
        raise BadRequest("missing Authorization header (Bearer base64 of the account)")
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise BadRequest("the Authorization header must be 'Bearer <base64 account>'")
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise BadRequest("the account in the Authorization header is not valid base64") from None
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            raise BadRequest("the account is not a valid JSON array") from None
        if isinstance(parsed, list) and len(parsed) == 2 and all(isinstance(x, str) for x in parsed):
            return parsed[0], parsed[1]
        raise BadRequest('the account must be ["user","password"]')
    user, sep, password = text.partition(":")
    if not sep or not user:
        raise BadRequest("the account must be user:password")
    return user, password
