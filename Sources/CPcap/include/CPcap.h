#ifndef TLSFIT_CPCAP_H
#define TLSFIT_CPCAP_H
/*
 * libpcap (Debian: libpcap-dev at build time, libpcap0.8 at run time), loaded on first use.
 *
 * Only `tlsfit hello --pcap` reads captures, but a binary linked against libpcap loads it and
 * its eight dependencies (D-Bus, systemd, libgcrypt, ...) at every start: about 1 ms, a tenth of
 * what a scan of a closed port is allowed. The header gives the types; the functions below call
 * libpcap through pointers resolved with dlopen/dlsym the first time a capture is opened.
 * Only TLSFitCapture imports this module.
 */
#include <pcap/pcap.h>
#include <stddef.h>

/* Loads libpcap, once (thread-safe). Returns NULL when it is ready, otherwise why it is not,
   for a person: "libpcap is not installed (...)". */
const char *cpcap_load(void);

/* libpcap's functions of the same names without the c; call them only after cpcap_load
   returned NULL. */
pcap_t *cpcap_open_offline_with_tstamp_precision(const char *path, u_int precision, char *errbuf);
void cpcap_close(pcap_t *handle);
int cpcap_datalink(pcap_t *handle);
int cpcap_snapshot(pcap_t *handle);
int cpcap_next_ex(pcap_t *handle, struct pcap_pkthdr **header, const u_char **data);
char *cpcap_geterr(pcap_t *handle);
const char *cpcap_datalink_val_to_name(int link_type);
const char *cpcap_datalink_val_to_description(int link_type);

#endif
