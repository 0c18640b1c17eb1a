"""Encryption of the Slack tokens we store: Fernet (AES-128-CBC + HMAC-SHA256), keyed from settings.

TOKEN_ENCRYPTION_KEY holds one or more Fernet keys separated by commas. The first encrypts;
every one decrypts. To rotate the key, put a new one first: tokens are re-encrypted with it
whenever they are saved again (reinstall, token refresh); keep the old key listed until then.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenDecryptionError(Exception):
    """A stored token cannot be decrypted with any configured key."""


def parse_keys(value: str) -> list[Fernet]:
    """The Fernet keys in a comma-separated setting; ValueError names what is wrong."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    if not keys:
        raise ValueError("must hold at least one Fernet key")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except ValueError:
            raise ValueError(
                f"key {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "generate one with `python -m bot generate-key`)"
            ) from None
    return fernets


def generate_key() -> str:
    return Fernet.generate_key().decode()


class TokenCipher:
    """Encrypts tokens before they reach the database and decrypts them on the way out."""

    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet(parse_keys(keys))

    def encrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            raise TokenDecryptionError(
                "a stored Slack token cannot be decrypted: TOKEN_ENCRYPTION_KEY does not hold "
                "the key it was encrypted with"
            ) from None
