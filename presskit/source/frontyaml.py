"""YAML front matter, read safely: PyYAML's SafeLoader with YAML 1.2 scalars, without anchors,
aliases or deep nesting, every complaint with its line.

Its own module so that PyYAML (and the regular expressions its reader and resolvers compile,
a tenth of a no-change build's CPU) is imported only when a post's YAML is parsed: a build
whose front matter is all remembered (`presskit.source.post.FrontMatterMemo`) never is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from presskit.errors import PresskitError
from presskit.source.frontparts import (
    DATE,
    MAX_NESTING,
    MAX_YAML_VALUES,
    Parsed,
    Split,
    parse_date,
    value_kind,
)


class _Refused(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars and without anchors, aliases or deep nesting.

    YAML 1.1's `no`/`on`/`yes` booleans turn titles and language codes (`no` is Norwegian) into
    bools; 1.2 keeps them strings. Aliases are refused outright because expanding them is how
    a few hundred bytes become gigabytes.
    """

    # A class-level table PyYAML fills per class (typeshed's stubs call it an instance attribute)
    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.values = 0
        self.duplicates: list[tuple[str, int]] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("YAML aliases are not allowed", event.start_mark)
        self.values += 1
        if self.values > MAX_YAML_VALUES:
            raise _Refused(f"front matter has more than {MAX_YAML_VALUES} values", event.start_mark)
        nests = isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent)
        if nests:
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise _Refused(
                    f"front matter is nested deeper than {MAX_NESTING} levels", event.start_mark
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nests:
                self.depth -= 1

    def note_duplicates(self, node: yaml.MappingNode) -> None:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                ident = (key_node.tag, key_node.value)
                if ident in seen:
                    self.duplicates.append((key_node.value, key_node.start_mark.line))
                seen.add(ident)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.note_duplicates(node)
        return super().construct_mapping(node, deep=deep)


def _construct_int(loader: _YamlLoader, node: yaml.ScalarNode) -> int:
    value = str(loader.construct_scalar(node))
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    try:
        if text[:2] in ("0o", "0x"):
            return sign * int(text[2:], 8 if text[1] == "o" else 16)
        return sign * int(text, 10)  # YAML 1.2: a leading 0 is not octal
    except ValueError:
        shown = (
            value if len(value) <= 40 else f"{value[:20]}…{value[-8:]} ({len(value)} characters)"
        )
        raise yaml.constructor.ConstructorError(
            None, None, f"invalid integer {shown!r}", node.start_mark
        ) from None


def _construct_timestamp(loader: _YamlLoader, node: yaml.ScalarNode) -> Any:
    value = str(loader.construct_scalar(node))
    try:
        return parse_date(value)
    except ValueError:
        # Keep the text: only the date fields complain (with the reason), a title may be anything.
        return value


_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(f"^(?:{DATE.pattern})$", re.VERBOSE),
    list("0123456789"),
)
_YamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_yaml(split: Split, path: Path) -> Parsed:
    offset = split.front_line
    loader = None
    try:
        try:
            loader = _YamlLoader(split.front)  # the reader already rejects control characters
            root = loader.get_single_node()
            if root is None:
                return Parsed({}, {}, {}, [])
            if not isinstance(root, yaml.MappingNode):
                kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
                raise PresskitError(
                    f"front matter must be a mapping of keys to values, got {kind}",
                    path,
                    line=offset + root.start_mark.line,
                )
            loader.note_duplicates(root)
            meta: dict[Any, Any] = {}
            lines: dict[str, int] = {}
            plain: dict[str, Any] = {}
            for key_node, value_node in root.value:
                key = loader.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise PresskitError(
                        f"front matter keys must be strings, got {value_kind(key)}",
                        path,
                        line=offset + key_node.start_mark.line,
                    ) from None
                meta[key] = loader.construct_object(value_node, deep=True)
                if isinstance(key, str):
                    lines.setdefault(key, offset + key_node.start_mark.line)
                    plain[key] = _plain_text(value_node)
        except _Refused as exc:
            raise PresskitError(exc.message, path, line=offset + exc.mark.line) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = offset + mark.line if mark is not None else split.open_line
            message = exc.problem or exc.context or "syntax error"
            raise PresskitError(f"invalid YAML front matter: {message}", path, line=line) from None
        except yaml.reader.ReaderError as exc:
            line = offset + split.front.count("\n", 0, exc.position)
            char = exc.character if isinstance(exc.character, int) else ord(exc.character)
            raise PresskitError(
                f"invalid YAML front matter: unacceptable character #x{char:04x}: {exc.reason}",
                path,
                line=line,
            ) from None
        except yaml.YAMLError as exc:
            message = str(exc).splitlines()[0] if str(exc) else "syntax error"
            raise PresskitError(
                f"invalid YAML front matter: {message}", path, line=split.open_line
            ) from None
    finally:
        if loader is not None:
            loader.dispose()
    dups = [
        (f"duplicate key `{key}`; the last one wins", offset + line)
        for key, line in loader.duplicates
    ]
    return Parsed(meta, lines, plain, dups)


def _plain_text(node: Any) -> Any:
    """Source text of plain scalars: a title `1.10` must not become `1.1`."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.style is None else None
    if isinstance(node, yaml.SequenceNode):
        return [
            _plain_text(item) if isinstance(item, yaml.ScalarNode) else None for item in node.value
        ]
    return None
