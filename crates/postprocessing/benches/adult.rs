//! Fit time of the threshold optimizer on Adult (placeholder until the logistic baseline of
//! `fairkit-learners` is available; see the final bench in the same file once it lands).
fn main() {}
