/* diag.h — a list of diagnostics (errors and warnings), each with a JSON path. */
#ifndef SL_DIAG_H
#define SL_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { SL_DIAG_ERROR, SL_DIAG_WARNING } sl_diag_severity;

typedef struct {
    sl_diag_severity severity;
    char *path;    /* JSON path such as "items[3].file"; "" for the whole file */
    char *message; /* for content staff, e.g. "media/app.mp4 does not exist" */
} sl_diag;

/* A bounded list: after SL_DIAGS_MAX entries further ones are counted in
 * `dropped` but not stored. Out of memory: the entry is counted as dropped. */
typedef struct {
    sl_diag *v;
    size_t n, cap;
    size_t n_errors, n_warnings, dropped;
} sl_diags;

#define SL_DIAGS_MAX 1000

void sl_diags_init(sl_diags *d);
/* Frees every entry; d may be NULL. */
void sl_diags_free(sl_diags *d);
/* Appends one diagnostic; d may be NULL (then it is ignored). */
void sl_diags_add(sl_diags *d, sl_diag_severity sev, const char *path,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define sl_diags_error(d, path, ...) sl_diags_add((d), SL_DIAG_ERROR, (path), __VA_ARGS__)
#define sl_diags_warn(d, path, ...) sl_diags_add((d), SL_DIAG_WARNING, (path), __VA_ARGS__)
bool sl_diags_has_errors(const sl_diags *d);

#endif
