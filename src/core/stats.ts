/**
 * Statistical functions used to put every figure next to its exact baseline. Pure and
 * dependency-free; each has a test against known values. This module is the one import point;
 * the implementations live in `./stats/`, one concept per file.
 */
export { logGamma, gammaQ } from './stats/gamma.js';
export { chiSquarePValue, chiSquareTest, type ChiSquareResult } from './stats/chi-square.js';
export { erfc, normalCdf, normalSurvival, normalTwoSided, normalQuantile } from './stats/normal.js';
export { binomialPmf, binomialCdf, binomialSurvival, binomialTest, type Alternative } from './stats/binomial.js';
export {
  wilsonInterval,
  standardError,
  meanInterval,
  zTestMean,
  minDetectableLift,
  minDetectableLiftMean,
  trialsToDetect,
  trialsToDetectMean,
  type ZTestResult,
  type PowerOptions,
  type DetectableLift,
} from './stats/estimates.js';
export { holm, benjaminiHochberg } from './stats/multiple-testing.js';
export { signTest, pairedPermutationTest, type SignTestResult, type PermutationOptions, type PermutationResult } from './stats/paired.js';
export { unpairedPermutationTest } from './stats/unpaired.js';
export { mean, median, stdPopulation, stdSample, min, max, describe, type Description } from './stats/descriptive.js';
export { formatPValue, formatInteger, formatRate, formatCount, formatNumber, roundUp2 } from './stats/format.js';
