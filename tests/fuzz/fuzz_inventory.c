/* fuzz_inventory.c — libFuzzer target: the inventory CSV import (PUT /api/v1/inventory: CSV reader, row checks, hours, time zones, store). */
#include "tests/fuzz/fuzzutil.h"
#include "tests/fuzz/hubfake.h"
#include "tools/hub/service/hub_csv.h"
#include "tools/hub/service/hub_inventory.h"
#include "tools/hub/http/routes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* Every field also goes through the hours reader directly (the import stops at the first bad row). */
static int field_cb(void *ud, size_t line, char **fields, size_t n)
{
    (void)ud;
    (void)line;
    char why[256];
    sl_inv_hours h;
    for (size_t i = 0; i < n; i++)
        (void)sl_inv_hours_parse(fields[i], &h, why, sizeof why);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    size_t line = 0;
    (void)sl_csv_parse((const char *)data, size, 32, field_cb, NULL, err, sizeof err, &line);
    (void)sl_fuzz_hub_call(sl_h_inventory_put, SL_ROLE_ADMIN, "admin", NULL, "text/csv; charset=utf-8", data,
                           size);
    return 0;
}
