#!/bin/sh
# The demo: installs what screenlit needs, builds it, and runs the whole story: a hub, the sample inventory and campaign, one enrolled player, and the coverage report.
# Usage: tools/demo.sh [WORKDIR]   (default: ./demo-out)
# Environment: SL_DEMO_SKIP_SETUP=1 skips installing the Debian packages; SL_DEMO_BUILD_DIR=DIR
# uses the programs already built in DIR instead of building into build-demo; SL_DEMO_BIN_DIR=DIR
# uses screenlit, screenlit-hub and screenlit-player from DIR (e.g. /usr/bin, installed by the packages).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-"$root/demo-out"}
day=2026-11-25                 # a Wednesday of the campaign
screen=bank-0412-lobby         # the sample inventory's screen the demo enrols; required mon-fri 09:00-12:00
window_s=10800                 # 09:00-12:00

step() { printf '\n==> %s\n' "$*"; }
die() {
    echo "demo.sh: $*" >&2
    exit 1
}

if [ "${SL_DEMO_SKIP_SETUP:-0}" != 1 ]; then
    step "Installing the Debian packages screenlit needs"
    "$root/tools/setup-debian.sh"
fi

if [ -n "${SL_DEMO_BIN_DIR:-}" ]; then
    step "Using the programs in $SL_DEMO_BIN_DIR"
    screenlit="$SL_DEMO_BIN_DIR/screenlit"
    hub="$SL_DEMO_BIN_DIR/screenlit-hub"
    player="$SL_DEMO_BIN_DIR/screenlit-player"
else
    if [ -n "${SL_DEMO_BUILD_DIR:-}" ]; then
        build=$SL_DEMO_BUILD_DIR
        step "Using the programs built in $build"
    else
        build="$root/build-demo"
        step "Building"
        cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSL_TESTS=OFF >/dev/null
        cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
    fi
    screenlit="$build/tools/screenlit"
    hub="$build/tools/screenlit-hub"
    player="$build/player/screenlit-player"
fi
for p in "$screenlit" "$hub" "$player"; do
    [ -x "$p" ] || die "$p is not built"
done

step "Making the sample campaign's posters and clip in $work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
cp "$root/config/sample/playlist.json" "$work/playlist.json"
cp "$root/config/sample/inventory.csv" "$work/inventory.csv"
"$root/config/sample/make-media.sh" "$work/media"

step "Checking the playlist (screenlit lint)"
"$screenlit" lint "$work/playlist.json"

step "What a bank-lobby screen plays on Wednesday 25 November 2026 (screenlit preview)"
"$screenlit" preview "$work/playlist.json" \
    --from 2026-11-25T08:00+08:00 --to 2026-11-25T18:00+08:00 --summary

step "And on Sunday 29 November: the weekday rules keep the business-hours posters off"
"$screenlit" preview "$work/playlist.json" \
    --from 2026-11-29T08:00+08:00 --to 2026-11-29T18:00+08:00 --summary

step "A publisher key for signing playlists"
if [ -f "$work/keys/publisher.pub" ]; then
    echo "keeping the existing key in $work/keys"
else
    "$screenlit" keygen --out "$work/keys"
fi

# A fresh hub and a fresh board every run (the key is kept).
rm -rf "$work/hub" "$work/player" "$work/frames" "$work/report.json" "$work/report.html" "$work/report.csv"
step "The hub: state in $work/hub (SQLite), listening on loopback"
"$hub" key add --data "$work/hub" "$work/keys/publisher.pub"
token() { "$hub" token create --data "$work/hub" --role "$1" --name "demo-$1" 2>/dev/null; }
admin=$(token admin)
publisher=$(token publisher)
auditor=$(token auditor)
echo "tokens for an admin, a publisher and an auditor made (screenlit-hub token create)"
# People who log in to the web console (passwords are read from standard input).
console_password=screenlit-demo
for role in admin auditor; do
    printf '%s\n' "$console_password" | "$hub" user add "demo-$role" --role "$role" --data "$work/hub" >/dev/null ||
        die "could not add the console user demo-$role"
done
echo "console users demo-admin and demo-auditor made (screenlit-hub user add), password $console_password"
"$hub" serve --data "$work/hub" --listen 127.0.0.1:0 >"$work/hub.out" 2>"$work/hub.log" &
hubpid=$!
playerpid=
cleanup() {
    [ -n "$playerpid" ] && kill "$playerpid" 2>/dev/null
    kill "$hubpid" 2>/dev/null && wait "$hubpid" 2>/dev/null
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
url=
n=0
while [ -z "$url" ] && [ "$n" -lt 300 ] && kill -0 "$hubpid" 2>/dev/null; do
    sleep 0.1
    url=$(sed -n 's|^listening on \(http://[^/]*\)/$|\1|p' "$work/hub.out" | head -n 1)
    n=$((n + 1))
done
[ -n "$url" ] || { cat "$work/hub.log" >&2; die "the hub did not start"; }
echo "the hub is at $url (log: $work/hub.log)"
export SCREENLIT_HUB="$url"

step "The inventory: the screens that must be lit, and when (screenlit inventory import)"
SCREENLIT_TOKEN=$admin "$screenlit" inventory import "$work/inventory.csv"
cat "$work/inventory.csv"

step "Publishing the campaign to the bank-lobby channel, signed (screenlit publish)"
SCREENLIT_TOKEN=$publisher "$screenlit" publish "$work/playlist.json" --channel bank-lobby \
    --key "$work/keys/publisher.key"

step "Enrolling the board of $screen with a one-time code (screenlit enroll-code, screenlit-player --enroll)"
SCREENLIT_TOKEN=$admin "$screenlit" enroll-code "$screen" | tee "$work/enroll.txt"
code=$(grep -oE '[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}' "$work/enroll.txt" | head -n 1)
[ -n "$code" ] || die "no enrolment code"
key=$(cut -d' ' -f2 "$work/keys/publisher.pub")
# The board enrols, fetches the signed manifest and its media and verifies them, just before 09:00;
# it is stopped once the manifest is kept (its plays before 09:00 are outside the required hours).
"$player" --hub "$url" --enroll "$code" --publisher-key "$key" --state-dir "$work/player" \
    --output null --size 320x180 --run 120 --poll 1 --clock "from:${day}T08:59:00+08:00" \
    >"$work/player-sync.out" 2>"$work/player-sync.log" &
playerpid=$!
n=0
while [ ! -f "$work/player/current.manifest" ] && [ "$n" -lt 600 ] && kill -0 "$playerpid" 2>/dev/null; do
    sleep 0.1
    n=$((n + 1))
done
kill "$playerpid" 2>/dev/null || true
wait "$playerpid" 2>/dev/null || true
playerpid=
[ -f "$work/player/current.manifest" ] || { cat "$work/player-sync.log" >&2; die "the board did not get the campaign"; }
grep -E 'enrolled|switched' "$work/player-sync.log" || true

played() { # NAME: the player's own count of plays per item, from its output
    sed -n '/^plays per item/,$p' "$work/$1.out"
}
managed() { # the enrolled board, with its state folder
    "$player" --hub "$url" --publisher-key "$key" --state-dir "$work/player" --poll 1 "$@"
}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    step "The board plays in a window for 60 seconds, as if it were 09:00 on Wednesday 25 November (keys: d diagnostic screen, p write a frame, q quit)"
    managed --output window --size 1280x720 --run 60 --clock "from:${day}T09:00:00+08:00" \
        >"$work/player-window.out" 2>"$work/player-window.log"
    played player-window
    step "Then the rest of its required morning, 09:01-12:00, on the simulated clock (offscreen, fast)"
    managed --output null --size 320x180 --run $((window_s - 60)) \
        --clock "sim:${day}T09:01:00+08:00" >"$work/player-sim.out" 2>"$work/player-sim.log"
    played player-sim
else
    step "No display: the board plays its required morning (09:00-12:00 on 25 November) on the simulated clock, rendered offscreen to PNG frames"
    managed --output "frames:$work/frames" --size 960x540 --run "$window_s" --frames-every 600 \
        --clock "sim:${day}T09:00:00+08:00" >"$work/player-sim.out" 2>"$work/player-sim.log"
    played player-sim
    echo "frames written to $work/frames (one every 10 minutes of simulated time)"
fi

# The board sends its last plays as it stops; if some are still in its journal, a short run
# (in the evening, outside the required hours) sends them.
pending() { sqlite3 "$work/player/journal.db" 'SELECT count(*) FROM plays' 2>/dev/null || echo 0; }
if [ "$(pending)" != 0 ]; then
    echo "sending the board's last $(pending) plays to the hub"
    "$player" --hub "$url" --publisher-key "$key" --state-dir "$work/player" --poll 1 \
        --output null --size 320x180 --run 120 --clock "from:${day}T20:00:00+08:00" \
        >"$work/player-drain.out" 2>"$work/player-drain.log" &
    playerpid=$!
    n=0
    while [ "$(pending)" != 0 ] && [ "$n" -lt 600 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill "$playerpid" 2>/dev/null || true
    wait "$playerpid" 2>/dev/null || true
    playerpid=
fi

step "The screens as the hub sees them (screenlit screens)"
SCREENLIT_TOKEN=$auditor "$screenlit" screens

step "The coverage report for Wednesday 25 November (screenlit report coverage, as an auditor)"
export SCREENLIT_TOKEN="$auditor"
"$screenlit" report coverage --from "$day" --to "$day" --format json -o "$work/report.json"
# As a page (with the proof screenshots the hub holds) and as a table for a spreadsheet.
"$screenlit" report coverage --from "$day" --to "$day" --format html -o "$work/report.html" >/dev/null
"$screenlit" report coverage --input "$work/report.json" --format csv -o "$work/report.csv" >/dev/null
if command -v jq >/dev/null 2>&1; then
    echo
    jq -r '.screens[] | [.id, .status, .coverage_pct, .lit_s, .required_s, ([.reasons[].code] | join(", "))] | @tsv' \
        "$work/report.json" |
        awk -F '\t' 'BEGIN { printf "  %-18s %-6s %8s  %-20s%s\n", "screen", "status", "coverage", "hours lit", "why not lit" }
                     { printf "  %-18s %-6s %7.1f%%  %5.2f of %5.2f h    %s\n", $1, $2, $3, $4 / 3600, $5 / 3600, $6 }'
fi
unset SCREENLIT_TOKEN

cat <<EOF

Done. Everything is in $work:
  playlist.json, media/    the sample campaign and the posters and clip made for it
  inventory.csv            the screens that must be lit, and their hours
  keys/                    the publisher key pair that signed the campaign
  hub/, hub.log            the hub's state (SQLite) and log (the hub stops when the demo ends)
  player/                  the enrolled board's state: identity, verified manifest, media, play journal
EOF
if [ -d "$work/frames" ]; then
    echo "  frames/                  what the screen showed, one PNG every 10 minutes"
fi
cat <<EOF
  report.html, report.csv  the coverage report: $screen lit, the other screens dark and why
  report.json              the hub's report document they were made from
Open $work/report.html in a browser.
EOF
# The web console, on the hub's own address: kept up while someone is at the terminal.
if [ -t 0 ] && [ -t 1 ]; then
    cat <<EOF

The web console: $url/console/
  log in as demo-auditor (or demo-admin), password $console_password
  Screens shows which screens are dark and why; Coverage has the report and its downloads.
Press Enter to stop the hub.
EOF
    read -r _ || true
else
    cat <<EOF

The web console: start the hub again with
  $hub serve --data $work/hub --listen 127.0.0.1:8080
then open http://127.0.0.1:8080/console/ and log in as demo-auditor (or demo-admin),
password $console_password.
EOF
fi
