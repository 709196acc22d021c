"""`presskit.toml`: the brand and the render settings a site shares across posts.

Named with `--config`, or found in the post's folder or a parent folder — but never inside the
content tree: a folder named `content`, a page bundle (a folder with `index.md` or `_index.md`)
and everything under them are written by post authors, so a `presskit.toml` there is ignored
with a warning. The search starts above the outermost such folder (the site root, for a Hugo
site). Files the config names (logo, `brand_file`, fonts, a theme folder) must lie inside the
config's own folder tree. With no config, a neutral built-in brand applies: nothing from any
real organisation ships in the default theme.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from presskit.brandyml import find_brand_yml, read_brand_yml, read_text
from presskit.errors import Diagnostic, PresskitError, toml_problem
from presskit.extensions import MODULE_NAME
from presskit.shortcodes.markers import UNKNOWN_POLICIES
from presskit.source.post import PRINTED_LIMITS, shorten
from presskit.source.site import Site, find_site, is_content_folder
from presskit.themes import names_folder
from presskit.tomlkeys import ANY, Schema, unknown_keys

CONFIG_NAME = "presskit.toml"
PAGE_SIZES = {"a4": "A4", "letter": "letter", "a5": "A5", "legal": "legal"}
SWITCHES = {
    "offline": False,
    "strict_fonts": False,
    "unsafe_html": False,
    "attachments": False,
    "quotes_sheet": False,
    "link_notes": True,
}
COLOR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
# Every key presskit.toml may hold: any other is a warning naming its line and the nearest of
# these (`presskit.tomlkeys`). A new setting is added here and read in `config_from_dict`.
BRAND_KEYS: Schema = {
    "name": None,
    "logo": None,
    "primary": None,
    "accent": None,
    "text": None,
    "background": None,
    "about": ANY,  # one text, or texts by language
    "website": None,
    "contacts": [{"name": None, "email": None, "phone": None, "role": None}],
    "fonts": {"body": None, "headings": None, "mono": None},
    "font_files": [{"family": None, "path": None, "weight": None, "style": None}],
}
CONFIG_KEYS: Schema = {
    "lang": None,
    "base_url": None,
    "page_size": None,
    "theme": None,
    "margin": None,
    "languages": None,
    "embargo_zones": None,
    "unknown_shortcodes": None,
    "brand_file": None,
    "extensions": None,
    **dict.fromkeys(SWITCHES),
    "brand": BRAND_KEYS,
}


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""
    role: str = ""


@dataclass(frozen=True)
class FontFile:
    """A font shipped with the brand (not installed): embedded through @font-face."""

    family: str
    path: Path
    weight: str = "normal"
    style: str = "normal"


@dataclass(frozen=True)
class Brand:
    name: str = "Press Office"
    logo: Path | None = None
    primary: str = "#1F3A5F"
    accent: str = "#D9822B"
    text: str = "#1D232B"
    background: str = "#FFFFFF"
    about: str = ""
    about_by_lang: tuple[tuple[str, str], ...] = ()
    website: str = ""
    contacts: tuple[Contact, ...] = ()
    body_fonts: tuple[str, ...] = ()
    heading_fonts: tuple[str, ...] = ()
    mono_fonts: tuple[str, ...] = ()
    font_files: tuple[FontFile, ...] = ()

    def about_for(self, lang: str) -> str:
        """The About text in the post's language when the brand has one, else the default."""
        wanted = lang.lower()
        for key, text in self.about_by_lang:
            if key.lower() == wanted:
                return text
        primary = wanted.split("-")[0]
        for key, text in self.about_by_lang:
            if key.lower().split("-")[0] == primary:
                return text
        return self.about


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
    unknown_shortcodes: str = "keep"  # keep | drop | error, as the filter's presskit.unknown
    attachments: bool = False
    margin: str | None = None
    quotes_sheet: bool = False
    link_notes: bool = True
    languages: tuple[str, ...] = ()
    brand_file: Path | None = None
    embargo_zones: tuple[str, ...] = ()  # IANA zones; empty: the audience's, by language
    extensions: tuple[str, ...] = ()  # modules declaring shortcodes (presskit.extensions)
    # What the config says about itself: names refused (outside its folder tree) and unknown
    # keys; each render reports them, a batch once.
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)
    # The Hugo site around the posts (`hugo.toml` …): it supplies what presskit.toml leaves out.
    site: Site | None = field(default=None, compare=False)
    explicit: frozenset[str] = frozenset()  # the keys presskit.toml sets: those win

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None


def _search_chain(start: Path, tree: Path | None = None) -> tuple[list[Path], list[Path]]:
    """(content folders on the way up, folders that may hold the config), nearest first.

    Everything at or below the *outermost* content folder counts as content: a bundle may
    fake a `content/` or a site root of its own inside itself, but not above itself.
    `tree` is a folder given to `presskit build`: everything strictly below it is what the
    batch renders, so it counts as content too, whatever its folders are named."""
    folder = (start if start.is_dir() else start.parent).resolve()
    chain = [folder, *folder.parents]
    root = tree.resolve() if tree is not None else None

    def content(f: Path) -> bool:
        return is_content_folder(f) or (root is not None and f != root and f.is_relative_to(root))

    outermost = max((i for i, f in enumerate(chain) if content(f)), default=-1)
    return chain[: outermost + 1], chain[outermost + 1 :]


def find_config(start: Path, tree: Path | None = None) -> Path | None:
    """The nearest `presskit.toml` above the content tree holding `start` (see module doc)."""
    for candidate in _search_chain(start, tree)[1]:
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def config_for(post: Path, trees: Iterable[Path] = (), named: Path | None = None) -> Path | None:
    """The `presskit.toml` a build given `trees` (its folder PATHs) uses for `post` (a post or
    a folder): `--config`, else the nearest above the content tree, where everything below
    the PATH holding the post is content. One rule for the build, its workers, the preview's
    page (the embargo line) and what the preview watches."""
    if named is not None:
        return named
    where = Path(os.path.abspath(post))
    tree = next((t for t in trees if where.is_relative_to(os.path.abspath(t))), None)
    return find_config(where if where.is_dir() else where.parent, tree)


def ignored_configs(start: Path, tree: Path | None = None) -> list[Path]:
    """The `presskit.toml` files inside the content tree around `start`, which are not read."""
    found = _search_chain(start, tree)[0]
    return [f / CONFIG_NAME for f in found if (f / CONFIG_NAME).is_file()]


def is_loose(post: Path) -> bool:
    """A post in no content tree (no `content` folder, no bundle on its way up): nothing
    tells its author's folders from its owner's, so a config found for it is data, not code."""
    return not _search_chain(post)[0]


def found_for_loose_post(cfg: Config) -> Config:
    """A config that a search found for a loose post, without its `extensions` (code): whoever
    can write beside the post could have written it. `--config` names one to trust."""
    if not cfg.extensions or cfg.path is None:
        return cfg
    names = ", ".join(cfg.extensions)
    warning = Diagnostic(
        f"extensions {names} not loaded: a presskit.toml found beside or above a loose post "
        "is not trusted with code (name it with --config to load them)",
        str(cfg.path),
    )
    return replace(cfg, extensions=(), warnings=(*cfg.warnings, warning))


IGNORED_CONFIG = (
    "ignored: configuration inside the content tree is not read "
    "(put it at the site root or pass --config)"
)


def confined(path: Path, name: str, what: str, warnings: list[str]) -> Path | None:
    """`name` relative to the config's folder, when it stays inside that folder's tree (after
    symlinks); else None and a warning. A config may come from a shared or downloaded site:
    it may style the kit, not draw `/etc/…` or `~/.ssh/…` on the cover or zip it."""
    root = path.parent.resolve()
    target = path.parent / name
    if target.resolve().is_relative_to(root):
        return target
    warnings.append(f"{what} {name} refused: outside the config's folder {root}")
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    text = read_text(path, "config")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = toml_problem(error, text)
        raise PresskitError(f"invalid TOML: {message}", path, line) from None
    config = config_from_dict(data, path)
    unknown = unknown_keys(text, data, CONFIG_KEYS, path)
    return replace(config, warnings=(*config.warnings, *unknown))


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


def _about(raw: dict[str, Any], path: Path) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`about` is one text, or a table of texts by language (`en` is the default)."""
    value = raw.get("about", "")
    if isinstance(value, str):
        return value.strip(), ()
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise PresskitError("`brand.about` must be a text or a table of texts by language", path)
    by_lang = tuple((key, text.strip()) for key, text in value.items())
    default = dict(by_lang).get("en") or (by_lang[0][1] if by_lang else "")
    return default, by_lang


FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")


def _font_files(value: Any, path: Path, warnings: list[str]) -> tuple[FontFile, ...]:
    where = "[[brand.font_files]]"
    if not isinstance(value, list) or not all(isinstance(f, dict) for f in value):
        raise PresskitError(f"`{where}` must be a list of tables (family, path)", path)
    files = []
    for entry in value:
        family, rel = _str(entry, "family", path), _str(entry, "path", path)
        if not family or not rel:
            raise PresskitError(f"`{where}` needs `family` and `path`", path)
        font = confined(path, rel, "font file", warnings)
        if font is None:
            continue
        if font.suffix.lower() not in FONT_SUFFIXES or not font.is_file():
            raise PresskitError(f"font file not found (.otf, .ttf, .woff, .woff2): {rel}", path)
        weight = str(entry.get("weight", "normal"))
        style = _str(entry, "style", path, "normal")
        if not re.fullmatch(r"normal|bold|[1-9]00", weight) or style not in ("normal", "italic"):
            raise PresskitError(f"`{where}`: weight 100…900 or bold, style normal or italic", path)
        files.append(FontFile(family, font, weight, style))
    return tuple(files)


def contacts_from(value: Any, path: Path, where: str) -> tuple[Contact, ...]:
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        raise PresskitError(f"`{where}` must be a list of tables (name, email, phone)", path)
    limit = PRINTED_LIMITS["contact"]  # printed on every cover: bounded like the title
    return tuple(
        Contact(*(shorten(_str(c, key, path), limit) for key in ("name", "email", "phone", "role")))
        for c in value
    )


def _merged_brand(
    data: dict[str, Any], path: Path, warnings: list[str]
) -> tuple[dict[str, Any], Path | None]:
    """`[brand]` over `_brand.yml` (found beside the config, or named by `brand_file`)."""
    raw_brand = data.get("brand", {})
    if not isinstance(raw_brand, dict):
        raise PresskitError("`[brand]` must be a table", path)
    named = _str(data, "brand_file", path)
    if named:
        brand_file = confined(path, named, "brand file", warnings)
        if brand_file is not None and not brand_file.is_file():
            raise PresskitError(f"brand file not found: {named}", path)
    else:
        found = find_brand_yml(path.parent)
        brand_file = found and confined(path, str(found), "brand file", warnings)
    if brand_file is None:
        return raw_brand, None
    from_yml = read_brand_yml(brand_file)
    fonts = {**from_yml.get("fonts", {}), **(raw_brand.get("fonts") or {})}
    merged = {**from_yml, **raw_brand}
    if fonts:
        merged["fonts"] = fonts
    return merged, brand_file


def _is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


MARGIN = re.compile(r"(?:\d+(?:\.\d+)?(?:mm|cm|in|pt)\s*){1,4}")


def config_from_dict(data: dict[str, Any], path: Path) -> Config:
    warnings: list[str] = []
    raw_brand, brand_file = _merged_brand(data, path, warnings)
    defaults = Brand()
    logo_name = _str(raw_brand, "logo", path)
    logo = confined(path, logo_name, "brand logo", warnings) if logo_name else None
    if logo is not None and not logo.is_file():
        raise PresskitError(f"brand logo not found: {logo_name}", path)
    fonts = raw_brand.get("fonts", {})
    if not isinstance(fonts, dict):
        raise PresskitError("`[brand.fonts]` must be a table", path)
    about, about_by_lang = _about(raw_brand, path)
    brand = Brand(
        name=_str(raw_brand, "name", path, defaults.name),
        logo=logo,
        primary=_color(raw_brand, "primary", path, defaults.primary),
        accent=_color(raw_brand, "accent", path, defaults.accent),
        text=_color(raw_brand, "text", path, defaults.text),
        background=_color(raw_brand, "background", path, defaults.background),
        about=about,
        about_by_lang=about_by_lang,
        website=_str(raw_brand, "website", path),
        contacts=contacts_from(raw_brand.get("contacts", []), path, "[[brand.contacts]]"),
        body_fonts=_fonts(fonts, "body", path),
        heading_fonts=_fonts(fonts, "headings", path),
        mono_fonts=_fonts(fonts, "mono", path),
        font_files=_font_files(raw_brand.get("font_files", []), path, warnings),
    )
    page_size = _str(data, "page_size", path, "A4")
    if page_size.lower() not in PAGE_SIZES:
        raise PresskitError(f"`page_size` must be A4 or Letter, got {page_size!r}", path)
    base_url = _str(data, "base_url", path) or None
    if base_url and not re.match(r"https?://", base_url):
        raise PresskitError("`base_url` must start with http:// or https://", path)
    margin = _str(data, "margin", path) or None
    if margin and not MARGIN.fullmatch(margin.strip()):
        raise PresskitError(f"`margin` must be 1 to 4 lengths like 20mm, got {margin!r}", path)
    switches = {key: data.get(key, default) for key, default in SWITCHES.items()}
    for key, value in switches.items():
        if not isinstance(value, bool):
            raise PresskitError(f"`{key}` must be true or false", path)
    extensions = data.get("extensions", [])
    if not isinstance(extensions, list) or not all(
        isinstance(x, str) and MODULE_NAME.fullmatch(x) for x in extensions
    ):
        raise PresskitError("`extensions` must be a list of Python module names", path)
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise PresskitError("`languages` must be a list of language tags", path)
    embargo_zones = data.get("embargo_zones", [])
    if not isinstance(embargo_zones, list) or not all(isinstance(z, str) for z in embargo_zones):
        raise PresskitError("`embargo_zones` must be a list of zones like Asia/Shanghai", path)
    for zone in embargo_zones:
        if not _is_zone(zone):
            raise PresskitError(f"`embargo_zones`: unknown time zone {zone!r}", path)
    unknown_shortcodes = _str(data, "unknown_shortcodes", path, "keep")
    if unknown_shortcodes not in UNKNOWN_POLICIES:
        raise PresskitError(
            f"`unknown_shortcodes` must be one of {', '.join(UNKNOWN_POLICIES)}, "
            f"got {unknown_shortcodes!r}",
            path,
        )
    theme = _str(data, "theme", path, "default")
    if names_folder(theme, path.parent / theme) and not confined(path, theme, "theme", warnings):
        theme = "default"
    return Config(
        brand=brand,
        warnings=tuple(Diagnostic(message, str(path)) for message in warnings),
        path=path,
        unknown_shortcodes=unknown_shortcodes,
        lang=_str(data, "lang", path, "en"),
        base_url=base_url,
        page_size=PAGE_SIZES[page_size.lower()],
        theme=theme,
        margin=margin,
        languages=tuple(languages),
        extensions=tuple(extensions),
        brand_file=brand_file,
        explicit=frozenset(data),
        embargo_zones=tuple(embargo_zones),
        **switches,
    )


def site_lang(config: Config, post: Path) -> str | None:
    """The language the config's Hugo site gives the file, if it is one of the site's pages."""
    page = config.site.locate(post) if config.site is not None else None
    return page.lang if page is not None else None


def with_site(config: Config, post: Path) -> Config:
    """`config` completed by the Hugo site holding `post`: its base URL, default language and
    raw-HTML choice, where presskit.toml does not set them. Without a site, `config` as is."""
    site = find_site(post)
    if site is None:
        return config
    changes: dict[str, Any] = {"site": site}
    if "base_url" not in config.explicit and site.base_url:
        changes["base_url"] = site.base_url
    if "lang" not in config.explicit:
        changes["lang"] = site.default_lang
    if "unsafe_html" not in config.explicit:
        changes["unsafe_html"] = site.unsafe_html
    return replace(config, **changes)
