"""The one place that reads the environment: every knob of the product lives here."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Settings from `PRM_*` environment variables (and `DATABASE_URL`, `REDIS_URL`)."""

    model_config = SettingsConfigDict(env_prefix="PRM_", env_file=".env", extra="ignore")

    var_dir: Path = REPO_ROOT / "var"
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    redis_url: str = Field(default="", validation_alias="REDIS_URL")

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    temporal_ui_port: int = 8233
    task_queue: str = "prm-journeys"
    codec_key: str = ""  # base64 AES-256 key; generated under var/ when empty
    temporal_tls: bool = False  # Temporal Cloud / TLS clusters
    temporal_api_key: str = ""  # Temporal Cloud API key (implies TLS)

    portal_url: str = "http://localhost:3000"
    backend_port: int = 8000
    frontend_port: int = 3000

    # Journey timing knobs: the demo shortens them so a run finishes in seconds.
    review_wait_seconds: int = 2 * 60 * 60
    review_reply_timeout_seconds: int = 3 * 24 * 60 * 60

    # First start of `prm up`: load the demo practice (true) or create an empty practice for real data (false).
    load_demo: bool = True
    practice_name: str = "My Dental Practice"
    practice_timezone: str = "America/Chicago"

    session_hours: int = 12
    admin_email: str = "admin@demo.practice"
    admin_password: str = "change-me-now"

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "practice@example.com"
    smtp_starttls: bool = True
    email_sender: str = "sandbox"  # sandbox (Outbox + var/mail) or smtp

    @property
    def db_url(self) -> str:
        """The configured database, or the embedded SQLite file under var/."""
        return self.database_url or f"sqlite:///{self.var_dir / 'prm.db'}"

    @property
    def sandbox_mail_dir(self) -> Path:
        return self.var_dir / "mail"


@lru_cache
def get_settings() -> Settings:
    return Settings()
