#include "CXML.h"

#include <CLibraryLoader.h>
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The types, constants and function signatures are libxml2's own (libxml/xmlreader.h, which
   brings parser.h, tree.h and xmlerror.h); only the functions' addresses come from dlsym. */
#define API(function) __typeof__(&function)

static struct {
    API(xmlInitParser) init_parser;
    API(xmlReaderForMemory) reader_for_memory;
    API(xmlTextReaderRead) read;
    API(xmlTextReaderNodeType) node_type;
    API(xmlTextReaderConstName) const_name;
    API(xmlTextReaderConstValue) const_value;
    API(xmlTextReaderIsEmptyElement) is_empty_element;
    API(xmlTextReaderMoveToNextAttribute) move_to_next_attribute;
    API(xmlTextReaderMoveToElement) move_to_element;
    API(xmlTextReaderCurrentNode) current_node;
    API(xmlGetLineNo) get_line_no;
    API(xmlTextReaderGetParserLineNumber) get_parser_line_number;
    API(xmlTextReaderSetStructuredErrorHandler) set_structured_error_handler;
    API(xmlFreeTextReader) free_text_reader;
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
    xmlTextReaderPtr reader;
    int error_code;
    long error_line;
    char error_message[256];
};

/* libxml2 2.12 made the error it hands over const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *cxml_error_pointer;
#else
typedef xmlErrorPtr cxml_error_pointer;
#endif

/* Keeps the first error; with a handler set, libxml2 prints nothing to stderr. */
static void on_error(void *context, cxml_error_pointer error) {
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
    xmlNodePtr current = api.current_node(r->reader);
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
