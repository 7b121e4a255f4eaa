#!/bin/sh
# test_fault_diskfull.sh — the disk fills up while a managed player downloads a new version (issue 5,
# fault tests): the old content keeps playing, nothing half-done is left (current.manifest, the
# media cache), the next heartbeat tells the hub, and once space is freed the update completes.
#
# The player's state folder is a small tmpfs (48 MiB; `mount` needs root, else the test exits 77,
# which ctest counts as skipped). Version 2 adds a 6 MB picture; the player checks the free space
# before fetching (it keeps 32 MiB free for its journal and logs), so the disk must fill *during*
# the download: the player fetches media through tests/tools/faultproxy.c, which stalls that
# file's download for 4 s after its first megabyte; meanwhile the script fills the disk up to its
# last 4 MiB, as another program (or a log gone wild) would. The download must then stop rather
# than take the room the journal needs: every play of that time is recorded and reaches the hub.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

SCREEN=lobby-1
D="$T/disk"
J="$D/journal.db"
PL=
cleanup() {
    [ -n "$PL" ] && kill -9 "$PL" 2>/dev/null && wait "$PL" 2>/dev/null
    for p in $PROXIES; do kill "$p" 2>/dev/null; done
    umount "$D" 2>/dev/null
    stop_hub
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
mkdir -p "$D"
if ! mount -t tmpfs -o size=48m,mode=0755 tmpfs "$D" 2>"$T/mount.err"; then
    echo "SKIP: cannot mount a tmpfs for the state folder ($(cat "$T/mount.err")); run as root" >&2
    exit 77
fi

sample_copy "$T/s1"
jq '.items |= map(if .duration then .duration *= 6 else . end)' "$T/s1/playlist.json" >"$T/p.json"
mv "$T/p.json" "$T/s1/playlist.json"
# Version 2: the weekend poster becomes a 6 MB picture of noise (PNG does not shrink it).
cp -r "$T/s1" "$T/s2"
ffmpeg -v error -y -f rawvideo -pix_fmt rgb24 -s 1920x1080 -i /dev/urandom -frames:v 1 "$T/s2/media/poster-weekend.png"
BIG=$(sha256sum "$T/s2/media/poster-weekend.png" | cut -d' ' -f1)
BIGSIZE=$(stat -c %s "$T/s2/media/poster-weekend.png")

hub_keys
start_hub "$DATA"
inventory_screen
publish_sample "$T/s1"

start_faultproxy proxy "$PORT" --only "/media/$BIG" --stall 100 --stall-at 1000000 --stall-ms 4000
MEDIAVIA="http://127.0.0.1:$proxy_PORT"

enrol_screen "$URL" "$D" --media-url "$MEDIAVIA" --run 3 --clock from:2026-11-25T09:00:00+08:00
cp "$D/current.manifest" "$T/mf-1.json"
jq -r '.payload | fromjson | .items[] | "1|\(.id)|\(.sha256 // "")"' "$T/mf-1.json" | sort >"$T/v1.allowed"

free_bytes() {
    df -B1 --output=avail "$D" | tail -n 1 | tr -d ' '
}
hub_status() { # the hub's last heartbeat status of the screen (JSON)
    sqlite3 -cmd '.timeout 5000' "$T/hub/hub.db" "SELECT status FROM heartbeats WHERE screen = '$SCREEN'"
}

"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$D" --media-url "$MEDIAVIA" --output null --size 160x90 \
    --run 2592000 --poll 1 --heartbeat-interval 1 --clock sim:2026-11-25T08:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
PL=$!
expect_rc 0 "$SCREENLIT" publish "$T/s2/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$T/keys/publisher.key"

# The download stalls after its first megabyte (less the reply's headers): fill the disk but for
# its last 4 MiB (room for the journal's write-ahead log, not for the picture).
n=0
while [ "$n" -lt 1200 ] && [ "$(stat -c %s "$D/media/$BIG.part" 2>/dev/null || echo 0)" -lt 990000 ]; do
    sleep 0.1
    n=$((n + 1))
done
[ -f "$D/media/$BIG.part" ] && [ "$(stat -c %s "$D/media/$BIG.part")" -lt "$BIGSIZE" ] && ok ||
    fail "the download of version 2's picture did not start, or did not stall"
head -c $(($(free_bytes) - 4194304)) /dev/zero >"$D/filler" 2>/dev/null || true
echo "filled: $(free_bytes) bytes left" >&2
wait_log "sync: disk full while fetching manifest 2" 120 && ok || fail "the player did not report the full disk"
from=$(last_seq)

# The next heartbeats tell the hub: the problem, the version still shown.
n=0
while [ "$n" -lt 1200 ] && ! hub_status | jq -e '.problems // [] | any(test("disk full|does not fit on disk"))' >/dev/null; do
    sleep 0.1
    n=$((n + 1))
done
hub_status >"$T/status.json"
jq -e '.problems // [] | any(test("disk full|does not fit on disk"))' "$T/status.json" >/dev/null && ok ||
    { fail "the hub's status of the screen does not tell of the full disk"; sed 's/^/    | /' "$T/status.json" >&2; }
jq -e '.content_version == 1' "$T/status.json" >/dev/null && ok || fail "the heartbeat does not say version 1 plays"
jq -e '.free_disk_bytes < 16777216' "$T/status.json" >/dev/null && ok || fail "the heartbeat's free_disk_bytes is not the full disk's"

# The old content keeps playing (30 more plays), and nothing is half done.
wait_seq $((from + 30))
to=$(last_seq)
[ "$to" -ge $((from + 30)) ] && ok || fail "only $((to - from)) plays committed with the disk full"
cmp -s "$D/current.manifest" "$T/mf-1.json" && ok || fail "current.manifest changed"
[ ! -e "$D/media/$BIG" ] && ok || fail "the picture is in the cache though it could not be written whole"
for f in "$D"/media/*; do
    name=$(basename "$f")
    case "$name" in
    *.part) [ "$(stat -c %s "$f")" -le "$BIGSIZE" ] && ok || fail "a partial download longer than its file: $name" ;;
    *) [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$name" ] && ok || fail "the media cache holds $name with other bytes" ;;
    esac
done
kill -0 "$PL" 2>/dev/null && ok || { fail "the player died on the full disk"; tail -20 "$T/p.err" >&2; }

# Space comes back: the update completes and the problem goes.
rm -f "$D/filler"
wait_log "switching to bank-lobby version 2" 120 && ok || fail "the update did not complete within 120 s after space was freed"
[ "$(sha256sum "$D/media/$BIG" 2>/dev/null | cut -d' ' -f1)" = "$BIG" ] && ok || fail "the picture is not in the cache"
[ ! -e "$D/media/$BIG.part" ] && ok || fail "a partial download was left behind"
n=0
while [ "$n" -lt 1200 ] && ! hub_status | jq -e '.content_version == 2 and (.problems // [] | length == 0)' >/dev/null; do
    sleep 0.1
    n=$((n + 1))
done
hub_status >"$T/status.json"
jq -e '.content_version == 2 and (.problems // [] | length == 0)' "$T/status.json" >/dev/null && ok ||
    { fail "the hub's status does not show version 2 without problems"; sed 's/^/    | /' "$T/status.json" >&2; }

# The plays committed while the disk was full were version 1's, and all reached the hub.
n=0
while [ "$n" -lt 1200 ]; do
    acked=$(curl -sf -H "Authorization: Bearer $ADMIN" "$URL/api/v1/screens" | jq --arg s "$SCREEN" '.screens[] | select(.id == $s) | .acked_seq')
    [ "${acked:-0}" -ge "$to" ] && break
    sleep 0.1
    n=$((n + 1))
done
kill -9 "$PL" 2>/dev/null || true
wait "$PL" 2>/dev/null || true
PL=
curl -sf -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=$SCREEN&after_seq=$((from))&limit=$((to - from))" |
    jq -r '.records[] | "\(.manifest_version)|\(.item)|\(.media_sha256)"' >"$T/full.rec"
[ "$(wc -l <"$T/full.rec")" -eq $((to - from)) ] && ok || fail "the hub holds $(wc -l <"$T/full.rec") of the $((to - from)) plays of the full disk"
bad=$(sort -u "$T/full.rec" | comm -23 - "$T/v1.allowed" | grep -v '^1|[^|]*|$' || true)
[ -z "$bad" ] && ok || { fail "plays with the disk full that are not version 1's:"; echo "$bad" | head -5 | sed 's/^/    | /' >&2; }
grep -qE 'journal|record a play' "$T/p.err" && { fail "the journal complained:"; grep -E 'journal|record a play' "$T/p.err" | head -3 >&2; } || ok
echo "proxy: $(tr '\n' ' ' <"$T/proxy.stats")" >&2
finish
