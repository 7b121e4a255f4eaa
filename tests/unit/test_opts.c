/* test_opts.c — option tables: every kind of argument, missing values, unknown options, bad values, --help from the table, subcommand tables. */
#define _POSIX_C_SOURCE 200809L
#include "content/opts.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *data;
    const char *name;
    bool json;
    long threads;
    int tags_seen;
    char tags[64];
} cfg;

static int set_tags(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    cfg *c = (cfg *)((char *)field - offsetof(cfg, tags));
    if (strchr(arg, ' ')) {
        snprintf(err, errlen, "--%s: '%s' is not a list of tags", e->name, arg);
        return -1;
    }
    snprintf(c->tags, sizeof c->tags, "%s", arg);
    c->tags_seen += e->id;
    return 0;
}

static const sl_opts_entry table[] = {
    SL_OPTS_STR_E("data", 'd', "DIR", "the data folder", cfg, data),
    SL_OPTS_STR_E("name", 0, "NAME", "a name for it; 1 to 64 letters, digits, '.', '_' or '-', and this help "
                                     "is long enough to be wrapped onto a second line",
                  cfg, name),
    SL_OPTS_FLAG_E("json", 'j', "JSON instead of text", cfg, json),
    SL_OPTS_LONG_E("threads", 't', "N", "worker threads", cfg, threads, 1, 256,
                   "--threads wants a number from 1 to 256, not '%s'"),
    SL_OPTS_FUNC_E("tags", 0, "A,B", "the screen's tags", cfg, tags, set_tags, 1),
    SL_OPTS_FUNC_E("a-very-long-option-name", 0, "VALUE", "goes on its own line", cfg, tags, set_tags, 10),
    SL_OPTS_STR_E("hidden", 0, "X", NULL, cfg, data),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

/* Parses the words given (argv[0] is "cmd"). */
static int parse(cfg *c, int *next, char *err, size_t errlen, char **words)
{
    static char *argv[32];
    int argc = 0;
    argv[argc++] = "cmd";
    for (; words[argc - 1]; argc++)
        argv[argc] = words[argc - 1];
    argv[argc] = NULL;
    memset(c, 0, sizeof *c);
    err[0] = '\0';
    return sl_opts_parse(table, c, argc, argv, next, err, errlen);
}

#define PARSE(c, next, err, ...) parse((c), (next), (err), sizeof(err), (char *[]){__VA_ARGS__, NULL})

static void test_every_kind(void **state)
{
    cfg c;
    char err[256];
    int next = -1;
    assert_int_equal(PARSE(&c, &next, err, "-d", "/srv", "--name=x", "-j", "--threads", "8", "--tags", "a,b",
                           "file"),
                     SL_OPTS_OK);
    assert_string_equal(c.data, "/srv");
    assert_string_equal(c.name, "x");
    assert_true(c.json);
    assert_int_equal(c.threads, 8);
    assert_string_equal(c.tags, "a,b");
    assert_int_equal(c.tags_seen, 1);
    assert_int_equal(next, 9);

    /* Operands may come first; short options may cluster and take their value attached. */
    char *argv[] = {"cmd", "file", "-jt4", "--data", "d", NULL};
    memset(&c, 0, sizeof c);
    assert_int_equal(sl_opts_parse(table, &c, 5, argv, &next, err, sizeof err), SL_OPTS_OK);
    assert_true(c.json);
    assert_int_equal(c.threads, 4);
    assert_string_equal(c.data, "d");
    assert_int_equal(next, 4);
    assert_string_equal(argv[next], "file");

    /* The setter's id tells two options apart. */
    assert_int_equal(PARSE(&c, &next, err, "--a-very-long-option-name", "x"), SL_OPTS_OK);
    assert_int_equal(c.tags_seen, 10);

    /* Nothing given: nothing set. */
    assert_int_equal(PARSE(&c, &next, err, "only"), SL_OPTS_OK);
    assert_null(c.data);
    assert_false(c.json);
    assert_int_equal(next, 1);
}

static void test_missing_value(void **state)
{
    cfg c;
    char err[256];
    int next;
    assert_int_equal(PARSE(&c, &next, err, "--data"), SL_OPTS_ERROR);
    assert_string_equal(err, "'--data' needs a value");
    assert_int_equal(PARSE(&c, &next, err, "-j", "-d"), SL_OPTS_ERROR);
    assert_string_equal(err, "'-d' needs a value");
    assert_int_equal(PARSE(&c, &next, err, "--threads"), SL_OPTS_ERROR);
    assert_string_equal(err, "'--threads' needs a value");
}

static void test_unknown_option(void **state)
{
    cfg c;
    char err[256];
    int next;
    assert_int_equal(PARSE(&c, &next, err, "--frob"), SL_OPTS_ERROR);
    assert_string_equal(err, "unknown option '--frob'");
    assert_int_equal(PARSE(&c, &next, err, "-x"), SL_OPTS_ERROR);
    assert_string_equal(err, "unknown option '-x'");
    /* A flag given a value is wrong too. */
    assert_int_equal(PARSE(&c, &next, err, "--json=yes"), SL_OPTS_ERROR);
    assert_string_equal(err, "unknown option '--json=yes'");
}

static void test_bad_value(void **state)
{
    cfg c;
    char err[256];
    int next;
    const char *bad[] = {"0", "257", "x", "", "8x", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(PARSE(&c, &next, err, "--threads", (char *)bad[i]), SL_OPTS_ERROR);
        char want[256];
        snprintf(want, sizeof want, "--threads wants a number from 1 to 256, not '%s'", bad[i]);
        assert_string_equal(err, want);
    }
    assert_int_equal(PARSE(&c, &next, err, "--threads", "256"), SL_OPTS_OK);
    assert_int_equal(c.threads, 256);
    assert_int_equal(PARSE(&c, &next, err, "--tags", "a b"), SL_OPTS_ERROR);
    assert_string_equal(err, "--tags: 'a b' is not a list of tags");
}

/* --screen ID: an identifier by the wire rule (content/wire.h), or the error naming the option. */
typedef struct {
    const char *screen;
} screen_cfg;

static const sl_opts_entry screen_table[] = {
    SL_OPTS_SCREEN_E("screen", "only this screen", screen_cfg, screen),
    SL_OPTS_END_E,
};

static void test_screen_id(void **state)
{
    (void)state;
    char err[256];
    int next;
    char *good[] = {"prog", "--screen", "bank-0412.lobby_1", NULL};
    screen_cfg c = {0};
    assert_int_equal(sl_opts_parse(screen_table, &c, 3, good, &next, err, sizeof err), SL_OPTS_OK);
    assert_string_equal(c.screen, "bank-0412.lobby_1");
    const char *bad[] = {"", ".hidden", "-x", "a/b", "\xe5\xb1\x8f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[] = {"prog", "--screen", (char *)bad[i], NULL};
        c.screen = NULL;
        assert_int_equal(sl_opts_parse(screen_table, &c, 3, argv, &next, err, sizeof err), SL_OPTS_ERROR);
        char want[256];
        snprintf(want, sizeof want, "--screen '%s' is not a screen id", bad[i]);
        assert_string_equal(err, want);
        assert_null(c.screen);
    }
}

static void test_help_asked(void **state)
{
    cfg c;
    char err[256];
    int next;
    assert_int_equal(PARSE(&c, &next, err, "--help"), SL_OPTS_HELP_ASKED);
    assert_int_equal(PARSE(&c, &next, err, "-j", "-h", "--frob"), SL_OPTS_HELP_ASKED);
    /* A wrong option before it is reported first. */
    assert_int_equal(PARSE(&c, &next, err, "--frob", "-h"), SL_OPTS_ERROR);
}

/* The help of the table, as text into *buf. */
static void help_text(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    assert_non_null(f);
    sl_opts_help(f, table);
    fclose(f);
}

static void test_help_lists_every_option(void **state)
{
    char *h = NULL;
    size_t hlen = 0;
    help_text(&h, &hlen);
    assert_non_null(strstr(h, "    -d, --data DIR  "));
    assert_non_null(strstr(h, "        --name NAME "));
    assert_non_null(strstr(h, "    -j, --json  "));
    assert_non_null(strstr(h, "    -t, --threads N "));
    assert_non_null(strstr(h, "        --tags A,B "));
    assert_non_null(strstr(h, "    -h, --help "));
    assert_non_null(strstr(h, "the data folder\n"));
    /* Too wide for the column: the help goes on the next line. */
    assert_non_null(strstr(h, "        --a-very-long-option-name VALUE\n"));
    /* Hidden. */
    assert_null(strstr(h, "--hidden"));
    /* Every line fits 80 columns; help is in one column. */
    size_t col = strstr(h, "the data folder") - h;
    char *line = h;
    int lines = 0;
    while (*line) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        assert_true(nl - line <= 80);
        size_t sp = strspn(line, " ");
        assert_true(sp == 4 || sp == 8 || sp == col);
        lines++;
        line = nl + 1;
    }
    /* The long help of --name was wrapped; the words stayed in order. */
    assert_true(lines >= 9);
    assert_non_null(strstr(h, "help is long enough"));
    free(h);
}

static int set_stop(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    *(bool *)field = true;
    return SL_OPTS_STOPPED;
}

typedef struct {
    bool a, b, stopped;
    const char *quoted;
} parted;

/* Two parts under two headings; --version ends parsing. */
static const sl_opts_entry parts[] = {
    SL_OPTS_FLAG_E("alpha", 'a', "first part", parted, a),
    SL_OPTS_FUNC_E("version", 0, NULL, "show the version", parted, stopped, set_stop, 0),
    SL_OPTS_PART_E,
    SL_OPTS_FLAG_E("beta", 'b', "second part", parted, b),
    SL_OPTS_STR_E("quoted", 0, "TEXT",
                  "a help text whose quoted phrase \"must never be broken across two lines\" even at the edge",
                  parted, quoted),
    SL_OPTS_END_E,
};

static void test_parts_and_stop(void **state)
{
    parted p = {0};
    char err[128];
    int next;
    char *argv[] = {"cmd", "-b", "--alpha", NULL};
    assert_int_equal(sl_opts_parse(parts, &p, 3, argv, &next, err, sizeof err), SL_OPTS_OK);
    assert_true(p.a && p.b);
    /* The part marker is no option. */
    char *argv2[] = {"cmd", "--", NULL};
    assert_int_equal(sl_opts_parse(parts, &p, 2, argv2, &next, err, sizeof err), SL_OPTS_OK);
    char *argv3[] = {"cmd", "--version", "--frob", NULL};
    memset(&p, 0, sizeof p);
    assert_int_equal(sl_opts_parse(parts, &p, 3, argv3, &next, err, sizeof err), SL_OPTS_STOPPED);
    assert_true(p.stopped);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sl_opts_help(f, sl_opts_part(parts, 0));
    fputs("--\n", f);
    sl_opts_help(f, sl_opts_part(parts, 1));
    fclose(f);
    char *sep = strstr(buf, "--\n");
    assert_non_null(sep);
    char *alpha = strstr(buf, "--alpha"), *version = strstr(buf, "--version"), *beta = strstr(buf, "--beta");
    assert_true(alpha && version && beta);
    assert_true(alpha < sep && version < sep && beta > sep);
    assert_non_null(strstr(buf, "\"must never be broken across two lines\""));
    assert_true(sl_opts_part(parts, 2)->kind == SL_OPTS_END);
    free(buf);
}

static int run_a(int argc, char **argv)
{
    return argc + 40;
}

static int run_b(int argc, char **argv)
{
    return 7;
}

static void test_commands(void **state)
{
    static const sl_opts_command cmds[] = {
        {"serve", "run it", run_a},
        {"enroll-code", "codes", run_b},
        {NULL, NULL, NULL},
    };
    const sl_opts_command *c = sl_opts_command_find(cmds, "serve");
    assert_non_null(c);
    assert_int_equal(c->run(2, NULL), 42);
    assert_int_equal(sl_opts_command_find(cmds, "enroll-code")->run(0, NULL), 7);
    assert_null(sl_opts_command_find(cmds, "serv"));
    assert_null(sl_opts_command_find(cmds, NULL));
    assert_null(sl_opts_command_find(NULL, "serve"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sl_opts_commands_help(f, cmds);
    fclose(f);
    assert_string_equal(buf, "    serve       run it\n"
                             "    enroll-code codes\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind),      cmocka_unit_test(test_missing_value),
        cmocka_unit_test(test_unknown_option),  cmocka_unit_test(test_bad_value),
        cmocka_unit_test(test_screen_id),
        cmocka_unit_test(test_help_asked),      cmocka_unit_test(test_help_lists_every_option),
        cmocka_unit_test(test_parts_and_stop),  cmocka_unit_test(test_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
