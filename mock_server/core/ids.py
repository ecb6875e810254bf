"""Identifiers, credentials and one-time passwords: random, or reproducible under a seed."""

from __future__ import annotations

import random
import string
import uuid

_USER_ALPHABET = string.ascii_uppercase + string.digits
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


class IdFactory:
    """Makes the ids of one tenant. With a seed, the same calls give the same values on every run."""

    def __init__(self, seed: int | None = None, tenant: str = "") -> None:
        # Seeding with the tenant too keeps each tenant reproducible whatever order tenants appear in.
        self._random = random.Random(f"{seed}:{tenant}") if seed is not None else random.SystemRandom()

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def hex(self, length: int = 32) -> str:
        return "".join(self._random.choice("0123456789abcdef") for _ in range(length))

    def username(self) -> str:
        """Looks like the ones QBO users are given: ``S0MW-TR0P-7DS0``."""
        return "-".join("".join(self._random.choice(_USER_ALPHABET) for _ in range(4)) for _ in range(3))

    def password(self) -> str:
        return "".join(self._random.choice(_PASSWORD_ALPHABET) for _ in range(16))

    def otp(self) -> str:
        return "".join(self._random.choice(string.digits) for _ in range(6))

    def rng(self) -> random.Random:
        """A generator for many draws at once (a seeded chart of accounts), taken from this stream."""
        return random.Random(self._random.getrandbits(64))
