// Chains of a fused loop (elementwise.cc plans them; chain_impl.h runs them, compiled with each
// instruction set's vector kernels). A chain is a run of consecutive steps each of which reads
// the previous one's result, the only reader of it (an intermediate neither stored nor summed):
// it runs as one pass over the block in which that running value stays in vector registers, and
// only the run's last value is stored (Adam's update: 14 passes of two loads and a store become
// 6, three once the step just before each chain is folded into it, and its scalars are broadcast
// rather than loaded element by element). A function with a vector kernel (tanh, exp, …) is a
// link too, one per chain, computed in the registers by that kernel's own code, and such a
// chain runs four vectors at a time: tanh(x)·x + 1 is one pass that loads x and stores the
// result, its loads and stores among the function's arithmetic as in tanh's own loop. (As a
// pass of tanh into a block and a chain of ·x + 1 over it, it cost tanh's loop plus the
// chain's, 1.35× tanh's on one thread; a vector at a time, 1.15–1.2×; four, 1.1×.)
// Operands are read where the run's last step would read them unfused, after every earlier
// step's store, so an output computed in place over an operand (a donated buffer) is written
// after the reads, as before. Only ops that give in V what their eager kernel gives take part
// (+, −, ×, ÷, √, negation and |x|, correctly rounded; a vector kernel's function, the same
// code as its eager loop), so each lane equals the eager result bit for bit; no fused
// multiply-add can form, since each link is its own branch of a switch (and -std=c++17 keeps
// GCC from contracting).
#pragma once

#include <cstddef>
#include <cstdint>

#include "vecmath.h"

namespace nabla {

enum class Link : std::uint8_t { add, sub, mul, div, addTo, subFrom, mulBy, divInto, sqrt, neg, abs, math };

inline bool isUnary(Link op) { return op >= Link::sqrt; }

/**
 * acc = op(acc, x), or op(x, acc) for addTo … divInto, op(acc) for the unary ops (math: the
 * vector kernel of the chain's fn). With `folded`, x is itself the step just before the chain,
 * x = pre(value, preValue), computed in registers.
 */
struct ChainLink {
  Link op;
  bool scalar;  // x is one value for all elements: broadcast, not loaded
  int value;    // x's value index; −1 for unary ops
  bool folded = false;
  Link pre = Link::add;
  bool preScalar = false;
  int preValue = -1;
};

/** The most links of a chain with a function link (elementwise.cc's planner stops one there). */
constexpr int kMaxFunctionChain = 16;

/** Steps [start, end] as links: load value `first`, then the program's links[firstLink, firstLink + nLinks). */
struct Chain {
  int end;
  int first;
  int firstLink, nLinks;
  VecFn fn;  // the function of its one Link::math, or VecFn::count
};

}  // namespace nabla
