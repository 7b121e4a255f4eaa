/* cmd_inventory.c — `screenlit inventory import|export`: the hub's list of the screens that should exist, as CSV. */
#include "content/fsutil.h"
#include "content/json.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/hubclient.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INV_MAX_BYTES (32u * 1024u * 1024u) /* an inventory CSV, either way */

/* The options as given. */
typedef struct {
    sl_hubc_opts ho;
    const char *output;
} inventory_args;

static const sl_opts_entry inventory_opts[] = {
    SL_OPTS_STR_E("output", 'o', "FILE", "export: write FILE instead of standard output", inventory_args, output),
    SL_HUBC_OPTS_E(inventory_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit inventory - import or export the screens that should exist\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit inventory import FILE.csv [--hub URL] [--token TOKEN]\n"
           "    screenlit inventory export [-o FILE.csv] [--hub URL] [--token TOKEN]\n"
           "\n"
           "DESCRIPTION\n"
           "    The inventory lists every screen that should exist: its id, name, site,\n"
           "    region, unit type, tags, channel, required hours and time zone. Coverage\n"
           "    reports are computed against it, so a screen that never came online\n"
           "    shows as dark instead of missing.\n"
           "\n"
           "    import sends FILE.csv to the hub, which adds new screens and updates\n"
           "    existing ones (by id). Every row is checked first; one bad row rejects\n"
           "    the whole file and nothing changes. The file is UTF-8, with or without a\n"
           "    byte order mark (Excel and WPS: save as \"CSV UTF-8\"), with the header\n"
           "        id,name,site,region,unit_type,tags,channel,hours,timezone\n"
           "    e.g.\n"
           "        bank-0412-lobby,工商银行城东支行大堂,城东支行,城东区,bank,\n"
           "        lobby;tv,bank-lobby,mon-fri 08:30-17:30; sat 09:00-12:00,Asia/Shanghai\n"
           "    (one line). tags are separated by ';'; hours are weekday ranges and time\n"
           "    windows separated by ';'.\n"
           "\n"
           "    export writes the hub's inventory as CSV (UTF-8 with a byte order mark, so\n"
           "    Excel and WPS show Chinese names right) to FILE.csv or standard output.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, inventory_opts);
    printf("\n"
           "    An admin token is needed for import; export also works with an auditor's.\n"
           "\n"
           SL_HUBC_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 done, 1 the hub refused the file (the line is shown) or could not be\n"
           "    reached, 2 wrong arguments.\n");
}

/* Whether buf is UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
 * On failure *bad_line gets the 1-based line of the first bad byte. */
static bool inv_utf8_ok(const unsigned char *s, size_t n, long *bad_line)
{
    long line = 1;
    for (size_t i = 0; i < n;) {
        unsigned char ch = s[i];
        size_t k;
        uint32_t cp;
        if (ch < 0x80) {
            line += ch == '\n';
            i++;
            continue;
        } else if (ch >= 0xC2 && ch <= 0xDF) {
            k = 1;
            cp = ch & 0x1F;
        } else if (ch >= 0xE0 && ch <= 0xEF) {
            k = 2;
            cp = ch & 0x0F;
        } else if (ch >= 0xF0 && ch <= 0xF4) {
            k = 3;
            cp = ch & 0x07;
        } else {
            goto bad;
        }
        if (n - i - 1 < k)
            goto bad;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += k + 1;
    }
    return true;
bad:
    *bad_line = line;
    return false;
}

static int inv_import(sl_hubc *h, const char *file)
{
    char *data = NULL;
    size_t len = 0;
    char err[SL_HUBC_ERR_MAX];
    sl_hubc_reply rep = {0};
    cJSON *j = NULL;
    int rc = SL_EXIT_FAIL;
    long bad_line = 0;

    if (sl_fs_read_file(file, INV_MAX_BYTES, &data, &len, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit inventory: %s\n", err);
        goto out;
    }
    if (len == 0) {
        fprintf(stderr, "screenlit inventory: %s is empty\n", file);
        goto out;
    }
    if (!inv_utf8_ok((const unsigned char *)data, len, &bad_line)) {
        fprintf(stderr,
                "screenlit inventory: %s: line %ld: not UTF-8 text. Save the sheet as \"CSV UTF-8\" "
                "(Excel: CSV UTF-8 (Comma delimited); WPS: UTF-8 encoding); plain \"CSV\" on "
                "Chinese Windows is GBK. Nothing was imported.\n",
                file, bad_line);
        goto out;
    }
    sl_hubc_req rq = {.method = "PUT",
                     .path = "/api/v1/inventory",
                     .content_type = "text/csv",
                     .body = data,
                     .body_len = len,
                     .idempotent = true, /* an upsert of the same rows */
                     .timeout_s = 300};
    if (sl_hubc_send(h, &rq, &rep, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit inventory: %s\n", err);
        goto out;
    }
    if (rep.status != 200) {
        char jerr[64];
        j = rep.len ? sl_hubc_reply_json(&rep, jerr, sizeof jerr) : NULL;
        const cJSON *ln = cJSON_GetObjectItemCaseSensitive(j, "line");
        sl_hubc_reply_error(h, &rep, err, sizeof err);
        if (cJSON_IsNumber(ln) && ln->valuedouble >= 1 && ln->valuedouble < 1e9)
            fprintf(stderr, "screenlit inventory: %s: line %ld: %s\n", file, (long)ln->valuedouble,
                    err);
        else
            fprintf(stderr, "screenlit inventory: %s: %s\n", file, err);
        fprintf(stderr, "screenlit inventory: nothing was imported\n");
        goto out;
    }
    if (!(j = sl_hubc_reply_json(&rep, err, sizeof err))) {
        fprintf(stderr, "screenlit inventory: %s\n", err);
        goto out;
    }
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "imported");
    if (cJSON_IsNumber(n))
        printf("imported %.0f screen%s from %s\n", n->valuedouble, n->valuedouble == 1 ? "" : "s",
               file);
    else
        printf("imported %s\n", file);
    rc = SL_EXIT_OK;
out:
    cJSON_Delete(j);
    sl_hubc_reply_free(&rep);
    free(data);
    return rc;
}

static int inv_export(sl_hubc *h, const char *out_path)
{
    char err[SL_HUBC_ERR_MAX];
    sl_hubc_reply rep = {0};
    int rc = SL_EXIT_FAIL;

    sl_hubc_req rq = {.method = "GET",
                     .path = "/api/v1/inventory",
                     .idempotent = true,
                     .reply_max = INV_MAX_BYTES,
                     .timeout_s = 300};
    if (sl_hubc_send(h, &rq, &rep, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit inventory: %s\n", err);
        goto out;
    }
    if (rep.status != 200) {
        sl_hubc_reply_error(h, &rep, err, sizeof err);
        fprintf(stderr, "screenlit inventory: %s\n", err);
        goto out;
    }
    if (strncmp(rep.content_type, "text/csv", 8) != 0) {
        char shown[128];
        sl_hubc_printable(rep.content_type, shown, sizeof shown);
        fprintf(stderr, "screenlit inventory: the hub sent '%s', not CSV\n", shown);
        goto out;
    }
    size_t rows = 0;
    for (size_t i = 0; i < rep.len; i++)
        rows += rep.body[i] == '\n';
    if (rep.len && rep.body[rep.len - 1] != '\n')
        rows++;
    rows = rows ? rows - 1 : 0; /* the header */
    if (out_path) {
        if (sl_fs_write_atomic(out_path, rep.body, rep.len, 0644, false, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit inventory: %s\n", err);
            goto out;
        }
        fprintf(stderr, "wrote %zu screen%s to %s\n", rows, rows == 1 ? "" : "s", out_path);
    } else if (fwrite(rep.body, 1, rep.len, stdout) != rep.len || fflush(stdout) != 0) {
        fprintf(stderr, "screenlit inventory: could not write to standard output\n");
        goto out;
    }
    rc = SL_EXIT_OK;
out:
    sl_hubc_reply_free(&rep);
    return rc;
}

int sl_cmd_inventory(int argc, char **argv)
{
    inventory_args a = {0};
    char err[SL_HUBC_ERR_MAX];
    bool usage;
    int next;

    if (argc < 2)
        return sl_cli_usage_error("inventory", "say 'import FILE.csv' or 'export'");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        help();
        return SL_EXIT_OK;
    }
    bool import = strcmp(sub, "import") == 0;
    if (!import && strcmp(sub, "export") != 0)
        return sl_cli_usage_error("inventory", "'%s': say 'import FILE.csv' or 'export'", sub);
    argc--;
    argv++;
    int prc = sl_cli_parse_opts("inventory", inventory_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    const char *out_path = a.output;
    const char *file = NULL;
    if (import) {
        if (out_path)
            return sl_cli_usage_error("inventory", "-o is for export");
        if (next >= argc)
            return sl_cli_usage_error("inventory", "import: the CSV file is missing");
        file = argv[next++];
    }
    if (next < argc)
        return sl_cli_usage_error("inventory", "unexpected argument '%s'", argv[next]);

    sl_hubc *h = sl_hubc_open(&ho, true, &usage, err, sizeof err);
    if (!h) {
        if (usage)
            return sl_cli_usage_error("inventory", "%s", err);
        fprintf(stderr, "screenlit inventory: %s\n", err);
        return SL_EXIT_FAIL;
    }
    int rc = import ? inv_import(h, file) : inv_export(h, out_path);
    sl_hubc_close(h);
    return rc;
}
