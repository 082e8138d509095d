"""The Kubernetes manifests: valid for Kubernetes 1.32 (offline schemas), and each kustomization lists its files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
KUSTOMIZATIONS = sorted(DEPLOY.rglob("kustomization.yaml"))


def _manifests(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name != "kustomization.yaml")


def test_every_manifest_is_valid_for_kubernetes_1_32() -> None:
    validate = shutil.which("kubernetes-validate", path=str(Path(sys.executable).parent))
    assert validate is not None, "kubernetes-validate is in the dev extra"
    files = [str(p) for k in KUSTOMIZATIONS for p in _manifests(k.parent)]
    result = subprocess.run([validate, "--strict", "-k", "1.32.0", *files], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed") == len(files)


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS, ids=lambda p: str(p.parent.relative_to(DEPLOY.parent)))
def test_a_kustomization_lists_every_manifest_beside_it(kustomization: Path) -> None:
    resources = yaml.safe_load(kustomization.read_text(encoding="utf-8"))["resources"]
    bases = [r for r in resources if (kustomization.parent / r).is_dir()]  # an overlay's base: a kustomization
    assert all((kustomization.parent / base / "kustomization.yaml").is_file() for base in bases)
    assert sorted(set(resources) - set(bases)) == [p.name for p in _manifests(kustomization.parent)]


def test_the_service_deployment_budget_autoscaler_and_job_are_there() -> None:
    kinds = {
        yaml.safe_load(p.read_text(encoding="utf-8"))["kind"] for k in KUSTOMIZATIONS for p in _manifests(k.parent)
    }
    assert {"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Job"} <= kinds


def test_every_replica_reads_one_seed_count_and_anchor() -> None:
    deployment = yaml.safe_load((DEPLOY / "deployment.yaml").read_text(encoding="utf-8"))
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    sources = {e["name"]: e["valueFrom"]["configMapKeyRef"]["name"] for e in container["env"]}
    assert sources == {"SEED": "mockserver", "COUNT": "mockserver", "ANCHOR": "mockserver"}
    assert {"--seed=$(SEED)", "--count=$(COUNT)", "--anchor=$(ANCHOR)"} <= set(container["args"])
    assert deployment["spec"]["replicas"] == 3


def test_the_shared_state_overlay_points_every_replica_at_its_redis_with_the_admin_token_from_a_secret() -> None:
    overlay = DEPLOY / "shared-state"
    patches = yaml.safe_load((overlay / "kustomization.yaml").read_text(encoding="utf-8"))["patches"]
    env = {op["value"]["name"]: op["value"] for p in patches for op in yaml.safe_load(p["patch"])}
    service = yaml.safe_load((overlay / "redis-service.yaml").read_text(encoding="utf-8"))
    port = service["spec"]["ports"][0]["port"]
    assert env["MOCKSERVER_STATE"]["value"] == f"redis://{service['metadata']['name']}:{port}/0"
    secret = yaml.safe_load((overlay / "secret.yaml").read_text(encoding="utf-8"))
    reference = env["MOCKSERVER_ADMIN_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert (reference["name"], reference["key"] in secret["stringData"]) == (secret["metadata"]["name"], True)
