"""Rule-file parsing: the shipped pack through libyaml gives the pure parser's document."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from cctrace.rules import yamlfile
from cctrace.rules.engine import builtin_pack_files
from cctrace.rules.yamlfile import Node, RuleError, parse_yaml

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def _shape(value: Any) -> Any:
    """The document with every mapping's type and line made explicit, for exact compare."""
    if isinstance(value, dict):
        return (type(value).__name__, getattr(value, "line", None),
                [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return (type(value).__name__, value)


@needs_libyaml
@pytest.mark.parametrize("name,text", builtin_pack_files(), ids=lambda v: str(v)[:24])
def test_shipped_files_parse_alike_under_both_parsers(name: str, text: str) -> None:
    pure = yaml.load(text, Loader=yamlfile._loader())  # noqa: S506 - SafeLoader subclass
    fast = parse_yaml(text, name, shipped=True)
    assert _shape(fast) == _shape(pure)
    assert isinstance(fast, Node) or isinstance(fast, list)


@needs_libyaml
def test_shipped_takes_libyaml_and_user_files_never(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    real = yaml.load

    def spy(text: str, Loader: Any) -> Any:  # noqa: N803 - yaml's own keyword
        used.append("C" if issubclass(Loader, yaml.CSafeLoader) else "pure")
        return real(text, Loader=Loader)  # noqa: S506

    monkeypatch.setattr(yaml, "load", spy)
    assert parse_yaml("rules: []\n", "builtin:x.yaml", shipped=True) == {"rules": []}
    assert parse_yaml("rules: []\n", "/home/u/rules.yaml") == {"rules": []}
    assert used == ["C", "pure"]


def test_a_broken_shipped_file_reports_as_the_pure_parser_does() -> None:
    text = "rules:\n  - id: x\n    when: [unclosed\n"
    with pytest.raises(RuleError) as pure:
        parse_yaml(text, "builtin:bad.yaml")
    with pytest.raises(RuleError) as shipped:
        parse_yaml(text, "builtin:bad.yaml", shipped=True)
    assert str(shipped.value) == str(pure.value)
    assert str(pure.value).startswith("builtin:bad.yaml:4: not valid YAML:")
