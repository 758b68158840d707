"""The one way the worker, the dispatcher and the portal reach Temporal: configured address, namespace and codec."""
from __future__ import annotations

from temporalio.client import Client

from models.settings import Settings, get_settings
from workflows.codec import data_converter, load_or_create_key


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
