"""Properties, checked on generated input: mount paths never leave $BENTOML_HOME, the merge patch is
RFC 7386 (with the envs-by-name, labels-by-key exception) and never mutates, positions point at nodes.

Each property runs at most 100 derandomised examples (deterministic, no example database written).
"""

from __future__ import annotations

import copy
import posixpath
from io import StringIO
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from compiler import load, pointers
from compiler.load import Document, load_bytes, load_text
from compiler.merge import merge, origins_of
from compiler.mountpaths import key_location, mount_segments, sub_path_problem

PROPERTY = settings(max_examples=100, deadline=None, derandomize=True, database=None)

# --- mount paths --------------------------------------------------------------------------------

HOMES = ("/home/bentoml/bentoml", "/srv/bento")
VARIABLES = ("$BENTOML_HOME", "${BENTOML_HOME}")
SEGMENTS = st.sampled_from(["", ".", "..", "a", "secrets", "bentoml", "home", "srv", "bento", *VARIABLES])


def _inside(path: str, home: str) -> bool:
    return path == home or path.startswith(home + "/")


@st.composite
def mount_paths(draw: st.DrawFn) -> tuple[str, str]:
    home = draw(st.sampled_from(HOMES))
    prefix = draw(
        st.sampled_from(["", "/", "//", *(v + "/" for v in VARIABLES), *VARIABLES, home, home + "/"])
    )
    rest = "/".join(draw(st.lists(SEGMENTS, max_size=7)))
    return prefix + rest, home


def _reference_mount(path: str, home: str) -> str | None:
    """Where `path` points once the leading variable is replaced by the home, normalised; None if
    it names no absolute place."""
    for variable in VARIABLES:
        if path == variable or path.startswith(variable + "/"):
            path = home + path[len(variable) :]
            break
    if not path.startswith("/"):
        return None
    return posixpath.normpath("/" + path.lstrip("/"))


@PROPERTY
@given(mount_paths())
def test_a_mount_path_never_escapes_the_home(case: tuple[str, str]) -> None:
    path, home = case
    segments = mount_segments(path, home)
    if segments is None:
        return
    assert all(s not in ("", ".", "..") for s in segments), segments
    joined = posixpath.normpath(posixpath.join(home, *segments))
    assert _inside(joined, home), (path, segments)
    reference = _reference_mount(path, home)
    assert reference is not None and posixpath.normpath(reference) == joined


@PROPERTY
@given(mount_paths())
def test_a_mount_path_without_dotdot_is_accepted_exactly_when_it_lies_under_the_home(
    case: tuple[str, str],
) -> None:
    path, home = case
    if ".." in path.split("/"):
        return  # climbing out and back in is refused on purpose (conservative), not checked here
    reference = _reference_mount(path, home)
    expected = reference is not None and _inside(reference, home)
    assert (mount_segments(path, home) is not None) == expected, (path, reference)


SUB_SEGMENTS = st.sampled_from(["", ".", "..", "a", "b", "c d", "..."])


@st.composite
def sub_paths(draw: st.DrawFn) -> str:
    lead = draw(st.sampled_from(["", "/"]))
    return lead + "/".join(draw(st.lists(SUB_SEGMENTS, min_size=1, max_size=6)))


@PROPERTY
@given(sub_paths())
def test_a_sub_path_is_accepted_exactly_when_it_stays_inside(sub_path: str) -> None:
    normalised = posixpath.normpath(sub_path)
    stays = not sub_path.startswith("/") and normalised != ".." and not normalised.startswith("../")
    no_empty_segment = "" not in sub_path.split("/")
    assert (sub_path_problem(sub_path) is None) == (stays and no_empty_segment), sub_path
    if sub_path_problem(sub_path) is None:
        base = "/base/mount"
        assert _inside(posixpath.normpath(posixpath.join(base, sub_path, "KEY")), base)
        location = key_location(("mount",), sub_path, "KEY")
        assert all(s not in ("", ".", "..") for s in location), location


# --- the merge patch ----------------------------------------------------------------------------

LIST_KEYS = {"envs": "name", "labels": "key"}
KEYS = st.sampled_from(["a", "b", "c", "name", "envs", "labels"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["x", "y", "", "z z"]))


def _named_items(field: str, unique: bool) -> st.SearchStrategy[list[Any]]:
    item = st.fixed_dictionaries(
        {field: st.sampled_from(["X", "Y", "Z"])}, optional={"value": SCALARS, "extra": SCALARS}
    )
    odd = st.one_of(st.fixed_dictionaries({"value": SCALARS}), st.integers(0, 3))  # no name: appended
    items = st.lists(st.one_of(item, item, odd), max_size=4)
    if unique:
        return items.map(lambda xs: _unique_by(xs, field))
    return items


def _unique_by(items: list[Any], field: str) -> list[Any]:
    seen: set[Any] = set()
    kept = []
    for item in items:
        key = item.get(field) if isinstance(item, dict) else None
        if key is not None and key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return kept


def _json(unique_lists: bool) -> st.SearchStrategy[Any]:
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        plain = st.dictionaries(KEYS.filter(lambda k: k not in LIST_KEYS), children, max_size=4)
        lists = st.fixed_dictionaries(
            {},
            optional={
                "envs": _named_items("name", unique_lists),
                "labels": _named_items("key", unique_lists),
            },
        )
        merged = st.tuples(plain, lists).map(lambda pair: {**pair[0], **pair[1]})
        return st.one_of(st.lists(children, max_size=3), merged)

    return st.recursive(SCALARS, extend, max_leaves=12)


def _reference_merge(target: Any, patch: Any) -> Any:
    """RFC 7386 MergePatch, written from the RFC's pseudo-code, plus the list exception."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        elif name in LIST_KEYS and isinstance(value, list) and isinstance(result.get(name), list):
            result[name] = _reference_list(result[name], value, LIST_KEYS[name])
        else:
            result[name] = _reference_merge(result.get(name), value)
    return result


def _reference_list(base: list[Any], patch: list[Any], field: str) -> list[Any]:
    """Each patch item replaces the item with the same `field` value, else is appended."""
    result = copy.deepcopy(base)
    for item in patch:
        key = item.get(field) if isinstance(item, dict) else None
        same = [i for i, old in enumerate(result) if key is not None and isinstance(old, dict)]
        same = [i for i in same if result[i].get(field) == key]
        if same:
            result[same[0]] = copy.deepcopy(item)
        else:
            result.append(copy.deepcopy(item))
    return result


def _doc(data: Any, path: str = "environments/prod/app.yaml") -> Document:
    return Document(path, data, {}, {})


@PROPERTY
@given(base=_json(unique_lists=True), patch=_json(unique_lists=False))
def test_merge_is_rfc7386_with_lists_merged_by_name_and_key(base: Any, patch: Any) -> None:
    assert merge(base, patch, _doc(patch)) == _reference_merge(base, patch)


@PROPERTY
@given(base=_json(unique_lists=True), patch=_json(unique_lists=False))
def test_merge_never_mutates_its_inputs(base: Any, patch: Any) -> None:
    before = copy.deepcopy((base, patch))
    merged = merge(base, patch, _doc(patch))
    assert (base, patch) == before
    if isinstance(merged, dict) and isinstance(patch, dict):
        for name, value in patch.items():
            if value is None:
                assert name not in merged  # null removes


def _dump(data: Any) -> str:
    yaml = YAML(typ="rt")
    stream = StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _walk(value: Any, pointer: str = "") -> dict[str, Any]:
    found = {pointer: value}
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for token, child in children:
        found.update(_walk(child, pointers.join(pointer, token)))
    return found


MAPPINGS = _json(unique_lists=True).filter(lambda v: isinstance(v, dict) and bool(v))


@PROPERTY
@given(base=MAPPINGS, patch=MAPPINGS)
def test_every_merged_node_has_the_origin_of_the_line_that_set_it(base: Any, patch: Any) -> None:
    base_doc = load_text("deployments/app.yaml", _dump(base)).document
    patch_doc = load_text("environments/prod/app.yaml", _dump(patch)).document
    assert base_doc is not None and patch_doc is not None
    assert (base_doc.data, patch_doc.data) == (base, patch)  # the YAML round trip itself
    origins = origins_of(base_doc)
    merged = merge(base_doc.data, patch_doc.data, patch_doc, origins)
    nodes = _walk(merged)
    assert set(origins) == set(nodes)
    by_place = {
        doc.path: {place: _walk(doc.data)[p] for p, place in doc.positions.items()}
        for doc in (base_doc, patch_doc)
    }
    for pointer, origin in origins.items():
        value = nodes[pointer]
        source = by_place[origin.file][(origin.line, origin.column)]
        if not isinstance(value, (dict, list)):
            assert source == value, (pointer, origin)


# --- YAML positions -----------------------------------------------------------------------------

TEXT = st.text(alphabet="abcXYZ019 -_.:/é中ß", min_size=0, max_size=12)
YAML_KEYS = st.text(alphabet="abcxyz019_-é中 ", min_size=1, max_size=8)
YAML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), TEXT)
DOCUMENTS = st.dictionaries(
    YAML_KEYS,
    st.recursive(
        YAML_SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=3), st.dictionaries(YAML_KEYS, children, max_size=3)
        ),
        max_leaves=15,
    ),
    min_size=1,
    max_size=4,
)


def _rendering(value: Any) -> str:
    """How the dumper writes a scalar as a mapping value (quotes included)."""
    line = _dump({"k": value}).splitlines()[0]
    return line[len("k:") :].lstrip(" ")


def _key_rendering(key: str) -> str:
    return _dump({key: 0}).splitlines()[0].rsplit(": 0", 1)[0]


def _at(lines: list[str], position: tuple[int, int]) -> str:
    line, column = position
    assert line >= 1 and column >= 1, position
    return lines[line - 1][column - 1 :]


def _check_positions(doc: Document, text: str) -> None:
    lines = text.split("\n")
    nodes = _walk(doc.data)
    assert set(doc.positions) == set(nodes)
    for pointer, value in nodes.items():
        here = _at(lines, doc.positions[pointer])
        if isinstance(value, dict):
            first = next(iter(value), None)
            if first is None:
                assert here.startswith("{"), (pointer, here)
            else:
                assert doc.positions[pointer] == doc.key_positions[pointers.join(pointer, first)], pointer
        elif isinstance(value, list):
            assert here.startswith("[" if not value else "-"), (pointer, here)
        else:
            assert here.startswith(_rendering(value)), (pointer, here, _rendering(value))
            if pointer in doc.key_positions:  # a mapping value, even an empty one, is on its key's line
                assert doc.positions[pointer][0] == doc.key_positions[pointer][0], pointer
    for pointer, position in doc.key_positions.items():
        key = pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
        assert _at(lines, position).startswith(_key_rendering(key)), (pointer, position)


@PROPERTY
@given(DOCUMENTS)
def test_every_pointer_maps_to_the_first_character_of_its_node(data: dict[str, Any]) -> None:
    text = _dump(data)
    doc = load_text("x.yaml", text).document
    assert doc is not None and doc.data == data
    _check_positions(doc, text)


@PROPERTY
@given(DOCUMENTS)
def test_positions_survive_crlf_and_a_bom(data: dict[str, Any]) -> None:
    text = _dump(data)
    expected = load_text("x.yaml", text).document
    assert expected is not None
    for name, raw in {
        "crlf": text.replace("\n", "\r\n").encode(),
        "bom": b"\xef\xbb\xbf" + text.encode(),
    }.items():
        result = load_bytes("x.yaml", raw)
        doc = result.document
        assert doc is not None and not result.diagnostics, name
        assert (doc.data, doc.positions, doc.key_positions) == (
            expected.data,
            expected.positions,
            expected.key_positions,
        ), name


@PROPERTY
@given(DOCUMENTS)
def test_the_pure_composer_places_every_node_where_libyaml_does(data: dict[str, Any]) -> None:
    text = _dump(data)
    expected = load_text("x.yaml", text).document
    assert expected is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load, "_fast_compose", lambda text, forbid_anchors: None)
        result = load_text("x.yaml", text)
    doc = result.document
    assert doc is not None and not result.diagnostics
    _check_positions(doc, text)
    assert (doc.positions, doc.key_positions) == (expected.positions, expected.key_positions)
