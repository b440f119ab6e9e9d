from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.domain.environments import Environment
from app.settings import Settings, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.json")
    assert settings == Settings()
    assert settings.environment is Environment.DEMO
    assert settings.sync_interval_minutes == 15


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(
        environment=Environment.CUSTOM,
        api_url="http://127.0.0.1:9",
        supplier_siret="110 002 011 00044",
    )
    save_settings(settings, path)
    loaded = load_settings(path)
    assert loaded.environment is Environment.CUSTOM
    assert loaded.supplier_siret == "11000201100044"
    assert loaded.api_url == "http://127.0.0.1:9"


def test_unreadable_file_falls_back_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ceci n'est pas du JSON", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        settings = load_settings(path)
    assert settings == Settings()
    assert "Réglages illisibles" in caplog.text


def test_one_invalid_value_keeps_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"environment": "production", "sync_interval_minutes": -3}', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        settings = load_settings(path)
    assert settings.environment is Environment.PRODUCTION
    assert settings.sync_interval_minutes == 15
    assert "sync_interval_minutes" in caplog.text


def test_save_is_atomic_and_leaves_no_temp_file(tmp_path: Path) -> None:
    folder = tmp_path / "reglages"
    folder.mkdir()
    path = folder / "settings.json"
    save_settings(Settings(), path)
    save_settings(Settings(sync_interval_minutes=30), path)
    assert [p.name for p in folder.iterdir()] == ["settings.json"]
    assert load_settings(path).sync_interval_minutes == 30
