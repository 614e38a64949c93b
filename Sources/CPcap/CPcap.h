#ifndef TLSFIT_CPCAP_H
#define TLSFIT_CPCAP_H
// libpcap from the system (Debian: libpcap-dev). Only TLSFitCapture imports this module.
#include <pcap/pcap.h>
#endif
