"""Whatever is wrong with a file, loading gives located errors, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.policy import Policy, PolicyInvalid, load_policy_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
TEXTS = {p.stem: p.read_text() for p in sorted(EXAMPLES.glob("*.yaml"))}
REPLACEMENTS = ["", "~", "[]", "{}", "0", "-1", "yes", "'x'", "[P9]", "{a: b}", "24:00-09:00",
                "1 hour", "P5", "customer", "&a x", "*a", "<<: *a", "\t", ": :", "[", '"']


def _load(text: str) -> None:
    try:
        result = load_policy_text(text, "fuzz.yaml")
    except PolicyInvalid as exc:
        assert exc.errors
        lines = text.count("\n") + 2
        for err in exc.errors:
            assert 1 <= err.line <= lines and err.column >= 1, str(err)
            assert err.message
        return
    assert isinstance(result, Policy)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_mutated_example_gives_located_errors_or_a_policy(name: str, data: st.DataObject) -> None:
    lines = TEXTS[name].splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "value", "indent", "duplicate"]))
        line = lines[i]
        if action == "delete":
            del lines[i]
        elif action == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {data.draw(st.sampled_from(REPLACEMENTS))}"
        elif action == "indent":
            lines[i] = "  " + line
        else:
            lines.insert(i, line)
        if not lines:
            break
    _load("\n".join(lines) + "\n")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_gives_located_errors(text: str) -> None:
    _load(text)
