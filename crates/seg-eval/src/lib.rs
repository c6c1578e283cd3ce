//! Evaluation: is this shopper in this segment? The reference interpreter over the IR
//! ([`interpret`]) and the traces `seg eval --explain` prints ([`trace`]).

pub mod interpret;
pub mod trace;

pub use interpret::{AggregateValue, Context, Interpreter};
pub use trace::Trace;
