#!/bin/sh
# test_console_login.sh — the web console's frame with curl against a real hub: login (right, wrong, throttled per name and per address, logged), the cookies' flags, CSRF-less posts refused, logout, roles, own password, disabled and removed people, sessions across a restart, idle expiry, the slowing set by serve's options, language, security headers, hostile input, valid HTML.
. "$(dirname "$0")/lib.sh"
need curl sqlite3

new_user admin ops 'ops password 1'
new_user auditor aud '审计 password'
new_user publisher pub 'pub password 1'
new_user admin chg 'change me 12'
start_hub "$DATA"

# ---- before logging in ----
code_is 303 "$(console_get "$T/anon" /console)" "GET /console"
header_line '^Location: /console/$'
code_is 303 "$(console_get "$T/anon" /console/)" "GET /console/ without a session"
header_line '^Location: /console/login\?next=%2Fconsole%2F$'
code_is 303 "$(console_get "$T/anon" '/console/screens?region=%E5%9F%8E%E4%B8%9C')" "a page without a session"
header_line '^Location: /console/login\?next=%2Fconsole%2Fscreens%3Fregion%3D%25E5%259F%258E%25E4%25B8%259C$'
code_is 200 "$(console_get "$T/anon" /console/login)" "the login page"
# Every console reply has the security headers; pages are never cached.
header_line "^Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self';"
header_line "frame-ancestors 'none'"
header_line '^X-Content-Type-Options: nosniff$'
header_line '^X-Frame-Options: DENY$'
header_line '^Referrer-Policy: same-origin$'
header_line '^Cache-Control: no-store$'
header_line '^Content-Type: text/html; charset=utf-8$'
# The pre-session cookie of the login form's CSRF token.
header_line '^Set-Cookie: sl_login=[0-9a-f]{64}; Path=/console/; HttpOnly; SameSite=Strict$'
# The form the browser tests rely on.
body_has '<form method="post" action="/console/login"'
body_has 'name="user"'
body_has 'name="password" type="password"'
body_has 'name="next"'
body_has 'name="csrf"'
body_has '<button type="submit" id="login">'
body_has '<html lang="zh-CN">'
body_has '<meta charset="utf-8">'
body_has '<meta name="viewport" content="width=device-width'
body_has 'id="lang-zh"'
body_has 'id="lang-en"'
body_lacks 'id="logout"'
body_lacks 'nav-screens'
valid_html
code_is 200 "$(console_get "$T/anon" /console/login -I)" "HEAD of the login page"
code_is 200 "$(console_get "$T/anon" /console/style.css)" "the stylesheet"
header_line '^Content-Type: text/css'
header_line "^Content-Security-Policy: default-src 'self'"
body_has '@media (max-width:600px)'
code_is 200 "$(console_get "$T/anon" /console/console.js)" "the script"
header_line '^Content-Type: text/javascript'
body_has 'data-refresh'
code_is 404 "$(console_get "$T/anon" /console/no-such-page)" "an unknown page"
body_has 'id="problem"'
valid_html

# ---- logging in ----
# Without the CSRF token, with a wrong one, without the login cookie: 403, whatever the password.
console_get "$T/j1" /console/login >/dev/null
code_is 403 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/j1" -c "$T/j1" \
    --data-urlencode 'user=ops' --data-urlencode 'password=ops password 1' "$URL/console/login")" "login without csrf"
body_has 'id="problem"'
code_is 403 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/j1" -c "$T/j1" \
    --data-urlencode "csrf=$(printf '%064d' 0)" --data-urlencode 'user=ops' \
    --data-urlencode 'password=ops password 1' "$URL/console/login")" "login with a wrong csrf"
console_get "$T/j1" /console/login >/dev/null
code_is 403 "$(console_post /dev/null /console/login --data-urlencode 'user=ops' \
    --data-urlencode 'password=ops password 1')" "login without the login cookie"
header_line '^X-Frame-Options: DENY$'
# Wrong password, unknown name: 401, the form again with the error, the name kept (escaped).
code_is 401 "$(console_login "$T/j1" ops 'wrong password')" "a wrong password"
body_has 'id="error"'
body_has '<form method="post" action="/console/login"'
body_has 'value="ops"'
valid_html
code_is 401 "$(console_login "$T/j1" '"><script>alert(1)</script>' 'x')" "an unknown, hostile name"
body_has 'id="error"'
body_lacks '<script>alert'
body_has '&quot;&gt;&lt;script&gt;'
wait_in "$T/hub.log" "login as ops from 127.0.0.1 refused: wrong password" 60 && ok || fail "a failed login is not logged"
wait_in "$T/hub.log" "login as (not a valid name) from 127.0.0.1 refused: no such person" 60 && ok ||
    fail "a failed login with an invalid name is not logged as such"
# The right one: 303 to /console/screens, the session cookie with its flags.
code_is 303 "$(console_login "$T/j1" ops 'ops password 1')" "the right password"
header_line '^Location: /console/screens$'
header_line '^Set-Cookie: sl_session=[0-9a-f]{64}; Path=/console/; HttpOnly; SameSite=Strict$'
wait_in "$T/hub.log" "console: ops (admin) logged in from 127.0.0.1" 60 && ok || fail "a login is not logged"
if grep -q 'ops password 1' "$T/hub.log"; then fail "a password is in the log"; else ok; fi
SESSION=$(awk '$6 == "sl_session" { print $7 }' "$T/j1")
[ ${#SESSION} -eq 64 ] && ok || fail "no session cookie in the jar"
# The store keeps the session's hash, never the cookie.
n=$(sqlite3 "$DATA/hub.db" "SELECT count(*) FROM sessions")
[ "$n" = 1 ] && ok || fail "expected 1 session in the store, found $n"
if grep -qa "$SESSION" "$DATA/hub.db" "$DATA"/hub.db-wal 2>/dev/null; then fail "a session cookie is stored in clear"; else ok; fi

code_is 200 "$(console_get "$T/j1" /console/screens)" "a page with a session"
body_has '<span id="whoami" class="whoami">ops</span>'
for id in nav-screens nav-coverage nav-reports nav-channels nav-inventory nav-people lang-zh lang-en logout; do
    body_has "id=\"$id\""
done
valid_html
code_is 303 "$(console_get "$T/j1" /console/)" "/console/ with a session"
header_line '^Location: /console/screens$'
# A next target of this hub is followed; any other is not.
code_is 303 "$(console_login "$T/j2" ops 'ops password 1' /console/password)" "login with next"
header_line '^Location: /console/password$'
# Logged in, the login page's header has a logout button that works.
code_is 200 "$(console_get "$T/j2" /console/login)" "the login page while logged in"
body_has 'id="logout"'
code_is 303 "$(console_post "$T/j2" /console/logout)" "logout from the login page"
code_is 303 "$(console_get "$T/j2" /console/password)" "after that logout"
code_is 303 "$(console_login "$T/j3" ops 'ops password 1' //evil.example/x)" "login with a foreign next"
header_line '^Location: /console/screens$'
code_is 303 "$(console_login "$T/j3" ops 'ops password 1' '/console/../api/v1/screens')" "login with a climbing next"
header_line '^Location: /console/screens$'
# A multipart form (how an upload page posts) is read the same way.
console_get "$T/j4" /console/login >/dev/null
code_is 303 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/j4" -c "$T/j4" -F "csrf=$(console_csrf)" \
    -F user=ops -F 'password=ops password 1' "$URL/console/login")" "a multipart login"
# Before logging in a body may be small only.
head -c 300000 /dev/zero | tr '\0' 'a' >"$T/big"
console_get "$T/j5" /console/login >/dev/null
code_is 413 "$(console_post "$T/j5" /console/login --data-urlencode "user@$T/big")" "a large body before login"

# ---- CSRF on every POST of a session ----
console_get "$T/j1" /console/password >/dev/null
code_is 403 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/j1" \
    -d 'old=x&new=yyyyyyyyyy&new2=yyyyyyyyyy' "$URL/console/password")" "a password change without csrf"
body_has 'id="problem"'
code_is 403 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/j1" -d 'x=1' "$URL/console/logout")" \
    "a logout without csrf"
# ... and the session still works (nothing happened).
code_is 200 "$(console_get "$T/j1" /console/screens)" "the session after a refused logout"
# The login form's token is not a session's, nor the other way round.
console_get "$T/j6" /console/login >/dev/null
LOGIN_CSRF=$(console_csrf)
code_is 403 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/j1" --data-urlencode "csrf=$LOGIN_CSRF" \
    "$URL/console/logout")" "a logout with the login form's token"
wait_in "$T/hub.log" "console: POST /console/logout from 127.0.0.1 refused: a wrong CSRF token" 60 && ok ||
    fail "a refused POST is not logged"
code_is 405 "$(console_get "$T/j1" /console/screens -d "csrf=$(console_csrf)")" "POST to a page that only shows"

# ---- roles ----
code_is 303 "$(console_login "$T/pub" pub 'pub password 1')" "the publisher logs in"
header_line '^Location: /console/channels$' # the first page a publisher may open
code_is 403 "$(console_get "$T/pub" /console/screens)" "a publisher opens the screens (auditors and admins)"
body_has 'id="problem"'
body_has 'id="logout"'
body_lacks 'id="nav-screens"'
body_lacks 'id="nav-inventory"'
body_lacks 'id="nav-people"'
body_has 'id="nav-channels"'
valid_html
wait_in "$T/hub.log" "console: pub (publisher) may not GET /console/screens" 60 && ok || fail "a refusal is not logged"
code_is 303 "$(console_login "$T/aud" aud '审计 password')" "the auditor logs in"
code_is 200 "$(console_get "$T/aud" /console/screens)" "an auditor opens the screens"
body_lacks 'id="nav-inventory"'
body_lacks 'id="nav-people"'
body_has 'id="nav-coverage"'

# ---- language ----
code_is 200 "$(console_get "$T/lang" /console/login -H 'Accept-Language: en-US,en;q=0.9,zh;q=0.5')" "English by Accept-Language"
body_has '<html lang="en">'
body_has 'Log in'
code_is 200 "$(console_get "$T/lang" /console/login -H 'Accept-Language: fr')" "another language"
body_has '<html lang="zh-CN">'
code_is 200 "$(console_get "$T/lang" '/console/login?lang=en&next=%2Fconsole%2Fcoverage')" "?lang=en"
header_line '^Set-Cookie: sl_lang=en; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+$'
body_has '<html lang="en">'
body_has 'href="/console/login?next=%2Fconsole%2Fcoverage&amp;lang=zh"'
code_is 200 "$(console_get "$T/lang" /console/login -H 'Accept-Language: zh')" "the cookie over Accept-Language"
body_has '<html lang="en">'

# ---- hostile input ----
code_is 200 "$(console_get "$T/anon" '/console/login?next=%2Fconsole%2F%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&x=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E')" \
    "a hostile query"
body_lacks '<script>alert'
body_lacks '<img src=x'
valid_html
code_is 400 "$(console_get "$T/anon" '/console/login?a=%00')" "a NUL in the query"
code_is 400 "$(console_get "$T/anon" '/console/login?a=%zz')" "a broken escape"
code_is 400 "$(console_get "$T/anon" '/console/login?a=%ff')" "not UTF-8"

# ---- own password ----
code_is 303 "$(console_login "$T/c1" chg 'change me 12')" "chg logs in"
code_is 303 "$(console_login "$T/c2" chg 'change me 12')" "chg logs in elsewhere"
code_is 200 "$(console_get "$T/c1" /console/password)" "the password page"
for id in '"old"' '"new"' '"new2"' 'id="save"'; do body_has "$id"; done
valid_html
code_is 400 "$(console_post "$T/c1" /console/password --data-urlencode 'old=change me 12' \
    --data-urlencode 'new=a new password' --data-urlencode 'new2=another one')" "new passwords differ"
body_has 'id="error"'
code_is 400 "$(console_post "$T/c1" /console/password --data-urlencode 'old=change me 12' \
    --data-urlencode 'new=short' --data-urlencode 'new2=short')" "a new password too short"
body_has 'id="error"'
code_is 403 "$(console_post "$T/c1" /console/password --data-urlencode 'old=wrong old' \
    --data-urlencode 'new=a new password' --data-urlencode 'new2=a new password')" "a wrong old password"
body_has 'id="error"'
code_is 303 "$(console_post "$T/c1" /console/password --data-urlencode 'old=change me 12' \
    --data-urlencode 'new=a new password' --data-urlencode 'new2=a new password')" "the password changed"
header_line '^Location: /console/password\?done=1$'
code_is 200 "$(console_get "$T/c1" '/console/password?done=1')" "this session goes on"
body_has 'id="done"'
code_is 303 "$(console_get "$T/c2" /console/password)" "the other session ended"
code_is 401 "$(console_login "$T/c3" chg 'change me 12')" "the old password"
code_is 303 "$(console_login "$T/c3" chg 'a new password')" "the new password"

# ---- logout ----
console_get "$T/c3" /console/password >/dev/null
code_is 303 "$(console_post "$T/c3" /console/logout)" "logout"
header_line '^Location: /console/login$'
header_line '^Set-Cookie: sl_session=; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=0$'
wait_in "$T/hub.log" "console: chg logged out from 127.0.0.1" 60 && ok || fail "a logout is not logged"
# The session is gone at the hub, not only in this browser: its cookie sent again does not work.
C1=$(awk '$6 == "sl_session" { print $7 }' "$T/c1")
code_is 200 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -H "Cookie: sl_session=$C1" "$URL/console/password")" \
    "the first session, by its cookie"
console_get "$T/c1" /console/password >/dev/null
code_is 303 "$(console_post "$T/c1" /console/logout)" "logout of the first session"
code_is 303 "$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -H "Cookie: sl_session=$C1" "$URL/console/password")" \
    "a logged-out session's cookie sent again"

# ---- disabled and removed people, while the hub runs ----
code_is 303 "$(console_login "$T/a2" aud '审计 password')" "aud logs in again"
expect_rc 0 "$HUB" user disable aud --data "$DATA"
code_is 303 "$(console_get "$T/aud" /console/screens)" "a disabled person's session"
code_is 303 "$(console_get "$T/a2" /console/screens)" "a disabled person's other session"
code_is 401 "$(console_login "$T/a3" aud '审计 password')" "a disabled person logs in"
expect_rc 0 "$HUB" user enable aud --data "$DATA"
code_is 303 "$(console_login "$T/a3" aud '审计 password')" "enabled again"
code_is 200 "$(console_get "$T/a3" /console/screens)" "their new session"
expect_rc 0 "$HUB" user remove aud --data "$DATA"
code_is 303 "$(console_get "$T/a3" /console/screens)" "a removed person's session"

# ---- Secure cookies: behind a TLS proxy (X-Forwarded-Proto) ----
console_get "$T/p1" /console/login -H 'X-Forwarded-Proto: https' >/dev/null
header_line '^Set-Cookie: sl_login=[0-9a-f]{64}; Path=/console/; HttpOnly; SameSite=Strict; Secure$'
console_get "$T/p2" /console/login >/dev/null # (curl would not send a Secure cookie over http)
code_is 303 "$(console_post "$T/p2" /console/login -H 'X-Forwarded-Proto: https' --data-urlencode user=ops \
    --data-urlencode 'password=ops password 1')" "login behind a TLS proxy"
header_line '^Set-Cookie: sl_session=[0-9a-f]{64}; Path=/console/; HttpOnly; SameSite=Strict; Secure$'

# ---- a restart keeps people logged in ----
stop_hub_clean
start_hub "$DATA"
code_is 200 "$(console_get "$T/j1" /console/screens)" "a session after the hub restarted"
body_has 'id="whoami"'

# ---- logins slowed down: per name, then per address (a fresh hub: nothing counted yet) ----
for i in 1 2 3 4 5; do
    code_is 401 "$(console_login "$T/t" ops "wrong $i")" "wrong password $i"
done
code_is 429 "$(console_login "$T/t" ops 'ops password 1')" "a sixth try for the same name, even the right password"
header_line '^Retry-After: [0-9]+$'
body_has 'id="error"'
wait_in "$T/hub.log" "login as ops from 127.0.0.1 refused: too many failures from this name" 60 && ok ||
    fail "a login slowed by its name is not logged"
code_is 303 "$(console_login "$T/t" pub 'pub password 1')" "another name from the same address"
# Failures from one address with any names: refused once the address's ten are used up.
i=0
got=401
while [ "$i" -lt 12 ] && [ "$got" = 401 ]; do
    i=$((i + 1))
    got=$(console_login "$T/t" "nobody-$i" x)
done
code_is 429 "$got" "many names from one address"
# Five failures before (ops) and five now make ten; one may have drained meanwhile on a slow machine.
[ "$i" -le 8 ] && ok || fail "the address was slowed after $i more failures, not about its tenth"
code_is 429 "$(console_login "$T/t" pub 'pub password 1')" "the right password from that address"
wait_in "$T/hub.log" "refused: too many failures from this address" 60 && ok ||
    fail "a login slowed by its address is not logged"

# ---- idle sessions end ----
stop_hub_clean
start_hub "$DATA" --console-idle 3s
wait_in "$T/hub.log" "sessions end after 3 s idle" 60 && ok || fail "serve does not say the idle time"
code_is 303 "$(console_login "$T/i" pub 'pub password 1')" "login for the idle test"
code_is 200 "$(console_get "$T/i" /console/password)" "the session at once"
used=$(date +%s)
# Wait for the idle time to pass (by the clock, with no request that would use the session).
while [ "$(date +%s)" -le $((used + 4)) ]; do sleep 0.2; done
code_is 303 "$(console_get "$T/i" /console/password)" "the session after 4 s idle"
header_line '^Location: /console/login\?next=%2Fconsole%2Fpassword$'
expect_rc 2 "$HUB" serve --data "$DATA" --console-idle 0
expect_rc 2 "$HUB" serve --data "$DATA" --console-idle 5x

# ---- the slowing set with serve's options ----
stop_hub_clean
start_hub "$DATA" --console-login-name 2/600 --console-login-address 50/30
wait_in "$T/hub.log" "failed console logins slowed: 50 at once from one address, then one every 30 s; 2 for one name, then one every 600 s" 60 &&
    ok || fail "serve does not say how it slows failed logins"
code_is 401 "$(console_login "$T/n" aud 'wrong 1')" "wrong password 1 of 2"
code_is 401 "$(console_login "$T/n" aud 'wrong 2')" "wrong password 2 of 2"
code_is 429 "$(console_login "$T/n" aud '审计 password')" "a third try for the name when it may fail twice"
header_line '^Retry-After: [0-9]+$'
for bad in 0/30 1001/30 5/0 5/86401 5 5/ /30 5/30s x/30; do
    expect_rc 2 "$HUB" serve --data "$DATA" --console-login-name "$bad"
done
"$HUB" serve --data "$DATA" --console-login-address 10/ 2>"$T/usage" >/dev/null || :
expect_in "$T/usage" "--console-login-address wants N/SECONDS: N failed logins (1 to 1000) at once, then one every SECONDS (1 to 86400), e.g. 10/30"

# ---- HTTPS: Secure cookies ----
if command -v openssl >/dev/null 2>&1; then
    stop_hub_clean
    tls_pki "$T/pki"
    start_hub_tls "$DATA" "$T/pki"
    code_is 200 "$(console_get "$T/s" /console/login --cacert "$T/pki/ca.crt")" "the login page over HTTPS"
    header_line '^Set-Cookie: sl_login=[0-9a-f]{64}; Path=/console/; HttpOnly; SameSite=Strict; Secure$'
    code_is 303 "$(console_post "$T/s" /console/login --cacert "$T/pki/ca.crt" --data-urlencode user=ops \
        --data-urlencode 'password=ops password 1')" "login over HTTPS"
    header_line '^Set-Cookie: sl_session=[0-9a-f]{64}; Path=/console/; HttpOnly; SameSite=Strict; Secure$'
fi

stop_hub_clean
finish
