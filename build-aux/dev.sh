#!/usr/bin/env bash
# Confab's two entry points for a fresh Debian 12 machine:
#   build-aux/dev.sh run    install what is missing, build, start Confab
#   build-aux/dev.sh test   install what is missing, build, run every test headless
# CI=true makes warnings errors and adds an AddressSanitizer + UBSan run of the tests.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mode=${1:-run}
shift || true
build=${BUILD_DIR:-_build}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local wanted missing=()
  wanted=$(grep -v -E '^\s*(#|$)' build-aux/debian-packages.txt)
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

configure_and_build() {
  local dir=$1; shift
  if [ -d "$dir" ] && [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
  meson compile -C "$dir"
}

run_tests() {
  local dir=$1 status=0; shift
  # One display and one D-Bus session for the whole run; display tests skip without them.
  xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || status=$?
  # A plain closing line any reader understands.
  python3 build-aux/test-summary.py "$dir/meson-logs/testlog.json"
  return ${status:-0}
}

# The fuzzer on a scratch copy of the corpus: FUZZ_RUNS inputs (default 300,000, about a
# minute) from FUZZ_SEED (default 1), so a CI run is the same run every time and a pass stays
# a pass; set FUZZ_SEED=0 for a new random seed. New inputs that found coverage are left in the
# scratch folder and named in the log, for a person to merge into tests/fuzz/corpus; a crash
# fails the run and leaves its reproducer there.
fuzz_briefly() {
  local dir=$1 scratch
  scratch=$(mktemp -d)
  "$dir/tests/fuzz/fuzz-frame" -runs="${FUZZ_RUNS:-300000}" -seed="${FUZZ_SEED:-1}" -print_final_stats=1 \
    -dict=tests/fuzz/frame.dict -artifact_prefix="$scratch/" "$scratch" tests/fuzz/corpus \
    2> "$dir/fuzz.log" || { tail -40 "$dir/fuzz.log"; echo "fuzz-frame failed; see $scratch"; return 1; }
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' "$dir/fuzz.log" || true
  echo "fuzz-frame: $(ls "$scratch" | wc -l) new inputs in $scratch"
}

werror=false
[ "${CI:-}" = true ] && werror=true

install_packages

case "$mode" in
  run)
    configure_and_build "$build" -Dwerror=$werror
    export GSETTINGS_SCHEMA_DIR="$here/$build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
    export CONFAB_LOCALEDIR="$here/$build/po"
    exec "$build/src/confab" "$@"
    ;;
  test)
    configure_and_build "$build" -Dwerror=$werror
    run_tests "$build" "$@"
    if [ "${CI:-}" = true ] || [ "${CONFAB_ASAN:-}" = 1 ]; then
      echo "== the same tests under AddressSanitizer and UndefinedBehaviorSanitizer =="
      configure_and_build "${build}-asan" -Dwerror=$werror -Db_sanitize=address,undefined -Db_lundef=false
      run_tests "${build}-asan" "$@"
    fi
    if [ "${CI:-}" = true ] || [ "${CONFAB_CLANG:-}" = 1 ]; then
      echo "== the whole project built with clang, and the frame fuzzer run for a while =="
      CC=clang configure_and_build "${build}-clang" -Dwerror=$werror -Dfuzzing=true
      fuzz_briefly "${build}-clang"
    fi
    ;;
  *)
    echo "usage: $0 run|test [arguments]" >&2
    exit 2
    ;;
esac
