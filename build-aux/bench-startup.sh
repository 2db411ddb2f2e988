#!/usr/bin/env bash
# bench-startup.sh: how long Confab takes to show its conversation, against a bare libadwaita
# window and Dino, in one batch on one machine
#
# Copyright 2026 The Confab developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/bench-startup.sh [options]      (or: meson compile -C _build bench-startup)
#   -k K      timed runs per column (default 5)
#   -w W      warm-up runs per column first, not counted (default 1)
#   -n N      messages in the history (default 100000)
#   -N N      messages in the large history (default 1000000); -M leaves that column out
#   -b DIR    Confab build folder (default _build; built here unless run by meson)
#   -o DIR    output folder (default BUILD/bench-startup); generated histories are kept in
#             OUT/data and made again only when the generator changed or N did
#   -s SEC    settled: SEC seconds of a still picture and an idle app (default 4)
#   -t SEC    give up on a run after SEC seconds (default 120)
#   -v PCT    visually complete: the first frame within PCT % of the final picture (default 1)
#   -c LIST   only these columns (comma-separated names from the list below)
#   -B DIR    also a column "before-100k-online": the Confab of another build folder (built
#             there already, e.g. a git worktree of the last commit), run as confab-100k-online,
#             in the same batch. A change's gain is then read beside the noise between batches
#   -P        run each app, its X server and the frame watcher at nice -10 (root only): on a
#             machine busy with other work, less of that work lands inside the timings
#   -C        a cold shader cache in every run, as on an app's very first start (by default each
#             column keeps its own Mesa shader cache from run to run, filled by its warm-up run)
#
# Columns, each run in a fresh Xvfb 1280×800×24 and D-Bus session, with GSETTINGS_BACKEND=memory,
# fresh XDG folders holding a copy of the history, and a still cursor (gtk-cursor-blink=false).
# The bare window and Dino draw with GTK's default renderer, GL: on Xvfb, with no GPU, that is
# Mesa's llvmpipe. Confab draws as it would for a person on this machine: with no GPU render
# node it chooses GTK's cairo renderer (confab_ui_choose_renderer(), docs/architecture.md,
# "Drawing without a GPU"); gl-100k-online is Confab made to draw with GL, beside the others on
# their terms. A GL column keeps Mesa's shader cache (MESA_SHADER_CACHE_DIR) of its own across
# its runs, as a person's ~/.cache keeps it from one start to the next: without it, compiling
# the GL shaders a first frame needs takes most of that frame on llvmpipe, and that cost grows
# with the kinds of drawing in the picture, not with anything the app does (-C measures it):
#   bare                 build-aux/bench-startup/bare-window.c: header bar and label, the floor
#   confab-100k-online   Confab, its history cached, confab-server reachable on loopback. The
#                        service holds no copy of the conversation, so there is nothing to catch
#                        up: what is timed is Confab's own way from its cache to the screen
#   confab-100k-offline  the same, the service's port closed
#   confab-1m-online     a history ten times as long, online
#   gl-100k-online       confab-100k-online drawn with GL (GSK_RENDERER=gl), as the bare window is
#   before-100k-online   with -B: the other build's Confab, as confab-100k-online
#   dino-100k            Dino 0.4.2 (Debian 12's dino-im) with the same conversation in its own
#                        database, its server unreachable; left out when dino-im is missing
# Runs are interleaved (one of each column, then the next round), so a busy moment of the
# machine falls on every column alike.
#
# Per run: exec → visually complete (the first frame within -v % of the settled picture: the
# conversation at its newest message), the first painted frame, peak RSS (VmHWM) and CPU time
# when the picture settled. Per column: medians, the ratios to bare and to Dino, and the goals:
# start ≤ 1.3× bare and ≤ 0.45× Dino, peak RSS ≤ bare + 40 MB, 1M within 10 % of 100k.
# OUT/<column>.png is the final picture of each column's last run: look at it.
#
# Needs: xvfb-run, dbus-run-session, timeout, curl, python3, a C compiler, the X11, Xext, zlib and
# libadwaita development files; dino-im for the Dino column.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"
srcdir=$(cd "$here/.." && pwd)

# ---- one run, inside xvfb-run + dbus-run-session ------------------------------------------
# bench-startup.sh --inner RUN_DIR COMMAND...: the app's environment is RUN_DIR/env.
if [ "${1:-}" = "--inner" ]; then
  run=$2
  shift 2
  max=$BS_MAX

  # Settled means a still picture and an idle app: it learns the app's pid from app.pid.
  "$BS_BIN/framewatch" -i "$BS_INTERVAL" -s "$BS_SETTLE" -t "$max" -v "$BS_VC_PCT" -o "$run/final.png" \
    -p "$run/app.pid" > "$run/frames.txt" 2> "$run/framewatch.log" &
  fw=$!
  for _ in $(seq 500); do
    [ -s "$run/frames.txt" ] && break
    kill -0 "$fw" 2> /dev/null || break
    sleep 0.01
  done
  if [ ! -s "$run/frames.txt" ]; then
    echo "status=no-framewatch" > "$run/result.txt"
    kill "$fw" 2> /dev/null
    exit 0
  fi

  # Only what the app needs, the same for every column: nothing of the caller's session leaks in.
  mapfile -t app_env < "$run/env"
  app_env+=("DISPLAY=$DISPLAY" "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS" "PATH=$PATH"
            "HOME=$run/home" "LC_ALL=C.UTF-8" "XDG_DATA_HOME=$run/data" "XDG_CONFIG_HOME=$run/config"
            "XDG_CACHE_HOME=$run/cache" "XDG_RUNTIME_DIR=$run/runtime" "GSETTINGS_BACKEND=memory")
  [ -n "${XAUTHORITY:-}" ] && app_env+=("XAUTHORITY=$XAUTHORITY")

  # t0 is taken in the subshell that then becomes `timeout`, which starts the app at once.
  ( date +%s%N > "$run/t0"; exec timeout "$max" env -i "${app_env[@]}" "$@" ) > "$run/app.log" 2>&1 &
  tp=$!
  app=""
  # Stopped from outside (the batch was interrupted): the app goes too, by its pid.
  trap 'kill -TERM "$fw" "$tp" 2> /dev/null; [ -n "$app" ] && kill -KILL "$app" 2> /dev/null; exit 1' TERM INT
  # The app is the child of `timeout`; found with builtins only, not to take CPU from its start.
  for _ in $(seq 1000); do
    comm=""
    app=""
    read -r comm < "/proc/$tp/comm" 2> /dev/null
    # That file has no newline: read fails at its end, but has filled app.
    [ "$comm" = timeout ] && read -r app _ < "/proc/$tp/task/$tp/children" 2> /dev/null
    if [ -n "$app" ]; then
      echo "$app" > "$run/app.pid.part" && mv "$run/app.pid.part" "$run/app.pid"
      break
    fi
    kill -0 "$tp" 2> /dev/null || break
    sleep 0.002
  done

  wait "$fw"
  app_status=running
  hwm=NA
  cpu=NA
  if [ -n "$app" ] && [ -r "/proc/$app/status" ]; then
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$app/status")
    # utime + stime, in clock ticks; the name in field 2 has no spaces for these apps.
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$app/stat")
    cp "/proc/$app/status" "$run/proc-status.txt"
  else
    app_status=exited
  fi

  kill -TERM "$tp" 2> /dev/null   # timeout passes it on to the app
  for _ in $(seq 50); do
    kill -0 "$tp" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$tp" 2> /dev/null
  [ -n "$app" ] && kill -KILL "$app" 2> /dev/null
  wait "$tp" 2> /dev/null

  awk -v t0="$(cat "$run/t0")" -v app="$app_status" -v hwm="$hwm" -v cpu="$cpu" '
    function ms(ns) { return ns == "NA" ? "NA" : sprintf ("%.1f", (ns - t0) / 1e6) }
    $1 == "R" {
      for (i = 2; i <= NF; i++) { split ($i, kv, "="); r[kv[1]] = kv[2] }
      printf "status=%s app=%s first_paint_ms=%s visually_complete_ms=%s stable_ms=%s settled_ms=%s hwm_kb=%s cpu_ms=%s frames=%s\n",
        r["status"], app, ms(r["first_change_ns"]), ms(r["visually_complete_ns"]), ms(r["stable_ns"]),
        ms(r["last_change_ns"]), hwm, cpu, r["frames"]
    }' "$run/frames.txt" > "$run/result.txt"
  [ -s "$run/result.txt" ] || echo "status=no-result app=$app_status" > "$run/result.txt"
  exit 0
fi

# ---- the batch ---------------------------------------------------------------------------
usage() {
  sed -n '2,/^set -uo/p' "$self" | sed -e '/^set -uo/d' -e 's/^# \{0,1\}//'
  exit "${1:-2}"
}

runs=5
warmups=1
n_small=100000
n_large=1000000
with_large=1
build=${MESON_BUILD_ROOT:-$srcdir/_build}
out=""
settle=4
max=120
vc_pct=1
only=""
before=""
priority=()
interval=15
shader_cache=warm
while getopts "k:w:n:N:Mb:B:o:s:t:v:c:PCh" opt; do
  case $opt in
    k) runs=$OPTARG ;;
    w) warmups=$OPTARG ;;
    n) n_small=$OPTARG ;;
    N) n_large=$OPTARG ;;
    M) with_large=0 ;;
    b) build=$OPTARG ;;
    B) before=$OPTARG ;;
    o) out=$OPTARG ;;
    s) settle=$OPTARG ;;
    t) max=$OPTARG ;;
    v) vc_pct=$OPTARG ;;
    c) only=$OPTARG ;;
    P) priority=(nice -n -10) ;;
    C) shader_cache=cold ;;
    h) usage 0 ;;
    *) usage ;;
  esac
done
[ $# -ge "$OPTIND" ] && usage

fail() {
  echo "bench-startup: $*" >&2
  exit 1
}

for tool in xvfb-run dbus-run-session timeout curl python3 cc pkg-config; do
  command -v "$tool" > /dev/null || fail "$tool is missing"
done

build=$(cd "$build" 2> /dev/null && pwd) || fail "no build folder $build (meson setup _build first)"
out=${out:-$build/bench-startup}
mkdir -p "$out/bin" "$out/data" "$out/runs"
out=$(cd "$out" && pwd)

# Confab, its service and the generator: built here unless meson runs this (it built them).
if [ -z "${MESON_BUILD_ROOT:-}" ]; then
  meson compile -C "$build" confab:executable confab-server:executable confab-history-gen:executable > "$out/build.log" 2>&1 ||
    { tail -20 "$out/build.log"; fail "building Confab failed; see $out/build.log"; }
fi
confab=$build/src/confab
server=$build/src/confab-server
history_gen=$build/tests/bench/confab-history-gen
for f in "$confab" "$server" "$history_gen"; do
  [ -x "$f" ] || fail "$f was not built"
done
before_confab=""
if [ -n "$before" ]; then
  before_confab=$(cd "$before" 2> /dev/null && pwd)/src/confab
  [ -x "$before_confab" ] || fail "-B $before: no src/confab built there"
fi

# The frame watcher and the floor.
compile() {
  local src=$1 dst=$2
  shift 2
  if [ ! -x "$dst" ] || [ "$src" -nt "$dst" ]; then
    cc -O2 -Wall -Wextra -Wno-unused-parameter -o "$dst" "$src" "$@" || fail "cannot build $src"
  fi
}
# shellcheck disable=SC2046  # pkg-config's flags are meant to be split
compile "$here/bench-startup/framewatch.c" "$out/bin/framewatch" $(pkg-config --cflags --libs x11 xext zlib)
# shellcheck disable=SC2046
compile "$here/bench-startup/bare-window.c" "$out/bin/bare-window" $(pkg-config --cflags --libs libadwaita-1)

have_dino=0
if command -v dino-im > /dev/null; then
  have_dino=1
else
  echo "dino-im is not installed (apt-get install dino-im): the Dino column is left out"
fi

# ---- histories ---------------------------------------------------------------------------
# Made again when missing, or when the program that writes them changed.
make_confab_history() {
  local n=$1 dir="$out/data/confab-$1"

  if [ -s "$dir/lp.env" ] && [ "$dir/lp.env" -nt "$history_gen" ]; then
    return 0
  fi
  echo "writing a Confab history of $n messages…"
  rm -rf "$dir"
  mkdir -p "$dir"
  "$history_gen" "$n" "$dir/history.db" > "$dir/lp.env.part" || fail "confab-history-gen failed"
  mv "$dir/lp.env.part" "$dir/lp.env"
}

make_dino_profile() {
  local n=$1 dir="$out/data/dino-$1"

  if [ -e "$dir/done" ] && [ "$dir/done" -nt "$here/bench-startup/dino-profile.py" ]; then
    return 0
  fi
  echo "writing a Dino profile of $n messages…"
  rm -rf "$dir"
  python3 "$here/bench-startup/dino-profile.py" "$n" "$dir" || fail "dino-profile.py failed"
  touch "$dir/done"
}

label() {  # 100000 → 100k, 1000000 → 1m
  local n=$1
  if [ $((n % 1000000)) -eq 0 ]; then echo "$((n / 1000000))m"
  elif [ $((n % 1000)) -eq 0 ]; then echo "$((n / 1000))k"
  else echo "$n"; fi
}
small=$(label "$n_small")
large=$(label "$n_large")

columns=(bare "confab-$small-online" "confab-$small-offline" "gl-$small-online")
[ "$with_large" = 1 ] && columns+=("confab-$large-online")
[ -n "$before" ] && columns+=("before-$small-online")
[ "$have_dino" = 1 ] && columns+=("dino-$small")
if [ -n "$only" ]; then
  wanted=()
  for column in "${columns[@]}"; do
    case ",$only," in *",$column,"*) wanted+=("$column") ;; esac
  done
  [ ${#wanted[@]} -gt 0 ] || fail "none of the columns ${columns[*]} is in -c $only"
  columns=("${wanted[@]}")
fi

# The token for the online columns comes from the small history's identity: always made.
make_confab_history "$n_small"
case " ${columns[*]} " in *" confab-$large-online "*) make_confab_history "$n_large" ;; esac
case " ${columns[*]} " in *" dino-$small "*) make_dino_profile "$n_small" ;; esac

# ---- the service, for the online columns -------------------------------------------------
server_pid=""
run_pid=""
cleanup() {
  # A run is a session of its own (setsid): its group holds Xvfb, D-Bus and the inner script,
  # which takes the app with it.
  if [ -n "$run_pid" ]; then
    kill -TERM -- "-$run_pid" 2> /dev/null
    wait "$run_pid" 2> /dev/null
  fi
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2> /dev/null
    wait "$server_pid" 2> /dev/null
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Always started, even when no online column runs: the token for the consumer comes from it.
n_runs=$(( (warmups + runs) * ${#columns[@]} ))
timeout $(( n_runs * (max + 40) + 600 )) "$server" --port 0 --agent none > "$out/server.log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 500); do
  base=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$out/server.log" | head -n1)
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2> /dev/null || break
  sleep 0.01
done
[ -n "$base" ] || fail "confab-server did not start; see $out/server.log"

# A token the service signed for the consumer the history belongs to.
env_value() {  # FILE NAME
  sed -n "s/^$2=//p" "$1" | head -n1
}
history_account=$(env_value "$out/data/confab-$n_small/lp.env" LP_ACCOUNT)
history_jwt=$(env_value "$out/data/confab-$n_small/lp.env" LP_JWT)
consumer=$(python3 -c 'import base64, json, sys
p = sys.argv[1].split(".")[1]
print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["sub"])' "$history_jwt") ||
  fail "the generated token has no consumer"
online_jwt=$(curl -sf -X POST "$base/control/token" \
  -d "{\"accountId\":\"$history_account\",\"consumerId\":\"$consumer\",\"lifetime\":86400}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["jwt"])') ||
  fail "confab-server gave no token"

# A loopback port nobody listens on: connections are refused at once, as with no network.
closed_port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
closed="http://127.0.0.1:$closed_port"

# ---- the runs ----------------------------------------------------------------------------
# Writes RUN/env and the folders for one run of a column; prints the command.
prepare() {
  local column=$1 run=$2 n endpoint jwt

  rm -rf "$run"
  mkdir -p "$run/data" "$run/config/gtk-4.0" "$run/cache" "$run/home" "$run/runtime"
  chmod 700 "$run/runtime"
  # A blinking caret would keep the picture from ever settling.
  printf '[Settings]\ngtk-cursor-blink=false\n' > "$run/config/gtk-4.0/settings.ini"
  : > "$run/env"
  # cold: Mesa's default place, in this run's fresh XDG_CACHE_HOME
  if [ "$shader_cache" = warm ]; then
    # Mesa makes the cache's folder, not the folders above it
    mkdir -p "$out/shader-cache/$column"
    echo "MESA_SHADER_CACHE_DIR=$out/shader-cache/$column" >> "$run/env"
  fi

  case $column in
    bare)
      echo "$out/bin/bare-window"
      ;;
    confab-* | before-* | gl-*)
      n=$n_small
      [ "$column" = "confab-$large-online" ] && n=$n_large
      mkdir -p "$run/data/confab"
      cp "$out/data/confab-$n/history.db" "$run/data/confab/history.db"
      if [ "${column##*-}" = online ]; then
        endpoint=$base
        jwt=$online_jwt
      else
        endpoint=$closed
        jwt=$history_jwt
      fi
      {
        [ "$shader_cache" = warm ] && echo "MESA_SHADER_CACHE_DIR=$out/shader-cache/$column"
        echo "LP_ACCOUNT=$(env_value "$out/data/confab-$n/lp.env" LP_ACCOUNT)"
        echo "LP_JWT=$jwt"
        for name in LP_ASYNCMESSAGINGENT LP_IDP LP_ACCDNDOMAIN LP_CSDS; do
          echo "$name=$endpoint"
        done
        echo "GSETTINGS_SCHEMA_DIR=$build/data"
        [ "${column%%-*}" = gl ] && echo "GSK_RENDERER=gl"
      } > "$run/env"
      if [ "${column%%-*}" = before ]; then echo "$before_confab"; else echo "$confab"; fi
      ;;
    dino-*)
      cp -r "$out/data/dino-$n_small/data/." "$run/data/"
      echo "dino-im"
      ;;
  esac
}

results=$out/results.txt
: > "$results"
# Each batch starts from empty shader caches: a column's own warm-up run fills its cache.
rm -rf "$out/shader-cache"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r); columns: ${columns[*]}"
echo "# $warmups warm-up + $runs timed runs per column, interleaved; settle ${settle}s, visually complete within ${vc_pct}%"
echo "# shader cache: $shader_cache$([ "$shader_cache" = warm ] && [ "$warmups" -eq 0 ] && echo ' (no warm-up run: the first timed run of each column fills it)')"
for round in $(seq 1 $((warmups + runs))); do
  tag=timed
  [ "$round" -le "$warmups" ] && tag=warm-up
  for column in "${columns[@]}"; do
    run="$out/runs/$column/$round"
    for _ in 1 2; do
      cmd=$(prepare "$column" "$run")
      # The copy of a history (hundreds of MB for 1M messages) on disk before the clock starts,
      # not written back while the app starts
      sync
      BS_BIN="$out/bin" BS_MAX="$max" BS_SETTLE="$settle" BS_VC_PCT="$vc_pct" BS_INTERVAL="$interval" \
        setsid timeout $((max + 40)) "${priority[@]}" xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
        dbus-run-session -- "$self" --inner "$run" "$cmd" > "$run/outer.log" 2>&1 &
      run_pid=$!
      # In the background so that an interrupt is handled at once, not after the run.
      wait "$run_pid"
      run_pid=""
      # xvfb-run -a can lose a race for a display number to another X server starting.
      [ -s "$run/result.txt" ] && break
      echo "  ($column round $round: no result, once more; see $run/outer.log)"
    done
    # The copy of the history is done with; the logs and the picture stay.
    rm -rf "${run:?}/data" "${run:?}/cache" "${run:?}/home" "${run:?}/runtime"
    result=$(cat "$run/result.txt" 2> /dev/null || echo "status=failed")
    printf '%-22s %-7s %2d  %s\n' "$column" "$tag" "$round" "$result"
    [ "$tag" = timed ] && echo "$column $result" >> "$results"
    [ "$tag" = timed ] && [ -s "$run/final.png" ] && cp "$run/final.png" "$out/$column.png"
  done
done

# ---- summary -----------------------------------------------------------------------------
echo
awk -v order="${columns[*]}" -v small="$small" -v large="$large" -v runs="$runs" '
  function median(list,    a, n, i, j, t) {
    n = split (list, a, " ")
    if (n == 0) return "NA"
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function ratio(a, b) { return (a == "NA" || b == "NA" || b == 0) ? "-" : sprintf ("%.2f", a / b) }
  function verdict(ok) { return ok ? "yes" : "NO" }
  {
    col = $1
    for (i = 2; i <= NF; i++) {
      split ($i, kv, "=")
      if (kv[2] != "NA" && kv[1] ~ /_(ms|kb)$/) v[col, kv[1]] = v[col, kv[1]] " " kv[2]
    }
    if ($0 ~ /status=settled/ && $0 ~ /app=running/) ok[col]++
  }
  END {
    n = split (order, cols, " ")
    for (i = 1; i <= n; i++) {
      c = cols[i]
      vc[c] = median(v[c, "visually_complete_ms"]); fp[c] = median(v[c, "first_paint_ms"])
      st[c] = median(v[c, "settled_ms"]); cpu[c] = median(v[c, "cpu_ms"])
      hwm = median(v[c, "hwm_kb"]); mb[c] = hwm == "NA" ? "NA" : hwm / 1024
    }
    bare = "bare"; dino = "dino-" small
    printf "%-22s %10s %9s %9s %8s %9s %7s %7s %7s %8s\n", "median of " runs " runs", "complete", "1st paint", "settled", "CPU", "peak RSS", "×bare", "×Dino", "RSS-bare", "settled"
    printf "%-22s %10s %9s %9s %8s %9s %7s %7s %7s %8s\n", "", "ms", "ms", "ms", "ms", "MB", "", "", "MB", "runs"
    for (i = 1; i <= n; i++) {
      c = cols[i]
      printf "%-22s %10s %9s %9s %8s %9s %7s %7s %7s %8s\n", c, vc[c] == "NA" ? "NA" : sprintf ("%.0f", vc[c]),
        fp[c] == "NA" ? "NA" : sprintf ("%.0f", fp[c]), st[c] == "NA" ? "NA" : sprintf ("%.0f", st[c]),
        cpu[c] == "NA" ? "NA" : sprintf ("%.0f", cpu[c]), mb[c] == "NA" ? "NA" : sprintf ("%.1f", mb[c]),
        ratio(vc[c], vc[bare]), (dino in vc) ? ratio(vc[c], vc[dino]) : "-",
        (mb[c] == "NA" || mb[bare] == "NA") ? "-" : sprintf ("%+.1f", mb[c] - mb[bare]), (ok[c] + 0) "/" runs
    }
    print ""
    print "goals (issue 12): start ≤ 1.3× bare and ≤ 0.45× Dino, peak RSS ≤ bare + 40 MB, 1M within 10 % of 100k"
    for (i = 1; i <= n; i++) {
      c = cols[i]
      if (c !~ /^confab-/ || vc[c] == "NA" || vc[bare] == "NA") continue
      line = sprintf ("  %-22s start %s× bare: %s", c, ratio(vc[c], vc[bare]), verdict(vc[c] <= 1.3 * vc[bare]))
      if (dino in vc && vc[dino] != "NA")
        line = line sprintf (";  %s× Dino: %s", ratio(vc[c], vc[dino]), verdict(vc[c] <= 0.45 * vc[dino]))
      if (mb[c] != "NA" && mb[bare] != "NA")
        line = line sprintf (";  RSS bare %+.1f MB: %s", mb[c] - mb[bare], verdict(mb[c] <= mb[bare] + 40))
      print line
    }
    a = "confab-" small "-online"; b = "confab-" large "-online"
    if ((b in vc) && vc[a] != "NA" && vc[b] != "NA")
      printf "  %-22s start %s× %s: %s;  RSS %s× %s: %s\n", b, ratio(vc[b], vc[a]), small, verdict(vc[b] <= 1.1 * vc[a]),
        ratio(mb[b], mb[a]), small, verdict(mb[b] != "NA" && mb[a] != "NA" && mb[b] <= 1.1 * mb[a])
  }' "$results" | tee "$out/summary.txt"
echo
echo "final pictures (look at them): $(for c in "${columns[@]}"; do printf '%s ' "$out/$c.png"; done)"
echo "per run: $out/runs/COLUMN/ROUND/{result.txt,frames.txt,final.png,app.log}"
