#ifndef TLSFIT_CLIBRARYLOADER_H
#define TLSFIT_CLIBRARYLOADER_H
/*
 * Opening a system library on first use (dlopen), for the C shims of libraries only some commands
 * need (CPcap: libpcap, CXML: libxml2), so that no start of tlsfit pays for loading them.
 */
#include <stddef.h>

typedef struct tlsfit_library {
    const char *name;          /* for messages: "libpcap" */
    const char *override;      /* an environment variable naming another build, the only one tried when set */
    const char *install;       /* how to install it: "apt-get install libpcap0.8" */
    const char *const *files;  /* the file names tried in order, NULL-terminated */
    void *handle;              /* set by tlsfit_library_open */
    int missing;               /* set by tlsfit_library_symbol when a symbol is missing */
    char error[256];           /* why the library or a symbol could not be had, for a person */
} tlsfit_library;

/* Opens the library: 1 when open, 0 with `error` set. */
int tlsfit_library_open(tlsfit_library *library);

/* The address of `symbol`, or NULL: the first missing symbol sets `missing` and `error`. */
void *tlsfit_library_symbol(tlsfit_library *library, const char *symbol);

#endif
