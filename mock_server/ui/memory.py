"""What the browser pages remember beyond the core: which credentials a link issued, what the SMB
user chose in QuickBooks. Kept per tenant object, so a reset (a new Tenant) forgets it all."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date
from weakref import WeakKeyDictionary

from mock_server.core.model import Connection, CredentialSet
from mock_server.core.tenant import Tenant


@dataclass(frozen=True)
class QboChoice:
    """What the SMB user picked for one source account on QuickBooks' Link account page."""

    account_type: str
    requested_start: date


@dataclass(eq=False)
class TenantMemory:
    #: (connection id, otp) -> the credential set generated through that one-time password.
    issued: dict[tuple[str, str], CredentialSet] = field(default_factory=dict)
    #: (connection id, source account id) -> the choice made when it was connected.
    choices: dict[tuple[str, str], QboChoice] = field(default_factory=dict)

    def issued_through(self, connection: Connection, otp: str) -> CredentialSet | None:
        """The set this OTP produced, if it still belongs to the connection (not a namesake)."""
        credentials = self.issued.get((connection.id, otp))
        if credentials is None or connection.credentials.get(credentials.username) is not credentials:
            return None
        return credentials


class UiMemory:
    """One per app (``app.state.ui``): the pages' memory and the secret their CSRF tokens use."""

    def __init__(self) -> None:
        self._tenants: WeakKeyDictionary[Tenant, TenantMemory] = WeakKeyDictionary()
        self._secret = secrets.token_bytes(32)

    def of(self, tenant: Tenant) -> TenantMemory:
        memory = self._tenants.get(tenant)
        if memory is None:
            memory = self._tenants[tenant] = TenantMemory()
        return memory

    def csrf_token(self, tenant: Tenant) -> str:
        """A per-tenant token for the hidden field of every form; another site cannot read it."""
        return hmac.new(self._secret, tenant.key.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def csrf_ok(self, tenant: Tenant, token: str) -> bool:
        return hmac.compare_digest(self.csrf_token(tenant), token)
