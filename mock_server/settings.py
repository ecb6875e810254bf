"""Settings of one emulator instance: everything the CLI, the environment or a test can set."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from mock_server.core.clock import check_in_range

#: ``codat``: quotas and rate-limit headers as api.codat.io enforces them; ``off``: neither.
RateLimitMode = Literal["codat", "off"]
RATE_LIMIT_MODES: tuple[RateLimitMode, ...] = ("codat", "off")


#: The longest each delay or interval may be, with its unit: a year of virtual time. Any instant
#: the emulator derives from them stays far inside the dates it can hold (its clock stops at 4999).
LONGEST: dict[str, tuple[float, str]] = {
    "poll_interval": (366 * 86400, "seconds"),
    "push_delay": (366 * 86400, "seconds"),
    "disconnect_lag_days": (366, "days"),
}


@dataclass(frozen=True)
class Settings:
    """How an emulator behaves. Every field has a CLI flag and a ``BANKFEEDS_MOCK_*`` variable."""

    host: str = "127.0.0.1"
    port: int = 8080
    #: Makes every generated id, credential and OTP reproducible (per tenant).
    seed: int | None = None
    #: Freeze each tenant's virtual clock at this instant (a datetime, or an ISO 8601 string);
    #: None follows real time.
    clock: datetime | None = None
    #: QBO pulls waiting transactions every N seconds of virtual time; 0 = only on demand.
    poll_interval: float = 60.0
    #: How long a push operation stays Pending, in seconds of virtual time.
    push_delay: float = 2.0
    #: When not empty, only these API keys are accepted.
    api_keys: tuple[str, ...] = ()
    #: Days between the SMB user disconnecting in QBO and Codat's status turning ``disconnected``.
    disconnect_lag_days: float = 10.0
    #: Request bodies larger than this answer 413.
    max_body_bytes: int = 5 * 1024 * 1024
    #: Run due polls and push completions in the background (real-time clocks need it).
    background_ticks: bool = True
    #: Codat's rate limits (daily quota, 10 requests in flight per company, X-Rate-Limit-* headers),
    #: or "off" for none of them.
    rate_limit: RateLimitMode = "codat"
    #: The daily quota is this many requests times (1 + active connected companies).
    daily_quota_base: int = 1000
    #: Scenario files loaded into tenants at start.
    fixtures: tuple[str, ...] = field(default_factory=tuple)
    #: Every tenant starts subscribed to every event type at these URLs (``--webhook-url``).
    webhook_urls: tuple[str, ...] = field(default_factory=tuple)
    #: The secret those subscriptions are signed with (``whsec_`` + base64); None: one per endpoint.
    webhook_secret: str | None = None
    #: A receiver that has not answered within this many real seconds failed the attempt.
    webhook_timeout: float = 15.0
    #: Real time, in Unix seconds: the one place the emulator reads it. The core never does; it is
    #: handed this source (tests hand it a fake one).
    time_source: Callable[[], float] = field(default=time.time, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Settings come from code as well as from the CLI: a wrong value fails here, at once,
        # rather than as a 500 on the first request.
        clock: object = self.clock
        if isinstance(clock, str):
            try:
                clock = datetime.fromisoformat(clock.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"Settings.clock is not an ISO 8601 date-time: {self.clock!r}") from None
            object.__setattr__(self, "clock", clock)
        elif clock is not None and not isinstance(clock, datetime):
            raise TypeError(f"Settings.clock must be a datetime or an ISO 8601 string, not {type(clock).__name__}")
        if isinstance(clock, datetime):
            check_in_range(clock)  # ClockOutOfRange (a ValueError) names the bounds
        if self.rate_limit not in RATE_LIMIT_MODES:
            raise ValueError(f"Settings.rate_limit must be one of {'/'.join(RATE_LIMIT_MODES)}, not {self.rate_limit!r}")
        base: object = self.daily_quota_base
        if isinstance(base, bool) or not isinstance(base, int) or base < 1:
            raise ValueError(f"Settings.daily_quota_base must be a whole number of at least 1, not {base!r}")
        for name, (longest, unit) in LONGEST.items():
            value = getattr(self, name)
            if not 0 <= value <= longest:  # NaN fails too
                raise ValueError(f"Settings.{name} must be between 0 and {longest:,} {unit}, not {value!r}")
        if self.webhook_timeout <= 0:
            raise ValueError("Settings.webhook_timeout must be more than 0 seconds")
        object.__setattr__(self, "webhook_urls", tuple(self.webhook_urls))
        # Checked as the control API checks them, so a bad URL or secret stops the start.
        from mock_server.core.errors import ApiError
        from mock_server.core.webhooks import check_url, secret_key

        try:
            for url in self.webhook_urls:
                check_url(url)
            if self.webhook_secret is not None:
                secret_key(self.webhook_secret)
        except ApiError as exc:
            raise ValueError(exc.message) from None
