"""The installed package: imported from site-packages (not the source tree),
version from Cargo agreeing with the installed metadata, curated exports,
typing marker."""

import importlib.metadata
import re
from pathlib import Path

import unicors

REPO = Path(__file__).resolve().parents[3]


def test_imported_from_the_installed_wheel():
    where = Path(unicors.__file__).resolve()
    assert "site-packages" in where.parts, where
    assert REPO / "bindings" / "python" / "python" not in where.parents


def test_version_matches_cargo_and_metadata():
    cargo = (REPO / "Cargo.toml").read_text()
    workspace_version = re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)
    assert unicors.__version__ == workspace_version
    assert importlib.metadata.version("unicors") == workspace_version


def test_curated_exports_and_typing_marker():
    assert sorted(unicors.__all__) == ["ConfigError", "Decision", "LivePolicy", "Policy", "Problem",
                                       "ShadowDifference", "__version__"]
    assert (Path(unicors.__file__).parent / "py.typed").exists()
    assert unicors.Policy.__module__ == "unicors"
    assert issubclass(unicors.ConfigError, ValueError)
