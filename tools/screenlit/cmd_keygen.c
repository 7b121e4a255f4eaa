/* cmd_keygen.c — `screenlit keygen`: makes a publisher Ed25519 key pair. */
#include "content/fsutil.h"
#include "content/keys.h"
#include "tools/screenlit/cli.h"

#include <stdio.h>
#include <stdlib.h>

/* The options as given. */
typedef struct {
    const char *out;
} keygen_args;

static const sl_opts_entry keygen_opts[] = {
    SL_OPTS_STR_E("out", 'o', "DIR", "the folder for the two files (created when missing)", keygen_args, out),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit keygen - make a publisher signing key pair\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit keygen --out DIR\n"
           "\n"
           "DESCRIPTION\n"
           "    Writes DIR/publisher.key (the secret key, mode 0600: keep it on the\n"
           "    publishing machine only) and DIR/publisher.pub (the public key). Screens\n"
           "    pin the public key at install time and refuse playlists not signed with\n"
           "    the secret key; the hub must be told the public key too. An existing key\n"
           "    is never overwritten.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, keygen_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 keys written, 1 failure (e.g. a key already exists), 2 wrong arguments.\n");
}

int sl_cmd_keygen(int argc, char **argv)
{
    keygen_args a = {0};
    int next, prc = sl_cli_parse_opts("keygen", keygen_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    const char *out = a.out;
    if (next < argc)
        return sl_cli_usage_error("keygen", "unexpected argument '%s'", argv[next]);
    if (!out)
        return sl_cli_usage_error("keygen", "--out DIR is missing");
    char err[512];
    if (sl_keys_init() != 0) {
        fprintf(stderr, "screenlit keygen: libsodium could not start\n");
        return SL_EXIT_FAIL;
    }
    if (sl_fs_mkdirs(out, err, sizeof err) != 0 || sl_keys_generate(out, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit keygen: %s\n", err);
        return SL_EXIT_FAIL;
    }
    char *pubpath = sl_fs_join(out, "publisher.pub");
    sl_pubkey pk;
    if (pubpath && sl_pubkey_load(pubpath, &pk, err, sizeof err) == 0) {
        char b64[SL_PUBKEY_B64_MAX];
        sl_pubkey_to_b64(&pk, b64, sizeof b64);
        printf("wrote %s/publisher.key (secret, mode 0600) and %s\n", out, pubpath);
        printf("public key (pin it in each screen's config): %s\n", b64);
    }
    free(pubpath);
    return SL_EXIT_OK;
}
