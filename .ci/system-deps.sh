#!/usr/bin/env bash
# Installs the system packages presskit needs, skipping those already present.
# Debian/Ubuntu as root: apt-get. Anywhere else: say exactly what to install, and stop.
set -euo pipefail

packages=(
  fonts-noto-cjk        # CJK text: Noto Sans/Serif CJK SC/TC/HK/JP/KR
  fonts-noto-core       # Noto Sans/Serif: Latin text that matches Noto CJK, many scripts
  fonts-dejavu-core     # monospace code
  fontconfig            # glyph-coverage check (libfontconfig), fc-list for doctor
  libpango-1.0-0        # WeasyPrint's text layout
  libpangoft2-1.0-0
  libharfbuzz-subset0   # fast font subsetting (1.1 s instead of 12.4 s on the sample)
  poppler-utils         # pdftotext/pdffonts/pdftoppm: tests and previews
  chromium              # the preview's browser test (headless)
  chromium-driver       # chromedriver, which Selenium drives it through
  libreoffice-writer-nogui  # tests: the Word backend's .docx opened and printed headless
  zbar-tools            # zbarimg: bench/corpus_site.py reads the QR code on every cover
)
# A Python that can make a virtual environment (Debian ships venv separately).
if ! python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  packages+=(python3 python3-venv)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done
else
  echo "presskit needs these system packages (Debian names; use your system's equivalents):" >&2
  printf '  %s\n' "${packages[@]}" >&2
  echo "This is not a Debian/Ubuntu system: install them with your package manager, then rerun." >&2
  exit 1
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "presskit needs these system packages, which are not installed:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  echo "Run that (as root), then rerun make." >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
