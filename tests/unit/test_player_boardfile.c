/* test_player_boardfile.c — the boot partition's board file: BOM, CRLF and CR line ends, comments, inline PEM, bad lines by number, and how it sets the player's options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "player/boardfile.h"
#include "player/options.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_text(const char *path, const char *text)
{
    assert_int_equal(sl_test_write_file(path, text, strlen(text)), 0);
}

static sl_board parse_ok(const char *text)
{
    sl_board b;
    char err[256];
    assert_int_equal(sl_board_parse(text, strlen(text), &b, err, sizeof err), 0);
    return b;
}

static void test_board_plain(void **state)
{
    (void)state;
    sl_board b = parse_ok("# screenlit board\nhub = https://hub.example:8443\ncode=K7Q2-9XWD-MB4T\n"
                          "  Region =  864,508,192,64   # the LED wall\nrotate = 90\n");
    assert_int_equal(b.n, 4);
    assert_int_equal(b.n_errors, 0);
    assert_string_equal(sl_board_get(&b, "hub")->value, "https://hub.example:8443");
    assert_string_equal(sl_board_get(&b, "code")->value, "K7Q2-9XWD-MB4T");
    assert_string_equal(sl_board_get(&b, "region")->value, "864,508,192,64");
    assert_int_equal(sl_board_get(&b, "region")->line, 4);
    assert_int_equal(sl_board_get(&b, "rotate")->line, 5);
    assert_null(sl_board_get(&b, "size"));
    sl_board_free(&b);
    sl_board_free(NULL);
}

/* Notepad: a UTF-8 BOM and CRLF; an old Mac editor: CR alone; no newline at the end. */
static void test_board_windows(void **state)
{
    (void)state;
    sl_board b = parse_ok("\xEF\xBB\xBFhub = http://10.0.0.5:8080\r\ncode = AAAA-BBBB-CCCC\r\n\r\nhub_CA = ca.pem\r\n");
    assert_int_equal(b.n, 3);
    assert_int_equal(b.n_errors, 0);
    assert_string_equal(b.v[0].key, "hub"); /* the BOM is not part of the first key */
    assert_string_equal(b.v[0].value, "http://10.0.0.5:8080");
    assert_string_equal(b.v[1].value, "AAAA-BBBB-CCCC"); /* no '\r' left */
    assert_string_equal(b.v[2].key, "hub-ca");            /* case and '_' folded */
    assert_int_equal(b.v[2].line, 4);
    sl_board_free(&b);
    b = parse_ok("rotate = 180\rsize = 1920x1080");
    assert_int_equal(b.n, 2);
    assert_string_equal(sl_board_get(&b, "size")->value, "1920x1080");
    assert_int_equal(sl_board_get(&b, "size")->line, 2);
    sl_board_free(&b);
}

static void test_board_bad_lines(void **state)
{
    (void)state;
    sl_board b = parse_ok("hub = http://h:1\njust some words\n= 5\nrotate =\nsize = 800x600\n");
    assert_int_equal(b.n, 2); /* the good lines stay */
    assert_int_equal(b.n_errors, 3);
    assert_non_null(strstr(b.errors[0], "line 2: 'just some words' is not 'name = value'"));
    assert_non_null(strstr(b.errors[1], "line 3: no name before '='"));
    assert_non_null(strstr(b.errors[2], "line 4: rotate has no value"));
    sl_board_free(&b);
    /* A NUL byte: not a text file at all. */
    sl_board nb;
    char err[256];
    assert_int_equal(sl_board_parse("hub = x\0y", 9, &nb, err, sizeof err), -1);
    assert_non_null(strstr(err, "NUL byte"));
    /* A line longer than the cap is refused by number, the next one still read. */
    size_t n = SL_BOARD_LINE_MAX + 100;
    char *big = malloc(n + 32);
    assert_non_null(big);
    memset(big, 'a', n);
    snprintf(big + n, 32, "\nrotate = 90\n");
    b = parse_ok(big);
    assert_int_equal(b.n_errors, 1);
    assert_non_null(strstr(b.errors[0], "line 1: longer than"));
    assert_string_equal(sl_board_get(&b, "rotate")->value, "90");
    assert_int_equal(sl_board_get(&b, "rotate")->line, 2);
    sl_board_free(&b);
    free(big);
}

static void test_board_inline_pem(void **state)
{
    (void)state;
    sl_board b = parse_ok("hub = https://hub:8443\r\nhub-ca = -----BEGIN CERTIFICATE-----\r\nMIIBaz+/abc=\r\n"
                          "  MIIBdef==  \r\n-----END CERTIFICATE-----\r\ncode = X\r\n");
    assert_int_equal(b.n_errors, 0);
    assert_int_equal(b.n, 3);
    const sl_board_entry *ca = sl_board_get(&b, "hub-ca");
    assert_string_equal(ca->value, "-----BEGIN CERTIFICATE-----\nMIIBaz+/abc=\nMIIBdef==\n-----END CERTIFICATE-----\n");
    assert_int_equal(ca->line, 2);
    assert_int_equal(sl_board_get(&b, "code")->line, 6); /* lines still counted inside the PEM */
    sl_board_free(&b);
    b = parse_ok("hub-ca = -----BEGIN CERTIFICATE-----\nMIIB\n");
    assert_int_equal(b.n, 0);
    assert_int_equal(b.n_errors, 1);
    assert_non_null(strstr(b.errors[0], "line 1: hub-ca: the certificate has no '-----END CERTIFICATE-----' line"));
    sl_board_free(&b);
}

/* The board file sets the player's options: it wins over the config file, the command line over it. */
static void test_board_options(void **state)
{
    (void)state;
    char dir[512], conf[600], board[600], ca[600], body[1024];
    assert_int_equal(sl_test_tmpdir(dir, sizeof dir, "board"), 0);
    snprintf(conf, sizeof conf, "%s/player.conf", dir);
    snprintf(board, sizeof board, "%s/screenlit.txt", dir);
    snprintf(ca, sizeof ca, "%s/hub-ca.pem", dir);
    write_text(ca, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    write_text(conf, "rotate = 180\nregion = 0,0,10,10\n");
    snprintf(body, sizeof body,
             "\xEF\xBB\xBFhub = https://hub.example:8443\r\ncode = K7Q2-9XWD-MB4T\r\nhub-ca = hub-ca.pem\r\n"
             "region = 864,508,192,64\r\nrotate = 91\r\nplaylist = /x.json\r\ncolour = red\r\nsize = 1920x1080\r\n");
    write_text(board, body);
    char *argv[] = {"screenlit-player", "--config", conf, "--board-file", board, "--size", "800x600", NULL};
    sl_options o;
    sl_options_defaults(&o);
    assert_int_equal(sl_options_parse_argv(&o, 7, argv), 0);
    assert_string_equal(o.hub, "https://hub.example:8443");
    assert_string_equal(o.board_code, "K7Q2-9XWD-MB4T");
    assert_string_equal(o.hub_ca, ca); /* relative to the board file's folder */
    assert_true(o.has_region);
    assert_int_equal(o.region_x, 864); /* the board file wins over the config file */
    assert_int_equal(o.region_w, 192);
    assert_int_equal(o.rotate, 180); /* its bad rotate was left out: the config file's stays */
    assert_null(o.playlist);         /* not a board setting: warned, not applied */
    assert_int_equal(o.size_w, 800); /* the command line wins over the board file */
    sl_options_free(&o);

    /* No board file: nothing changes; the path comes from the environment when not named. */
    setenv(SL_BOARD_FILE_ENV, "/nonexistent/screenlit.txt", 1);
    char *argv2[] = {"screenlit-player", "--playlist", "p.json", NULL};
    sl_options_defaults(&o);
    assert_int_equal(sl_options_parse_argv(&o, 3, argv2), 0);
    assert_string_equal(sl_options_board_path(&o), "/nonexistent/screenlit.txt");
    assert_null(o.hub);
    assert_null(o.board_code);
    sl_options_free(&o);
    unsetenv(SL_BOARD_FILE_ENV);
    sl_options_defaults(&o);
    assert_string_equal(sl_options_board_path(&o), SL_BOARD_FILE_DEFAULT);
    sl_options_free(&o);

    /* An inline PEM replaces a hub-ca file named in the config file. */
    write_text(conf, "hub-ca = /etc/ssl/x.pem\n");
    write_text(board, "hub-ca = -----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    char *argv3[] = {"screenlit-player", "--config", conf, "--board-file", board, NULL};
    sl_options_defaults(&o);
    assert_int_equal(sl_options_parse_argv(&o, 5, argv3), 0);
    assert_null(o.hub_ca);
    assert_string_equal(o.hub_ca_pem, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    sl_options_free(&o);
    sl_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_plain),     cmocka_unit_test(test_board_windows),
        cmocka_unit_test(test_board_bad_lines), cmocka_unit_test(test_board_inline_pem),
        cmocka_unit_test(test_board_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
