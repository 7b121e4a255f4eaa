#!/bin/sh
# test_hub_users.sh — screenlit-hub user add|list|passwd|disable|enable|remove: usage errors, passwords from standard input (and from a terminal, asked twice without echo), only Argon2id hashes stored.
. "$(dirname "$0")/lib.sh"
need sqlite3

# The command line.
expect_rc 0 "$HUB" user --help
expect_in "$T/out" "SYNOPSIS"
expect_in "$T/out" "EXIT STATUS"
expect_in "$T/out" "--role ROLE"
expect_rc 0 "$HUB" --help
expect_in "$T/out" "user"
expect_rc 2 "$HUB" user
expect_in "$T/err" "say add, list"
expect_rc 2 "$HUB" user frob ops --data "$DATA"
expect_in "$T/err" "unknown action 'frob'"
expect_rc 2 "$HUB" user add --role admin --data "$DATA"
expect_in "$T/err" "needs the person's NAME"
expect_rc 2 "$HUB" user add ops --data "$DATA"
expect_in "$T/err" "--role"
expect_rc 2 "$HUB" user add ops --role root --data "$DATA"
expect_in "$T/err" "admin, publisher or auditor"
expect_rc 2 "$HUB" user add ../ops --role admin --data "$DATA"
expect_in "$T/err" "not a name"
expect_rc 2 "$HUB" user add ops --role admin
expect_in "$T/err" "--data DIR"
expect_rc 2 "$HUB" user list --role admin --data "$DATA"
expect_rc 2 "$HUB" user add ops extra --role admin --data "$DATA"
expect_rc 2 "$HUB" user passwd ops --data "$DATA" --db mysql://x

# Passwords from standard input: one line; too short, too long, none.
printf 'short\n' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' <'$T/pw'"
expect_in "$T/err" "too short"
awk 'BEGIN { for (i = 0; i < 1100; i++) printf "x"; print "" }' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' <'$T/pw'"
expect_in "$T/err" "longer than 1024"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' </dev/null"
expect_in "$T/err" "no password on standard input"
printf 'abc\001defghij\n' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' <'$T/pw'"
expect_in "$T/err" "control characters"

new_user admin ops 'Secret pass 1'
expect_in "$T/err" "ops (admin) added"
new_user auditor wang.li '审计员的密码 2026'
printf 'another password\r\n' >"$T/pw" # a CRLF line end is not part of it
expect_rc 0 sh -c "'$HUB' user add pub-1 --role publisher --data '$DATA' <'$T/pw'"
printf 'whatever pw 9\n' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role auditor --data '$DATA' <'$T/pw'"
expect_in "$T/err" "a person named ops exists"

expect_rc 0 "$HUB" user list --data "$DATA"
expect_in "$T/out" "NAME"
expect_in "$T/out" "ops "
expect_in "$T/out" "wang.li"
expect_in "$T/out" "pub-1"
expect_in "$T/out" "publisher"
expect_not_in "$T/out" "argon2"

# The store holds Argon2id hashes (mode 0600 database), never a password.
n=$(sqlite3 "$DATA/hub.db" "SELECT count(*) FROM users WHERE pwhash LIKE '\$argon2id\$v=19\$m=32768,t=3,p=1\$%'")
[ "$n" = 3 ] && ok || fail "expected 3 Argon2id hashes, found $n"
if grep -qa "Secret pass 1" "$DATA/hub.db" "$DATA"/hub.db-wal 2>/dev/null; then fail "a password is stored in clear"; else ok; fi
role=$(sqlite3 "$DATA/hub.db" "SELECT role FROM users WHERE name = 'pub-1'")
[ "$role" = publisher ] && ok || fail "pub-1 has role '$role'"

# passwd, disable, enable, remove.
before=$(sqlite3 "$DATA/hub.db" "SELECT pwhash FROM users WHERE name = 'ops'")
printf 'a new password\n' >"$T/pw"
expect_rc 0 sh -c "'$HUB' user passwd ops --data '$DATA' <'$T/pw'"
expect_in "$T/err" "sessions ended"
after=$(sqlite3 "$DATA/hub.db" "SELECT pwhash FROM users WHERE name = 'ops'")
[ "$before" != "$after" ] && ok || fail "user passwd did not change the hash"
expect_rc 1 sh -c "'$HUB' user passwd nobody --data '$DATA' <'$T/pw'"
expect_in "$T/err" "nobody is named nobody"
expect_rc 0 "$HUB" user disable wang.li --data "$DATA"
expect_rc 0 "$HUB" user list --data "$DATA"
expect_in "$T/out" "disabled"
expect_rc 0 "$HUB" user enable wang.li --data "$DATA"
expect_rc 0 "$HUB" user list --data "$DATA"
expect_not_in "$T/out" "disabled"
expect_rc 1 "$HUB" user disable nobody --data "$DATA"
expect_rc 0 "$HUB" user remove pub-1 --data "$DATA"
expect_rc 1 "$HUB" user remove pub-1 --data "$DATA"
expect_in "$T/err" "nobody is named pub-1"
expect_rc 0 "$HUB" user list --data "$DATA"
expect_not_in "$T/out" "pub-1"

# From a terminal (script(1) gives the command one): asked twice, without echo; two different
# answers change nothing. Each answer is typed once its prompt shows.
# tty_add NAME FIRST SECOND — runs `user add NAME` on a terminal; its screen in $T/tty-out.
tty_add() {
    rm -f "$T/tty-fifo" "$T/tty-out"
    mkfifo "$T/tty-fifo"
    : >"$T/tty-out"
    script -qfec "'$HUB' user add $1 --role auditor --data '$DATA'" /dev/null <"$T/tty-fifo" >"$T/tty-out" 2>&1 &
    tty_pid=$!
    exec 3>"$T/tty-fifo"
    wait_in "$T/tty-out" "New password for $1:" 60 || fail "no first prompt"
    printf '%s\n' "$2" >&3
    wait_in "$T/tty-out" "The same again:" 60 || fail "no second prompt"
    printf '%s\n' "$3" >&3
    exec 3>&-
    set +e
    wait "$tty_pid"
    tty_rc=$?
    set -e
}
if command -v script >/dev/null 2>&1; then
    tty_add tty-user 'terminal pass 1' 'terminal pass 1'
    [ "$tty_rc" = 0 ] && ok || { fail "user add on a terminal exited $tty_rc"; cat "$T/tty-out" >&2; }
    expect_not_in "$T/tty-out" "terminal pass 1"
    tty_add tty-two 'terminal pass 1' 'terminal pass 2'
    [ "$tty_rc" = 1 ] && ok || fail "two different passwords: exit $tty_rc"
    expect_in "$T/tty-out" "differ"
    expect_not_in "$T/tty-out" "terminal pass"
    expect_rc 0 "$HUB" user list --data "$DATA"
    expect_in "$T/out" "tty-user"
    expect_not_in "$T/out" "tty-two"
fi

finish
