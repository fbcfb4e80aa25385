#ifndef MICROGENRE_CDNNL_SHIM_H
#define MICROGENRE_CDNNL_SHIM_H

// oneDNN (Debian's libdnnl-dev) for the encoder's linear layers, in single precision or in
// bfloat16 where the processor multiplies it natively. One matmul primitive per layer shape,
// with the number of rows given at execution (DNNL_RUNTIME_DIM_VAL), so that any batch runs
// through the same primitive. These static inline helpers keep oneDNN's descriptors out of Swift.

#include <oneapi/dnnl/dnnl.h>

/// libgomp's omp_set_num_threads (oneDNN's threading runtime): the number of threads oneDNN
/// uses for parallel work started from the calling thread.
extern void omp_set_num_threads(int count);

/// Whether the processor runs bfloat16 matrix products natively (dnnl_get_effective_cpu_isa).
static inline int mg_dnnl_native_bf16(void) {
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    return (isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16;
}

/// A CPU engine (dnnl_engine_create), or NULL.
static inline dnnl_engine_t mg_dnnl_engine(void) {
    dnnl_engine_t engine = NULL;
    return dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : NULL;
}

/// An in-order stream on `engine` (dnnl_stream_create), or NULL.
static inline dnnl_stream_t mg_dnnl_stream(dnnl_engine_t engine) {
    dnnl_stream_t stream = NULL;
    return dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) == dnnl_success ? stream : NULL;
}

/// The matmul `y[m x n] = x[m x k] * w[n x k]^T + bias` for any m (dnnl_matmul_desc_init with a
/// runtime row count): x and w of `bf16` (non-zero) or f32, w and bias constant, y f32. NULL on
/// failure.
static inline dnnl_primitive_t mg_dnnl_linear(dnnl_engine_t engine, int bf16, int n, int k) {
    dnnl_data_type_t type = bf16 ? dnnl_bf16 : dnnl_f32;
    dnnl_memory_desc_t x, w, b, y;
    dnnl_dims_t xd = {DNNL_RUNTIME_DIM_VAL, k}, wd = {k, n}, bd = {1, n}, yd = {DNNL_RUNTIME_DIM_VAL, n};
    dnnl_dims_t xs = {DNNL_RUNTIME_DIM_VAL, 1}, ys = {DNNL_RUNTIME_DIM_VAL, 1};
    if (dnnl_memory_desc_init_by_strides(&x, 2, xd, type, xs) != dnnl_success) return NULL;
    if (dnnl_memory_desc_init_by_tag(&w, 2, wd, type, dnnl_ba) != dnnl_success) return NULL;
    if (dnnl_memory_desc_init_by_tag(&b, 2, bd, dnnl_f32, dnnl_ab) != dnnl_success) return NULL;
    if (dnnl_memory_desc_init_by_strides(&y, 2, yd, dnnl_f32, ys) != dnnl_success) return NULL;
    dnnl_matmul_desc_t desc;
    if (dnnl_matmul_desc_init(&desc, &x, &w, &b, &y) != dnnl_success) return NULL;
    dnnl_primitive_desc_t pd = NULL;
    if (dnnl_primitive_desc_create(&pd, &desc, NULL, engine, NULL) != dnnl_success) return NULL;
    dnnl_primitive_t primitive = NULL;
    dnnl_status_t status = dnnl_primitive_create(&primitive, pd);
    dnnl_primitive_desc_destroy(pd);
    return status == dnnl_success ? primitive : NULL;
}

/// Runs a primitive of mg_dnnl_linear on `m` rows: x's rows `ldx` elements apart, y's `ldy`.
/// Returns 0 on success.
static inline int mg_dnnl_linear_run(dnnl_engine_t engine, dnnl_stream_t stream, dnnl_primitive_t primitive,
                                     int bf16, int m, int n, int k, const void *x, int ldx, const void *w,
                                     const float *bias, float *y, int ldy) {
    dnnl_data_type_t type = bf16 ? dnnl_bf16 : dnnl_f32;
    dnnl_memory_desc_t xd, wd, bd, yd;
    dnnl_dims_t xdims = {m, k}, wdims = {k, n}, bdims = {1, n}, ydims = {m, n};
    dnnl_dims_t xs = {ldx, 1}, ys = {ldy, 1};
    dnnl_memory_desc_init_by_strides(&xd, 2, xdims, type, xs);
    dnnl_memory_desc_init_by_tag(&wd, 2, wdims, type, dnnl_ba);
    dnnl_memory_desc_init_by_tag(&bd, 2, bdims, dnnl_f32, dnnl_ab);
    dnnl_memory_desc_init_by_strides(&yd, 2, ydims, dnnl_f32, ys);
    dnnl_memory_t xm = NULL, wm = NULL, bm = NULL, ym = NULL;
    int failed = dnnl_memory_create(&xm, &xd, engine, (void *)x) != dnnl_success
        || dnnl_memory_create(&wm, &wd, engine, (void *)w) != dnnl_success
        || dnnl_memory_create(&bm, &bd, engine, (void *)bias) != dnnl_success
        || dnnl_memory_create(&ym, &yd, engine, y) != dnnl_success;
    if (!failed) {
        dnnl_exec_arg_t args[4] = {
            {DNNL_ARG_SRC, xm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_BIAS, bm}, {DNNL_ARG_DST, ym}};
        failed = dnnl_primitive_execute(primitive, stream, 4, args) != dnnl_success
            || dnnl_stream_wait(stream) != dnnl_success;
    }
    if (xm) dnnl_memory_destroy(xm);
    if (wm) dnnl_memory_destroy(wm);
    if (bm) dnnl_memory_destroy(bm);
    if (ym) dnnl_memory_destroy(ym);
    return failed;
}

#endif
