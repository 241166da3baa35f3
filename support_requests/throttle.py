"""Rate limits for the public "ask for help" pages, counted in the database.

Why the database and not a cache (django-ratelimit): the product's only shared state is
PostgreSQL (ARCHITECTURE.md). django-ratelimit refuses, by its own system check, the
caches we have without new infrastructure (local memory is per process, so N workers
would allow N times the limit and a restart would reset it; the database cache has no
atomic increment), and supports only memcached or django-redis. Counting rows is exact
across workers and restarts, needs no settings, and rolls back with the test database.

Two limits, per client address (hashed, see ``client_hash``):
- submissions: counted from SupportRequest rows (``services.SUBMISSIONS_PER_HOUR``);
- page POSTs: one ThrottleHit row per POST in a sliding window (``PAGE_POSTS``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from core import clock
from support_requests.models import ThrottleHit

# How long counted hits are kept; longer than any window.
KEEP_HITS_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Rate:
    limit: int
    window: timedelta


PAGE_POSTS = Rate(limit=60, window=timedelta(minutes=10))


def client_hash(ip_address: str | None) -> str:
    """A keyed SHA-256 (HMAC, keyed with SECRET_KEY) of the client address.

    IPv6 addresses are cut to their /64 network: one household or device is given a whole
    /64 and can change the rest at will. An unknown address hashes to a fixed value, so
    it is still limited (together) rather than not at all.
    """
    value = (ip_address or "").strip()
    try:
        parsed = ipaddress.ip_address(value)
    except ValueError:
        value = "unknown"
    else:
        if parsed.version == 6:
            value = str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address) + "/64"
        else:
            value = str(parsed)
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def allow(*, bucket: str, key: str, rate: Rate) -> bool:
    """Count one hit for ``key`` and say whether it is within ``rate``.

    A refused hit is not counted, so someone who waits is let back in when their earlier
    hits leave the window, however often they were refused meanwhile.
    """
    now = clock.now()
    ThrottleHit.objects.filter(at__lt=now - KEEP_HITS_FOR).delete()
    recent = ThrottleHit.objects.filter(
        bucket=bucket, client_hash=key, at__gte=now - rate.window
    ).count()
    if recent >= rate.limit:
        return False
    ThrottleHit.objects.create(bucket=bucket, client_hash=key, at=now)
    return True
