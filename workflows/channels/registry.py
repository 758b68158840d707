"""Which sender serves which channel, from settings: sandbox by default, SMTP for email when configured."""
from __future__ import annotations

from models.settings import Settings
from workflows.channels.base import ChannelSender
from workflows.channels.sandbox import SandboxSender
from workflows.channels.smtp import SmtpSender


def build_senders(settings: Settings) -> dict[str, ChannelSender]:
    """Senders keyed by channel; SMS stays in the sandbox until a real SMS provider is configured."""
    sandbox = SandboxSender(settings.sandbox_mail_dir, default_from=settings.smtp_from)
    if settings.email_sender == "sandbox":
        email: ChannelSender = sandbox
    elif settings.email_sender == "smtp":
        if not settings.smtp_host:
            raise ValueError("PRM_EMAIL_SENDER=smtp needs PRM_SMTP_HOST")
        email = SmtpSender(settings.smtp_host, settings.smtp_port, user=settings.smtp_user,
                           password=settings.smtp_password, default_from=settings.smtp_from,
                           starttls=settings.smtp_starttls)
    else:
        raise ValueError(f"PRM_EMAIL_SENDER must be sandbox or smtp, not {settings.email_sender!r}")
    return {"email": email, "sms": sandbox}
