// Row-wise softmax of fp32 scores, for the attention's units of work (attention_onednn.cpp), which call it on one
// thread with the scores still in that thread's cache.
// Hand-written for AVX-512: oneDNN 2.6's softmax reaches ~2 G values/s per core on rows of 196 and ~1 G on rows
// of 16 (LeMeViT's meta tokens), about half of what the attention's products take (docs/benchmarks.md). Callers
// on CPUs without AVX-512 keep oneDNN's (softmax_rows_available).
#pragma once

#include <c10/util/BFloat16.h>

#include <cstdint>

namespace gd {

// True when this CPU runs softmax_rows (AVX-512 F and BW).
bool softmax_rows_available();

// probs[r] = softmax(scores[r]) for `rows` dense rows of `cols` values; the scores are overwritten (they hold the
// exponentials afterwards). probs may alias scores when fp32. bf16 probabilities are rounded to nearest even.
void softmax_rows(float* scores, int64_t rows, int64_t cols, float* probs);
void softmax_rows(float* scores, int64_t rows, int64_t cols, c10::BFloat16* probs);

}  // namespace gd
