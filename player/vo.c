/* vo.c — choosing an output driver and writing captured frames as PNG. */
#include "player/vo.h"

#include <SDL2/SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sl_vo_select(sl_vo *vo, const char *spec, char *err, size_t errlen)
{
    memset(vo, 0, sizeof *vo);
    if (!spec || strcmp(spec, "window") == 0) {
        vo->driver = &sl_vo_window;
    } else if (strcmp(spec, "null") == 0) {
        vo->driver = &sl_vo_null;
    } else if (strncmp(spec, "frames:", 7) == 0 && spec[7]) {
        vo->driver = &sl_vo_frames;
        if (strlen(spec + 7) >= sizeof vo->frames_dir) {
            snprintf(err, errlen, "the frames folder name is too long");
            return -1;
        }
        snprintf(vo->frames_dir, sizeof vo->frames_dir, "%s", spec + 7);
    } else {
        snprintf(err, errlen, "'%s' is not an output (window, frames:DIR or null)", spec);
        return -1;
    }
    return 0;
}

int sl_vo_capture_png(sl_vo *vo, const char *path, char *err, size_t errlen)
{
    int rc = -1;
    SDL_Surface *s = vo->driver->read_frame(vo);
    char tmp[1100];
    if (!s) {
        snprintf(err, errlen, "could not read the frame back: %s", SDL_GetError());
        goto out;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (IMG_SavePNG(s, tmp) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, IMG_GetError());
        goto out;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    SDL_FreeSurface(s);
    return rc;
}
