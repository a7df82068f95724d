#!/usr/bin/env bash
# The tests: unit tests, every service against a real broker and registry (started by the tests
# themselves), the module-graph check, the dashboard in headless chromium, and the end-to-end test.
# Installs Debian's chromium and chromium-driver first when they are missing (as root, or through sudo);
# where neither the browser nor a way to install it exists, the browser test is skipped with that reason.
# Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
browser=()
if (( ${#missing[@]} )); then
  as_root=()
  if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); fi
  if ! command -v apt-get >/dev/null 2>&1; then
    reason="${missing[*]} missing and there is no apt-get to install them"
  elif [[ $(id -u) -ne 0 && ${#as_root[@]} -eq 0 ]]; then
    reason="${missing[*]} missing and installing them needs root or passwordless sudo"
  else
    echo "installing ${missing[*]} for the dashboard's browser test"
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    reason=""
  fi
  if [[ -n "$reason" ]]; then
    echo "WARNING: the dashboard's browser test will be skipped: $reason" >&2
    browser=("-Dcares.browser.unavailable=$reason")
  fi
fi
exec ./mvnw verify "${browser[@]+"${browser[@]}"}" "$@"
