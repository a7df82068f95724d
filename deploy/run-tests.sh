#!/usr/bin/env bash
# The tests: unit tests, every service against a real broker and registry (started by the tests
# themselves), the dashboard in headless chromium, and the end-to-end test. Installs Debian's chromium
# and chromium-driver first when they are missing (as root, or through sudo). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
if (( ${#missing[@]} )); then
  echo "installing ${missing[*]} for the dashboard's browser test"
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
exec ./mvnw verify "$@"
