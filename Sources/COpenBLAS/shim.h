#ifndef MICROGENRE_COPENBLAS_SHIM_H
#define MICROGENRE_COPENBLAS_SHIM_H

// OpenBLAS's CBLAS interface (Debian's libopenblas-dev, found through pkg-config `openblas`):
// cblas_sgemm for the encoder's matrix products and openblas_set_num_threads, with which the
// embedder keeps OpenBLAS to one thread per caller while it runs its own threads.

#include <cblas.h>

#endif
