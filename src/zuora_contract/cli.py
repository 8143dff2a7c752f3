"""`python -m zuora_contract run`: the suite as a CI gate whose exit code is the verdict, not pytest's status.

0 conformant, 1 nonconformant, 2 error (the suite could not judge), 4 unusable configuration. Options
that are not secrets may be flags; credentials come from the environment only.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from zuora_contract.failures import ConfigError
from zuora_contract.settings import Settings, check_fuzz_numbers, environment, load_settings
from zuora_contract.subcommands import HANDLERS, add_subcommands, serve_mock

EXIT_CODES = {"conformant": 0, "nonconformant": 1, "error": 2}
EXIT_ERROR = 2
EXIT_CONFIG = 4
PROG = "zuora-contract"
SUITE = "zuora_contract.suite"
# pytest's own exit statuses that say nothing about the target.
PYTEST_INTERRUPTED, PYTEST_INTERNAL, PYTEST_USAGE, PYTEST_NO_TESTS = 2, 3, 4, 5


class Parser(argparse.ArgumentParser):
    """argparse, except that a wrong flag is a configuration error (exit 4), said in one line."""

    def error(self, message: str) -> NoReturn:
        """One line naming the mistake; argparse's own exit 2 would read as 'could not judge'."""
        say(f"{message} (see `{self.prog} --help`)")
        sys.exit(EXIT_CONFIG)


def say(message: str) -> None:
    """One line for the user, marked as the gate's."""
    sys.stderr.write(f"zuora-contract: {message}\n")
    sys.stderr.flush()


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value


def _add_run(commands: Any) -> None:
    run = commands.add_parser("run", help="judge a target and exit with the verdict (0, 1, 2 or 4)")
    run.add_argument("--base-url", help="the target (else ZUORA_BASE_URL; default: the embedded reference mock)")
    run.add_argument("--zuora-version", help="Zuora-Version to send, e.g. 2025-08-12 or 211.0 (else ZUORA_VERSION)")
    run.add_argument("--strict-should", action="store_true", help="make `should` rules binding (as STRICT=1)")
    run.add_argument("--target-name", help="name in reports; selects contracts/divergences/<name>.toml")
    run.add_argument("--divergences", metavar="FILE", help="known divergences of this target (a TOML file)")
    run.add_argument("--jobs", type=_positive, metavar="N", help="run tests in N processes (pytest-xdist)")
    run.add_argument("--report-dir", metavar="DIR", help="where conformance.json and junit.xml go (default: reports)")
    run.add_argument(
        "--fuzz",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fuzz with schemathesis (default: on for the embedded mock and loopback, off for remote hosts)",
    )
    run.add_argument("--fuzz-examples", type=_positive, metavar="N", help="examples per fuzzed operation")
    run.add_argument("--rule", action="append", default=[], metavar="ID", help="run only this rule (repeatable)")
    run.add_argument("--family", action="append", default=[], metavar="NAME", help="run only this rule family")
    run.add_argument("--level", choices=("must", "should"), help="run only rules of this level")
    run.add_argument("-v", "--verbose", action="store_true", help="verbose test output with full tracebacks")


def build_parser() -> Parser:
    """The command line: `run`, `mock`, `cases` and `validate` on one entry point."""
    parser = Parser(prog=PROG, description="Contract tests for Zuora's Execute an invoice schedule operation.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _add_run(commands)
    add_subcommands(commands)
    return parser


def run_environment(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """The run's environment: the caller's, with the flags written over the variables they stand for."""
    env = dict(environ)
    flags = {
        "ZUORA_BASE_URL": args.base_url,
        "ZUORA_VERSION": args.zuora_version,
        "ZUORA_TARGET_NAME": args.target_name,
        "ZUORA_DIVERGENCES": str(Path(args.divergences).resolve()) if args.divergences else None,
        "ZUORA_REPORT_DIR": args.report_dir,
        "STRICT": "1" if args.strict_should else None,
        "FUZZ": None if args.fuzz is None else ("1" if args.fuzz else "0"),
        "FUZZ_EXAMPLES": str(args.fuzz_examples) if args.fuzz_examples else None,
    }
    env.update({name: value for name, value in flags.items() if value is not None})
    return env


def pytest_arguments(args: argparse.Namespace) -> list[str]:
    """The pytest command line for the packaged suite: live (no cassettes); the plugin writes the reports."""
    arguments = ["--pyargs", SUITE, "-p", "no:randomly", "--disable-recording", "-v" if args.verbose else "-q"]
    # The rules raise their own messages; rewriting asserts costs seconds when bytecode is not cached.
    arguments += [] if args.verbose else ["--assert=plain"]
    arguments += ["--tb=long" if args.verbose else "--tb=short"]
    arguments += [f"--rule={rule}" for rule in args.rule] + [f"--family={family}" for family in args.family]
    arguments += [f"--level={args.level}"] if args.level else []
    arguments += ["-n", str(args.jobs)] if args.jobs else []
    return arguments


def verdict_exit(status: int, report: dict[str, Any] | None, selected: bool) -> tuple[int, str]:
    """The gate's exit code and its one-line reason, from pytest's status and the written report."""
    if status == PYTEST_USAGE:
        return EXIT_CONFIG, "configuration error (see above)"
    if status == PYTEST_NO_TESTS:
        if selected:
            return (
                EXIT_CONFIG,
                "no test matches --rule/--family/--level (conformance.json lists the rule ids)",
            )
        return EXIT_ERROR, "no contract test was collected; could not judge"
    if status == PYTEST_INTERNAL:
        return EXIT_ERROR, "the suite itself failed (pytest internal error, see above); could not judge"
    if report is None:
        return EXIT_ERROR, "the run wrote no report; could not judge"
    verdict = str(report.get("verdict"))
    if status == PYTEST_INTERRUPTED and not report.get("fatal"):
        return EXIT_ERROR, "interrupted before every rule was judged; could not judge"
    if status == 1 and verdict == "conformant":
        return EXIT_ERROR, "a test outside the catalogue's rules failed (see above); could not judge"
    code = EXIT_CODES.get(verdict, EXIT_ERROR)
    return code, f"verdict {verdict.upper()} (exit {code})"


def _report(report_dir: Path) -> dict[str, Any] | None:
    try:
        loaded: dict[str, Any] = json.loads((report_dir / "conformance.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded


def _check(env: Mapping[str, str], args: argparse.Namespace) -> Settings:
    """Refuse an unusable configuration before anything is started or sent."""
    settings = load_settings(env)
    if args.divergences and not Path(args.divergences).is_file():
        raise ConfigError(f"--divergences {args.divergences}: no such file")
    check_fuzz_numbers(env)
    return settings


def _pytest(arguments: list[str], env: Mapping[str, str]) -> int:
    """Run pytest as a child (a fresh interpreter, so the plugin's asserts are rewritten) and wait for it.

    Ctrl-C reaches the child too, and SIGTERM (a cancelled CI job) is passed on as Ctrl-C; either way the
    parent keeps waiting while the child cleans the tenant up.
    """
    process = subprocess.Popen([sys.executable, "-m", "pytest", *arguments], env=dict(env))
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: process.send_signal(signal.SIGINT))
    try:
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:
                say("interrupted: waiting for the run to delete or pause the schedules it created")
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> int:
    """Run the suite and turn its outcome into the gate's exit code."""
    env = run_environment(args, environment())
    try:
        settings = _check(env, args)
    except ConfigError as error:
        say(f"configuration error: {error}")
        return EXIT_CONFIG
    report_dir = Path(settings.report_dir)  # the child runs in this directory too
    (report_dir / "conformance.json").unlink(missing_ok=True)  # a stale report must never decide this run
    status = _pytest(pytest_arguments(args), env)
    code, reason = verdict_exit(status, _report(report_dir), bool(args.rule or args.family or args.level))
    say(reason)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `zuora-contract` console script and of `python -m zuora_contract`."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["mock"]:
        serve_mock(arguments[1:])  # the mock's own flags, unparsed here
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_CONFIG
    try:
        if args.command in HANDLERS:
            return HANDLERS[args.command](args)
        return run(args)
    except ConfigError as error:
        say(f"configuration error: {error}")
        return EXIT_CONFIG
    except KeyboardInterrupt:
        say("interrupted; could not judge")
        return EXIT_ERROR
