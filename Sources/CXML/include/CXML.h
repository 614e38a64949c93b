#ifndef TLSFIT_CXML_H
#define TLSFIT_CXML_H
/*
 * A pull reader over libxml2's xmlTextReader, for gpresult reports; libxml2 is loaded on first
 * use (dlopen).
 *
 * Foundation's XMLParser would do the same work with the same library, but linking it
 * (FoundationXML) loads libxml2, ICU and their dependencies at every start of tlsfit: about
 * 0.7 ms, paid by every command although only those given a gpresult report read XML. The functions
 * take libxml2's from the library installed (libxml2 2.9 or later; Debian: libxml2), through
 * pointers resolved once. cxml.c is built against libxml2's own headers (Debian: libxml2-dev), so
 * every type, constant and function signature is the header's; this header needs none of them.
 */
#include <stddef.h>

/* Loads libxml2, once (thread-safe). Returns NULL when it is ready, otherwise why it is not. */
const char *cxml_load(void);

typedef struct cxml_reader cxml_reader;

/* What the reader stands on after cxml_next. */
enum {
    CXML_OTHER = 0,  /* a comment, processing instruction, ... */
    CXML_START = 1,  /* a start tag: name; empty when it is also the end (<a/>) */
    CXML_END = 2,    /* an end tag: name */
    CXML_TEXT = 3,   /* text, CDATA or white space: value, entities and character references replaced */
};

typedef struct cxml_node {
    int kind;
    const char *name;   /* the qualified name, as written (q1:Policy) */
    const char *value;  /* CXML_TEXT only */
    long line;          /* 1-based; for CXML_START the line of the tag */
    int empty;
} cxml_node;

/* A reader over `length` bytes of UTF-8 at `bytes`, which must stay valid until cxml_close.
   No network, no DTD loading, no entity expansion from a DTD; line numbers past 65535 kept.
   NULL when out of memory. Call only after cxml_load returned NULL. */
cxml_reader *cxml_open(const char *bytes, int length);

/* Moves to the next node: 1, and *node filled; 0 at the end of the document; -1 on an error
   (see cxml_error). Strings in *node stay valid until the next call. */
int cxml_next(cxml_reader *reader, cxml_node *node);

/* After a CXML_START: the element's next attribute (1), or none left (0). Namespace
   declarations (xmlns, xmlns:q1) are attributes too. */
int cxml_next_attribute(cxml_reader *reader, const char **name, const char **value);

/* The first error libxml2 reported: its xmlParserErrors number and line (0 when unknown), and
   libxml2's own message (NULL when none). */
void cxml_error(cxml_reader *reader, int *code, long *line, const char **message);

void cxml_close(cxml_reader *reader);

#endif
