"""A small GitHub Actions runner for the tests: runs a workflow's steps, in order, as GitHub would.

It reads the workflow YAML and the composite action (action.yml) themselves, evaluates the
``${{ }}`` expressions they use (a subset of GitHub's expression language, strict: an unknown
context, function or operator fails the test, so a workflow the tests cannot follow breaks them),
and runs every ``run:`` step with bash as GitHub does (``bash --noprofile --norc -eo pipefail``),
with a fake ``GITHUB_*`` environment, ``$GITHUB_OUTPUT`` files and step outputs. The third-party
actions are stood in for by what they do here: checkout (the directory is the checkout; the test
checks ``persist-credentials: false``), setup-python (the test's Python is on PATH), upload-artifact
(zips the files into the fake GitHub). The action's own install step is the one step not run: the
test's virtualenv already has this checkout installed (bench/wheel_smoke.sh installs it for real).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
THIS_ACTION = re.compile(r"^OWNER/REPO@[0-9a-f]{40}$")  # how the example workflows name the action
PINNED = re.compile(r"^actions/(checkout|setup-python|upload-artifact)@[0-9a-f]{40}$")

# ---- expressions --------------------------------------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||<=|>=|[!<>()\[\].,])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


def truthy(v: Any) -> bool:
    return v not in (None, False, 0, "") and v == v


def as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict | list):
        return json.dumps(v)
    return str(v)


def loose_eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()  # GitHub compares strings ignoring case
    if a is None or b is None:
        return a is b or as_text(a) == as_text(b)
    return bool(a == b)


class Expr:
    """Parse and evaluate one expression (recursive descent)."""

    def __init__(self, text: str, ctx: dict[str, Any], status: Callable[[str], bool]) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot read expression at {text[pos:]!r}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0
        self.ctx = ctx
        self.status = status

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ValueError(f"expected {value!r}, got {tok!r}")
        self.i += 1
        return tok

    def value(self) -> Any:
        v = self.or_()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r}")
        return v

    def or_(self) -> Any:
        v = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            v = v if truthy(v) else right
        return v

    def and_(self) -> Any:
        v = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.cmp()
            v = right if truthy(v) else v
        return v

    def cmp(self) -> Any:
        v = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            right = self.unary()
            v = loose_eq(v, right) if op == "==" else not loose_eq(v, right)
        return v

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if (kind, text) == ("op", "("):
            v = self.or_()
            self.take(")")
            return v
        if kind != "name":
            raise ValueError(f"unexpected {text!r}")
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.peek() == ("op", "("):
            self.take("(")
            args: list[Any] = []
            while self.peek() != ("op", ")"):
                args.append(self.or_())
                if self.peek() == ("op", ","):
                    self.take()
            self.take(")")
            return self.call(text, args)
        if text not in self.ctx:
            raise ValueError(f"unknown context {text!r}")
        v: Any = self.ctx[text]
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                key: Any = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            v = v.get(key) if isinstance(v, dict) else None
        return v

    def call(self, name: str, args: list[Any]) -> Any:
        if name in ("always", "success", "failure", "cancelled"):
            return self.status(name)
        if name == "startsWith":
            return as_text(args[0]).lower().startswith(as_text(args[1]).lower())
        if name == "contains":
            return as_text(args[1]).lower() in as_text(args[0]).lower()
        raise ValueError(f"unknown function {name}()")


def evaluate(text: str, ctx: dict[str, Any], status: Callable[[str], bool]) -> Any:
    return Expr(text, ctx, status).value()


EMBED = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(value: Any, ctx: dict[str, Any], status: Callable[[str], bool]) -> Any:
    if not isinstance(value, str):
        return value
    whole = EMBED.fullmatch(value.strip())
    if whole:
        return evaluate(whole.group(1), ctx, status)
    return EMBED.sub(lambda m: as_text(evaluate(m.group(1), ctx, status)), value)


def condition(raw: Any, ctx: dict[str, Any], status: Callable[[str], bool]) -> bool:
    if raw is None:
        return status("success")
    text = str(raw).strip()
    whole = EMBED.fullmatch(text)
    if whole:
        text = whole.group(1)
    if not re.search(r"\b(always|success|failure|cancelled)\(", text):
        text = f"success() && ({text})"  # GitHub's implicit status check
    return truthy(evaluate(text, ctx, status))


# ---- running steps ------------------------------------------------------------------------------


@dataclass
class StepRun:
    id: str
    name: str
    outcome: str  # success / failure / skipped
    outputs: dict[str, str]
    env: dict[str, str]
    stdout: str = ""
    inner: dict[str, StepRun] = field(default_factory=dict)  # a composite action's steps, by id


@dataclass
class RunResult:
    conclusion: str
    steps: list[StepRun]
    log: str

    def step(self, step_id: str) -> StepRun:
        return next(s for s in self.steps if s.id == step_id)


def read_outputs(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n") if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : j])
            i = j + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


@dataclass
class Runner:
    """One job of one workflow run, in ``workdir`` (the checkout)."""

    workdir: Path
    github: dict[str, Any]  # the github context (event, sha, repository, token, ...)
    secrets: dict[str, str]
    vars: dict[str, str]
    base_env: dict[str, str]
    upload: Callable[[str, dict[str, bytes]], None]  # artifact name, files -> the fake GitHub
    log: list[str] = field(default_factory=list)
    counter: int = 0

    def run_workflow(self, path: Path) -> RunResult:
        wf = yaml.safe_load(path.read_text(encoding="utf-8"))
        (job,) = wf["jobs"].values()
        results: list[StepRun] = []
        failed = [False]

        def status(name: str) -> bool:
            return {"always": True, "success": not failed[0], "failure": failed[0], "cancelled": False}[name]

        for i, step in enumerate(job["steps"]):
            ctx = self.context(results, {})
            sid = step.get("id", f"step{i}")
            if not condition(step.get("if"), ctx, status):
                results.append(StepRun(sid, step.get("name", sid), "skipped", {}, {}))
                continue
            res = self.run_step(step, sid, ctx, status)
            results.append(res)
            failed[0] = failed[0] or res.outcome == "failure"
        return RunResult("failure" if failed[0] else "success", results, "\n".join(self.log))

    def context(self, steps: list[StepRun], inputs: dict[str, Any]) -> dict[str, Any]:
        return {
            "github": self.github,
            "secrets": self.secrets,
            "vars": self.vars,
            "inputs": inputs,
            "steps": {
                s.id: {"outputs": s.outputs, "outcome": s.outcome, "conclusion": s.outcome} for s in steps
            },
            "runner": {"temp": self.base_env["RUNNER_TEMP"], "os": "Linux"},
        }

    def run_step(
        self, step: dict[str, Any], sid: str, ctx: dict[str, Any], status: Callable[[str], bool]
    ) -> StepRun:
        name = str(interpolate(step.get("name", sid), ctx, status))
        env = {k: as_text(interpolate(v, ctx, status)) for k, v in (step.get("env") or {}).items()}
        if "run" in step:
            return self.shell(sid, name, str(step["run"]), env, {})
        uses = str(step["uses"])
        with_ = {k: interpolate(v, ctx, status) for k, v in (step.get("with") or {}).items()}
        if THIS_ACTION.match(uses):
            return self.composite(sid, name, with_, env)
        assert PINNED.match(uses), f"unexpected or unpinned action: {uses}"
        if uses.startswith("actions/checkout@"):
            assert with_.get("persist-credentials") is False, "checkout must not persist credentials"
        elif uses.startswith("actions/upload-artifact@"):
            files: dict[str, bytes] = {}
            for p in str(with_["path"]).split("\n"):
                p = p.strip()
                f = Path(p) if Path(p).is_absolute() else self.workdir / p
                if p and f.is_file():
                    files[f.name if Path(p).is_absolute() else p] = f.read_bytes()
            if not files and with_.get("if-no-files-found") == "error":
                return StepRun(sid, name, "failure", {}, env)
            self.upload(str(with_["name"]), files)
        return StepRun(sid, name, "success", {}, env)

    def composite(self, sid: str, name: str, with_: dict[str, Any], env: dict[str, str]) -> StepRun:
        action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
        assert action["runs"]["using"] == "composite"
        inputs: dict[str, Any] = {}
        for key, spec in action["inputs"].items():
            if key in with_:
                inputs[key] = as_text(with_[key])
            else:
                inputs[key] = as_text(
                    interpolate(spec.get("default", ""), self.context([], {}), lambda _: True)
                )
        unknown = set(with_) - set(action["inputs"])
        assert not unknown, f"inputs the action does not have: {unknown}"
        results: list[StepRun] = []
        failed = False

        def status(n: str) -> bool:
            return {"always": True, "success": not failed, "failure": failed, "cancelled": False}[n]

        for i, step in enumerate(action["runs"]["steps"]):
            ctx = self.context(results, inputs)
            inner = step.get("id", f"{sid}-{i}")
            if not condition(step.get("if"), ctx, status):
                results.append(StepRun(inner, inner, "skipped", {}, {}))
                continue
            step_env = {
                **env,
                **{k: as_text(interpolate(v, ctx, status)) for k, v in (step.get("env") or {}).items()},
            }
            if inner == "install":
                # Not run: the venv has this checkout installed; the wheel script installs it for real.
                assert "pip install" in step["run"] and '"$GITHUB_ACTION_PATH"' in step["run"]
                results.append(StepRun(inner, str(step.get("name")), "success", {}, step_env))
                continue
            assert step.get("shell") == "bash"
            res = self.shell(
                inner, str(step.get("name")), str(step["run"]), step_env, {"GITHUB_ACTION_PATH": str(ROOT)}
            )
            results.append(res)
            failed = failed or res.outcome == "failure"
        ctx = self.context(results, inputs)
        outputs = {
            k: as_text(interpolate(v["value"], ctx, lambda _: True)) for k, v in action["outputs"].items()
        }
        self.inner_steps = results
        inner = {s.id: s for s in results}
        return StepRun(sid, name, "failure" if failed else "success", outputs, env, inner=inner)

    def shell(self, sid: str, name: str, script: str, env: dict[str, str], extra: dict[str, str]) -> StepRun:
        self.counter += 1
        out_file = Path(self.base_env["RUNNER_TEMP"]) / f"_output_{self.counter}"
        out_file.write_text("")
        full_env = {**self.base_env, **extra, **env, "GITHUB_OUTPUT": str(out_file)}
        p = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.workdir,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.log.append(f"== {name} (exit {p.returncode})\n{p.stdout}{p.stderr}")
        return StepRun(
            sid,
            name,
            "success" if p.returncode == 0 else "failure",
            read_outputs(out_file),
            env,
            p.stdout + p.stderr,
        )


def venv_path() -> str:
    """PATH with this interpreter's bin first: `python` and `smartplus` are the test's own."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")])


def zip_bytes(files: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return buf.getvalue()
