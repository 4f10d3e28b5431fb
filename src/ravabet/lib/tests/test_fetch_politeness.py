"""Per-host politeness, backoff and the circuit breaker: pure helpers the monitoring app stores."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from ravabet.lib.fetch import (
    BackoffPolicy,
    Circuit,
    CircuitState,
    HostBusyError,
    HostGate,
    backoff_delay,
    parse_retry_after,
)

NOW = datetime(2026, 3, 20, 8, 30, tzinfo=UTC)
NO_JITTER = 0.0


def test_a_host_gets_no_more_than_its_concurrency_limit() -> None:
    gate = HostGate(max_concurrent=2, min_interval=0)
    gate.acquire("feeds.example.ir", timeout=0)
    gate.acquire("feeds.example.ir", timeout=0)
    with pytest.raises(HostBusyError):
        gate.acquire("feeds.example.ir", timeout=0)


def test_another_host_is_not_held_up_by_a_busy_one() -> None:
    gate = HostGate(max_concurrent=1, min_interval=60)
    gate.acquire("feeds.example.ir", timeout=0)
    gate.acquire("news.example.ir", timeout=0)
    with pytest.raises(HostBusyError):
        gate.acquire("FEEDS.example.ir.", timeout=0)


def test_a_released_slot_can_be_taken_again() -> None:
    gate = HostGate(max_concurrent=1, min_interval=0)
    with gate.slot("feeds.example.ir", timeout=0):
        pass
    with gate.slot("feeds.example.ir", timeout=0):
        pass


def test_starts_on_one_host_are_kept_the_minimum_interval_apart() -> None:
    gate = HostGate(max_concurrent=5, min_interval=60)
    with gate.slot("feeds.example.ir", timeout=0):
        pass
    with pytest.raises(HostBusyError):
        gate.acquire("feeds.example.ir", timeout=0)


def test_a_waiting_start_happens_once_the_interval_has_passed() -> None:
    gate = HostGate(max_concurrent=5, min_interval=0.05)
    before, after = [], []
    for _ in range(3):
        before.append(time.monotonic())
        with gate.slot("feeds.example.ir", timeout=5):
            after.append(time.monotonic())
    # Each start lies between its before and after readings, so these bound the gaps from below.
    assert after[1] - before[0] >= 0.05
    assert after[2] - before[1] >= 0.05


def test_a_waiter_gets_the_slot_when_the_holder_releases_it() -> None:
    gate = HostGate(max_concurrent=1, min_interval=0)
    gate.acquire("feeds.example.ir")
    got = threading.Event()

    def wait_for_slot() -> None:
        with gate.slot("feeds.example.ir", timeout=10):
            got.set()

    waiter = threading.Thread(target=wait_for_slot)
    waiter.start()
    assert not got.wait(0.1)
    gate.release("feeds.example.ir")
    waiter.join(10)
    assert got.is_set()


def test_a_slot_is_released_when_the_block_raises() -> None:
    gate = HostGate(max_concurrent=1, min_interval=0)
    with pytest.raises(RuntimeError), gate.slot("feeds.example.ir"):
        raise RuntimeError("fetch failed")
    gate.acquire("feeds.example.ir", timeout=0)


def test_threads_never_exceed_the_limit_on_one_host() -> None:
    gate = HostGate(max_concurrent=2, min_interval=0)
    lock = threading.Lock()
    running = 0
    peak = 0

    def fetch() -> None:
        nonlocal running, peak
        with gate.slot("feeds.example.ir"):
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.01)
            with lock:
                running -= 1

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak == 2


def test_a_gate_refuses_a_limit_that_admits_nothing() -> None:
    with pytest.raises(ValueError, match="max_concurrent"):
        HostGate(max_concurrent=0)


def test_backoff_doubles_from_the_base_and_stops_at_the_cap() -> None:
    policy = BackoffPolicy(base=timedelta(minutes=1), max_delay=timedelta(minutes=10))
    delays = [backoff_delay(step, policy, rand=lambda: NO_JITTER) for step in range(1, 7)]
    assert [d.total_seconds() for d in delays] == [60, 120, 240, 480, 600, 600]


def test_jitter_only_shortens_the_delay_and_by_at_most_its_fraction() -> None:
    policy = BackoffPolicy(base=timedelta(minutes=1), jitter=0.25)
    assert backoff_delay(1, policy, rand=lambda: 1.0) == timedelta(seconds=45)
    assert backoff_delay(1, policy, rand=lambda: 0.5) == timedelta(seconds=52.5)


def test_a_source_failing_for_months_does_not_overflow() -> None:
    assert backoff_delay(100_000) <= BackoffPolicy().max_delay


def test_the_circuit_stays_closed_below_the_threshold() -> None:
    circuit = Circuit().record_failure(NOW).record_failure(NOW)
    assert circuit.failures == 2
    assert circuit.state(NOW) is CircuitState.CLOSED
    assert circuit.allows(NOW)


def test_the_circuit_opens_at_the_threshold_then_lets_one_probe_through() -> None:
    policy = BackoffPolicy(base=timedelta(minutes=1), open_after=3)
    circuit = Circuit()
    for _ in range(3):
        circuit = circuit.record_failure(NOW, policy=policy, rand=lambda: NO_JITTER)
    assert circuit.retry_at == NOW + timedelta(minutes=1)
    assert circuit.state(NOW + timedelta(seconds=59)) is CircuitState.OPEN
    assert not circuit.allows(NOW + timedelta(seconds=59))
    assert circuit.state(NOW + timedelta(minutes=1)) is CircuitState.HALF_OPEN
    assert circuit.allows(NOW + timedelta(minutes=1))


def test_a_failed_probe_reopens_the_circuit_for_longer() -> None:
    policy = BackoffPolicy(base=timedelta(minutes=1), open_after=3)
    circuit = Circuit(failures=3, retry_at=NOW)
    later = circuit.record_failure(NOW, policy=policy, rand=lambda: NO_JITTER)
    assert later.retry_at == NOW + timedelta(minutes=2)


def test_a_success_closes_the_circuit_and_forgets() -> None:
    circuit = Circuit(failures=7, retry_at=NOW).record_success()
    assert circuit == Circuit()
    assert circuit.state(NOW) is CircuitState.CLOSED


def test_retry_after_is_honoured_even_before_the_threshold() -> None:
    circuit = Circuit().record_failure(NOW, retry_after=timedelta(minutes=30))
    assert circuit.retry_at == NOW + timedelta(minutes=30)
    assert not circuit.allows(NOW + timedelta(minutes=29))


def test_retry_after_never_shortens_the_backoff() -> None:
    policy = BackoffPolicy(base=timedelta(hours=1), open_after=1)
    circuit = Circuit().record_failure(
        NOW, retry_after=timedelta(seconds=5), policy=policy, rand=lambda: NO_JITTER
    )
    assert circuit.retry_at == NOW + timedelta(hours=1)


def test_a_retry_after_of_a_year_is_capped() -> None:
    policy = BackoffPolicy(max_retry_after=timedelta(hours=24))
    circuit = Circuit().record_failure(NOW, retry_after=timedelta(days=365), policy=policy)
    assert circuit.retry_at == NOW + timedelta(hours=24)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", timedelta(seconds=120)),
        (" 0 ", timedelta(0)),
        ("Fri, 20 Mar 2026 08:32:00 GMT", timedelta(minutes=2)),
        ("Fri, 20 Mar 2026 08:00:00 GMT", timedelta(0)),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    value: str | None, expected: timedelta | None
) -> None:
    assert parse_retry_after(value, NOW) == expected
