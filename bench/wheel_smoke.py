"""A wheel built from a fresh clone, installed in a new venv outside the repository, run for real.

What a user (or the GitHub Action, which runs `pip install "$GITHUB_ACTION_PATH"` on its own
checkout) gets: `git clone` of this repository's HEAD into a temporary directory, `pip wheel
--no-deps` there (setuptools from PyPI in an isolated build), a new venv in another temporary
directory, `pip install` of the wheel (its dependencies from PyPI), then, from a directory that is
not the repository: `smartplus --version`, `smartplus schema` (when the command exists), `smartplus
emulator serve` on a free loopback port and a `smartplus plan` of the demo manifests against it.
Slow (a minute or two: two installs), so not part of `make test`: `make wheel-smoke`.

Only committed files are in the clone: commit first.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh(
    *argv: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, check: bool = True
) -> str:
    t = time.monotonic()
    p = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    shown = " ".join(str(a) for a in argv)
    print(f"$ {shown}  ({time.monotonic() - t:.1f}s, exit {p.returncode})", flush=True)
    if check and p.returncode != 0:
        print(p.stdout[-4000:], p.stderr[-4000:], sep="\n")
        raise SystemExit(f"failed: {shown}")
    return p.stdout + p.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="smartplus-wheel-"))
    assert not tmp.is_relative_to(ROOT)
    try:
        head = sh("git", "-C", ROOT, "rev-parse", "HEAD").strip()
        print(f"HEAD {head}, work in {tmp}")
        src = tmp / "clone"
        sh("git", "clone", "--quiet", "--no-local", ROOT, src)
        sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp / "dist", src)
        (wheel,) = (tmp / "dist").glob("smartplus-*.whl")
        with zipfile.ZipFile(wheel) as z:
            names = z.namelist()
            meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
            schema = json.loads(z.read("reconciler/schemas/manifest.schema.json"))
        license_files = [n for n in names if "/licenses/" in n]
        print(f"wheel {wheel.name}: {len(names)} files; licenses {license_files}")
        assert "License-Expression: Apache-2.0" in meta, meta[:2000]
        assert any(n.endswith("/licenses/LICENSE") for n in license_files)
        assert "Classifier: Programming Language :: Python :: 3.11" in meta and "Project-URL: Source" in meta
        print(f"schema in the wheel: {len(json.dumps(schema)):,} characters, title {schema.get('title')!r}")

        venv = tmp / "venv"
        sh(sys.executable, "-m", "venv", venv)
        sh(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
        exe = venv / "bin" / "smartplus"
        work = tmp / "work"  # a user's repository, not this one
        shutil.copytree(src / "manifests" / "demo", work / "manifests")
        env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp), "NO_COLOR": "1", "LANG": "C.UTF-8"}
        print(sh(exe, "--version", cwd=work, env=env).strip())
        where = sh(
            venv / "bin" / "python", "-c", "import reconciler; print(reconciler.__file__)", cwd=work, env=env
        )
        assert where.strip().startswith(str(venv)), where
        print(f"imports from {where.strip()}")

        if " schema " in sh(exe, "--help", cwd=work, env=env):
            printed = json.loads(sh(exe, "schema", cwd=work, env=env))
            assert printed == schema, "smartplus schema differs from the schema in the wheel"
            print("smartplus schema: the same schema as the wheel's file")
        else:
            print("smartplus schema: no such command in this build (skipped)")

        port = free_port()
        log = open(tmp / "emulator.log", "w")  # noqa: SIM115 - closed in finally
        proc = subprocess.Popen(
            [exe, "emulator", "serve", "--port", str(port), "--db", tmp / "emulator.db"],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("the emulator did not start") from None
                    time.sleep(0.1)
            banner = (tmp / "emulator.log").read_text().strip()
            print("emulator serve:", banner.splitlines()[:6])
            env_api = {
                **env,
                "TIKTOK_ACCESS_TOKEN": "demo-token",
                "TIKTOK_API_BASE_URL": f"http://127.0.0.1:{port}/open_api/v1.3/",
            }
            p = subprocess.run(
                [exe, "plan", "manifests", "--detailed-exitcode", "-o", "plan.json"],
                cwd=work,
                env=env_api,
                capture_output=True,
                text=True,
                check=False,
            )
            print(f"$ smartplus plan manifests --detailed-exitcode -o plan.json  (exit {p.returncode})")
            print("\n".join(p.stdout.splitlines()[-3:]))
            print(p.stderr.strip())
            assert p.returncode == 2, p.stdout + p.stderr
            plan = json.loads((work / "plan.json").read_text())
            assert plan["summary"]["counts"]["create"] == 7
            assert "demo-token" not in p.stdout + p.stderr + json.dumps(plan)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()
        print("OK: the wheel from a fresh clone installs and runs outside the repository")
        return 0
    finally:
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
