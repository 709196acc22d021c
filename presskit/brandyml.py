"""`_brand.yml` (the brand.yml format of Quarto and Shiny) → presskit's `[brand]` keys.

One brand file then serves the web site and the press kit. Only what a press release uses is
read: `meta` (name, link), `logo`, `color` (palette and theme colours) and `typography`
(base, headings, monospace families). `presskit.toml` wins wherever both set a key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from presskit.errors import PresskitError

BRAND_YML_NAMES = ("_brand.yml", "_brand.yaml")


def find_brand_yml(folder: Path) -> Path | None:
    for name in BRAND_YML_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _pick(value: Any, *keys: str) -> Any:
    """brand.yml lets many fields be a string or a mapping of variants; take the first set."""
    if isinstance(value, dict):
        for key in keys:
            if value.get(key):
                return value[key]
        return None
    return value


def _colour(value: Any, palette: dict[str, Any]) -> str | None:
    if not isinstance(value, str):
        return None
    seen = set()
    while value in palette and value not in seen:  # theme colours may name palette entries
        seen.add(value)
        value = palette[value]
    return value if isinstance(value, str) else None


def _family(value: Any) -> str | None:
    family = _pick(value, "family")
    return family if isinstance(family, str) else None


def _logo(data: dict[str, Any], folder: Path) -> str | None:
    logo = data.get("logo")
    images = logo.get("images", {}) if isinstance(logo, dict) else {}
    chosen = _pick(logo, "medium", "large", "small")
    chosen = _pick(chosen, "light", "path") if isinstance(chosen, dict) else chosen
    if isinstance(chosen, str) and isinstance(images, dict) and chosen in images:
        chosen = _pick(images[chosen], "path")
    if not isinstance(chosen, str):
        return None
    return str((folder / chosen).resolve())


def read_text(path: Path, what: str) -> str:
    """A settings file's text; unreadable or non-UTF-8 is a PresskitError naming `what`."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise PresskitError(f"cannot read {what}: {error.strerror}", path) from None
    except UnicodeDecodeError:
        raise PresskitError(f"{what} is not valid UTF-8", path) from None


def read_brand_yml(path: Path) -> dict[str, Any]:
    """The `[brand]` table that the brand.yml file amounts to (absolute logo path)."""
    import yaml  # only with a brand file: the batch's no-change path never reads one

    text = read_text(path, "brand file")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise PresskitError(f"invalid YAML: {problem}", path, line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PresskitError("brand file must be a mapping (meta, logo, color, typography)", path)
    brand: dict[str, Any] = {}
    meta = data.get("meta") or {}
    if isinstance(meta, dict):
        name = _pick(meta.get("name"), "full", "short")
        if isinstance(name, str):
            brand["name"] = name
        link = _pick(meta.get("link"), "home")
        if isinstance(link, str):
            brand["website"] = link
    logo = _logo(data, path.parent)
    if logo:
        brand["logo"] = logo
    color = data.get("color") or {}
    if isinstance(color, dict):
        palette = color.get("palette") or {}
        palette = palette if isinstance(palette, dict) else {}
        for ours, theirs in (
            ("primary", "primary"),
            ("accent", "secondary"),
            ("text", "foreground"),
            ("background", "background"),
        ):
            value = _colour(color.get(theirs), palette)
            if value:
                brand[ours] = value
    typography = data.get("typography") or {}
    if isinstance(typography, dict):
        fonts = {}
        for ours, theirs in (("body", "base"), ("headings", "headings"), ("mono", "monospace")):
            family = _family(typography.get(theirs))
            if family:
                fonts[ours] = [family]
        if fonts:
            brand["fonts"] = fonts
        files = _font_files(typography.get("fonts"), path.parent)
        if files:
            brand["font_files"] = files
    return brand


def _font_files(value: Any, folder: Path) -> list[dict[str, str]]:
    """`typography.fonts` entries with `source: file`: the brand's own font files."""
    found: list[dict[str, str]] = []
    if not isinstance(value, list):
        return found
    for entry in value:
        if not isinstance(entry, dict) or entry.get("source") != "file":
            continue
        family = entry.get("family")
        for item in entry.get("files") or []:
            rel = item if isinstance(item, str) else (item or {}).get("path")
            if not isinstance(family, str) or not isinstance(rel, str):
                continue
            face = {"family": family, "path": str((folder / rel).resolve())}
            if isinstance(item, dict):
                face.update({k: str(item[k]) for k in ("weight", "style") if k in item})
            found.append(face)
    return found
