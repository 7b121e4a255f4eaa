/* cmd_records.c — `screenlit records import`: loads play records that screens wrote to a USB stick into the hub. */
#define _GNU_SOURCE /* strverscmp */
#include "content/fsutil.h"
#include "content/json.h"
#include "content/wire.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/hubclient.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS_FILE_MAX (2u * 1024u * 1024u) /* the hub's cap on one batch body */
#define RECORDS_FILES_MAX 100000

/* The options as given. */
typedef struct {
    sl_hubc_opts ho;
} records_args;

static const sl_opts_entry records_opts[] = {
    SL_HUBC_OPTS_E(records_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit records - load play records from a USB stick into the hub\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit records import DIR [--hub URL] [--token TOKEN] [--config FILE]\n"
           "\n"
           "DESCRIPTION\n"
           "    Screens without a network keep their proof of play in their journal;\n"
           "    `screenlit-player --export-records DIR` writes the plays the hub has not\n"
           "    acknowledged into DIR/records/, one file per batch, named\n"
           "    <screen>-<first seq>-<last seq>.json, each holding what the screen would\n"
           "    have posted itself: {\"screen\": ID, \"records\": [...]}.\n"
           "\n"
           "    `records import` posts every such file of DIR/records/ (or of DIR itself\n"
           "    when it has no records/ folder) to the hub, for the screen the file\n"
           "    names; the screen must be in the hub's inventory. The hub keeps each\n"
           "    play once by screen and seq, so importing a file again, or a later\n"
           "    export that repeats earlier plays, stores nothing twice. Needs an admin\n"
           "    token.\n"
           "\n"
           "    For each file it prints the records stored and the duplicates (plays the\n"
           "    hub already held), e.g.\n"
           "        village-3-1-412.json: 412 records of village-3: 412 stored, 0 duplicates\n"
           "    A file the hub refuses is reported and the others are still imported.\n"
           "    When the screen later reaches the hub itself, the plays already\n"
           "    imported leave its journal at the first exchange.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, records_opts);
    printf("\n"
           SL_HUBC_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 every file imported (new or already held), 1 a file could not be read or\n"
           "    the hub refused it (the others were imported), or no file was found,\n"
           "    2 wrong arguments.\n"
           "\n"
           "EXAMPLE\n"
           "    screenlit records import /media/$USER/STICK --hub http://hub.example:8080\n");
}

static int by_version(const void *a, const void *b)
{
    return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files of dir, in natural order ("x-2-9" before "x-10-20"). */
static int list_files(const char *dir, char ***out, size_t *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *e;
    if (!d) {
        snprintf(err, errlen, "cannot open %s", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (cnt == RECORDS_FILES_MAX)
            break;
        if (cnt == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **nv = realloc(v, nc * sizeof *nv);
            if (!nv)
                goto oom;
            v = nv;
            cap = nc;
        }
        if (!(v[cnt] = strdup(e->d_name)))
            goto oom;
        cnt++;
    }
    closedir(d);
    if (cnt)
        qsort(v, cnt, sizeof *v, by_version);
    *out = v;
    *n = cnt;
    return 0;
oom:
    closedir(d);
    for (size_t i = 0; i < cnt; i++)
        free(v[i]);
    free(v);
    snprintf(err, errlen, "out of memory");
    return -1;
}

typedef struct {
    int64_t records, stored, dups;
} import_totals;

/* Imports one file. Returns 0, -1 (reason printed), or -2 when the hub did
 * not answer (the other files would not get through either). */
static int import_file(sl_hubc *h, const char *dir, const char *name, import_totals *tot)
{
    char *path = sl_fs_join(dir, name), *text = NULL, err[SL_HUBC_ERR_MAX], shown[300];
    size_t len = 0;
    cJSON *in = NULL, *reply = NULL;
    sl_hubc_reply rep = {0};
    int rc = -1;
    sl_hubc_printable(name, shown, sizeof shown);
    if (!path) {
        fprintf(stderr, "screenlit records: out of memory\n");
        goto out;
    }
    if (sl_fs_read_file(path, RECORDS_FILE_MAX, &text, &len, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit records: %s: %s\n", shown, err);
        goto out;
    }
    if (!(in = sl_json_parse(text, len, NULL, err, sizeof err))) {
        fprintf(stderr, "screenlit records: %s: not JSON: %s\n", shown, err);
        goto out;
    }
    const char *screen = sl_json_str(in, "screen");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(in, "records");
    if (!screen || !sl_wire_id_ok(screen) || !cJSON_IsArray(list)) {
        fprintf(stderr, "screenlit records: %s: not a file of play records (it needs \"screen\" and "
                        "\"records\")\n", shown);
        goto out;
    }
    int n = cJSON_GetArraySize(list);
    char url[160];
    snprintf(url, sizeof url, "/api/v1/screens/%s/plays", screen);
    /* The file goes as it is: the hub checks every record (all or nothing). */
    sl_hubc_req rq = {.method = "POST", .path = url, .content_type = "application/json", .body = text,
                     .body_len = len, .idempotent = true, .timeout_s = 120};
    if (sl_hubc_send(h, &rq, &rep, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit records: %s: %s\n", shown, err);
        rc = -2;
        goto out;
    }
    if (rep.status != 200) {
        sl_hubc_reply_error(h, &rep, err, sizeof err);
        fprintf(stderr, "screenlit records: %s: %s; nothing of it was stored\n", shown, err);
        goto out;
    }
    reply = sl_hubc_reply_json(&rep, err, sizeof err);
    const cJSON *s = reply ? cJSON_GetObjectItemCaseSensitive(reply, "stored") : NULL;
    const cJSON *d = reply ? cJSON_GetObjectItemCaseSensitive(reply, "duplicates") : NULL;
    const cJSON *a = reply ? cJSON_GetObjectItemCaseSensitive(reply, "acked_seq") : NULL;
    if (!cJSON_IsNumber(s) || !cJSON_IsNumber(d) || !cJSON_IsNumber(a)) {
        fprintf(stderr, "screenlit records: %s: the hub's answer has no stored/duplicates counts\n", shown);
        goto out;
    }
    printf("%s: %d record%s of %s: %lld stored, %lld duplicate%s (the hub holds every play of %s up to "
           "seq %lld)\n",
           shown, n, n == 1 ? "" : "s", screen, (long long)s->valuedouble, (long long)d->valuedouble,
           (long long)d->valuedouble == 1 ? "" : "s", screen, (long long)a->valuedouble);
    tot->records += n;
    tot->stored += (int64_t)s->valuedouble;
    tot->dups += (int64_t)d->valuedouble;
    rc = 0;
out:
    sl_hubc_reply_free(&rep);
    cJSON_Delete(reply);
    cJSON_Delete(in);
    free(text);
    free(path);
    return rc;
}

static int records_import(int argc, char **argv)
{
    records_args a = {{0}};
    bool usage = false;
    char err[SL_HUBC_ERR_MAX];
    int next, prc = sl_cli_parse_opts("records import", records_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    if (next >= argc)
        return sl_cli_usage_error("records import", "the folder (DIR holding records/) is missing");
    if (next + 1 < argc)
        return sl_cli_usage_error("records import", "one folder at a time ('%s' is extra)", argv[next + 1]);
    const char *top = argv[next];
    if (!sl_fs_is_dir(top))
        return sl_cli_usage_error("records import", "%s is not a folder", top);

    int rc = SL_EXIT_FAIL;
    sl_hubc *h = NULL;
    char **files = NULL, *sub = sl_fs_join(top, "records");
    size_t n = 0, failed = 0;
    import_totals tot = {0};
    if (!sub) {
        fprintf(stderr, "screenlit records: out of memory\n");
        goto out;
    }
    if (!(h = sl_hubc_open(&ho, true, &usage, err, sizeof err))) {
        if (usage)
            rc = sl_cli_usage_error("records import", "%s", err);
        else
            fprintf(stderr, "screenlit records: %s\n", err);
        goto out;
    }
    const char *dir = sl_fs_is_dir(sub) ? sub : top;
    if (list_files(dir, &files, &n, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit records: %s\n", err);
        goto out;
    }
    if (n == 0) {
        fprintf(stderr, "screenlit records: no record files (*.json) in %s\n", dir);
        goto out;
    }
    size_t tried = 0;
    for (; tried < n; tried++) {
        int frc = import_file(h, dir, files[tried], &tot);
        failed += frc != 0;
        if (frc == -2) {
            tried++;
            break;
        }
    }
    failed += n - tried;
    if (tried < n)
        fprintf(stderr, "screenlit records: %zu more file%s not tried; run the same command again when the hub "
                        "answers\n", n - tried, n - tried == 1 ? "" : "s");
    printf("imported %zu of %zu file%s: %lld records, %lld stored, %lld duplicates\n", n - failed, n,
           n == 1 ? "" : "s", (long long)tot.records, (long long)tot.stored, (long long)tot.dups);
    rc = failed ? SL_EXIT_FAIL : SL_EXIT_OK;
out:
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(sub);
    sl_hubc_close(h);
    return rc;
}

int sl_cmd_records(int argc, char **argv)
{
    if (argc < 2)
        return sl_cli_usage_error("records", "what to do is missing: screenlit records import DIR");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        help();
        return SL_EXIT_OK;
    }
    if (!strcmp(argv[1], "import"))
        return records_import(argc - 1, argv + 1);
    return sl_cli_usage_error("records", "'%s' is not a records command (import)", argv[1]);
}
