/* cmd_keygen.c — `screenlit keygen`: makes a publisher Ed25519 key pair. */
#include "content/fsutil.h"
#include "content/keys.h"
#include "tools/screenlit/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

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
           "OPTIONS\n"
           "    -o, --out DIR  the folder for the two files (created when missing)\n"
           "    -h, --help     show this help\n"
           "\n"
           "EXIT STATUS\n"
           "    0 keys written, 1 failure (e.g. a key already exists), 2 wrong arguments.\n");
}

int sl_cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'h':
            help();
            return SL_EXIT_OK;
        case ':':
            return sl_cli_usage_error("keygen", "'%s' needs a value", argv[optind - 1]);
        default:
            return sl_cli_usage_error("keygen", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return sl_cli_usage_error("keygen", "unexpected argument '%s'", argv[optind]);
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
