#ifndef MICROGENRE_CZLIB_SHIM_H
#define MICROGENRE_CZLIB_SHIM_H
#include <zlib.h>
#endif
