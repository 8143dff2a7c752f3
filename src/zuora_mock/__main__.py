"""Command line: `python -m zuora_mock --port 8080` serves one mock tenant until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
import time
from types import FrameType

from zuora_mock import granian_server, versions
from zuora_mock.app import create_app
from zuora_mock.collector import PacedCollection
from zuora_mock.config import MockConfig
from zuora_mock.faults import INJECTABLE
from zuora_mock.server import IDLE_TIMEOUT, serve
from zuora_mock.state import SEEDED_ACCOUNTS


def _version(value: str) -> str:
    if not versions.is_supported(value):
        raise argparse.ArgumentTypeError(f"unsupported Zuora API version {value!r} (use e.g. 186.0 or 2024-05-20)")
    return value


def _rate(value: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"fault rate must be between 0 and 1, not {value}")
    return rate


def _statuses(value: str) -> tuple[int, ...]:
    try:
        statuses = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"fault statuses must be comma-separated numbers, not {value!r}") from None
    if not statuses or not set(statuses) <= INJECTABLE:
        raise argparse.ArgumentTypeError(f"fault statuses must be among {sorted(INJECTABLE)}, not {value!r}")
    return statuses


def _add_fault_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fault injection (for rehearsing client retries)")
    group.add_argument("--fault-rate", type=_rate, default=0.0, help="share 0..1 of /v1 requests answered with a fault")
    group.add_argument(
        "--fault-statuses",
        type=_statuses,
        default=(429, 503),
        help="comma-separated statuses a fault picks from at random (default: 429,503)",
    )
    group.add_argument("--fault-seed", type=int, default=None, help="seed of the fault draws, for reproducible runs")
    group.add_argument("--latency-ms", type=float, default=0.0, help="milliseconds added to every request")


def _parser() -> argparse.ArgumentParser:
    defaults = MockConfig()
    parser = argparse.ArgumentParser(prog="python -m zuora_mock", description="Serve the Zuora reference mock.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8080, help="port to bind; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--tenant-version",
        type=_version,
        default=defaults.tenant_version,
        help="API version used when a request sends no Zuora-Version (default: %(default)s)",
    )
    parser.add_argument("--token-ttl", type=int, default=defaults.token_ttl, help="token lifetime in seconds")
    parser.add_argument(
        "--processing-delay", type=float, default=defaults.processing_delay, help="seconds until a bill run completes"
    )
    parser.add_argument(
        "--max-objects",
        type=int,
        default=defaults.max_objects,
        help="records kept before the oldest finished ones are forgotten (default: %(default)s)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=IDLE_TIMEOUT,
        help="seconds before an idle or half-sent connection is closed (granian: at most 60; default: %(default)s)",
    )
    parser.add_argument(
        "--server",
        choices=("stdlib", "granian"),
        default="stdlib",
        help="stdlib: no dependencies (default); granian: several times the throughput, needs the `server` extra",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="granian only: threads running the app in its one process (default: 1, or 16 with --latency-ms)",
    )
    _add_fault_options(parser)
    return parser


def _banner(url: str, config: MockConfig) -> None:
    # The first line is parsed by the suite; the export lines can be pasted into a shell.
    print(f"zuora-mock listening on {url}")
    print(f"export ZUORA_BASE_URL={url}")
    print(f"export ZUORA_CLIENT_ID={config.client_id}")
    print(f"export ZUORA_CLIENT_SECRET={config.client_secret}")
    print(f"export ZUORA_ACCOUNT_KEY={SEEDED_ACCOUNTS[0].number}")
    print(f"export ZUORA_SECOND_ACCOUNT_KEY={SEEDED_ACCOUNTS[1].number}")
    for account in SEEDED_ACCOUNTS:
        print(f"# account {account.number} has id {account.id}")
    sys.stdout.flush()


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _check_free(host: str, port: int) -> None:
    # Bind once ourselves, so a taken port gives the same one-line error whichever server is chosen.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, port))


def _serve_granian(config: MockConfig, host: str, port: int, threads: int, idle_timeout: float) -> int:
    if not granian_server.available():
        print("zuora-mock: --server granian needs granian: pip install -e '.[server]'", file=sys.stderr)
        return 2
    if port == 0:
        port = granian_server.free_port(host)
    _check_free(host, port)
    process = granian_server.start(config, host, port, threads, idle_timeout)
    try:
        _banner(_url(host, port), config)
        while process.poll() is None:
            time.sleep(0.5)
        return 1  # granian ended on its own: that is a failure, not a stop
    except KeyboardInterrupt:
        return 0
    finally:
        granian_server.stop(process)


def _serve_stdlib(config: MockConfig, host: str, port: int, idle_timeout: float) -> int:
    server = serve(PacedCollection(create_app(config)), host, port, idle_timeout)
    try:
        _banner(server.url, config)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        server.close()


def main(argv: list[str] | None = None) -> int:
    """Run the mock in the foreground; exit 0 on Ctrl-C or SIGTERM, 2 when the address cannot be bound."""
    args = _parser().parse_args(argv)
    config = MockConfig(
        tenant_version=args.tenant_version,
        token_ttl=args.token_ttl,
        processing_delay=args.processing_delay,
        max_objects=args.max_objects,
        fault_rate=args.fault_rate,
        fault_statuses=args.fault_statuses,
        fault_seed=args.fault_seed,
        latency_ms=max(0.0, args.latency_ms),
    )
    signal.signal(signal.SIGTERM, _stop)
    try:
        if args.server == "granian":
            # One thread measured fastest; with added latency, more threads let delayed requests overlap.
            threads = args.threads or (16 if config.latency_ms else 1)
            return _serve_granian(config, args.host, args.port, threads, args.idle_timeout)
        return _serve_stdlib(config, args.host, args.port, args.idle_timeout)
    except OSError as error:
        reason = "address already in use" if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
        print(f"zuora-mock: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
