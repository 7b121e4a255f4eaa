/* audio.h — sound: decodes a media file's sound track on its own thread and mixes it into one SDL audio device. */
#ifndef SL_AUDIO_H
#define SL_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The output format: what every sound is resampled to and what the device
 * is opened with (SDL converts when the hardware wants something else). */
#define SL_AUDIO_RATE 48000    /* Hz */
#define SL_AUDIO_CHANNELS 2    /* stereo, interleaved */
#define SL_AUDIO_FRAME_BYTES 4 /* one S16 sample per channel */
#define SL_AUDIO_QUEUE_MS 250  /* decoded ahead per sound, besides the device's own buffer */
#define SL_AUDIO_MAX_SOUNDS 8  /* sounds playing at once on one output */

/* The audio device, opened once; it mixes the sounds playing on it. */
typedef struct sl_audio_out sl_audio_out;
/* One sound playing: a decode thread feeding the output. */
typedef struct sl_audio sl_audio;

/* Initialises SDL's audio subsystem (SDL_AUDIODRIVER picks the driver) and
 * opens the default device for S16 stereo 48 kHz, already running (silence
 * until a sound starts). Returns NULL with err when there is no usable
 * device: the caller plays on without sound. */
sl_audio_out *sl_audio_out_open(char *err, size_t errlen);
/* Closes the device and quits SDL's audio subsystem. Every sound started on
 * it must have been stopped first. NULL is fine. */
void sl_audio_out_close(sl_audio_out *out);
/* The SDL driver in use ("pulseaudio", "alsa", "disk" …); "" for NULL. */
const char *sl_audio_out_driver(const sl_audio_out *out);

/* Flags for sl_audio_start. */
enum {
    /* Keep time with pictures started at the same instant (a video's sound):
     * the time the thread takes to open the file and decode the first
     * samples is skipped from the start of the sound rather than delaying it. */
    SL_AUDIO_SYNC = 1u << 0,
};

/* Starts playing the sound track of the media file at path (an audio file,
 * or a video's sound) at volume 0..1. Never touches the disk itself: the
 * file is opened and decoded on the sound's own thread, so a file that
 * cannot be played shows up later through sl_audio_error (and
 * sl_audio_ended). Returns NULL with err only when out is NULL, path is
 * empty, the output is full (SL_AUDIO_MAX_SOUNDS) or out of resources. */
sl_audio *sl_audio_start(sl_audio_out *out, const char *path, double volume, unsigned flags,
                         char *err, size_t errlen);
/* Stops the sound at once (it leaves the mix immediately), joins its thread
 * and frees it. NULL is fine. */
void sl_audio_stop(sl_audio *a);
/* True once the whole sound has gone to the device, or decoding failed.
 * NULL: true. */
bool sl_audio_ended(const sl_audio *a);
/* The error that stopped the sound ("…: has no sound track"), or NULL. The
 * text stays valid until sl_audio_stop. */
const char *sl_audio_error(const sl_audio *a);
/* Starts an announcement (as sl_audio_start, without flags) that ducks the
 * other sounds: from the sample at which its first sample is mixed to the
 * one after its last (gaps of a late decoder included), every sound of the
 * output that is not an announcement plays at `duck` (0..1) times its
 * volume, the lowest duck when several announcements speak. The mixer does
 * it sample by sample, ramped over 5 ms so that it does not click. */
sl_audio *sl_audio_start_announcement(sl_audio_out *out, const char *path, double volume,
                                      double duck, char *err, size_t errlen);
/* Frames (1/SL_AUDIO_RATE s) of this sound mixed into the output so far. */
int64_t sl_audio_played_frames(const sl_audio *a);

#endif
