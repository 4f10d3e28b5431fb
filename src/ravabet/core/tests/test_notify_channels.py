"""Sending the outbox: Bale, SMS and e-mail against local fakes of their gateways, retries,
permanent failures, timeouts, claims by two workers and messages left by a dead worker."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from ravabet.core.models import Channel, OutboxMessage, OutboxStatus, User
from ravabet.core.notify import notify, outbox
from ravabet.core.tests.factories import UserFactory

TOKEN = "bale-test-token-42"
API_KEY = "sms-test-key-42"


@dataclass
class Reply:
    status: int = 200
    payload: Any = None
    delay: float = 0.0
    trickle: bool = False


@dataclass
class Received:
    path: str
    content_type: str
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class FakeGateway:
    """A local HTTP server standing in for Bale's bot API and the SMS gateway: it records every
    request and answers with the queued replies, then with ``default``."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=Reply)
    # Called inside the first request, while the sender waits for the answer.
    during_request: Any = None

    def reply(self, status: int = 200, payload: Any = None, **options: Any) -> None:
        self.replies.append(Reply(status, payload, **options))


def bale_ok(message_id: int = 777) -> dict[str, Any]:
    return {"ok": True, "result": {"message_id": message_id, "chat": {"id": 1}}}


def sms_ok(message_id: int = 8792343) -> dict[str, Any]:
    return {
        "return": {"status": 200, "message": "تایید شد"},
        "entries": [{"messageid": message_id, "status": 1, "receptor": "09121234567"}],
    }


def _handler(fake: FakeGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            fake.received.append(Received(self.path, self.headers.get("Content-Type", ""), body))
            if fake.during_request is not None and len(fake.received) == 1:
                fake.during_request()
            reply = fake.replies.pop(0) if fake.replies else fake.default
            payload = reply.payload
            if payload is None:
                payload = bale_ok() if "/bot" in self.path else sms_ok()
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if reply.trickle:
                    for byte in data:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.05)
                else:
                    self.wfile.write(data)
            except OSError:
                pass  # the sender gave up waiting, as it should

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def gateway(settings: SettingsWrapper) -> Iterator[FakeGateway]:
    fake = FakeGateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.BALE_API_URL = fake.url
    settings.BALE_BOT_TOKEN = TOKEN
    settings.SMS_API_URL = fake.url
    settings.SMS_API_KEY = API_KEY
    settings.SMS_SENDER = "10004346"
    settings.SITE_URL = "https://ravabet.example.ir"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def reachable(author: User) -> User:
    author.mobile = "۰۹۱۲ ۱۲۳ ۴۵۶۷"
    author.bale_chat_id = "4815162342"
    author.save()
    return author


def queue(user: User, channel: str, *, key: str = "event-1", urgent: bool = False) -> OutboxMessage:
    notify(
        [user],
        kind="councils.resolution_overdue",
        title="مصوبه شماره ۱۲ از موعد گذشت",
        body="مهلت گزارش پیشرفت دیروز به پایان رسید.",
        url="/councils/resolutions/12/",
        key=key,
        urgent=urgent,
        channels=[channel],
    )
    return OutboxMessage.objects.get(idempotency_key=f"{key}:{user.pk}:{channel}")


def reload(message: OutboxMessage) -> OutboxMessage:
    message.refresh_from_db()
    return message


def test_bale_message_goes_to_the_chat_and_is_marked_sent_with_bales_id(
    gateway: FakeGateway, reachable: User
) -> None:
    message = queue(reachable, Channel.BALE)
    assert outbox.deliver_message(message.pk) == outbox.SENT
    [request] = gateway.received
    assert request.path == f"/bot{TOKEN}/sendMessage"
    assert request.json["chat_id"] == "4815162342"
    assert "مصوبه شماره ۱۲ از موعد گذشت" in request.json["text"]
    assert "https://ravabet.example.ir/councils/resolutions/12/" in request.json["text"]
    message = reload(message)
    assert message.status == OutboxStatus.SENT
    assert message.provider_message_id == "777"
    assert message.sent_at is not None
    assert message.attempts == 1


def test_sms_goes_to_the_gateway_as_a_kavenegar_form_with_the_local_id(
    gateway: FakeGateway, reachable: User
) -> None:
    message = queue(reachable, Channel.SMS)
    assert outbox.deliver_message(message.pk) == outbox.SENT
    [request] = gateway.received
    assert request.path == f"/v1/{API_KEY}/sms/send.json"
    assert request.content_type.startswith("application/x-www-form-urlencoded")
    form = request.form
    assert form["receptor"] == "09121234567"
    assert form["sender"] == "10004346"
    assert form["localid"] == str(message.pk)
    assert form["message"].startswith("مصوبه شماره ۱۲ از موعد گذشت")
    assert reload(message).provider_message_id == "8792343"


def test_temporary_failure_is_retried_with_backoff_and_sent_on_a_later_attempt(
    gateway: FakeGateway, reachable: User
) -> None:
    gateway.reply(502, b"<html>Bad gateway</html>")
    message = queue(reachable, Channel.BALE)
    before = timezone.now()
    assert outbox.deliver_message(message.pk) == outbox.RETRY
    message = reload(message)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "502" in message.last_error
    assert message.next_attempt_at >= before + outbox.backoff(1)
    # Not due yet: neither a direct send nor the dispatcher touches it.
    assert outbox.deliver_message(message.pk) == outbox.SKIPPED
    assert outbox.dispatch_due_outbox() == 0
    assert len(gateway.received) == 1
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox.dispatch_due_outbox() == 1
    message = reload(message)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""


def test_backoff_doubles_from_one_minute_up_to_six_hours() -> None:
    waits = [outbox.backoff(n) for n in (1, 2, 3, 4, 30)]
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
        timedelta(hours=6),
    ]


def test_bales_rate_limit_waits_at_least_as_long_as_bale_asks(
    gateway: FakeGateway, reachable: User
) -> None:
    gateway.reply(429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 600}})
    message = queue(reachable, Channel.BALE)
    before = timezone.now()
    assert outbox.deliver_message(message.pk) == outbox.RETRY
    assert reload(message).next_attempt_at >= before + timedelta(seconds=600)


def test_invalid_mobile_number_fails_at_once_and_is_not_retried(
    gateway: FakeGateway, reachable: User
) -> None:
    gateway.reply(411, {"return": {"status": 411, "message": "receptor invalid"}, "entries": None})
    message = queue(reachable, Channel.SMS)
    assert outbox.deliver_message(message.pk) == outbox.FAILED
    message = reload(message)
    assert message.status == OutboxStatus.FAILED
    assert "411" in message.last_error
    assert API_KEY not in message.last_error
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox.dispatch_due_outbox() == 0
    assert len(gateway.received) == 1


def test_sms_gateway_out_of_credit_is_a_permanent_failure_even_with_http_200(
    gateway: FakeGateway, reachable: User
) -> None:
    gateway.reply(200, {"return": {"status": 418, "message": "credit"}, "entries": None})
    message = queue(reachable, Channel.SMS)
    assert outbox.deliver_message(message.pk) == outbox.FAILED


def test_unknown_bale_chat_fails_permanently(gateway: FakeGateway, reachable: User) -> None:
    gateway.reply(
        400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )
    message = queue(reachable, Channel.BALE)
    assert outbox.deliver_message(message.pk) == outbox.FAILED
    assert "chat not found" in reload(message).last_error


def test_message_fails_after_the_last_allowed_attempt(
    gateway: FakeGateway, reachable: User, settings: SettingsWrapper
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 2
    gateway.default = Reply(503, {"ok": False, "description": "maintenance"})
    message = queue(reachable, Channel.BALE)
    assert outbox.deliver_message(message.pk) == outbox.RETRY
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver_message(message.pk) == outbox.FAILED
    message = reload(message)
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 2
    assert len(gateway.received) == 2


def test_gateway_that_does_not_answer_in_time_is_a_temporary_failure(
    gateway: FakeGateway, reachable: User, settings: SettingsWrapper
) -> None:
    settings.NOTIFY_TOTAL_TIMEOUT = 0.3
    gateway.reply(200, delay=3.0)
    message = queue(reachable, Channel.SMS)
    assert outbox.deliver_message(message.pk) == outbox.RETRY
    message = reload(message)
    assert message.status == OutboxStatus.PENDING
    assert "in time" in message.last_error


def test_gateway_trickling_its_answer_is_cut_off_at_the_total_deadline(
    gateway: FakeGateway, reachable: User, settings: SettingsWrapper
) -> None:
    # Each byte arrives well within the read timeout; only the total deadline stops it.
    settings.NOTIFY_TOTAL_TIMEOUT = 0.5
    gateway.reply(200, trickle=True)
    message = queue(reachable, Channel.BALE)
    assert outbox.deliver_message(message.pk) == outbox.RETRY
    assert "in time" in reload(message).last_error


def test_unreachable_gateway_is_a_temporary_failure_that_does_not_reveal_the_token(
    gateway: FakeGateway, reachable: User, settings: SettingsWrapper
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.BALE_API_URL = f"http://127.0.0.1:{closed_port}"
    message = queue(reachable, Channel.BALE)
    assert outbox.deliver_message(message.pk) == outbox.RETRY
    message = reload(message)
    assert message.last_error.startswith("Network error")
    assert TOKEN not in message.last_error


def test_bale_token_and_sms_key_never_reach_the_logs(
    gateway: FakeGateway, reachable: User, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.reply(503, {"ok": False, "description": f"token {TOKEN} is rate limited"})
    with caplog.at_level(logging.DEBUG):
        outbox.deliver_message(queue(reachable, Channel.BALE).pk)
        outbox.deliver_message(queue(reachable, Channel.SMS).pk)
    assert len(gateway.received) == 2
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in logged
    assert API_KEY not in logged
    assert TOKEN not in "".join(OutboxMessage.objects.values_list("last_error", flat=True))


def test_gateway_redirect_is_not_followed(gateway: FakeGateway, reachable: User) -> None:
    gateway.reply(302, {})
    message = queue(reachable, Channel.BALE)
    assert outbox.deliver_message(message.pk) == outbox.FAILED
    assert len(gateway.received) == 1
    assert "redirect" in reload(message).last_error


def test_unconfigured_bale_fails_with_a_clear_message(
    gateway: FakeGateway, reachable: User, settings: SettingsWrapper
) -> None:
    settings.BALE_BOT_TOKEN = ""
    message = queue(reachable, Channel.BALE)
    assert outbox.deliver_message(message.pk) == outbox.FAILED
    assert "RAVABET_BALE_TOKEN" in reload(message).last_error
    assert gateway.received == []


def test_sent_message_is_never_sent_again(gateway: FakeGateway, reachable: User) -> None:
    message = queue(reachable, Channel.SMS)
    assert outbox.deliver_message(message.pk) == outbox.SENT
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1),
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    assert outbox.deliver_message(message.pk) == outbox.SKIPPED
    assert outbox.dispatch_due_outbox() == 0
    assert len(gateway.received) == 1


@pytest.mark.django_db(transaction=True)
def test_second_worker_cannot_claim_a_message_the_first_is_sending(
    gateway: FakeGateway, governorate: Any
) -> None:
    user = UserFactory.create(organisation=governorate, mobile="09121234567")
    message = queue(user, Channel.SMS)
    second: list[str] = []
    # While the first worker waits for the gateway, a second one tries the same message.
    gateway.during_request = lambda: second.append(outbox.deliver_message(message.pk))
    assert outbox.deliver_message(message.pk) == outbox.SENT
    assert second == [outbox.SKIPPED]
    assert len(gateway.received) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_message_at_once_send_it_once(
    gateway: FakeGateway, governorate: Any
) -> None:
    user = UserFactory.create(organisation=governorate, bale_chat_id="99")
    message = queue(user, Channel.BALE)
    gateway.default = Reply(200, delay=0.2)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(outbox.deliver_message(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [outbox.SENT, outbox.SKIPPED]
    assert len(gateway.received) == 1
    assert reload(message).status == OutboxStatus.SENT


def test_message_left_in_sending_by_a_dead_worker_is_reclaimed_after_ten_minutes(
    gateway: FakeGateway, reachable: User
) -> None:
    dead = queue(reachable, Channel.BALE, key="dead-worker")
    busy = queue(reachable, Channel.SMS, key="busy-worker")
    now = timezone.now()
    OutboxMessage.objects.filter(pk=dead.pk).update(
        status=OutboxStatus.SENDING, attempts=1, claimed_at=now - timedelta(minutes=11)
    )
    OutboxMessage.objects.filter(pk=busy.pk).update(
        status=OutboxStatus.SENDING, attempts=1, claimed_at=now - timedelta(minutes=1)
    )
    assert outbox.dispatch_due_outbox() == 1
    dead, busy = reload(dead), reload(busy)
    assert dead.status == OutboxStatus.SENT
    assert dead.attempts == 2
    assert busy.status == OutboxStatus.SENDING
    assert [r.path for r in gateway.received] == [f"/bot{TOKEN}/sendMessage"]


def test_dead_worker_on_the_last_attempt_leaves_the_message_failed(
    gateway: FakeGateway, reachable: User, settings: SettingsWrapper
) -> None:
    message = queue(reachable, Channel.BALE)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING,
        attempts=settings.OUTBOX_MAX_ATTEMPTS,
        claimed_at=timezone.now() - timedelta(minutes=11),
    )
    assert outbox.dispatch_due_outbox() == 0
    message = reload(message)
    assert message.status == OutboxStatus.FAILED
    assert "unknown" in message.last_error
    assert gateway.received == []


def test_dispatcher_sends_urgent_first_and_leaves_a_failing_channel_for_the_next_run(
    gateway: FakeGateway, reachable: User
) -> None:
    routine = queue(reachable, Channel.BALE, key="routine")
    urgent = queue(reachable, Channel.BALE, key="urgent", urgent=True)
    gateway.reply(503, {"ok": False})
    assert outbox.dispatch_due_outbox() == 0
    assert len(gateway.received) == 1
    assert reload(urgent).attempts == 1
    assert reload(routine).attempts == 0


def test_disabled_recipient_gets_no_message(gateway: FakeGateway, reachable: User) -> None:
    message = queue(reachable, Channel.SMS)
    User.objects.filter(pk=reachable.pk).update(is_active=False)
    assert outbox.deliver_message(message.pk) == outbox.FAILED
    assert gateway.received == []


def test_email_goes_in_the_recipients_language_with_an_rtl_html_alternative(
    reachable: User, mailoutbox: list[mail.EmailMultiAlternatives], settings: SettingsWrapper
) -> None:
    settings.SITE_URL = "https://ravabet.example.ir"
    message = queue(reachable, Channel.EMAIL)
    assert outbox.deliver_message(message.pk) == outbox.SENT
    [email] = mailoutbox
    assert email.to == [reachable.email]
    assert email.subject == "مصوبه شماره ۱۲ از موعد گذشت"
    assert "مهلت گزارش پیشرفت" in email.body
    assert "https://ravabet.example.ir/councils/resolutions/12/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert 'dir="rtl"' in str(html)
    assert 'lang="fa"' in str(html)
    assert email.extra_headers["Message-ID"] == reload(message).provider_message_id


def test_email_in_english_for_a_person_who_chose_english(
    reachable: User, mailoutbox: list[mail.EmailMultiAlternatives]
) -> None:
    reachable.language = "en"
    reachable.save()
    message = queue(reachable, Channel.EMAIL)
    assert outbox.deliver_message(message.pk) == outbox.SENT
    html = str(mailoutbox[0].alternatives[0][0])
    assert 'dir="ltr"' in html
    assert 'lang="en"' in html
