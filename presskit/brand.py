"""`presskit.toml`: the brand and the render settings a site shares across posts.

Found next to the post or in a parent folder (so one file at a site's root serves every post),
or named with `--config`. With none, a neutral built-in brand applies: nothing from any real
organisation ships in the default theme.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presskit.errors import PresskitError

CONFIG_NAME = "presskit.toml"
PAGE_SIZES = {"a4": "A4", "letter": "letter", "a5": "A5", "legal": "legal"}
COLOR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Brand:
    name: str = "Press Office"
    logo: Path | None = None
    primary: str = "#1F3A5F"
    accent: str = "#D9822B"
    text: str = "#1D232B"
    about: str = ""
    website: str = ""
    contacts: tuple[Contact, ...] = ()
    body_fonts: tuple[str, ...] = ()
    heading_fonts: tuple[str, ...] = ()
    mono_fonts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    brand: Brand = field(default_factory=Brand)
    path: Path | None = None
    lang: str = "en"
    base_url: str | None = None
    page_size: str = "A4"
    theme: str = "default"
    offline: bool = False
    strict_fonts: bool = False
    unsafe_html: bool = False
    attachments: bool = False

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None


def find_config(start: Path) -> Path | None:
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.resolve().parents]:
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PresskitError(f"cannot read config: {error.strerror}", path) from None
    except UnicodeDecodeError:
        raise PresskitError("config is not valid UTF-8", path) from None
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise PresskitError(
            f"invalid TOML: {message}", path, int(line.group(1)) if line else None
        ) from None
    return config_from_dict(data, path)


def _str(data: dict[str, Any], key: str, path: Path, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise PresskitError(f"`{key}` must be a string", path)
    return value


def _fonts(data: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PresskitError(f"`fonts.{key}` must be a font family or a list of them", path)
    return tuple(value)


def _color(data: dict[str, Any], key: str, path: Path, default: str) -> str:
    value = _str(data, key, path, default)
    if not COLOR.fullmatch(value):
        raise PresskitError(f"`brand.{key}` must be a colour like #1F3A5F, got {value!r}", path)
    return value


def config_from_dict(data: dict[str, Any], path: Path) -> Config:
    raw_brand = data.get("brand", {})
    if not isinstance(raw_brand, dict):
        raise PresskitError("`[brand]` must be a table", path)
    defaults = Brand()
    logo_name = _str(raw_brand, "logo", path)
    logo = (path.parent / logo_name) if logo_name else None
    if logo is not None and not logo.is_file():
        raise PresskitError(f"brand logo not found: {logo_name}", path)
    fonts = raw_brand.get("fonts", {})
    if not isinstance(fonts, dict):
        raise PresskitError("`[brand.fonts]` must be a table", path)
    contacts_raw = raw_brand.get("contacts", [])
    if not isinstance(contacts_raw, list) or not all(isinstance(c, dict) for c in contacts_raw):
        raise PresskitError("`[[brand.contacts]]` must be a list of tables", path)
    brand = Brand(
        name=_str(raw_brand, "name", path, defaults.name),
        logo=logo,
        primary=_color(raw_brand, "primary", path, defaults.primary),
        accent=_color(raw_brand, "accent", path, defaults.accent),
        text=_color(raw_brand, "text", path, defaults.text),
        about=_str(raw_brand, "about", path).strip(),
        website=_str(raw_brand, "website", path),
        contacts=tuple(
            Contact(_str(c, "name", path), _str(c, "email", path), _str(c, "phone", path))
            for c in contacts_raw
        ),
        body_fonts=_fonts(fonts, "body", path),
        heading_fonts=_fonts(fonts, "headings", path),
        mono_fonts=_fonts(fonts, "mono", path),
    )
    page_size = _str(data, "page_size", path, "A4")
    if page_size.lower() not in PAGE_SIZES:
        raise PresskitError(f"`page_size` must be A4 or Letter, got {page_size!r}", path)
    base_url = _str(data, "base_url", path) or None
    if base_url and not re.match(r"https?://", base_url):
        raise PresskitError("`base_url` must start with http:// or https://", path)
    switches = {}
    for key in ("offline", "strict_fonts", "unsafe_html", "attachments"):
        switches[key] = data.get(key, False)
        if not isinstance(switches[key], bool):
            raise PresskitError(f"`{key}` must be true or false", path)
    return Config(
        brand=brand,
        path=path,
        lang=_str(data, "lang", path, "en"),
        base_url=base_url,
        page_size=PAGE_SIZES[page_size.lower()],
        theme=_str(data, "theme", path, "default"),
        **switches,
    )
