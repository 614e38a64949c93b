#include "CArchive.h"

#include <CLibraryLoader.h>
#include <pthread.h>

/* The libarchive functions tlsfit uses, resolved once. */
static struct {
    struct archive *(*read_new)(void);
    int (*read_support_format_zip)(struct archive *);
    int (*read_open_memory)(struct archive *, const void *, size_t);
    int (*read_next_header)(struct archive *, struct archive_entry **);
    la_ssize_t (*read_data)(struct archive *, void *, size_t);
    int (*read_data_skip)(struct archive *);
    int (*read_free)(struct archive *);
    const char *(*error_string)(struct archive *);
    const char *(*entry_pathname)(struct archive_entry *);
    la_int64_t (*entry_size)(struct archive_entry *);
    int (*entry_size_is_set)(struct archive_entry *);
    __LA_MODE_T (*entry_filetype)(struct archive_entry *);
} api;

/* The run-time names: Debian and Ubuntu ship libarchive.so.13; the unversioned name comes with the
   -dev package; macOS has libarchive.2.dylib. TLSFIT_LIBARCHIVE names another build. */
static const char *const files[] = {"libarchive.so.13", "libarchive.so", "libarchive.2.dylib", NULL};
static tlsfit_library library = {
    .name = "libarchive", .override = "TLSFIT_LIBARCHIVE", .install = "apt-get install libarchive13", .files = files,
};
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
    if (!tlsfit_library_open(&library)) return;
    api.read_new = tlsfit_library_symbol(&library, "archive_read_new");
    api.read_support_format_zip = tlsfit_library_symbol(&library, "archive_read_support_format_zip");
    api.read_open_memory = tlsfit_library_symbol(&library, "archive_read_open_memory");
    api.read_next_header = tlsfit_library_symbol(&library, "archive_read_next_header");
    api.read_data = tlsfit_library_symbol(&library, "archive_read_data");
    api.read_data_skip = tlsfit_library_symbol(&library, "archive_read_data_skip");
    api.read_free = tlsfit_library_symbol(&library, "archive_read_free");
    api.error_string = tlsfit_library_symbol(&library, "archive_error_string");
    api.entry_pathname = tlsfit_library_symbol(&library, "archive_entry_pathname");
    api.entry_size = tlsfit_library_symbol(&library, "archive_entry_size");
    api.entry_size_is_set = tlsfit_library_symbol(&library, "archive_entry_size_is_set");
    api.entry_filetype = tlsfit_library_symbol(&library, "archive_entry_filetype");
    loaded = !library.missing;
}

const char *carchive_load(void) {
    pthread_once(&load_once, load);
    return loaded ? NULL : library.error;
}

struct archive *carchive_read_new(void) { return api.read_new(); }
int carchive_read_support_format_zip(struct archive *a) { return api.read_support_format_zip(a); }
int carchive_read_open_memory(struct archive *a, const void *buffer, size_t size) {
    return api.read_open_memory(a, buffer, size);
}
int carchive_read_next_header(struct archive *a, struct archive_entry **entry) { return api.read_next_header(a, entry); }
la_ssize_t carchive_read_data(struct archive *a, void *buffer, size_t size) { return api.read_data(a, buffer, size); }
int carchive_read_data_skip(struct archive *a) { return api.read_data_skip(a); }
int carchive_read_free(struct archive *a) { return api.read_free(a); }
const char *carchive_error_string(struct archive *a) { return api.error_string(a); }
const char *carchive_entry_pathname(struct archive_entry *entry) { return api.entry_pathname(entry); }
la_int64_t carchive_entry_size(struct archive_entry *entry) { return api.entry_size(entry); }
int carchive_entry_size_is_set(struct archive_entry *entry) { return api.entry_size_is_set(entry); }
__LA_MODE_T carchive_entry_filetype(struct archive_entry *entry) { return api.entry_filetype(entry); }
