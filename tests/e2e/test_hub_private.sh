#!/bin/sh
# test_hub_private.sh — under umask 022 the hub's data folder is 0700 and every file in it 0600 (database, WAL, media, partial uploads, screenshots, reports); an older, open folder is closed at start.
. "$(dirname "$0")/lib.sh"
need curl jq

umask 022
ADMIN=$(new_token admin ops)
PUB=$(new_token publisher content)
start_hub "$DATA"
load_inventory
S=$(enrol "$ADMIN" bank-0412-lobby)
OCT='Content-Type: application/octet-stream'
# One whole media file, one partial upload.
head -c 5000 /dev/urandom >"$T/a.bin"
head -c 5000 /dev/urandom >"$T/b.bin"
A=$(sha256sum "$T/a.bin" | cut -d' ' -f1)
B=$(sha256sum "$T/b.bin" | cut -d' ' -f1)
expect_call 200 PUT "/api/v1/media/$A" "$PUB" -H "$OCT" --data-binary @"$T/a.bin"
head -c 1000 "$T/b.bin" >"$T/b1"
expect_call 200 PUT "/api/v1/media/$B" "$PUB" -H "$OCT" -H "Content-Range: bytes 0-999/5000" --data-binary @"$T/b1"
printf '\211PNG\r\n\032\n' >"$T/shot.png"
head -c 2000 /dev/urandom >>"$T/shot.png"
expect_call 201 PUT /api/v1/screenshot "$S" -H 'Content-Type: image/png' --data-binary @"$T/shot.png"
expect_rc 0 "$HUB" report --data "$DATA" --run weekly --at 2026-11-27T16:00:00+08:00

# check_private — the folder and every folder under it 0700, every file 0600.
check_private() {
    for f in hub.db hub.db-wal hub.db-shm "media/$A" "media/.partial/$B" reports/coverage-weekly-2026-11-26.xlsx \
        reports/coverage-weekly-2026-11-26.csv; do
        [ -f "$DATA/$f" ] && ok || fail "$f is missing: the test checks nothing"
    done
    [ "$(find "$DATA/screenshots" -type f | wc -l)" -ge 1 ] && ok || fail "no screenshot stored"
    open=$(find "$DATA" \( -type d ! -perm 0700 \) -o \( -type f ! -perm 0600 \) | head -5)
    [ -z "$open" ] && ok || fail "$1: not private: $(ls -ld $open | tr '\n' ';')"
}
check_private "while serving"
stop_hub_clean

# An older data folder, open to everyone: closed again at start.
chmod 0755 "$DATA" "$DATA/media" "$DATA/screenshots"
chmod 0644 "$DATA/hub.db" "$DATA/media/$A"
[ -f "$DATA/hub.db-wal" ] && chmod 0644 "$DATA/hub.db-wal"
start_hub "$DATA"
expect_call 200 GET /api/v1/screens "$ADMIN"
[ "$(stat -c %a "$DATA")" = 700 ] && ok || fail "the data folder is $(stat -c %a "$DATA") after a restart"
[ "$(stat -c %a "$DATA/hub.db")" = 600 ] && ok || fail "hub.db is $(stat -c %a "$DATA/hub.db") after a restart"
stop_hub_clean
finish
