// The argument-count check every N-API entry point of the addon starts with (addon.cc's
// kernels and linalg.cc's factorizations alike).
#pragma once

#include <node_api.h>

#include <cstddef>

namespace nabla {

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

}  // namespace nabla
