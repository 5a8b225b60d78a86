#!/usr/bin/env bash
# Makes sure the browser and document tests have what they need: Debian's Chromium,
# poppler-utils, the PDF fonts, HarfBuzz-Subset, LibreOffice (headless), and from
# package-lock.json axe-core and oidc-provider. A fast no-op when all are there. Playwright's
# own browser download is never used (`playwright install` cannot reach its download host here); the tests
# drive /usr/bin/chromium instead.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "browser_deps: $*" >&2; }
fail() { log "$*"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "$1 is missing and there is no apt-get to install it; install Debian's package '$1'."
  fi
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq >&2 || fail "apt-get update failed; cannot install $1."
    apt_updated=1
  fi
  log "installing $1 from Debian's packages"
  # shellcheck disable=SC2086 # $1 may name several packages
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends $1 >&2 ||
    fail "apt-get install $1 failed."
}

if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
  command -v chromium >/dev/null 2>&1 || fail "chromium is still not on PATH after installing it."
fi

# The PDF tests read the tjänsteutlåtande with pdftotext/pdfinfo and need its fonts.
command -v pdftotext >/dev/null 2>&1 || apt_install poppler-utils
# The font list is captured first and counted: under pipefail a pipe into a grep that stops
# reading early dies of SIGPIPE (141), which would reinstall fonts that are there.
fonts=$(fc-list 2>/dev/null || true)
[ "$(grep -ci "Liberation Serif" <<<"$fonts")" -gt 0 ] || apt_install fonts-liberation
[ "$(grep -ci "DejaVu Sans" <<<"$fonts")" -gt 0 ] || apt_install fonts-dejavu-core
# WeasyPrint subsets the embedded fonts with HarfBuzz-Subset; without it it falls back to
# fontTools and warns on every render (the PDF tests refuse warnings).
libs=$(ldconfig -p 2>/dev/null || true)
[ "$(grep -c "libharfbuzz-subset.so.0" <<<"$libs")" -gt 0 ] || apt_install libharfbuzz-subset0

# LibreOffice opens the exported .docx and .xlsx in tests, as a secretary or analyst would.
command -v soffice >/dev/null 2>&1 || apt_install "libreoffice-writer-nogui libreoffice-calc-nogui"

if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/oidc-provider/package.json ]; then
  command -v npm >/dev/null 2>&1 || apt_install npm
  log "installing axe-core and oidc-provider with npm ci (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error >&2 || fail "npm ci failed; axe-core is needed."
  [ -f node_modules/axe-core/axe.min.js ] ||
    fail "node_modules/axe-core/axe.min.js is still missing after npm ci."
fi
