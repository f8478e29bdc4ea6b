"""`riskguide registry stats`: the JSON contract, the chart file and polite refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.listings.store import SnapshotStore
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05

pytestmark = pytest.mark.skipif(not FA_2024_10_01.exists(), reason="shared snapshots absent")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RISKGUIDE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_json_and_png_from_the_stored_data(data_dir: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """After importing both lists, --json prints one object keyed by list with the contract's
    keys, and --png writes a chart that decodes; a second run takes it from the cache."""
    assert main(["registry", "import", str(FA_2024_10_01), "--registry", "foreign_agents"]) == 0
    assert main(["registry", "import", str(UND_2024_09_05), "--registry", "undesirable"]) == 0
    capsys.readouterr()
    chart = tmp_path / "chart.png"
    assert main(["registry", "stats", "--json", "--since", "2024-01", "--png", str(chart),
                 "--lang", "en"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert list(data) == ["foreign_agents", "undesirable"]
    fa = data["foreign_agents"]
    assert {k: fa[k] for k in ("as_of", "listed", "excluded", "persons", "organisations")} == {
        "as_of": "2024-10-01", "listed": 655, "excluded": 211, "persons": 488,
        "organisations": 378}
    assert list(fa["per_month"])[:2] == ["2024-01", "2024-02"]
    assert set(fa["per_month"]["2024-06"]) == {"added", "excluded"}
    assert "drawn in" in captured.err
    assert Image.open(io.BytesIO(chart.read_bytes())).format == "PNG"
    assert main(["registry", "stats", "--registry", "foreign_agents", "--since", "2024-01",
                 "--png", str(tmp_path / "again.png"), "--lang", "en"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("Register of foreign agents (data as of 1 October 2024)")
    assert "drawn in" in out.err  # a different selection (one list) is a different chart
    assert main(["registry", "stats", "--registry", "foreign_agents", "--since", "2024-01",
                 "--png", str(tmp_path / "third.png"), "--lang", "en"]) == 0
    assert "from the cache" in capsys.readouterr().err


def test_a_file_is_counted_without_storing_it(data_dir: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """--file counts one registry file as `registry import` reads it, and stores nothing."""
    assert main(["registry", "stats", "--registry", "foreign_agents", "--file",
                 str(FA_2024_10_01), "--json"]) == 0
    fa = json.loads(capsys.readouterr().out)["foreign_agents"]
    assert (fa["as_of"], fa["listed"], fa["excluded"]) == ("2024-10-01", 655, 211)
    stored = SnapshotStore(f"sqlite:///{data_dir / 'riskguide.db'}")
    assert stored.latest("foreign_agents") is None and stored.rejections("foreign_agents") == []


def test_bad_arguments_and_no_data(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed month or a file without one --registry is a usage error (2); no data is 1."""
    assert main(["registry", "stats", "--since", "2024/01"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["registry", "stats", "--file", str(FA_2024_10_01)]) == 2
    assert main(["registry", "stats"]) == 1
    assert "no registry data" in capsys.readouterr().err
    assert main(["registry", "stats", "--registry", "undesirable", "--file",
                 str(data_dir / "missing.json")]) == 1
