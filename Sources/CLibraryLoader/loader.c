#include "CLibraryLoader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int tlsfit_library_open(tlsfit_library *library) {
    const char *chosen = getenv(library->override);
    if (chosen != NULL && *chosen != '\0') {
        library->handle = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
        if (library->handle == NULL) {
            const char *why = dlerror();
            snprintf(library->error, sizeof library->error, "cannot load %s from %s: %s", library->name,
                     library->override, why ? why : chosen);
            return 0;
        }
        return 1;
    }
    for (const char *const *file = library->files; *file != NULL && library->handle == NULL; file++) {
        library->handle = dlopen(*file, RTLD_NOW | RTLD_LOCAL);
    }
    if (library->handle == NULL) {
        const char *why = dlerror();
        snprintf(library->error, sizeof library->error, "%s is not installed (Debian and Ubuntu: %s): %s", library->name,
                 library->install, why ? why : "not found");
        return 0;
    }
    return 1;
}

void *tlsfit_library_symbol(tlsfit_library *library, const char *symbol) {
    void *address = dlsym(library->handle, symbol);
    if (address == NULL && !library->missing) {
        library->missing = 1;
        snprintf(library->error, sizeof library->error, "%s has no %s (too old?)", library->name, symbol);
    }
    return address;
}
