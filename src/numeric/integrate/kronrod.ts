/**
 * Gauss–Kronrod pairs (QUADPACK's 21-point and 15-point rules; nodes and weights from
 * Piessens et al. 1983, as computed by L. W. Fullerton) and the QUADPACK error estimate:
 * |K − G| scaled by (200|K − G|/∫|f − mean|)^1.5, floored at the rounding of ∫|f|.
 */

/** One Gauss–Kronrod pair on [−1, 1]: Kronrod nodes and weights, and the Gauss weights on them. */
export interface KronrodRule {
  /** All 2n + 1 Kronrod nodes, ascending. */
  nodes: Float64Array;
  kronrod: Float64Array;
  /** The embedded Gauss weight of each node (0 where the node is Kronrod-only). */
  gauss: Float64Array;
}

/** Builds a symmetric rule from its nonnegative half (node 0 last), as the tables list them. */
function symmetric(half: number[], kronrodHalf: number[], gaussOnHalf: number[]): KronrodRule {
  const n = half.length;
  const size = 2 * n - 1;
  const nodes = new Float64Array(size);
  const kronrod = new Float64Array(size);
  const gauss = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    nodes[i] = -half[i]!;
    nodes[size - 1 - i] = half[i]!;
    kronrod[i] = kronrod[size - 1 - i] = kronrodHalf[i]!;
    gauss[i] = gauss[size - 1 - i] = gaussOnHalf[i]!;
  }
  return { nodes, kronrod, gauss };
}

export const GK21 = symmetric(
  [0.995657163025808080735527280689003, 0.973906528517171720077964012084452, 0.930157491355708226001207180059508,
    0.865063366688984510732096688423493, 0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
    0.562757134668604683339000099272694, 0.433395394129247190799265943165784, 0.294392862701460198131126603103866,
    0.148874338981631210884826001129720, 0],
  [0.011694638867371874278064396062192, 0.032558162307964727478818972459390, 0.054755896574351996031381300244580,
    0.075039674810919952767043140916190, 0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
    0.123491976262065851077958109831074, 0.134709217311473325928054001771707, 0.142775938577060080797094273138717,
    0.147739104901338491374841515972068, 0.149445554002916905664936468389821],
  [0, 0.066671344308688137593568809893332, 0, 0.149451349150580593145776339657697, 0,
    0.219086362515982043995534934228163, 0, 0.269266719309996355091226921569469, 0, 0.295524224714752870173892994651338, 0],
);

export const GK15 = symmetric(
  [0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
    0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0],
  [0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
    0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714],
  [0, 0.129484966168869693270611432679082, 0, 0.279705391489276667901467771423780, 0,
    0.381830050505118944950369775488975, 0, 0.417959183673469387755102040816327],
);

/** The rule's estimates on one interval. */
export interface RuleEstimate {
  /** The Kronrod estimate of ∫f. */
  result: number;
  /** QUADPACK's error estimate. */
  error: number;
  /** ∫|f| (by the Kronrod rule). */
  absolute: number;
  /** ∫|f − mean f| (by the Kronrod rule): the scale of the error estimate. */
  deviation: number;
}

/** Applies the rule to g's values at its nodes (values[offset…]) on an interval of half-length h. */
export function applyRule(rule: KronrodRule, values: Float64Array, offset: number, h: number): RuleEstimate {
  let k = 0;
  let g = 0;
  let abs = 0;
  for (let i = 0; i < rule.nodes.length; i++) {
    const v = values[offset + i]!;
    k += rule.kronrod[i]! * v;
    g += rule.gauss[i]! * v;
    abs += rule.kronrod[i]! * Math.abs(v);
  }
  const mean = k / 2;
  let dev = 0;
  for (let i = 0; i < rule.nodes.length; i++) dev += rule.kronrod[i]! * Math.abs(values[offset + i]! - mean);
  const absH = Math.abs(h);
  const absolute = abs * absH;
  const deviation = dev * absH;
  let error = Math.abs((k - g) * h);
  if (deviation !== 0 && error !== 0) error = deviation * Math.min(1, (200 * error / deviation) ** 1.5);
  if (absolute > Number.MIN_VALUE / (50 * Number.EPSILON)) error = Math.max(error, 50 * Number.EPSILON * absolute);
  return { result: k * h, error, absolute, deviation };
}
