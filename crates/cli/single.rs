//! What `fairkit train` and `fairkit mitigate` share: run one method, print its report, write
//! the test predictions and the model.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use fairkit_harness::io::{OutputId, Outputs};
use fairkit_harness::method::MethodSpec;
use fairkit_harness::model::SavedModel;
use fairkit_harness::single::SingleRun;
use fairkit_learners::Estimator;
use fairkit_metrics::GroupedReport;

use crate::common::{Format, claim, finish, warn};
use crate::data_args::DataArgs;

/// Flags of every single run.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Base estimator: logistic (weighted L2 logistic regression), tree (depth-5 decision
    /// tree, scikit-learn's CART), forest (random forest of 100 trees, seed 0), naive-bayes
    /// (Gaussian naive Bayes), svm (linear SVM; its scores are decision values), boosting
    /// (gradient-boosted trees), linfa-tree (linfa-trees' tree, which misses valid splits; for
    /// comparison) or linfa-logistic (ignores sample weights, so it is refused by methods that
    /// reweight).
    #[arg(long, value_name = "NAME", default_value = "logistic")]
    pub estimator: String,
    /// Solver of the logistic estimator: newton-cholesky (the default: exact Hessian, reaches
    /// the optimum, fast on one-hot data) or lbfgs (L-BFGS, stopping when the gradient norm of
    /// the mean loss falls below 1e-4; its own path, not scikit-learn's lbfgs: it stops at a
    /// different point short of the optimum).
    #[arg(long, value_name = "NAME")]
    pub solver: Option<String>,
    /// Seed of the train/test split and of sampled predictions.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Seed of the simulated scenario (the built-in data).
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub sim_seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to this file instead of standard output. Every output file of the run
    /// (--out, --predictions, --save-model) is checked before the run and written only when all
    /// of them are ready: a failed run creates or changes none of them.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the test rows' label, sensitive columns, score, expected probability and
    /// predicted label as CSV.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
    /// Save the fitted model (with its feature encoding) for `fairkit predict`.
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
}

/// `estimator` with the `--solver` flag applied.
pub fn with_solver(estimator: Estimator, solver: Option<&str>) -> Result<Estimator> {
    Ok(match solver {
        Some(name) => estimator.with_solver(name.parse()?)?,
        None => estimator,
    })
}

/// Runs `method` as the flags say and prints its report. Every output file is claimed before
/// the run and committed together after all were produced.
pub fn run(method: MethodSpec, args: &RunArgs) -> Result<ExitCode> {
    let estimator = with_solver(args.estimator.parse()?, args.solver.as_deref())?;
    let (source, split) = args.data.source(args.sim_seed, false)?;
    let mut outputs = Outputs::new();
    let predictions = claim(&mut outputs, args.predictions.as_deref(), "--predictions")?;
    let model = claim(&mut outputs, args.save_model.as_deref(), "--save-model")?;
    let out = claim(&mut outputs, args.out.as_deref(), "--out")?;
    let single = SingleRun::execute(
        &source,
        &split,
        &method,
        &estimator,
        args.seed,
        &GroupedReport::params(),
    )?;
    let report = match args.format {
        Format::Table => single.render_table(),
        Format::Json => serde_json::to_string_pretty(&single)? + "\n",
    };
    if let Some(id) = predictions {
        write_predictions(&single, &mut outputs, id)?;
    }
    if let Some(id) = model {
        let json = SavedModel::new(
            estimator,
            method,
            single.data.encoder.clone(),
            single.run.fitted.clone(),
        )
        .to_json();
        outputs.write(id, |w| w.write_all(json.as_bytes()))?;
    }
    finish(outputs, out, |w| w.write_all(report.as_bytes()))?;
    warn(
        &format!("test split (seed {})", args.seed),
        single.reports.predicted.small_groups(),
    );
    Ok(ExitCode::SUCCESS)
}

/// The test rows' predictions as CSV: label and sensitive columns as in the data, then the
/// score, the expected probability and the predicted label (in the label's values).
fn write_predictions(single: &SingleRun, outputs: &mut Outputs, id: OutputId) -> Result<()> {
    let test = &single.data.test;
    let encoder = &single.data.encoder;
    let spec = encoder.spec();
    let schema = test.groups().schema();
    let x = test.features();
    let score = single.run.fitted.score(x, test.groups())?;
    let (pos, neg) = (encoder.positive_label(), encoder.negative_label());
    let value = |b: bool| if b { pos } else { neg };
    outputs.write(id, |w| {
        let mut out = csv::Writer::from_writer(w);
        let mut header: Vec<&str> = vec![&spec.label];
        header.extend(spec.sensitive.iter().map(String::as_str));
        header.extend(["score", "expected", "pred"]);
        out.write_record(&header)?;
        let rows = test
            .labels()
            .iter()
            .zip(test.groups().codes())
            .zip(score.iter().zip(&single.run.expected))
            .zip(&single.run.predicted);
        for (((&label, &code), (score, expected)), &pred) in rows {
            let mut row = vec![value(label).to_string()];
            row.extend(schema.values(code).into_iter().map(str::to_string));
            row.extend([
                score.to_string(),
                expected.to_string(),
                value(pred).to_string(),
            ]);
            out.write_record(&row)?;
        }
        out.flush()
    })?;
    Ok(())
}
