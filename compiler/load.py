"""Load YAML safely into plain data plus the position of every node.

ruamel composes the node graph; we build the Python values ourselves so that no tag is ever
constructed, duplicate keys are all found, alias expansion is bounded, and each JSON pointer maps
back to a 1-based line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.document import Document, Position

MAX_BYTES = 1024 * 1024
MAX_ALIAS_EXPANSION = 10_000
MAX_DEPTH = 200

_YAML = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null")}
_STRING_TAGS = {f"{_YAML}str", f"{_YAML}timestamp"}  # dates stay the text the user wrote
_MAP, _SEQ, _MERGE = f"{_YAML}map", f"{_YAML}seq", f"{_YAML}merge"


_CONSTRUCTOR = YAML(typ="safe", pure=True).constructor  # only its stateless scalar converters are used
_SCALARS = {
    f"{_YAML}int": _CONSTRUCTOR.construct_yaml_int,
    f"{_YAML}float": _CONSTRUCTOR.construct_yaml_float,
    f"{_YAML}bool": _CONSTRUCTOR.construct_yaml_bool,
    f"{_YAML}null": _CONSTRUCTOR.construct_yaml_null,
}
# libyaml's composer recurses in C: past ~2,000 levels it overflows the C stack. A level needs a
# bracket, an indentation step, or a compact `- ` / `? ` indicator; texts that could nest deeper
# than a few hundred levels take the pure-Python composer instead.
_C_SAFE_INDICATORS = 300
_DEEP_INDENT = re.compile(r"^ {600}", re.M)
_MAX_INT = 2**63  # config numbers are never larger; past 4,300 digits Python refuses to print them


@dataclass(frozen=True)
class LoadResult:
    document: Document | None
    diagnostics: list[Diagnostic]


class _Problem(Exception):
    def __init__(self, code: str, message: str, node: Node | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node


def _pos(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed node graph into plain data, recording positions."""

    def __init__(self, forbid_anchors: bool) -> None:
        self.positions: dict[str, Position] = {}
        self.key_positions: dict[str, Position] = {}
        self.duplicates: list[tuple[Node, str, Position]] = []
        self.forbid_anchors = forbid_anchors
        self.expanded = 0
        self.seen: set[int] = set()

    def build(self, node: Node, pointer: str, depth: int, in_alias: bool) -> Any:
        if depth > MAX_DEPTH:
            raise _Problem("BG004", f"nesting deeper than {MAX_DEPTH} levels", node)
        if id(node) in self.seen:
            in_alias = True
            if self.forbid_anchors:
                raise _Problem("BG003", "aliases are not allowed in a secret file", node)
        self.seen.add(id(node))
        if getattr(node, "anchor", None) and self.forbid_anchors:
            raise _Problem("BG003", "anchors are not allowed in a secret file", node)
        if in_alias:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise _Problem("BG003", f"alias expansion exceeds {MAX_ALIAS_EXPANSION} nodes", node)
        if not in_alias or pointer not in self.positions:
            self.positions[pointer] = _pos(node)
        tag = str(node.tag)  # (a property that formats a Tag object: read it once)
        if isinstance(node, MappingNode):
            _check_tag(node, tag, _MAP)
            return self._mapping(node, pointer, depth, in_alias)
        if isinstance(node, SequenceNode):
            _check_tag(node, tag, _SEQ)
            return [
                self.build(item, pointers.join(pointer, i), depth + 1, in_alias)
                for i, item in enumerate(node.value)
            ]
        return _scalar(node, tag)

    def _mapping(self, node: MappingNode, pointer: str, depth: int, in_alias: bool) -> Any:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_tag = str(key_node.tag)
            if key_tag == _MERGE:
                raise _Problem("BG003", "merge keys (<<) are not allowed", key_node)
            if not isinstance(key_node, ScalarNode) or key_tag not in _PLAIN_TAGS:
                raise _Problem("BG003", "mapping keys must be plain scalars", key_node)
            key = str(key_node.value)
            child = pointers.join(pointer, key)
            if key in result:
                self.duplicates.append((key_node, key, self.key_positions[child]))
                continue
            self.key_positions[child] = _pos(key_node)
            result[key] = self.build(value_node, child, depth + 1, in_alias)
            if _empty(value_node) and not in_alias:
                self.positions[child] = _after(key_node)
        return result


def _empty(node: Node) -> bool:
    """An implicit null (`key:` with nothing after it): composers disagree on where it starts."""
    return isinstance(node, ScalarNode) and node.value == "" and not node.style


def _after(key: Node) -> Position:
    """Just past the key's colon, where the user would type the missing value."""
    return key.end_mark.line + 1, key.end_mark.column + 2


def _scalar(node: Node, tag: str) -> Any:
    if tag in _STRING_TAGS:
        return str(node.value)
    converter = _SCALARS.get(tag)
    if converter is None:
        _refuse_tag(node, tag)
    try:
        value = converter(node)
    except ValueError:  # an integer of thousands of digits
        raise _Problem("BG004", "number too long to read", node) from None
    if isinstance(value, int) and not -_MAX_INT <= value < _MAX_INT:
        raise _Problem("BG004", "number out of range (more than 64 bits)", node)
    return value


def _check_tag(node: Node, tag: str, expected: str) -> None:
    if tag != expected:
        _refuse_tag(node, tag)


def _refuse_tag(node: Node, tag: str) -> NoReturn:
    shown = tag.replace(_YAML, "!!") if tag.startswith(_YAML) else tag
    raise _Problem("BG003", f"tag {shown} is not allowed", node)


def _diag(path: str, code: str, message: str, pos: Position = (1, 1), pointer: str = "") -> Diagnostic:
    return Diagnostic(path, pos[0], pos[1], code, Severity.ERROR, message, pointer)


def decode(path: str, raw: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text, refusing what no YAML config should be."""
    if len(raw) > MAX_BYTES:
        return None, [_diag(path, "BG004", f"file is {len(raw)} bytes; the limit is {MAX_BYTES}")]
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        return None, [_diag(path, "BG004", "file holds NUL bytes: binary, not YAML", (line, 1))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        return None, [_diag(path, "BG004", "file is not valid UTF-8; save it as UTF-8", (line, column))]
    if not text.strip():
        return None, [_diag(path, "BG004", "file is empty")]
    return text, []


class _Yaml12Resolver(VersionedResolver):
    """YAML 1.2 tags without asking the parser for a %YAML directive at every scalar (the costly
    part of resolving); texts with a directive take the pure composer. A short scalar's tag is
    worked out once a process: keys and small values repeat across thousands of files."""

    processing_version = (1, 2)
    _known: dict[tuple[str, Any], Any] = {}  # noqa: RUF012  (shared on purpose)
    remember = True  # False for secret files: their values are kept nowhere, not even in memory

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or len(value) > 32 or not self.remember:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._known.get(key)
        if tag is None:
            tag = self._known[key] = super().resolve(kind, value, implicit)
        return tag


@cache
def _c_loader() -> type | None:
    """A libyaml-backed composer class, if ruamel.yaml.clib is installed (made once: ruamel's own
    front end makes a class for every text)."""
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    except ImportError:
        return None

    class Loader(CParser, _Yaml12Resolver):  # type: ignore[misc]
        def __init__(self, text: str, remember: bool) -> None:
            self.remember = remember
            CParser.__init__(self, text)
            self._parser = self._composer = self
            _Yaml12Resolver.__init__(self, version=None, loadumper=self)

    return Loader


def _c_composer_safe(text: str) -> bool:
    indicators = sum(text.count(c) for c in ("[", "{", "- ", "? ", "-\n", "?\n"))
    return indicators <= _C_SAFE_INDICATORS and "%YAML" not in text and not _DEEP_INDENT.search(text)


def _fast_compose(text: str, forbid_anchors: bool) -> list[Node] | None:
    """Compose with libyaml when ruamel.yaml.clib is present and the text can't overflow it.

    Any error: None, and the pure composer reports it (its messages are the documented ones).
    """
    if not _c_composer_safe(text) or (forbid_anchors and "&" in text):
        return None  # (libyaml's nodes don't keep anchors)
    loader_class = _c_loader()
    if loader_class is None:
        return None
    try:
        loader = loader_class(text, not forbid_anchors)  # anchors are forbidden in secret files
        try:
            nodes = []
            while loader.check_node():
                nodes.append(loader.get_node())
            return nodes
        finally:
            loader.dispose()
    except Exception:  # libyaml is YAML 1.1 in places: the pure composer decides, and reports
        return None


def _compose(path: str, text: str, forbid_anchors: bool) -> tuple[Node | None, list[Diagnostic]]:
    fast = _fast_compose(text, forbid_anchors)
    if fast is not None:
        return _one_document(path, fast)
    yaml = YAML(typ="rt", pure=True)
    try:
        nodes = list(yaml.compose_all(text))
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (err.problem or err.context or "invalid YAML").strip()
        start = err.context_mark
        if err.context and start is not None and (start.line + 1, start.column + 1) != pos:
            problem += f" ({err.context.strip()} started at line {start.line + 1}, column {start.column + 1})"
        return None, [_diag(path, "BG001", f"YAML syntax error: {problem}", pos)]
    except YAMLError as err:
        return None, [_diag(path, "BG001", f"YAML syntax error: {type(err).__name__}")]
    except RecursionError:
        return None, [_diag(path, "BG004", "nesting too deep to read")]
    return _one_document(path, nodes)


def _one_document(path: str, nodes: list[Node]) -> tuple[Node | None, list[Diagnostic]]:
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None, [_diag(path, "BG004", "file is empty")]
    if len(nodes) > 1:
        return None, [
            _diag(path, "BG004", "file holds several YAML documents; keep one per file", _pos(nodes[1]))
        ]
    return nodes[0], []


def load_text(path: str, text: str, *, forbid_anchors: bool = False) -> LoadResult:
    root, problems = _compose(path, text, forbid_anchors)
    if root is None:
        return LoadResult(None, problems)
    if not isinstance(root, MappingNode):
        return LoadResult(None, [_diag(path, "BG004", "top level must be a mapping", _pos(root))])
    builder = _Builder(forbid_anchors)
    try:
        data = builder.build(root, "", 0, False)
    except _Problem as problem:
        pos = _pos(problem.node) if problem.node is not None else (1, 1)
        return LoadResult(None, [_diag(path, problem.code, problem.message, pos)])
    except RecursionError:
        return LoadResult(None, [_diag(path, "BG004", "nesting too deep to read")])
    duplicates = [
        _diag(path, "BG002", f"duplicate key '{key}' (first at line {first[0]})", _pos(node))
        for node, key, first in builder.duplicates
    ]
    document = Document(path, data, builder.positions, builder.key_positions)
    return LoadResult(document, duplicates)


def load_bytes(path: str, raw: bytes, *, forbid_anchors: bool = False) -> LoadResult:
    text, problems = decode(path, raw)
    if text is None:
        return LoadResult(None, problems)
    return load_text(path, text, forbid_anchors=forbid_anchors)
