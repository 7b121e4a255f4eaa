/* vo.c — choosing an output driver and writing captured frames as PNG. */
#include "player/vo.h"

#include <SDL2/SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sl_vo_parse_spec(const char *spec, const sl_vo_driver **driver, char *dir, size_t dirlen, char *err,
                     size_t errlen)
{
    const sl_vo_driver *d = NULL;
    if (strcmp(spec, "window") == 0) {
        d = &sl_vo_window;
    } else if (strcmp(spec, "null") == 0) {
        d = &sl_vo_null;
    } else if (strncmp(spec, "frames:", 7) == 0 && spec[7]) {
        if (strlen(spec + 7) >= SL_VO_FRAMES_DIR_MAX) {
            snprintf(err, errlen, "the frames folder name is too long (at most %d bytes)", SL_VO_FRAMES_DIR_MAX - 1);
            return -1;
        }
        d = &sl_vo_frames;
        if (dir)
            snprintf(dir, dirlen, "%s", spec + 7);
    } else {
        snprintf(err, errlen, "'%s' is not window, frames:DIR or null", spec);
        return -1;
    }
    if (driver)
        *driver = d;
    return 0;
}

int sl_vo_select(sl_vo *vo, const char *spec, char *err, size_t errlen)
{
    memset(vo, 0, sizeof *vo);
    return sl_vo_parse_spec(spec ? spec : "window", &vo->driver, vo->frames_dir, sizeof vo->frames_dir, err,
                            errlen);
}

SDL_Surface *sl_vo_read_frame(sl_vo *vo, char *err, size_t errlen)
{
    SDL_Surface *s = vo->driver->read_frame(vo);
    if (!s)
        snprintf(err, errlen, "could not read the frame back: %s", SDL_GetError());
    return s;
}

int sl_vo_save_png(SDL_Surface *frame, const char *path, char *err, size_t errlen)
{
    char tmp[1100];
    if (!frame || !path) {
        snprintf(err, errlen, "no frame to write");
        return -1;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "the file name is too long (at most %zu bytes)", sizeof tmp - 5);
        return -1;
    }
    if (IMG_SavePNG(frame, tmp) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, IMG_GetError());
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int sl_vo_capture_png(sl_vo *vo, const char *path, char *err, size_t errlen)
{
    SDL_Surface *s = sl_vo_read_frame(vo, err, errlen);
    int rc = s ? sl_vo_save_png(s, path, err, errlen) : -1;
    SDL_FreeSurface(s);
    return rc;
}
