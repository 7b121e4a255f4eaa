#!/bin/sh
# test_player_cli.sh — screenlit-player's command line, config file, real clock, diagnostic screen, SIGTERM and kill -9.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
P="$T/s/playlist.json"

# Usage errors exit 2; --help is a manual page.
expect_rc 0 "$PLAYER" --help
expect_in "$T/out" "SYNOPSIS"
expect_in "$T/out" "--region X,Y,W,H"
expect_rc 2 "$PLAYER"
expect_in "$T/err" "--playlist FILE is missing"
expect_rc 2 "$PLAYER" --playlist "$P" --size 12x
expect_in "$T/err" "size: '12x' is not WIDTHxHEIGHT"
expect_rc 2 "$PLAYER" --playlist "$P" --clock sim:tomorrow
expect_rc 2 "$PLAYER" --playlist "$P" --rotate 45
expect_rc 2 "$PLAYER" --playlist "$P" --region 1,2,3
expect_rc 2 "$PLAYER" --playlist "$P" --bogus
expect_rc 2 "$PLAYER" --playlist "$P" --output null --frames-every 1
expect_rc 2 "$PLAYER" --playlist "$P" extra-argument
# The output spec is read in one place, when the option is given, with one message.
expect_rc 2 "$PLAYER" --playlist "$P" --output hdmi
expect_in "$T/err" "output: 'hdmi' is not window, frames:DIR or null"
expect_rc 2 "$PLAYER" --playlist "$P" --output frames:
expect_in "$T/err" "output: 'frames:' is not window, frames:DIR or null"
# The command line, config files and --help come from one table: --help
# lists every setting, a bare flag is "yes", command-line-only options are
# no settings of a config file.
expect_rc 0 "$PLAYER" --help
for name in playlist output size region rotate clock run frames-every frames-at-switch journal state-dir \
    screen-id tags font font-index text-render fallback-image diagnostic hw-decode fps log-level config \
    version hub enroll enroll-file hub-ca publisher-key poll-interval alert-poll heartbeat-interval \
    screenshot-interval disk-limit media-url usb-path usb-poll channel export-records; do
    expect_in "$T/out" "    --$name "
done
expect_rc 0 "$PLAYER" --version
expect_in "$T/out" "screenlit-player "
printf 'export-records = %s\n' "$T/x" >"$T/cmdline-only.conf"
expect_rc 2 "$PLAYER" --config "$T/cmdline-only.conf" --playlist "$P"
expect_in "$T/err" "cmdline-only.conf:1: 'export-records' is not a setting"
printf 'diagnostic = maybe\n' >"$T/bool.conf"
expect_rc 2 "$PLAYER" --config "$T/bool.conf" --playlist "$P"
expect_in "$T/err" "bool.conf:1: diagnostic: 'maybe' is not yes or no"

# A broken playlist: exit 1, with the lint messages.
printf '{"timezone": "UTC", "zones": [], "items": []}' >"$T/bad.json"
expect_rc 1 "$PLAYER" --playlist "$T/bad.json" --output null --run 1 --journal "$T/bad.db"
expect_in "$T/err" "zones: is empty"
# A key twice in one object: refused with its path, nothing played.
printf '{"timezone": "UTC", "zones": [{"id": "m", "x": 0, "y": 0, "w": 100, "h": 100}],\n "items": [{"id": "a", "zone": "m", "type": "text", "text": "x", "duration": 5, "duration": -3}]}' >"$T/dup.json"
expect_rc 1 "$PLAYER" --playlist "$T/dup.json" --output null --run 1 --journal "$T/dup.db"
expect_in "$T/err" 'items[0]: duplicate key "duration"'
# A region that does not fit the output: exit 1.
expect_rc 1 "$PLAYER" --playlist "$P" --output null --size 320x240 --region 300,200,100,100 --journal "$T/r.db" --run 1
expect_in "$T/err" "does not fit"

# Settings from a config file; the command line wins over it; a bad line is named.
cat >"$T/player.conf" <<CONF
# test config
playlist = $P
output = null   # offscreen
size = 640x360
clock = sim:2026-11-25T09:00:00+08:00
run = 600
journal = $T/conf.db
screen-id = from-config
CONF
expect_rc 0 "$PLAYER" --config "$T/player.conf" --run 120
expect_in "$T/out" "plays per item"
n=$(sqlite3 "$T/conf.db" "SELECT COUNT(*) FROM plays WHERE screen='from-config'")
[ "$n" -gt 5 ] && ok || fail "config run recorded $n plays"
last=$(sqlite3 "$T/conf.db" "SELECT MAX(start_ms + duration_ms) - MIN(start_ms) FROM plays")
[ "$last" = 120000 ] && ok || fail "--run on the command line did not override the config ($last ms)"
printf 'output = null\nsize = huge\n' >"$T/bad.conf"
expect_rc 2 "$PLAYER" --config "$T/bad.conf" --playlist "$P"
expect_in "$T/err" "bad.conf:2: size"

# The real clock with the null output: plays for 2 s, every frame has content.
expect_rc 0 "$PLAYER" --playlist "$P" --output null --size 480x270 --run 2 --journal "$T/real.db" --screen-id real
expect_in "$T/out" "frames with a black zone 0"
frames=$(sed -n 's/^frames rendered \([0-9]*\),.*/\1/p' "$T/out")
[ "${frames:-0}" -ge 30 ] && ok || fail "only ${frames:-0} frames rendered in 2 s"
n=$(sqlite3 "$T/real.db" "SELECT COUNT(*) FROM plays WHERE outcome=1 AND reason='player stopped'")
[ "$n" -ge 1 ] && ok || fail "the plays in progress at exit were not recorded as cut short"

# Diagnostic screen on an LED region: red edges, the green corner mark, the rest of the output black.
expect_rc 0 "$PLAYER" --playlist "$P" --output "frames:$T/diag" --size 960x540 --region 100,100,192,64 \
    --diagnostic --clock sim:2026-11-25T09:00:00+08:00 --run 1 --frames-every 1 --journal "$T/diag.db"
f="$T/diag/frame-0000000000.png"
[ "$("$IMGCHECK" pixel "$f" 100,100)" = FF0000 ] && ok || fail "no red edge at the region's corner"
[ "$("$IMGCHECK" pixel "$f" 291,163)" = FF0000 ] && ok || fail "no red edge at the region's far corner"
[ "$("$IMGCHECK" pixel "$f" 103,103)" = 00FF00 ] && ok || fail "no green corner mark"
[ "$("$IMGCHECK" dark "$f" 0,0,960,99)" = 1.0000 ] && ok || fail "pixels lit outside the region"

# --text-render crisp makes every slogan pixel-exact: the ticker strip holds only its background and text colours.
expect_rc 0 "$PLAYER" --playlist "$P" --output "frames:$T/crisp" --size 960x540 --text-render crisp \
    --clock sim:2026-11-25T09:00:00+08:00 --run 8 --frames-every 8 --journal "$T/crisp.db"
c=$("$IMGCHECK" colours "$T/crisp/frame-0000008000.png" 0,476,960,64 | tr '\n' ' ')
n=$(echo "$c" | wc -w)
[ "$n" -le 3 ] && [ "$n" -ge 2 ] && ok || fail "crisp ticker has colours: $c"
expect_rc 2 "$PLAYER" --playlist "$P" --text-render blurry

# kill -9 mid-run: the journal stays intact and keeps what was recorded.
"$PLAYER" --playlist "$P" --output null --size 320x180 --journal "$T/kill.db" --screen-id k >/dev/null 2>&1 &
pid=$!
# Killed once it has recorded a play (up to 120 s on a busy machine).
n=0
while [ "$n" -lt 1200 ] && [ "$(sqlite3 "$T/kill.db" 'SELECT count(*) FROM plays' 2>/dev/null || echo 0)" -lt 1 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[ "$(sqlite3 "$T/kill.db" 'PRAGMA integrity_check')" = ok ] && ok || fail "journal corrupt after kill -9"
[ "$(sqlite3 "$T/kill.db" 'SELECT count(*) FROM plays')" -ge 1 ] && ok || fail "the play recorded before kill -9 is lost"
expect_rc 0 "$PLAYER" --playlist "$P" --output null --size 320x180 --run 1 --journal "$T/kill.db" --screen-id k
[ "$(sqlite3 "$T/kill.db" 'PRAGMA integrity_check')" = ok ] && ok || fail "journal corrupt after restart"

# SIGTERM (a service stopped) ends the run as its end would: exit 0, the item on screen recorded
# as cut short, the summary printed.
"$PLAYER" --playlist "$P" --output null --size 320x180 --run 0 --journal "$T/term.db" --screen-id t \
    >"$T/term.out" 2>"$T/p.err" &
PL=$!
wait_log "first frame shown" 120 && ok || fail "the player did not show a frame"
kill -TERM "$PL"
wait "$PL" && ok || fail "SIGTERM: the player did not exit 0"
expect_in "$T/p.err" "stopping: SIGTERM"
expect_in "$T/term.out" "plays per item (this run):"
[ "$(sqlite3 "$T/term.db" "SELECT count(*) FROM plays WHERE reason = 'player stopped'")" -ge 1 ] && ok ||
    fail "SIGTERM: the item on screen was not recorded ($(sqlite3 "$T/term.db" 'SELECT item, outcome, reason FROM plays'))"

finish
