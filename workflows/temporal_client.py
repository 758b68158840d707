"""The one way the worker, the dispatcher and the portal reach Temporal: configured address, namespace and codec."""
from __future__ import annotations

import asyncio

from temporalio.client import Client
from temporalio.service import RPCError

from models.settings import Settings, get_settings
from workflows.codec import data_converter, load_or_create_key

CONNECT_TIMEOUT_SECONDS = 5
# What talking to a Temporal server that is down, slow or restarting raises.
TEMPORAL_ERRORS = (RuntimeError, OSError, RPCError, asyncio.TimeoutError)


async def connect(settings: Settings | None = None) -> Client:
    """A client whose payloads are encrypted with the practice's codec key."""
    settings = settings or get_settings()
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(load_or_create_key(settings)),
        tls=True if settings.temporal_tls else None,  # None: TLS exactly when an API key is given
        api_key=settings.temporal_api_key or None,
    )


async def connect_within(settings: Settings | None = None, timeout_s: float = CONNECT_TIMEOUT_SECONDS) -> Client:
    """connect(), giving up after timeout_s, so staff tools never hang on a server that is down (raises one of
    TEMPORAL_ERRORS)."""
    return await asyncio.wait_for(connect(settings), timeout=timeout_s)
