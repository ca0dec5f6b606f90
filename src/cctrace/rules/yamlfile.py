"""Rule files as YAML: parsing that keeps line numbers, and the error every rule check raises.

`parse_yaml` reads a rule file with a SafeLoader whose mappings (`Node`) remember their line,
so `RuleError` messages can start with `file:line:`. PyYAML is imported on first use only:
compiling conditions stays standard-library only for the hook's guard mode.
"""

from __future__ import annotations

from typing import Any


class RuleError(ValueError):
    """A rule file cannot be used; the message starts with `file:line:`."""


class Node(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers its line (1-based)."""

    line: int = 0


_LOADER: Any = None
_FAST_LOADER: Any = None


def _loader() -> Any:
    """The line-recording SafeLoader, built on first use.

    PyYAML is imported here, not at module level, so that compiling conditions and matching
    events stay standard-library only: the hook's guard mode (cctrace.hook.guard) compiles
    rule nodes shipped as JSON under `python -S`, where site-packages is not importable.
    """
    global _LOADER
    if _LOADER is None:
        import yaml

        class _Loader(yaml.SafeLoader):
            pass

        def _construct_mapping(loader: Any, node: Any) -> Node:
            out = Node(loader.construct_mapping(node, deep=True))
            out.line = node.start_mark.line + 1
            return out

        _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                _construct_mapping)
        _LOADER = _Loader
    return _LOADER


def _fast_loader() -> Any:
    """The same loader over libyaml's C parser (None without it): the shipped pack is
    parsed at every rule-set load, and the pure-Python parser took ~0.2 s of it."""
    global _FAST_LOADER
    if _FAST_LOADER is None:
        import yaml

        if not getattr(yaml, "__with_libyaml__", False):
            _FAST_LOADER = False
        else:
            class _CLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
                pass

            for tag, fn in _loader().yaml_constructors.items():
                _CLoader.add_constructor(tag, fn)
            _FAST_LOADER = _CLoader
    return _FAST_LOADER or None


def parse_yaml(text: str, source: str, *, shipped: bool = False) -> Any:
    """The document of a rule file. `shipped` (the built-in pack only: its files parse
    to the same document under both parsers, `tests/rules` checks it) takes libyaml's
    parser when present; user files always take the pure-Python one, whose messages and
    corner cases `cctrace rules check` documents."""
    import yaml

    loader = _loader()
    if shipped and _fast_loader() is not None:
        try:
            return yaml.load(text, Loader=_fast_loader())  # noqa: S506 - CSafeLoader subclass
        except yaml.YAMLError:
            pass  # the error as the pure parser words it, below
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise RuleError(f"{source}:{line}: not valid YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise RuleError(f"{source}: not valid YAML: {exc}") from exc
