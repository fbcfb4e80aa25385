#ifndef MICROGENRE_CLIBXML2_SHIM_H
#define MICROGENRE_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU; its encoding header would pull ICU's C types
// into Swift and clash with Foundation's bundled ICU at compile time. We never touch
// the encoding handler struct, so hide the ICU part.
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>

/// Calls the xmlFree function pointer (a global variable Swift 6 rejects as not concurrency-safe).
static inline void cxml_free(void *p) { xmlFree(p); }

/// xmlCheckVersion: aborts on an ABI mismatch between headers and library.
static inline void cxml_check_version(void) { LIBXML_TEST_VERSION }

#endif
