// The addon's N-API plumbing: defining its entry points on the exports, and their argument
// checks (the count for every entry point; the typed arrays, integers and bounds of the
// linear-algebra ones in linalg.cc and linalg_eig.cc).
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>

namespace nabla {

/** Defines each (name, function) pair as an enumerable method of `exports`. */
inline void defineMethods(napi_env env, napi_value exports, std::initializer_list<std::pair<const char*, napi_callback>> methods) {
  for (auto [name, fn] : methods) {
    const napi_property_descriptor method = {name, nullptr, fn, nullptr, nullptr, nullptr, napi_enumerable, nullptr};
    napi_define_properties(env, exports, 1, &method);
  }
}

/** Reads exactly N arguments into `args`; otherwise throws a TypeError and returns false. */
template <size_t N>
inline bool getArgs(napi_env env, napi_callback_info info, napi_value (&args)[N]) {
  size_t argc = N;
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok || argc != N) {
    napi_throw_type_error(env, nullptr, "nabla native: wrong number of arguments");
    return false;
  }
  return true;
}

/** The data and length of a typed array of type `want`; otherwise throws a TypeError and returns false. */
template <typename T>
inline bool typedArray(napi_env env, napi_value v, napi_typedarray_type want, T** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t byteOffset;
  void* raw;
  if (napi_get_typedarray_info(env, v, &type, length, &raw, &buffer, &byteOffset) != napi_ok || type != want) {
    napi_throw_type_error(env, nullptr, want == napi_int32_array ? "nabla native linalg: expected an Int32Array" : "nabla native linalg: expected a Float64Array");
    return false;
  }
  *data = static_cast<T*>(raw);
  return true;
}

/** Reads non-negative integers; otherwise throws a TypeError and returns false. */
inline bool integers(napi_env env, std::initializer_list<std::pair<napi_value, int64_t*>> list) {
  for (auto [v, out] : list) {
    if (napi_get_value_int64(env, v, out) != napi_ok || *out < 0) {
      napi_throw_type_error(env, nullptr, "nabla native linalg: expected a non-negative integer");
      return false;
    }
  }
  return true;
}

/** Checks that [offset, offset + count) lies inside an array of `length` elements. */
inline bool fits(napi_env env, size_t length, int64_t offset, int64_t count) {
  if (uint64_t(offset) + uint64_t(count) <= length) return true;
  napi_throw_range_error(env, nullptr, "nabla native linalg: index out of bounds");
  return false;
}

/**
 * A slice given as two arguments: the typed array `array` (of type `want`) and the non-negative
 * integer `offset` into it, holding `count` elements from there; `*data` points at the slice's
 * first element. Otherwise throws (a TypeError for the type or the offset, a RangeError past
 * the end) and returns false.
 */
template <typename T>
inline bool slice(napi_env env, napi_value array, napi_typedarray_type want, napi_value offset, int64_t count, T** data) {
  size_t length;
  int64_t at;
  if (!typedArray(env, array, want, data, &length) || !integers(env, {{offset, &at}}) || !fits(env, length, at, count)) return false;
  *data += at;
  return true;
}

}  // namespace nabla
