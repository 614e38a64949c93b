#include "CPcap.h"

#include <CLibraryLoader.h>
#include <pthread.h>

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

/* The run-time names: Debian and Ubuntu ship libpcap.so.0.8, most others libpcap.so.1; the
   unversioned name comes with the -dev package; macOS has libpcap.A.dylib. TLSFIT_LIBPCAP names
   another build (a path or a file name). */
static const char *const files[] = {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "libpcap.A.dylib", NULL};
static tlsfit_library library = {
    .name = "libpcap", .override = "TLSFIT_LIBPCAP", .install = "apt-get install libpcap0.8", .files = files,
};
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
    if (!tlsfit_library_open(&library)) return;
    api.open_offline_with_tstamp_precision = tlsfit_library_symbol(&library, "pcap_open_offline_with_tstamp_precision");
    api.close = tlsfit_library_symbol(&library, "pcap_close");
    api.datalink = tlsfit_library_symbol(&library, "pcap_datalink");
    api.snapshot = tlsfit_library_symbol(&library, "pcap_snapshot");
    api.next_ex = tlsfit_library_symbol(&library, "pcap_next_ex");
    api.geterr = tlsfit_library_symbol(&library, "pcap_geterr");
    api.datalink_val_to_name = tlsfit_library_symbol(&library, "pcap_datalink_val_to_name");
    api.datalink_val_to_description = tlsfit_library_symbol(&library, "pcap_datalink_val_to_description");
    loaded = !library.missing;
}

const char *cpcap_load(void) {
    pthread_once(&load_once, load);
    return loaded ? NULL : library.error;
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
