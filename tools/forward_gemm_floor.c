// The GEMM floor of latent's gradient-free forward: only the OpenBLAS calls (and the copy of
// the input) that LlamaModel.forward makes (Autograd off, no cache) at the torch peer's default
// shape, with the engine's allocator settings and a fresh output buffer per call as the engine
// allocates one — nothing else (no norms, rotary, softmax, SwiGLU, embedding). Compared with
// `latent bench model --threads 1`, it says what share of the forward OpenBLAS itself takes:
// the forward cannot get faster than this without a faster GEMM.
//
//   cc -O2 tools/forward_gemm_floor.c -o /tmp/gemm_floor -lopenblas && /tmp/gemm_floor
//
// tools/gemm_floor_triples.py (in `make bench`) builds it and interleaves it with latent.
//
// Prints one JSON line: {"gemm_only_tokens_per_s": …}. Single-threaded OpenBLAS, like each
// data-parallel worker of the engine.
#include <cblas.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void openblas_set_num_threads(int);

enum { BATCH = 32, SEQ = 64, DIM = 128, HIDDEN = 352, VOCAB = 256, LAYERS = 4, HEADS = 4, STEPS = 20 };
enum { ROWS = BATCH * SEQ, HEAD = DIM / HEADS };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *filled(long n) {
    float *p = malloc(sizeof(float) * n);
    for (long i = 0; i < n; i++) p[i] = (float)(rand() % 200 - 100) / 1000.0f;
    return p;
}

// c[m, n] = beta·c + a[m, k] · b[n, k]ᵀ (b in Hugging Face [out, in] layout).
static void linear(int m, int n, int k, const float *a, const float *b, float beta, float *c) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, beta, c, n);
}

static float *weights[LAYERS][7], *embedding, *input, *h;

static void forward(void) {
    memcpy(h, input, sizeof(float) * ROWS * DIM);  // the engine's private residual stream
    float *scores = malloc(sizeof(float) * SEQ * SEQ);
    for (int l = 0; l < LAYERS; l++) {
        float **w = weights[l];
        float *q = malloc(sizeof(float) * ROWS * DIM), *k = malloc(sizeof(float) * ROWS * DIM);
        float *v = malloc(sizeof(float) * ROWS * DIM), *a = malloc(sizeof(float) * ROWS * DIM);
        linear(ROWS, DIM, DIM, h, w[0], 0, q);
        linear(ROWS, DIM, DIM, h, w[1], 0, k);
        linear(ROWS, DIM, DIM, h, w[2], 0, v);
        for (int b = 0; b < BATCH; b++)
            for (int hd = 0; hd < HEADS; hd++) {  // per (row, head): S = q kᵀ·scale, out = S v
                long o = (long)b * SEQ * DIM + hd * HEAD;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, SEQ, SEQ, HEAD, 0.17f, q + o, DIM,
                            k + o, DIM, 0, scores, SEQ);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, SEQ, HEAD, SEQ, 1, scores, SEQ,
                            v + o, DIM, 0, a + o, DIM);
            }
        linear(ROWS, DIM, DIM, a, w[3], 1, h);  // residual: beta 1, in place
        float *g = malloc(sizeof(float) * ROWS * HIDDEN), *u = malloc(sizeof(float) * ROWS * HIDDEN);
        linear(ROWS, HIDDEN, DIM, h, w[4], 0, g);
        linear(ROWS, HIDDEN, DIM, h, w[5], 0, u);
        linear(ROWS, DIM, HIDDEN, g, w[6], 1, h);
        free(q), free(k), free(v), free(a), free(g), free(u);
    }
    float *logits = malloc(sizeof(float) * ROWS * VOCAB);
    linear(ROWS, VOCAB, DIM, h, embedding, 0, logits);
    free(logits);
    free(scores);
}

int main(void) {
    openblas_set_num_threads(1);
    mallopt(M_MMAP_THRESHOLD, 256 << 20);  // the engine's settings (TensorCore/BLAS.swift)
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    for (int l = 0; l < LAYERS; l++) {
        int sizes[7] = {DIM * DIM, DIM * DIM, DIM * DIM, DIM * DIM, HIDDEN * DIM, HIDDEN * DIM, DIM * HIDDEN};
        for (int i = 0; i < 7; i++) weights[l][i] = filled(sizes[i]);
    }
    embedding = filled(VOCAB * DIM);
    input = filled(ROWS * DIM);
    h = malloc(sizeof(float) * ROWS * DIM);
    double times[STEPS];
    for (int i = 0; i < 3; i++) forward();
    for (int i = 0; i < STEPS; i++) {
        double t = now();
        forward();
        times[i] = now() - t;
    }
    for (int i = 1; i < STEPS; i++)  // median
        for (int j = i; j > 0 && times[j] < times[j - 1]; j--) {
            double x = times[j]; times[j] = times[j - 1]; times[j - 1] = x;
        }
    printf("{\"gemm_only_tokens_per_s\": %.0f}\n", ROWS / times[STEPS / 2]);
    return 0;
}
