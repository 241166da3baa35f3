#!/usr/bin/env bash
# Make sure a Chromium the browser (journey) tests can drive is installed.
# Idempotent: prints the path of an existing browser and exits 0 if there is one.
# Order of preference: an existing system browser; Debian's chromium via apt
# (as root, or via password-less sudo); Playwright's bundled Chromium.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

find_browser() {
  local candidate
  if [[ -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]]; then
    echo "${CHROMIUM_PATH}"
    return 0
  fi
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  if [[ -x /usr/bin/chromium ]]; then
    echo /usr/bin/chromium
    return 0
  fi
  return 1
}

apt_install() {
  # $@ is an optional privilege prefix (e.g. "sudo -n"). apt/dpkg chatter goes
  # to stderr so stdout carries only the browser path, for use in scripts.
  {
    "$@" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  } >&2
}

if path="$(find_browser)"; then
  echo "$path"
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "Installing Debian's chromium with apt-get..." >&2
    if apt_install && path="$(find_browser)"; then
      echo "$path"
      exit 0
    fi
    echo "apt-get install chromium failed; trying Playwright's browser." >&2
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing Debian's chromium with sudo apt-get..." >&2
    if apt_install sudo -n && path="$(find_browser)"; then
      echo "$path"
      exit 0
    fi
    echo "sudo apt-get install chromium failed; trying Playwright's browser." >&2
  fi
fi

python="${repo_root}/.venv/bin/python"
if [[ ! -x "$python" ]]; then
  python="$(command -v python3 || true)"
fi
if [[ -n "$python" ]] && "$python" -m playwright --version >/dev/null 2>&1; then
  echo "Installing Playwright's bundled Chromium..." >&2
  if "$python" -m playwright install chromium >&2; then
    # Playwright finds its own browser, so the tests need no CHROMIUM_PATH.
    echo "playwright-bundled"
    exit 0
  fi
fi

cat >&2 <<'MSG'
ensure_chromium: could not find or install Chromium.
Install one of these and re-run, or set CHROMIUM_PATH to a Chromium binary:
  - Debian/Ubuntu:  sudo apt-get install chromium
  - anywhere else:  .venv/bin/python -m playwright install chromium
MSG
exit 1
