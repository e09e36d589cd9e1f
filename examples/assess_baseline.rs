//! Assess a baseline: audit the data, train an ordinary model, measure how it treats each group.
//!
//! Fairness work starts with measurement, before any mitigation. This example
//!
//! 1. audits the training data: group sizes, each group's *base rate* (share of favourable
//!    labels), and *proxy candidates*, features that reveal the group even though the
//!    sensitive column itself is not a feature;
//! 2. fits a plain logistic regression that never sees the group;
//! 3. reports its test-set rates by group (fairlearn's `MetricFrame`) and the disparities.
//!
//! What to look for: group B's base rate is lower in the data, the `neighbourhood_score`
//! proxy is strongly tied to the group, and the model, although it is blind to the group,
//! approves group B far less often than group A.
//!
//! `cargo run --release --example assess_baseline`

mod common;

use common::{Result, SEED, credit_data, print_side_by_side, report};
use fairkit::core::{Classifier, Learner};
use fairkit::learners::Logistic;
use fairkit::metrics::audit::{AuditInput, AuditParams};

fn main() -> Result<()> {
    let data = credit_data()?;
    let (train, test) = (&data.train, &data.test);
    println!(
        "biased-credit scenario, split seed {SEED}: {} training rows, {} test rows\n",
        train.n_rows(),
        test.n_rows()
    );

    // 1. The audit looks at labels and features only: no model yet.
    let audit = AuditParams::default().compute(
        AuditInput::new(train.labels(), train.groups())
            .features(train.features(), train.feature_names()),
    )?;
    println!("== data audit (training rows) ==\n{}", audit.render_table());
    // Reading the audit:
    // * `share`: group B is the minority (about 40%), but large enough for stable rates (no
    //   `small` flag, which needs fewer than 30 rows).
    // * `base rate`: the share of approvals recorded for each group. The simulator gives both
    //   groups the same repayment behaviour; group B's lower rate comes from historical
    //   decisions that recorded some of its good applicants as refusals. A model trained on
    //   these labels learns that history as if it were the truth.
    // * `proxy candidates`: eta^2 is the share of a feature's variance explained by the group
    //   (0 = unrelated, 1 = the feature *is* the group). `neighbourhood_score` says nothing
    //   about repayment but reveals the group; `income` carries a group gap too. Dropping the
    //   `group` column does not remove the group from the data.

    // 2. The baseline: logistic regression with scikit-learn's default penalty (L2, C = 1),
    //    fitted by Newton-Cholesky (fairkit's default solver; it reaches the same optimum).
    let model = Logistic::params().fit(train.features(), train.labels_view(), None)?;
    println!("== baseline: logistic regression coefficients (standardized features) ==");
    for (name, coef) in train.feature_names().iter().zip(model.coefficients()) {
        println!("  {name:<22} {coef:+.3}");
    }
    // A coefficient is the change in log-odds of approval per standard deviation. Income
    // carries most of the weight: it does predict repayment, but group B's income is lower
    // at equal creditworthiness, so leaning on it also lowers group B's approvals. The proxy
    // gets a small positive weight: in these labels, a group-A neighbourhood *does* predict a
    // recorded approval, because the labels hold group B's history.

    // 3. Test-set report: one row per group, then the disparities between groups.
    let predicted = model.predict(test.features()).to_vec();
    let baseline = report(test, &predicted)?;
    println!(
        "\n== baseline on the test rows ==\n{}",
        baseline.render_table()
    );
    // SR is the selection (approval) rate, TPR the share of applicants with a favourable
    // label who are approved, FPR the share of the others who are approved. A disparity
    // flagged `!` is past the usual threshold: a difference above 0.1 or a ratio below 0.8
    // (the four-fifths rule of US employment law).

    // Before / after: the recorded labels themselves (a perfect copy of history) against the
    // model. The labels' "selection rate" is each group's base rate.
    let labels = report(test, test.labels())?;
    println!("== the labels versus the baseline (test rows) ==");
    print_side_by_side(&[("labels", &labels), ("baseline", &baseline)], None);
    // The labels' accuracy is 1 by definition and their equalized odds difference is 0 (a
    // perfect predictor has TPR 1 and FPR 0 in every group), yet they already hold a
    // demographic parity gap: the bias is in the data before any model. The baseline's gap is
    // larger still (on most seeds): an imperfect model leans on whatever separates the groups,
    // and its errors fall unevenly, so group B's applicants with a favourable label are
    // approved far less often (TPR) than group A's. The next examples reduce these gaps.
    Ok(())
}
