"""docker-compose.yml / Dockerfile checks that need no Docker engine.

Validators (each test skips when its tool is missing; at least one must be
there, see test_a_compose_validator_is_installed):
  * ``docker-compose config -q``  - Debian's docker-compose 1.29
    (``apt-get install --no-install-recommends docker-compose``)
  * ``docker compose config -q``  - the Docker CLI's compose v2 plugin, if any
  * ``dclint``                    - npm package, devDependency of
    tools/cypher-lint (``npm ci --prefix tools/cypher-lint``), settings in
    tools/cypher-lint/dclint.config.yaml; JSON-schema validation against the
    compose spec plus lint rules
``bash scripts/setup-test-tools.sh`` installs them. With
ROX_REQUIRE_TEST_TOOLS=1 a missing validator fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
GITIGNORE = ROOT / ".gitignore"
DCLINT = ROOT / "tools" / "cypher-lint" / "node_modules" / ".bin" / "dclint"
DCLINT_CONFIG = ROOT / "tools" / "cypher-lint" / "dclint.config.yaml"

REQUIRE_TOOLS = os.environ.get("ROX_REQUIRE_TEST_TOOLS", "") in ("1", "true", "yes")
SETUP_HINT = "run `bash scripts/setup-test-tools.sh`"


# --------------------------------------------------------------------------- helpers


def _clean_env() -> dict[str, str]:
    """Environment without compose/Neo4j variables that could mask the .env file."""
    return {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("NEO4J_") or k.startswith("COMPOSE_") or k.startswith("ROX_APP_"))
    }


def _docker_compose_v1() -> list[str] | None:
    exe = shutil.which("docker-compose")
    return [exe] if exe else None


def _docker_compose_v2() -> list[str] | None:
    exe = shutil.which("docker")
    if not exe:
        return None
    try:
        probe = subprocess.run(
            [exe, "compose", "version"], capture_output=True, text=True, timeout=30, env=_clean_env()
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return [exe, "compose"] if probe.returncode == 0 else None


def _dclint() -> list[str] | None:
    if DCLINT.exists() and shutil.which("node"):
        return [str(DCLINT)]
    return None


VALIDATORS = {
    "docker-compose": _docker_compose_v1,
    "docker compose": _docker_compose_v2,
    "dclint": _dclint,
}


def _need(kind: str) -> list[str]:
    cmd = VALIDATORS[kind]()
    if cmd is None:
        pytest.skip(f"{kind} not installed ({SETUP_HINT})")
    return cmd


def _env_file(tmp_path: Path, text: str | None = None) -> Path:
    p = tmp_path / "test.env"
    p.write_text(ENV_EXAMPLE.read_text() if text is None else text)
    return p


def _compose_config(cmd: list[str], compose_file: Path, env_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*cmd, "--env-file", str(env_file), "-f", str(compose_file), "config", "-q"],
        cwd=compose_file.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env=_clean_env(),
    )


def _dclint_run(cmd: list[str], compose_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*cmd, "--no-color", "-q", "-c", str(DCLINT_CONFIG), str(compose_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


BROKEN_COMPOSE = """\
services:
  neo4j:
    imagee: neo4j:5.26-community
  app:
    build: .
    depends_on:
      neo4j:
        condition: service_is_kind_of_up
"""


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def _cmd(service: dict) -> list[str]:
    cmd = service.get("command", [])
    return cmd.split() if isinstance(cmd, str) else [str(c) for c in cmd]


# --------------------------------------------------------------------------- validators


def test_a_compose_validator_is_installed():
    found = [name for name, probe in VALIDATORS.items() if probe() is not None]
    if not found:
        msg = f"no compose validator (docker-compose, docker compose, dclint) installed; {SETUP_HINT}"
        if REQUIRE_TOOLS:
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.mark.parametrize("kind", ["docker-compose", "docker compose"])
def test_compose_config_is_valid(kind, tmp_path):
    cmd = _need(kind)
    res = _compose_config(cmd, COMPOSE, _env_file(tmp_path))
    assert res.returncode == 0, f"{kind} config -q failed:\n{res.stderr}\n{res.stdout}"


@pytest.mark.parametrize("kind", ["docker-compose", "docker compose"])
def test_compose_config_rejects_broken_file(kind, tmp_path):
    cmd = _need(kind)
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(BROKEN_COMPOSE)
    res = _compose_config(cmd, broken, _env_file(tmp_path))
    assert res.returncode != 0, "validator accepted an invalid compose file"


@pytest.mark.parametrize("kind", ["docker-compose", "docker compose"])
def test_compose_requires_a_password(kind, tmp_path):
    cmd = _need(kind)
    no_password = "".join(
        line + "\n" for line in ENV_EXAMPLE.read_text().splitlines() if not line.startswith("NEO4J_PASSWORD=")
    )
    res = _compose_config(cmd, COMPOSE, _env_file(tmp_path, no_password))
    assert res.returncode != 0, "compose accepted a configuration without NEO4J_PASSWORD"
    assert "NEO4J_PASSWORD" in res.stderr + res.stdout


def test_dclint_accepts_compose_file():
    cmd = _need("dclint")
    res = _dclint_run(cmd, COMPOSE)
    assert res.returncode == 0, f"dclint reported errors:\n{res.stdout}\n{res.stderr}"


def test_dclint_rejects_broken_file(tmp_path):
    cmd = _need("dclint")
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(BROKEN_COMPOSE)
    res = _dclint_run(cmd, broken)
    assert res.returncode != 0, "dclint accepted an invalid compose file"


# --------------------------------------------------------------------------- structure


def test_services_exist(services):
    assert {"neo4j", "loader", "app"} <= set(services)


def test_neo4j_image_and_plugins(services):
    neo4j = services["neo4j"]
    image = neo4j["image"]
    assert re.fullmatch(r"neo4j:5\.26(\.\d+)?(-community|-enterprise)?", image), image
    plugins = json.loads(_env(neo4j)["NEO4J_PLUGINS"])
    assert {"apoc", "graph-data-science"} <= set(plugins)


def test_neo4j_auth_comes_from_env_file(services):
    env = _env(services["neo4j"])
    assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD(:?\?[^}]*)?\}", env["NEO4J_AUTH"]), env["NEO4J_AUTH"]
    # the image would turn NEO4J_PASSWORD into an (unknown) neo4j.conf setting
    assert "NEO4J_PASSWORD" not in env


def test_neo4j_healthcheck_uses_cypher_shell(services):
    hc = services["neo4j"]["healthcheck"]
    test = hc["test"]
    text = " ".join(test) if isinstance(test, list) else test
    assert "cypher-shell" in text and "RETURN 1" in text
    assert "-u neo4j" in text and "-p " in text
    # the password is expanded inside the container ($$), never written here
    assert "$${" in text or "$$NEO4J" in text or "${NEO4J_PASSWORD" in text
    assert int(hc.get("retries", 3)) >= 3


def test_neo4j_named_data_volume(compose, services):
    mounts = [str(v) for v in services["neo4j"].get("volumes", [])]
    data = [m for m in mounts if m.split(":")[1:2] == ["/data"]]
    assert data, mounts
    volume_name = data[0].split(":")[0]
    assert volume_name in (compose.get("volumes") or {}), "/data must be a named volume"


def _depends(service: dict) -> dict[str, str]:
    dep = service.get("depends_on", {})
    if isinstance(dep, list):
        return {name: "service_started" for name in dep}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in dep.items()}


def test_loader_is_one_shot_demo_load(services):
    loader = services["loader"]
    assert _depends(loader).get("neo4j") == "service_healthy"
    cmd = _cmd(loader)
    assert cmd[0] == "rox" and cmd[-1] == "demo", cmd
    assert cmd[cmd.index("--neo4j") + 1] == "bolt://neo4j:7687"
    assert str(loader.get("restart", "no")) == "no"
    assert {"NEO4J_USER", "NEO4J_PASSWORD"} <= set(_env(loader))


def test_app_service(services):
    app = services["app"]
    deps = _depends(app)
    assert deps.get("neo4j") == "service_healthy"
    assert deps.get("loader") == "service_completed_successfully"
    build = app["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    assert (ROOT / context / "Dockerfile").resolve() == DOCKERFILE.resolve()
    cmd = _cmd(app)
    assert cmd[:3] == ["streamlit", "run", "app.py"], cmd
    assert cmd[cmd.index("--server.port") + 1] == "8501"
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert any(str(p).endswith(":8501") for p in app.get("ports", []))
    env = _env(app)
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert {"NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"} <= set(env)


def test_no_password_literal_in_compose(services):
    text = COMPOSE.read_text()
    example = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if "=" in line and not line.startswith("#")
    )
    assert example.get("NEO4J_PASSWORD"), ".env.example must set NEO4J_PASSWORD"
    assert example["NEO4J_PASSWORD"] not in text
    for name, svc in services.items():
        for key, value in _env(svc).items():
            if re.search(r"PASSWORD|AUTH|SECRET|TOKEN", key):
                assert "${NEO4J_PASSWORD" in value, f"{name}.{key} must come from .env, got {value!r}"


def test_env_file_is_ignored():
    ignored = {line.strip() for line in GITIGNORE.read_text().splitlines()}
    assert ".env" in ignored, ".env must be in .gitignore"
    assert ".env" in {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    assert "NEO4J_PASSWORD=" in ENV_EXAMPLE.read_text()


def test_dockerfile():
    text = DOCKERFILE.read_text()
    ops = []
    for line in re.sub(r"\\\n", " ", text).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            op, _, arg = line.strip().partition(" ")
            ops.append((op.upper(), arg.strip()))
    froms = [arg for op, arg in ops if op == "FROM"]
    assert froms and froms[0].startswith("python:3.12-slim"), froms
    assert any(op == "RUN" and re.search(r"pip install (--[\w-]+ )*\.(\s|$)", arg) for op, arg in ops)
    users = [arg for op, arg in ops if op == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"
    assert ("EXPOSE", "8501") in ops
