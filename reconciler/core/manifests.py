"""Step 2: rendered YAML text -> validated campaign models, with located errors.

Pure. YAML is loaded with the safe loader (no arbitrary tags). While loading,
the line of every mapping key and sequence item is recorded, so that a pydantic
error or a rule broken at ``adgroups[1].budget`` points at the line of the
rendered document where that value stands.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from reconciler.core.resources import Ad, AdGroup, Campaign
from reconciler.errors import Location, Problem

PathT = tuple[str | int, ...]


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass(frozen=True)
class Manifest:
    """One campaign document and where it stands."""

    campaign: Campaign
    file: str
    document: int  # 0-based index of the document in its file
    lines: dict[PathT, int] = field(default_factory=dict, compare=False, repr=False)

    def locate(self, path: PathT) -> Location:
        return Location(file=self.file, line=_line_for(self.lines, path), path=format_path(path) or None)


def _line_for(lines: dict[PathT, int], path: PathT) -> int | None:
    p = tuple(path)
    while True:
        if p in lines:
            return lines[p]
        if not p:
            return None
        p = p[:-1]


def _record_lines(node: yaml.Node, path: PathT, lines: dict[PathT, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                sub = (*path, str(key_node.value))
                lines[sub] = key_node.start_mark.line + 1
                _record_lines(value_node, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, i)
            lines[sub] = item.start_mark.line + 1
            _record_lines(item, sub, lines)


def parse_documents(text: str, file: str) -> tuple[list[tuple[Any, dict[PathT, int], int]], list[Problem]]:
    """YAML text -> [(data, line map, first line)], or the YAML syntax problem."""
    docs: list[tuple[Any, dict[PathT, int], int]] = []
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            lines: dict[PathT, int] = {}
            _record_lines(node, (), lines)
            data = loader.construct_document(node)
            docs.append((data, lines, node.start_mark.line + 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        return docs, [Problem(Location(file=file, line=line), "yaml-syntax", msg)]
    except yaml.YAMLError as exc:
        return docs, [Problem(Location(file=file), "yaml-syntax", str(exc))]
    finally:
        loader.dispose()
    return docs, []


def _model_for_path(loc: tuple[Any, ...]) -> type[BaseModel]:
    """Which model a pydantic error location falls in (for field-name suggestions)."""
    model: type[BaseModel] = Campaign
    for part in loc:
        if part == "adgroups":
            model = AdGroup
        elif part == "ads":
            model = Ad
    return model


def _nested_fields(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Campaign
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return []
        model = _inner_model(info.annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}).keys())


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validation_problems(exc: ValidationError, lines: dict[PathT, int], file: str) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = format_path(loc)
        etype = err["type"]
        rule = {
            "extra_forbidden": "unknown-field",
            "missing": "required",
            "literal_error": "enum",
            "enum": "enum",
        }.get(etype, etype.replace("_", "-"))
        msg = err["msg"]
        if etype == "extra_forbidden" and loc and isinstance(loc[-1], str):
            close = difflib.get_close_matches(loc[-1], _nested_fields(loc), n=1, cutoff=0.6)
            msg = f"unknown field {loc[-1]!r}" + (f"; did you mean {close[0]!r}?" if close else "")
        elif etype == "missing":
            msg = f"required field {loc[-1]!r} is missing" if loc else "required field missing"
        elif "input" in err and etype not in ("missing",):
            shown = repr(err["input"])
            if len(shown) > 60:
                shown = shown[:57] + "..."
            msg = f"{msg} (got {shown})"
        line = _line_for(lines, loc)
        problems.append(Problem(Location(file=file, line=line, path=path or None), rule, msg))
    return problems


def load_campaigns(text: str, file: str) -> tuple[list[Manifest], list[Problem]]:
    """Parse and validate the campaign documents of one rendered file."""
    docs, problems = parse_documents(text, file)
    manifests: list[Manifest] = []
    for index, (data, lines, first_line) in enumerate(docs):
        if data is None:
            continue  # an empty document (a template's trailing '---')
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    Location(file=file, line=first_line),
                    "document-shape",
                    f"a manifest document is a mapping (one campaign), got {type(data).__name__}",
                )
            )
            continue
        try:
            campaign = Campaign.model_validate(data)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, lines, file))
            continue
        manifests.append(Manifest(campaign=campaign, file=file, document=index, lines=lines))
    return manifests, problems
