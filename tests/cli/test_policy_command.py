"""`escalade policy …` as a support manager runs it."""

from pathlib import Path

import pytest

from escalade.cli.main import main
from escalade.policy.models import PolicyVersion

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.mark.parametrize("name", ["mirrored-storage", "ione-tech", "mycorp", "zynstra", "vioe"])
def test_every_example_policy_passes_check(name, capsys):
    assert main(["policy", "check", str(EXAMPLES / f"{name}.yaml")]) == 0
    assert "OK" in capsys.readouterr().out


def test_check_prints_located_errors_and_fails(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    lines = (EXAMPLES / "vioe.yaml").read_text().splitlines(keepends=True)
    where = next(i for i, line in enumerate(lines) if line.strip() == "tz: customer")
    lines[where] = lines[where].replace("tz: customer", "tz: Mars/Olympus")
    broken.write_text("".join(lines))
    assert main(["policy", "check", str(broken)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    column = lines[where].index("Mars") + 1
    assert err[0].startswith(f"{broken}:{where + 1}:{column}: ")
    assert "Mars/Olympus" in err[0]


@pytest.mark.django_db
def test_apply_stores_versions_and_applying_the_same_file_twice_creates_nothing(capsys, clock):
    vioe, mycorp = str(EXAMPLES / "vioe.yaml"), str(EXAMPLES / "mycorp.yaml")
    assert main(["policy", "apply", vioe]) == 0
    assert main(["policy", "apply", vioe]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["policy", "apply", mycorp]) == 0
    versions = list(PolicyVersion.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [v.is_active for v in versions] == [False, True]
    assert versions[0].source == Path(vioe).read_text()
    capsys.readouterr()
    assert main(["policy", "diff"]) == 0
    diff = capsys.readouterr().out
    assert diff.startswith("--- v1") and "+name: MyCorp" in diff
    assert main(["policy", "versions"]) == 0
    assert "* v2" in capsys.readouterr().out


@pytest.mark.django_db
def test_apply_refuses_an_invalid_policy_and_keeps_the_active_one(tmp_path, capsys, clock):
    assert main(["policy", "apply", str(EXAMPLES / "vioe.yaml")]) == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nplans: {}\n")
    assert main(["policy", "apply", str(broken)]) == 1
    assert f"{broken}:" in capsys.readouterr().err
    assert PolicyVersion.objects.get(is_active=True).number == 1


def test_diff_with_a_missing_version_is_one_line(capsys, db):
    assert main(["policy", "diff", "7", "8"]) == 2
    assert capsys.readouterr().err.strip() == "escalade: there is no policy version 7"
