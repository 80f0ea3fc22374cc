// The CBLAS interface of OpenBLAS (Debian: libopenblas-dev), plus its thread-count controls.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// glibc's mallopt, so TensorCore can keep large activation buffers in the heap (see BLAS.swift).
#include <malloc.h>
