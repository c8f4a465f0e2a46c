//! Integration tests: the real `datakart` binary on `sample-data/` and on
//! temporary trees, plus the validators against the specification's test
//! vectors.

mod catalogue;
mod cli;
mod columns;
mod evaluation;
mod fuzz;
mod hostile;
mod incremental;
mod retention;
mod robustness;
mod sample;
mod subjects;
mod triage;
mod util;
mod vectors;
