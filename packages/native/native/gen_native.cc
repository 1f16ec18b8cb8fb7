// GEMM and convolution kernels for tfjs-backend-wasm tensors, computed in place on the wasm heap
// through the system BLAS (cblas_sgemm). Convolutions: im2col / col2im lowering to GEMM
// (Chellapilla, Puri, Simard 2006, "High performance convolutional neural networks for document
// processing"), NHWC layout, filters [KH, KW, C, OC] as tfjs stores them.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#ifdef GEN_ACCELERATE
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

namespace {

// ---------------------------------------------------------------------------------------------
// N-API helpers

struct Args {
  napi_env env;
  size_t argc = 0;
  napi_value argv[32];
  bool failed = false;
};

bool Throw(napi_env env, const std::string& message) {
  napi_throw_range_error(env, "ERR_GEN_NATIVE", message.c_str());
  return false;
}

bool ReadArgs(napi_env env, napi_callback_info info, Args* args, size_t expected) {
  args->env = env;
  args->argc = 32;
  if (napi_get_cb_info(env, info, &args->argc, args->argv, nullptr, nullptr) != napi_ok) {
    return Throw(env, "gen-native: cannot read arguments");
  }
  if (args->argc != expected) {
    return Throw(env, "gen-native: expected " + std::to_string(expected) + " arguments, got " +
                          std::to_string(args->argc));
  }
  return true;
}

bool GetInt(Args* args, size_t i, int64_t* out) {
  double value;
  if (napi_get_value_double(args->env, args->argv[i], &value) != napi_ok || !std::isfinite(value) ||
      value != std::floor(value)) {
    return Throw(args->env, "gen-native: argument " + std::to_string(i) + " must be an integer");
  }
  *out = static_cast<int64_t>(value);
  return true;
}

bool GetDouble(Args* args, size_t i, double* out) {
  if (napi_get_value_double(args->env, args->argv[i], out) != napi_ok) {
    return Throw(args->env, "gen-native: argument " + std::to_string(i) + " must be a number");
  }
  return true;
}

struct Heap {
  uint8_t* data = nullptr;
  size_t length = 0;
};

bool GetHeap(Args* args, size_t i, Heap* heap) {
  void* data = nullptr;
  size_t length = 0;
  if (napi_get_arraybuffer_info(args->env, args->argv[i], &data, &length) != napi_ok || data == nullptr) {
    return Throw(args->env, "gen-native: argument 0 must be the wasm memory's ArrayBuffer");
  }
  heap->data = static_cast<uint8_t*>(data);
  heap->length = length;
  return true;
}

// Resolves a float32 region [offset, offset + 4 * count) of the heap, checking bounds and alignment.
bool Region(Args* args, const Heap& heap, int64_t offset, int64_t count, const char* what, float** out) {
  if (offset < 0 || count < 0 || (offset & 3) != 0 ||
      static_cast<uint64_t>(offset) + 4 * static_cast<uint64_t>(count) > heap.length) {
    return Throw(args->env, std::string("gen-native: ") + what + " lies outside the wasm heap (offset " +
                                std::to_string(offset) + ", " + std::to_string(count) + " floats, heap " +
                                std::to_string(heap.length) + " bytes)");
  }
  *out = reinterpret_cast<float*>(heap.data + offset);
  return true;
}

// Optional Int32Array argument (null/undefined gives an empty vector).
bool GetIndex(Args* args, size_t i, std::vector<int32_t>* out) {
  napi_valuetype type;
  napi_typeof(args->env, args->argv[i], &type);
  out->clear();
  if (type == napi_null || type == napi_undefined) return true;
  bool is_typed = false;
  napi_is_typedarray(args->env, args->argv[i], &is_typed);
  napi_typedarray_type array_type;
  size_t length;
  void* data;
  if (!is_typed ||
      napi_get_typedarray_info(args->env, args->argv[i], &array_type, &length, &data, nullptr, nullptr) != napi_ok ||
      array_type != napi_int32_array) {
    return Throw(args->env, "gen-native: argument " + std::to_string(i) + " must be an Int32Array or null");
  }
  const int32_t* values = static_cast<const int32_t*>(data);
  out->assign(values, values + length);
  return true;
}

napi_value Undefined(napi_env env) {
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// BLAS threads: small GEMMs run on one thread (waking the others costs more than it saves, and
// much more when other processes keep the cores busy); large ones on up to max_threads.

constexpr double kThreadedWork = double(1 << 24);  // multiply-adds
int max_threads = 0;                                 // 0: not yet read from the BLAS
int current_threads = 0;

void UseThreadsFor(double multiply_adds) {
#ifndef GEN_ACCELERATE
  if (max_threads == 0) max_threads = current_threads = openblas_get_num_threads();
  const int wanted = multiply_adds < kThreadedWork ? 1 : max_threads;
  if (wanted != current_threads) {
    openblas_set_num_threads(wanted);
    current_threads = wanted;
  }
#else
  (void)multiply_adds;
#endif
}

// ---------------------------------------------------------------------------------------------
// Epilogue of the fused matmul: y = act(y + bias), activations as tfjs defines them.

enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kPrelu = 3, kLeakyRelu = 4, kSigmoid = 5, kElu = 6 };

// mode: 0 none, 1 one value for all, 2 one value per column.
inline float Pick(const float* values, int mode, int64_t col) { return mode == 1 ? values[0] : values[col]; }

void Epilogue(float* y, int64_t rows, int64_t cols, const float* bias, int bias_mode, int activation,
              float alpha, const float* prelu, int prelu_mode) {
  for (int64_t r = 0; r < rows; r++) {
    float* row = y + r * cols;
    if (bias_mode != 0) {
      for (int64_t c = 0; c < cols; c++) row[c] += Pick(bias, bias_mode, c);
    }
    switch (activation) {
      case kLinear:
        break;
      case kRelu:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0.f ? 0.f : row[c];
        break;
      case kRelu6:
        for (int64_t c = 0; c < cols; c++) row[c] = std::min(std::max(row[c], 0.f), 6.f);
        break;
      case kPrelu:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0.f ? Pick(prelu, prelu_mode, c) * row[c] : row[c];
        break;
      case kLeakyRelu:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0.f ? alpha * row[c] : row[c];
        break;
      case kSigmoid:
        for (int64_t c = 0; c < cols; c++) row[c] = 1.f / (1.f + std::exp(-row[c]));
        break;
      case kElu:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] >= 0.f ? row[c] : std::expm1(row[c]);
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// gemm(heap, aOff, bOff, outOff, aCount, bCount, batch, M, N, K, transA, transB, aIndex, bIndex,
//      biasOff, biasMode, activation, alpha, preluOff, preluMode)
// out[i] = act(op(A[aIndex[i]]) op(B[bIndex[i]]) + bias) for i < batch; A holds aCount matrices,
// B holds bCount; a null index means i.

napi_value Gemm(napi_env env, napi_callback_info info) {
  Args args;
  if (!ReadArgs(env, info, &args, 20)) return nullptr;
  Heap heap;
  int64_t a_off, b_off, out_off, a_count, b_count, batch, m, n, k, trans_a, trans_b;
  int64_t bias_off, bias_mode, activation, prelu_off, prelu_mode;
  double alpha;
  std::vector<int32_t> a_index, b_index;
  if (!GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &a_off) || !GetInt(&args, 2, &b_off) ||
      !GetInt(&args, 3, &out_off) || !GetInt(&args, 4, &a_count) || !GetInt(&args, 5, &b_count) ||
      !GetInt(&args, 6, &batch) || !GetInt(&args, 7, &m) || !GetInt(&args, 8, &n) || !GetInt(&args, 9, &k) ||
      !GetInt(&args, 10, &trans_a) || !GetInt(&args, 11, &trans_b) || !GetIndex(&args, 12, &a_index) ||
      !GetIndex(&args, 13, &b_index) || !GetInt(&args, 14, &bias_off) || !GetInt(&args, 15, &bias_mode) ||
      !GetInt(&args, 16, &activation) || !GetDouble(&args, 17, &alpha) || !GetInt(&args, 18, &prelu_off) ||
      !GetInt(&args, 19, &prelu_mode)) {
    return nullptr;
  }
  if (m <= 0 || n <= 0 || k <= 0 || batch <= 0 || a_count <= 0 || b_count <= 0) {
    Throw(env, "gen-native: gemm needs positive sizes");
    return nullptr;
  }
  if ((!a_index.empty() && static_cast<int64_t>(a_index.size()) != batch) ||
      (!b_index.empty() && static_cast<int64_t>(b_index.size()) != batch)) {
    Throw(env, "gen-native: gemm batch index length differs from batch");
    return nullptr;
  }
  if ((a_index.empty() && a_count < batch) || (b_index.empty() && b_count < batch)) {
    Throw(env, "gen-native: gemm operand holds fewer matrices than the batch");
    return nullptr;
  }
  for (int32_t i : a_index) if (i < 0 || i >= a_count) { Throw(env, "gen-native: gemm a index out of range"); return nullptr; }
  for (int32_t i : b_index) if (i < 0 || i >= b_count) { Throw(env, "gen-native: gemm b index out of range"); return nullptr; }
  float *a, *b, *out, *bias = nullptr, *prelu = nullptr;
  if (!Region(&args, heap, a_off, a_count * m * k, "a", &a) || !Region(&args, heap, b_off, b_count * k * n, "b", &b) ||
      !Region(&args, heap, out_off, batch * m * n, "out", &out)) {
    return nullptr;
  }
  if (bias_mode != 0 && !Region(&args, heap, bias_off, bias_mode == 1 ? 1 : n, "bias", &bias)) return nullptr;
  if (activation == kPrelu && !Region(&args, heap, prelu_off, prelu_mode == 1 ? 1 : n, "prelu weights", &prelu)) {
    return nullptr;
  }
  const CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
  const int64_t lda = trans_a ? m : k, ldb = trans_b ? k : n;
  auto a_at = [&](int64_t i) { return a_index.empty() ? i : a_index[i]; };
  auto b_at = [&](int64_t i) { return b_index.empty() ? i : b_index[i]; };
  // One B shared by a contiguous run of untransposed A matrices: one GEMM with batch * M rows.
  bool shared_b = !trans_a && batch > 1;
  for (int64_t i = 0; shared_b && i < batch; i++) shared_b = b_at(i) == b_at(0) && a_at(i) == a_at(0) + i;
  UseThreadsFor(double(m) * n * k * (shared_b ? batch : 1));
  if (shared_b || batch == 1) {
    const int64_t rows = batch * m;
    cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(shared_b ? rows : m), static_cast<int>(n), static_cast<int>(k),
                1.f, a + a_at(0) * m * k, static_cast<int>(lda), b + b_at(0) * k * n, static_cast<int>(ldb), 0.f,
                out, static_cast<int>(n));
  } else {
    for (int64_t i = 0; i < batch; i++) {
      cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.f,
                  a + a_at(i) * m * k, static_cast<int>(lda), b + b_at(i) * k * n, static_cast<int>(ldb), 0.f,
                  out + i * m * n, static_cast<int>(n));
    }
  }
  if (bias_mode != 0 || activation != kLinear) {
    Epilogue(out, batch * m, n, bias, static_cast<int>(bias_mode), static_cast<int>(activation),
             static_cast<float>(alpha), prelu, static_cast<int>(prelu_mode));
  }
  return Undefined(env);
}

// ---------------------------------------------------------------------------------------------
// Convolution geometry (NHWC) shared by the three conv entry points:
// (heap, off0, off1, off2, batch, inH, inW, inC, filterH, filterW, outC, outH, outW,
//  strideH, strideW, dilationH, dilationW, padTop, padLeft)

struct Conv {
  int64_t batch, in_h, in_w, in_c, f_h, f_w, out_c, out_h, out_w, s_h, s_w, d_h, d_w, pad_t, pad_l;
  int64_t rows() const { return batch * out_h * out_w; }
  int64_t patch() const { return f_h * f_w * in_c; }
  bool pointwise() const { return f_h == 1 && f_w == 1 && s_h == 1 && s_w == 1 && pad_t == 0 && pad_l == 0 &&
                                  out_h == in_h && out_w == in_w; }
};

bool ReadConv(Args* args, Conv* c) {
  int64_t* fields[] = {&c->batch, &c->in_h, &c->in_w, &c->in_c, &c->f_h, &c->f_w, &c->out_c, &c->out_h,
                       &c->out_w, &c->s_h, &c->s_w, &c->d_h, &c->d_w, &c->pad_t, &c->pad_l};
  for (size_t i = 0; i < 15; i++) {
    if (!GetInt(args, 4 + i, fields[i])) return false;
  }
  if (c->batch <= 0 || c->in_h <= 0 || c->in_w <= 0 || c->in_c <= 0 || c->f_h <= 0 || c->f_w <= 0 || c->out_c <= 0 ||
      c->out_h <= 0 || c->out_w <= 0 || c->s_h <= 0 || c->s_w <= 0 || c->d_h <= 0 || c->d_w <= 0) {
    return Throw(args->env, "gen-native: conv needs positive sizes");
  }
  return true;
}

// Rows of the im2col matrix processed per GEMM, so the scratch buffer stays near 32 MB.
int64_t ChunkRows(const Conv& c) {
  const int64_t budget = int64_t{8} << 20;  // floats
  return std::max<int64_t>(1, std::min<int64_t>(c.rows(), budget / c.patch()));
}

thread_local std::vector<float> scratch;

float* Scratch(size_t count) {
  if (scratch.size() < count) scratch.resize(count);
  return scratch.data();
}

// col[r - r0, (kh * KW + kw) * C + ch] = x[n, oh * sH - padT + kh * dH, ow * sW - padL + kw * dW, ch] (0 outside).
void Im2Col(const Conv& c, const float* x, int64_t r0, int64_t r1, float* col) {
  const int64_t patch = c.patch(), C = c.in_c;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t n = r / (c.out_h * c.out_w), rem = r % (c.out_h * c.out_w);
    const int64_t oh = rem / c.out_w, ow = rem % c.out_w;
    float* dst = col + (r - r0) * patch;
    for (int64_t kh = 0; kh < c.f_h; kh++) {
      const int64_t ih = oh * c.s_h - c.pad_t + kh * c.d_h;
      for (int64_t kw = 0; kw < c.f_w; kw++, dst += C) {
        const int64_t iw = ow * c.s_w - c.pad_l + kw * c.d_w;
        if (ih < 0 || ih >= c.in_h || iw < 0 || iw >= c.in_w) {
          std::memset(dst, 0, sizeof(float) * C);
        } else {
          std::memcpy(dst, x + ((n * c.in_h + ih) * c.in_w + iw) * C, sizeof(float) * C);
        }
      }
    }
  }
}

// The adjoint of Im2Col: dx[...] += col[...] (dx must be zeroed by the caller).
void Col2Im(const Conv& c, const float* col, int64_t r0, int64_t r1, float* dx) {
  const int64_t patch = c.patch(), C = c.in_c;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t n = r / (c.out_h * c.out_w), rem = r % (c.out_h * c.out_w);
    const int64_t oh = rem / c.out_w, ow = rem % c.out_w;
    const float* src = col + (r - r0) * patch;
    for (int64_t kh = 0; kh < c.f_h; kh++) {
      const int64_t ih = oh * c.s_h - c.pad_t + kh * c.d_h;
      for (int64_t kw = 0; kw < c.f_w; kw++, src += C) {
        const int64_t iw = ow * c.s_w - c.pad_l + kw * c.d_w;
        if (ih < 0 || ih >= c.in_h || iw < 0 || iw >= c.in_w) continue;
        float* dst = dx + ((n * c.in_h + ih) * c.in_w + iw) * C;
        for (int64_t ch = 0; ch < C; ch++) dst[ch] += src[ch];
      }
    }
  }
}

// conv2d(heap, xOff, filterOff, yOff, ...geometry): y = conv(x, filter).
napi_value Conv2d(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  Conv c;
  int64_t x_off, w_off, y_off;
  if (!ReadArgs(env, info, &args, 19) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &x_off) ||
      !GetInt(&args, 2, &w_off) || !GetInt(&args, 3, &y_off) || !ReadConv(&args, &c)) {
    return nullptr;
  }
  float *x, *w, *y;
  if (!Region(&args, heap, x_off, c.batch * c.in_h * c.in_w * c.in_c, "x", &x) ||
      !Region(&args, heap, w_off, c.patch() * c.out_c, "filter", &w) ||
      !Region(&args, heap, y_off, c.rows() * c.out_c, "y", &y)) {
    return nullptr;
  }
  const int patch = static_cast<int>(c.patch()), oc = static_cast<int>(c.out_c);
  UseThreadsFor(double(std::min(c.rows(), ChunkRows(c))) * patch * oc);
  if (c.pointwise()) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(c.rows()), oc, patch, 1.f, x, patch, w, oc,
                0.f, y, oc);
    return Undefined(env);
  }
  const int64_t chunk = ChunkRows(c);
  float* col = Scratch(static_cast<size_t>(chunk * c.patch()));
  for (int64_t r0 = 0; r0 < c.rows(); r0 += chunk) {
    const int64_t r1 = std::min(c.rows(), r0 + chunk);
    Im2Col(c, x, r0, r1, col);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(r1 - r0), oc, patch, 1.f, col, patch, w,
                oc, 0.f, y + r0 * c.out_c, oc);
  }
  return Undefined(env);
}

// conv2dBackpropInput(heap, dyOff, filterOff, dxOff, ...geometry): dx = conv^T(dy, filter).
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  Conv c;
  int64_t dy_off, w_off, dx_off;
  if (!ReadArgs(env, info, &args, 19) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &dy_off) ||
      !GetInt(&args, 2, &w_off) || !GetInt(&args, 3, &dx_off) || !ReadConv(&args, &c)) {
    return nullptr;
  }
  float *dy, *w, *dx;
  if (!Region(&args, heap, dy_off, c.rows() * c.out_c, "dy", &dy) ||
      !Region(&args, heap, w_off, c.patch() * c.out_c, "filter", &w) ||
      !Region(&args, heap, dx_off, c.batch * c.in_h * c.in_w * c.in_c, "dx", &dx)) {
    return nullptr;
  }
  const int patch = static_cast<int>(c.patch()), oc = static_cast<int>(c.out_c);
  UseThreadsFor(double(std::min(c.rows(), ChunkRows(c))) * patch * oc);
  if (c.pointwise()) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(c.rows()), patch, oc, 1.f, dy, oc, w, oc,
                0.f, dx, patch);
    return Undefined(env);
  }
  std::memset(dx, 0, sizeof(float) * c.batch * c.in_h * c.in_w * c.in_c);
  const int64_t chunk = ChunkRows(c);
  float* col = Scratch(static_cast<size_t>(chunk * c.patch()));
  for (int64_t r0 = 0; r0 < c.rows(); r0 += chunk) {
    const int64_t r1 = std::min(c.rows(), r0 + chunk);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(r1 - r0), patch, oc, 1.f,
                dy + r0 * c.out_c, oc, w, oc, 0.f, col, patch);
    Col2Im(c, col, r0, r1, dx);
  }
  return Undefined(env);
}

// conv2dBackpropFilter(heap, xOff, dyOff, dwOff, ...geometry): dw = sum over positions of x patch * dy.
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  Conv c;
  int64_t x_off, dy_off, dw_off;
  if (!ReadArgs(env, info, &args, 19) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &x_off) ||
      !GetInt(&args, 2, &dy_off) || !GetInt(&args, 3, &dw_off) || !ReadConv(&args, &c)) {
    return nullptr;
  }
  float *x, *dy, *dw;
  if (!Region(&args, heap, x_off, c.batch * c.in_h * c.in_w * c.in_c, "x", &x) ||
      !Region(&args, heap, dy_off, c.rows() * c.out_c, "dy", &dy) ||
      !Region(&args, heap, dw_off, c.patch() * c.out_c, "dw", &dw)) {
    return nullptr;
  }
  const int patch = static_cast<int>(c.patch()), oc = static_cast<int>(c.out_c);
  UseThreadsFor(double(std::min(c.rows(), ChunkRows(c))) * patch * oc);
  if (c.pointwise()) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, patch, oc, static_cast<int>(c.rows()), 1.f, x, patch, dy, oc,
                0.f, dw, oc);
    return Undefined(env);
  }
  const int64_t chunk = ChunkRows(c);
  float* col = Scratch(static_cast<size_t>(chunk * c.patch()));
  for (int64_t r0 = 0; r0 < c.rows(); r0 += chunk) {
    const int64_t r1 = std::min(c.rows(), r0 + chunk);
    Im2Col(c, x, r0, r1, col);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, patch, oc, static_cast<int>(r1 - r0), 1.f, col, patch,
                dy + r0 * c.out_c, oc, r0 == 0 ? 0.f : 1.f, dw, oc);
  }
  return Undefined(env);
}

// ---------------------------------------------------------------------------------------------
// The outputs are fresh tensors, so nothing aliases: __restrict__ lets the compiler vectorise.
__attribute__((noinline)) void AdamLoop(const float* __restrict__ p, const float* __restrict__ g,
                                        const float* __restrict__ m, const float* __restrict__ v,
                                        float* __restrict__ p2, float* __restrict__ m2, float* __restrict__ v2,
                                        int64_t count, float l2, float b1, float c1, float b2, float c2, float shrink,
                                        float step_size, float correction2, float epsilon) {
  for (int64_t i = 0; i < count; i++) {
    const float pi = p[i];
    const float gi = g[i] + l2 * pi;
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * (gi * gi);
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = pi * shrink - (mi * step_size) / (std::sqrt(vi) / correction2 + epsilon);
  }
}

// adam(heap, pOff, gOff, mOff, vOff, pOutOff, mOutOff, vOutOff, count, lr, beta1, beta2, eps,
//      weightDecay, decoupled, step): one Adam/AdamW update (torch.optim.Adam / AdamW formulas, as
//      @gen/core's adamUpdate), in float32 like its generic tfjs-op path; one pass over the
//      tensors, vectorised (built with -fno-math-errno so that sqrt needs no errno branch, and
//      -fno-trapping-math so that float selects need no branch; no kernel reads FP exception flags).
napi_value Adam(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  int64_t p_off, g_off, m_off, v_off, p2_off, m2_off, v2_off, count, decoupled, step;
  double lr, beta1, beta2, eps, weight_decay;
  if (!ReadArgs(env, info, &args, 16) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &p_off) ||
      !GetInt(&args, 2, &g_off) || !GetInt(&args, 3, &m_off) || !GetInt(&args, 4, &v_off) ||
      !GetInt(&args, 5, &p2_off) || !GetInt(&args, 6, &m2_off) || !GetInt(&args, 7, &v2_off) ||
      !GetInt(&args, 8, &count) || !GetDouble(&args, 9, &lr) || !GetDouble(&args, 10, &beta1) ||
      !GetDouble(&args, 11, &beta2) || !GetDouble(&args, 12, &eps) || !GetDouble(&args, 13, &weight_decay) ||
      !GetInt(&args, 14, &decoupled) || !GetInt(&args, 15, &step)) {
    return nullptr;
  }
  float *p, *g, *m, *v, *p2, *m2, *v2;
  if (!Region(&args, heap, p_off, count, "param", &p) || !Region(&args, heap, g_off, count, "grad", &g) ||
      !Region(&args, heap, m_off, count, "expAvg", &m) || !Region(&args, heap, v_off, count, "expAvgSq", &v) ||
      !Region(&args, heap, p2_off, count, "new param", &p2) || !Region(&args, heap, m2_off, count, "new expAvg", &m2) ||
      !Region(&args, heap, v2_off, count, "new expAvgSq", &v2)) {
    return nullptr;
  }
  const double t = double(step + 1);
  const float shrink = decoupled ? float(1.0 - lr * weight_decay) : 1.f;
  const float l2 = decoupled ? 0.f : float(weight_decay);
  const float b1 = float(beta1), b2 = float(beta2), c1 = float(1.0 - beta1), c2 = float(1.0 - beta2);
  const float step_size = float(lr / (1.0 - std::pow(beta1, t)));
  const float correction2 = float(std::sqrt(1.0 - std::pow(beta2, t)));
  const float epsilon = float(eps);
  AdamLoop(p, g, m, v, p2, m2, v2, count, l2, b1, c1, b2, c2, shrink, step_size, correction2, epsilon);
  return Undefined(env);
}

// ---------------------------------------------------------------------------------------------
// Elementwise kernels that tfjs-backend-wasm runs as slow scalar loops (~3-13 ns per value on this
// machine): exp, erf and leaky relu, the comparison a > b and select.

enum Unary { kExp = 0, kErf = 1, kLeaky = 2 };

// expf as Cephes computes it (exp(x) = 2^n exp(r), |r| <= ln2/2, degree-5 polynomial; about 1 ulp),
// written so that the loop vectorises. Inputs outside [-87, 88] (including NaN and +-inf) are
// then recomputed with std::exp, so overflow, underflow and denormal results stay exact.
__attribute__((noinline)) void ExpLoop(const float* __restrict__ x, float* __restrict__ y, int64_t count) {
  for (int64_t i = 0; i < count; i++) {
    const float clamped = x[i] < -87.f ? -87.f : x[i];
    const float v = clamped > 88.f ? 88.f : clamped;
    // floor(v log2(e) + 1/2) by truncation of a positive value (v log2(e) lies in [-126, 127]).
    const float n = static_cast<float>(static_cast<int32_t>(v * 1.44269504088896341f + 128.5f)) - 128.f;
    float r = v - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    const float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float e = p * z + r + 1.f;
    const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof(scale));
    y[i] = e * scale;
  }
  for (int64_t i = 0; i < count; i++) {
    if (!(x[i] >= -87.f && x[i] <= 88.f)) y[i] = std::exp(x[i]);
  }
}

__attribute__((noinline)) void LeakyLoop(const float* __restrict__ x, float* __restrict__ y, int64_t count, float alpha) {
  for (int64_t i = 0; i < count; i++) {
    const float v = x[i];
    const float scaled = alpha * v;
    y[i] = v < 0.f ? scaled : v;
  }
}

void UnaryLoop(int op, const float* x, float* y, int64_t count, float alpha) {
  switch (op) {
    case kExp:
      ExpLoop(x, y, count);
      break;
    case kErf:
      for (int64_t i = 0; i < count; i++) y[i] = std::erf(x[i]);
      break;
    case kLeaky:
      LeakyLoop(x, y, count, alpha);
      break;
  }
}

// Resolves a byte region (bool tensors) of the heap, checking bounds.
bool ByteRegion(Args* args, const Heap& heap, int64_t offset, int64_t count, const char* what, uint8_t** out) {
  if (offset < 0 || count < 0 || static_cast<uint64_t>(offset) + static_cast<uint64_t>(count) > heap.length) {
    return Throw(args->env, std::string("gen-native: ") + what + " lies outside the wasm heap");
  }
  *out = heap.data + offset;
  return true;
}

// unary(heap, op, xOff, yOff, count, alpha): y = op(x).
napi_value UnaryOp(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  int64_t op, x_off, y_off, count;
  double alpha;
  if (!ReadArgs(env, info, &args, 6) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &op) ||
      !GetInt(&args, 2, &x_off) || !GetInt(&args, 3, &y_off) || !GetInt(&args, 4, &count) ||
      !GetDouble(&args, 5, &alpha)) {
    return nullptr;
  }
  float *x, *y;
  if (op < kExp || op > kLeaky) {
    Throw(env, "gen-native: unknown unary op " + std::to_string(op));
    return nullptr;
  }
  if (!Region(&args, heap, x_off, count, "x", &x) || !Region(&args, heap, y_off, count, "y", &y)) return nullptr;
  UnaryLoop(static_cast<int>(op), x, y, count, static_cast<float>(alpha));
  return Undefined(env);
}

__attribute__((noinline)) void GreaterLoop(const float* __restrict__ a, const float* __restrict__ b,
                                           uint8_t* __restrict__ out, int64_t count, bool b_scalar) {
  if (b_scalar) {
    const float v = b[0];
    for (int64_t i = 0; i < count; i++) out[i] = a[i] > v;
  } else {
    for (int64_t i = 0; i < count; i++) out[i] = a[i] > b[i];
  }
}

// greater(heap, aOff, bOff, outOff, count, bScalar): out (bool) = a > b, b one value or count values.
napi_value Greater(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  int64_t a_off, b_off, out_off, count, b_scalar;
  if (!ReadArgs(env, info, &args, 6) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &a_off) ||
      !GetInt(&args, 2, &b_off) || !GetInt(&args, 3, &out_off) || !GetInt(&args, 4, &count) ||
      !GetInt(&args, 5, &b_scalar)) {
    return nullptr;
  }
  float *a, *b;
  uint8_t* out;
  if (!Region(&args, heap, a_off, count, "a", &a) || !Region(&args, heap, b_off, b_scalar ? 1 : count, "b", &b) ||
      !ByteRegion(&args, heap, out_off, count, "out", &out)) {
    return nullptr;
  }
  GreaterLoop(a, b, out, count, b_scalar != 0);
  return Undefined(env);
}

__attribute__((noinline)) void SelectLoop(const uint8_t* __restrict__ c, const float* __restrict__ t,
                                          const float* __restrict__ e, float* __restrict__ out, int64_t count) {
  // A bitwise blend rather than a branch: random masks would mispredict, and this vectorises.
  const uint32_t* __restrict__ tb = reinterpret_cast<const uint32_t*>(t);
  const uint32_t* __restrict__ eb = reinterpret_cast<const uint32_t*>(e);
  uint32_t* __restrict__ ob = reinterpret_cast<uint32_t*>(out);
  for (int64_t i = 0; i < count; i++) {
    const uint32_t mask = 0u - static_cast<uint32_t>(c[i] != 0);
    ob[i] = (tb[i] & mask) | (eb[i] & ~mask);
  }
}

// select(heap, condOff, tOff, eOff, outOff, count): out = cond ? t : e (cond bool, one shape).
napi_value Select(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  int64_t c_off, t_off, e_off, out_off, count;
  if (!ReadArgs(env, info, &args, 6) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &c_off) ||
      !GetInt(&args, 2, &t_off) || !GetInt(&args, 3, &e_off) || !GetInt(&args, 4, &out_off) ||
      !GetInt(&args, 5, &count)) {
    return nullptr;
  }
  uint8_t* c;
  float *t, *e, *out;
  if (!ByteRegion(&args, heap, c_off, count, "condition", &c) || !Region(&args, heap, t_off, count, "t", &t) ||
      !Region(&args, heap, e_off, count, "e", &e) || !Region(&args, heap, out_off, count, "out", &out)) {
    return nullptr;
  }
  SelectLoop(c, t, e, out, count);
  return Undefined(env);
}

// sumRows(heap, xOff, outOff, rows, cols): out[c] = sum over r of x[r, c], rows added in order in
// float (the order of the stock wasm Sum after its transpose, so the results are identical),
// vectorised across columns. Bias and norm-scale gradients are such sums over leading axes.
__attribute__((noinline)) void SumRowsLoop(const float* __restrict__ x, float* __restrict__ out, int64_t rows, int64_t cols) {
  for (int64_t c = 0; c < cols; c++) out[c] = x[c];
  for (int64_t r = 1; r < rows; r++) {
    const float* __restrict__ row = x + r * cols;
    for (int64_t c = 0; c < cols; c++) out[c] += row[c];
  }
}

napi_value SumRows(napi_env env, napi_callback_info info) {
  Args args;
  Heap heap;
  int64_t x_off, out_off, rows, cols;
  if (!ReadArgs(env, info, &args, 5) || !GetHeap(&args, 0, &heap) || !GetInt(&args, 1, &x_off) ||
      !GetInt(&args, 2, &out_off) || !GetInt(&args, 3, &rows) || !GetInt(&args, 4, &cols)) {
    return nullptr;
  }
  float *x, *out;
  if (rows < 1 || cols < 1 || !Region(&args, heap, x_off, rows * cols, "x", &x) ||
      !Region(&args, heap, out_off, cols, "out", &out)) {
    if (rows < 1 || cols < 1) Throw(env, "gen-native: sumRows needs positive sizes");
    return nullptr;
  }
  SumRowsLoop(x, out, rows, cols);
  return Undefined(env);
}

// info() -> { blas, threads }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value result, blas, threads;
  napi_create_object(env, &result);
#ifdef GEN_ACCELERATE
  napi_create_string_utf8(env, "Accelerate", NAPI_AUTO_LENGTH, &blas);
  napi_create_int32(env, 0, &threads);
#else
  std::string config = std::string(openblas_get_config());
  napi_create_string_utf8(env, config.c_str(), NAPI_AUTO_LENGTH, &blas);
  napi_create_int32(env, max_threads > 0 ? max_threads : openblas_get_num_threads(), &threads);
#endif
  napi_set_named_property(env, result, "blas", blas);
  napi_set_named_property(env, result, "threads", threads);
  return result;
}

// setThreads(n): the BLAS thread count (OpenBLAS only; ignored elsewhere).
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args args;
  int64_t n;
  if (!ReadArgs(env, info, &args, 1) || !GetInt(&args, 0, &n)) return nullptr;
#ifndef GEN_ACCELERATE
  if (n > 0) {
    openblas_set_num_threads(static_cast<int>(n));
    max_threads = current_threads = static_cast<int>(n);
  }
#endif
  return Undefined(env);
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, UnaryOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"greater", nullptr, Greater, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"select", nullptr, Select, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
