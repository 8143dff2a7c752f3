"""The fuzzer's wiring: the fragment as a schemathesis schema, the budget, the suite's transport, real keys.

Generation is schemathesis'; sending is the suite's (`Target.client`, its auth and Zuora-Version);
judging is the rule code in checks.py/billruns.py, registered as checks by `fuzzchecks`.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import hypothesis
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation

from zuora_contract.failures import TargetError
from zuora_contract.fuzz import checks as fuzzchecks
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.retry import Unretryable
from zuora_contract.settings import environment, fuzz_number
from zuora_contract.spec import DATA_DIR, load_spec
from zuora_contract.target import Target

CONFIG_PATH = DATA_DIR / "schemathesis.toml"
# Request parameters the fuzzer does not generate, each with the reason.
NOT_GENERATED = {
    # Every request carries the suite's ZUORA_VERSION (or none), like the rest of the suite. Which
    # convention an arbitrary string selects is undocumented beyond "unsupported means the tenant
    # default", so a generated value would make the version rule guess; the catalogue covers each value.
    "ZuoraVersion": "Zuora-Version",
    # The transport never compresses, so a generated coding would mislabel the body; gzip requests
    # (valid and corrupt) are catalogue cases.
    "ContentEncoding": "Content-Encoding",
    # Keys drawn from a small alphabet repeat across different requests and replay earlier answers by
    # design (DEV-IDEMP); replay is a stateful rule, tested by the idempotency scenarios.
    "IdempotencyKey": "Idempotency-Key",
}
# Retrieving a schedule: Zuora documents the paging bounds (page >= 1, 1 <= pageSize <= 40) but not
# whether a value outside them is refused or clamped (the reference mock clamps), so a negative paging
# value has no documented answer to judge. Paging is not what this suite is about; it is not generated.
NOT_GENERATED_QUERY = frozenset({"page", "pageSize"})


@dataclass(frozen=True)
class Budget:
    """How much a run may send: examples per operation, seed, request rate and schedules made."""

    max_examples: int
    seed: int | None
    rate: float
    pool_size: int
    pool_items: int
    stateful_examples: int
    stateful_steps: int
    stateful_schedules: int
    sequence_examples: int
    max_requests: int

    @property
    def sequence_schedules(self) -> int:
        """Two per sequence walk, plus one replay of both chains when Hypothesis confirms a failure."""
        return 2 * self.sequence_examples + 2

    @property
    def max_schedules(self) -> int:
        """The most schedules one fuzz run may create: the pool, the state machine's, the sequence walks'."""
        return self.pool_size + self.stateful_schedules + self.sequence_schedules

    def describe_seed(self) -> str:
        """How to reproduce the run's generation."""
        return (
            f"FUZZ_SEED={self.seed}" if self.seed is not None else "derandomized (no FUZZ_SEED; same cases every run)"
        )


def budget_from_env(local: bool, environ: Mapping[str, str] | None = None) -> Budget:
    """Defaults: generous on the embedded mock and loopback, small and rate-limited against a remote host."""
    env = environment() if environ is None else environ
    examples = int(fuzz_number(env, "FUZZ_EXAMPLES", 25 if local else 5))
    seed_text = (env.get("FUZZ_SEED") or "").strip()
    seed = int(fuzz_number(env, "FUZZ_SEED", 0)) if seed_text else None
    # Requests per second; 0 means unlimited. A sandbox counts every request against the tenant's limit.
    rate = fuzz_number(env, "FUZZ_RATE", 0.0 if local else 2.0)
    stateful = max(4, examples // 10) if local else 2
    return Budget(
        max_examples=max(1, examples),
        seed=seed,
        rate=max(0.0, rate),
        pool_size=3 if local else 2,
        pool_items=6 if local else 3,
        stateful_examples=stateful,
        stateful_steps=10 if local else 6,
        stateful_schedules=2 * stateful if local else 2,
        sequence_examples=max(3, examples // 25) if local else 1,
        # Generated requests (stateless and state machine) a run may send; 0 means no cap. The coverage
        # phase's case count does not depend on max examples, so a sandbox run needs a cap of its own.
        max_requests=int(fuzz_number(env, "FUZZ_MAX_REQUESTS", 0 if local else 150)),
    )


def fuzz_document() -> dict[str, Any]:
    """The fragment without the parameters the fuzzer must not generate (see NOT_GENERATED)."""
    document = copy.deepcopy(load_spec())
    refs = {f"#/components/parameters/{name}" for name in NOT_GENERATED}
    for path_item in document["paths"].values():
        for operation in [path_item, *(value for value in path_item.values() if isinstance(value, dict))]:
            if isinstance(operation.get("parameters"), list):
                operation["parameters"] = [
                    parameter
                    for parameter in operation["parameters"]
                    if parameter.get("$ref") not in refs and parameter.get("name") not in NOT_GENERATED_QUERY
                ]
    return document


def fuzz_schema(budget: Budget) -> Any:
    """The schemathesis schema with the project's config file and this run's budget."""
    config = schemathesis.Config.from_path(CONFIG_PATH)
    if budget.seed is not None:
        config.update(seed=budget.seed, max_failures=None)
    schema = schemathesis.openapi.from_dict(fuzz_document(), config=config)
    schema.config.generation.update(max_examples=budget.max_examples, deterministic=budget.seed is None)
    return schema


def _negative_at(case: Any, location: ParameterLocation) -> bool:
    meta = case.meta
    return meta is not None and bool(meta.is_negative_at(location))


class SchedulePool:
    """A few real schedules made once, so generated keys and item IDs reach real data; creates are counted."""

    def __init__(self, provisioner: Provisioner, budget: Budget) -> None:
        self.provisioner = provisioner
        self.budget = budget
        self.schedules: list[Schedule] = []
        self.created = 0
        self.failure = ""
        # Each consumer has its own share of the bound, so no test can use up another's.
        self.shares = Counter(
            pool=budget.pool_size, stateful=budget.stateful_schedules, sequence=budget.sequence_schedules
        )

    def fill(self) -> None:
        """Create the pool (bounded by the budget) and register every schedule with the checks."""
        while len(self.schedules) < self.budget.pool_size:
            self.count_create("pool")
            try:
                schedule = self.provisioner.create_schedule(items=self.budget.pool_items)
            except TargetError as error:
                self.failure = str(error)  # later tests, whose share this used, say why
                raise
            self.schedules.append(schedule)
            fuzzchecks.remember(schedule)

    def can_create(self, consumer: str) -> bool:
        """True while the consumer's share of the schedule bound is not used up."""
        return self.shares[consumer] > 0

    def count_create(self, consumer: str) -> None:
        """Count one create against the consumer's share, refusing to go past it."""
        if not self.can_create(consumer):
            why = f"; earlier, {self.failure}" if self.failure else ""
            raise TargetError(
                f"the fuzz run's {consumer} share of its {self.budget.max_schedules}-schedule bound is used up, "
                f"so it creates no more{why}"
            )
        self.shares[consumer] -= 1
        self.created += 1

    def pin(self, case: Any, index: int) -> None:
        """Point a case's schedule key and item ID at real data, unless that part is deliberately invalid."""
        key = case.path_parameters.get("scheduleKey") if case.path_parameters else None
        if key is None or _negative_at(case, ParameterLocation.PATH) or not self.schedules:
            return
        schedule = self.schedules[index % len(self.schedules)]
        # Every fourth case uses the number (IS-...), which Zuora accepts as the key too.
        case.path_parameters["scheduleKey"] = schedule.number if index % 4 == 3 else schedule.id
        pin_item(case, schedule, index // len(self.schedules))


def pin_item(case: Any, schedule: Schedule, index: int) -> None:
    """Name one of the schedule's real items where the body names one and is meant to be valid."""
    body = case.body
    named = isinstance(body, dict) and isinstance(body.get("scheduleItemId"), str)
    if named and schedule.items and not _negative_at(case, ParameterLocation.BODY):
        body["scheduleItemId"] = schedule.items[index % len(schedule.items)].id


class FuzzTransport:
    """Sends generated cases through the suite's client: same auth, Zuora-Version, rate limit, Retry-After."""

    def __init__(self, target: Target, budget: Budget) -> None:
        self.target = target
        self.budget = budget
        self.sent: Counter[str] = Counter()
        self.not_judged = 0
        self._next_at = 0.0
        # Every request the fuzz run made (provisioning, polls and retries too), where the client counts them.
        self.requests_made: Callable[[], int] = lambda: sum(self.sent.values())

    def exhausted(self) -> bool:
        """True once the run's request cap is reached (never when there is no cap)."""
        return 0 < self.budget.max_requests <= self.requests_made()

    def _pace(self) -> None:
        if self.budget.rate <= 0:
            return
        now = time.monotonic()
        if self._next_at > now:
            time.sleep(self._next_at - now)
        self._next_at = max(now, self._next_at) + 1.0 / self.budget.rate

    def request_for(self, case: Any) -> httpx.Request:
        """The httpx request for a case: schemathesis' serialisation, the suite's defaults."""
        kwargs = case.as_transport_kwargs(base_url=self.target.base_url)
        headers = {
            name: value
            for name, value in kwargs.get("headers", {}).items()
            if name.lower() not in {"user-agent", "connection", "accept-encoding"} or name in case.headers
        }
        if self.target.settings.version:
            headers["Zuora-Version"] = self.target.settings.version
        content: bytes | None = None
        if "json" in kwargs:
            content = httpx.Request("POST", "/", json=kwargs["json"]).content
        elif kwargs.get("data") is not None:
            data = kwargs["data"]
            content = data.encode() if isinstance(data, str) else bytes(data)
        encoded = {
            name: value.encode("latin-1") if isinstance(value, str) else value for name, value in headers.items()
        }
        return self.target.client.build_request(
            kwargs["method"], kwargs["url"], params=kwargs.get("params") or None, headers=encoded, content=content
        )

    def send(self, case: Any) -> httpx.Response:
        """Send once through the target's retry policy; a case whose transient answer cannot be retried is dropped.

        Reads are retried after 429/502-504 (honouring Retry-After); a generated execute only when the answer
        says it was not processed (429, 503) or it carries an Idempotency-Key. An execute that met any other
        transient answer is not judged: Hypothesis discards the case rather than counting it as a pass.
        """
        request = self.request_for(case)
        self._pace()
        self.sent[str(case.operation.label)] += 1
        try:
            return self.target.send(request)
        except Unretryable:
            self.not_judged += 1
            hypothesis.reject()


def reproduction(case: Any, response: httpx.Response, budget: Budget, secrets: tuple[str, ...]) -> str:
    """A curl-like reproduction with Authorization removed and every secret scrubbed, plus the seed."""
    dropped = {"authorization", "host", "content-length", "x-schemathesis-testcaseid"}
    sent = {name: value for name, value in response.request.headers.items() if name.lower() not in dropped}
    base_url = str(response.request.url).split(case.formatted_path, 1)[0] or None
    curl = case.as_curl_command(headers=sent, base_url=base_url)
    text = f"Reproduce with (add your own Authorization header):\n    {curl}\nSeed: {budget.describe_seed()}"
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def judge(case: Any, response: httpx.Response, budget: Budget, target: Target) -> None:
    """Run every enabled check on the response; on failure, raise one readable, scrubbed message."""
    try:
        case.validate_response(response)
    except FailureGroup as group:
        titles = "\n".join(f"- {failure.title}: {failure.message}" for failure in group.exceptions)
        token = response.request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        secrets = (*target.settings.secrets, *([token] if token else []))
        message = (
            f"{case.operation.label} answered HTTP {response.status_code}, breaking:\n{titles}\n"
            f"{reproduction(case, response, budget, secrets)}"
        )
        for secret in secrets:
            message = message.replace(secret, "***")
        raise AssertionError(message) from None
