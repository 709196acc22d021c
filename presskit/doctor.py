"""`presskit doctor`: is this machine able to render the kit, and in which fonts?

Checks what a render needs — pandoc, WeasyPrint with Pango, HarfBuzz subsetting (else fonts are
subset by the slower fontTools, or embedded whole) — and, per configured language, which
installed family will set the body text and whether it covers that language (fontconfig's
`:lang=` coverage, which for CJK means the ideographs, kana or hangul). Exit 1 when something
required is missing, with the package to install.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from dataclasses import dataclass

from presskit import i18n
from presskit.brand import Config
from presskit.errors import PresskitError
from presskit.output.fonts import stacks_for

GENERIC = {"serif", "sans-serif", "monospace"}
# fontconfig's language codes for coverage queries.
FC_LANG = {"zh-CN": "zh-cn", "zh-TW": "zh-tw", "zh-HK": "zh-hk", "ja": "ja", "ko": "ko"}
FONT_HINT = {
    "zh": "apt-get install fonts-noto-cjk",
    "ja": "apt-get install fonts-noto-cjk",
    "ko": "apt-get install fonts-noto-cjk",
}
DEFAULT_FONT_HINT = "apt-get install fonts-noto-core"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "warn" or "missing"
    detail: str
    hint: str = ""
    required: bool = True

    @property
    def failed(self) -> bool:
        return self.required and self.status == "missing"


def _fc(args: list[str]) -> list[str]:
    exe = shutil.which(args[0])
    if exe is None:
        return []
    done = subprocess.run([exe, *args[1:]], capture_output=True, text=True, check=False)
    return done.stdout.splitlines() if done.returncode == 0 else []


def _families(args: list[str]) -> set[str]:
    """The family names an `fc-list … --format %{family}\\n` prints (one font a line)."""
    return {name.strip() for line in _fc(args) for name in line.split(",")}


def _fc_lang(lang: str) -> str:
    tag = i18n.html_lang(lang)
    return FC_LANG.get(tag, tag.split("-")[0].lower())


def installed_families() -> set[str]:
    return _families(["fc-list", "--format", "%{family}\n"])


def families_covering(lang: str) -> set[str]:
    return _families(["fc-list", f":lang={_fc_lang(lang)}", "--format", "%{family}\n"])


def fallback_family(generic: str, lang: str) -> str | None:
    """What fontconfig substitutes for a generic family in this language."""
    found = _fc(["fc-match", "--format", "%{family}", f"{generic}:lang={_fc_lang(lang)}"])
    return found[0].split(",")[0].strip() if found else None


def check_pandoc() -> Check:
    try:
        from presskit.output.convert import pandoc_path

        path = pandoc_path()
        done = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
        version = done.stdout.splitlines()[0] if done.stdout else ""
    except (OSError, ImportError, PresskitError, RuntimeError) as error:
        return Check("pandoc", "missing", str(error), "pip install pypandoc-binary")
    if not version.startswith("pandoc 3"):
        return Check("pandoc", "missing", version or "no version", "pip install pypandoc-binary")
    return Check("pandoc", "ok", version.removeprefix("pandoc "))


def check_weasyprint() -> list[Check]:
    from presskit import weasy
    from presskit.weasy.engine import ACTIVE, import_weasyprint

    try:
        with warnings.catch_warnings():  # said in the table instead
            warnings.simplefilter("ignore", weasy.UntestedWeasyPrint)
            weasyprint = import_weasyprint()
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset, pango
    except (ImportError, OSError) as error:
        hint = "apt-get install libpango-1.0-0 libpangoft2-1.0-0; pip install weasyprint"
        return [Check("WeasyPrint", "missing", str(error).splitlines()[0], hint)]
    version = pango.pango_version()
    pango_text = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    untested = weasy.range_warning()
    checks = [
        Check(
            "WeasyPrint",
            "warn" if untested else "ok",
            weasyprint.__version__
            + (f": {untested}" if untested else f" (tested: {weasy.TESTED_RANGE})"),
            f"pip install 'weasyprint{weasy.TESTED_RANGE}'",
            required=False,
        ),
        Check("Pango", "ok" if version >= 14400 else "missing", pango_text, "Pango ≥ 1.44"),
    ]
    for patch in weasy.PATCHES:  # what of WeasyPrint's own code presskit replaces here
        if ACTIVE.get(patch.name):
            checks.append(Check(f"patch {patch.name}", "ok", "active", required=False))
        else:
            reason = "WeasyPrint untested" if untested else "what it replaces is not there"
            checks.append(Check(f"patch {patch.name}", "warn", f"off: {reason}", required=False))
    subset = bool(harfbuzz_subset) and harfbuzz.hb_version_atleast(4, 1, 0)
    checks.append(
        Check(
            "HarfBuzz subsetting",
            "ok" if subset else "warn",
            "hb-subset" if subset else "not available: fontTools subsets fonts, ~10× slower",
            "apt-get install libharfbuzz-subset0",
            required=False,
        )
    )
    return checks


def languages_of(config: Config) -> list[str]:
    """`languages` from the config, else the default language and content/<lang>/ folders."""
    if config.languages:
        return list(config.languages)
    found = [config.lang]
    content = config.root / "content" if config.root else None
    if content is not None and content.is_dir():
        for child in sorted(content.iterdir()):
            if child.is_dir() and i18n.is_known(child.name) and child.name not in found:
                found.append(child.name)
    return found


def check_fonts(
    lang: str, config: Config, serif: bool, installed: set[str], covering: set[str]
) -> Check:
    brand = config.brand
    stack = stacks_for(
        lang, serif=serif, body=brand.body_fonts, heading=brand.heading_fonts, mono=brand.mono_fonts
    )
    name = f"font {lang}"
    families = [f for f in stack.body if f not in GENERIC]
    present = [f for f in families if f in installed]
    hint = FONT_HINT.get(i18n.html_lang(lang).split("-")[0], DEFAULT_FONT_HINT)
    if not present:
        generic = stack.body[-1]
        fallback = fallback_family(generic, lang)
        if fallback and fallback in covering:
            return Check(
                name,
                "warn",
                f"none of {', '.join(families)} installed; {generic} gives {fallback}",
                hint,
                required=False,
            )
        return Check(name, "missing", f"none of {', '.join(families)} is installed", hint)
    used = present[0]
    covered = [f for f in present if f in covering]
    if used in covering:
        return Check(name, "ok", f"{used} (covers {lang})")
    if covered:
        return Check(name, "warn", f"{used} lacks {lang}; {covered[0]} fills in", required=False)
    return Check(name, "missing", f"{used}: no installed font in the stack covers {lang}", hint)


def diagnose(config: Config, serif: bool = False) -> list[Check]:
    checks = [check_pandoc(), *check_weasyprint()]
    if shutil.which("fc-list") is None:
        checks.append(
            Check("fontconfig", "missing", "fc-list not found", "apt-get install fontconfig")
        )
        return checks
    installed = installed_families()
    for lang in languages_of(config):
        covering = families_covering(lang)
        checks.append(check_fonts(lang, config, serif, installed, covering))
    return checks


def table(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"{'check':<{width}}  status   detail", f"{'-' * width}  -------  ------"]
    for check in checks:
        lines.append(f"{check.name:<{width}}  {check.status:<7}  {check.detail}")
    hints = [f"  {c.name}: {c.hint}" for c in checks if c.status != "ok" and c.hint]
    if hints:
        lines += ["", "to fix:", *hints]
    return "\n".join(lines)
