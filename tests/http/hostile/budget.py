"""How many hostile requests a run sends: a modest count under ``make test`` (HYPOTHESIS_PROFILE
unset or ``ci``), at least 10,000 under ``make test-thorough`` (``thorough``).

Under ``make test`` the draws are derandomized, so CI sends the same requests on every run and a
red run is always reproducible; ``make test-thorough`` explores anew each time."""

from __future__ import annotations

import os

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

#: Generated requests straight into the ASGI app, one Hypothesis example each.
ASGI_EXAMPLES = 12_000 if THOROUGH else 400
#: Generated requests over real HTTP (raw bytes on a socket) to a uvicorn server on loopback.
HTTP_EXAMPLES = 1_000 if THOROUGH else 60
#: Fixed draws under make test, fresh ones under make test-thorough.
DERANDOMIZE = not THOROUGH
