/** The numerical toolbox of the fits: dense linear algebra, non-negative and nonlinear least squares. */

export { ColumnsLsq } from "./columns-lsq.js";
export { cholesky, cholSolve, GRAM_FLOOR, nnlsGram, solveLinear, spdInverse } from "./linalg.js";
export { type LmProblem, type LmResult, levenbergMarquardt, linearLeastSquares } from "./lm.js";
