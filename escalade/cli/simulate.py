"""`escalade simulate POLICY SCENARIO [--json]`: replay a scenario in virtual time on a throwaway
database and print the timeline (clocks, breaches, escalations, tasks, notifications, warnings).
A scenario or policy error is printed as file:line:col and the exit status is 1."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from escalade.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("simulate", help="test a policy against a scripted scenario, in virtual time")
    p.add_argument("policy", metavar="POLICY", help="policy file (YAML)")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML), see docs/simulate.md")
    p.add_argument("--json", action="store_true", help="print the timeline as JSON")
    p.add_argument("--no-fold", action="store_true", help="print repeated identical lines one by one")
    p.add_argument("--strict", action="store_true", help="exit with status 3 when the timeline has warnings")
    p.set_defaults(handler=run, needs_django=False)


def run(args) -> int:
    try:
        policy_text = Path(args.policy).read_text(encoding="utf-8")
        scenario_text = Path(args.scenario).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{exc.filename}: cannot read the file: {exc.strerror}") from None
    with tempfile.TemporaryDirectory(prefix="escalade-simulate-") as data_dir:
        # A throwaway SQLite database: the simulation never touches a real installation.
        os.environ.pop("DATABASE_URL", None)
        os.environ["ESCALADE_DATA_DIR"] = data_dir
        from escalade.cli.main import setup_django

        setup_django()
        from django.core.management import call_command

        from escalade.errors import DomainError
        from escalade.policy import PolicyInvalid
        from escalade.simulate import run as simulation
        from escalade.simulate.scenario import ScenarioInvalid, parse
        from escalade.simulate.timeline import WARNING, as_dicts, fold

        call_command("migrate", interactive=False, verbosity=0)
        try:
            lines = simulation.run(policy_text, args.policy, parse(scenario_text, args.scenario))
        except (PolicyInvalid, ScenarioInvalid) as exc:
            for error in exc.errors:
                print(error, file=sys.stderr)
            return 1
        except DomainError as exc:
            raise CliError(f"{args.scenario}: {exc.message}") from None
    shown = lines if args.no_fold else fold(lines)
    if args.json:
        print(json.dumps(as_dicts(shown), indent=2, ensure_ascii=False))
    else:
        for line in shown:
            print(line.text())
    warnings = sum(line.what == WARNING for line in lines)
    return 3 if args.strict and warnings else 0
