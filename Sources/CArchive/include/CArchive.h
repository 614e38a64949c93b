#ifndef TLSFIT_CARCHIVE_H
#define TLSFIT_CARCHIVE_H
/*
 * libarchive (Debian: libarchive-dev at build time, libarchive13 at run time), loaded on first use,
 * for the zip of a `tlsfit collect` bundle.
 *
 * As with libpcap (CPcap.h), the header gives the types and the functions below call libarchive
 * through pointers resolved with dlopen/dlsym the first time a zip is opened, so no start of
 * tlsfit pays for loading libarchive and its compression libraries. Only TLSFitCore's
 * ZipArchiveReader imports this module.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stddef.h>

/* archive_entry_filetype's values for a file and a folder (AE_IFREG, AE_IFDIR carry a cast Swift cannot import). */
enum { CARCHIVE_IFREG = 0100000, CARCHIVE_IFDIR = 0040000 };

/* Loads libarchive, once (thread-safe). Returns NULL when it is ready, otherwise why it is not,
   for a person: "libarchive is not installed (...)". */
const char *carchive_load(void);

/* libarchive's functions of the same names without the c; call them only after carchive_load
   returned NULL. */
struct archive *carchive_read_new(void);
int carchive_read_support_format_zip(struct archive *a);
int carchive_read_open_memory(struct archive *a, const void *buffer, size_t size);
int carchive_read_next_header(struct archive *a, struct archive_entry **entry);
la_ssize_t carchive_read_data(struct archive *a, void *buffer, size_t size);
int carchive_read_data_skip(struct archive *a);
int carchive_read_free(struct archive *a);
const char *carchive_error_string(struct archive *a);
const char *carchive_entry_pathname(struct archive_entry *entry);
la_int64_t carchive_entry_size(struct archive_entry *entry);
int carchive_entry_size_is_set(struct archive_entry *entry);
__LA_MODE_T carchive_entry_filetype(struct archive_entry *entry);

#endif
