#include "CXML.h"

#include <CLibraryLoader.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libxml2's declarations used here (libxml/xmlreader.h, xmlerror.h, parser.h, tree.h), as in
   every release since 2.6: the reader and node are opaque; of xmlError only the leading fields
   are read. */
typedef void *xml_text_reader;
typedef void *xml_node;
struct xml_error_prefix {
    int domain;
    int code;
    char *message;
    int level;
    char *file;
    int line;
};
typedef void (*xml_structured_error)(void *context, struct xml_error_prefix *error);

enum {
    XML_PARSE_NONET = 1 << 11,     /* never fetch anything from the network */
    XML_PARSE_BIG_LINES = 1 << 22, /* line numbers past 65535 */
};
enum {
    XML_READER_TYPE_ELEMENT = 1,
    XML_READER_TYPE_TEXT = 3,
    XML_READER_TYPE_CDATA = 4,
    XML_READER_TYPE_WHITESPACE = 13,
    XML_READER_TYPE_SIGNIFICANT_WHITESPACE = 14,
    XML_READER_TYPE_END_ELEMENT = 15,
};

static struct {
    void (*init_parser)(void);
    xml_text_reader (*reader_for_memory)(const char *, int, const char *, const char *, int);
    int (*read)(xml_text_reader);
    int (*node_type)(xml_text_reader);
    const unsigned char *(*const_name)(xml_text_reader);
    const unsigned char *(*const_value)(xml_text_reader);
    int (*is_empty_element)(xml_text_reader);
    int (*move_to_next_attribute)(xml_text_reader);
    int (*move_to_element)(xml_text_reader);
    xml_node (*current_node)(xml_text_reader);
    long (*get_line_no)(xml_node);
    int (*get_parser_line_number)(xml_text_reader);
    void (*set_structured_error_handler)(xml_text_reader, xml_structured_error, void *);
    void (*free_text_reader)(xml_text_reader);
} api;

/* TLSFIT_LIBXML2 names another build (a path or a file name). */
static const char *const files[] = {"libxml2.so.2", "libxml2.so.16", "libxml2.so", "libxml2.2.dylib", NULL};
static tlsfit_library library = {
    .name = "libxml2", .override = "TLSFIT_LIBXML2", .install = "apt-get install libxml2", .files = files,
};
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
    if (!tlsfit_library_open(&library)) return;
    api.init_parser = tlsfit_library_symbol(&library, "xmlInitParser");
    api.reader_for_memory = tlsfit_library_symbol(&library, "xmlReaderForMemory");
    api.read = tlsfit_library_symbol(&library, "xmlTextReaderRead");
    api.node_type = tlsfit_library_symbol(&library, "xmlTextReaderNodeType");
    api.const_name = tlsfit_library_symbol(&library, "xmlTextReaderConstName");
    api.const_value = tlsfit_library_symbol(&library, "xmlTextReaderConstValue");
    api.is_empty_element = tlsfit_library_symbol(&library, "xmlTextReaderIsEmptyElement");
    api.move_to_next_attribute = tlsfit_library_symbol(&library, "xmlTextReaderMoveToNextAttribute");
    api.move_to_element = tlsfit_library_symbol(&library, "xmlTextReaderMoveToElement");
    api.current_node = tlsfit_library_symbol(&library, "xmlTextReaderCurrentNode");
    api.get_line_no = tlsfit_library_symbol(&library, "xmlGetLineNo");
    api.get_parser_line_number = tlsfit_library_symbol(&library, "xmlTextReaderGetParserLineNumber");
    api.set_structured_error_handler = tlsfit_library_symbol(&library, "xmlTextReaderSetStructuredErrorHandler");
    api.free_text_reader = tlsfit_library_symbol(&library, "xmlFreeTextReader");
    if (library.missing) return;
    /* libxml2 wants its global state set up once, before readers run on several threads. */
    api.init_parser();
    loaded = 1;
}

const char *cxml_load(void) {
    pthread_once(&load_once, load);
    return loaded ? NULL : library.error;
}

struct cxml_reader {
    xml_text_reader reader;
    int error_code;
    long error_line;
    char error_message[256];
};

/* Keeps the first error; with a handler set, libxml2 prints nothing to stderr. */
static void on_error(void *context, struct xml_error_prefix *error) {
    struct cxml_reader *r = context;
    if (r->error_code != 0 || error == NULL) return;
    r->error_code = error->code != 0 ? error->code : 1;
    r->error_line = error->line;
    if (error->message != NULL) {
        snprintf(r->error_message, sizeof r->error_message, "%s", error->message);
        size_t n = strlen(r->error_message);
        while (n > 0 && (r->error_message[n - 1] == '\n' || r->error_message[n - 1] == ' ')) r->error_message[--n] = '\0';
    }
}

cxml_reader *cxml_open(const char *bytes, int length) {
    struct cxml_reader *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    r->reader = api.reader_for_memory(bytes, length, NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    if (r->reader == NULL) {
        free(r);
        return NULL;
    }
    api.set_structured_error_handler(r->reader, on_error, r);
    return r;
}

int cxml_next(cxml_reader *r, cxml_node *node) {
    int result = api.read(r->reader);
    if (result != 1) {
        if (result < 0 && r->error_code == 0) {
            r->error_code = 1;
            r->error_line = api.get_parser_line_number(r->reader);
        }
        return result < 0 ? -1 : 0;
    }
    memset(node, 0, sizeof *node);
    switch (api.node_type(r->reader)) {
    case XML_READER_TYPE_ELEMENT:
        node->kind = CXML_START;
        node->empty = api.is_empty_element(r->reader) == 1;
        break;
    case XML_READER_TYPE_END_ELEMENT:
        node->kind = CXML_END;
        break;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        node->kind = CXML_TEXT;
        node->value = (const char *)api.const_value(r->reader);
        break;
    default:
        node->kind = CXML_OTHER;
        break;
    }
    if (node->kind == CXML_START || node->kind == CXML_END) node->name = (const char *)api.const_name(r->reader);
    xml_node current = api.current_node(r->reader);
    node->line = current != NULL ? api.get_line_no(current) : api.get_parser_line_number(r->reader);
    return 1;
}

int cxml_next_attribute(cxml_reader *r, const char **name, const char **value) {
    if (api.move_to_next_attribute(r->reader) != 1) {
        api.move_to_element(r->reader);
        return 0;
    }
    *name = (const char *)api.const_name(r->reader);
    *value = (const char *)api.const_value(r->reader);
    return 1;
}

void cxml_error(cxml_reader *r, int *code, long *line, const char **message) {
    *code = r->error_code;
    *line = r->error_line;
    *message = r->error_message[0] != '\0' ? r->error_message : NULL;
}

void cxml_close(cxml_reader *r) {
    if (r == NULL) return;
    api.free_text_reader(r->reader);
    free(r);
}
