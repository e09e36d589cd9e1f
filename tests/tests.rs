//! The single integration-test binary: the CLI end to end, and checks against the shared
//! reference data. Topical modules live beside this file.

mod util;

mod adversarial;
mod architecture;
mod assess;
mod assess_scores;
mod audit;
mod cli_help;
mod compare;
mod counts;
mod datasets;
mod docs;
mod gate;
mod golden;
mod hardening;
mod inprocess;
mod layout;
mod limits;
mod mitigate;
mod monitor;
mod outputs;
mod parquet;
mod predict;
mod preprocess;
mod readme;
mod report_html;
mod resume;
mod score;
mod simulate;
mod spark;
mod train;
mod transform;
mod two_group;
mod verify;
mod warnings;
