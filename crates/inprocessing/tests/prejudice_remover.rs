//! The prejudice remover against tests/data/aif360 (docs/inprocessing.md#prejudice-remover).

use fairkit_inprocessing::PrejudiceRemover;

use crate::common::{num, prepared, reference};

fn check(dataset: &str) {
    let (Some(train), Some(test)) = (prepared(dataset, "train"), prepared(dataset, "test")) else {
        return;
    };
    let refs = reference(dataset);
    for (key, v) in refs["prejudice_remover"]["variants"].as_object().unwrap() {
        let eta = num(&v["eta"]);
        let model = PrejudiceRemover::params().eta(eta).fit(&train.data).unwrap();
        let p = model.predict(test.data.features(), test.data.groups()).unwrap();
        let p: Vec<f64> = p.iter().map(|&b| f64::from(u8::from(b))).collect();
        let (acc, dp) = test.accuracy_dp(&p);
        let conv = &v["converged_reference"];
        let (c_acc, c_dp) = (num(&conv["test"]["accuracy"]), num(&conv["test"]["demographic_parity_difference"]));
        let (a_acc, a_dp) = (num(&v["test"]["accuracy"]), num(&v["test"]["demographic_parity_difference"]));
        println!(
            "{dataset} {key}: fairkit acc {acc:.4} dp {dp:.4} loss {:.4} (iters {}, converged {}); \
             converged reference acc {c_acc:.4} dp {c_dp:.4} loss {:.4}; AIF360 acc {a_acc:.4} dp {a_dp:.4} loss {:.4}",
            model.loss(),
            model.iterations(),
            model.converged(),
            num(&conv["final_loss"]),
            num(&v["final_loss"]),
        );
        assert!((acc - c_acc).abs() <= 0.01, "{dataset} {key}: accuracy {acc} vs {c_acc}");
        assert!((dp - c_dp).abs() <= 0.02, "{dataset} {key}: DP {dp} vs {c_dp}");
        let ref_loss = num(&conv["final_loss"]);
        assert!(model.loss() <= ref_loss * (1.0 + 1e-6), "{dataset} {key}: loss {} vs {ref_loss}", model.loss());
    }
}

#[test]
fn compas_matches_the_converged_reference() {
    check("compas");
}

#[test]
fn adult_matches_the_converged_reference() {
    check("adult");
}
