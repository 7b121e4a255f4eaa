/* opts.h — command-line options and subcommands from tables: one table gives getopt_long's parsing, the checks and the OPTIONS part of --help. */
#ifndef SL_OPTS_H
#define SL_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What an option does with its argument. Every value lands in a field of
 * the caller's struct (the entry's offset into it), after mpv's option
 * tables: the table is const and shared, the values are the caller's. */
typedef enum {
    SL_OPTS_END = 0, /* ends a table */
    SL_OPTS_FLAG,    /* no argument: sets a bool to true */
    SL_OPTS_STR,     /* a const char * pointing into argv */
    SL_OPTS_LONG,    /* a whole number from lo to hi into a long; else the message `bad` */
    SL_OPTS_FUNC,    /* the entry's setter takes it (with an argument when `arg` is set) */
    SL_OPTS_HELP,    /* -h/--help: parsing stops and sl_opts_parse says so */
    SL_OPTS_PART,    /* not an option: where the next part of --help starts (see sl_opts_help) */
} sl_opts_kind;

typedef struct sl_opts_entry sl_opts_entry;

/* Takes an option into field (the caller's struct + the entry's offset);
 * arg is NULL for an option without argument. 0, or -1 with a message in
 * err (the whole message: "--tags: 'x' is not a list of tags"), or
 * SL_OPTS_STOPPED to end parsing at once (--version). */
typedef int (*sl_opts_setter)(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen);

struct sl_opts_entry {
    const char *name;   /* the long name, without "--" */
    int letter;         /* the short option, or 0 */
    sl_opts_kind kind;
    const char *arg;    /* the argument's name in --help ("DIR"); NULL: the option takes none */
    const char *help;   /* its help, one paragraph (wrapped to the terminal's 80 columns; '\n' breaks a
                         * line); NULL hides the option from --help */
    size_t offset;      /* where the value goes in the caller's struct */
    long lo, hi;        /* SL_OPTS_LONG: the range */
    const char *bad;    /* SL_OPTS_LONG: the message for a value out of range or not a number; "%s"
                         * in it stands for the value */
    sl_opts_setter set; /* SL_OPTS_FUNC */
    int id;             /* SL_OPTS_FUNC: free for the setter (one setter for several options) */
};

/* Entries of a table about the struct `type`. */
#define SL_OPTS_FLAG_E(name, letter, help, type, field) \
    {(name), (letter), SL_OPTS_FLAG, NULL, (help), offsetof(type, field), 0, 0, NULL, NULL, 0}
#define SL_OPTS_STR_E(name, letter, arg, help, type, field) \
    {(name), (letter), SL_OPTS_STR, (arg), (help), offsetof(type, field), 0, 0, NULL, NULL, 0}
#define SL_OPTS_LONG_E(name, letter, arg, help, type, field, lo, hi, bad) \
    {(name), (letter), SL_OPTS_LONG, (arg), (help), offsetof(type, field), (lo), (hi), (bad), NULL, 0}
#define SL_OPTS_FUNC_E(name, letter, arg, help, type, field, set, id) \
    {(name), (letter), SL_OPTS_FUNC, (arg), (help), offsetof(type, field), 0, 0, NULL, (set), (id)}
#define SL_OPTS_HELP_E {"help", 'h', SL_OPTS_HELP, NULL, "show this help", 0, 0, 0, NULL, NULL, 0}
#define SL_OPTS_PART_E {"", 0, SL_OPTS_PART, NULL, NULL, 0, 0, 0, NULL, NULL, 0}
#define SL_OPTS_END_E {NULL, 0, SL_OPTS_END, NULL, NULL, 0, 0, 0, NULL, NULL, 0}

/* A setter for an option naming one screen (or channel, …) by its id: the
 * field is a const char *, the value must pass sl_wire_id_ok (content/wire.h),
 * else "--NAME 'VALUE' is not a screen id". */
int sl_opts_set_screen_id(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen);
#define SL_OPTS_SCREEN_E(name, help, type, field) SL_OPTS_FUNC_E(name, 0, "ID", help, type, field, sl_opts_set_screen_id, 0)

/* A setter for a screen size WIDTHxHEIGHT (16 to 16384 pixels each): the
 * field is int[2] (width, height), else "NAME: 'VALUE' is not WIDTHxHEIGHT". */
int sl_opts_set_size(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen);

#define SL_OPTS_MAX 64 /* entries in one table */

/* What sl_opts_parse found. */
#define SL_OPTS_OK 0
#define SL_OPTS_HELP_ASKED 1
#define SL_OPTS_STOPPED 2 /* a setter said so */
#define SL_OPTS_ERROR (-1)

/* Parses argv[1..argc-1] with getopt_long by the table into target (options
 * and operands may mix; argv is permuted so that the operands come last).
 * Returns SL_OPTS_OK with *next the index of the first operand,
 * SL_OPTS_HELP_ASKED when -h/--help came (before any wrong option),
 * SL_OPTS_STOPPED when a setter ended it, or SL_OPTS_ERROR with the
 * message in err: "'--data' needs a value",
 * "unknown option '--frob'", or the one of a bad value. */
int sl_opts_parse(const sl_opts_entry *tab, void *target, int argc, char **argv, int *next, char *err,
                  size_t errlen);

/* Prints the table's options as the OPTIONS part of a manual page: one
 * option a line, "    -d, --data DIR    the data folder", help wrapped in
 * one column (an option too long for it puts its help on the next line).
 * Options without help are left out. It stops at the end of the table or
 * at an SL_OPTS_PART entry: a table whose options are listed under
 * several headings has one PART entry before each heading after the
 * first, and prints the part n (0 the first) with sl_opts_part. */
void sl_opts_help(FILE *out, const sl_opts_entry *tab);

/* Where part n of the table starts (tab itself for 0). */
const sl_opts_entry *sl_opts_part(const sl_opts_entry *tab, int n);

/* A subcommand: `PROGRAM NAME ARGS`, run with argv[0] = NAME. Tables end
 * with a NULL name. */
typedef struct {
    const char *name;
    const char *summary; /* one line for the COMMANDS part of --help */
    int (*run)(int argc, char **argv);
} sl_opts_command;

/* The command named name, or NULL. */
const sl_opts_command *sl_opts_command_find(const sl_opts_command *tab, const char *name);

/* Prints "    NAME  SUMMARY" for every command, names in one column. */
void sl_opts_commands_help(FILE *out, const sl_opts_command *tab);

#endif
