/**
 * The symbolic layer's public surface: expressions parsed from text or traced from code,
 * differentiated by rules, simplified, printed and compiled back to nabla functions.
 * @module
 */
export { Expr, parse } from "./expr.js";
export type { DiffExprOptions, SymbolicTaylor } from "./expr.js";
export { trace } from "./trace.js";
export type { TraceOptions } from "./trace.js";
export { MAX_EXPRESSION_DEPTH, ParseError } from "./parse.js";
export type { CompiledExpr } from "./compile.js";
export type { ExprNode, BinaryOp, ConstantName } from "./ast.js";
export type { FunctionName } from "./functions.js";
