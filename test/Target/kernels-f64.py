# RUN: %python %S/kernels.py f64
# The f64 GEMM and convolution of the kernel runtime: kernels.py's checks
# (shapes, transposes, strides, batches, convolutions, determinism across
# thread counts) with f64 models, a test of its own so that lit runs it
# beside the f32 one.
