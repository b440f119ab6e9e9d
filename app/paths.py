"""Every path Bordereau uses, from platformdirs, with one override (``--data-dir``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs.api import PlatformDirsABC

APP_NAME = "Bordereau"
DATA_DIR_ENV = "BORDEREAU_DATA_DIR"
DATABASE_URL_ENV = "BORDEREAU_DATABASE_URL"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    cache_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def database_file(self) -> Path:
        return self.data_dir / "bordereau.sqlite3"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "pieces"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "sauvegardes"

    @property
    def archive_dir(self) -> Path:
        """Issued invoices' PDF and content, written once, never rewritten."""
        return self.data_dir / "archives"

    @property
    def crash_dir(self) -> Path:
        return self.log_dir / "plantages"

    @property
    def directory_file(self) -> Path:
        """The local index of the public-structure directory (rebuildable cache)."""
        return self.data_dir / "annuaire.sqlite3"

    @property
    def simulator_state_file(self) -> Path:
        return self.data_dir / "simulateur.json"

    @property
    def platform_simulator_state_file(self) -> Path:
        """The demo Plateforme Agréée's flows."""
        return self.data_dir / "plateforme-demo.json"

    def ensure(self) -> None:
        for directory in (
            self.data_dir,
            self.config_dir,
            self.log_dir,
            self.cache_dir,
            self.attachments_dir,
            self.backups_dir,
            self.crash_dir,
        ):
            directory.mkdir(parents=True, exist_ok=True)
            if os.name == "posix":
                directory.chmod(0o700)


def resolve_paths(
    data_dir: Path | str | None = None, *, system: type[PlatformDirsABC] | None = None
) -> AppPaths:
    """Paths under ``data_dir`` when given (or ``$BORDEREAU_DATA_DIR``), else the OS defaults
    (``system``: platformdirs' class for another OS, so that its layout can be tested here)."""
    override = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV) or None
    if override is not None:
        root = Path(override).expanduser().resolve()
        return AppPaths(
            data_dir=root / "data",
            config_dir=root / "config",
            log_dir=root / "logs",
            cache_dir=root / "cache",
        )
    import platformdirs

    dirs = (system or platformdirs.PlatformDirs)(APP_NAME, appauthor=False)
    return AppPaths(
        data_dir=Path(dirs.user_data_dir),
        config_dir=Path(dirs.user_config_dir),
        log_dir=Path(dirs.user_log_dir),
        cache_dir=Path(dirs.user_cache_dir),
    )


def resolve_database_url(database_url: str | None, paths: AppPaths) -> str:
    url = database_url or os.environ.get(DATABASE_URL_ENV) or None
    if url:
        return url
    return f"sqlite:///{paths.database_file}"
