#include "CPcap.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* The libpcap functions tlsfit uses, resolved once. */
static struct {
    pcap_t *(*open_offline_with_tstamp_precision)(const char *, u_int, char *);
    void (*close)(pcap_t *);
    int (*datalink)(pcap_t *);
    int (*snapshot)(pcap_t *);
    int (*next_ex)(pcap_t *, struct pcap_pkthdr **, const u_char **);
    char *(*geterr)(pcap_t *);
    const char *(*datalink_val_to_name)(int);
    const char *(*datalink_val_to_description)(int);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[PCAP_ERRBUF_SIZE];
static int loaded;

static void *symbol(void *library, const char *name, int *missing) {
    void *address = dlsym(library, name);
    if (address == NULL && !*missing) {
        *missing = 1;
        snprintf(load_error, sizeof load_error, "libpcap has no %s (too old?)", name);
    }
    return address;
}

static void load(void) {
    /* The run-time names: Debian and Ubuntu ship libpcap.so.0.8, most others libpcap.so.1;
       the unversioned name comes with the -dev package; macOS has libpcap.A.dylib. */
    static const char *const names[] = {
        "libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "libpcap.A.dylib", NULL,
    };
    void *library = NULL;
    /* TLSFIT_LIBPCAP names another build (a path or a file name) and is then the only one tried. */
    const char *chosen = getenv("TLSFIT_LIBPCAP");
    if (chosen != NULL && *chosen != '\0') {
        library = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
        if (library == NULL) {
            const char *why = dlerror();
            snprintf(load_error, sizeof load_error, "cannot load libpcap from TLSFIT_LIBPCAP: %s", why ? why : chosen);
            return;
        }
    }
    for (const char *const *name = names; *name != NULL && library == NULL; name++) {
        library = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "libpcap is not installed (Debian and Ubuntu: apt-get install libpcap0.8): %s", why ? why : "not found");
        return;
    }
    int missing = 0;
    api.open_offline_with_tstamp_precision = symbol(library, "pcap_open_offline_with_tstamp_precision", &missing);
    api.close = symbol(library, "pcap_close", &missing);
    api.datalink = symbol(library, "pcap_datalink", &missing);
    api.snapshot = symbol(library, "pcap_snapshot", &missing);
    api.next_ex = symbol(library, "pcap_next_ex", &missing);
    api.geterr = symbol(library, "pcap_geterr", &missing);
    api.datalink_val_to_name = symbol(library, "pcap_datalink_val_to_name", &missing);
    api.datalink_val_to_description = symbol(library, "pcap_datalink_val_to_description", &missing);
    loaded = !missing;
}

const char *cpcap_load(void) {
    pthread_once(&load_once, load);
    return loaded ? NULL : load_error;
}

pcap_t *cpcap_open_offline_with_tstamp_precision(const char *path, u_int precision, char *errbuf) {
    return api.open_offline_with_tstamp_precision(path, precision, errbuf);
}

void cpcap_close(pcap_t *handle) { api.close(handle); }
int cpcap_datalink(pcap_t *handle) { return api.datalink(handle); }
int cpcap_snapshot(pcap_t *handle) { return api.snapshot(handle); }
int cpcap_next_ex(pcap_t *handle, struct pcap_pkthdr **header, const u_char **data) {
    return api.next_ex(handle, header, data);
}
char *cpcap_geterr(pcap_t *handle) { return api.geterr(handle); }
const char *cpcap_datalink_val_to_name(int link_type) { return api.datalink_val_to_name(link_type); }
const char *cpcap_datalink_val_to_description(int link_type) { return api.datalink_val_to_description(link_type); }
