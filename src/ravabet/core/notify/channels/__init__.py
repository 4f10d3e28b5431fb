"""Outside channels, one module each with the same interface: ``send(message) -> provider id``,
raising :class:`TemporaryFailure` or :class:`PermanentFailure`."""

from __future__ import annotations

from ravabet.core.models import Channel
from ravabet.core.notify.channels import bale, email, sms
from ravabet.core.notify.channels.base import (
    ChannelModule,
    DeliveryError,
    PermanentFailure,
    TemporaryFailure,
)

CHANNELS: dict[str, ChannelModule] = {
    Channel.EMAIL: email,
    Channel.BALE: bale,
    Channel.SMS: sms,
}

__all__ = ["CHANNELS", "DeliveryError", "PermanentFailure", "TemporaryFailure"]
